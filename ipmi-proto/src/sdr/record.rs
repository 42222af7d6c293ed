//! SDR record formats (IPMI v2.0 §43): the 5-byte header and the record
//! types a sensor reader needs — Full Sensor (01h, Table 43-1), Compact
//! Sensor (02h, Table 43-2), Event-Only (03h, Table 43-3), FRU Device
//! Locator (11h, Table 43-7), Management Controller Device Locator (12h,
//! Table 43-8) and OEM (C0h, Table 43-11). Every other type is kept as
//! [`SdrRecord::Unknown`] with its bytes.
//!
//! Byte numbers in the docs are the spec's: 1-based, counting the header.
//! Each record type decodes its *body* (the bytes after the header) and
//! encodes it back; [`SdrRecord::to_bytes`] adds the header. Decoding never
//! panics: a body too short for its type's fixed fields makes
//! [`SdrRecord::parse`] return [`SdrRecord::Unknown`].

use super::id_string::IdString;
use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::sensor::conversion::{AnalogFormat, Conversion, ConversionFactors, Linearization};
use crate::sensor::units::SensorUnits;

/// SDR version written in new records' headers (IPMI v2.0 §43: 51h).
pub const SDR_VERSION: u8 = 0x51;
/// Length of the record header.
pub const HEADER_LEN: usize = 5;

/// Record type 01h: Full Sensor Record.
pub const TYPE_FULL: u8 = 0x01;
/// Record type 02h: Compact Sensor Record.
pub const TYPE_COMPACT: u8 = 0x02;
/// Record type 03h: Event-Only Record.
pub const TYPE_EVENT_ONLY: u8 = 0x03;
/// Record type 11h: FRU Device Locator Record.
pub const TYPE_FRU_LOCATOR: u8 = 0x11;
/// Record type 12h: Management Controller Device Locator Record.
pub const TYPE_MC_LOCATOR: u8 = 0x12;
/// Record type C0h: OEM Record.
pub const TYPE_OEM: u8 = 0xc0;

/// The common record header (IPMI v2.0 §43, "SDR Record Header").
///
/// ```text
///  byte  field
///  1:2   record ID, LS byte first
///  3     SDR version (51h)
///  4     record type
///  5     record length: number of bytes that follow
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SdrHeader {
    /// Record ID.
    pub record_id: u16,
    /// SDR version.
    pub version: u8,
    /// Record type.
    pub record_type: u8,
    /// Number of body bytes after the header.
    pub length: u8,
}

impl Codec for SdrHeader {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.record_id)
            .u8(self.version)
            .u8(self.record_type)
            .u8(self.length);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            record_id: r.u16_le("SDR record ID")?,
            version: r.u8("SDR version")?,
            record_type: r.u8("SDR record type")?,
            length: r.u8("SDR record length")?,
        })
    }
}

impl SdrHeader {
    /// Header plus body length.
    pub fn total_len(&self) -> usize {
        HEADER_LEN.saturating_add(usize::from(self.length))
    }
}

/// Sensor owner: bytes 6–7 of sensor records (IPMI v2.0 Table 43-1).
///
/// ```text
///  byte 6  [7:1] IPMB slave address or system software ID
///          [0]   0b = IPMB slave address, 1b = system software ID
///  byte 7  [7:4] channel number, [3:2] reserved, [1:0] sensor owner LUN
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SensorOwner {
    /// Byte 6 as is (the BMC is 20h).
    pub owner_id: u8,
    /// Channel number (byte 7 `[7:4]`).
    pub channel: u8,
    /// LUN (byte 7 `[1:0]`).
    pub lun: u8,
}

/// The BMC's slave address (IPMI v2.0 §5.4).
pub const BMC_OWNER_ID: u8 = 0x20;

impl Default for SensorOwner {
    /// The BMC, channel 0, LUN 0.
    fn default() -> Self {
        Self::bmc(0)
    }
}

