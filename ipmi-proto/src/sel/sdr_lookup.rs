//! SEL descriptions with SDR knowledge: sensor names and reading
//! conversions from a downloaded [`SdrRepository`] (IPMI v2.0 §43, §36.3).

use crate::sdr::{SdrRepository, SensorDef, SensorKind};

use super::describe::{SensorLookup, SensorReading};
use super::GeneratorId;

/// The sensor an event came from: same owner (slave address or software
/// ID), LUN and sensor number.
fn find(repo: &SdrRepository, generator: GeneratorId, number: u8) -> Option<&SensorDef> {
    repo.sensors().iter().find(|d| {
        d.number == number && d.owner.owner_id == generator.owner && d.owner.lun == generator.lun
    })
}

/// ipmitool's long unit names for the common units.
fn ipmitool_unit(abbreviation: &str) -> String {
    match abbreviation {
        "C" => "degrees C".into(),
        "F" => "degrees F".into(),
        "V" => "Volts".into(),
        "A" => "Amps".into(),
        "W" => "Watts".into(),
        other => other.to_string(),
    }
}

impl SensorLookup for SdrRepository {
    fn sensor_name(&self, generator: GeneratorId, sensor_number: u8) -> Option<String> {
        find(self, generator, sensor_number).map(|d| d.name.clone())
    }

    fn reading(&self, generator: GeneratorId, sensor_number: u8, raw: u8) -> Option<SensorReading> {
        let def = find(self, generator, sensor_number)?;
        if def.kind() != SensorKind::Threshold {
            return None;
        }
        let value = def.conversion.as_ref()?.convert(raw)?;
        let unit = def.unit_string()?;
        Some(SensorReading {
            value,
            ipmitool_unit: ipmitool_unit(&unit),
            unit,
        })
    }
}
