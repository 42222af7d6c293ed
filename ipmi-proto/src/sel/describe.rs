//! Human descriptions of SEL records, in the styles of `ipmitool sel
//! elist` and FreeIPMI `ipmi-sel`.
//!
//! * [`SelRecord::ipmitool_description`] gives the `sensor | event |
//!   Asserted[ | Reading X > Threshold Y unit]` part of an `ipmitool sel
//!   elist` line, e.g. `Power Supply #0x61 | Failure detected | Asserted`;
//!   [`SelRecord::ipmitool_elist_line`] the whole line.
//! * [`SelRecord::freeipmi`] gives the columns of an `ipmi-sel` line (date,
//!   time, sensor name, sensor type, event state, event text such as `Lower
//!   Critical - going low ; Sensor Reading = 400.00 RPM ; Threshold =
//!   500.00 RPM`). The exporter's `sel-events` collector matches its
//!   users' regular expressions against that event text.
//!
//! Sensor names and the conversion of raw readings come from the SDR,
//! which this module does not read: callers pass a [`SensorLookup`]
//! ([`NoSensors`] when there is no SDR; [`SensorTable`] for a fixed list).
//! Event data layouts: IPMI v2.0 §29.7, Table 29-6; strings: Tables 42-2
//! and 42-3 (see [`super::tables`]); dates are printed in UTC.

use super::tables;
use super::time::CivilTime;
use super::{
    EventClass, EventDataUsage, EventDirection, GeneratorId, SelRecord, SelRecordBody,
    SelTimestamp, SystemEvent, TimestampKind,
};

/// FreeIPMI's interpretation of an event (`ipmi-sel --output-event-state`;
/// the exporter's `ipmi_sel_events_count_by_state` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventState {
    /// "Nominal".
    Nominal,
    /// "Warning".
    Warning,
    /// "Critical".
    Critical,
}

impl EventState {
    /// `"Nominal"`, `"Warning"` or `"Critical"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nominal => "Nominal",
            Self::Warning => "Warning",
            Self::Critical => "Critical",
        }
    }
}

impl std::fmt::Display for EventState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A converted sensor reading, with its unit as both tools print it.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorReading {
    /// The value in the sensor's unit.
    pub value: f64,
    /// FreeIPMI's abbreviated unit ("C", "V", "RPM", "W", "A").
    pub unit: String,
    /// ipmitool's unit ("degrees C", "Volts", "RPM", "Watts", "Amps").
    pub ipmitool_unit: String,
}

/// Where descriptions get what only the SDR knows (IPMI v2.0 §43): the
/// sensor's name and the conversion of raw readings and thresholds of
/// threshold sensors.
///
/// Sensors are identified by the event's generator (compare
/// [`GeneratorId::owner`] with the SDR's sensor owner ID byte) and sensor
/// number.
pub trait SensorLookup {
    /// The sensor's ID string.
    fn sensor_name(&self, generator: GeneratorId, sensor_number: u8) -> Option<String> {
        let _ = (generator, sensor_number);
        None
    }

    /// Converts a raw reading or threshold byte of the sensor.
    fn reading(&self, generator: GeneratorId, sensor_number: u8, raw: u8) -> Option<SensorReading> {
        let _ = (generator, sensor_number, raw);
        None
    }
}

/// No SDR: sensors show as numbers and readings as raw bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoSensors;

impl SensorLookup for NoSensors {}

/// A linear SDR conversion, `y = (M·x + B·10^Bexp) · 10^Rexp` (IPMI v2.0
/// §36.3), with the raw byte read as unsigned, one's or two's complement
/// (analog data format 0, 1, 2 of the full sensor record, §43.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinearConversion {
    /// M (10-bit signed).
    pub m: i16,
    /// B (10-bit signed).
    pub b: i16,
    /// B exponent (4-bit signed).
    pub b_exp: i8,
    /// Result exponent R (4-bit signed).
    pub r_exp: i8,
    /// Analog data format: 0 unsigned, 1 one's complement, 2 two's
    /// complement.
    pub analog_format: u8,
}