impl SensorOwner {
    /// A sensor of the BMC on `lun`.
    pub fn bmc(lun: u8) -> Self {
        Self {
            owner_id: BMC_OWNER_ID,
            channel: 0,
            lun: lun & 0x03,
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let owner_id = r.u8("sensor owner ID")?;
        let lun = r.u8("sensor owner LUN")?;
        Ok(Self {
            owner_id,
            channel: lun >> 4,
            lun: lun & 0x03,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.u8(self.owner_id)
            .u8(((self.channel & 0x0f) << 4) | (self.lun & 0x03));
    }

    /// `true` when the owner is system software, not a controller.
    pub fn is_software(&self) -> bool {
        self.owner_id & 0x01 != 0
    }

    /// `true` when the BMC itself (20h, primary channel 0) owns the sensor,
    /// so Get Sensor Reading goes to it directly with the owner's LUN.
    pub fn is_bmc(&self) -> bool {
        self.owner_id == BMC_OWNER_ID && self.channel == 0
    }
}

/// Entity: bytes 9–10 of sensor records (IPMI v2.0 Table 43-1, §39).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Entity {
    /// Entity ID (IPMI v2.0 Table 43-13).
    pub id: u8,
    /// Entity instance, 7 bits (60h–7Fh are device-relative).
    pub instance: u8,
    /// Byte 10 bit 7: logical container entity.
    pub logical: bool,
}

impl Entity {
    /// A physical entity.
    pub fn new(id: u8, instance: u8) -> Self {
        Self {
            id,
            instance: instance & 0x7f,
            logical: false,
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let id = r.u8("entity ID")?;
        let inst = r.u8("entity instance")?;
        Ok(Self {
            id,
            instance: inst & 0x7f,
            logical: inst & 0x80 != 0,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.u8(self.id)
            .u8((self.instance & 0x7f) | if self.logical { 0x80 } else { 0 });
    }
}

/// Raw threshold values of a Full Sensor Record (bytes 37–42), in the
/// record's analog data format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RawThresholds {
    /// Upper non-recoverable (byte 37).
    pub unr: u8,
    /// Upper critical (byte 38).
    pub uc: u8,
    /// Upper non-critical (byte 39).
    pub unc: u8,
    /// Lower non-recoverable (byte 40).
    pub lnr: u8,
    /// Lower critical (byte 41).
    pub lc: u8,
    /// Lower non-critical (byte 42).
    pub lnc: u8,
}

impl RawThresholds {
    /// The raw value of one threshold.
    pub fn get(&self, t: crate::sensor::events::Threshold) -> u8 {
        use crate::sensor::events::Threshold as T;
        match t {
            T::LowerNonCritical => self.lnc,
            T::LowerCritical => self.lc,
            T::LowerNonRecoverable => self.lnr,
            T::UpperNonCritical => self.unc,
            T::UpperCritical => self.uc,
            T::UpperNonRecoverable => self.unr,
        }
    }

    /// Sets the raw value of one threshold.
    pub fn set(&mut self, t: crate::sensor::events::Threshold, raw: u8) {
        use crate::sensor::events::Threshold as T;
        match t {
            T::LowerNonCritical => self.lnc = raw,
            T::LowerCritical => self.lc = raw,
            T::LowerNonRecoverable => self.lnr = raw,
            T::UpperNonCritical => self.unc = raw,
            T::UpperCritical => self.uc = raw,
            T::UpperNonRecoverable => self.unr = raw,
        }
    }
}

/// Fields shared by full and compact sensor records: bytes 6–23 (IPMI v2.0
/// Tables 43-1 and 43-2).
///
/// ```text
///  6:7   owner           8  sensor number       9:10  entity
///  11    initialization: [6] init scanning … [1] events enabled,
///        [0] scanning enabled (by default)
///  12    capabilities: [7] ignore sensor, [6] auto re-arm,
///        [5:4] hysteresis, [3:2] threshold access, [1:0] event control
///  13    sensor type     14 event/reading type code
///  15:16 assertion event mask / lower threshold reading mask
///  17:18 deassertion event mask / upper threshold reading mask
///  19:20 discrete reading mask, or readable (19) / settable (20)
///        threshold masks
///  21    sensor units 1: [7:6] analog data format, [5:3] rate,
///        [2:1] modifier, [0] percentage
///  22    base unit       23 modifier unit
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SensorFields {
    /// Owner and LUN.
    pub owner: SensorOwner,
    /// Sensor number (FFh reserved).
    pub number: u8,
    /// Entity.
    pub entity: Entity,
    /// Sensor initialization byte.
    pub initialization: u8,
    /// Sensor capabilities byte.
    pub capabilities: u8,
    /// Sensor type (IPMI v2.0 Table 42-3).
    pub sensor_type: u8,
    /// Event/reading type code (IPMI v2.0 Table 42-1).
    pub event_reading_type: u8,
    /// Assertion event mask (bytes 15–16).
    pub assertion_mask: u16,
    /// Deassertion event mask (bytes 17–18).
    pub deassertion_mask: u16,
    /// Discrete reading mask, or readable (low byte) and settable (high
    /// byte) threshold masks (bytes 19–20).
    pub reading_mask: u16,
    /// Sensor units 1 (byte 21), analog format bits included.
    pub units1: u8,
    /// Base unit (byte 22).
    pub base_unit: u8,
    /// Modifier unit (byte 23).
    pub modifier_unit: u8,
}

impl SensorFields {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            owner: SensorOwner::decode(r)?,
            number: r.u8("sensor number")?,
            entity: Entity::decode(r)?,
            initialization: r.u8("sensor initialization")?,
            capabilities: r.u8("sensor capabilities")?,
            sensor_type: r.u8("sensor type")?,
            event_reading_type: r.u8("event/reading type")?,
            assertion_mask: r.u16_le("assertion event mask")?,
            deassertion_mask: r.u16_le("deassertion event mask")?,
            reading_mask: r.u16_le("reading mask")?,
            units1: r.u8("sensor units 1")?,
            base_unit: r.u8("base unit")?,
            modifier_unit: r.u8("modifier unit")?,
        })
    }

    fn encode(&self, w: &mut Writer) {
        self.owner.encode(w);
        w.u8(self.number);
        self.entity.encode(w);
        w.u8(self.initialization)
            .u8(self.capabilities)
            .u8(self.sensor_type)
            .u8(self.event_reading_type)
            .u16_le(self.assertion_mask)
            .u16_le(self.deassertion_mask)
            .u16_le(self.reading_mask)
            .u8(self.units1)
            .u8(self.base_unit)
            .u8(self.modifier_unit);
    }

    /// The analog data format (units 1 `[7:6]`).
    pub fn analog_format(&self) -> AnalogFormat {
        AnalogFormat::from_units1(self.units1)
    }

    /// The units.
    pub fn units(&self) -> SensorUnits {
        SensorUnits::from_bytes(self.units1, self.base_unit, self.modifier_unit)
    }

    /// Initialization bit 0: sensor scanning enabled by default.
    pub fn scanning_enabled_by_default(&self) -> bool {
        self.initialization & 0x01 != 0
    }

    /// Threshold access support (capabilities `[3:2]`): 0 none, 1 readable,
    /// 2 readable and settable, 3 fixed and unreadable.
    pub fn threshold_access(&self) -> u8 {
        (self.capabilities >> 2) & 0x03
    }

    /// The readable threshold mask (byte 19 `[5:0]`), for threshold sensors.
    pub fn readable_thresholds(&self) -> u8 {
        self.reading_mask.to_le_bytes()[0] & 0x3f
    }

    /// The settable threshold mask (byte 20 `[5:0]`), for threshold sensors.
    pub fn settable_thresholds(&self) -> u8 {
        self.reading_mask.to_le_bytes()[1] & 0x3f
    }

    /// The discrete reading mask (bytes 19–20, bit 15 reserved).
    pub fn discrete_reading_mask(&self) -> u16 {
        self.reading_mask & 0x7fff
    }
}

/// Full Sensor Record (type 01h; IPMI v2.0 §43.1, Table 43-1): bytes 6–23
/// as [`SensorFields`], then:
///
/// ```text
///  24    linearization [6:0]
///  25:30 M, tolerance, B, accuracy, direction, R/B exponents
///        (see ConversionFactors)
///  31    analog characteristic flags: [2] normal min, [1] normal max,
///        [0] nominal reading specified
///  32    nominal reading   33 normal maximum   34 normal minimum
///  35    sensor maximum    36 sensor minimum
///  37:42 UNR, UCR, UNC, LNR, LCR, LNC thresholds (raw)
///  43    positive-going hysteresis   44 negative-going hysteresis
///  45:46 reserved          47 OEM
///  48    ID string type/length       49:64 ID string
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FullSensorRecord {
    /// Bytes 6–23.
    pub sensor: SensorFields,
    /// Linearization code (byte 24 `[6:0]`).
    pub linearization: u8,
    /// Conversion factors (bytes 25–30).
    pub factors: ConversionFactors,
    /// Sensor direction (byte 29 `[1:0]`).
    pub direction: u8,
    /// Analog characteristic flags (byte 31).
    pub analog_flags: u8,
    /// Nominal reading, raw (byte 32).
    pub nominal_reading: u8,
    /// Normal maximum, raw (byte 33).
    pub normal_max: u8,
    /// Normal minimum, raw (byte 34).
    pub normal_min: u8,
    /// Sensor maximum reading, raw (byte 35).
    pub sensor_max: u8,
    /// Sensor minimum reading, raw (byte 36).
    pub sensor_min: u8,
    /// Thresholds, raw (bytes 37–42).
    pub thresholds: RawThresholds,
    /// Positive-going threshold hysteresis, raw counts (byte 43).
    pub hysteresis_positive: u8,
    /// Negative-going threshold hysteresis, raw counts (byte 44).
    pub hysteresis_negative: u8,
    /// Reserved bytes 45–46 (kept for a faithful round trip).
    pub reserved: [u8; 2],
    /// OEM byte (47).
    pub oem: u8,
    /// ID string (bytes 48…).
    pub id: IdString,
}

impl FullSensorRecord {
    /// Decodes the body (bytes 6…).
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when the fixed fields (up to byte 47) are
    /// incomplete; a missing ID string is an empty name.
    pub fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let sensor = SensorFields::decode(r)?;
        let linearization = r.u8("linearization")? & 0x7f;
        let (factors, direction) = ConversionFactors::decode(r)?;
        Ok(Self {
            sensor,
            linearization,
            factors,
            direction,
            analog_flags: r.u8("analog characteristic flags")?,
            nominal_reading: r.u8("nominal reading")?,
            normal_max: r.u8("normal maximum")?,
            normal_min: r.u8("normal minimum")?,
            sensor_max: r.u8("sensor maximum")?,
            sensor_min: r.u8("sensor minimum")?,
            thresholds: RawThresholds {
                unr: r.u8("upper non-recoverable threshold")?,
                uc: r.u8("upper critical threshold")?,
                unc: r.u8("upper non-critical threshold")?,
                lnr: r.u8("lower non-recoverable threshold")?,
                lc: r.u8("lower critical threshold")?,
                lnc: r.u8("lower non-critical threshold")?,
            },
            hysteresis_positive: r.u8("positive hysteresis")?,
            hysteresis_negative: r.u8("negative hysteresis")?,
            reserved: r.array("reserved")?,
            oem: r.u8("OEM")?,
            id: IdString::decode(r)?,
        })
    }

