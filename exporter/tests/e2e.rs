//! End to end: the exporter (in-process HTTP server) scraping the project's
//! OpenIPMI simulator and the virtual BMC, checked with curl and promtool.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ipmi_exporter::config::Config;
use ipmi_exporter::http;
use ipmi_exporter::scrape::Exporter;
use ipmi_test_support::Simulator;

/// A running exporter on 127.0.0.1:<port>, stopped when dropped.
struct Running {
    addr: SocketAddr,
    exporter: Arc<Exporter>,
    _rt: tokio::runtime::Runtime,
}

fn start(config_path: Option<&Path>, web: http::web_config::Web) -> Running {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let config = match config_path {
        Some(p) => Config::load(p).unwrap(),
        None => Config::default(),
    };
    let exporter = Exporter::new(config, config_path.map(Path::to_path_buf), 64);
    let listeners = rt
        .block_on(http::bind(&["127.0.0.1:0".to_string()]))
        .unwrap();
    let addr = listeners[0].local_addr().unwrap();
    rt.spawn(http::serve(listeners, Arc::new(web), Arc::clone(&exporter)));
    Running {
        addr,
        exporter,
        _rt: rt,
    }
}

/// A plain HTTP/1.1 request; returns (status, body).
fn http(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("Content-Length: 0\r\n\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status: u16 = text
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

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

fn write_config(dir: &Path, sim: &Simulator, extra: &str) -> std::path::PathBuf {
    let p = dir.join("ipmi_exporter.yml");
    std::fs::write(
        &p,
        format!(
            "modules:\n  default:\n    user: admin\n    pass: password\n    driver: LAN_2_0\n    privilege: admin\n    timeout: 10000\n    collectors: [bmc, chassis, dcmi, sel, bmc-watchdog]\n{extra}\n# {}\n",
            sim.target()
        ),
    )
    .unwrap();
    p
}

fn value(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

fn promtool_check(text: &str) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool not found: apt-get install prometheus");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let findings = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The one finding allowed is upstream's own metric name
    // `ipmi_sel_logs_count`, which promtool flags in the Go exporter's output
    // too; renaming it would break dashboards (the names are the contract).
    let unexpected: Vec<&str> = findings
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter(|l| !l.starts_with("ipmi_sel_logs_count non-histogram and non-summary metrics should not have \"_count\" suffix"))
        .collect();
    assert!(unexpected.is_empty(), "promtool: {unexpected:?}\n{text}");
}

#[test]
fn scrape_of_the_simulator_matches_upstream_names_and_values() {
    let sim = Simulator::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &sim, "");
    let ex = start(Some(&cfg), Default::default());
    let path = format!("/ipmi?target={}&module=default", sim.target());
    let (status, body) = http(ex.addr, "GET", &path, &[]);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        value(&body, "ipmi_up{collector=\"bmc\"}"),
        Some(1.0),
        "{body}"
    );
    assert_eq!(
        value(&body, "ipmi_up{collector=\"chassis\"}"),
        Some(1.0),
        "{body}"
    );
    assert_eq!(
        value(&body, "ipmi_up{collector=\"sel\"}"),
        Some(1.0),
        "{body}"
    );
    assert_eq!(
        value(&body, "ipmi_up{collector=\"bmc-watchdog\"}"),
        Some(1.0),
        "{body}"
    );
    // ipmi_sim has no DCMI: the collector fails, the scrape does not.
    assert_eq!(
        value(&body, "ipmi_up{collector=\"dcmi\"}"),
        Some(0.0),
        "{body}"
    );
    assert!(
        body.contains("ipmi_bmc_info{bmc_url=\"N/A\",firmware_revision=\"7.10\",manufacturer_id=\"Dell Inc. (674)\",system_firmware_version=\"N/A\"} 1"),
        "{body}"
    );
    assert!(body.contains("# HELP ipmi_chassis_power_state Current power state (1=on, 0=off).\n"));
    assert_eq!(value(&body, "ipmi_chassis_power_state"), Some(1.0));
    assert_eq!(value(&body, "ipmi_chassis_drive_fault_state"), Some(1.0));
    assert!(value(&body, "ipmi_sel_logs_count").unwrap() > 0.0);
    assert!(value(&body, "ipmi_bmc_watchdog_timer_use_state{name=\"SMS/OS\"}").is_some());
    assert!(body.contains("# HELP ipmi_bmc_watchdog_current_countdown_seconds Watchdog initial countdown in seconds\n"));
    assert!(value(&body, "ipmi_scrape_duration_seconds").is_some());
    promtool_check(&body);
    let (_, own) = http(ex.addr, "GET", "/metrics", &[]);
    promtool_check(&own);
    assert!(own.contains("ipmi_exporter_build_info{"), "{own}");
}

