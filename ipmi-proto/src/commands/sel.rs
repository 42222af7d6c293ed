//! SEL Device commands (NetFn Storage 0Ah; IPMI v2.0 §31): Get SEL Info,
//! Get SEL Allocation Info, Reserve SEL, Get SEL Entry, Add SEL Entry,
//! Clear SEL, Get SEL Time and Set SEL Time.
//!
//! The 16-byte records these commands carry are decoded by
//! [`crate::sel::SelRecord`]; reading a whole log (reservations, loops,
//! incremental reads) is [`crate::ops::sel`] (feature `tokio`).
//!
//! Minimum privileges (IPMI v2.0 Appendix G): User for the read commands,
//! Operator for Add SEL Entry, Clear SEL and Set SEL Time.

use super::{bit, flag, skip_rest, Command, EmptyResponse};
use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::sel::SelTimestamp;
use crate::types::{NetFn, PrivilegeLevel};

/// Size of one SEL record in bytes (IPMI v2.0 §32).
pub const SEL_RECORD_SIZE: usize = 16;

/// Record ID 0000h: "get the first entry" (IPMI v2.0 §31.5, Table 31-5).
pub const FIRST_ENTRY: u16 = 0x0000;

/// Record ID FFFFh: "get the last entry" in a request; "no next entry" as
/// the next record ID of a response (IPMI v2.0 §31.5, Table 31-5).
pub const LAST_ENTRY: u16 = 0xffff;

/// "Bytes to read" FFh: the entire record (IPMI v2.0 §31.5, Table 31-5).
pub const READ_ENTIRE_RECORD: u8 = 0xff;

/// Completion code 81h of Get SEL Info: "cannot execute command, SEL erase
/// in progress" (IPMI v2.0 §31.2, Table 31-2).
pub const ERASE_IN_PROGRESS: u8 = 0x81;

// ---------------------------------------------------------------------------
// Get SEL Info
// ---------------------------------------------------------------------------

/// Get SEL Info (NetFn Storage 0Ah, command 40h; IPMI v2.0 §31.2,
/// Table 31-2).
///
/// No request data. Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetSelInfo;

impl Codec for GetSelInfo {
    fn encode(&self, _w: &mut Writer) {}

    fn decode(_r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self)
    }
}

impl Command for GetSelInfo {
    const NETFN: NetFn = NetFn::Storage;
    const CMD: u8 = 0x40;
    type Response = SelInfo;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// "Operation Support" byte of Get SEL Info (IPMI v2.0 §31.2, Table 31-2,
/// response byte 14).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SelOperationSupport(pub u8);

impl SelOperationSupport {
    /// `[7]` Overflow: events have been dropped because the SEL was full.
    pub fn overflow(self) -> bool {
        bit(self.0, 7)
    }
    /// `[3]` Delete SEL command supported.
    pub fn delete(self) -> bool {
        bit(self.0, 3)
    }
    /// `[2]` Partial Add SEL Entry command supported.
    pub fn partial_add(self) -> bool {
        bit(self.0, 2)
    }
    /// `[1]` Reserve SEL command supported.
    pub fn reserve(self) -> bool {
        bit(self.0, 1)
    }
    /// `[0]` Get SEL Allocation Information command supported.
    pub fn allocation_info(self) -> bool {
        bit(self.0, 0)
    }

    /// Builds the byte from its flags (reserved bits zero).
    pub fn from_flags(
        overflow: bool,
        delete: bool,
        partial_add: bool,
        reserve: bool,
        allocation_info: bool,
    ) -> Self {
        Self(
            flag(overflow, 7)
                | flag(delete, 3)
                | flag(partial_add, 2)
                | flag(reserve, 1)
                | flag(allocation_info, 0),
        )
    }
}

/// Get SEL Info response data (IPMI v2.0 §31.2, Table 31-2).
///
/// ```text
///  byte  field
///  1     SEL version (51h = IPMI v1.5 / v2.0 format, BCD, LS digit first)
///  2:3   entries, LS byte first
///  4:5   free space in bytes, LS byte first (FFFFh = 65535 or more)
///  6:9   most recent addition timestamp (FFFFFFFFh = none)
///  10:13 most recent erase timestamp (FFFFFFFFh = none)
///  14    operation support (see SelOperationSupport)
/// ```
///
/// Extra bytes are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SelInfo {
    /// SEL version byte (51h).
    pub version: u8,
    /// Number of log entries.
    pub entries: u16,
    /// Free space in bytes (FFFFh means 65535 or more).
    pub free_space: u16,
    /// Most recent addition timestamp.
    pub last_add: SelTimestamp,
    /// Most recent erase (clear or delete) timestamp.
    pub last_erase: SelTimestamp,
    /// Operation support flags.
    pub support: SelOperationSupport,
}

