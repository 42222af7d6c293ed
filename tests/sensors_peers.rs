//! Real IPMI clients read the virtual BMC's SDR repository and sensors:
//! ipmitool (`-I lanplus -C 17`: `sdr elist`, `sensor`) and FreeIPMI
//! (`ipmi-sensors -D LAN_2_0`), each walking the repository its own way —
//! whole-record reads, then (with `max_read`) 5-byte headers, partial reads
//! and reservations. What they print must agree with what our client reads
//! from the same BMC: names, readings, units, thresholds, states, events.
//!
//! The tools come from the Debian packages `ipmitool` and `freeipmi-tools`;
//! a missing tool fails the test with instructions.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use ipmi_proto::bmc::sensors::SensorModel;
use ipmi_proto::client::{Client, ClientOptions, Credentials};
use ipmi_proto::ops::{sdr, sensors};
use ipmi_proto::sdr::ReadPolicy;
use ipmi_proto::sensor::{Interpreter, SensorReport, Threshold};
use ipmi_test_support::tools::{freeipmi_admin_args, ipmitool_admin_args, latin1, run_ok, tool};
use ipmi_test_support::VirtualBmc;

/// Our own reading of every sensor.
fn ours(bmc: &VirtualBmc) -> Vec<SensorReport> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let creds = Credentials::new("admin", b"password").expect("credentials");
        let client = Client::connect(&bmc.target(), creds, ClientOptions::default())
            .await
            .expect("session");
        let repo = sdr::read_repository(&client, ReadPolicy::default())
            .await
            .expect("SDR");
        let mut f = sensors::FactorsCache::default();
        let r = sensors::read_all(&client, &repo, &mut f, &Interpreter::default())
            .await
            .expect("sensors");
        client.close().await;
        r
    })
}

/// Runs a tool with a 60 s limit; it must succeed.
fn run(program: &Path, args: &[&str]) -> Output {
    run_ok(program, args, &[], Duration::from_secs(60))
}

fn ipmitool(bmc: &VirtualBmc, args: &[&str]) -> String {
    let port = bmc.port().to_string();
    let mut all = ipmitool_admin_args(&port);
    all.extend_from_slice(args);
    latin1(&run(&tool("ipmitool", "ipmitool"), &all).stdout)
}

fn ipmi_sensors(bmc: &VirtualBmc, extra: &[&str]) -> String {
    let host = format!("127.0.0.1:{}", bmc.port());
    let cache = tempfile::tempdir().expect("temp dir");
    let cache_arg = format!("--sdr-cache-directory={}", cache.path().display());
    let mut all = freeipmi_admin_args(&host);
    all.extend_from_slice(&[
        "--session-timeout",
        "10000",
        "--retransmission-timeout",
        "500",
        &cache_arg,
        "--quiet-cache",
        "--sdr-cache-recreate",
        "--output-sensor-state",
    ]);
    all.extend_from_slice(extra);
    latin1(&run(&tool("ipmi-sensors", "freeipmi-tools"), &all).stdout)
}

fn cells(line: &str) -> Vec<String> {
    line.split('|').map(|c| c.trim().to_string()).collect()
}

/// Our sensor of that name; ipmitool lists a shared record once, by its
/// bare ID string, which names the first of its sensors.
fn find<'a>(ours: &'a [SensorReport], name: &str) -> &'a SensorReport {
    ours.iter()
        .find(|r| r.name == name)
        .or_else(|| {
            ours.iter()
                .find(|r| r.name.starts_with(&format!("{name} ")))
        })
        .unwrap_or_else(|| panic!("no sensor {name:?} in our reading"))
}

fn near(text: &str, value: f64, tolerance: f64) -> bool {
    text.parse::<f64>()
        .is_ok_and(|v| (v - value).abs() <= tolerance)
}

