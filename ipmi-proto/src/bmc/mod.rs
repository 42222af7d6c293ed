//! The BMC side: a virtual BMC that serves RMCP+ sessions and commands.
//!
//! It is the project's stand-in for what OpenIPMI's simulator cannot do
//! (cipher suite 17, thousands of BMCs, faults), built on the same codec,
//! crypto and [`Session`] as the client, so real clients (ipmitool,
//! FreeIPMI) talking to it prove both sides.
//!
//! Like the rest of the core it does no I/O: [`VirtualBmc::handle_datagram`]
//! takes a datagram, the sender, the current time and an [`Entropy`]
//! source, and returns the datagram to send back, if any. The `tokio`
//! feature adds [`server`], which runs it on a UDP socket.
//!
//! Served: ASF presence ping; Get Channel Authentication Capabilities and
//! Get Channel Cipher Suites outside a session (IPMI 1.5 or RMCP+ framing);
//! RMCP+ Open Session and RAKP 1–4 (IPMI v2.0 §13.17–§13.23) with every
//! suite in [`Machine::cipher_suites`]; Set Session Privilege Level, Close
//! Session and the commands of the `handler` module inside a session.
//! IPMI 1.5 sessions are not served.
//!
//! Faults for tests: a [`ResponseHook`] set with
//! [`VirtualBmc::set_response_hook`] sees every IPMI answer (sessionless
//! and in-session) before it is sent and may keep it, replace its
//! completion code and data, or drop it (the request then times out);
//! [`VirtualBmc::replace_machine`] puts another machine behind the same
//! address (a replaced or re-flashed BMC).

mod handler;
pub mod machine;
pub mod platform;
pub mod sel;
pub mod sensors;
#[cfg(feature = "tokio")]
pub mod server;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::codec::{Codec, Reader};
use crate::commands::app::{
    CloseSession, SetSessionPrivilegeLevel, SetSessionPrivilegeLevelResponse,
};
use crate::commands::Command;
use crate::crypto::rakp::{self, RakpInputs};
use crate::crypto::suite::CipherSuite;
use crate::session::{Role, Session};
use crate::types::{CompletionCode, PayloadType, PrivilegeLevel, RakpStatus};
use crate::wire::ipmi15::Ipmi15Packet;
use crate::wire::message::{IpmiRequest, IpmiResponse};
use crate::wire::rakp::{
    Algorithms, OpenSessionRequest, OpenSessionResponse, Rakp1, Rakp2, Rakp3, Rakp4,
};
use crate::wire::rmcp::{AsfMessage, PresencePong, RmcpClass, RmcpHeader, ASF_IANA};
use crate::wire::rmcpplus::{build_datagram, RmcpPlusHeader};
use crate::wire::Datagram;

pub use machine::{Machine, User};

/// Idle sessions are closed after this long (IPMI v2.0 §6.12.15: 60 s ± 3).
pub const SESSION_TIMEOUT: Duration = Duration::from_secs(60);
/// Half-open handshakes are forgotten after this long.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// A completion code and response data.
type Answer = (CompletionCode, Vec<u8>);

/// What a [`ResponseHook`] does with one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rewrite {
    /// Send the answer the BMC made.
    Keep,
    /// Send this completion code and response data instead.
    Replace(CompletionCode, Vec<u8>),
    /// Send nothing: the requester times out.
    Drop,
}

/// Rewrites answers before they are sent: scripted misbehaviour (wrong
/// next-record IDs, late completion codes, garbage, silence) for tests.
pub trait ResponseHook: Send {
    /// Decides about the answer `completion` + `data` to `request`.
    fn rewrite(
        &mut self,
        request: &IpmiRequest,
        completion: CompletionCode,
        data: &[u8],
    ) -> Rewrite;
}

impl<F> ResponseHook for F
where
    F: FnMut(&IpmiRequest, CompletionCode, &[u8]) -> Rewrite + Send,
{
    fn rewrite(
        &mut self,
        request: &IpmiRequest,
        completion: CompletionCode,
        data: &[u8],
    ) -> Rewrite {
        self(request, completion, data)
    }
}

/// A source of random bytes (session IDs, Rc, AES IVs). The caller picks a
/// cryptographically secure one; tests may use a fixed sequence.
pub trait Entropy {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]);
}

fn random_array<const N: usize>(rng: &mut dyn Entropy) -> [u8; N] {
    let mut b = [0u8; N];
    rng.fill(&mut b);
    b
}

