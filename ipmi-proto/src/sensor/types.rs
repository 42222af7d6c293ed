//! Sensor type codes (IPMI v2.0 §42.2, Table 42-3) and event/reading type
//! codes (IPMI v2.0 §42.1, Table 42-1).
//!
//! The names are FreeIPMI's (`ipmi-sensors`' Type column, ipmi_exporter's
//! `type` label), which differ from the spec's in places: 0Bh is "Other
//! Units Based Sensor", 0Dh "Drive Slot", 17h "Add In Card".

/// FreeIPMI's names of the standard sensor types 00h–2Ch.
const SENSOR_TYPE_NAMES: [&str; 45] = [
    "Reserved",
    "Temperature",
    "Voltage",
    "Current",
    "Fan",
    "Physical Security",
    "Platform Security Violation Attempt",
    "Processor",
    "Power Supply",
    "Power Unit",
    "Cooling Device",
    "Other Units Based Sensor",
    "Memory",
    "Drive Slot",
    "POST Memory Resize",
    "System Firmware Progress",
    "Event Logging Disabled",
    "Watchdog 1",
    "System Event",
    "Critical Interrupt",
    "Button/Switch",
    "Module/Board",
    "Microcontroller/Coprocessor",
    "Add In Card",
    "Chassis",
    "Chip Set",
    "Other Fru",
    "Cable/Interconnect",
    "Terminator",
    "System Boot Initiated",
    "Boot Error",
    "OS Boot",
    "OS Critical Stop",
    "Slot/Connector",
    "System ACPI Power State",
    "Watchdog 2",
    "Platform Alert",
    "Entity Presence",
    "Monitor ASIC/IC",
    "LAN",
    "Management Subsystem Health",
    "Battery",
    "Session Audit",
    "Version Change",
    "FRU State",
];

/// Sensor type 01h, Temperature.
pub const SENSOR_TYPE_TEMPERATURE: u8 = 0x01;
/// Sensor type 02h, Voltage.
pub const SENSOR_TYPE_VOLTAGE: u8 = 0x02;
/// Sensor type 03h, Current.
pub const SENSOR_TYPE_CURRENT: u8 = 0x03;
/// Sensor type 04h, Fan.
pub const SENSOR_TYPE_FAN: u8 = 0x04;
/// Sensor type 05h, Physical Security.
pub const SENSOR_TYPE_PHYSICAL_SECURITY: u8 = 0x05;
/// Sensor type 07h, Processor.
pub const SENSOR_TYPE_PROCESSOR: u8 = 0x07;
/// Sensor type 08h, Power Supply.
pub const SENSOR_TYPE_POWER_SUPPLY: u8 = 0x08;
/// Sensor type 0Bh, Other Units-based Sensor.
pub const SENSOR_TYPE_OTHER_UNITS: u8 = 0x0b;
/// Sensor type 0Ch, Memory.
pub const SENSOR_TYPE_MEMORY: u8 = 0x0c;
/// Sensor type 0Dh, Drive Slot (Bay).
pub const SENSOR_TYPE_DRIVE_SLOT: u8 = 0x0d;
/// Sensor type 15h, Module/Board.
pub const SENSOR_TYPE_MODULE_BOARD: u8 = 0x15;
/// Sensor type 22h, System ACPI Power State.
pub const SENSOR_TYPE_ACPI_POWER_STATE: u8 = 0x22;
/// Sensor type 23h, Watchdog 2.
pub const SENSOR_TYPE_WATCHDOG2: u8 = 0x23;
/// Sensor type 29h, Battery.
pub const SENSOR_TYPE_BATTERY: u8 = 0x29;

/// FreeIPMI's name of a sensor type: the standard names for 00h–2Ch,
/// "OEM Reserved" for C0h–FFh and "Unrecognized" for the reserved rest.
pub fn sensor_type_name(code: u8) -> &'static str {
    match SENSOR_TYPE_NAMES.get(usize::from(code)) {
        Some(name) => name,
        None if code >= 0xc0 => "OEM Reserved",
        None => "Unrecognized",
    }
}

/// Event/reading type 01h: threshold.
pub const EVENT_READING_TYPE_THRESHOLD: u8 = 0x01;
/// Event/reading type 6Fh: sensor-specific.
pub const EVENT_READING_TYPE_SENSOR_SPECIFIC: u8 = 0x6f;

/// The class of an event/reading type code (IPMI v2.0 §42.1, Table 42-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventReadingClass {
    /// 00h: unspecified.
    Unspecified,
    /// 01h: threshold-based.
    Threshold,
    /// 02h–0Ch: generic discrete (digital or multi-state).
    Generic,
    /// 6Fh: sensor-specific discrete.
    SensorSpecific,
    /// 70h–7Fh: OEM discrete.
    Oem,
    /// Any other (reserved) code.
    Reserved,
}

impl EventReadingClass {
    /// Classifies an event/reading type code.
    pub fn of(code: u8) -> Self {
        match code {
            0x00 => Self::Unspecified,
            0x01 => Self::Threshold,
            0x02..=0x0c => Self::Generic,
            0x6f => Self::SensorSpecific,
            0x70..=0x7f => Self::Oem,
            _ => Self::Reserved,
        }
    }

    /// `true` for every discrete class (generic, sensor-specific, OEM).
    pub fn is_discrete(self) -> bool {
        matches!(self, Self::Generic | Self::SensorSpecific | Self::Oem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(sensor_type_name(0x01), "Temperature");
        assert_eq!(sensor_type_name(0x08), "Power Supply");
        assert_eq!(sensor_type_name(0x0b), "Other Units Based Sensor");
        assert_eq!(sensor_type_name(0x0d), "Drive Slot");
        assert_eq!(sensor_type_name(0x1b), "Cable/Interconnect");
        assert_eq!(sensor_type_name(0x2b), "Version Change");
        assert_eq!(sensor_type_name(0x2c), "FRU State");
        assert_eq!(sensor_type_name(0x2d), "Unrecognized");
        assert_eq!(sensor_type_name(0xc0), "OEM Reserved");
    }

    #[test]
    fn classes() {
        assert_eq!(EventReadingClass::of(0x01), EventReadingClass::Threshold);
        assert_eq!(EventReadingClass::of(0x0b), EventReadingClass::Generic);
        assert_eq!(
            EventReadingClass::of(0x6f),
            EventReadingClass::SensorSpecific
        );
        assert_eq!(EventReadingClass::of(0x70), EventReadingClass::Oem);
        assert_eq!(EventReadingClass::of(0x0d), EventReadingClass::Reserved);
        assert!(EventReadingClass::of(0x08).is_discrete());
        assert!(!EventReadingClass::of(0x01).is_discrete());
    }
}
