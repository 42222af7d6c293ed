//! The SDR repository walk as a sans-IO driver: it says which request to
//! send next and takes the answer (IPMI v2.0 §33.9–§33.12; the partial-read
//! procedure of §33.12 and the workarounds real BMCs need).
//!
//! ```text
//!   Get SDR Repository Info ─► Get SDR 0000h (whole record, FFh bytes)
//!        │ (timestamps, count)       │ ok: next ID … until FFFFh
//!        │                           │ C7h/C8h/CAh/FFh: partial reads from
//!        │                           ▼ now on (remembered per BMC)
//!        │                  Reserve ─► Get SDR offset 0, n bytes (header
//!        │                           + first body bytes), offset n, …
//!        │                           │ CAh: chunk − 4 (≥ 5); C5h: reserve
//!        ▼                           ▼ again (≤ 4 per record)
//!     SdrRepository (records, timestamps, what worked)
//! ```
//!
//! The partial-read size starts at the largest answer a whole-record read
//! gave so far (a small record read whole proves the BMC can send that
//! much), at least [`DEFAULT_CHUNK`] bytes, and shrinks by [`CHUNK_STEP`] on
//! each "too long" answer; it is remembered in the [`ReadPolicy`] with
//! whether whole-record reads work, so the next walk of the same BMC
//! wastes no request.
//!
//! Guards against misbehaving BMCs:
//! * a record's length comes from its header — bytes beyond it are dropped
//!   (ipmi_sim appends 6 bytes to whole-record reads), and a whole-record
//!   answer shorter than the header says continues with partial reads;
//! * a record ID in the answer that differs from the requested one is
//!   replaced by the requested one;
//! * the walk stops at next ID FFFFh and after the Repository Info's record
//!   count plus a margin (BMCs that never return FFFFh);
//! * a download is complete or it is an error, never a shorter repository:
//!   a next ID already visited (a loop, a record pointing at itself), CBh
//!   ("not present") or a persistent C3h on a later record end the walk
//!   without error only when the records read already reach the Repository
//!   Info's record count (the last record of a Dell FC830 answers C3h);
//!   otherwise they are [`SdrReadError::Incomplete`], naming the record and
//!   the reason;
//! * a sensor or locator record (types 01h–03h, 11h, 12h) whose body does
//!   not decode (zero-length, garbage) is [`SdrReadError::Incomplete`] too:
//!   dropping it would silently drop its sensors;
//! * every record has a request budget, so no answer can make it spin.
//!
//! Drive it with any transport: [`crate::ops::sdr`] runs it on a
//! [`crate::client::Client`].

use std::collections::HashSet;

use thiserror::Error;

use super::record::{SdrHeader, HEADER_LEN};
use super::repository::{ReadPolicy, SdrRepository};
use crate::codec::{Codec, DecodeError, Reader};
use crate::commands::sdr::{
    GetSdr, GetSdrRepositoryInfo, ReserveSdrRepository, SdrChunk, SdrRepositoryInfo,
    SdrReservation, FIRST_RECORD_ID, LAST_RECORD_ID, READ_WHOLE_RECORD,
};
use crate::commands::RawRequest;
use crate::types::CompletionCode;

/// Re-reservations allowed per record after C5h.
pub const MAX_RESERVATIONS_PER_RECORD: u8 = 4;
/// Records read beyond the Repository Info's count before giving up on
/// ever seeing FFFFh.
pub const RECORD_MARGIN: usize = 16;
/// Records read at most when Get SDR Repository Info failed.
pub const MAX_RECORDS_WITHOUT_INFO: usize = 4096;
/// Get SDR requests allowed per record (chunks, retries, shrinking).
pub const MAX_REQUESTS_PER_RECORD: u16 = 96;
/// Retries of one request answered "node busy" (C0h) or "timeout" (C3h).
pub const MAX_BUSY_RETRIES: u8 = 2;
/// The smallest partial read: a record header.
pub const MIN_CHUNK: u8 = 5;
/// Partial-read size used when whole-record reads fail: "most motherboards
/// can handle 16".
pub const DEFAULT_CHUNK: u8 = 16;
/// Chunk reduction after a "cannot return that many bytes" answer.
pub const CHUNK_STEP: u8 = 4;

