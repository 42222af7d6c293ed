//! `ipmi_exporter fru`: FRU inventory devices, printed like `ipmitool fru
//! print` (text) or as JSON.
//!
//! Without `--device` it reads every FRU device the way `ipmitool fru
//! print` finds them ([`discover`]): the built-in FRU device 0 (when Get
//! Device ID lists "FRU Inventory Device"), then each logical FRU device on
//! the BMC that a FRU Device Locator record of the SDR repository names.
//! FRU devices behind other controllers or on private buses (which need
//! bridging or Master Write-Read) are not read. `--device N` (repeatable)
//! reads the given IDs only, without the SDR. Each device costs one Get FRU
//! Inventory Area Info plus one Read FRU Data per 32 bytes its areas use
//! ([`ipmi_proto::ops::fru`]).
//!
//! The text has ipmitool's labels and leaves out empty fields as it does;
//! checksum problems and other tolerated defects follow as "FRU Warning"
//! lines, and Power Supply Information records as "PSU Capacity". The JSON
//! keys of the areas are those of `tests/sim/expected/fru.json`.

use clap::Args;
use ipmi_proto::client::Client;
use ipmi_proto::commands::app::GetDeviceId;
use ipmi_proto::fru::{BoardInfo, ChassisInfo, Fru, FruField, MultiRecord, ProductInfo};
use ipmi_proto::ops::fru::{read_with, FruImage, FruReadOptions};
use ipmi_proto::ops::sdr::read_repository;
use ipmi_proto::sdr::{ReadPolicy, SdrRecord};
use serde::Serialize;

use super::chassis::{emit, print_json};
use super::{CliError, ConnectArgs, Format};

/// Arguments of `fru`.
#[derive(Debug, Args)]
pub struct FruArgs {
    /// Connection flags.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// FRU device ID to read (repeatable; default: FRU 0 and the devices of
    /// the SDR's FRU locator records).
    #[arg(long = "device", short = 'd')]
    pub devices: Vec<u8>,
    /// Read the whole device, not only the bytes its areas use (the JSON
    /// `image_hex` then holds all of it).
    #[arg(long)]
    pub whole: bool,
}

/// Chassis info area in JSON.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ChassisJson {
    /// Chassis type code.
    #[serde(rename = "type")]
    pub chassis_type: u8,
    /// Chassis type name, as FreeIPMI prints it.
    pub type_name: &'static str,
    /// Part number.
    pub part: String,
    /// Serial number.
    pub serial: String,
    /// Custom fields.
    pub custom: Vec<String>,
}

/// Board info area in JSON.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct BoardJson {
    /// Language code.
    pub language: u8,
    /// Manufacturing time, RFC 3339 UTC (null when unspecified).
    pub mfg_time: Option<String>,
    /// Manufacturing time as stored: minutes since 1996-01-01 (0 when
    /// unspecified).
    pub mfg_minutes_since_1996: u32,
    /// Manufacturer.
    pub manufacturer: String,
    /// Product name.
    pub product: String,
    /// Serial number.
    pub serial: String,
    /// Part number.
    pub part: String,
    /// FRU file ID.
    pub file_id: String,
    /// Custom fields.
    pub custom: Vec<String>,
}

/// Product info area in JSON.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ProductJson {
    /// Language code.
    pub language: u8,
    /// Manufacturer.
    pub manufacturer: String,
    /// Product name.
    pub name: String,
    /// Part / model number.
    pub part: String,
    /// Version.
    pub version: String,
    /// Serial number.
    pub serial: String,
    /// Asset tag.
    pub asset_tag: String,
    /// FRU file ID.
    pub file_id: String,
    /// Custom fields.
    pub custom: Vec<String>,
}

/// A MultiRecord record in JSON.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct RecordJson {
    /// Record type ID.
    pub type_id: u8,
    /// Record type name.
    pub type_name: &'static str,
    /// Record data, hex.
    pub data_hex: String,
    /// Overall capacity of a Power Supply Information record, watts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psu_capacity_watts: Option<u16>,
    /// Peak capacity of a Power Supply Information record, watts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psu_peak_watts: Option<u16>,
}

/// One FRU device in JSON.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct DeviceJson {
    /// FRU device ID.
    pub fru_id: u8,
    /// Device name (from the SDR, when known).
    pub name: Option<String>,
    /// Device size in bytes (Get FRU Inventory Area Info).
    pub size: Option<u16>,
    /// The bytes read, hex.
    pub image_hex: Option<String>,
    /// Requests the read took.
    pub requests: Option<u32>,
    /// Chassis info area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chassis: Option<ChassisJson>,
    /// Board info area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub board: Option<BoardJson>,
    /// Product info area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<ProductJson>,
    /// MultiRecord records.
    pub multi_records: Vec<RecordJson>,
    /// Tolerated defects (bad checksums, truncated areas).
    pub warnings: Vec<String>,
    /// Why the device could not be read or parsed.
    pub error: Option<String>,
}

