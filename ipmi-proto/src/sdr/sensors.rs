//! From records to sensors: one [`SensorDef`] per sensor, with shared
//! compact and event-only records expanded (IPMI v2.0 §43.2, "Sensor
//! Record Sharing").
//!
//! A record with share count N stands for sensors `n … n+N−1`. Sensor `i`
//! is named `"<ID> <modifier>"` — the modifier being `offset + i` (numeric)
//! or `A`, `B`, … from the offset (alphabetic) — as FreeIPMI's
//! `--shared-sensors` names them, and its entity instance is `instance + i`
//! when the record says instances increment.

use std::collections::BTreeMap;

use super::record::{
    CompactSensorRecord, Entity, EventOnlyRecord, FullSensorRecord, RawThresholds, SdrRecord,
    SensorFields, SensorOwner, Sharing, TYPE_COMPACT, TYPE_EVENT_ONLY, TYPE_FULL,
};
use crate::sensor::conversion::{AnalogFormat, Conversion};
use crate::sensor::events::Threshold;
use crate::sensor::types::{sensor_type_name, EventReadingClass, EVENT_READING_TYPE_THRESHOLD};
use crate::sensor::units::SensorUnits;

/// What kind of reading a sensor gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SensorKind {
    /// Event/reading type 01h: a reading compared against thresholds.
    Threshold,
    /// Generic, sensor-specific or OEM discrete states.
    Discrete,
    /// Event-only record: not readable.
    EventOnly,
    /// Event/reading type 00h or reserved: readable, not interpreted.
    Other,
}

/// One sensor as described by the SDR.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorDef {
    /// Record ID of the SDR (shared sensors share it).
    pub record_id: u16,
    /// Record type: 01h, 02h or 03h.
    pub record_type: u8,
    /// Owner and LUN.
    pub owner: SensorOwner,
    /// Sensor number.
    pub number: u8,
    /// Index within a shared record (0 when not shared).
    pub share_index: u8,
    /// Number of sensors the record stands for (1 when not shared).
    pub share_count: u8,
    /// Name: the ID string, plus the instance modifier for shared records.
    pub name: String,
    /// Entity.
    pub entity: Entity,
    /// Sensor type.
    pub sensor_type: u8,
    /// Event/reading type code.
    pub event_reading_type: u8,
    /// Sensor initialization byte (0 for event-only records).
    pub initialization: u8,
    /// Sensor capabilities byte (0 for event-only records).
    pub capabilities: u8,
    /// Units (full and compact records).
    pub units: Option<SensorUnits>,
    /// Analog data format ([`AnalogFormat::NoReading`] for compact and
    /// event-only records).
    pub analog_format: AnalogFormat,
    /// Raw → value conversion (full records with an analog reading).
    pub conversion: Option<Conversion>,
    /// Discrete reading mask (bytes 19–20) of discrete sensors; for
    /// threshold sensors the readable (low byte) and settable (high byte)
    /// threshold masks.
    pub reading_mask: u16,
    /// Raw thresholds (full records).
    pub thresholds: Option<RawThresholds>,
    /// Positive- and negative-going hysteresis, raw counts.
    pub hysteresis: (u8, u8),
}

impl SensorDef {
    fn from_fields(
        record_id: u16,
        record_type: u8,
        f: &SensorFields,
        name: String,
        sharing: Option<(Sharing, u8)>,
    ) -> Self {
        let (share_index, share_count, entity) = match sharing {
            Some((s, i)) => {
                let mut entity = f.entity;
                if s.entity_instance_increments {
                    entity.instance = entity.instance.saturating_add(i) & 0x7f;
                }
                (i, s.sensors(), entity)
            }
            None => (0, 1, f.entity),
        };
        Self {
            record_id,
            record_type,
            owner: f.owner,
            number: f.number.saturating_add(share_index),
            share_index,
            share_count,
            name,
            entity,
            sensor_type: f.sensor_type,
            event_reading_type: f.event_reading_type,
            initialization: f.initialization,
            capabilities: f.capabilities,
            units: Some(f.units()),
            analog_format: AnalogFormat::NoReading,
            conversion: None,
            reading_mask: f.reading_mask,
            thresholds: None,
            hysteresis: (0, 0),
        }
    }

    /// The sensor of a full record.
    pub fn from_full(record_id: u16, r: &FullSensorRecord) -> Self {
        let mut def = Self::from_fields(record_id, TYPE_FULL, &r.sensor, r.id.text(), None);
        def.analog_format = r.sensor.analog_format();
        if def.analog_format != AnalogFormat::NoReading {
            def.conversion = Some(r.conversion());
        }
        def.thresholds = Some(r.thresholds);
        def.hysteresis = (r.hysteresis_positive, r.hysteresis_negative);
        def
    }

