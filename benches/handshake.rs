//! Session setup cost per cipher suite: round trips and wall time of one
//! handshake (Get Channel Auth Caps, Open Session, RAKP 1/3 and Set Session
//! Privilege Level), against the project's ipmi_sim machine and against the
//! virtual BMC for the suites ipmi_sim lacks.
//!
//! Run with `cargo bench --bench handshake` (needs `ipmi_sim`). It prints one
//! row per suite: datagrams sent and received by the client until the
//! session is usable, and the median / p90 wall time over `ROUNDS` runs.

use std::time::{Duration, Instant};

use ipmi_proto::bmc::server::Server;
use ipmi_proto::bmc::Machine;
use ipmi_proto::client::{Client, ClientOptions, Credentials, Interface};
use ipmi_proto::session::Lan15AuthType;
use ipmi_test_support::Simulator;

const ROUNDS: usize = 50;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(idx).copied().unwrap_or_default()
}

async fn measure(target: &str, opts: &ClientOptions, label: &str) {
    let mut times = Vec::with_capacity(ROUNDS);
    let mut sent = 0;
    let mut received = 0;
    for _ in 0..ROUNDS {
        let creds = Credentials::new("admin", b"password").unwrap();
        let start = Instant::now();
        let client = Client::connect(target, creds, opts.clone()).await.unwrap();
        times.push(start.elapsed());
        let stats = client.stats().await;
        sent = stats.datagrams_sent;
        received = stats.datagrams_received;
        client.close().await;
    }
    times.sort();
    println!(
        "{label:<28} {sent:>4} {received:>4} {:>10.3} {:>10.3}",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.9).as_secs_f64() * 1e3,
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sim = Simulator::start();
        let server = Server::bind("127.0.0.1:0".parse().unwrap(), Machine::default())
            .await
            .unwrap();
        let vbmc = server.local_addr().unwrap().to_string();
        let _task = server.spawn();
        println!("{ROUNDS} handshakes each, privilege ADMINISTRATOR, loopback");
        println!(
            "{:<28} {:>4} {:>4} {:>10} {:>10}",
            "session", "sent", "recv", "median ms", "p90 ms"
        );
        let base = ClientOptions {
            timeout: Duration::from_millis(500),
            ..ClientOptions::default()
        };
        for suite in [0u8, 1, 2, 3, 6, 11] {
            let opts = ClientOptions {
                cipher_suite: Some(suite),
                ..base.clone()
            };
            measure(&sim.target(), &opts, &format!("ipmi_sim suite {suite}")).await;
        }
        measure(&sim.target(), &base, "ipmi_sim default (17->3)").await;
        for (auth, name) in [
            (Lan15AuthType::Md5, "md5"),
            (Lan15AuthType::Password, "password"),
        ] {
            let opts = ClientOptions {
                interface: Interface::Lan,
                lan15_auth: auth,
                ..base.clone()
            };
            measure(&sim.target(), &opts, &format!("ipmi_sim IPMI 1.5 {name}")).await;
        }
        for suite in [3u8, 15, 16, 17] {
            let opts = ClientOptions {
                cipher_suite: Some(suite),
                ..base.clone()
            };
            measure(&vbmc, &opts, &format!("virtual BMC suite {suite}")).await;
        }
    });
}
