//! `ipmi_exporter info`: Get Device ID and the GUIDs, like `ipmitool mc info`
//! and FreeIPMI `bmc-info`.

use clap::Args;
use ipmi_proto::commands::app::{DeviceId, GetDeviceId, GetSystemGuid, Guid};
use serde::Serialize;

use super::{CliError, ConnectArgs, Format};

/// Arguments of `info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Connection flags.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// The JSON form of `info`.
#[derive(Debug, Serialize)]
pub struct InfoJson {
    /// Device ID.
    pub device_id: u8,
    /// Device revision.
    pub device_revision: u8,
    /// Firmware revision, "major.minor".
    pub firmware_revision: String,
    /// IPMI version, "2.0".
    pub ipmi_version: String,
    /// IANA manufacturer ID.
    pub manufacturer_id: u32,
    /// Manufacturer name, when known.
    pub manufacturer_name: Option<&'static str>,
    /// Product ID.
    pub product_id: u16,
    /// System GUID, or null when the BMC does not report one.
    pub guid: Option<String>,
    /// Vendor-specific detailed firmware version, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firmware_version_detailed: Option<String>,
    /// Auxiliary firmware revision bytes, hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aux_firmware_revision: Option<String>,
    /// Additional device support, as names.
    pub additional_device_support: Vec<&'static str>,
}

fn supports(id: &DeviceId) -> Vec<&'static str> {
    let s = id.additional_support;
    [
        (s.sensor_device(), "Sensor Device"),
        (s.sdr_repository(), "SDR Repository Device"),
        (s.sel_device(), "SEL Device"),
        (s.fru_inventory(), "FRU Inventory Device"),
        (s.ipmb_event_receiver(), "IPMB Event Receiver"),
        (s.ipmb_event_generator(), "IPMB Event Generator"),
        (s.bridge(), "Bridge"),
        (s.chassis_device(), "Chassis Device"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect()
}

/// Builds the JSON form from the two responses.
pub fn to_json(id: &DeviceId, guid: Option<&Guid>) -> InfoJson {
    InfoJson {
        device_id: id.device_id,
        device_revision: id.device_revision,
        firmware_revision: id.firmware_revision(),
        ipmi_version: id.ipmi_version_string(),
        manufacturer_id: id.manufacturer_id,
        manufacturer_name: id.manufacturer_name(),
        product_id: id.product_id,
        guid: guid.map(ToString::to_string),
        firmware_version_detailed: id.firmware_version_detailed(),
        aux_firmware_revision: id.aux_firmware.map(hex_bytes),
        additional_device_support: supports(id),
    }
}

fn hex_bytes(b: [u8; 4]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn render_text(info: &InfoJson) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mfg = match info.manufacturer_name {
        Some(name) => format!("{name} ({})", info.manufacturer_id),
        None => info.manufacturer_id.to_string(),
    };
    let rows: Vec<(&str, String)> = vec![
        ("Device ID", info.device_id.to_string()),
        ("Device Revision", info.device_revision.to_string()),
        ("Firmware Revision", info.firmware_revision.clone()),
        ("IPMI Version", info.ipmi_version.clone()),
        ("Manufacturer ID", mfg),
        (
            "Product ID",
            format!("{} ({:#06x})", info.product_id, info.product_id),
        ),
        (
            "System GUID",
            info.guid.clone().unwrap_or_else(|| "N/A".into()),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(out, "{k:<26}: {v}");
    }
    if let Some(v) = &info.firmware_version_detailed {
        let _ = writeln!(out, "{:<26}: {v}", "Firmware Version");
    }
    if let Some(v) = &info.aux_firmware_revision {
        let _ = writeln!(out, "{:<26}: {v}", "Aux Firmware Rev Info");
    }
    let _ = writeln!(out, "Additional Device Support :");
    for s in &info.additional_device_support {
        let _ = writeln!(out, "    {s}");
    }
    out
}

/// Runs `info`.
///
/// # Errors
/// Connection and command failures as [`CliError`].
pub async fn run(args: InfoArgs) -> Result<(), CliError> {
    let client = args.connect.connect().await?;
    let result = async {
        let id = client.execute(&GetDeviceId).await?;
        // Not every BMC implements Get System GUID; report null then.
        let guid = match client.execute(&GetSystemGuid).await {
            Ok(g) => Some(g),
            Err(e) if e.completion_code().is_some() => None,
            Err(e) => return Err(e),
        };
        Ok((id, guid))
    }
    .await;
    client.close().await;
    let (id, guid) = result.map_err(|e| args.connect.ipmi_error(e))?;
    let info = to_json(&id, guid.as_ref());
    match args.format {
        Format::Json => {
            let text = serde_json::to_string_pretty(&info).map_err(|e| CliError::Io {
                context: "encoding JSON".into(),
                source: e.into(),
            })?;
            println!("{text}");
        }
        Format::Text => print!("{}", render_text(&info)),
    }
    Ok(())
}
