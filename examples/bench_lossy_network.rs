//! Benchmark driver (not an example to copy): the `ipmi_exporter` binary
//! against `ipmi_sim` (`tests/sim`) through the fault-injecting UDP proxy,
//! one fresh simulator, proxy and exporter per network setting. Run it with
//! `benches/lossy-network.sh`, which documents the options.
//!
//! Per setting: one warm-up scrape on a clean link (session and SDR cache
//! established; not counted), then the faults are switched on and SCRAPES
//! scrapes run one after the other with `X-Prometheus-Scrape-Timeout-Seconds`.
//! Reported per setting:
//! * scrapes with every collector up (`ipmi_up` 1 for all of them);
//! * wrong samples: samples whose value differs from the warm-up scrape's
//!   (missing samples of a collector that is down are not wrong);
//! * the largest overrun of the deadline header (wall time of the HTTP
//!   request minus the header; negative: every scrape ended early);
//! * sessions the exporter opened during the measured scrapes and the
//!   retransmissions and request timeouts it counted (its self metrics);
//! * the most sessions the simulator held at once (Get Session Info, polled
//!   every 100 ms on a direct path, its own query session not counted).

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ipmi_test_support::exporter_bin::ServedExporter;
use ipmi_test_support::fault_proxy::{FaultConfig, FaultProxy, Faults};
use ipmi_test_support::Simulator;

/// Collectors of every scrape: upstream's default set without `dcmi`
/// (ipmi_sim has no DCMI), with `sel`.
const COLLECTORS: &str = "ipmi, bmc, chassis, sel";

struct Setting {
    name: &'static str,
    what: &'static str,
    faults: FaultConfig,
    deadline_s: u32,
}

fn settings() -> Vec<Setting> {
    vec![
        Setting {
            name: "clean",
            what: "0 % loss",
            faults: FaultConfig::clean(),
            deadline_s: 10,
        },
        Setting {
            name: "loss5",
            what: "5 % loss each way",
            faults: FaultConfig::loss(0.05),
            deadline_s: 10,
        },
        Setting {
            name: "loss20",
            what: "20 % loss each way",
            faults: FaultConfig::loss(0.20),
            deadline_s: 10,
        },
        Setting {
            name: "loss40",
            what: "40 % loss each way, 30 s deadline",
            faults: FaultConfig::loss(0.40),
            deadline_s: 30,
        },
        Setting {
            name: "slow1500",
            what: "BMC answers after 1.5 s, 30 s deadline",
            faults: FaultConfig::slow_bmc(Duration::from_millis(1500)),
            deadline_s: 30,
        },
        Setting {
            name: "jitter",
            what: "200 ms + 0..400 ms each way",
            faults: FaultConfig::both(Faults {
                delay: Duration::from_millis(200),
                jitter: Duration::from_millis(400),
                ..Faults::default()
            }),
            deadline_s: 10,
        },
    ]
}

#[derive(Debug, Default)]
struct Outcome {
    scrapes: u32,
    all_up: u32,
    wrong: u32,
    max_overrun: f64,
    sessions_opened: f64,
    max_held: u32,
    retries: f64,
    timeouts: f64,
    median_s: f64,
}

fn yaml() -> String {
    format!(
        "modules:\n  default:\n    user: admin\n    pass: password\n    driver: LAN_2_0\n    \
         privilege: admin\n    timeout: 30000\n    collectors: [{COLLECTORS}]\n"
    )
}

/// `series -> value` of every sample, without the scrape's own duration and
/// `ipmi_up` (counted separately).
fn samples(body: &str) -> HashMap<String, String> {
    body.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter(|l| !l.starts_with("ipmi_scrape_duration_seconds") && !l.starts_with("ipmi_up{"))
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            Some((series.to_string(), value.to_string()))
        })
        .collect()
}

fn collectors_up(body: &str) -> (usize, usize) {
    let ups: Vec<&str> = body.lines().filter(|l| l.starts_with("ipmi_up{")).collect();
    let up = ups
        .iter()
        .filter(|l| {
            l.rsplit_once(' ')
                .and_then(|(_, v)| v.parse::<f64>().ok())
                .is_some_and(|v| v == 1.0)
        })
        .count();
    (up, ups.len())
}

/// Sum of every series of `name` in the exporter's text self metrics.
fn self_metric(exporter: &ServedExporter, name: &str) -> f64 {
    let (_, body) = exporter.get("/metrics");
    body.lines()
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|r| r.starts_with('{') || r.starts_with(' '))
        })
        .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum()
}

