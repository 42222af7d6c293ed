//! `ipmi` collector (sensors; being written).

use ipmi_proto::client::Client;

use super::CollectError;
use crate::config::ResolvedModule;
use crate::metrics::MetricSet;

/// The sensor collector's memory between scrapes.
#[derive(Debug, Default)]
pub(crate) struct SensorCache {}

pub(super) async fn collect(
    _client: &Client,
    _module: &ResolvedModule,
    _cache: &mut SensorCache,
    _out: &mut MetricSet,
) -> Result<(), CollectError> {
    Err(CollectError::Unsupported("not implemented yet".into()))
}
