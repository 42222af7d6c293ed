//! The virtual BMC's SDR repository and sensors: Get SDR Repository Info,
//! Reserve SDR Repository and Get SDR (IPMI v2.0 §33.9–§33.12), Get Sensor
//! Reading, Get Sensor Reading Factors and Get Sensor Thresholds (§35.14,
//! §35.5, §35.9), served from a machine description.
//!
//! A [`SensorModel`] is a list of SDR records built with this crate's
//! encoders ([`SdrRecord`]) plus the live state of each sensor
//! ([`SimSensor`]: raw reading, flags, discrete state bits, a completion
//! code to answer instead, the factors of a non-linear sensor). Threshold
//! comparison bits are computed from the reading and the SDR's thresholds.
//!
//! Get SDR answers honestly — exactly the record's bytes, partial reads of
//! any size within the record, reservations checked for non-zero offsets
//! (C5h otherwise) — unless told to behave like a particular BMC:
//! [`SensorModel::max_read`] refuses larger reads (whole-record reads
//! included) with CAh, [`SensorModel::whole_record_garbage`] appends bytes
//! to whole-record answers as ipmi_sim does.

use std::collections::BTreeMap;

use crate::commands::sdr::{
    GetSdr, GetSdrRepositoryInfo, ReserveSdrRepository, SdrChunk, SdrRepositoryInfo,
    SdrReservation, FIRST_RECORD_ID, LAST_RECORD_ID, READ_WHOLE_RECORD,
};
use crate::commands::sensor::{
    GetSensorReading, GetSensorReadingFactors, GetSensorThresholds, ReadingFactors, SensorReading,
    SensorThresholds,
};
use crate::commands::Command;
use crate::sdr::record::{
    CompactSensorRecord, Entity, EventOnlyRecord, FruLocatorRecord, FullSensorRecord,
    McLocatorRecord, OemRecord, RawThresholds, SensorFields, SensorOwner, Sharing,
};
use crate::sdr::{IdString, SdrRecord, SensorDef, SensorKind};
use crate::sensor::conversion::{AnalogFormat, ConversionFactors, Linearization};
use crate::sensor::events::Threshold;
use crate::sensor::units::{
    SensorUnits, UNIT_AMPS, UNIT_DEGREES_C, UNIT_RPM, UNIT_VOLTS, UNIT_WATTS,
};
use crate::types::CompletionCode;
use crate::wire::message::IpmiRequest;

use super::handler::{run, Caller, Outcome};

/// The live state of one simulated sensor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimSensor {
    /// The raw reading byte.
    pub raw: u8,
    /// Sensor scanning enabled (Get Sensor Reading byte 2 bit 6).
    pub scanning: bool,
    /// Reading unavailable (byte 2 bit 5).
    pub unavailable: bool,
    /// Discrete state bits; for threshold sensors `None` computes the
    /// comparison bits from the reading and the SDR thresholds.
    pub state: Option<u16>,
    /// How many state bytes to send (0–2): 0 gives the 2-byte answers of
    /// some BMCs.
    pub state_bytes: u8,
    /// Answer Get Sensor Reading (and Thresholds) with this code instead.
    pub completion: Option<CompletionCode>,
    /// Factors of a non-linear sensor: `(first raw value, factors)`, sorted;
    /// each applies up to the next entry.
    pub factors: Vec<(u8, ConversionFactors)>,
}

impl Default for SimSensor {
    fn default() -> Self {
        Self {
            raw: 0,
            scanning: true,
            unavailable: false,
            state: None,
            state_bytes: 2,
            completion: None,
            factors: Vec::new(),
        }
    }
}

impl SimSensor {
    /// A sensor reading `raw`.
    pub fn reading(raw: u8) -> Self {
        Self {
            raw,
            ..Self::default()
        }
    }

    /// A discrete sensor with these state bits.
    pub fn states(bits: u16) -> Self {
        Self {
            state: Some(bits),
            ..Self::default()
        }
    }

    /// The factors applying to `raw` and the next raw value with others.
    fn factors_for(&self, raw: u8) -> Option<(ConversionFactors, u8)> {
        let idx = self.factors.iter().rposition(|(start, _)| *start <= raw)?;
        let (_, f) = self.factors.get(idx)?;
        let next = self
            .factors
            .get(idx.saturating_add(1))
            .map_or(0xff, |(s, _)| *s);
        Some((*f, next))
    }
}