impl SelInfo {
    /// The version as `ipmitool sel info` and `ipmi-sel --info` print it:
    /// `"1.5"` for 51h (BCD, least significant digit first).
    pub fn version_string(&self) -> String {
        format!("{}.{}", self.version & 0x0f, self.version >> 4)
    }
}

impl Codec for SelInfo {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.version)
            .u16_le(self.entries)
            .u16_le(self.free_space)
            .u32_le(self.last_add.0)
            .u32_le(self.last_erase.0)
            .u8(self.support.0);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let version = r.u8("SEL version")?;
        let entries = r.u16_le("SEL entries")?;
        let free_space = r.u16_le("SEL free space")?;
        let last_add = SelTimestamp(r.u32_le("SEL most recent addition timestamp")?);
        let last_erase = SelTimestamp(r.u32_le("SEL most recent erase timestamp")?);
        let support = SelOperationSupport(r.u8("SEL operation support")?);
        skip_rest(r);
        Ok(Self {
            version,
            entries,
            free_space,
            last_add,
            last_erase,
            support,
        })
    }
}

// ---------------------------------------------------------------------------
// Get SEL Allocation Info
// ---------------------------------------------------------------------------

/// Get SEL Allocation Info (NetFn Storage 0Ah, command 41h; IPMI v2.0
/// §31.3, Table 31-3).
///
/// No request data. Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetSelAllocationInfo;

impl Codec for GetSelAllocationInfo {
    fn encode(&self, _w: &mut Writer) {}

    fn decode(_r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self)
    }
}

impl Command for GetSelAllocationInfo {
    const NETFN: NetFn = NetFn::Storage;
    const CMD: u8 = 0x41;
    type Response = SelAllocationInfo;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get SEL Allocation Info response data (IPMI v2.0 §31.3, Table 31-3).
///
/// ```text
///  byte  field
///  1:2   number of possible allocation units, LS byte first
///  3:4   allocation unit size in bytes (0000h = unspecified)
///  5:6   number of free allocation units
///  7:8   largest free block, in allocation units
///  9     maximum record size, in allocation units
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SelAllocationInfo {
    /// Number of possible allocation units.
    pub possible_units: u16,
    /// Allocation unit size in bytes (0 = unspecified).
    pub unit_size: u16,
    /// Number of free allocation units.
    pub free_units: u16,
    /// Largest free block, in allocation units.
    pub largest_free_block: u16,
    /// Maximum record size, in allocation units.
    pub max_record_size: u8,
}

impl Codec for SelAllocationInfo {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.possible_units)
            .u16_le(self.unit_size)
            .u16_le(self.free_units)
            .u16_le(self.largest_free_block)
            .u8(self.max_record_size);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let v = Self {
            possible_units: r.u16_le("possible allocation units")?,
            unit_size: r.u16_le("allocation unit size")?,
            free_units: r.u16_le("free allocation units")?,
            largest_free_block: r.u16_le("largest free block")?,
            max_record_size: r.u8("maximum record size")?,
        };
        skip_rest(r);
        Ok(v)
    }
}

// ---------------------------------------------------------------------------
// Reserve SEL
// ---------------------------------------------------------------------------

/// Reserve SEL (NetFn Storage 0Ah, command 42h; IPMI v2.0 §31.4,
/// Table 31-4).
///
/// No request data. Minimum privilege: User. A reservation is needed for
/// partial Get SEL Entry reads (offset ≠ 0), Delete SEL Entry and Clear
/// SEL; it is cancelled by the next Reserve SEL, a clear, a delete, an
/// added event or a BMC reset (IPMI v2.0 §31.4.1). Some BMCs (Supermicro
/// H8QME) refuse it below Operator; readers then continue without one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ReserveSel;