    /// Encodes the body.
    pub fn encode_body(&self, w: &mut Writer) {
        self.sensor.encode(w);
        w.u8(self.linearization & 0x7f);
        self.factors.encode(w, self.direction);
        let t = &self.thresholds;
        w.u8(self.analog_flags)
            .u8(self.nominal_reading)
            .u8(self.normal_max)
            .u8(self.normal_min)
            .u8(self.sensor_max)
            .u8(self.sensor_min)
            .u8(t.unr)
            .u8(t.uc)
            .u8(t.unc)
            .u8(t.lnr)
            .u8(t.lc)
            .u8(t.lnc)
            .u8(self.hysteresis_positive)
            .u8(self.hysteresis_negative)
            .bytes(&self.reserved)
            .u8(self.oem);
        self.id.encode(w);
    }

    /// The conversion of raw readings (format, linearization, factors).
    pub fn conversion(&self) -> Conversion {
        Conversion {
            format: self.sensor.analog_format(),
            linearization: Linearization::from(self.linearization),
            factors: self.factors,
        }
    }
}

/// Sensor record sharing (Compact bytes 24–25, Event-Only bytes 13–14;
/// IPMI v2.0 Tables 43-2 and 43-3).
///
/// ```text
///  byte 1  [7:6] sensor direction (compact only)
///          [5:4] ID string instance modifier type: 00b numeric, 01b alpha
///          [3:0] share count (0 and 1 both mean "not shared")
///  byte 2  [7]   entity instance increments for each shared sensor
///          [6:0] ID string instance modifier offset
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Sharing {
    /// Sensor direction bits (compact records).
    pub direction: u8,
    /// `true` for an alphabetic instance modifier (A, B, …, Z, AA, …).
    pub alpha_modifier: bool,
    /// Modifier type bits `[5:4]` as sent (2 and 3 are reserved and read
    /// as numeric).
    pub modifier_type: u8,
    /// Number of sensors sharing the record (0 is read as 1).
    pub count: u8,
    /// Entity instance increments with each shared sensor.
    pub entity_instance_increments: bool,
    /// ID string instance modifier offset (7 bits).
    pub modifier_offset: u8,
}

