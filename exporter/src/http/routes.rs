//! Request routing: authentication, then one handler per path.
//!
//! To add an endpoint, add its path to [`route`] and a handler function
//! here; handlers get the request and the exporter and return a response.

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{
    HeaderValue, ALLOW, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE,
};
use hyper::{Method, Request, Response, StatusCode};
use std::time::Duration;

use super::auth::AuthOutcome;
use super::target::{rejection, validate_target};
use super::web_config::Web;
use crate::scrape::Exporter;

/// Scrapes without the timeout header get this long.
const DEFAULT_SCRAPE_TIMEOUT: Duration = Duration::from_secs(10);
/// Kept back from Prometheus's timeout to send the answer in time.
const SCRAPE_TIMEOUT_MARGIN: Duration = Duration::from_millis(500);

/// The Prometheus text format.
pub const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";
/// The OpenMetrics text format.
pub const OPENMETRICS_FORMAT: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The response type of every handler.
pub type HttpResponse = Response<Full<Bytes>>;

/// A response with a body and content type.
pub fn respond(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> HttpResponse {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(CONTENT_TYPE, v);
    }
    r
}

/// A plain-text response (a newline is added, as upstream's `http.Error`).
pub fn text(status: StatusCode, body: impl Into<String>) -> HttpResponse {
    let mut b: String = body.into();
    b.push('\n');
    respond(status, "text/plain; charset=utf-8", b)
}

/// The first value of a query parameter, percent-decoded.
pub fn query_param(query: &str, key: &str) -> Option<String> {
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

/// Authenticates, routes, and adds the configured response headers.
pub async fn handle(req: Request<Incoming>, web: &Web, exporter: &Exporter) -> HttpResponse {
    let auth = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let mut resp = match web.auth.check(auth).await {
        AuthOutcome::Allowed => route(req, exporter).await,
        AuthOutcome::Denied => {
            let mut r = text(StatusCode::UNAUTHORIZED, "Unauthorized");
            r.headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Basic"));
            r
        }
        AuthOutcome::Busy => {
            let mut r = text(
                StatusCode::SERVICE_UNAVAILABLE,
                "Too many authentication attempts at once; retry later",
            );
            r.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
            r
        }
    };
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

/// One handler per path.
pub async fn route(req: Request<Incoming>, exporter: &Exporter) -> HttpResponse {
    match req.uri().path() {
        "/ipmi" => ipmi(req, exporter).await,
        "/metrics" => metrics(req, exporter).await,
        "/-/reload" => reload(&req, exporter),
        "/-/healthy" | "/-/ready" => text(StatusCode::OK, "Healthy"),
        _ => respond(StatusCode::OK, "text/html; charset=utf-8", LANDING_PAGE),
    }
}

/// `/ipmi?target=&module=`: one BMC's metrics.
async fn ipmi(req: Request<Incoming>, exporter: &Exporter) -> HttpResponse {
    let query = req.uri().query().unwrap_or("");
    let Some(target) = query_param(query, "target").filter(|t| !t.is_empty()) else {
        return text(
            StatusCode::BAD_REQUEST,
            "'target' parameter must be specified",
        );
    };
    if let Err(e) = validate_target(&target) {
        return text(StatusCode::BAD_REQUEST, rejection(&target, &e));
    }
    let module = query_param(query, "module")
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "default".into());
    let config = exporter.config();
    if !config.modules.contains_key(&module) && module != crate::vendor::AUTO {
        let shown: String = module.chars().take(64).collect();
        return text(StatusCode::BAD_REQUEST, format!("Unknown module {shown:?}"));
    }
    if !config.target_allowed(&target) {
        return text(
            StatusCode::FORBIDDEN,
            format!("Target {target:?} is not allowed"),
        );
    }
    let budget = scrape_budget(&req);
    let metrics = exporter.scrape(&target, &module, budget).await;
    if wants_openmetrics(&req) {
        respond(
            StatusCode::OK,
            OPENMETRICS_FORMAT,
            metrics.encode_openmetrics(),
        )
    } else {
        respond(StatusCode::OK, TEXT_FORMAT, metrics.encode_text())
    }
}

/// `/metrics`: the exporter's own metrics, then the local BMC's.
async fn metrics(req: Request<Incoming>, exporter: &Exporter) -> HttpResponse {
    let budget = scrape_budget(&req);
    let metrics = exporter.local_metrics(budget).await;
    let body = exporter.self_metrics_text();
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

/// `POST /-/reload`.
fn reload(req: &Request<Incoming>, exporter: &Exporter) -> HttpResponse {
    if req.method() != Method::POST {
        let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "Only POST requests allowed");
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST"));
        return r;
    }
    match exporter.reload() {
        Ok(()) => respond(StatusCode::OK, "text/plain; charset=utf-8", Bytes::new()),
        Err(e) => {
            tracing::error!(error = %e, "reload requested over HTTP failed; keeping the old configuration");
            text(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("failed to reload config: {e}"),
            )
        }
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
    fn query_params_decode() {
        assert_eq!(
            query_param("target=10.0.0.1%3A623&module=default", "target").as_deref(),
            Some("10.0.0.1:623")
        );
        assert_eq!(query_param("target=", "target").as_deref(), Some(""));
        assert_eq!(query_param("a=b", "target"), None);
    }
}
