//! SDR repository and sensors against the project's own `ipmi_sim` machine
//! (`tests/sim`, ground truth in `tests/sim/expected/sensors.json` and the
//! captured FreeIPMI / ipmitool outputs next to it).
//!
//! Every sensor is checked: the exact reading (1e-6 relative), FreeIPMI's
//! default state, the unit string, the thresholds, the name (shared records
//! expanded) — through the library and through `ipmi_exporter sensors
//! --format json`. Also: the SDR dump equals `ipmitool sdr dump`'s file,
//! revalidation costs one request, a warm read one Get Sensor Reading per
//! readable sensor.
//!
//! Each test starts its own simulator; a missing `ipmi_sim` fails them.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use ipmi_proto::client::{Client, ClientOptions, Credentials};
use ipmi_proto::ops::{sdr, sensors};
use ipmi_proto::sdr::{ReadPolicy, SdrReader, SdrRepository, SensorKind};
use ipmi_proto::sensor::{Interpreter, SensorReport, SensorState, Threshold};
use ipmi_test_support::exporter_bin::exporter;
use ipmi_test_support::{SimOptions, Simulator};
use serde_json::Value;

fn expected_dir() -> PathBuf {
    ipmi_test_support::sim_dir().join("expected")
}

fn expected() -> Value {
    let path = expected_dir().join("sensors.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("sensors.json is JSON")
}

async fn connect(sim: &Simulator) -> Client {
    let creds = Credentials::new("admin", b"password").expect("credentials");
    Client::connect(&sim.target(), creds, ClientOptions::default())
        .await
        .expect("session with ipmi_sim")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// One sensor as the checks need it, from our reports or from the CLI's JSON.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    name: String,
    reading: Option<f64>,
    state: Option<String>,
    unit: Option<String>,
    thresholds: HashMap<String, f64>,
}

impl From<&SensorReport> for Seen {
    fn from(r: &SensorReport) -> Self {
        Seen {
            name: r.name.clone(),
            reading: r.reading,
            state: r.state.map(|s| s.name().to_string()),
            unit: r.unit.clone(),
            thresholds: r
                .thresholds
                .iter()
                .map(|(t, v)| (t.key().to_string(), *v))
                .collect(),
        }
    }
}

impl From<&Value> for Seen {
    fn from(v: &Value) -> Self {
        Seen {
            name: v["name"].as_str().expect("name").to_string(),
            reading: v["reading"].as_f64(),
            state: v["state"].as_str().map(str::to_string),
            unit: v["unit"].as_str().map(str::to_string),
            thresholds: v["thresholds"]
                .as_object()
                .expect("thresholds object")
                .iter()
                .map(|(k, x)| (k.clone(), x.as_f64().expect("threshold value")))
                .collect(),
        }
    }
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(0.0)) => a.abs() <= 1e-6,
        (Some(a), Some(b)) => (a - b).abs() <= 1e-6 * b.abs(),
        _ => false,
    }
}