impl LinearConversion {
    /// Converts raw byte `x`; `None` for analog format 3 (no reading).
    pub fn convert(&self, x: u8) -> Option<f64> {
        let x = match self.analog_format {
            0 => f64::from(x),
            1 if x & 0x80 != 0 => -f64::from(!x),
            1 => f64::from(x),
            2 => f64::from(i8::from_le_bytes([x])),
            _ => return None,
        };
        let b = f64::from(self.b) * 10f64.powi(i32::from(self.b_exp));
        Some((f64::from(self.m) * x + b) * 10f64.powi(i32::from(self.r_exp)))
    }
}

/// One sensor of a [`SensorTable`].
#[derive(Debug, Clone, PartialEq)]
pub struct StaticSensor {
    /// Sensor owner ID byte (20h = BMC).
    pub owner: u8,
    /// Sensor owner LUN.
    pub lun: u8,
    /// Sensor number.
    pub number: u8,
    /// ID string.
    pub name: String,
    /// Conversion of threshold sensors, `None` for discrete ones.
    pub conversion: Option<LinearConversion>,
    /// FreeIPMI's abbreviated unit.
    pub unit: String,
    /// ipmitool's unit.
    pub ipmitool_unit: String,
}

/// A fixed list of sensors (built from an SDR dump, or by tests).
///
/// Lookups prefer a sensor with the event's LUN, then any LUN; like
/// FreeIPMI they retry with the owner shifted right by one when an event
/// claims owner 40h (Supermicro H8QME logs the BMC's address shifted).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SensorTable {
    /// The sensors.
    pub sensors: Vec<StaticSensor>,
}

impl SensorTable {
    fn find(&self, g: GeneratorId, number: u8) -> Option<&StaticSensor> {
        let by = |owner: u8| {
            self.sensors
                .iter()
                .find(|s| s.owner == owner && s.number == number && s.lun == g.lun)
                .or_else(|| {
                    self.sensors
                        .iter()
                        .find(|s| s.owner == owner && s.number == number)
                })
        };
        by(g.owner).or_else(|| (g.owner == 0x40).then(|| by(0x20)).flatten())
    }
}

impl SensorLookup for SensorTable {
    fn sensor_name(&self, generator: GeneratorId, sensor_number: u8) -> Option<String> {
        self.find(generator, sensor_number).map(|s| s.name.clone())
    }

    fn reading(&self, generator: GeneratorId, sensor_number: u8, raw: u8) -> Option<SensorReading> {
        let s = self.find(generator, sensor_number)?;
        Some(SensorReading {
            value: s.conversion?.convert(raw)?,
            unit: s.unit.clone(),
            ipmitool_unit: s.ipmitool_unit.clone(),
        })
    }
}

/// The columns of one `ipmi-sel` line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FreeIpmiLine {
    /// Record ID.
    pub id: u16,
    /// "May-14-2024", "PostInit" (pre-init timestamp), "Unspec."
    /// (FFFFFFFFh) or "N/A" (no timestamp field).
    pub date: String,
    /// "08:00:00", "PostInit" or "N/A".
    pub time: String,
    /// SDR name, "Sensor #143" without one, "N/A" for OEM records.
    pub name: String,
    /// Sensor type ("Temperature"), "N/A" for OEM records.
    pub sensor_type: String,
    /// Event state (`--output-event-state`), `None` = "N/A".
    pub state: Option<EventState>,
    /// Event text, e.g. "Upper Critical - going high ; Sensor Reading =
    /// 13.80 V ; Threshold = 13.73 V".
    pub event: String,
}

impl FreeIpmiLine {
    /// The state column: "Nominal", "Warning", "Critical" or "N/A".
    pub fn state_str(&self) -> &'static str {
        self.state.map_or("N/A", EventState::as_str)
    }

    /// The line of `ipmi-sel --comma-separated-output --no-header-output
    /// --output-event-state` (`ID,Date,Time,Name,Type,State,Event`), the
    /// format the exporter's `sel-events` collector parses.
    pub fn csv(&self) -> String {
        format!(
            "{},{},{},{},{},{},{}",
            self.id,
            self.date,
            self.time,
            self.name,
            self.sensor_type,
            self.state_str(),
            self.event
        )
    }

    /// The Unix time of the date and time columns as the exporter parses
    /// them (`Jan-02-2006 15:04:05` in UTC); `None` for "PostInit" / "N/A"
    /// (the exporter counts those as timestamp 0).
    pub fn unix_seconds(&self, record: &SelRecord) -> Option<u32> {
        record.timestamp().and_then(SelTimestamp::unix_seconds)
    }
}

