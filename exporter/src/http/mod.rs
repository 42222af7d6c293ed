//! The HTTP side: upstream's endpoints with its status codes and texts.
//!
//! | path | method | answer |
//! |---|---|---|
//! | `/ipmi?target=&module=` | GET | the target's metrics; 400 `'target' parameter must be specified`, 400 `Unknown module "x"` |
//! | `/metrics` | GET | the exporter's own metrics (and the local BMC, once in-band exists) |
//! | `/-/reload` | POST | 200, or 500 `failed to reload config: …` (old config kept); other methods 405 |
//! | `/-/healthy` | GET | 200 `Healthy` |
//! | anything else | GET | the landing page |

pub mod web_config;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::scrape::Exporter;
use web_config::{check_basic_auth, Web};

/// Scrapes without the timeout header get this long.
const DEFAULT_SCRAPE_TIMEOUT: Duration = Duration::from_secs(10);
/// Kept back from Prometheus's timeout to send the answer in time.
const SCRAPE_TIMEOUT_MARGIN: Duration = Duration::from_millis(500);

const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";
const OPENMETRICS_FORMAT: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

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

/// Serves HTTP (or HTTPS) on the listeners until the task is dropped.
pub async fn serve(listeners: Vec<TcpListener>, web: Arc<Web>, exporter: Arc<Exporter>) {
    let mut tasks = tokio::task::JoinSet::new();
    for listener in listeners {
        let (web, exporter) = (Arc::clone(&web), Arc::clone(&exporter));
        tasks.spawn(accept_loop(listener, web, exporter));
    }
    while tasks.join_next().await.is_some() {}
}

async fn accept_loop(listener: TcpListener, web: Arc<Web>, exporter: Arc<Exporter>) {
    let acceptor = web.tls.clone().map(TlsAcceptor::from);
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let (web, exporter, acceptor) = (Arc::clone(&web), Arc::clone(&exporter), acceptor.clone());
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let (web, exporter) = (Arc::clone(&web), Arc::clone(&exporter));
                async move { Ok::<_, Infallible>(handle(req, &web, &exporter).await) }
            });
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let result = match acceptor {
                Some(acceptor) => match acceptor.accept(stream).await {
                    Ok(tls) => builder.serve_connection(TokioIo::new(tls), service).await,
                    Err(e) => {
                        tracing::debug!(%peer, error = %e, "TLS handshake failed");
                        return;
                    }
                },
                None => {
                    builder
                        .serve_connection(TokioIo::new(stream), service)
                        .await
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "HTTP connection error");
            }
        });
    }
}

fn respond(
    status: StatusCode,
    content_type: &str,
    body: impl Into<Bytes>,
) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(CONTENT_TYPE, v);
    }
    r
}

fn text(status: StatusCode, body: impl Into<String>) -> Response<Full<Bytes>> {
    let mut b: String = body.into();
    b.push('\n');
    respond(status, "text/plain; charset=utf-8", b)
}

