//! A scripted hostile BMC: [`ResponseHook`]s that make the virtual BMC
//! misbehave the way broken firmware does, one scenario each.
//!
//! Install one on a running [`crate::VirtualBmc`] with
//! [`crate::VirtualBmc::set_hook`] (and take it away with
//! [`crate::VirtualBmc::clear_hook`]); combine several with [`Script`].
//! Every scenario only touches the answers it is about and passes the rest
//! through unchanged.
//!
//! | scenario | what the BMC does |
//! |---|---|
//! | [`sdr_next_loop`] | Get SDR of one record names an earlier record as next (a next-ID loop) |
//! | [`sdr_completion_at`] | Get SDR of one record answers a completion code (late "not present" CBh, "timeout" C3h) |
//! | [`sdr_silent_at`] | Get SDR of one record is never answered |
//! | [`sdr_record_bytes`] | one record's bytes are replaced (zero-length and garbage records: [`zero_length_record`], [`garbage_record`]) |
//! | [`malformed_readings`] | every Get Sensor Reading answer is one byte long |
//! | [`silence`] | one command is never answered (e.g. Get System Info Parameters) |
//! | [`sel_next_loop`] | Get SEL Entry of one record names an earlier record as next |
//!
//! An identity swap (another machine behind the same address) is
//! [`crate::VirtualBmc::replace_machine`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ipmi_proto::bmc::{ResponseHook, Rewrite};
use ipmi_proto::commands::app::GetSystemInfoParameters;
use ipmi_proto::commands::sdr::GetSdr;
use ipmi_proto::commands::sel::GetSelEntry;
use ipmi_proto::commands::sensor::GetSensorReading;
use ipmi_proto::commands::Command;
use ipmi_proto::wire::message::IpmiRequest;
use ipmi_proto::CompletionCode;

/// Several hooks in order: the first that does not [`Rewrite::Keep`] an
/// answer decides.
#[derive(Default)]
pub struct Script {
    hooks: Vec<Box<dyn ResponseHook>>,
}

impl Script {
    /// An empty script (keeps every answer).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a hook.
    pub fn with(mut self, hook: impl ResponseHook + 'static) -> Self {
        self.hooks.push(Box::new(hook));
        self
    }
}

impl ResponseHook for Script {
    fn rewrite(&mut self, req: &IpmiRequest, cc: CompletionCode, data: &[u8]) -> Rewrite {
        for h in &mut self.hooks {
            match h.rewrite(req, cc, data) {
                Rewrite::Keep => {}
                other => return other,
            }
        }
        Rewrite::Keep
    }
}

/// Counts the answers a hook rewrote (to show a scenario really ran).
#[derive(Debug, Clone, Default)]
pub struct Hits(Arc<AtomicU64>);

