//! FRU parser and encoder tests: the FRU images of both simulators as
//! golden data, hand-broken images, and property tests.

use super::*;
use proptest::prelude::*;

/// Parses a fixture: hex bytes, `#` comment lines.
fn fixture(text: &str) -> Vec<u8> {
    let hex: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(str::chars)
        .filter(char::is_ascii_hexdigit)
        .collect();
    hex::decode(hex).unwrap()
}

fn dell_fru0() -> Vec<u8> {
    fixture(include_str!("../../tests/fixtures/fru/dell-r650-fru0.hex"))
}
fn dell_fru1() -> Vec<u8> {
    fixture(include_str!("../../tests/fixtures/fru/dell-psu-fru1.hex"))
}
fn dell_fru2() -> Vec<u8> {
    fixture(include_str!(
        "../../tests/fixtures/fru/dell-backplane-fru2.hex"
    ))
}
fn smc_fru0() -> Vec<u8> {
    fixture(include_str!(
        "../../tests/fixtures/fru/supermicro-x11dpu-fru0.hex"
    ))
}
fn smc_fru1() -> Vec<u8> {
    fixture(include_str!(
        "../../tests/fixtures/fru/supermicro-psu-fru1.hex"
    ))
}

/// The expected content of tests/sim FRU 0 (tests/sim/expected/fru.json).
fn dell_fru0_expected() -> Fru {
    Fru {
        internal_use: None,
        chassis: Some(ChassisInfo {
            chassis_type: ChassisType(23),
            part_number: FruField::from_text("0PWR650CHS"),
            serial_number: FruField::from_text("7SIM0A1"),
            custom: vec![FruField::from_text("R650-SIM")],
        }),
        board: Some(BoardInfo {
            language: 25,
            mfg_time: Some(FruTimestamp::from_minutes(14_787_975)),
            manufacturer: FruField::from_text("Dell Inc."),
            product_name: FruField::from_text("PowerEdge R650"),
            serial_number: FruField::from_text("CNFCP0042G0123"),
            part_number: FruField::from_text("0NJ5D1"),
            fru_file_id: FruField::empty(),
            custom: vec![FruField::from_text("A00")],
        }),
        product: Some(ProductInfo {
            language: 25,
            manufacturer: FruField::from_text("Dell Inc."),
            name: FruField::from_text("PowerEdge R650"),
            part_number: FruField::empty(),
            version: FruField::from_text("01"),
            serial_number: FruField::from_text("7SIM0A1"),
            asset_tag: FruField::from_text("IPMI-NATIVE-0001"),
            fru_file_id: FruField::empty(),
            custom: vec![],
        }),
        multi_records: vec![],
        warnings: vec![],
    }
}

#[test]
fn dell_fru0_golden() {
    let image = dell_fru0();
    let fru = Fru::parse(&image).unwrap();
    assert_eq!(fru, dell_fru0_expected());
    assert!(fru.checksums_ok());
    let c = fru.chassis.as_ref().unwrap();
    assert_eq!(c.chassis_type.name(), "Rack Mount Chassis");
    assert_eq!(c.chassis_type.ipmitool_name(), "Rack Mount Chassis");
    assert_eq!(fru.chassis_type_name(), Some("Rack Mount Chassis"));
    let b = fru.board.as_ref().unwrap();
    assert_eq!(b.mfg_time.unwrap().to_rfc3339(), "2024-02-12T10:15:00Z");
    // The encoder rebuilds the simulator's image byte for byte.
    assert_eq!(encode(&fru), image);
    // Only the 176 used bytes of the 512-byte device are needed.
    assert_eq!(used_len(&image, 512), 176);
    // Header only: up to each area's length byte; then the areas.
    assert_eq!(used_len(&image[..8], 512), 114);
    assert_eq!(used_len(&image[..114], 512), 176);
    assert_eq!(used_len(&[], 512), 8);
    assert_eq!(used_len(&image, 100), 100);
}

