//! The SEL against real clients and our reader, on the virtual BMC.
//!
//! * ipmitool `sel elist` / `sel info` and FreeIPMI `ipmi-sel` read the
//!   virtual BMC's SEL ([`SelModel`]); their output must equal what
//!   [`SelRecord::ipmitool_elist_line`] and [`SelRecord::freeipmi`] print
//!   for the same records (blanks normalised for ipmitool).
//! * `ops::sel` reads a large SEL whole, then incrementally: the second
//!   read after adding 3 entries costs 1 Get SEL Info and 4 Get SEL Entry.
//! * Fault injection: whole reads refused (partial reads under a
//!   reservation), Reserve SEL refused below Operator.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use ipmi_proto::bmc::sel::{SelFaults, SelModel};
use ipmi_proto::bmc::Machine;
use ipmi_proto::client::{Client, ClientOptions, Credentials};
use ipmi_proto::commands::sel::{AddSelEntry, GetSelInfo, SelTime, SetSelTime};
use ipmi_proto::ops::sel::{read_all, SelReader};
use ipmi_proto::sel::{NoSensors, SelRecord, SelTimestamp};
use ipmi_proto::PrivilegeLevel;
use ipmi_test_support::tools::{freeipmi_admin_args, ipmitool_admin_args, run_ok, tool};
use ipmi_test_support::VirtualBmc;

/// Runs a tool in UTC with a 60 s limit; it must succeed.
fn run(program: &Path, args: &[&str]) -> Output {
    run_ok(program, args, &[("TZ", "UTC")], Duration::from_secs(60))
}

fn ipmitool(bmc: &VirtualBmc, args: &[&str]) -> String {
    let port = bmc.port().to_string();
    let mut all = ipmitool_admin_args(&port);
    all.extend_from_slice(args);
    String::from_utf8_lossy(&run(&tool("ipmitool", "ipmitool"), &all).stdout).into_owned()
}