/// Why reading the repository failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SdrReadError {
    /// The BMC refused a request with a completion code the walk cannot
    /// work around.
    #[error("{command}{} answered with completion code {code}", record_suffix(*.record_id))]
    Completion {
        /// "Get SDR", "Reserve SDR Repository".
        command: &'static str,
        /// The record being read, if any.
        record_id: Option<u16>,
        /// The completion code.
        code: CompletionCode,
    },
    /// An answer could not be decoded.
    #[error("{command}{}: malformed answer: {source}", record_suffix(*.record_id))]
    Malformed {
        /// The command answered.
        command: &'static str,
        /// The record being read, if any.
        record_id: Option<u16>,
        /// What did not decode.
        source: DecodeError,
    },
    /// Another requester kept cancelling the reservation.
    #[error("SDR record {record_id:#06x}: reservation cancelled {attempts} times")]
    ReservationLost {
        /// The record being read.
        record_id: u16,
        /// Reservations made for it.
        attempts: u8,
    },
    /// Even 5-byte partial reads were refused.
    #[error("SDR record {record_id:#06x}: the BMC refuses even {MIN_CHUNK}-byte reads")]
    ChunkTooSmall {
        /// The record being read.
        record_id: u16,
    },
    /// The record took more requests than any real record needs.
    #[error("SDR record {record_id:#06x}: no progress after {requests} requests")]
    NoProgress {
        /// The record being read.
        record_id: u16,
        /// Requests spent on it.
        requests: u16,
    },
    /// The walk was cut short: the repository would miss records.
    #[error("SDR record {record_id:#06x}: {reason} ({read} of {} records read)", expected_text(*.expected))]
    Incomplete {
        /// The record at which the walk stopped.
        record_id: u16,
        /// Why.
        reason: IncompleteReason,
        /// Records read completely before it.
        read: usize,
        /// The Repository Info's record count, when known.
        expected: Option<u16>,
    },
    /// [`SdrReader::finish`] was called before the walk ended.
    #[error("the SDR walk has not finished")]
    NotFinished,
}

/// Why a walk was cut short ([`SdrReadError::Incomplete`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IncompleteReason {
    /// Its next-record ID names a record already read.
    #[error("next record ID {next:#06x} was already read (a next-ID loop)")]
    Loop {
        /// The next-record ID the BMC gave.
        next: u16,
    },
    /// The BMC answered Get SDR with this completion code (CBh "not
    /// present", C3h "timeout" after retries).
    #[error("Get SDR answered with completion code {0}")]
    Completion(CompletionCode),
    /// The record's body does not decode as its type.
    #[error("record type {record_type:#04x} does not decode: {source}")]
    Undecodable {
        /// The header's record type.
        record_type: u8,
        /// What did not decode.
        source: DecodeError,
    },
}

fn expected_text(n: Option<u16>) -> String {
    n.map_or_else(|| "an unknown number of".to_string(), |n| n.to_string())
}

fn record_suffix(id: Option<u16>) -> String {
    id.map(|i| format!(" (record {i:#06x})"))
        .unwrap_or_default()
}

/// A request the reader wants sent to the BMC (LUN 0, the BMC's own
/// repository).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SdrRequest {
    /// Get SDR Repository Info.
    Info(GetSdrRepositoryInfo),
    /// Reserve SDR Repository.
    Reserve(ReserveSdrRepository),
    /// Get SDR.
    Get(GetSdr),
}

impl SdrRequest {
    /// NetFn, command and data.
    pub fn to_raw(&self) -> RawRequest {
        match self {
            Self::Info(c) => RawRequest::from_command(c),
            Self::Reserve(c) => RawRequest::from_command(c),
            Self::Get(c) => RawRequest::from_command(c),
        }
    }

