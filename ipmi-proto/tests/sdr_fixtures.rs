//! SDR dumps of the two simulators (`tests/fixtures/sdr/`), decoded offline
//! and checked against what FreeIPMI printed for the same machines: record
//! types and names, sensor expansion, type names, unit strings, threshold
//! values, and the state FreeIPMI derived from each event bitmask.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use ipmi_proto::sdr::{SdrRecord, SdrRepository, SensorKind};
use ipmi_proto::sensor::{Interpreter, SensorState, Threshold};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sdr")
        .join(name)
}

fn load(name: &str) -> SdrRepository {
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    let repo = SdrRepository::from_dump(None, &bytes).expect("dump decodes");
    assert_eq!(repo.to_dump(), bytes, "dump round trip");
    repo
}

fn kind(r: &SdrRecord) -> &'static str {
    match r {
        SdrRecord::Full(_) => "full",
        SdrRecord::Compact(_) => "compact",
        SdrRecord::EventOnly(_) => "event_only",
        SdrRecord::FruLocator(_) => "fru_locator",
        SdrRecord::McLocator(_) => "mc_locator",
        SdrRecord::Oem(_) => "oem",
        SdrRecord::Unknown { .. } => "unknown",
    }
}

fn state(text: &str) -> Option<SensorState> {
    match text {
        "Nominal" => Some(SensorState::Nominal),
        "Warning" => Some(SensorState::Warning),
        "Critical" => Some(SensorState::Critical),
        _ => None,
    }
}

/// Rows of `ipmimonitoring --comma-separated-output --output-event-bitmask`:
/// (record ID, name, type, state, reading, units, bitmask).
fn ipmimonitoring(name: &str) -> Vec<(u16, String, String, String, String, String, u16)> {
    std::fs::read_to_string(fixture(name))
        .expect("fixture")
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (
                c[0].parse().unwrap(),
                c[1].to_string(),
                c[2].to_string(),
                c[3].to_string(),
                c[4].to_string(),
                c[5].to_string(),
                u16::from_str_radix(c[6].trim_end_matches('h'), 16).unwrap(),
            )
        })
        .collect()
}

#[test]
fn reference_simulator_records() {
    let repo = load("bmc-sim-supermicro.bin");
    let kinds: Vec<(u16, &str)> = repo
        .records()
        .iter()
        .map(|r| (r.record_id, kind(&r.record)))
        .collect();
    assert_eq!(kinds.len(), 38);
    assert_eq!(kinds[0], (1, "mc_locator"));
    assert_eq!(kinds.iter().filter(|k| k.1 == "full").count(), 26);
    assert_eq!(kinds.iter().filter(|k| k.1 == "compact").count(), 8);
    assert_eq!(kinds[26], (27, "event_only"));
    assert_eq!(kinds[36], (37, "fru_locator"));
    assert_eq!(kinds[37], (38, "oem"));
    let names: Vec<String> = repo.records().iter().map(|r| r.record.name()).collect();
    assert_eq!(names[0], "BMC");
    assert_eq!(names[22], "-12V");
    assert_eq!(names[36], "PS1 FRU");
    let SdrRecord::Oem(oem) = &repo.records()[37].record else {
        panic!("OEM record")
    };
    assert_eq!(oem.manufacturer_id, 10876);
    assert_eq!(repo.sensors().len(), 35);
}

#[test]
fn reference_simulator_thresholds_and_conversions() {
    let repo = load("bmc-sim-supermicro.bin");
    let def = |name: &str| {
        repo.sensors()
            .iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    // (sensor, raw, reading, thresholds lnr/lc/lnc/unc/uc/unr) from the
    // simulator's expected-sensors.json.
    type Row<'a> = (&'a str, u8, f64, [Option<f64>; 6]);
    let rows: [Row; 6] = [
        (
            "12V",
            192,
            12.096,
            [
                Some(10.143),
                Some(10.269),
                Some(10.458),
                Some(13.545),
                Some(13.734),
                Some(13.86),
            ],
        ),
        (
            "VBAT",
            193,
            2.995,
            [None, Some(2.5), Some(2.605), Some(3.4), Some(3.505), None],
        ),
        (
            "Vcpu1",
            205,
            1.8,
            [None, Some(1.4), Some(1.45), Some(2.1), Some(2.15), None],
        ),
        (
            "-12V",
            0x92,
            -12.1,
            [
                Some(-13.86),
                Some(-13.2),
                Some(-12.98),
                Some(-11.0),
                Some(-10.78),
                Some(-10.12),
            ],
        ),
        (
            "Inlet Temp",
            23,
            23.0,
            [None, Some(-7.0), Some(3.0), Some(42.0), Some(47.0), None],
        ),
        (
            "FANA",
            100,
            7500.0,
            [None, Some(525.0), Some(675.0), None, None, None],
        ),
    ];
    let order = [
        Threshold::LowerNonRecoverable,
        Threshold::LowerCritical,
        Threshold::LowerNonCritical,
        Threshold::UpperNonCritical,
        Threshold::UpperCritical,
        Threshold::UpperNonRecoverable,
    ];
    for (name, raw, reading, th) in rows {
        let d = def(name);
        let conv = d.conversion.expect("analog");
        assert!(close(conv.convert(raw).unwrap(), reading), "{name}");
        let values = d.threshold_values();
        for (t, want) in order.iter().zip(th) {
            match (values.get(t), want) {
                (Some(v), Some(w)) => assert!(close(*v, w), "{name} {t:?}: {v} != {w}"),
                (None, None) => {}
                (got, want) => panic!("{name} {t:?}: {got:?} != {want:?}"),
            }
        }
    }
}

