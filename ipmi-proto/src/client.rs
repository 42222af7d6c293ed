//! The async IPMI-over-LAN client (tokio).
//!
//! ```no_run
//! # async fn demo() -> Result<(), ipmi_proto::Error> {
//! use ipmi_proto::client::{Client, ClientOptions, Credentials};
//! use ipmi_proto::commands::app::GetDeviceId;
//!
//! let creds = Credentials::new("admin", b"password")?;
//! let client = Client::connect("10.0.0.5", creds, ClientOptions::default()).await?;
//! let id = client.execute(&GetDeviceId).await?;
//! println!("manufacturer {}", id.manufacturer_id);
//! client.close().await;
//! # Ok(()) }
//! ```
//!
//! * One request in flight per session: calls on one [`Client`] are
//!   serialized, as BMCs corrupt or drop concurrent requests.
//! * Every call is cancellation-safe: dropping its future (an outer scrape
//!   deadline) leaves the session usable; a late answer is discarded later
//!   because its rqSeq no longer matches.
//! * Retransmits carry the same rqSeq and a new session sequence number
//!   (IPMI v2.0 §6.12.13: a repeated sequence number is discarded), so a
//!   late answer to any earlier copy answers the request.
//! * The retransmission timeout adapts to the BMC's measured round trips
//!   ([`RtoEstimator`], between [`ClientOptions::rto_floor`] and
//!   [`ClientOptions::rto_ceiling`]). Inside [`with_deadline`] a request is
//!   retransmitted for as long as the deadline allows and gives up just
//!   before it; outside, after [`ClientOptions::retries`] retransmissions.
//! * A handshake step that times out is retransmitted as it was (the
//!   BMC's late answer still counts); only every fourth silent attempt
//!   starts again from Open Session.
//! * The session stays open across calls, also after a call timed out. The
//!   next call after a timeout (or after [`ClientOptions::idle_limit`] of
//!   silence) probes it; if that goes unanswered too, the session is
//!   closed (best effort) and, with [`ClientOptions::reestablish`], a new
//!   one is established and the call repeated. [`Client::close`] (or
//!   dropping the client) sends Close Session.
//! * Many clients can share one UDP socket through an [`Endpoint`].

use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::codec::Codec;
use crate::commands::app::{CloseSession, SetSessionPrivilegeLevel};
use crate::commands::Command;
use crate::crypto::keys::{BmcKey, Password};
use crate::crypto::suite::CipherSuite;
use crate::error::Error;
use crate::session::rto::{RtoEstimator, DEFAULT_RTO_CEILING, DEFAULT_RTO_FLOOR};
use crate::session::{
    Handshake, HandshakeError, HandshakeEvent, HandshakeRandom, HandshakeStep, Lan15AuthType,
    Lan15Handshake, Lan15Random, OpenSessionPrivilege, Session, SessionConfig, SessionInfo, Stage,
};
use crate::transport::{Endpoint, Route};
use crate::types::{CompletionCode, NetFn, PrivilegeLevel, RakpStatus};
use crate::wire::message::{IpmiRequest, IpmiResponse, BMC_SLAVE_ADDR};

/// The default RMCP port (IPMI v2.0 §13.1.1).
pub const DEFAULT_PORT: u16 = 623;

/// The cipher suites tried, in order, when none is pinned.
pub const DEFAULT_CIPHER_SUITES: &[u8] = &[17, 3];

/// User name and password.
#[derive(Debug, Clone)]
pub struct Credentials {
    username: Vec<u8>,
    password: Password,
}

impl Credentials {
    /// Credentials from a user name (≤ 16 bytes) and password (≤ 20 bytes).
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a name or password that is too long.
    pub fn new(username: &str, password: &[u8]) -> Result<Self, Error> {
        if username.len() > 16 {
            return Err(Error::InvalidOption(format!(
                "user name is {} bytes long, at most 16 are allowed",
                username.len()
            )));
        }
        Ok(Self {
            username: username.as_bytes().to_vec(),
            password: Password::new(password)?,
        })
    }

    /// The user name.
    pub fn username(&self) -> &[u8] {
        &self.username
    }
}

/// Which session protocol to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Interface {
    /// IPMI 2.0 / RMCP+ ("lanplus", FreeIPMI `LAN_2_0`).
    #[default]
    LanPlus,
    /// IPMI 1.5 ("lan", FreeIPMI `LAN`).
    Lan,
}

