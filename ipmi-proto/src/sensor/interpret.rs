//! Sensor state interpretation: Nominal, Warning or Critical, exactly as
//! FreeIPMI's default interpretation (libfreeipmi "interpret", the source
//! of ipmi_exporter's `ipmi_sensor_state`).
//!
//! The default table is data ([`DEFAULTS`], `freeipmi_interpret_sensor.conf`
//! next to this file): groups of states per (event/reading type, sensor
//! type), one state per offset. The rules, as FreeIPMI applies them:
//!
//! * **Threshold sensors** (event/reading type 01h): the threshold
//!   comparison bits (Get Sensor Reading byte 4 `[5:0]`, IPMI v2.0 §35.14)
//!   are the offsets; by default non-critical crossings are Nominal,
//!   critical and non-recoverable ones Critical.
//! * **Discrete sensors** with a group: the most severe state among the
//!   asserted offsets, the group's "No_Event" state when none is asserted.
//!   Offsets beyond the group are "unrecognized events": ignored by default
//!   (ipmi_exporter passes `--ignore-unrecognized-events`), or making the
//!   state unknown when [`Interpreter::ignore_unrecognized_events`] is off.
//! * Sensors without a group (most OEM types) have no state (FreeIPMI's
//!   "N/A"), unless OEM rules (`IPMI_OEM_Bitmask` / `IPMI_OEM_Value`, for the
//!   BMC's manufacturer and product) match and OEM interpretation is on.
//!
//! Rules in FreeIPMI's configuration syntax (`IPMI_<Group>_<State>
//! Nominal|Warning|Critical`) override the defaults
//! ([`Interpreter::with_rules`]).

use thiserror::Error;

use super::types::{EventReadingClass, EVENT_READING_TYPE_THRESHOLD};
use super::SensorState;

/// FreeIPMI's default interpretation table, as data (see the file's header
/// for the format).
pub const DEFAULTS: &str = include_str!("freeipmi_interpret_sensor.conf");

/// A problem in interpretation rules.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RuleError {
    /// A line does not have the expected fields.
    #[error("line {line}: expected `<key> <state>`")]
    Syntax {
        /// 1-based line number.
        line: usize,
    },
    /// The key names no known state.
    #[error("line {line}: unknown sensor state key {key:?}")]
    UnknownKey {
        /// 1-based line number.
        line: usize,
        /// The key.
        key: String,
    },
    /// The state is not Nominal, Warning or Critical.
    #[error("line {line}: invalid state {state:?} (Nominal, Warning or Critical)")]
    InvalidState {
        /// 1-based line number.
        line: usize,
        /// The text found.
        state: String,
    },
    /// A number (type code, bitmask, manufacturer or product ID) is invalid.
    #[error("line {line}: invalid number {text:?}")]
    InvalidNumber {
        /// 1-based line number.
        line: usize,
        /// The text found.
        text: String,
    },
    /// A `group` line of the data file is malformed.
    #[error("line {line}: invalid group definition")]
    InvalidGroup {
        /// 1-based line number.
        line: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    name: String,
    event_reading_type: u8,
    /// `None` = any sensor type (threshold sensors).
    sensor_type: Option<u8>,
    no_event: (String, SensorState),
    /// Per offset: key and state.
    states: Vec<(String, SensorState)>,
}

/// How an OEM rule compares the state bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OemMatch {
    /// `IPMI_OEM_Bitmask`: any common bit (or both zero).
    Bitmask,
    /// `IPMI_OEM_Value`: the bits equal the value.
    Value,
}

/// One `IPMI_OEM_Bitmask` / `IPMI_OEM_Value` rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OemRule {
    /// Manufacturer ID.
    pub manufacturer_id: u32,
    /// Product ID.
    pub product_id: u16,
    /// Event/reading type code.
    pub event_reading_type: u8,
    /// Sensor type.
    pub sensor_type: u8,
    /// Bitmask or value.
    pub bits: u16,
    /// Comparison.
    pub matching: OemMatch,
    /// The state when it matches.
    pub state: SensorState,
}

/// The interpreter: defaults, overrides and options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreter {
    groups: Vec<Group>,
    oem: Vec<OemRule>,
    /// Ignore asserted offsets the group does not name (FreeIPMI
    /// `--ignore-unrecognized-events`, which ipmi_exporter passes). On by
    /// default.
    pub ignore_unrecognized_events: bool,
    /// Apply OEM rules (FreeIPMI `--interpret-oem-data`). Off by default.
    pub interpret_oem_data: bool,
    /// The BMC's manufacturer ID, for OEM rules.
    pub manufacturer_id: u32,
    /// The BMC's product ID, for OEM rules.
    pub product_id: u16,
}