    /// The command's name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Info(_) => "Get SDR Repository Info",
            Self::Reserve(_) => "Reserve SDR Repository",
            Self::Get(_) => "Get SDR",
        }
    }
}

/// What happened during a walk (for metrics, logs and the tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReaderStats {
    /// Requests handed out (all commands).
    pub requests: u32,
    /// Get SDR requests.
    pub get_sdr: u32,
    /// Reserve SDR Repository requests.
    pub reservations: u32,
    /// Answers asking for smaller reads (C7h, C8h, CAh, FFh).
    pub too_long: u32,
    /// Reservations cancelled (C5h).
    pub cancelled: u32,
    /// Records whose header carried another record ID.
    pub id_mismatches: u32,
    /// Records dropped because their ID was already read.
    pub duplicates: u32,
    /// The walk stopped at a next ID already visited.
    pub loop_detected: bool,
    /// The walk stopped at the record count plus margin.
    pub capped: bool,
    /// The walk ended early on this completion code (CBh, C3h).
    pub ended_by: Option<CompletionCode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Info,
    Reserve,
    Read,
    Done,
}

#[derive(Debug, Clone)]
struct Current {
    record_id: u16,
    buf: Vec<u8>,
    total: Option<usize>,
    next_id: Option<u16>,
    reservations: u8,
    requests: u16,
    busy_retries: u8,
    header_probe: bool,
}

impl Current {
    fn new(record_id: u16) -> Self {
        Self {
            record_id,
            buf: Vec::new(),
            total: None,
            next_id: None,
            reservations: 0,
            requests: 0,
            busy_retries: 0,
            header_probe: false,
        }
    }

    fn restart(&mut self) {
        self.buf.clear();
        self.total = None;
        self.header_probe = false;
    }
}

/// Checks that a sensor or locator record decodes as its type (other
/// types are kept as they are); `Err` names the type and the problem.
fn check_decodes(raw: &[u8]) -> Result<(), (u8, DecodeError)> {
    use super::record::{
        CompactSensorRecord, EventOnlyRecord, FruLocatorRecord, FullSensorRecord, McLocatorRecord,
        TYPE_COMPACT, TYPE_EVENT_ONLY, TYPE_FRU_LOCATOR, TYPE_FULL, TYPE_MC_LOCATOR,
    };
    let mut r = Reader::new(raw);
    let header = SdrHeader::decode(&mut r).map_err(|e| (0, e))?;
    let body = r.take_up_to(usize::from(header.length));
    let mut b = Reader::new(body);
    let t = header.record_type;
    let result = match t {
        TYPE_FULL => FullSensorRecord::decode_body(&mut b).map(drop),
        TYPE_COMPACT => CompactSensorRecord::decode_body(&mut b).map(drop),
        TYPE_EVENT_ONLY => EventOnlyRecord::decode_body(&mut b).map(drop),
        TYPE_FRU_LOCATOR => FruLocatorRecord::decode_body(&mut b).map(drop),
        TYPE_MC_LOCATOR => McLocatorRecord::decode_body(&mut b).map(drop),
        _ => Ok(()),
    };
    result.map_err(|e| (t, e))
}

/// The sans-IO SDR repository reader. See the module docs.
///
/// ```
/// use ipmi_proto::sdr::{ReadPolicy, SdrReader, SdrRequest};
/// use ipmi_proto::CompletionCode;
///
/// let mut reader = SdrReader::new(ReadPolicy::default());
/// // An empty repository: Info says 0 records, Get SDR 0000h says "not present".
/// while let Some(req) = reader.next_request() {
///     let (cc, data) = match req {
///         SdrRequest::Info(_) => (CompletionCode::Ok, vec![0x51, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02]),
///         _ => (CompletionCode::NotPresent, vec![]),
///     };
///     reader.handle_response(cc, &data).unwrap();
/// }
/// let repo = reader.finish().unwrap();
/// assert!(repo.records().is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct SdrReader {
    phase: Phase,
    info: Option<SdrRepositoryInfo>,
    policy: ReadPolicy,
    reservation: Option<u16>,
    reserve_unsupported: bool,
    current: Current,
    seen: HashSet<u16>,
    stored_ids: HashSet<u16>,
    records: Vec<Vec<u8>>,
    max_records: usize,
    last_request: Option<SdrRequest>,
    /// The most record bytes one answer carried so far.
    largest_answer: usize,
    stats: ReaderStats,
}

