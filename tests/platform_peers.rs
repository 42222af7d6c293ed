//! Real IPMI clients against the virtual BMC's platform model: ipmitool
//! (`-I lanplus -C 17`: `chassis status`, `chassis power off|on`, `dcmi
//! power reading`, `dcmi discover`, `mc watchdog get`, `fru print N`) and
//! FreeIPMI (`-D LAN_2_0`: `ipmi-chassis --get-chassis-status`, `ipmi-dcmi
//! --get-system-power-statistics` and `--get-dcmi-capability-info`,
//! `ipmi-fru`), from their Debian packages.
//!
//! FreeIPMI's `bmc-watchdog` talks to the local BMC only (it has no
//! out-of-band options), so the watchdog is checked with ipmitool here and
//! its FreeIPMI names by the unit tests of `commands::watchdog`. Both tools
//! find FRU 1 through the FRU locator record ("PS1 FRU") of the default
//! machine's SDR repository.
//!
//! Each test runs its own virtual BMC on 127.0.0.1:0 in a background
//! thread; a missing tool fails the test with instructions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use ipmi_proto::bmc::platform::{DcmiModel, PlatformModel};
use ipmi_proto::fru::Fru;
use ipmi_test_support::tools::{
    describe, freeipmi_admin_args, ipmitool_admin_args, run_limited, tool,
};
use ipmi_test_support::VirtualBmc;

/// Runs a tool in UTC with a hard limit of 30 s.
fn run(program: &Path, args: &[&str]) -> Output {
    run_limited(program, args, &[("TZ", "UTC")], Duration::from_secs(30))
}

/// `ipmitool -I lanplus -C 17 -H 127.0.0.1 -p PORT -U admin -P password ARGS`.
fn ipmitool(bmc: &VirtualBmc, args: &[&str]) -> Output {
    let port = bmc.port().to_string();
    let mut all = ipmitool_admin_args(&port);
    all.extend_from_slice(args);
    run(&tool("ipmitool", "ipmitool"), &all)
}