/// FreeIPMI's state for an expected sensor. For sensors on LUN ≠ 0, which
/// FreeIPMI 1.6.10 reads only with --bridge-sensors
/// (`expected/freeipmi-ipmi-sensors-bridge.txt`), the state it reports then.
fn expected_state(s: &Value) -> Option<String> {
    match s["freeipmi_state"].as_str() {
        Some("N/A") | None => {
            let readable = s["value"].is_number() && s["scanning_enabled"] != false;
            if s["lun"].as_u64().unwrap_or(0) != 0 && readable {
                let crossed: Vec<&str> = s["asserted_thresholds"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let critical = crossed
                    .iter()
                    .any(|t| ["lc", "lnr", "uc", "unr"].contains(t));
                Some(if critical { "Critical" } else { "Nominal" }.to_string())
            } else {
                None
            }
        }
        Some(state) => Some(state.to_string()),
    }
}

fn unit_of(s: &Value) -> Option<String> {
    if s["event_reading_type"] != 1 {
        return None;
    }
    Some(
        match s["unit"].as_str()? {
            "degrees_C" => "C",
            "RPM" => "RPM",
            "Volts" => "V",
            "Amps" => "A",
            "Watts" => "W",
            other => panic!("unit {other} not mapped"),
        }
        .to_string(),
    )
}

/// Checks every expected sensor against `seen` (keyed by record ID and
/// sensor number); returns the number of sensors checked.
fn check_all(seen: &HashMap<(u64, u64), Seen>) -> usize {
    let exp = expected();
    let list = exp["sensors"].as_array().expect("sensors list");
    let mut problems = Vec::new();
    for s in list {
        let key = (
            s["record_id"].as_u64().expect("record_id"),
            s["number"].as_u64().expect("number"),
        );
        let name = s["name"].as_str().expect("name");
        let Some(o) = seen.get(&key) else {
            problems.push(format!("{key:?} {name}: missing"));
            continue;
        };
        if o.name != name {
            problems.push(format!("{key:?}: name {:?} != {name:?}", o.name));
        }
        if !close(o.reading, s["value"].as_f64()) {
            problems.push(format!("{name}: reading {:?} != {}", o.reading, s["value"]));
        }
        if o.state != expected_state(s) {
            problems.push(format!(
                "{name}: state {:?} != {:?}",
                o.state,
                expected_state(s)
            ));
        }
        if o.unit != unit_of(s) {
            problems.push(format!("{name}: unit {:?} != {:?}", o.unit, unit_of(s)));
        }
        if let Some(th) = s["thresholds"].as_object() {
            let mut keys: Vec<&String> = th.keys().collect();
            keys.sort();
            let mut ours: Vec<&String> = o.thresholds.keys().collect();
            ours.sort();
            if keys != ours {
                problems.push(format!("{name}: thresholds {ours:?} != {keys:?}"));
            }
            for (k, t) in th {
                let want = t["value"].as_f64();
                if !close(o.thresholds.get(k).copied(), want) {
                    problems.push(format!(
                        "{name}: threshold {k} {:?} != {want:?}",
                        o.thresholds.get(k)
                    ));
                }
            }
        }
    }
    if seen.len() != list.len() {
        problems.push(format!(
            "{} sensors seen, {} expected",
            seen.len(),
            list.len()
        ));
    }
    assert!(problems.is_empty(), "mismatches:\n{}", problems.join("\n"));
    list.len()
}

fn by_key(reports: &[SensorReport]) -> HashMap<(u64, u64), Seen> {
    reports
        .iter()
        .map(|r| {
            (
                (u64::from(r.record_id), u64::from(r.sensor_number)),
                Seen::from(r),
            )
        })
        .collect()
}

#[test]
fn every_sensor_matches_the_ground_truth() {
    let sim = Simulator::start();
    runtime().block_on(async {
        let client = connect(&sim).await;
        let repo = sdr::read_repository(&client, ReadPolicy::default())
            .await
            .expect("SDR");
        let mut factors = sensors::FactorsCache::default();
        let reports = sensors::read_all(&client, &repo, &mut factors, &Interpreter::default())
            .await
            .expect("sensors");
        assert_eq!(check_all(&by_key(&reports)), 37);
        // Specific behaviours, spelled out.
        let get = |n: &str| reports.iter().find(|r| r.name == n).expect(n);
        assert_eq!(get("Fan5").reading, None, "scanning disabled: no reading");
        assert!(get("Fan5").unavailable.is_some());
        assert_eq!(get("NIC1 Temp").lun, 1);
        assert_eq!(get("NIC1 Temp").reading, Some(49.0));
        assert_eq!(
            get("Inlet-Exh Delta").reading,
            Some(-16.0),
            "1's complement"
        );
        assert_eq!(get("DIMM 3").state, Some(SensorState::Warning));
        assert_eq!(
            get("DIMM 3").asserted,
            [
                "Correctable memory error logging limit reached",
                "Presence detected"
            ]
        );
        assert_eq!(get("Riser B").state, Some(SensorState::Critical));
        assert_eq!(get("OS Watchdog").sensor_type_name, "Watchdog 2");
        assert_eq!(get("Pwr Consumption").unit.as_deref(), Some("W"));
        assert_eq!(
            get("Fan3").crossed,
            [Threshold::LowerNonCritical, Threshold::LowerCritical]
        );
        client.close().await;
    });
}

/// The captured `ipmi-sensors --shared-sensors --output-sensor-state
/// --output-sensor-thresholds` table, row by row: type names, states,
/// readings (2 decimals), units, thresholds and the Event column.
#[test]
fn freeipmi_table_matches() {
    let sim = Simulator::start();
    let text =
        std::fs::read_to_string(expected_dir().join("freeipmi-ipmi-sensors-shared-thresholds.txt"))
            .expect("captured FreeIPMI output");
    let reports = runtime().block_on(async {
        let client = connect(&sim).await;
        let repo = sdr::read_repository(&client, ReadPolicy::default())
            .await
            .expect("SDR");
        let mut f = sensors::FactorsCache::default();
        let r = sensors::read_all(&client, &repo, &mut f, &Interpreter::default())
            .await
            .expect("sensors");
        client.close().await;
        r
    });
    let readable: Vec<&SensorReport> = reports
        .iter()
        .filter(|r| {
            !matches!(
                r.unavailable,
                Some(ipmi_proto::sensor::Unavailable::EventOnly)
            )
        })
        .collect();
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| l.split('|').map(|c| c.trim().to_string()).collect())
        .collect();
    assert_eq!(
        rows.len(),
        readable.len(),
        "FreeIPMI lists every readable sensor"
    );
    let fmt = |v: Option<f64>| v.map_or("N/A".to_string(), |v| format!("{v:.2}"));
    for (row, r) in rows.iter().zip(&readable) {
        let ctx = format!("{row:?} vs {}", r.name);
        assert_eq!(row[0], r.record_id.to_string(), "{ctx}");
        // FreeIPMI 1.6.10 names every alpha-shared sensor "<ID> A" (bug).
        if r.name != "Riser B" {
            assert_eq!(row[1], r.name, "{ctx}");
        }
        assert_eq!(row[2], r.sensor_type_name, "{ctx}");
        assert_eq!(
            row[5],
            r.unit.clone().unwrap_or_else(|| "N/A".into()),
            "{ctx}"
        );
        if r.lun != 0 {
            // FreeIPMI does not read LUN 1 without bridging, and shows the
            // LUN 0 sensor's thresholds; see freeipmi_bridged_reading.
            assert_eq!(row[3], "N/A");
            continue;
        }
        assert_eq!(row[3], r.state.map_or("N/A", |s| s.name()), "{ctx}");
        assert_eq!(row[4], fmt(r.reading), "{ctx}");
        let th = |t: Threshold| fmt(r.thresholds.get(&t).copied());
        assert_eq!(row[6], th(Threshold::LowerNonRecoverable), "{ctx}");
        assert_eq!(row[7], th(Threshold::LowerCritical), "{ctx}");
        assert_eq!(row[8], th(Threshold::LowerNonCritical), "{ctx}");
        assert_eq!(row[9], th(Threshold::UpperNonCritical), "{ctx}");
        assert_eq!(row[10], th(Threshold::UpperCritical), "{ctx}");
        assert_eq!(row[11], th(Threshold::UpperNonRecoverable), "{ctx}");
        assert_eq!(row[12], r.event_text(), "{ctx}");
    }
}

