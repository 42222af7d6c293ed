//! Chassis, DCMI, watchdog and FRU against the project's `ipmi_sim`
//! machine (`tests/sim`), checked against its ground truth
//! (`tests/sim/expected/fru.json`, the captured ipmitool / FreeIPMI
//! output) and with request counts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use ipmi_proto::client::{Client, ClientOptions, Credentials};
use ipmi_proto::commands::chassis::{
    ChassisControl, ChassisControlAction, GetChassisStatus, PowerRestorePolicy,
};
use ipmi_proto::commands::dcmi::{GetDcmiCapabilities, GetPowerReading};
use ipmi_proto::commands::watchdog::{GetWatchdogTimer, TimerUse};
use ipmi_proto::ops::fru::read;
use ipmi_proto::CompletionCode;
use ipmi_test_support::{SimOptions, Simulator};

fn expected_dir() -> PathBuf {
    ipmi_test_support::sim_dir().join("expected")
}

fn fru_json() -> serde_json::Value {
    let text = std::fs::read_to_string(expected_dir().join("fru.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The value after `key ... :` on the line that starts with `key`.
fn field<'a>(text: &'a str, key: &str) -> &'a str {
    text.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == key).then(|| v.trim())
        })
        .unwrap_or_else(|| panic!("no `{key}` in\n{text}"))
}

async fn connect(sim: &Simulator) -> Client {
    let creds = Credentials::new("admin", b"password").unwrap();
    Client::connect(&sim.target(), creds, ClientOptions::default())
        .await
        .unwrap()
}

async fn requests(client: &Client) -> u64 {
    client.stats().await.requests
}

#[tokio::test]
async fn chassis_status_matches_both_tools() {
    let sim = Simulator::start();
    let client = connect(&sim).await;
    let before = requests(&client).await;
    let s = client.execute(&GetChassisStatus).await.unwrap();
    assert_eq!(requests(&client).await - before, 1);

    let ipmitool =
        std::fs::read_to_string(expected_dir().join("ipmitool-chassis-status.txt")).unwrap();
    let freeipmi =
        std::fs::read_to_string(expected_dir().join("freeipmi-ipmi-chassis-status.txt")).unwrap();
    let on_off = |b: bool| if b { "on" } else { "off" };
    let active = |b: bool| if b { "active" } else { "inactive" };
    assert_eq!(field(&ipmitool, "System Power"), on_off(s.power_on));
    assert_eq!(field(&freeipmi, "System Power"), on_off(s.power_on));
    assert_eq!(
        field(&ipmitool, "Power Overload"),
        s.power_overload.to_string()
    );
    assert_eq!(field(&ipmitool, "Power Interlock"), active(s.interlock));
    assert_eq!(
        field(&ipmitool, "Main Power Fault"),
        s.power_fault.to_string()
    );
    assert_eq!(
        field(&ipmitool, "Power Control Fault"),
        s.power_control_fault.to_string()
    );
    assert_eq!(s.restore_policy, PowerRestorePolicy::AlwaysOff);
    assert_eq!(
        field(&ipmitool, "Power Restore Policy"),
        s.restore_policy.ipmitool_name()
    );
    assert_eq!(
        field(&freeipmi, "Power restore policy"),
        s.restore_policy.freeipmi_name()
    );
    assert_eq!(
        field(&ipmitool, "Last Power Event"),
        s.last_power_event.ipmitool_words().join(" ")
    );
    assert_eq!(
        field(&freeipmi, "Last Power Event"),
        s.last_power_event.freeipmi_name()
    );
    assert_eq!(field(&ipmitool, "Chassis Intrusion"), active(s.intrusion));
    assert_eq!(
        field(&ipmitool, "Front-Panel Lockout"),
        active(s.front_panel_lockout)
    );
    assert_eq!(field(&ipmitool, "Drive Fault"), s.drive_fault.to_string());
    assert_eq!(field(&freeipmi, "Drive Fault"), s.drive_fault.to_string());
    assert_eq!(
        field(&ipmitool, "Cooling/Fan Fault"),
        s.cooling_fault.to_string()
    );
    assert_eq!(
        field(&freeipmi, "Cooling/fan fault"),
        s.cooling_fault.to_string()
    );
    assert_eq!(s.identify, None);
    assert_eq!(s.front_panel, None);
    client.close().await;
}

#[tokio::test]
async fn chassis_control_powers_the_simulator_off_and_on() {
    let sim = Simulator::start_with(SimOptions {
        power_on: false,
        ..SimOptions::default()
    });
    let client = connect(&sim).await;
    assert!(!client.execute(&GetChassisStatus).await.unwrap().power_on);
    client
        .execute(&ChassisControl {
            action: ChassisControlAction::PowerUp,
        })
        .await
        .unwrap();
    assert!(sim.power_is_on());
    assert!(client.execute(&GetChassisStatus).await.unwrap().power_on);
    client
        .execute(&ChassisControl {
            action: ChassisControlAction::PowerDown,
        })
        .await
        .unwrap();
    assert!(!sim.power_is_on());
    assert!(!client.execute(&GetChassisStatus).await.unwrap().power_on);
    client.close().await;
}

