//! Event description tables of the SEL: sensor type names (IPMI v2.0
//! §42.2, Table 42-3), generic event strings (Table 42-2), sensor-specific
//! event strings (Table 42-3) and FreeIPMI's default event states.
//!
//! Two spellings are kept for each table, because the exporter's users
//! write regular expressions against one tool's text and people compare
//! with the other's: the FreeIPMI `ipmi-sel` spelling (its "short"
//! strings, e.g. "Correctable memory error", "Power Supply Failure
//! detected") and the `ipmitool sel elist` spelling (e.g. "Correctable
//! ECC", "Failure detected"). The strings are the tools' published output
//! (facts), not their code.
//!
//! The sensor module has its own sensor type names for readings; these
//! tables serve the SEL only and can be merged with it later.

use super::describe::EventState;
use super::describe::EventState::{Critical as C, Nominal as N, Warning as W};

/// Sensor type names as `ipmitool` prints them (`sel elist` sensor
/// column), indexed by sensor type code 00h–2Ch.
const IPMITOOL_SENSOR_TYPES: [&str; 0x2d] = [
    "reserved",
    "Temperature",
    "Voltage",
    "Current",
    "Fan",
    "Physical Security",
    "Platform Security",
    "Processor",
    "Power Supply",
    "Power Unit",
    "Cooling Device",
    "Other",
    "Memory",
    "Drive Slot / Bay",
    "POST Memory Resize",
    "System Firmwares",
    "Event Logging Disabled",
    "Watchdog1",
    "System Event",
    "Critical Interrupt",
    "Button",
    "Module / Board",
    "Microcontroller",
    "Add-in Card",
    "Chassis",
    "Chip Set",
    "Other FRU",
    "Cable / Interconnect",
    "Terminator",
    "System Boot Initiated",
    "Boot Error",
    "OS Boot",
    "OS Critical Stop",
    "Slot / Connector",
    "System ACPI Power State",
    "Watchdog2",
    "Platform Alert",
    "Entity Presence",
    "Monitor ASIC",
    "LAN",
    "Management Subsys Health",
    "Battery",
    "Session Audit",
    "Version Change",
    "FRU State",
];

/// The FreeIPMI name of sensor type `code`: the Table 42-3 name,
/// "OEM Reserved" for C0h–FFh, `None` for other reserved codes. The names
/// are the sensor module's ([`crate::sensor::types::sensor_type_name`]).
pub fn sensor_type_name(code: u8) -> Option<&'static str> {
    match crate::sensor::types::sensor_type_name(code) {
        "Unrecognized" => None,
        name => Some(name),
    }
}

/// The `ipmitool` name of sensor type `code`: the Table 42-3 name,
/// "OEM reserved" for C0h–FFh, "Unknown" for other reserved codes.
pub fn ipmitool_sensor_type_name(code: u8) -> &'static str {
    match code {
        0xc0..=0xff => "OEM reserved",
        c => IPMITOOL_SENSOR_TYPES
            .get(usize::from(c))
            .copied()
            .unwrap_or("Unknown"),
    }
}

/// FreeIPMI's strings for the threshold event offsets (event/reading type
/// 01h, IPMI v2.0 Table 42-2). The other generic and the sensor-specific
/// strings are the sensor module's ([`crate::sensor::events::state_name`]),
/// which FreeIPMI shares between `ipmi-sensors` and `ipmi-sel`.
const FREEIPMI_THRESHOLD: &[&str] = &[
    "Lower Non-critical - going low",
    "Lower Non-critical - going high",
    "Lower Critical - going low",
    "Lower Critical - going high",
    "Lower Non-recoverable - going low",
    "Lower Non-recoverable - going high",
    "Upper Non-critical - going low",
    "Upper Non-critical - going high",
    "Upper Critical - going low",
    "Upper Critical - going high",
    "Upper Non-recoverable - going low",
    "Upper Non-recoverable - going high",
];