/// `ipmi-sensors --bridge-sensors --record-ids=9`: FreeIPMI's reading and
/// state of the LUN 1 sensor when it does read it.
#[test]
fn freeipmi_bridged_reading() {
    let text = std::fs::read_to_string(expected_dir().join("freeipmi-ipmi-sensors-bridge.txt"))
        .expect("captured output");
    let row: Vec<&str> = text
        .lines()
        .nth(1)
        .expect("one row")
        .split('|')
        .map(str::trim)
        .collect();
    let sim = Simulator::start();
    let report = runtime().block_on(async {
        let client = connect(&sim).await;
        let repo = sdr::read_repository(&client, ReadPolicy::default())
            .await
            .expect("SDR");
        let def = repo
            .sensors()
            .iter()
            .find(|d| d.record_id == 9)
            .expect("record 9")
            .clone();
        let mut f = sensors::FactorsCache::default();
        sensors::read_sensor(&client, &def, &mut f, &Interpreter::default())
            .await
            .expect("read")
    });
    assert_eq!(row[1], report.name);
    assert_eq!(row[3], report.state.expect("state").name());
    assert_eq!(row[4], format!("{:.2}", report.reading.expect("reading")));
}

#[test]
fn dump_equals_ipmitool_sdr_dump_and_reloads() {
    let sim = Simulator::start();
    let repo = runtime().block_on(async {
        let client = connect(&sim).await;
        let repo = sdr::read_repository(&client, ReadPolicy::default())
            .await
            .expect("SDR");
        client.close().await;
        repo
    });
    let ipmitool = std::fs::read(expected_dir().join("sdr-repository.bin")).expect("dump");
    assert_eq!(
        repo.to_dump(),
        ipmitool,
        "our dump is `ipmitool sdr dump`'s file"
    );
    let reloaded = SdrRepository::from_dump(repo.info().copied(), &ipmitool).expect("reload");
    assert_eq!(reloaded.sensors(), repo.sensors());
    assert_eq!(repo.records().len(), 36);
    assert_eq!(repo.sensors().len(), 37);
}

