//! The HTTP side: upstream's endpoints with its status codes and texts,
//! served under limits that hostile or broken clients cannot exhaust.
//!
//! | path | method | answer |
//! |---|---|---|
//! | `/ipmi?target=&module=` | GET | the target's metrics; 400 `'target' parameter must be specified`, 400 `Unknown module "x"`, 400 for a malformed or over-long target ([`target`]) |
//! | `/metrics` | GET | the exporter's own metrics (and the local BMC, once in-band exists) |
//! | `/-/reload` | POST | 200, or 500 `failed to reload config: …` (old config kept); other methods 405 |
//! | `/-/healthy` | GET | 200 `Healthy` |
//! | anything else | GET | the landing page |
//!
//! Routes live in [`routes`]; connection handling (limits, timeouts, TLS)
//! in this module and [`conn`]; basic auth in [`auth`].

pub mod auth;
pub mod conn;
pub mod routes;
pub mod target;
pub mod web_config;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

use crate::scrape::Exporter;
pub use conn::HttpLimits;
use web_config::Web;

/// Largest HTTP/1 read buffer, and so largest request head (hyper answers
/// 431 beyond it); HTTP/2 header lists are bounded the same.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// HTTP/2 requests at once on one connection.
const MAX_H2_STREAMS: u32 = 32;

/// Parses `--web.listen-address` values: `:9290`, `0.0.0.0:9290`, `[::1]:9290`.
///
/// # Errors
/// A message for an unparsable address.
pub fn parse_listen(addr: &str) -> Result<Vec<SocketAddr>, String> {
    if let Some(port) = addr.strip_prefix(':') {
        let port: u16 = port
            .parse()
            .map_err(|_| format!("invalid listen address {addr:?}"))?;
        // All interfaces: IPv6 (dual-stack where the OS allows) and IPv4.
        return Ok(vec![
            (std::net::Ipv6Addr::UNSPECIFIED, port).into(),
            (std::net::Ipv4Addr::UNSPECIFIED, port).into(),
        ]);
    }
    addr.parse::<SocketAddr>()
        .map(|a| vec![a])
        .map_err(|_| format!("invalid listen address {addr:?}"))
}

/// Binds every listen address. For `:PORT`, IPv6 alone suffices when the
/// socket is dual-stack; the IPv4 bind then fails harmlessly.
///
/// # Errors
/// When none of an address's sockets can be bound.
pub async fn bind(addrs: &[String]) -> Result<Vec<TcpListener>, String> {
    let mut listeners = Vec::new();
    for addr in addrs {
        let mut bound = false;
        let mut last_err = String::new();
        for sa in parse_listen(addr)? {
            match TcpListener::bind(sa).await {
                Ok(l) => {
                    listeners.push(l);
                    bound = true;
                }
                Err(e) => last_err = format!("listen on {sa}: {e}"),
            }
        }
        if !bound {
            return Err(last_err);
        }
    }
    Ok(listeners)
}

/// Serves HTTP (or HTTPS) on the listeners until the task is dropped, with
/// at most `web.limits.max_connections` connections open across all of them.
pub async fn serve(listeners: Vec<TcpListener>, web: Arc<Web>, exporter: Arc<Exporter>) {
    let slots = Arc::new(Semaphore::new(web.limits.max_connections.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for listener in listeners {
        let (web, exporter, slots) = (Arc::clone(&web), Arc::clone(&exporter), Arc::clone(&slots));
        tasks.spawn(accept_loop(listener, web, exporter, slots));
    }
    while tasks.join_next().await.is_some() {}
}

async fn accept_loop(
    listener: TcpListener,
    web: Arc<Web>,
    exporter: Arc<Exporter>,
    slots: Arc<Semaphore>,
) {
    let acceptor = web.tls.clone().map(TlsAcceptor::from);
    let mut last_full_warning: Option<tokio::time::Instant> = None;
    loop {
        // At the limit, stop accepting: new connections wait in the
        // kernel's queue until a slot frees (timeouts free them).
        let permit = match Arc::clone(&slots).try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                if last_full_warning.is_none_or(|t| t.elapsed() >= Duration::from_secs(60)) {
                    tracing::warn!(
                        max_connections = web.limits.max_connections,
                        "HTTP connection limit reached; new connections wait"
                    );
                    last_full_warning = Some(tokio::time::Instant::now());
                }
                match Arc::clone(&slots).acquire_owned().await {
                    Ok(p) => p,
                    Err(_) => return,
                }
            }
        };
        let (stream, peer) = match listener.accept().await {
            Ok(v) => v,
            Err(e) => {
                // Out of file descriptors, mostly: wait for some to close.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let (web, exporter, acceptor) = (Arc::clone(&web), Arc::clone(&exporter), acceptor.clone());
        tokio::spawn(async move {
            let _permit = permit;
            serve_connection(stream, peer, web, exporter, acceptor).await;
        });
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    web: Arc<Web>,
    exporter: Arc<Exporter>,
    acceptor: Option<TlsAcceptor>,
) {
    let _ = stream.set_nodelay(true);
    let activity = conn::Activity::new();
    let stream = conn::Tracked::new(stream, Arc::clone(&activity));
    let limits = web.limits;
    let http1_only = web.http1_only;
    let service_activity = Arc::clone(&activity);
    let service = service_fn(move |req| {
        let (web, exporter) = (Arc::clone(&web), Arc::clone(&exporter));
        let guard = service_activity.request();
        async move {
            let resp = routes::handle(req, &web, &exporter).await;
            drop(guard);
            Ok::<_, Infallible>(resp)
        }
    });
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder.http1().max_buf_size(MAX_HEAD_BYTES);
    builder
        .http2()
        .max_header_list_size(u32::try_from(MAX_HEAD_BYTES).unwrap_or(u32::MAX))
        .max_concurrent_streams(MAX_H2_STREAMS);
    if http1_only {
        builder = builder.http1_only();
    }
    let connection = async {
        match acceptor {
            Some(acceptor) => match acceptor.accept(stream).await {
                Ok(tls) => builder.serve_connection(TokioIo::new(tls), service).await,
                Err(e) => {
                    tracing::debug!(%peer, error = %e, "TLS handshake failed");
                    Ok(())
                }
            },
            None => {
                builder
                    .serve_connection(TokioIo::new(stream), service)
                    .await
            }
        }
    };
    tokio::select! {
        result = connection => {
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "HTTP connection error");
            }
        }
        why = conn::watchdog(activity, limits) => {
            tracing::debug!(%peer, reason = why, "HTTP connection closed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses() {
        assert_eq!(parse_listen(":9290").unwrap().len(), 2);
        assert_eq!(
            parse_listen("127.0.0.1:9290").unwrap(),
            vec!["127.0.0.1:9290".parse::<SocketAddr>().unwrap()]
        );
        assert!(parse_listen("nonsense").is_err());
    }
}
