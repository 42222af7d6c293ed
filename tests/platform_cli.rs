//! `ipmi_exporter chassis | power | watchdog | fru` against the project's
//! `ipmi_sim` machine (output compared with the captured ipmitool output
//! and `tests/sim/expected/fru.json`) and against the virtual BMC (DCMI,
//! which ipmi_sim lacks).
//!
//! The binary is built once per run with the same Cargo (as in
//! `tests/cli.rs`); `IPMI_EXPORTER_BIN` overrides it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Output;

use ipmi_proto::bmc::platform::PlatformModel;
use ipmi_test_support::exporter_bin::{describe_exporter as describe, run_exporter};
use ipmi_test_support::{Simulator, VirtualBmc};

fn run(args: &[&str]) -> Output {
    run_exporter(args, &[])
}

/// Runs `ipmi_exporter CMD -H target -U admin -P password EXTRA...`, which
/// must succeed; returns stdout.
fn ok(cmd: &str, target: &str, extra: &[&str]) -> String {
    let mut args = vec![cmd, "-H", target, "-U", "admin", "-P", "password"];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert!(out.status.success(), "{}", describe(&args, &out));
    String::from_utf8(out.stdout).unwrap()
}

fn json(cmd: &str, target: &str, extra: &[&str]) -> serde_json::Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(extra);
    serde_json::from_str(&ok(cmd, target, &all)).unwrap()
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(ipmi_test_support::sim_dir().join("expected").join(name)).unwrap()
}

