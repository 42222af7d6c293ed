//! Names of sensor states: the generic offsets of event/reading types
//! 02h–0Ch (IPMI v2.0 Table 42-2), the sensor-specific offsets of type 6Fh
//! (IPMI v2.0 Table 42-3) and the threshold comparison bits of Get Sensor
//! Reading (IPMI v2.0 §35.14, Table 35-15).
//!
//! The strings are the short forms FreeIPMI's `ipmi-sensors` prints in its
//! Event column ("Presence detected", "Power Supply Failure detected",
//! "Redundancy Lost", "At or Below (<=) Lower Critical Threshold").

use super::types::EventReadingClass;

const TRANSITION_STATE: &[&str] = &[
    "Transition to Idle",
    "Transition to Active",
    "Transition to Busy",
];
const STATE: &[&str] = &["State Deasserted", "State Asserted"];
const PREDICTIVE_FAILURE: &[&str] = &[
    "Predictive Failure deasserted",
    "Predictive Failure asserted",
];
const LIMIT: &[&str] = &["Limit Not Exceeded", "Limit Exceeded"];
const PERFORMANCE: &[&str] = &["Performance Met", "Performance Lags"];
const TRANSITION_SEVERITY: &[&str] = &[
    "transition to OK",
    "transition to Non-Critical from OK",
    "transition to Critical from less severe",
    "transition to Non-recoverable from less severe",
    "transition to Non-Critical from more severe",
    "transition to Critical from Non-recoverable",
    "transition to Non-recoverable",
    "Monitor",
    "Informational",
];
const DEVICE_PRESENT: &[&str] = &[
    "Device Removed/Device Absent",
    "Device Inserted/Device Present",
];
const DEVICE_ENABLED: &[&str] = &["Device Disabled", "Device Enabled"];
const TRANSITION_AVAILABILITY: &[&str] = &[
    "transition to Running",
    "transition to In Test",
    "transition to Power Off",
    "transition to On Line",
    "transition to Off Line",
    "transition to Off Duty",
    "transition to Degraded",
    "transition to Power Save",
    "Install Error",
];
const REDUNDANCY: &[&str] = &[
    "Fully Redundant",
    "Redundancy Lost",
    "Redundancy Degraded",
    "Non-redundant:Sufficient Resources from Redundant",
    "Non-redundant:Sufficient Resources from Insufficient Resources",
    "Non-redundant:Insufficient Resources",
    "Redundancy Degraded from Fully Redundant",
    "Redundancy Degraded from Non-redundant",
];
const ACPI_DEVICE_POWER: &[&str] = &[
    "D0 Power State",
    "D1 Power State",
    "D2 Power State",
    "D3 Power State",
];

/// Generic offsets of event/reading types 02h–0Ch (IPMI v2.0 Table 42-2).
fn generic(event_reading_type: u8) -> Option<&'static [&'static str]> {
    Some(match event_reading_type {
        0x02 => TRANSITION_STATE,
        0x03 => STATE,
        0x04 => PREDICTIVE_FAILURE,
        0x05 => LIMIT,
        0x06 => PERFORMANCE,
        0x07 => TRANSITION_SEVERITY,
        0x08 => DEVICE_PRESENT,
        0x09 => DEVICE_ENABLED,
        0x0a => TRANSITION_AVAILABILITY,
        0x0b => REDUNDANCY,
        0x0c => ACPI_DEVICE_POWER,
        _ => return None,
    })
}

