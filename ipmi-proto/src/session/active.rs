//! An established session: wraps requests and checks responses
//! (IPMI v2.0 §13.6, §13.28 for RMCP+; §6.12 and §22 for IPMI 1.5).
//!
//! Every response is validated before it is trusted, in this order:
//! session format and session ID (foreign datagrams are dropped), integrity
//! code in constant time (before decrypting or parsing), the inbound
//! sequence window (replays are dropped), decryption and its pad, then the
//! IPMI message checksums. Matching a response to its request (rqSeq, NetFn,
//! command, addresses) is the caller's last check, with
//! [`IpmiRequest::is_answered_by`].

use thiserror::Error;

use crate::codec::{Codec, DecodeError};
use crate::crypto::confidentiality::Confidentiality;
use crate::crypto::integrity::Integrity;
use crate::crypto::ipmi15::message_auth_code;
use crate::crypto::keys::{Password, SessionKeys};
use crate::crypto::suite::CipherSuite;
use crate::crypto::{rakp, CryptoError};
use crate::types::{
    AuthType, ConfidentialityAlgorithm, IntegrityAlgorithm, PayloadType, PrivilegeLevel,
};
use crate::wire::ipmi15::Ipmi15Packet;
use crate::wire::message::{IpmiRequest, IpmiResponse};
use crate::wire::rmcpplus::{build_datagram, RmcpPlusHeader};
use crate::wire::Datagram;

use super::sequence::{OutboundSeq, RqSeq, SeqWindow};

/// Why a received datagram was not accepted as a response of this session.
/// All of them mean "drop it and keep waiting"; they are counted, not fatal.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InboundError {
    /// Not of this session: another format, session ID or payload type.
    #[error("datagram is not for this session")]
    Foreign,
    /// The integrity code (or IPMI 1.5 AuthCode) does not verify.
    #[error("integrity check failed")]
    Integrity,
    /// A sequence number already seen or outside the window.
    #[error("session sequence number {0} replayed or outside the window")]
    Replay(u32),
    /// The packet or its message is malformed.
    #[error("malformed response: {0}")]
    Decode(#[from] DecodeError),
    /// Decryption failed (bad pad, bad length).
    #[error("decryption failed: {0}")]
    Crypto(#[from] CryptoError),
}

/// Facts about an established session, for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionInfo {
    /// `true` for RMCP+ (IPMI v2.0), `false` for IPMI 1.5.
    pub rmcp_plus: bool,
    /// The cipher suite (RMCP+ only).
    pub cipher_suite: Option<u8>,
    /// The IPMI 1.5 authentication type (IPMI 1.5 only).
    pub auth_type: Option<AuthType>,
    /// Our session ID (RMCP+ console session ID; the 1.5 session ID).
    pub console_session_id: u32,
    /// The BMC's session ID (same as ours for IPMI 1.5).
    pub bmc_session_id: u32,
    /// The privilege level the session was opened for.
    pub privilege: PrivilegeLevel,
}

#[derive(Debug)]
enum Kind {
    RmcpPlus {
        suite: CipherSuite,
        /// The ID inbound packets carry (ours).
        local_id: u32,
        /// The ID outbound packets carry (the peer's).
        remote_id: u32,
        integrity: Integrity,
        confidentiality: Confidentiality,
        authenticated_in: SeqWindow,
        unauthenticated_in: SeqWindow,
    },
    Lan15 {
        auth_type: AuthType,
        /// Accept responses without an AuthCode (per-message authentication disabled).
        accept_unauthenticated: bool,
        password: Password,
        session_id: u32,
        inbound: SeqWindow,
    },
}

/// Which end of the session this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The remote console (client).
    Console,
    /// The BMC (server), as in the virtual BMC.
    Bmc,
}

/// An established session (sans-IO).
///
/// The same type serves both ends: the console wraps requests and checks
/// responses, the BMC (see the `bmc` feature) does the reverse. Both check
/// integrity, decrypt and enforce the sequence window identically.
#[derive(Debug)]
pub struct Session {
    role: Role,
    kind: Kind,
    outbound: OutboundSeq,
    rq_seq: RqSeq,
    privilege: PrivilegeLevel,
}

impl Session {
    /// An RMCP+ session after a successful RAKP exchange.
    ///
    /// # Errors
    /// [`CryptoError`] when the suite's algorithms cannot be keyed.
    pub fn rmcp_plus(
        suite: CipherSuite,
        keys: &SessionKeys,
        password: &Password,
        console_session_id: u32,
        bmc_session_id: u32,
        rq_seq_start: u8,
        privilege: PrivilegeLevel,
    ) -> Result<Self, CryptoError> {
        Self::rmcp_plus_for(
            Role::Console,
            suite,
            keys,
            password,
            console_session_id,
            bmc_session_id,
            rq_seq_start,
            privilege,
        )
    }

