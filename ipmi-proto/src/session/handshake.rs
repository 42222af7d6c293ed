//! The RMCP+ session handshake, remote console side (IPMI v2.0 §13.15–§13.23).
//!
//! ```text
//! console                                    BMC
//!   Get Channel Auth Capabilities (1.5 framing, v2.0 bit) ─>
//!   <─ capabilities
//!   Open Session Request (tag, privilege, SIDm, algorithms) ─>
//!   <─ Open Session Response (SIDc, accepted algorithms)
//!   RAKP 1 (SIDc, Rm, ROLEm, user name) ─>
//!   <─ RAKP 2 (Rc, GUIDc, HMAC_Kuid(...))        verify: wrong password shows here
//!   RAKP 3 (HMAC_Kuid(Rc, SIDm, ROLEm, name)) ─>
//!   <─ RAKP 4 (HMAC_SIK(Rm, SIDc, GUIDc))        verify: proves the session keys
//! ```
//!
//! A timeout at any RMCP+ step restarts from Open Session with a new tag,
//! console session ID and Rm ([`Handshake::restart`]): BMCs do not take
//! kindly to a repeated RAKP 1 or 3. Datagrams with a stale tag or a foreign
//! session ID are ignored, never fatal.

use crate::codec::{Codec, Reader};
use crate::commands::app::{AuthCapabilities, GetChannelAuthCapabilities};
use crate::commands::Command;
use crate::crypto::keys::SessionKeys;
use crate::crypto::rakp::{self, RakpInputs};
use crate::crypto::CryptoError;
use crate::types::{CompletionCode, PayloadType, PrivilegeLevel, RakpStatus};
use crate::wire::ipmi15::Ipmi15Packet;
use crate::wire::message::{IpmiRequest, IpmiResponse};
use crate::wire::rakp::{
    Algorithms, OpenSessionRequest, OpenSessionResponse, Rakp1, Rakp2, Rakp3, Rakp4,
    NAME_ONLY_LOOKUP,
};
use crate::wire::rmcpplus::{build_datagram, RmcpPlusHeader};
use crate::wire::Datagram;

use super::active::Session;
use super::{HandshakeError, HandshakeStep, OpenSessionPrivilege, SessionConfig};

/// The random values one handshake attempt needs; the caller draws them
/// from a cryptographically secure generator.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HandshakeRandom {
    /// The remote console session ID (SIDm); 0 is replaced by 1.
    pub console_session_id: u32,
    /// Rm, the remote console random number.
    pub console_random: [u8; 16],
    /// The message tag of Open Session and the RAKP messages.
    pub tag: u8,
    /// Starting point of the 6-bit rqSeq.
    pub rq_seq: u8,
}

impl std::fmt::Debug for HandshakeRandom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandshakeRandom")
            .field("console_session_id", &self.console_session_id)
            .field("tag", &self.tag)
            .finish_non_exhaustive()
    }
}

/// Where the handshake stands: which answer it waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for Get Channel Authentication Capabilities.
    AuthCapabilities,
    /// Waiting for the Open Session Response.
    OpenSession,
    /// Waiting for RAKP 2.
    Rakp2,
    /// Waiting for RAKP 4.
    Rakp4,
    /// Established or failed: no more input is taken.
    Done,
}

/// What to do after a datagram was handled.
#[derive(Debug)]
pub enum HandshakeEvent {
    /// Not for this handshake (stale tag, foreign session, unrelated
    /// datagram): drop it and keep waiting.
    Ignored,
    /// Send this datagram and wait for the next answer.
    Send(Vec<u8>),
    /// The session is up. Set the privilege level next.
    Established(Box<Session>),
}

/// The RMCP+ handshake state machine (remote console side).
#[derive(Debug)]
pub struct Handshake {
    config: SessionConfig,
    random: HandshakeRandom,
    stage: Stage,
    last_sent: Vec<u8>,
    gcac_seq: u8,
    capabilities: Option<AuthCapabilities>,
    bmc_session_id: u32,
    max_privilege_granted: PrivilegeLevel,
    bmc_random: [u8; 16],
    bmc_guid: [u8; 16],
    abort: Option<Vec<u8>>,
}