#[test]
fn chassis_watchdog_power_against_ipmi_sim() {
    let sim = Simulator::start();
    let target = sim.target();
    // Byte for byte what ipmitool printed for this machine.
    assert_eq!(
        ok("chassis", &target, &[]),
        expected("ipmitool-chassis-status.txt")
    );
    let j = json("chassis", &target, &[]);
    assert_eq!(j["power_on"], true);
    assert_eq!(j["restore_policy"], "always-off");
    assert_eq!(j["drive_fault"], false);
    assert_eq!(j["cooling_fault"], false);
    assert!(j["identify"].is_null());

    let text = ok("watchdog", &target, &[]);
    assert!(
        text.starts_with("Watchdog Timer Use:     Reserved (0x00)\n"),
        "{text}"
    );
    assert!(text.ends_with("Present Countdown:      N/A\n"), "{text}");
    let j = json("watchdog", &target, &[]);
    assert_eq!(j["running"], false);
    assert_eq!(j["logging"], true);
    assert_eq!(j["timeout_action"], "None");
    assert!(j["present_countdown_seconds"].is_null());

    let args = ["power", "-H", &target, "-U", "admin", "-P", "password"];
    let out = run(&args);
    assert!(!out.status.success(), "{}", describe(&args, &out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("DCMI is not supported by this BMC"),
        "{}",
        describe(&args, &out)
    );
    assert_eq!(stderr.lines().count(), 1, "{}", describe(&args, &out));
}

#[test]
fn fru_against_ipmi_sim() {
    let sim = Simulator::start();
    let target = sim.target();
    let ipmitool = expected("ipmitool-fru-print.txt");
    // Every device, named from the SDR's FRU locators: byte for byte what
    // ipmitool printed.
    assert_eq!(ok("fru", &target, &[]), ipmitool);
    // FRU 0 alone: ipmitool's first block.
    let first = ipmitool.split_inclusive("\n\n").next().unwrap();
    assert_eq!(ok("fru", &target, &["-d", "0"]), first);
    // Devices by ID carry no SDR names.
    let text = ok("fru", &target, &["-d", "0", "-d", "1", "-d", "2"]);
    let renamed = ipmitool
        .replace("PS1 (ID 1)", "FRU Device (ID 1)")
        .replace("Backplane (ID 2)", "FRU Device (ID 2)");
    assert_eq!(text, renamed);

    let j = json("fru", &target, &["-d", "0", "-d", "1", "-d", "2"]);
    let truth: serde_json::Value = serde_json::from_str(&expected("fru.json")).unwrap();
    let ours = j["frus"].as_array().unwrap();
    let want = truth["frus"].as_array().unwrap();
    assert_eq!(ours.len(), want.len());
    for (o, w) in ours.iter().zip(want) {
        assert_eq!(o["fru_id"], w["fru_id"]);
        assert_eq!(o["size"], w["size"]);
        assert_eq!(o["image_hex"], w["image_hex"], "FRU {}", w["fru_id"]);
        assert!(o["error"].is_null());
        assert_eq!(o["warnings"], serde_json::json!([]));
        for area in ["chassis", "board", "product"] {
            match w.get(area) {
                None => assert!(o.get(area).is_none(), "{area} in {o}"),
                Some(wa) => {
                    for (k, v) in wa.as_object().unwrap() {
                        assert_eq!(&o[area][k], v, "FRU {} {area}.{k}", w["fru_id"]);
                    }
                }
            }
        }
    }
    // 176, 72 and 64 used bytes in 32-byte reads, after the area info.
    let requests: Vec<_> = ours.iter().map(|o| o["requests"].clone()).collect();
    assert_eq!(requests, [7, 4, 3]);

    // A missing device alone is an error; next to others it is reported.
    let args = [
        "fru", "-H", &target, "-U", "admin", "-P", "password", "-d", "9",
    ];
    let out = run(&args);
    assert!(!out.status.success(), "{}", describe(&args, &out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read FRU device 9"));
    let text = ok("fru", &target, &["-d", "9", "-d", "1"]);
    assert!(
        text.starts_with("FRU Device Description : FRU Device (ID 9)\n Error: "),
        "{text}"
    );
}

#[test]
fn power_watchdog_chassis_fru_against_the_virtual_bmc() {
    let model = PlatformModel::default();
    let bmc = VirtualBmc::with_platform(model.clone());
    let t = &bmc.target();

    // The same lines ipmi-dcmi printed for this reading (platform_peers.rs).
    assert_eq!(
        ok("power", t, &[]),
        "Current Power                        : 285 Watts\n\
         Minimum Power over sampling duration : 210 watts\n\
         Maximum Power over sampling duration : 412 watts\n\
         Average Power over sampling duration : 276 watts\n\
         Time Stamp                           : 02/12/2024 - 10:15:00\n\
         Statistics reporting time period     : 1000 milliseconds\n\
         Power Measurement                    : Active\n"
    );
    let j = json("power", t, &["--capabilities"]);
    assert_eq!(j["measurement_active"], true);
    assert_eq!(j["current_watts"], 285);
    assert_eq!(j["time"], "2024-02-12T10:15:00Z");
    assert_eq!(j["capabilities"]["dcmi_version"], "1.5");
    assert_eq!(j["capabilities"]["power_management"], true);
    assert_eq!(
        j["capabilities"]["rolling_average_periods_seconds"],
        serde_json::json!([30, 300, 3600, 86400])
    );
    let j = json("power", t, &["--period", "300"]);
    assert_eq!(j["statistics_period_ms"], 300_000);

    // The same lines ipmitool printed (platform_peers.rs).
    let w = ok("watchdog", t, &[]);
    assert!(w.contains("Watchdog Timer Use:     SMS/OS (0x44)\n"), "{w}");
    assert!(w.contains("Present Countdown:      295.0 sec\n"), "{w}");
    let j = json("watchdog", t, &[]);
    assert_eq!(j["timer_use"], "SMS/OS");
    assert_eq!(j["timeout_action"], "Hard Reset");
    assert_eq!(j["pre_timeout_interrupt"], "None");
    assert_eq!(j["initial_countdown_seconds"], 300.0);

    let c = ok("chassis", t, &[]);
    assert!(c.contains("Power Restore Policy : previous\n"), "{c}");
    assert!(c.contains("Chassis Identify     : off\n"), "{c}");

    let j = json("fru", t, &["-d", "0", "-d", "1"]);
    assert_eq!(j["frus"][0]["product"]["name"], "ES-2400");
    assert_eq!(j["frus"][1]["multi_records"][0]["psu_capacity_watts"], 800);
    let text = ok("fru", t, &["-d", "1"]);
    assert!(
        text.contains(" PSU Capacity          : 800 W (peak 880 W)\n"),
        "{text}"
    );
}