/// Builds the `ipmi-sel` columns of `record` (same as
/// [`SelRecord::freeipmi`]).
pub fn freeipmi_line(record: &SelRecord, sensors: &dyn SensorLookup) -> FreeIpmiLine {
    record.freeipmi(sensors)
}

/// `ipmitool`'s number format for readings: no decimals for whole
/// numbers, two otherwise.
fn ipmitool_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// FreeIPMI's number format: rounded to two decimals, printed with two.
fn freeipmi_number(v: f64) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    let s = format!("{rounded:.2}");
    if s == "-0.00" {
        "0.00".to_string()
    } else {
        s
    }
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_freeipmi(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}h"))
        .collect::<Vec<_>>()
        .join(" ")
}

impl SystemEvent {
    /// The event string as `ipmitool` prints it ("Upper Critical going
    /// high", "Failure detected", "S0/G0: working").
    pub fn ipmitool_event_text(&self) -> String {
        let offset = self.offset();
        if self.sensor_type == 0x0f
            && self.class() == EventClass::SensorSpecific
            && self.data2_usage() == EventDataUsage::SensorSpecific
        {
            // ipmitool names the firmware error / hang / progress code.
            if let Some(s) = tables::ipmitool_firmware_code(offset, self.data2()) {
                return s.to_string();
            }
        }
        let found = match self.class() {
            EventClass::Threshold | EventClass::Generic => {
                tables::ipmitool_generic_event(self.event_type, offset)
            }
            EventClass::SensorSpecific => {
                tables::ipmitool_sensor_specific_event(self.sensor_type, offset)
            }
            _ => None,
        };
        match (found, self.class()) {
            (Some(s), _) => s.to_string(),
            (None, EventClass::Oem) => format!(
                "OEM event type {:#04x} offset {:#04x}",
                self.event_type, offset
            ),
            (None, _) => format!(
                "Unknown event type {:#04x} offset {:#04x}",
                self.event_type, offset
            ),
        }
    }

    /// The sensor column of `ipmitool sel elist`: sensor type name and
    /// SDR name ("Fan FAN3"), or the number ("Memory #0x87").
    pub fn ipmitool_sensor(&self, sensors: &dyn SensorLookup) -> String {
        let t = tables::ipmitool_sensor_type_name(self.sensor_type);
        match sensors.sensor_name(self.generator, self.sensor_number) {
            Some(name) => format!("{t} {name}"),
            None => format!("{t} #{:#04x}", self.sensor_number),
        }
    }

    /// The reading part of a threshold event in ipmitool style ("Reading
    /// 600 < Threshold 700 RPM"), when the SDR converts both bytes.
    fn ipmitool_reading(&self, sensors: &dyn SensorLookup) -> Option<String> {
        let conv = |raw| sensors.reading(self.generator, self.sensor_number, raw);
        let reading = conv(self.trigger_reading()?)?;
        let Some(threshold) = self.trigger_threshold().and_then(conv) else {
            return Some(format!(
                "Reading {} {}",
                ipmitool_number(reading.value),
                reading.ipmitool_unit
            ));
        };
        // Odd offsets are "going high"; a deassertion reverses the sense.
        let high = self.offset() & 1 == 1;
        let above = high != (self.direction == EventDirection::Deassertion);
        Some(format!(
            "Reading {} {} Threshold {} {}",
            ipmitool_number(reading.value),
            if above { ">" } else { "<" },
            ipmitool_number(threshold.value),
            threshold.ipmitool_unit
        ))
    }

    /// The description `ipmitool sel elist` gives this event, from the
    /// sensor column on: "Temperature #0x02 | Upper Critical going high |
    /// Asserted", with " | Reading 87 > Threshold 85 degrees C" for
    /// threshold events whose values the SDR converts.
    pub fn ipmitool_description(&self, sensors: &dyn SensorLookup) -> String {
        let mut s = format!(
            "{} | {} | {}",
            self.ipmitool_sensor(sensors),
            self.ipmitool_event_text(),
            self.direction.as_str()
        );
        if self.class() == EventClass::Threshold {
            if let Some(r) = self.ipmitool_reading(sensors) {
                s.push_str(" | ");
                s.push_str(&r);
            }
        }
        s
    }