impl Handshake {
    /// A handshake for one attempt with one cipher suite.
    pub fn new(config: SessionConfig, random: HandshakeRandom) -> Self {
        let random = HandshakeRandom {
            console_session_id: random.console_session_id.max(1),
            ..random
        };
        Self {
            config,
            random,
            stage: Stage::AuthCapabilities,
            last_sent: Vec::new(),
            gcac_seq: random.rq_seq & 0x3f,
            capabilities: None,
            bmc_session_id: 0,
            max_privilege_granted: PrivilegeLevel::Highest,
            bmc_random: [0; 16],
            bmc_guid: [0; 16],
            abort: None,
        }
    }

    /// The current stage.
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// The configuration this handshake runs with.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// The capabilities the BMC reported, once known.
    pub fn capabilities(&self) -> Option<&AuthCapabilities> {
        self.capabilities.as_ref()
    }

    /// The first datagram: Get Channel Authentication Capabilities in IPMI
    /// 1.5 framing with the "IPMI v2.0 extended data" bit (IPMI v2.0 §22.13).
    pub fn start(&mut self) -> Vec<u8> {
        self.stage = Stage::AuthCapabilities;
        let data = GetChannelAuthCapabilities {
            channel: 0x0e,
            extended: true,
            max_privilege: self.config.privilege,
        }
        .to_bytes();
        let req = IpmiRequest::to_bmc(
            GetChannelAuthCapabilities::NETFN,
            GetChannelAuthCapabilities::CMD,
            self.gcac_seq,
            data,
        );
        self.last_sent = Ipmi15Packet::sessionless(req.to_bytes()).to_datagram();
        self.last_sent.clone()
    }

    /// The first datagram when the capabilities are already known (a
    /// fallback to another cipher suite, a re-establishment): Open Session
    /// straight away, saving a round trip.
    pub fn start_at_open_session(&mut self) -> Vec<u8> {
        self.send_open_session()
    }

    /// The last datagram again, for a retransmit of Get Channel
    /// Authentication Capabilities. For RMCP+ steps use [`Self::restart`].
    pub fn retransmit(&self) -> Vec<u8> {
        self.last_sent.clone()
    }

    /// Restarts from Open Session with fresh random values (after a
    /// timeout in an RMCP+ step). Late answers to the old attempt are then
    /// ignored because their tag or session ID no longer match.
    pub fn restart(&mut self, random: HandshakeRandom) -> Vec<u8> {
        self.random = HandshakeRandom {
            console_session_id: random.console_session_id.max(1),
            ..random
        };
        self.abort = None;
        self.send_open_session()
    }

    /// A RAKP 3 with an error status to send after a failed RAKP 2 check, so
    /// the BMC frees its half-open session (IPMI v2.0 §13.22).
    pub fn abort_datagram(&self) -> Option<Vec<u8>> {
        self.abort.clone()
    }

    fn algorithms(&self) -> Algorithms {
        let s = self.config.cipher_suite;
        Algorithms {
            auth: s.auth,
            integrity: s.integrity,
            confidentiality: s.confidentiality,
        }
    }

    fn role(&self) -> u8 {
        let lookup = if self.config.name_only_lookup {
            NAME_ONLY_LOOKUP
        } else {
            0
        };
        (u8::from(self.config.privilege) & 0x0f) | lookup
    }

    fn send_payload(&mut self, ty: PayloadType, payload: &[u8]) -> Vec<u8> {
        self.last_sent = build_datagram(&RmcpPlusHeader::sessionless(ty), payload, None);
        self.last_sent.clone()
    }

    fn send_open_session(&mut self) -> Vec<u8> {
        self.stage = Stage::OpenSession;
        let max_privilege = match self.config.open_session_privilege {
            OpenSessionPrivilege::Requested => self.config.privilege,
            OpenSessionPrivilege::Highest => PrivilegeLevel::Highest,
        };
        let req = OpenSessionRequest {
            tag: self.random.tag,
            max_privilege,
            console_session_id: self.random.console_session_id,
            algorithms: self.algorithms(),
        };
        self.send_payload(PayloadType::OpenSessionRequest, &req.to_bytes())
    }

    /// `true` when an answer names our console session ID. Error answers
    /// may be cut short before the ID (it then decodes as 0): for those a
    /// matching tag has to suffice.
    fn is_ours(&self, status: RakpStatus, console_session_id: u32) -> bool {
        console_session_id == self.random.console_session_id
            || (status != RakpStatus::Ok && console_session_id == 0)
    }

