//! `bmc-watchdog` collector (being written).

use ipmi_proto::client::Client;

use super::CollectError;
use crate::metrics::MetricSet;

pub(super) async fn collect(_client: &Client, _out: &mut MetricSet) -> Result<(), CollectError> {
    Err(CollectError::Unsupported("not implemented yet".into()))
}