fn parse_state(text: &str) -> Option<SensorState> {
    match text.to_ascii_lowercase().as_str() {
        "nominal" => Some(SensorState::Nominal),
        "warning" => Some(SensorState::Warning),
        "critical" => Some(SensorState::Critical),
        _ => None,
    }
}

fn parse_number(text: &str, line: usize) -> Result<u32, RuleError> {
    let t = text.trim();
    let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => t.parse(),
    };
    parsed.map_err(|_| RuleError::InvalidNumber {
        line,
        text: t.to_string(),
    })
}

fn parse_u8(text: &str, line: usize) -> Result<u8, RuleError> {
    u8::try_from(parse_number(text, line)?).map_err(|_| RuleError::InvalidNumber {
        line,
        text: text.to_string(),
    })
}

fn parse_u16(text: &str, line: usize) -> Result<u16, RuleError> {
    u16::try_from(parse_number(text, line)?).map_err(|_| RuleError::InvalidNumber {
        line,
        text: text.to_string(),
    })
}

/// Lines without comments and blanks, numbered from 1.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            (
                i.saturating_add(1),
                l.split('#').next().unwrap_or("").trim(),
            )
        })
        .filter(|(_, l)| !l.is_empty())
}

fn parse_groups(text: &str) -> Result<Vec<Group>, RuleError> {
    let mut groups: Vec<Group> = Vec::new();
    for (line, l) in lines(text) {
        let fields: Vec<&str> = l.split_whitespace().collect();
        match fields.as_slice() {
            ["group", name, ert, st] => {
                let sensor_type = if *st == "*" {
                    None
                } else {
                    Some(parse_u8(st, line)?)
                };
                groups.push(Group {
                    name: (*name).to_string(),
                    event_reading_type: parse_u8(ert, line)?,
                    sensor_type,
                    no_event: (String::new(), SensorState::Nominal),
                    states: Vec::new(),
                });
            }
            [key, state] => {
                let state = parse_state(state).ok_or_else(|| RuleError::InvalidState {
                    line,
                    state: (*state).to_string(),
                })?;
                let group = groups.last_mut().ok_or(RuleError::InvalidGroup { line })?;
                if !key.starts_with(group.name.as_str()) {
                    return Err(RuleError::InvalidGroup { line });
                }
                if group.no_event.0.is_empty() {
                    group.no_event = ((*key).to_string(), state);
                } else {
                    group.states.push(((*key).to_string(), state));
                }
            }
            _ => return Err(RuleError::Syntax { line }),
        }
    }
    Ok(groups)
}

impl Default for Interpreter {
    fn default() -> Self {
        Self::freeipmi_defaults()
    }
}

impl Interpreter {
    /// FreeIPMI's defaults (the embedded [`DEFAULTS`]), ignoring
    /// unrecognized events, no OEM rules.
    pub fn freeipmi_defaults() -> Self {
        static GROUPS: std::sync::OnceLock<Vec<Group>> = std::sync::OnceLock::new();
        let groups = GROUPS
            .get_or_init(|| parse_groups(DEFAULTS).unwrap_or_default())
            .clone();
        Self {
            groups,
            oem: Vec::new(),
            ignore_unrecognized_events: true,
            interpret_oem_data: false,
            manufacturer_id: 0,
            product_id: 0,
        }
    }

