//! Scrapes: sessions that live across scrapes, per-target serialization, a
//! global concurrency limit and a hard deadline.
//!
//! Each (target, credentials, session options) has one [`TargetHandle`]
//! holding an IPMI session and the caches of its collectors (SDR, SEL
//! cursor, identity). A scrape takes the process-wide permit, then the
//! target's lock (concurrent scrapes of one target are serialized), makes
//! sure the session is up (re-establishing it transparently), and runs the
//! module's collectors one after the other, each under the scrape deadline.
//! A collector that fails or runs out of time gives `ipmi_up{collector} 0`;
//! what finished is returned — the scrape never outlives its deadline and
//! never fails as a whole. Nothing (process or task) outlives a scrape
//! except the shared sessions, which a background task keeps alive when
//! idle and closes when unused.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use ipmi_proto::client::{Client, ClientOptions, Credentials, Interface};
use ipmi_proto::commands::app::GetDeviceId;
use ipmi_proto::transport::Endpoint;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::collectors::{self, CollectError, TargetCache};
use crate::config::{read_kg, Config, ConfigError, ResolvedModule};
use crate::metrics::MetricSet;
use crate::selfmetrics::SelfMetrics;
use crate::vendor;

/// Sessions idle longer than this get a keepalive: well before the 30 s
/// inactivity timeout many BMCs use (IPMI v2.0 §6.12.15 suggests 60 s),
/// with room for a lossy link's retransmissions and the check interval.
const KEEPALIVE_AFTER: Duration = Duration::from_secs(15);
/// How often idle sessions are checked.
const MAINTAIN_EVERY: Duration = Duration::from_secs(2);
/// Total time shutdown may spend closing sessions.
const SHUTDOWN_BUDGET: Duration = Duration::from_secs(2);
/// Targets not scraped for this long are closed and forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(600);

/// Identifies a session: the resolved BMC address plus everything that
/// changes the session. Spellings of one target (`127.0.0.1:030000`,
/// `127.0.0.1:30000`, a host name) share a session.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct TargetKey {
    peer: SocketAddr,
    user: String,
    /// SHA-256 of the password (never the password itself).
    password_digest: [u8; 32],
    privilege: u8,
    ipmi15: bool,
    cipher_suite: Option<u8>,
    kg_file: Option<PathBuf>,
}

/// One target's session and caches.
#[derive(Debug)]
pub struct TargetHandle {
    target: String,
    state: tokio::sync::Mutex<TargetState>,
    last_used: Mutex<std::time::Instant>,
}

#[derive(Debug, Default)]
struct TargetState {
    client: Option<Client>,
    cache: TargetCache,
    /// Client counters already reported to the self metrics.
    reported: ipmi_proto::client::ClientStats,
    /// SDR cache (hits, downloads) already reported.
    reported_sdr: (u64, u64),
}

/// The exporter: configuration, sessions, limits and self metrics.
#[derive(Debug)]
pub struct Exporter {
    config: RwLock<Arc<Config>>,
    config_path: Option<PathBuf>,
    targets: Mutex<HashMap<TargetKey, Arc<TargetHandle>>>,
    limiter: Semaphore,
    endpoint_v4: tokio::sync::OnceCell<Endpoint>,
    endpoint_v6: tokio::sync::OnceCell<Endpoint>,
    self_metrics: SelfMetrics,
    in_band_warned: std::sync::atomic::AtomicBool,
}