    /// The event string alone, FreeIPMI spelling ("Lower Critical - going
    /// low", "Power Supply Failure detected").
    pub fn freeipmi_event_text(&self) -> String {
        let offset = self.offset();
        let found = match self.class() {
            EventClass::Threshold | EventClass::Generic => {
                tables::generic_event(self.event_type, offset)
            }
            EventClass::SensorSpecific => tables::sensor_specific_event(self.sensor_type, offset),
            _ => None,
        };
        match (found, self.class()) {
            (Some(s), _) => s.to_string(),
            (None, EventClass::Oem) => format!("OEM Event Offset = {offset:02X}h"),
            (None, _) => format!("Event Offset = {offset:02X}h"),
        }
    }

    /// Sensor-specific meanings of event data 2 that this crate knows
    /// (Table 42-3), FreeIPMI spelling.
    fn data2_message(&self) -> Option<String> {
        let d = self.data2();
        match (self.sensor_type, self.offset()) {
            (0x0f, 0) => tables_data2::firmware_error(d).map(str::to_string),
            (0x0f, 1 | 2) => tables_data2::firmware_progress(d).map(str::to_string),
            (0x1d, 7) => tables_data2::restart_cause(d & 0x0f).map(str::to_string),
            (0x23, _) => {
                let interrupt = tables_data2::watchdog_interrupt(d >> 4)?;
                let timer = tables_data2::watchdog_timer_use(d & 0x0f)?;
                Some(format!(
                    "Timer use at expiration = {timer} ; Interrupt type = {interrupt}"
                ))
            }
            _ => None,
        }
    }

    /// Sensor-specific meanings of event data 3 that this crate knows.
    fn data3_message(&self) -> Option<String> {
        let d = self.data3();
        match (self.sensor_type, self.offset()) {
            (0x08, 6) => tables_data2::ps_config_error(d & 0x0f).map(str::to_string),
            _ => None,
        }
    }

    fn freeipmi_data2(&self, sensors: &dyn SensorLookup) -> Option<String> {
        let d = self.data2();
        let fallback = || Some(format!("Event Data2 = {d:02X}h"));
        match self.class() {
            EventClass::Threshold | EventClass::Generic | EventClass::SensorSpecific => {
                match self.data2_usage() {
                    EventDataUsage::Unspecified | EventDataUsage::Reserved => None,
                    EventDataUsage::TriggerReading => Some(
                        match sensors.reading(self.generator, self.sensor_number, d) {
                            Some(r) => {
                                format!("Sensor Reading = {} {}", freeipmi_number(r.value), r.unit)
                            }
                            None => format!("Sensor Reading = {d:02X}h"),
                        },
                    ),
                    _ if d == 0xff => None,
                    EventDataUsage::Oem => Some(format!("OEM Event Data2 code = {d:02X}h")),
                    EventDataUsage::SensorSpecific => self.data2_message().or_else(fallback),
                    EventDataUsage::PreviousState => match self.severity() {
                        Some(sev) => tables::severity_event(sev)
                            .map(|s| format!("Severity State = {s}"))
                            .or_else(fallback),
                        None => fallback(),
                    },
                    EventDataUsage::TriggerThreshold => fallback(),
                }
            }
            EventClass::Oem => (self.data2_usage() != EventDataUsage::Unspecified && d != 0xff)
                .then(|| format!("OEM Event Data2 code = {d:02X}h")),
            EventClass::Unspecified | EventClass::Reserved => fallback(),
        }
    }

