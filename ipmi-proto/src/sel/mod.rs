//! System Event Log records, decoded and described (sans-IO).
//!
//! * [`SelRecord`] decodes one 16-byte SEL record (IPMI v2.0 §32): system
//!   event records (type 02h, §32.1) into a [`SystemEvent`], OEM
//!   timestamped records (C0h–DFh, §32.2) and OEM non-timestamped records
//!   (E0h–FFh, §32.3) into their raw parts. Other types (00h–01h,
//!   03h–BFh) are decoded as system events and marked
//!   ([`SelRecordBody::SystemEvent::assumed`]), as FreeIPMI's
//!   `assumesystemevent` workaround does for BMCs that log illegal types
//!   (HP DL380 G5, Intel S2600JF).
//! * [`SelTimestamp`] follows the timestamp format of IPMI v2.0 §37:
//!   FFFFFFFFh is "unspecified", 00000000h–20000000h count seconds since
//!   the BMC initialised ("pre-init"), anything else is seconds since
//!   1970 in the BMC's clock.
//! * [`describe`] renders records the way `ipmitool sel elist` and
//!   FreeIPMI `ipmi-sel` print them (sensor type names, generic and
//!   sensor-specific event strings of IPMI v2.0 Tables 42-2 and 42-3, the
//!   trigger reading and threshold of threshold events), plus FreeIPMI's
//!   event state (Nominal / Warning / Critical). Sensor names and reading
//!   conversions come from the SDR through the [`SensorLookup`] hook.
//! * [`SelCursor`] is the state of an incremental reader: it decides from
//!   a fresh Get SEL Info whether nothing, only new entries, or the whole
//!   log must be read ([`crate::ops::sel`] does the reading).
//!
//! The event description tables live in [`tables`]; the sensor module has
//! its own sensor-type names for readings, and the two may be merged.

pub mod cursor;
pub mod describe;
pub mod sdr_lookup;
pub mod tables;
pub mod time;

use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::commands::bit;

pub use cursor::{ReadPlan, SelCursor};
pub use describe::{
    freeipmi_line, EventState, FreeIpmiLine, LinearConversion, NoSensors, SensorLookup,
    SensorReading, SensorTable, StaticSensor,
};
pub use time::CivilTime;

/// A SEL timestamp (IPMI v2.0 §37, "Timestamp Format").
///
/// Seconds since 1970-01-01 in the BMC's clock (which holds local time on
/// many BMCs: the format has no time zone). Values up to
/// [`SelTimestamp::PRE_INIT_MAX`] count seconds since the BMC initialised
/// its clock; [`SelTimestamp::UNSPECIFIED`] means no time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SelTimestamp(pub u32);

/// What a [`SelTimestamp`] means (IPMI v2.0 §37).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampKind {
    /// FFFFFFFFh: invalid or unspecified.
    Unspecified,
    /// 00000000h–20000000h: seconds since the BMC's initialisation.
    PreInit(u32),
    /// Seconds since 1970-01-01 00:00:00.
    Absolute(u32),
}

impl SelTimestamp {
    /// FFFFFFFFh: "unspecified" (IPMI v2.0 §37).
    pub const UNSPECIFIED: Self = Self(0xffff_ffff);
    /// The largest pre-init (relative) value, 20000000h (IPMI v2.0 §37).
    pub const PRE_INIT_MAX: u32 = 0x2000_0000;

    /// Classifies the value.
    pub fn kind(self) -> TimestampKind {
        match self.0 {
            0xffff_ffff => TimestampKind::Unspecified,
            v if v <= Self::PRE_INIT_MAX => TimestampKind::PreInit(v),
            v => TimestampKind::Absolute(v),
        }
    }

    /// Seconds since 1970, `None` when unspecified or pre-init.
    pub fn unix_seconds(self) -> Option<u32> {
        match self.kind() {
            TimestampKind::Absolute(v) => Some(v),
            _ => None,
        }
    }

    /// `true` for FFFFFFFFh.
    pub fn is_unspecified(self) -> bool {
        self.kind() == TimestampKind::Unspecified
    }

    /// `true` for 00000000h–20000000h.
    pub fn is_pre_init(self) -> bool {
        matches!(self.kind(), TimestampKind::PreInit(_))
    }
}

