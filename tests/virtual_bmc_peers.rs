//! Real IPMI clients against our virtual BMC: ipmitool (`-I lanplus`) and
//! FreeIPMI's `bmc-info` (`-D LAN_2_0`), from their Debian packages.
//!
//! Each test runs its own `ipmi_proto::bmc::server::Server` on
//! 127.0.0.1:0, in a background thread with its own tokio runtime, and runs
//! the tools as child processes.  A missing tool fails the test with
//! instructions; nothing is skipped.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use ipmi_proto::bmc::Machine;
use ipmi_test_support::tools::{describe, run_limited, tool};
use ipmi_test_support::{guid_ipmi_order, VirtualBmc};

/// Runs a tool with a hard limit of 30 s (bounded polling) and returns its
/// output.
fn run(program: &Path, args: &[&str]) -> Output {
    run_limited(program, args, &[], Duration::from_secs(30))
}

/// `ipmitool -I lanplus -H 127.0.0.1 -p PORT -N 1 -R 1 ARGS...`
fn ipmitool(bmc: &VirtualBmc, args: &[&str]) -> Output {
    let exe = tool("ipmitool", "ipmitool");
    let port = bmc.port().to_string();
    let mut all = vec![
        "-I",
        "lanplus",
        "-H",
        "127.0.0.1",
        "-p",
        &port,
        "-N",
        "1",
        "-R",
        "1",
    ];
    all.extend_from_slice(args);
    run(&exe, &all)
}