/// ipmitool's status column for a threshold sensor.
fn ipmitool_status(r: &SensorReport) -> &'static str {
    if r.reading.is_none() && r.unavailable.is_some() {
        return "ns";
    }
    let worst = |lower: bool| {
        r.crossed
            .iter()
            .filter(|t| t.is_lower() == lower)
            .max()
            .copied()
    };
    match worst(true).or_else(|| worst(false)) {
        None => "ok",
        Some(Threshold::LowerNonCritical) => "lnc",
        Some(Threshold::LowerCritical) => "lcr",
        Some(Threshold::LowerNonRecoverable) => "lnr",
        Some(Threshold::UpperNonCritical) => "unc",
        Some(Threshold::UpperCritical) => "ucr",
        Some(Threshold::UpperNonRecoverable) => "unr",
    }
}

fn check_sdr_elist(bmc: &VirtualBmc, ours: &[SensorReport]) -> usize {
    let out = ipmitool(bmc, &["sdr", "elist"]);
    let mut checked = 0;
    for line in out.lines() {
        let c = cells(line);
        let (name, number, status, reading) = (&c[0], &c[1], &c[2], &c[4]);
        let r = find(ours, name);
        assert_eq!(number, &format!("{:02X}h", r.sensor_number), "{line}");
        if r.unit.is_some() {
            assert_eq!(status, ipmitool_status(r), "{line}");
            match r.reading {
                Some(v) => {
                    let shown = reading.split_whitespace().next().unwrap_or("");
                    assert!(near(shown, v, 0.006), "{line}: ours {v}");
                }
                None => assert!(
                    ["Disabled", "No Reading"].contains(&reading.as_str()),
                    "{line}"
                ),
            }
        } else {
            assert_eq!(status, "ok", "{line}");
        }
        checked += 1;
    }
    // Every readable sensor, shared records counted once.
    let records: std::collections::BTreeSet<u16> = ours
        .iter()
        .filter(|r| r.unavailable != Some(ipmi_proto::sensor::Unavailable::EventOnly))
        .map(|r| r.record_id)
        .collect();
    assert_eq!(checked, records.len(), "{out}");
    checked
}

fn check_ipmitool_sensor(bmc: &VirtualBmc, ours: &[SensorReport]) {
    let out = ipmitool(bmc, &["sensor"]);
    let mut threshold_rows = 0;
    for line in out.lines() {
        let c = cells(line);
        let r = find(ours, &c[0]);
        if r.unit.is_none() {
            continue;
        }
        threshold_rows += 1;
        match r.reading {
            Some(v) => assert!(near(&c[1], v, 0.0006), "{line}: ours {v}"),
            None => assert_eq!(c[1], "na", "{line}"),
        }
        // Thresholds of a non-linear sensor: ipmitool converts them with
        // the factors of the current reading, we with their own.
        if r.name == "PSU1 Power" || r.reading.is_none() {
            continue;
        }
        let cols = [
            Threshold::LowerNonRecoverable,
            Threshold::LowerCritical,
            Threshold::LowerNonCritical,
            Threshold::UpperNonCritical,
            Threshold::UpperCritical,
            Threshold::UpperNonRecoverable,
        ];
        for (i, t) in cols.iter().enumerate() {
            let shown = &c[4 + i];
            match r.thresholds.get(t) {
                Some(v) => assert!(near(shown, *v, 0.0006), "{line}: {t:?} ours {v}"),
                None => assert_eq!(shown, "na", "{line}: {t:?}"),
            }
        }
    }
    assert_eq!(threshold_rows, 15, "{out}");
}

