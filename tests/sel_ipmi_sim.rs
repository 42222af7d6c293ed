//! The SEL of the project's simulator (`tests/sim`, OpenIPMI `ipmi_sim`):
//! every entry read by `ops::sel` is checked against the designed ground
//! truth `tests/sim/expected/sel.json`, and our ipmitool- and
//! FreeIPMI-style texts against what ipmitool 1.8.19 and FreeIPMI 1.6.10
//! printed for the same log (`expected/ipmitool-sel-elist.txt`,
//! `expected/freeipmi-ipmi-sel.txt`), with sensor names and conversions
//! from `expected/sensors.json`. Then incremental reads after Add SEL
//! Entry.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;

use ipmi_proto::client::{Client, ClientOptions, Credentials};
use ipmi_proto::commands::sel::AddSelEntry;
use ipmi_proto::ops::sel::{read_info, SelReader};
use ipmi_proto::sel::{LinearConversion, SelRecord, SensorTable, StaticSensor};
use ipmi_test_support::{sim_dir, Simulator, ADMIN_PASSWORD, ADMIN_USER};
use serde_json::Value;

fn expected(name: &str) -> String {
    fs::read_to_string(sim_dir().join("expected").join(name)).unwrap()
}

/// The simulator's sensors as a lookup table (names, linear conversions,
/// units as FreeIPMI and ipmitool print them).
fn sensors() -> SensorTable {
    let doc: Value = serde_json::from_str(&expected("sensors.json")).unwrap();
    let mut table = SensorTable::default();
    for s in doc["sensors"].as_array().unwrap() {
        let (unit, ipmitool_unit) = match s["unit"].as_str() {
            Some("degrees_C") => ("C", "degrees C"),
            Some("Volts") => ("V", "Volts"),
            Some("Amps") => ("A", "Amps"),
            Some("Watts") => ("W", "Watts"),
            Some("RPM") => ("RPM", "RPM"),
            _ => ("", ""),
        };
        let conversion = s["m"].as_i64().map(|m| LinearConversion {
            m: m as i16,
            b: s["b"].as_i64().unwrap() as i16,
            b_exp: s["b_exp"].as_i64().unwrap() as i8,
            r_exp: s["r_exp"].as_i64().unwrap() as i8,
            analog_format: match s["analog_format"].as_str() {
                Some("unsigned") => 0,
                Some("1s_complement") => 1,
                Some("2s_complement") => 2,
                _ => 3,
            },
        });
        table.sensors.push(StaticSensor {
            owner: s["owner_id"].as_u64().unwrap() as u8,
            lun: s["lun"].as_u64().unwrap() as u8,
            number: s["number"].as_u64().unwrap() as u8,
            name: s["name"].as_str().unwrap().to_string(),
            conversion,
            unit: unit.into(),
            ipmitool_unit: ipmitool_unit.into(),
        });
    }
    table
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn connect(sim: &Simulator) -> Client {
    let options = ClientOptions {
        cipher_suite: Some(3),
        ..ClientOptions::default()
    };
    Client::connect(
        &sim.target(),
        Credentials::new(ADMIN_USER, ADMIN_PASSWORD.as_bytes()).unwrap(),
        options,
    )
    .await
    .unwrap()
}

#[test]
fn every_entry_matches_the_ground_truth_and_the_tools() {
    let sim = Simulator::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (update, info) = rt.block_on(async {
        let client = connect(&sim).await;
        let mut reader = SelReader::new();
        let update = reader.read_new(&client).await.unwrap();
        let info = read_info(&client).await.unwrap();
        client.close().await;
        (update, info)
    });
    let truth: Value = serde_json::from_str(&expected("sel.json")).unwrap();
    let entries = truth["entries"].as_array().unwrap();
    assert_eq!(update.records.len(), entries.len());
    assert_eq!(usize::from(info.entries), entries.len());
    assert_eq!(
        u64::from(info.last_add.0),
        truth["last_add_time"].as_u64().unwrap()
    );
    assert_eq!(
        u64::from(info.last_erase.0),
        truth["last_erase_time"].as_u64().unwrap()
    );
    assert_eq!((update.stats.get_entry, update.stats.reserve), (25, 0));
    for (r, e) in update.records.iter().zip(entries) {
        let bytes = hex::decode(e["bytes"].as_str().unwrap().replace(' ', "")).unwrap();
        assert_eq!(r.raw().to_vec(), bytes, "record {}", r.record_id);
        assert_eq!(u64::from(r.record_id), e["record_id"].as_u64().unwrap());
        assert_eq!(u64::from(r.record_type), e["record_type"].as_u64().unwrap());
        assert_eq!(
            r.timestamp().map(|t| u64::from(t.0)),
            e["timestamp"].as_u64()
        );
        assert_eq!(
            r.timestamp().and_then(|t| t.unix_seconds()).is_some(),
            !e["timestamp_utc"].is_null()
        );
    }

    let table = sensors();
    // FreeIPMI: every column as captured. FreeIPMI names the shared
    // compact record "Riser A/B" by its first instance.
    let captured = expected("freeipmi-ipmi-sel.txt");
    for (r, line) in update.records.iter().zip(captured.lines().skip(1)) {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let ours = r.freeipmi(&table);
        assert_eq!(cols[0], ours.id.to_string());
        assert_eq!(
            (cols[1], cols[2]),
            (ours.date.as_str(), ours.time.as_str()),
            "{line}"
        );
        if cols[3] == "Riser A" {
            assert_eq!(ours.name, "Riser B");
        } else {
            assert_eq!(cols[3], ours.name, "{line}");
        }
        assert_eq!(cols[4], ours.sensor_type, "{line}");
        assert_eq!(cols[5], ours.event, "{line}");
    }

    // ipmitool: whole lines, blanks normalised. ipmitool cannot name
    // sensors of shared compact records ("#0xd2"), and decodes Dell OEM
    // event data in parentheses; we print the name and the standard text.
    let captured = expected("ipmitool-sel-elist.txt");
    for (r, line) in update.records.iter().zip(captured.lines()) {
        let ours = norm(&r.ipmitool_elist_line(&table));
        let theirs = norm(line);
        if theirs == ours {
            continue;
        }
        let theirs = theirs.replace(" (PCI PERR |PCI bus:18 device:00 function:0)", "");
        if theirs == ours {
            continue;
        }
        let e = r.event().unwrap();
        let numbered = format!("#{:#04x}", e.sensor_number);
        let name = table
            .sensors
            .iter()
            .find(|s| s.number == e.sensor_number)
            .unwrap_or_else(|| {
                panic!("record {}: ours {ours:?}, ipmitool {theirs:?}", r.record_id)
            });
        assert_eq!(
            theirs.replace(&numbered, &name.name),
            ours,
            "record {}",
            r.record_id
        );
    }
}

#[test]
fn incremental_reads_after_add_sel_entry() {
    let sim = Simulator::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = connect(&sim).await;
        let mut reader = SelReader::new();
        let first = reader.read_new(&client).await.unwrap();
        assert_eq!(first.records.len(), 25);
        let again = reader.read_new(&client).await.unwrap();
        assert!(again.records.is_empty() && !again.reset);
        assert_eq!((again.stats.get_info, again.stats.get_entry), (1, 0));
        let mut added = Vec::new();
        for i in 0..3u8 {
            let record = [
                0,
                0,
                0x02,
                0,
                0,
                0,
                0,
                0x20,
                0x00,
                0x04,
                0x04,
                0x30 + i,
                0x01,
                0x52,
                0x02,
                0x05,
            ];
            added.push(
                client
                    .execute(&AddSelEntry { record })
                    .await
                    .unwrap()
                    .record_id,
            );
        }
        let before = client.stats().await.requests;
        let new = reader.read_new(&client).await.unwrap();
        assert_eq!(client.stats().await.requests - before, 5);
        assert!(!new.reset);
        assert_eq!((new.stats.get_info, new.stats.get_entry), (1, 4));
        let ids: Vec<u16> = new
            .records
            .iter()
            .map(|r: &SelRecord| r.record_id)
            .collect();
        assert_eq!(ids, added);
        // Added at run time: stamped with the SEL clock the harness set to now.
        assert!(new
            .records
            .iter()
            .all(|r| r.timestamp().unwrap().unix_seconds().is_some()));
        client.close().await;
    });
}
