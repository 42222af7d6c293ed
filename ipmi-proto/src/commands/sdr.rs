//! SDR repository commands (NetFn Storage 0Ah): Get SDR Repository Info,
//! Reserve SDR Repository and Get SDR (IPMI v2.0 §33.9, §33.11, §33.12).
//!
//! These are the wire forms only. Walking the repository — whole-record
//! reads with a partial-read fallback, reservations, loop guards — is the
//! sans-IO [`crate::sdr::SdrReader`]; the records themselves are parsed by
//! [`crate::sdr::SdrRecord`].

use super::{skip_rest, Command};
use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::types::{NetFn, PrivilegeLevel};

// ---------------------------------------------------------------------------
// Get SDR Repository Info
// ---------------------------------------------------------------------------

/// Get SDR Repository Info (NetFn Storage 0Ah, command 20h; IPMI v2.0
/// §33.9, Table 33-3).
///
/// No request data. Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetSdrRepositoryInfo;

impl Codec for GetSdrRepositoryInfo {
    fn encode(&self, _w: &mut Writer) {}

    fn decode(_r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self)
    }
}

impl Command for GetSdrRepositoryInfo {
    const NETFN: NetFn = NetFn::Storage;
    const CMD: u8 = 0x20;
    type Response = SdrRepositoryInfo;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get SDR Repository Info response data (IPMI v2.0 §33.9, Table 33-3).
///
/// ```text
///  byte  field
///  1     SDR version (BCD, low nibble = major: 51h = 1.5, 02h = 2.0)
///  2:3   record count, LS byte first
///  4:5   free space in bytes, LS byte first (FFFEh = 64 KiB - 2 or more)
///  6:9   most recent addition timestamp, LS byte first
///  10:13 most recent erase timestamp, LS byte first
///  14    operation support: [7] overflow, [6:5] update modes,
///        [3] Delete SDR, [2] Partial Add SDR, [1] Reserve SDR Repository,
///        [0] Get SDR Repository Allocation Information
/// ```
///
/// The two timestamps are the cache key: when both are unchanged, the
/// repository is unchanged (§33.9 "most recent addition/erase").
/// Decoding ignores bytes after byte 14.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SdrRepositoryInfo {
    /// SDR version byte (BCD, e.g. `0x51` = 1.5).
    pub sdr_version: u8,
    /// Number of records in the repository.
    pub record_count: u16,
    /// Free space in bytes.
    pub free_space: u16,
    /// Most recent addition timestamp (seconds, IPMI time format §37).
    pub most_recent_addition: u32,
    /// Most recent erase timestamp.
    pub most_recent_erase: u32,
    /// Operation support bits.
    pub operation_support: u8,
}

impl Codec for SdrRepositoryInfo {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.sdr_version)
            .u16_le(self.record_count)
            .u16_le(self.free_space)
            .u32_le(self.most_recent_addition)
            .u32_le(self.most_recent_erase)
            .u8(self.operation_support);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let v = Self {
            sdr_version: r.u8("SDR version")?,
            record_count: r.u16_le("record count")?,
            free_space: r.u16_le("free space")?,
            most_recent_addition: r.u32_le("most recent addition timestamp")?,
            most_recent_erase: r.u32_le("most recent erase timestamp")?,
            operation_support: r.u8("operation support")?,
        };
        skip_rest(r);
        Ok(v)
    }
}

impl SdrRepositoryInfo {
    /// `true` when the repository overflowed (operation support bit 7).
    pub fn overflow(&self) -> bool {
        self.operation_support & 0x80 != 0
    }

    /// `true` when Reserve SDR Repository is supported (bit 1).
    pub fn reserve_supported(&self) -> bool {
        self.operation_support & 0x02 != 0
    }

    /// `true` when the two timestamps equal `other`'s: the repository has
    /// not changed in between (§33.9).
    pub fn same_content(&self, other: &Self) -> bool {
        self.most_recent_addition == other.most_recent_addition
            && self.most_recent_erase == other.most_recent_erase
    }

    /// The SDR version as text, "1.5" for 51h.
    pub fn version_string(&self) -> String {
        format!("{}.{}", self.sdr_version & 0x0f, self.sdr_version >> 4)
    }
}

