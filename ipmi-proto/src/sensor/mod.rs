//! Sensors, sans-IO: converting readings, naming units, types and states,
//! and interpreting states the way FreeIPMI does (IPMI v2.0 §35, §36,
//! §42, §43).
//!
//! * [`conversion`] — raw → value: analog formats, M/B/exponents, the
//!   linearization functions, tolerance and accuracy (§36.3).
//! * [`units`] — unit codes and FreeIPMI's unit strings ("C", "RPM", "%").
//! * [`types`] — sensor type names and event/reading type classes.
//! * [`events`] — names of threshold crossings and discrete states.
//! * [`interpret`] — Nominal/Warning/Critical from FreeIPMI's default
//!   table (data), with user overrides.
//! * [`reading`] — a Get Sensor Reading answer evaluated against a
//!   [`SensorDef`](crate::sdr::SensorDef): a [`SensorReport`].
//!
//! The async "read every sensor" operation is [`crate::ops::sensors`].

pub mod conversion;
pub mod events;
pub mod interpret;
pub mod reading;
pub mod types;
pub mod units;

pub use conversion::{AnalogFormat, Conversion, ConversionFactors, Linearization};
pub use events::Threshold;
pub use interpret::{Interpreter, RuleError};
pub use reading::{
    classify_response, classify_response_with, describe, evaluate, evaluate_with, read_target,
    read_target_with, ReadOptions, ReadingError, SensorReport, Unavailable,
};
pub use units::SensorUnits;

/// A sensor's health as FreeIPMI interprets it (ipmi_exporter's
/// `ipmi_sensor_state`: 0, 1, 2). Ordered: Nominal < Warning < Critical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SensorState {
    /// Everything is fine.
    Nominal,
    /// Attention needed.
    Warning,
    /// Broken or out of range.
    Critical,
}

impl SensorState {
    /// "Nominal", "Warning" or "Critical", as FreeIPMI prints it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Nominal => "Nominal",
            Self::Warning => "Warning",
            Self::Critical => "Critical",
        }
    }

    /// ipmi_exporter's value: 0, 1 or 2.
    pub fn value(self) -> u8 {
        match self {
            Self::Nominal => 0,
            Self::Warning => 1,
            Self::Critical => 2,
        }
    }
}

impl std::fmt::Display for SensorState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