#[test]
fn warm_scrapes_reuse_the_session_and_send_one_request_per_collector() {
    let sim = Simulator::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &sim, "");
    let ex = start(Some(&cfg), Default::default());
    let path = format!("/ipmi?target={}&module=default", sim.target());
    let requests = |ex: &Running| {
        let (_, m) = http(ex.addr, "GET", "/metrics", &[]);
        value(
            &m,
            &format!(
                "ipmi_exporter_ipmi_requests_total{{target=\"{}\"}}",
                sim.target()
            ),
        )
        .unwrap_or(0.0)
    };
    let sessions = |ex: &Running| {
        let (_, m) = http(ex.addr, "GET", "/metrics", &[]);
        value(
            &m,
            &format!(
                "ipmi_exporter_sessions_established_total{{target=\"{}\"}}",
                sim.target()
            ),
        )
        .unwrap_or(0.0)
    };
    http(ex.addr, "GET", &path, &[]); // cold
    let before = requests(&ex);
    for _ in 0..3 {
        let (status, body) = http(ex.addr, "GET", &path, &[]);
        assert_eq!(status, 200);
        assert_eq!(value(&body, "ipmi_up{collector=\"bmc\"}"), Some(1.0));
    }
    let per_scrape = (requests(&ex) - before) / 3.0;
    // bmc: Get Device ID; chassis: Get Chassis Status; dcmi: Get Power
    // Reading (refused); sel: Get SEL Info; bmc-watchdog: Get Watchdog Timer.
    assert_eq!(per_scrape, 5.0, "requests per warm scrape");
    assert_eq!(sessions(&ex), 1.0, "one session for all scrapes");
}

#[test]
fn http_errors_are_upstreams() {
    let sim = Simulator::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &sim, "");
    let ex = start(Some(&cfg), Default::default());
    let (s, b) = http(ex.addr, "GET", "/ipmi?module=default", &[]);
    assert_eq!((s, b.trim()), (400, "'target' parameter must be specified"));
    let (s, b) = http(ex.addr, "GET", "/ipmi?target=1.2.3.4&module=nope", &[]);
    assert_eq!((s, b.trim()), (400, "Unknown module \"nope\""));
    let (s, b) = http(ex.addr, "GET", "/-/reload", &[]);
    assert_eq!((s, b.trim()), (405, "Only POST requests allowed"));
    let (s, _) = http(ex.addr, "GET", "/-/healthy", &[]);
    assert_eq!(s, 200);
    let (s, b) = http(ex.addr, "GET", "/anything", &[]);
    assert_eq!(s, 200);
    assert!(b.contains("<form action=\"/ipmi\">"));
}

#[test]
fn reload_swaps_configs_and_keeps_the_old_one_on_a_broken_file() {
    let sim = Simulator::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &sim, "");
    let ex = start(Some(&cfg), Default::default());
    let (s, _) = http(ex.addr, "GET", "/ipmi?target=x&module=second", &[]);
    assert_eq!(s, 400);
    write_config(dir.path(), &sim, "  second:\n    collectors: []\n");
    let (s, _) = http(ex.addr, "POST", "/-/reload", &[]);
    assert_eq!(s, 200);
    let (s, _) = http(ex.addr, "GET", "/ipmi?target=x&module=second", &[]);
    assert_eq!(s, 200);
    std::fs::write(&cfg, "modules:\n  default:\n    bogus_key: 1\n").unwrap();
    let (s, b) = http(ex.addr, "POST", "/-/reload", &[]);
    assert_eq!(s, 500);
    assert!(b.starts_with("failed to reload config: "), "{b}");
    assert!(b.contains("bogus_key"), "{b}");
    // The old configuration still serves.
    let (s, _) = http(ex.addr, "GET", "/ipmi?target=x&module=second", &[]);
    assert_eq!(s, 200);
    assert!(ex.exporter.config().modules.contains_key("second"));
}