#[test]
fn dell_psu_and_backplane_golden() {
    let psu = Fru::parse(&dell_fru1()).unwrap();
    assert!(psu.warnings.is_empty(), "{:?}", psu.warnings);
    assert!(psu.chassis.is_none() && psu.board.is_none());
    let p = psu.product.as_ref().unwrap();
    assert_eq!(p.manufacturer.as_str(), "DELL");
    assert_eq!(p.name.as_str(), "PWR SPLY,800W,RDNT,LTON");
    assert_eq!(p.part_number.as_str(), "0TMRK1");
    assert_eq!(p.version.as_str(), "A01");
    assert_eq!(p.serial_number.as_str(), "CNLOD0012345678");
    assert!(p.asset_tag.is_empty() && p.fru_file_id.is_empty());
    assert_eq!(encode(&psu), dell_fru1());

    let bp = Fru::parse(&dell_fru2()).unwrap();
    assert!(bp.warnings.is_empty(), "{:?}", bp.warnings);
    let b = bp.board.as_ref().unwrap();
    assert_eq!(b.mfg_time.unwrap().to_rfc3339(), "2023-11-30T22:00:00Z");
    assert_eq!(b.manufacturer.as_str(), "Dell Inc.");
    assert_eq!(b.product_name.as_str(), "BP 8x2.5 SAS");
    assert_eq!(b.serial_number.as_str(), "CN0JN0H1A00123");
    assert_eq!(b.part_number.as_str(), "0J0NH1");
    assert!(b.custom.is_empty());
    assert_eq!(encode(&bp), dell_fru2());
}

#[test]
fn supermicro_reference_golden() {
    // The fields ipmitool and FreeIPMI print for the bmc-sim reference machine.
    let fru = Fru::parse(&smc_fru0()).unwrap();
    assert!(fru.warnings.is_empty(), "{:?}", fru.warnings);
    let c = fru.chassis.as_ref().unwrap();
    assert_eq!(c.chassis_type.name(), "Rack Mount Chassis");
    assert_eq!(c.part_number.as_str(), "CSE-829UTS-R1K62P");
    assert_eq!(c.serial_number.as_str(), "C8290LH01AB0001");
    assert!(c.custom.is_empty());
    let b = fru.board.as_ref().unwrap();
    // "Mon Nov 20 09:30:00 2023 UTC" / "11/20/23 - 09:30:00".
    assert_eq!(b.mfg_time.unwrap().to_rfc3339(), "2023-11-20T09:30:00Z");
    assert_eq!(b.mfg_time.unwrap().civil().weekday_name(), "Mon");
    assert_eq!(b.language, 0);
    assert_eq!(b.manufacturer.as_str(), "Supermicro");
    assert_eq!(b.product_name.as_str(), "X11DPU");
    assert_eq!(b.serial_number.as_str(), "ZM23AS000123");
    assert_eq!(b.part_number.as_str(), "X11DPU");
    let p = fru.product.as_ref().unwrap();
    assert_eq!(p.manufacturer.as_str(), "Supermicro");
    assert_eq!(p.name.as_str(), "SYS-6029U-TR4");
    assert_eq!(p.part_number.as_str(), "SYS-6029U-TR4");
    assert_eq!(p.version.as_str(), "0123456789");
    assert_eq!(p.serial_number.as_str(), "S41234567890123");
    assert_eq!(p.asset_tag.as_str(), "ASSET-0001");
    assert_eq!(encode(&fru), smc_fru0());

    let psu = Fru::parse(&smc_fru1()).unwrap();
    assert!(psu.warnings.is_empty(), "{:?}", psu.warnings);
    let p = psu.product.as_ref().unwrap();
    assert_eq!(p.manufacturer.as_str(), "SUPERMICRO");
    assert_eq!(p.name.as_str(), "PWS-1K62A-1R");
    assert_eq!(p.version.as_str(), "REV1.2");
    assert_eq!(p.serial_number.as_str(), "P1K62AJ23A1234");
    assert_eq!(encode(&psu), smc_fru1());
}

