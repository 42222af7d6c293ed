//! Sensor units (IPMI v2.0 §43.17, Table 43-15 "Sensor Unit Type Codes",
//! and Full Sensor Record bytes 21–23, Table 43-1).
//!
//! [`SensorUnits::freeipmi_string`] renders them exactly as FreeIPMI's
//! `ipmi-sensors` / `ipmimonitoring` print the Units column ("C", "V", "A",
//! "W", "RPM", "%", "CFM", …): ipmi_exporter chooses its metric family from
//! that string.

/// Base unit codes with their full name and FreeIPMI's abbreviation
/// (IPMI v2.0 Table 43-15; the names and abbreviations are those FreeIPMI
/// prints). Index = unit code, 0–92.
const UNITS: [(&str, &str); 93] = [
    ("unspecified", "unspecified"),
    ("degrees C", "C"),
    ("degrees F", "F"),
    ("degrees K", "K"),
    ("Volts", "V"),
    ("Amps", "A"),
    ("Watts", "W"),
    ("Joules", "J"),
    ("Coulombs", "C"),
    ("VA", "VA"),
    ("Nits", "nits"),
    ("Lumen", "lm"),
    ("Lux", "lux"),
    ("Candela", "cd"),
    ("kPA", "KPA"),
    ("PSI", "PSI"),
    ("Newton", "N"),
    ("CFM", "CFM"),
    ("RPM", "RPM"),
    ("Hz", "Hz"),
    ("microsecond", "us"),
    ("millisecond", "ms"),
    ("second", "s"),
    ("minute", "min"),
    ("hour", "hr"),
    ("day", "day"),
    ("week", "wk"),
    ("mil", "mil"),
    ("inches", "in"),
    ("feet", "ft"),
    ("cu in", "cu in"),
    ("cu feet", "cu feet"),
    ("mm", "mm"),
    ("cm", "cm"),
    ("m", "m"),
    ("cu cm", "cu cm"),
    ("cu m", "cu m"),
    ("liters", "L"),
    ("fluid Ounce", "fl oz"),
    ("radians", "rad"),
    ("steradians", "sr"),
    ("revolutions", "rev"),
    ("cycles", "c"),
    ("gravities", "g"),
    ("ounce", "oz"),
    ("pound", "lb"),
    ("ft-lb", "ft lB"),
    ("oz-in", "oz in"),
    ("gauss", "G"),
    ("gilberts", "Gi"),
    ("henry", "H"),
    ("millihenry", "mH"),
    ("farad", "F"),
    ("microfarad", "uF"),
    ("ohms", "ohms"),
    ("siemens", "S"),
    ("mole", "mol"),
    ("becquerel", "Bq"),
    ("PPM", "PPM"),
    ("reserved", "Reserved"),
    ("Decibels", "dB"),
    ("DbA", "DbA"),
    ("DbC", "DbC"),
    ("gray", "Gy"),
    ("sievert", "Sv"),
    ("color temp deg K", "color temp deg K"),
    ("bit", "b"),
    ("kilobit", "Kb"),
    ("megabit", "Mb"),
    ("gigabit", "Gb"),
    ("byte", "B"),
    ("kilobyte", "KB"),
    ("megabyte", "MB"),
    ("gigabyte", "GB"),
    ("word", "word"),
    ("dword", "dword"),
    ("qword", "qword"),
    ("line", "line"),
    ("hit", "hit"),
    ("miss", "miss"),
    ("retry", "retry"),
    ("reset", "reset"),
    ("overrun / overflow", "overrun / overflow"),
    ("underrun", "underrun"),
    ("collision", "collision"),
    ("packets", "pkts"),
    ("messages", "msgs"),
    ("characters", "chars"),
    ("error", "err"),
    ("correctable Error", "correctable err"),
    ("uncorrectable Error", "uncorrectable err"),
    ("fatal Error", "fatal err"),
    ("grams", "g"),
];

/// Base unit code of degrees Celsius.
pub const UNIT_DEGREES_C: u8 = 1;
/// Base unit code of Volts.
pub const UNIT_VOLTS: u8 = 4;
/// Base unit code of Amps.
pub const UNIT_AMPS: u8 = 5;
/// Base unit code of Watts.
pub const UNIT_WATTS: u8 = 6;
/// Base unit code of cubic feet per minute.
pub const UNIT_CFM: u8 = 17;
/// Base unit code of RPM.
pub const UNIT_RPM: u8 = 18;

/// The full name of a unit code ("degrees C"), `None` above 92.
pub fn unit_name(code: u8) -> Option<&'static str> {
    UNITS.get(usize::from(code)).map(|(full, _)| *full)
}