// ---------------------------------------------------------------------------
// Reserve SDR Repository
// ---------------------------------------------------------------------------

/// Reserve SDR Repository (NetFn Storage 0Ah, command 22h; IPMI v2.0
/// §33.11, Table 33-5).
///
/// No request data. A reservation is needed for Get SDR reads at a non-zero
/// offset; it is cancelled by any change to the repository and by another
/// requester's reservation (answered with C5h). Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ReserveSdrRepository;

impl Codec for ReserveSdrRepository {
    fn encode(&self, _w: &mut Writer) {}

    fn decode(_r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self)
    }
}

impl Command for ReserveSdrRepository {
    const NETFN: NetFn = NetFn::Storage;
    const CMD: u8 = 0x22;
    type Response = SdrReservation;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Reserve SDR Repository response data: the reservation ID, LS byte
/// first (IPMI v2.0 §33.11). Extra bytes are ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SdrReservation {
    /// Reservation ID (0000h is never a valid reservation).
    pub reservation_id: u16,
}

impl Codec for SdrReservation {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.reservation_id);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let reservation_id = r.u16_le("reservation ID")?;
        skip_rest(r);
        Ok(Self { reservation_id })
    }
}

// ---------------------------------------------------------------------------
// Get SDR
// ---------------------------------------------------------------------------

/// The record ID of the first record in Get SDR (IPMI v2.0 §33.12).
pub const FIRST_RECORD_ID: u16 = 0x0000;
/// The "next record ID" that marks the last record (IPMI v2.0 §33.12).
pub const LAST_RECORD_ID: u16 = 0xffff;
/// "Bytes to read" value that asks for the whole record (IPMI v2.0 §33.12).
pub const READ_WHOLE_RECORD: u8 = 0xff;

/// Get SDR (NetFn Storage 0Ah, command 23h; IPMI v2.0 §33.12, Table 33-6).
///
/// ```text
///  byte  field
///  1:2   reservation ID, LS byte first (0000h allowed when offset = 0)
///  3:4   record ID, LS byte first (0000h = first record)
///  5     offset into record
///  6     bytes to read (FFh = entire record)
/// ```
///
/// Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetSdr {
    /// Reservation ID; only required for partial reads with offset ≠ 0.
    pub reservation_id: u16,
    /// Record to read.
    pub record_id: u16,
    /// Offset into the record (the 5-byte header counts).
    pub offset: u8,
    /// Bytes to read, [`READ_WHOLE_RECORD`] for all.
    pub bytes_to_read: u8,
}

impl Codec for GetSdr {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.reservation_id)
            .u16_le(self.record_id)
            .u8(self.offset)
            .u8(self.bytes_to_read);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            reservation_id: r.u16_le("reservation ID")?,
            record_id: r.u16_le("record ID")?,
            offset: r.u8("offset into record")?,
            bytes_to_read: r.u8("bytes to read")?,
        })
    }
}

impl Command for GetSdr {
    const NETFN: NetFn = NetFn::Storage;
    const CMD: u8 = 0x23;
    type Response = SdrChunk;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get SDR response data: the next record ID and the requested bytes of
/// the record (IPMI v2.0 §33.12).
///
/// The record bytes are whatever the BMC sent; checking them against the
/// record header's length is the reader's job (BMCs send too few or too
/// many, see [`crate::sdr::SdrReader`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SdrChunk {
    /// ID of the next record, [`LAST_RECORD_ID`] after the last one.
    pub next_record_id: u16,
    /// Record bytes starting at the requested offset.
    pub data: Vec<u8>,
}

