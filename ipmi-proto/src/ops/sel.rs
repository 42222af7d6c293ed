//! Reading the System Event Log over a [`Client`] (IPMI v2.0 §31).
//!
//! * [`read_info`] / [`read_allocation_info`]: Get SEL Info / Get SEL
//!   Allocation Info (what the exporter's `sel` collector reports: entry
//!   count, free space, last addition and erase times).
//! * [`read_all`]: the whole log, following next-record IDs from 0000h
//!   to FFFFh (IPMI v2.0 §31.5).
//! * [`SelReader`]: incremental reads. It keeps a [`SelCursor`] (entry
//!   count, last addition / erase timestamps, last record ID) so that a
//!   later call costs one Get SEL Info when nothing changed, and one Get
//!   SEL Entry per new record plus one (the last record seen, re-read for
//!   its next-record ID) when entries were added. A cleared log (erase
//!   timestamp changed) or a shrunk one is read again in full.
//!
//! Robustness, after FreeIPMI's and ipmitool's experience (see
//! `ipmi-protocol.md` §B.8):
//!
//! * whole-record reads go without a reservation (reservation ID 0000h is
//!   allowed for offset 0); a reservation is taken only for partial reads
//!   (a BMC that cannot return a whole record, or returns a short one),
//!   and taken again when the BMC answers C5h (reservation cancelled),
//!   a bounded number of times;
//! * a BMC that refuses Reserve SEL (Supermicro H8QME wants Operator; D4h,
//!   or C1h when unsupported) is read without a reservation;
//! * CBh on the first entry means an empty log;
//! * the walk stops at a next-record ID already seen (a loop) and after
//!   the entry count plus a margin of iterations; records returned twice
//!   under different IDs (Supermicro H8QME) are kept once;
//! * a walk that stopped that way with fewer records than Get SEL Info
//!   counts is an error ([`SelError::Loop`], [`SelError::Truncated`]),
//!   never a shorter log: the cursor stays where it was, so the next call
//!   reads the same range again.

use std::collections::HashSet;

use thiserror::Error;

use crate::client::Client;
use crate::commands::sel::{
    GetSelAllocationInfo, GetSelEntry, GetSelInfo, ReserveSel, SelAllocationInfo, SelEntryData,
    SelInfo, FIRST_ENTRY, LAST_ENTRY, SEL_RECORD_SIZE,
};
use crate::error::Error;
use crate::sel::{ReadPlan, SelCursor, SelRecord};
use crate::types::CompletionCode;

/// Bytes per partial read (a conservative size every BMC can return).
const PARTIAL_CHUNK: u8 = 8;

/// Why reading the SEL failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SelError {
    /// A request failed (timeout, session, completion code).
    #[error(transparent)]
    Ipmi(#[from] Error),
    /// A record could not be assembled: the BMC returned fewer bytes than
    /// a record has, even when read piecewise.
    #[error("SEL record {record_id:#06x}: {got} of 16 bytes returned")]
    ShortRecord {
        /// The record requested.
        record_id: u16,
        /// Bytes obtained.
        got: usize,
    },
    /// The reservation kept being cancelled (the log changes faster than
    /// it can be read).
    #[error("SEL reservation cancelled {0} times in a row while reading")]
    ReservationLost(u32),
    /// The chain of next-record IDs looped back before every entry was
    /// read.
    #[error(
        "SEL next-record ID loop: record {record_id:#06x} names {next:#06x}, read before; \
         {read} of {entries} entries read"
    )]
    Loop {
        /// The record whose next-record ID was read before.
        record_id: u16,
        /// That next-record ID.
        next: u16,
        /// Entries read (earlier calls included).
        read: usize,
        /// Entries Get SEL Info counts.
        entries: u16,
    },
    /// The chain of next-record IDs did not end within the iteration
    /// limit, before every entry was read.
    #[error("SEL walk cut off after {read} of {entries} entries: the chain does not end")]
    Truncated {
        /// Entries read (earlier calls included).
        read: usize,
        /// Entries Get SEL Info counts.
        entries: u16,
    },
}