fn check_ipmi_sensors(bmc: &VirtualBmc, ours: &[SensorReport], shared: bool) {
    let mut extra = vec!["--output-sensor-thresholds"];
    if shared {
        extra.push("--shared-sensors");
    }
    let out = ipmi_sensors(bmc, &extra);
    let fmt = |v: Option<f64>| v.map_or("N/A".to_string(), |v| format!("{v:.2}"));
    // FreeIPMI lists the sensors in SDR order; without --shared-sensors a
    // shared record once.
    let mut listed: Vec<&SensorReport> = Vec::new();
    for r in ours {
        let event_only = r.unavailable == Some(ipmi_proto::sensor::Unavailable::EventOnly);
        let repeat = listed.last().is_some_and(|p| p.record_id == r.record_id);
        if !event_only && (shared || !repeat) {
            listed.push(r);
        }
    }
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(lines.len(), listed.len(), "{out}");
    let mut rows = 0;
    for (line, r) in lines.into_iter().zip(listed) {
        let c = cells(line);
        assert_eq!(c[0], r.record_id.to_string(), "{line}");
        rows += 1;
        assert_eq!(c[2], r.sensor_type_name, "{line}");
        assert_eq!(
            c[5],
            r.unit.clone().unwrap_or_else(|| "N/A".into()),
            "{line}"
        );
        if r.lun != 0 {
            // FreeIPMI reads LUN != 0 sensors only with --bridge-sensors
            // (which bridges through Send Message), like on ipmi_sim.
            assert_eq!(c[3], "N/A", "{line}");
            continue;
        }
        if !shared {
            let bare = r.name.split(' ').next().unwrap_or("");
            assert!(c[1] == r.name || c[1] == bare, "{line}");
        } else if r.name != "Drive B" {
            // FreeIPMI 1.6.10 names every alpha-shared sensor "<ID> A".
            assert_eq!(c[1], r.name, "{line}");
        }
        assert_eq!(c[3], r.state.map_or("N/A", |s| s.name()), "{line}");
        let no_thresholds = matches!(
            r.unavailable,
            Some(ipmi_proto::sensor::Unavailable::NotPresent(_))
        );
        if r.name == "PSU1 Power" {
            // FreeIPMI does not convert non-linear sensors.
            assert_eq!(c[4], "N/A", "{line}");
        } else if no_thresholds {
            // FreeIPMI takes thresholds from Get Sensor Thresholds, which
            // this absent sensor refuses too.
            assert_eq!(c[4], "N/A", "{line}");
        } else {
            assert_eq!(c[4], fmt(r.reading), "{line}");
            let th = |t: Threshold| fmt(r.thresholds.get(&t).copied());
            assert_eq!(
                c[6..12],
                [
                    th(Threshold::LowerNonRecoverable),
                    th(Threshold::LowerCritical),
                    th(Threshold::LowerNonCritical),
                    th(Threshold::UpperNonCritical),
                    th(Threshold::UpperCritical),
                    th(Threshold::UpperNonRecoverable),
                ],
                "{line}"
            );
        }
        assert_eq!(c[12], r.event_text(), "{line}");
    }
    let expected = if shared { 25 } else { 21 };
    assert_eq!(rows, expected, "{out}");
}

#[test]
fn ipmitool_sdr_elist_and_sensor_agree() {
    let bmc = VirtualBmc::with_sensors(SensorModel::default());
    let ours = ours(&bmc);
    assert_eq!(check_sdr_elist(&bmc, &ours), 21);
    check_ipmitool_sensor(&bmc, &ours);
}

#[test]
fn ipmitool_with_partial_reads() {
    let mut model = SensorModel::default();
    model.max_read = Some(16);
    let bmc = VirtualBmc::with_sensors(model);
    let ours = ours(&bmc);
    check_sdr_elist(&bmc, &ours);
}

#[test]
fn freeipmi_ipmi_sensors_agrees() {
    let bmc = VirtualBmc::with_sensors(SensorModel::default());
    let ours = ours(&bmc);
    check_ipmi_sensors(&bmc, &ours, false);
    check_ipmi_sensors(&bmc, &ours, true);
}

#[test]
fn freeipmi_with_partial_reads_and_garbage() {
    let mut model = SensorModel::default();
    model.max_read = Some(16);
    model.whole_record_garbage = 6;
    let bmc = VirtualBmc::with_sensors(model);
    let ours = ours(&bmc);
    check_ipmi_sensors(&bmc, &ours, true);
}
