//! The crate's top-level error.
//!
//! Layers stay apart: what the BMC reported (a completion code, an RMCP+
//! status inside [`HandshakeError`]) is distinct from what we detected
//! (decode, integrity, mismatches) and from transport problems (I/O,
//! timeouts).

use std::time::Duration;

use thiserror::Error;

use crate::codec::DecodeError;
use crate::crypto::CryptoError;
use crate::session::HandshakeError;
use crate::types::{CompletionCode, NetFn};

/// Every way an IPMI operation can fail.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// A socket operation failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// No valid answer arrived in time.
    #[error("timeout after {:.1} s waiting for {what} ({attempts} attempts)", elapsed.as_secs_f64())]
    Timeout {
        /// What was being waited for (a command or handshake step).
        what: &'static str,
        /// Time spent.
        elapsed: Duration,
        /// Datagrams sent.
        attempts: u32,
    },
    /// Session establishment failed.
    #[error(transparent)]
    Handshake(#[from] HandshakeError),
    /// The BMC answered with a non-zero completion code.
    #[error("BMC answered NetFn {netfn:?} command {cmd:#04x} with completion code {code}")]
    Completion {
        /// Request NetFn.
        netfn: NetFn,
        /// Command code.
        cmd: u8,
        /// The completion code.
        code: CompletionCode,
    },
    /// A response's data could not be decoded.
    #[error("malformed response: {0}")]
    Decode(#[from] DecodeError),
    /// Cryptography failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The session is closed (or was never established).
    #[error("session closed")]
    SessionClosed,
    /// The target address could not be parsed or resolved.
    #[error("invalid target {target:?}: {reason}")]
    InvalidTarget {
        /// The target as given.
        target: String,
        /// Why it is invalid.
        reason: String,
    },
    /// An option is invalid (e.g. an unsupported cipher suite).
    #[error("invalid option: {0}")]
    InvalidOption(String),
}

impl Error {
    /// The completion code, when the BMC answered with one.
    pub fn completion_code(&self) -> Option<CompletionCode> {
        match self {
            Self::Completion { code, .. } => Some(*code),
            Self::Handshake(HandshakeError::Completion { code, .. }) => Some(*code),
            _ => None,
        }
    }

    /// `true` when the credentials were refused.
    pub fn is_authentication_failure(&self) -> bool {
        matches!(self, Self::Handshake(h) if h.is_authentication_failure())
    }

    /// `true` for a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }
}