#[derive(Debug)]
struct RakpState {
    user: usize,
    console_random: [u8; 16],
    bmc_random: [u8; 16],
    role: u8,
    username: Vec<u8>,
}

#[derive(Debug)]
struct Pending {
    peer: SocketAddr,
    console_session_id: u32,
    suite: CipherSuite,
    rakp: Option<RakpState>,
    since: Instant,
}

#[derive(Debug)]
struct Active {
    peer: SocketAddr,
    session: Session,
    max_privilege: PrivilegeLevel,
    handle: u8,
    last_seen: Instant,
}

/// Counters of a virtual BMC.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BmcStats {
    /// Sessions established.
    pub sessions_opened: u64,
    /// Handshakes refused (bad user, password, role, suite).
    pub handshakes_refused: u64,
    /// In-session requests answered.
    pub requests: u64,
    /// Datagrams dropped (malformed, foreign, failing integrity, replayed).
    pub dropped: u64,
}

/// A virtual BMC (sans-IO).
pub struct VirtualBmc {
    machine: Machine,
    pending: HashMap<u32, Pending>,
    sessions: HashMap<u32, Active>,
    next_handle: u8,
    stats: BmcStats,
    hook: Option<Box<dyn ResponseHook>>,
}

impl std::fmt::Debug for VirtualBmc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtualBmc")
            .field("machine", &self.machine)
            .field("pending", &self.pending)
            .field("sessions", &self.sessions)
            .field("next_handle", &self.next_handle)
            .field("stats", &self.stats)
            .field("hook", &self.hook.is_some())
            .finish()
    }
}

impl VirtualBmc {
    /// A BMC presenting `machine`.
    pub fn new(machine: Machine) -> Self {
        Self {
            machine,
            pending: HashMap::new(),
            sessions: HashMap::new(),
            next_handle: 0,
            stats: BmcStats::default(),
            hook: None,
        }
    }

    /// Sets (or with `None` removes) the hook that rewrites answers.
    pub fn set_response_hook(&mut self, hook: Option<Box<dyn ResponseHook>>) {
        self.hook = hook;
    }

    /// Puts `machine` behind this BMC's address. With `drop_sessions`
    /// every session and half-open handshake is forgotten, as a replaced
    /// BMC would; without, sessions carry on with the new machine.
    pub fn replace_machine(&mut self, machine: Machine, drop_sessions: bool) {
        self.machine = machine;
        if drop_sessions {
            self.sessions.clear();
            self.pending.clear();
        }
    }

    /// Runs the hook on an answer; `None` drops it.
    fn rewrite(&mut self, req: &IpmiRequest, answer: Answer) -> Option<Answer> {
        let Some(hook) = self.hook.as_mut() else {
            return Some(answer);
        };
        match hook.rewrite(req, answer.0, &answer.1) {
            Rewrite::Keep => Some(answer),
            Rewrite::Replace(cc, data) => Some((cc, data)),
            Rewrite::Drop => None,
        }
    }

    /// The machine description.
    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    /// Established sessions.
    pub fn active_sessions(&self) -> usize {
        self.sessions.len()
    }

    /// Counters.
    pub fn stats(&self) -> BmcStats {
        self.stats
    }

    fn expire(&mut self, now: Instant) {
        self.sessions
            .retain(|_, a| now.saturating_duration_since(a.last_seen) < SESSION_TIMEOUT);
        self.pending
            .retain(|_, p| now.saturating_duration_since(p.since) < HANDSHAKE_TIMEOUT);
    }