fn ipmitool_ok(bmc: &VirtualBmc, args: &[&str]) -> String {
    let out = ipmitool(bmc, args);
    assert!(out.status.success(), "ipmitool {}", describe(args, &out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A FreeIPMI tool with `-h 127.0.0.1:PORT -u admin -p password -D LAN_2_0`.
fn freeipmi(bmc: &VirtualBmc, name: &str, args: &[&str]) -> Output {
    let host = format!("127.0.0.1:{}", bmc.port());
    let mut all = freeipmi_admin_args(&host);
    all.extend_from_slice(&[
        "--session-timeout",
        "5000",
        "--retransmission-timeout",
        "500",
    ]);
    all.extend_from_slice(args);
    run(&tool(name, "freeipmi-tools"), &all)
}

fn freeipmi_ok(bmc: &VirtualBmc, name: &str, args: &[&str]) -> String {
    let out = freeipmi(bmc, name, args);
    assert!(out.status.success(), "{name} {}", describe(args, &out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts a line `key<spaces>: value` (value compared trimmed).
fn assert_field(text: &str, key: &str, value: &str) {
    let found = text.lines().any(|line| {
        line.split_once(':')
            .is_some_and(|(k, v)| k.trim() == key && v.trim() == value)
    });
    assert!(found, "no line `{key} : {value}` in:\n{text}");
}

#[test]
fn chassis_status_both_tools_and_power_control() {
    let bmc = VirtualBmc::with_platform(PlatformModel::default());
    let out = ipmitool_ok(&bmc, &["chassis", "status"]);
    for (k, v) in [
        ("System Power", "on"),
        ("Power Overload", "false"),
        ("Power Interlock", "inactive"),
        ("Main Power Fault", "false"),
        ("Power Control Fault", "false"),
        ("Power Restore Policy", "previous"),
        ("Last Power Event", ""),
        ("Chassis Intrusion", "inactive"),
        ("Front-Panel Lockout", "inactive"),
        ("Drive Fault", "false"),
        ("Cooling/Fan Fault", "false"),
        ("Sleep Button Disable", "allowed"),
        ("Power Button Disabled", "false"),
    ] {
        assert_field(&out, k, v);
    }
    let out = freeipmi_ok(&bmc, "ipmi-chassis", &["--get-chassis-status"]);
    for (k, v) in [
        ("System Power", "on"),
        ("Power overload", "false"),
        ("Interlock", "inactive"),
        ("Power fault", "false"),
        ("Power control fault", "false"),
        ("Power restore policy", "Restore"),
        ("Last Power Event", "unknown"),
        ("Chassis intrusion", "inactive"),
        ("Front panel lockout", "inactive"),
        ("Drive Fault", "false"),
        ("Cooling/fan fault", "false"),
        ("Chassis Identify state", "off"),
        ("Power off button disable", "allowed"),
    ] {
        assert_field(&out, k, v);
    }

    // Chassis Control through ipmitool changes what both tools see.
    ipmitool_ok(&bmc, &["chassis", "power", "off"]);
    assert_field(
        &ipmitool_ok(&bmc, &["chassis", "status"]),
        "System Power",
        "off",
    );
    ipmitool_ok(&bmc, &["chassis", "power", "on"]);
    let out = freeipmi_ok(&bmc, "ipmi-chassis", &["--get-chassis-status"]);
    assert_field(&out, "System Power", "on");
    assert_field(&out, "Last Power Event", "power on via ipmi command");
    assert_field(
        &ipmitool_ok(&bmc, &["chassis", "status"]),
        "Last Power Event",
        "command",
    );
}

#[test]
fn dcmi_power_reading_both_tools() {
    let model = PlatformModel::default();
    let bmc = VirtualBmc::with_platform(model.clone());
    let r = model.dcmi.clone().unwrap().reading;

    let out = ipmitool_ok(&bmc, &["dcmi", "power", "reading"]);
    let watts = |w: u16| format!("{w} Watts");
    assert_field(&out, "Instantaneous power reading", &watts(r.current_watts));
    assert_field(
        &out,
        "Minimum during sampling period",
        &watts(r.minimum_watts),
    );
    assert_field(
        &out,
        "Maximum during sampling period",
        &watts(r.maximum_watts),
    );
    assert_field(
        &out,
        "Average power reading over sample period",
        &watts(r.average_watts),
    );
    assert_field(&out, "Power reading state is", "activated");

    let out = freeipmi_ok(&bmc, "ipmi-dcmi", &["--get-system-power-statistics"]);
    assert_field(&out, "Current Power", &watts(r.current_watts));
    assert_field(
        &out,
        "Minimum Power over sampling duration",
        &format!("{} watts", r.minimum_watts),
    );
    assert_field(
        &out,
        "Maximum Power over sampling duration",
        &format!("{} watts", r.maximum_watts),
    );
    assert_field(
        &out,
        "Average Power over sampling duration",
        &format!("{} watts", r.average_watts),
    );
    assert!(
        out.contains("Time Stamp                           : 02/12/2024 - 10:15:00"),
        "{out}"
    );
    assert_field(
        &out,
        "Statistics reporting time period",
        "1000 milliseconds",
    );
    assert_field(&out, "Power Measurement", "Active");

    let out = freeipmi_ok(&bmc, "ipmi-dcmi", &["--get-dcmi-capability-info"]);
    assert_field(&out, "DCMI Specification Conformance", "1.5");
    assert_field(&out, "Power Management / Monitoring Support", "Available");
    assert_field(&out, "Number of SEL entries", "1024");
    assert_field(&out, "Primary LAN Out-of-band Channel Number", "1");
    for period in ["30 Seconds", "5 Minutes", "1 Hours", "1 Days"] {
        assert_field(&out, "Available Rolling Average Time Period", period);
    }
    let out = ipmitool_ok(&bmc, &["dcmi", "discover"]);
    assert!(out.contains("Power management available"), "{out}");
}

#[test]
fn dcmi_inactive_and_absent() {
    let mut dcmi = DcmiModel::with_watts(150);
    dcmi.reading.measurement_active = false;
    let bmc = VirtualBmc::with_platform(PlatformModel {
        dcmi: Some(dcmi),
        ..PlatformModel::default()
    });
    let out = freeipmi_ok(&bmc, "ipmi-dcmi", &["--get-system-power-statistics"]);
    // What makes the exporter's dcmi collector omit the metric.
    assert_field(&out, "Power Measurement", "Not Available");
    let out = ipmitool_ok(&bmc, &["dcmi", "power", "reading"]);
    assert_field(&out, "Power reading state is", "deactivated");
    drop(bmc);

    // Without DCMI both tools fail as they do against ipmi_sim.
    let bmc = VirtualBmc::with_platform(PlatformModel::default().without_dcmi());
    let args = ["dcmi", "power", "reading"];
    let out = ipmitool(&bmc, &args);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Invalid command (c1)"),
        "{}",
        describe(&args, &out)
    );
    let args = ["--get-system-power-statistics"];
    let out = freeipmi(&bmc, "ipmi-dcmi", &args);
    assert!(!out.status.success(), "{}", describe(&args, &out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("command invalid or unsupported"),
        "{}",
        describe(&args, &out)
    );
}

#[test]
fn ipmitool_watchdog() {
    let model = PlatformModel::default();
    let bmc = VirtualBmc::with_platform(model.clone());
    let out = ipmitool_ok(&bmc, &["mc", "watchdog", "get"]);
    let w = model.watchdog;
    assert_field(&out, "Watchdog Timer Use", "SMS/OS (0x44)");
    assert_field(&out, "Watchdog Timer Is", "Started/Running");
    assert_field(&out, "Watchdog Timer Logging", "On");
    assert_field(&out, "Watchdog Timer Action", "Hard Reset (0x01)");
    assert_field(&out, "Pre-timeout interrupt", "None");
    assert_field(&out, "Pre-timeout interval", "0 seconds");
    assert_field(&out, "Timer Expiration Flags", "None (0x00)");
    assert_field(
        &out,
        "Initial Countdown",
        &format!("{:.1} sec", w.initial_countdown_seconds()),
    );
    assert_field(
        &out,
        "Present Countdown",
        &format!("{:.1} sec", w.present_countdown_seconds().unwrap()),
    );
}

#[test]
fn fru_both_tools() {
    let model = PlatformModel::default();
    let bmc = VirtualBmc::with_platform(model.clone());
    let fru0 = Fru::parse(&model.fru(0).unwrap().image).unwrap();
    let (c, b, p) = (
        fru0.chassis.unwrap(),
        fru0.board.unwrap(),
        fru0.product.unwrap(),
    );

    // Every FRU device: FRU 0, then FRU 1 from its locator record.
    let all = ipmitool_ok(&bmc, &["fru", "print"]);
    let (out, psu_text) = all
        .split_once("FRU Device Description : PS1 FRU (ID 1)\n")
        .unwrap_or_else(|| panic!("no FRU 1 in:\n{all}"));
    assert!(
        out.starts_with("FRU Device Description : Builtin FRU Device (ID 0)\n"),
        "{all}"
    );
    assert_field(out, "Chassis Type", "Rack Mount Chassis");
    assert_field(out, "Chassis Part Number", c.part_number.as_str());
    assert_field(out, "Chassis Serial", c.serial_number.as_str());
    assert_field(out, "Chassis Extra", c.custom[0].as_str());
    assert!(
        out.contains(" Board Mfg Date        : Mon Mar  4 12:30:00 2024 UTC\n"),
        "{out}"
    );
    assert_field(out, "Board Mfg", b.manufacturer.as_str());
    assert_field(out, "Board Product", b.product_name.as_str());
    assert_field(out, "Board Serial", b.serial_number.as_str());
    assert_field(out, "Board Part Number", b.part_number.as_str());
    assert_field(out, "Product Manufacturer", p.manufacturer.as_str());
    assert_field(out, "Product Name", p.name.as_str());
    assert_field(out, "Product Part Number", p.part_number.as_str());
    assert_field(out, "Product Version", p.version.as_str());
    assert_field(out, "Product Serial", p.serial_number.as_str());
    assert_field(out, "Product Asset Tag", p.asset_tag.as_str());

    let psu = Fru::parse(&model.fru(1).unwrap().image)
        .unwrap()
        .product
        .unwrap();
    assert_field(psu_text, "Product Manufacturer", psu.manufacturer.as_str());
    assert_field(psu_text, "Product Name", psu.name.as_str());
    assert_field(psu_text, "Product Part Number", psu.part_number.as_str());
    assert_field(psu_text, "Product Version", psu.version.as_str());
    assert_field(psu_text, "Product Serial", psu.serial_number.as_str());
    assert_field(
        &ipmitool_ok(&bmc, &["fru", "print", "1"]),
        "Product Serial",
        psu.serial_number.as_str(),
    );

    let cache = tempfile::tempdir().unwrap();
    let cache_arg = format!("--sdr-cache-directory={}", cache.path().display());
    let all = freeipmi_ok(&bmc, "ipmi-fru", &[&cache_arg, "--quiet-cache"]);
    let (out, psu_text) = all
        .split_once("FRU Inventory Device: PS1 FRU (ID 01h)")
        .unwrap_or_else(|| panic!("no FRU 1 in:\n{all}"));
    assert!(
        out.starts_with("FRU Inventory Device: Default FRU Device (ID 00h)"),
        "{all}"
    );
    assert_field(out, "FRU Chassis Type", "Rack Mount Chassis");
    assert_field(out, "FRU Chassis Part Number", c.part_number.as_str());
    assert_field(out, "FRU Chassis Serial Number", c.serial_number.as_str());
    assert_field(out, "FRU Chassis Custom Info", c.custom[0].as_str());
    assert!(
        out.contains("FRU Board Manufacturing Date/Time: 03/04/24 - 12:30:00"),
        "{out}"
    );
    assert_field(out, "FRU Board Manufacturer", b.manufacturer.as_str());
    assert_field(out, "FRU Board Product Name", b.product_name.as_str());
    assert_field(out, "FRU Board Serial Number", b.serial_number.as_str());
    assert_field(out, "FRU Board Part Number", b.part_number.as_str());
    assert_field(
        out,
        "FRU Product Manufacturer Name",
        p.manufacturer.as_str(),
    );
    assert_field(out, "FRU Product Name", p.name.as_str());
    assert_field(out, "FRU Product Part/Model Number", p.part_number.as_str());
    assert_field(out, "FRU Product Version", p.version.as_str());
    assert_field(out, "FRU Product Serial Number", p.serial_number.as_str());
    assert_field(out, "FRU Product Asset Tag", p.asset_tag.as_str());
    assert_field(
        psu_text,
        "FRU Product Manufacturer Name",
        psu.manufacturer.as_str(),
    );
    assert_field(
        psu_text,
        "FRU Product Serial Number",
        psu.serial_number.as_str(),
    );
    // The Power Supply Information record, as FreeIPMI decodes it.
    assert_field(psu_text, "FRU Power Supply Overall Capacity", "800 Watts");
    assert_field(psu_text, "FRU Power Supply Peak Capacity", "880 Watts");
    assert_field(psu_text, "FRU Power Supply Hot Swap Support", "Yes");
    // FreeIPMI checks every checksum by default: none failed.
    assert!(!all.contains("Error"), "{all}");
}