/// Connection options.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Session protocol.
    pub interface: Interface,
    /// Time to wait for the first answer from a BMC before retransmitting
    /// (the initial retransmission timeout, before round trips are
    /// measured). Default 1 s.
    pub timeout: Duration,
    /// Retransmissions after the first attempt, for calls outside
    /// [`with_deadline`] (inside, the deadline bounds the attempts).
    /// Default 3.
    pub retries: u32,
    /// Lower bound of the adaptive retransmission timeout. Default
    /// [`DEFAULT_RTO_FLOOR`] (200 ms; see [`crate::session::rto`] for why).
    pub rto_floor: Duration,
    /// Upper bound of the adaptive retransmission timeout. Default
    /// [`DEFAULT_RTO_CEILING`] (4 s).
    pub rto_ceiling: Duration,
    /// Re-establish a session that stopped answering (the BMC dropped it,
    /// rebooted, or timed it out while idle) and repeat the call. Default
    /// `true`.
    pub reestablish: bool,
    /// A session silent for this long is probed before use as after a
    /// timeout (BMCs drop idle sessions after 60 s, IPMI v2.0 §6.12.15;
    /// many after 30 s). Default 30 s.
    pub idle_limit: Duration,
    /// A pinned cipher suite; `None` tries [`DEFAULT_CIPHER_SUITES`] in order.
    /// Suite 0 (no authentication) is used only when pinned.
    pub cipher_suite: Option<u8>,
    /// The session privilege level.
    pub privilege: PrivilegeLevel,
    /// The BMC key K_g.
    pub kg: Option<BmcKey>,
    /// What Open Session asks for; `None` sends the concrete privilege and
    /// retries with "highest" if the BMC refuses the role in RAKP 2.
    pub open_session_privilege: Option<OpenSessionPrivilege>,
    /// IPMI 1.5 authentication type.
    pub lan15_auth: Lan15AuthType,
    /// A shared UDP endpoint; `None` binds a socket for this client.
    pub endpoint: Option<Endpoint>,
    /// Called with the round-trip time of every answered request.
    pub latency_observer: Option<LatencyObserver>,
}

/// A callback receiving request round-trip times (for latency histograms).
#[derive(Clone)]
pub struct LatencyObserver(pub std::sync::Arc<dyn Fn(Duration) + Send + Sync>);

impl std::fmt::Debug for LatencyObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LatencyObserver")
    }
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            interface: Interface::LanPlus,
            timeout: Duration::from_secs(1),
            retries: 3,
            rto_floor: DEFAULT_RTO_FLOOR,
            rto_ceiling: DEFAULT_RTO_CEILING,
            reestablish: true,
            idle_limit: Duration::from_secs(30),
            cipher_suite: None,
            privilege: PrivilegeLevel::Administrator,
            kg: None,
            open_session_privilege: None,
            lan15_auth: Lan15AuthType::Md5,
            endpoint: None,
            latency_observer: None,
        }
    }
}

/// Counters of one client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientStats {
    /// Requests sent (first transmissions).
    pub requests: u64,
    /// Retransmissions.
    pub retries: u64,
    /// Requests that timed out completely.
    pub timeouts: u64,
    /// Sessions established.
    pub sessions: u64,
    /// Sessions found dead (unanswered after a timeout) and replaced.
    pub reestablished: u64,
    /// Datagrams sent, handshakes included.
    pub datagrams_sent: u64,
    /// Datagrams received from the peer, handshakes included.
    pub datagrams_received: u64,
    /// Datagrams received and dropped (foreign, replayed, failing integrity,
    /// unmatched).
    pub dropped: u64,
}

struct State {
    route: Route,
    session: Option<Session>,
    stats: ClientStats,
    /// The cipher suite that worked, reused when the session is re-established.
    negotiated_suite: Option<u8>,
    /// Retransmission timeout of this BMC.
    rto: RtoEstimator,
    /// The last call timed out: the session may be gone.
    suspect: bool,
    /// When the BMC last answered in the session.
    last_answer: Option<Instant>,
}

tokio::task_local! {
    static DEADLINE: Instant;
}

/// Runs `f` with a deadline for every request it makes: requests are
/// retransmitted while time remains and fail with [`Error::Timeout`] just
/// before `deadline`, rather than after a fixed number of attempts.
pub async fn with_deadline<F: std::future::Future>(deadline: Instant, f: F) -> F::Output {
    DEADLINE.scope(deadline, f).await
}