    /// Handles one datagram from `peer` and returns the answer to send, if any.
    pub fn handle_datagram(
        &mut self,
        peer: SocketAddr,
        bytes: &[u8],
        now: Instant,
        rng: &mut dyn Entropy,
    ) -> Option<Vec<u8>> {
        self.expire(now);
        let answer = match Datagram::decode(bytes) {
            Ok(Datagram::Asf(AsfMessage::Ping { tag })) => Some(pong(tag)),
            Ok(Datagram::Ipmi15(p)) if p.session_id == 0 => self
                .sessionless(&p.message)
                .map(|m| Ipmi15Packet::sessionless(m).to_datagram()),
            Ok(Datagram::RmcpPlus(p)) if p.header.session_id == 0 && !p.header.encrypted => {
                match p.header.payload_type {
                    PayloadType::Ipmi => self.sessionless(p.payload).map(|m| {
                        build_datagram(&RmcpPlusHeader::sessionless(PayloadType::Ipmi), &m, None)
                    }),
                    PayloadType::OpenSessionRequest => self.open_session(peer, p.payload, now, rng),
                    PayloadType::Rakp1 => self.rakp1(peer, p.payload, rng),
                    PayloadType::Rakp3 => self.rakp3(peer, p.payload, now),
                    _ => None,
                }
            }
            Ok(Datagram::RmcpPlus(p)) if p.header.payload_type == PayloadType::Ipmi => {
                self.in_session(peer, p.header.session_id, bytes, now, rng)
            }
            _ => None,
        };
        if answer.is_none() {
            self.stats.dropped = self.stats.dropped.saturating_add(1);
        }
        answer
    }

    fn sessionless(&mut self, message: &[u8]) -> Option<Vec<u8>> {
        let req = IpmiRequest::from_bytes(message).ok()?;
        let caller = handler::Caller {
            privilege: None,
            active_sessions: self.sessions.len(),
            handle: 0,
        };
        let answer = handler::handle(&mut self.machine, &req, caller);
        let (cc, data) = self.rewrite(&req, answer)?;
        Some(req.respond(cc, data).to_bytes())
    }

    fn open_session(
        &mut self,
        peer: SocketAddr,
        payload: &[u8],
        now: Instant,
        rng: &mut dyn Entropy,
    ) -> Option<Vec<u8>> {
        let req = OpenSessionRequest::decode(&mut Reader::new(payload)).ok()?;
        let refuse = |status| OpenSessionResponse {
            tag: req.tag,
            status,
            max_privilege: PrivilegeLevel::Highest,
            console_session_id: req.console_session_id,
            accepted: None,
        };
        let a = req.algorithms;
        let suite = CipherSuite::from_algorithms(a.auth, a.integrity, a.confidentiality)
            .filter(|s| self.machine.cipher_suites.contains(&s.id));
        let resp = match suite {
            None => {
                self.stats.handshakes_refused = self.stats.handshakes_refused.saturating_add(1);
                refuse(RakpStatus::NoCipherSuiteMatch)
            }
            Some(_) if req.console_session_id == 0 => refuse(RakpStatus::InvalidSessionId),
            Some(_)
                if self.sessions.len().saturating_add(self.pending.len())
                    >= self.machine.max_sessions =>
            {
                refuse(RakpStatus::InsufficientResources)
            }
            Some(suite) => {
                let mut id = 0u32;
                while id == 0 || self.sessions.contains_key(&id) || self.pending.contains_key(&id) {
                    id = u32::from_le_bytes(random_array(rng));
                }
                self.pending.insert(
                    id,
                    Pending {
                        peer,
                        console_session_id: req.console_session_id,
                        suite,
                        rakp: None,
                        since: now,
                    },
                );
                OpenSessionResponse {
                    tag: req.tag,
                    status: RakpStatus::Ok,
                    max_privilege: match req.max_privilege {
                        PrivilegeLevel::Highest => PrivilegeLevel::Administrator,
                        p => p,
                    },
                    console_session_id: req.console_session_id,
                    accepted: Some((
                        id,
                        Algorithms {
                            auth: suite.auth,
                            integrity: suite.integrity,
                            confidentiality: suite.confidentiality,
                        },
                    )),
                }
            }
        };
        Some(build_datagram(
            &RmcpPlusHeader::sessionless(PayloadType::OpenSessionResponse),
            &resp.to_bytes(),
            None,
        ))
    }