/// The SDR repository and sensors of a virtual BMC.
#[derive(Debug, Clone)]
pub struct SensorModel {
    records: Vec<(u16, SdrRecord)>,
    defs: BTreeMap<(u8, u8), SensorDef>,
    live: BTreeMap<(u8, u8), SimSensor>,
    next_record_id: u16,
    reservation: u16,
    /// Refuse Get SDR reads of more bytes than this (whole-record reads
    /// included) with CAh; `None` answers any size.
    pub max_read: Option<u8>,
    /// Garbage bytes appended to whole-record answers (ipmi_sim: 6).
    pub whole_record_garbage: usize,
    /// Most recent addition timestamp reported by Repository Info.
    pub most_recent_addition: u32,
    /// Most recent erase timestamp.
    pub most_recent_erase: u32,
    /// Requests answered, per command byte (for round-trip counting).
    pub served: BTreeMap<u8, u64>,
}

impl SensorModel {
    /// An empty repository.
    pub fn empty() -> Self {
        Self {
            records: Vec::new(),
            defs: BTreeMap::new(),
            live: BTreeMap::new(),
            next_record_id: 1,
            reservation: 0,
            max_read: None,
            whole_record_garbage: 0,
            most_recent_addition: 0x6600_0000,
            most_recent_erase: 0,
            served: BTreeMap::new(),
        }
    }

    /// Appends a record with the next record ID (1, 2, …) and registers its
    /// sensors with a default live state; returns the record ID.
    pub fn add(&mut self, record: SdrRecord) -> u16 {
        let id = self.next_record_id;
        self.next_record_id = self.next_record_id.saturating_add(1);
        for def in SensorDef::from_record(id, &record) {
            let key = (def.owner.lun, def.number);
            self.live.entry(key).or_default();
            self.defs.insert(key, def);
        }
        self.records.push((id, record));
        self.most_recent_addition = self.most_recent_addition.wrapping_add(1);
        id
    }

    /// Appends a record and sets the state of its (first) sensor.
    pub fn add_sensor(&mut self, record: SdrRecord, state: SimSensor) -> u16 {
        let key = SensorDef::from_record(0, &record)
            .first()
            .map(|d| (d.owner.lun, d.number));
        let id = self.add(record);
        if let Some(key) = key {
            self.live.insert(key, state);
        }
        id
    }

    /// The live state of the sensor `number` on `lun`.
    pub fn sensor_mut(&mut self, lun: u8, number: u8) -> Option<&mut SimSensor> {
        self.live.get_mut(&(lun, number))
    }

    /// The records with their IDs.
    pub fn records(&self) -> &[(u16, SdrRecord)] {
        &self.records
    }

    /// The repository as `ipmitool sdr dump` would write it.
    pub fn dump(&self) -> Vec<u8> {
        self.records
            .iter()
            .flat_map(|(id, r)| r.to_bytes(*id))
            .collect()
    }

    /// Cancels the current reservation, as another requester's Reserve
    /// would.
    pub fn cancel_reservation(&mut self) {
        self.reservation = self.reservation.wrapping_add(1).max(1);
    }

    /// The converted value of a raw reading of `def` (thresholds and
    /// readings compared as the sensor sees them).
    fn value(def: &SensorDef, live: &SimSensor, raw: u8) -> Option<f64> {
        let conv = def.conversion?;
        if conv.is_non_linear() {
            let (f, _) = live.factors_for(raw)?;
            conv.convert_with(raw, &f)
        } else {
            conv.convert(raw)
                .or_else(|| conv.format.decode(raw).map(f64::from))
        }
    }

    fn threshold_bits(def: &SensorDef, live: &SimSensor) -> u8 {
        let (Some(raw), Some(value)) = (def.thresholds, Self::value(def, live, live.raw)) else {
            return 0;
        };
        def.readable_thresholds()
            .into_iter()
            .filter(|t| {
                Self::value(def, live, raw.get(*t)).is_some_and(|tv| {
                    if t.is_lower() {
                        value <= tv
                    } else {
                        value >= tv
                    }
                })
            })
            .fold(0u8, |acc, t| acc | (1 << t.bit()))
    }

    fn count(&mut self, cmd: u8) {
        let n = self.served.entry(cmd).or_insert(0);
        *n = n.saturating_add(1);
    }

    /// Answers SDR repository and sensor commands; `None` for other commands.
    pub(crate) fn handle(&mut self, req: &IpmiRequest, caller: Caller) -> Option<Outcome> {
        if req.netfn == GetSdr::NETFN {
            let out = match req.cmd {
                GetSdrRepositoryInfo::CMD => {
                    run::<GetSdrRepositoryInfo>(req, caller, |_| Ok(self.info()))
                }
                ReserveSdrRepository::CMD => run::<ReserveSdrRepository>(req, caller, |_| {
                    self.cancel_reservation();
                    Ok(SdrReservation {
                        reservation_id: self.reservation,
                    })
                }),
                GetSdr::CMD => run::<GetSdr>(req, caller, |c| self.get_sdr(&c)),
                _ => return None,
            };
            self.count(req.cmd);
            return Some(out);
        }
        if req.netfn == GetSensorReading::NETFN {
            let lun = req.rs_lun & 0x03;
            let out = match req.cmd {
                GetSensorReading::CMD => {
                    run::<GetSensorReading>(req, caller, |c| self.reading(lun, c.sensor_number))
                }
                GetSensorReadingFactors::CMD => run::<GetSensorReadingFactors>(req, caller, |c| {
                    self.factors(lun, c.sensor_number, c.reading)
                }),
                GetSensorThresholds::CMD => run::<GetSensorThresholds>(req, caller, |c| {
                    self.thresholds(lun, c.sensor_number)
                }),
                _ => return None,
            };
            self.count(req.cmd);
            return Some(out);
        }
        None
    }