/// Whether an event is an assertion or a deassertion (IPMI v2.0 §29.7,
/// Table 29-6, "Event Dir" bit 7 of the event type byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventDirection {
    /// 0b: assertion event.
    Assertion,
    /// 1b: deassertion event.
    Deassertion,
}

impl EventDirection {
    /// `"Asserted"` / `"Deasserted"`, as `ipmitool sel elist` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assertion => "Asserted",
            Self::Deassertion => "Deasserted",
        }
    }
}

/// The generator of an event (IPMI v2.0 §32.1, Table 32-1, bytes 8–9;
/// software IDs §5.5).
///
/// ```text
///  byte 8  [7:1] 7-bit I2C slave address, or 7-bit system software ID
///          [0]   0b = IPMB slave address, 1b = system software ID
///  byte 9  [7:4] channel number   [3:2] reserved   [1:0] IPMB device LUN
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GeneratorId {
    /// Byte 8 as stored: the 8-bit slave address (e.g. 20h for the BMC)
    /// or the software ID with bit 0 set (e.g. 01h = BIOS). This is the
    /// value to compare with an SDR's sensor owner ID byte.
    pub owner: u8,
    /// Channel number (byte 9 `[7:4]`).
    pub channel: u8,
    /// IPMB device LUN (byte 9 `[1:0]`).
    pub lun: u8,
}

impl GeneratorId {
    /// Decodes the two bytes (LS byte first on the wire).
    pub fn from_u16(v: u16) -> Self {
        let [lo, hi] = v.to_le_bytes();
        Self {
            owner: lo,
            channel: hi >> 4,
            lun: hi & 0x03,
        }
    }

    /// The two bytes as a little-endian `u16` (reserved bits zero).
    pub fn to_u16(self) -> u16 {
        u16::from_le_bytes([self.owner, ((self.channel & 0x0f) << 4) | (self.lun & 0x03)])
    }

    /// `true` when the generator is system software (byte 8 bit 0).
    pub fn is_software(self) -> bool {
        bit(self.owner, 0)
    }

    /// The 7-bit slave address or software ID (byte 8 `[7:1]`).
    pub fn id(self) -> u8 {
        self.owner >> 1
    }

    /// What generated the event, for humans: "BMC" for slave address 20h,
    /// "BIOS" / "SMI handler" / "system management software" / "OEM" /
    /// "remote console software" / "terminal mode remote console
    /// software" for software IDs (IPMI v2.0 §5.5, Table 5-4), else
    /// `None`.
    pub fn label(self) -> Option<&'static str> {
        if !self.is_software() {
            return (self.owner == 0x20).then_some("BMC");
        }
        Some(match self.id() {
            0x00..=0x0f => "BIOS",
            0x10..=0x1f => "SMI handler",
            0x20..=0x2f => "system management software",
            0x30..=0x3f => "OEM",
            0x40..=0x46 => "remote console software",
            0x47 => "terminal mode remote console software",
            _ => return None,
        })
    }
}

/// The class of an event/reading type code (IPMI v2.0 §42.1, Table 42-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventClass {
    /// 00h: unspecified.
    Unspecified,
    /// 01h: threshold-based.
    Threshold,
    /// 02h–0Ch: generic discrete (Table 42-2).
    Generic,
    /// 6Fh: sensor-specific discrete (Table 42-3).
    SensorSpecific,
    /// 70h–7Fh: OEM.
    Oem,
    /// Everything else (reserved).
    Reserved,
}

impl EventClass {
    /// The class of event/reading type `code` (7 bits).
    pub fn of(code: u8) -> Self {
        match code & 0x7f {
            0x00 => Self::Unspecified,
            0x01 => Self::Threshold,
            0x02..=0x0c => Self::Generic,
            0x6f => Self::SensorSpecific,
            0x70..=0x7f => Self::Oem,
            _ => Self::Reserved,
        }
    }
}

/// How event data byte 2 or 3 is used (IPMI v2.0 §29.7, Table 29-6, event
/// data 1 bits `[7:6]` and `[5:4]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventDataUsage {
    /// 00b: unspecified (the byte should be FFh).
    Unspecified,
    /// Threshold data 2, 01b: the trigger reading.
    TriggerReading,
    /// Threshold data 3, 01b: the trigger threshold value.
    TriggerThreshold,
    /// Discrete data 2, 01b: previous state and/or severity (`[7:4]`
    /// severity offset, `[3:0]` previous state offset; Fh = unspecified).
    PreviousState,
    /// 10b: OEM code.
    Oem,
    /// 11b: sensor-specific event extension code.
    SensorSpecific,
    /// Discrete data 3, 01b: reserved.
    Reserved,
}

