//! Runs a [`VirtualBmc`] on a tokio UDP socket.
//!
//!
//! Each [`Server`] is one socket and one task, so tests and benchmarks can
//! stand up thousands of BMCs in one process.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

use super::{BmcStats, Entropy, Machine, VirtualBmc};

/// Random bytes from the operating system's generator.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn fill(&mut self, buf: &mut [u8]) {
        use rand::RngCore;
        rand::rngs::OsRng.fill_bytes(buf);
    }
}

/// A virtual BMC bound to a UDP socket.
#[derive(Debug)]
pub struct Server {
    socket: UdpSocket,
    bmc: Arc<Mutex<VirtualBmc>>,
}

impl Server {
    /// Binds `addr` for a BMC presenting `machine`.
    ///
    /// # Errors
    /// The bind error.
    pub async fn bind(addr: SocketAddr, machine: Machine) -> io::Result<Self> {
        Ok(Self {
            socket: UdpSocket::bind(addr).await?,
            bmc: Arc::new(Mutex::new(VirtualBmc::new(machine))),
        })
    }

    /// The bound address.
    ///
    /// # Errors
    /// The socket's error.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// A handle to read the BMC's counters while it runs.
    pub fn stats_handle(&self) -> StatsHandle {
        StatsHandle(Arc::clone(&self.bmc))
    }

    /// Serves until the task is aborted or the socket fails.
    ///
    /// # Errors
    /// A send or receive error other than a per-peer ICMP error.
    pub async fn run(self) -> io::Result<()> {
        let mut buf = vec![0u8; 2048];
        let mut rng = OsEntropy;
        loop {
            let (n, peer) = match self.socket.recv_from(&mut buf).await {
                Ok(v) => v,
                Err(e)
                    if e.kind() == io::ErrorKind::ConnectionRefused
                        || e.kind() == io::ErrorKind::ConnectionReset =>
                {
                    continue
                }
                Err(e) => return Err(e),
            };
            let answer = {
                let mut bmc = self.bmc.lock().unwrap_or_else(PoisonError::into_inner);
                bmc.handle_datagram(
                    peer,
                    buf.get(..n).unwrap_or_default(),
                    Instant::now(),
                    &mut rng,
                )
            };
            if let Some(answer) = answer {
                if let Err(e) = self.socket.send_to(&answer, peer).await {
                    tracing::debug!(%peer, error = %e, "virtual BMC send failed");
                }
            }
        }
    }

    /// Runs the server on a new task.
    pub fn spawn(self) -> JoinHandle<io::Result<()>> {
        tokio::spawn(self.run())
    }
}

/// Reads a running BMC's counters.
#[derive(Debug, Clone)]
pub struct StatsHandle(Arc<Mutex<VirtualBmc>>);

impl StatsHandle {
    /// The counters now.
    pub fn stats(&self) -> BmcStats {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .stats()
    }

    /// Runs `f` on the running BMC: set a [`super::ResponseHook`], swap
    /// its machine, inspect it.
    pub fn with_bmc<R>(&self, f: impl FnOnce(&mut VirtualBmc) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Established sessions now.
    pub fn active_sessions(&self) -> usize {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .active_sessions()
    }
}
