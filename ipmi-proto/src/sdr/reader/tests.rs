//! The reader against a scriptable fake repository: every fallback and
//! guard of the module docs.

use std::collections::HashMap;

use proptest::prelude::*;

use super::*;
use crate::sdr::record::{OemRecord, SdrRecord};

/// A repository with BMC quirks as knobs.
#[derive(Debug, Clone)]
struct Fake {
    /// Raw records (header + body), in order; record IDs from the headers.
    records: Vec<Vec<u8>>,
    /// Largest read accepted, FFh included; `None` accepts whole reads.
    max_read: Option<u8>,
    /// Refuse reads past the end of a record with CAh (instead of
    /// answering the bytes that exist).
    strict_end: bool,
    /// Bytes of garbage appended to whole-record answers (ipmi_sim: 6).
    whole_garbage: usize,
    /// Whole-record answers cut to this many bytes (Xyratex).
    whole_cut: Option<usize>,
    /// Current reservation.
    reservation: u16,
    /// Cancel the reservation before answering these (record index,
    /// offset) reads, once each.
    cancel_once: Vec<(usize, u8)>,
    /// Cancel before every partial read at a non-zero offset.
    cancel_always: bool,
    /// Next-ID overrides by record index.
    next_override: HashMap<usize, u16>,
    /// Answer with this record ID in the data instead of the real one.
    wrong_id: bool,
    /// Completion code for Repository Info.
    info_cc: CompletionCode,
    /// Completion code for Reserve.
    reserve_cc: CompletionCode,
    /// Record count in the info (None = real count).
    info_count: Option<u16>,
    /// Answer the first N Get SDR requests with C0h.
    busy: u32,
    /// Answer reads of this record index with this code.
    fail: Option<(usize, CompletionCode)>,
    log: Vec<SdrRequest>,
}

impl Fake {
    fn new(records: Vec<Vec<u8>>) -> Self {
        Self {
            records,
            max_read: None,
            strict_end: false,
            whole_garbage: 0,
            whole_cut: None,
            reservation: 0,
            cancel_once: Vec::new(),
            cancel_always: false,
            next_override: HashMap::new(),
            wrong_id: false,
            info_cc: CompletionCode::Ok,
            reserve_cc: CompletionCode::Ok,
            info_count: None,
            busy: 0,
            fail: None,
            log: Vec::new(),
        }
    }

    fn index_of(&self, id: u16) -> Option<usize> {
        if id == FIRST_RECORD_ID {
            return (!self.records.is_empty()).then_some(0);
        }
        self.records
            .iter()
            .position(|r| u16::from_le_bytes([r[0], r[1]]) == id)
    }

    fn serve(&mut self, req: SdrRequest) -> (CompletionCode, Vec<u8>) {
        self.log.push(req);
        match req {
            SdrRequest::Info(_) => {
                let info = SdrRepositoryInfo {
                    sdr_version: 0x51,
                    record_count: self
                        .info_count
                        .unwrap_or(u16::try_from(self.records.len()).unwrap()),
                    free_space: 1000,
                    most_recent_addition: 0x1234,
                    most_recent_erase: 0x10,
                    operation_support: 0x02,
                };
                (self.info_cc, info.to_bytes())
            }
            SdrRequest::Reserve(_) => {
                if !self.reserve_cc.is_ok() {
                    return (self.reserve_cc, vec![]);
                }
                self.reservation = self.reservation.wrapping_add(1).max(1);
                (
                    CompletionCode::Ok,
                    SdrReservation {
                        reservation_id: self.reservation,
                    }
                    .to_bytes(),
                )
            }
            SdrRequest::Get(g) => self.get(g),
        }
    }

