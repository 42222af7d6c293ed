//! Sensor commands (NetFn Sensor/Event 04h): Get Sensor Reading, Get
//! Sensor Reading Factors and Get Sensor Thresholds (IPMI v2.0 §35.14,
//! §35.5, §35.9).
//!
//! Get Sensor Reading goes to the sensor's owner with the owner's LUN
//! (the SDR's bytes 6–7): the LUN is the `lun` argument of
//! [`Client::request`](crate::client::Client::request), not request data.
//! Interpreting the answer against the SDR is [`crate::sensor::reading`].

use super::{skip_rest, Command};
use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::sensor::conversion::ConversionFactors;
use crate::sensor::events::Threshold;
use crate::types::{NetFn, PrivilegeLevel};

// ---------------------------------------------------------------------------
// Get Sensor Reading
// ---------------------------------------------------------------------------

/// Get Sensor Reading (NetFn Sensor/Event 04h, command 2Dh; IPMI v2.0
/// §35.14, Table 35-15).
///
/// Request data: the sensor number. Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetSensorReading {
    /// Sensor number.
    pub sensor_number: u8,
}

impl Codec for GetSensorReading {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.sensor_number);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            sensor_number: r.u8("sensor number")?,
        })
    }
}

impl Command for GetSensorReading {
    const NETFN: NetFn = NetFn::SensorEvent;
    const CMD: u8 = 0x2d;
    type Response = SensorReading;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get Sensor Reading response data (IPMI v2.0 §35.14, Table 35-15).
///
/// ```text
///  byte  field
///  1     sensor reading (raw; meaningful for analog sensors only)
///  2     [7] 0b = all event messages disabled
///        [6] 0b = sensor scanning disabled
///        [5] 1b = reading/state unavailable
///  3     (optional) threshold sensors: [5] ≥ UNR, [4] ≥ UCR, [3] ≥ UNC,
///        [2] ≤ LNR, [1] ≤ LCR, [0] ≤ LNC ([7:6] read as 1b);
///        discrete sensors: states 7…0 asserted
///  4     (optional) discrete sensors: states 14…8 asserted ([7] reserved)
/// ```
///
/// Bytes 3 and 4 are optional: BMCs omit them (Dell 2950) and the state
/// is then 0. Reserved bits `[4:0]` of byte 2 are dropped; extra bytes are
/// ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SensorReading {
    /// The raw reading byte.
    pub raw: u8,
    /// Byte 2 bit 7: event messages enabled.
    pub event_messages_enabled: bool,
    /// Byte 2 bit 6: sensor scanning enabled.
    pub scanning_enabled: bool,
    /// Byte 2 bit 5: reading/state unavailable.
    pub unavailable: bool,
    /// Byte 3, when sent.
    pub state: Option<u8>,
    /// Byte 4, when sent (only with byte 3).
    pub state_high: Option<u8>,
}

impl Codec for SensorReading {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.raw).u8(u8::from(self.event_messages_enabled) << 7
            | u8::from(self.scanning_enabled) << 6
            | u8::from(self.unavailable) << 5);
        if let Some(s) = self.state {
            w.u8(s);
            if let Some(h) = self.state_high {
                w.u8(h);
            }
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let raw = r.u8("sensor reading")?;
        let flags = r.u8("sensor reading flags")?;
        let state = if r.is_empty() {
            None
        } else {
            Some(r.u8("sensor state")?)
        };
        let state_high = if state.is_some() && !r.is_empty() {
            Some(r.u8("sensor state (high)")?)
        } else {
            None
        };
        skip_rest(r);
        Ok(Self {
            raw,
            event_messages_enabled: flags & 0x80 != 0,
            scanning_enabled: flags & 0x40 != 0,
            unavailable: flags & 0x20 != 0,
            state,
            state_high,
        })
    }
}

impl SensorReading {
    /// The discrete state bits, offset n = bit n (bytes 3–4; missing bytes
    /// are 0 and the reserved bit 15 is cleared).
    pub fn state_bits(&self) -> u16 {
        u16::from_le_bytes([self.state.unwrap_or(0), self.state_high.unwrap_or(0)]) & 0x7fff
    }

    /// The threshold comparison bits (byte 3 `[5:0]`).
    pub fn threshold_bits(&self) -> u8 {
        self.state.unwrap_or(0) & 0x3f
    }

    /// The thresholds the reading is at or beyond.
    pub fn crossed_thresholds(&self) -> Vec<Threshold> {
        Threshold::from_bits(self.threshold_bits())
    }

    /// `true` when there is no reading to use: scanning disabled or
    /// reading unavailable.
    pub fn is_unavailable(&self) -> bool {
        self.unavailable || !self.scanning_enabled
    }
}

// ---------------------------------------------------------------------------
// Get Sensor Reading Factors
// ---------------------------------------------------------------------------

