//! `ipmi_exporter sensors`: every sensor with its reading, unit, state and
//! thresholds, like FreeIPMI's `ipmi-sensors` (text) or as JSON.
//!
//! Requests: Get SDR Repository Info, the SDR download (one Get SDR per
//! record where the BMC accepts whole-record reads; partial reads
//! otherwise), then one Get Sensor Reading per readable sensor. With
//! `--sdr-cache-dir` the repository is kept in a file named by the BMC's
//! identity and repository timestamps ([`SdrCacheKey`]), so a later run
//! costs Get Device ID and Get SDR Repository Info instead of the download.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use ipmi_proto::client::Client;
use ipmi_proto::commands::app::GetDeviceId;
use ipmi_proto::ops::sdr::{self as sdr_ops, SdrError};

use ipmi_proto::ops::sensors::{read_all_with, FactorsCache, SensorScraper};
use ipmi_proto::sdr::{ReadPolicy, ReaderStats, SdrCacheKey, SdrReader, SdrRepository};
use ipmi_proto::sensor::{Interpreter, ReadOptions, SensorReport};
use serde::Serialize;

use super::{CliError, ConnectArgs, Format};

/// Arguments of `sensors`.
#[derive(Debug, Args)]
pub struct SensorsArgs {
    /// Connection flags.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Keep the SDR repository in this directory (one `ipmitool sdr dump`
    /// file per BMC model, firmware and repository timestamps) and reuse it
    /// while the BMC's repository timestamps are unchanged.
    #[arg(long)]
    pub sdr_cache_dir: Option<PathBuf>,
    /// File with sensor state interpretation rules in FreeIPMI's
    /// `freeipmi_interpret_sensor.conf` syntax, applied over the defaults.
    #[arg(long)]
    pub interpret_rules: Option<PathBuf>,
    /// Print the number of requests sent to stderr.
    #[arg(long)]
    pub stats: bool,
    /// Read all sensors this many times in one session, revalidating the
    /// SDR with one Get SDR Repository Info each time (what a long-lived
    /// exporter does per scrape); the output is the last round's.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub repeat: u32,
    /// FreeIPMI reading workarounds, comma-separated:
    /// ignorescanningdisabled, discretereading, assumebmcowner.
    #[arg(long, short = 'W', value_delimiter = ',')]
    pub workaround_flags: Vec<String>,
}

fn read_options(flags: &[String]) -> Result<ReadOptions, CliError> {
    let mut o = ReadOptions::default();
    for f in flags {
        match f.as_str() {
            "ignorescanningdisabled" => o.ignore_scanning_disabled = true,
            "discretereading" => o.discrete_reading = true,
            "assumebmcowner" => o.assume_bmc_owner = true,
            other => {
                return Err(CliError::InvalidArgument(format!(
                    "unknown workaround flag {other:?} (ignorescanningdisabled, \
                     discretereading, assumebmcowner)"
                )))
            }
        }
    }
    Ok(o)
}

/// One sensor in `--format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensorJson {
    /// SDR record ID (ipmi_exporter's `id` label).
    pub record_id: u16,
    /// Sensor number.
    pub sensor_number: u8,
    /// Owner LUN.
    pub lun: u8,
    /// Owner ID (slave address, 20h for the BMC).
    pub owner_id: u8,
    /// Sensor name; shared sensors carry their instance ("DIMM 3").
    pub name: String,
    /// FreeIPMI's sensor type name ("Temperature", "Power Supply").
    pub sensor_type: &'static str,
    /// Sensor type code.
    pub sensor_type_code: u8,
    /// Event/reading type code.
    pub event_reading_type: u8,
    /// Entity ID.
    pub entity_id: u8,
    /// Entity instance.
    pub entity_instance: u8,
    /// Unit as FreeIPMI abbreviates it ("C", "V", "RPM", "%", "W"); null
    /// for discrete sensors.
    pub unit: Option<String>,
    /// The converted reading; null when unavailable or discrete.
    pub reading: Option<f64>,
    /// The raw reading byte.
    pub raw: Option<u8>,
    /// "Nominal", "Warning", "Critical", or null (FreeIPMI's N/A).
    pub state: Option<&'static str>,
    /// The readable thresholds: `lnr`, `lc`, `lnc`, `unc`, `uc`, `unr`.
    pub thresholds: BTreeMap<&'static str, f64>,
    /// Crossed thresholds or asserted states, by name.
    pub asserted: Vec<String>,
    /// The state bits behind `state` (FreeIPMI's event bitmask).
    pub event_bitmask: Option<u16>,
    /// Why there is no reading, if there is none.
    pub unavailable: Option<String>,
}