    fn get(&mut self, g: GetSdr) -> (CompletionCode, Vec<u8>) {
        if self.busy > 0 {
            self.busy -= 1;
            return (CompletionCode::NodeBusy, vec![]);
        }
        let Some(idx) = self.index_of(g.record_id) else {
            return (CompletionCode::NotPresent, vec![]);
        };
        if let Some((i, cc)) = self.fail {
            if i == idx {
                return (cc, vec![]);
            }
        }
        if g.offset != 0 {
            if let Some(pos) = self.cancel_once.iter().position(|c| *c == (idx, g.offset)) {
                self.cancel_once.remove(pos);
                self.reservation = self.reservation.wrapping_add(1);
            }
            if self.cancel_always {
                self.reservation = self.reservation.wrapping_add(1);
            }
            let unreserved_ok = !self.reserve_cc.is_ok() && g.reservation_id == 0;
            if !unreserved_ok && (g.reservation_id != self.reservation || g.reservation_id == 0) {
                return (CompletionCode::ReservationCancelled, vec![]);
            }
        }
        if let Some(max) = self.max_read {
            if g.bytes_to_read > max {
                return (CompletionCode::CannotReturnRequestedBytes, vec![]);
            }
        }
        let mut rec = self.records[idx].clone();
        if self.wrong_id {
            rec[0] ^= 0x55;
        }
        let next = self.next_override.get(&idx).copied().unwrap_or_else(|| {
            self.records
                .get(idx + 1)
                .map_or(LAST_RECORD_ID, |r| u16::from_le_bytes([r[0], r[1]]))
        });
        let data = if g.bytes_to_read == READ_WHOLE_RECORD {
            let mut d = rec;
            d.extend(std::iter::repeat_n(0xee, self.whole_garbage));
            if let Some(n) = self.whole_cut {
                d.truncate(n);
            }
            d
        } else {
            let start = usize::from(g.offset);
            let end = start + usize::from(g.bytes_to_read);
            if end > rec.len() && self.strict_end {
                return (CompletionCode::CannotReturnRequestedBytes, vec![]);
            }
            rec.get(start..end.min(rec.len())).unwrap_or(&[]).to_vec()
        };
        (
            CompletionCode::Ok,
            SdrChunk {
                next_record_id: next,
                data,
            }
            .to_bytes(),
        )
    }

    fn run(&mut self, mut reader: SdrReader) -> Result<(SdrRepository, ReaderStats), SdrReadError> {
        let mut guard = 0;
        while let Some(req) = reader.next_request() {
            guard += 1;
            assert!(guard < 10_000, "reader does not terminate");
            let (cc, data) = self.serve(req);
            reader.handle_response(cc, &data)?;
        }
        let stats = reader.stats();
        assert_eq!(
            stats.requests as usize,
            self.log.len(),
            "stats count requests"
        );
        Ok((reader.finish()?, stats))
    }

    fn gets(&self) -> usize {
        self.log
            .iter()
            .filter(|r| matches!(r, SdrRequest::Get(_)))
            .count()
    }
}

/// An OEM record of `len` body bytes (3 IANA + data) with ID `id`.
fn oem(id: u16, len: usize) -> Vec<u8> {
    let rec = SdrRecord::Oem(OemRecord {
        manufacturer_id: 674,
        data: (0..len.saturating_sub(3)).map(|i| i as u8).collect(),
    });
    rec.to_bytes(id)
}

fn sample() -> Vec<Vec<u8>> {
    // Record IDs 1, 2, 3, 5 (a gap), 59, 20, 40 and 64 bytes long.
    vec![oem(1, 59), oem(2, 15), oem(3, 35), oem(5, 3)]
}

fn raws(repo: &SdrRepository) -> Vec<Vec<u8>> {
    repo.records().iter().map(|r| r.raw.clone()).collect()
}

#[test]
fn whole_records_one_request_each() {
    let mut fake = Fake::new(sample());
    let (repo, stats) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(raws(&repo), sample());
    assert_eq!(fake.log.len(), 1 + 4);
    assert_eq!(stats.get_sdr, 4);
    assert_eq!(repo.policy().whole_record, Some(true));
    assert_eq!(repo.info().unwrap().most_recent_addition, 0x1234);
    assert_eq!(repo.to_dump(), sample().concat());
}

#[test]
fn ipmi_sim_garbage_is_cut_by_the_header_length() {
    let mut fake = Fake::new(sample());
    fake.whole_garbage = 6;
    let (repo, _) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(raws(&repo), sample());
}

#[test]
fn partial_reads_after_refused_whole_read() {
    let mut fake = Fake::new(sample());
    fake.max_read = Some(16);
    let (repo, stats) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(raws(&repo), sample());
    // Info, FFh refused once, Reserve once, then ceil(len/16) per record:
    // 64 -> 4, 20 -> 2, 40 -> 3, 8 -> 1.
    assert_eq!(fake.gets(), 1 + 4 + 2 + 3 + 1);
    assert_eq!(stats.reservations, 1);
    assert_eq!(
        repo.policy(),
        ReadPolicy {
            whole_record: Some(false),
            chunk_size: 16
        }
    );
    // A second walk with the learned policy wastes nothing.
    let mut again = Fake::new(sample());
    again.max_read = Some(16);
    again.run(SdrReader::new(repo.policy())).unwrap();
    assert_eq!(again.gets(), 4 + 2 + 3 + 1);
}