    fn rakp1(
        &mut self,
        peer: SocketAddr,
        payload: &[u8],
        rng: &mut dyn Entropy,
    ) -> Option<Vec<u8>> {
        let msg = Rakp1::decode(&mut Reader::new(payload)).ok()?;
        let guid = self.machine.system_guid;
        let pending = self.pending.get_mut(&msg.bmc_session_id)?;
        if pending.peer != peer {
            return None;
        }
        let requested = PrivilegeLevel::from(msg.role & 0x0f);
        let user = self
            .machine
            .users
            .iter()
            .position(|u| u.name == msg.username && u.enabled);
        let status = match user.and_then(|i| self.machine.users.get(i)) {
            None => RakpStatus::UnauthorizedName,
            Some(_) if !(1..=4).contains(&requested.rank()) => RakpStatus::InvalidRole,
            Some(u) if !u.max_privilege.at_least(requested) => RakpStatus::UnauthorizedRole,
            Some(_) => RakpStatus::Ok,
        };
        let reply = match (
            status,
            user.and_then(|i| self.machine.users.get(i).map(|u| (i, u))),
        ) {
            (RakpStatus::Ok, Some((index, u))) => {
                let bmc_random: [u8; 16] = random_array(rng);
                let inputs = RakpInputs {
                    console_session_id: pending.console_session_id,
                    bmc_session_id: msg.bmc_session_id,
                    console_random: &msg.console_random,
                    bmc_random: &bmc_random,
                    bmc_guid: &guid,
                    role: msg.role,
                    username: &msg.username,
                };
                let code = rakp::rakp2_auth_code(pending.suite.auth, &u.password, &inputs).ok()?;
                let reply = Rakp2 {
                    tag: msg.tag,
                    status,
                    console_session_id: pending.console_session_id,
                    bmc_random,
                    bmc_guid: guid,
                    auth_code: code,
                };
                pending.rakp = Some(RakpState {
                    user: index,
                    console_random: msg.console_random,
                    bmc_random,
                    role: msg.role,
                    username: msg.username,
                });
                reply
            }
            _ => {
                let console_session_id = pending.console_session_id;
                self.pending.remove(&msg.bmc_session_id);
                self.stats.handshakes_refused = self.stats.handshakes_refused.saturating_add(1);
                Rakp2 {
                    tag: msg.tag,
                    status,
                    console_session_id,
                    bmc_random: [0; 16],
                    bmc_guid: [0; 16],
                    auth_code: Vec::new(),
                }
            }
        };
        Some(build_datagram(
            &RmcpPlusHeader::sessionless(PayloadType::Rakp2),
            &reply.to_bytes(),
            None,
        ))
    }

    fn rakp3(&mut self, peer: SocketAddr, payload: &[u8], now: Instant) -> Option<Vec<u8>> {
        let msg = Rakp3::decode(&mut Reader::new(payload)).ok()?;
        let pending = self.pending.get(&msg.bmc_session_id)?;
        if pending.peer != peer {
            return None;
        }
        let pending = self.pending.remove(&msg.bmc_session_id)?;
        let rakp = pending.rakp?;
        if msg.status != RakpStatus::Ok {
            // The console aborts: forget the half-open session, say nothing.
            return None;
        }
        let user = self.machine.users.get(rakp.user)?;
        let guid = self.machine.system_guid;
        let inputs = RakpInputs {
            console_session_id: pending.console_session_id,
            bmc_session_id: msg.bmc_session_id,
            console_random: &rakp.console_random,
            bmc_random: &rakp.bmc_random,
            bmc_guid: &guid,
            role: rakp.role,
            username: &rakp.username,
        };
        let auth = pending.suite.auth;
        let expected = rakp::rakp3_auth_code(auth, &user.password, &inputs).ok()?;
        let refuse = |status| Rakp4 {
            tag: msg.tag,
            status,
            console_session_id: pending.console_session_id,
            icv: Vec::new(),
        };
        let reply = if !rakp::verify(&expected, &msg.auth_code) {
            self.stats.handshakes_refused = self.stats.handshakes_refused.saturating_add(1);
            refuse(RakpStatus::InvalidIntegrityCheckValue)
        } else {
            let keys =
                rakp::derive_session_keys(auth, self.machine.kg.as_ref(), &user.password, &inputs)
                    .ok()?;
            let icv = rakp::rakp4_icv(auth, &keys.sik, &inputs).ok()?;
            let requested = PrivilegeLevel::from(rakp.role & 0x0f);
            // Sessions start at User (or lower if that is all that was asked for).
            let initial = if requested.at_least(PrivilegeLevel::User) {
                PrivilegeLevel::User
            } else {
                requested
            };
            match Session::rmcp_plus_for(
                Role::Bmc,
                pending.suite,
                &keys,
                &user.password,
                pending.console_session_id,
                msg.bmc_session_id,
                0,
                initial,
            ) {
                Ok(session) => {
                    self.next_handle = self.next_handle.wrapping_add(1).max(1);
                    self.sessions.insert(
                        msg.bmc_session_id,
                        Active {
                            peer,
                            session,
                            max_privilege: requested,
                            handle: self.next_handle,
                            last_seen: now,
                        },
                    );
                    self.stats.sessions_opened = self.stats.sessions_opened.saturating_add(1);
                    Rakp4 {
                        tag: msg.tag,
                        status: RakpStatus::Ok,
                        console_session_id: pending.console_session_id,
                        icv,
                    }
                }
                Err(_) => refuse(RakpStatus::IllegalParameter),
            }
        };
        Some(build_datagram(
            &RmcpPlusHeader::sessionless(PayloadType::Rakp4),
            &reply.to_bytes(),
            None,
        ))
    }