/// Generic event strings, `ipmitool` spelling (trailing blanks dropped).
const IPMITOOL_GENERIC: [(u8, &[&str]); 12] = [
    (
        0x01,
        &[
            "Lower Non-critical going low",
            "Lower Non-critical going high",
            "Lower Critical going low",
            "Lower Critical going high",
            "Lower Non-recoverable going low",
            "Lower Non-recoverable going high",
            "Upper Non-critical going low",
            "Upper Non-critical going high",
            "Upper Critical going low",
            "Upper Critical going high",
            "Upper Non-recoverable going low",
            "Upper Non-recoverable going high",
        ],
    ),
    (
        0x02,
        &[
            "Transition to Idle",
            "Transition to Active",
            "Transition to Busy",
        ],
    ),
    (0x03, &["State Deasserted", "State Asserted"]),
    (
        0x04,
        &[
            "Predictive Failure Deasserted",
            "Predictive Failure Asserted",
        ],
    ),
    (0x05, &["Limit Not Exceeded", "Limit Exceeded"]),
    (0x06, &["Performance Met", "Performance Lags"]),
    (
        0x07,
        &[
            "Transition to OK",
            "Transition to Non-critical from OK",
            "Transition to Critical from less severe",
            "Transition to Non-recoverable from less severe",
            "Transition to Non-critical from more severe",
            "Transition to Critical from Non-recoverable",
            "Transition to Non-recoverable",
            "Monitor",
            "Informational",
        ],
    ),
    (0x08, &["Device Absent", "Device Present"]),
    (0x09, &["Device Disabled", "Device Enabled"]),
    (
        0x0a,
        &[
            "Transition to Running",
            "Transition to In Test",
            "Transition to Power Off",
            "Transition to On Line",
            "Transition to Off Line",
            "Transition to Off Duty",
            "Transition to Degraded",
            "Transition to Power Save",
            "Install Error",
        ],
    ),
    (
        0x0b,
        &[
            "Fully Redundant",
            "Redundancy Lost",
            "Redundancy Degraded",
            "Non-Redundant: Sufficient from Redundant",
            "Non-Redundant: Sufficient from Insufficient",
            "Non-Redundant: Insufficient Resources",
            "Redundancy Degraded from Fully Redundant",
            "Redundancy Degraded from Non-Redundant",
        ],
    ),
    (
        0x0c,
        &[
            "D0 Power State",
            "D1 Power State",
            "D2 Power State",
            "D3 Power State",
        ],
    ),
];