#[test]
fn chunk_shrinks_by_four_and_is_remembered() {
    let mut fake = Fake::new(sample());
    fake.max_read = Some(9);
    let (repo, _) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(raws(&repo), sample());
    assert_eq!(repo.policy().chunk_size, 8);
    let mut fake = Fake::new(sample());
    fake.max_read = Some(5);
    let (repo, _) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(raws(&repo), sample());
    assert_eq!(repo.policy().chunk_size, 5);
    let mut fake = Fake::new(sample());
    fake.max_read = Some(4);
    assert_eq!(
        fake.run(SdrReader::new(ReadPolicy::default())).unwrap_err(),
        SdrReadError::ChunkTooSmall { record_id: 0 }
    );
}

#[test]
fn records_shorter_than_a_chunk_on_a_strict_bmc() {
    // The 8-byte record refuses a 16-byte read at offset 0: the header is
    // read first and the chunk size stays 16.
    let mut fake = Fake::new(vec![oem(1, 3), oem(2, 30)]);
    fake.max_read = Some(16);
    fake.strict_end = true;
    let (repo, _) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(raws(&repo), vec![oem(1, 3), oem(2, 30)]);
    assert_eq!(repo.policy().chunk_size, 16);
}

#[test]
fn short_whole_answer_continues_with_partial_reads() {
    let mut fake = Fake::new(sample());
    fake.whole_cut = Some(12);
    let (repo, _) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(raws(&repo), sample());
    assert_eq!(repo.policy().whole_record, Some(false));
}

#[test]
fn reservation_cancelled_is_renewed() {
    let mut fake = Fake::new(sample());
    fake.max_read = Some(16);
    fake.cancel_once = vec![(0, 32), (2, 16)];
    let (repo, stats) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(raws(&repo), sample());
    assert_eq!(stats.cancelled, 2);
    assert_eq!(stats.reservations, 3);
}

#[test]
fn reservation_cancelled_forever_gives_up() {
    let mut fake = Fake::new(sample());
    fake.max_read = Some(16);
    fake.cancel_always = true;
    let err = fake.run(SdrReader::new(ReadPolicy::default())).unwrap_err();
    assert_eq!(
        err,
        SdrReadError::ReservationLost {
            record_id: 0,
            attempts: MAX_RESERVATIONS_PER_RECORD + 1
        }
    );
    assert!(fake.log.len() < 40);
}

#[test]
fn reserve_unsupported_reads_with_reservation_zero() {
    let mut fake = Fake::new(sample());
    fake.max_read = Some(16);
    fake.reserve_cc = CompletionCode::InvalidCommand;
    let (repo, stats) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(raws(&repo), sample());
    assert_eq!(stats.reservations, 1);
    assert!(fake.log.iter().all(|r| match r {
        SdrRequest::Get(g) => g.reservation_id == 0,
        _ => true,
    }));
}

#[test]
fn loops_and_self_references_are_errors_naming_the_record() {
    let mut fake = Fake::new(sample());
    fake.next_override.insert(2, 2);
    let err = fake.run(SdrReader::new(ReadPolicy::default())).unwrap_err();
    assert_eq!(
        err,
        SdrReadError::Incomplete {
            record_id: 3,
            reason: IncompleteReason::Loop { next: 2 },
            read: 3,
            expected: Some(4),
        }
    );
    assert!(err.to_string().contains("record 0x0003"), "{err}");
    assert!(err.to_string().contains("loop"), "{err}");
    let mut fake = Fake::new(sample());
    fake.next_override.insert(1, 1);
    let err = fake.run(SdrReader::new(ReadPolicy::default())).unwrap_err();
    assert!(matches!(
        err,
        SdrReadError::Incomplete {
            record_id: 2,
            reason: IncompleteReason::Loop { next: 1 },
            ..
        }
    ));
    // A loop after the last record (the count is reached): complete.
    let mut fake = Fake::new(sample());
    fake.next_override.insert(3, 1);
    let (repo, stats) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(repo.records().len(), 4);
    assert!(stats.loop_detected);
    // A loop back to the first record, requested as 0000h.
    let mut fake = Fake::new(sample());
    fake.next_override.insert(3, 0);
    let (repo, _) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(repo.records().len(), 4);
    // Without a record count nothing proves a loop harmless.
    let mut fake = Fake::new(sample());
    fake.info_cc = CompletionCode::InsufficientPrivilege;
    fake.next_override.insert(3, 1);
    let err = fake.run(SdrReader::new(ReadPolicy::default())).unwrap_err();
    assert!(matches!(
        err,
        SdrReadError::Incomplete { expected: None, .. }
    ));
}

