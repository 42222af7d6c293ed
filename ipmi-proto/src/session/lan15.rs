//! The IPMI 1.5 session handshake (IPMI v2.0 §22.13–§22.15, §6.12).
//!
//! ```text
//! console                                    BMC
//!   Get Channel Auth Capabilities (auth type none) ─>
//!   <─ supported auth types
//!   Get Session Challenge (auth type, user name) ─>
//!   <─ temporary session ID, challenge
//!   Activate Session (authenticated with the temporary ID, seq 0) ─>
//!   <─ session ID, initial inbound sequence number
//! ```
//! All pre-session messages use auth type none with session ID and
//! sequence 0. Straight-password and "none" sessions send the password in
//! clear or nothing at all, so callers should offer them only on request.

use crate::codec::{Codec, Reader};
use crate::commands::app::{
    ActivateSession, ActivateSessionResponse, AuthCapabilities, GetChannelAuthCapabilities,
    GetSessionChallenge, SessionChallenge,
};
use crate::commands::Command;
use crate::crypto::ipmi15::message_auth_code;
use crate::types::{AuthType, CompletionCode};
use crate::wire::ipmi15::Ipmi15Packet;
use crate::wire::message::{IpmiRequest, IpmiResponse};
use crate::wire::Datagram;

use super::active::Session;
use super::handshake::{HandshakeEvent, Stage};
use super::{HandshakeError, HandshakeStep, SessionConfig};

/// The IPMI 1.5 authentication types this crate can run a session with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lan15AuthType {
    /// MD5 AuthCodes (the default).
    Md5,
    /// The password in clear as the AuthCode ("straight password").
    Password,
    /// No authentication at all.
    None,
}

impl Lan15AuthType {
    fn auth_type(self) -> AuthType {
        match self {
            Self::Md5 => AuthType::Md5,
            Self::Password => AuthType::Password,
            Self::None => AuthType::None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Password => "straight password",
            Self::None => "none",
        }
    }

    /// The bit of this type in the capabilities' auth type support byte.
    fn support_bit(self) -> u8 {
        1 << u8::from(self.auth_type())
    }
}

/// The random values one IPMI 1.5 handshake needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lan15Random {
    /// Our initial outbound session sequence number (non-zero).
    pub initial_outbound_seq: u32,
    /// Starting point of the 6-bit rqSeq.
    pub rq_seq: u8,
}

/// The IPMI 1.5 handshake state machine (remote console side).
#[derive(Debug)]
pub struct Lan15Handshake {
    config: SessionConfig,
    auth: Lan15AuthType,
    random: Lan15Random,
    rq_seq: u8,
    stage: Stage,
    last_sent: Vec<u8>,
    last_request: Option<IpmiRequest>,
    per_message_auth_disabled: bool,
    capabilities: Option<AuthCapabilities>,
}

impl Lan15Handshake {
    /// A handshake with the given authentication type.
    pub fn new(config: SessionConfig, auth: Lan15AuthType, random: Lan15Random) -> Self {
        Self {
            config,
            auth,
            random: Lan15Random {
                initial_outbound_seq: random.initial_outbound_seq.max(1),
                ..random
            },
            rq_seq: random.rq_seq & 0x3f,
            stage: Stage::AuthCapabilities,
            last_sent: Vec::new(),
            last_request: None,
            per_message_auth_disabled: false,
            capabilities: None,
        }
    }

    /// The current stage (`OpenSession` stands for Get Session Challenge,
    /// `Rakp2` for Activate Session).
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// The capabilities the BMC reported, once known.
    pub fn capabilities(&self) -> Option<&AuthCapabilities> {
        self.capabilities.as_ref()
    }

    fn send_sessionless<C: Command>(&mut self, cmd: &C) -> Vec<u8> {
        self.rq_seq = (self.rq_seq + 1) & 0x3f;
        let req = IpmiRequest::to_bmc(C::NETFN, C::CMD, self.rq_seq, cmd.to_bytes());
        self.last_sent = Ipmi15Packet::sessionless(req.to_bytes()).to_datagram();
        self.last_request = Some(req);
        self.last_sent.clone()
    }

    /// The first datagram: Get Channel Authentication Capabilities.
    pub fn start(&mut self) -> Vec<u8> {
        self.stage = Stage::AuthCapabilities;
        self.send_sessionless(&GetChannelAuthCapabilities {
            channel: 0x0e,
            extended: false,
            max_privilege: self.config.privilege,
        })
    }

    /// The last datagram again. Every IPMI 1.5 step may be retransmitted as
    /// is: the BMC answers a repeated pre-session request again.
    pub fn retransmit(&self) -> Vec<u8> {
        self.last_sent.clone()
    }