#[test]
fn the_scrape_deadline_is_honoured_with_partial_results() {
    // A target that never answers.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let target = silent.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.yml");
    std::fs::write(&cfg, "modules:\n  default:\n    user: a\n    pass: b\n").unwrap();
    let ex = start(Some(&cfg), Default::default());
    let started = Instant::now();
    let (s, body) = http(
        ex.addr,
        "GET",
        &format!("/ipmi?target={target}"),
        &[("X-Prometheus-Scrape-Timeout-Seconds", "1.5")],
    );
    let took = started.elapsed();
    assert_eq!(s, 200);
    assert!(
        took < Duration::from_millis(1500),
        "answered after {took:?}"
    );
    for c in ["ipmi", "dcmi", "bmc", "chassis"] {
        assert_eq!(
            value(&body, &format!("ipmi_up{{collector=\"{c}\"}}")),
            Some(0.0),
            "{body}"
        );
    }
}

fn openssl(args: &[&str]) {
    let st = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl missing");
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
}

#[test]
fn tls_and_basic_auth_work_with_curl() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = |n: &str| d.join(n).to_string_lossy().into_owned();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        &p("key.pem"),
        "-out",
        &p("cert.pem"),
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
    ]);
    let hash = bcrypt::hash("s3cret", 4).unwrap();
    std::fs::write(
        d.join("web.yml"),
        format!("tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\nbasic_auth_users:\n  prom: '{hash}'\n"),
    )
    .unwrap();
    let web = http::web_config::WebConfig::load(&d.join("web.yml")).unwrap();
    let ex = start(None, web);
    let url = format!("https://127.0.0.1:{}/-/healthy", ex.addr.port());
    let curl = |extra: &[&str]| {
        let out = Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--cacert",
                &p("cert.pem"),
            ])
            .args(extra)
            .arg(&url)
            .output()
            .expect("curl missing");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(curl(&["-u", "prom:s3cret"]), "200");
    assert_eq!(curl(&["-u", "prom:wrong"]), "401");
    assert_eq!(curl(&[]), "401");
    // Plain HTTP on the TLS port is refused.
    let plain = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}"])
        .arg(format!("http://127.0.0.1:{}/-/healthy", ex.addr.port()))
        .output()
        .unwrap();
    assert_ne!(String::from_utf8_lossy(&plain.stdout), "200");
}

/// Parses an exposition into (name, sorted labels) → value, and name → HELP.
type Series = std::collections::BTreeMap<(String, Vec<(String, String)>), f64>;

fn parse_exposition(
    text: &str,
    ignore_labels: &[&str],
) -> (Series, std::collections::BTreeMap<String, String>) {
    let mut series = Series::new();
    let mut helps = std::collections::BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            helps.insert(name.to_string(), help.to_string());
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (head, value) = line.rsplit_once(' ').unwrap();
        let (name, labels) = match head.split_once('{') {
            Some((n, l)) => (n, l.trim_end_matches('}')),
            None => (head, ""),
        };
        let mut ls: Vec<(String, String)> = Vec::new();
        let mut rest = labels;
        while let Some((k, after)) = rest.split_once("=\"") {
            let end = after.find('"').unwrap();
            let k = k.trim_start_matches(',').to_string();
            if !ignore_labels.contains(&k.as_str()) {
                ls.push((k, after[..end].to_string()));
            }
            rest = &after[end + 1..];
        }
        ls.sort();
        series.insert((name.to_string(), ls), value.parse().unwrap());
    }
    (series, helps)
}

