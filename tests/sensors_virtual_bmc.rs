//! Our client against the virtual BMC's SDR repository and sensors
//! (`ipmi_proto::bmc::sensors::SensorModel`): the default machine sensor
//! by sensor, the same machine behind small partial reads, non-linear
//! factors cached per raw value, revalidation when the repository changes,
//! and a big shared-record repository.

use std::net::SocketAddr;

use ipmi_proto::bmc::sensors::{discrete_record, threshold_record, SensorModel, SimSensor};
use ipmi_proto::bmc::server::Server;
use ipmi_proto::bmc::Machine;
use ipmi_proto::client::{Client, ClientOptions, Credentials};
use ipmi_proto::ops::{sdr, sensors};
use ipmi_proto::sdr::{Entity, ReadPolicy, SdrReader, SdrRecord, SensorKind, Sharing};
use ipmi_proto::sensor::{
    AnalogFormat, ConversionFactors, Interpreter, Linearization, SensorReport, SensorState,
    SensorUnits, Threshold, Unavailable,
};
use ipmi_proto::CompletionCode;

async fn serve(model: SensorModel) -> (SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>) {
    let machine = Machine {
        sensors: model,
        ..Machine::default()
    };
    let any: SocketAddr = "127.0.0.1:0".parse().expect("address");
    let server = Server::bind(any, machine).await.expect("bind");
    let addr = server.local_addr().expect("address");
    (addr, server.spawn())
}

async fn connect(addr: SocketAddr) -> Client {
    let creds = Credentials::new("admin", b"password").expect("credentials");
    Client::connect(&addr.to_string(), creds, ClientOptions::default())
        .await
        .expect("session")
}

async fn read_everything(client: &Client) -> (ipmi_proto::sdr::SdrRepository, Vec<SensorReport>) {
    let repo = sdr::read_repository(client, ReadPolicy::default())
        .await
        .expect("SDR");
    let mut f = sensors::FactorsCache::default();
    let reports = sensors::read_all(client, &repo, &mut f, &Interpreter::default())
        .await
        .expect("sensors");
    (repo, reports)
}

/// A sensor of the default machine: name, reading, unit, state.
type Truth = (
    &'static str,
    Option<f64>,
    Option<&'static str>,
    Option<SensorState>,
);

/// The default machine's sensors.
fn truth() -> Vec<Truth> {
    use SensorState::{Critical, Nominal, Warning};
    vec![
        ("CPU1 Temp", Some(45.0), Some("C"), Some(Nominal)),
        ("CPU2 Temp", Some(88.0), Some("C"), Some(Nominal)),
        ("Inlet Temp", Some(-3.0), Some("C"), Some(Nominal)),
        ("Exh-Inlet Delta", Some(-16.0), Some("C"), Some(Nominal)),
        (
            "PCH \u{b5}Temp/Zone-2",
            Some(51.0),
            Some("C"),
            Some(Nominal),
        ),
        ("NIC Temp", Some(49.0), Some("C"), Some(Nominal)),
        ("FAN1", Some(8800.0), Some("RPM"), Some(Nominal)),
        ("FAN2", Some(400.0), Some("RPM"), Some(Critical)),
        ("FAN3", None, Some("RPM"), None),
        ("FAN4", None, Some("RPM"), None),
        ("Fan Duty", Some(45.0), Some("%"), Some(Nominal)),
        ("12V", Some(12.036), Some("V"), Some(Nominal)),
        ("VBAT", Some(2.996), Some("V"), Some(Nominal)),
        ("PSU1 Current", Some(1.4), Some("A"), Some(Nominal)),
        ("PSU1 Power", Some(300.0), Some("W"), Some(Nominal)),
        ("DIMM 1", None, None, Some(Nominal)),
        ("DIMM 2", None, None, Some(Nominal)),
        ("DIMM 3", None, None, Some(Warning)),
        ("DIMM 4", None, None, Some(Nominal)),
        ("Drive A", None, None, Some(Nominal)),
        ("Drive B", None, None, Some(Critical)),
        ("PS1 Status", None, None, Some(Nominal)),
        ("PS2 Status", None, None, Some(Critical)),
        ("PS Redundancy", None, None, Some(Critical)),
        ("Intrusion", None, None, Some(Nominal)),
        ("OS Watchdog", None, None, None),
    ]
}