#[tokio::test]
async fn watchdog_and_dcmi() {
    let sim = Simulator::start();
    let client = connect(&sim).await;
    let before = requests(&client).await;
    let w = client.execute(&GetWatchdogTimer).await.unwrap();
    assert_eq!(requests(&client).await - before, 1);
    // ipmi_sim: six zero bytes (no present countdown).
    assert_eq!(w.timer_use, TimerUse::Reserved(0));
    assert!(!w.running && w.logging_enabled());
    assert_eq!(w.timeout_action.ipmitool_name(), "No action");
    assert_eq!(w.initial_countdown, 0);
    assert_eq!(w.present_countdown, None);

    // No DCMI: C1h, after one request.
    let before = requests(&client).await;
    let err = client
        .execute(&GetPowerReading::system())
        .await
        .unwrap_err();
    assert_eq!(requests(&client).await - before, 1);
    assert_eq!(err.completion_code(), Some(CompletionCode::InvalidCommand));
    let err = client
        .execute(&GetDcmiCapabilities::new(1))
        .await
        .unwrap_err();
    assert_eq!(err.completion_code(), Some(CompletionCode::InvalidCommand));
    client.close().await;
}

#[tokio::test]
async fn fru_devices_match_ground_truth() {
    let sim = Simulator::start();
    let client = connect(&sim).await;
    let truth = fru_json();
    let frus = truth["frus"].as_array().unwrap();
    assert_eq!(frus.len(), 3);
    // 1 area info + one 32-byte read per 32 used bytes: 176, 72 and 64 bytes.
    let expected_requests = [7u32, 4, 3];
    for (dev, want_requests) in frus.iter().zip(expected_requests) {
        let id = u8::try_from(dev["fru_id"].as_u64().unwrap()).unwrap();
        let before = requests(&client).await;
        let img = read(&client, id).await.unwrap();
        assert_eq!(img.requests, want_requests, "FRU {id}");
        assert_eq!(
            requests(&client).await - before,
            u64::from(want_requests),
            "FRU {id}"
        );
        assert_eq!(
            u64::from(img.info.size),
            dev["size"].as_u64().unwrap(),
            "FRU {id}"
        );
        let want_hex: String = dev["image_hex"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .collect();
        assert_eq!(hex::encode(&img.data), want_hex, "FRU {id}");

        let fru = img.parse().unwrap();
        assert!(fru.warnings.is_empty(), "FRU {id}: {:?}", fru.warnings);
        match (&fru.chassis, dev.get("chassis")) {
            (Some(c), Some(want)) => {
                assert_eq!(u64::from(c.chassis_type.0), want["type"].as_u64().unwrap());
                assert_eq!(c.part_number.as_str(), want["part"]);
                assert_eq!(c.serial_number.as_str(), want["serial"]);
                let custom: Vec<&str> = c.custom.iter().map(|f| f.as_str()).collect();
                assert_eq!(serde_json::json!(custom), want["custom"]);
            }
            (None, None) => {}
            other => panic!("FRU {id} chassis: {other:?}"),
        }
        match (&fru.board, dev.get("board")) {
            (Some(b), Some(want)) => {
                let t = b.mfg_time.unwrap();
                assert_eq!(t.to_rfc3339(), want["mfg_time"]);
                assert_eq!(
                    u64::from(t.minutes()),
                    want["mfg_minutes_since_1996"].as_u64().unwrap()
                );
                assert_eq!(b.manufacturer.as_str(), want["manufacturer"]);
                assert_eq!(b.product_name.as_str(), want["product"]);
                assert_eq!(b.serial_number.as_str(), want["serial"]);
                assert_eq!(b.part_number.as_str(), want["part"]);
                assert_eq!(b.fru_file_id.as_str(), want["file_id"]);
                let custom: Vec<&str> = b.custom.iter().map(|f| f.as_str()).collect();
                assert_eq!(serde_json::json!(custom), want["custom"]);
            }
            (None, None) => {}
            other => panic!("FRU {id} board: {other:?}"),
        }
        match (&fru.product, dev.get("product")) {
            (Some(p), Some(want)) => {
                assert_eq!(p.manufacturer.as_str(), want["manufacturer"]);
                assert_eq!(p.name.as_str(), want["name"]);
                assert_eq!(p.part_number.as_str(), want["part"]);
                assert_eq!(p.version.as_str(), want["version"]);
                assert_eq!(p.serial_number.as_str(), want["serial"]);
                assert_eq!(p.asset_tag.as_str(), want["asset_tag"]);
                assert_eq!(p.fru_file_id.as_str(), want["file_id"]);
            }
            (None, None) => {}
            other => panic!("FRU {id} product: {other:?}"),
        }
    }
    // FRU 0's text as ipmi-fru printed it.
    let freeipmi = std::fs::read_to_string(expected_dir().join("freeipmi-ipmi-fru.txt")).unwrap();
    let fru0 = read(&client, 0).await.unwrap().parse().unwrap();
    assert_eq!(
        field(&freeipmi, "FRU Chassis Type"),
        fru0.chassis.unwrap().chassis_type.name()
    );

    // A device that does not exist: ipmi_sim answers CCh.
    let err = read(&client, 3).await.unwrap_err();
    assert_eq!(
        err.completion_code(),
        Some(CompletionCode::InvalidDataField)
    );
    client.close().await;
}
