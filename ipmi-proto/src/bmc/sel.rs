//! The virtual BMC's System Event Log (IPMI v2.0 §31).
//!
//! [`SelModel`] holds 16-byte records (IPMI v2.0 §32) and serves Get SEL
//! Info, Get SEL Allocation Info, Reserve SEL, Get SEL Entry (whole and
//! partial reads, with reservation checks), Add SEL Entry, Clear SEL, Get
//! SEL Time and Set SEL Time.
//!
//! The model has no clock of its own (the BMC core is sans-IO): its SEL
//! time is a value, set by [`SelModel::set_time`] or Set SEL Time, that
//! stamps added records and clears. [`SelModel::default`] is a log of 22
//! realistic entries (threshold and discrete events, a pre-init
//! timestamp, OEM C0h and E0h records) with fixed timestamps.

use crate::commands::sel::{
    AddSelEntry, AddSelEntryResponse, ClearSel, ClearSelAction, ClearSelStatus,
    GetSelAllocationInfo, GetSelEntry, GetSelInfo, GetSelTime, ReserveSel, SelAllocationInfo,
    SelEntryData, SelInfo, SelOperationSupport, SelReservation, SelTime, SetSelTime, FIRST_ENTRY,
    LAST_ENTRY, READ_ENTIRE_RECORD, SEL_RECORD_SIZE,
};
use crate::commands::{Command, EmptyResponse};
use crate::sel::{RecordClass, SelTimestamp};
use crate::types::CompletionCode;
use crate::wire::message::IpmiRequest;

use super::handler::{run, Caller, Outcome};

/// 2025-01-15 08:00:00 UTC, the first timestamp of the default log.
const DEFAULT_BASE: u32 = 1_736_928_000;

/// Counters of a [`SelModel`], for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SelStats {
    /// Get SEL Info requests answered.
    pub info: u64,
    /// Get SEL Entry requests answered (successfully or not).
    pub get_entry: u64,
    /// Reserve SEL requests answered.
    pub reserve: u64,
}

/// System Event Log of a virtual BMC.
#[derive(Debug, Clone)]
pub struct SelModel {
    records: Vec<[u8; SEL_RECORD_SIZE]>,
    max_entries: u16,
    next_id: u16,
    reservation: u16,
    time: SelTimestamp,
    last_add: SelTimestamp,
    last_erase: SelTimestamp,
    stats: SelStats,
    faults: SelFaults,
}

/// Misbehaviours a [`SelModel`] can imitate, for testing readers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SelFaults {
    /// Answer CAh ("cannot return the requested bytes") to reads of more
    /// than this many bytes, whole-record reads included: forces readers
    /// into partial reads under a reservation.
    pub max_read_bytes: Option<u8>,
    /// Answer Reserve SEL with D4h below this privilege, and accept
    /// partial reads without a reservation (Supermicro H8QME).
    pub reserve_privilege: Option<crate::types::PrivilegeLevel>,
}

