//! `ipmi`: every sensor, as upstream's FreeIPMI mode reports them
//! (`ipmimonitoring --ignore-unrecognized-events --output-sensor-state`,
//! which hides wholly unavailable sensors): one value gauge and one state
//! gauge per sensor, in the family its unit picks, `id` = SDR record ID.
//!
//! The SDR repository is downloaded once per session and revalidated with
//! one Get SDR Repository Info at most every [`REVALIDATE_EVERY`], so a warm
//! scrape sends exactly one Get Sensor Reading per readable sensor.

use std::time::{Duration, Instant};

use ipmi_proto::client::Client;
use ipmi_proto::ops::sdr::{refresh, SdrError};
use ipmi_proto::ops::sensors::{read_sensor_with, FactorsCache};
use ipmi_proto::sdr::SdrRepository;
use ipmi_proto::sensor::{Interpreter, ReadOptions, SensorReport};

use super::CollectError;
use crate::config::ResolvedModule;
use crate::metrics::MetricSet;

/// How often a cached SDR repository is checked against the BMC's
/// addition/erase timestamps.
pub(crate) const REVALIDATE_EVERY: Duration = Duration::from_secs(60);

/// The sensor collector's memory between scrapes.
#[derive(Debug, Default)]
pub(crate) struct SensorCache {
    repo: Option<SdrRepository>,
    /// Record ID → the record's ID string (for shared records, which
    /// FreeIPMI reports once, under the unmodified name).
    base_names: std::collections::HashMap<u16, String>,
    checked: Option<Instant>,
    factors: FactorsCache,
    interpreter: Option<Interpreter>,
    /// Scrapes that reused the cached SDR repository.
    pub(crate) hits: u64,
    /// Scrapes that downloaded it.
    pub(crate) downloads: u64,
}

impl From<SdrError> for CollectError {
    fn from(e: SdrError) -> Self {
        match e {
            SdrError::Transport(e) => Self::Ipmi(e),
            other => Self::Sdr(other),
        }
    }
}

/// The value and state families for a unit (and type, for `%`), with the
/// value's scale. `None`: the generic `ipmi_sensor_*` families.
fn family(
    unit: &str,
    sensor_type: &str,
) -> Option<(&'static str, &'static str, &'static str, &'static str, f64)> {
    Some(match unit {
        "RPM" => (
            "ipmi_fan_speed_rpm",
            "Fan speed in rotations per minute.",
            "ipmi_fan_speed_state",
            "Reported state of a fan speed sensor (0=nominal, 1=warning, 2=critical).",
            1.0,
        ),
        "%" if sensor_type == "Fan" => (
            "ipmi_fan_speed_ratio",
            "Fan speed as a proportion of the maximum speed.",
            "ipmi_fan_speed_state",
            "Reported state of a fan speed sensor (0=nominal, 1=warning, 2=critical).",
            0.01,
        ),
        "C" => (
            "ipmi_temperature_celsius",
            "Temperature reading in degree Celsius.",
            "ipmi_temperature_state",
            "Reported state of a temperature sensor (0=nominal, 1=warning, 2=critical).",
            1.0,
        ),
        "A" => (
            "ipmi_current_amperes",
            "Current reading in Amperes.",
            "ipmi_current_state",
            "Reported state of a current sensor (0=nominal, 1=warning, 2=critical).",
            1.0,
        ),
        "V" => (
            "ipmi_voltage_volts",
            "Voltage reading in Volts.",
            "ipmi_voltage_state",
            "Reported state of a voltage sensor (0=nominal, 1=warning, 2=critical).",
            1.0,
        ),
        "W" => (
            "ipmi_power_watts",
            "Power reading in Watts.",
            "ipmi_power_state",
            "Reported state of a power sensor (0=nominal, 1=warning, 2=critical).",
            1.0,
        ),
        _ => return None,
    })
}

/// What `ipmimonitoring --ignore-not-available-sensors` leaves out: sensors
/// with neither a reading nor a state.
fn hidden(r: &SensorReport) -> bool {
    r.unavailable.is_some() || r.error.is_some() || (r.reading.is_none() && r.state.is_none())
}

fn excluded(r: &SensorReport, module: &ResolvedModule) -> bool {
    module.exclude_sensor_ids.contains(&i64::from(r.record_id))
        || module.exclude_sensor_names.contains(&r.name)
        || module
            .exclude_sensor_types
            .iter()
            .any(|t| t == r.sensor_type_name)
}