    /// An RMCP+ session for either end. `console_session_id` and
    /// `bmc_session_id` are the IDs as negotiated; the role decides which
    /// one outbound packets carry.
    ///
    /// # Errors
    /// [`CryptoError`] when the suite's algorithms cannot be keyed.
    #[allow(clippy::too_many_arguments)]
    pub fn rmcp_plus_for(
        role: Role,
        suite: CipherSuite,
        keys: &SessionKeys,
        password: &Password,
        console_session_id: u32,
        bmc_session_id: u32,
        rq_seq_start: u8,
        privilege: PrivilegeLevel,
    ) -> Result<Self, CryptoError> {
        let (local_id, remote_id) = match role {
            Role::Console => (console_session_id, bmc_session_id),
            Role::Bmc => (bmc_session_id, console_session_id),
        };
        Ok(Self {
            role,
            kind: Kind::RmcpPlus {
                suite,
                local_id,
                remote_id,
                integrity: Integrity::new(suite.integrity, keys, password)?,
                confidentiality: Confidentiality::new(suite.confidentiality, keys)?,
                authenticated_in: SeqWindow::rmcp_plus(),
                unauthenticated_in: SeqWindow::rmcp_plus(),
            },
            // In-session packets start at 1 (IPMI v2.0 §6.12.13).
            outbound: OutboundSeq::starting_at(1),
            rq_seq: RqSeq::new(rq_seq_start),
            privilege,
        })
    }

    /// An IPMI 1.5 session after a successful Activate Session.
    pub fn lan15(
        auth_type: AuthType,
        accept_unauthenticated: bool,
        password: Password,
        session_id: u32,
        initial_outbound_seq: u32,
        rq_seq_start: u8,
        privilege: PrivilegeLevel,
    ) -> Self {
        Self {
            role: Role::Console,
            kind: Kind::Lan15 {
                auth_type,
                accept_unauthenticated,
                password,
                session_id,
                inbound: SeqWindow::ipmi15(),
            },
            outbound: OutboundSeq::starting_at(initial_outbound_seq),
            rq_seq: RqSeq::new(rq_seq_start),
            privilege,
        }
    }

    /// Facts about the session.
    pub fn info(&self) -> SessionInfo {
        match &self.kind {
            Kind::RmcpPlus {
                suite,
                local_id,
                remote_id,
                ..
            } => {
                let (console, bmc) = match self.role {
                    Role::Console => (*local_id, *remote_id),
                    Role::Bmc => (*remote_id, *local_id),
                };
                SessionInfo {
                    rmcp_plus: true,
                    cipher_suite: Some(suite.id),
                    auth_type: None,
                    console_session_id: console,
                    bmc_session_id: bmc,
                    privilege: self.privilege,
                }
            }
            Kind::Lan15 {
                auth_type,
                session_id,
                ..
            } => SessionInfo {
                rmcp_plus: false,
                cipher_suite: None,
                auth_type: Some(*auth_type),
                console_session_id: *session_id,
                bmc_session_id: *session_id,
                privilege: self.privilege,
            },
        }
    }

    /// The privilege level of the session.
    pub fn privilege(&self) -> PrivilegeLevel {
        self.privilege
    }

    /// Records a new privilege level (after Set Session Privilege Level).
    pub fn set_privilege(&mut self, privilege: PrivilegeLevel) {
        self.privilege = privilege;
    }

    /// The BMC's session ID (the argument of Close Session).
    pub fn bmc_session_id(&self) -> u32 {
        self.info().bmc_session_id
    }

    /// Allocates the rqSeq of a new request. A retransmit reuses the
    /// request, and so its rqSeq, and only asks [`Self::encode_request`]
    /// again for a new session sequence number.
    pub fn next_rq_seq(&mut self) -> u8 {
        self.rq_seq.advance()
    }

    /// Wraps a request into a datagram with the next session sequence number.
    ///
    /// `iv` is the AES-CBC initialization vector (random per packet); it is
    /// ignored without confidentiality.
    pub fn encode_request(&mut self, req: &IpmiRequest, iv: [u8; 16]) -> Vec<u8> {
        self.encode_message(&req.to_bytes(), iv)
    }