    /// The sensors of a compact record, shared ones expanded.
    pub fn from_compact(record_id: u16, r: &CompactSensorRecord) -> Vec<Self> {
        let base = r.id.text();
        let count = r.sharing.sensors();
        (0..count)
            .map(|i| {
                let name = if count > 1 {
                    format!("{base} {}", r.sharing.instance_suffix(i))
                } else {
                    base.clone()
                };
                let mut def = Self::from_fields(
                    record_id,
                    TYPE_COMPACT,
                    &r.sensor,
                    name,
                    Some((r.sharing, i)),
                );
                def.hysteresis = (r.hysteresis_positive, r.hysteresis_negative);
                def
            })
            .collect()
    }

    /// The sensors of an event-only record, shared ones expanded.
    pub fn from_event_only(record_id: u16, r: &EventOnlyRecord) -> Vec<Self> {
        let base = r.id.text();
        let count = r.sharing.sensors();
        (0..count)
            .map(|i| {
                let name = if count > 1 {
                    format!("{base} {}", r.sharing.instance_suffix(i))
                } else {
                    base.clone()
                };
                let mut entity = r.entity;
                if r.sharing.entity_instance_increments {
                    entity.instance = entity.instance.saturating_add(i) & 0x7f;
                }
                Self {
                    record_id,
                    record_type: TYPE_EVENT_ONLY,
                    owner: r.owner,
                    number: r.number.saturating_add(i),
                    share_index: i,
                    share_count: count,
                    name,
                    entity,
                    sensor_type: r.sensor_type,
                    event_reading_type: r.event_reading_type,
                    initialization: 0,
                    capabilities: 0,
                    units: None,
                    analog_format: AnalogFormat::NoReading,
                    conversion: None,
                    reading_mask: 0,
                    thresholds: None,
                    hysteresis: (0, 0),
                }
            })
            .collect()
    }

    /// The sensors a record describes (none for locators, OEM and unknown
    /// records).
    pub fn from_record(record_id: u16, record: &SdrRecord) -> Vec<Self> {
        match record {
            SdrRecord::Full(r) => vec![Self::from_full(record_id, r)],
            SdrRecord::Compact(r) => Self::from_compact(record_id, r),
            SdrRecord::EventOnly(r) => Self::from_event_only(record_id, r),
            _ => Vec::new(),
        }
    }

    /// The kind of reading.
    pub fn kind(&self) -> SensorKind {
        if self.record_type == TYPE_EVENT_ONLY {
            return SensorKind::EventOnly;
        }
        match EventReadingClass::of(self.event_reading_type) {
            EventReadingClass::Threshold => SensorKind::Threshold,
            c if c.is_discrete() => SensorKind::Discrete,
            _ => SensorKind::Other,
        }
    }

    /// `true` for threshold sensors with an analog reading to convert
    /// (event/reading type 01h and analog format ≠ 11b, full records).
    pub fn has_analog_reading(&self) -> bool {
        self.event_reading_type == EVENT_READING_TYPE_THRESHOLD && self.conversion.is_some()
    }

    /// `true` when Get Sensor Reading makes sense (not event-only).
    pub fn is_readable(&self) -> bool {
        self.kind() != SensorKind::EventOnly
    }

    /// FreeIPMI's name of the sensor type ("Temperature", "Power Supply").
    pub fn sensor_type_name(&self) -> &'static str {
        sensor_type_name(self.sensor_type)
    }

    /// The unit string as FreeIPMI prints it for threshold sensors ("C",
    /// "RPM", "%"); `None` for discrete and event-only sensors (FreeIPMI
    /// prints "N/A").
    pub fn unit_string(&self) -> Option<String> {
        if self.kind() != SensorKind::Threshold {
            return None;
        }
        self.units.and_then(|u| u.abbreviation())
    }

    /// The readable thresholds of a threshold sensor (SDR byte 19).
    pub fn readable_thresholds(&self) -> Vec<Threshold> {
        if self.kind() != SensorKind::Threshold || self.thresholds.is_none() {
            return Vec::new();
        }
        Threshold::from_bits(self.reading_mask.to_le_bytes()[0])
    }

    /// The SDR's readable thresholds converted to units (linear and
    /// linearized sensors; non-linear ones need per-value factors, see
    /// [`SensorDef::threshold_values_with`]).
    pub fn threshold_values(&self) -> BTreeMap<Threshold, f64> {
        self.threshold_values_with(|raw, c| c.convert(raw))
    }

    /// The readable thresholds converted with `convert(raw, conversion)`.
    pub fn threshold_values_with(
        &self,
        mut convert: impl FnMut(u8, &Conversion) -> Option<f64>,
    ) -> BTreeMap<Threshold, f64> {
        let (Some(conv), Some(raw)) = (self.conversion.as_ref(), self.thresholds.as_ref()) else {
            return BTreeMap::new();
        };
        self.readable_thresholds()
            .into_iter()
            .filter_map(|t| convert(raw.get(t), conv).map(|v| (t, v)))
            .collect()
    }
}