/// How to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelReadOptions {
    /// Times a read is restarted after C5h (reservation cancelled).
    pub reservation_retries: u32,
    /// Iterations allowed beyond the entry count of Get SEL Info before
    /// the walk is cut off (a BMC whose chain never reaches FFFFh).
    pub extra_iterations: usize,
}

impl Default for SelReadOptions {
    fn default() -> Self {
        Self {
            reservation_retries: 3,
            extra_iterations: 32,
        }
    }
}

/// What a read cost and what it ran into.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SelReadStats {
    /// Get SEL Info requests.
    pub get_info: u32,
    /// Get SEL Entry requests (whole or partial).
    pub get_entry: u32,
    /// Reserve SEL requests.
    pub reserve: u32,
    /// The whole log was read (first read, cleared or shrunk log).
    pub full_read: bool,
    /// The walk stopped at a next-record ID already seen.
    pub loop_detected: bool,
    /// The walk was cut off after the iteration limit.
    pub truncated: bool,
    /// Records returned a second time (same record ID) and dropped.
    pub duplicates: u32,
    /// The BMC refused Reserve SEL; partial reads went without one.
    pub reserve_refused: bool,
}

/// A whole SEL as read by [`read_all`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelLog {
    /// Get SEL Info at the start of the read.
    pub info: SelInfo,
    /// The records, in log order.
    pub records: Vec<SelRecord>,
    /// What the read cost.
    pub stats: SelReadStats,
}

/// The outcome of one [`SelReader::read_new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelUpdate {
    /// Get SEL Info at the start of the read.
    pub info: SelInfo,
    /// `true` when this is a full read: records returned by earlier calls
    /// are no longer valid (first call, or the log was cleared or shrank).
    pub reset: bool,
    /// The records read: the whole log when `reset`, else only the new
    /// ones.
    pub records: Vec<SelRecord>,
    /// What the read cost.
    pub stats: SelReadStats,
}

/// Get SEL Info.
///
/// # Errors
/// The client's errors (81h: erase in progress).
pub async fn read_info(client: &Client) -> Result<SelInfo, Error> {
    client.execute(&GetSelInfo).await
}

/// Get SEL Allocation Info.
///
/// # Errors
/// The client's errors (C1h when the BMC does not support it; see
/// [`crate::commands::sel::SelOperationSupport::allocation_info`]).
pub async fn read_allocation_info(client: &Client) -> Result<SelAllocationInfo, Error> {
    client.execute(&GetSelAllocationInfo).await
}

/// Reads the whole SEL.
///
/// # Errors
/// [`SelError`]; an empty log is `Ok` with no records.
pub async fn read_all(client: &Client) -> Result<SelLog, SelError> {
    let update = SelReader::new().read_new(client).await?;
    Ok(SelLog {
        info: update.info,
        records: update.records,
        stats: update.stats,
    })
}

/// An incremental SEL reader: keep one per BMC and call
/// [`SelReader::read_new`] at every scrape.
#[derive(Debug, Clone, Default)]
pub struct SelReader {
    cursor: SelCursor,
    options: SelReadOptions,
}

/// Per-read state: counters and the current reservation.
struct Walk<'a> {
    client: &'a Client,
    options: SelReadOptions,
    stats: SelReadStats,
    reservation: Option<u16>,
    /// The last loop seen: (record, its next-record ID read before).
    loop_at: Option<(u16, u16)>,
}

impl SelReader {
    /// A reader that has read nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A reader with non-default options.
    pub fn with_options(options: SelReadOptions) -> Self {
        Self {
            cursor: SelCursor::new(),
            options,
        }
    }

    /// The cursor (what the last read saw).
    pub fn cursor(&self) -> &SelCursor {
        &self.cursor
    }

    /// Forgets what was read: the next call reads the whole log.
    pub fn reset(&mut self) {
        self.cursor.reset();
    }