    /// Applies rules in FreeIPMI's `freeipmi_interpret_sensor.conf`
    /// syntax: `IPMI_<Group>_<State> Nominal|Warning|Critical` (keys are
    /// case-insensitive), `IPMI_OEM_Bitmask` and `IPMI_OEM_Value` lines
    /// (`<mfg>:<prod>[+<prod>…][,<mfg>:…] <event/reading type> <sensor
    /// type> <bits> <state>`), `#` comments. OEM rules take effect with
    /// [`Interpreter::interpret_oem_data`].
    ///
    /// # Errors
    /// A [`RuleError`] naming the first bad line; the interpreter is then
    /// unchanged.
    pub fn with_rules(mut self, text: &str) -> Result<Self, RuleError> {
        let mut updated = self.clone();
        for (line, l) in lines(text) {
            let fields: Vec<&str> = l.split_whitespace().collect();
            match fields.as_slice() {
                [kind, ids, ert, st, bits, state]
                    if kind.eq_ignore_ascii_case("IPMI_OEM_Bitmask")
                        || kind.eq_ignore_ascii_case("IPMI_OEM_Value") =>
                {
                    let matching = if kind.eq_ignore_ascii_case("IPMI_OEM_Bitmask") {
                        OemMatch::Bitmask
                    } else {
                        OemMatch::Value
                    };
                    let state = parse_state(state).ok_or_else(|| RuleError::InvalidState {
                        line,
                        state: (*state).to_string(),
                    })?;
                    let event_reading_type = parse_u8(ert, line)?;
                    let sensor_type = parse_u8(st, line)?;
                    let bits = parse_u16(bits, line)?;
                    for (manufacturer_id, product_id) in parse_ids(ids, line)? {
                        let rule = OemRule {
                            manufacturer_id,
                            product_id,
                            event_reading_type,
                            sensor_type,
                            bits,
                            matching,
                            state,
                        };
                        // A later rule for the same bits replaces the earlier one.
                        updated.oem.retain(|r| {
                            !(r.manufacturer_id == rule.manufacturer_id
                                && r.product_id == rule.product_id
                                && r.event_reading_type == rule.event_reading_type
                                && r.sensor_type == rule.sensor_type
                                && r.bits == rule.bits
                                && r.matching == rule.matching)
                        });
                        updated.oem.push(rule);
                    }
                }
                [key, state] => {
                    let state = parse_state(state).ok_or_else(|| RuleError::InvalidState {
                        line,
                        state: (*state).to_string(),
                    })?;
                    let slot = updated.groups.iter_mut().find_map(|g| {
                        if g.no_event.0.eq_ignore_ascii_case(key) {
                            return Some(&mut g.no_event.1);
                        }
                        g.states
                            .iter_mut()
                            .find(|(k, _)| k.eq_ignore_ascii_case(key))
                            .map(|(_, s)| s)
                    });
                    match slot {
                        Some(s) => *s = state,
                        None => {
                            return Err(RuleError::UnknownKey {
                                line,
                                key: (*key).to_string(),
                            })
                        }
                    }
                }
                _ => return Err(RuleError::Syntax { line }),
            }
        }
        self = updated;
        Ok(self)
    }

    /// Sets the BMC identity used by OEM rules and turns OEM
    /// interpretation on.
    pub fn with_oem_context(mut self, manufacturer_id: u32, product_id: u16) -> Self {
        self.manufacturer_id = manufacturer_id;
        self.product_id = product_id;
        self.interpret_oem_data = true;
        self
    }

    fn group(&self, event_reading_type: u8, sensor_type: u8) -> Option<&Group> {
        self.groups.iter().find(|g| {
            g.event_reading_type == event_reading_type
                && (g.sensor_type.is_none() || g.sensor_type == Some(sensor_type))
        })
    }

    /// The state key a group gives offset `offset` (FreeIPMI's name, e.g.
    /// `IPMI_Power_Supply_Power_Supply_Failure_Detected`), `None` outside
    /// the table.
    pub fn state_key(&self, event_reading_type: u8, sensor_type: u8, offset: u8) -> Option<&str> {
        let g = self.group(event_reading_type, sensor_type)?;
        g.states.get(usize::from(offset)).map(|(k, _)| k.as_str())
    }

    /// The state of a threshold sensor from its comparison bits (Get
    /// Sensor Reading byte 4; bits 6–7 ignored).
    pub fn threshold_state(&self, bits: u8) -> SensorState {
        self.state(EVENT_READING_TYPE_THRESHOLD, 0, u16::from(bits & 0x3f))
            .unwrap_or(SensorState::Nominal)
    }

    /// The state of a sensor from its asserted offsets (bit n = offset n;
    /// for threshold sensors the comparison bits). `None` when FreeIPMI
    /// would report no state ("N/A"): no group for the sensor and no OEM
    /// rule, or unrecognized offsets when they are not ignored.
    pub fn state(&self, event_reading_type: u8, sensor_type: u8, bits: u16) -> Option<SensorState> {
        let class = EventReadingClass::of(event_reading_type);
        let bits = if class == EventReadingClass::Threshold {
            bits & 0x3f
        } else {
            // Bit 15 is reserved (Get Sensor Reading byte 5 bit 7).
            bits & 0x7fff
        };
        let oem_type = sensor_type >= 0xc0;
        match class {
            EventReadingClass::Threshold
            | EventReadingClass::Generic
            | EventReadingClass::SensorSpecific => {}
            EventReadingClass::Oem if self.interpret_oem_data => {
                return self.oem_state(event_reading_type, sensor_type, bits)
            }
            _ => return None,
        }
        let Some(group) = self.group(event_reading_type, sensor_type) else {
            if self.interpret_oem_data && oem_type {
                return self.oem_state(event_reading_type, sensor_type, bits);
            }
            return None;
        };
        if bits == 0 {
            return Some(group.no_event.1);
        }
        let mut state = SensorState::Nominal;
        let mut rest = bits;
        for (offset, (_, s)) in group.states.iter().enumerate().take(15) {
            let mask = 1u16 << offset;
            if rest & mask != 0 {
                state = state.max(*s);
                rest &= !mask;
            }
        }
        if rest != 0 {
            if self.interpret_oem_data {
                match self.oem_state(event_reading_type, sensor_type, bits) {
                    Some(s) => state = s,
                    None if !self.ignore_unrecognized_events => return None,
                    None => {}
                }
            } else if !self.ignore_unrecognized_events {
                return None;
            }
        }
        Some(state)
    }