    fn info(&self) -> SdrRepositoryInfo {
        let used: usize = self
            .records
            .iter()
            .map(|(id, r)| r.to_bytes(*id).len())
            .sum();
        SdrRepositoryInfo {
            sdr_version: 0x51,
            record_count: u16::try_from(self.records.len()).unwrap_or(u16::MAX),
            free_space: u16::try_from(0x8000usize.saturating_sub(used)).unwrap_or(0),
            most_recent_addition: self.most_recent_addition,
            most_recent_erase: self.most_recent_erase,
            // Reserve SDR Repository supported, non-modal updates.
            operation_support: 0x22,
        }
    }

    fn get_sdr(&self, c: &GetSdr) -> Result<SdrChunk, CompletionCode> {
        let idx = if c.record_id == FIRST_RECORD_ID {
            0
        } else {
            self.records
                .iter()
                .position(|(id, _)| *id == c.record_id)
                .ok_or(CompletionCode::NotPresent)?
        };
        let (id, record) = self.records.get(idx).ok_or(CompletionCode::NotPresent)?;
        if c.offset != 0 && (c.reservation_id == 0 || c.reservation_id != self.reservation) {
            return Err(CompletionCode::ReservationCancelled);
        }
        if self.max_read.is_some_and(|m| c.bytes_to_read > m) {
            return Err(CompletionCode::CannotReturnRequestedBytes);
        }
        let bytes = record.to_bytes(*id);
        let next_record_id = self
            .records
            .get(idx.saturating_add(1))
            .map_or(LAST_RECORD_ID, |(id, _)| *id);
        let data = if c.bytes_to_read == READ_WHOLE_RECORD {
            let mut d = bytes;
            d.extend(std::iter::repeat_n(0xa5, self.whole_record_garbage));
            d
        } else {
            let start = usize::from(c.offset);
            if start >= bytes.len() {
                return Err(CompletionCode::ParameterOutOfRange);
            }
            let end = start
                .saturating_add(usize::from(c.bytes_to_read))
                .min(bytes.len());
            bytes.get(start..end).unwrap_or(&[]).to_vec()
        };
        Ok(SdrChunk {
            next_record_id,
            data,
        })
    }

    fn reading(&self, lun: u8, number: u8) -> Result<SensorReading, CompletionCode> {
        let def = self
            .defs
            .get(&(lun, number))
            .ok_or(CompletionCode::NotPresent)?;
        let live = self
            .live
            .get(&(lun, number))
            .ok_or(CompletionCode::NotPresent)?;
        if def.kind() == SensorKind::EventOnly {
            return Err(CompletionCode::NotPresent);
        }
        if let Some(cc) = live.completion {
            return Err(cc);
        }
        let bits = match (def.kind(), live.state) {
            (_, Some(bits)) => bits,
            (SensorKind::Threshold, None) if live.scanning && !live.unavailable => {
                // Bits 7:6 of the byte "read as 1b" on many BMCs.
                u16::from(Self::threshold_bits(def, live) | 0xc0)
            }
            _ => 0,
        };
        let [lo, hi] = bits.to_le_bytes();
        Ok(SensorReading {
            raw: if live.scanning { live.raw } else { 0 },
            event_messages_enabled: true,
            scanning_enabled: live.scanning,
            unavailable: live.unavailable,
            state: (live.state_bytes >= 1).then_some(lo),
            state_high: (live.state_bytes >= 2 && def.kind() != SensorKind::Threshold)
                .then_some(hi | 0x80),
        })
    }

    fn factors(&self, lun: u8, number: u8, raw: u8) -> Result<ReadingFactors, CompletionCode> {
        let def = self
            .defs
            .get(&(lun, number))
            .ok_or(CompletionCode::NotPresent)?;
        let live = self
            .live
            .get(&(lun, number))
            .ok_or(CompletionCode::NotPresent)?;
        let conv = def.conversion.ok_or(CompletionCode::IllegalForType)?;
        let (factors, next_reading) = if conv.is_non_linear() {
            live.factors_for(raw)
                .ok_or(CompletionCode::ParameterOutOfRange)?
        } else {
            (conv.factors, 0xff)
        };
        Ok(ReadingFactors {
            next_reading,
            factors,
        })
    }