    fn fail(&mut self, e: HandshakeError) -> Result<HandshakeEvent, HandshakeError> {
        self.stage = Stage::Done;
        Err(e)
    }

    /// Handles one received datagram.
    ///
    /// # Errors
    /// A [`HandshakeError`] ends the attempt. Unrelated datagrams give
    /// `Ok(HandshakeEvent::Ignored)`.
    pub fn handle_datagram(&mut self, bytes: &[u8]) -> Result<HandshakeEvent, HandshakeError> {
        let result = self.handle_inner(bytes);
        if result.is_err() {
            // Any error ends the attempt.
            self.stage = Stage::Done;
        }
        result
    }

    fn handle_inner(&mut self, bytes: &[u8]) -> Result<HandshakeEvent, HandshakeError> {
        if self.stage == Stage::Done {
            return Err(HandshakeError::Finished);
        }
        let Ok(Datagram::Ipmi15(packet)) = Datagram::decode(bytes) else {
            return Ok(HandshakeEvent::Ignored);
        };
        let Ok(resp) = IpmiResponse::from_bytes(&packet.message) else {
            return Ok(HandshakeEvent::Ignored);
        };
        let Some(req) = &self.last_request else {
            return Ok(HandshakeEvent::Ignored);
        };
        if !req.is_answered_by(&resp) {
            return Ok(HandshakeEvent::Ignored);
        }
        let step = match self.stage {
            Stage::AuthCapabilities => HandshakeStep::AuthCapabilities,
            Stage::OpenSession => HandshakeStep::GetSessionChallenge,
            _ => HandshakeStep::ActivateSession,
        };
        if resp.completion != CompletionCode::Ok {
            return self.fail(HandshakeError::Completion {
                step,
                code: resp.completion,
            });
        }
        let mut r = Reader::new(&resp.data);
        match self.stage {
            Stage::AuthCapabilities => {
                let caps = AuthCapabilities::decode(&mut r)?;
                self.per_message_auth_disabled = caps.per_message_auth_disabled;
                let supported = caps.auth_type_support & self.auth.support_bit() != 0;
                self.capabilities = Some(caps);
                if !supported {
                    return self.fail(HandshakeError::Lan15AuthTypeUnsupported(self.auth.name()));
                }
                let mut username = [0u8; 16];
                for (d, s) in username.iter_mut().zip(&self.config.username) {
                    *d = *s;
                }
                self.stage = Stage::OpenSession;
                Ok(HandshakeEvent::Send(self.send_sessionless(
                    &GetSessionChallenge {
                        auth_type: self.auth.auth_type(),
                        username,
                    },
                )))
            }
            Stage::OpenSession => {
                let challenge = SessionChallenge::decode(&mut r)?;
                self.stage = Stage::Rakp2;
                Ok(HandshakeEvent::Send(self.send_activate(&challenge)?))
            }
            _ => {
                let act = ActivateSessionResponse::decode(&mut r)?;
                if act.session_id == 0 {
                    return self.fail(HandshakeError::ZeroSessionId);
                }
                self.stage = Stage::Done;
                let accept_unauthenticated =
                    self.per_message_auth_disabled || act.auth_type == AuthType::None;
                Ok(HandshakeEvent::Established(Box::new(Session::lan15(
                    act.auth_type,
                    accept_unauthenticated,
                    self.config.password.clone(),
                    act.session_id,
                    act.initial_inbound_seq,
                    self.rq_seq,
                    self.config.privilege,
                ))))
            }
        }
    }

    fn send_activate(&mut self, challenge: &SessionChallenge) -> Result<Vec<u8>, HandshakeError> {
        let auth_type = self.auth.auth_type();
        let cmd = ActivateSession {
            auth_type,
            max_privilege: self.config.privilege,
            challenge: challenge.challenge,
            initial_outbound_seq: self.random.initial_outbound_seq,
        };
        self.rq_seq = (self.rq_seq + 1) & 0x3f;
        let req = IpmiRequest::to_bmc(
            ActivateSession::NETFN,
            ActivateSession::CMD,
            self.rq_seq,
            cmd.to_bytes(),
        );
        let message = req.to_bytes();
        let auth_code = if auth_type == AuthType::None {
            None
        } else {
            Some(message_auth_code(
                auth_type,
                &self.config.password,
                challenge.temp_session_id,
                &message,
                0,
            )?)
        };
        self.last_sent = Ipmi15Packet {
            auth_type,
            session_seq: 0,
            session_id: challenge.temp_session_id,
            auth_code,
            message,
        }
        .to_datagram();
        self.last_request = Some(req);
        Ok(self.last_sent.clone())
    }
}