/// Sensor-specific event strings, `ipmitool` spelling, indexed by offset
/// ("" where ipmitool has no string).
const IPMITOOL_SENSOR_SPECIFIC: [(u8, &[&str]); 37] = [
    (
        0x05,
        &[
            "General Chassis intrusion",
            "Drive Bay intrusion",
            "I/O Card area intrusion",
            "Processor area intrusion",
            "System unplugged from LAN",
            "Unauthorized dock",
            "FAN area intrusion",
        ],
    ),
    (
        0x06,
        &[
            "Front Panel Lockout violation attempted",
            "Pre-boot password violation - user password",
            "Pre-boot password violation - setup password",
            "Pre-boot password violation - network boot password",
            "Other pre-boot password violation",
            "Out-of-band access password violation",
        ],
    ),
    (
        0x07,
        &[
            "IERR",
            "Thermal Trip",
            "FRB1/BIST failure",
            "FRB2/Hang in POST failure",
            "FRB3/Processor startup/init failure",
            "Configuration Error",
            "SM BIOS Uncorrectable CPU-complex Error",
            "Presence detected",
            "Disabled",
            "Terminator presence detected",
            "Throttled",
            "Uncorrectable machine check exception",
            "Correctable machine check error",
        ],
    ),
    (
        0x08,
        &[
            "Presence detected",
            "Failure detected",
            "Predictive failure",
            "Power Supply AC lost",
            "AC lost or out-of-range",
            "AC out-of-range, but present",
            "Config Error",
            "Power Supply Inactive",
        ],
    ),
    (
        0x09,
        &[
            "Power off/down",
            "Power cycle",
            "240VA power down",
            "Interlock power down",
            "AC lost",
            "Soft-power control failure",
            "Failure detected",
            "Predictive failure",
        ],
    ),
    (
        0x0c,
        &[
            "Correctable ECC",
            "Uncorrectable ECC",
            "Parity",
            "Memory Scrub Failed",
            "Memory Device Disabled",
            "Correctable ECC logging limit reached",
            "Presence Detected",
            "Configuration Error",
            "Spare",
            "Throttled",
            "Critical Overtemperature",
        ],
    ),
    (
        0x0d,
        &[
            "Drive Present",
            "Drive Fault",
            "Predictive Failure",
            "Hot Spare",
            "Parity Check In Progress",
            "In Critical Array",
            "In Failed Array",
            "Rebuild In Progress",
            "Rebuild Aborted",
        ],
    ),
    (
        0x0f,
        &[
            "System Firmware Error",
            "System Firmware Hang",
            "System Firmware Progress",
        ],
    ),
    (
        0x10,
        &[
            "Correctable memory error logging disabled",
            "Event logging disabled",
            "Log area reset/cleared",
            "All event logging disabled",
            "Log full",
            "Log almost full",
            "Correctable machine check error logging disabled",
        ],
    ),
    (
        0x11,
        &[
            "BIOS Reset",
            "OS Reset",
            "OS Shut Down",
            "OS Power Down",
            "OS Power Cycle",
            "OS NMI/Diag Interrupt",
            "OS Expired",
            "OS pre-timeout Interrupt",
        ],
    ),
    (
        0x12,
        &[
            "System Reconfigured",
            "OEM System boot event",
            "Undetermined system hardware failure",
            "Entry added to auxiliary log",
            "PEF Action",
            "Timestamp Clock Sync",
        ],
    ),
    (
        0x13,
        &[
            "NMI/Diag Interrupt",
            "Bus Timeout",
            "I/O Channel check NMI",
            "Software NMI",
            "PCI PERR",
            "PCI SERR",
            "EISA failsafe timeout",
            "Bus Correctable error",
            "Bus Uncorrectable error",
            "Fatal NMI",
            "Bus Fatal Error",
            "Bus Degraded",
        ],
    ),
    (
        0x14,
        &[
            "Power Button pressed",
            "Sleep Button pressed",
            "Reset Button pressed",
            "FRU Latch",
            "FRU Service",
        ],
    ),
    (0x19, &["Soft Power Control Failure", "Thermal Trip"]),
    (0x1b, &["Connected", "Config Error"]),
    (
        0x1d,
        &[
            "Initiated by power up",
            "Initiated by hard reset",
            "Initiated by warm reset",
            "User requested PXE boot",
            "Automatic boot to diagnostic",
            "OS initiated hard reset",
            "OS initiated warm reset",
            "System Restart",
        ],
    ),
    (
        0x1e,
        &[
            "No bootable media",
            "Non-bootable disk in drive",
            "PXE server not found",
            "Invalid boot sector",
            "Timeout waiting for selection",
        ],
    ),
    (
        0x1f,
        &[
            "A: boot completed",
            "C: boot completed",
            "PXE boot completed",
            "Diagnostic boot completed",
            "CD-ROM boot completed",
            "ROM boot completed",
            "boot completed - device not specified",
            "Installation started",
            "Installation completed",
            "Installation aborted",
            "Installation failed",
        ],
    ),
    (
        0x20,
        &[
            "Error during system startup",
            "Run-time critical stop",
            "OS graceful stop",
            "OS graceful shutdown",
            "PEF initiated soft shutdown",
            "Agent not responding",
        ],
    ),
    (
        0x21,
        &[
            "Fault Status",
            "Identify Status",
            "Device Installed",
            "Ready for Device Installation",
            "Ready for Device Removal",
            "Slot Power is Off",
            "Device Removal Request",
            "Interlock",
            "Slot is Disabled",
            "Spare Device",
        ],
    ),
    (
        0x22,
        &[
            "S0/G0: working",
            "S1: sleeping with system hw & processor context maintained",
            "S2: sleeping, processor context lost",
            "S3: sleeping, processor & hw context lost, memory retained",
            "S4: non-volatile sleep/suspend-to-disk",
            "S5/G2: soft-off",
            "S4/S5: soft-off",
            "G3: mechanical off",
            "Sleeping in S1/S2/S3 state",
            "G1: sleeping",
            "S5: entered by override",
            "Legacy ON state",
            "Legacy OFF state",
            "",
            "Unknown",
        ],
    ),
    (
        0x23,
        &[
            "Timer expired",
            "Hard reset",
            "Power down",
            "Power cycle",
            "reserved",
            "reserved",
            "reserved",
            "reserved",
            "Timer interrupt",
        ],
    ),
    (
        0x24,
        &[
            "Platform generated page",
            "Platform generated LAN alert",
            "Platform Event Trap generated",
            "Platform generated SNMP trap, OEM format",
        ],
    ),
    (0x25, &["Present", "Absent", "Disabled"]),
    (0x27, &["Heartbeat Lost", "Heartbeat"]),
    (
        0x28,
        &[
            "Sensor access degraded or unavailable",
            "Controller access degraded or unavailable",
            "Management controller off-line",
            "Management controller unavailable",
            "Sensor failure",
            "FRU failure",
        ],
    ),
    (0x29, &["Low", "Failed", "Presence Detected"]),
    (
        0x2a,
        &[
            "Session Activated",
            "Session Deactivated",
            "Invalid Username or Password",
            "Invalid Password Disable",
        ],
    ),
    (
        0x2b,
        &[
            "Hardware change detected",
            "Firmware or software change detected",
            "Hardware incompatibility detected",
            "Firmware or software incompatibility detected",
            "Invalid or unsupported hardware version",
            "Invalid or unsupported firmware or software version",
            "Hardware change success",
            "Firmware or software change success",
        ],
    ),
    (
        0x2c,
        &[
            "Not Installed",
            "Inactive",
            "Activation Requested",
            "Activation in Progress",
            "Active",
            "Deactivation Requested",
            "Deactivation in Progress",
            "Communication lost",
        ],
    ),
    (0x01, &[]),
    (0x02, &[]),
    (0x03, &[]),
    (0x04, &[]),
    (0x0a, &[]),
    (0x0b, &[]),
    (0x0e, &[]),
];