/// The JSON form of `fru`.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct FruJson {
    /// The devices, in the order read.
    pub frus: Vec<DeviceJson>,
}

fn text(f: &FruField) -> String {
    f.as_str().to_string()
}

fn chassis_json(c: &ChassisInfo) -> ChassisJson {
    ChassisJson {
        chassis_type: c.chassis_type.0,
        type_name: c.chassis_type.name(),
        part: text(&c.part_number),
        serial: text(&c.serial_number),
        custom: c.custom.iter().map(text).collect(),
    }
}

fn board_json(b: &BoardInfo) -> BoardJson {
    BoardJson {
        language: b.language,
        mfg_time: b.mfg_time.map(|t| t.to_rfc3339()),
        mfg_minutes_since_1996: b.mfg_time.map_or(0, |t| t.minutes()),
        manufacturer: text(&b.manufacturer),
        product: text(&b.product_name),
        serial: text(&b.serial_number),
        part: text(&b.part_number),
        file_id: text(&b.fru_file_id),
        custom: b.custom.iter().map(text).collect(),
    }
}

fn product_json(p: &ProductInfo) -> ProductJson {
    ProductJson {
        language: p.language,
        manufacturer: text(&p.manufacturer),
        name: text(&p.name),
        part: text(&p.part_number),
        version: text(&p.version),
        serial: text(&p.serial_number),
        asset_tag: text(&p.asset_tag),
        file_id: text(&p.fru_file_id),
        custom: p.custom.iter().map(text).collect(),
    }
}

fn record_json(r: &MultiRecord) -> RecordJson {
    let psu = r.power_supply();
    RecordJson {
        type_id: r.type_id,
        type_name: r.type_name(),
        data_hex: hex_string(&r.data),
        psu_capacity_watts: psu.map(|p| p.overall_capacity_watts),
        psu_peak_watts: psu.map(|p| p.peak_capacity_watts),
    }
}