impl From<&SensorReport> for SensorJson {
    fn from(r: &SensorReport) -> Self {
        Self {
            record_id: r.record_id,
            sensor_number: r.sensor_number,
            lun: r.lun,
            owner_id: r.owner_id,
            name: r.name.clone(),
            sensor_type: r.sensor_type_name,
            sensor_type_code: r.sensor_type,
            event_reading_type: r.event_reading_type,
            entity_id: r.entity_id,
            entity_instance: r.entity_instance,
            unit: r.unit.clone(),
            reading: r.reading,
            raw: r.raw,
            state: r.state.map(|s| s.name()),
            thresholds: r.thresholds.iter().map(|(t, v)| (t.key(), *v)).collect(),
            asserted: r.asserted.clone(),
            event_bitmask: r.event_bitmask,
            unavailable: r
                .unavailable
                .map(|u| u.to_string())
                .or_else(|| r.error.map(|e| e.to_string())),
        }
    }
}

/// The text table: FreeIPMI `ipmi-sensors --output-sensor-state` columns.
pub fn render_text(reports: &[SensorReport]) -> String {
    let rows: Vec<[String; 7]> = reports
        .iter()
        .map(|r| {
            [
                r.record_id.to_string(),
                r.name.clone(),
                r.sensor_type_name.to_string(),
                r.state.map_or("N/A", |s| s.name()).to_string(),
                r.reading
                    .map_or_else(|| "N/A".to_string(), |v| format!("{v:.2}")),
                r.unit.clone().unwrap_or_else(|| "N/A".to_string()),
                r.event_text(),
            ]
        })
        .collect();
    let header = ["ID", "Name", "Type", "State", "Reading", "Units", "Event"];
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 7]| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                let pad = w.saturating_sub(cell.chars().count());
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
                out.push_str(" | ");
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(header);
    for row in &rows {
        out.push_str(&line([
            &row[0], &row[1], &row[2], &row[3], &row[4], &row[5], &row[6],
        ]));
    }
    out
}

fn sdr_error(connect: &ConnectArgs, e: SdrError) -> CliError {
    match e {
        SdrError::Transport(source) => connect.ipmi_error(source),
        SdrError::Request {
            source, record_id, ..
        } if record_id.is_none() => connect.ipmi_error(source),
        other => CliError::Io {
            context: format!("{}: reading the SDR repository", connect.target),
            source: std::io::Error::other(other),
        },
    }
}

/// Reads the SDR through the cache directory: reuse the dump of the same
/// BMC model, firmware and repository timestamps, or download and store it.
async fn cached_repository(
    client: &Client,
    dir: &Path,
) -> Result<(SdrRepository, Option<ReaderStats>), SdrError> {
    let device = client.execute(&GetDeviceId).await?;
    let Some(info) = sdr_ops::repository_info(client).await? else {
        let (repo, stats) =
            sdr_ops::run_reader(client, SdrReader::new(ReadPolicy::default())).await?;
        return Ok((repo, Some(stats)));
    };
    let path = dir.join(SdrCacheKey::new(&device, &info).file_name());
    if let Ok(bytes) = std::fs::read(&path) {
        if let Ok(repo) = SdrRepository::from_dump(Some(info), &bytes) {
            tracing::debug!(path = %path.display(), "SDR cache hit");
            return Ok((repo, None));
        }
    }
    let (repo, stats) =
        sdr_ops::run_reader(client, SdrReader::with_info(info, ReadPolicy::default())).await?;
    if let Err(e) =
        std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, repo.to_dump()))
    {
        tracing::warn!(path = %path.display(), error = %e, "cannot write the SDR cache");
    }
    Ok((repo, Some(stats)))
}