fn assert_truth(reports: &[SensorReport]) {
    let want = truth();
    let names: Vec<&str> = reports.iter().map(|r| r.name.as_str()).collect();
    let want_names: Vec<&str> = want.iter().map(|w| w.0).collect();
    assert_eq!(names, want_names);
    for (r, (name, reading, unit, state)) in reports.iter().zip(want) {
        match (r.reading, reading) {
            (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{name}: {a}"),
            (a, b) => assert_eq!(a, b, "{name}"),
        }
        assert_eq!(r.unit.as_deref(), unit, "{name}");
        assert_eq!(r.state, state, "{name}");
    }
}

#[tokio::test]
async fn default_machine_sensor_by_sensor() {
    let (addr, task) = serve(SensorModel::default()).await;
    let client = connect(addr).await;
    let (repo, reports) = read_everything(&client).await;
    assert_eq!(repo.records().len(), 25);
    assert_eq!(repo.policy().whole_record, Some(true));
    assert_truth(&reports);
    let get = |n: &str| reports.iter().find(|r| r.name == n).expect(n);
    assert_eq!(get("NIC Temp").lun, 1);
    assert_eq!(
        get("NIC Temp").sensor_number,
        get("CPU1 Temp").sensor_number
    );
    assert_eq!(get("FAN3").unavailable, Some(Unavailable::ScanningDisabled));
    assert_eq!(
        get("FAN4").unavailable,
        Some(Unavailable::NotPresent(CompletionCode::NotPresent))
    );
    assert_eq!(get("OS Watchdog").unavailable, Some(Unavailable::EventOnly));
    assert_eq!(get("VBAT").event_bitmask, Some(0), "2-byte answer: state 0");
    assert_eq!(get("CPU2 Temp").crossed, [Threshold::UpperNonCritical]);
    assert_eq!(get("PS Redundancy").asserted, ["Redundancy Lost"]);
    assert_eq!(
        get("DIMM 3").asserted,
        [
            "Correctable memory error logging limit reached",
            "Presence detected"
        ]
    );
    assert_eq!(get("Drive B").entity_instance, 2);
    assert_eq!(
        get("Inlet Temp").thresholds[&Threshold::LowerCritical],
        -10.0
    );
    assert_eq!(
        get("Exh-Inlet Delta").thresholds[&Threshold::LowerCritical],
        -40.0
    );
    client.close().await;
    task.abort();
}

#[tokio::test]
async fn small_partial_reads_and_garbage() {
    let mut model = SensorModel::default();
    model.max_read = Some(16);
    model.whole_record_garbage = 6;
    let dump = model.dump();
    let (addr, task) = serve(model).await;
    let client = connect(addr).await;
    let before = client.stats().await.requests;
    let (repo, stats) = sdr::run_reader(&client, SdrReader::new(ReadPolicy::default()))
        .await
        .expect("SDR");
    let cold = client.stats().await.requests - before;
    assert_eq!(repo.to_dump(), dump);
    assert_eq!(repo.policy().whole_record, Some(false));
    assert_eq!(repo.policy().chunk_size, 16);
    assert_eq!(stats.too_long, 1);
    // Info + one refused whole read + reserve + ceil(len / 16) per record
    // (records shorter than 16 bytes need one read).
    let per_record: u64 = repo
        .records()
        .iter()
        .map(|r| r.raw.len().div_ceil(16) as u64)
        .sum();
    assert_eq!(cold, 3 + per_record, "cold read");
    let mut f = sensors::FactorsCache::default();
    let reports = sensors::read_all(&client, &repo, &mut f, &Interpreter::default())
        .await
        .expect("sensors");
    assert_truth(&reports);
    client.close().await;
    task.abort();
}

#[tokio::test]
async fn non_linear_factors_are_cached_per_raw_value() {
    let (addr, task) = serve(SensorModel::default()).await;
    let client = connect(addr).await;
    let repo = sdr::read_repository(&client, ReadPolicy::default())
        .await
        .expect("SDR");
    let readable = repo
        .sensors()
        .iter()
        .filter(|d| d.kind() != SensorKind::EventOnly)
        .count() as u64;
    assert_eq!(readable, 25);
    let interp = Interpreter::default();
    let mut f = sensors::FactorsCache::default();
    let before = client.stats().await.requests;
    let first = sensors::read_all(&client, &repo, &mut f, &interp)
        .await
        .expect("read");
    // One Get Sensor Reading Factors for the new raw value.
    assert_eq!(client.stats().await.requests - before, readable + 1);
    assert_eq!(f.len(), 1);
    for _ in 0..2 {
        let before = client.stats().await.requests;
        let again = sensors::read_all(&client, &repo, &mut f, &interp)
            .await
            .expect("read");
        assert_eq!(
            client.stats().await.requests - before,
            readable,
            "warm read"
        );
        assert_eq!(again, first);
    }
    // Thresholds of the non-linear sensor need the factors of their raw values.
    let power = repo
        .sensors()
        .iter()
        .find(|d| d.name == "PSU1 Power")
        .expect("power");
    let r = sensors::read_sensor(&client, power, &mut f, &interp)
        .await
        .expect("read");
    assert!(r.thresholds.is_empty());
    sensors::prefetch_threshold_factors(&client, power, &mut f)
        .await
        .expect("factors");
    let r = sensors::read_sensor(&client, power, &mut f, &interp)
        .await
        .expect("read");
    assert_eq!(r.thresholds[&Threshold::UpperNonCritical], 644.0);
    assert_eq!(r.thresholds[&Threshold::UpperCritical], 744.0);
    // Get Sensor Thresholds agrees with the SDR on a linear sensor.
    let v12 = repo
        .sensors()
        .iter()
        .find(|d| d.name == "12V")
        .expect("12V");
    let t = sensors::read_thresholds(&client, v12)
        .await
        .expect("thresholds")
        .expect("readable");
    let raw = v12.thresholds.expect("SDR thresholds");
    assert_eq!(t.get(Threshold::UpperCritical), Some(raw.uc));
    assert_eq!(t.get(Threshold::UpperNonRecoverable), None);
    client.close().await;
    task.abort();
}

#[tokio::test]
async fn revalidation_reuses_or_downloads() {
    let (addr, task) = serve(SensorModel::default()).await;
    let mut changed = SensorModel::default();
    changed.most_recent_addition = 0x7000_0000;
    let (addr2, task2) = serve(changed).await;
    let client = connect(addr).await;
    let repo = sdr::read_repository(&client, ReadPolicy::default())
        .await
        .expect("SDR");
    let before = client.stats().await.requests;
    assert!(sdr::refresh(&client, Some(&repo))
        .await
        .expect("refresh")
        .is_none());
    assert_eq!(client.stats().await.requests - before, 1);
    // A BMC whose repository has another addition timestamp: downloaded,
    // reusing the Info just fetched (Info + one Get SDR per record).
    let client2 = connect(addr2).await;
    let before = client2.stats().await.requests;
    let fresh = sdr::refresh(&client2, Some(&repo))
        .await
        .expect("refresh")
        .expect("downloaded");
    assert_eq!(
        client2.stats().await.requests - before,
        1 + fresh.records().len() as u64
    );
    assert_eq!(
        fresh.info().expect("info").most_recent_addition,
        0x7000_0000
    );
    assert_eq!(fresh.to_dump(), repo.to_dump());
    // Without a cache: a download.
    assert!(sdr::refresh(&client, None)
        .await
        .expect("refresh")
        .is_some());
    client.close().await;
    client2.close().await;
    task.abort();
    task2.abort();
}

/// 600 full records on LUNs 1–3 (sensor numbers reused per LUN) and 8
/// shared compact records of 15 sensors each on LUN 0: 720 sensors, record
/// IDs up to 608, read in 20-byte chunks.
#[tokio::test]
async fn big_repository() {
    let mut model = SensorModel::empty();
    model.max_read = Some(20);
    for i in 0..600u16 {
        let lun = u8::try_from(i / 256 + 1).unwrap();
        let number = u8::try_from(i % 256).unwrap();
        model.add_sensor(
            SdrRecord::Full(threshold_record(
                lun,
                number,
                &format!("Temp {i:03}"),
                0x01,
                Entity::new(3, number % 100),
                SensorUnits::base(1),
                AnalogFormat::TwosComplement,
                Linearization::Linear,
                ConversionFactors::new(1, 0, 0, 0),
                &[(Threshold::UpperCritical, 90.0)],
            )),
            SimSensor::reading(number % 100),
        );
    }
    for j in 0..8u8 {
        model.add(SdrRecord::Compact(discrete_record(
            128 + j * 15,
            &format!("Bay{j}"),
            0x0d,
            0x6f,
            Entity::new(0x1a, 1),
            0x01ff,
            Sharing::shared(15, j % 2 == 1, 0, true),
        )));
    }
    let (addr, task) = serve(model).await;
    let client = connect(addr).await;
    let (repo, reports) = read_everything(&client).await;
    assert_eq!(repo.records().len(), 608);
    assert_eq!(reports.len(), 600 + 8 * 15);
    // The readings of 3 LUNs, sensor numbers reused across LUNs.
    for (i, r) in reports.iter().take(600).enumerate() {
        assert_eq!(usize::from(r.lun), i / 256 + 1);
        let want = f64::from(r.sensor_number % 100);
        let crit = want >= 90.0;
        assert_eq!(r.reading, Some(want), "{}", r.name);
        assert_eq!(
            r.state,
            Some(if crit {
                SensorState::Critical
            } else {
                SensorState::Nominal
            }),
            "{}",
            r.name
        );
    }
    assert!(reports.iter().any(|r| r.name == "Bay1 O"));
    assert!(reports.iter().any(|r| r.name == "Bay0 14"));
    client.close().await;
    task.abort();
}

/// The per-BMC scraper an exporter keeps: the first scrape downloads, the
/// next ones cost one Get SDR Repository Info plus one Get Sensor Reading
/// per readable sensor.
#[tokio::test]
async fn scraper_costs_one_info_plus_readings() {
    let (addr, task) = serve(SensorModel::default()).await;
    let client = connect(addr).await;
    let mut scraper = sensors::SensorScraper::default();
    let interp = Interpreter::default();
    let before = client.stats().await.requests;
    let first = scraper.scrape(&client, &interp).await.expect("scrape");
    let cold = client.stats().await.requests - before;
    let repo = scraper.repository.clone().expect("cached");
    // Info + 25 Get SDR + 25 readings + 1 factors.
    assert_eq!(cold, 1 + repo.records().len() as u64 + 25 + 1);
    assert_truth(&first);
    for _ in 0..3 {
        let before = client.stats().await.requests;
        let again = scraper.scrape(&client, &interp).await.expect("scrape");
        assert_eq!(client.stats().await.requests - before, 1 + 25);
        assert_eq!(again, first);
    }
    assert!(std::sync::Arc::ptr_eq(
        &repo,
        scraper.repository.as_ref().expect("cached")
    ));
    client.close().await;
    task.abort();
}
