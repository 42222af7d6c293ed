//! A fault-injecting UDP proxy for tests and benchmarks: it sits between an
//! IPMI client and a BMC (ipmi_sim or the virtual BMC) and loses, duplicates,
//! reorders, delays, corrupts or truncates datagrams, or swallows them all
//! (a blackhole).
//!
//! ```no_run
//! use ipmi_test_support::fault_proxy::{FaultConfig, FaultProxy};
//! let sim = ipmi_test_support::Simulator::start();
//! let upstream = sim.target().parse().unwrap();
//! let proxy = FaultProxy::start(upstream, FaultConfig::loss(0.05), 42);
//! let target = proxy.target(); // talk to this instead of the simulator
//! // ...
//! let counters = proxy.counters();
//! assert!(counters.to_bmc.received >= counters.to_bmc.forwarded);
//! ```
//!
//! * Every client address gets its own upstream socket, so the BMC sees one
//!   peer per client, as it would without the proxy.
//! * Faults are drawn from one seeded generator (splitmix64): the same seed
//!   and the same traffic give the same faults.
//! * The configuration can be changed while the proxy runs
//!   ([`FaultProxy::set_config`], [`FaultProxy::set_blackhole`]).
//! * Delayed datagrams wait in a queue served by one thread; everything
//!   stops when the proxy is dropped.

use std::collections::{BinaryHeap, HashMap};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The faults applied to datagrams going one way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Faults {
    /// Probability that a datagram is dropped.
    pub loss: f64,
    /// Probability that a datagram is sent twice.
    pub duplicate: f64,
    /// Probability that a datagram is held back by [`Faults::reorder_by`],
    /// so that later ones overtake it.
    pub reorder: f64,
    /// How long a reordered datagram is held back.
    pub reorder_by: Duration,
    /// Fixed delay of every datagram.
    pub delay: Duration,
    /// Uniformly distributed extra delay in `0..=jitter`.
    pub jitter: Duration,
    /// Probability that one byte of a datagram is flipped.
    pub corrupt: f64,
    /// Probability that a datagram is cut short (to a random length).
    pub truncate: f64,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            reorder_by: Duration::from_millis(50),
            delay: Duration::ZERO,
            jitter: Duration::ZERO,
            corrupt: 0.0,
            truncate: 0.0,
        }
    }
}

/// The faults of both directions.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FaultConfig {
    /// Client to BMC.
    pub to_bmc: Faults,
    /// BMC to client.
    pub to_client: Faults,
    /// Drop everything, both ways.
    pub blackhole: bool,
}

impl FaultConfig {
    /// No faults: a transparent proxy.
    pub fn clean() -> Self {
        Self::default()
    }

    /// `p` loss each way.
    pub fn loss(p: f64) -> Self {
        Self::both(Faults {
            loss: p,
            ..Faults::default()
        })
    }

    /// The BMC answers every request after `delay` (the delay is applied to
    /// its answers).
    pub fn slow_bmc(delay: Duration) -> Self {
        Self {
            to_client: Faults {
                delay,
                ..Faults::default()
            },
            ..Self::default()
        }
    }

    /// The same faults each way.
    pub fn both(f: Faults) -> Self {
        Self {
            to_bmc: f,
            to_client: f,
            blackhole: false,
        }
    }
}

/// Counters of one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DirectionCounters {
    /// Datagrams received by the proxy.
    pub received: u64,
    /// Datagrams sent on (duplicates included).
    pub forwarded: u64,
    /// Dropped by the loss probability.
    pub lost: u64,
    /// Dropped by the blackhole.
    pub blackholed: u64,
    /// Sent twice.
    pub duplicated: u64,
    /// Held back to be overtaken.
    pub reordered: u64,
    /// With a byte flipped.
    pub corrupted: u64,
    /// Cut short.
    pub truncated: u64,
}

/// Counters of both directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    /// Client to BMC.
    pub to_bmc: DirectionCounters,
    /// BMC to client.
    pub to_client: DirectionCounters,
    /// Distinct client addresses seen.
    pub clients: u64,
}

/// splitmix64: small, seedable, good enough to draw faults.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Dir {
    ToBmc,
    ToClient,
}