impl SdrReader {
    /// A walk that starts with Get SDR Repository Info, reading with what
    /// `policy` learned about this BMC before.
    pub fn new(policy: ReadPolicy) -> Self {
        Self {
            phase: Phase::Info,
            info: None,
            policy: policy.sanitized(),
            reservation: None,
            reserve_unsupported: false,
            current: Current::new(FIRST_RECORD_ID),
            seen: HashSet::new(),
            stored_ids: HashSet::new(),
            records: Vec::new(),
            max_records: MAX_RECORDS_WITHOUT_INFO,
            last_request: None,
            largest_answer: 0,
            stats: ReaderStats::default(),
        }
    }

    /// A walk that reuses an info just fetched (cache revalidation) and
    /// starts with the first Get SDR.
    pub fn with_info(info: SdrRepositoryInfo, policy: ReadPolicy) -> Self {
        let mut r = Self::new(policy);
        r.accept_info(info);
        r
    }

    fn accept_info(&mut self, info: SdrRepositoryInfo) {
        self.max_records = usize::from(info.record_count).saturating_add(RECORD_MARGIN);
        self.info = Some(info);
        self.phase = Phase::Read;
        self.seen.insert(FIRST_RECORD_ID);
    }

    /// Counters of the walk so far.
    pub fn stats(&self) -> ReaderStats {
        self.stats
    }

    /// `true` once the walk has ended.
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// The next request to send, or `None` when the walk is over (then
    /// call [`SdrReader::finish`]). Calling it again without a response
    /// returns the same request (a retransmission).
    pub fn next_request(&mut self) -> Option<SdrRequest> {
        let req = match self.phase {
            Phase::Done => return None,
            Phase::Info => SdrRequest::Info(GetSdrRepositoryInfo),
            Phase::Reserve => SdrRequest::Reserve(ReserveSdrRepository),
            Phase::Read => match self.read_request() {
                Some(r) => r,
                None => {
                    self.phase = Phase::Reserve;
                    SdrRequest::Reserve(ReserveSdrRepository)
                }
            },
        };
        if self.last_request != Some(req) {
            self.stats.requests = self.stats.requests.saturating_add(1);
            match req {
                SdrRequest::Get(_) => self.stats.get_sdr = self.stats.get_sdr.saturating_add(1),
                SdrRequest::Reserve(_) => {
                    self.stats.reservations = self.stats.reservations.saturating_add(1);
                }
                SdrRequest::Info(_) => {}
            }
        }
        self.last_request = Some(req);
        Some(req)
    }

    /// The Get SDR for the current record, `None` when a reservation must
    /// be made first.
    fn read_request(&self) -> Option<SdrRequest> {
        let c = &self.current;
        let whole = self.policy.whole_record != Some(false) && c.buf.is_empty();
        let (offset, count) = if whole {
            (0usize, READ_WHOLE_RECORD)
        } else if c.buf.is_empty() {
            let n = if c.header_probe {
                MIN_CHUNK
            } else {
                self.policy.chunk_size
            };
            (0, n)
        } else {
            let offset = c.buf.len();
            let left = match c.total {
                Some(t) => t.saturating_sub(offset),
                None if offset < HEADER_LEN => HEADER_LEN.saturating_sub(offset),
                None => usize::from(self.policy.chunk_size),
            };
            let n =
                u8::try_from(left.min(usize::from(self.policy.chunk_size))).unwrap_or(MIN_CHUNK);
            (offset, n.max(1))
        };
        let reservation_id = match self.reservation {
            Some(id) => id,
            // Offset 0 may be read without a reservation (IPMI v2.0 §33.12).
            None if offset == 0 || self.reserve_unsupported => 0,
            None => return None,
        };
        Some(SdrRequest::Get(GetSdr {
            reservation_id,
            record_id: c.record_id,
            offset: u8::try_from(offset).unwrap_or(u8::MAX),
            bytes_to_read: count,
        }))
    }

