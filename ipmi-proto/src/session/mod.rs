//! Sans-IO session layer: handshakes and the established session.
//!
//! Nothing here touches a socket or a clock. A caller (the tokio
//! [`client`](crate::client), a test, or another runtime) moves datagrams:
//!
//! ```text
//!   Handshake::new(config, random) ─ start() ──────────────> datagram to send
//!   datagram received ─> handle_datagram() ─> Send(next) | Ignored | Established(Session)
//!   timeout ─────────────> retransmit() (same stage) or restart(new random) (from Open Session)
//!
//!   Session::encode_request(&request, iv) ──> datagram (a fresh session sequence number each call)
//!   datagram received ─> Session::decode_response() ─> IpmiResponse, or an InboundError to drop it
//! ```
//!
//! [`Handshake`] speaks RMCP+ (IPMI v2.0 §13.15–§13.23), [`Lan15Handshake`]
//! IPMI 1.5 (IPMI v2.0 §22.14–§22.15 and §6.12). Both end in a [`Session`];
//! the caller then sends Set Session Privilege Level like any other request
//! (sessions start at User, IPMI v2.0 §13.21).

mod active;
mod handshake;
mod lan15;
pub mod rto;
pub mod sequence;

pub use active::{InboundError, Role, Session, SessionInfo};
pub use handshake::{Handshake, HandshakeEvent, HandshakeRandom, Stage};
pub use lan15::{Lan15AuthType, Lan15Handshake, Lan15Random};

use thiserror::Error;

use crate::codec::DecodeError;
use crate::crypto::keys::{BmcKey, Password};
use crate::crypto::suite::CipherSuite;
use crate::crypto::CryptoError;
use crate::types::{CompletionCode, PrivilegeLevel, RakpStatus};

/// Which privilege the Open Session Request asks for (IPMI v2.0 §13.17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OpenSessionPrivilege {
    /// The concrete level being requested (the default; what many BMCs need
    /// to derive matching keys — FreeIPMI calls this `opensesspriv`).
    #[default]
    Requested,
    /// 0h, "highest level matching the proposed algorithms"; needed by a few
    /// BMCs whose cipher suites are pinned to privilege levels.
    Highest,
}

/// Everything a handshake needs to know about the user and the algorithms.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// User name, at most 16 bytes; empty for a null user.
    pub username: Vec<u8>,
    /// The user's password (Kuid), at most 20 bytes (16 for IPMI 1.5).
    pub password: Password,
    /// The BMC key K_g, when the BMC has one (RMCP+ only).
    pub kg: Option<BmcKey>,
    /// The privilege level to run the session at.
    pub privilege: PrivilegeLevel,
    /// RMCP+ cipher suite for this attempt.
    pub cipher_suite: CipherSuite,
    /// What Open Session asks for.
    pub open_session_privilege: OpenSessionPrivilege,
    /// Use name-only lookup in RAKP 1 (IPMI v2.0 §13.20; the usual choice).
    pub name_only_lookup: bool,
}

impl SessionConfig {
    /// A configuration with the usual defaults: concrete privilege in Open
    /// Session and name-only lookup.
    ///
    /// # Errors
    /// [`HandshakeError::UsernameTooLong`] for a name over 16 bytes.
    pub fn new(
        username: &[u8],
        password: Password,
        privilege: PrivilegeLevel,
        cipher_suite: CipherSuite,
    ) -> Result<Self, HandshakeError> {
        if username.len() > 16 {
            return Err(HandshakeError::UsernameTooLong(username.len()));
        }
        Ok(Self {
            username: username.to_vec(),
            password,
            kg: None,
            privilege,
            cipher_suite,
            open_session_privilege: OpenSessionPrivilege::default(),
            name_only_lookup: true,
        })
    }
}

/// Which handshake message a BMC answered with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeStep {
    /// Get Channel Authentication Capabilities.
    AuthCapabilities,
    /// RMCP+ Open Session.
    OpenSession,
    /// RAKP Message 2.
    Rakp2,
    /// RAKP Message 4.
    Rakp4,
    /// IPMI 1.5 Get Session Challenge.
    GetSessionChallenge,
    /// IPMI 1.5 Activate Session.
    ActivateSession,
    /// Set Session Privilege Level, right after the session is up.
    SetSessionPrivilege,
}

impl std::fmt::Display for HandshakeStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::AuthCapabilities => "Get Channel Authentication Capabilities",
            Self::OpenSession => "Open Session",
            Self::Rakp2 => "RAKP 2",
            Self::Rakp4 => "RAKP 4",
            Self::GetSessionChallenge => "Get Session Challenge",
            Self::ActivateSession => "Activate Session",
            Self::SetSessionPrivilege => "Set Session Privilege Level",
        })
    }
}