fn ipmitool_ok(bmc: &VirtualBmc, args: &[&str]) -> String {
    let out = ipmitool(bmc, args);
    assert!(out.status.success(), "ipmitool {}", describe(args, &out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `bmc-info -h 127.0.0.1:PORT -D LAN_2_0 ARGS...` with short timeouts.
fn bmc_info(bmc: &VirtualBmc, args: &[&str]) -> Output {
    let exe = tool("bmc-info", "freeipmi-tools");
    let host = format!("127.0.0.1:{}", bmc.port());
    let mut all = vec![
        "-h",
        &host,
        "-D",
        "LAN_2_0",
        "--session-timeout",
        "5000",
        "--retransmission-timeout",
        "500",
    ];
    all.extend_from_slice(args);
    run(&exe, &all)
}

/// Asserts that `text` has a line `key<spaces>: value` (the layout both
/// tools use).
fn assert_field(text: &str, key: &str, value: &str) {
    let found = text.lines().any(|line| {
        line.split_once(':')
            .is_some_and(|(k, v)| k.trim_end() == key && v.trim() == value && k.starts_with(key))
    });
    assert!(found, "no line `{key} : {value}` in:\n{text}");
}

fn admin_args(suite: &str) -> [&str; 6] {
    ["-C", suite, "-U", "admin", "-P", "password"]
}

/// Firmware revision as both tools print it: major, '.', minor as 2 BCD digits.
fn firmware_revision(m: &Machine) -> String {
    format!(
        "{}.{:02x}",
        m.device_id.firmware_major, m.device_id.firmware_minor
    )
}

#[test]
fn ipmitool_mc_info_suite_17() {
    let machine = Machine::default();
    let bmc = VirtualBmc::start(machine.clone());
    let mut args = admin_args("17").to_vec();
    args.extend(["mc", "info"]);
    let out = ipmitool_ok(&bmc, &args);
    let id = &machine.device_id;
    assert_field(&out, "Device ID", &id.device_id.to_string());
    assert_field(&out, "Device Revision", &id.device_revision.to_string());
    assert_field(&out, "Firmware Revision", &firmware_revision(&machine));
    assert_field(&out, "IPMI Version", "2.0");
    assert_field(&out, "Manufacturer ID", &id.manufacturer_id.to_string());
    assert_field(&out, "Manufacturer Name", "OpenBMC Project");
    assert_field(
        &out,
        "Product ID",
        &format!("{} ({:#06x})", id.product_id, id.product_id),
    );
    assert_field(&out, "Device Available", "yes");
    assert_field(&out, "Provides Device SDRs", "no");
    for support in [
        "Sensor Device",
        "SDR Repository Device",
        "SEL Device",
        "FRU Inventory Device",
        "IPMB Event Receiver",
        "IPMB Event Generator",
        "Chassis Device",
    ] {
        assert!(
            out.lines().any(|l| l.trim() == support),
            "{support} missing:\n{out}"
        );
    }
    assert_eq!(bmc.stats().stats().sessions_opened, 1);
}

/// Every suite the virtual BMC offers that ipmitool 1.8.19 implements.
/// (ipmitool aborts on suites 11 and 12 — MD5-128 integrity — with an
/// assertion in `ipmi_lanplus_build_v2x_msg`, an ipmitool limitation; our
/// own client covers them in `client_virtual_bmc.rs`.)
#[test]
fn ipmitool_cipher_suites() {
    let machine = Machine::default();
    let bmc = VirtualBmc::start(machine.clone());
    let mut opened = 0;
    for suite in ["1", "2", "3", "6", "7", "8", "15", "16", "17"] {
        let mut args = admin_args(suite).to_vec();
        args.extend(["mc", "info"]);
        let out = ipmitool_ok(&bmc, &args);
        assert_field(
            &out,
            "Manufacturer ID",
            &machine.device_id.manufacturer_id.to_string(),
        );
        opened += 1;
        assert_eq!(bmc.stats().stats().sessions_opened, opened, "suite {suite}");
    }
    // Suite 0 (no authentication) is not offered by the default machine.
    let mut args = admin_args("0").to_vec();
    args.extend(["mc", "info"]);
    let out = ipmitool(&bmc, &args);
    assert!(!out.status.success(), "suite 0: {}", describe(&args, &out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no matching cipher suite"),
        "{}",
        describe(&args, &out)
    );
}

#[test]
fn ipmitool_mc_guid_and_cipher_list() {
    let machine = Machine::default();
    let bmc = VirtualBmc::start(machine.clone());
    let mut args = admin_args("17").to_vec();
    args.extend(["mc", "guid"]);
    let out = ipmitool_ok(&bmc, &args);
    // The machine's GUID is a version-4 GUID in the IPMI encoding, which
    // ipmitool recognises and prints in the same order as FreeIPMI.
    assert_field(&out, "System GUID", &guid_ipmi_order(&machine.system_guid));
    assert_field(&out, "GUID Encoding", "IPMI");

    let mut args = admin_args("3").to_vec();
    args.extend(["channel", "getciphers", "ipmi"]);
    let out = ipmitool_ok(&bmc, &args);
    let ids: Vec<u8> = out
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(ids, machine.cipher_suites, "{out}");
    let row17 = out
        .lines()
        .find(|l| l.starts_with("17 "))
        .unwrap_or_else(|| panic!("no suite 17 in:\n{out}"));
    assert_eq!(
        row17.split_whitespace().skip(2).collect::<Vec<_>>(),
        ["hmac_sha256", "sha256_128", "aes_cbc_128"]
    );
}

#[test]
fn ipmitool_wrong_password_fails() {
    let bmc = VirtualBmc::start(Machine::default());
    let args = ["-C", "17", "-U", "admin", "-P", "wrong", "mc", "info"];
    let out = ipmitool(&bmc, &args);
    assert!(!out.status.success(), "{}", describe(&args, &out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Unable to establish"),
        "{}",
        describe(&args, &out)
    );
    assert_eq!(bmc.stats().active_sessions(), 0);
    assert_eq!(bmc.stats().stats().sessions_opened, 0);
}

#[test]
fn ipmitool_privilege_above_the_user_limit_fails() {
    let bmc = VirtualBmc::start(Machine::default());
    let base = ["-C", "17", "-U", "user", "-P", "user"];
    let mut args = base.to_vec();
    args.extend(["-L", "ADMINISTRATOR", "mc", "info"]);
    let out = ipmitool(&bmc, &args);
    assert!(!out.status.success(), "{}", describe(&args, &out));
    assert_eq!(bmc.stats().stats().sessions_opened, 0);
    assert!(bmc.stats().stats().handshakes_refused >= 1);
    // The same user at its own level works.
    let mut args = base.to_vec();
    args.extend(["-L", "USER", "mc", "info"]);
    ipmitool_ok(&bmc, &args);
    assert_eq!(bmc.stats().stats().sessions_opened, 1);
}

fn check_bmc_info(out: &str, machine: &Machine) {
    let id = &machine.device_id;
    assert_field(out, "Device ID", &id.device_id.to_string());
    assert_field(out, "Firmware Revision", &firmware_revision(machine));
    assert_field(out, "IPMI Version", "2.0");
    assert_field(out, "Manufacturer ID", &id.manufacturer_id.to_string());
    assert_field(out, "Product ID", &id.product_id.to_string());
    assert_field(out, "System GUID", &guid_ipmi_order(&machine.system_guid));
    assert_field(out, "Device GUID", &guid_ipmi_order(&machine.device_guid));
    assert_field(
        out,
        "System Firmware Version",
        machine
            .system_firmware_version
            .as_deref()
            .expect("the default machine has a firmware version"),
    );
    // Only the first channel block: bmc-info 1.6.10 then prints garbage
    // for the channels that answer CCh (it does so with ipmi_sim too).
    let channels = out
        .split_once("Channel Information")
        .unwrap_or_else(|| panic!("no channel information in:\n{out}"))
        .1;
    assert_field(channels, "Channel Number", &machine.lan_channel.to_string());
    assert_field(channels, "Medium Type", "802.3 LAN");
}

#[test]
fn freeipmi_bmc_info_default_suite() {
    let machine = Machine::default();
    let bmc = VirtualBmc::start(machine.clone());
    let args = ["-u", "admin", "-p", "password"];
    let out = bmc_info(&bmc, &args);
    assert!(out.status.success(), "bmc-info {}", describe(&args, &out));
    check_bmc_info(&String::from_utf8_lossy(&out.stdout), &machine);
    assert_eq!(bmc.stats().stats().sessions_opened, 1);
}

#[test]
fn freeipmi_bmc_info_suite_17_admin() {
    let machine = Machine::default();
    let bmc = VirtualBmc::start(machine.clone());
    let args = ["-u", "admin", "-p", "password", "-I", "17", "-l", "ADMIN"];
    let out = bmc_info(&bmc, &args);
    assert!(out.status.success(), "bmc-info {}", describe(&args, &out));
    check_bmc_info(&String::from_utf8_lossy(&out.stdout), &machine);
}

#[test]
fn freeipmi_bmc_info_refusals() {
    let bmc = VirtualBmc::start(Machine::default());
    let args = ["-u", "admin", "-p", "wrong", "-I", "17"];
    let out = bmc_info(&bmc, &args);
    assert!(!out.status.success(), "{}", describe(&args, &out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("password invalid"),
        "{}",
        describe(&args, &out)
    );
    let args = ["-u", "user", "-p", "user", "-I", "17", "-l", "ADMIN"];
    let out = bmc_info(&bmc, &args);
    assert!(!out.status.success(), "{}", describe(&args, &out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("privilege level cannot be obtained"),
        "{}",
        describe(&args, &out)
    );
    assert_eq!(bmc.stats().stats().sessions_opened, 0);
}