#[test]
fn undecodable_sensor_records_are_errors() {
    // A full sensor record with no body, and one with 12 bytes of noise.
    for body in [
        vec![],
        vec![
            0xde, 0xad, 0xbe, 0xef, 0xff, 0, 0x13, 0x37, 0xff, 0xff, 0, 1,
        ],
    ] {
        let mut records = sample();
        let len = u8::try_from(body.len()).unwrap();
        let mut bad = vec![3, 0, 0x51, 0x01, len];
        bad.extend_from_slice(&body);
        records[2] = bad;
        let mut fake = Fake::new(records);
        let err = fake.run(SdrReader::new(ReadPolicy::default())).unwrap_err();
        assert!(
            matches!(
                err,
                SdrReadError::Incomplete {
                    record_id: 3,
                    reason: IncompleteReason::Undecodable {
                        record_type: 0x01,
                        ..
                    },
                    read: 2,
                    ..
                }
            ),
            "{err:?}"
        );
    }
    // Unknown and OEM types are kept as they are.
    let mut records = sample();
    records[2] = vec![3, 0, 0x51, 0x77, 2, 1, 2];
    let mut fake = Fake::new(records.clone());
    let (repo, _) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(raws(&repo), records);
}

#[test]
fn never_last_is_capped_by_the_count() {
    // Inspur: the last record points to an ID that keeps answering.
    let mut records: Vec<Vec<u8>> = (1..=200).map(|id| oem(id, 10)).collect();
    records.truncate(200);
    let mut fake = Fake::new(records);
    fake.info_count = Some(10);
    let (repo, stats) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(repo.records().len(), 10 + RECORD_MARGIN);
    assert!(stats.capped);
}

#[test]
fn dangling_next_is_an_error_unless_the_count_is_reached() {
    // The count says 4 and 4 were read: the dangling next ID is harmless.
    let mut fake = Fake::new(sample());
    fake.next_override.insert(3, 0x0777);
    let (repo, stats) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(repo.records().len(), 4);
    assert_eq!(stats.ended_by, Some(CompletionCode::NotPresent));
    // The count says 9: records are missing.
    let mut fake = Fake::new(sample());
    fake.info_count = Some(9);
    fake.next_override.insert(3, 0x0777);
    let err = fake.run(SdrReader::new(ReadPolicy::default())).unwrap_err();
    assert_eq!(
        err,
        SdrReadError::Incomplete {
            record_id: 0x0777,
            reason: IncompleteReason::Completion(CompletionCode::NotPresent),
            read: 4,
            expected: Some(9),
        }
    );
    assert!(err.to_string().contains("4 of 9 records"), "{err}");
    // A late "not present" in the middle.
    let mut fake = Fake::new(sample());
    fake.fail = Some((2, CompletionCode::NotPresent));
    let err = fake.run(SdrReader::new(ReadPolicy::default())).unwrap_err();
    assert!(matches!(
        err,
        SdrReadError::Incomplete {
            record_id: 3,
            read: 2,
            ..
        }
    ));
}

#[test]
fn wrong_record_id_in_answer_uses_the_requested_one() {
    let mut fake = Fake::new(sample());
    fake.wrong_id = true;
    let (repo, stats) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    let ids: Vec<u16> = repo.records().iter().map(|r| r.record_id).collect();
    // The first record was requested as 0000h and keeps its own ID.
    assert_eq!(ids, [1 ^ 0x55, 2, 3, 5]);
    assert_eq!(stats.id_mismatches, 3);
}

#[test]
fn info_refused_walks_anyway() {
    let mut fake = Fake::new(sample());
    fake.info_cc = CompletionCode::InsufficientPrivilege;
    let (repo, _) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(raws(&repo), sample());
    assert!(repo.info().is_none());
    assert!(!repo.is_current(&SdrRepositoryInfo::default()));
}

#[test]
fn empty_repository() {
    let mut fake = Fake::new(vec![]);
    let (repo, _) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert!(repo.records().is_empty());
    assert!(repo.sensors().is_empty());
}