impl Sharing {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let b1 = r.u8("record sharing 1")?;
        let b2 = r.u8("record sharing 2")?;
        let modifier_type = (b1 >> 4) & 0x03;
        Ok(Self {
            direction: b1 >> 6,
            alpha_modifier: modifier_type == 1,
            modifier_type,
            count: b1 & 0x0f,
            entity_instance_increments: b2 & 0x80 != 0,
            modifier_offset: b2 & 0x7f,
        })
    }

    fn encode(&self, w: &mut Writer) {
        let modifier_type = if self.alpha_modifier {
            1
        } else {
            self.modifier_type & 0x02
        };
        w.u8(((self.direction & 0x03) << 6) | (modifier_type << 4) | (self.count & 0x0f))
            .u8((self.modifier_offset & 0x7f)
                | if self.entity_instance_increments {
                    0x80
                } else {
                    0
                });
    }

    /// Sharing `count` sensors with a numeric (`alpha == false`) or
    /// alphabetic modifier starting at `offset`.
    pub fn shared(count: u8, alpha: bool, offset: u8, entity_increments: bool) -> Self {
        Self {
            direction: 0,
            alpha_modifier: alpha,
            modifier_type: u8::from(alpha),
            count: count & 0x0f,
            entity_instance_increments: entity_increments,
            modifier_offset: offset & 0x7f,
        }
    }

    /// The number of sensors the record stands for (at least 1).
    pub fn sensors(&self) -> u8 {
        self.count.max(1)
    }

    /// The ID string suffix of shared sensor `index` (0-based), as
    /// FreeIPMI's `--shared-sensors` appends it after a space: numeric
    /// `offset + index`; alphabetic `A`–`Z`, `AA`… for `offset + index` =
    /// 0, 1, …, 25, 26… (IPMI v2.0 Table 43-2, byte 24 `[5:4]`).
    pub fn instance_suffix(&self, index: u8) -> String {
        let n = u32::from(self.modifier_offset).saturating_add(u32::from(index));
        if self.alpha_modifier {
            let mut letters = Vec::new();
            let mut v = n;
            loop {
                letters.push(char::from(
                    b'A'.saturating_add(u8::try_from(v % 26).unwrap_or(0)),
                ));
                if v < 26 {
                    break;
                }
                v = (v / 26).saturating_sub(1);
            }
            letters.iter().rev().collect()
        } else {
            n.to_string()
        }
    }
}

/// Compact Sensor Record (type 02h; IPMI v2.0 §43.2, Table 43-2): bytes
/// 6–23 as [`SensorFields`] (units 1 `[7:6]` = 11b, no analog reading),
/// then:
///
/// ```text
///  24:25 record sharing (see Sharing)
///  26    positive-going hysteresis   27 negative-going hysteresis
///  28:30 reserved                    31 OEM
///  32    ID string type/length       33:48 ID string
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CompactSensorRecord {
    /// Bytes 6–23.
    pub sensor: SensorFields,
    /// Sharing (bytes 24–25).
    pub sharing: Sharing,
    /// Positive-going hysteresis (byte 26).
    pub hysteresis_positive: u8,
    /// Negative-going hysteresis (byte 27).
    pub hysteresis_negative: u8,
    /// Reserved bytes 28–30.
    pub reserved: [u8; 3],
    /// OEM byte (31).
    pub oem: u8,
    /// ID string (bytes 32…).
    pub id: IdString,
}