impl Default for SelModel {
    /// 22 entries: log cleared, BIOS boot event, a pre-init POST error,
    /// ACPI S0, fan, temperature and voltage threshold events (with
    /// deassertion), power supply failure and redundancy lost, chassis
    /// intrusion, correctable ECC with OEM data, drive fault, watchdog
    /// hard reset, PCI PERR, battery low, processor IERR, an OEM C0h
    /// (IANA 49871) and an OEM E0h record. Room for 1024 entries.
    fn default() -> Self {
        let t = |s: u32| DEFAULT_BASE.saturating_add(s).to_le_bytes();
        #[rustfmt::skip]
        let events: [([u8; 4], [u8; 9]); 20] = [
            // ts,      gen lo/hi, evm, type, num, dir|type, ed1, ed2, ed3
            (t(0),      [0x20, 0x00, 0x04, 0x10, 0x01, 0x6f, 0x02, 0xff, 0xff]), // Log area reset/cleared
            (t(95),     [0x01, 0x00, 0x04, 0x12, 0x02, 0x6f, 0x01, 0xff, 0xff]), // OEM system boot event (BIOS)
            ([0x3c, 0x0a, 0, 0], [0x01, 0x00, 0x04, 0x0f, 0x03, 0x6f, 0xc0, 0x01, 0xff]), // pre-init: firmware error, no memory
            (t(130),    [0x20, 0x00, 0x04, 0x22, 0x04, 0x6f, 0x00, 0xff, 0xff]), // ACPI S0/G0 working
            (t(3600),   [0x20, 0x00, 0x04, 0x04, 0x30, 0x01, 0x50, 0x06, 0x07]), // Fan 30h lower NC going low
            (t(3605),   [0x20, 0x00, 0x04, 0x04, 0x30, 0x01, 0x52, 0x04, 0x05]), // Fan 30h lower C going low
            (t(7200),   [0x20, 0x00, 0x04, 0x01, 0x02, 0x01, 0x57, 0x57, 0x55]), // Temp 02h upper NC going high
            (t(7260),   [0x20, 0x00, 0x04, 0x01, 0x02, 0x01, 0x59, 0x5c, 0x5a]), // Temp 02h upper C going high
            (t(9000),   [0x20, 0x00, 0x04, 0x08, 0x61, 0x6f, 0x01, 0xff, 0xff]), // PS 61h failure detected
            (t(9001),   [0x20, 0x00, 0x04, 0x08, 0x63, 0x0b, 0x01, 0xff, 0xff]), // PS redundancy lost
            (t(10800),  [0x20, 0x00, 0x04, 0x02, 0x10, 0x01, 0x59, 0xdb, 0xda]), // 12V upper C going high
            (t(10860),  [0x20, 0x00, 0x04, 0x02, 0x10, 0x81, 0x59, 0xc8, 0xda]), // ... deasserted
            (t(14400),  [0x20, 0x00, 0x04, 0x05, 0x50, 0x6f, 0x00, 0xff, 0xff]), // General chassis intrusion
            (t(14460),  [0x20, 0x00, 0x04, 0x05, 0x50, 0xef, 0x00, 0xff, 0xff]), // ... deasserted
            (t(18000),  [0x01, 0x00, 0x04, 0x0c, 0x60, 0x6f, 0xa0, 0x00, 0x01]), // Correctable ECC, OEM data (BIOS)
            (t(18100),  [0x20, 0x00, 0x04, 0x0d, 0x70, 0x6f, 0x01, 0xff, 0xff]), // Drive fault
            (t(21600),  [0x20, 0x00, 0x04, 0x23, 0x71, 0x6f, 0xc1, 0x04, 0xff]), // Watchdog2 hard reset, SMS/OS
            (t(21700),  [0x01, 0x00, 0x04, 0x13, 0x72, 0x6f, 0x04, 0xff, 0xff]), // PCI PERR (BIOS)
            (t(25200),  [0x20, 0x00, 0x04, 0x29, 0x73, 0x6f, 0x00, 0xff, 0xff]), // Battery low
            (t(25300),  [0x20, 0x00, 0x04, 0x07, 0x74, 0x6f, 0x00, 0xff, 0xff]), // Processor IERR
        ];
        let mut records: Vec<[u8; SEL_RECORD_SIZE]> = events
            .iter()
            .map(|(ts, rest)| {
                let mut r = [0u8; SEL_RECORD_SIZE];
                for (dst, src) in r
                    .iter_mut()
                    .skip(2)
                    .zip([0x02].iter().chain(ts.iter()).chain(rest.iter()))
                {
                    *dst = *src;
                }
                r
            })
            .collect();
        // OEM timestamped: IANA 49871 (OpenBMC), 6 OEM bytes.
        let [a, b, c, d] = t(25400);
        records.push([
            0, 0, 0xc0, a, b, c, d, 0xcf, 0xc2, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
        ]);
        records.push([
            0, 0, 0xe0, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
            0x88,
        ]);
        let mut model = Self::empty();
        model.time = SelTimestamp(DEFAULT_BASE.saturating_add(28_800));
        model.last_erase = SelTimestamp(DEFAULT_BASE);
        for r in records {
            model.insert(r);
        }
        model.last_add = SelTimestamp(DEFAULT_BASE.saturating_add(25_400));
        model
    }
}

