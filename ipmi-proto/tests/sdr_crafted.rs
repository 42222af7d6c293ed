//! Records no simulator here has: odd ID string encodings, wide sharing,
//! linearized and non-linear sensors, 1's complement thresholds, unknown
//! record types, and a repository of thousands of records read through a
//! BMC that needs small partial reads and loses reservations.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use ipmi_proto::codec::Codec;
use ipmi_proto::commands::sdr::{
    GetSdr, SdrChunk, SdrRepositoryInfo, SdrReservation, LAST_RECORD_ID, READ_WHOLE_RECORD,
};
use ipmi_proto::commands::sensor::SensorReading;
use ipmi_proto::sdr::{
    CompactSensorRecord, Entity, FullSensorRecord, IdString, IdStringType, RawThresholds,
    ReadPolicy, SdrReader, SdrRecord, SdrRepository, SdrRequest, SensorDef, SensorFields,
    SensorOwner, Sharing,
};
use ipmi_proto::sensor::{
    evaluate, AnalogFormat, ConversionFactors, Interpreter, Linearization, SensorState,
    SensorUnits, Threshold,
};
use ipmi_proto::CompletionCode;

fn fields(number: u8, sensor_type: u8, ertype: u8, units1: u8, base: u8) -> SensorFields {
    SensorFields {
        owner: SensorOwner::bmc(0),
        number,
        entity: Entity::new(7, 1),
        initialization: 0x7f,
        capabilities: 0x68,
        sensor_type,
        event_reading_type: ertype,
        assertion_mask: 0x0285,
        deassertion_mask: 0x0285,
        reading_mask: 0x3f3f,
        units1,
        base_unit: base,
        modifier_unit: 0,
    }
}

fn full(
    number: u8,
    name: IdString,
    format: AnalogFormat,
    lin: Linearization,
    f: ConversionFactors,
    t: RawThresholds,
) -> FullSensorRecord {
    FullSensorRecord {
        sensor: fields(number, 0x01, 0x01, format.bits() << 6, 1),
        linearization: u8::from(lin),
        factors: f,
        direction: 0,
        analog_flags: 0,
        nominal_reading: 0,
        normal_max: 0,
        normal_min: 0,
        sensor_max: 0xff,
        sensor_min: 0,
        thresholds: t,
        hysteresis_positive: 1,
        hysteresis_negative: 1,
        reserved: [0; 2],
        oem: 0,
        id: name,
    }
}

fn compact(number: u8, name: &str, sharing: Sharing) -> CompactSensorRecord {
    CompactSensorRecord {
        sensor: SensorFields {
            reading_mask: 0x07ff,
            ..fields(number, 0x0c, 0x6f, 0xc0, 0)
        },
        sharing,
        hysteresis_positive: 0,
        hysteresis_negative: 0,
        reserved: [0; 3],
        oem: 0,
        id: IdString::latin1(name),
    }
}

fn reading(raw: u8, state: u8) -> SensorReading {
    SensorReading {
        raw,
        event_messages_enabled: true,
        scanning_enabled: true,
        unavailable: false,
        state: Some(state),
        state_high: Some(0),
    }
}

fn no_factors(_: u8) -> Option<ConversionFactors> {
    None
}