    fn fail(&mut self, e: HandshakeError) -> Result<HandshakeEvent, HandshakeError> {
        self.stage = Stage::Done;
        Err(e)
    }

    /// Handles one received datagram.
    ///
    /// # Errors
    /// A [`HandshakeError`] ends the attempt: the BMC refused (status or
    /// completion code), authentication failed, or the answer is unusable.
    /// Unrelated or stale datagrams give `Ok(HandshakeEvent::Ignored)`.
    pub fn handle_datagram(&mut self, bytes: &[u8]) -> Result<HandshakeEvent, HandshakeError> {
        let result = self.handle_inner(bytes);
        if result.is_err() {
            // Any error ends the attempt.
            self.stage = Stage::Done;
        }
        result
    }

    fn handle_inner(&mut self, bytes: &[u8]) -> Result<HandshakeEvent, HandshakeError> {
        let Ok(datagram) = Datagram::decode(bytes) else {
            return Ok(HandshakeEvent::Ignored);
        };
        match (self.stage, datagram) {
            (Stage::AuthCapabilities, Datagram::Ipmi15(p)) => self.on_auth_caps(&p.message),
            (Stage::OpenSession | Stage::Rakp2 | Stage::Rakp4, Datagram::RmcpPlus(p))
                if p.header.session_id == 0 && !p.header.encrypted =>
            {
                match (self.stage, p.header.payload_type) {
                    (Stage::OpenSession, PayloadType::OpenSessionResponse) => {
                        self.on_open_session(p.payload)
                    }
                    (Stage::Rakp2, PayloadType::Rakp2) => self.on_rakp2(p.payload),
                    (Stage::Rakp4, PayloadType::Rakp4) => self.on_rakp4(p.payload),
                    _ => Ok(HandshakeEvent::Ignored),
                }
            }
            (Stage::Done, _) => Err(HandshakeError::Finished),
            _ => Ok(HandshakeEvent::Ignored),
        }
    }

    fn on_auth_caps(&mut self, message: &[u8]) -> Result<HandshakeEvent, HandshakeError> {
        let Ok(resp) = IpmiResponse::from_bytes(message) else {
            return Ok(HandshakeEvent::Ignored);
        };
        let expected = IpmiRequest::to_bmc(
            GetChannelAuthCapabilities::NETFN,
            GetChannelAuthCapabilities::CMD,
            self.gcac_seq,
            Vec::new(),
        );
        if !expected.is_answered_by(&resp) {
            return Ok(HandshakeEvent::Ignored);
        }
        if resp.completion != CompletionCode::Ok {
            return self.fail(HandshakeError::Completion {
                step: HandshakeStep::AuthCapabilities,
                code: resp.completion,
            });
        }
        // The capability bits are kept for diagnostics only: BMCs misreport
        // them, so they never stop a login attempt.
        self.capabilities = AuthCapabilities::decode(&mut Reader::new(&resp.data)).ok();
        Ok(HandshakeEvent::Send(self.send_open_session()))
    }

    fn on_open_session(&mut self, payload: &[u8]) -> Result<HandshakeEvent, HandshakeError> {
        let Ok(resp) = OpenSessionResponse::decode(&mut Reader::new(payload)) else {
            return Ok(HandshakeEvent::Ignored);
        };
        if resp.tag != self.random.tag {
            return Ok(HandshakeEvent::Ignored);
        }
        if !self.is_ours(resp.status, resp.console_session_id) {
            return Ok(HandshakeEvent::Ignored);
        }
        if resp.status != RakpStatus::Ok {
            return self.fail(HandshakeError::Rejected {
                step: HandshakeStep::OpenSession,
                status: resp.status,
            });
        }
        let Some((bmc_id, algorithms)) = resp.accepted else {
            return Ok(HandshakeEvent::Ignored);
        };
        if algorithms != self.algorithms() {
            return self.fail(HandshakeError::AlgorithmMismatch);
        }
        if bmc_id == 0 {
            return self.fail(HandshakeError::ZeroSessionId);
        }
        self.bmc_session_id = bmc_id;
        self.max_privilege_granted = resp.max_privilege;
        self.stage = Stage::Rakp2;
        let rakp1 = Rakp1 {
            tag: self.random.tag,
            bmc_session_id: bmc_id,
            console_random: self.random.console_random,
            role: self.role(),
            username: self.config.username.clone(),
        };
        Ok(HandshakeEvent::Send(
            self.send_payload(PayloadType::Rakp1, &rakp1.to_bytes()),
        ))
    }