impl Exporter {
    /// An exporter with `config` (loaded from `config_path`, if any) that
    /// runs at most `max_concurrent` scrapes at once.
    pub fn new(config: Config, config_path: Option<PathBuf>, max_concurrent: usize) -> Arc<Self> {
        Arc::new(Self {
            config: RwLock::new(Arc::new(config)),
            config_path,
            targets: Mutex::new(HashMap::new()),
            limiter: Semaphore::new(max_concurrent.max(1)),
            endpoint_v4: tokio::sync::OnceCell::new(),
            endpoint_v6: tokio::sync::OnceCell::new(),
            self_metrics: SelfMetrics::new(),
            in_band_warned: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// The current configuration.
    pub fn config(&self) -> Arc<Config> {
        Arc::clone(&self.config.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Re-reads the configuration file; on error the old one stays.
    ///
    /// # Errors
    /// The new file's [`ConfigError`].
    pub fn reload(&self) -> Result<(), ConfigError> {
        let Some(path) = &self.config_path else {
            return Ok(());
        };
        let result = Config::load(path);
        self.self_metrics.reload(result.is_ok());
        let new = result?;
        *self.config.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(new);
        tracing::info!(file = %path.display(), "configuration reloaded");
        Ok(())
    }

    /// The self metrics, OpenMetrics text.
    pub fn self_metrics_text(&self) -> String {
        let open = self
            .targets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        self.self_metrics.set_targets(open);
        self.self_metrics.encode()
    }

    /// `/metrics`: the local BMC through the `default` module. In-band access
    /// is not implemented yet: every configured collector reports 0.
    pub async fn local_metrics(&self, _budget: Duration) -> MetricSet {
        let config = self.config();
        let module = config.resolve("", "default");
        let mut out = MetricSet::new();
        if module.collectors.is_empty() {
            return out;
        }
        if !self
            .in_band_warned
            .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            tracing::warn!(
                "the default module asks for local (in-band) collection, which is not implemented yet; \
                 /metrics reports ipmi_up 0 for its collectors (use an empty collectors list in the default module to silence this)"
            );
        }
        for c in &module.collectors {
            collectors::up(&mut out, c.as_str(), false);
        }
        out
    }

    async fn endpoint(&self, peer: SocketAddr) -> std::io::Result<Endpoint> {
        let cell = if peer.is_ipv4() {
            &self.endpoint_v4
        } else {
            &self.endpoint_v6
        };
        cell.get_or_try_init(|| Endpoint::bind_for(peer))
            .await
            .cloned()
    }

    /// The handle of `key`; a handle for the same BMC and user with other
    /// session settings (a reload changed them) is replaced: returned in
    /// the second place, for the caller to close its session.
    fn handle(&self, key: TargetKey, target: &str) -> (Arc<TargetHandle>, Vec<Arc<TargetHandle>>) {
        let mut targets = self.targets.lock().unwrap_or_else(PoisonError::into_inner);
        let mut replaced = Vec::new();
        if !targets.contains_key(&key) {
            let stale: Vec<TargetKey> = targets
                .keys()
                .filter(|k| k.peer == key.peer && k.user == key.user)
                .cloned()
                .collect();
            for k in stale {
                if let Some(h) = targets.remove(&k) {
                    replaced.push(h);
                }
            }
        }
        let target = target.to_string();
        let h = targets.entry(key).or_insert_with(|| {
            Arc::new(TargetHandle {
                target,
                state: tokio::sync::Mutex::new(TargetState::default()),
                last_used: Mutex::new(std::time::Instant::now()),
            })
        });
        *h.last_used.lock().unwrap_or_else(PoisonError::into_inner) = std::time::Instant::now();
        (Arc::clone(h), replaced)
    }

    /// Scrapes `target` with `module` within `budget`.
    pub async fn scrape(&self, target: &str, module_name: &str, budget: Duration) -> MetricSet {
        let started = Instant::now();
        let config = self.config();
        let auto = module_name == vendor::AUTO;
        // module=auto: credentials from the "auto" module if there is one,
        // else "default"; the collectors come from the vendor preset.
        let base = if auto && !config.modules.contains_key(vendor::AUTO) {
            "default"
        } else {
            module_name
        };
        let module = config.resolve(target, base);
        // The module's `timeout` is the budget of the target's collectors;
        // the scrape deadline from Prometheus applies as well.
        let deadline = started + budget.min(module.timeout);
        let mut out = MetricSet::new();
        let outcome = self
            .scrape_target(
                target,
                module.clone(),
                auto.then_some((&*config, base)),
                deadline,
                &mut out,
            )
            .await;
        if let Err(reason) = outcome {
            // Nothing ran: every collector is down, for one reason.
            tracing::warn!(target, module = module_name, %reason, "scrape failed");
            for c in &module.collectors {
                collectors::up(&mut out, c.as_str(), false);
            }
        }
        let elapsed = started.elapsed();
        self.self_metrics.scrape(elapsed);
        out.gauge(
            "ipmi_scrape_duration_seconds",
            "Returns how long the scrape took to complete in seconds.",
            &[],
            elapsed.as_secs_f64(),
        );
        out
    }

    async fn scrape_target(
        &self,
        target: &str,
        module: ResolvedModule,
        auto: Option<(&Config, &str)>,
        deadline: Instant,
        out: &mut MetricSet,
    ) -> Result<(), CollectError> {
        let mut module = module;
        if module.collectors.is_empty() {
            return Ok(());
        }
        if module.in_band {
            return Err(CollectError::Unsupported(
                "in-band drivers (KCS, SSIF, OPENIPMI) are not implemented yet".into(),
            ));
        }
        let password = module.password.read().map_err(CollectError::Config)?;
        let peer = tokio::time::timeout_at(deadline, ipmi_proto::client::resolve_target(target))
            .await
            .map_err(|_| CollectError::Deadline("resolving the target"))?
            .map_err(CollectError::Ipmi)?;
        let key = TargetKey {
            peer,
            user: module.user.clone(),
            password_digest: Sha256::digest(&*password).into(),
            privilege: module.privilege.into(),
            ipmi15: module.ipmi15,
            cipher_suite: module.cipher_suite,
            kg_file: module.kg_file.clone(),
        };
        let _permit = tokio::time::timeout_at(deadline, self.limiter.acquire())
            .await
            .map_err(|_| CollectError::Deadline("waiting for a scrape slot"))?
            .map_err(|_| CollectError::Deadline("shutting down"))?;
        let (handle, replaced) = self.handle(key, target);
        for old in replaced {
            // Session settings changed (reload): the old session goes.
            if let Ok(mut st) = old.state.try_lock() {
                if let Some(c) = st.client.take() {
                    c.close().await;
                }
            }
        }
        let mut state = tokio::time::timeout_at(deadline, handle.state.lock())
            .await
            .map_err(|_| CollectError::Deadline("waiting for another scrape of this target"))?;
        if state.client.is_none() {
            let client = tokio::time::timeout_at(
                deadline,
                ipmi_proto::client::with_deadline(deadline, self.connect(peer, &module, &password)),
            )
            .await
            .map_err(|_| CollectError::Deadline("establishing the session"))??;
            state.client = Some(client);
            self.self_metrics.session_established(target);
        }
        if let (Some((config, base)), Some(client)) = (auto, state.client.as_ref()) {
            let manufacturer = match state.cache.manufacturer_id {
                Some(m) => m,
                None => {
                    let id = tokio::time::timeout_at(
                        deadline,
                        ipmi_proto::client::with_deadline(deadline, client.execute(&GetDeviceId)),
                    )
                    .await
                    .map_err(|_| CollectError::Deadline("identifying the BMC"))??;
                    state.cache.manufacturer_id = Some(id.manufacturer_id);
                    id.manufacturer_id
                }
            };
            let name = vendor::preset_for(manufacturer);
            let preset = config
                .modules
                .get(name)
                .cloned()
                .or_else(|| vendor::builtin_module(name))
                .unwrap_or_default();
            module = config.resolve_with_preset(target, base, &preset);
        }
        let module = &module;
        let TargetState {
            client,
            cache,
            reported,
            reported_sdr,
        } = &mut *state;
        let Some(c) = client.as_ref() else {
            return Err(CollectError::Deadline("session lost"));
        };
        let mut session_broken = false;
        for name in &module.collectors {
            let mut local = MetricSet::new();
            let started = Instant::now();
            let result = tokio::time::timeout_at(
                deadline,
                ipmi_proto::client::with_deadline(
                    deadline,
                    collectors::run(*name, c, module, cache, &mut local),
                ),
            )
            .await
            .unwrap_or(Err(CollectError::Deadline("the scrape deadline")));
            self.self_metrics
                .collector(name.as_str(), started.elapsed(), result.is_ok());
            match result {
                Ok(()) => {
                    out.extend(local);
                    collectors::up(out, name.as_str(), true);
                }
                Err(e) => {
                    tracing::warn!(target, collector = name.as_str(), reason = %e, "collector failed");
                    session_broken |= e.breaks_session();
                    collectors::up(out, name.as_str(), false);
                }
            }
        }
        let stats = c.stats().await;
        self.self_metrics.client_delta(target, reported, &stats);
        *reported = stats;
        let sdr = (cache.sensors.hits, cache.sensors.downloads);
        self.self_metrics.sdr_cache_delta(
            sdr.0.saturating_sub(reported_sdr.0),
            sdr.1.saturating_sub(reported_sdr.1),
        );
        *reported_sdr = sdr;
        if session_broken {
            // The session is closed for good. (After a timeout it is kept:
            // the client probes it on the next call and re-establishes it
            // only if it is really gone.)
            if let Some(c) = client.take() {
                c.close().await;
            }
            *reported = ipmi_proto::client::ClientStats::default();
        }
        Ok(())
    }

    async fn connect(
        &self,
        peer: SocketAddr,
        module: &ResolvedModule,
        password: &[u8],
    ) -> Result<Client, CollectError> {
        let endpoint = self
            .endpoint(peer)
            .await
            .map_err(|e| CollectError::Ipmi(e.into()))?;
        let kg = match &module.kg_file {
            Some(p) => Some(read_kg(p).map_err(CollectError::Config)?),
            None => None,
        };
        let options = ClientOptions {
            interface: if module.ipmi15 {
                Interface::Lan
            } else {
                Interface::LanPlus
            },
            // The initial retransmission timeout; measured round trips take
            // over, and the scrape deadline bounds the attempts.
            timeout: Duration::from_millis(1000),
            retries: 2,
            reestablish: true,
            idle_limit: KEEPALIVE_AFTER.saturating_mul(2),
            cipher_suite: module.cipher_suite,
            privilege: module.privilege,
            kg,
            endpoint: Some(endpoint),
            latency_observer: Some(self.self_metrics.latency_observer()),
            ..ClientOptions::default()
        };
        let credentials = Credentials::new(&module.user, password).map_err(CollectError::Ipmi)?;
        Client::connect(&peer.to_string(), credentials, options)
            .await
            .map_err(CollectError::Ipmi)
    }

    /// Keeps idle sessions alive and forgets unused targets; run it in a
    /// background task.
    pub async fn maintain(self: Arc<Self>) {
        let mut tick = tokio::time::interval(MAINTAIN_EVERY);
        loop {
            tick.tick().await;
            let handles: Vec<(TargetKey, Arc<TargetHandle>)> = self
                .targets
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .map(|(k, v)| (k.clone(), Arc::clone(v)))
                .collect();
            for (key, h) in handles {
                let idle = h
                    .last_used
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .elapsed();
                // A scrape holds the lock: nothing to do for this target now.
                let Ok(mut state) = h.state.try_lock() else {
                    continue;
                };
                if idle >= FORGET_AFTER {
                    if let Some(c) = state.client.take() {
                        c.close().await;
                    }
                    drop(state);
                    self.targets
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .remove(&key);
                    tracing::debug!(target = %h.target, "unused target forgotten");
                    continue;
                }
                if idle >= KEEPALIVE_AFTER && state.cache.idle_since_keepalive() >= KEEPALIVE_AFTER
                {
                    if let Some(c) = &state.client {
                        // A failed keepalive leaves the session to the next
                        // call, which probes it and re-establishes it if
                        // it is gone.
                        let d = Instant::now() + Duration::from_secs(3);
                        let _ = tokio::time::timeout_at(
                            d,
                            ipmi_proto::client::with_deadline(d, c.execute(&GetDeviceId)),
                        )
                        .await;
                        state.cache.keepalive_sent();
                    }
                }
            }
        }
    }

    /// Closes every session (on shutdown): all at once, within
    /// [`SHUTDOWN_BUDGET`] in total, whatever state the BMCs are in.
    /// Returns how many sessions were closed.
    pub async fn shutdown(&self) -> usize {
        let handles: Vec<Arc<TargetHandle>> = self
            .targets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
            .map(|(_, v)| v)
            .collect();
        let deadline = Instant::now() + SHUTDOWN_BUDGET;
        let mut tasks = tokio::task::JoinSet::new();
        for h in handles {
            tasks.spawn(async move {
                let client =
                    tokio::time::timeout_at(deadline, async { h.state.lock().await.client.take() })
                        .await
                        .ok()
                        .flatten();
                match client {
                    Some(c) => {
                        let _ = tokio::time::timeout_at(deadline, c.close()).await;
                        // Dropping the client sends Close Session once more
                        // without waiting if `close` ran out of time.
                        1
                    }
                    None => 0,
                }
            });
        }
        let mut closed = 0;
        let _ = tokio::time::timeout_at(deadline + Duration::from_millis(200), async {
            while let Some(r) = tasks.join_next().await {
                closed += r.unwrap_or(0);
            }
        })
        .await;
        tasks.abort_all();
        closed
    }
}