#[test]
fn busy_is_retried_and_errors_end_the_walk() {
    let mut fake = Fake::new(sample());
    fake.busy = 2;
    let (repo, _) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(raws(&repo), sample());
    // C3h on the last record: three of four read is not a repository.
    let mut fake = Fake::new(sample());
    fake.fail = Some((3, CompletionCode::Timeout));
    let err = fake.run(SdrReader::new(ReadPolicy::default())).unwrap_err();
    assert!(matches!(
        err,
        SdrReadError::Incomplete {
            record_id: 5,
            reason: IncompleteReason::Completion(CompletionCode::Timeout),
            read: 3,
            expected: Some(4),
        }
    ));
    // C3h on a record past the count (Dell FC830's last record): the rest is kept.
    let mut fake = Fake::new(sample());
    fake.info_count = Some(3);
    fake.fail = Some((3, CompletionCode::Timeout));
    let (repo, stats) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
    assert_eq!(repo.records().len(), 3);
    assert_eq!(stats.ended_by, Some(CompletionCode::Timeout));
    // Insufficient privilege is an error.
    let mut fake = Fake::new(sample());
    fake.fail = Some((1, CompletionCode::InsufficientPrivilege));
    let err = fake.run(SdrReader::new(ReadPolicy::default())).unwrap_err();
    assert_eq!(
        err,
        SdrReadError::Completion {
            command: "Get SDR",
            record_id: Some(2),
            code: CompletionCode::InsufficientPrivilege
        }
    );
    assert!(err.to_string().contains("record 0x0002"));
}

#[test]
fn with_info_skips_the_info_request() {
    let mut fake = Fake::new(sample());
    let info = SdrRepositoryInfo {
        record_count: 4,
        most_recent_addition: 7,
        ..SdrRepositoryInfo::default()
    };
    let (repo, _) = fake
        .run(SdrReader::with_info(info, ReadPolicy::default()))
        .unwrap();
    assert_eq!(fake.log.len(), 4);
    assert!(repo.is_current(&info));
}

#[test]
fn finish_before_the_end() {
    let mut reader = SdrReader::new(ReadPolicy::default());
    assert!(reader.next_request().is_some());
    // Asking again without an answer is the same request (a retransmission).
    assert!(matches!(reader.next_request(), Some(SdrRequest::Info(_))));
    assert_eq!(reader.stats().requests, 1);
    assert!(!reader.is_done());
    assert_eq!(reader.finish().unwrap_err(), SdrReadError::NotFinished);
}

#[test]
fn malformed_answers_are_errors_not_panics() {
    let mut reader = SdrReader::with_info(SdrRepositoryInfo::default(), ReadPolicy::default());
    assert!(reader.next_request().is_some());
    let err = reader
        .handle_response(CompletionCode::Ok, &[1])
        .unwrap_err();
    assert!(matches!(err, SdrReadError::Malformed { .. }));
    assert!(reader.is_done());
    assert!(reader.next_request().is_none());
}

proptest! {
    #[test]
    fn reads_any_repository_exactly(
        lens in proptest::collection::vec(3usize..120, 0..12),
        max_read in proptest::option::of(5u8..40),
        strict in any::<bool>(),
        garbage in 0usize..8,
        cancel in proptest::collection::vec((0usize..12, 1u8..100), 0..3),
    ) {
        let records: Vec<Vec<u8>> = lens
            .iter()
            .enumerate()
            .map(|(i, l)| oem(u16::try_from(i).unwrap() * 3 + 1, *l))
            .collect();
        let mut fake = Fake::new(records.clone());
        fake.max_read = max_read;
        fake.strict_end = strict;
        fake.whole_garbage = garbage;
        fake.cancel_once = cancel;
        let (repo, _) = fake.run(SdrReader::new(ReadPolicy::default())).unwrap();
        prop_assert_eq!(raws(&repo), records);
        prop_assert!(fake.log.len() <= 4 + lens.iter().map(|l| l / 4 + 8).sum::<usize>());
    }

    #[test]
    fn arbitrary_answers_never_panic(answers in proptest::collection::vec((any::<u8>(), proptest::collection::vec(any::<u8>(), 0..30)), 0..60)) {
        let mut reader = SdrReader::new(ReadPolicy::default());
        for (cc, data) in answers {
            if reader.next_request().is_none() {
                break;
            }
            if reader.handle_response(CompletionCode::from(cc), &data).is_err() {
                break;
            }
        }
        let _ = reader.stats();
    }
}