    /// Takes the answer to the last request: its completion code and the
    /// data after it.
    ///
    /// # Errors
    /// An [`SdrReadError`] when the walk cannot continue; the reader is
    /// then finished.
    pub fn handle_response(
        &mut self,
        completion: CompletionCode,
        data: &[u8],
    ) -> Result<(), SdrReadError> {
        let Some(req) = self.last_request.take() else {
            return Ok(());
        };
        let result = match req {
            SdrRequest::Info(_) => {
                self.on_info(completion, data);
                Ok(())
            }
            SdrRequest::Reserve(_) => self.on_reserve(completion, data),
            SdrRequest::Get(get) => self.on_get(get, completion, data),
        };
        if result.is_err() {
            self.phase = Phase::Done;
        }
        result
    }

    fn on_info(&mut self, completion: CompletionCode, data: &[u8]) {
        match SdrRepositoryInfo::from_bytes(data) {
            Ok(info) if completion.is_ok() => self.accept_info(info),
            // Some BMCs refuse Repository Info (Wiwynn answers D4h): walk
            // without a count and without cache timestamps.
            _ => {
                self.phase = Phase::Read;
                self.seen.insert(FIRST_RECORD_ID);
            }
        }
    }

    fn on_reserve(&mut self, completion: CompletionCode, data: &[u8]) -> Result<(), SdrReadError> {
        let c = &mut self.current;
        c.reservations = c.reservations.saturating_add(1);
        if c.reservations > MAX_RESERVATIONS_PER_RECORD {
            return Err(SdrReadError::ReservationLost {
                record_id: c.record_id,
                attempts: c.reservations,
            });
        }
        match SdrReservation::from_bytes(data) {
            Ok(r) if completion.is_ok() => self.reservation = Some(r.reservation_id),
            _ if completion.is_ok() => {
                return Err(SdrReadError::Malformed {
                    command: "Reserve SDR Repository",
                    record_id: Some(c.record_id),
                    source: DecodeError::Truncated {
                        what: "reservation ID",
                        need: 2,
                        have: data.len(),
                    },
                })
            }
            // Not supported (C1h) or not allowed (D4h): read with
            // reservation 0000h, which many such BMCs accept.
            _ => {
                self.reserve_unsupported = true;
                self.reservation = None;
            }
        }
        self.phase = Phase::Read;
        Ok(())
    }

