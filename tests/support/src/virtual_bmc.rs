//! An in-process virtual BMC ([`ipmi_proto::bmc::server::Server`]) served on
//! 127.0.0.1:0 from a background thread with its own tokio runtime, for
//! tests that talk to it from another process (ipmitool, FreeIPMI, the
//! `ipmi_exporter` binary) or from their own runtime.

use std::net::SocketAddr;
use std::time::Duration;

use ipmi_proto::bmc::platform::PlatformModel;
use ipmi_proto::bmc::sensors::SensorModel;
use ipmi_proto::bmc::server::{Server, StatsHandle};
use ipmi_proto::bmc::{Machine, ResponseHook};

/// A virtual BMC served from a background thread; stopped on drop.
pub struct VirtualBmc {
    addr: SocketAddr,
    stats: StatsHandle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl VirtualBmc {
    /// Serves `machine` on 127.0.0.1:0; panics when it does not start
    /// within 10 s.
    pub fn start(machine: Machine) -> Self {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            rt.block_on(async move {
                let any: SocketAddr = "127.0.0.1:0".parse().expect("address");
                let server = Server::bind(any, machine).await.expect("bind virtual BMC");
                let addr = server.local_addr().expect("local address");
                ready_tx
                    .send((addr, server.stats_handle()))
                    .expect("test thread waits");
                tokio::select! {
                    r = server.run() => panic!("virtual BMC stopped serving: {r:?}"),
                    _ = stopped => {}
                }
            });
        });
        let (addr, stats) = ready_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("virtual BMC did not start");
        Self {
            addr,
            stats,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The default machine with `platform` as its platform model.
    pub fn with_platform(platform: PlatformModel) -> Self {
        Self::start(Machine {
            platform,
            ..Machine::default()
        })
    }

    /// The default machine with `sensors` as its sensor model.
    pub fn with_sensors(sensors: SensorModel) -> Self {
        Self::start(Machine {
            sensors,
            ..Machine::default()
        })
    }

    /// The UDP address it serves.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its UDP port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `127.0.0.1:PORT`.
    pub fn target(&self) -> String {
        self.addr.to_string()
    }

    /// The server's statistics (sessions opened, handshakes refused, ...).
    pub fn stats(&self) -> &StatsHandle {
        &self.stats
    }

    /// Makes the BMC misbehave: `hook` rewrites its answers from now on
    /// (see [`crate::hostile`]).
    pub fn set_hook(&self, hook: impl ResponseHook + 'static) {
        self.stats
            .with_bmc(|b| b.set_response_hook(Some(Box::new(hook))));
    }

    /// Back to well-behaved answers.
    pub fn clear_hook(&self) {
        self.stats.with_bmc(|b| b.set_response_hook(None));
    }

    /// Puts another machine behind the same address; `drop_sessions` as
    /// in [`ipmi_proto::bmc::VirtualBmc::replace_machine`].
    pub fn replace_machine(&self, machine: Machine, drop_sessions: bool) {
        self.stats
            .with_bmc(|b| b.replace_machine(machine, drop_sessions));
    }
}

impl Drop for VirtualBmc {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let result = thread.join();
            if !std::thread::panicking() {
                result.expect("virtual BMC thread panicked");
            }
        }
    }
}