/// Cold read, learned policy, revalidation and warm reads, counted with
/// the client's request counter.
#[test]
fn request_counts_cold_revalidated_and_warm() {
    let sim = Simulator::start();
    runtime().block_on(async {
        let client = connect(&sim).await;
        let before = client.stats().await.requests;
        let (repo, stats) = sdr::run_reader(&client, SdrReader::new(ReadPolicy::default()))
            .await
            .expect("SDR");
        let cold = client.stats().await.requests - before;
        assert_eq!(u64::from(stats.requests), cold);
        // ipmi_sim refuses whole reads of records over 27 bytes (it adds 6
        // garbage bytes) and allows 33-byte answers: partial reads of the
        // largest answer seen, 27 bytes, after one refusal.
        assert_eq!(repo.policy().whole_record, Some(false));
        assert_eq!(stats.too_long, 1);
        assert!(
            cold <= 1 + 1 + 1 + 36 * 3,
            "cold SDR read took {cold} requests"
        );

        // Same BMC again with what was learned: no refusal.
        let before = client.stats().await.requests;
        let (again, stats2) = sdr::run_reader(&client, SdrReader::new(repo.policy()))
            .await
            .expect("SDR again");
        assert_eq!(stats2.too_long, 0);
        assert_eq!(client.stats().await.requests - before, cold - 1);
        assert_eq!(again.to_dump(), repo.to_dump());

        // Revalidation: one Get SDR Repository Info, nothing downloaded.
        let before = client.stats().await.requests;
        assert!(sdr::refresh(&client, Some(&repo))
            .await
            .expect("refresh")
            .is_none());
        assert_eq!(client.stats().await.requests - before, 1);

        // Warm reads: one Get Sensor Reading per readable sensor.
        let readable = repo
            .sensors()
            .iter()
            .filter(|d| d.kind() != SensorKind::EventOnly)
            .count() as u64;
        assert_eq!(readable, 36);
        let mut factors = sensors::FactorsCache::default();
        for _ in 0..3 {
            let before = client.stats().await.requests;
            let reports = sensors::read_all(&client, &repo, &mut factors, &Interpreter::default())
                .await
                .expect("sensors");
            assert_eq!(client.stats().await.requests - before, readable);
            assert_eq!(reports.len(), 37);
        }
        client.close().await;
    });
}