fn current_deadline() -> Option<Instant> {
    DEADLINE.try_with(|d| *d).ok()
}

/// Time kept in hand before a deadline so the error is returned before the
/// caller's own timer fires.
const DEADLINE_MARGIN: Duration = Duration::from_millis(20);

/// An IPMI session to one BMC.
pub struct Client {
    target: String,
    peer: SocketAddr,
    credentials: Credentials,
    options: ClientOptions,
    state: Mutex<State>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("target", &self.target)
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

/// Parses `host`, `host:port`, `[v6]:port` or a bare IPv6 address.
fn split_target(target: &str) -> Result<(String, u16), Error> {
    let invalid = |reason: &str| Error::InvalidTarget {
        target: target.to_string(),
        reason: reason.to_string(),
    };
    let t = target.trim();
    if t.is_empty() {
        return Err(invalid("empty"));
    }
    if let Some(rest) = t.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(|| invalid("missing ']'"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| invalid("bad port"))?,
            None if after.is_empty() => DEFAULT_PORT,
            None => return Err(invalid("junk after ']'")),
        };
        return Ok((host.to_string(), port));
    }
    if t.matches(':').count() > 1 {
        // A bare IPv6 address.
        return Ok((t.to_string(), DEFAULT_PORT));
    }
    match t.split_once(':') {
        Some((host, port)) => Ok((
            host.to_string(),
            port.parse().map_err(|_| invalid("bad port"))?,
        )),
        None => Ok((t.to_string(), DEFAULT_PORT)),
    }
}

/// Resolves a target string to a socket address.
///
/// # Errors
/// [`Error::InvalidTarget`] when it does not parse or resolve.
pub async fn resolve_target(target: &str) -> Result<SocketAddr, Error> {
    let (host, port) = split_target(target)?;
    let mut addrs = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| Error::InvalidTarget {
            target: target.to_string(),
            reason: e.to_string(),
        })?;
    addrs.next().ok_or_else(|| Error::InvalidTarget {
        target: target.to_string(),
        reason: "no address".to_string(),
    })
}

/// The Close Session request for `session` (IPMI v2.0 §22.19).
fn close_datagram(session: &mut Session) -> Vec<u8> {
    let rq = session.next_rq_seq();
    let req = IpmiRequest::to_bmc(
        CloseSession::NETFN,
        CloseSession::CMD,
        rq,
        CloseSession::new(session.bmc_session_id()).to_bytes(),
    );
    session.encode_request(&req, random_iv())
}

fn random_iv() -> [u8; 16] {
    rand::random()
}

fn handshake_random() -> HandshakeRandom {
    HandshakeRandom {
        console_session_id: rand::random::<u32>().max(1),
        console_random: rand::random(),
        tag: rand::random(),
        rq_seq: rand::random(),
    }
}

/// How many transmissions a request may have: `Some(n)` without a
/// deadline, `None` (until the deadline) with one.
fn attempt_budget(options: &ClientOptions) -> (Option<u32>, Option<Instant>) {
    match current_deadline() {
        Some(d) => (None, Some(d.checked_sub(DEADLINE_MARGIN).unwrap_or(d))),
        None => (Some(options.retries.saturating_add(1)), None),
    }
}

impl Client {
    /// Resolves `target` and establishes a session.
    ///
    /// # Errors
    /// [`Error::InvalidTarget`], [`Error::Timeout`], [`Error::Handshake`]
    /// (authentication failures among them) or I/O errors.
    pub async fn connect(
        target: &str,
        credentials: Credentials,
        options: ClientOptions,
    ) -> Result<Self, Error> {
        let peer = resolve_target(target).await?;
        let endpoint = match &options.endpoint {
            Some(e) => e.clone(),
            None => Endpoint::bind_for(peer).await?,
        };
        let route = endpoint.register(peer);
        let client = Self {
            target: target.to_string(),
            peer,
            credentials,
            options: options.clone(),
            state: Mutex::new(State {
                route,
                session: None,
                stats: ClientStats::default(),
                negotiated_suite: None,
                rto: RtoEstimator::new(options.timeout, options.rto_floor, options.rto_ceiling),
                suspect: false,
                last_answer: None,
            }),
        };
        {
            let mut state = client.state.lock().await;
            client.establish(&mut state).await?;
        }
        Ok(client)
    }

