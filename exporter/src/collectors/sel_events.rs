//! `sel-events` collector (being written).

use ipmi_proto::client::Client;

use super::CollectError;
use crate::config::ResolvedModule;
use crate::metrics::MetricSet;

/// The sel-events collector's memory between scrapes.
#[derive(Debug, Default)]
pub(crate) struct SelEventsCache {}

pub(super) async fn collect(
    _client: &Client,
    _module: &ResolvedModule,
    _cache: &mut SelEventsCache,
    _out: &mut MetricSet,
) -> Result<(), CollectError> {
    Err(CollectError::Unsupported("not implemented yet".into()))
}