impl Hits {
    /// Answers rewritten so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn hit(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

fn is<C: Command>(req: &IpmiRequest) -> bool {
    req.netfn == C::NETFN && req.cmd == C::CMD
}

/// The record ID a Get SDR / Get SEL Entry request asks for (bytes 3–4).
fn requested_record(req: &IpmiRequest) -> Option<u16> {
    let lo = *req.data.get(2)?;
    let hi = *req.data.get(3)?;
    Some(u16::from_le_bytes([lo, hi]))
}

/// Rewrites the next-record ID of successful answers to `C` for `record`.
fn next_loop<C: Command>(record: u16, next: u16, hits: Hits) -> impl ResponseHook {
    move |req: &IpmiRequest, cc: CompletionCode, data: &[u8]| {
        if !is::<C>(req) || !cc.is_ok() || requested_record(req) != Some(record) {
            return Rewrite::Keep;
        }
        let Some(rest) = data.get(2..) else {
            return Rewrite::Keep;
        };
        hits.hit();
        let mut out = next.to_le_bytes().to_vec();
        out.extend_from_slice(rest);
        Rewrite::Replace(cc, out)
    }
}

/// Get SDR of `record` answers with `next` as its next-record ID (a loop
/// when `next` was read before).
pub fn sdr_next_loop(record: u16, next: u16, hits: Hits) -> impl ResponseHook {
    next_loop::<GetSdr>(record, next, hits)
}

/// Get SEL Entry of `record` answers with `next` as its next-record ID.
pub fn sel_next_loop(record: u16, next: u16, hits: Hits) -> impl ResponseHook {
    next_loop::<GetSelEntry>(record, next, hits)
}

/// Get SDR of `record` answers `code` and no data.
pub fn sdr_completion_at(record: u16, code: CompletionCode, hits: Hits) -> impl ResponseHook {
    move |req: &IpmiRequest, _: CompletionCode, _: &[u8]| {
        if !is::<GetSdr>(req) || requested_record(req) != Some(record) {
            return Rewrite::Keep;
        }
        hits.hit();
        Rewrite::Replace(code, Vec::new())
    }
}

/// Get SDR of `record` is never answered.
pub fn sdr_silent_at(record: u16, hits: Hits) -> impl ResponseHook {
    move |req: &IpmiRequest, _: CompletionCode, _: &[u8]| {
        if !is::<GetSdr>(req) || requested_record(req) != Some(record) {
            return Rewrite::Keep;
        }
        hits.hit();
        Rewrite::Drop
    }
}

/// Serves `raw` (header and body) as the bytes of `record`, whole or in
/// the pieces asked for, with the record's real next-record ID.
pub fn sdr_record_bytes(record: u16, raw: Vec<u8>, hits: Hits) -> impl ResponseHook {
    move |req: &IpmiRequest, cc: CompletionCode, data: &[u8]| {
        if !is::<GetSdr>(req) || !cc.is_ok() || requested_record(req) != Some(record) {
            return Rewrite::Keep;
        }
        let (Some(next), Some(&offset), Some(&count)) =
            (data.get(..2), req.data.get(4), req.data.get(5))
        else {
            return Rewrite::Keep;
        };
        hits.hit();
        let start = usize::from(offset).min(raw.len());
        let end = if count == 0xff {
            raw.len()
        } else {
            start.saturating_add(usize::from(count)).min(raw.len())
        };
        let mut out = next.to_vec();
        out.extend_from_slice(raw.get(start..end).unwrap_or_default());
        Rewrite::Replace(CompletionCode::Ok, out)
    }
}

/// A record of `record_type` with a correct header and no body.
pub fn zero_length_record(record: u16, record_type: u8) -> Vec<u8> {
    let [lo, hi] = record.to_le_bytes();
    vec![lo, hi, 0x51, record_type, 0]
}

/// A full sensor record (01h) whose 12-byte body is noise: the header is
/// well formed, the body cannot be a sensor.
pub fn garbage_record(record: u16) -> Vec<u8> {
    let [lo, hi] = record.to_le_bytes();
    let mut raw = vec![lo, hi, 0x51, 0x01, 12];
    raw.extend_from_slice(&[
        0xde, 0xad, 0xbe, 0xef, 0xff, 0x00, 0x13, 0x37, 0xff, 0xff, 0, 1,
    ]);
    raw
}

/// Every successful Get Sensor Reading answer is cut to its first byte
/// (a reading without its status byte cannot be decoded).
pub fn malformed_readings(hits: Hits) -> impl ResponseHook {
    move |req: &IpmiRequest, cc: CompletionCode, data: &[u8]| {
        if !is::<GetSensorReading>(req) || !cc.is_ok() {
            return Rewrite::Keep;
        }
        hits.hit();
        Rewrite::Replace(cc, data.get(..1).unwrap_or_default().to_vec())
    }
}

/// Requests of command `C` are never answered (the requester times out).
pub fn silence<C: Command>(hits: Hits) -> impl ResponseHook {
    move |req: &IpmiRequest, _: CompletionCode, _: &[u8]| {
        if !is::<C>(req) {
            return Rewrite::Keep;
        }
        hits.hit();
        Rewrite::Drop
    }
}

/// Get System Info Parameters is never answered.
pub fn silent_system_info(hits: Hits) -> impl ResponseHook {
    silence::<GetSystemInfoParameters>(hits)
}
