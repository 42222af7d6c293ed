//! `fru` (new, opt-in; requested in upstream #127): `ipmi_fru_info`, one
//! constant series per FRU device with the chassis, board and product
//! identity as labels. FRU devices are FRU 0 and the logical devices on the
//! BMC named by the SDR's FRU Device Locator records (IPMI v2.0 §43.8),
//! like `ipmitool fru print`. The inventory is read once per session.

use ipmi_proto::client::Client;
use ipmi_proto::fru::Fru;
use ipmi_proto::ops::fru::read;
use ipmi_proto::sdr::SdrRecord;

use super::sensor::{ensure_repository, SensorCache};
use super::CollectError;
use crate::metrics::MetricSet;

/// The BMC's IPMB address.
const BMC_ADDRESS: u8 = 0x20;

/// The label sets, one per device, read once per session.
pub(crate) type FruLabels = Vec<Vec<(&'static str, String)>>;

fn labels(id: u8, name: &str, fru: &Fru) -> Vec<(&'static str, String)> {
    let mut l = vec![("id", id.to_string()), ("name", name.to_string())];
    let c = fru.chassis.as_ref();
    l.push((
        "chassis_type",
        c.map_or(String::new(), |c| c.chassis_type.name().to_string()),
    ));
    l.push((
        "chassis_part_number",
        c.map_or(String::new(), |c| c.part_number.as_str().into()),
    ));
    l.push((
        "chassis_serial_number",
        c.map_or(String::new(), |c| c.serial_number.as_str().into()),
    ));
    let b = fru.board.as_ref();
    l.push((
        "board_manufacturer",
        b.map_or(String::new(), |b| b.manufacturer.as_str().into()),
    ));
    l.push((
        "board_product_name",
        b.map_or(String::new(), |b| b.product_name.as_str().into()),
    ));
    l.push((
        "board_serial_number",
        b.map_or(String::new(), |b| b.serial_number.as_str().into()),
    ));
    l.push((
        "board_part_number",
        b.map_or(String::new(), |b| b.part_number.as_str().into()),
    ));
    let p = fru.product.as_ref();
    l.push((
        "product_manufacturer",
        p.map_or(String::new(), |p| p.manufacturer.as_str().into()),
    ));
    l.push((
        "product_name",
        p.map_or(String::new(), |p| p.name.as_str().into()),
    ));
    l.push((
        "product_part_number",
        p.map_or(String::new(), |p| p.part_number.as_str().into()),
    ));
    l.push((
        "product_version",
        p.map_or(String::new(), |p| p.version.as_str().into()),
    ));
    l.push((
        "product_serial_number",
        p.map_or(String::new(), |p| p.serial_number.as_str().into()),
    ));
    l.push((
        "product_asset_tag",
        p.map_or(String::new(), |p| p.asset_tag.as_str().into()),
    ));
    l
}

async fn read_inventory(
    client: &Client,
    sensors: &mut SensorCache,
) -> Result<FruLabels, CollectError> {
    let mut devices: Vec<(u8, String)> = vec![(0, "Builtin FRU Device".into())];
    if ensure_repository(client, sensors).await.is_ok() {
        if let Some(repo) = sensors.repository() {
            for rec in repo.records() {
                let SdrRecord::FruLocator(l) = &rec.record else {
                    continue;
                };
                let on_bmc = l.access_address & 0xfe == BMC_ADDRESS && l.channel >> 4 == 0;
                if l.is_logical() && on_bmc && !devices.iter().any(|(d, _)| *d == l.fru_device_id) {
                    devices.push((l.fru_device_id, l.id.text()));
                }
            }
        }
    }
    let mut out = Vec::new();
    for (id, name) in devices {
        let image = read(client, id).await?;
        match image.parse() {
            Ok(fru) => out.push(labels(id, &name, &fru)),
            Err(e) => tracing::debug!(device = id, error = %e, "FRU device not decodable; skipped"),
        }
    }
    Ok(out)
}

pub(super) async fn collect(
    client: &Client,
    sensors: &mut SensorCache,
    cache: &mut Option<FruLabels>,
    out: &mut MetricSet,
) -> Result<(), CollectError> {
    if cache.is_none() {
        *cache = Some(read_inventory(client, sensors).await?);
    }
    for device in cache.iter().flatten() {
        let l: Vec<(&str, &str)> = device.iter().map(|(k, v)| (*k, v.as_str())).collect();
        out.gauge(
            "ipmi_fru_info",
            "Constant metric with value '1' providing the FRU inventory identity (chassis, board, product) of a FRU device.",
            &l,
            1.0,
        );
    }
    Ok(())
}
