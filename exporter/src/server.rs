//! Running the exporter: flags as upstream, configuration, HTTP, reload on
//! SIGHUP, sessions closed on shutdown.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use crate::config::Config;
use crate::http::web_config::WebConfig;
use crate::scrape::Exporter;

/// The exporter's flags (upstream's names).
#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Path to the configuration file: the Go exporter's YAML, or native TOML (.toml).
    #[arg(long = "config.file", value_name = "FILE")]
    pub config_file: Option<PathBuf>,
    /// Addresses to listen on (repeatable), e.g. :9290 or 127.0.0.1:9290.
    #[arg(
        long = "web.listen-address",
        default_value = ":9290",
        value_name = "ADDR"
    )]
    pub listen: Vec<String>,
    /// Exporter-toolkit web configuration (TLS, basic auth).
    #[arg(long = "web.config.file", value_name = "FILE")]
    pub web_config_file: Option<PathBuf>,
    /// Accepted for compatibility (systemd socket activation is not supported; ignored).
    #[arg(long = "web.systemd-socket", hide = true)]
    pub systemd_socket: bool,
    /// Accepted for compatibility: no FreeIPMI is used (ignored).
    #[arg(long = "freeipmi.path", value_name = "PATH", hide = true)]
    pub freeipmi_path: Option<String>,
    /// Accepted for compatibility: IPMI is always native here (ignored).
    #[arg(long = "native-ipmi", hide = true)]
    pub native_ipmi: bool,
    /// Scrapes running at once across all targets; more wait (up to their deadline).
    #[arg(long = "ipmi.max-concurrent-scrapes", default_value_t = 256)]
    pub max_concurrent: usize,
}

/// Errors that stop the exporter from starting.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The web configuration is invalid.
    #[error("web config: {0}")]
    WebConfig(String),
    /// A listen address cannot be used.
    #[error("{0}")]
    Listen(String),
}

/// Runs until SIGINT/SIGTERM.
///
/// # Errors
/// [`ServeError`] when the exporter cannot start.
pub async fn run(args: ServeArgs) -> Result<(), ServeError> {
    if args.freeipmi_path.is_some() {
        tracing::warn!("--freeipmi.path is ignored: this exporter speaks IPMI itself");
    }
    if args.native_ipmi {
        tracing::warn!("--native-ipmi is ignored: IPMI is always native here");
    }
    if args.systemd_socket {
        tracing::warn!(
            "--web.systemd-socket is not supported and ignored; listening on --web.listen-address"
        );
    }
    let config = match &args.config_file {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    warn_about_args(&config);
    let web = match &args.web_config_file {
        Some(p) => WebConfig::load(p).map_err(ServeError::WebConfig)?,
        None => crate::http::web_config::Web::default(),
    };
    let listeners = crate::http::bind(&args.listen)
        .await
        .map_err(ServeError::Listen)?;
    for l in &listeners {
        if let Ok(a) = l.local_addr() {
            tracing::info!(address = %a, tls = web.tls.is_some(), "listening");
        }
    }
    let exporter = Exporter::new(config, args.config_file.clone(), args.max_concurrent);
    let maintain = tokio::spawn(Arc::clone(&exporter).maintain());
    let server = tokio::spawn(crate::http::serve(
        listeners,
        Arc::new(web),
        Arc::clone(&exporter),
    ));
    let reload = tokio::spawn(reload_on_sighup(Arc::clone(&exporter)));
    shutdown_signal().await;
    tracing::info!("shutting down: closing sessions");
    server.abort();
    reload.abort();
    maintain.abort();
    // Sessions are closed concurrently within a short budget; a second
    // signal ends the process at once.
    let started = std::time::Instant::now();
    tokio::select! {
        closed = exporter.shutdown() => {
            tracing::info!(closed, elapsed_ms = started.elapsed().as_millis() as u64, "sessions closed");
        }
        () = shutdown_signal() => {
            tracing::warn!("second signal: exiting without closing the remaining sessions");
        }
    }
    Ok(())
}

fn warn_about_args(config: &Config) {
    for (name, m) in &config.modules {
        let r = m.clone().resolve();
        if !r.args.ignored.is_empty() {
            tracing::warn!(module = %name, args = ?r.args.ignored, "custom_args/default_args not understood; ignored");
        }
        if !r.workarounds.unknown.is_empty() {
            tracing::warn!(module = %name, flags = ?r.workarounds.unknown, "unknown workaround_flags; ignored");
        }
        if !m.collector_cmd.is_empty() {
            tracing::info!(module = %name, "collector_cmd is ignored: no external commands are run");
        }
    }
}

#[cfg(unix)]
async fn reload_on_sighup(exporter: Arc<Exporter>) {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut hup) = signal(SignalKind::hangup()) else {
        return;
    };
    while hup.recv().await.is_some() {
        if let Err(e) = exporter.reload() {
            tracing::error!(error = %e, "reload failed; keeping the old configuration");
        }
    }
}

#[cfg(not(unix))]
async fn reload_on_sighup(_exporter: Arc<Exporter>) {
    std::future::pending::<()>().await;
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