    /// Reads what is new since the last call (everything on the first).
    ///
    /// # Errors
    /// [`SelError`]. The cursor is unchanged on error, so the next call
    /// retries the same range.
    pub async fn read_new(&mut self, client: &Client) -> Result<SelUpdate, SelError> {
        let mut walk = Walk {
            client,
            options: self.options,
            stats: SelReadStats::default(),
            reservation: None,
            loop_at: None,
        };
        walk.stats.get_info = 1;
        let info = read_info(client).await?;
        let plan = self.cursor.plan(&info);
        let (reset, records) = match plan {
            ReadPlan::Nothing => (false, Vec::new()),
            ReadPlan::Full => (true, walk.full(&info).await?),
            ReadPlan::After(last) => {
                let previous = self.cursor.entries().unwrap_or(0);
                match walk.after(last, &info).await? {
                    // The last record seen is gone (deleted, overwritten):
                    // start over.
                    None => (true, walk.full(&info).await?),
                    // Fewer new records than the count grew by: something
                    // was inserted elsewhere. Start over.
                    Some(new) if new.len() < usize::from(info.entries.saturating_sub(previous)) => {
                        (true, walk.full(&info).await?)
                    }
                    Some(new) => (false, new),
                }
            }
        };
        walk.stats.full_read = reset;
        match plan {
            ReadPlan::Nothing => self.cursor.update(&info, self.cursor.last_record_id()),
            _ => {
                let previous = if reset {
                    0
                } else {
                    self.cursor.entries().unwrap_or(0)
                };
                let count = usize::from(previous).saturating_add(records.len());
                let short = count < usize::from(info.entries);
                match walk.loop_at {
                    Some((record_id, next)) if short && walk.stats.loop_detected => {
                        return Err(SelError::Loop {
                            record_id,
                            next,
                            read: count,
                            entries: info.entries,
                        })
                    }
                    _ if short && walk.stats.truncated => {
                        return Err(SelError::Truncated {
                            read: count,
                            entries: info.entries,
                        })
                    }
                    _ => {}
                }
                let observed = SelInfo {
                    entries: u16::try_from(count).unwrap_or(u16::MAX),
                    ..info
                };
                let last = records.last().map(|r| r.record_id).or(if reset {
                    None
                } else {
                    self.cursor.last_record_id()
                });
                self.cursor.update(&observed, last);
            }
        }
        Ok(SelUpdate {
            info,
            reset,
            records,
            stats: walk.stats,
        })
    }
}

