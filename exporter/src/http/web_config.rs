//! The Prometheus exporter-toolkit web configuration (`--web.config.file`):
//! TLS (optionally with client certificates) and basic authentication with
//! bcrypt-hashed passwords. Same YAML keys as every Prometheus exporter.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use tokio_rustls::rustls;

use super::auth::BasicAuth;
use super::conn::HttpLimits;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The file's top level.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebConfig {
    /// TLS settings; absent = plain HTTP.
    pub tls_server_config: Option<TlsServerConfig>,
    /// HTTP settings.
    pub http_server_config: Option<HttpServerConfig>,
    /// User name → bcrypt hash.
    #[serde(default)]
    pub basic_auth_users: BTreeMap<String, String>,
}

/// `tls_server_config`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsServerConfig {
    /// Server certificate (PEM).
    pub cert_file: Option<PathBuf>,
    /// Server key (PEM).
    pub key_file: Option<PathBuf>,
    /// Inline certificate (PEM), instead of `cert_file`.
    pub cert: Option<String>,
    /// Inline key (PEM), instead of `key_file`.
    pub key: Option<String>,
    /// `NoClientCert` (default), `RequestClientCert`, `RequireAnyClientCert`,
    /// `VerifyClientCertIfGiven`, `RequireAndVerifyClientCert`.
    pub client_auth_type: Option<String>,
    /// CA certificates for client certificates (PEM).
    pub client_ca_file: Option<PathBuf>,
    /// Inline client CA (PEM).
    pub client_ca: Option<String>,
    /// `TLS12` or `TLS13`.
    pub min_version: Option<String>,
    /// `TLS12` or `TLS13`.
    pub max_version: Option<String>,
    /// Accepted for compatibility; the TLS library picks safe suites.
    pub cipher_suites: Option<Vec<String>>,
    /// Accepted for compatibility.
    pub curve_preferences: Option<Vec<String>>,
    /// Accepted for compatibility.
    pub prefer_server_cipher_suites: Option<bool>,
    /// Accepted for compatibility.
    pub client_allowed_sans: Option<Vec<String>>,
}

/// `http_server_config`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpServerConfig {
    /// Enable HTTP/2 (default true).
    pub http2: Option<bool>,
    /// Extra response headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

/// The web configuration ready to serve with.
#[derive(Default)]
pub struct Web {
    /// TLS acceptor configuration, if TLS is on.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Basic-auth users and their verification cache.
    pub auth: BasicAuth,
    /// Extra response headers.
    pub headers: Vec<(String, String)>,
    /// Serve HTTP/1.1 only (`http_server_config.http2: false`).
    pub http1_only: bool,
    /// Connection limits and timeouts.
    pub limits: HttpLimits,
}

impl std::fmt::Debug for Web {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Web")
            .field("tls", &self.tls.is_some())
            .field("users", &self.auth.users().collect::<Vec<_>>())
            .field("http1_only", &self.http1_only)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

fn read(base: &Path, p: &Path) -> Result<Vec<u8>, String> {
    let full = if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    };
    std::fs::read(&full).map_err(|e| format!("{}: {e}", full.display()))
}

fn pem_or_file(
    base: &Path,
    inline: &Option<String>,
    file: &Option<PathBuf>,
    what: &str,
) -> Result<Vec<u8>, String> {
    match (inline, file) {
        (Some(s), _) => Ok(s.as_bytes().to_vec()),
        (None, Some(f)) => read(base, f),
        (None, None) => Err(format!("tls_server_config: {what} missing")),
    }
}