/// Type names, unit strings and states: every row FreeIPMI's
/// `ipmimonitoring` printed with ipmi_exporter's arguments, recomputed from
/// the SDR and the printed event bitmask.
#[test]
fn freeipmi_types_units_and_states_from_bitmasks() {
    let interp = Interpreter::default();
    for (dump, csv) in [
        (
            "bmc-sim-supermicro.bin",
            "bmc-sim-supermicro.ipmimonitoring.csv",
        ),
        ("tests-sim-dell.bin", "tests-sim-dell.ipmimonitoring.csv"),
    ] {
        let repo = load(dump);
        let rows = ipmimonitoring(csv);
        assert!(rows.len() > 25, "{csv}");
        for (id, name, type_name, want_state, _reading, units, bits) in rows {
            // Shared records: ipmimonitoring lists the first sensor under
            // the record's bare ID string.
            let d = repo
                .sensors()
                .iter()
                .find(|d| d.record_id == id && d.share_index == 0)
                .unwrap_or_else(|| panic!("{csv}: record {id}"));
            if d.share_count == 1 {
                assert_eq!(d.name, name, "{csv}: record {id}");
            } else {
                assert!(d.name.starts_with(&name), "{csv}: {} / {name}", d.name);
            }
            assert_eq!(d.sensor_type_name(), type_name, "{csv}: {name}");
            assert_eq!(
                d.unit_string().unwrap_or_else(|| "N/A".into()),
                units,
                "{csv}: {name}"
            );
            let ours = interp.state(d.event_reading_type, d.sensor_type, bits);
            assert_eq!(ours, state(&want_state), "{csv}: {name} bits {bits:#06x}");
        }
    }
}

#[test]
fn project_simulator_shared_records_and_luns() {
    let repo = load("tests-sim-dell.bin");
    assert_eq!(repo.records().len(), 36);
    let s = repo.sensors();
    assert_eq!(s.len(), 37);
    let names: Vec<&str> = s.iter().map(|d| d.name.as_str()).collect();
    for n in [
        "DIMM 1", "DIMM 2", "DIMM 3", "DIMM 4", "Drive 0", "Drive 1", "Riser A", "Riser B",
    ] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    let nic = s.iter().find(|d| d.name == "NIC1 Temp").unwrap();
    assert_eq!((nic.owner.lun, nic.number), (1, 1));
    let exhaust = s.iter().find(|d| d.name == "Exhaust Temp").unwrap();
    assert_eq!((exhaust.owner.lun, exhaust.number), (0, 1));
    let watchdog = s.iter().find(|d| d.name == "OS Watchdog").unwrap();
    assert_eq!(watchdog.kind(), SensorKind::EventOnly);
    let delta = s.iter().find(|d| d.name == "Inlet-Exh Delta").unwrap();
    assert_eq!(delta.conversion.unwrap().convert(0xef), Some(-16.0));
}

/// Threshold columns of `ipmi-sensors --output-sensor-thresholds`, two
/// decimals, from the SDR alone.
#[test]
fn freeipmi_threshold_columns() {
    let repo = load("tests-sim-dell.bin");
    let text =
        std::fs::read_to_string(fixture("tests-sim-dell.ipmi-sensors-shared-thresholds.txt"))
            .unwrap();
    let fmt = |v: Option<&f64>| v.map_or("N/A".to_string(), |v| format!("{v:.2}"));
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split('|').map(str::trim).collect();
        let id: u16 = c[0].parse().unwrap();
        let d = repo
            .sensors()
            .iter()
            .find(|d| d.record_id == id && (d.name == c[1] || d.share_index == 0))
            .unwrap();
        if d.owner.lun != 0 {
            // FreeIPMI reads thresholds of LUN 1 sensors from LUN 0.
            continue;
        }
        let t = d.threshold_values();
        let cols = [
            Threshold::LowerNonRecoverable,
            Threshold::LowerCritical,
            Threshold::LowerNonCritical,
            Threshold::UpperNonCritical,
            Threshold::UpperCritical,
            Threshold::UpperNonRecoverable,
        ];
        for (i, th) in cols.iter().enumerate() {
            assert_eq!(c[6 + i], fmt(t.get(th)), "{line}");
        }
    }
}