impl SelModel {
    /// An empty log with room for 1024 entries; SEL time and timestamps
    /// unspecified (FFFFFFFFh) until set.
    pub fn empty() -> Self {
        Self {
            records: Vec::new(),
            max_entries: 1024,
            next_id: 1,
            reservation: 0,
            time: SelTimestamp::UNSPECIFIED,
            last_add: SelTimestamp::UNSPECIFIED,
            last_erase: SelTimestamp::UNSPECIFIED,
            stats: SelStats::default(),
            faults: SelFaults::default(),
        }
    }

    /// A log of `records` as given (record IDs and timestamps kept), with
    /// room for `max_entries` (at least the records given).
    pub fn from_records(
        records: impl IntoIterator<Item = [u8; SEL_RECORD_SIZE]>,
        max_entries: u16,
    ) -> Self {
        let mut m = Self::empty();
        for r in records {
            let [lo, hi, ..] = r;
            let id = u16::from_le_bytes([lo, hi]);
            m.records.push(r);
            m.next_id = m.next_id.max(id.saturating_add(1));
            if let Some(ts) = stamp_of(&r) {
                m.last_add = ts;
            }
        }
        m.max_entries = max_entries.max(u16::try_from(m.records.len()).unwrap_or(u16::MAX));
        m
    }

    /// Stores `record` with the next free record ID, keeping its
    /// timestamp (no reservation is cancelled, no clock applied); returns
    /// the ID. `None` when the log is full.
    pub fn insert(&mut self, mut record: [u8; SEL_RECORD_SIZE]) -> Option<u16> {
        if self.records.len() >= usize::from(self.max_entries) || self.next_id == LAST_ENTRY {
            return None;
        }
        let id = self.next_id;
        let [lo, hi] = id.to_le_bytes();
        if let Some(b) = record.get_mut(0) {
            *b = lo;
        }
        if let Some(b) = record.get_mut(1) {
            *b = hi;
        }
        self.records.push(record);
        self.next_id = id.saturating_add(1);
        Some(id)
    }

    /// Adds a record as Add SEL Entry does: the next record ID, the SEL
    /// time as timestamp (types 02h and C0h–DFh), updates the most recent
    /// addition time and cancels the reservation. `None` when full.
    pub fn add(&mut self, mut record: [u8; SEL_RECORD_SIZE]) -> Option<u16> {
        let [_, _, record_type, ..] = record;
        if matches!(
            RecordClass::of(record_type),
            RecordClass::SystemEvent | RecordClass::OemTimestamped
        ) {
            for (dst, src) in record.iter_mut().skip(3).zip(self.time.0.to_le_bytes()) {
                *dst = src;
            }
        }
        let id = self.insert(record)?;
        self.last_add = self.time;
        self.reservation_cancelled();
        Some(id)
    }

    /// Removes every record, as Clear SEL does (erase time = SEL time).
    pub fn clear(&mut self) {
        self.records.clear();
        self.last_erase = self.time;
        self.reservation_cancelled();
    }

    /// Sets the SEL clock.
    pub fn set_time(&mut self, time: SelTimestamp) {
        self.time = time;
    }

    /// The SEL clock.
    pub fn time(&self) -> SelTimestamp {
        self.time
    }

    /// Sets the capacity (at least the current number of records).
    pub fn set_max_entries(&mut self, max: u16) {
        self.max_entries = max.max(u16::try_from(self.records.len()).unwrap_or(u16::MAX));
    }

    /// The stored records, oldest first.
    pub fn records(&self) -> &[[u8; SEL_RECORD_SIZE]] {
        &self.records
    }

    /// Sets the misbehaviours to imitate.
    pub fn set_faults(&mut self, faults: SelFaults) {
        self.faults = faults;
    }

    /// Request counters.
    pub fn stats(&self) -> SelStats {
        self.stats
    }

    fn reservation_cancelled(&mut self) {
        // The next Reserve SEL hands out a new ID; the current one no longer matches.
        self.reservation = 0;
    }

    fn entries(&self) -> u16 {
        u16::try_from(self.records.len()).unwrap_or(u16::MAX)
    }