    fn thresholds(&self, lun: u8, number: u8) -> Result<SensorThresholds, CompletionCode> {
        let def = self
            .defs
            .get(&(lun, number))
            .ok_or(CompletionCode::NotPresent)?;
        if let Some(cc) = self.live.get(&(lun, number)).and_then(|l| l.completion) {
            return Err(cc);
        }
        if def.kind() != SensorKind::Threshold {
            return Err(CompletionCode::IllegalForType);
        }
        let Some(raw) = def.thresholds else {
            return Ok(SensorThresholds::default());
        };
        let readable = def
            .readable_thresholds()
            .iter()
            .fold(0u8, |a, t| a | (1 << t.bit()));
        Ok(SensorThresholds {
            readable,
            lnc: raw.lnc,
            lc: raw.lc,
            lnr: raw.lnr,
            unc: raw.unc,
            uc: raw.uc,
            unr: raw.unr,
        })
    }
}

// ---------------------------------------------------------------------------
// Record builders
// ---------------------------------------------------------------------------

/// Sensor initialization byte of an enabled sensor: init scanning, events,
/// thresholds, hysteresis and type; events and scanning on (IPMI v2.0
/// Table 43-1 byte 11).
pub const INIT_ENABLED: u8 = 0x7f;
/// Capabilities of a threshold sensor: auto re-arm, readable and settable
/// hysteresis and thresholds, per-threshold events (byte 12).
pub const CAPS_THRESHOLD: u8 = 0x68;
/// Capabilities of a discrete sensor: auto re-arm, no thresholds (byte 12).
pub const CAPS_DISCRETE: u8 = 0x40;

/// A full threshold sensor record of the BMC (owner 20h).
///
/// `thresholds` are engineering values, turned into raw bytes with the
/// record's conversion (those that do not fit are left out); they are the
/// readable and settable thresholds, with assertion and deassertion events
/// for each.
#[allow(clippy::too_many_arguments)]
pub fn threshold_record(
    lun: u8,
    number: u8,
    name: &str,
    sensor_type: u8,
    entity: Entity,
    units: SensorUnits,
    format: AnalogFormat,
    linearization: Linearization,
    factors: ConversionFactors,
    thresholds: &[(Threshold, f64)],
) -> FullSensorRecord {
    let mut record = FullSensorRecord {
        sensor: SensorFields {
            owner: SensorOwner::bmc(lun),
            number,
            entity,
            initialization: INIT_ENABLED,
            capabilities: CAPS_THRESHOLD,
            sensor_type,
            event_reading_type: 0x01,
            assertion_mask: 0,
            deassertion_mask: 0,
            reading_mask: 0,
            units1: (format.bits() << 6) | units.units1_low_bits(),
            base_unit: units.base,
            modifier_unit: units.modifier_unit,
        },
        linearization: u8::from(linearization),
        factors,
        direction: 0,
        analog_flags: 0,
        nominal_reading: 0,
        normal_max: 0,
        normal_min: 0,
        sensor_max: match format {
            AnalogFormat::Unsigned => 0xff,
            _ => 0x7f,
        },
        sensor_min: match format {
            AnalogFormat::Unsigned => 0x00,
            _ => 0x80,
        },
        thresholds: RawThresholds::default(),
        hysteresis_positive: 1,
        hysteresis_negative: 1,
        reserved: [0; 2],
        oem: 0,
        id: IdString::latin1(name),
    };
    let conv = record.conversion();
    let mut mask = 0u8;
    for (t, v) in thresholds {
        let raw = if conv.is_non_linear() {
            None
        } else {
            conv.to_raw(*v)
        };
        if let Some(raw) = raw {
            record.thresholds.set(*t, raw);
            mask |= 1 << t.bit();
        }
    }
    set_threshold_masks(&mut record, mask);
    record
}

/// Sets readable/settable masks and the event masks for thresholds `mask`.
pub fn set_threshold_masks(record: &mut FullSensorRecord, mask: u8) {
    // Assertion/deassertion events: "going low" for lower thresholds
    // (offsets 0, 2, 4) and "going high" for upper ones (7, 9, 11).
    let mut events = 0u16;
    for t in Threshold::from_bits(mask) {
        let offset = match t {
            Threshold::LowerNonCritical => 0,
            Threshold::LowerCritical => 2,
            Threshold::LowerNonRecoverable => 4,
            Threshold::UpperNonCritical => 7,
            Threshold::UpperCritical => 9,
            Threshold::UpperNonRecoverable => 11,
        };
        events |= 1 << offset;
    }
    // Bits 14:12: the comparison status bits returned (lower / upper).
    let lower_status = u16::from(mask & 0x07) << 12;
    let upper_status = u16::from((mask >> 3) & 0x07) << 12;
    record.sensor.assertion_mask = events | lower_status;
    record.sensor.deassertion_mask = events | upper_status;
    record.sensor.reading_mask = u16::from_le_bytes([mask, mask]);
}

