//! RMCP header and ASF presence ping/pong (IPMI v2.0 §13.1.3, §13.2; DMTF
//! ASF 2.0 §3.2.2).
//!
//! ```text
//!  0         1          2            3
//! +---------+----------+------------+-------------------------+
//! | version | reserved | RMCP seq   | ACK(7) | class (4:0)    |
//! |  06h    |   00h    | FFh = IPMI |                         |
//! +---------+----------+------------+-------------------------+
//! ```
//! RMCP/ASF fields are big-endian; every IPMI packet starts `06 00 FF 07`.

use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::open_enum;

/// RMCP version 1.0 (IPMI v2.0 §13.1.3).
pub const RMCP_VERSION: u8 = 0x06;
/// The RMCP sequence number meaning "no RMCP ACK wanted", used for IPMI.
pub const RMCP_SEQ_NO_ACK: u8 = 0xff;
/// The ASF IANA enterprise number (4542), big-endian on the wire.
pub const ASF_IANA: u32 = 4542;

open_enum! {
    /// RMCP message classes (IPMI v2.0 §13.1.3, Table 13-1).
    pub enum RmcpClass {
        /// ASF (06h): presence ping / pong.
        Asf = 0x06,
        /// IPMI (07h).
        Ipmi = 0x07,
        /// OEM-defined (08h).
        Oem = 0x08,
    }
}

/// The 4-byte RMCP header (IPMI v2.0 §13.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RmcpHeader {
    /// RMCP sequence number; [`RMCP_SEQ_NO_ACK`] for IPMI.
    pub sequence: u8,
    /// `true` for an RMCP ACK message (class byte bit 7).
    pub ack: bool,
    /// Message class (bits 4:0).
    pub class: RmcpClass,
}

impl RmcpHeader {
    /// The header that starts every IPMI datagram: `06 00 FF 07`.
    pub const IPMI: Self = Self {
        sequence: RMCP_SEQ_NO_ACK,
        ack: false,
        class: RmcpClass::Ipmi,
    };
}

impl Codec for RmcpHeader {
    fn encode(&self, w: &mut Writer) {
        let class = (u8::from(self.class) & 0x1f) | if self.ack { 0x80 } else { 0 };
        w.u8(RMCP_VERSION).u8(0).u8(self.sequence).u8(class);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let version = r.u8("RMCP version")?;
        if version != RMCP_VERSION {
            return Err(DecodeError::InvalidField {
                what: "RMCP version",
                value: version.into(),
            });
        }
        let _reserved = r.u8("RMCP reserved")?;
        let sequence = r.u8("RMCP sequence")?;
        let class = r.u8("RMCP class")?;
        Ok(Self {
            sequence,
            ack: class & 0x80 != 0,
            class: RmcpClass::from(class & 0x1f),
        })
    }
}

/// ASF message type of a presence ping (ASF 2.0 §3.2.4.1).
pub const ASF_PRESENCE_PING: u8 = 0x80;
/// ASF message type of a presence pong (ASF 2.0 §3.2.4.2).
pub const ASF_PRESENCE_PONG: u8 = 0x40;

/// The data of an ASF presence pong (ASF 2.0 §3.2.4.2, IPMI v2.0 §13.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresencePong {
    /// IANA enterprise number (4542 unless OEM).
    pub iana: u32,
    /// OEM-defined value.
    pub oem: u32,
    /// Supported entities: bit 7 = IPMI supported, bits 3:0 = ASF version (1).
    pub supported_entities: u8,
    /// Supported interactions (bit 5 = RMCP security extensions).
    pub supported_interactions: u8,
}

impl PresencePong {
    /// `true` when the responder says it supports IPMI (bit 7).
    pub fn ipmi_supported(&self) -> bool {
        self.supported_entities & 0x80 != 0
    }
}

/// An ASF message following an RMCP header of class ASF.
///
/// ```text
/// IANA(4, BE) | type(1) | tag(1) | reserved(1) | data length(1) | data
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AsfMessage {
    /// Presence ping with its message tag.
    Ping {
        /// Message tag (00h–FEh), echoed in the pong.
        tag: u8,
    },
    /// Presence pong answering the ping with the same tag.
    Pong {
        /// Message tag of the ping.
        tag: u8,
        /// The pong's data.
        data: PresencePong,
    },
    /// Any other ASF message, kept as raw bytes.
    Other {
        /// IANA enterprise number.
        iana: u32,
        /// Message type.
        message_type: u8,
        /// Message tag.
        tag: u8,
        /// Message data.
        data: Vec<u8>,
    },
}