fn hex_string(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What reading one device gave.
#[derive(Debug)]
pub struct DeviceResult {
    /// FRU device ID.
    pub device_id: u8,
    /// Device name, when known.
    pub name: Option<String>,
    /// The read image, or the error.
    pub image: Result<FruImage, String>,
}

impl DeviceResult {
    /// The parsed FRU, or why there is none.
    pub fn fru(&self) -> Result<Fru, String> {
        match &self.image {
            Ok(img) => img.parse().map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        }
    }

    /// The description ipmitool prints: "Builtin FRU Device (ID 0)" or
    /// "NAME (ID n)".
    pub fn description(&self) -> String {
        match (&self.name, self.device_id) {
            (Some(n), id) => format!("{n} (ID {id})"),
            (None, 0) => "Builtin FRU Device (ID 0)".to_string(),
            (None, id) => format!("FRU Device (ID {id})"),
        }
    }
}

/// Builds the JSON form of one device.
pub fn device_json(d: &DeviceResult) -> DeviceJson {
    let image = d.image.as_ref().ok();
    let mut out = DeviceJson {
        fru_id: d.device_id,
        name: d.name.clone(),
        size: image.map(|i| i.info.size),
        image_hex: image.map(|i| hex_string(&i.data)),
        requests: image.map(|i| i.requests),
        chassis: None,
        board: None,
        product: None,
        multi_records: Vec::new(),
        warnings: Vec::new(),
        error: None,
    };
    match d.fru() {
        Ok(fru) => {
            out.chassis = fru.chassis.as_ref().map(chassis_json);
            out.board = fru.board.as_ref().map(board_json);
            out.product = fru.product.as_ref().map(product_json);
            out.multi_records = fru.multi_records.iter().map(record_json).collect();
            out.warnings = fru.warnings.iter().map(ToString::to_string).collect();
        }
        Err(e) => out.error = Some(e),
    }
    out
}

/// The board manufacturing date as ipmitool prints it: "Mon Feb 12
/// 10:15:00 2024 UTC" (`%a %b %e %H:%M:%S %Y`).
fn ipmitool_date(b: &BoardInfo) -> Option<String> {
    let c = b.mfg_time?.civil();
    Some(format!(
        "{} {} {:>2} {:02}:{:02}:00 {} UTC",
        c.weekday_name(),
        c.month_name(),
        c.day,
        c.hour,
        c.minute,
        c.year
    ))
}

/// Renders one device as `ipmitool fru print` does.
pub fn render_device(d: &DeviceResult) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "FRU Device Description : {}", d.description());
    let fru = match d.fru() {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(out, " Error: {e}");
            let _ = writeln!(out);
            return out;
        }
    };
    let mut line = |k: &str, v: &str| {
        if !v.is_empty() {
            let _ = writeln!(out, " {k:<22}: {v}");
        }
    };
    if let Some(c) = &fru.chassis {
        line("Chassis Type", c.chassis_type.ipmitool_name());
        line("Chassis Part Number", c.part_number.as_str());
        line("Chassis Serial", c.serial_number.as_str());
        for f in &c.custom {
            line("Chassis Extra", f.as_str());
        }
    }
    if let Some(b) = &fru.board {
        if let Some(date) = ipmitool_date(b) {
            line("Board Mfg Date", &date);
        }
        line("Board Mfg", b.manufacturer.as_str());
        line("Board Product", b.product_name.as_str());
        line("Board Serial", b.serial_number.as_str());
        line("Board Part Number", b.part_number.as_str());
        line("Board FRU ID", b.fru_file_id.as_str());
        for f in &b.custom {
            line("Board Extra", f.as_str());
        }
    }
    if let Some(p) = &fru.product {
        line("Product Manufacturer", p.manufacturer.as_str());
        line("Product Name", p.name.as_str());
        line("Product Part Number", p.part_number.as_str());
        line("Product Version", p.version.as_str());
        line("Product Serial", p.serial_number.as_str());
        line("Product Asset Tag", p.asset_tag.as_str());
        line("Product FRU ID", p.fru_file_id.as_str());
        for f in &p.custom {
            line("Product Extra", f.as_str());
        }
    }
    for r in &fru.multi_records {
        if let Some(psu) = r.power_supply() {
            line(
                "PSU Capacity",
                &format!(
                    "{} W (peak {} W)",
                    psu.overall_capacity_watts, psu.peak_capacity_watts
                ),
            );
        }
    }
    for w in &fru.warnings {
        line("FRU Warning", &w.to_string());
    }
    let _ = writeln!(out);
    out
}

/// The 8-bit address of the BMC on the IPMB (IPMI v2.0 §5.4).
const BMC_ADDRESS: u8 = 0x20;

