//! `ipmi_exporter sel`: the System Event Log, like `ipmitool sel elist`
//! (text) or as JSON records; `--info` prints Get SEL Info (and Get SEL
//! Allocation Info) like `ipmi-sel --info`.

use clap::Args;
use ipmi_proto::commands::sel::{SelAllocationInfo, SelInfo};
use ipmi_proto::ops::sel::{read_all, read_allocation_info, read_info, SelError, SelLog};
use ipmi_proto::sel::{CivilTime, NoSensors, SelRecord, SelRecordBody, SelTimestamp};
use serde::Serialize;

use super::{CliError, ConnectArgs, Format};

/// Arguments of `sel`.
#[derive(Debug, Args)]
pub struct SelArgs {
    /// Connection flags.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Print the SEL information (entries, free space, timestamps, flags)
    /// instead of the entries.
    #[arg(long)]
    pub info: bool,
}

/// The FreeIPMI (`ipmi-sel`) columns of a record, in JSON.
#[derive(Debug, Serialize)]
pub struct FreeIpmiJson {
    /// Date column ("May-14-2024", "PostInit", "N/A").
    pub date: String,
    /// Time column.
    pub time: String,
    /// Sensor name column.
    pub name: String,
    /// Sensor type column.
    #[serde(rename = "type")]
    pub sensor_type: String,
    /// Event state ("Nominal", "Warning", "Critical", "N/A").
    pub state: &'static str,
    /// Event column.
    pub event: String,
}