impl Walk<'_> {
    fn limit(&self, info: &SelInfo) -> usize {
        usize::from(info.entries).saturating_add(self.options.extra_iterations)
    }

    /// Reads the whole log.
    async fn full(&mut self, info: &SelInfo) -> Result<Vec<SelRecord>, SelError> {
        let first = match self.entry(FIRST_ENTRY).await {
            Ok(e) => e,
            Err(SelError::Ipmi(e)) if e.completion_code() == Some(CompletionCode::NotPresent) => {
                return Ok(Vec::new())
            }
            Err(e) => return Err(e),
        };
        let mut records = Vec::new();
        let mut seen = HashSet::new();
        let limit = self.limit(info);
        self.follow(first, &mut records, &mut seen, limit).await?;
        Ok(records)
    }

    /// Reads the records after `last`; `None` when `last` no longer exists.
    async fn after(
        &mut self,
        last: u16,
        info: &SelInfo,
    ) -> Result<Option<Vec<SelRecord>>, SelError> {
        let (anchor, next) = match self.entry(last).await {
            Ok(e) => e,
            Err(SelError::Ipmi(e)) if e.completion_code() == Some(CompletionCode::NotPresent) => {
                return Ok(None)
            }
            Err(e) => return Err(e),
        };
        if anchor.record_id != last {
            return Ok(None);
        }
        let mut records = Vec::new();
        let mut seen = HashSet::from([last]);
        if next == LAST_ENTRY || seen.contains(&next) {
            if next != LAST_ENTRY {
                self.stats.loop_detected = true;
                self.loop_at = Some((last, next));
            }
            return Ok(Some(records));
        }
        let limit = self.limit(info);
        let first = match self.entry(next).await {
            Ok(e) => e,
            Err(SelError::Ipmi(e)) if e.completion_code() == Some(CompletionCode::NotPresent) => {
                return Ok(None)
            }
            Err(e) => return Err(e),
        };
        self.follow(first, &mut records, &mut seen, limit).await?;
        Ok(Some(records))
    }

    /// Follows the chain from an entry already read.
    async fn follow(
        &mut self,
        mut current: (SelRecord, u16),
        records: &mut Vec<SelRecord>,
        seen: &mut HashSet<u16>,
        limit: usize,
    ) -> Result<(), SelError> {
        let mut iterations = 1usize;
        loop {
            let (record, next) = current;
            let id = record.record_id;
            if seen.insert(id) {
                records.push(record);
            } else {
                self.stats.duplicates = self.stats.duplicates.saturating_add(1);
            }
            if next == LAST_ENTRY {
                return Ok(());
            }
            if seen.contains(&next) {
                self.stats.loop_detected = true;
                self.loop_at = Some((id, next));
                return Ok(());
            }
            if iterations >= limit {
                self.stats.truncated = true;
                return Ok(());
            }
            iterations = iterations.saturating_add(1);
            current = self.entry(next).await?;
        }
    }

    /// Reads one record: whole if possible, else in pieces under a
    /// reservation. Returns the record and the next record ID.
    async fn entry(&mut self, record_id: u16) -> Result<(SelRecord, u16), SelError> {
        self.stats.get_entry = self.stats.get_entry.saturating_add(1);
        let whole = self.client.execute(&GetSelEntry::whole(record_id)).await;
        let mut data = match whole {
            Ok(SelEntryData {
                next_record_id,
                data,
            }) if data.len() >= SEL_RECORD_SIZE => {
                let record = SelRecord::parse(data.get(..SEL_RECORD_SIZE).unwrap_or_default())
                    .map_err(Error::from)?;
                return Ok((record, next_record_id));
            }
            Ok(e) => e.data,
            Err(e)
                if matches!(
                    e.completion_code(),
                    Some(
                        CompletionCode::CannotReturnRequestedBytes
                            | CompletionCode::RequestLengthInvalid
                            | CompletionCode::Unspecified
                    )
                ) =>
            {
                Vec::new()
            }
            Err(e) => return Err(e.into()),
        };
        // Piecewise: keep what arrived, fetch the rest under a reservation.
        let mut cancelled = 0u32;
        loop {
            match self.rest(record_id, &mut data).await {
                Ok(next) => {
                    let record = SelRecord::parse(data.get(..SEL_RECORD_SIZE).unwrap_or_default())
                        .map_err(Error::from)?;
                    return Ok((record, next));
                }
                Err(SelError::Ipmi(e))
                    if e.completion_code() == Some(CompletionCode::ReservationCancelled) =>
                {
                    cancelled = cancelled.saturating_add(1);
                    self.reservation = None;
                    if cancelled > self.options.reservation_retries {
                        return Err(SelError::ReservationLost(cancelled));
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Completes `data` with partial reads; returns the next record ID.
    async fn rest(&mut self, record_id: u16, data: &mut Vec<u8>) -> Result<u16, SelError> {
        let reservation = self.reserve().await?;
        let mut next = LAST_ENTRY;
        while data.len() < SEL_RECORD_SIZE {
            let offset = u8::try_from(data.len()).unwrap_or(u8::MAX);
            let want = PARTIAL_CHUNK.min(16u8.saturating_sub(offset));
            self.stats.get_entry = self.stats.get_entry.saturating_add(1);
            let part = self
                .client
                .execute(&GetSelEntry::partial(reservation, record_id, offset, want))
                .await?;
            if part.data.is_empty() {
                return Err(SelError::ShortRecord {
                    record_id,
                    got: data.len(),
                });
            }
            next = part.next_record_id;
            data.extend_from_slice(part.data.get(..usize::from(want)).unwrap_or(&part.data));
        }
        Ok(next)
    }

    /// The current reservation, taking one if needed; 0000h when the BMC
    /// refuses reservations.
    async fn reserve(&mut self) -> Result<u16, SelError> {
        if let Some(r) = self.reservation {
            return Ok(r);
        }
        self.stats.reserve = self.stats.reserve.saturating_add(1);
        let id = match self.client.execute(&ReserveSel).await {
            Ok(r) => r.reservation_id,
            Err(e)
                if matches!(
                    e.completion_code(),
                    Some(CompletionCode::InsufficientPrivilege | CompletionCode::InvalidCommand)
                ) =>
            {
                self.stats.reserve_refused = true;
                0
            }
            Err(e) => return Err(e.into()),
        };
        self.reservation = Some(id);
        Ok(id)
    }
}