fn ipmi_sel(bmc: &VirtualBmc, args: &[&str]) -> String {
    let host = format!("127.0.0.1:{}", bmc.port());
    let mut all = freeipmi_admin_args(&host);
    all.extend_from_slice(&["-l", "ADMIN", "--ignore-sdr-cache"]);
    all.extend_from_slice(args);
    String::from_utf8_lossy(&run(&tool("ipmi-sel", "freeipmi-tools"), &all).stdout).into_owned()
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A system event record with the given fields (record ID assigned later).
fn event(
    ts: u32,
    generator: u8,
    sensor_type: u8,
    number: u8,
    dir_type: u8,
    ed: [u8; 3],
) -> [u8; 16] {
    let t = ts.to_le_bytes();
    [
        0,
        0,
        0x02,
        t[0],
        t[1],
        t[2],
        t[3],
        generator,
        0x00,
        0x04,
        sensor_type,
        number,
        dir_type,
        ed[0],
        ed[1],
        ed[2],
    ]
}

/// The default log plus records exercising more of the tables.
fn varied_sel() -> SelModel {
    let mut m = SelModel::default();
    let t = 1_736_960_000;
    for r in [
        event(t, 0x20, 0x04, 0x31, 0x0b, [0x02, 0xff, 0xff]), // fan redundancy degraded
        event(t + 1, 0x20, 0x15, 0x40, 0x88, [0x00, 0xff, 0xff]), // module deassert device absent
        event(t + 2, 0x20, 0x01, 0x05, 0x05, [0x01, 0xff, 0xff]), // limit exceeded
        event(t + 3, 0x20, 0x08, 0x62, 0x6f, [0x06, 0xff, 0x01]), // PS config error, no ED3 usage
        event(t + 4, 0x20, 0x08, 0x62, 0x6f, [0x36, 0xff, 0x01]), // PS config error, revision mismatch
        event(t + 5, 0x20, 0x1d, 0x41, 0x6f, [0xc7, 0x03, 0xff]), // system restart, power button
        event(t + 6, 0x20, 0x0f, 0x42, 0x6f, [0xc2, 0x07, 0xff]), // firmware progress: PCI config
        event(t + 7, 0x20, 0x07, 0x43, 0x6f, [0x0a, 0xff, 0xff]), // processor throttled
        event(t + 8, 0x20, 0x2a, 0x44, 0x6f, [0x01, 0xff, 0xff]), // session deactivated
        event(t + 9, 0x20, 0x0c, 0x45, 0x6f, [0x31, 0xff, 0x02]), // uncorrectable ECC, DIMM 2
        event(t + 10, 0x20, 0x02, 0x11, 0x01, [0x04, 0xff, 0xff]), // threshold without data
        event(t + 11, 0x20, 0x0d, 0x46, 0x08, [0x01, 0xff, 0xff]), // drive present (generic)
        event(t + 12, 0x20, 0x12, 0x47, 0x6f, [0x05, 0xff, 0xff]), // timestamp clock sync
        event(t + 13, 0x20, 0x21, 0x48, 0x6f, [0x02, 0xff, 0xff]), // slot device installed
        event(t + 14, 0x20, 0x25, 0x49, 0x6f, [0x01, 0xff, 0xff]), // entity absent
        event(0xffff_ffff, 0x20, 0x10, 0x4a, 0x6f, [0x04, 0xff, 0xff]), // SEL full, no time
    ] {
        m.insert(r).unwrap();
    }
    m
}

#[test]
fn ipmitool_and_freeipmi_print_what_we_print() {
    let sel = varied_sel();
    let records: Vec<SelRecord> = sel
        .records()
        .iter()
        .map(|r| SelRecord::parse(r).unwrap())
        .collect();
    let machine = Machine {
        sel,
        // No SDR: the tools then name sensors by number, like our
        // NoSensors lookup.
        sensors: ipmi_proto::bmc::sensors::SensorModel::empty(),
        ..Machine::default()
    };
    let bmc = VirtualBmc::start(machine);

    let elist = ipmitool(&bmc, &["sel", "elist"]);
    let theirs: Vec<String> = elist.lines().map(norm).collect();
    let ours: Vec<String> = records
        .iter()
        .map(|r| norm(&r.ipmitool_elist_line(&NoSensors)))
        .collect();
    if std::env::var_os("SEL_TEST_PRINT").is_some() {
        for (a, b) in theirs.iter().zip(&ours) {
            println!("ipmitool: {a}\nours    : {b}");
        }
    }
    // ipmitool 1.8.19 has no strings for Session Audit (2Ah); we do.
    let known = |r: &SelRecord| r.event().is_some_and(|e| e.sensor_type == 0x2a);
    assert_eq!(theirs.len(), ours.len());
    for ((a, b), r) in theirs.iter().zip(&ours).zip(&records) {
        if known(r) {
            assert!(b.contains("Session Deactivated"), "{b}");
        } else {
            assert_eq!(a, b, "ipmitool sel elist");
        }
    }

    let csv = ipmi_sel(
        &bmc,
        &[
            "--output-event-state",
            "--comma-separated-output",
            "--no-header-output",
        ],
    );
    let ours: Vec<String> = records
        .iter()
        .map(|r| r.freeipmi(&NoSensors).csv())
        .collect();
    let theirs: Vec<String> = csv.lines().map(str::to_string).collect();
    if std::env::var_os("SEL_TEST_PRINT").is_some() {
        for (a, b) in theirs.iter().zip(&ours) {
            println!("ipmi-sel: {a}\nours    : {b}");
        }
    }
    assert_eq!(theirs, ours, "ipmi-sel");
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn connect(
    bmc: &VirtualBmc,
    user: &str,
    password: &[u8],
    privilege: PrivilegeLevel,
) -> Client {
    let options = ClientOptions {
        privilege,
        cipher_suite: Some(17),
        ..ClientOptions::default()
    };
    Client::connect(
        &bmc.target(),
        Credentials::new(user, password).unwrap(),
        options,
    )
    .await
    .unwrap()
}

/// `n` threshold events with record IDs 1..=n, one minute apart.
fn large_sel(n: u16) -> SelModel {
    let records = (1..=n).map(|i| {
        let mut r = event(
            1_736_928_000 + u32::from(i) * 60,
            0x20,
            0x01,
            0x02,
            0x01,
            [0x57, 0x50, 0x4b],
        );
        r[0..2].copy_from_slice(&i.to_le_bytes());
        r
    });
    let mut m = SelModel::from_records(records, 4096);
    m.set_time(SelTimestamp(1_800_000_000));
    m
}

#[test]
fn large_sel_full_then_incremental() {
    let bmc = VirtualBmc::start(Machine {
        sel: large_sel(1200),
        ..Machine::default()
    });
    runtime().block_on(async {
        let client = connect(&bmc, "admin", b"password", PrivilegeLevel::Administrator).await;
        let mut reader = SelReader::new();

        let before = client.stats().await.requests;
        let started = Instant::now();
        let full = reader.read_new(&client).await.unwrap();
        let full_time = started.elapsed();
        let full_requests = client.stats().await.requests - before;
        assert!(full.reset);
        assert_eq!(full.records.len(), 1200);
        assert!(full
            .records
            .iter()
            .enumerate()
            .all(|(i, r)| usize::from(r.record_id) == i + 1));
        assert_eq!(
            (
                full.stats.get_info,
                full.stats.get_entry,
                full.stats.reserve
            ),
            (1, 1200, 0)
        );
        assert_eq!(full_requests, 1201);

        // Nothing new: one Get SEL Info.
        let before = client.stats().await.requests;
        let same = reader.read_new(&client).await.unwrap();
        assert!(!same.reset && same.records.is_empty());
        assert_eq!(client.stats().await.requests - before, 1);

        // Three entries added (Add SEL Entry stamps them with the SEL time).
        for i in 0..3u8 {
            let record = event(0, 0x20, 0x04, 0x30 + i, 0x01, [0x52, 0x04, 0x05]);
            let id = client
                .execute(&AddSelEntry { record })
                .await
                .unwrap()
                .record_id;
            assert_eq!(id, 1201 + u16::from(i));
        }
        let before = client.stats().await.requests;
        let started = Instant::now();
        let inc = reader.read_new(&client).await.unwrap();
        let inc_time = started.elapsed();
        let inc_requests = client.stats().await.requests - before;
        assert!(!inc.reset);
        let ids: Vec<u16> = inc.records.iter().map(|r| r.record_id).collect();
        assert_eq!(ids, [1201, 1202, 1203]);
        assert!(inc
            .records
            .iter()
            .all(|r| r.timestamp() == Some(SelTimestamp(1_800_000_000))));
        assert_eq!((inc.stats.get_info, inc.stats.get_entry), (1, 4));
        assert_eq!(inc_requests, 5);
        eprintln!(
            "1200-entry SEL: full read {full_requests} requests in {full_time:?}; \
             incremental read of 3 new entries {inc_requests} requests in {inc_time:?}"
        );

        // A newer SEL time and a clear: the erase timestamp changes, a full
        // (empty) read follows.
        client
            .execute(&SetSelTime(SelTime {
                time: SelTimestamp(1_800_000_100),
            }))
            .await
            .unwrap();
        let r = client
            .execute(&ipmi_proto::commands::sel::ReserveSel)
            .await
            .unwrap();
        client
            .execute(&ipmi_proto::commands::sel::ClearSel {
                reservation_id: r.reservation_id,
                action: ipmi_proto::commands::sel::ClearSelAction::Initiate,
            })
            .await
            .unwrap();
        let cleared = reader.read_new(&client).await.unwrap();
        assert!(cleared.reset && cleared.records.is_empty());
        assert_eq!(cleared.info.last_erase, SelTimestamp(1_800_000_100));
        // Empty log, then one entry: read from the start.
        client
            .execute(&AddSelEntry {
                record: event(0, 0x20, 1, 2, 1, [0x57, 1, 2]),
            })
            .await
            .unwrap();
        let one = reader.read_new(&client).await.unwrap();
        assert_eq!(one.records.len(), 1);
        client.close().await;
    });
}

#[test]
fn partial_reads_and_refused_reservations() {
    // Whole-record reads refused: 8-byte pieces under a reservation.
    let mut sel = SelModel::default();
    sel.set_faults(SelFaults {
        max_read_bytes: Some(8),
        reserve_privilege: None,
    });
    let expected: Vec<[u8; 16]> = sel.records().to_vec();
    let bmc = VirtualBmc::start(Machine {
        sel,
        ..Machine::default()
    });
    runtime().block_on(async {
        let client = connect(&bmc, "admin", b"password", PrivilegeLevel::Administrator).await;
        let log = read_all(&client).await.unwrap();
        let raw: Vec<[u8; 16]> = log.records.iter().map(SelRecord::raw).collect();
        assert_eq!(raw, expected);
        assert_eq!(log.stats.reserve, 1);
        // One refused whole read plus two pieces per record.
        assert_eq!(log.stats.get_entry, 3 * 22);
        client.close().await;
    });

    // Reserve SEL needs Operator (Supermicro H8QME): a User session reads
    // the pieces without a reservation.
    let mut sel = SelModel::default();
    sel.set_faults(SelFaults {
        max_read_bytes: Some(8),
        reserve_privilege: Some(PrivilegeLevel::Operator),
    });
    let bmc = VirtualBmc::start(Machine {
        sel,
        ..Machine::default()
    });
    runtime().block_on(async {
        let client = connect(&bmc, "user", b"user", PrivilegeLevel::User).await;
        let log = read_all(&client).await.unwrap();
        assert_eq!(log.records.len(), 22);
        assert!(log.stats.reserve_refused);
        let info = client.execute(&GetSelInfo).await.unwrap();
        assert_eq!(info.entries, 22);
        client.close().await;
    });
}

#[test]
fn empty_sel_reads_empty() {
    let bmc = VirtualBmc::start(Machine {
        sel: SelModel::empty(),
        ..Machine::default()
    });
    runtime().block_on(async {
        let client = connect(&bmc, "admin", b"password", PrivilegeLevel::Administrator).await;
        let log = read_all(&client).await.unwrap();
        assert!(log.records.is_empty());
        assert_eq!(log.info.entries, 0);
        assert!(log.info.last_add.is_unspecified());
        client.close().await;
    });
}

#[test]
fn ipmitool_and_freeipmi_sel_info() {
    let bmc = VirtualBmc::start(Machine::default());
    let info = ipmitool(&bmc, &["sel", "info"]);
    for want in [
        "Entries          : 22",
        "Free Space       : 16032 bytes",
        "Last Add Time    : 01/15/25 15:03:20 UTC",
        "Last Del Time    : 01/15/25 08:00:00 UTC",
        "Supported Cmds   : 'Reserve' 'Get Alloc Info'",
        "# of Alloc Units : 1024",
    ] {
        assert!(
            info.lines().any(|l| l.trim_end() == want),
            "{want:?} in\n{info}"
        );
    }
    let info = ipmi_sel(&bmc, &["--info"]);
    for want in [
        "Number of log entries                  : 22",
        "Free space remaining                   : 16032 bytes",
        "Recent addition timestamp              : 01/15/2025 - 15:03:20",
        "Number of free allocation units        : 1002",
    ] {
        assert!(info.lines().any(|l| l == want), "{want:?} in\n{info}");
    }
}