/// A system event record (type 02h; IPMI v2.0 §32.1, Table 32-1).
///
/// ```text
///  byte  field
///  4:7   timestamp
///  8:9   generator ID (see GeneratorId)
///  10    EvM revision (04h for IPMI v1.5/2.0, 03h for IPMI v1.0)
///  11    sensor type (Table 42-3)
///  12    sensor number
///  13    [7] event direction (1b = deassertion)  [6:0] event/reading type
///  14    event data 1: [7:6] data 2 usage  [5:4] data 3 usage  [3:0] offset
///  15:16 event data 2 and 3 (FFh = unspecified)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SystemEvent {
    /// When the event was logged.
    pub timestamp: SelTimestamp,
    /// Who generated it.
    pub generator: GeneratorId,
    /// Event message format revision.
    pub evm_revision: u8,
    /// Sensor type code (IPMI v2.0 Table 42-3).
    pub sensor_type: u8,
    /// Sensor number.
    pub sensor_number: u8,
    /// Assertion or deassertion.
    pub direction: EventDirection,
    /// Event/reading type code (7 bits; IPMI v2.0 Table 42-1).
    pub event_type: u8,
    /// Event data bytes 1–3.
    pub event_data: [u8; 3],
}

impl SystemEvent {
    /// The event class of [`SystemEvent::event_type`].
    pub fn class(&self) -> EventClass {
        EventClass::of(self.event_type)
    }

    /// Event data 1 `[3:0]`: the offset (the state or threshold crossing).
    pub fn offset(&self) -> u8 {
        self.event_data[0] & 0x0f
    }

    /// Event data 2.
    pub fn data2(&self) -> u8 {
        self.event_data[1]
    }

    /// Event data 3.
    pub fn data3(&self) -> u8 {
        self.event_data[2]
    }

    /// How event data 2 is used.
    pub fn data2_usage(&self) -> EventDataUsage {
        match (
            self.event_data[0] >> 6,
            self.class() == EventClass::Threshold,
        ) {
            (0, _) => EventDataUsage::Unspecified,
            (1, true) => EventDataUsage::TriggerReading,
            (1, false) => EventDataUsage::PreviousState,
            (2, _) => EventDataUsage::Oem,
            _ => EventDataUsage::SensorSpecific,
        }
    }

    /// How event data 3 is used.
    pub fn data3_usage(&self) -> EventDataUsage {
        match (
            (self.event_data[0] >> 4) & 3,
            self.class() == EventClass::Threshold,
        ) {
            (0, _) => EventDataUsage::Unspecified,
            (1, true) => EventDataUsage::TriggerThreshold,
            (1, false) => EventDataUsage::Reserved,
            (2, _) => EventDataUsage::Oem,
            _ => EventDataUsage::SensorSpecific,
        }
    }

    /// The raw trigger reading of a threshold event (data 2), when given.
    pub fn trigger_reading(&self) -> Option<u8> {
        (self.data2_usage() == EventDataUsage::TriggerReading).then_some(self.data2())
    }

    /// The raw trigger threshold of a threshold event (data 3), when given.
    pub fn trigger_threshold(&self) -> Option<u8> {
        (self.data3_usage() == EventDataUsage::TriggerThreshold).then_some(self.data3())
    }

    /// For discrete events with data 2 usage "previous state": the
    /// previous state offset (data 2 `[3:0]`), `None` when Fh.
    pub fn previous_state(&self) -> Option<u8> {
        let v = self.data2() & 0x0f;
        (self.data2_usage() == EventDataUsage::PreviousState && v != 0x0f).then_some(v)
    }

    /// For discrete events with data 2 usage "previous state": the
    /// severity offset (data 2 `[7:4]`, a Table 42-2 severity offset),
    /// `None` when Fh.
    pub fn severity(&self) -> Option<u8> {
        let v = self.data2() >> 4;
        (self.data2_usage() == EventDataUsage::PreviousState && v != 0x0f).then_some(v)
    }