fn lookup(table: &[(u8, &'static [&'static str])], key: u8, offset: u8) -> Option<&'static str> {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, strings)| strings.get(usize::from(offset)))
        .copied()
        .filter(|s| !s.is_empty())
}

/// FreeIPMI's string for a generic event (event/reading type 01h–0Ch,
/// IPMI v2.0 Table 42-2) at `offset`.
pub fn generic_event(event_type: u8, offset: u8) -> Option<&'static str> {
    match event_type {
        0x01 => FREEIPMI_THRESHOLD.get(usize::from(offset)).copied(),
        0x02..=0x0c => crate::sensor::events::state_name(event_type, 0, offset),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// `ipmitool`'s string for a generic event at `offset`.
pub fn ipmitool_generic_event(event_type: u8, offset: u8) -> Option<&'static str> {
    lookup(&IPMITOOL_GENERIC, event_type, offset)
}

/// FreeIPMI's string for a sensor-specific event (type 6Fh, IPMI v2.0
/// Table 42-3) of `sensor_type` at `offset`.
pub fn sensor_specific_event(sensor_type: u8, offset: u8) -> Option<&'static str> {
    crate::sensor::events::state_name(0x6f, sensor_type, offset).filter(|s| !s.is_empty())
}

/// `ipmitool`'s string for a sensor-specific event of `sensor_type` at
/// `offset`.
pub fn ipmitool_sensor_specific_event(sensor_type: u8, offset: u8) -> Option<&'static str> {
    lookup(&IPMITOOL_SENSOR_SPECIFIC, sensor_type, offset)
}

/// `ipmitool`'s firmware error codes (sensor type 0Fh, offset 0, event
/// data 2).
const IPMITOOL_FIRMWARE_ERROR: [&str; 14] = [
    "Unspecified",
    "No system memory installed",
    "No usable system memory",
    "Unrecoverable IDE device failure",
    "Unrecoverable system-board failure",
    "Unrecoverable diskette failure",
    "Unrecoverable hard-disk controller failure",
    "Unrecoverable PS/2 or USB keyboard failure",
    "Removable boot media not found",
    "Unrecoverable video controller failure",
    "No video device selected",
    "BIOS corruption detected",
    "CPU voltage mismatch",
    "CPU speed mismatch failure",
];