    /// Wraps any IPMI message (request or response bytes) into a datagram
    /// of this session with the next sequence number.
    pub fn encode_message(&mut self, message: &[u8], iv: [u8; 16]) -> Vec<u8> {
        let seq = self.outbound.advance();
        match &self.kind {
            Kind::RmcpPlus {
                remote_id,
                integrity,
                confidentiality,
                ..
            } => {
                let encrypted = confidentiality.algorithm() != ConfidentialityAlgorithm::None;
                let authenticated = integrity.algorithm() != IntegrityAlgorithm::None;
                let payload = if encrypted {
                    confidentiality.encrypt(message, iv)
                } else {
                    message.to_vec()
                };
                let header = RmcpPlusHeader {
                    encrypted,
                    authenticated,
                    payload_type: PayloadType::Ipmi,
                    oem: None,
                    session_id: *remote_id,
                    session_seq: seq,
                };
                let mac = |span: &[u8]| integrity.compute(span);
                build_datagram(&header, &payload, authenticated.then_some(&mac as _))
            }
            Kind::Lan15 {
                auth_type,
                password,
                session_id,
                ..
            } => {
                let auth_code = if *auth_type == AuthType::None {
                    None
                } else {
                    message_auth_code(*auth_type, password, *session_id, message, seq).ok()
                };
                Ipmi15Packet {
                    auth_type: if auth_code.is_some() {
                        *auth_type
                    } else {
                        AuthType::None
                    },
                    session_seq: seq,
                    session_id: *session_id,
                    auth_code,
                    message: message.to_vec(),
                }
                .to_datagram()
            }
        }
    }

    /// Validates a received datagram and extracts the IPMI message bytes.
    ///
    /// # Errors
    /// An [`InboundError`] saying why the datagram is dropped.
    pub fn decode_message(&mut self, datagram: &[u8]) -> Result<Vec<u8>, InboundError> {
        let decoded = Datagram::decode(datagram).map_err(|_| InboundError::Foreign)?;
        match (&mut self.kind, decoded) {
            (
                Kind::RmcpPlus {
                    local_id,
                    integrity,
                    confidentiality,
                    authenticated_in,
                    unauthenticated_in,
                    ..
                },
                Datagram::RmcpPlus(p),
            ) => {
                if p.header.session_id != *local_id || p.header.payload_type != PayloadType::Ipmi {
                    return Err(InboundError::Foreign);
                }
                let needs_auth = integrity.algorithm() != IntegrityAlgorithm::None;
                let needs_enc = confidentiality.algorithm() != ConfidentialityAlgorithm::None;
                // Never accept a downgrade: the flags must match the suite.
                if p.header.authenticated != needs_auth || p.header.encrypted != needs_enc {
                    return Err(InboundError::Integrity);
                }
                let window = if needs_auth {
                    let (span, code) = p.integrity_parts(integrity.code_len())?;
                    integrity
                        .verify(span, code)
                        .map_err(|_| InboundError::Integrity)?;
                    authenticated_in
                } else {
                    unauthenticated_in
                };
                if !window.would_accept(p.header.session_seq) {
                    return Err(InboundError::Replay(p.header.session_seq));
                }
                let message = if needs_enc {
                    confidentiality.decrypt(p.payload)?
                } else {
                    p.payload.to_vec()
                };
                window.accept(p.header.session_seq);
                Ok(message)
            }
            (
                Kind::Lan15 {
                    auth_type,
                    accept_unauthenticated,
                    password,
                    session_id,
                    inbound,
                },
                Datagram::Ipmi15(p),
            ) => {
                if p.session_id != *session_id {
                    return Err(InboundError::Foreign);
                }
                match p.auth_code {
                    // Only the session's own auth type is acceptable: an MD5
                    // session must not take a "straight password" packet.
                    Some(_) if p.auth_type != *auth_type => {
                        return Err(InboundError::Integrity);
                    }
                    Some(code) => {
                        let expected = message_auth_code(
                            p.auth_type,
                            password,
                            p.session_id,
                            &p.message,
                            p.session_seq,
                        )
                        .map_err(|_| InboundError::Integrity)?;
                        if !rakp::verify(&expected, &code) {
                            return Err(InboundError::Integrity);
                        }
                    }
                    None if *auth_type != AuthType::None && !*accept_unauthenticated => {
                        return Err(InboundError::Integrity);
                    }
                    None => {}
                }
                if !inbound.accept(p.session_seq) {
                    return Err(InboundError::Replay(p.session_seq));
                }
                Ok(p.message)
            }
            _ => Err(InboundError::Foreign),
        }
    }

    /// Validates a received datagram and decodes the IPMI response in it.
    ///
    /// # Errors
    /// An [`InboundError`] saying why the datagram is dropped.
    pub fn decode_response(&mut self, datagram: &[u8]) -> Result<IpmiResponse, InboundError> {
        let message = self.decode_message(datagram)?;
        Ok(IpmiResponse::from_bytes(&message)?)
    }
}
