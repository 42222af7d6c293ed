//! The library against the scripted hostile BMC (`ipmi_test_support::hostile`):
//! every way of cutting an SDR download short is an error naming the record
//! and the reason (never a shorter repository), malformed readings are
//! reported as errors per sensor, and a SEL next-ID loop is flagged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use ipmi_proto::bmc::sensors::SensorModel;
use ipmi_proto::client::{Client, ClientOptions, Credentials};
use ipmi_proto::ops::{sdr, sensors};
use ipmi_proto::sdr::{ReadPolicy, SdrRepository};
use ipmi_proto::sensor::{Interpreter, ReadingError};
use ipmi_test_support::hostile::{self, Hits};
use ipmi_test_support::VirtualBmc;

async fn connect(bmc: &VirtualBmc) -> Client {
    let creds = Credentials::new("admin", b"password").expect("credentials");
    let options = ClientOptions {
        timeout: Duration::from_millis(200),
        retries: 1,
        ..ClientOptions::default()
    };
    Client::connect(&bmc.target(), creds, options)
        .await
        .expect("session")
}

async fn download(client: &Client) -> Result<SdrRepository, sdr::SdrError> {
    sdr::read_repository(client, ReadPolicy::default()).await
}

/// The record IDs of the default machine's repository, in walk order.
fn record_ids() -> Vec<u16> {
    let dump = SensorModel::default().dump();
    SdrRepository::from_dump(None, &dump)
        .expect("dump")
        .records()
        .iter()
        .map(|r| r.record_id)
        .collect()
}

#[tokio::test]
async fn malformed_readings_are_errors_per_sensor() {
    let bmc = VirtualBmc::with_sensors(SensorModel::default());
    let client = connect(&bmc).await;
    let repo = download(&client).await.expect("SDR");
    let hits = Hits::default();
    bmc.set_hook(hostile::malformed_readings(hits.clone()));
    let mut f = sensors::FactorsCache::default();
    let reports = sensors::read_all(&client, &repo, &mut f, &Interpreter::default())
        .await
        .expect("sensors");
    assert!(hits.get() > 0, "the hook ran");
    let malformed = reports
        .iter()
        .filter(|r| matches!(r.error, Some(ReadingError::Malformed(_))))
        .count();
    assert_eq!(
        malformed as u64,
        hits.get(),
        "every rewritten answer is an error"
    );
    bmc.clear_hook();
    let reports = sensors::read_all(&client, &repo, &mut f, &Interpreter::default())
        .await
        .expect("sensors");
    assert!(reports.iter().all(|r| r.error.is_none()));
    client.close().await;
}

#[tokio::test]
async fn a_silent_command_times_out_and_the_session_survives() {
    let bmc = VirtualBmc::with_sensors(SensorModel::default());
    let client = connect(&bmc).await;
    let hits = Hits::default();
    bmc.set_hook(hostile::silent_system_info(hits.clone()));
    let err = client
        .execute(&ipmi_proto::commands::app::GetSystemInfoParameters::system_firmware_version(0))
        .await
        .expect_err("no answer");
    assert!(err.is_timeout(), "{err}");
    assert!(hits.get() >= 1);
    bmc.clear_hook();
    client
        .execute(&ipmi_proto::commands::app::GetSystemInfoParameters::system_firmware_version(0))
        .await
        .expect("answered again");
    assert!(!record_ids().is_empty());
    client.close().await;
}