#[test]
fn id_string_encodings() {
    let cases: Vec<(IdString, &str)> = vec![
        // Eleven characters: the last group of three packs into three bytes,
        // which hold four characters, the fourth the padding space.
        (IdString::six_bit("SYS FAN-4/A"), "SYS FAN-4/A "),
        (
            IdString {
                kind: IdStringType::BcdPlus,
                bytes: vec![0x12, 0xa3, 0xb4],
            },
            "12 3-4",
        ),
        (
            IdString {
                kind: IdStringType::Latin1,
                bytes: b"PSU 1\0\0\0\0\0\0\0".to_vec(),
            },
            "PSU 1",
        ),
        (
            IdString {
                kind: IdStringType::Unicode,
                bytes: b"CPU0 Temp   ".to_vec(),
            },
            // FreeIPMI keeps the bytes: trailing spaces stay.
            "CPU0 Temp   ",
        ),
        (
            IdString::latin1("Temp \u{b0}C \u{b5}"),
            "Temp \u{b0}C \u{b5}",
        ),
    ];
    for (i, (id, want)) in cases.into_iter().enumerate() {
        let rec = SdrRecord::Full(full(
            u8::try_from(i).unwrap(),
            id,
            AnalogFormat::Unsigned,
            Linearization::Linear,
            ConversionFactors::default(),
            RawThresholds::default(),
        ));
        let raw = rec.to_bytes(u16::try_from(i).unwrap() + 1);
        let (_, back) = SdrRecord::parse_raw(&raw).unwrap();
        assert_eq!(back.name(), want);
        // A length byte that promises more than the record holds.
        let mut cut = raw.clone();
        let last = cut.len() - 1;
        cut.truncate(last);
        cut[4] -= 1;
        let (_, short) = SdrRecord::parse_raw(&cut).unwrap();
        assert!(
            want.starts_with(short.name().trim_end()),
            "{want:?} vs {:?}",
            short.name()
        );
    }
}

#[test]
fn wide_sharing_alpha_and_numeric() {
    let alpha = SdrRecord::Compact(compact(0x80, "Slot", Sharing::shared(15, true, 20, true)));
    let defs = SensorDef::from_record(9, &alpha);
    let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names.len(), 15);
    assert_eq!(names[0], "Slot U");
    assert_eq!(names[5], "Slot Z");
    assert_eq!(names[6], "Slot AA");
    assert_eq!(names[14], "Slot AI");
    assert_eq!(defs[14].number, 0x8e);
    assert_eq!(defs[14].entity.instance, 15);
    let numeric = SdrRecord::Compact(compact(0xf8, "CPU", Sharing::shared(3, false, 0, false)));
    let defs = SensorDef::from_record(10, &numeric);
    let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["CPU 0", "CPU 1", "CPU 2"]);
    assert!(defs.iter().all(|d| d.entity.instance == 1));
    // Share counts 0 and 1 both mean one sensor named by its ID alone.
    for count in [0, 1] {
        let r = SdrRecord::Compact(compact(1, "Single", Sharing::shared(count, false, 5, true)));
        let d = SensorDef::from_record(1, &r);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].name, "Single");
    }
}

#[test]
fn ones_complement_thresholds_and_states() {
    let fmt = AnalogFormat::OnesComplement;
    let raw = |v: i16| fmt.encode(v).unwrap();
    let t = RawThresholds {
        lc: raw(-40),
        lnc: raw(-30),
        unc: raw(5),
        uc: raw(10),
        ..RawThresholds::default()
    };
    let mut rec = full(
        6,
        IdString::latin1("Delta"),
        fmt,
        Linearization::Linear,
        ConversionFactors::default(),
        t,
    );
    rec.sensor.reading_mask = 0x1b1b;
    let def = SensorDef::from_full(7, &rec);
    let values = def.threshold_values();
    assert_eq!(values[&Threshold::LowerCritical], -40.0);
    assert_eq!(values[&Threshold::UpperCritical], 10.0);
    // -35 is at or below LNC: Nominal in FreeIPMI's defaults.
    let r = evaluate(
        &def,
        Ok(&reading(raw(-35), 0x01)),
        None,
        &no_factors,
        &Interpreter::default(),
    );
    assert_eq!(r.reading, Some(-35.0));
    assert_eq!(r.state, Some(SensorState::Nominal));
    // -45 is at or below LC.
    let r = evaluate(
        &def,
        Ok(&reading(raw(-45), 0x03)),
        None,
        &no_factors,
        &Interpreter::default(),
    );
    assert_eq!(r.reading, Some(-45.0));
    assert_eq!(r.state, Some(SensorState::Critical));
}