/// Every sensor of a list of records, in record order, shared records
/// expanded.
pub fn sensors<'a>(records: impl IntoIterator<Item = (u16, &'a SdrRecord)>) -> Vec<SensorDef> {
    records
        .into_iter()
        .flat_map(|(id, r)| SensorDef::from_record(id, r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::test_util::hex;

    fn record(h: &str) -> (u16, SdrRecord) {
        let (header, r) = SdrRecord::parse_raw(&hex(h)).unwrap();
        (header.record_id, r)
    }

    #[test]
    fn shared_numeric_record() {
        let (id, r) = record("1e 00 51 02 1f 20 00 d0 20 01 67 40 0c 6f ff 07 ff 07 ff 07 c0 00 00 04 81 00 00 00 00 00 00 c4 44 49 4d 4d");
        let s = SensorDef::from_record(id, &r);
        let names: Vec<_> = s.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["DIMM 1", "DIMM 2", "DIMM 3", "DIMM 4"]);
        let numbers: Vec<_> = s.iter().map(|d| d.number).collect();
        assert_eq!(numbers, [0xd0, 0xd1, 0xd2, 0xd3]);
        let inst: Vec<_> = s.iter().map(|d| d.entity.instance).collect();
        assert_eq!(inst, [1, 2, 3, 4]);
        assert!(s.iter().all(|d| d.record_id == 30 && d.share_count == 4));
        assert_eq!(s[0].kind(), SensorKind::Discrete);
        assert_eq!(s[0].unit_string(), None);
        assert_eq!(s[0].sensor_type_name(), "Memory");
    }

    #[test]
    fn shared_record_keeps_trailing_spaces() {
        // Dell's memory records are named "A " and "B ": the space stays,
        // and FreeIPMI's shared names put another one after it.
        let (id, r) = record("1e 00 51 02 1d 20 00 d0 20 01 67 40 0c 6f ff 07 ff 07 ff 07 c0 00 00 02 81 00 00 00 00 00 00 c2 41 20");
        assert_eq!(r.name(), "A ");
        let names: Vec<_> = SensorDef::from_record(id, &r)
            .into_iter()
            .map(|d| d.name)
            .collect();
        assert_eq!(names, ["A  1", "A  2"]);
    }

    #[test]
    fn shared_alpha_record_keeps_entity() {
        let (id, r) = record("20 00 51 02 20 20 00 c0 10 01 67 40 15 08 03 00 03 00 03 00 c0 00 00 12 00 00 00 00 00 00 00 c5 52 69 73 65 72");
        let s = SensorDef::from_record(id, &r);
        let names: Vec<_> = s.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["Riser A", "Riser B"]);
        assert_eq!(s[1].number, 0xc1);
        assert_eq!(s[1].entity.instance, 1);
    }

    #[test]
    fn full_threshold_sensor() {
        let (id, r) = record("0f 00 51 01 2e 20 00 50 07 01 7f 58 02 01 85 32 85 32 1b 1b 00 04 00 00 3b 00 00 00 01 d0 00 00 00 00 ff 00 00 e0 d6 00 b7 c1 01 01 00 00 00 c3 31 32 56");
        let s = SensorDef::from_record(id, &r);
        let d = &s[0];
        assert_eq!(d.name, "12V");
        assert_eq!(d.kind(), SensorKind::Threshold);
        assert!(d.has_analog_reading());
        assert_eq!(d.unit_string().as_deref(), Some("V"));
        let t = d.threshold_values();
        let keys: Vec<_> = t.keys().map(|k| k.key()).collect();
        assert_eq!(keys, ["lnc", "lc", "unc", "uc"]);
        assert!((t[&Threshold::UpperCritical] - 13.216).abs() < 1e-9);
        assert!((t[&Threshold::LowerCritical] - 10.797).abs() < 1e-9);
    }

    #[test]
    fn event_only_and_others() {
        let (id, r) = record(
            "21 00 51 03 17 20 00 71 07 01 23 6f 01 00 00 00 cb 4f 53 20 57 61 74 63 68 64 6f 67",
        );
        let s = SensorDef::from_record(id, &r);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].kind(), SensorKind::EventOnly);
        assert!(!s[0].is_readable());
        assert_eq!(s[0].sensor_type_name(), "Watchdog 2");
        let (id, r) = record("22 00 51 11 0e 20 01 80 00 00 10 00 0a 01 00 c3 50 53 31");
        assert!(SensorDef::from_record(id, &r).is_empty());
        assert_eq!(sensors([(1, &r)]).len(), 0);
    }
}