impl Codec for AsfMessage {
    fn encode(&self, w: &mut Writer) {
        match self {
            Self::Ping { tag } => {
                w.u32_be(ASF_IANA)
                    .u8(ASF_PRESENCE_PING)
                    .u8(*tag)
                    .u8(0)
                    .u8(0);
            }
            Self::Pong { tag, data } => {
                w.u32_be(ASF_IANA)
                    .u8(ASF_PRESENCE_PONG)
                    .u8(*tag)
                    .u8(0)
                    .u8(16);
                w.u32_be(data.iana)
                    .u32_be(data.oem)
                    .u8(data.supported_entities)
                    .u8(data.supported_interactions)
                    .bytes(&[0; 6]);
            }
            Self::Other {
                iana,
                message_type,
                tag,
                data,
            } => {
                let len = u8::try_from(data.len()).unwrap_or(u8::MAX);
                w.u32_be(*iana).u8(*message_type).u8(*tag).u8(0).u8(len);
                w.bytes(data.get(..usize::from(len)).unwrap_or(data));
            }
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let iana = r.u32_be("ASF IANA")?;
        let message_type = r.u8("ASF message type")?;
        let tag = r.u8("ASF message tag")?;
        let _reserved = r.u8("ASF reserved")?;
        let len = r.u8("ASF data length")?;
        let mut data = r.sub(usize::from(len), "ASF data")?;
        match (iana, message_type) {
            (ASF_IANA, ASF_PRESENCE_PING) => Ok(Self::Ping { tag }),
            (_, ASF_PRESENCE_PONG) if len >= 10 => {
                let pong = PresencePong {
                    iana: data.u32_be("pong IANA")?,
                    oem: data.u32_be("pong OEM")?,
                    supported_entities: data.u8("pong entities")?,
                    supported_interactions: data.u8("pong interactions")?,
                };
                Ok(Self::Pong { tag, data: pong })
            }
            _ => Ok(Self::Other {
                iana,
                message_type,
                tag,
                data: data.rest().to_vec(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ipmi_header_bytes() {
        assert_eq!(RmcpHeader::IPMI.to_bytes(), [0x06, 0x00, 0xff, 0x07]);
        assert_eq!(
            RmcpHeader::from_bytes(&[0x06, 0x00, 0xff, 0x07]).unwrap(),
            RmcpHeader::IPMI
        );
        assert!(RmcpHeader::from_bytes(&[0x05, 0x00, 0xff, 0x07]).is_err());
    }

    #[test]
    fn presence_ping_and_pong() {
        let ping = hex::decode("000011be80070000").unwrap();
        assert_eq!(
            AsfMessage::from_bytes(&ping).unwrap(),
            AsfMessage::Ping { tag: 7 }
        );
        assert_eq!(AsfMessage::Ping { tag: 7 }.to_bytes(), ping);

        let pong = hex::decode("000011be40070010000011be000000008100000000000000").unwrap();
        let msg = AsfMessage::from_bytes(&pong).unwrap();
        let AsfMessage::Pong { tag, data } = &msg else {
            panic!("not a pong: {msg:?}")
        };
        assert_eq!(*tag, 7);
        assert!(data.ipmi_supported());
        assert_eq!(data.iana, ASF_IANA);
        assert_eq!(msg.to_bytes(), pong);
    }

    proptest! {
        #[test]
        fn header_round_trip(seq: u8, ack: bool, class in 0u8..0x20) {
            let h = RmcpHeader { sequence: seq, ack, class: RmcpClass::from(class) };
            prop_assert_eq!(RmcpHeader::from_bytes(&h.to_bytes()).unwrap(), h);
        }

        #[test]
        fn asf_decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = AsfMessage::from_bytes(&bytes);
        }

        #[test]
        fn asf_other_round_trip(iana: u32, ty in 0u8..0x40, tag: u8, data in proptest::collection::vec(any::<u8>(), 0..32)) {
            let m = AsfMessage::Other { iana, message_type: ty, tag, data };
            prop_assert_eq!(AsfMessage::from_bytes(&m.to_bytes()).unwrap(), m);
        }
    }
}