/// Runs `sensors`.
///
/// # Errors
/// Connection and command failures as [`CliError`].
pub async fn run(args: SensorsArgs) -> Result<(), CliError> {
    let mut interpreter = Interpreter::default();
    if let Some(path) = &args.interpret_rules {
        let text = std::fs::read_to_string(path).map_err(|source| CliError::ReadFile {
            path: path.clone(),
            source,
        })?;
        interpreter = interpreter
            .with_rules(&text)
            .map_err(|e| CliError::InvalidArgument(format!("{}: {e}", path.display())))?;
    }
    let options = read_options(&args.workaround_flags)?;
    let client = args.connect.connect().await?;
    let result = async {
        let (repo, sdr_stats) = match &args.sdr_cache_dir {
            Some(dir) => cached_repository(&client, dir).await?,
            None => {
                let (repo, stats) =
                    sdr_ops::run_reader(&client, SdrReader::new(ReadPolicy::default())).await?;
                (repo, Some(stats))
            }
        };
        let policy = repo.policy();
        let repo = Arc::new(repo);
        let mut factors = FactorsCache::default();
        let mut reports =
            read_all_with(&client, &repo, &mut factors, &interpreter, &options).await?;
        let mut scraper = SensorScraper {
            repository: Some(repo),
            factors,
            options,
        };
        for round in 2..=args.repeat {
            let before = client.stats().await.requests;
            reports = scraper.scrape(&client, &interpreter).await?;
            if args.stats {
                eprintln!(
                    "round {round}: {} requests (1 Get SDR Repository Info + readings)",
                    client.stats().await.requests - before
                );
            }
        }
        Ok::<_, SdrError>((reports, sdr_stats, policy))
    }
    .await;
    let stats = client.stats().await;
    client.close().await;
    let (reports, sdr_stats, policy) = result.map_err(|e| sdr_error(&args.connect, e))?;
    if args.stats {
        eprintln!(
            "requests: {} ({} retransmissions), datagrams sent: {} (session setup included)",
            stats.requests, stats.retries, stats.datagrams_sent
        );
        match sdr_stats {
            Some(s) => eprintln!(
                "SDR: {} requests ({} Get SDR, {} reservations, {} too-long answers), \
                 whole-record reads: {:?}, chunk {} bytes",
                s.requests,
                s.get_sdr,
                s.reservations,
                s.too_long,
                policy.whole_record,
                policy.chunk_size
            ),
            None => eprintln!("SDR: from the cache"),
        }
    }
    let out = match args.format {
        Format::Json => {
            let list: Vec<SensorJson> = reports.iter().map(SensorJson::from).collect();
            let mut text = serde_json::to_string_pretty(&list).map_err(|e| CliError::Io {
                context: "encoding JSON".into(),
                source: e.into(),
            })?;
            text.push('\n');
            text
        }
        Format::Text => render_text(&reports),
    };
    use std::io::Write;
    std::io::stdout()
        .write_all(out.as_bytes())
        .map_err(|source| CliError::Io {
            context: "writing the output".into(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipmi_proto::sdr::{SdrRecord, SensorDef};
    use ipmi_proto::sensor::{evaluate, Unavailable};

    fn def(hex_text: &str) -> SensorDef {
        let bytes: Vec<u8> = hex_text
            .split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect();
        let (h, r) = SdrRecord::parse_raw(&bytes).unwrap();
        SensorDef::from_record(h.record_id, &r).remove(0)
    }

    #[test]
    fn json_and_text_of_a_sensor() {
        let d = def("0c 00 51 01 2f 20 00 32 1d 03 7f 58 04 01 05 30 05 00 03 03 00 12 00 00 78 00 00 00 01 00 00 00 00 00 ff 00 00 00 00 00 05 07 01 01 00 00 00 c4 46 61 6e 33");
        let reading = ipmi_proto::commands::sensor::SensorReading {
            raw: 4,
            event_messages_enabled: true,
            scanning_enabled: true,
            unavailable: false,
            state: Some(0xc3),
            state_high: None,
        };
        let none = |_| None;
        let r = evaluate(&d, Ok(&reading), None, &none, &Interpreter::default());
        let j = serde_json::to_value(SensorJson::from(&r)).unwrap();
        assert_eq!(j["name"], "Fan3");
        assert_eq!(j["sensor_type"], "Fan");
        assert_eq!(j["unit"], "RPM");
        assert_eq!(j["reading"], 480.0);
        assert_eq!(j["state"], "Critical");
        assert_eq!(j["thresholds"]["lc"], 600.0);
        assert_eq!(j["thresholds"]["lnc"], 840.0);
        assert!(j["thresholds"].get("unc").is_none());
        assert_eq!(j["unavailable"], serde_json::Value::Null);
        let u = evaluate(
            &d,
            Err(Unavailable::ScanningDisabled),
            None,
            &none,
            &Interpreter::default(),
        );
        let ju = serde_json::to_value(SensorJson::from(&u)).unwrap();
        assert_eq!(ju["reading"], serde_json::Value::Null);
        assert_eq!(ju["state"], serde_json::Value::Null);
        assert_eq!(ju["unavailable"], "sensor scanning disabled");
        let text = render_text(&[r, u]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("ID | Name | Type | State    | Reading | Units | Event"));
        assert!(lines[1].contains(
            "| Critical | 480.00  | RPM   | 'At or Below (<=) Lower Critical Threshold'"
        ));
        assert!(lines[2].contains("| N/A      | N/A     | RPM   | N/A"));
    }
}