    fn freeipmi_data3(&self, sensors: &dyn SensorLookup) -> Option<String> {
        let d = self.data3();
        let fallback = || Some(format!("Event Data3 = {d:02X}h"));
        match self.class() {
            EventClass::Threshold | EventClass::Generic | EventClass::SensorSpecific => {
                match self.data3_usage() {
                    EventDataUsage::Unspecified | EventDataUsage::Reserved => None,
                    EventDataUsage::TriggerThreshold => Some(
                        match sensors.reading(self.generator, self.sensor_number, d) {
                            Some(r) => {
                                format!("Threshold = {} {}", freeipmi_number(r.value), r.unit)
                            }
                            None => format!("Threshold = {d:02X}h"),
                        },
                    ),
                    _ if d == 0xff => None,
                    EventDataUsage::Oem => Some(format!("OEM Event Data3 code = {d:02X}h")),
                    EventDataUsage::SensorSpecific => self.data3_message().or_else(fallback),
                    _ => fallback(),
                }
            }
            EventClass::Oem => (self.data3_usage() != EventDataUsage::Unspecified && d != 0xff)
                .then(|| format!("OEM Event Data3 code = {d:02X}h")),
            EventClass::Unspecified | EventClass::Reserved => fallback(),
        }
    }

    /// The event column of `ipmi-sel`: the event string, then event data
    /// 2 and 3 where they say something, joined by `" ; "`, e.g.
    /// `Lower Critical - going low ; Sensor Reading = 400.00 RPM ;
    /// Threshold = 500.00 RPM` or `Correctable memory error ; OEM Event
    /// Data2 code = 00h ; OEM Event Data3 code = 01h`.
    pub fn freeipmi_event(&self, sensors: &dyn SensorLookup) -> String {
        let mut parts = vec![self.freeipmi_event_text()];
        parts.extend(self.freeipmi_data2(sensors));
        parts.extend(self.freeipmi_data3(sensors));
        parts.join(" ; ")
    }

    /// FreeIPMI's default event state for this event, `None` when it has
    /// no interpretation.
    pub fn event_state(&self) -> Option<EventState> {
        tables::default_event_state(
            self.sensor_type,
            self.event_type,
            self.offset(),
            self.direction == EventDirection::Deassertion,
        )
    }

    /// The sensor name column of `ipmi-sel`: the SDR name or
    /// "Sensor #`<decimal number>`".
    pub fn freeipmi_name(&self, sensors: &dyn SensorLookup) -> String {
        sensors
            .sensor_name(self.generator, self.sensor_number)
            .unwrap_or_else(|| format!("Sensor #{}", self.sensor_number))
    }
}

/// Event data 2/3 string tables (IPMI v2.0 Table 42-3), FreeIPMI spelling.
mod tables_data2 {
    const FIRMWARE_ERROR: [&str; 14] = [
        "Unspecified",
        "No system memory is physically installed in the system",
        "No usable system memory, all installed memory has experienced an unrecoverable failure",
        "Unrecoverable hard-disk/ATAPI/IDE device failure",
        "Unrecoverable system-board failure",
        "Unrecoverable diskette subsystem failure",
        "Unrecoverable hard-disk controller failure",
        "Unrecoverable PS/2 or USB keyboard failure",
        "Removable boot media not found",
        "Unrecoverable video controller failure",
        "No video device detected",
        "Firmware (BIOS) ROM corruption detected",
        "CPU voltage mismatch (processors that share same supply have mismatched voltage requirements)",
        "CPU speed matching failure",
    ];
    const FIRMWARE_PROGRESS: [&str; 26] = [
        "Unspecified",
        "Memory initialization",
        "Hard-disk initialization",
        "Secondary processor(s) initialization",
        "User authentication",
        "User-initiated system setup",
        "USB resource configuration",
        "PCI resource configuration",
        "Option ROM initialization",
        "Video initialization",
        "Cache initialization",
        "SM Bus initialization",
        "Keyboard controller initialization",
        "Embedded controller/management controller initialization",
        "Docking station attachment",
        "Enabling docking station",
        "Docking station ejection",
        "Disabling docking station",
        "Calling operating system wake-up vector",
        "Starting operating system boot process, e.g. calling Int 19h",
        "Baseboard or motherboard initialization",
        "reserved",
        "Floppy initialization",
        "Keyboard test",
        "Pointing device test",
        "Primary processor initialization",
    ];
    const RESTART_CAUSE: [&str; 12] = [
        "unknown",
        "Chassis Control command",
        "reset via pushbutton",
        "power-up via power pushbutton",
        "Watchdog expiration",
        "OEM",
        "automatic power-up on AC being applied due to 'always restore' power restore policy",
        "automatic power-up on AC being applied due to 'restore previous power state' power restore policy",
        "reset via PEF",
        "power-cycle via PEF",
        "soft reset (e.g. CTRL-ALT-DEL)",
        "power-up via RTC (system real time clock) wakeup",
    ];
    const PS_CONFIG_ERROR: [&str; 5] = [
        "Vendor mismatch",
        "Revision mismatch",
        "Processor missing or unexpected/unsupported condition",
        "Power Supply rating mismatch",
        "Voltage rating mismatch",
    ];