/// Get Sensor Reading Factors (NetFn Sensor/Event 04h, command 23h; IPMI
/// v2.0 §35.5, Table 35-6): the conversion factors of a non-linear sensor
/// (linearization 70h–7Fh) for one raw reading.
///
/// Request data: sensor number, reading byte. Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetSensorReadingFactors {
    /// Sensor number.
    pub sensor_number: u8,
    /// The raw reading the factors are wanted for.
    pub reading: u8,
}

impl Codec for GetSensorReadingFactors {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.sensor_number).u8(self.reading);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            sensor_number: r.u8("sensor number")?,
            reading: r.u8("reading byte")?,
        })
    }
}

impl Command for GetSensorReadingFactors {
    const NETFN: NetFn = NetFn::SensorEvent;
    const CMD: u8 = 0x23;
    type Response = ReadingFactors;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get Sensor Reading Factors response data (IPMI v2.0 §35.5, Table
/// 35-6): the next reading with different factors, then the 6 factor bytes
/// laid out like Full Sensor Record bytes 25–30 (see
/// [`ConversionFactors`]; the direction bits are dropped).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ReadingFactors {
    /// The next reading byte for which other factors apply.
    pub next_reading: u8,
    /// The factors for the requested reading.
    pub factors: ConversionFactors,
}

impl Codec for ReadingFactors {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.next_reading);
        self.factors.encode(w, 0);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let next_reading = r.u8("next reading")?;
        let (factors, _direction) = ConversionFactors::decode(r)?;
        skip_rest(r);
        Ok(Self {
            next_reading,
            factors,
        })
    }
}

// ---------------------------------------------------------------------------
// Get Sensor Thresholds
// ---------------------------------------------------------------------------

/// Get Sensor Thresholds (NetFn Sensor/Event 04h, command 27h; IPMI v2.0
/// §35.9, Table 35-9): the thresholds a threshold sensor uses now (the SDR
/// holds only initial values).
///
/// Request data: the sensor number. Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetSensorThresholds {
    /// Sensor number.
    pub sensor_number: u8,
}

impl Codec for GetSensorThresholds {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.sensor_number);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            sensor_number: r.u8("sensor number")?,
        })
    }
}

impl Command for GetSensorThresholds {
    const NETFN: NetFn = NetFn::SensorEvent;
    const CMD: u8 = 0x27;
    type Response = SensorThresholds;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get Sensor Thresholds response data (IPMI v2.0 §35.9, Table 35-9).
///
/// ```text
///  byte  field
///  1     readable mask: [5] UNR [4] UCR [3] UNC [2] LNR [1] LCR [0] LNC
///  2:7   LNC, LCR, LNR, UNC, UCR, UNR (raw; ignore those not readable)
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SensorThresholds {
    /// Readable thresholds (bits as [`Threshold::bit`]).
    pub readable: u8,
    /// Lower non-critical.
    pub lnc: u8,
    /// Lower critical.
    pub lc: u8,
    /// Lower non-recoverable.
    pub lnr: u8,
    /// Upper non-critical.
    pub unc: u8,
    /// Upper critical.
    pub uc: u8,
    /// Upper non-recoverable.
    pub unr: u8,
}

impl Codec for SensorThresholds {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.readable & 0x3f)
            .u8(self.lnc)
            .u8(self.lc)
            .u8(self.lnr)
            .u8(self.unc)
            .u8(self.uc)
            .u8(self.unr);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let v = Self {
            readable: r.u8("readable threshold mask")? & 0x3f,
            lnc: r.u8("lower non-critical threshold")?,
            lc: r.u8("lower critical threshold")?,
            lnr: r.u8("lower non-recoverable threshold")?,
            unc: r.u8("upper non-critical threshold")?,
            uc: r.u8("upper critical threshold")?,
            unr: r.u8("upper non-recoverable threshold")?,
        };
        skip_rest(r);
        Ok(v)
    }
}