/// Sensor-specific offsets (event/reading type 6Fh) per sensor type
/// (IPMI v2.0 Table 42-3).
fn sensor_specific(sensor_type: u8) -> Option<&'static [&'static str]> {
    Some(match sensor_type {
        0x05 => &[
            "General Chassis Intrusion",
            "Drive Bay intrusion",
            "I/O Card area intrusion",
            "Processor area intrusion",
            "LAN Leash Lost",
            "Unauthorized dock",
            "FAN area intrusion",
        ],
        0x06 => &[
            "Secure Mode Violation attempt",
            "Pre-boot Password Violation - user password",
            "Pre-boot Password Violation - setup password",
            "Pre-boot Password Violation - network boot password",
            "Other pre-boot Password Violation",
            "Out-of-band Access Password Violation",
        ],
        0x07 => &[
            "IERR",
            "Thermal Trip",
            "FRB1/BIST failure",
            "FRB2/Hang in POST failure",
            "FRB3/Processor Startup/Initialization failure",
            "Configuration Error",
            "SM BIOS `Uncorrectable CPU-complex Error'",
            "Processor Presence detected",
            "Processor disabled",
            "Terminator Presence Detected",
            "Processor Automatically Throttled",
            "Machine Check Exception",
            "Correctable Machine Check Error",
        ],
        0x08 => &[
            "Presence detected",
            "Power Supply Failure detected",
            "Predictive Failure",
            "Power Supply input lost (AC/DC)",
            "Power Supply input lost or out-of-range",
            "Power Supply input out-of-range, but present",
            "Configuration error",
            "Power Supply Inactive",
        ],
        0x09 => &[
            "Power Off/Power Down",
            "Power Cycle",
            "240VA Power Down",
            "Interlock Power Down",
            "AC lost/Power input lost",
            "Soft Power Control Failure",
            "Power Unit Failure detected",
            "Predictive Failure",
        ],
        0x0c => &[
            "Correctable memory error",
            "Uncorrectable memory error",
            "Parity",
            "Memory Scrub Failed",
            "Memory Device Disabled",
            "Correctable memory error logging limit reached",
            "Presence detected",
            "Configuration error",
            "Spare",
            "Memory Automatically Throttled",
            "Critical Overtemperature",
        ],
        0x0d => &[
            "Drive Presence",
            "Drive Fault",
            "Predictive Failure",
            "Hot Spare",
            "Consistency Check / Parity Check in progress",
            "In Critical Array",
            "In Failed Array",
            "Rebuild/Remap in progress",
            "Rebuild/Remap Aborted",
        ],
        0x0f => &[
            "System Firmware Error",
            "System Firmware Hang",
            "System Firmware Progress",
        ],
        0x10 => &[
            "Correctable Memory Error Logging Disabled",
            "Event Type Logging Disabled",
            "Log Area Reset/Cleared",
            "All Event Logging Disabled",
            "SEL Full",
            "SEL Almost Full",
            "Correctable Machine Check Error Logging Disabled",
        ],
        0x11 => &[
            "BIOS Watchdog Reset",
            "OS Watchdog Reset",
            "OS Watchdog Shut Down",
            "OS Watchdog Power Down",
            "OS Watchdog Power Cycle",
            "OS Watchdog NMI/Diagnostic Interrupt",
            "OS Watchdog Expired, status only",
            "OS Watchdog pre-timeout Interrupt, non-NMI",
        ],
        0x12 => &[
            "System Reconfigured",
            "OEM System Boot Event",
            "Undetermined system hardware failure",
            "Entry added to Auxiliary Log",
            "PEF Action",
            "Timestamp Clock Synch",
        ],
        0x13 => &[
            "Front Panel NMI/Diagnostic Interrupt",
            "Bus Timeout",
            "I/O channel check NMI",
            "Software NMI",
            "PCI PERR",
            "PCI SERR",
            "EISA Fail Safe Timeout",
            "Bus Correctable Error",
            "Bus Uncorrectable Error",
            "Fatal NMI",
            "Bus Fatal Error",
            "Bus Degraded",
        ],
        0x14 => &[
            "Power Button pressed",
            "Sleep Button pressed",
            "Reset Button pressed",
            "FRU latch open",
            "FRU service request button",
        ],
        0x19 => &["Soft Power Control Failure", "Thermal Trip"],
        0x1b => &[
            "Cable/Interconnect is connected",
            "Configuration Error - Incorrect cable connected",
        ],
        0x1d => &[
            "Initiated by power up",
            "Initiated by hard reset",
            "Initiated by warm reset",
            "User requested PXE boot",
            "Automatic boot to diagnostic",
            "OS / run-time software initiated hard reset",
            "OS / run-time software initiated warm reset",
            "System Restart",
        ],
        0x1e => &[
            "No bootable media",
            "Non-bootable diskette left in drive",
            "PXE Server not found",
            "Invalid boot sector",
            "Timeout waiting for user selection of boot source",
        ],
        0x1f => &[
            "A: boot completed",
            "C: boot completed",
            "PXE boot completed",
            "Diagnostic boot completed",
            "CD-ROM boot completed",
            "ROM boot completed",
            "boot completed - boot device not specified",
            "Base OS/Hypervisor Installation started",
            "Base OS/Hypervisor Installation completed",
            "Base OS/Hypervisor Installation aborted",
            "Base OS/Hypervisor Installation failed",
        ],
        0x20 => &[
            "Critical stop during OS load",
            "Run-time Critical Stop",
            "OS Graceful Stop",
            "OS Graceful Shutdown",
            "Soft Shutdown initiated by PEF",
            "Agent Not Responding",
        ],
        0x21 => &[
            "Fault Status asserted",
            "Identify Status asserted",
            "Slot/Connector Device installed/attached",
            "Slot/Connector Ready for Device Installation",
            "Slot/Connector Ready for Device Removal",
            "Slot Power is Off",
            "Slot/Connector Device Removal Request",
            "Interlock asserted",
            "Slot is Disabled",
            "Slot holds spare device",
        ],
        0x22 => &[
            "S0/G0",
            "S1",
            "S2",
            "S3",
            "S4",
            "S5/G2",
            "S4/S5 soft-off",
            "G3/Mechanical Off",
            "Sleeping in an S1, S2, or S3 states",
            "G1 sleeping",
            "S5 entered by override",
            "Legacy ON state",
            "Legacy OFF state",
            "Unspecified",
            "Unknown",
        ],
        0x23 => &[
            "Timer expired, status only",
            "Hard Reset",
            "Power Down",
            "Power Cycle",
            "reserved",
            "reserved",
            "reserved",
            "reserved",
            "Timer interrupt",
        ],
        0x24 => &[
            "platform generated page",
            "platform generated LAN alert",
            "Platform Event Trap generated",
            "platform generated SNMP trap, OEM format",
        ],
        0x25 => &["Entity Present", "Entity Absent", "Entity Disabled"],
        0x27 => &["LAN Heartbeat Lost", "LAN Heartbeat"],
        0x28 => &[
            "sensor access degraded or unavailable",
            "controller access degraded or unavailable",
            "management controller off-line",
            "management controller unavailable",
            "sensor failure",
            "FRU failure",
        ],
        0x29 => &["battery low", "battery failed", "battery presence detected"],
        0x2a => &[
            "Session Activated",
            "Session Deactivated",
            "Invalid Username or Password",
            "Invalid Password Disable",
        ],
        0x2b => &[
            "Hardware change detected with associated Entity",
            "Firmware or software change detected with associated Entity",
            "Hardware incompatibility detected with associated Entity",
            "Firmware or software incompatibility detected with associated Entity",
            "Entity is of an invalid or unsupported hardware version",
            "Entity contains an invalid or unsupported firmware or software version",
            "Hardware Change detected with associated Entity was successful",
            "Software or F/W Change detected with associated Entity was successful",
        ],
        0x2c => &[
            "FRU Not Installed",
            "FRU Inactive",
            "FRU Activation Requested",
            "FRU Activation In Progress",
            "FRU Active",
            "FRU Deactivation Requested",
            "FRU Deactivation In Progress",
            "FRU Communication Lost",
        ],
        _ => return None,
    })
}

