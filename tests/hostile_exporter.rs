//! The `ipmi_exporter` binary against the scripted hostile BMC
//! (`ipmi_test_support::hostile`): every way of cutting an SDR download
//! short gives `ipmi_up{collector="ipmi"} 0`, no sensor series and one log
//! line naming the record and the reason; nothing of the download is
//! cached, so the next scrape after the BMC recovers exports every sensor.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ipmi_proto::bmc::sensors::SensorModel;
use ipmi_proto::bmc::ResponseHook;
use ipmi_proto::sdr::SdrRepository;
use ipmi_proto::CompletionCode;
use ipmi_test_support::exporter_bin::{series_value, ServedExporter};
use ipmi_test_support::hostile::{self, Hits};
use ipmi_test_support::VirtualBmc;

const CONFIG: &str = "modules:
  default:
    user: admin
    pass: password
    driver: LAN_2_0
    privilege: admin
    timeout: 300
    collectors: [ipmi]
";

const UP: &str = "ipmi_up{collector=\"ipmi\"}";

/// The record IDs of the default machine's repository, in walk order.
fn record_ids() -> Vec<u16> {
    let dump = SensorModel::default().dump();
    SdrRepository::from_dump(None, &dump)
        .expect("dump")
        .records()
        .iter()
        .map(|r| r.record_id)
        .collect()
}

/// Sensor series (every `ipmi_*` sample with an `id` label).
fn sensor_series(body: &str) -> usize {
    body.lines()
        .filter(|l| l.starts_with("ipmi_") && l.contains("{id=\""))
        .count()
}

fn failure_lines(log: &str, target: &str) -> Vec<String> {
    log.lines()
        .filter(|l| l.contains("collector failed") && l.contains(target))
        .map(str::to_string)
        .collect()
}

/// Runs one scenario: a clean BMC gives the reference sensor count; the
/// hostile one must be down with one log line containing `reason` and the
/// record's ID, then complete once the hook is gone.
fn scenario(hook: impl FnOnce(u16, Hits) -> Box<dyn ResponseHook>, reason: &str) {
    let ids = record_ids();
    assert!(ids.len() > 4, "the default machine has records");
    let record = ids[ids.len() / 2];
    let clean = VirtualBmc::with_sensors(SensorModel::default());
    let hostile_bmc = VirtualBmc::with_sensors(SensorModel::default());
    let hits = Hits::default();
    hostile_bmc.set_hook(BoxedHook(hook(record, hits.clone())));
    let exporter = ServedExporter::start(CONFIG, &[]);

    let reference = exporter.scrape(&clean.target(), "default");
    assert_eq!(series_value(&reference, UP), Some(1.0), "{reference}");
    let expected = sensor_series(&reference);
    assert!(expected > 10, "{reference}");

    let body = exporter.scrape(&hostile_bmc.target(), "default");
    assert!(hits.get() > 0, "the hostile scenario ran");
    assert_eq!(series_value(&body, UP), Some(0.0), "{body}");
    assert_eq!(sensor_series(&body), 0, "no partial sensor set: {body}");
    let log = exporter.log();
    let lines = failure_lines(&log, &hostile_bmc.target());
    assert_eq!(lines.len(), 1, "one log line per failed scrape: {log}");
    let record_hex = format!("{record:#06x}");
    assert!(
        lines[0].contains(&record_hex) && lines[0].contains(reason),
        "the log line names record {record_hex} and {reason:?}: {}",
        lines[0]
    );

    // Still hostile: still down (nothing partial was cached meanwhile).
    let body = exporter.scrape(&hostile_bmc.target(), "default");
    assert_eq!(series_value(&body, UP), Some(0.0), "{body}");
    assert_eq!(sensor_series(&body), 0, "{body}");

    // The BMC recovers: the next scrape downloads again, completely.
    hostile_bmc.clear_hook();
    let body = exporter.scrape(&hostile_bmc.target(), "default");
    assert_eq!(series_value(&body, UP), Some(1.0), "{body}");
    assert_eq!(sensor_series(&body), expected, "{body}");
}

/// A boxed hook as a hook.
struct BoxedHook(Box<dyn ResponseHook>);

impl ResponseHook for BoxedHook {
    fn rewrite(
        &mut self,
        req: &ipmi_proto::wire::message::IpmiRequest,
        cc: CompletionCode,
        data: &[u8],
    ) -> ipmi_proto::bmc::Rewrite {
        self.0.rewrite(req, cc, data)
    }
}

