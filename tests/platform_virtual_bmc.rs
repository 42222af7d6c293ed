//! Our client against our virtual BMC's platform model
//! (`ipmi_proto::bmc::platform`): chassis status and control, DCMI,
//! watchdog and FRU reads — request counts, chunk shrinking on C8h, word
//! access, missing devices, DCMI absent or inactive.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;

use ipmi_proto::bmc::platform::{DcmiModel, FruDevice, PlatformModel};
use ipmi_proto::bmc::server::Server;
use ipmi_proto::bmc::Machine;
use ipmi_proto::client::{Client, ClientOptions, Credentials};
use ipmi_proto::commands::chassis::{ChassisControl, ChassisControlAction, GetChassisStatus};
use ipmi_proto::commands::dcmi::{
    EnhancedPowerStatisticsAttributes, GetDcmiCapabilities, GetPowerReading, PeriodUnit,
    RollingAveragePeriod, SupportedCapabilities,
};
use ipmi_proto::commands::watchdog::{GetWatchdogTimer, TimerUse};
use ipmi_proto::fru::{Fru, FruField, ProductInfo};
use ipmi_proto::ops::fru::{read, read_with, FruReadOptions};
use ipmi_proto::{CompletionCode, PrivilegeLevel};

struct Bmc {
    target: String,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Bmc {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start(platform: PlatformModel) -> Bmc {
    let machine = Machine {
        platform,
        ..Machine::default()
    };
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let server = Server::bind(any, machine).await.unwrap();
    Bmc {
        target: server.local_addr().unwrap().to_string(),
        task: server.spawn(),
    }
}

async fn connect(bmc: &Bmc, privilege: PrivilegeLevel) -> Client {
    let creds = Credentials::new("admin", b"password").unwrap();
    let options = ClientOptions {
        privilege,
        ..ClientOptions::default()
    };
    Client::connect(&bmc.target, creds, options).await.unwrap()
}

/// The client's request counter.
async fn requests(client: &Client) -> u64 {
    client.stats().await.requests
}

#[tokio::test]
async fn chassis_watchdog_dcmi_one_request_each() {
    let bmc = start(PlatformModel::default()).await;
    let client = connect(&bmc, PrivilegeLevel::User).await;
    let model = PlatformModel::default();

    let before = requests(&client).await;
    let status = client.execute(&GetChassisStatus).await.unwrap();
    assert_eq!(requests(&client).await - before, 1);
    assert_eq!(status, model.chassis);

    let before = requests(&client).await;
    let wd = client.execute(&GetWatchdogTimer).await.unwrap();
    assert_eq!(requests(&client).await - before, 1);
    assert_eq!(wd, model.watchdog);
    assert_eq!(wd.timer_use, TimerUse::SmsOs);

    let before = requests(&client).await;
    let reading = client.execute(&GetPowerReading::system()).await.unwrap();
    assert_eq!(requests(&client).await - before, 1);
    let dcmi = model.dcmi.clone().unwrap();
    assert_eq!(reading, dcmi.reading);
    assert!(reading.measurement_active);

    let caps = client.execute(&GetDcmiCapabilities::new(1)).await.unwrap();
    assert!(caps
        .parameter::<SupportedCapabilities>()
        .unwrap()
        .power_management());
    let p5: EnhancedPowerStatisticsAttributes = client
        .execute(&GetDcmiCapabilities::new(5))
        .await
        .unwrap()
        .parameter()
        .unwrap();
    assert_eq!(p5.periods, dcmi.periods);
    let hourly = client
        .execute(&GetPowerReading::enhanced(RollingAveragePeriod::new(
            PeriodUnit::Hours,
            1,
        )))
        .await
        .unwrap();
    assert_eq!(hourly.statistics_period_ms, 3_600_000);
    client.close().await;
}

#[tokio::test]
async fn chassis_control_needs_operator_and_changes_power() {
    let bmc = start(PlatformModel::default()).await;
    let user = connect(&bmc, PrivilegeLevel::User).await;
    let off = ChassisControl {
        action: ChassisControlAction::PowerDown,
    };
    let err = user.execute(&off).await.unwrap_err();
    assert_eq!(
        err.completion_code(),
        Some(CompletionCode::InsufficientPrivilege)
    );
    let operator = connect(&bmc, PrivilegeLevel::Operator).await;
    operator.execute(&off).await.unwrap();
    assert!(!user.execute(&GetChassisStatus).await.unwrap().power_on);
    operator
        .execute(&ChassisControl {
            action: ChassisControlAction::PowerUp,
        })
        .await
        .unwrap();
    let s = user.execute(&GetChassisStatus).await.unwrap();
    assert!(s.power_on && s.last_power_event.power_on_via_ipmi());
    user.close().await;
    operator.close().await;
}

#[tokio::test]
async fn dcmi_absent_or_inactive() {
    let bmc = start(PlatformModel::default().without_dcmi()).await;
    let client = connect(&bmc, PrivilegeLevel::User).await;
    let err = client
        .execute(&GetPowerReading::system())
        .await
        .unwrap_err();
    assert_eq!(err.completion_code(), Some(CompletionCode::InvalidCommand));
    client.close().await;

    let mut dcmi = DcmiModel::with_watts(412);
    dcmi.reading.measurement_active = false;
    let bmc = start(PlatformModel {
        dcmi: Some(dcmi),
        ..PlatformModel::default()
    })
    .await;
    let client = connect(&bmc, PrivilegeLevel::User).await;
    let r = client.execute(&GetPowerReading::system()).await.unwrap();
    assert!(!r.measurement_active);
    assert_eq!(r.current_watts, 412);
    client.close().await;
}

#[tokio::test]
async fn fru_reads_used_bytes_and_shrinks_chunks() {
    let model = PlatformModel::default();
    let bmc = start(model.clone()).await;
    let client = connect(&bmc, PrivilegeLevel::User).await;

    for dev in &model.frus {
        let expected = Fru::parse(&dev.image).unwrap();
        let used = ipmi_proto::fru::used_len(&dev.image, dev.image.len());
        let img = read(&client, dev.id).await.unwrap();
        assert_eq!(img.data, dev.image[..used], "FRU {}", dev.id);
        assert_eq!(img.parse().unwrap(), expected);
        // One area-info request plus one read per 32 used bytes.
        let reads = u32::try_from(used.div_ceil(32)).unwrap();
        assert_eq!(img.requests, 1 + reads, "FRU {}", dev.id);
    }
    let psu = read(&client, 1).await.unwrap().parse().unwrap();
    assert_eq!(psu.power_supply_capacities(), [800]);

    // The whole device on request.
    let whole = read_with(
        &client,
        0,
        FruReadOptions {
            whole_device: true,
            ..FruReadOptions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(whole.data, model.frus[0].image);
    assert_eq!(whole.requests, 1 + 512 / 32);

    // Missing device: CBh from the area info request.
    let err = read(&client, 9).await.unwrap_err();
    assert_eq!(err.completion_code(), Some(CompletionCode::NotPresent));
    client.close().await;
}

#[tokio::test]
async fn fru_small_reads_and_word_access() {
    let mut model = PlatformModel {
        fru_max_read: 8,
        ..PlatformModel::default()
    };
    let word = Fru {
        product: Some(ProductInfo {
            language: 25,
            manufacturer: FruField::from_text("Word Access Inc."),
            name: FruField::from_text("W-1"),
            ..ProductInfo::default()
        }),
        ..Fru::default()
    };
    let mut dev = FruDevice::from_fru(5, &word, 64);
    dev.word_access = true;
    model.frus.push(dev.clone());
    let bmc = start(model.clone()).await;
    let client = connect(&bmc, PrivilegeLevel::User).await;

    // 32 → C8h, 16 → C8h, 8 → fine, kept for the rest of the device.
    let img = read(&client, 0).await.unwrap();
    let used = ipmi_proto::fru::used_len(&model.frus[0].image, 512);
    assert_eq!(img.data, model.frus[0].image[..used]);
    assert_eq!(img.chunk, 8);
    let reads = u32::try_from(used.div_ceil(8)).unwrap();
    assert_eq!(img.requests, 1 + 2 + reads);

    // With a floor above what the BMC takes, the refusal is reported.
    let err = read_with(
        &client,
        0,
        FruReadOptions {
            min_chunk: 16,
            ..FruReadOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.completion_code(),
        Some(CompletionCode::RequestLengthLimitExceeded)
    );

    // Word access: offsets and counts in words (8 words per read here).
    let img = read(&client, 5).await.unwrap();
    assert!(img.info.word_access);
    let fru = img.parse().unwrap();
    assert_eq!(
        fru.product.unwrap().manufacturer.as_str(),
        "Word Access Inc."
    );
    let used = ipmi_proto::fru::used_len(&dev.image, 64);
    assert_eq!(img.data, dev.image[..used]);
    client.close().await;
}