    fn in_session(
        &mut self,
        peer: SocketAddr,
        session_id: u32,
        bytes: &[u8],
        now: Instant,
        rng: &mut dyn Entropy,
    ) -> Option<Vec<u8>> {
        let active_count = self.sessions.len();
        let (req, answer, close) =
            self.in_session_answer(peer, session_id, bytes, now, active_count)?;
        let datagram = self.rewrite(&req, answer).and_then(|(cc, data)| {
            let active = self.sessions.get_mut(&session_id)?;
            let resp: IpmiResponse = req.respond(cc, data);
            let iv = random_array(rng);
            Some(active.session.encode_message(&resp.to_bytes(), iv))
        });
        if let Some(id) = close {
            self.sessions.remove(&id);
        }
        datagram
    }

    /// Decodes and answers an in-session request: the request, the answer
    /// and the session to close after sending it.
    fn in_session_answer(
        &mut self,
        peer: SocketAddr,
        session_id: u32,
        bytes: &[u8],
        now: Instant,
        active_count: usize,
    ) -> Option<(IpmiRequest, Answer, Option<u32>)> {
        let active = self.sessions.get_mut(&session_id)?;
        if active.peer != peer {
            return None;
        }
        let message = active.session.decode_message(bytes).ok()?;
        let req = IpmiRequest::from_bytes(&message).ok()?;
        active.last_seen = now;
        self.stats.requests = self.stats.requests.saturating_add(1);
        let mut close = None;
        let (cc, data) = if req.netfn == SetSessionPrivilegeLevel::NETFN
            && req.cmd == SetSessionPrivilegeLevel::CMD
        {
            set_privilege(active, &req.data)
        } else if req.netfn == CloseSession::NETFN && req.cmd == CloseSession::CMD {
            match CloseSession::from_bytes(&req.data) {
                Ok(c) if c.session_id == session_id || c.session_id == 0 => {
                    close = Some(session_id);
                    (CompletionCode::Ok, Vec::new())
                }
                // 87h: invalid session ID in request.
                Ok(_) => (CompletionCode::Unknown(0x87), Vec::new()),
                Err(_) => (CompletionCode::RequestLengthInvalid, Vec::new()),
            }
        } else {
            let caller = handler::Caller {
                privilege: Some(active.session.privilege()),
                active_sessions: active_count,
                handle: active.handle,
            };
            handler::handle(&mut self.machine, &req, caller)
        };
        Some((req, (cc, data), close))
    }
}

fn set_privilege(active: &mut Active, data: &[u8]) -> (CompletionCode, Vec<u8>) {
    let Ok(req) = SetSessionPrivilegeLevel::from_bytes(data) else {
        return (CompletionCode::RequestLengthInvalid, Vec::new());
    };
    let wanted = req.privilege;
    if wanted != PrivilegeLevel::Highest {
        if !(1..=4).contains(&wanted.rank()) {
            return (CompletionCode::InvalidDataField, Vec::new());
        }
        if !active.max_privilege.at_least(wanted) {
            // 81h: requested level exceeds the user's or channel's limit.
            return (CompletionCode::Unknown(0x81), Vec::new());
        }
        active.session.set_privilege(wanted);
    }
    let resp = SetSessionPrivilegeLevelResponse {
        privilege: active.session.privilege(),
    };
    (CompletionCode::Ok, resp.to_bytes())
}

fn pong(tag: u8) -> Vec<u8> {
    let mut w = crate::codec::Writer::new();
    RmcpHeader {
        sequence: 0xff,
        ack: false,
        class: RmcpClass::Asf,
    }
    .encode(&mut w);
    AsfMessage::Pong {
        tag,
        data: PresencePong {
            iana: ASF_IANA,
            oem: 0,
            supported_entities: 0x81,
            supported_interactions: 0,
        },
    }
    .encode(&mut w);
    w.into_vec()
}