/// The name of discrete state `offset` (0–14) of a sensor, `None` when the
/// offset has no name (threshold or OEM types, offsets beyond the table).
pub fn state_name(event_reading_type: u8, sensor_type: u8, offset: u8) -> Option<&'static str> {
    let table = match EventReadingClass::of(event_reading_type) {
        EventReadingClass::Generic => generic(event_reading_type)?,
        EventReadingClass::SensorSpecific => sensor_specific(sensor_type)?,
        _ => return None,
    };
    table.get(usize::from(offset)).copied()
}

/// The number of named offsets of a (event/reading type, sensor type).
pub fn state_count(event_reading_type: u8, sensor_type: u8) -> usize {
    match EventReadingClass::of(event_reading_type) {
        EventReadingClass::Generic => generic(event_reading_type).map_or(0, <[_]>::len),
        EventReadingClass::SensorSpecific => sensor_specific(sensor_type).map_or(0, <[_]>::len),
        _ => 0,
    }
}

/// A threshold comparison bit of Get Sensor Reading byte 4 (IPMI v2.0
/// §35.14): which threshold the reading is at or beyond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Threshold {
    /// Bit 0: at or below the lower non-critical threshold.
    LowerNonCritical,
    /// Bit 1: at or below the lower critical threshold.
    LowerCritical,
    /// Bit 2: at or below the lower non-recoverable threshold.
    LowerNonRecoverable,
    /// Bit 3: at or above the upper non-critical threshold.
    UpperNonCritical,
    /// Bit 4: at or above the upper critical threshold.
    UpperCritical,
    /// Bit 5: at or above the upper non-recoverable threshold.
    UpperNonRecoverable,
}