impl CompactSensorRecord {
    /// Decodes the body (bytes 6…).
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when fixed fields (up to byte 31) are
    /// missing.
    pub fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            sensor: SensorFields::decode(r)?,
            sharing: Sharing::decode(r)?,
            hysteresis_positive: r.u8("positive hysteresis")?,
            hysteresis_negative: r.u8("negative hysteresis")?,
            reserved: r.array("reserved")?,
            oem: r.u8("OEM")?,
            id: IdString::decode(r)?,
        })
    }

    /// Encodes the body.
    pub fn encode_body(&self, w: &mut Writer) {
        self.sensor.encode(w);
        self.sharing.encode(w);
        w.u8(self.hysteresis_positive)
            .u8(self.hysteresis_negative)
            .bytes(&self.reserved)
            .u8(self.oem);
        self.id.encode(w);
    }
}

/// Event-Only Record (type 03h; IPMI v2.0 §43.3, Table 43-3): a sensor
/// that only generates events and cannot be read.
///
/// ```text
///  6:7   owner   8 sensor number   9:10 entity
///  11    sensor type   12 event/reading type
///  13:14 record sharing   15 reserved   16 OEM
///  17    ID string type/length   18:33 ID string
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EventOnlyRecord {
    /// Owner and LUN.
    pub owner: SensorOwner,
    /// Sensor number.
    pub number: u8,
    /// Entity.
    pub entity: Entity,
    /// Sensor type.
    pub sensor_type: u8,
    /// Event/reading type code.
    pub event_reading_type: u8,
    /// Sharing (bytes 13–14).
    pub sharing: Sharing,
    /// Reserved byte 15.
    pub reserved: u8,
    /// OEM byte (16).
    pub oem: u8,
    /// ID string.
    pub id: IdString,
}

impl EventOnlyRecord {
    /// Decodes the body (bytes 6…).
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when fixed fields are missing.
    pub fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            owner: SensorOwner::decode(r)?,
            number: r.u8("sensor number")?,
            entity: Entity::decode(r)?,
            sensor_type: r.u8("sensor type")?,
            event_reading_type: r.u8("event/reading type")?,
            sharing: Sharing::decode(r)?,
            reserved: r.u8("reserved")?,
            oem: r.u8("OEM")?,
            id: IdString::decode(r)?,
        })
    }

    /// Encodes the body.
    pub fn encode_body(&self, w: &mut Writer) {
        self.owner.encode(w);
        w.u8(self.number);
        self.entity.encode(w);
        w.u8(self.sensor_type).u8(self.event_reading_type);
        self.sharing.encode(w);
        w.u8(self.reserved).u8(self.oem);
        self.id.encode(w);
    }
}

/// FRU Device Locator Record (type 11h; IPMI v2.0 §43.7, Table 43-7).
///
/// ```text
///  6   device access address [7:1]
///  7   FRU device ID (logical) or 7-bit slave address (physical)
///  8   [7] logical FRU device, [4:3] access LUN, [2:0] private bus ID
///  9   [7:4] channel number
///  10  reserved   11 device type   12 device type modifier
///  13  FRU entity ID   14 FRU entity instance   15 OEM
///  16  ID string type/length   17:32 ID string
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FruLocatorRecord {
    /// Device access address (byte 6).
    pub access_address: u8,
    /// FRU device ID or slave address (byte 7).
    pub fru_device_id: u8,
    /// Byte 8: logical flag, access LUN, private bus.
    pub access: u8,
    /// Byte 9 (channel in `[7:4]`).
    pub channel: u8,
    /// Reserved byte 10.
    pub reserved: u8,
    /// Device type (byte 11; 10h = logical FRU device).
    pub device_type: u8,
    /// Device type modifier (byte 12).
    pub device_type_modifier: u8,
    /// FRU entity (bytes 13–14).
    pub entity: Entity,
    /// OEM byte (15).
    pub oem: u8,
    /// ID string.
    pub id: IdString,
}

impl FruLocatorRecord {
    /// Decodes the body.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when fixed fields are missing.
    pub fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            access_address: r.u8("device access address")?,
            fru_device_id: r.u8("FRU device ID")?,
            access: r.u8("access LUN / bus")?,
            channel: r.u8("channel number")?,
            reserved: r.u8("reserved")?,
            device_type: r.u8("device type")?,
            device_type_modifier: r.u8("device type modifier")?,
            entity: Entity::decode(r)?,
            oem: r.u8("OEM")?,
            id: IdString::decode(r)?,
        })
    }

    /// Encodes the body.
    pub fn encode_body(&self, w: &mut Writer) {
        w.u8(self.access_address)
            .u8(self.fru_device_id)
            .u8(self.access)
            .u8(self.channel)
            .u8(self.reserved)
            .u8(self.device_type)
            .u8(self.device_type_modifier);
        self.entity.encode(w);
        w.u8(self.oem);
        self.id.encode(w);
    }

    /// Byte 8 bit 7: a logical FRU device (read with Read FRU Data).
    pub fn is_logical(&self) -> bool {
        self.access & 0x80 != 0
    }
}