    fn get(t: &'static [&'static str], i: u8) -> Option<&'static str> {
        t.get(usize::from(i)).copied()
    }

    pub(super) fn firmware_error(d: u8) -> Option<&'static str> {
        get(&FIRMWARE_ERROR, d)
    }
    pub(super) fn firmware_progress(d: u8) -> Option<&'static str> {
        get(&FIRMWARE_PROGRESS, d)
    }
    pub(super) fn restart_cause(d: u8) -> Option<&'static str> {
        get(&RESTART_CAUSE, d)
    }
    pub(super) fn ps_config_error(d: u8) -> Option<&'static str> {
        get(&PS_CONFIG_ERROR, d)
    }
    pub(super) fn watchdog_interrupt(d: u8) -> Option<&'static str> {
        match d {
            0 => Some("none"),
            1 => Some("SMI"),
            2 => Some("NMI"),
            3 => Some("Messaging Interrupt"),
            0x0f => Some("unspecified"),
            _ => None,
        }
    }
    pub(super) fn watchdog_timer_use(d: u8) -> Option<&'static str> {
        match d {
            1 => Some("BIOS FRB2"),
            2 => Some("BIOS/POST"),
            3 => Some("OS Load"),
            4 => Some("SMS/OS"),
            5 => Some("OEM"),
            0x0f => Some("unspecified"),
            _ => None,
        }
    }
}

fn freeipmi_date_time(ts: SelTimestamp) -> (String, String) {
    match ts.kind() {
        TimestampKind::Absolute(v) => {
            let t = CivilTime::from_unix(i64::from(v));
            (t.freeipmi_date(), t.time())
        }
        TimestampKind::PreInit(_) => ("PostInit".to_string(), "PostInit".to_string()),
        TimestampKind::Unspecified => ("Unspec.".to_string(), "Unspec.".to_string()),
    }
}

impl SelRecord {
    /// The description `ipmitool sel elist` prints after the date and time
    /// columns: see [`SystemEvent::ipmitool_description`]; OEM records
    /// give "OEM record c0 | 002a7c | 010203040506" (type, manufacturer ID,
    /// data) and "OEM record e0 | deadbeef…" (type, data).
    pub fn ipmitool_description(&self, sensors: &dyn SensorLookup) -> String {
        match &self.body {
            SelRecordBody::SystemEvent { event, .. } => event.ipmitool_description(sensors),
            SelRecordBody::OemTimestamped {
                manufacturer_id,
                data,
                ..
            } => format!(
                "OEM record {:02x} | {:06x} | {}",
                self.record_type,
                manufacturer_id,
                hex_lower(data)
            ),
            SelRecordBody::OemNonTimestamped { data } => {
                format!("OEM record {:02x} | {}", self.record_type, hex_lower(data))
            }
        }
    }

    /// A whole `ipmitool sel elist` line: record ID in hex, right-aligned
    /// in 4 columns, date `MM/DD/YY`, time with " UTC", description;
    /// pre-init timestamps print as "Pre-Init" and the raw seconds, OEM
    /// non-timestamped records have no date.
    pub fn ipmitool_elist_line(&self, sensors: &dyn SensorLookup) -> String {
        let desc = self.ipmitool_description(sensors);
        match self.timestamp().map(SelTimestamp::kind) {
            None => format!("{:4x} | {desc}", self.record_id),
            Some(TimestampKind::Absolute(v)) => {
                let t = CivilTime::from_unix(i64::from(v));
                format!(
                    "{:4x} | {} | {} UTC | {desc}",
                    self.record_id,
                    t.ipmitool_date(),
                    t.time()
                )
            }
            Some(TimestampKind::PreInit(v)) => {
                format!("{:4x} |  Pre-Init  |{v:010}| {desc}", self.record_id)
            }
            Some(TimestampKind::Unspecified) => {
                format!("{:4x} | Unspecified | Unspecified | {desc}", self.record_id)
            }
        }
    }