    fn encode_body(&self, w: &mut Writer) {
        w.u32_le(self.timestamp.0)
            .u16_le(self.generator.to_u16())
            .u8(self.evm_revision)
            .u8(self.sensor_type)
            .u8(self.sensor_number)
            .u8(match self.direction {
                EventDirection::Assertion => self.event_type & 0x7f,
                EventDirection::Deassertion => 0x80 | (self.event_type & 0x7f),
            })
            .bytes(&self.event_data);
    }

    fn decode_body(r: &mut Reader<'_>) -> Result<(Self, u16), DecodeError> {
        let timestamp = SelTimestamp(r.u32_le("SEL timestamp")?);
        let generator_raw = r.u16_le("generator ID")?;
        let evm_revision = r.u8("EvM revision")?;
        let sensor_type = r.u8("sensor type")?;
        let sensor_number = r.u8("sensor number")?;
        let dir_type = r.u8("event dir / event type")?;
        let event_data = r.array("event data")?;
        Ok((
            Self {
                timestamp,
                generator: GeneratorId::from_u16(generator_raw),
                evm_revision,
                sensor_type,
                sensor_number,
                direction: if bit(dir_type, 7) {
                    EventDirection::Deassertion
                } else {
                    EventDirection::Assertion
                },
                event_type: dir_type & 0x7f,
                event_data,
            },
            generator_raw,
        ))
    }
}

/// What kind of record a record type byte announces (IPMI v2.0 §32).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordClass {
    /// 02h: system event record.
    SystemEvent,
    /// C0h–DFh: OEM timestamped.
    OemTimestamped,
    /// E0h–FFh: OEM non-timestamped.
    OemNonTimestamped,
    /// Anything else (unspecified / reserved).
    Unknown,
}

impl RecordClass {
    /// The class of record type `t`.
    pub fn of(t: u8) -> Self {
        match t {
            0x02 => Self::SystemEvent,
            0xc0..=0xdf => Self::OemTimestamped,
            0xe0..=0xff => Self::OemNonTimestamped,
            _ => Self::Unknown,
        }
    }
}

/// The body of a SEL record, by record type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SelRecordBody {
    /// A system event (type 02h), or a record of an unknown type decoded
    /// as one.
    SystemEvent {
        /// The event.
        event: SystemEvent,
        /// `true` when the record type was not 02h (00h–01h, 03h–BFh): the
        /// bytes were decoded as a system event anyway (FreeIPMI's
        /// `assumesystemevent` behaviour); treat the meaning with care.
        assumed: bool,
    },
    /// OEM timestamped record (C0h–DFh; IPMI v2.0 §32.2, Table 32-2):
    /// bytes 4–7 timestamp, 8–10 manufacturer ID, 11–16 OEM data.
    OemTimestamped {
        /// Timestamp.
        timestamp: SelTimestamp,
        /// Manufacturer ID (IANA enterprise number, 3 bytes LS first).
        manufacturer_id: u32,
        /// OEM-defined bytes.
        data: [u8; 6],
    },
    /// OEM non-timestamped record (E0h–FFh; IPMI v2.0 §32.3, Table 32-3):
    /// bytes 4–16 OEM data.
    OemNonTimestamped {
        /// OEM-defined bytes.
        data: [u8; 13],
    },
}

/// One SEL record (IPMI v2.0 §32): record ID, record type and body.
///
/// Decoding needs exactly 16 bytes and never fails on their values;
/// encoding gives the same 16 bytes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SelRecord {
    /// Record ID (bytes 1–2).
    pub record_id: u16,
    /// Record type (byte 3).
    pub record_type: u8,
    /// The decoded body.
    pub body: SelRecordBody,
    /// Reserved bits of the generator ID as found (kept so that encoding
    /// reproduces the bytes exactly).
    generator_reserved: u8,
}

impl SelRecord {
    /// A record from its parts.
    pub fn new(record_id: u16, record_type: u8, body: SelRecordBody) -> Self {
        Self {
            record_id,
            record_type,
            body,
            generator_reserved: 0,
        }
    }

    /// A system event record (type 02h).
    pub fn system_event(record_id: u16, event: SystemEvent) -> Self {
        Self::new(
            record_id,
            0x02,
            SelRecordBody::SystemEvent {
                event,
                assumed: false,
            },
        )
    }

    /// Decodes a 16-byte record.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] for fewer than 16 bytes,
    /// [`DecodeError::TrailingBytes`] for more.
    pub fn parse(bytes: &[u8]) -> Result<Self, DecodeError> {
        Self::from_bytes(bytes)
    }