    fn on_get(
        &mut self,
        get: GetSdr,
        completion: CompletionCode,
        data: &[u8],
    ) -> Result<(), SdrReadError> {
        let record_id = self.current.record_id;
        self.current.requests = self.current.requests.saturating_add(1);
        if self.current.requests > MAX_REQUESTS_PER_RECORD {
            return Err(SdrReadError::NoProgress {
                record_id,
                requests: self.current.requests,
            });
        }
        let whole = get.bytes_to_read == READ_WHOLE_RECORD;
        match completion {
            CompletionCode::Ok => {}
            CompletionCode::RequestLengthInvalid
            | CompletionCode::RequestLengthLimitExceeded
            | CompletionCode::CannotReturnRequestedBytes
            | CompletionCode::Unspecified => {
                self.stats.too_long = self.stats.too_long.saturating_add(1);
                return self.on_too_long(whole, get.offset);
            }
            CompletionCode::ReservationCancelled => {
                self.stats.cancelled = self.stats.cancelled.saturating_add(1);
                self.reservation = None;
                self.reserve_unsupported = false;
                self.current.restart();
                self.phase = Phase::Reserve;
                return Ok(());
            }
            CompletionCode::NotPresent
                if record_id == FIRST_RECORD_ID && self.records.is_empty() =>
            {
                // An empty repository.
                self.stats.ended_by = Some(completion);
                self.phase = Phase::Done;
                return Ok(());
            }
            CompletionCode::NotPresent if !self.records.is_empty() => {
                if !self.count_reached() {
                    return Err(
                        self.incomplete(record_id, IncompleteReason::Completion(completion))
                    );
                }
                self.stats.ended_by = Some(completion);
                self.phase = Phase::Done;
                return Ok(());
            }
            CompletionCode::NodeBusy | CompletionCode::Timeout => {
                self.current.busy_retries = self.current.busy_retries.saturating_add(1);
                if self.current.busy_retries <= MAX_BUSY_RETRIES {
                    self.last_request = None;
                    return Ok(());
                }
                if !self.records.is_empty() {
                    if !self.count_reached() {
                        return Err(
                            self.incomplete(record_id, IncompleteReason::Completion(completion))
                        );
                    }
                    // The last record of a Dell FC830 answers C3h: the
                    // count says the rest is all there is.
                    self.stats.ended_by = Some(completion);
                    self.phase = Phase::Done;
                    return Ok(());
                }
                return Err(SdrReadError::Completion {
                    command: "Get SDR",
                    record_id: Some(record_id),
                    code: completion,
                });
            }
            code => {
                return Err(SdrReadError::Completion {
                    command: "Get SDR",
                    record_id: Some(record_id),
                    code,
                })
            }
        }
        let chunk = SdrChunk::from_bytes(data).map_err(|source| SdrReadError::Malformed {
            command: "Get SDR",
            record_id: Some(record_id),
            source,
        })?;
        self.current.next_id = Some(chunk.next_record_id);
        self.current.busy_retries = 0;
        self.largest_answer = self.largest_answer.max(chunk.data.len());
        if whole {
            self.on_whole(chunk.data);
        } else {
            if chunk.data.is_empty() {
                // An empty answer to a partial read: treat as "too long".
                self.stats.too_long = self.stats.too_long.saturating_add(1);
                return self.on_too_long(false, get.offset);
            }
            let n = chunk.data.len().min(usize::from(get.bytes_to_read));
            let part = chunk.data.get(..n).unwrap_or(&[]);
            if usize::from(get.offset) == self.current.buf.len() {
                self.current.buf.extend_from_slice(part);
            }
            self.note_total();
            if get.offset == 0 && self.current.header_probe {
                self.current.header_probe = false;
            }
        }
        if self
            .current
            .total
            .is_some_and(|t| self.current.buf.len() >= t)
        {
            self.complete_record()?;
        }
        Ok(())
    }

    fn note_total(&mut self) {
        if self.current.total.is_none() {
            if let Ok(h) = SdrHeader::decode(&mut Reader::new(&self.current.buf)) {
                self.current.total = Some(h.total_len());
            }
        }
    }

    fn on_whole(&mut self, data: Vec<u8>) {
        self.current.buf = data;
        self.note_total();
        match self.current.total {
            Some(t) if self.current.buf.len() >= t => {
                self.policy.whole_record = Some(true);
            }
            Some(_) => {
                // Fewer bytes than the header announces (Xyratex): keep the
                // prefix and continue with partial reads.
                self.policy.whole_record = Some(false);
            }
            None => {
                self.policy.whole_record = Some(false);
                self.current.restart();
            }
        }
    }