    fn inputs(&self) -> RakpInputs<'_> {
        RakpInputs {
            console_session_id: self.random.console_session_id,
            bmc_session_id: self.bmc_session_id,
            console_random: &self.random.console_random,
            bmc_random: &self.bmc_random,
            bmc_guid: &self.bmc_guid,
            role: self.role(),
            username: &self.config.username,
        }
    }

    fn on_rakp2(&mut self, payload: &[u8]) -> Result<HandshakeEvent, HandshakeError> {
        let Ok(msg) = Rakp2::decode(&mut Reader::new(payload)) else {
            return Ok(HandshakeEvent::Ignored);
        };
        if msg.tag != self.random.tag || !self.is_ours(msg.status, msg.console_session_id) {
            return Ok(HandshakeEvent::Ignored);
        }
        if msg.status != RakpStatus::Ok {
            return self.fail(HandshakeError::Rejected {
                step: HandshakeStep::Rakp2,
                status: msg.status,
            });
        }
        self.bmc_random = msg.bmc_random;
        self.bmc_guid = msg.bmc_guid;
        let auth = self.config.cipher_suite.auth;
        let expected = rakp::rakp2_auth_code(auth, &self.config.password, &self.inputs())?;
        // Some BMCs send the code one byte too long; compare the digest part.
        let received = if msg.auth_code.len() == expected.len().saturating_add(1) {
            msg.auth_code.get(..expected.len()).unwrap_or_default()
        } else {
            &msg.auth_code
        };
        if !rakp::verify(&expected, received) {
            let rakp3 = Rakp3 {
                tag: self.random.tag,
                status: RakpStatus::InvalidIntegrityCheckValue,
                bmc_session_id: self.bmc_session_id,
                auth_code: Vec::new(),
            };
            self.abort = Some(build_datagram(
                &RmcpPlusHeader::sessionless(PayloadType::Rakp3),
                &rakp3.to_bytes(),
                None,
            ));
            return self.fail(HandshakeError::Rakp2Mismatch);
        }
        let code = rakp::rakp3_auth_code(auth, &self.config.password, &self.inputs())?;
        let rakp3 = Rakp3 {
            tag: self.random.tag,
            status: RakpStatus::Ok,
            bmc_session_id: self.bmc_session_id,
            auth_code: code,
        };
        self.stage = Stage::Rakp4;
        Ok(HandshakeEvent::Send(
            self.send_payload(PayloadType::Rakp3, &rakp3.to_bytes()),
        ))
    }

    fn on_rakp4(&mut self, payload: &[u8]) -> Result<HandshakeEvent, HandshakeError> {
        let Ok(msg) = Rakp4::decode(&mut Reader::new(payload)) else {
            return Ok(HandshakeEvent::Ignored);
        };
        if msg.tag != self.random.tag || !self.is_ours(msg.status, msg.console_session_id) {
            return Ok(HandshakeEvent::Ignored);
        }
        if msg.status != RakpStatus::Ok {
            return self.fail(HandshakeError::Rejected {
                step: HandshakeStep::Rakp4,
                status: msg.status,
            });
        }
        let auth = self.config.cipher_suite.auth;
        let keys: SessionKeys = rakp::derive_session_keys(
            auth,
            self.config.kg.as_ref(),
            &self.config.password,
            &self.inputs(),
        )?;
        let expected = rakp::rakp4_icv(auth, &keys.sik, &self.inputs())?;
        if !rakp::verify(&expected, &msg.icv) {
            return self.fail(HandshakeError::Rakp4Mismatch);
        }
        self.stage = Stage::Done;
        let session = Session::rmcp_plus(
            self.config.cipher_suite,
            &keys,
            &self.config.password,
            self.random.console_session_id,
            self.bmc_session_id,
            self.random.rq_seq,
            self.config.privilege,
        )
        .map_err(|e: CryptoError| HandshakeError::Crypto(e))?;
        Ok(HandshakeEvent::Established(Box::new(session)))
    }
}
