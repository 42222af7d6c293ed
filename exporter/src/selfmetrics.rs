//! The exporter's own metrics on `/metrics` (prometheus-client registry):
//! build info, sessions, requests / retries / timeouts / session
//! establishments per target, request latency, SDR cache hits, scrape and
//! collector durations, config reloads.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use ipmi_proto::client::ClientStats;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TargetLabel {
    target: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabel {
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CollectorResultLabel {
    collector: String,
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: String,
    revision: String,
    branch: String,
    goversion: String,
    goos: String,
    goarch: String,
    tags: String,
}

/// The registry and its metrics.
pub struct SelfMetrics {
    registry: Mutex<Registry>,
    targets: Gauge,
    requests: Family<TargetLabel, Counter>,
    retries: Family<TargetLabel, Counter>,
    timeouts: Family<TargetLabel, Counter>,
    sessions: Family<TargetLabel, Counter>,
    dropped: Family<TargetLabel, Counter>,
    latency: Histogram,
    scrape_duration: Histogram,
    collector_duration: Family<CollectorResultLabel, Histogram>,
    sdr_cache: Family<ResultLabel, Counter>,
    reload_ok: Gauge,
    reloads: Counter,
}

impl std::fmt::Debug for SelfMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SelfMetrics")
    }
}

impl SelfMetrics {
    /// Registers every metric.
    pub fn new() -> Self {
        let mut r = Registry::default();
        let build = Family::<BuildLabels, Gauge>::default();
        build
            .get_or_create(&BuildLabels {
                version: env!("CARGO_PKG_VERSION").into(),
                revision: option_env!("IPMI_EXPORTER_REVISION")
                    .unwrap_or("unknown")
                    .into(),
                branch: option_env!("IPMI_EXPORTER_BRANCH").unwrap_or("").into(),
                goversion: "rust".into(),
                goos: std::env::consts::OS.into(),
                goarch: std::env::consts::ARCH.into(),
                tags: String::new(),
            })
            .set(1);
        r.register(
            "ipmi_exporter_build_info",
            "A metric with a constant '1' value labeled by version, revision, branch, goversion from which ipmi_exporter was built, and the goos and goarch for the build",
            build,
        );
        let s = Self {
            targets: Gauge::default(),
            requests: Family::default(),
            retries: Family::default(),
            timeouts: Family::default(),
            sessions: Family::default(),
            dropped: Family::default(),
            latency: Histogram::new(exponential_buckets(0.0005, 2.5, 12)),
            scrape_duration: Histogram::new(exponential_buckets(0.001, 2.5, 12)),
            collector_duration: Family::new_with_constructor(|| {
                Histogram::new(exponential_buckets(0.0005, 2.5, 12))
            }),
            sdr_cache: Family::default(),
            reload_ok: Gauge::default(),
            reloads: Counter::default(),
            registry: Mutex::new(Registry::default()),
        };
        s.reload_ok.set(1);
        r.register(
            "ipmi_exporter_targets",
            "BMC targets with a session or cache held by the exporter",
            s.targets.clone(),
        );
        r.register(
            "ipmi_exporter_ipmi_requests",
            "IPMI requests sent, by target (first transmissions)",
            s.requests.clone(),
        );
        r.register(
            "ipmi_exporter_ipmi_retries",
            "IPMI request retransmissions, by target",
            s.retries.clone(),
        );
        r.register(
            "ipmi_exporter_ipmi_timeouts",
            "IPMI requests that got no answer after all retransmissions, by target",
            s.timeouts.clone(),
        );
        r.register(
            "ipmi_exporter_sessions_established",
            "IPMI sessions established (first and re-established), by target",
            s.sessions.clone(),
        );
        r.register(
            "ipmi_exporter_datagrams_dropped",
            "Datagrams dropped as foreign, replayed, failing integrity or unmatched, by target",
            s.dropped.clone(),
        );
        r.register(
            "ipmi_exporter_ipmi_request_duration_seconds",
            "Time from sending an IPMI request to its answer",
            s.latency.clone(),
        );
        r.register(
            "ipmi_exporter_scrape_duration_seconds",
            "Duration of /ipmi scrapes",
            s.scrape_duration.clone(),
        );
        r.register(
            "ipmi_exporter_collector_duration_seconds",
            "Duration of collector runs, by collector and result",
            s.collector_duration.clone(),
        );
        r.register(
            "ipmi_exporter_sdr_cache_lookups",
            "SDR cache lookups by result (hit: reused, miss: downloaded)",
            s.sdr_cache.clone(),
        );
        r.register(
            "ipmi_exporter_config_last_reload_successful",
            "Whether the last configuration reload attempt was successful",
            s.reload_ok.clone(),
        );
        r.register(
            "ipmi_exporter_config_reloads",
            "Configuration reload attempts",
            s.reloads.clone(),
        );
        *s.registry.lock().unwrap_or_else(PoisonError::into_inner) = r;
        s
    }

    /// OpenMetrics text of all self metrics.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let r = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = prometheus_client::encoding::text::encode(&mut out, &r);
        out
    }

    /// Records the number of known targets.
    pub fn set_targets(&self, n: usize) {
        self.targets.set(i64::try_from(n).unwrap_or(i64::MAX));
    }

    /// Records a session establishment.
    pub fn session_established(&self, target: &str) {
        self.sessions
            .get_or_create(&TargetLabel {
                target: target.into(),
            })
            .inc();
    }

    /// Adds the change of a client's counters since the last report.
    pub fn client_delta(&self, target: &str, before: &ClientStats, now: &ClientStats) {
        let l = TargetLabel {
            target: target.into(),
        };
        let d = |a: u64, b: u64| b.saturating_sub(a);
        self.requests
            .get_or_create(&l)
            .inc_by(d(before.requests, now.requests));
        self.retries
            .get_or_create(&l)
            .inc_by(d(before.retries, now.retries));
        self.timeouts
            .get_or_create(&l)
            .inc_by(d(before.timeouts, now.timeouts));
        self.dropped
            .get_or_create(&l)
            .inc_by(d(before.dropped, now.dropped));
        // Re-establishments inside the client (after a timeout).
        self.sessions
            .get_or_create(&l)
            .inc_by(d(before.sessions.max(1), now.sessions.max(1)));
    }

    /// A client callback observing request latencies.
    pub fn latency_observer(&self) -> ipmi_proto::client::LatencyObserver {
        let h = self.latency.clone();
        ipmi_proto::client::LatencyObserver(std::sync::Arc::new(move |d: Duration| {
            h.observe(d.as_secs_f64());
        }))
    }

    /// Observes a scrape.
    pub fn scrape(&self, d: Duration) {
        self.scrape_duration.observe(d.as_secs_f64());
    }

    /// Observes a collector run.
    pub fn collector(&self, name: &str, d: Duration, ok: bool) {
        self.collector_duration
            .get_or_create(&CollectorResultLabel {
                collector: name.into(),
                result: if ok { "success" } else { "error" }.into(),
            })
            .observe(d.as_secs_f64());
    }

    /// Counts SDR cache lookups: reused (hit) and downloaded (miss).
    pub fn sdr_cache_delta(&self, hits: u64, misses: u64) {
        for (result, n) in [("hit", hits), ("miss", misses)] {
            self.sdr_cache
                .get_or_create(&ResultLabel {
                    result: result.into(),
                })
                .inc_by(n);
        }
    }

    /// Records a reload attempt.
    pub fn reload(&self, ok: bool) {
        self.reloads.inc();
        self.reload_ok.set(i64::from(ok));
    }
}

impl Default for SelfMetrics {
    fn default() -> Self {
        Self::new()
    }
}