    /// The columns `ipmi-sel` prints for this record (UTC dates). OEM
    /// records show "N/A" as name, type and state and "OEM defined = 01h
    /// 02h …" as event.
    pub fn freeipmi(&self, sensors: &dyn SensorLookup) -> FreeIpmiLine {
        let (date, time) = match self.timestamp() {
            Some(ts) => freeipmi_date_time(ts),
            None => ("N/A".to_string(), "N/A".to_string()),
        };
        let na = || "N/A".to_string();
        match &self.body {
            SelRecordBody::SystemEvent { event, .. } => FreeIpmiLine {
                id: self.record_id,
                date,
                time,
                name: event.freeipmi_name(sensors),
                sensor_type: tables::sensor_type_name(event.sensor_type)
                    .map_or_else(na, str::to_string),
                state: event.event_state(),
                event: event.freeipmi_event(sensors),
            },
            SelRecordBody::OemTimestamped { data, .. } => FreeIpmiLine {
                id: self.record_id,
                date,
                time,
                name: na(),
                sensor_type: na(),
                state: None,
                event: format!("OEM defined = {}", hex_freeipmi(data)),
            },
            SelRecordBody::OemNonTimestamped { data } => FreeIpmiLine {
                id: self.record_id,
                date,
                time,
                name: na(),
                sensor_type: na(),
                state: None,
                event: format!("OEM defined = {}", hex_freeipmi(data)),
            },
        }
    }