struct Pending {
    due: Instant,
    seq: u64,
    dir: Dir,
    socket: Arc<UdpSocket>,
    dest: SocketAddr,
    data: Vec<u8>,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.due, self.seq) == (other.due, other.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    // Earliest first in a max-heap.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (other.due, other.seq).cmp(&(self.due, self.seq))
    }
}

struct State {
    config: FaultConfig,
    rng: Rng,
    counters: Counters,
    queue: BinaryHeap<Pending>,
    seq: u64,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    stop: AtomicBool,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies the faults of `dir` to one datagram and queues what survives.
    fn submit(&self, dir: Dir, socket: &Arc<UdpSocket>, dest: SocketAddr, data: &[u8]) {
        let now = Instant::now();
        let mut st = self.lock();
        let State {
            config,
            rng,
            counters,
            queue,
            seq,
        } = &mut *st;
        let (faults, c) = match dir {
            Dir::ToBmc => (config.to_bmc, &mut counters.to_bmc),
            Dir::ToClient => (config.to_client, &mut counters.to_client),
        };
        c.received += 1;
        if config.blackhole {
            c.blackholed += 1;
            return;
        }
        if rng.chance(faults.loss) {
            c.lost += 1;
            return;
        }
        let copies = if rng.chance(faults.duplicate) {
            c.duplicated += 1;
            2
        } else {
            1
        };
        for _ in 0..copies {
            let mut data = data.to_vec();
            if rng.chance(faults.corrupt) && !data.is_empty() {
                let at = rng.below(data.len() as u64) as usize;
                if let Some(b) = data.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
                c.corrupted += 1;
            }
            if rng.chance(faults.truncate) && !data.is_empty() {
                let len = rng.below(data.len() as u64) as usize;
                data.truncate(len);
                c.truncated += 1;
            }
            let jitter_ns = u64::try_from(faults.jitter.as_nanos()).unwrap_or(u64::MAX);
            let mut wait =
                faults.delay + Duration::from_nanos(rng.below(jitter_ns.saturating_add(1)));
            if rng.chance(faults.reorder) {
                wait += faults.reorder_by;
                c.reordered += 1;
            }
            *seq += 1;
            queue.push(Pending {
                due: now + wait,
                seq: *seq,
                dir,
                socket: Arc::clone(socket),
                dest,
                data,
            });
        }
        drop(st);
        self.wake.notify_all();
    }
}

/// A running proxy; stopped when dropped.
pub struct FaultProxy {
    shared: Arc<Shared>,
    listen: Arc<UdpSocket>,
    upstream: SocketAddr,
    threads: Vec<JoinHandle<()>>,
    clients: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl std::fmt::Debug for FaultProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultProxy")
            .field("listen", &self.listen.local_addr().ok())
            .field("upstream", &self.upstream)
            .finish_non_exhaustive()
    }
}

const POLL: Duration = Duration::from_millis(50);

impl FaultProxy {
    /// Starts a proxy on an ephemeral port of 127.0.0.1 forwarding to
    /// `upstream`, drawing faults from `seed`.
    pub fn start(upstream: SocketAddr, config: FaultConfig, seed: u64) -> Self {
        Self::start_on(
            "127.0.0.1:0".parse().expect("address"),
            upstream,
            config,
            seed,
        )
    }