    /// The target as given to [`Client::connect`].
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The resolved peer address.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// Facts about the current session, if one is open.
    pub async fn session_info(&self) -> Option<SessionInfo> {
        self.state.lock().await.session.as_ref().map(Session::info)
    }

    /// The client's counters.
    pub async fn stats(&self) -> ClientStats {
        self.state.lock().await.stats
    }

    /// Runs a typed command and decodes its response.
    ///
    /// # Errors
    /// [`Error::Completion`] for a non-zero completion code, [`Error::Decode`]
    /// for an undecodable response, and the errors of [`Client::connect`].
    pub async fn execute<C: Command>(&self, cmd: &C) -> Result<C::Response, Error> {
        let resp = self.request(C::NETFN, C::CMD, 0, cmd.to_bytes()).await?;
        if resp.completion != CompletionCode::Ok {
            return Err(Error::Completion {
                netfn: C::NETFN,
                cmd: C::CMD,
                code: resp.completion,
            });
        }
        Ok(C::Response::decode(&mut crate::codec::Reader::new(
            &resp.data,
        ))?)
    }

    /// Sends a raw request to the BMC at `lun` and returns the whole response,
    /// whatever its completion code.
    ///
    /// # Errors
    /// Timeouts, I/O and session errors; never a completion code.
    pub async fn request(
        &self,
        netfn: NetFn,
        cmd: u8,
        lun: u8,
        data: Vec<u8>,
    ) -> Result<IpmiResponse, Error> {
        let mut state = self.state.lock().await;
        if state.session.is_none() {
            self.establish(&mut state).await?;
        }
        let idle = state
            .last_answer
            .is_some_and(|t| t.elapsed() >= self.options.idle_limit);
        let probing = (state.suspect || idle) && self.options.reestablish;
        // A suspect session gets a short probe (three transmissions) before
        // it is declared dead; the rest of the budget is for a new one.
        let probe = probing.then_some(3);
        match self
            .exchange(&mut state, netfn, cmd, lun, data.clone(), probe)
            .await
        {
            Err(Error::Timeout { .. }) if probing => {
                tracing::debug!(target = %self.target, "session unanswered after a timeout or idle time; establishing a new one");
                self.close_locked(&mut state).await;
                state.stats.reestablished = state.stats.reestablished.saturating_add(1);
                self.establish(&mut state).await?;
                let result = self.exchange(&mut state, netfn, cmd, lun, data, None).await;
                self.after(&mut state, result)
            }
            result => self.after(&mut state, result),
        }
    }

    fn after(
        &self,
        state: &mut State,
        result: Result<IpmiResponse, Error>,
    ) -> Result<IpmiResponse, Error> {
        match &result {
            Ok(_) => {
                state.suspect = false;
                state.last_answer = Some(Instant::now());
            }
            Err(Error::Timeout { .. }) => {
                // Keep the session: a lossy link or a slow BMC is no reason
                // to pay a handshake again. The next call probes it.
                state.suspect = true;
                state.stats.timeouts = state.stats.timeouts.saturating_add(1);
            }
            Err(_) => {}
        }
        result
    }

    /// Closes the session (Close Session, one attempt, short wait).
    pub async fn close(&self) {
        let mut state = self.state.lock().await;
        let Some(mut session) = state.session.take() else {
            return;
        };
        if state
            .route
            .send(&close_datagram(&mut session))
            .await
            .is_ok()
        {
            // Some BMCs never answer Close Session: wait briefly, at most once.
            let wait = self.options.timeout.min(Duration::from_millis(250));
            let _ = tokio::time::timeout(wait, state.route.recv()).await;
        }
    }

