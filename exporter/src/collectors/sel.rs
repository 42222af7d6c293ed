//! `sel`: SEL entry count and free space (Get SEL Info), as FreeIPMI's
//! `ipmi-sel --info` reports them.

use ipmi_proto::client::Client;
use ipmi_proto::commands::sel::GetSelInfo;

use super::CollectError;
use crate::metrics::MetricSet;

pub(super) async fn collect(client: &Client, out: &mut MetricSet) -> Result<(), CollectError> {
    let info = client.execute(&GetSelInfo).await?;
    out.gauge(
        "ipmi_sel_logs_count",
        "Current number of log entries in the SEL.",
        &[],
        f64::from(info.entries),
    );
    out.gauge(
        "ipmi_sel_free_space_bytes",
        "Current free space remaining for new SEL entries.",
        &[],
        f64::from(info.free_space),
    );
    Ok(())
}