/// A reading changed on the simulator's console shows in the next warm
/// read, without any SDR traffic.
#[test]
fn warm_read_sees_new_values() {
    let sim = Simulator::start_with(SimOptions::default());
    runtime().block_on(async {
        let client = connect(&sim).await;
        let repo = sdr::read_repository(&client, ReadPolicy::default())
            .await
            .expect("SDR");
        let mut f = sensors::FactorsCache::default();
        let interp = Interpreter::default();
        let fan1 = |r: &[SensorReport]| r.iter().find(|x| x.name == "Fan1").cloned().expect("Fan1");
        let first = sensors::read_all(&client, &repo, &mut f, &interp)
            .await
            .expect("read");
        assert_eq!(fan1(&first).reading, Some(5880.0));
        // Fan1 (0x30) raw 2 = 240 RPM: below every lower threshold.
        sim.console("sensor_set_value 0x20 0 0x30 0x02 0");
        let second = sensors::read_all(&client, &repo, &mut f, &interp)
            .await
            .expect("read");
        assert_eq!(fan1(&second).reading, Some(240.0));
        assert_eq!(fan1(&second).state, Some(SensorState::Critical));
        assert!(sdr::refresh(&client, Some(&repo))
            .await
            .expect("refresh")
            .is_none());
        client.close().await;
    });
}

fn cli(sim: &Simulator, extra: &[&str]) -> std::process::Output {
    let target = sim.target();
    let mut args = vec!["sensors", "-H", &target, "-U", "admin", "-P", "password"];
    args.extend_from_slice(extra);
    Command::new(exporter())
        .args(&args)
        .env_remove("IPMI_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .expect("run ipmi_exporter")
}

#[test]
fn cli_json_matches_every_sensor() {
    let sim = Simulator::start();
    let out = cli(&sim, &["--format", "json"]);
    assert!(
        out.status.success(),
        "ipmi_exporter sensors failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let list = json.as_array().expect("array");
    for field in [
        "record_id",
        "sensor_number",
        "lun",
        "name",
        "sensor_type",
        "entity_id",
        "entity_instance",
        "unit",
        "reading",
        "state",
        "thresholds",
        "asserted",
    ] {
        assert!(list.iter().all(|o| o.get(field).is_some()), "field {field}");
    }
    let seen: HashMap<(u64, u64), Seen> = list
        .iter()
        .map(|o| {
            (
                (
                    o["record_id"].as_u64().expect("record_id"),
                    o["sensor_number"].as_u64().expect("number"),
                ),
                Seen::from(o),
            )
        })
        .collect();
    assert_eq!(check_all(&seen), 37);
    let ps2 = list
        .iter()
        .find(|o| o["name"] == "PS2 Status")
        .expect("PS2");
    assert_eq!(ps2["sensor_type"], "Power Supply");
    assert_eq!(
        ps2["asserted"],
        serde_json::json!(["Presence detected", "Power Supply Failure detected"])
    );
}

#[test]
fn cli_text_and_sdr_cache_dir() {
    let sim = Simulator::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = dir.path().to_str().expect("utf-8 path");
    let first = cli(&sim, &["--sdr-cache-dir", cache, "--stats"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let text = String::from_utf8_lossy(&first.stdout);
    let fan3 = text
        .lines()
        .find(|l| l.contains("| Fan3 "))
        .expect("Fan3 row");
    assert!(fan3.contains("| Critical | 480.00"), "{fan3}");
    assert!(
        fan3.ends_with("'At or Below (<=) Lower Critical Threshold'"),
        "{fan3}"
    );
    let files: Vec<_> = std::fs::read_dir(dir.path()).expect("cache dir").collect();
    assert_eq!(files.len(), 1, "one dump per BMC identity");
    let second = cli(&sim, &["--sdr-cache-dir", cache, "--stats"]);
    assert!(second.status.success());
    assert_eq!(second.stdout, first.stdout, "same table from the cache");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("SDR: from the cache"), "{stderr}");
}