impl Threshold {
    /// All six, in bit order.
    pub const ALL: [Self; 6] = [
        Self::LowerNonCritical,
        Self::LowerCritical,
        Self::LowerNonRecoverable,
        Self::UpperNonCritical,
        Self::UpperCritical,
        Self::UpperNonRecoverable,
    ];

    /// The bit number (0–5), also the readable/settable mask bit of Get
    /// Sensor Thresholds and the SDR (IPMI v2.0 Table 43-1 bytes 19–20).
    pub fn bit(self) -> u8 {
        match self {
            Self::LowerNonCritical => 0,
            Self::LowerCritical => 1,
            Self::LowerNonRecoverable => 2,
            Self::UpperNonCritical => 3,
            Self::UpperCritical => 4,
            Self::UpperNonRecoverable => 5,
        }
    }

    /// The short key used in JSON output: `lnc`, `lc`, `lnr`, `unc`, `uc`,
    /// `unr` (ipmitool's column names).
    pub fn key(self) -> &'static str {
        match self {
            Self::LowerNonCritical => "lnc",
            Self::LowerCritical => "lc",
            Self::LowerNonRecoverable => "lnr",
            Self::UpperNonCritical => "unc",
            Self::UpperCritical => "uc",
            Self::UpperNonRecoverable => "unr",
        }
    }

    /// FreeIPMI's event text for the crossed threshold.
    pub fn message(self) -> &'static str {
        match self {
            Self::LowerNonCritical => "At or Below (<=) Lower Non-Critical Threshold",
            Self::LowerCritical => "At or Below (<=) Lower Critical Threshold",
            Self::LowerNonRecoverable => "At or Below (<=) Lower Non-Recoverable Threshold",
            Self::UpperNonCritical => "At or Above (>=) Upper Non-Critical Threshold",
            Self::UpperCritical => "At or Above (>=) Upper Critical Threshold",
            Self::UpperNonRecoverable => "At or Above (>=) Upper Non-Recoverable Threshold",
        }
    }

    /// The thresholds whose bits are set in `bits` (bits 6–7 ignored).
    pub fn from_bits(bits: u8) -> Vec<Self> {
        Self::ALL
            .into_iter()
            .filter(|t| bits & (1u8 << t.bit()) != 0)
            .collect()
    }

    /// `true` for the three lower thresholds.
    pub fn is_lower(self) -> bool {
        self.bit() < 3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_freeipmi_prints_them() {
        assert_eq!(state_name(0x6f, 0x08, 0), Some("Presence detected"));
        assert_eq!(
            state_name(0x6f, 0x08, 1),
            Some("Power Supply Failure detected")
        );
        assert_eq!(state_name(0x0b, 0x08, 1), Some("Redundancy Lost"));
        assert_eq!(
            state_name(0x6f, 0x07, 7),
            Some("Processor Presence detected")
        );
        assert_eq!(state_name(0x6f, 0x0d, 0), Some("Drive Presence"));
        assert_eq!(state_name(0x6f, 0x22, 0), Some("S0/G0"));
        assert_eq!(
            state_name(0x08, 0x15, 1),
            Some("Device Inserted/Device Present")
        );
        assert_eq!(
            state_name(0x6f, 0x0c, 5),
            Some("Correctable memory error logging limit reached")
        );
        assert_eq!(state_name(0x6f, 0x29, 2), Some("battery presence detected"));
        assert_eq!(state_name(0x6f, 0x22, 15), None);
        assert_eq!(state_name(0x01, 0x01, 0), None);
        assert_eq!(state_name(0x70, 0xc0, 0), None);
        assert_eq!(state_name(0x6f, 0x01, 0), None);
        assert_eq!(state_count(0x6f, 0x22), 15);
        assert_eq!(state_count(0x0b, 0), 8);
        assert_eq!(state_count(0x01, 1), 0);
    }

    #[test]
    fn thresholds() {
        assert_eq!(
            Threshold::from_bits(0xc3),
            vec![Threshold::LowerNonCritical, Threshold::LowerCritical]
        );
        assert_eq!(Threshold::UpperCritical.key(), "uc");
        assert!(Threshold::LowerNonRecoverable.is_lower());
        assert!(!Threshold::UpperNonCritical.is_lower());
        assert_eq!(
            Threshold::UpperNonCritical.message(),
            "At or Above (>=) Upper Non-Critical Threshold"
        );
    }
}