/// Management Controller Device Locator Record (type 12h; IPMI v2.0
/// §43.9, Table 43-8).
///
/// ```text
///  6   device slave address [7:1]   7 [3:0] channel number
///  8   power state notification / global initialization
///  9   device capabilities (as Get Device ID byte 7)
///  10:12 reserved   13 entity ID   14 entity instance   15 OEM
///  16  ID string type/length   17:32 ID string
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct McLocatorRecord {
    /// Device slave address (byte 6).
    pub slave_address: u8,
    /// Channel number (byte 7).
    pub channel: u8,
    /// Power state notification and global initialization (byte 8).
    pub power_state: u8,
    /// Device capabilities (byte 9).
    pub capabilities: u8,
    /// Reserved bytes 10–12.
    pub reserved: [u8; 3],
    /// Entity (bytes 13–14).
    pub entity: Entity,
    /// OEM byte (15).
    pub oem: u8,
    /// ID string.
    pub id: IdString,
}

impl McLocatorRecord {
    /// Decodes the body.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when fixed fields are missing.
    pub fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            slave_address: r.u8("device slave address")?,
            channel: r.u8("channel number")?,
            power_state: r.u8("power state notification")?,
            capabilities: r.u8("device capabilities")?,
            reserved: r.array("reserved")?,
            entity: Entity::decode(r)?,
            oem: r.u8("OEM")?,
            id: IdString::decode(r)?,
        })
    }

    /// Encodes the body.
    pub fn encode_body(&self, w: &mut Writer) {
        w.u8(self.slave_address)
            .u8(self.channel)
            .u8(self.power_state)
            .u8(self.capabilities)
            .bytes(&self.reserved);
        self.entity.encode(w);
        w.u8(self.oem);
        self.id.encode(w);
    }
}

/// OEM Record (type C0h; IPMI v2.0 §43.12, Table 43-11): a 3-byte
/// manufacturer ID (IANA, LS byte first) and OEM data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OemRecord {
    /// IANA enterprise number.
    pub manufacturer_id: u32,
    /// OEM data.
    pub data: Vec<u8>,
}

impl OemRecord {
    /// Decodes the body.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] without the manufacturer ID.
    pub fn decode_body(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            manufacturer_id: r.u24_le("OEM manufacturer ID")?,
            data: r.rest().to_vec(),
        })
    }

    /// Encodes the body.
    pub fn encode_body(&self, w: &mut Writer) {
        w.u24_le(self.manufacturer_id).bytes(&self.data);
    }
}

/// A decoded SDR record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SdrRecord {
    /// Type 01h.
    Full(FullSensorRecord),
    /// Type 02h.
    Compact(CompactSensorRecord),
    /// Type 03h.
    EventOnly(EventOnlyRecord),
    /// Type 11h.
    FruLocator(FruLocatorRecord),
    /// Type 12h.
    McLocator(McLocatorRecord),
    /// Type C0h.
    Oem(OemRecord),
    /// Any other type, or a known type whose fixed fields do not fit in the
    /// record: the body bytes, kept and skipped.
    Unknown {
        /// Record type.
        record_type: u8,
        /// Body bytes (after the header).
        bytes: Vec<u8>,
    },
}

impl SdrRecord {
    /// The record type code.
    pub fn record_type(&self) -> u8 {
        match self {
            Self::Full(_) => TYPE_FULL,
            Self::Compact(_) => TYPE_COMPACT,
            Self::EventOnly(_) => TYPE_EVENT_ONLY,
            Self::FruLocator(_) => TYPE_FRU_LOCATOR,
            Self::McLocator(_) => TYPE_MC_LOCATOR,
            Self::Oem(_) => TYPE_OEM,
            Self::Unknown { record_type, .. } => *record_type,
        }
    }

    /// Decodes a record body of type `record_type`. Never fails: an
    /// undecodable body becomes [`SdrRecord::Unknown`].
    pub fn parse(record_type: u8, body: &[u8]) -> Self {
        let mut r = Reader::new(body);
        let decoded = match record_type {
            TYPE_FULL => FullSensorRecord::decode_body(&mut r).map(Self::Full),
            TYPE_COMPACT => CompactSensorRecord::decode_body(&mut r).map(Self::Compact),
            TYPE_EVENT_ONLY => EventOnlyRecord::decode_body(&mut r).map(Self::EventOnly),
            TYPE_FRU_LOCATOR => FruLocatorRecord::decode_body(&mut r).map(Self::FruLocator),
            TYPE_MC_LOCATOR => McLocatorRecord::decode_body(&mut r).map(Self::McLocator),
            TYPE_OEM => OemRecord::decode_body(&mut r).map(Self::Oem),
            _ => Err(DecodeError::InvalidField {
                what: "SDR record type",
                value: u32::from(record_type),
            }),
        };
        decoded.unwrap_or_else(|_| Self::Unknown {
            record_type,
            bytes: body.to_vec(),
        })
    }

