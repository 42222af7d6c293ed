//! A sensor's reading interpreted against its SDR: value, thresholds,
//! asserted states and the Nominal/Warning/Critical state, with the
//! "unavailable" cases FreeIPMI reports as N/A instead of errors.
//!
//! * Get Sensor Reading completion codes CBh, CDh, C9h, CCh, CEh, D5h and
//!   D3h mean the sensor is not there or not readable now; FFh does too
//!   when the data says "unavailable" or "scanning disabled" (Sun Blade).
//! * Scanning disabled (byte 2 bit 6 = 0) and reading unavailable (bit 5)
//!   give no value and no state.
//! * A missing state byte is state 0; discrete state bits outside the
//!   SDR's reading mask are dropped.
//! * Sensors owned by another controller need bridging, which this crate
//!   does not do: they are reported unavailable without a request.

use std::collections::BTreeMap;

use super::conversion::ConversionFactors;
use super::events::{state_name, Threshold};
use super::interpret::Interpreter;
use super::SensorState;
use crate::codec::{Codec, DecodeError};
use crate::commands::sensor::SensorReading;
use crate::sdr::sensors::{SensorDef, SensorKind};
use crate::types::CompletionCode;

/// Why a sensor has no reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unavailable {
    /// An event-only sensor: nothing to read.
    EventOnly,
    /// Owned by another controller (owner ID, channel): needs bridging.
    NeedsBridging {
        /// Owner ID byte (slave address).
        owner_id: u8,
        /// Channel.
        channel: u8,
    },
    /// Owned by system software, not a controller.
    SoftwareOwned,
    /// Get Sensor Reading answered with a "not present / not readable"
    /// completion code.
    NotPresent(CompletionCode),
    /// Sensor scanning is disabled (byte 2 bit 6 = 0).
    ScanningDisabled,
    /// The reading/state is unavailable (byte 2 bit 5 = 1).
    ReadingUnavailable,
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::EventOnly => f.write_str("event-only sensor"),
            Self::NeedsBridging { owner_id, channel } => write!(
                f,
                "owned by controller {owner_id:#04x} on channel {channel}: needs bridging"
            ),
            Self::SoftwareOwned => f.write_str("owned by system software"),
            Self::NotPresent(cc) => write!(f, "not readable: completion code {cc}"),
            Self::ScanningDisabled => f.write_str("sensor scanning disabled"),
            Self::ReadingUnavailable => f.write_str("reading unavailable"),
        }
    }
}

/// FreeIPMI's workarounds that change how sensors are read (§C.1 of the
/// protocol notes; FreeIPMI `-W` flags of the same names). All off by
/// default, as in FreeIPMI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ReadOptions {
    /// `ignorescanningdisabled`: use the reading even when Get Sensor
    /// Reading says scanning is disabled (Dell PE 2900/2950, R410, R610).
    pub ignore_scanning_disabled: bool,
    /// `discretereading`: also convert the analog reading of discrete
    /// sensors whose full record has an analog format (HP DL380 G7).
    pub discrete_reading: bool,
    /// `assumebmcowner`: read sensors the SDR assigns to another controller
    /// from the BMC (HP DL140, Fujitsu RX300).
    pub assume_bmc_owner: bool,
}

/// Whether Get Sensor Reading should be sent for a sensor, and where.
///
/// `Ok(lun)` to send it to the BMC with that LUN; `Err(reason)` when the
/// sensor cannot be read directly.
pub fn read_target(def: &SensorDef) -> Result<u8, Unavailable> {
    read_target_with(def, &ReadOptions::default())
}

/// [`read_target`] with workarounds.
pub fn read_target_with(def: &SensorDef, options: &ReadOptions) -> Result<u8, Unavailable> {
    if def.kind() == SensorKind::EventOnly {
        return Err(Unavailable::EventOnly);
    }
    if def.owner.is_software() && !options.assume_bmc_owner {
        return Err(Unavailable::SoftwareOwned);
    }
    if !def.owner.is_bmc() && !options.assume_bmc_owner {
        return Err(Unavailable::NeedsBridging {
            owner_id: def.owner.owner_id,
            channel: def.owner.channel,
        });
    }
    Ok(def.owner.lun)
}