/// `ipmitool`'s firmware hang / progress codes (sensor type 0Fh, offsets
/// 1 and 2, event data 2).
const IPMITOOL_FIRMWARE_PROGRESS: [&str; 26] = [
    "Unspecified",
    "Memory initialization",
    "Hard-disk initialization",
    "Secondary CPU Initialization",
    "User authentication",
    "User-initiated system setup",
    "USB resource configuration",
    "PCI resource configuration",
    "Option ROM initialization",
    "Video initialization",
    "Cache initialization",
    "SMBus initialization",
    "Keyboard controller initialization",
    "Management controller initialization",
    "Docking station attachment",
    "Enabling docking station",
    "Docking station ejection",
    "Disabling docking station",
    "Calling operating system wake-up vector",
    "System boot initiated",
    "Motherboard initialization",
    "reserved",
    "Floppy initialization",
    "Keyboard test",
    "Pointing device test",
    "Primary CPU initialization",
];

/// `ipmitool`'s string for a System Firmware Progress event (sensor type
/// 0Fh) with a sensor-specific event data 2 code: the code's meaning
/// (IPMI v2.0 Table 42-3), or "Unknown Error" / "Unknown Hang" / "Unknown
/// Progress" for codes past the table.
pub fn ipmitool_firmware_code(offset: u8, code: u8) -> Option<&'static str> {
    let (table, unknown): (&[&str], &str) = match offset {
        0 => (&IPMITOOL_FIRMWARE_ERROR, "Unknown Error"),
        1 => (&IPMITOOL_FIRMWARE_PROGRESS, "Unknown Hang"),
        2 => (&IPMITOOL_FIRMWARE_PROGRESS, "Unknown Progress"),
        _ => return None,
    };
    Some(table.get(usize::from(code)).copied().unwrap_or(unknown))
}

/// The strings of a severity offset (generic type 07h), for "Severity
/// State" of event data 2.
pub fn severity_event(offset: u8) -> Option<&'static str> {
    generic_event(0x07, offset)
}

/// The event state FreeIPMI's default interpretation gives an event
/// (`freeipmi_interpret_sel.conf`; threshold events of every sensor type,
/// and the generic and sensor-specific events listed there); `None` when
/// it has no interpretation ("N/A").
pub fn default_event_state(
    sensor_type: u8,
    event_type: u8,
    offset: u8,
    deassertion: bool,
) -> Option<EventState> {
    EVENT_STATES
        .iter()
        .find(|(st, et, _)| *et == event_type && (st.is_none() || *st == Some(sensor_type)))
        .and_then(|(_, _, states)| states.get(usize::from(offset)))
        .map(|(a, d)| if deassertion { *d } else { *a })
}