/// One SEL record in JSON.
#[derive(Debug, Serialize)]
pub struct RecordJson {
    /// Record ID.
    pub record_id: u16,
    /// Record type (2 = system event, 192–223 OEM timestamped, 224–255
    /// OEM non-timestamped).
    pub record_type: u8,
    /// Unix seconds, null when unspecified, pre-init or not timestamped.
    pub timestamp: Option<u32>,
    /// The raw timestamp field, null for OEM non-timestamped records.
    pub timestamp_raw: Option<u32>,
    /// `true` when the timestamp counts from BMC initialisation.
    pub pre_init: bool,
    /// The timestamp as RFC 3339 UTC, when it is absolute.
    pub timestamp_utc: Option<String>,
    /// Sensor type code (system events).
    pub sensor_type: Option<u8>,
    /// Sensor type name (ipmitool spelling).
    pub sensor_type_name: Option<&'static str>,
    /// Sensor number (system events).
    pub sensor_number: Option<u8>,
    /// Event/reading type code (system events).
    pub event_type: Option<u8>,
    /// "assertion" or "deassertion" (system events).
    pub event_direction: Option<&'static str>,
    /// Event data 1–3, hex (system events).
    pub event_data: Option<String>,
    /// Generator ID byte 1 (slave address or software ID with bit 0 set).
    pub generator_id: Option<u8>,
    /// `true` for a record of an undefined type decoded as a system event.
    pub assumed_system_event: bool,
    /// Manufacturer ID of OEM timestamped records.
    pub manufacturer_id: Option<u32>,
    /// Description in the style of `ipmitool sel elist`.
    pub description: String,
    /// What `ipmi-sel` prints for the record.
    pub freeipmi: FreeIpmiJson,
    /// The 16 bytes, hex.
    pub raw: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The JSON form of one record (no SDR: sensors by number).
pub fn record_json(r: &SelRecord) -> RecordJson {
    let ts = r.timestamp();
    let event = r.event();
    let line = r.freeipmi(&NoSensors);
    let state = line.state_str();
    RecordJson {
        record_id: r.record_id,
        record_type: r.record_type,
        timestamp: ts.and_then(SelTimestamp::unix_seconds),
        timestamp_raw: ts.map(|t| t.0),
        pre_init: ts.is_some_and(SelTimestamp::is_pre_init),
        timestamp_utc: ts
            .and_then(SelTimestamp::unix_seconds)
            .map(|s| CivilTime::from_unix(i64::from(s)).rfc3339()),
        sensor_type: event.map(|e| e.sensor_type),
        sensor_type_name: event
            .map(|e| ipmi_proto::sel::tables::ipmitool_sensor_type_name(e.sensor_type)),
        sensor_number: event.map(|e| e.sensor_number),
        event_type: event.map(|e| e.event_type),
        event_direction: event.map(|e| match e.direction {
            ipmi_proto::sel::EventDirection::Assertion => "assertion",
            ipmi_proto::sel::EventDirection::Deassertion => "deassertion",
        }),
        event_data: event.map(|e| hex(&e.event_data)),
        generator_id: event.map(|e| e.generator.owner),
        assumed_system_event: r.is_assumed_system_event(),
        manufacturer_id: match r.body {
            SelRecordBody::OemTimestamped {
                manufacturer_id, ..
            } => Some(manufacturer_id),
            _ => None,
        },
        description: r.ipmitool_description(&NoSensors),
        freeipmi: FreeIpmiJson {
            date: line.date,
            time: line.time,
            name: line.name,
            sensor_type: line.sensor_type,
            state,
            event: line.event,
        },
        raw: hex(&r.raw()),
    }
}

/// The JSON form of `sel --info`.
#[derive(Debug, Serialize)]
pub struct InfoJson {
    /// SEL version ("1.5").
    pub version: String,
    /// Number of log entries.
    pub entries: u16,
    /// Free space in bytes.
    pub free_space_bytes: u16,
    /// Most recent addition, Unix seconds (null when unspecified/pre-init).
    pub last_add: Option<u32>,
    /// Most recent erase, Unix seconds (null when unspecified/pre-init).
    pub last_erase: Option<u32>,
    /// Raw most recent addition timestamp.
    pub last_add_raw: u32,
    /// Raw most recent erase timestamp.
    pub last_erase_raw: u32,
    /// Events were dropped for lack of space.
    pub overflow: bool,
    /// Delete SEL Entry supported.
    pub delete_supported: bool,
    /// Partial Add SEL Entry supported.
    pub partial_add_supported: bool,
    /// Reserve SEL supported.
    pub reserve_supported: bool,
    /// Get SEL Allocation Info supported.
    pub allocation_info_supported: bool,
    /// Get SEL Allocation Info, when supported.
    pub allocation: Option<AllocationJson>,
}

/// Get SEL Allocation Info in JSON.
#[derive(Debug, Serialize)]
pub struct AllocationJson {
    /// Number of possible allocation units.
    pub possible_units: u16,
    /// Allocation unit size in bytes.
    pub unit_size: u16,
    /// Free allocation units.
    pub free_units: u16,
    /// Largest free block in units.
    pub largest_free_block: u16,
    /// Maximum record size in units.
    pub max_record_size: u8,
}

fn info_json(info: &SelInfo, alloc: Option<&SelAllocationInfo>) -> InfoJson {
    InfoJson {
        version: info.version_string(),
        entries: info.entries,
        free_space_bytes: info.free_space,
        last_add: info.last_add.unix_seconds(),
        last_erase: info.last_erase.unix_seconds(),
        last_add_raw: info.last_add.0,
        last_erase_raw: info.last_erase.0,
        overflow: info.support.overflow(),
        delete_supported: info.support.delete(),
        partial_add_supported: info.support.partial_add(),
        reserve_supported: info.support.reserve(),
        allocation_info_supported: info.support.allocation_info(),
        allocation: alloc.map(|a| AllocationJson {
            possible_units: a.possible_units,
            unit_size: a.unit_size,
            free_units: a.free_units,
            largest_free_block: a.largest_free_block,
            max_record_size: a.max_record_size,
        }),
    }
}

fn freeipmi_time(t: SelTimestamp) -> String {
    match t.unix_seconds() {
        Some(s) => CivilTime::from_unix(i64::from(s)).freeipmi_info(),
        None if t.is_unspecified() => "None".to_string(),
        None => format!("PostInit ({} s)", t.0),
    }
}

/// `ipmi-sel --info` style text.
pub fn render_info(info: &SelInfo, alloc: Option<&SelAllocationInfo>) -> String {
    let yes = |b: bool| if b { "supported" } else { "unsupported" };
    let mut rows: Vec<(&str, String)> = vec![
        ("SEL version", info.version_string()),
        ("Number of log entries", info.entries.to_string()),
        ("Free space remaining", format!("{} bytes", info.free_space)),
        ("Recent addition timestamp", freeipmi_time(info.last_add)),
        ("Recent erase timestamp", freeipmi_time(info.last_erase)),
        (
            "Get SEL Allocation Information Command",
            yes(info.support.allocation_info()).into(),
        ),
        ("Reserve SEL Command", yes(info.support.reserve()).into()),
        (
            "Partial Add SEL Entry Command",
            yes(info.support.partial_add()).into(),
        ),
        ("Delete SEL Command", yes(info.support.delete()).into()),
        (
            "Events dropped due to lack of space",
            if info.support.overflow() { "Yes" } else { "No" }.into(),
        ),
    ];
    if let Some(a) = alloc {
        rows.extend([
            (
                "Number of possible allocation units",
                a.possible_units.to_string(),
            ),
            ("Allocation unit size", format!("{} bytes", a.unit_size)),
            ("Number of free allocation units", a.free_units.to_string()),
            (
                "Largest free block",
                format!("{} allocation units", a.largest_free_block),
            ),
            (
                "Maximum record size",
                format!("{} allocation units", a.max_record_size),
            ),
        ]);
    }
    rows.iter()
        .map(|(k, v)| format!("{k:<38} : {v}\n"))
        .collect()
}

/// `ipmitool sel elist` style text, one line per record.
pub fn render_elist(records: &[SelRecord]) -> String {
    records
        .iter()
        .map(|r| format!("{}\n", r.ipmitool_elist_line(&NoSensors)))
        .collect()
}

fn to_json_text<T: Serialize>(v: &T) -> Result<String, CliError> {
    serde_json::to_string_pretty(v).map_err(|e| CliError::Io {
        context: "encoding JSON".into(),
        source: e.into(),
    })
}

fn sel_error(connect: &ConnectArgs, e: SelError) -> CliError {
    match e {
        SelError::Ipmi(source) => connect.ipmi_error(source),
        other => CliError::InvalidArgument(format!("{}: {other}", connect.target)),
    }
}

/// Runs `sel`.
///
/// # Errors
/// Connection and command failures as [`CliError`].
pub async fn run(args: SelArgs) -> Result<(), CliError> {
    let client = args.connect.connect().await?;
    if args.info {
        let result = async {
            let info = read_info(&client).await?;
            let alloc = if info.support.allocation_info() {
                match read_allocation_info(&client).await {
                    Ok(a) => Some(a),
                    Err(e) if e.completion_code().is_some() => None,
                    Err(e) => return Err(e),
                }
            } else {
                None
            };
            Ok((info, alloc))
        }
        .await;
        client.close().await;
        let (info, alloc) = result.map_err(|e| args.connect.ipmi_error(e))?;
        match args.format {
            Format::Json => println!("{}", to_json_text(&info_json(&info, alloc.as_ref()))?),
            Format::Text => print!("{}", render_info(&info, alloc.as_ref())),
        }
        return Ok(());
    }
    let result = read_all(&client).await;
    client.close().await;
    let SelLog { records, stats, .. } = result.map_err(|e| sel_error(&args.connect, e))?;
    tracing::debug!(?stats, "SEL read");
    match args.format {
        Format::Json => {
            let json: Vec<RecordJson> = records.iter().map(record_json).collect();
            println!("{}", to_json_text(&json)?);
        }
        Format::Text => print!("{}", render_elist(&records)),
    }
    Ok(())
}
