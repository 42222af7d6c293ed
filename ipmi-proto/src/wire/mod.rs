//! Bytes ⇄ typed messages for everything that crosses the LAN.
//!
//! Every message here is a plain struct implementing [`Codec`](crate::Codec):
//! `decode` reads through the bounded [`crate::Reader`] and never
//! panics on hostile input, `encode` never fails. Nothing in this module holds
//! keys or state: integrity codes and encryption are applied by
//! [`session`](crate::session), which uses the framing helpers here.
//!
//! Layers of one datagram (IPMI v2.0 §13):
//!
//! ```text
//! RMCP header (4)  ── rmcp.rs
//!   ├─ class ASF:  presence ping / pong                         ── rmcp.rs
//!   └─ class IPMI: auth type byte decides the session format
//!        ├─ 00h–05h: IPMI 1.5 session header + message          ── ipmi15.rs
//!        └─ 06h:     RMCP+ session header, payload, trailer     ── rmcpplus.rs
//!             payloads: IPMI message (message.rs),
//!                       Open Session / RAKP 1–4 (rakp.rs)
//! ```

pub mod ipmi15;
pub mod message;
pub mod rakp;
pub mod rmcp;
pub mod rmcpplus;

pub use ipmi15::Ipmi15Packet;
pub use message::{IpmiRequest, IpmiResponse};
pub use rmcp::{AsfMessage, RmcpClass, RmcpHeader};
pub use rmcpplus::{RmcpPlusHeader, RmcpPlusPacket};

use crate::codec::{DecodeError, Reader};
use crate::types::AuthType;

/// A datagram split at its outermost layers, borrowing from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Datagram<'a> {
    /// An ASF message (presence ping or pong).
    Asf(AsfMessage),
    /// An IPMI 1.5 session packet.
    Ipmi15(Ipmi15Packet),
    /// An RMCP+ packet; the payload is still encrypted if the header says so.
    RmcpPlus(RmcpPlusPacket<'a>),
}

impl<'a> Datagram<'a> {
    /// Splits a UDP datagram into its RMCP class and session format.
    ///
    /// # Errors
    /// A [`DecodeError`] for a truncated or malformed datagram, or one of an
    /// RMCP class other than ASF or IPMI.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let header = <RmcpHeader as crate::Codec>::decode(&mut r)?;
        match header.class {
            RmcpClass::Asf => Ok(Self::Asf(<AsfMessage as crate::Codec>::decode(&mut r)?)),
            RmcpClass::Ipmi => {
                let auth = r
                    .peek_rest()
                    .first()
                    .copied()
                    .ok_or(DecodeError::Truncated {
                        what: "session auth type",
                        need: 1,
                        have: 0,
                    })?;
                if AuthType::from(auth & 0x0f) == AuthType::RmcpPlus {
                    Ok(Self::RmcpPlus(RmcpPlusPacket::decode(&mut r)?))
                } else {
                    Ok(Self::Ipmi15(<Ipmi15Packet as crate::Codec>::decode(
                        &mut r,
                    )?))
                }
            }
            other => Err(DecodeError::InvalidField {
                what: "RMCP class",
                value: u8::from(other).into(),
            }),
        }
    }
}