    /// Decodes a whole record (header + body): the header and the record.
    /// Bytes beyond the header's length are ignored (ipmi_sim appends
    /// garbage to whole-record reads); a body shorter than the length is
    /// decoded as far as it goes.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when even the header is incomplete.
    pub fn parse_raw(raw: &[u8]) -> Result<(SdrHeader, Self), DecodeError> {
        let mut r = Reader::new(raw);
        let header = SdrHeader::decode(&mut r)?;
        let body = r.take_up_to(usize::from(header.length));
        Ok((header, Self::parse(header.record_type, body)))
    }

    /// Encodes the body.
    pub fn encode_body(&self, w: &mut Writer) {
        match self {
            Self::Full(x) => x.encode_body(w),
            Self::Compact(x) => x.encode_body(w),
            Self::EventOnly(x) => x.encode_body(w),
            Self::FruLocator(x) => x.encode_body(w),
            Self::McLocator(x) => x.encode_body(w),
            Self::Oem(x) => x.encode_body(w),
            Self::Unknown { bytes, .. } => {
                w.bytes(bytes);
            }
        }
    }

    /// The whole record with a header for `record_id` (version 51h, the
    /// body's length; bodies over 255 bytes are cut).
    pub fn to_bytes(&self, record_id: u16) -> Vec<u8> {
        let mut body = Writer::new();
        self.encode_body(&mut body);
        let mut body = body.into_vec();
        body.truncate(255);
        let mut w = Writer::with_capacity(body.len().saturating_add(HEADER_LEN));
        SdrHeader {
            record_id,
            version: SDR_VERSION,
            record_type: self.record_type(),
            length: u8::try_from(body.len()).unwrap_or(u8::MAX),
        }
        .encode(&mut w);
        w.bytes(&body);
        w.into_vec()
    }

    /// The ID string of records that have one.
    pub fn id_string(&self) -> Option<&IdString> {
        match self {
            Self::Full(x) => Some(&x.id),
            Self::Compact(x) => Some(&x.id),
            Self::EventOnly(x) => Some(&x.id),
            Self::FruLocator(x) => Some(&x.id),
            Self::McLocator(x) => Some(&x.id),
            Self::Oem(_) | Self::Unknown { .. } => None,
        }
    }