/// Why a Get Sensor Reading answer is an error rather than a reading or an
/// "unavailable".
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadingError {
    /// A completion code that does not mean "not present".
    #[error("Get Sensor Reading answered with completion code {0}")]
    Completion(CompletionCode),
    /// The data did not decode.
    #[error("Get Sensor Reading: malformed answer: {0}")]
    Malformed(DecodeError),
}

/// Sorts a Get Sensor Reading answer: a reading, an unavailable sensor,
/// or an error.
///
/// # Errors
/// [`ReadingError`] for completion codes other than the "not present"
/// family and for undecodable data.
pub fn classify_response(
    completion: CompletionCode,
    data: &[u8],
) -> Result<Result<SensorReading, Unavailable>, ReadingError> {
    classify_response_with(completion, data, &ReadOptions::default())
}

/// [`classify_response`] with workarounds.
///
/// # Errors
/// As [`classify_response`].
pub fn classify_response_with(
    completion: CompletionCode,
    data: &[u8],
    options: &ReadOptions,
) -> Result<Result<SensorReading, Unavailable>, ReadingError> {
    match completion {
        CompletionCode::Ok => {
            let r = SensorReading::from_bytes(data).map_err(ReadingError::Malformed)?;
            Ok(
                if !r.scanning_enabled && !options.ignore_scanning_disabled {
                    Err(Unavailable::ScanningDisabled)
                } else if r.unavailable {
                    Err(Unavailable::ReadingUnavailable)
                } else {
                    Ok(r)
                },
            )
        }
        CompletionCode::NotPresent
        | CompletionCode::IllegalForType
        | CompletionCode::ParameterOutOfRange
        | CompletionCode::InvalidDataField
        | CompletionCode::CannotRespond
        | CompletionCode::NotSupportedInPresentState
        | CompletionCode::DestinationUnavailable => Ok(Err(Unavailable::NotPresent(completion))),
        CompletionCode::Unspecified => match SensorReading::from_bytes(data) {
            Ok(r) if r.unavailable => Ok(Err(Unavailable::ReadingUnavailable)),
            Ok(r) if !r.scanning_enabled => Ok(Err(Unavailable::ScanningDisabled)),
            _ => Err(ReadingError::Completion(completion)),
        },
        code => Err(ReadingError::Completion(code)),
    }
}

/// A sensor with its current reading, ready to print or export.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorReport {
    /// SDR record ID (ipmi_exporter's `id` label).
    pub record_id: u16,
    /// Sensor number.
    pub sensor_number: u8,
    /// Owner ID byte.
    pub owner_id: u8,
    /// Owner LUN.
    pub lun: u8,
    /// Name (shared sensors with their instance modifier).
    pub name: String,
    /// Sensor type code.
    pub sensor_type: u8,
    /// FreeIPMI's name of the type ("Temperature").
    pub sensor_type_name: &'static str,
    /// Event/reading type code.
    pub event_reading_type: u8,
    /// Entity ID.
    pub entity_id: u8,
    /// Entity instance.
    pub entity_instance: u8,
    /// Unit string as FreeIPMI prints it (threshold sensors).
    pub unit: Option<String>,
    /// The raw reading byte.
    pub raw: Option<u8>,
    /// The converted reading (threshold sensors with an analog reading).
    pub reading: Option<f64>,
    /// Nominal / Warning / Critical; `None` where FreeIPMI says N/A.
    pub state: Option<SensorState>,
    /// The readable thresholds, converted.
    pub thresholds: BTreeMap<Threshold, f64>,
    /// Threshold sensors: the thresholds crossed.
    pub crossed: Vec<Threshold>,
    /// Discrete sensors: the asserted state offsets (after masking).
    pub asserted_offsets: Vec<u8>,
    /// Names of the crossed thresholds or asserted states, as FreeIPMI
    /// prints them.
    pub asserted: Vec<String>,
    /// The state bits used for the state (FreeIPMI's event bitmask).
    pub event_bitmask: Option<u16>,
    /// Why there is no reading.
    pub unavailable: Option<Unavailable>,
    /// A Get Sensor Reading answer that was neither a reading nor an
    /// "unavailable" (e.g. D4h): no value, no state.
    pub error: Option<ReadingError>,
}