#[test]
fn header_errors() {
    assert_eq!(Fru::parse(&[]), Err(FruError::TooShort { len: 0 }));
    assert_eq!(Fru::parse(&[1; 7]), Err(FruError::TooShort { len: 7 }));
    assert_eq!(Fru::parse(&[0; 64]), Err(FruError::Blank));
    assert_eq!(Fru::parse(&[0xff; 64]), Err(FruError::Blank));
    assert_eq!(
        Fru::parse(&[2, 0, 0, 0, 1, 0, 0, 0xfd]),
        Err(FruError::UnsupportedFormat { version: 2 })
    );
    assert_eq!(used_len(&[0xff; 8], 512), 8);
    // A header with no areas is an empty FRU.
    let empty = Fru::parse(&[1, 0, 0, 0, 0, 0, 0, 0xff]).unwrap();
    assert_eq!(empty, Fru::default());
    assert_eq!(encode(&Fru::default()), [1, 0, 0, 0, 0, 0, 0, 0xff]);
}

#[test]
fn bad_checksums_are_warnings() {
    // Header and product area checksums broken (as on Dell R610/R710).
    let mut image = dell_fru0();
    image[7] ^= 0x55;
    image[175] ^= 0x01;
    let fru = Fru::parse(&image).unwrap();
    assert_eq!(
        fru.warnings,
        [
            FruWarning::HeaderChecksum,
            FruWarning::AreaChecksum {
                area: FruArea::Product
            }
        ]
    );
    assert!(!fru.checksums_ok());
    assert!(fru.warnings.iter().all(FruWarning::is_checksum));
    // Everything still parsed.
    let mut expected = dell_fru0_expected();
    expected.warnings = fru.warnings.clone();
    assert_eq!(fru, expected);
    assert_eq!(
        FruWarning::AreaChecksum {
            area: FruArea::Board
        }
        .to_string(),
        "board info area checksum mismatch"
    );
}

#[test]
fn truncated_and_garbled_areas() {
    let image = dell_fru0();
    // Cut inside the product area: it runs out of bounds, fields until the
    // cut are kept.
    let cut = &image[..135];
    let fru = Fru::parse(cut).unwrap();
    assert!(fru.warnings.contains(&FruWarning::AreaOutOfBounds {
        area: FruArea::Product,
        offset: 112,
        declared: 64,
        available: 23,
    }));
    let p = fru.product.unwrap();
    assert_eq!(p.manufacturer.as_str(), "Dell Inc.");
    assert!(fru.warnings.contains(&FruWarning::FieldTruncated {
        area: FruArea::Product
    }));
    assert!(fru.warnings.contains(&FruWarning::MissingFields {
        area: FruArea::Product
    }));
    assert_eq!(fru.board, dell_fru0_expected().board);

    // Product area offset past the end.
    let fru = Fru::parse(&image[..100]).unwrap();
    assert_eq!(fru.product, None);
    assert!(fru.warnings.iter().any(|w| matches!(
        w,
        FruWarning::AreaOutOfBounds {
            area: FruArea::Product,
            ..
        }
    )));

    // End marker missing: the fields run to the end of the area.
    let mut no_end = encode(&Fru {
        chassis: Some(ChassisInfo {
            chassis_type: ChassisType(1),
            part_number: FruField::from_text("AB"),
            serial_number: FruField::from_text("CD"),
            custom: vec![],
        }),
        ..Fru::default()
    });
    // Chassis area at 8: 01 02 01 c2 'A' 'B' c2 'C' 'D' c1 ...
    assert_eq!(no_end[8 + 9], END_OF_FIELDS);
    no_end[8 + 9] = 0x00;
    let fru = Fru::parse(&no_end).unwrap();
    let c = fru.chassis.unwrap();
    assert_eq!(c.serial_number.as_str(), "CD");
    assert!(fru.warnings.contains(&FruWarning::MissingEndMarker {
        area: FruArea::Chassis
    }));
    assert!(fru.warnings.contains(&FruWarning::AreaChecksum {
        area: FruArea::Chassis
    }));

    // Early end marker: mandatory fields missing.
    let fru = Fru::parse(&[1, 0, 0, 0, 1, 0, 0, 0xfe, 1, 1, 25, 0xc1, 0, 0, 0, 0x24]).unwrap();
    let p = fru.product.unwrap();
    assert!(p.manufacturer.is_empty());
    assert_eq!(
        fru.warnings,
        [FruWarning::MissingFields {
            area: FruArea::Product
        }]
    );

    // Zero area length and a wrong area version.
    let fru = Fru::parse(&[1, 0, 0, 0, 1, 0, 0, 0xfe, 2, 0, 0, 0xc1]).unwrap();
    assert!(fru.warnings.contains(&FruWarning::AreaVersion {
        area: FruArea::Product,
        version: 2
    }));
    assert!(fru.product.is_some());
}