    /// Starts a proxy listening on `listen`.
    pub fn start_on(
        listen: SocketAddr,
        upstream: SocketAddr,
        config: FaultConfig,
        seed: u64,
    ) -> Self {
        let socket = UdpSocket::bind(listen)
            .unwrap_or_else(|e| panic!("fault proxy: cannot bind {listen}: {e}"));
        socket.set_read_timeout(Some(POLL)).expect("read timeout");
        let listen = Arc::new(socket);
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                config,
                rng: Rng(seed),
                counters: Counters::default(),
                queue: BinaryHeap::new(),
                seq: 0,
            }),
            wake: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let clients = Arc::new(Mutex::new(Vec::new()));
        let sender = {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || send_loop(&shared))
        };
        let receiver = {
            let shared = Arc::clone(&shared);
            let listen = Arc::clone(&listen);
            let clients = Arc::clone(&clients);
            std::thread::spawn(move || client_loop(&shared, &listen, upstream, &clients))
        };
        Self {
            shared,
            listen,
            upstream,
            threads: vec![sender, receiver],
            clients,
        }
    }

    /// The proxy's address.
    pub fn addr(&self) -> SocketAddr {
        self.listen.local_addr().expect("local address")
    }

    /// The proxy's address as an IPMI target string (`127.0.0.1:PORT`).
    pub fn target(&self) -> String {
        self.addr().to_string()
    }

    /// Replaces the fault configuration (applies to datagrams received from
    /// now on).
    pub fn set_config(&self, config: FaultConfig) {
        self.shared.lock().config = config;
    }

    /// Swallows (or stops swallowing) everything, both ways.
    pub fn set_blackhole(&self, on: bool) {
        self.shared.lock().config.blackhole = on;
    }

    /// The counters so far.
    pub fn counters(&self) -> Counters {
        self.shared.lock().counters
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.wake.notify_all();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        let clients: Vec<_> =
            std::mem::take(&mut *self.clients.lock().unwrap_or_else(PoisonError::into_inner));
        for t in clients {
            let _ = t.join();
        }
    }
}