#[test]
fn sdr_next_id_loop_is_down_not_partial() {
    let first = record_ids()[0];
    scenario(|r, h| Box::new(hostile::sdr_next_loop(r, first, h)), "loop");
}

#[test]
fn late_not_present_is_down_not_partial() {
    scenario(
        |r, h| Box::new(hostile::sdr_completion_at(r, CompletionCode::NotPresent, h)),
        "completion code",
    );
}

#[test]
fn late_timeout_code_is_down_not_partial() {
    scenario(
        |r, h| Box::new(hostile::sdr_completion_at(r, CompletionCode::Timeout, h)),
        "completion code",
    );
}

#[test]
fn silent_record_is_down_not_partial() {
    scenario(|r, h| Box::new(hostile::sdr_silent_at(r, h)), "timeout");
}

#[test]
fn zero_length_record_is_down_not_partial() {
    scenario(
        |r, h| {
            Box::new(hostile::sdr_record_bytes(
                r,
                hostile::zero_length_record(r, 0x01),
                h,
            ))
        },
        "does not decode",
    );
}

#[test]
fn garbage_record_is_down_not_partial() {
    scenario(
        |r, h| Box::new(hostile::sdr_record_bytes(r, hostile::garbage_record(r), h)),
        "does not decode",
    );
}

const SEL_CONFIG: &str = "modules:
  default:
    user: admin
    pass: password
    driver: LAN_2_0
    privilege: admin
    timeout: 300
    collectors: [sel, sel-events]
";

/// The sum of `ipmi_sel_events_count_by_state` (`None` without any).
fn sel_events_total(body: &str) -> Option<f64> {
    let values: Vec<f64> = body
        .lines()
        .filter(|l| l.starts_with("ipmi_sel_events_count_by_state{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
        .collect();
    (!values.is_empty()).then(|| values.iter().sum())
}

/// A SEL whose next-record chain loops back to the first entry halfway:
/// `sel` (Get SEL Info) still exports the right count, `sel-events` is
/// down with one log line naming the loop, never a shorter log with
/// `ipmi_up` 1; once the BMC answers properly the whole log is counted.
#[test]
fn sel_next_id_loop_is_down_not_a_wrong_count() {
    let bmc = VirtualBmc::start(ipmi_proto::bmc::Machine::default());
    let entries = bmc.stats().with_bmc(|b| b.machine().sel.records().len());
    assert!(entries > 10, "the default log has entries");
    let exporter = ServedExporter::start(SEL_CONFIG, &[]);
    let up_sel = "ipmi_up{collector=\"sel\"}";
    let up_events = "ipmi_up{collector=\"sel-events\"}";

    // The looping BMC first: nothing read before, nothing to fall back on.
    let hits = Hits::default();
    let ids: Vec<u16> = bmc.stats().with_bmc(|b| {
        b.machine()
            .sel
            .records()
            .iter()
            .map(|r| u16::from_le_bytes([r[0], r[1]]))
            .collect()
    });
    let (first, middle) = (ids[0], ids[ids.len() / 2]);
    bmc.set_hook(hostile::sel_next_loop(middle, first, hits.clone()));
    for _ in 0..2 {
        let body = exporter.scrape(&bmc.target(), "default");
        assert!(hits.get() > 0, "the hostile scenario ran");
        assert_eq!(series_value(&body, up_sel), Some(1.0), "{body}");
        assert_eq!(
            series_value(&body, "ipmi_sel_logs_count"),
            Some(entries as f64),
            "Get SEL Info's count, not the walk's: {body}"
        );
        assert_eq!(series_value(&body, up_events), Some(0.0), "{body}");
        assert_eq!(sel_events_total(&body), None, "no partial log: {body}");
    }
    let log = exporter.log();
    let lines = failure_lines(&log, &bmc.target());
    assert_eq!(lines.len(), 2, "one log line per failed scrape: {log}");
    let middle_hex = format!("{middle:#06x}");
    assert!(
        lines[0].contains("loop") && lines[0].contains(&middle_hex),
        "the log line names the loop at {middle_hex}: {}",
        lines[0]
    );

    // The BMC recovers: the whole log is read and counted.
    bmc.clear_hook();
    let body = exporter.scrape(&bmc.target(), "default");
    assert_eq!(series_value(&body, up_events), Some(1.0), "{body}");
    let total = sel_events_total(&body).expect("counts by state");
    // Upstream skips entries with a comma in a field; the default log
    // has none.
    assert_eq!(total, entries as f64, "{body}");
}