#[test]
fn internal_use_and_multirecords() {
    let psu = PowerSupplyInfo {
        overall_capacity_watts: 1600,
        peak_va: 0xffff,
        inrush_current: 0xff,
        hold_up_seconds: 1,
        peak_capacity_watts: 1760,
        flags: 0x08,
        ..PowerSupplyInfo::default()
    };
    let fru = Fru {
        internal_use: Some(vec![1, 0xaa, 0xbb, 0, 0, 0, 0, 0]),
        product: Some(ProductInfo {
            language: 25,
            manufacturer: FruField::from_text("ACME"),
            name: FruField::six_bit("PSU 1600W").unwrap(),
            part_number: FruField::bcd_plus("1600-01").unwrap(),
            serial_number: FruField::binary(&[0xde, 0xad]),
            ..ProductInfo::default()
        }),
        multi_records: vec![
            psu.to_record(),
            MultiRecord {
                end_of_list: true,
                ..MultiRecord::new(0xc0, vec![0x57, 0x01, 0x00, 0x42])
            },
        ],
        ..Fru::default()
    };
    let image = encode(&fru);
    let back = Fru::parse(&image).unwrap();
    assert_eq!(back, fru);
    assert_eq!(back.power_supply_capacities(), [1600]);
    assert_eq!(used_len(&image, 4096), image.len());
    assert!(used_len(&image[..8], 4096) > 18);
    let p = back.product.unwrap();
    assert_eq!(p.name.as_str(), "PSU 1600W");
    assert_eq!(p.name.encoding(), FieldEncoding::SixBitAscii);
    assert_eq!(p.part_number.as_str(), "1600-01");
    assert_eq!(p.serial_number.as_str(), "dead");

    // Broken record data checksum: warning; broken header checksum: stop.
    let mr = usize::from(image[5]) * 8;
    let mut bad = image.clone();
    bad[mr + 5] ^= 1;
    let fru2 = Fru::parse(&bad).unwrap();
    assert_eq!(fru2.warnings, [FruWarning::RecordChecksum { index: 0 }]);
    assert_eq!(fru2.multi_records.len(), 2);
    let mut bad = image.clone();
    bad[mr + 5 + 24 + 4] ^= 1;
    let fru3 = Fru::parse(&bad).unwrap();
    assert_eq!(
        fru3.warnings,
        [FruWarning::RecordHeaderChecksum { index: 1 }]
    );
    assert_eq!(fru3.multi_records.len(), 1);
    // Truncated record data.
    let fru4 = Fru::parse(&image[..image.len() - 2]).unwrap();
    assert_eq!(fru4.warnings, [FruWarning::RecordTruncated { index: 1 }]);
    assert_eq!(fru4.multi_records[1].data, [0x57, 0x01]);
}

#[test]
fn chassis_type_names() {
    assert_eq!(ChassisType(0).name(), "Unknown");
    assert_eq!(ChassisType(0).ipmitool_name(), "Unspecified");
    assert_eq!(ChassisType(1).name(), "Other");
    assert_eq!(ChassisType(0x11).name(), "Main Server Chassis");
    assert_eq!(ChassisType(0x19).name(), "Multi-system chassis");
    assert_eq!(ChassisType(0x19).ipmitool_name(), "Multi-system Chassis");
    assert_eq!(ChassisType(0x1d).name(), "Blade Enclosure");
    assert_eq!(ChassisType(0x1e).name(), "Unknown");
    assert_eq!(ChassisType::RACK_MOUNT.name(), "Rack Mount Chassis");
}

fn field_strategy() -> impl Strategy<Value = FruField> {
    prop_oneof![
        Just(FruField::empty()),
        "[ -~]{2,40}".prop_map(|s| FruField::from_text(&s)),
        "[0-9 .-]{0,20}".prop_map(|s| FruField::bcd_plus(s.trim_end()).unwrap()),
        "[A-Z0-9 -]{0,30}".prop_map(|s| FruField::six_bit(s.trim_end()).unwrap()),
        proptest::collection::vec(any::<u8>(), 1..20).prop_map(|b| FruField::binary(&b)),
    ]
}