    async fn exchange(
        &self,
        state: &mut State,
        netfn: NetFn,
        cmd: u8,
        lun: u8,
        data: Vec<u8>,
        max_attempts: Option<u32>,
    ) -> Result<IpmiResponse, Error> {
        let State {
            route,
            session,
            stats,
            rto,
            ..
        } = state;
        let session = session.as_mut().ok_or(Error::SessionClosed)?;
        let mut req = IpmiRequest::to_bmc(netfn, cmd, session.next_rq_seq(), data);
        req.rs_addr = BMC_SLAVE_ADDR;
        req.rs_lun = lun & 3;
        stats.requests = stats.requests.saturating_add(1);
        let started = Instant::now();
        let (count, until) = attempt_budget(&self.options);
        let count = match (count, max_attempts) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let mut attempt = 0u32;
        loop {
            if count.is_some_and(|c| attempt >= c) || until.is_some_and(|u| Instant::now() >= u) {
                break;
            }
            if attempt > 0 {
                stats.retries = stats.retries.saturating_add(1);
            }
            let datagram = session.encode_request(&req, random_iv());
            route.send(&datagram).await?;
            let sent_at = Instant::now();
            stats.datagrams_sent = stats.datagrams_sent.saturating_add(1);
            let mut deadline = sent_at + rto.wait(attempt);
            if let Some(u) = until {
                deadline = deadline.min(u);
            }
            attempt = attempt.saturating_add(1);
            loop {
                let Ok(received) = tokio::time::timeout_at(deadline, route.recv()).await else {
                    break;
                };
                let bytes = received.ok_or(Error::SessionClosed)?;
                stats.datagrams_received = stats.datagrams_received.saturating_add(1);
                match session.decode_response(&bytes) {
                    Ok(resp) if req.is_answered_by(&resp) => {
                        if resp.completion == CompletionCode::DuplicateRequest {
                            // The BMC is still working on the first copy.
                            continue;
                        }
                        if let Some(observe) = &self.options.latency_observer {
                            (observe.0)(sent_at.elapsed());
                        }
                        if attempt == 1 {
                            rto.sample(sent_at.elapsed());
                        } else {
                            rto.backoff();
                        }
                        return Ok(resp);
                    }
                    Ok(_) | Err(_) => {
                        stats.dropped = stats.dropped.saturating_add(1);
                    }
                }
            }
        }
        rto.backoff();
        Err(Error::Timeout {
            what: crate::commands::command_name(netfn, cmd),
            elapsed: started.elapsed(),
            attempts: attempt,
        })
    }

    async fn establish(&self, state: &mut State) -> Result<(), Error> {
        state.route.drain();
        let session = match self.options.interface {
            Interface::LanPlus => self.establish_rmcp_plus(state).await?,
            Interface::Lan => self.establish_lan15(state).await?,
        };
        state.session = Some(session);
        state.stats.sessions = state.stats.sessions.saturating_add(1);
        if self.options.privilege.rank() > PrivilegeLevel::User.rank() {
            let result = self
                .exchange(
                    state,
                    SetSessionPrivilegeLevel::NETFN,
                    SetSessionPrivilegeLevel::CMD,
                    0,
                    SetSessionPrivilegeLevel::new(self.options.privilege).to_bytes(),
                    None,
                )
                .await;
            let failure = match result {
                Ok(resp) if resp.completion == CompletionCode::Ok => None,
                Ok(resp) => Some(Error::Handshake(HandshakeError::Completion {
                    step: HandshakeStep::SetSessionPrivilege,
                    code: resp.completion,
                })),
                Err(e) => Some(e),
            };
            if let Some(e) = failure {
                self.close_locked(state).await;
                return Err(e);
            }
        }
        Ok(())
    }

    async fn close_locked(&self, state: &mut State) {
        if let Some(mut session) = state.session.take() {
            let _ = state.route.send(&close_datagram(&mut session)).await;
        }
    }

    fn suites(&self, negotiated: Option<u8>) -> Result<Vec<CipherSuite>, Error> {
        match self.options.cipher_suite.or(negotiated) {
            Some(id) => Ok(vec![CipherSuite::from_id(id)?]),
            None => DEFAULT_CIPHER_SUITES
                .iter()
                .map(|id| CipherSuite::from_id(*id).map_err(Error::from))
                .collect(),
        }
    }