    /// The decoded name (ID string text), empty when the record has none.
    pub fn name(&self) -> String {
        self.id_string().map(IdString::text).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::test_util::hex;
    use crate::sensor::events::Threshold;

    // Records of tests/sim/expected/sensors.json (the project's ipmi_sim machine).
    const EXHAUST: &str = "02 00 51 01 37 20 00 01 07 01 6f 58 01 01 85 32 85 32 1b 1b 80 01 00 00 01 00 00 00 01 00 00 00 00 00 7f 80 00 4b 46 00 03 08 01 01 00 00 00 cc 45 78 68 61 75 73 74 20 54 65 6d 70";
    const DIMM: &str = "1e 00 51 02 1f 20 00 d0 20 01 67 40 0c 6f ff 07 ff 07 ff 07 c0 00 00 04 81 00 00 00 00 00 00 c4 44 49 4d 4d";
    const RISER: &str = "20 00 51 02 20 20 00 c0 10 01 67 40 15 08 03 00 03 00 03 00 c0 00 00 12 00 00 00 00 00 00 00 c5 52 69 73 65 72";
    const WATCHDOG: &str =
        "21 00 51 03 17 20 00 71 07 01 23 6f 01 00 00 00 cb 4f 53 20 57 61 74 63 68 64 6f 67";
    const FRU: &str = "22 00 51 11 0e 20 01 80 00 00 10 00 0a 01 00 c3 50 53 31";
    const MC: &str = "01 00 51 12 10 20 00 00 bf 00 00 00 06 01 00 c5 69 44 52 41 43";
    const OEM: &str = "24 00 51 c0 08 a2 02 00 01 02 03 04 05";
    const VCCIN: &str = "11 00 51 01 35 20 00 52 03 01 7f 58 02 01 04 22 04 22 12 12 00 04 00 00 0a 00 fe c0 01 d2 00 00 00 00 ff 00 00 e6 00 00 aa 00 01 01 00 00 00 ca 43 50 55 31 20 56 43 43 49 4e";

    fn golden_record(hex_text: &str) -> SdrRecord {
        let raw = hex(hex_text);
        let (header, record) = SdrRecord::parse_raw(&raw).unwrap();
        assert_eq!(header.total_len(), raw.len());
        assert_eq!(
            record.to_bytes(header.record_id),
            raw,
            "re-encode {hex_text}"
        );
        record
    }

    #[test]
    fn full_record_golden() {
        let SdrRecord::Full(r) = golden_record(EXHAUST) else {
            panic!("not full")
        };
        assert_eq!(r.sensor.owner, SensorOwner::bmc(0));
        assert!(r.sensor.owner.is_bmc());
        assert_eq!(r.sensor.number, 1);
        assert_eq!(r.sensor.entity, Entity::new(7, 1));
        assert_eq!((r.sensor.sensor_type, r.sensor.event_reading_type), (1, 1));
        assert_eq!(r.sensor.analog_format(), AnalogFormat::TwosComplement);
        assert_eq!(r.sensor.readable_thresholds(), 0x1b);
        assert_eq!(r.thresholds.get(Threshold::UpperCritical), 75);
        assert_eq!(r.thresholds.get(Threshold::LowerNonCritical), 8);
        assert_eq!(r.id.text(), "Exhaust Temp");
        assert!(r.sensor.scanning_enabled_by_default());
        assert_eq!(r.sensor.threshold_access(), 2);
        assert_eq!(r.conversion().convert(0x26), Some(38.0));

        let SdrRecord::Full(v) = golden_record(VCCIN) else {
            panic!("not full")
        };
        assert_eq!(
            (v.factors.m, v.factors.b, v.factors.b_exp, v.factors.r_exp),
            (10, -2, 2, -3)
        );
        assert_eq!(v.conversion().convert(200), Some(1.8));
    }

    #[test]
    fn compact_and_sharing_golden() {
        let SdrRecord::Compact(d) = golden_record(DIMM) else {
            panic!("not compact")
        };
        assert_eq!(d.sharing.count, 4);
        assert!(!d.sharing.alpha_modifier);
        assert!(d.sharing.entity_instance_increments);
        assert_eq!(d.sharing.modifier_offset, 1);
        assert_eq!(d.sharing.instance_suffix(0), "1");
        assert_eq!(d.sharing.instance_suffix(3), "4");
        assert_eq!(d.sensor.discrete_reading_mask(), 0x07ff);
        let SdrRecord::Compact(r) = golden_record(RISER) else {
            panic!("not compact")
        };
        assert!(r.sharing.alpha_modifier);
        assert_eq!(r.sharing.instance_suffix(0), "A");
        assert_eq!(r.sharing.instance_suffix(1), "B");
        assert!(!r.sharing.entity_instance_increments);
    }

    #[test]
    fn alpha_suffixes() {
        let s = Sharing::shared(15, true, 20, false);
        assert_eq!(s.instance_suffix(5), "Z");
        assert_eq!(s.instance_suffix(6), "AA");
        assert_eq!(s.instance_suffix(7), "AB");
        let s = Sharing::shared(15, true, 127, false);
        assert_eq!(s.instance_suffix(14), "EL");
        assert_eq!(Sharing::default().sensors(), 1);
    }

    #[test]
    fn other_records_golden() {
        let SdrRecord::EventOnly(w) = golden_record(WATCHDOG) else {
            panic!()
        };
        assert_eq!(
            (w.number, w.sensor_type, w.event_reading_type),
            (0x71, 0x23, 0x6f)
        );
        assert_eq!(w.id.text(), "OS Watchdog");
        let SdrRecord::FruLocator(f) = golden_record(FRU) else {
            panic!()
        };
        assert!(f.is_logical());
        assert_eq!((f.fru_device_id, f.entity), (1, Entity::new(0x0a, 1)));
        assert_eq!(f.id.text(), "PS1");
        let SdrRecord::McLocator(m) = golden_record(MC) else {
            panic!()
        };
        assert_eq!((m.slave_address, m.capabilities), (0x20, 0xbf));
        assert_eq!(m.id.text(), "iDRAC");
        let SdrRecord::Oem(o) = golden_record(OEM) else {
            panic!()
        };
        assert_eq!(o.manufacturer_id, 674);
        assert_eq!(o.data, vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn unknown_and_malformed() {
        // Entity association (08h): kept as bytes.
        let raw = hex("40 00 51 08 03 01 02 03");
        let (h, r) = SdrRecord::parse_raw(&raw).unwrap();
        assert_eq!(h.record_type, 8);
        assert_eq!(
            r,
            SdrRecord::Unknown {
                record_type: 8,
                bytes: vec![1, 2, 3]
            }
        );
        assert_eq!(r.to_bytes(0x40), raw);
        assert_eq!(r.name(), "");
        // A full record cut in the middle is kept, not decoded.
        let mut cut = hex(EXHAUST);
        cut.truncate(30);
        let (_, r) = SdrRecord::parse_raw(&cut).unwrap();
        assert!(matches!(r, SdrRecord::Unknown { record_type: 1, .. }));
        // Garbage after the record (ipmi_sim whole-record reads) is ignored.
        let mut long = hex(MC);
        long.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef, 0, 0]);
        let (_, r) = SdrRecord::parse_raw(&long).unwrap();
        assert_eq!(r.name(), "iDRAC");
        assert!(SdrRecord::parse_raw(&[1, 2, 3]).is_err());
        // No ID string at all: an empty name.
        let mut no_id = hex(FRU);
        no_id.truncate(15);
        no_id[4] = 10;
        let (_, r) = SdrRecord::parse_raw(&no_id).unwrap();
        assert_eq!(r.name(), "");
        assert!(matches!(r, SdrRecord::FruLocator(_)));
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(t in proptest::prelude::any::<u8>(), body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80)) {
            let r = SdrRecord::parse(t, &body);
            let _ = r.name();
            let again = SdrRecord::parse(t, &r.to_bytes(1)[HEADER_LEN..]);
            // Known records re-encode to what decodes to the same record.
            proptest::prop_assert_eq!(again.record_type(), r.record_type());
        }
    }
}
