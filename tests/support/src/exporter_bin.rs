//! The `ipmi_exporter` executable for CLI tests: `IPMI_EXPORTER_BIN`, or
//! built once per test process with the same Cargo and profile.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// Path of the `ipmi_exporter` executable, built on first use.
pub fn exporter() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("IPMI_EXPORTER_BIN") {
            let bin = PathBuf::from(bin);
            assert!(
                bin.is_file(),
                "IPMI_EXPORTER_BIN={} is not a file",
                bin.display()
            );
            return bin;
        }
        build_exporter()
    })
}

fn build_exporter() -> PathBuf {
    let cargo = std::env::var_os("CARGO")
        .or_else(|| option_env!("CARGO").map(Into::into))
        .unwrap_or_else(|| "cargo".into());
    // The workspace root (tests/support/../..).
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join("Cargo.toml");
    let mut cmd = Command::new(&cargo);
    cmd.args(["build", "--quiet"])
        .arg("--manifest-path")
        .arg(&manifest)
        .args([
            "-p",
            "ipmi_exporter",
            "--bin",
            "ipmi_exporter",
            "--message-format=json-render-diagnostics",
        ]);
    // Same profile as the test binary (target/<profile>/deps/<test>-…).
    let profile = std::env::current_exe()
        .ok()
        .and_then(|exe| {
            let dir = exe.parent()?.parent()?;
            Some(dir.file_name()?.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    if profile == "release" {
        cmd.arg("--release");
    }
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cargo:?} to build ipmi_exporter: {e}"));
    assert!(
        out.status.success(),
        "`cargo build -p ipmi_exporter` failed ({}); see the compiler output above",
        out.status
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|msg| {
            msg.get("reason").and_then(serde_json::Value::as_str) == Some("compiler-artifact")
                && msg
                    .pointer("/target/name")
                    .and_then(serde_json::Value::as_str)
                    == Some("ipmi_exporter")
        })
        .find_map(|msg| msg.get("executable")?.as_str().map(PathBuf::from))
        .unwrap_or_else(|| {
            panic!("cargo built no ipmi_exporter executable; its messages:\n{stdout}")
        })
}

/// Runs `ipmi_exporter ARGS...` with `envs` set and `IPMI_PASSWORD` removed
/// (hard limit 30 s, bounded polling); returns its output.
pub fn run_exporter(args: &[&str], envs: &[(&str, &str)]) -> Output {
    crate::tools::run_limited(exporter(), args, envs, Duration::from_secs(30))
}

/// `ipmi_exporter ARGS exited with STATUS` and both outputs.
pub fn describe_exporter(args: &[&str], out: &Output) -> String {
    format!("ipmi_exporter {}", crate::tools::describe(args, out))
}

/// A running `ipmi_exporter` server (the binary) on a free loopback port,
/// with its log captured; killed when dropped.
pub struct ServedExporter {
    child: std::process::Child,
    addr: std::net::SocketAddr,
    dir: tempfile::TempDir,
    config_path: PathBuf,
}

impl ServedExporter {
    /// Starts `ipmi_exporter --config.file CONFIG` (YAML or TOML text) with
    /// `args`; panics when it does not listen within 30 s.
    pub fn start(config: &str, args: &[&str]) -> Self {
        Self::start_with_file("ipmi_exporter.yml", config, args)
    }

    /// Like [`ServedExporter::start`], with the configuration in a file
    /// named `file_name` (`.toml` selects the native format).
    pub fn start_with_file(file_name: &str, config: &str, args: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let config_path = dir.path().join(file_name);
        std::fs::write(&config_path, config).expect("write config");
        // A free port: bind, read it, release it (the exporter binds it next).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let log = std::fs::File::create(dir.path().join("stderr.log")).expect("log file");
        let child = Command::new(exporter())
            .arg("--config.file")
            .arg(&config_path)
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .args(args)
            .env_remove("IPMI_PASSWORD")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start ipmi_exporter");
        let mut served = Self {
            child,
            addr,
            dir,
            config_path,
        };
        for _ in 0..300 {
            if std::net::TcpStream::connect(addr).is_ok() {
                return served;
            }
            if let Ok(Some(status)) = served.child.try_wait() {
                panic!("ipmi_exporter exited ({status}): {}", served.log());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("ipmi_exporter does not listen on {addr}: {}", served.log());
    }

    /// Its address.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// Everything it logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default()
    }

    /// The configuration file it was started with (rewrite it, then
    /// reload).
    pub fn config_path(&self) -> &Path {
        &self.config_path
    }

    /// Sends signal `name` (`HUP`, `TERM`, …) with `kill`.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg("-s")
            .arg(name)
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -s {name} failed: {status}");
    }

    /// `GET PATH`; returns (status, body). Panics on I/O errors.
    pub fn get(&self, path: &str) -> (u16, String) {
        self.get_with_headers(path, &[])
    }

    /// `GET PATH` with extra request headers (for example
    /// `("X-Prometheus-Scrape-Timeout-Seconds", "10")`); returns (status,
    /// body). Panics on I/O errors.
    pub fn get_with_headers(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        self.request_with_headers("GET", path, headers)
    }

    /// `METHOD PATH` without a body; returns (status, body). Panics on I/O
    /// errors.
    pub fn request(&self, method: &str, path: &str) -> (u16, String) {
        self.request_with_headers(method, path, &[])
    }

    fn request_with_headers(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(self.addr).expect("connect to ipmi_exporter");
        s.set_read_timeout(Some(Duration::from_secs(120)))
            .expect("read timeout");
        let extra: String = headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}\r\n"))
            .collect();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\nConnection: close\r\n{extra}\r\n"
        )
        .expect("send request");
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("read answer");
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body)
        } else {
            body.to_string()
        };
        (status, body)
    }

    /// `GET /ipmi?target=TARGET&module=MODULE`: the body; panics unless 200.
    pub fn scrape(&self, target: &str, module: &str) -> String {
        let (status, body) = self.get(&format!("/ipmi?target={target}&module={module}"));
        assert_eq!(status, 200, "scrape of {target}: {body}");
        body
    }
}

impl ServedExporter {
    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM and waits up to `limit` for the process to exit;
    /// returns how long that took, or `None` (and kills it) when it was
    /// still running after `limit`.
    pub fn terminate(&mut self, limit: Duration) -> Option<Duration> {
        let started = std::time::Instant::now();
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stdin(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(sent, "kill -TERM {} failed", self.child.id());
        while started.elapsed() < limit {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        None
    }
}

impl Drop for ServedExporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(rest.get(..n).unwrap_or(rest));
        body = rest.get(n.saturating_add(2)..).unwrap_or("");
    }
    out
}

/// The value of the series written exactly as `series` (name and labels).
pub fn series_value(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}