/// FreeIPMI's abbreviation of a unit code ("C"), `None` above 92.
pub fn unit_abbreviation(code: u8) -> Option<&'static str> {
    UNITS.get(usize::from(code)).map(|(_, abbr)| *abbr)
}

/// Rate unit (sensor units 1 `[5:3]`, IPMI v2.0 Table 43-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateUnit {
    /// 000b: none.
    None,
    /// 001b: per µs.
    PerMicrosecond,
    /// 010b: per ms.
    PerMillisecond,
    /// 011b: per s.
    PerSecond,
    /// 100b: per minute.
    PerMinute,
    /// 101b: per hour.
    PerHour,
    /// 110b: per day.
    PerDay,
    /// 111b: reserved.
    Reserved,
}

impl RateUnit {
    /// From the three bits (0–7).
    pub fn from_bits(b: u8) -> Self {
        match b & 0x07 {
            0 => Self::None,
            1 => Self::PerMicrosecond,
            2 => Self::PerMillisecond,
            3 => Self::PerSecond,
            4 => Self::PerMinute,
            5 => Self::PerHour,
            6 => Self::PerDay,
            _ => Self::Reserved,
        }
    }

    /// The three bits.
    pub fn bits(self) -> u8 {
        match self {
            Self::None => 0,
            Self::PerMicrosecond => 1,
            Self::PerMillisecond => 2,
            Self::PerSecond => 3,
            Self::PerMinute => 4,
            Self::PerHour => 5,
            Self::PerDay => 6,
            Self::Reserved => 7,
        }
    }

    /// FreeIPMI's text ("per s").
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::PerMicrosecond => "per uS",
            Self::PerMillisecond => "per ms",
            Self::PerSecond => "per s",
            Self::PerMinute => "per minute",
            Self::PerHour => "per hour",
            Self::PerDay => "per day",
            Self::Reserved => "reserved",
        }
    }
}

/// How the modifier unit combines with the base unit (sensor units 1
/// `[2:1]`, IPMI v2.0 Table 43-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModifierKind {
    /// 00b: no modifier unit.
    None,
    /// 01b: base unit / modifier unit.
    Divide,
    /// 10b: base unit × modifier unit.
    Multiply,
    /// 11b: reserved.
    Reserved,
}

impl ModifierKind {
    /// From the two bits (0–3).
    pub fn from_bits(b: u8) -> Self {
        match b & 0x03 {
            0 => Self::None,
            1 => Self::Divide,
            2 => Self::Multiply,
            _ => Self::Reserved,
        }
    }

    /// The two bits.
    pub fn bits(self) -> u8 {
        match self {
            Self::None => 0,
            Self::Divide => 1,
            Self::Multiply => 2,
            Self::Reserved => 3,
        }
    }
}

/// The unit fields of a sensor record: sensor units 1 (without the analog
/// format bits), the base unit and the modifier unit (IPMI v2.0 Table
/// 43-1, bytes 21–23; compact records have the same bytes 21–23, Table
/// 43-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SensorUnits {
    /// Rate unit.
    pub rate: RateUnit,
    /// Modifier combination.
    pub modifier: ModifierKind,
    /// Percentage flag (units 1 bit 0).
    pub percentage: bool,
    /// Base unit code.
    pub base: u8,
    /// Modifier unit code.
    pub modifier_unit: u8,
}

impl Default for SensorUnits {
    fn default() -> Self {
        Self::base(0)
    }
}

impl SensorUnits {
    /// A plain base unit.
    pub const fn base(code: u8) -> Self {
        Self {
            rate: RateUnit::None,
            modifier: ModifierKind::None,
            percentage: false,
            base: code,
            modifier_unit: 0,
        }
    }

    /// "%" with no base unit.
    pub const fn percent() -> Self {
        Self {
            rate: RateUnit::None,
            modifier: ModifierKind::None,
            percentage: true,
            base: 0,
            modifier_unit: 0,
        }
    }

    /// From units 1 (analog format bits ignored), base and modifier codes.
    pub fn from_bytes(units1: u8, base: u8, modifier_unit: u8) -> Self {
        Self {
            rate: RateUnit::from_bits(units1 >> 3),
            modifier: ModifierKind::from_bits(units1 >> 1),
            percentage: units1 & 0x01 != 0,
            base,
            modifier_unit,
        }
    }

    /// Units 1 without the analog format bits (`[5:0]`).
    pub fn units1_low_bits(&self) -> u8 {
        (self.rate.bits() << 3) | (self.modifier.bits() << 1) | u8::from(self.percentage)
    }

