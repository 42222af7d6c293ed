//! The `ipmi_exporter` binary against `ipmi_sim` (`tests/sim`).
//!
//! The binary belongs to another package, so Cargo does not hand this
//! package `CARGO_BIN_EXE_ipmi_exporter`.  The tests build it once per run
//! with the same Cargo (`cargo build -p ipmi_exporter --bin ipmi_exporter
//! --message-format=json`) and take the executable's path from Cargo's
//! artifact message; `IPMI_EXPORTER_BIN` overrides that.  A failed build
//! fails the tests.

use std::process::Output;
use std::time::{Duration, Instant};

use ipmi_test_support::exporter_bin::{describe_exporter as describe, run_exporter};
use ipmi_test_support::Simulator;

/// Runs `ipmi_exporter ARGS...` (hard limit 30 s, bounded polling).
fn run(args: &[&str]) -> Output {
    run_exporter(args, &[("NO_COLOR", "1")])
}

/// The system GUID as FreeIPMI prints it (IPMI order: the 16 wire bytes
/// reversed, 8-4-4-4-12), from the simulator's answer to the test-support
/// crate's own IPMI 1.5 client.
fn sim_guid_ipmi_order(sim: &Simulator) -> String {
    let rsp = sim
        .raw_command(0x06, 0x37, &[])
        .unwrap_or_else(|e| panic!("raw Get System GUID failed: {e}"));
    assert_eq!(rsp.len(), 17, "{rsp:02x?}");
    assert_eq!(rsp[0], 0, "{rsp:02x?}");
    let wire: [u8; 16] = rsp[1..].try_into().expect("16 GUID bytes");
    ipmi_test_support::guid_ipmi_order(&wire)
}

fn info_json(args: &[&str]) -> serde_json::Value {
    let out = run(args);
    assert!(out.status.success(), "{}", describe(args, &out));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", describe(args, &out)))
}

fn check_info(json: &serde_json::Value, sim: &Simulator) {
    let path = ipmi_test_support::sim_dir().join("expected/device.json");
    let device: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read device.json"))
            .expect("device.json is JSON");
    let want = &device["get_device_id"];
    assert_eq!(json["device_id"], want["device_id"]);
    assert_eq!(json["device_id"], 32);
    assert_eq!(json["device_revision"], want["device_revision"]);
    assert_eq!(json["firmware_revision"], want["firmware"]);
    assert_eq!(json["firmware_revision"], "7.10");
    assert_eq!(json["ipmi_version"], want["ipmi_version"]);
    assert_eq!(json["ipmi_version"], "2.0");
    assert!(json["manufacturer_id"].is_u64(), "{json}");
    assert_eq!(json["manufacturer_id"], want["manufacturer_id"]);
    assert_eq!(json["manufacturer_id"], 674);
    assert_eq!(json["manufacturer_name"], "Dell Inc.");
    assert!(json["product_id"].is_u64(), "{json}");
    assert_eq!(json["product_id"], want["product_id"]);
    assert_eq!(json["product_id"], 256);
    assert_eq!(json["guid"], sim_guid_ipmi_order(sim).as_str());
}

#[test]
fn info_json_against_ipmi_sim() {
    let sim = Simulator::start();
    let target = sim.target();
    let args = [
        "info", "--format", "json", "-H", &target, "-U", "admin", "-P", "password",
    ];
    let json = info_json(&args);
    check_info(&json, &sim);
    let keys: Vec<&str> = json
        .as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "device_id",
        "device_revision",
        "firmware_revision",
        "ipmi_version",
        "manufacturer_id",
        "manufacturer_name",
        "product_id",
        "guid",
    ] {
        assert!(keys.contains(&key), "key {key} missing from {json}");
    }
}

#[test]
fn info_text_and_ipmi15_against_ipmi_sim() {
    let sim = Simulator::start();
    let target = sim.target();
    let args = [
        "info", "-H", &target, "-U", "admin", "-P", "password", "-I", "lan",
    ];
    let out = run(&args);
    assert!(out.status.success(), "{}", describe(&args, &out));
    let text = String::from_utf8_lossy(&out.stdout);
    for (key, value) in [
        ("Firmware Revision", "7.10".to_string()),
        ("Manufacturer ID", "Dell Inc. (674)".to_string()),
        ("Product ID", "256 (0x0100)".to_string()),
        ("System GUID", sim_guid_ipmi_order(&sim)),
    ] {
        assert!(
            text.lines().any(|l| l
                .split_once(':')
                .is_some_and(|(k, v)| k.trim() == key && v.trim() == value)),
            "no `{key} : {value}` in:\n{text}"
        );
    }
}

#[test]
fn password_file() {
    let sim = Simulator::start();
    let target = sim.target();
    let mut file = tempfile::NamedTempFile::new().expect("temporary file");
    std::io::Write::write_all(&mut file, b"password\n").expect("write password");
    let path = file.path().to_str().expect("UTF-8 path").to_string();
    let args = [
        "info",
        "--format",
        "json",
        "-H",
        &target,
        "-U",
        "admin",
        "--password-file",
        &path,
        "-C",
        "3",
    ];
    check_info(&info_json(&args), &sim);
}

#[test]
fn wrong_password_fails() {
    let sim = Simulator::start();
    let target = sim.target();
    let args = ["info", "-H", &target, "-U", "admin", "-P", "wrong"];
    let out = run(&args);
    assert!(!out.status.success(), "{}", describe(&args, &out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("authentication failed"),
        "{}",
        describe(&args, &out)
    );
    assert!(stderr.contains(&target), "{}", describe(&args, &out));
    assert!(out.stdout.is_empty(), "{}", describe(&args, &out));
}

#[test]
fn unreachable_target_times_out() {
    // A bound socket on 127.0.0.1 that never answers.
    let hole = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let target = hole.local_addr().expect("local addr").to_string();
    let args = [
        "info",
        "-H",
        &target,
        "-U",
        "admin",
        "-P",
        "password",
        "--timeout",
        "0.3",
        "--retries",
        "1",
    ];
    let started = Instant::now();
    let out = run(&args);
    let elapsed = started.elapsed();
    assert!(!out.status.success(), "{}", describe(&args, &out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("timeout after"),
        "{}",
        describe(&args, &out)
    );
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}