impl SensorThresholds {
    /// The raw value of a threshold, `None` when not readable.
    pub fn get(&self, t: Threshold) -> Option<u8> {
        if self.readable & (1 << t.bit()) == 0 {
            return None;
        }
        Some(match t {
            Threshold::LowerNonCritical => self.lnc,
            Threshold::LowerCritical => self.lc,
            Threshold::LowerNonRecoverable => self.lnr,
            Threshold::UpperNonCritical => self.unc,
            Threshold::UpperCritical => self.uc,
            Threshold::UpperNonRecoverable => self.unr,
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::commands::test_util::{decode_any, golden, hex, round_trip};

    #[test]
    fn codes() {
        assert_eq!(
            (GetSensorReading::NETFN, GetSensorReading::CMD),
            (NetFn::SensorEvent, 0x2d)
        );
        assert_eq!(GetSensorReadingFactors::CMD, 0x23);
        assert_eq!(GetSensorThresholds::CMD, 0x27);
        golden(
            "41",
            &GetSensorReading {
                sensor_number: 0x41,
            },
        );
        golden(
            "70 c8",
            &GetSensorReadingFactors {
                sensor_number: 0x70,
                reading: 0xc8,
            },
        );
        golden(
            "30",
            &GetSensorThresholds {
                sensor_number: 0x30,
            },
        );
        assert!(GetSensorReading::from_bytes(&[]).is_err());
        assert!(GetSensorReading::from_bytes(&[1, 2]).is_err());
    }

    #[test]
    fn reading_golden() {
        // FAN3 of bmc-sim: raw 4, events + scanning on, LNC and LC crossed
        // (ipmi_sim sets bits 7:6 of byte 3 as the spec allows).
        let r = SensorReading {
            raw: 4,
            event_messages_enabled: true,
            scanning_enabled: true,
            unavailable: false,
            state: Some(0xc3),
            state_high: None,
        };
        golden("04 c0 c3", &r);
        assert_eq!(r.threshold_bits(), 0x03);
        assert_eq!(
            r.crossed_thresholds(),
            vec![Threshold::LowerNonCritical, Threshold::LowerCritical]
        );
        // Discrete, both state bytes (reserved bit 15 cleared).
        let r = SensorReading::from_bytes(&hex("00 c0 80 80")).unwrap();
        assert_eq!(r.state_bits(), 0x0080);
        let r = SensorReading::from_bytes(&hex("00 c0 03 01")).unwrap();
        assert_eq!(r.state_bits(), 0x0103);
        // Scanning disabled (bit 6 = 0): ipmi_sim's FAN4.
        let r = SensorReading::from_bytes(&hex("00 80 c0")).unwrap();
        assert!(r.is_unavailable());
        // Reading unavailable.
        let r = SensorReading::from_bytes(&hex("00 e0")).unwrap();
        assert!(r.unavailable && r.is_unavailable());
        // 2-byte answer: no state byte, state 0; reserved bits dropped.
        let r = SensorReading::from_bytes(&hex("2d df")).unwrap();
        assert_eq!((r.raw, r.state, r.state_bits()), (0x2d, None, 0));
        assert!(!r.unavailable);
        assert_eq!(r.to_bytes(), hex("2d c0"));
        // One byte is not a reading; extra bytes are ignored.
        assert!(SensorReading::from_bytes(&[1]).is_err());
        assert!(SensorReading::from_bytes(&hex("01 c0 00 00 ff")).is_ok());
    }

    #[test]
    fn factors_golden() {
        let f = ReadingFactors {
            next_reading: 0x40,
            factors: ConversionFactors::new(5, 3, 1, -1),
        };
        golden("40 05 00 03 00 00 f1", &f);
        assert!(ReadingFactors::from_bytes(&hex("40 05 00 03 00 00")).is_err());
    }

    #[test]
    fn thresholds_golden() {
        // 12V of bmc-sim: all six readable.
        let t = SensorThresholds {
            readable: 0x3f,
            lnc: 166,
            lc: 163,
            lnr: 161,
            unc: 215,
            uc: 218,
            unr: 220,
        };
        golden("3f a6 a3 a1 d7 da dc", &t);
        assert_eq!(t.get(Threshold::UpperCritical), Some(218));
        let partial = SensorThresholds {
            readable: 0x18,
            ..t
        };
        assert_eq!(partial.get(Threshold::LowerCritical), None);
        assert_eq!(partial.get(Threshold::UpperNonCritical), Some(215));
        assert!(SensorThresholds::from_bytes(&hex("3f a6 a3 a1 d7 da")).is_err());
    }

    proptest! {
        #[test]
        fn round_trips(
            raw in any::<u8>(), ev in any::<bool>(), sc in any::<bool>(), un in any::<bool>(),
            state in proptest::option::of(any::<u8>()), high in any::<u8>(), with_high in any::<bool>(),
            t in any::<[u8; 7]>(),
            m in -512i16..512, b in -512i16..512, be in -8i8..8, re in -8i8..8,
        ) {
            round_trip(&SensorReading {
                raw, event_messages_enabled: ev, scanning_enabled: sc, unavailable: un,
                state, state_high: if state.is_some() && with_high { Some(high) } else { None },
            });
            round_trip(&SensorThresholds { readable: t[0] & 0x3f, lnc: t[1], lc: t[2], lnr: t[3], unc: t[4], uc: t[5], unr: t[6] });
            round_trip(&ReadingFactors { next_reading: raw, factors: ConversionFactors::new(m, b, be, re) });
            round_trip(&GetSensorReadingFactors { sensor_number: raw, reading: high });
        }

        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..20)) {
            decode_any::<GetSensorReading>(&bytes);
            decode_any::<SensorReading>(&bytes);
            decode_any::<GetSensorReadingFactors>(&bytes);
            decode_any::<ReadingFactors>(&bytes);
            decode_any::<GetSensorThresholds>(&bytes);
            decode_any::<SensorThresholds>(&bytes);
            if let Ok(r) = SensorReading::from_bytes(&bytes) {
                let _ = (r.state_bits(), r.crossed_thresholds());
            }
        }
    }
}
