//! `chassis`: power state and the drive / cooling fault flags from Get
//! Chassis Status, with upstream's encoding (fault gauges are 1 when there
//! is *no* fault).

use ipmi_proto::client::Client;
use ipmi_proto::commands::chassis::GetChassisStatus;

use super::CollectError;
use crate::metrics::MetricSet;

fn flag(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

pub(super) async fn collect(client: &Client, out: &mut MetricSet) -> Result<(), CollectError> {
    let s = client.execute(&GetChassisStatus).await?;
    out.gauge(
        "ipmi_chassis_power_state",
        "Current power state (1=on, 0=off).",
        &[],
        flag(s.power_on),
    );
    out.gauge(
        "ipmi_chassis_drive_fault_state",
        "Current drive fault state (1=false, 0=true).",
        &[],
        flag(!s.drive_fault),
    );
    out.gauge(
        "ipmi_chassis_cooling_fault_state",
        "Current Cooling/fan fault state (1=false, 0=true).",
        &[],
        flag(!s.cooling_fault),
    );
    Ok(())
}
