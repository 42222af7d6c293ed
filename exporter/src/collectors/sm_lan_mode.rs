//! `sm-lan-mode`: Supermicro's LAN interface mode (OEM NetFn 30h, command
//! 70h, data `0C 00`), `ipmi_config_lan_mode`.

use ipmi_proto::client::Client;
use ipmi_proto::NetFn;

use super::CollectError;
use crate::metrics::MetricSet;

pub(super) async fn collect(client: &Client, out: &mut MetricSet) -> Result<(), CollectError> {
    let resp = client
        .request(NetFn::from(0x30), 0x70, 0, vec![0x0c, 0x00])
        .await?;
    if !resp.completion.is_ok() {
        return Err(CollectError::Unsupported(format!(
            "Supermicro LAN mode query answered with completion code {}",
            resp.completion
        )));
    }
    // ipmi-raw prints "rcvd: 70 00 MM": the mode is the one data byte.
    let mode = match resp.data.as_slice() {
        [m @ 0..=2] => *m,
        other => {
            return Err(CollectError::Unsupported(format!(
                "unexpected LAN mode answer {other:02x?}"
            )))
        }
    };
    out.gauge(
        "ipmi_config_lan_mode",
        "Returns configured LAN mode (0=dedicated, 1=shared, 2=failover).",
        &[],
        f64::from(mode),
    );
    Ok(())
}
