//! `dcmi`: `ipmi_dcmi_power_consumption_watts` from DCMI Get Power Reading
//! (system power statistics), omitted when the BMC says power measurement
//! is not active — as upstream does since 1.7.0.

use ipmi_proto::client::Client;
use ipmi_proto::commands::dcmi::GetPowerReading;

use super::CollectError;
use crate::metrics::MetricSet;

pub(super) async fn collect(client: &Client, out: &mut MetricSet) -> Result<(), CollectError> {
    let reading = client.execute(&GetPowerReading::system()).await?;
    if reading.measurement_active {
        out.gauge(
            "ipmi_dcmi_power_consumption_watts",
            "Current power consumption in Watts.",
            &[],
            f64::from(reading.current_watts),
        );
    }
    Ok(())
}