    fn info(&self) -> SelInfo {
        let free_units = usize::from(self.max_entries).saturating_sub(self.records.len());
        let free = free_units.saturating_mul(SEL_RECORD_SIZE).min(0xffff);
        SelInfo {
            version: 0x51,
            entries: self.entries(),
            free_space: u16::try_from(free).unwrap_or(u16::MAX),
            last_add: self.last_add,
            last_erase: self.last_erase,
            support: SelOperationSupport::from_flags(false, false, false, true, true),
        }
    }

    fn allocation(&self) -> SelAllocationInfo {
        let free = self.max_entries.saturating_sub(self.entries());
        SelAllocationInfo {
            possible_units: self.max_entries,
            unit_size: 16,
            free_units: free,
            largest_free_block: free,
            max_record_size: 1,
        }
    }

    fn reserve(&mut self) -> SelReservation {
        let mut id = self.reservation.wrapping_add(1);
        if id == 0 {
            id = 1;
        }
        self.reservation = id;
        SelReservation { reservation_id: id }
    }

    fn check_reservation(&self, id: u16) -> Result<(), CompletionCode> {
        if self.reservation != 0 && id == self.reservation {
            Ok(())
        } else {
            Err(CompletionCode::ReservationCancelled)
        }
    }

    fn get_entry(&self, c: &GetSelEntry) -> Result<SelEntryData, CompletionCode> {
        let whole = c.offset == 0 && c.bytes == READ_ENTIRE_RECORD;
        let unreserved_ok = self.faults.reserve_privilege.is_some() && c.reservation_id == 0;
        if (!whole || c.reservation_id != 0) && !unreserved_ok {
            self.check_reservation(c.reservation_id)?;
        }
        if let Some(max) = self.faults.max_read_bytes {
            if c.bytes > max {
                return Err(CompletionCode::CannotReturnRequestedBytes);
            }
        }
        let index = match c.record_id {
            FIRST_ENTRY if !self.records.is_empty() => 0,
            LAST_ENTRY => self
                .records
                .len()
                .checked_sub(1)
                .ok_or(CompletionCode::NotPresent)?,
            id => self
                .records
                .iter()
                .position(|r| r.get(..2) == Some(&id.to_le_bytes()[..]))
                .ok_or(CompletionCode::NotPresent)?,
        };
        let record = self.records.get(index).ok_or(CompletionCode::NotPresent)?;
        let next_record_id = self
            .records
            .get(index.saturating_add(1))
            .and_then(|r| r.get(..2))
            .map_or(LAST_ENTRY, |b| {
                u16::from_le_bytes([
                    b.first().copied().unwrap_or(0),
                    b.get(1).copied().unwrap_or(0),
                ])
            });
        let start = usize::from(c.offset);
        if start >= SEL_RECORD_SIZE {
            return Err(CompletionCode::ParameterOutOfRange);
        }
        let end = if c.bytes == READ_ENTIRE_RECORD {
            SEL_RECORD_SIZE
        } else {
            start.saturating_add(usize::from(c.bytes))
        };
        let data = record
            .get(start..end)
            .ok_or(CompletionCode::CannotReturnRequestedBytes)?
            .to_vec();
        Ok(SelEntryData {
            next_record_id,
            data,
        })
    }

    fn clear_sel(&mut self, c: &ClearSel) -> Result<ClearSelStatus, CompletionCode> {
        self.check_reservation(c.reservation_id)?;
        if c.action == ClearSelAction::Initiate {
            self.clear();
        }
        Ok(ClearSelStatus { completed: true })
    }