impl Codec for ReserveSel {
    fn encode(&self, _w: &mut Writer) {}

    fn decode(_r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self)
    }
}

impl Command for ReserveSel {
    const NETFN: NetFn = NetFn::Storage;
    const CMD: u8 = 0x42;
    type Response = SelReservation;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Reserve SEL response data: the reservation ID, LS byte first (IPMI
/// v2.0 §31.4, Table 31-4; 0000h is reserved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SelReservation {
    /// Reservation ID.
    pub reservation_id: u16,
}

impl Codec for SelReservation {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.reservation_id);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let reservation_id = r.u16_le("SEL reservation ID")?;
        skip_rest(r);
        Ok(Self { reservation_id })
    }
}

// ---------------------------------------------------------------------------
// Get SEL Entry
// ---------------------------------------------------------------------------

/// Get SEL Entry (NetFn Storage 0Ah, command 43h; IPMI v2.0 §31.5,
/// Table 31-5).
///
/// ```text
///  byte  field
///  1:2   reservation ID, LS byte first (0000h allowed when offset = 0)
///  3:4   SEL record ID (0000h = first entry, FFFFh = last entry)
///  5     offset into the record
///  6     bytes to read (FFh = entire record)
/// ```
///
/// Minimum privilege: User. An empty SEL answers CBh ("not present").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GetSelEntry {
    /// Reservation ID (0000h for a whole-record read without reservation).
    pub reservation_id: u16,
    /// Record ID to read.
    pub record_id: u16,
    /// Offset into the record.
    pub offset: u8,
    /// Bytes to read ([`READ_ENTIRE_RECORD`] = all).
    pub bytes: u8,
}

impl GetSelEntry {
    /// A whole-record read without reservation.
    pub fn whole(record_id: u16) -> Self {
        Self {
            reservation_id: 0,
            record_id,
            offset: 0,
            bytes: READ_ENTIRE_RECORD,
        }
    }

    /// A partial read under `reservation_id`.
    pub fn partial(reservation_id: u16, record_id: u16, offset: u8, bytes: u8) -> Self {
        Self {
            reservation_id,
            record_id,
            offset,
            bytes,
        }
    }
}

impl Codec for GetSelEntry {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.reservation_id)
            .u16_le(self.record_id)
            .u8(self.offset)
            .u8(self.bytes);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            reservation_id: r.u16_le("reservation ID")?,
            record_id: r.u16_le("SEL record ID")?,
            offset: r.u8("offset into record")?,
            bytes: r.u8("bytes to read")?,
        })
    }
}

impl Command for GetSelEntry {
    const NETFN: NetFn = NetFn::Storage;
    const CMD: u8 = 0x43;
    type Response = SelEntryData;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get SEL Entry response data (IPMI v2.0 §31.5, Table 31-5): the next
/// record ID (LS byte first, FFFFh = this was the last record) and the
/// requested record bytes (16 for a whole record; fewer for a partial
/// read).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SelEntryData {
    /// Next SEL record ID ([`LAST_ENTRY`] = none).
    pub next_record_id: u16,
    /// The record bytes returned.
    pub data: Vec<u8>,
}

impl Codec for SelEntryData {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.next_record_id).bytes(&self.data);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let next_record_id = r.u16_le("next SEL record ID")?;
        let data = r.rest().to_vec();
        Ok(Self {
            next_record_id,
            data,
        })
    }
}

// ---------------------------------------------------------------------------
// Add SEL Entry
// ---------------------------------------------------------------------------

/// Add SEL Entry (NetFn Storage 0Ah, command 44h; IPMI v2.0 §31.6,
/// Table 31-6): the 16-byte record to add. The SEL device assigns the
/// record ID (bytes 1–2 are ignored) and, for record types 02h and
/// C0h–DFh, overwrites the timestamp with its own clock.
///
/// Minimum privilege: Operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddSelEntry {
    /// The record as stored (IPMI v2.0 §32).
    pub record: [u8; SEL_RECORD_SIZE],
}

impl Codec for AddSelEntry {
    fn encode(&self, w: &mut Writer) {
        w.bytes(&self.record);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            record: r.array("SEL record")?,
        })
    }
}