impl WebConfig {
    /// Loads and checks a web config file. Relative paths in it are relative
    /// to the file's directory, as in exporter-toolkit.
    ///
    /// # Errors
    /// A one-line message.
    pub fn load(path: &Path) -> Result<Web, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let cfg: WebConfig = if text.trim().is_empty() {
            WebConfig::default()
        } else {
            serde_yaml_ng::from_str(&text).map_err(|e| {
                format!(
                    "{}: {}",
                    path.display(),
                    crate::config::redact::yaml_error(&text, &e)
                )
            })?
        };
        let base = path.parent().unwrap_or(Path::new("."));
        cfg.build(base)
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    fn build(self, base: &Path) -> Result<Web, String> {
        for (user, hash) in &self.basic_auth_users {
            // Reject what bcrypt cannot parse now, not at the first request.
            if !hash.starts_with("$2") {
                return Err(format!("basic_auth_users {user:?}: not a bcrypt hash"));
            }
        }
        let http2 = self
            .http_server_config
            .as_ref()
            .and_then(|h| h.http2)
            .unwrap_or(true);
        let tls = match &self.tls_server_config {
            None => None,
            Some(t) => Some(Arc::new(tls_config(base, t, http2)?)),
        };
        let headers = self
            .http_server_config
            .map(|h| h.headers.into_iter().collect())
            .unwrap_or_default();
        Ok(Web {
            tls,
            auth: BasicAuth::new(self.basic_auth_users),
            headers,
            http1_only: !http2,
            limits: HttpLimits::default(),
        })
    }
}

fn certs(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    rustls_pemfile::certs(&mut &pem[..])
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("bad certificate PEM: {e}"))
}

fn tls_config(
    base: &Path,
    t: &TlsServerConfig,
    http2: bool,
) -> Result<rustls::ServerConfig, String> {
    let cert_pem = pem_or_file(base, &t.cert, &t.cert_file, "cert_file")?;
    let key_pem = pem_or_file(base, &t.key, &t.key_file, "key_file")?;
    let chain = certs(&cert_pem)?;
    if chain.is_empty() {
        return Err("tls_server_config: no certificate in cert_file".into());
    }
    let key: PrivateKeyDer<'static> = rustls_pemfile::private_key(&mut &key_pem[..])
        .map_err(|e| format!("bad key PEM: {e}"))?
        .ok_or("tls_server_config: no private key in key_file")?;
    let versions: Vec<&'static rustls::SupportedProtocolVersion> = {
        let parse = |v: &Option<String>, default: u8| match v.as_deref() {
            None => Ok(default),
            Some("TLS12") => Ok(12),
            Some("TLS13") => Ok(13),
            Some(other) => Err(format!(
                "unsupported TLS version {other:?} (TLS12 or TLS13)"
            )),
        };
        let (lo, hi) = (parse(&t.min_version, 12)?, parse(&t.max_version, 13)?);
        let mut v = Vec::new();
        if lo <= 12 && hi >= 12 {
            v.push(&rustls::version::TLS12);
        }
        if lo <= 13 && hi >= 13 {
            v.push(&rustls::version::TLS13);
        }
        if v.is_empty() {
            return Err("min_version is above max_version".into());
        }
        v
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| e.to_string())?;
    let auth = t.client_auth_type.as_deref().unwrap_or("NoClientCert");
    let builder = if auth == "NoClientCert" {
        builder.with_no_client_auth()
    } else {
        let ca_pem = pem_or_file(base, &t.client_ca, &t.client_ca_file, "client_ca_file")?;
        let mut roots = rustls::RootCertStore::empty();
        for c in certs(&ca_pem)? {
            roots.add(c).map_err(|e| format!("client_ca_file: {e}"))?;
        }
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
        let verifier = match auth {
            "RequireAndVerifyClientCert" | "RequireAnyClientCert" => verifier,
            "VerifyClientCertIfGiven" | "RequestClientCert" => verifier.allow_unauthenticated(),
            other => return Err(format!("unknown client_auth_type {other:?}")),
        }
        .build()
        .map_err(|e| format!("client verifier: {e}"))?;
        builder.with_client_cert_verifier(verifier)
    };
    let mut config = builder
        .with_single_cert(chain, key)
        .map_err(|e| format!("certificate and key: {e}"))?;
    config.alpn_protocols = if http2 {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unknown_keys_and_bad_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("web.yml");
        std::fs::write(&p, "basic_auth_users:\n  a: plain\n").unwrap();
        assert!(WebConfig::load(&p).unwrap_err().contains("bcrypt"));
        std::fs::write(&p, "tls_config: {}\n").unwrap();
        assert!(WebConfig::load(&p).is_err());
    }
}
