//! The collectors: one file each, registered in [`run`] (the only table of
//! names), named as upstream names them (the `collector` label).
//!
//! A collector reads what it needs through the target's [`Client`] and its
//! [`TargetCache`] and writes gauges into a [`MetricSet`]. Collectors are
//! all-or-nothing like upstream's: on error their samples are dropped and
//! the scrape reports `ipmi_up{collector="…"} 0`, never an HTTP error.

mod bmc;
mod bmc_watchdog;
mod chassis;
mod dcmi;
mod fru;
mod sel;
mod sel_events;
mod sensor;
mod sm_lan_mode;

use std::time::Instant;

use ipmi_proto::client::Client;
use thiserror::Error;

use crate::config::{CollectorName, ResolvedModule};
use crate::metrics::MetricSet;

/// Why a collector produced nothing.
#[derive(Debug, Error)]
pub enum CollectError {
    /// Talking to the BMC failed.
    #[error("{0}")]
    Ipmi(#[from] ipmi_proto::Error),
    /// The SDR repository could not be read completely (the record and the
    /// reason are in the message); nothing of it was cached.
    #[error("{0}")]
    Sdr(ipmi_proto::ops::sdr::SdrError),
    /// The BMC's answers could not be read completely (what and why in the
    /// message); nothing of them was kept.
    #[error("{0}")]
    Incomplete(String),
    /// The BMC does not offer what the collector needs.
    #[error("{0}")]
    Unsupported(String),
    /// The scrape deadline (or a limit) ran out.
    #[error("deadline exceeded while {0}")]
    Deadline(&'static str),
    /// The module's configuration cannot be used (password file, K_g file).
    #[error("configuration: {0}")]
    Config(String),
}

impl CollectError {
    /// `true` when the session is closed for good and must be replaced
    /// before the next scrape (not a timeout, a missed deadline or a
    /// completion code).
    pub fn breaks_session(&self) -> bool {
        match self {
            // Timeouts and missed deadlines keep the session: the client
            // probes it on the next call and replaces it only if it is gone.
            Self::Ipmi(e) => matches!(e, ipmi_proto::Error::SessionClosed),
            Self::Sdr(e) => e
                .transport()
                .is_some_and(|e| matches!(e, ipmi_proto::Error::SessionClosed)),
            Self::Deadline(_) => false,
            Self::Incomplete(_) | Self::Unsupported(_) | Self::Config(_) => false,
        }
    }
}

/// What collectors keep about a target between scrapes.
#[derive(Debug, Default)]
pub struct TargetCache {
    /// When the last keepalive was sent.
    last_keepalive: Option<Instant>,
    /// The BMC's IANA manufacturer ID (for `module=auto`), read once.
    pub(crate) manufacturer_id: Option<u32>,
    /// The bmc collector's system firmware version, read once per session.
    pub(crate) system_firmware_version: Option<Option<String>>,
    /// The sensor collector's state (SDR cache and per-sensor memory).
    pub(crate) sensors: sensor::SensorCache,
    /// The sel-events collector's incremental reader.
    pub(crate) sel_events: sel_events::SelEventsCache,
    /// The fru collector's inventory (read once per session).
    pub(crate) fru: Option<fru::FruLabels>,
}

impl TargetCache {
    /// Time since the last keepalive (or forever).
    pub fn idle_since_keepalive(&self) -> std::time::Duration {
        self.last_keepalive
            .map_or(std::time::Duration::MAX, |t| t.elapsed())
    }

    /// Records a keepalive.
    pub fn keepalive_sent(&mut self) {
        self.last_keepalive = Some(Instant::now());
    }
}

/// Emits `ipmi_up{collector}`.
pub fn up(out: &mut MetricSet, collector: &str, ok: bool) {
    out.gauge(
        "ipmi_up",
        "'1' if a scrape of the IPMI device was successful, '0' otherwise.",
        &[("collector", collector)],
        if ok { 1.0 } else { 0.0 },
    );
}

/// Runs one collector (the registration table).
///
/// # Errors
/// The collector's [`CollectError`].
pub async fn run(
    name: CollectorName,
    client: &Client,
    module: &ResolvedModule,
    cache: &mut TargetCache,
    out: &mut MetricSet,
) -> Result<(), CollectError> {
    match name {
        CollectorName::Ipmi => sensor::collect(client, module, &mut cache.sensors, out).await,
        CollectorName::Dcmi => dcmi::collect(client, out).await,
        CollectorName::Bmc => bmc::collect(client, cache, out).await,
        CollectorName::BmcWatchdog => bmc_watchdog::collect(client, out).await,
        CollectorName::Chassis => chassis::collect(client, out).await,
        CollectorName::Sel => sel::collect(client, out).await,
        CollectorName::SelEvents => {
            sel_events::collect(
                client,
                module,
                &mut cache.sensors,
                &mut cache.sel_events,
                out,
            )
            .await
        }
        CollectorName::SmLanMode => sm_lan_mode::collect(client, out).await,
        CollectorName::Fru => fru::collect(client, &mut cache.sensors, &mut cache.fru, out).await,
    }
}