impl Command for AddSelEntry {
    const NETFN: NetFn = NetFn::Storage;
    const CMD: u8 = 0x44;
    type Response = AddSelEntryResponse;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::Operator;
}

/// Add SEL Entry response data: the record ID given to the new record (IPMI
/// v2.0 §31.6, Table 31-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddSelEntryResponse {
    /// Record ID of the added record.
    pub record_id: u16,
}

impl Codec for AddSelEntryResponse {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.record_id);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let record_id = r.u16_le("added SEL record ID")?;
        skip_rest(r);
        Ok(Self { record_id })
    }
}

// ---------------------------------------------------------------------------
// Clear SEL
// ---------------------------------------------------------------------------

/// What Clear SEL should do (IPMI v2.0 §31.9, Table 31-9, request byte 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClearSelAction {
    /// AAh: initiate erase.
    Initiate,
    /// 00h: get erasure status.
    GetStatus,
}

impl ClearSelAction {
    /// The request byte.
    pub fn code(self) -> u8 {
        match self {
            Self::Initiate => 0xaa,
            Self::GetStatus => 0x00,
        }
    }
}

/// Clear SEL (NetFn Storage 0Ah, command 47h; IPMI v2.0 §31.9,
/// Table 31-9).
///
/// ```text
///  byte  field
///  1:2   reservation ID, LS byte first
///  3:5   'C' (43h), 'L' (4Ch), 'R' (52h)
///  6     AAh = initiate erase, 00h = get erasure status
/// ```
///
/// Minimum privilege: Operator. Decoding refuses a request without the
/// `CLR` signature or with another action byte
/// ([`DecodeError::InvalidField`]; the BMC answers CCh).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClearSel {
    /// Reservation ID from Reserve SEL.
    pub reservation_id: u16,
    /// Erase, or ask how the erase is going.
    pub action: ClearSelAction,
}

/// The Clear SEL signature `'C' 'L' 'R'`.
const CLR: [u8; 3] = *b"CLR";

impl Codec for ClearSel {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.reservation_id)
            .bytes(&CLR)
            .u8(self.action.code());
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let reservation_id = r.u16_le("reservation ID")?;
        let sig: [u8; 3] = r.array("Clear SEL signature")?;
        if sig != CLR {
            let [a, b, c] = sig;
            return Err(DecodeError::InvalidField {
                what: "Clear SEL signature",
                value: u32::from_be_bytes([0, a, b, c]),
            });
        }
        let action = match r.u8("Clear SEL action")? {
            0xaa => ClearSelAction::Initiate,
            0x00 => ClearSelAction::GetStatus,
            other => {
                return Err(DecodeError::InvalidField {
                    what: "Clear SEL action",
                    value: u32::from(other),
                })
            }
        };
        Ok(Self {
            reservation_id,
            action,
        })
    }
}

impl Command for ClearSel {
    const NETFN: NetFn = NetFn::Storage;
    const CMD: u8 = 0x47;
    type Response = ClearSelStatus;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::Operator;
}

/// Clear SEL response data: erasure progress (IPMI v2.0 §31.9, Table 31-9;
/// `[3:0]` 0h = erasure in progress, 1h = erase completed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClearSelStatus {
    /// `true` when the erase has completed.
    pub completed: bool,
}

impl Codec for ClearSelStatus {
    fn encode(&self, w: &mut Writer) {
        w.u8(u8::from(self.completed));
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let b = r.u8("erasure progress")?;
        skip_rest(r);
        Ok(Self {
            completed: b & 0x0f == 1,
        })
    }
}

// ---------------------------------------------------------------------------
// Get / Set SEL Time
// ---------------------------------------------------------------------------

/// Get SEL Time (NetFn Storage 0Ah, command 48h; IPMI v2.0 §31.10,
/// Table 31-10).
///
/// No request data. Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetSelTime;

impl Codec for GetSelTime {
    fn encode(&self, _w: &mut Writer) {}

    fn decode(_r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self)
    }
}