    /// A one-line description for logs and JSON: the ipmitool-style
    /// description (see [`SelRecord::ipmitool_description`]).
    pub fn description(&self, sensors: &dyn SensorLookup) -> String {
        self.ipmitool_description(sensors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::test_util::hex;

    fn rec(s: &str) -> SelRecord {
        SelRecord::parse(&hex(s)).unwrap()
    }

    fn fan3() -> SensorTable {
        SensorTable {
            sensors: vec![StaticSensor {
                owner: 0x20,
                lun: 0,
                number: 0x43,
                name: "FAN3".into(),
                conversion: Some(LinearConversion {
                    m: 100,
                    b: 0,
                    b_exp: 0,
                    r_exp: 0,
                    analog_format: 0,
                }),
                unit: "RPM".into(),
                ipmitool_unit: "RPM".into(),
            }],
        }
    }

    #[test]
    fn threshold_event_both_styles() {
        let r = rec("05 00 02 15 28 43 66 20 00 04 04 43 01 52 04 05");
        assert_eq!(
            r.ipmitool_elist_line(&fan3()),
            "   5 | 05/14/24 | 09:00:05 UTC | Fan FAN3 | Lower Critical going low | Asserted | Reading 400 < Threshold 500 RPM"
        );
        assert_eq!(
            r.ipmitool_description(&NoSensors),
            "Fan #0x43 | Lower Critical going low | Asserted"
        );
        let f = r.freeipmi(&fan3());
        assert_eq!(f.date, "May-14-2024");
        assert_eq!(f.name, "FAN3");
        assert_eq!(f.sensor_type, "Fan");
        assert_eq!(
            f.event,
            "Lower Critical - going low ; Sensor Reading = 400.00 RPM ; Threshold = 500.00 RPM"
        );
        assert_eq!(f.state, Some(EventState::Critical));
        assert_eq!(
            f.csv(),
            "5,May-14-2024,09:00:05,FAN3,Fan,Critical,Lower Critical - going low ; Sensor Reading = 400.00 RPM ; Threshold = 500.00 RPM"
        );
        let f = r.freeipmi(&NoSensors);
        assert_eq!(f.name, "Sensor #67");
        assert_eq!(
            f.event,
            "Lower Critical - going low ; Sensor Reading = 04h ; Threshold = 05h"
        );
    }

    #[test]
    fn discrete_and_oem() {
        let r = rec("07 00 02 28 3d 43 66 20 00 04 08 61 6f 01 ff ff");
        assert_eq!(
            r.ipmitool_description(&NoSensors),
            "Power Supply #0x61 | Failure detected | Asserted"
        );
        assert_eq!(
            r.freeipmi(&NoSensors).event,
            "Power Supply Failure detected"
        );
        let r = rec("0d 00 02 50 60 43 66 01 00 04 0c 87 6f a0 00 01");
        assert_eq!(
            r.freeipmi(&NoSensors).event,
            "Correctable memory error ; OEM Event Data2 code = 00h ; OEM Event Data3 code = 01h"
        );
        let r = rec("14 00 c0 f0 6f 43 66 7c 2a 00 01 02 03 04 05 06");
        assert_eq!(
            r.ipmitool_elist_line(&NoSensors),
            "  14 | 05/14/24 | 14:06:40 UTC | OEM record c0 | 002a7c | 010203040506"
        );
        let f = r.freeipmi(&NoSensors);
        assert_eq!(f.event, "OEM defined = 01h 02h 03h 04h 05h 06h");
        assert_eq!((f.name.as_str(), f.state_str()), ("N/A", "N/A"));
        let r = rec("15 00 e0 de ad be ef 00 11 22 33 44 55 66 77 88");
        assert_eq!(
            r.ipmitool_elist_line(&NoSensors),
            "  15 | OEM record e0 | deadbeef001122334455667788"
        );
        assert_eq!(r.freeipmi(&NoSensors).date, "N/A");
    }

    #[test]
    fn pre_init_and_deassertion() {
        let r = rec("02 00 02 3c 0a 00 00 01 00 04 12 81 6f 01 ff ff");
        assert_eq!(
            r.ipmitool_elist_line(&NoSensors),
            "   2 |  Pre-Init  |0000002620| System Event #0x81 | OEM System boot event | Asserted"
        );
        let f = r.freeipmi(&NoSensors);
        assert_eq!((f.date.as_str(), f.time.as_str()), ("PostInit", "PostInit"));
        let r = rec("0a 00 02 6c 44 43 66 20 00 04 02 30 81 59 c8 da");
        let volts = SensorTable {
            sensors: vec![StaticSensor {
                owner: 0x20,
                lun: 0,
                number: 0x30,
                name: "12V".into(),
                conversion: Some(LinearConversion {
                    m: 63,
                    b: 0,
                    b_exp: 0,
                    r_exp: -3,
                    analog_format: 0,
                }),
                unit: "V".into(),
                ipmitool_unit: "Volts".into(),
            }],
        };
        assert_eq!(
            r.ipmitool_description(&volts),
            "Voltage 12V | Upper Critical going high | Deasserted | Reading 12.60 < Threshold 13.73 Volts"
        );
        let f = r.freeipmi(&volts);
        assert_eq!(
            f.event,
            "Upper Critical - going high ; Sensor Reading = 12.60 V ; Threshold = 13.73 V"
        );
        assert_eq!(f.state, Some(EventState::Warning));
    }

    #[test]
    fn conversions() {
        let c = LinearConversion {
            m: 1,
            b: 0,
            b_exp: 0,
            r_exp: 0,
            analog_format: 2,
        };
        assert_eq!(c.convert(0xf7), Some(-9.0));
        let c = LinearConversion {
            analog_format: 1,
            ..c
        };
        assert_eq!(c.convert(0xfe), Some(-1.0));
        let c = LinearConversion {
            analog_format: 3,
            ..c
        };
        assert_eq!(c.convert(0), None);
        assert_eq!(freeipmi_number(-0.001), "0.00");
        assert_eq!(ipmitool_number(910.0), "910");
        assert_eq!(ipmitool_number(2.4375), "2.44");
    }

    #[test]
    fn unknown_and_oem_event_types() {
        let r = rec("30 00 02 00 1a 43 66 20 00 04 c0 10 70 02 ff ff");
        assert_eq!(r.freeipmi(&NoSensors).event, "OEM Event Offset = 02h");
        assert_eq!(r.freeipmi(&NoSensors).sensor_type, "OEM Reserved");
        let r = rec("31 00 02 00 1a 43 66 20 00 04 01 10 20 02 ff ff");
        assert_eq!(
            r.freeipmi(&NoSensors).event,
            "Event Offset = 02h ; Event Data2 = FFh ; Event Data3 = FFh"
        );
        assert!(r
            .ipmitool_description(&NoSensors)
            .contains("Unknown event type 0x20"));
    }
}