fn run(setting: &Setting, scrapes: u32, seed: u64) -> Result<Outcome, String> {
    let sim = Arc::new(Simulator::start());
    let proxy = FaultProxy::start(sim.addr(), FaultConfig::clean(), seed);
    let mut exporter = ServedExporter::start(&yaml(), &["--log.level=warn"]);
    let path = format!("/ipmi?target={}&module=default", proxy.target());
    let header = setting.deadline_s.to_string();
    let headers = [("X-Prometheus-Scrape-Timeout-Seconds", header.as_str())];

    let (status, warm) =
        exporter.get_with_headers(&path, &[("X-Prometheus-Scrape-Timeout-Seconds", "60")]);
    let (up, of) = collectors_up(&warm);
    if status != 200 || up != of || of == 0 {
        return Err(format!(
            "warm-up scrape on a clean link: HTTP {status}, {up} of {of} collectors up:\n{warm}\n{}",
            exporter.log()
        ));
    }
    let reference = samples(&warm);
    let sessions_before = self_metric(&exporter, "ipmi_exporter_sessions_established_total");
    let retries_before = self_metric(&exporter, "ipmi_exporter_ipmi_retries_total");
    let timeouts_before = self_metric(&exporter, "ipmi_exporter_ipmi_timeouts_total");

    let stop = Arc::new(AtomicBool::new(false));
    let max_held = Arc::new(AtomicU32::new(0));
    let poller = {
        let (sim, stop, max_held) = (Arc::clone(&sim), Arc::clone(&stop), Arc::clone(&max_held));
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                if let Ok(n) = sim.active_sessions() {
                    max_held.fetch_max(n, Ordering::SeqCst);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };

    proxy.set_config(setting.faults);
    let mut out = Outcome {
        max_overrun: f64::NEG_INFINITY,
        ..Outcome::default()
    };
    let mut durations = Vec::new();
    for i in 0..scrapes {
        let started = Instant::now();
        let (status, body) = exporter.get_with_headers(&path, &headers);
        let took = started.elapsed().as_secs_f64();
        durations.push(took);
        out.scrapes += 1;
        out.max_overrun = out.max_overrun.max(took - f64::from(setting.deadline_s));
        let (up, of) = collectors_up(&body);
        if status == 200 && up == of && of > 0 {
            out.all_up += 1;
        }
        let wrong: Vec<String> = samples(&body)
            .into_iter()
            .filter(|(series, value)| reference.get(series).is_some_and(|r| r != value))
            .map(|(series, value)| format!("{series} {value}"))
            .collect();
        if !wrong.is_empty() {
            out.wrong += 1;
            eprintln!("{}: scrape {i}: wrong samples: {wrong:?}", setting.name);
        }
        eprint!(
            "\r{}: {}/{} scrapes, {} fully up ",
            setting.name, out.scrapes, scrapes, out.all_up
        );
    }
    eprintln!();
    proxy.set_config(FaultConfig::clean());
    out.sessions_opened =
        self_metric(&exporter, "ipmi_exporter_sessions_established_total") - sessions_before;
    out.retries = self_metric(&exporter, "ipmi_exporter_ipmi_retries_total") - retries_before;
    out.timeouts = self_metric(&exporter, "ipmi_exporter_ipmi_timeouts_total") - timeouts_before;
    stop.store(true, Ordering::SeqCst);
    let _ = poller.join();
    out.max_held = max_held.load(Ordering::SeqCst);
    durations.sort_by(f64::total_cmp);
    out.median_s = durations.get(durations.len() / 2).copied().unwrap_or(0.0);
    let _ = exporter.terminate(Duration::from_secs(5));
    Ok(out)
}

fn main() -> ExitCode {
    let mut scrapes = 100u32;
    let mut only: Option<Vec<String>> = None;
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--scrapes", Some(v)) => scrapes = v.parse().unwrap_or(scrapes),
            ("--only", Some(v)) => only = Some(v.split(',').map(str::to_string).collect()),
            ("--seed", Some(v)) => seed = v.parse().unwrap_or(seed),
            _ => {
                eprintln!("usage: bench_lossy_network [--scrapes N] [--only NAME,...] [--seed N]");
                return ExitCode::from(2);
            }
        }
    }
    let mut rows = Vec::new();
    for s in settings() {
        if only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|n| n == s.name))
        {
            continue;
        }
        match run(&s, scrapes, seed) {
            Ok(o) => rows.push((s, o)),
            Err(e) => {
                eprintln!("{}: {e}", s.name);
                return ExitCode::FAILURE;
            }
        }
    }
    println!("collectors: {COLLECTORS}; {scrapes} scrapes per setting after a clean warm-up scrape; seed {seed}");
    println!();
    println!(
        "| setting | deadline header | fully up | wrong values | max overrun | median scrape | sessions opened | max sessions on BMC | retransmissions | request timeouts |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (s, o) in rows {
        println!(
            "| {} | {} s | {:.1} % ({}/{}) | {} | {:+.3} s | {:.2} s | {} | {} | {} | {} |",
            s.what,
            s.deadline_s,
            100.0 * f64::from(o.all_up) / f64::from(o.scrapes.max(1)),
            o.all_up,
            o.scrapes,
            o.wrong,
            o.max_overrun,
            o.median_s,
            o.sessions_opened,
            o.max_held,
            o.retries,
            o.timeouts,
        );
    }
    ExitCode::SUCCESS
}