impl Command for GetSelTime {
    const NETFN: NetFn = NetFn::Storage;
    const CMD: u8 = 0x48;
    type Response = SelTime;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// The SEL clock (IPMI v2.0 §31.10–§31.11; timestamp format §37): the
/// response of Get SEL Time and the request of Set SEL Time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SelTime {
    /// The time, LS byte first.
    pub time: SelTimestamp,
}

impl Codec for SelTime {
    fn encode(&self, w: &mut Writer) {
        w.u32_le(self.time.0);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let time = SelTimestamp(r.u32_le("SEL time")?);
        Ok(Self { time })
    }
}

/// Set SEL Time (NetFn Storage 0Ah, command 49h; IPMI v2.0 §31.11,
/// Table 31-11): the request data is a [`SelTime`].
///
/// Minimum privilege: Operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SetSelTime(pub SelTime);

impl Codec for SetSelTime {
    fn encode(&self, w: &mut Writer) {
        self.0.encode(w);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        SelTime::decode(r).map(Self)
    }
}

impl Command for SetSelTime {
    const NETFN: NetFn = NetFn::Storage;
    const CMD: u8 = 0x49;
    type Response = EmptyResponse;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::Operator;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::test_util::{decode_any, golden, hex, round_trip};
    use proptest::prelude::*;

    /// Get SEL Info of the bmc-sim reference simulator (21 entries, 16048
    /// bytes free, last addition 2024-05-14 14:06:40, last erase 08:00:00,
    /// flags 0Bh: delete, reserve, allocation info), as `ipmi-sel --info`
    /// and `ipmitool sel info` report it.
    const SIM_SEL_INFO: &str = "51 15 00 b0 3e f0 6f 43 66 00 1a 43 66 0b";

    #[test]
    fn get_sel_info_golden() {
        golden("", &GetSelInfo);
        assert_eq!((GetSelInfo::NETFN, GetSelInfo::CMD), (NetFn::Storage, 0x40));
        let info = SelInfo {
            version: 0x51,
            entries: 21,
            free_space: 16048,
            last_add: SelTimestamp(1_715_695_600),
            last_erase: SelTimestamp(1_715_673_600),
            support: SelOperationSupport(0x0b),
        };
        golden(SIM_SEL_INFO, &info);
        assert_eq!(info.version_string(), "1.5");
        assert!(info.support.delete() && info.support.reserve());
        assert!(info.support.allocation_info());
        assert!(!info.support.partial_add() && !info.support.overflow());
        assert_eq!(
            SelOperationSupport::from_flags(false, true, false, true, true),
            info.support
        );
        // Extra bytes are ignored; missing ones are an error.
        assert_eq!(
            SelInfo::from_bytes(&hex(&format!("{SIM_SEL_INFO} 00"))),
            Ok(info)
        );
        assert!(SelInfo::from_bytes(&hex("51 15 00 b0 3e f0 6f 43 66 00 1a 43 66")).is_err());
    }

    #[test]
    fn allocation_info_golden() {
        golden("", &GetSelAllocationInfo);
        golden(
            "00 40 10 00 b0 3e b0 3e 01",
            &SelAllocationInfo {
                possible_units: 16384,
                unit_size: 16,
                free_units: 16048,
                largest_free_block: 16048,
                max_record_size: 1,
            },
        );
        assert_eq!(GetSelAllocationInfo::CMD, 0x41);
    }

    #[test]
    fn reserve_golden() {
        golden("", &ReserveSel);
        golden(
            "34 12",
            &SelReservation {
                reservation_id: 0x1234,
            },
        );
        assert_eq!(ReserveSel::CMD, 0x42);
        assert!(SelReservation::from_bytes(&[1]).is_err());
    }

    #[test]
    fn get_sel_entry_golden() {
        golden("00 00 00 00 00 ff", &GetSelEntry::whole(FIRST_ENTRY));
        golden("02 00 15 00 08 08", &GetSelEntry::partial(2, 0x15, 8, 8));
        assert_eq!(GetSelEntry::CMD, 0x43);
        assert!(GetSelEntry::from_bytes(&hex("00 00 00 00 00")).is_err());
        assert!(GetSelEntry::from_bytes(&hex("00 00 00 00 00 ff 00")).is_err());
        // Record 4 of the reference simulator, followed by record 5.
        golden(
            "05 00 04 00 02 10 28 43 66 20 00 04 04 43 01 50 06 07",
            &SelEntryData {
                next_record_id: 5,
                data: hex("04 00 02 10 28 43 66 20 00 04 04 43 01 50 06 07"),
            },
        );
        assert!(SelEntryData::from_bytes(&[0xff]).is_err());
    }