#[test]
fn linearized_and_non_linear_sensors() {
    // 1/x: y = 1 / (10 x · 10^-3).
    let inv = full(
        8,
        IdString::latin1("Inverse"),
        AnalogFormat::Unsigned,
        Linearization::OneOverX,
        ConversionFactors::new(10, 0, 0, -3),
        RawThresholds::default(),
    );
    let def = SensorDef::from_full(8, &inv);
    let r = evaluate(
        &def,
        Ok(&reading(50, 0)),
        None,
        &no_factors,
        &Interpreter::default(),
    );
    assert!((r.reading.unwrap() - 2.0).abs() < 1e-12);
    let r = evaluate(
        &def,
        Ok(&reading(0, 0)),
        None,
        &no_factors,
        &Interpreter::default(),
    );
    assert_eq!(r.reading, None, "1/0 has no value");
    // sqrt and log10.
    for (lin, raw, want) in [
        (Linearization::Sqrt, 49, 7.0),
        (Linearization::Log10, 100, 2.0),
    ] {
        let rec = full(
            9,
            IdString::latin1("L"),
            AnalogFormat::Unsigned,
            lin,
            ConversionFactors::new(1, 0, 0, 0),
            RawThresholds::default(),
        );
        let d = SensorDef::from_full(9, &rec);
        let r = evaluate(
            &d,
            Ok(&reading(raw, 0)),
            None,
            &no_factors,
            &Interpreter::default(),
        );
        assert!((r.reading.unwrap() - want).abs() < 1e-12, "{lin:?}");
    }
    // Non-linear: no value without the reading's factors; with them, the
    // linear formula; thresholds with the factors of their raw values.
    let mut nl = full(
        10,
        IdString::latin1("PSU Power"),
        AnalogFormat::Unsigned,
        Linearization::NonLinear(0x70),
        ConversionFactors::default(),
        RawThresholds {
            uc: 200,
            ..RawThresholds::default()
        },
    );
    nl.sensor.reading_mask = 0x1010;
    nl.sensor.base_unit = 6;
    let d = SensorDef::from_full(10, &nl);
    assert_eq!(d.unit_string().as_deref(), Some("W"));
    let r = evaluate(
        &d,
        Ok(&reading(100, 0)),
        None,
        &no_factors,
        &Interpreter::default(),
    );
    assert_eq!(r.reading, None);
    assert!(r.thresholds.is_empty());
    let f = ConversionFactors::new(3, 0, 0, 0);
    let hi = ConversionFactors::new(5, -256, 0, 0);
    let tf = |raw: u8| (raw == 200).then_some(hi);
    let r = evaluate(
        &d,
        Ok(&reading(100, 0)),
        Some(&f),
        &tf,
        &Interpreter::default(),
    );
    assert_eq!(r.reading, Some(300.0));
    assert_eq!(r.thresholds[&Threshold::UpperCritical], 744.0);
}

#[test]
fn units_with_rates_and_modifiers() {
    let mut rec = full(
        11,
        IdString::latin1("Energy"),
        AnalogFormat::Unsigned,
        Linearization::Linear,
        ConversionFactors::default(),
        RawThresholds::default(),
    );
    rec.sensor.units1 = SensorUnits::from_bytes(0x02, 6, 24).units1_low_bits();
    rec.sensor.base_unit = 6;
    rec.sensor.modifier_unit = 24;
    let d = SensorDef::from_full(11, &rec);
    assert_eq!(d.unit_string().as_deref(), Some("W / hr"));
    rec.sensor.units1 = (4 << 3) | 0x01;
    rec.sensor.base_unit = 18;
    let d = SensorDef::from_full(11, &rec);
    assert_eq!(d.unit_string().as_deref(), Some("% RPM"));
}

/// A BMC with thousands of records, 20-byte reads at most, CAh past a
/// record's end, and another requester reserving the repository now and
/// then.
struct BigBmc {
    records: Vec<Vec<u8>>,
    reservation: u16,
    requests: usize,
}

fn serve(bmc: &mut BigBmc, req: SdrRequest) -> (CompletionCode, Vec<u8>) {
    bmc.requests += 1;
    if bmc.requests.checked_rem(997) == Some(0) {
        // Someone else reserved the repository.
        bmc.reservation = bmc.reservation.wrapping_add(1);
    }
    match req {
        SdrRequest::Info(_) => (
            CompletionCode::Ok,
            SdrRepositoryInfo {
                sdr_version: 0x51,
                record_count: u16::try_from(bmc.records.len()).unwrap_or(u16::MAX),
                free_space: 0,
                most_recent_addition: 1,
                most_recent_erase: 2,
                operation_support: 0x02,
            }
            .to_bytes(),
        ),
        SdrRequest::Reserve(_) => {
            bmc.reservation = bmc.reservation.wrapping_add(1);
            (
                CompletionCode::Ok,
                SdrReservation {
                    reservation_id: bmc.reservation,
                }
                .to_bytes(),
            )
        }
        SdrRequest::Get(g) => get(bmc, g),
    }
}