/// One group: sensor type (`None` = any), event/reading type, and the
/// (asserted, deasserted) states by offset.
type StateGroup = (Option<u8>, u8, &'static [(EventState, EventState)]);

/// FreeIPMI's default event states, transcribed from the commented
/// defaults of `freeipmi_interpret_sel.conf` (FreeIPMI 1.6.10): one entry
/// per `## IPMI_<Sensor>[_<Generic type>]` section, offsets in order. A
/// single state in the file applies to assertion and deassertion alike.
pub(crate) const EVENT_STATES: &[StateGroup] = &[
    // Threshold_Sensor
    (
        None,
        0x01,
        &[
            (W, N),
            (N, N),
            (C, W),
            (W, W),
            (C, C),
            (C, C),
            (N, N),
            (W, N),
            (W, W),
            (C, W),
            (C, C),
            (C, C),
        ],
    ),
    // Temperature_State
    (Some(0x01), 0x03, &[(N, N), (W, W)]),
    // Temperature_Limit
    (Some(0x01), 0x05, &[(N, N), (C, C)]),
    // Temperature_Transition_Severity
    (
        Some(0x01),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Voltage_State
    (Some(0x02), 0x03, &[(N, N), (W, W)]),
    // Voltage_Limit
    (Some(0x02), 0x05, &[(N, N), (C, C)]),
    // Voltage_Performance
    (Some(0x02), 0x06, &[(N, N), (C, W)]),
    // Voltage_Transition_Severity
    (
        Some(0x02),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Current_Transition_Severity
    (
        Some(0x03),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Fan_State
    (Some(0x04), 0x03, &[(N, N), (W, W)]),
    // Fan_Transition_Severity
    (
        Some(0x04),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Fan_Device_Present
    (Some(0x04), 0x08, &[(C, C), (N, N)]),
    // Fan_Transition_Availability
    (
        Some(0x04),
        0x0a,
        &[
            (N, N),
            (W, W),
            (W, W),
            (W, W),
            (W, W),
            (W, W),
            (C, W),
            (W, W),
            (C, C),
        ],
    ),
    // Fan_Redundancy
    (
        Some(0x04),
        0x0b,
        &[
            (N, N),
            (C, W),
            (W, W),
            (C, W),
            (C, W),
            (C, W),
            (W, W),
            (W, W),
        ],
    ),
    // Physical_Security
    (
        Some(0x05),
        0x6f,
        &[(C, C), (C, C), (C, C), (C, C), (C, C), (C, C), (C, C)],
    ),
    // Platform_Security_Violation_Attempt
    (
        Some(0x06),
        0x6f,
        &[(C, C), (C, C), (C, C), (C, C), (C, C), (C, C)],
    ),
    // Processor
    (
        Some(0x07),
        0x6f,
        &[
            (C, C),
            (C, C),
            (C, C),
            (C, C),
            (C, C),
            (C, C),
            (C, C),
            (N, N),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (W, W),
        ],
    ),
    // Processor_State
    (Some(0x07), 0x03, &[(N, N), (C, C)]),
    // Power_Supply
    (
        Some(0x08),
        0x6f,
        &[
            (N, N),
            (C, C),
            (C, C),
            (C, W),
            (C, W),
            (C, W),
            (C, C),
            (W, W),
        ],
    ),
    // Power_Supply_State
    (Some(0x08), 0x03, &[(N, N), (W, W)]),
    // Power_Supply_Transition_Severity
    (
        Some(0x08),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Power_Supply_Redundancy
    (
        Some(0x08),
        0x0b,
        &[
            (N, N),
            (C, W),
            (W, W),
            (C, W),
            (C, W),
            (C, W),
            (W, W),
            (W, W),
        ],
    ),
    // Power_Unit
    (
        Some(0x09),
        0x6f,
        &[
            (N, N),
            (N, N),
            (W, N),
            (W, W),
            (C, W),
            (C, C),
            (C, C),
            (C, C),
        ],
    ),
    // Power_Unit_State
    (Some(0x09), 0x03, &[(N, N), (W, W)]),
    // Power_Unit_Transition_Severity
    (
        Some(0x09),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Power_Unit_Device_Present
    (Some(0x09), 0x08, &[(C, C), (N, N)]),
    // Power_Unit_Redundancy
    (
        Some(0x09),
        0x0b,
        &[
            (N, N),
            (C, W),
            (W, W),
            (C, W),
            (C, W),
            (C, W),
            (W, W),
            (W, W),
        ],
    ),
    // Cooling_Device_Redundancy
    (
        Some(0x0a),
        0x0b,
        &[
            (N, N),
            (C, W),
            (W, W),
            (C, W),
            (C, W),
            (C, W),
            (W, W),
            (W, W),
        ],
    ),
    // Memory
    (
        Some(0x0c),
        0x6f,
        &[
            (W, W),
            (C, C),
            (C, C),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
            (C, C),
            (N, N),
            (W, W),
            (C, C),
        ],
    ),
    // Memory_State
    (Some(0x0c), 0x03, &[(N, N), (C, C)]),
    // Memory_Transition_Severity
    (
        Some(0x0c),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Memory_Redundancy
    (
        Some(0x0c),
        0x0b,
        &[
            (N, N),
            (C, W),
            (W, W),
            (C, W),
            (C, W),
            (C, W),
            (W, W),
            (W, W),
        ],
    ),
    // Drive_Slot
    (
        Some(0x0d),
        0x6f,
        &[
            (N, N),
            (C, C),
            (C, C),
            (N, N),
            (N, N),
            (C, C),
            (C, C),
            (N, N),
            (C, C),
        ],
    ),
    // Drive_Slot_State
    (Some(0x0d), 0x03, &[(W, W), (N, N)]),
    // Drive_Slot_Predictive_Failure
    (Some(0x0d), 0x04, &[(N, N), (C, C)]),
    // Drive_Slot_Transition_Severity
    (
        Some(0x0d),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Drive_Slot_Device_Present
    (Some(0x0d), 0x08, &[(C, C), (N, N)]),
    // POST_Memory_Resize_State
    (Some(0x0e), 0x03, &[(N, N), (W, W)]),
    // System_Firmware_Progress
    (Some(0x0f), 0x6f, &[(C, C), (C, C), (N, N)]),
    // System_Firmware_Progress_State
    (Some(0x0f), 0x03, &[(N, N), (W, W)]),
    // System_Firmware_Progress_Device_Present
    (Some(0x0f), 0x08, &[(C, C), (N, N)]),
    // System_Firmware_Progress_Transition_Severity
    (
        Some(0x0f),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Event_Logging_Disabled
    (
        Some(0x10),
        0x6f,
        &[(C, C), (C, C), (N, N), (C, C), (C, C), (W, W), (C, C)],
    ),
    // System_Event
    (
        Some(0x12),
        0x6f,
        &[(W, W), (N, N), (C, C), (N, N), (N, N), (W, W)],
    ),
    // System_Event_Transition_State
    (Some(0x12), 0x02, &[(N, N), (N, N), (N, N)]),
    // System_Event_State
    (Some(0x12), 0x03, &[(N, N), (W, W)]),
    // System_Event_Transition_Severity
    (
        Some(0x12),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Critical_Interrupt
    (
        Some(0x13),
        0x6f,
        &[
            (C, C),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (C, C),
            (W, W),
        ],
    ),
    // Button_Switch
    (Some(0x14), 0x6f, &[(N, N), (N, N), (N, N), (W, W), (W, W)]),
    // Button_Switch_State
    (Some(0x14), 0x03, &[(N, N), (N, N)]),
    // Button_Switch_Transition_Severity
    (
        Some(0x14),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Module_Board_State
    (Some(0x15), 0x03, &[(N, N), (C, C)]),
    // Module_Board_Device_Present
    (Some(0x15), 0x08, &[(C, C), (N, N)]),
    // Chassis_Transition_Severity
    (
        Some(0x18),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Chip_Set
    (Some(0x19), 0x6f, &[(C, C), (C, C)]),
    // Chip_Set_Transition_Severity
    (
        Some(0x19),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Cable_Interconnect
    (Some(0x1b), 0x6f, &[(N, N), (C, C)]),
    // Cable_Interconnect_Transition_Severity
    (
        Some(0x1b),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // System_Boot_Initiated
    (
        Some(0x1d),
        0x6f,
        &[
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (W, W),
            (W, W),
            (N, N),
        ],
    ),
    // Boot_Error
    (Some(0x1e), 0x6f, &[(C, C), (C, C), (C, C), (C, C), (W, W)]),
    // Boot_Error_State
    (Some(0x1e), 0x03, &[(N, N), (C, C)]),
    // Boot_Error_Transition_Severity
    (
        Some(0x1e),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // OS_Boot
    (
        Some(0x1f),
        0x6f,
        &[
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (W, W),
            (N, N),
            (N, N),
            (W, W),
            (C, C),
        ],
    ),
    // OS_Critical_Stop
    (
        Some(0x20),
        0x6f,
        &[(C, C), (C, C), (W, W), (W, W), (W, W), (C, C)],
    ),
    // OS_Critical_Stop_State
    (Some(0x20), 0x03, &[(N, N), (C, C)]),
    // Slot_Connector
    (
        Some(0x21),
        0x6f,
        &[
            (C, C),
            (W, W),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (W, W),
            (W, W),
            (W, W),
            (N, N),
        ],
    ),
    // Slot_Connector_Transition_Severity
    (
        Some(0x21),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // System_ACPI_Power_State
    (
        Some(0x22),
        0x6f,
        &[
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (C, C),
            (C, C),
        ],
    ),
    // Watchdog2
    (
        Some(0x23),
        0x6f,
        &[
            (W, W),
            (C, C),
            (C, C),
            (C, C),
            (N, N),
            (N, N),
            (N, N),
            (N, N),
            (W, W),
        ],
    ),
    // Platform_Alert
    (Some(0x24), 0x6f, &[(N, N), (N, N), (N, N), (N, N)]),
    // Platform_Alert_State
    (Some(0x24), 0x03, &[(N, N), (C, C)]),
    // Entity_Presence
    (Some(0x25), 0x6f, &[(N, N), (C, C), (C, C)]),
    // Entity_Presence_Device_Present
    (Some(0x25), 0x08, &[(C, C), (N, N)]),
    // LAN
    (Some(0x27), 0x6f, &[(N, N), (W, W)]),
    // Management_Subsystem_Health
    (
        Some(0x28),
        0x6f,
        &[(C, C), (C, C), (C, C), (C, C), (C, C), (C, C)],
    ),
    // Management_Subsystem_Health_Transition_Severity
    (
        Some(0x28),
        0x07,
        &[
            (N, N),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (C, C),
            (C, C),
            (W, W),
            (N, N),
        ],
    ),
    // Management_Subsystem_Health_Device_Present
    (Some(0x28), 0x08, &[(C, C), (N, N)]),
    // Battery
    (Some(0x29), 0x6f, &[(W, W), (C, C), (N, N)]),
    // Session_Audit
    (Some(0x2a), 0x6f, &[(N, N), (N, N), (W, W), (C, C)]),
    // Version_Change
    (
        Some(0x2b),
        0x6f,
        &[
            (W, W),
            (W, W),
            (C, C),
            (C, C),
            (C, C),
            (C, C),
            (N, N),
            (N, N),
        ],
    ),
    // FRU_State
    (
        Some(0x2c),
        0x6f,
        &[
            (C, C),
            (C, C),
            (W, W),
            (W, W),
            (N, N),
            (W, W),
            (W, W),
            (C, C),
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(sensor_type_name(0x22), Some("System ACPI Power State"));
        assert_eq!(sensor_type_name(0xc0), Some("OEM Reserved"));
        assert_eq!(sensor_type_name(0x2d), None);
        assert_eq!(ipmitool_sensor_type_name(0x0d), "Drive Slot / Bay");
        assert_eq!(ipmitool_sensor_type_name(0x23), "Watchdog2");
        assert_eq!(ipmitool_sensor_type_name(0x50), "Unknown");
    }

    #[test]
    fn strings() {
        assert_eq!(generic_event(1, 9), Some("Upper Critical - going high"));
        assert_eq!(
            ipmitool_generic_event(1, 0),
            Some("Lower Non-critical going low")
        );
        assert_eq!(generic_event(1, 12), None);
        assert_eq!(generic_event(0x6f, 0), None);
        assert_eq!(
            sensor_specific_event(0x08, 1),
            Some("Power Supply Failure detected")
        );
        assert_eq!(
            ipmitool_sensor_specific_event(0x08, 1),
            Some("Failure detected")
        );
        assert_eq!(ipmitool_sensor_specific_event(0x22, 0x0d), None);
        assert_eq!(sensor_specific_event(0x01, 0), None);
        assert_eq!(
            severity_event(2),
            Some("transition to Critical from less severe")
        );
    }

    #[test]
    fn states() {
        use EventState::*;
        assert_eq!(default_event_state(0x04, 0x01, 0x02, false), Some(Critical));
        assert_eq!(default_event_state(0x04, 0x01, 0x02, true), Some(Warning));
        assert_eq!(default_event_state(0x08, 0x6f, 0x01, false), Some(Critical));
        assert_eq!(default_event_state(0x22, 0x6f, 0x00, false), Some(Nominal));
        assert_eq!(default_event_state(0x08, 0x0b, 0x01, false), Some(Critical));
        assert_eq!(default_event_state(0xc0, 0x70, 0x00, false), None);
    }

    #[test]
    fn tables_cover_their_offsets() {
        // Every sensor-specific type has as many ipmitool strings as
        // FreeIPMI strings (the sensor module's table).
        for (code, strings) in IPMITOOL_SENSOR_SPECIFIC {
            assert_eq!(
                crate::sensor::events::state_count(0x6f, code),
                strings.len(),
                "sensor type {code:#04x}"
            );
        }
        for (code, strings) in IPMITOOL_GENERIC {
            let freeipmi = if code == 0x01 {
                FREEIPMI_THRESHOLD.len()
            } else {
                crate::sensor::events::state_count(code, 0)
            };
            assert_eq!(freeipmi, strings.len(), "event type {code:#04x}");
        }
    }
}