impl SensorReport {
    /// FreeIPMI's Event column: `'OK'` with nothing asserted; for
    /// threshold sensors the most severe crossed lower and upper thresholds;
    /// for discrete sensors every asserted state; `N/A` without a reading.
    pub fn event_text(&self) -> String {
        if self.unavailable.is_some() || self.error.is_some() || self.event_bitmask.is_none() {
            return "N/A".into();
        }
        let names: Vec<&str> = if self.crossed.is_empty() && self.asserted_offsets.is_empty() {
            return "'OK'".into();
        } else if !self.crossed.is_empty() {
            let lower = self.crossed.iter().filter(|t| t.is_lower()).max();
            let upper = self.crossed.iter().filter(|t| !t.is_lower()).max();
            lower
                .into_iter()
                .chain(upper)
                .map(|t| t.message())
                .collect()
        } else {
            self.asserted.iter().map(String::as_str).collect()
        };
        if names.is_empty() {
            return "'OK'".into();
        }
        names
            .iter()
            .map(|n| format!("'{n}'"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The report of a sensor before its reading: SDR facts and thresholds.
/// Thresholds of non-linear sensors are converted with
/// `threshold_factors(raw)` when it knows the factors for that raw value.
pub fn describe(
    def: &SensorDef,
    threshold_factors: &dyn Fn(u8) -> Option<ConversionFactors>,
) -> SensorReport {
    let thresholds = def.threshold_values_with(|raw, c| {
        if c.is_non_linear() {
            threshold_factors(raw).and_then(|f| c.convert_with(raw, &f))
        } else {
            c.convert(raw)
        }
    });
    SensorReport {
        record_id: def.record_id,
        sensor_number: def.number,
        owner_id: def.owner.owner_id,
        lun: def.owner.lun,
        name: def.name.clone(),
        sensor_type: def.sensor_type,
        sensor_type_name: def.sensor_type_name(),
        event_reading_type: def.event_reading_type,
        entity_id: def.entity.id,
        entity_instance: def.entity.instance,
        unit: def.unit_string(),
        raw: None,
        reading: None,
        state: None,
        thresholds,
        crossed: Vec::new(),
        asserted_offsets: Vec::new(),
        asserted: Vec::new(),
        event_bitmask: None,
        unavailable: None,
        error: None,
    }
}

/// Builds the report of a sensor from its reading.
///
/// `factors` are the Get Sensor Reading Factors for the raw reading of a
/// non-linear sensor (ignored otherwise; without them a non-linear sensor
/// has no value); `threshold_factors` as for [`describe`].
pub fn evaluate(
    def: &SensorDef,
    reading: Result<&SensorReading, Unavailable>,
    factors: Option<&ConversionFactors>,
    threshold_factors: &dyn Fn(u8) -> Option<ConversionFactors>,
    interpreter: &Interpreter,
) -> SensorReport {
    evaluate_with(
        def,
        reading,
        factors,
        threshold_factors,
        interpreter,
        &ReadOptions::default(),
    )
}

/// [`evaluate`] with workarounds.
pub fn evaluate_with(
    def: &SensorDef,
    reading: Result<&SensorReading, Unavailable>,
    factors: Option<&ConversionFactors>,
    threshold_factors: &dyn Fn(u8) -> Option<ConversionFactors>,
    interpreter: &Interpreter,
    options: &ReadOptions,
) -> SensorReport {
    let mut report = describe(def, threshold_factors);
    let r = match reading {
        Ok(r) => r,
        Err(why) => {
            report.unavailable = Some(why);
            return report;
        }
    };
    report.raw = Some(r.raw);
    match def.kind() {
        SensorKind::Threshold => {
            if let Some(conv) = def.conversion.filter(|_| def.has_analog_reading()) {
                report.reading = match factors {
                    Some(f) if conv.is_non_linear() => conv.convert_with(r.raw, f),
                    _ => conv.convert(r.raw),
                };
            }
            let bits = r.threshold_bits();
            report.crossed = Threshold::from_bits(bits);
            report.asserted = report
                .crossed
                .iter()
                .map(|t| t.message().to_string())
                .collect();
            report.event_bitmask = Some(u16::from(bits));
            report.state = Some(interpreter.threshold_state(bits));
        }
        SensorKind::Discrete => {
            let bits = r.state_bits() & (def.reading_mask & 0x7fff);
            report.asserted_offsets = (0..15u8).filter(|o| bits & (1 << o) != 0).collect();
            report.asserted = report
                .asserted_offsets
                .iter()
                .map(|o| {
                    state_name(def.event_reading_type, def.sensor_type, *o)
                        .map_or_else(|| format!("State {o}"), str::to_string)
                })
                .collect();
            report.event_bitmask = Some(bits);
            report.state = interpreter.state(def.event_reading_type, def.sensor_type, bits);
            if options.discrete_reading {
                if let Some(conv) = def.conversion {
                    report.reading = match factors {
                        Some(f) if conv.is_non_linear() => conv.convert_with(r.raw, f),
                        _ => conv.convert(r.raw),
                    };
                    report.unit = def.units.and_then(|u| u.abbreviation());
                }
            }
        }
        SensorKind::EventOnly | SensorKind::Other => {
            report.event_bitmask = Some(r.state_bits());
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::test_util::hex;
    use crate::sdr::record::SdrRecord;

    fn def(h: &str) -> Vec<SensorDef> {
        let (header, r) = SdrRecord::parse_raw(&hex(h)).unwrap();
        SensorDef::from_record(header.record_id, &r)
    }

    fn no_factors(_: u8) -> Option<ConversionFactors> {
        None
    }

    const FAN3: &str = "0c 00 51 01 2f 20 00 32 1d 03 7f 58 04 01 05 30 05 00 03 03 00 12 00 00 78 00 00 00 01 00 00 00 00 00 ff 00 00 00 00 00 05 07 01 01 00 00 00 c4 46 61 6e 33";
    const PS2: &str = "1a 00 51 02 25 20 00 63 0a 02 67 40 08 6f 7f 00 7f 00 7f 00 c0 00 00 01 00 00 00 00 00 00 00 ca 50 53 32 20 53 74 61 74 75 73";
    const NIC1: &str = "09 00 51 01 34 20 01 01 0b 02 7f 58 01 01 80 02 80 32 18 18 00 01 00 00 01 00 00 00 01 00 00 00 00 00 ff 00 00 69 5f 00 00 00 01 01 00 00 00 c9 4e 49 43 31 20 54 65 6d 70";

    #[test]
    fn classify_completion_codes() {
        for cc in [0xcb, 0xcd, 0xc9, 0xcc, 0xce, 0xd5, 0xd3] {
            let cc = CompletionCode::from(cc);
            assert_eq!(
                classify_response(cc, &[]),
                Ok(Err(Unavailable::NotPresent(cc)))
            );
        }
        assert_eq!(
            classify_response(CompletionCode::Unspecified, &hex("00 e0")),
            Ok(Err(Unavailable::ReadingUnavailable))
        );
        assert_eq!(
            classify_response(CompletionCode::Unspecified, &hex("00 80")),
            Ok(Err(Unavailable::ScanningDisabled))
        );
        assert_eq!(
            classify_response(CompletionCode::Unspecified, &hex("00 c0")),
            Err(ReadingError::Completion(CompletionCode::Unspecified))
        );
        assert_eq!(
            classify_response(CompletionCode::InsufficientPrivilege, &[]),
            Err(ReadingError::Completion(
                CompletionCode::InsufficientPrivilege
            ))
        );
        assert!(matches!(
            classify_response(CompletionCode::Ok, &[1]),
            Err(ReadingError::Malformed(_))
        ));
        assert_eq!(
            classify_response(CompletionCode::Ok, &hex("00 80 00")),
            Ok(Err(Unavailable::ScanningDisabled))
        );
        assert!(classify_response(CompletionCode::Ok, &hex("2d c0"))
            .unwrap()
            .is_ok());
    }

    #[test]
    fn threshold_sensor_critical() {
        let d = &def(FAN3)[0];
        let r = SensorReading::from_bytes(&hex("04 c0 c3")).unwrap();
        let rep = evaluate(d, Ok(&r), None, &no_factors, &Interpreter::default());
        assert_eq!(rep.reading, Some(480.0));
        assert_eq!(rep.unit.as_deref(), Some("RPM"));
        assert_eq!(rep.state, Some(SensorState::Critical));
        assert_eq!(
            rep.crossed,
            vec![Threshold::LowerNonCritical, Threshold::LowerCritical]
        );
        assert_eq!(
            rep.event_text(),
            "'At or Below (<=) Lower Critical Threshold'"
        );
        assert_eq!(rep.thresholds[&Threshold::LowerCritical], 600.0);
        assert_eq!(rep.thresholds.len(), 2);
        assert_eq!(rep.sensor_type_name, "Fan");
        // The same sensor, unavailable.
        let rep = evaluate(
            d,
            Err(Unavailable::ScanningDisabled),
            None,
            &no_factors,
            &Interpreter::default(),
        );
        assert_eq!((rep.reading, rep.state), (None, None));
        assert_eq!(rep.event_text(), "N/A");
        assert_eq!(rep.thresholds.len(), 2);
    }

    #[test]
    fn discrete_sensor_masked() {
        let d = &def(PS2)[0];
        // Presence + failure, plus bit 9 outside the 7Fh mask.
        let r = SensorReading::from_bytes(&hex("00 c0 03 02")).unwrap();
        let rep = evaluate(d, Ok(&r), None, &no_factors, &Interpreter::default());
        assert_eq!(rep.event_bitmask, Some(0x0003));
        assert_eq!(
            rep.asserted,
            vec!["Presence detected", "Power Supply Failure detected"]
        );
        assert_eq!(rep.state, Some(SensorState::Critical));
        assert_eq!(rep.reading, None);
        assert_eq!(rep.unit, None);
        assert_eq!(
            rep.event_text(),
            "'Presence detected' 'Power Supply Failure detected'"
        );
        // A 2-byte answer: nothing asserted, Nominal, 'OK'.
        let r = SensorReading::from_bytes(&hex("00 c0")).unwrap();
        let rep = evaluate(d, Ok(&r), None, &no_factors, &Interpreter::default());
        assert_eq!(rep.state, Some(SensorState::Nominal));
        assert_eq!(rep.event_text(), "'OK'");
    }

    #[test]
    fn workarounds() {
        let opts = ReadOptions {
            ignore_scanning_disabled: true,
            discrete_reading: true,
            assume_bmc_owner: true,
        };
        // ignorescanningdisabled: the reading is used.
        let r = classify_response_with(CompletionCode::Ok, &hex("04 80 c3"), &opts).unwrap();
        assert_eq!(r.map(|r| r.raw), Ok(4));
        assert_eq!(
            classify_response_with(CompletionCode::Ok, &hex("04 a0"), &opts).unwrap(),
            Err(Unavailable::ReadingUnavailable)
        );
        // assumebmcowner: other owners are read from the BMC.
        let mut d = def(NIC1)[0].clone();
        d.owner.owner_id = 0x2c;
        assert_eq!(read_target_with(&d, &opts), Ok(1));
        // discretereading: a discrete sensor's analog reading (HP style:
        // full record, percent unit, 6Fh states).
        let mut d = def(FAN3)[0].clone();
        d.event_reading_type = 0x6f;
        d.reading_mask = 0x7fff;
        let r = SensorReading::from_bytes(&hex("05 c0 01 00")).unwrap();
        let plain = evaluate(&d, Ok(&r), None, &no_factors, &Interpreter::default());
        assert_eq!((plain.reading, plain.unit.as_deref()), (None, None));
        let hp = evaluate_with(
            &d,
            Ok(&r),
            None,
            &no_factors,
            &Interpreter::default(),
            &opts,
        );
        assert_eq!((hp.reading, hp.unit.as_deref()), (Some(600.0), Some("RPM")));
    }

    #[test]
    fn targets() {
        let d = &def(NIC1)[0];
        assert_eq!(read_target(d), Ok(1));
        let mut other = d.clone();
        other.owner.owner_id = 0x2c;
        assert_eq!(
            read_target(&other),
            Err(Unavailable::NeedsBridging {
                owner_id: 0x2c,
                channel: 0
            })
        );
        other.owner.owner_id = 0x21;
        assert_eq!(read_target(&other), Err(Unavailable::SoftwareOwned));
        assert!(Unavailable::NeedsBridging {
            owner_id: 0x2c,
            channel: 6
        }
        .to_string()
        .contains("bridging"));
    }
}