fn record_id(r: &[u8]) -> u16 {
    u16::from_le_bytes([
        r.first().copied().unwrap_or(0),
        r.get(1).copied().unwrap_or(0),
    ])
}

fn get(bmc: &BigBmc, g: GetSdr) -> (CompletionCode, Vec<u8>) {
    let found = if g.record_id == 0 {
        Some(0)
    } else {
        bmc.records.iter().position(|r| record_id(r) == g.record_id)
    };
    let Some((idx, rec)) = found.and_then(|i| Some((i, bmc.records.get(i)?))) else {
        return (CompletionCode::NotPresent, vec![]);
    };
    if g.offset != 0 && g.reservation_id != bmc.reservation {
        return (CompletionCode::ReservationCancelled, vec![]);
    }
    if g.bytes_to_read == READ_WHOLE_RECORD || g.bytes_to_read > 20 {
        return (CompletionCode::CannotReturnRequestedBytes, vec![]);
    }
    let start = usize::from(g.offset);
    let end = start + usize::from(g.bytes_to_read);
    let Some(data) = rec.get(start..end) else {
        return (CompletionCode::CannotReturnRequestedBytes, vec![]);
    };
    let next = bmc
        .records
        .get(idx + 1)
        .map_or(LAST_RECORD_ID, |r| record_id(r));
    (
        CompletionCode::Ok,
        SdrChunk {
            next_record_id: next,
            data: data.to_vec(),
        }
        .to_bytes(),
    )
}

#[test]
fn big_repository_with_small_reads_and_lost_reservations() {
    let mut records = Vec::new();
    for i in 0..3000u16 {
        // Sparse 16-bit IDs (0100h, 010Eh, …, A3F2h).
        let id = 0x0100 + 14 * i;
        let rec = match i % 5 {
            0 => SdrRecord::Compact(compact(
                (i % 250) as u8,
                &format!("DIMM{i}"),
                Sharing::shared(4, false, 1, true),
            )),
            1 => SdrRecord::Unknown {
                record_type: 0x08,
                bytes: vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
            },
            _ => SdrRecord::Full(full(
                (i % 250) as u8,
                IdString::latin1(&format!("Sensor {i:04}")),
                AnalogFormat::Unsigned,
                Linearization::Linear,
                ConversionFactors::new(2, 0, 0, -1),
                RawThresholds::default(),
            )),
        };
        records.push(rec.to_bytes(id));
    }
    let mut bmc = BigBmc {
        records: records.clone(),
        reservation: 1,
        requests: 0,
    };
    let mut reader = SdrReader::new(ReadPolicy::default());
    while let Some(req) = reader.next_request() {
        let (cc, data) = serve(&mut bmc, req);
        reader.handle_response(cc, &data).unwrap();
    }
    let stats = reader.stats();
    let repo: SdrRepository = reader.finish().unwrap();
    assert_eq!(repo.records().len(), 3000);
    assert_eq!(repo.to_dump(), records.concat());
    assert_eq!(repo.sensors().len(), 600 * 4 + 1800);
    assert!(stats.cancelled >= 1, "reservations were lost and renewed");
    // Whole-record reads refused at once: 16-byte chunks, never grown.
    // Every record costs ceil(len / 16) reads (plus a header probe for
    // records shorter than 16 bytes), plus the few renewals.
    assert_eq!(repo.policy().chunk_size, 16);
    let bytes: usize = records.iter().map(Vec::len).sum();
    let ideal = records.iter().map(|r| r.len().div_ceil(16)).sum::<usize>();
    assert!(
        bmc.requests <= ideal + 3000 / 5 + 50,
        "{} requests for {bytes} bytes (ideal {ideal})",
        bmc.requests
    );
}
