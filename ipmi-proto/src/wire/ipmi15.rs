//! IPMI 1.5 session wrapper (IPMI v2.0 §13.6, Table 13-8).
//!
//! ```text
//! auth type(1) | session seq(4, LE) | session ID(4, LE)
//!   | auth code(16; absent when auth type = none) | message length(1) | IPMI message
//! ```
//! Note the order: IPMI 1.5 puts the **sequence number before the session
//! ID**, RMCP+ the other way round. The legacy one-byte PAD after certain
//! packet lengths (§13.6, "legacy PAD") is neither sent nor required.

use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::types::AuthType;

use super::rmcp::RmcpHeader;

/// One IPMI 1.5 session packet (without the RMCP header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipmi15Packet {
    /// Authentication type of this packet.
    pub auth_type: AuthType,
    /// Session sequence number (0 outside a session).
    pub session_seq: u32,
    /// Session ID (0 outside a session).
    pub session_id: u32,
    /// The 16-byte AuthCode; present exactly when `auth_type` is not none.
    pub auth_code: Option<[u8; 16]>,
    /// The IPMI message (from rsSA through chk2).
    pub message: Vec<u8>,
}

impl Ipmi15Packet {
    /// A sessionless packet (auth type none, sequence and ID 0).
    pub fn sessionless(message: Vec<u8>) -> Self {
        Self {
            auth_type: AuthType::None,
            session_seq: 0,
            session_id: 0,
            auth_code: None,
            message,
        }
    }

    /// Encodes the packet behind an RMCP header, ready to send.
    pub fn to_datagram(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(30 + self.message.len());
        RmcpHeader::IPMI.encode(&mut w);
        self.encode(&mut w);
        w.into_vec()
    }
}

impl Codec for Ipmi15Packet {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.auth_type.into())
            .u32_le(self.session_seq)
            .u32_le(self.session_id);
        if self.auth_type != AuthType::None {
            w.bytes(self.auth_code.as_ref().map_or(&[0u8; 16], |c| c));
        }
        let len = u8::try_from(self.message.len()).unwrap_or(u8::MAX);
        w.u8(len);
        w.bytes(
            self.message
                .get(..usize::from(len))
                .unwrap_or(&self.message),
        );
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let auth_type = AuthType::from(r.u8("1.5 auth type")?);
        let session_seq = r.u32_le("1.5 session sequence")?;
        let session_id = r.u32_le("1.5 session ID")?;
        let auth_code = if auth_type == AuthType::None {
            None
        } else {
            Some(r.array::<16>("1.5 auth code")?)
        };
        let len = r.u8("1.5 message length")?;
        let message = r.take(usize::from(len), "1.5 message")?.to_vec();
        // Anything after the message is the legacy PAD byte or junk: ignored.
        let _ = r.rest();
        Ok(Self {
            auth_type,
            session_seq,
            session_id,
            auth_code,
            message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sessionless_get_channel_auth_caps() {
        // Get Channel Authentication Capabilities, channel 0Eh + v2.0 bit, ADMIN.
        let bytes = hex::decode("0600ff07000000000000000000092018c88100388e04b5").unwrap();
        let msg = hex::decode("2018c88100388e04b5").unwrap();
        assert_eq!(Ipmi15Packet::sessionless(msg.clone()).to_datagram(), bytes);
        let mut r = Reader::new(&bytes);
        RmcpHeader::decode(&mut r).unwrap();
        let p = Ipmi15Packet::decode(&mut r).unwrap();
        assert_eq!(p, Ipmi15Packet::sessionless(msg));
    }

    #[test]
    fn authenticated_packet_layout() {
        let p = Ipmi15Packet {
            auth_type: AuthType::Md5,
            session_seq: 0x0403_0201,
            session_id: 0x0807_0605,
            auth_code: Some([0xaa; 16]),
            message: vec![1, 2, 3],
        };
        let b = p.to_bytes();
        assert_eq!(&b[..9], &[0x02, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(&b[9..25], &[0xaa; 16]);
        assert_eq!(&b[25..], &[3, 1, 2, 3]);
        assert_eq!(Ipmi15Packet::from_bytes(&b).unwrap(), p);
    }

    #[test]
    fn truncated_message_is_an_error() {
        let b = hex::decode("0000000000000000000901").unwrap();
        assert!(matches!(
            Ipmi15Packet::from_bytes(&b),
            Err(DecodeError::Truncated { .. })
        ));
    }

    proptest! {
        #[test]
        fn round_trip(auth in 0u8..6, seq: u32, id: u32, code: [u8; 16],
                      message in proptest::collection::vec(any::<u8>(), 0..255)) {
            let auth_type = AuthType::from(auth);
            let p = Ipmi15Packet {
                auth_type,
                session_seq: seq,
                session_id: id,
                auth_code: (auth_type != AuthType::None).then_some(code),
                message,
            };
            prop_assert_eq!(Ipmi15Packet::from_bytes(&p.to_bytes()).unwrap(), p);
        }

        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = Ipmi15Packet::from_bytes(&bytes);
        }
    }
}
