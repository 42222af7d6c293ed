//! UDP transport: one socket shared by many BMC sessions.
//!
//! # Design
//!
//! An [`Endpoint`] owns one UDP socket and one receive task. Sessions
//! [`register`](Endpoint::register) the peer address they talk to and get a
//! [`Route`], a bounded channel of the datagrams that came from that peer.
//! The receive task demultiplexes by source address; each session then
//! checks its own session ID, integrity and sequence numbers, so several
//! sessions to the same BMC (different users) can share a route's peer and
//! simply ignore each other's datagrams.
//!
//! Why one shared socket rather than one per BMC: an exporter that watches
//! thousands of BMCs would otherwise need thousands of file descriptors and
//! kernel socket buffers; with demultiplexing, one socket per address family
//! (or a small pool) serves them all, and a datagram from an address nobody
//! registered is dropped at once. The cost is one hash-map lookup and one
//! copy per datagram. A slow session cannot stall others: its channel is
//! bounded and overflow is dropped (and counted), exactly like a datagram
//! lost on the network, which the protocol already tolerates.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Datagrams queued per route before further ones are dropped.
const ROUTE_QUEUE: usize = 64;
/// Largest datagram accepted (IPMI messages are far smaller).
const MAX_DATAGRAM: usize = 2048;

type Routes = HashMap<SocketAddr, Vec<(u64, mpsc::Sender<Vec<u8>>)>>;

#[derive(Debug)]
struct Shared {
    socket: UdpSocket,
    routes: Mutex<Routes>,
    next_id: AtomicU64,
    /// Datagrams dropped because no route matched their source.
    unrouted: AtomicU64,
    /// Datagrams dropped because a route's queue was full.
    overflow: AtomicU64,
}

#[derive(Debug)]
struct Inner {
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A UDP socket shared by many sessions, with a receive task that routes
/// datagrams by source address.
#[derive(Debug, Clone)]
pub struct Endpoint {
    inner: Arc<Inner>,
}

/// Counters of an [`Endpoint`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EndpointStats {
    /// Datagrams from addresses no session registered.
    pub unrouted: u64,
    /// Datagrams dropped because a session's queue was full.
    pub overflow: u64,
    /// Registered routes.
    pub routes: usize,
}

impl Endpoint {
    /// Binds a socket (e.g. `0.0.0.0:0` or `[::]:0`) and starts its receive
    /// task on the current tokio runtime.
    ///
    /// # Errors
    /// The socket's bind error.
    pub async fn bind(addr: SocketAddr) -> io::Result<Self> {
        let socket = UdpSocket::bind(addr).await?;
        let shared = Arc::new(Shared {
            socket,
            routes: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            unrouted: AtomicU64::new(0),
            overflow: AtomicU64::new(0),
        });
        let task = tokio::spawn(receive_loop(Arc::clone(&shared)));
        Ok(Self {
            inner: Arc::new(Inner { shared, task }),
        })
    }

    /// Binds an ephemeral port of the family of `peer` on all interfaces.
    ///
    /// # Errors
    /// The socket's bind error.
    pub async fn bind_for(peer: SocketAddr) -> io::Result<Self> {
        let any: SocketAddr = if peer.is_ipv4() {
            (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
        } else {
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
        };
        Self::bind(any).await
    }

    /// The socket's local address.
    ///
    /// # Errors
    /// The socket's error.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.shared.socket.local_addr()
    }

    /// Registers interest in datagrams from `peer`.
    pub fn register(&self, peer: SocketAddr) -> Route {
        let (tx, rx) = mpsc::channel(ROUTE_QUEUE);
        let shared = &self.inner.shared;
        let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
        shared
            .routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(peer)
            .or_default()
            .push((id, tx));
        Route {
            endpoint: self.clone(),
            peer,
            id,
            rx,
        }
    }

    /// Counters for observability.
    pub fn stats(&self) -> EndpointStats {
        let shared = &self.inner.shared;
        EndpointStats {
            unrouted: shared.unrouted.load(Ordering::Relaxed),
            overflow: shared.overflow.load(Ordering::Relaxed),
            routes: shared
                .routes
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .values()
                .map(Vec::len)
                .sum(),
        }
    }

    fn unregister(&self, peer: SocketAddr, id: u64) {
        let mut routes = self
            .inner
            .shared
            .routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(list) = routes.get_mut(&peer) {
            list.retain(|(i, _)| *i != id);
            if list.is_empty() {
                routes.remove(&peer);
            }
        }
    }
}

async fn receive_loop(shared: Arc<Shared>) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let (n, from) = match shared.socket.recv_from(&mut buf).await {
            Ok(v) => v,
            // ICMP errors (port unreachable) surface as recv errors on some
            // platforms; they concern one peer and must not stop the loop.
            Err(e) => {
                tracing::trace!(error = %e, "UDP receive error");
                continue;
            }
        };
        let data = buf.get(..n).unwrap_or_default();
        let routes = shared.routes.lock().unwrap_or_else(PoisonError::into_inner);
        match routes.get(&from) {
            Some(list) => {
                for (_, tx) in list {
                    if tx.try_send(data.to_vec()).is_err() {
                        shared.overflow.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            None => {
                shared.unrouted.fetch_add(1, Ordering::Relaxed);
                tracing::trace!(%from, len = n, "datagram from an unregistered peer dropped");
            }
        }
    }
}

/// The datagrams from one peer, and the way to send to it.
#[derive(Debug)]
pub struct Route {
    endpoint: Endpoint,
    peer: SocketAddr,
    id: u64,
    rx: mpsc::Receiver<Vec<u8>>,
}

impl Route {
    /// The peer this route talks to.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// The endpoint this route belongs to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Sends a datagram to the peer.
    ///
    /// # Errors
    /// The socket's send error.
    pub async fn send(&self, datagram: &[u8]) -> io::Result<()> {
        self.endpoint
            .inner
            .shared
            .socket
            .send_to(datagram, self.peer)
            .await
            .map(|_| ())
    }

    /// Sends without waiting (for best-effort messages from `Drop`).
    ///
    /// # Errors
    /// The socket's send error, including `WouldBlock`.
    pub fn try_send(&self, datagram: &[u8]) -> io::Result<()> {
        self.endpoint
            .inner
            .shared
            .socket
            .try_send_to(datagram, self.peer)
            .map(|_| ())
    }

    /// The next datagram from the peer. Cancellation-safe.
    pub async fn recv(&mut self) -> Option<Vec<u8>> {
        self.rx.recv().await
    }

    /// Drops every datagram already queued (stale answers).
    pub fn drain(&mut self) {
        while self.rx.try_recv().is_ok() {}
    }
}

impl Drop for Route {
    fn drop(&mut self) {
        self.endpoint.unregister(self.peer, self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn routes_by_peer() {
        let ep = Endpoint::bind("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let stranger = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let mut ra = ep.register(a.local_addr().unwrap());
        let mut rb = ep.register(b.local_addr().unwrap());
        let to = ep.local_addr().unwrap();
        stranger.send_to(b"x", to).await.unwrap();
        a.send_to(b"from a", to).await.unwrap();
        b.send_to(b"from b", to).await.unwrap();
        assert_eq!(ra.recv().await.unwrap(), b"from a");
        assert_eq!(rb.recv().await.unwrap(), b"from b");
        ra.send(b"hi").await.unwrap();
        let mut buf = [0u8; 8];
        let (n, from) = a.recv_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"hi"[..], to));
        assert_eq!(ep.stats().routes, 2);
        drop(rb);
        assert_eq!(ep.stats().routes, 1);
        assert_eq!(ep.stats().unrouted, 1);
    }
}
