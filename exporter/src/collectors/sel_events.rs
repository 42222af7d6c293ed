//! `sel-events`: SEL entries counted by FreeIPMI event state and by the
//! module's named regexes (`sel_events`), with the latest matching
//! timestamp — upstream's `ipmi-sel` based collector. The SEL is read
//! incrementally: a scrape reads only the entries added since the last one
//! (one Get SEL Info when nothing changed).

use ipmi_proto::client::Client;
use ipmi_proto::ops::sel::{SelError, SelReader};
use ipmi_proto::sel::describe::NoSensors;
use ipmi_proto::sel::describe::SensorLookup;

use super::sensor::{ensure_repository, SensorCache};
use super::CollectError;
use crate::config::ResolvedModule;
use crate::metrics::MetricSet;

/// One SEL entry as the collector needs it.
#[derive(Debug, Clone)]
struct Entry {
    /// Unix seconds (0 where FreeIPMI's date does not parse: pre-init,
    /// unspecified, OEM records without a timestamp).
    timestamp: f64,
    state: String,
    event: String,
}

/// The collector's memory: the incremental reader and the entries so far.
#[derive(Debug, Default)]
pub(crate) struct SelEventsCache {
    reader: SelReader,
    entries: Vec<Entry>,
}

impl From<SelError> for CollectError {
    fn from(e: SelError) -> Self {
        match e {
            SelError::Ipmi(e) => Self::Ipmi(e),
            // A next-ID loop or a chain that does not end: down, nothing
            // kept (the reader's cursor stays where it was).
            other => Self::Incomplete(other.to_string()),
        }
    }
}

pub(super) async fn collect(
    client: &Client,
    module: &ResolvedModule,
    sensors: &mut SensorCache,
    cache: &mut SelEventsCache,
    out: &mut MetricSet,
) -> Result<(), CollectError> {
    // Names and reading conversions come from the SDR, as ipmi-sel's do;
    // without one the text still has the event, just no sensor names.
    let have_sdr = ensure_repository(client, sensors).await.is_ok();
    let update = cache.reader.read_new(client).await?;
    if update.reset {
        cache.entries.clear();
    }
    let lookup: &dyn SensorLookup = match (have_sdr, sensors.repository()) {
        (true, Some(repo)) => repo,
        _ => &NoSensors,
    };
    for record in &update.records {
        let line = record.freeipmi(lookup);
        // Upstream's line regex has exactly seven comma-separated fields:
        // entries with a comma inside a field are skipped entirely.
        if [
            &line.date,
            &line.time,
            &line.name,
            &line.sensor_type,
            &line.event,
        ]
        .iter()
        .any(|f| f.contains(','))
        {
            continue;
        }
        cache.entries.push(Entry {
            timestamp: line.unix_seconds(record).map_or(0.0, f64::from),
            state: line.state_str().to_string(),
            event: line.event.clone(),
        });
    }
    let mut by_state: std::collections::BTreeMap<&str, f64> = std::collections::BTreeMap::new();
    for e in &cache.entries {
        *by_state.entry(e.state.as_str()).or_insert(0.0) += 1.0;
    }
    for (state, n) in by_state {
        out.gauge(
            "ipmi_sel_events_count_by_state",
            "Current number of log entries in the SEL by state.",
            &[("state", state)],
            n,
        );
    }
    for (name, regex) in &module.sel_events {
        let (mut count, mut latest) = (0.0, 0.0f64);
        for e in cache.entries.iter().filter(|e| regex.is_match(&e.event)) {
            count += 1.0;
            latest = latest.max(e.timestamp);
        }
        out.gauge(
            "ipmi_sel_events_count_by_name",
            "Current number of custom log entries in the SEL by name.",
            &[("name", name)],
            count,
        );
        out.gauge(
            "ipmi_sel_events_latest_timestamp",
            "Latest timestamp of custom log entries in the SEL by name.",
            &[("name", name)],
            latest,
        );
    }
    Ok(())
}