fn send_loop(shared: &Shared) {
    let mut st = shared.lock();
    while !shared.stop.load(Ordering::SeqCst) {
        let now = Instant::now();
        match st.queue.peek().map(|p| p.due) {
            Some(due) if due <= now => {
                if let Some(p) = st.queue.pop() {
                    let c = match p.dir {
                        Dir::ToBmc => &mut st.counters.to_bmc,
                        Dir::ToClient => &mut st.counters.to_client,
                    };
                    c.forwarded += 1;
                    drop(st);
                    let _ = p.socket.send_to(&p.data, p.dest);
                    st = shared.lock();
                }
            }
            Some(due) => {
                st = shared
                    .wake
                    .wait_timeout(st, due - now)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            None => {
                st = shared
                    .wake
                    .wait_timeout(st, POLL)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
        }
    }
}

fn client_loop(
    shared: &Arc<Shared>,
    listen: &Arc<UdpSocket>,
    upstream: SocketAddr,
    clients: &Mutex<Vec<JoinHandle<()>>>,
) {
    let mut upstreams: HashMap<SocketAddr, Arc<UdpSocket>> = HashMap::new();
    let mut buf = vec![0u8; 65536];
    while !shared.stop.load(Ordering::SeqCst) {
        let Ok((n, from)) = listen.recv_from(&mut buf) else {
            continue;
        };
        let up = match upstreams.get(&from) {
            Some(s) => Arc::clone(s),
            None => {
                let bind: SocketAddr = if upstream.is_ipv4() {
                    "127.0.0.1:0".parse().expect("address")
                } else {
                    "[::1]:0".parse().expect("address")
                };
                let Ok(s) = UdpSocket::bind(bind) else {
                    continue;
                };
                let _ = s.set_read_timeout(Some(POLL));
                let s = Arc::new(s);
                upstreams.insert(from, Arc::clone(&s));
                shared.lock().counters.clients += 1;
                let (shared2, listen2, s2) =
                    (Arc::clone(shared), Arc::clone(listen), Arc::clone(&s));
                let t = std::thread::spawn(move || bmc_loop(&shared2, &s2, &listen2, from));
                clients
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(t);
                s
            }
        };
        shared.submit(Dir::ToBmc, &up, upstream, buf.get(..n).unwrap_or_default());
    }
}

fn bmc_loop(shared: &Shared, up: &UdpSocket, listen: &Arc<UdpSocket>, client: SocketAddr) {
    let mut buf = vec![0u8; 65536];
    while !shared.stop.load(Ordering::SeqCst) {
        let Ok((n, _)) = up.recv_from(&mut buf) else {
            continue;
        };
        shared.submit(
            Dir::ToClient,
            listen,
            client,
            buf.get(..n).unwrap_or_default(),
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn echo() -> (UdpSocket, JoinHandle<()>) {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        let s2 = s.try_clone().unwrap();
        s2.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        let t = std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            while let Ok((n, from)) = s2.recv_from(&mut buf) {
                if &buf[..n] == b"quit" {
                    break;
                }
                let _ = s2.send_to(&buf[..n], from);
            }
        });
        (s, t)
    }

    #[test]
    fn clean_proxy_forwards_both_ways() {
        let (bmc, t) = echo();
        let proxy = FaultProxy::start(bmc.local_addr().unwrap(), FaultConfig::clean(), 1);
        let c = UdpSocket::bind("127.0.0.1:0").unwrap();
        c.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut buf = [0u8; 64];
        for i in 0..10u8 {
            c.send_to(&[i; 4], proxy.addr()).unwrap();
            let (n, from) = c.recv_from(&mut buf).unwrap();
            assert_eq!((&buf[..n], from), (&[i; 4][..], proxy.addr()));
        }
        let k = proxy.counters();
        assert_eq!(k.to_bmc.forwarded, 10);
        assert_eq!(k.to_client.forwarded, 10);
        assert_eq!(k.clients, 1);
        c.send_to(b"quit", proxy.addr()).unwrap();
        drop(proxy);
        t.join().unwrap();
    }

    #[test]
    fn same_seed_same_faults() {
        let run = |seed| {
            let (bmc, t) = echo();
            let faults = Faults {
                loss: 0.3,
                duplicate: 0.2,
                corrupt: 0.2,
                truncate: 0.1,
                ..Faults::default()
            };
            let cfg = FaultConfig {
                to_bmc: faults,
                to_client: Faults::default(),
                blackhole: false,
            };
            let proxy = FaultProxy::start(bmc.local_addr().unwrap(), cfg, seed);
            let c = UdpSocket::bind("127.0.0.1:0").unwrap();
            for i in 0..200u8 {
                c.send_to(&[i; 8], proxy.addr()).unwrap();
            }
            let until = Instant::now() + Duration::from_secs(10);
            while proxy.counters().to_bmc.received < 200 && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(10));
            }
            std::thread::sleep(Duration::from_millis(50));
            let k = proxy.counters().to_bmc;
            proxy.set_config(FaultConfig::clean());
            c.send_to(b"quit", proxy.addr()).unwrap();
            std::thread::sleep(Duration::from_millis(100));
            drop(proxy);
            t.join().unwrap();
            k
        };
        let a = run(7);
        assert_eq!(a.received, 200);
        assert!(a.lost > 30 && a.lost < 90, "{a:?}");
        assert!(
            a.duplicated > 0 && a.corrupted > 0 && a.truncated > 0,
            "{a:?}"
        );
        assert_eq!(a.forwarded, a.received - a.lost + a.duplicated);
        assert_eq!(run(7), a);
    }

    #[test]
    fn blackhole_swallows_everything() {
        let (bmc, t) = echo();
        let proxy = FaultProxy::start(bmc.local_addr().unwrap(), FaultConfig::clean(), 1);
        proxy.set_blackhole(true);
        let c = UdpSocket::bind("127.0.0.1:0").unwrap();
        c.set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        c.send_to(b"x", proxy.addr()).unwrap();
        let mut buf = [0u8; 8];
        assert!(c.recv_from(&mut buf).is_err());
        assert_eq!(proxy.counters().to_bmc.blackholed, 1);
        proxy.set_blackhole(false);
        c.send_to(b"quit", proxy.addr()).unwrap();
        drop(proxy);
        t.join().unwrap();
    }

    #[test]
    fn reordered_datagrams_are_overtaken() {
        let (bmc, t) = echo();
        let cfg = FaultConfig {
            to_bmc: Faults {
                reorder: 1.0,
                reorder_by: Duration::from_millis(200),
                ..Faults::default()
            },
            ..FaultConfig::default()
        };
        let proxy = FaultProxy::start(bmc.local_addr().unwrap(), cfg, 1);
        let c = UdpSocket::bind("127.0.0.1:0").unwrap();
        c.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        c.send_to(b"first", proxy.addr()).unwrap();
        while proxy.counters().to_bmc.received == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
        proxy.set_config(FaultConfig::clean());
        c.send_to(b"second", proxy.addr()).unwrap();
        let mut buf = [0u8; 16];
        let (n, _) = c.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"second");
        let (n, _) = c.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"first");
        c.send_to(b"quit", proxy.addr()).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        drop(proxy);
        t.join().unwrap();
    }
}