    async fn establish_rmcp_plus(&self, state: &mut State) -> Result<Session, Error> {
        let suites = self.suites(state.negotiated_suite)?;
        let mut last_err = None;
        let mut capabilities_known = false;
        for (i, suite) in suites.iter().enumerate() {
            let more_suites = i + 1 < suites.len();
            let privilege_modes: &[OpenSessionPrivilege] = match self.options.open_session_privilege
            {
                Some(OpenSessionPrivilege::Requested) => &[OpenSessionPrivilege::Requested],
                Some(OpenSessionPrivilege::Highest) => &[OpenSessionPrivilege::Highest],
                None => &[
                    OpenSessionPrivilege::Requested,
                    OpenSessionPrivilege::Highest,
                ],
            };
            for (j, mode) in privilege_modes.iter().enumerate() {
                let mut config = SessionConfig::new(
                    &self.credentials.username,
                    self.credentials.password.clone(),
                    self.options.privilege,
                    *suite,
                )?;
                config.kg = self.options.kg.clone();
                config.open_session_privilege = *mode;
                let result = self.run_handshake(state, config, capabilities_known).await;
                // Whatever happened next, the capabilities exchange is done.
                capabilities_known = true;
                match result {
                    Ok(session) => {
                        state.negotiated_suite = Some(suite.id);
                        return Ok(session);
                    }
                    Err(Error::Handshake(HandshakeError::Rejected {
                        step: HandshakeStep::Rakp2,
                        status:
                            RakpStatus::InvalidRole
                            | RakpStatus::UnauthorizedRole
                            | RakpStatus::UnauthorizedName,
                    })) if j + 1 < privilege_modes.len() => {
                        tracing::debug!(target = %self.target, "RAKP 2 refused the role; retrying with privilege \"highest\" in Open Session");
                    }
                    Err(Error::Handshake(HandshakeError::Rejected {
                        step: HandshakeStep::OpenSession,
                        status,
                    })) if more_suites
                        && matches!(
                            status,
                            RakpStatus::InvalidAuthAlgorithm
                                | RakpStatus::InvalidIntegrityAlgorithm
                                | RakpStatus::InvalidConfidentialityAlgorithm
                                | RakpStatus::NoMatchingAuthPayload
                                | RakpStatus::NoMatchingIntegrityPayload
                                | RakpStatus::NoCipherSuiteMatch
                                | RakpStatus::IllegalParameter
                        ) =>
                    {
                        tracing::debug!(target = %self.target, suite = suite.id, %status, "cipher suite refused; trying the next one");
                        last_err = Some(Error::Handshake(HandshakeError::Rejected {
                            step: HandshakeStep::OpenSession,
                            status,
                        }));
                        break;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Err(last_err.unwrap_or(Error::SessionClosed))
    }

    async fn run_handshake(
        &self,
        state: &mut State,
        config: SessionConfig,
        skip_capabilities: bool,
    ) -> Result<Session, Error> {
        let mut hs = Handshake::new(config, handshake_random());
        let first = if skip_capabilities {
            hs.start_at_open_session()
        } else {
            hs.start()
        };
        self.drive(state, &mut hs, first).await
    }

    /// Runs a handshake to its end: sends, waits, retransmits (or restarts)
    /// on timeouts, ignores unrelated datagrams.
    async fn drive<H: HandshakeDriver>(
        &self,
        state: &mut State,
        hs: &mut H,
        first: Vec<u8>,
    ) -> Result<Session, Error> {
        let started = Instant::now();
        let (count, until) = attempt_budget(&self.options);
        let mut datagram = first;
        let mut attempt = 0u32;
        let mut total = 0u32;
        loop {
            state.route.send(&datagram).await?;
            state.stats.datagrams_sent = state.stats.datagrams_sent.saturating_add(1);
            total = total.saturating_add(1);
            let sent_at = Instant::now();
            let mut deadline = sent_at + state.rto.wait(attempt);
            if let Some(u) = until {
                deadline = deadline.min(u);
            }
            let next = loop {
                let Ok(received) = tokio::time::timeout_at(deadline, state.route.recv()).await
                else {
                    break None;
                };
                let bytes = received.ok_or(Error::SessionClosed)?;
                state.stats.datagrams_received = state.stats.datagrams_received.saturating_add(1);
                match hs.handle(&bytes) {
                    Ok(HandshakeEvent::Ignored) => {
                        state.stats.dropped = state.stats.dropped.saturating_add(1);
                    }
                    Ok(HandshakeEvent::Send(d)) => break Some(d),
                    Ok(HandshakeEvent::Established(session)) => return Ok(*session),
                    Err(e) => {
                        if let Some(abort) = hs.abort() {
                            let _ = state.route.send(&abort).await;
                        }
                        return Err(e.into());
                    }
                }
            };
            match next {
                Some(d) => {
                    if attempt == 0 {
                        state.rto.sample(sent_at.elapsed());
                    }
                    datagram = d;
                    attempt = 0;
                }
                None => {
                    attempt = attempt.saturating_add(1);
                    let out_of_time = until.is_some_and(|u| Instant::now() >= u);
                    if out_of_time || count.is_some_and(|c| attempt >= c) {
                        state.rto.backoff();
                        return Err(hs.timed_out(started.elapsed(), total));
                    }
                    datagram = hs.next_attempt(attempt);
                }
            }
        }
    }

    async fn establish_lan15(&self, state: &mut State) -> Result<Session, Error> {
        let config = SessionConfig::new(
            &self.credentials.username,
            self.credentials.password.clone(),
            self.options.privilege,
            CipherSuite::from_id(0)?,
        )?;
        let random = Lan15Random {
            initial_outbound_seq: rand::random::<u32>().max(1),
            rq_seq: rand::random(),
        };
        let mut hs = Lan15Handshake::new(config, self.options.lan15_auth, random);
        let first = hs.start();
        self.drive(state, &mut hs, first).await
    }
}

/// What [`Client::drive`] needs of a handshake state machine.
trait HandshakeDriver {
    fn handle(&mut self, bytes: &[u8]) -> Result<HandshakeEvent, HandshakeError>;
    /// The datagram for attempt `attempt` (1 = the first retransmission)
    /// after a timeout.
    fn next_attempt(&mut self, attempt: u32) -> Vec<u8>;
    /// A datagram telling the BMC the attempt is over, if any.
    fn abort(&self) -> Option<Vec<u8>>;
    /// The error once every attempt timed out.
    fn timed_out(&self, elapsed: Duration, attempts: u32) -> Error;
}

impl HandshakeDriver for Handshake {
    fn handle(&mut self, bytes: &[u8]) -> Result<HandshakeEvent, HandshakeError> {
        self.handle_datagram(bytes)
    }

    fn next_attempt(&mut self, attempt: u32) -> Vec<u8> {
        // Repeat the step as it was, so the BMC's late answer to an earlier
        // copy is still accepted (a restart would throw it away and leave a
        // half-open session behind); only every fourth silent attempt of an
        // RMCP+ step starts again from Open Session, in case the BMC lost
        // the session.
        if self.stage() == Stage::AuthCapabilities || attempt % 4 != 0 {
            self.retransmit()
        } else {
            self.restart(handshake_random())
        }
    }

    fn abort(&self) -> Option<Vec<u8>> {
        self.abort_datagram()
    }

    fn timed_out(&self, elapsed: Duration, attempts: u32) -> Error {
        Error::Timeout {
            what: stage_name(self.stage()),
            elapsed,
            attempts,
        }
    }
}

impl HandshakeDriver for Lan15Handshake {
    fn handle(&mut self, bytes: &[u8]) -> Result<HandshakeEvent, HandshakeError> {
        self.handle_datagram(bytes)
    }

    fn next_attempt(&mut self, _attempt: u32) -> Vec<u8> {
        self.retransmit()
    }

    fn abort(&self) -> Option<Vec<u8>> {
        None
    }

    fn timed_out(&self, elapsed: Duration, attempts: u32) -> Error {
        if self.stage() == Stage::Rakp2 {
            // The BMC answered the challenge, so it is reachable: a silent
            // activation is a refused one.
            return HandshakeError::Lan15AuthFailed.into();
        }
        Error::Timeout {
            what: lan15_stage_name(self.stage()),
            elapsed,
            attempts,
        }
    }
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::AuthCapabilities => "Get Channel Authentication Capabilities",
        Stage::OpenSession => "Open Session",
        Stage::Rakp2 => "RAKP 2",
        Stage::Rakp4 => "RAKP 4",
        Stage::Done => "handshake",
    }
}

fn lan15_stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::AuthCapabilities => "Get Channel Authentication Capabilities",
        Stage::OpenSession => "Get Session Challenge",
        _ => "Activate Session",
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // Best effort: send Close Session without waiting, so the BMC frees
        // the slot now rather than after its inactivity timeout.
        let state = self.state.get_mut();
        if let Some(mut session) = state.session.take() {
            let _ = state.route.try_send(&close_datagram(&mut session));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse() {
        assert_eq!(split_target("10.0.0.1").unwrap(), ("10.0.0.1".into(), 623));
        assert_eq!(split_target("bmc:9623").unwrap(), ("bmc".into(), 9623));
        assert_eq!(split_target("[::1]:700").unwrap(), ("::1".into(), 700));
        assert_eq!(split_target("[::1]").unwrap(), ("::1".into(), 623));
        assert_eq!(split_target("fe80::1").unwrap(), ("fe80::1".into(), 623));
        assert!(split_target("").is_err());
        assert!(split_target("host:port").is_err());
        assert!(split_target("[::1]x").is_err());
    }
}
