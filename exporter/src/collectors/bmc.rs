//! `bmc`: `ipmi_bmc_info`, from Get Device ID and Get System Info Parameters
//! (system firmware version), as FreeIPMI's `bmc-info` reports them.

use ipmi_proto::client::Client;
use ipmi_proto::commands::app::{GetDeviceId, GetSystemInfoParameters, SystemInfoString};
use ipmi_proto::commands::manufacturer_label;

use super::{CollectError, TargetCache};
use crate::metrics::MetricSet;

/// Upstream keeps only digits and dots of the version (`[0-9.]*`).
fn digits_and_dots(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect()
}

/// Reads the system firmware version string (parameter 1), `None` when the
/// BMC does not have it.
async fn system_firmware_version(client: &Client) -> Option<String> {
    let first = client
        .execute(&GetSystemInfoParameters::system_firmware_version(0))
        .await
        .ok()?;
    let mut s = SystemInfoString::from_first_block(&first.data);
    while let Some(set) = s.next_set_selector() {
        match client
            .execute(&GetSystemInfoParameters::system_firmware_version(set))
            .await
        {
            Ok(block) => s.push_block(&block.data),
            Err(_) => break,
        }
    }
    Some(s.to_string_lossy())
}

pub(super) async fn collect(
    client: &Client,
    cache: &mut TargetCache,
    out: &mut MetricSet,
) -> Result<(), CollectError> {
    let id = client.execute(&GetDeviceId).await?;
    // The system firmware version changes only with a BMC reboot, which
    // also ends the session: read it once per session.
    let sfv = match &cache.system_firmware_version {
        Some(v) => v.clone(),
        None => {
            let v = system_firmware_version(client).await;
            cache.system_firmware_version = Some(v.clone());
            v
        }
    };
    // Upstream: "N/A" when bmc-info has no such line, "" when the version
    // does not start with a digit.
    let sfv = sfv.map_or_else(|| "N/A".to_string(), |v| digits_and_dots(&v));
    out.gauge(
        "ipmi_bmc_info",
        "Constant metric with value '1' providing details about the BMC.",
        &[
            ("bmc_url", "N/A"),
            (
                "firmware_revision",
                &digits_and_dots(&id.firmware_revision()),
            ),
            ("manufacturer_id", &manufacturer_label(id.manufacturer_id)),
            ("system_firmware_version", &sfv),
        ],
        1.0,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_keep_digits_and_dots() {
        assert_eq!(super::digits_and_dots("3.88"), "3.88");
        assert_eq!(super::digits_and_dots("2.6.1 (build 7)"), "2.6.1");
        assert_eq!(super::digits_and_dots("v1.2"), "");
    }
}