    fn oem_state(&self, event_reading_type: u8, sensor_type: u8, bits: u16) -> Option<SensorState> {
        let rules: Vec<&OemRule> = self
            .oem
            .iter()
            .filter(|r| {
                r.manufacturer_id == self.manufacturer_id
                    && r.product_id == self.product_id
                    && r.event_reading_type == event_reading_type
                    && r.sensor_type == sensor_type
            })
            .collect();
        if rules.is_empty() {
            return None;
        }
        rules
            .iter()
            .filter(|r| match r.matching {
                OemMatch::Bitmask => r.bits & bits != 0 || (r.bits == 0 && bits == 0),
                OemMatch::Value => r.bits == bits,
            })
            .map(|r| r.state)
            .max()
    }
}

fn parse_ids(text: &str, line: usize) -> Result<Vec<(u32, u16)>, RuleError> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let (mfg, prods) = part
            .split_once(':')
            .ok_or_else(|| RuleError::InvalidNumber {
                line,
                text: part.to_string(),
            })?;
        let mfg = parse_number(mfg, line)?;
        for p in prods.split('+') {
            out.push((mfg, parse_u16(p, line)?));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use SensorState::{Critical, Nominal, Warning};

    #[test]
    fn defaults_parse_completely() {
        let groups = parse_groups(DEFAULTS).unwrap();
        assert_eq!(groups.len(), 76);
        let entries: usize = groups.iter().map(|g| g.states.len() + 1).sum();
        assert_eq!(
            entries, 520,
            "every entry of freeipmi_interpret_sensor.conf"
        );
        assert!(groups.iter().all(|g| g.no_event.0.ends_with("No_Event")));
        let i = Interpreter::freeipmi_defaults();
        assert_eq!(i.groups, groups);
    }

    #[test]
    fn threshold_defaults() {
        let i = Interpreter::default();
        assert_eq!(i.threshold_state(0x00), Nominal);
        // ≤ LNC and ≥ UNC are Nominal in FreeIPMI's defaults.
        assert_eq!(i.threshold_state(0x01), Nominal);
        assert_eq!(i.threshold_state(0x08), Nominal);
        assert_eq!(i.threshold_state(0x03), Critical);
        assert_eq!(i.threshold_state(0x04), Critical);
        assert_eq!(i.threshold_state(0x10), Critical);
        assert_eq!(i.threshold_state(0x20), Critical);
        // Bits 6-7 "read as 1" are ignored.
        assert_eq!(i.threshold_state(0xc0), Nominal);
        assert_eq!(i.state(0x01, 0x04, 0x0003), Some(Critical));
    }

    #[test]
    fn discrete_defaults_of_the_reference_machines() {
        let i = Interpreter::default();
        // Power supply presence / failure, redundancy lost.
        assert_eq!(i.state(0x6f, 0x08, 0x0001), Some(Nominal));
        assert_eq!(i.state(0x6f, 0x08, 0x0003), Some(Critical));
        assert_eq!(i.state(0x0b, 0x08, 0x0002), Some(Critical));
        assert_eq!(i.state(0x0b, 0x08, 0x0001), Some(Nominal));
        // Processor presence, chassis intrusion (nothing asserted).
        assert_eq!(i.state(0x6f, 0x07, 0x0080), Some(Nominal));
        assert_eq!(i.state(0x6f, 0x05, 0x0000), Some(Nominal));
        assert_eq!(i.state(0x6f, 0x05, 0x0001), Some(Critical));
        // Memory: presence + correctable ECC logging limit reached.
        assert_eq!(i.state(0x6f, 0x0c, 0x0040), Some(Nominal));
        assert_eq!(i.state(0x6f, 0x0c, 0x0060), Some(Warning));
        // Drive slot present / fault; ACPI S0; battery presence.
        assert_eq!(i.state(0x6f, 0x0d, 0x0001), Some(Nominal));
        assert_eq!(i.state(0x6f, 0x0d, 0x0003), Some(Critical));
        assert_eq!(i.state(0x6f, 0x22, 0x0001), Some(Nominal));
        assert_eq!(i.state(0x6f, 0x29, 0x0004), Some(Nominal));
        // Module/Board device present / absent (generic 08h).
        assert_eq!(i.state(0x08, 0x15, 0x0002), Some(Nominal));
        assert_eq!(i.state(0x08, 0x15, 0x0001), Some(Critical));
        // Watchdog 2 hard reset.
        assert_eq!(i.state(0x6f, 0x23, 0x0002), Some(Critical));
        // No group: N/A (Temperature with sensor-specific type, OEM).
        assert_eq!(i.state(0x6f, 0x01, 0x0001), None);
        assert_eq!(i.state(0x70, 0xc0, 0x0001), None);
        assert_eq!(i.state(0x00, 0x01, 0x0000), None);
        assert_eq!(
            i.state_key(0x6f, 0x08, 1),
            Some("IPMI_Power_Supply_Power_Supply_Failure_Detected")
        );
    }

    #[test]
    fn unrecognized_offsets() {
        let mut i = Interpreter::default();
        // Power supply has 8 offsets; bit 12 is unrecognized.
        assert_eq!(i.state(0x6f, 0x08, 0x1001), Some(Nominal));
        i.ignore_unrecognized_events = false;
        assert_eq!(i.state(0x6f, 0x08, 0x1001), None);
        // Bit 15 is reserved and never counts.
        assert_eq!(i.state(0x6f, 0x08, 0x8001), Some(Nominal));
    }

    #[test]
    fn overrides() {
        let i = Interpreter::default()
            .with_rules(
                "# CPU2 warm is a warning here\n\
                 IPMI_Threshold_Sensor_At_Or_Above_Upper_Non_Critical_Threshold Warning\n\
                 ipmi_power_supply_presence_detected   critical  # case-insensitive\n",
            )
            .unwrap();
        assert_eq!(i.threshold_state(0x08), Warning);
        assert_eq!(i.state(0x6f, 0x08, 0x0001), Some(Critical));
        let e = Interpreter::default()
            .with_rules("IPMI_Nope Critical")
            .unwrap_err();
        assert_eq!(
            e,
            RuleError::UnknownKey {
                line: 1,
                key: "IPMI_Nope".into()
            }
        );
        assert!(matches!(
            Interpreter::default().with_rules("\n\nIPMI_Memory_Parity Bad"),
            Err(RuleError::InvalidState { line: 3, .. })
        ));
        assert!(matches!(
            Interpreter::default().with_rules("one two three"),
            Err(RuleError::Syntax { line: 1 })
        ));
    }

    #[test]
    fn oem_rules() {
        let conf = "IPMI_OEM_Bitmask 674:256 0x70 0x15 0x0000 Nominal\n\
                    IPMI_OEM_Bitmask 674:256 0x70 0x15 0x0001 Critical\n\
                    IPMI_OEM_Bitmask 674:256 0x70 0x15 0x0010 Warning\n\
                    IPMI_OEM_Value 10876:1572+1576,10437:4 0x70 0xC0 0x0004 Critical\n\
                    IPMI_OEM_Value 10876:1572+1576,10437:4 0x70 0xC0 0x0001 Warning\n";
        let i = Interpreter::default().with_rules(conf).unwrap();
        // Without OEM interpretation: N/A.
        assert_eq!(i.state(0x70, 0x15, 0x0001), None);
        let dell = i.clone().with_oem_context(674, 256);
        assert_eq!(dell.state(0x70, 0x15, 0x0000), Some(Nominal));
        assert_eq!(dell.state(0x70, 0x15, 0x0011), Some(Critical));
        assert_eq!(dell.state(0x70, 0x15, 0x0010), Some(Warning));
        assert_eq!(dell.state(0x70, 0x15, 0x0100), None);
        let smc = i.with_oem_context(10876, 1576);
        assert_eq!(smc.state(0x70, 0xc0, 0x0004), Some(Critical));
        assert_eq!(smc.state(0x70, 0xc0, 0x0005), None);
        assert!(matches!(
            Interpreter::default().with_rules("IPMI_OEM_Value 674 0x70 0xc0 1 Nominal"),
            Err(RuleError::InvalidNumber { .. })
        ));
    }
}