impl Codec for SdrChunk {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.next_record_id).bytes(&self.data);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let next_record_id = r.u16_le("next record ID")?;
        let data = r.rest().to_vec();
        Ok(Self {
            next_record_id,
            data,
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::commands::test_util::{decode_any, golden, hex, round_trip};

    #[test]
    fn command_codes() {
        assert_eq!(
            (GetSdrRepositoryInfo::NETFN, GetSdrRepositoryInfo::CMD),
            (NetFn::Storage, 0x20)
        );
        assert_eq!(ReserveSdrRepository::CMD, 0x22);
        assert_eq!(GetSdr::CMD, 0x23);
        assert_eq!(GetSdr::PRIVILEGE, PrivilegeLevel::User);
        golden("", &GetSdrRepositoryInfo);
        golden("", &ReserveSdrRepository);
    }

    #[test]
    fn repository_info_golden() {
        // ipmi_sim (bmc-sim): version 1.5, 38 records, 64 KiB free,
        // addition 0x0000_0a3c, erase 0, reserve + alloc info supported.
        let info = SdrRepositoryInfo {
            sdr_version: 0x51,
            record_count: 38,
            free_space: 0xfffe,
            most_recent_addition: 0x0000_0a3c,
            most_recent_erase: 0,
            operation_support: 0x23,
        };
        golden("51 26 00 fe ff 3c 0a 00 00 00 00 00 00 23", &info);
        assert!(info.reserve_supported());
        assert!(!info.overflow());
        assert_eq!(info.version_string(), "1.5");
        // Extra bytes ignored; missing operation support is truncation.
        let mut long = hex("51 26 00 fe ff 3c 0a 00 00 00 00 00 00 23 99");
        assert_eq!(SdrRepositoryInfo::from_bytes(&long), Ok(info));
        long.truncate(13);
        assert!(SdrRepositoryInfo::from_bytes(&long).is_err());
        let mut other = info;
        assert!(info.same_content(&other));
        other.most_recent_erase = 1;
        assert!(!info.same_content(&other));
    }

    #[test]
    fn reservation_golden() {
        golden(
            "34 12",
            &SdrReservation {
                reservation_id: 0x1234,
            },
        );
        assert!(SdrReservation::from_bytes(&[1]).is_err());
    }

    #[test]
    fn get_sdr_golden() {
        // Whole record 2 with no reservation, as FreeIPMI's first try.
        golden(
            "00 00 02 00 00 ff",
            &GetSdr {
                reservation_id: 0,
                record_id: 2,
                offset: 0,
                bytes_to_read: READ_WHOLE_RECORD,
            },
        );
        // Partial read: reservation 0x0102, record 0x0305, offset 5, 16 bytes.
        golden(
            "02 01 05 03 05 10",
            &GetSdr {
                reservation_id: 0x0102,
                record_id: 0x0305,
                offset: 5,
                bytes_to_read: 16,
            },
        );
        assert!(GetSdr::from_bytes(&hex("00 00 02 00 00")).is_err());
        assert!(GetSdr::from_bytes(&hex("00 00 02 00 00 ff 00")).is_err());
    }

    #[test]
    fn chunk_golden() {
        golden(
            "03 00 02 00 51 12 10",
            &SdrChunk {
                next_record_id: 3,
                data: vec![0x02, 0x00, 0x51, 0x12, 0x10],
            },
        );
        golden(
            "ff ff",
            &SdrChunk {
                next_record_id: LAST_RECORD_ID,
                data: vec![],
            },
        );
        assert!(SdrChunk::from_bytes(&[0xff]).is_err());
    }

    proptest! {
        #[test]
        fn round_trips(
            v in any::<u8>(), n in any::<u16>(), f in any::<u16>(), a in any::<u32>(),
            e in any::<u32>(), o in any::<u8>(), id in any::<u16>(),
            data in proptest::collection::vec(any::<u8>(), 0..80),
        ) {
            round_trip(&SdrRepositoryInfo {
                sdr_version: v, record_count: n, free_space: f,
                most_recent_addition: a, most_recent_erase: e, operation_support: o,
            });
            round_trip(&SdrReservation { reservation_id: id });
            round_trip(&GetSdr { reservation_id: n, record_id: id, offset: v, bytes_to_read: o });
            round_trip(&SdrChunk { next_record_id: id, data });
        }

        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            decode_any::<GetSdrRepositoryInfo>(&bytes);
            decode_any::<SdrRepositoryInfo>(&bytes);
            decode_any::<ReserveSdrRepository>(&bytes);
            decode_any::<SdrReservation>(&bytes);
            decode_any::<GetSdr>(&bytes);
            decode_any::<SdrChunk>(&bytes);
        }
    }
}