prop_compose! {
    fn fru_strategy()(
        internal in proptest::option::of(proptest::collection::vec(any::<u8>(), 1..3)),
        chassis in proptest::option::of((any::<u8>(), field_strategy(), field_strategy(),
                                        proptest::collection::vec(field_strategy(), 0..3))),
        board in proptest::option::of((0u32..=MAX_MINUTES, proptest::collection::vec(field_strategy(), 5),
                                      proptest::collection::vec(field_strategy(), 0..3))),
        product in proptest::option::of((proptest::collection::vec(field_strategy(), 7),
                                        proptest::collection::vec(field_strategy(), 0..3))),
        records in proptest::collection::vec((any::<u8>(), proptest::collection::vec(any::<u8>(), 0..40)), 0..3),
    ) -> Fru {
        let n = records.len();
        Fru {
            // Internal use areas are read up to the next area: keep them
            // a whole number of 8-byte units.
            internal_use: internal.map(|units| {
                let mut v = units.repeat(8);
                v.truncate(8 * units.len());
                v
            }),
            chassis: chassis.map(|(t, part, serial, custom)| ChassisInfo {
                chassis_type: ChassisType(t), part_number: part, serial_number: serial, custom,
            }),
            board: board.map(|(m, f, custom)| BoardInfo {
                language: 25,
                mfg_time: (m != 0).then(|| FruTimestamp::from_minutes(m)),
                manufacturer: f[0].clone(), product_name: f[1].clone(), serial_number: f[2].clone(),
                part_number: f[3].clone(), fru_file_id: f[4].clone(), custom,
            }),
            product: product.map(|(f, custom)| ProductInfo {
                language: 0,
                manufacturer: f[0].clone(), name: f[1].clone(), part_number: f[2].clone(),
                version: f[3].clone(), serial_number: f[4].clone(), asset_tag: f[5].clone(),
                fru_file_id: f[6].clone(), custom,
            }),
            multi_records: records.into_iter().enumerate().map(|(i, (t, data))| MultiRecord {
                end_of_list: i + 1 == n,
                ..MultiRecord::new(t, data)
            }).collect(),
            warnings: vec![],
        }
    }
}

proptest! {
    #[test]
    fn encode_parse_round_trip(fru in fru_strategy()) {
        let image = encode(&fru);
        let back = Fru::parse(&image).unwrap();
        prop_assert_eq!(&back, &fru);
        // The unused tail of a larger device is not needed (an internal use
        // area with nothing after it runs to the end of the device).
        let size = if fru.internal_use.is_some() { image.len() } else { image.len() + 100 };
        prop_assert_eq!(used_len(&image, size), image.len());
        // Growing prefixes converge on the used length.
        let mut have = 0;
        let mut steps = 0;
        loop {
            let need = used_len(&image[..have], size);
            prop_assert!(need >= have);
            if need == have { break; }
            have = (have + 16).min(need);
            steps += 1;
            prop_assert!(steps < 1000);
        }
        prop_assert_eq!(have, image.len());
    }

    #[test]
    fn parse_never_panics(image in proptest::collection::vec(any::<u8>(), 0..600), size in 0usize..2000) {
        if let Ok(fru) = Fru::parse(&image) {
            let _ = (fru.checksums_ok(), fru.chassis_type_name(), fru.power_supply_capacities());
            for w in &fru.warnings {
                let _ = w.to_string();
            }
            // Whatever parsed re-encodes without panicking.
            let _ = encode(&fru);
        }
        let n = used_len(&image, size);
        prop_assert!(n <= size.max(8));
    }

    #[test]
    fn mutated_images_never_panic(idx in 0usize..176, val in any::<u8>(), cut in 0usize..177) {
        let mut image = dell_fru0();
        image[idx] = val;
        let image = &image[..cut];
        if let Ok(fru) = Fru::parse(image) {
            let _ = encode(&fru);
        }
        let _ = used_len(image, 512);
    }
}