/// Why a handshake failed.
///
/// What the BMC reported ([`Rejected`](Self::Rejected),
/// [`Completion`](Self::Completion)) is kept apart from what we detected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HandshakeError {
    /// The BMC answered an RMCP+ step with an error status.
    #[error("BMC rejected {step}: {status}")]
    Rejected {
        /// The step the BMC answered.
        step: HandshakeStep,
        /// The RMCP+ status code it sent.
        status: RakpStatus,
    },
    /// The BMC answered a command step with a non-zero completion code.
    #[error("BMC answered {step} with completion code {:#04x}: {}", u8::from(*code), completion_meaning(*step, *code))]
    Completion {
        /// The step the BMC answered.
        step: HandshakeStep,
        /// Its completion code.
        code: CompletionCode,
    },
    /// RAKP 2's key-exchange code does not match the password: in practice a
    /// wrong password (or user name).
    #[error("authentication failed: RAKP 2 key exchange code mismatch (wrong password?)")]
    Rakp2Mismatch,
    /// RAKP 4's integrity check value does not match the derived session key
    /// (a wrong K_g, or the BMC used another privilege for its keys).
    #[error("authentication failed: RAKP 4 integrity check value mismatch (wrong BMC key K_g?)")]
    Rakp4Mismatch,
    /// The BMC answered Get Session Challenge but never Activate Session:
    /// BMCs silently drop an activation whose AuthCode does not verify, so
    /// this is in practice a wrong password.
    #[error("authentication failed: no answer to IPMI 1.5 Activate Session (wrong password?)")]
    Lan15AuthFailed,
    /// The BMC accepted different algorithms from the ones proposed.
    #[error("BMC accepted different algorithms from the ones proposed")]
    AlgorithmMismatch,
    /// The BMC offered session ID 0.
    #[error("BMC offered an invalid session ID 0")]
    ZeroSessionId,
    /// The BMC does not offer the requested IPMI 1.5 authentication type.
    #[error("BMC does not support the {0} IPMI 1.5 authentication type")]
    Lan15AuthTypeUnsupported(&'static str),
    /// A user name over 16 bytes.
    #[error("user name is {0} bytes long, at most 16 are allowed")]
    UsernameTooLong(usize),
    /// Cryptography failed (e.g. a key of the wrong size).
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// A handshake response could not be decoded.
    #[error("malformed handshake response: {0}")]
    Decode(#[from] DecodeError),
    /// The handshake is already over (established or failed).
    #[error("handshake already finished")]
    Finished,
}

/// The meaning of a completion code answering a handshake step, with the
/// command-specific codes of Get Session Challenge (IPMI v2.0 §22.16),
/// Activate Session (§22.17) and Set Session Privilege Level (§22.18).
pub fn completion_meaning(step: HandshakeStep, code: CompletionCode) -> &'static str {
    match (step, u8::from(code)) {
        (HandshakeStep::GetSessionChallenge, 0x81) => "invalid user name",
        (HandshakeStep::GetSessionChallenge, 0x82) => "null user name not enabled",
        (HandshakeStep::ActivateSession, 0x81) => "no session slot available",
        (HandshakeStep::ActivateSession, 0x82) => "no slot available for the given user",
        (HandshakeStep::ActivateSession, 0x83) => {
            "no slot available to support the user's privilege level"
        }
        (HandshakeStep::ActivateSession, 0x84) => "session sequence number out of range",
        (HandshakeStep::ActivateSession, 0x85) => "invalid session ID in request",
        (HandshakeStep::ActivateSession, 0x86) => {
            "requested maximum privilege level exceeds the user's or channel's limit"
        }
        (HandshakeStep::SetSessionPrivilege, 0x80) => {
            "requested privilege level not available for this user"
        }
        (HandshakeStep::SetSessionPrivilege, 0x81) => {
            "requested privilege level exceeds the user's or channel's limit"
        }
        (HandshakeStep::SetSessionPrivilege, 0x82) => "cannot disable user level authentication",
        _ => code.description(),
    }
}

impl HandshakeError {
    /// `true` when the error means the credentials were refused (wrong user
    /// name, password, K_g or privilege), as opposed to a protocol problem.
    pub fn is_authentication_failure(&self) -> bool {
        match self {
            Self::Rakp2Mismatch | Self::Rakp4Mismatch | Self::Lan15AuthFailed => true,
            Self::Rejected { status, .. } => matches!(
                status,
                RakpStatus::UnauthorizedName
                    | RakpStatus::InvalidRole
                    | RakpStatus::UnauthorizedRole
                    | RakpStatus::InvalidIntegrityCheckValue
                    | RakpStatus::InvalidNameLength
            ),
            Self::Completion { step, code } => match step {
                HandshakeStep::GetSessionChallenge => matches!(u8::from(*code), 0x81 | 0x82),
                HandshakeStep::ActivateSession => u8::from(*code) == 0x86,
                HandshakeStep::SetSessionPrivilege => matches!(u8::from(*code), 0x80 | 0x81),
                _ => false,
            },
            _ => false,
        }
    }
}