#[test]
fn same_series_as_the_go_exporter_on_the_same_simulator() {
    let golden = include_str!("../../tests/fixtures/exporter/go-exporter-tests-sim.txt");
    let sim = Simulator::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("go.yml");
    std::fs::write(
        &cfg,
        "modules:\n  default:\n    user: admin\n    pass: password\n    driver: LAN_2_0\n    privilege: admin\n    timeout: 10000\n    workaround_flags: [opensesspriv]\n    custom_args:\n      ipmi: [\"--sdr-cache-directory=/nonexistent\"]\n    collectors: [bmc, ipmi, chassis, dcmi, sel]\n",
    )
    .unwrap();
    let ex = start(Some(&cfg), Default::default());
    let (status, body) = http(
        ex.addr,
        "GET",
        &format!("/ipmi?target={}&module=default", sim.target()),
        &[],
    );
    assert_eq!(status, 200);
    let ignore_metric = |n: &str| {
        matches!(
            n,
            "ipmi_scrape_duration_seconds"
                | "ipmi_chassis_drive_fault_state"
                | "ipmi_chassis_cooling_fault_state"
        )
    };
    let (theirs, their_help) = parse_exposition(golden, &["bmc_url"]);
    let (ours, our_help) = parse_exposition(&body, &["bmc_url"]);
    let mut problems = Vec::new();
    for (name, help) in &their_help {
        if !ignore_metric(name) && our_help.get(name) != Some(help) {
            problems.push(format!("HELP {name}: {:?} != {help:?}", our_help.get(name)));
        }
    }
    for (key, v) in &theirs {
        if ignore_metric(&key.0) {
            continue;
        }
        match ours.get(key) {
            None => problems.push(format!("missing {key:?}")),
            Some(o) if !((o.is_nan() && v.is_nan()) || (o - v).abs() <= 0.01 + 1e-9) => {
                problems.push(format!("{key:?}: ours {o}, Go exporter {v}"))
            }
            Some(_) => {}
        }
    }
    for key in ours.keys() {
        let lun1 = key.1.iter().any(|(k, v)| k == "name" && v == "NIC1 Temp");
        if !theirs.contains_key(key) && !ignore_metric(&key.0) && !lun1 {
            problems.push(format!("extra {key:?}"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}\n{body}");
}

#[test]
fn sel_events_and_fru_agree_with_freeipmi() {
    let golden = include_str!("../../tests/fixtures/exporter/freeipmi-sel-events-tests-sim.csv");
    let mut by_state = std::collections::BTreeMap::<String, f64>::new();
    let mut critical_intrusions = 0.0;
    for line in golden.lines() {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 7 {
            continue;
        }
        *by_state.entry(f[5].to_string()).or_default() += 1.0;
        if f[6].starts_with("General Chassis Intrusion") {
            critical_intrusions += 1.0;
        }
    }
    let sim = Simulator::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.yml");
    std::fs::write(
        &cfg,
        "modules:\n  default:\n    user: admin\n    pass: password\n    collectors: [sel-events, fru]\n    sel_events:\n    - name: intrusion\n      regex: \"^General Chassis Intrusion\"\n",
    )
    .unwrap();
    let ex = start(Some(&cfg), Default::default());
    let (_, body) = http(
        ex.addr,
        "GET",
        &format!("/ipmi?target={}", sim.target()),
        &[],
    );
    assert_eq!(
        value(&body, "ipmi_up{collector=\"sel-events\"}"),
        Some(1.0),
        "{body}"
    );
    for (state, n) in &by_state {
        assert_eq!(
            value(
                &body,
                &format!("ipmi_sel_events_count_by_state{{state=\"{state}\"}}")
            ),
            Some(*n),
            "state {state}\n{body}"
        );
    }
    assert_eq!(
        value(&body, "ipmi_sel_events_count_by_name{name=\"intrusion\"}"),
        Some(critical_intrusions)
    );
    assert_eq!(
        value(&body, "ipmi_up{collector=\"fru\"}"),
        Some(1.0),
        "{body}"
    );
    assert!(body.contains("product_name=\"PowerEdge R650\""), "{body}");
    promtool_check(&body);
}

#[test]
fn module_auto_picks_the_vendor_preset() {
    let sim = Simulator::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.yml");
    // Credentials only: the collectors come from the Dell preset (674).
    std::fs::write(
        &cfg,
        "modules:\n  default:\n    user: admin\n    pass: password\n",
    )
    .unwrap();
    let ex = start(Some(&cfg), Default::default());
    let (status, body) = http(
        ex.addr,
        "GET",
        &format!("/ipmi?target={}&module=auto", sim.target()),
        &[],
    );
    assert_eq!(status, 200, "{body}");
    for c in ["ipmi", "dcmi", "bmc", "chassis", "sel"] {
        assert!(
            value(&body, &format!("ipmi_up{{collector=\"{c}\"}}")).is_some(),
            "{c}\n{body}"
        );
    }
    assert_eq!(
        value(&body, "ipmi_up{collector=\"sel\"}"),
        Some(1.0),
        "{body}"
    );
}