    #[test]
    fn add_clear_time_golden() {
        let record = [0x11; 16];
        golden(&"11".repeat(16), &AddSelEntry { record });
        assert!(AddSelEntry::from_bytes(&[0; 15]).is_err());
        golden("16 00", &AddSelEntryResponse { record_id: 0x16 });
        golden(
            "07 00 43 4c 52 aa",
            &ClearSel {
                reservation_id: 7,
                action: ClearSelAction::Initiate,
            },
        );
        golden(
            "07 00 43 4c 52 00",
            &ClearSel {
                reservation_id: 7,
                action: ClearSelAction::GetStatus,
            },
        );
        assert!(ClearSel::from_bytes(&hex("07 00 43 4c 51 aa")).is_err());
        assert!(ClearSel::from_bytes(&hex("07 00 43 4c 52 ab")).is_err());
        golden("01", &ClearSelStatus { completed: true });
        golden("00", &ClearSelStatus { completed: false });
        golden("", &GetSelTime);
        let t = SelTime {
            time: SelTimestamp(0x6643_6ff0),
        };
        golden("f0 6f 43 66", &t);
        golden("f0 6f 43 66", &SetSelTime(t));
        assert_eq!(
            (
                AddSelEntry::PRIVILEGE,
                ClearSel::PRIVILEGE,
                SetSelTime::PRIVILEGE
            ),
            (
                PrivilegeLevel::Operator,
                PrivilegeLevel::Operator,
                PrivilegeLevel::Operator
            )
        );
        assert_eq!(
            (
                ClearSel::CMD,
                GetSelTime::CMD,
                SetSelTime::CMD,
                AddSelEntry::CMD
            ),
            (0x47, 0x48, 0x49, 0x44)
        );
    }

    proptest! {
        #[test]
        fn round_trips(
            version in any::<u8>(), entries in any::<u16>(), free in any::<u16>(),
            add in any::<u32>(), erase in any::<u32>(), support in any::<u8>(),
            a in any::<u16>(), b in any::<u16>(), c in any::<u8>(), d in any::<u8>(),
            data in proptest::collection::vec(any::<u8>(), 0..20),
            record in any::<[u8; 16]>(), initiate in any::<bool>(),
        ) {
            round_trip(&SelInfo {
                version, entries, free_space: free,
                last_add: SelTimestamp(add), last_erase: SelTimestamp(erase),
                support: SelOperationSupport(support),
            });
            round_trip(&SelAllocationInfo {
                possible_units: a, unit_size: b, free_units: entries,
                largest_free_block: free, max_record_size: c,
            });
            round_trip(&SelReservation { reservation_id: a });
            round_trip(&GetSelEntry { reservation_id: a, record_id: b, offset: c, bytes: d });
            round_trip(&SelEntryData { next_record_id: a, data });
            round_trip(&AddSelEntry { record });
            round_trip(&AddSelEntryResponse { record_id: b });
            let action = if initiate { ClearSelAction::Initiate } else { ClearSelAction::GetStatus };
            round_trip(&ClearSel { reservation_id: a, action });
            round_trip(&ClearSelStatus { completed: initiate });
            round_trip(&SelTime { time: SelTimestamp(add) });
            round_trip(&SetSelTime(SelTime { time: SelTimestamp(erase) }));
        }

        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..32)) {
            decode_any::<SelInfo>(&bytes);
            decode_any::<SelAllocationInfo>(&bytes);
            decode_any::<SelReservation>(&bytes);
            decode_any::<GetSelEntry>(&bytes);
            decode_any::<SelEntryData>(&bytes);
            decode_any::<AddSelEntry>(&bytes);
            decode_any::<AddSelEntryResponse>(&bytes);
            decode_any::<ClearSel>(&bytes);
            decode_any::<ClearSelStatus>(&bytes);
            decode_any::<SelTime>(&bytes);
            decode_any::<SetSelTime>(&bytes);
        }
    }
}