    /// Answers SEL commands; `None` for other commands.
    pub(crate) fn handle(&mut self, req: &IpmiRequest, caller: Caller) -> Option<Outcome> {
        if req.netfn != GetSelInfo::NETFN {
            return None;
        }
        Some(match req.cmd {
            GetSelInfo::CMD => {
                self.stats.info = self.stats.info.saturating_add(1);
                run::<GetSelInfo>(req, caller, |_| Ok(self.info()))
            }
            GetSelAllocationInfo::CMD => {
                run::<GetSelAllocationInfo>(req, caller, |_| Ok(self.allocation()))
            }
            ReserveSel::CMD => {
                self.stats.reserve = self.stats.reserve.saturating_add(1);
                if let (Some(min), Some(p)) = (self.faults.reserve_privilege, caller.privilege) {
                    if !p.at_least(min) {
                        return Some(Err(CompletionCode::InsufficientPrivilege));
                    }
                }
                run::<ReserveSel>(req, caller, |_| Ok(self.reserve()))
            }
            GetSelEntry::CMD => {
                self.stats.get_entry = self.stats.get_entry.saturating_add(1);
                run::<GetSelEntry>(req, caller, |c| self.get_entry(&c))
            }
            AddSelEntry::CMD => run::<AddSelEntry>(req, caller, |c| {
                self.add(c.record)
                    .map(|record_id| AddSelEntryResponse { record_id })
                    .ok_or(CompletionCode::OutOfSpace)
            }),
            ClearSel::CMD => run::<ClearSel>(req, caller, |c| self.clear_sel(&c)),
            GetSelTime::CMD => run::<GetSelTime>(req, caller, |_| Ok(SelTime { time: self.time })),
            SetSelTime::CMD => run::<SetSelTime>(req, caller, |c| {
                self.time = c.0.time;
                Ok(EmptyResponse)
            }),
            _ => return None,
        })
    }
}