/// A discrete sensor as a compact record (owner 20h, LUN 0).
pub fn discrete_record(
    number: u8,
    name: &str,
    sensor_type: u8,
    event_reading_type: u8,
    entity: Entity,
    states_mask: u16,
    sharing: Sharing,
) -> CompactSensorRecord {
    CompactSensorRecord {
        sensor: SensorFields {
            owner: SensorOwner::bmc(0),
            number,
            entity,
            initialization: INIT_ENABLED,
            capabilities: CAPS_DISCRETE,
            sensor_type,
            event_reading_type,
            assertion_mask: states_mask,
            deassertion_mask: states_mask,
            reading_mask: states_mask,
            units1: 0xc0,
            base_unit: 0,
            modifier_unit: 0,
        },
        sharing,
        hysteresis_positive: 0,
        hysteresis_negative: 0,
        reserved: [0; 3],
        oem: 0,
        id: IdString::latin1(name),
    }
}

fn linear(m: i16, b: i16, b_exp: i8, r_exp: i8) -> ConversionFactors {
    ConversionFactors::new(m, b, b_exp, r_exp)
}

impl Default for SensorModel {
    /// A small, realistic 1U server: temperatures (one on LUN 1, signed
    /// ones, a name with a Latin-1 µ), fans (one critical, one not
    /// scanning, one absent), voltages with exponents and offsets, a
    /// non-linear power sensor, a percentage, shared DIMM and drive
    /// records, PSU and redundancy states, intrusion, an event-only
    /// watchdog, a FRU locator and an OEM record. `tests/sensors_*`
    /// document every value.
    fn default() -> Self {
        use Threshold::{
            LowerCritical as LC, LowerNonCritical as LNC, LowerNonRecoverable as LNR,
            UpperCritical as UC, UpperNonCritical as UNC, UpperNonRecoverable as UNR,
        };
        let mut m = Self::empty();
        let lin = Linearization::Linear;
        let unsigned = AnalogFormat::Unsigned;
        m.add(SdrRecord::McLocator(McLocatorRecord {
            slave_address: 0x20,
            channel: 0,
            power_state: 0,
            capabilities: 0xbf,
            reserved: [0; 3],
            entity: Entity::new(0x06, 1),
            oem: 0,
            id: IdString::latin1("Virtual BMC"),
        }));
        let temp = |lun, n, name: &str, entity, fmt, th: &[(Threshold, f64)]| {
            SdrRecord::Full(threshold_record(
                lun,
                n,
                name,
                0x01,
                entity,
                SensorUnits::base(UNIT_DEGREES_C),
                fmt,
                Linearization::Linear,
                linear(1, 0, 0, 0),
                th,
            ))
        };
        let cpu_th = [(LNC, 10.0), (LC, 5.0), (UNC, 85.0), (UC, 90.0), (UNR, 95.0)];
        m.add_sensor(
            temp(0, 0x01, "CPU1 Temp", Entity::new(3, 1), unsigned, &cpu_th),
            SimSensor::reading(45),
        );
        m.add_sensor(
            temp(0, 0x02, "CPU2 Temp", Entity::new(3, 2), unsigned, &cpu_th),
            SimSensor::reading(88),
        );
        m.add_sensor(
            temp(
                0,
                0x03,
                "Inlet Temp",
                Entity::new(0x37, 1),
                AnalogFormat::TwosComplement,
                &[(LC, -10.0), (LNC, -5.0), (UNC, 40.0), (UC, 45.0)],
            ),
            SimSensor::reading((-3i8).to_le_bytes()[0]),
        );
        m.add_sensor(
            temp(
                0,
                0x04,
                "Exh-Inlet Delta",
                Entity::new(7, 1),
                AnalogFormat::OnesComplement,
                &[(LC, -40.0), (UNC, 15.0), (UC, 20.0)],
            ),
            // -16 in 1's complement.
            SimSensor::reading(0xef),
        );
        m.add_sensor(
            temp(
                0,
                0x05,
                "PCH \u{b5}Temp/Zone-2",
                Entity::new(7, 2),
                unsigned,
                &[(UNC, 80.0), (UC, 95.0)],
            ),
            SimSensor::reading(51),
        );
        m.add_sensor(
            temp(
                1,
                0x01,
                "NIC Temp",
                Entity::new(0x0b, 1),
                unsigned,
                &[(UNC, 95.0), (UC, 105.0)],
            ),
            SimSensor::reading(49),
        );
        let fan = |n, name: &str, inst| {
            SdrRecord::Full(threshold_record(
                0,
                n,
                name,
                0x04,
                Entity::new(0x1d, inst),
                SensorUnits::base(UNIT_RPM),
                unsigned,
                lin,
                linear(100, 0, 0, 0),
                &[(LNR, 300.0), (LC, 500.0), (LNC, 700.0)],
            ))
        };
        m.add_sensor(fan(0x30, "FAN1", 1), SimSensor::reading(88));
        m.add_sensor(fan(0x31, "FAN2", 2), SimSensor::reading(4));
        m.add_sensor(
            fan(0x32, "FAN3", 3),
            SimSensor {
                scanning: false,
                ..SimSensor::default()
            },
        );
        m.add_sensor(
            fan(0x33, "FAN4", 4),
            SimSensor {
                completion: Some(CompletionCode::NotPresent),
                ..SimSensor::default()
            },
        );
        m.add_sensor(
            SdrRecord::Full(threshold_record(
                0,
                0x34,
                "Fan Duty",
                0x04,
                Entity::new(0x1d, 5),
                SensorUnits::percent(),
                unsigned,
                lin,
                linear(1, 0, 0, 0),
                &[],
            )),
            SimSensor::reading(45),
        );
        m.add_sensor(
            SdrRecord::Full(threshold_record(
                0,
                0x40,
                "12V",
                0x02,
                Entity::new(7, 1),
                SensorUnits::base(UNIT_VOLTS),
                unsigned,
                lin,
                linear(59, 0, 0, -3),
                &[(LC, 10.797), (LNC, 11.387), (UNC, 12.626), (UC, 13.216)],
            )),
            SimSensor::reading(204),
        );
        m.add_sensor(
            SdrRecord::Full(threshold_record(
                0,
                0x41,
                "VBAT",
                0x02,
                Entity::new(0x28, 1),
                SensorUnits::base(UNIT_VOLTS),
                unsigned,
                lin,
                linear(13, 5, 2, -3),
                &[(LC, 2.19), (LNC, 2.45)],
            )),
            // A 2-byte answer (no state byte), as some BMCs send.
            SimSensor {
                raw: 192,
                state_bytes: 0,
                ..SimSensor::default()
            },
        );
        m.add_sensor(
            SdrRecord::Full(threshold_record(
                0,
                0x42,
                "PSU1 Current",
                0x03,
                Entity::new(0x0a, 1),
                SensorUnits::base(UNIT_AMPS),
                unsigned,
                lin,
                linear(1, 0, 0, -1),
                &[(UC, 12.0)],
            )),
            SimSensor::reading(14),
        );
        // Non-linear: 3 W per count below raw 128, 5x - 256 W above.
        let mut power = threshold_record(
            0,
            0x50,
            "PSU1 Power",
            0x08,
            Entity::new(0x0a, 1),
            SensorUnits::base(UNIT_WATTS),
            unsigned,
            Linearization::NonLinear(0x70),
            ConversionFactors::default(),
            &[],
        );
        power.thresholds.unc = 180; // 644 W
        power.thresholds.uc = 200; // 744 W
        set_threshold_masks(&mut power, (1 << UNC.bit()) | (1 << UC.bit()));
        m.add_sensor(
            SdrRecord::Full(power),
            SimSensor {
                raw: 100,
                factors: vec![(0, linear(3, 0, 0, 0)), (128, linear(5, -256, 0, 0))],
                ..SimSensor::default()
            },
        );
        // Shared compact records.
        m.add(SdrRecord::Compact(discrete_record(
            0x60,
            "DIMM",
            0x0c,
            0x6f,
            Entity::new(0x20, 1),
            0x07ff,
            Sharing::shared(4, false, 1, true),
        )));
        for (i, bits) in [0x0040u16, 0x0040, 0x0060, 0x0040].into_iter().enumerate() {
            if let Some(s) = m.sensor_mut(0, 0x60u8.saturating_add(u8::try_from(i).unwrap_or(0))) {
                s.state = Some(bits);
            }
        }
        m.add(SdrRecord::Compact(discrete_record(
            0x68,
            "Drive",
            0x0d,
            0x6f,
            Entity::new(0x1a, 1),
            0x01ff,
            Sharing::shared(2, true, 0, true),
        )));
        if let Some(s) = m.sensor_mut(0, 0x68) {
            s.state = Some(0x0001);
        }
        if let Some(s) = m.sensor_mut(0, 0x69) {
            s.state = Some(0x0003);
        }
        let ps = |n, name: &str, inst| {
            SdrRecord::Compact(discrete_record(
                n,
                name,
                0x08,
                0x6f,
                Entity::new(0x0a, inst),
                0x007f,
                Sharing::default(),
            ))
        };
        m.add_sensor(ps(0x70, "PS1 Status", 1), SimSensor::states(0x0001));
        m.add_sensor(ps(0x71, "PS2 Status", 2), SimSensor::states(0x0003));
        m.add_sensor(
            SdrRecord::Compact(discrete_record(
                0x72,
                "PS Redundancy",
                0x08,
                0x0b,
                Entity::new(0x13, 1),
                0x00ff,
                Sharing::default(),
            )),
            SimSensor::states(0x0002),
        );
        // A discrete sensor in a full record (analog format "none").
        let mut intrusion = threshold_record(
            0,
            0x73,
            "Intrusion",
            0x05,
            Entity::new(0x17, 1),
            SensorUnits::default(),
            AnalogFormat::NoReading,
            lin,
            ConversionFactors::default(),
            &[],
        );
        intrusion.sensor.event_reading_type = 0x6f;
        intrusion.sensor.capabilities = CAPS_DISCRETE;
        intrusion.sensor.assertion_mask = 0x007f;
        intrusion.sensor.deassertion_mask = 0x007f;
        intrusion.sensor.reading_mask = 0x007f;
        m.add_sensor(SdrRecord::Full(intrusion), SimSensor::states(0));
        m.add(SdrRecord::EventOnly(EventOnlyRecord {
            owner: SensorOwner::bmc(0),
            number: 0x74,
            entity: Entity::new(7, 1),
            sensor_type: 0x23,
            event_reading_type: 0x6f,
            sharing: Sharing::default(),
            reserved: 0,
            oem: 0,
            id: IdString::latin1("OS Watchdog"),
        }));
        m.add(SdrRecord::FruLocator(FruLocatorRecord {
            access_address: 0x20,
            fru_device_id: 1,
            access: 0x80,
            channel: 0,
            reserved: 0,
            device_type: 0x10,
            device_type_modifier: 0,
            entity: Entity::new(0x0a, 1),
            oem: 0,
            id: IdString::latin1("PS1 FRU"),
        }));
        m.add(SdrRecord::Oem(OemRecord {
            manufacturer_id: 49871,
            data: vec![0x01, 0x02, 0x03],
        }));
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Codec;
    use crate::sdr::{ReadPolicy, SdrReader};
    use crate::sensor::{evaluate, Interpreter, SensorState};
    use crate::types::{NetFn, PrivilegeLevel};

    fn caller() -> Caller {
        Caller {
            privilege: Some(PrivilegeLevel::User),
            active_sessions: 1,
            handle: 1,
        }
    }

    fn ask(m: &mut SensorModel, netfn: NetFn, cmd: u8, lun: u8, data: Vec<u8>) -> Outcome {
        let mut req = IpmiRequest::to_bmc(netfn, cmd, 1, data);
        req.rs_lun = lun;
        m.handle(&req, caller()).unwrap()
    }

    fn walk(m: &mut SensorModel) -> crate::sdr::SdrRepository {
        let mut reader = SdrReader::new(ReadPolicy::default());
        while let Some(req) = reader.next_request() {
            let raw = req.to_raw();
            let (cc, data) = match ask(m, raw.netfn, raw.cmd, 0, raw.data) {
                Ok(d) => (CompletionCode::Ok, d),
                Err(cc) => (cc, vec![]),
            };
            reader.handle_response(cc, &data).unwrap();
        }
        reader.finish().unwrap()
    }

    #[test]
    fn default_machine_reads_back() {
        let mut m = SensorModel::default();
        let repo = walk(&mut m);
        assert_eq!(repo.to_dump(), m.dump());
        let names: Vec<&str> = repo.sensors().iter().map(|s| s.name.as_str()).collect();
        assert!(names.contains(&"DIMM 3"));
        assert!(names.contains(&"Drive B"));
        assert!(names.contains(&"PCH \u{b5}Temp/Zone-2"));
        assert_eq!(repo.policy().whole_record, Some(true));
        // One Get SDR per record.
        assert_eq!(m.served[&GetSdr::CMD], m.records().len() as u64);
    }

    #[test]
    fn partial_reads_and_reservations() {
        let mut m = SensorModel {
            max_read: Some(16),
            whole_record_garbage: 6,
            ..SensorModel::default()
        };
        let repo = walk(&mut m);
        assert_eq!(repo.to_dump(), m.dump());
        assert_eq!(repo.policy().chunk_size, 16);
        // A stale reservation at a non-zero offset: C5h.
        let stale = GetSdr {
            reservation_id: 0x7777,
            record_id: 2,
            offset: 5,
            bytes_to_read: 4,
        };
        assert_eq!(
            ask(&mut m, NetFn::Storage, 0x23, 0, stale.to_bytes()),
            Err(CompletionCode::ReservationCancelled)
        );
        // Too long, whole or partial: CAh.
        let whole = GetSdr {
            reservation_id: 0,
            record_id: 2,
            offset: 0,
            bytes_to_read: 0xff,
        };
        assert_eq!(
            ask(&mut m, NetFn::Storage, 0x23, 0, whole.to_bytes()),
            Err(CompletionCode::CannotReturnRequestedBytes)
        );
        // Unknown record.
        let missing = GetSdr {
            record_id: 0x999,
            ..whole
        };
        assert_eq!(
            ask(&mut m, NetFn::Storage, 0x23, 0, missing.to_bytes()),
            Err(CompletionCode::NotPresent)
        );
    }

    #[test]
    fn readings_by_lun_and_states() {
        let mut m = SensorModel::default();
        let repo = walk(&mut m);
        let interp = Interpreter::default();
        let report = |m: &mut SensorModel, name: &str| {
            let def = repo
                .sensors()
                .iter()
                .find(|d| d.name == name)
                .unwrap()
                .clone();
            let out = ask(m, NetFn::SensorEvent, 0x2d, def.owner.lun, vec![def.number]);
            let none = |_| None;
            match out {
                Ok(d) => {
                    let outcome = crate::sensor::classify_response(CompletionCode::Ok, &d).unwrap();
                    evaluate(&def, outcome.as_ref().map_err(|w| *w), None, &none, &interp)
                }
                Err(cc) => {
                    let outcome = crate::sensor::classify_response(cc, &[]).unwrap();
                    evaluate(&def, outcome.as_ref().map_err(|w| *w), None, &none, &interp)
                }
            }
        };
        let cpu2 = report(&mut m, "CPU2 Temp");
        assert_eq!(cpu2.reading, Some(88.0));
        assert_eq!(cpu2.crossed, vec![Threshold::UpperNonCritical]);
        assert_eq!(cpu2.state, Some(SensorState::Nominal));
        let nic = report(&mut m, "NIC Temp");
        assert_eq!(nic.reading, Some(49.0));
        let inlet = report(&mut m, "Inlet Temp");
        assert_eq!(inlet.reading, Some(-3.0));
        assert!(inlet.crossed.is_empty());
        let delta = report(&mut m, "Exh-Inlet Delta");
        assert_eq!(delta.reading, Some(-16.0));
        let fan2 = report(&mut m, "FAN2");
        assert_eq!(fan2.state, Some(SensorState::Critical));
        let fan3 = report(&mut m, "FAN3");
        assert_eq!(
            fan3.unavailable,
            Some(crate::sensor::Unavailable::ScanningDisabled)
        );
        let fan4 = report(&mut m, "FAN4");
        assert_eq!(
            fan4.unavailable,
            Some(crate::sensor::Unavailable::NotPresent(
                CompletionCode::NotPresent
            ))
        );
        let vbat = report(&mut m, "VBAT");
        assert!((vbat.reading.unwrap() - 2.996).abs() < 1e-9);
        assert_eq!(vbat.state, Some(SensorState::Nominal));
        let dimm3 = report(&mut m, "DIMM 3");
        assert_eq!(dimm3.state, Some(SensorState::Warning));
        let drive_b = report(&mut m, "Drive B");
        assert_eq!(drive_b.state, Some(SensorState::Critical));
        let red = report(&mut m, "PS Redundancy");
        assert_eq!(red.asserted, vec!["Redundancy Lost"]);
        assert_eq!(red.state, Some(SensorState::Critical));
        let intrusion = report(&mut m, "Intrusion");
        assert_eq!(intrusion.state, Some(SensorState::Nominal));
    }

    #[test]
    fn factors_and_thresholds() {
        let mut m = SensorModel::default();
        let f = ask(
            &mut m,
            NetFn::SensorEvent,
            0x23,
            0,
            GetSensorReadingFactors {
                sensor_number: 0x50,
                reading: 200,
            }
            .to_bytes(),
        )
        .unwrap();
        let f = ReadingFactors::from_bytes(&f).unwrap();
        assert_eq!((f.factors.m, f.factors.b, f.next_reading), (5, -256, 0xff));
        let t = ask(&mut m, NetFn::SensorEvent, 0x27, 0, vec![0x40]).unwrap();
        let t = SensorThresholds::from_bytes(&t).unwrap();
        assert_eq!(t.readable, 0x1b);
        assert_eq!(t.get(Threshold::UpperCritical), Some(224));
        assert_eq!(
            ask(&mut m, NetFn::SensorEvent, 0x27, 0, vec![0x70]),
            Err(CompletionCode::IllegalForType)
        );
        assert_eq!(
            ask(&mut m, NetFn::SensorEvent, 0x2d, 0, vec![0x74]),
            Err(CompletionCode::NotPresent)
        );
        assert_eq!(
            ask(&mut m, NetFn::SensorEvent, 0x2d, 2, vec![0x01]),
            Err(CompletionCode::NotPresent)
        );
        // Other commands are not ours.
        let req = IpmiRequest::to_bmc(NetFn::SensorEvent, 0x2b, 1, vec![]);
        assert!(m.handle(&req, caller()).is_none());
    }
}