    fn on_too_long(&mut self, whole: bool, offset: u8) -> Result<(), SdrReadError> {
        if whole {
            if self.policy.whole_record != Some(false) {
                // Partial reads from now on, as large as the largest answer
                // seen so far (a smaller record read whole), at least 16.
                let largest = u8::try_from(self.largest_answer).unwrap_or(u8::MAX - 1);
                self.policy.chunk_size = self.policy.chunk_size.max(largest).min(u8::MAX - 1);
            }
            self.policy.whole_record = Some(false);
            self.current.restart();
            return Ok(());
        }
        let chunk = self.policy.chunk_size;
        if offset == 0
            && self.current.buf.is_empty()
            && !self.current.header_probe
            && chunk > MIN_CHUNK
        {
            // Maybe the record is shorter than the chunk: learn its length
            // from the 5-byte header before shrinking the chunk for good.
            self.current.header_probe = true;
            return Ok(());
        }
        if chunk <= MIN_CHUNK {
            return Err(SdrReadError::ChunkTooSmall {
                record_id: self.current.record_id,
            });
        }
        self.policy.chunk_size = chunk.saturating_sub(CHUNK_STEP).max(MIN_CHUNK);
        Ok(())
    }

    /// `true` when the records read reach the Repository Info's count.
    fn count_reached(&self) -> bool {
        self.info
            .is_some_and(|i| self.records.len() >= usize::from(i.record_count))
    }

    fn incomplete(&self, record_id: u16, reason: IncompleteReason) -> SdrReadError {
        SdrReadError::Incomplete {
            record_id,
            reason,
            read: self.records.len(),
            expected: self.info.map(|i| i.record_count),
        }
    }

    fn complete_record(&mut self) -> Result<(), SdrReadError> {
        let requested = self.current.record_id;
        let mut raw = std::mem::take(&mut self.current.buf);
        if let Some(t) = self.current.total {
            raw.truncate(t);
        }
        check_decodes(&raw).map_err(|(record_type, source)| {
            let id = Reader::new(&raw).u16_le("record ID").unwrap_or(requested);
            let id = if requested == FIRST_RECORD_ID {
                id
            } else {
                requested
            };
            self.incomplete(
                id,
                IncompleteReason::Undecodable {
                    record_type,
                    source,
                },
            )
        })?;
        let header_id = Reader::new(&raw).u16_le("record ID").unwrap_or(requested);
        let id = if requested == FIRST_RECORD_ID {
            // 0000h names the first record, whatever its ID.
            header_id
        } else {
            if header_id != requested {
                // Answers naming another record ID (Supermicro X6DHR):
                // trust the request.
                self.stats.id_mismatches = self.stats.id_mismatches.saturating_add(1);
                if let Some(id_bytes) = raw.get_mut(..2) {
                    id_bytes.copy_from_slice(&requested.to_le_bytes());
                }
            }
            requested
        };
        self.seen.insert(id);
        if self.stored_ids.insert(id) {
            self.records.push(raw);
        } else {
            self.stats.duplicates = self.stats.duplicates.saturating_add(1);
        }
        let next = self.current.next_id.unwrap_or(LAST_RECORD_ID);
        if next == LAST_RECORD_ID {
            self.phase = Phase::Done;
        } else if self.seen.contains(&next) {
            self.stats.loop_detected = true;
            if !self.count_reached() {
                return Err(self.incomplete(id, IncompleteReason::Loop { next }));
            }
            self.phase = Phase::Done;
        } else if self.records.len() >= self.max_records {
            self.stats.capped = true;
            self.phase = Phase::Done;
        } else {
            self.seen.insert(next);
            self.current = Current::new(next);
        }
        if self.phase == Phase::Done {
            self.current = Current::new(LAST_RECORD_ID);
        }
        Ok(())
    }

    /// The repository read, once [`SdrReader::next_request`] returned
    /// `None`.
    ///
    /// # Errors
    /// [`SdrReadError::NotFinished`] before the walk's end.
    pub fn finish(self) -> Result<SdrRepository, SdrReadError> {
        if self.phase != Phase::Done {
            return Err(SdrReadError::NotFinished);
        }
        Ok(SdrRepository::from_raw_records(
            self.info,
            self.records,
            self.policy,
        ))
    }
}

#[cfg(test)]
mod tests;