/// The first value of a query parameter, percent-decoded.
fn query_param(query: &str, key: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

fn wants_openmetrics(req: &Request<Incoming>) -> bool {
    req.headers()
        .get(hyper::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/openmetrics-text"))
}

/// The scrape deadline: Prometheus's timeout header minus a margin.
fn scrape_budget(req: &Request<Incoming>) -> Duration {
    req.headers()
        .get("X-Prometheus-Scrape-Timeout-Seconds")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(DEFAULT_SCRAPE_TIMEOUT, |s| {
            let d = Duration::from_secs_f64(s.min(3600.0));
            d.checked_sub(SCRAPE_TIMEOUT_MARGIN)
                .filter(|d| !d.is_zero())
                .unwrap_or(d / 2)
        })
}

async fn handle(req: Request<Incoming>, web: &Web, exporter: &Exporter) -> Response<Full<Bytes>> {
    let auth = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if !check_basic_auth(&web.users, auth) {
        let mut r = text(StatusCode::UNAUTHORIZED, "Unauthorized");
        r.headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Basic"));
        return r;
    }
    let mut resp = route(req, exporter).await;
    for (k, v) in &web.headers {
        if let (Ok(k), Ok(v)) = (
            hyper::header::HeaderName::try_from(k.as_str()),
            HeaderValue::from_str(v),
        ) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp
}

async fn route(req: Request<Incoming>, exporter: &Exporter) -> Response<Full<Bytes>> {
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    match path.as_str() {
        "/ipmi" => {
            let Some(target) = query_param(&query, "target").filter(|t| !t.is_empty()) else {
                return text(
                    StatusCode::BAD_REQUEST,
                    "'target' parameter must be specified",
                );
            };
            let module = query_param(&query, "module")
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "default".into());
            let config = exporter.config();
            if !config.modules.contains_key(&module) && module != crate::vendor::AUTO {
                return text(
                    StatusCode::BAD_REQUEST,
                    format!("Unknown module {module:?}"),
                );
            }
            if !config.target_allowed(&target) {
                return text(
                    StatusCode::FORBIDDEN,
                    format!("Target {target:?} is not allowed"),
                );
            }
            let budget = scrape_budget(&req);
            let metrics = exporter.scrape(&target, &module, budget).await;
            encode(&req, &metrics)
        }
        "/metrics" => {
            let budget = scrape_budget(&req);
            let metrics = exporter.local_metrics(budget).await;
            let body = exporter.self_metrics_text();
            // Self metrics first, then the local BMC's.
            if wants_openmetrics(&req) {
                let own = body.strip_suffix("# EOF\n").unwrap_or(&body);
                let local = metrics.encode_openmetrics();
                respond(StatusCode::OK, OPENMETRICS_FORMAT, format!("{own}{local}"))
            } else {
                let own = crate::metrics::openmetrics_to_text(&body);
                respond(
                    StatusCode::OK,
                    TEXT_FORMAT,
                    format!("{own}{}", metrics.encode_text()),
                )
            }
        }
        "/-/reload" => {
            if req.method() != Method::POST {
                let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "Only POST requests allowed");
                r.headers_mut()
                    .insert(ALLOW, HeaderValue::from_static("POST"));
                return r;
            }
            match exporter.reload() {
                Ok(()) => respond(StatusCode::OK, "text/plain; charset=utf-8", Bytes::new()),
                Err(e) => text(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("failed to reload config: {e}"),
                ),
            }
        }
        "/-/healthy" | "/-/ready" => text(StatusCode::OK, "Healthy"),
        _ => respond(StatusCode::OK, "text/html; charset=utf-8", LANDING_PAGE),
    }
}

fn encode(req: &Request<Incoming>, metrics: &crate::metrics::MetricSet) -> Response<Full<Bytes>> {
    if wants_openmetrics(req) {
        respond(
            StatusCode::OK,
            OPENMETRICS_FORMAT,
            metrics.encode_openmetrics(),
        )
    } else {
        respond(StatusCode::OK, TEXT_FORMAT, metrics.encode_text())
    }
}

const LANDING_PAGE: &str = r#"<html>
<head><title>IPMI Exporter</title></head>
<body>
<h1>IPMI Exporter</h1>
<form action="/ipmi">
<label>Target:</label> <input type="text" name="target" placeholder="X.X.X.X" value="1.2.3.4"><br>
<label>Module:</label> <input type="text" name="module" placeholder="default" value="default"><br>
<input type="submit" value="Submit">
</form>
<p><a href="/metrics">Local metrics</a></p>
<p><a href="/-/healthy">Health</a></p>
</body>
</html>
"#;

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

    #[test]
    fn query_params_decode() {
        assert_eq!(
            query_param("target=10.0.0.1%3A623&module=default", "target").as_deref(),
            Some("10.0.0.1:623")
        );
        assert_eq!(query_param("target=", "target").as_deref(), Some(""));
        assert_eq!(query_param("a=b", "target"), None);
    }
}