    /// The 16 bytes of the record.
    pub fn raw(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        let bytes = self.to_bytes();
        for (o, b) in out.iter_mut().zip(bytes) {
            *o = b;
        }
        out
    }

    /// The record's class by type.
    pub fn class(&self) -> RecordClass {
        RecordClass::of(self.record_type)
    }

    /// The system event, for type 02h and assumed system events.
    pub fn event(&self) -> Option<&SystemEvent> {
        match &self.body {
            SelRecordBody::SystemEvent { event, .. } => Some(event),
            _ => None,
        }
    }

    /// The timestamp, `None` for OEM non-timestamped records.
    pub fn timestamp(&self) -> Option<SelTimestamp> {
        match &self.body {
            SelRecordBody::SystemEvent { event, .. } => Some(event.timestamp),
            SelRecordBody::OemTimestamped { timestamp, .. } => Some(*timestamp),
            SelRecordBody::OemNonTimestamped { .. } => None,
        }
    }

    /// `true` when the record type is not one the spec defines and the
    /// body was decoded as a system event.
    pub fn is_assumed_system_event(&self) -> bool {
        matches!(self.body, SelRecordBody::SystemEvent { assumed: true, .. })
    }
}

impl Codec for SelRecord {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.record_id).u8(self.record_type);
        match &self.body {
            SelRecordBody::SystemEvent { event, .. } => {
                let start = w.len();
                event.encode_body(w);
                // Put back the reserved generator bits seen on decode.
                if let Some(b) = w.as_mut_slice().get_mut(start.saturating_add(5)) {
                    *b |= self.generator_reserved & 0x0c;
                }
            }
            SelRecordBody::OemTimestamped {
                timestamp,
                manufacturer_id,
                data,
            } => {
                w.u32_le(timestamp.0).u24_le(*manufacturer_id).bytes(data);
            }
            SelRecordBody::OemNonTimestamped { data } => {
                w.bytes(data);
            }
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut r = r.sub(16, "SEL record")?;
        let record_id = r.u16_le("SEL record ID")?;
        let record_type = r.u8("SEL record type")?;
        let mut generator_reserved = 0;
        let body = match RecordClass::of(record_type) {
            RecordClass::OemTimestamped => SelRecordBody::OemTimestamped {
                timestamp: SelTimestamp(r.u32_le("SEL timestamp")?),
                manufacturer_id: r.u24_le("manufacturer ID")?,
                data: r.array("OEM data")?,
            },
            RecordClass::OemNonTimestamped => SelRecordBody::OemNonTimestamped {
                data: r.array("OEM data")?,
            },
            class => {
                let (event, raw) = SystemEvent::decode_body(&mut r)?;
                generator_reserved = raw.to_le_bytes()[1] & 0x0c;
                SelRecordBody::SystemEvent {
                    event,
                    assumed: class != RecordClass::SystemEvent,
                }
            }
        };
        Ok(Self {
            record_id,
            record_type,
            body,
            generator_reserved,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::test_util::{decode_any, hex};
    use proptest::prelude::*;

    #[test]
    fn decodes_threshold_event() {
        // bmc-sim record 4: FAN3 (sensor 43h) lower non-critical going low,
        // reading 06h, threshold 07h.
        let bytes = hex("04 00 02 10 28 43 66 20 00 04 04 43 01 50 06 07");
        let rec = SelRecord::parse(&bytes).unwrap();
        assert_eq!(rec.record_id, 4);
        assert_eq!(rec.class(), RecordClass::SystemEvent);
        let ev = rec.event().unwrap();
        assert_eq!(ev.timestamp, SelTimestamp(1_715_677_200));
        assert_eq!(ev.generator.owner, 0x20);
        assert_eq!(ev.generator.label(), Some("BMC"));
        assert!(!ev.generator.is_software());
        assert_eq!(
            (ev.evm_revision, ev.sensor_type, ev.sensor_number),
            (4, 4, 0x43)
        );
        assert_eq!(ev.direction, EventDirection::Assertion);
        assert_eq!(ev.class(), EventClass::Threshold);
        assert_eq!(ev.offset(), 0);
        assert_eq!(ev.trigger_reading(), Some(6));
        assert_eq!(ev.trigger_threshold(), Some(7));
        assert_eq!(rec.raw().to_vec(), bytes);
    }

    #[test]
    fn decodes_discrete_and_oem() {
        // Deassertion of a discrete event with a BIOS generator.
        let rec =
            SelRecord::parse(&hex("0c 00 02 7c 52 43 66 01 00 04 05 63 ef 00 ff ff")).unwrap();
        let ev = rec.event().unwrap();
        assert_eq!(ev.direction, EventDirection::Deassertion);
        assert_eq!(ev.event_type, 0x6f);
        assert_eq!(ev.class(), EventClass::SensorSpecific);
        assert_eq!(ev.generator.label(), Some("BIOS"));
        assert_eq!(ev.data2_usage(), EventDataUsage::Unspecified);
        assert_eq!(ev.trigger_reading(), None);

        let rec =
            SelRecord::parse(&hex("14 00 c0 f0 6f 43 66 7c 2a 00 01 02 03 04 05 06")).unwrap();
        assert_eq!(
            rec.body,
            SelRecordBody::OemTimestamped {
                timestamp: SelTimestamp(1_715_695_600),
                manufacturer_id: 10876,
                data: [1, 2, 3, 4, 5, 6]
            }
        );
        assert_eq!(rec.timestamp(), Some(SelTimestamp(1_715_695_600)));

        let bytes = hex("15 00 e0 de ad be ef 00 11 22 33 44 55 66 77 88");
        let rec = SelRecord::parse(&bytes).unwrap();
        assert_eq!(rec.class(), RecordClass::OemNonTimestamped);
        assert_eq!(rec.timestamp(), None);
        assert_eq!(rec.raw().to_vec(), bytes);
    }

    #[test]
    fn unknown_types_are_assumed_system_events() {
        let bytes = hex("30 00 13 00 1a 43 66 20 0c 04 10 8f 6f 02 ff ff");
        let rec = SelRecord::parse(&bytes).unwrap();
        assert!(rec.is_assumed_system_event());
        assert_eq!(rec.class(), RecordClass::Unknown);
        assert_eq!(rec.event().unwrap().sensor_type, 0x10);
        assert_eq!(rec.raw().to_vec(), bytes, "reserved generator bits kept");
    }

    #[test]
    fn timestamps() {
        assert_eq!(SelTimestamp(0xffff_ffff).kind(), TimestampKind::Unspecified);
        assert_eq!(SelTimestamp(2620).kind(), TimestampKind::PreInit(2620));
        assert_eq!(SelTimestamp(0x2000_0000).unix_seconds(), None);
        assert_eq!(SelTimestamp(0x2000_0001).unix_seconds(), Some(0x2000_0001));
        assert!(SelTimestamp::UNSPECIFIED.is_unspecified());
        assert!(SelTimestamp(0).is_pre_init());
    }

    #[test]
    fn usage_bits() {
        let mut ev = SelRecord::parse(&hex("0d 00 02 50 60 43 66 01 00 04 0c 87 6f a0 00 01"))
            .unwrap()
            .event()
            .copied()
            .unwrap();
        assert_eq!(ev.data2_usage(), EventDataUsage::Oem);
        assert_eq!(ev.data3_usage(), EventDataUsage::Oem);
        ev.event_data = [0x51, 0x2f, 0xff];
        assert_eq!(ev.data2_usage(), EventDataUsage::PreviousState);
        assert_eq!(ev.data3_usage(), EventDataUsage::Reserved);
        assert_eq!(ev.previous_state(), None);
        assert_eq!(ev.severity(), Some(2));
        ev.event_data = [0xf1, 0x00, 0x00];
        assert_eq!(ev.data2_usage(), EventDataUsage::SensorSpecific);
        assert_eq!(ev.data3_usage(), EventDataUsage::SensorSpecific);
    }

    #[test]
    fn wrong_lengths() {
        assert!(SelRecord::parse(&[0; 15]).is_err());
        assert!(SelRecord::parse(&[0; 17]).is_err());
    }

    proptest! {
        #[test]
        fn any_16_bytes_round_trip(bytes in any::<[u8; 16]>()) {
            let rec = SelRecord::parse(&bytes).unwrap();
            prop_assert_eq!(rec.raw(), bytes);
            prop_assert_eq!(rec.to_bytes(), bytes.to_vec());
        }

        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            decode_any::<SelRecord>(&bytes);
        }
    }
}