/// The timestamp of a record of a timestamped type.
fn stamp_of(r: &[u8; SEL_RECORD_SIZE]) -> Option<SelTimestamp> {
    let [_, _, t, a, b, c, d, ..] = *r;
    matches!(
        RecordClass::of(t),
        RecordClass::SystemEvent | RecordClass::OemTimestamped
    )
    .then(|| SelTimestamp(u32::from_le_bytes([a, b, c, d])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Codec;
    use crate::sel::SelRecord;
    use crate::types::{NetFn, PrivilegeLevel};

    fn caller(p: PrivilegeLevel) -> Caller {
        Caller {
            privilege: Some(p),
            active_sessions: 1,
            handle: 1,
        }
    }

    fn call<C: Command>(
        m: &mut SelModel,
        c: &C,
        p: PrivilegeLevel,
    ) -> Result<C::Response, CompletionCode> {
        let req = IpmiRequest::to_bmc(C::NETFN, C::CMD, 1, c.to_bytes());
        let data = m.handle(&req, caller(p)).unwrap()?;
        Ok(C::Response::from_bytes(&data).unwrap())
    }

    const ADMIN: PrivilegeLevel = PrivilegeLevel::Administrator;

    #[test]
    fn default_log_is_consistent() {
        let mut m = SelModel::default();
        let info = call(&mut m, &GetSelInfo, ADMIN).unwrap();
        assert_eq!(info.entries, 22);
        assert_eq!(info.free_space, (1024 - 22) * 16);
        assert!(info.support.reserve() && info.support.allocation_info());
        let mut id = FIRST_ENTRY;
        let mut seen = 0;
        while id != LAST_ENTRY {
            let e = call(&mut m, &GetSelEntry::whole(id), PrivilegeLevel::User).unwrap();
            let rec = SelRecord::parse(&e.data).unwrap();
            assert!(!rec.is_assumed_system_event());
            seen += 1;
            id = e.next_record_id;
        }
        assert_eq!(seen, 22);
        let alloc = call(&mut m, &GetSelAllocationInfo, ADMIN).unwrap();
        assert_eq!((alloc.possible_units, alloc.free_units), (1024, 1002));
    }

    #[test]
    fn partial_reads_need_a_reservation() {
        let mut m = SelModel::default();
        let partial = GetSelEntry::partial(0, 1, 0, 8);
        assert_eq!(
            call(&mut m, &partial, ADMIN),
            Err(CompletionCode::ReservationCancelled)
        );
        let r = call(&mut m, &ReserveSel, ADMIN).unwrap().reservation_id;
        let a = call(&mut m, &GetSelEntry::partial(r, 1, 0, 8), ADMIN).unwrap();
        let b = call(&mut m, &GetSelEntry::partial(r, 1, 8, 8), ADMIN).unwrap();
        let whole = call(&mut m, &GetSelEntry::whole(1), ADMIN).unwrap();
        assert_eq!([a.data, b.data].concat(), whole.data);
        assert_eq!(
            call(&mut m, &GetSelEntry::partial(r, 1, 16, 1), ADMIN),
            Err(CompletionCode::ParameterOutOfRange)
        );
        assert_eq!(
            call(&mut m, &GetSelEntry::partial(r, 1, 10, 8), ADMIN),
            Err(CompletionCode::CannotReturnRequestedBytes)
        );
        // A new reservation cancels the old one; so does an added entry.
        let r2 = call(&mut m, &ReserveSel, ADMIN).unwrap().reservation_id;
        assert_ne!(r, r2);
        assert!(call(&mut m, &GetSelEntry::partial(r, 1, 0, 8), ADMIN).is_err());
        call(&mut m, &AddSelEntry { record: [0x02; 16] }, ADMIN).unwrap();
        assert!(call(&mut m, &GetSelEntry::partial(r2, 1, 0, 8), ADMIN).is_err());
        assert_eq!(
            call(&mut m, &GetSelEntry::whole(0x999), ADMIN),
            Err(CompletionCode::NotPresent)
        );
    }

    #[test]
    fn add_clear_time() {
        let mut m = SelModel::empty();
        assert_eq!(
            call(&mut m, &GetSelEntry::whole(0), ADMIN),
            Err(CompletionCode::NotPresent)
        );
        assert_eq!(
            call(&mut m, &GetSelEntry::whole(LAST_ENTRY), ADMIN),
            Err(CompletionCode::NotPresent)
        );
        let t = SelTime {
            time: SelTimestamp(1_800_000_000),
        };
        assert_eq!(
            call(&mut m, &SetSelTime(t), PrivilegeLevel::User),
            Err(CompletionCode::InsufficientPrivilege)
        );
        call(&mut m, &SetSelTime(t), PrivilegeLevel::Operator).unwrap();
        assert_eq!(call(&mut m, &GetSelTime, ADMIN).unwrap(), t);
        let id = call(
            &mut m,
            &AddSelEntry { record: [0x02; 16] },
            PrivilegeLevel::Operator,
        )
        .unwrap()
        .record_id;
        let e = call(&mut m, &GetSelEntry::whole(LAST_ENTRY), ADMIN).unwrap();
        let rec = SelRecord::parse(&e.data).unwrap();
        assert_eq!((rec.record_id, rec.timestamp()), (id, Some(t.time)));
        assert_eq!(call(&mut m, &GetSelInfo, ADMIN).unwrap().last_add, t.time);
        let clear = ClearSel {
            reservation_id: 5,
            action: ClearSelAction::Initiate,
        };
        assert_eq!(
            call(&mut m, &clear, ADMIN),
            Err(CompletionCode::ReservationCancelled)
        );
        let r = call(&mut m, &ReserveSel, ADMIN).unwrap().reservation_id;
        let clear = ClearSel {
            reservation_id: r,
            action: ClearSelAction::Initiate,
        };
        assert_eq!(
            call(&mut m, &clear, ADMIN),
            Ok(ClearSelStatus { completed: true })
        );
        let info = call(&mut m, &GetSelInfo, ADMIN).unwrap();
        assert_eq!((info.entries, info.last_erase), (0, t.time));
    }

    #[test]
    fn full_log_and_other_commands() {
        let mut m = SelModel::from_records([[0x02; 16]], 1);
        assert_eq!(
            call(&mut m, &AddSelEntry { record: [0x02; 16] }, ADMIN),
            Err(CompletionCode::OutOfSpace)
        );
        let req = IpmiRequest::to_bmc(NetFn::Storage, 0x20, 1, vec![]);
        assert!(m.handle(&req, caller(ADMIN)).is_none());
        let req = IpmiRequest::to_bmc(NetFn::App, 0x40, 1, vec![]);
        assert!(m.handle(&req, caller(ADMIN)).is_none());
        let req = IpmiRequest::to_bmc(NetFn::Storage, 0x43, 1, vec![0]);
        assert_eq!(
            m.handle(&req, caller(ADMIN)),
            Some(Err(CompletionCode::RequestLengthInvalid))
        );
        assert_eq!(m.stats().get_entry, 1);
    }
}