/// The FRU devices of the BMC, as `ipmitool fru print` finds them: FRU 0
/// ("Builtin FRU Device") unless Get Device ID says the BMC is no FRU
/// inventory device, then the logical FRU devices on the BMC named by FRU
/// Device Locator records (IPMI v2.0 §43.8), in repository order, each ID
/// once. When the SDR repository cannot be read, FRU 0 alone (with a
/// warning in the log).
pub async fn discover(client: &Client) -> Vec<(u8, Option<String>)> {
    let mut out: Vec<(u8, Option<String>)> = Vec::new();
    let builtin = match client.execute(&GetDeviceId).await {
        Ok(id) => id.additional_support.fru_inventory(),
        Err(_) => true,
    };
    if builtin {
        out.push((0, None));
    }
    match read_repository(client, ReadPolicy::default()).await {
        Ok(repo) => {
            for rec in repo.records() {
                let SdrRecord::FruLocator(l) = &rec.record else {
                    continue;
                };
                let on_bmc = l.access_address & 0xfe == BMC_ADDRESS && l.channel >> 4 == 0;
                let id = l.fru_device_id;
                if l.is_logical() && on_bmc && !out.iter().any(|(known, _)| *known == id) {
                    out.push((id, Some(l.id.text())));
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot read the SDR repository; FRU 0 only"),
    }
    if out.is_empty() {
        out.push((0, None));
    }
    out
}

/// Reads the devices `ids` (errors are kept per device).
pub async fn read_devices(
    client: &Client,
    ids: &[(u8, Option<String>)],
    whole: bool,
) -> Vec<DeviceResult> {
    let options = FruReadOptions {
        whole_device: whole,
        ..FruReadOptions::default()
    };
    let mut out = Vec::with_capacity(ids.len());
    for (id, name) in ids {
        let image = read_with(client, *id, options)
            .await
            .map_err(|e| e.to_string());
        out.push(DeviceResult {
            device_id: *id,
            name: name.clone(),
            image,
        });
    }
    out
}

/// Runs `fru`.
///
/// # Errors
/// Connection failures, and a failure to read every requested device, as
/// [`CliError`]; a device that fails while others succeed is reported in
/// the output.
pub async fn run(args: FruArgs) -> Result<(), CliError> {
    let client = args.connect.connect().await?;
    let ids = if args.devices.is_empty() {
        discover(&client).await
    } else {
        args.devices.iter().map(|id| (*id, None)).collect()
    };
    let results = read_devices(&client, &ids, args.whole).await;
    client.close().await;
    if let Some(err) = results
        .iter()
        .map(|r| r.image.as_ref().err())
        .collect::<Option<Vec<_>>>()
        .and_then(|errs| errs.first().copied())
    {
        // Every device failed: one error line.
        return Err(CliError::InvalidArgument(format!(
            "{}: cannot read FRU device {}: {err}",
            args.connect.target,
            results.first().map_or(0, |r| r.device_id)
        )));
    }
    match args.format {
        Format::Json => print_json(&FruJson {
            frus: results.iter().map(device_json).collect(),
        })?,
        Format::Text => emit(&results.iter().map(render_device).collect::<String>())?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipmi_proto::commands::fru::FruInventoryAreaInfo;

    fn image(data: Vec<u8>) -> FruImage {
        FruImage {
            device_id: 0,
            info: FruInventoryAreaInfo {
                size: 512,
                word_access: false,
            },
            data,
            requests: 7,
            chunk: 32,
        }
    }

    /// tests/sim FRU 0 (tests/sim/expected/fru.json).
    const DELL_FRU0: &str =
        include_str!("../../../ipmi-proto/tests/fixtures/fru/dell-r650-fru0.hex");

    fn fixture(text: &str) -> Vec<u8> {
        let hex: String = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::chars)
            .filter(char::is_ascii_hexdigit)
            .collect();
        (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn text_like_ipmitool() {
        let d = DeviceResult {
            device_id: 0,
            name: None,
            image: Ok(image(fixture(DELL_FRU0))),
        };
        // tests/sim/expected/ipmitool-fru-print.txt, first device.
        let expected = "FRU Device Description : Builtin FRU Device (ID 0)\n \
Chassis Type          : Rack Mount Chassis\n \
Chassis Part Number   : 0PWR650CHS\n \
Chassis Serial        : 7SIM0A1\n \
Chassis Extra         : R650-SIM\n \
Board Mfg Date        : Mon Feb 12 10:15:00 2024 UTC\n \
Board Mfg             : Dell Inc.\n \
Board Product         : PowerEdge R650\n \
Board Serial          : CNFCP0042G0123\n \
Board Part Number     : 0NJ5D1\n \
Board Extra           : A00\n \
Product Manufacturer  : Dell Inc.\n \
Product Name          : PowerEdge R650\n \
Product Version       : 01\n \
Product Serial        : 7SIM0A1\n \
Product Asset Tag     : IPMI-NATIVE-0001\n\n";
        assert_eq!(render_device(&d), expected);
        let j = serde_json::to_value(device_json(&d)).unwrap();
        assert_eq!(j["board"]["mfg_time"], "2024-02-12T10:15:00Z");
        assert_eq!(j["board"]["mfg_minutes_since_1996"], 14_787_975);
        assert_eq!(j["chassis"]["type"], 23);
        assert_eq!(j["chassis"]["type_name"], "Rack Mount Chassis");
        assert_eq!(j["product"]["asset_tag"], "IPMI-NATIVE-0001");
        assert_eq!(j["requests"], 7);
        assert!(j["error"].is_null());
    }

    #[test]
    fn errors_and_warnings() {
        let mut data = fixture(DELL_FRU0);
        data[7] ^= 1;
        let d = DeviceResult {
            device_id: 3,
            name: Some("PS1".into()),
            image: Ok(image(data)),
        };
        let text = render_device(&d);
        assert!(text.starts_with("FRU Device Description : PS1 (ID 3)\n"));
        assert!(text.contains(" FRU Warning           : common header checksum mismatch\n"));
        let blank = DeviceResult {
            device_id: 1,
            name: None,
            image: Ok(image(vec![0; 16])),
        };
        assert!(render_device(&blank).contains(" Error: FRU device is blank"));
        assert_eq!(
            device_json(&blank).error.as_deref(),
            Some("FRU device is blank (common header all 00h or FFh)")
        );
        let failed = DeviceResult {
            device_id: 2,
            name: None,
            image: Err("BMC answered CBh".into()),
        };
        assert_eq!(failed.description(), "FRU Device (ID 2)");
        assert!(device_json(&failed).size.is_none());
    }
}