/// Adds one sensor's two samples.
pub(crate) fn emit(r: &SensorReport, out: &mut MetricSet) {
    let id = r.record_id.to_string();
    let state = r.state.map_or(f64::NAN, |s| match s {
        ipmi_proto::sensor::SensorState::Nominal => 0.0,
        ipmi_proto::sensor::SensorState::Warning => 1.0,
        ipmi_proto::sensor::SensorState::Critical => 2.0,
    });
    let unit = r.unit.as_deref().unwrap_or("N/A");
    match family(unit, r.sensor_type_name) {
        Some((value_name, value_help, state_name, state_help, scale)) => {
            let labels = [("id", id.as_str()), ("name", r.name.as_str())];
            out.gauge(
                value_name,
                value_help,
                &labels,
                r.reading.map_or(f64::NAN, |v| v * scale),
            );
            out.gauge(state_name, state_help, &labels, state);
        }
        None => {
            let labels = [
                ("id", id.as_str()),
                ("name", r.name.as_str()),
                ("type", r.sensor_type_name),
            ];
            out.gauge(
                "ipmi_sensor_value",
                "Generic data read from an IPMI sensor of unknown type, relying on labels for context.",
                &labels,
                r.reading.unwrap_or(f64::NAN),
            );
            out.gauge(
                "ipmi_sensor_state",
                "Indicates the severity of the state reported by an IPMI sensor (0=nominal, 1=warning, 2=critical).",
                &labels,
                state,
            );
        }
    }
}

/// Makes sure the cached SDR repository is there and current enough
/// (downloaded once, revalidated at most every [`REVALIDATE_EVERY`]).
pub(crate) async fn ensure_repository(
    client: &Client,
    cache: &mut SensorCache,
) -> Result<(), CollectError> {
    let due = cache
        .checked
        .is_none_or(|t| t.elapsed() >= REVALIDATE_EVERY);
    if cache.repo.is_none() || due {
        match refresh(client, cache.repo.as_ref()).await? {
            Some(fresh) => {
                cache.base_names = fresh
                    .records()
                    .iter()
                    .map(|r| (r.record_id, r.record.name()))
                    .collect();
                cache.repo = Some(fresh);
                cache.factors = FactorsCache::default();
                cache.downloads = cache.downloads.saturating_add(1);
            }
            None => cache.hits = cache.hits.saturating_add(1),
        }
        cache.checked = Some(Instant::now());
    } else {
        cache.hits = cache.hits.saturating_add(1);
    }
    Ok(())
}

impl SensorCache {
    /// The cached SDR repository, if downloaded.
    pub(crate) fn repository(&self) -> Option<&SdrRepository> {
        self.repo.as_ref()
    }
}

pub(super) async fn collect(
    client: &Client,
    module: &ResolvedModule,
    cache: &mut SensorCache,
    out: &mut MetricSet,
) -> Result<(), CollectError> {
    ensure_repository(client, cache).await?;
    let interpreter = cache
        .interpreter
        .get_or_insert_with(Interpreter::freeipmi_defaults);
    let Some(repo) = &cache.repo else {
        return Err(CollectError::Unsupported("no SDR repository".into()));
    };
    // FreeIPMI's reading workarounds, from workaround_flags / -W.
    let options = ReadOptions {
        ignore_scanning_disabled: module.workarounds.ignore_scanning_disabled,
        discrete_reading: module.workarounds.discrete_reading,
        assume_bmc_owner: module.workarounds.assume_bmc_owner,
    };
    for def in repo.sensors() {
        // FreeIPMI (without --shared-sensors) reports a shared record once:
        // its first sensor, under the record's own name.
        let shared = def.share_count > 1 && !module.args.shared_sensors;
        if shared && def.share_index > 0 {
            continue;
        }
        let mut report =
            read_sensor_with(client, def, &mut cache.factors, interpreter, &options).await?;
        if shared {
            if let Some(base) = cache.base_names.get(&def.record_id) {
                report.name.clone_from(base);
            }
        }
        if hidden(&report) || excluded(&report, module) {
            continue;
        }
        emit(&report, out);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_families() {
        assert_eq!(
            family("RPM", "Fan").map(|f| f.0),
            Some("ipmi_fan_speed_rpm")
        );
        assert_eq!(
            family("%", "Fan").map(|f| (f.0, f.4)),
            Some(("ipmi_fan_speed_ratio", 0.01))
        );
        assert_eq!(family("%", "Processor"), None);
        assert_eq!(
            family("C", "Temperature").map(|f| f.2),
            Some("ipmi_temperature_state")
        );
        assert_eq!(family("F", "Temperature"), None);
        assert_eq!(family("N/A", "Power Supply"), None);
    }
}