    /// The unit string as FreeIPMI prints it, abbreviated (`ipmi-sensors`'
    /// default) or in full (`--non-abbreviated-units`):
    ///
    /// * percentage with nothing else → `"%"`; otherwise `"% "` + the rest;
    /// * base only → its name (`"C"`, `"RPM"`, `"unspecified"`);
    /// * rate → `"<base> <rate>"`, except RPM per minute → `"RPM"`;
    /// * modifier → `"<base> / <mod>"` or `"<base> * <mod>"`, and just the
    ///   base when the modifier unit is unspecified (a vendor bug FreeIPMI
    ///   tolerates).
    ///
    /// Unit codes above 92 (and a rate together with a modifier, which
    /// FreeIPMI refuses) give `None`.
    pub fn freeipmi_string(&self, abbreviated: bool) -> Option<String> {
        let pick = |code: u8| {
            if abbreviated {
                unit_abbreviation(code)
            } else {
                unit_name(code)
            }
        };
        let base = pick(self.base)?;
        let modifier_unit = pick(self.modifier_unit)?;
        if self.modifier != ModifierKind::None && self.rate != RateUnit::None {
            return None;
        }
        let prefix = if self.percentage {
            if self.modifier == ModifierKind::None && self.rate == RateUnit::None && self.base == 0
            {
                return Some("%".to_string());
            }
            "% "
        } else {
            ""
        };
        let rest = if self.rate != RateUnit::None {
            if self.base == UNIT_RPM && self.rate == RateUnit::PerMinute {
                base.to_string()
            } else {
                format!("{base} {}", self.rate.name())
            }
        } else {
            match self.modifier {
                ModifierKind::None => base.to_string(),
                _ if self.modifier_unit == 0 => base.to_string(),
                ModifierKind::Divide => format!("{base} / {modifier_unit}"),
                ModifierKind::Multiply | ModifierKind::Reserved => {
                    format!("{base} * {modifier_unit}")
                }
            }
        };
        Some(format!("{prefix}{rest}"))
    }

    /// The abbreviated FreeIPMI unit string ([`SensorUnits::freeipmi_string`]).
    pub fn abbreviation(&self) -> Option<String> {
        self.freeipmi_string(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete() {
        assert_eq!(unit_abbreviation(0), Some("unspecified"));
        assert_eq!(unit_abbreviation(1), Some("C"));
        assert_eq!(unit_abbreviation(4), Some("V"));
        assert_eq!(unit_abbreviation(5), Some("A"));
        assert_eq!(unit_abbreviation(6), Some("W"));
        assert_eq!(unit_abbreviation(17), Some("CFM"));
        assert_eq!(unit_abbreviation(18), Some("RPM"));
        assert_eq!(unit_name(92), Some("grams"));
        assert_eq!(unit_name(93), None);
        assert_eq!(unit_name(1), Some("degrees C"));
    }

    #[test]
    fn freeipmi_strings() {
        let s = |u: SensorUnits| u.abbreviation().unwrap();
        assert_eq!(s(SensorUnits::base(UNIT_DEGREES_C)), "C");
        assert_eq!(s(SensorUnits::base(UNIT_RPM)), "RPM");
        assert_eq!(s(SensorUnits::base(0)), "unspecified");
        // FAN Duty of bmc-sim: percentage, base unspecified.
        assert_eq!(s(SensorUnits::percent()), "%");
        let mut u = SensorUnits::percent();
        u.base = UNIT_RPM;
        assert_eq!(s(u), "% RPM");
        // Rates.
        let mut u = SensorUnits::base(UNIT_RPM);
        u.rate = RateUnit::PerMinute;
        assert_eq!(s(u), "RPM");
        let mut u = SensorUnits::base(70);
        u.rate = RateUnit::PerSecond;
        assert_eq!(s(u), "B per s");
        // Modifiers.
        let u = SensorUnits::from_bytes(0x02, UNIT_WATTS, 24);
        assert_eq!(u.modifier, ModifierKind::Divide);
        assert_eq!(s(u), "W / hr");
        let u = SensorUnits::from_bytes(0x04, UNIT_VOLTS, UNIT_AMPS);
        assert_eq!(s(u), "V * A");
        assert_eq!(u.freeipmi_string(false).unwrap(), "Volts * Amps");
        // Modifier set but modifier unit unspecified: the base only.
        assert_eq!(s(SensorUnits::from_bytes(0x02, UNIT_WATTS, 0)), "W");
        // Invalid combinations.
        assert_eq!(SensorUnits::from_bytes(0x1a, 6, 24).abbreviation(), None);
        assert_eq!(SensorUnits::base(200).abbreviation(), None);
    }

    #[test]
    fn bits_round_trip() {
        for units1 in 0..64u8 {
            let u = SensorUnits::from_bytes(units1, 1, 2);
            assert_eq!(u.units1_low_bits(), units1);
        }
    }
}
