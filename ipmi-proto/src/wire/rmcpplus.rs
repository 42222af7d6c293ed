//! RMCP+ (IPMI v2.0) session header and trailer (IPMI v2.0 §13.6, Table 13-8;
//! §13.28.4 for the integrity trailer).
//!
//! ```text
//! auth type = 06h (1)
//! payload type (1): [7] encrypted, [6] authenticated, [5:0] type
//! [OEM IANA (4) + OEM payload ID (2)]      only for payload type 02h
//! session ID (4, LE) | session seq (4, LE) | payload length (2, LE)
//! payload
//! [trailer]  integrity pad (0–3 × FFh) | pad length (1) | next header 07h (1) | AuthCode (N)
//! ```
//! The trailer is present only on authenticated packets of an active session
//! (session ID ≠ 0). The pad makes the span from the auth type byte through
//! the next-header byte a multiple of 4, and the AuthCode is computed over
//! exactly that span.

use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::types::{AuthType, PayloadType};

use super::rmcp::RmcpHeader;

/// The "next header" byte of the integrity trailer (IPMI v2.0 §13.6).
pub const NEXT_HEADER: u8 = 0x07;

/// The RMCP+ session header, without the payload length (derived from the
/// payload when encoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RmcpPlusHeader {
    /// The payload is encrypted (bit 7).
    pub encrypted: bool,
    /// The packet carries an integrity trailer (bit 6).
    pub authenticated: bool,
    /// Payload type (bits 5:0).
    pub payload_type: PayloadType,
    /// OEM IANA and OEM payload ID, for payload type 02h only.
    pub oem: Option<(u32, u16)>,
    /// Session ID: the BMC's on packets to the BMC, the console's on packets
    /// from it; 0 outside a session.
    pub session_id: u32,
    /// Session sequence number; 0 outside a session.
    pub session_seq: u32,
}

impl RmcpPlusHeader {
    /// A pre-session header: session ID and sequence 0, no encryption or
    /// authentication.
    pub fn sessionless(payload_type: PayloadType) -> Self {
        Self {
            encrypted: false,
            authenticated: false,
            payload_type,
            oem: None,
            session_id: 0,
            session_seq: 0,
        }
    }

    fn encode_with_len(&self, w: &mut Writer, payload_len: u16) {
        let mut ty = u8::from(self.payload_type) & 0x3f;
        if self.encrypted {
            ty |= 0x80;
        }
        if self.authenticated {
            ty |= 0x40;
        }
        w.u8(AuthType::RmcpPlus.into()).u8(ty);
        if self.payload_type == PayloadType::OemExplicit {
            let (iana, id) = self.oem.unwrap_or((0, 0));
            w.u32_le(iana).u16_le(id);
        }
        w.u32_le(self.session_id)
            .u32_le(self.session_seq)
            .u16_le(payload_len);
    }
}

/// A decoded RMCP+ packet, borrowing its payload and trailer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RmcpPlusPacket<'a> {
    /// The session header.
    pub header: RmcpPlusHeader,
    /// The payload (still encrypted when `header.encrypted`).
    pub payload: &'a [u8],
    /// Everything after the payload (integrity trailer, or nothing).
    pub trailer: &'a [u8],
    /// The whole packet from the auth type byte on (the integrity span is a
    /// prefix of it).
    pub packet: &'a [u8],
}

impl<'a> RmcpPlusPacket<'a> {
    /// Decodes an RMCP+ packet positioned at its auth type byte.
    ///
    /// # Errors
    /// A [`DecodeError`] for a wrong auth type, a truncated header, or a
    /// payload length beyond the datagram.
    pub fn decode(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        let packet = r.peek_rest();
        let auth = r.u8("RMCP+ auth type")?;
        if AuthType::from(auth) != AuthType::RmcpPlus {
            return Err(DecodeError::InvalidField {
                what: "RMCP+ auth type",
                value: auth.into(),
            });
        }
        let ty = r.u8("RMCP+ payload type")?;
        let payload_type = PayloadType::from(ty & 0x3f);
        let oem = if payload_type == PayloadType::OemExplicit {
            Some((r.u32_le("OEM IANA")?, r.u16_le("OEM payload ID")?))
        } else {
            None
        };
        let session_id = r.u32_le("RMCP+ session ID")?;
        let session_seq = r.u32_le("RMCP+ session sequence")?;
        let len = r.u16_le("RMCP+ payload length")?;
        let remaining = r.remaining();
        let payload =
            r.take(usize::from(len), "RMCP+ payload")
                .map_err(|_| DecodeError::LengthMismatch {
                    what: "RMCP+ payload length",
                    declared: usize::from(len),
                    actual: remaining,
                })?;
        let trailer = r.rest();
        Ok(Self {
            header: RmcpPlusHeader {
                encrypted: ty & 0x80 != 0,
                authenticated: ty & 0x40 != 0,
                payload_type,
                oem,
                session_id,
                session_seq,
            },
            payload,
            trailer,
            packet,
        })
    }

    /// Splits the trailer for an AuthCode of `code_len` bytes and validates
    /// its layout: pad bytes FFh, pad length ≤ 3 and matching, next header
    /// 07h. Returns `(span, auth_code)`, where `span` is what the AuthCode
    /// covers (auth type byte through next header).
    ///
    /// # Errors
    /// [`DecodeError`] when the trailer is malformed.
    pub fn integrity_parts(&self, code_len: usize) -> Result<(&'a [u8], &'a [u8]), DecodeError> {
        let total = self.packet.len();
        let span_len = total.checked_sub(code_len).ok_or(DecodeError::Truncated {
            what: "integrity trailer",
            need: code_len,
            have: total,
        })?;
        let (span, code) =
            self.packet
                .split_at_checked(span_len)
                .ok_or(DecodeError::Truncated {
                    what: "integrity trailer",
                    need: code_len,
                    have: total,
                })?;
        // The bytes between the payload and the AuthCode: pad, pad length, next header.
        let pad_area_len =
            self.trailer
                .len()
                .checked_sub(code_len)
                .ok_or(DecodeError::Truncated {
                    what: "integrity trailer",
                    need: code_len.saturating_add(2),
                    have: self.trailer.len(),
                })?;
        let pad_area = self.trailer.get(..pad_area_len).unwrap_or_default();
        let [pad @ .., pad_len, next] = pad_area else {
            return Err(DecodeError::Truncated {
                what: "integrity trailer",
                need: code_len.saturating_add(2),
                have: self.trailer.len(),
            });
        };
        if *next != NEXT_HEADER {
            return Err(DecodeError::InvalidField {
                what: "trailer next header",
                value: (*next).into(),
            });
        }
        if usize::from(*pad_len) != pad.len() || *pad_len > 3 || pad.iter().any(|b| *b != 0xff) {
            return Err(DecodeError::InvalidField {
                what: "integrity pad",
                value: (*pad_len).into(),
            });
        }
        Ok((span, code))
    }
}

/// Computes an AuthCode over an integrity span.
pub type AuthCodeFn<'a> = &'a dyn Fn(&[u8]) -> Vec<u8>;

/// Builds a complete datagram (RMCP header included).
///
/// When `header.authenticated` is set and `auth_code` is given, the integrity
/// pad, pad length and next header are appended and `auth_code` is called on
/// the span (auth type byte through next header) to produce the AuthCode.
pub fn build_datagram(
    header: &RmcpPlusHeader,
    payload: &[u8],
    auth_code: Option<AuthCodeFn<'_>>,
) -> Vec<u8> {
    let len = u16::try_from(payload.len()).unwrap_or(u16::MAX);
    let payload = payload.get(..usize::from(len)).unwrap_or(payload);
    let mut w = Writer::with_capacity(payload.len().saturating_add(48));
    RmcpHeader::IPMI.encode(&mut w);
    header.encode_with_len(&mut w, len);
    w.bytes(payload);
    if let (true, Some(code)) = (header.authenticated, auth_code) {
        // Span so far excludes the 4-byte RMCP header; +2 for pad length and next header.
        let span_len = w.len().saturating_sub(4).saturating_add(2);
        let pad = (4 - span_len % 4) % 4;
        for _ in 0..pad {
            w.u8(0xff);
        }
        w.u8(u8::try_from(pad).unwrap_or(0)).u8(NEXT_HEADER);
        let mac = code(w.as_slice().get(4..).unwrap_or_default());
        w.bytes(&mac);
    }
    w.into_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decode(bytes: &[u8]) -> RmcpPlusPacket<'_> {
        let mut r = Reader::new(bytes);
        RmcpHeader::decode(&mut r).unwrap();
        RmcpPlusPacket::decode(&mut r).unwrap()
    }

    #[test]
    fn open_session_request_header() {
        // Pre-session Open Session Request header with a 32-byte payload.
        let h = RmcpPlusHeader::sessionless(PayloadType::OpenSessionRequest);
        let d = build_datagram(&h, &[0u8; 32], None);
        assert_eq!(
            &d[..16],
            &hex::decode("0600ff070610000000000000000020 00".replace(' ', "")).unwrap()[..]
        );
        let p = decode(&d);
        assert_eq!(p.header, h);
        assert_eq!(p.payload.len(), 32);
        assert!(p.trailer.is_empty());
    }

    #[test]
    fn trailer_padding_matches_worked_example() {
        // Suite 3 Get SDR request: 32-byte payload -> 12 + 32 = 44, pad 2,
        // + 2 -> 48, + 12-byte AuthCode = 60 (+4 RMCP = 64 bytes).
        let h = RmcpPlusHeader {
            encrypted: true,
            authenticated: true,
            payload_type: PayloadType::Ipmi,
            oem: None,
            session_id: 0x1234_5678,
            session_seq: 9,
        };
        let d = build_datagram(
            &h,
            &[0x11; 32],
            Some(&|span: &[u8]| {
                assert_eq!(span.len(), 48);
                vec![0xab; 12]
            }),
        );
        assert_eq!(d.len(), 64);
        assert_eq!(&d[48..52], &[0xff, 0xff, 0x02, 0x07]);
        let p = decode(&d);
        let (span, code) = p.integrity_parts(12).unwrap();
        assert_eq!(span.len(), 48);
        assert_eq!(code, &[0xab; 12]);
        assert!(p.integrity_parts(16).is_err());
    }

    #[test]
    fn bad_pad_rejected() {
        let h = RmcpPlusHeader {
            encrypted: false,
            authenticated: true,
            payload_type: PayloadType::Ipmi,
            oem: None,
            session_id: 1,
            session_seq: 1,
        };
        let mut d = build_datagram(&h, &[1, 2, 3, 4, 5, 6], Some(&|_: &[u8]| vec![0; 12]));
        let pad_at = 4 + 12 + 6;
        d[pad_at] = 0xfe;
        assert!(decode(&d).integrity_parts(12).is_err());
    }

    #[test]
    fn payload_length_beyond_datagram() {
        let d = hex::decode("0600ff0706000000000000000000ff00").unwrap();
        let mut r = Reader::new(&d);
        RmcpHeader::decode(&mut r).unwrap();
        assert!(matches!(
            RmcpPlusPacket::decode(&mut r),
            Err(DecodeError::LengthMismatch { .. })
        ));
    }

    proptest! {
        #[test]
        fn round_trip(enc: bool, auth: bool, ty in 0u8..0x40, iana: u32, pid: u16, id: u32, seq: u32,
                      payload in proptest::collection::vec(any::<u8>(), 0..300),
                      code_len in prop::sample::select(vec![12usize, 16, 20, 32])) {
            let payload_type = PayloadType::from(ty);
            let h = RmcpPlusHeader {
                encrypted: enc, authenticated: auth, payload_type,
                oem: (payload_type == PayloadType::OemExplicit).then_some((iana, pid)),
                session_id: id, session_seq: seq,
            };
            let d = build_datagram(&h, &payload, Some(&|_: &[u8]| vec![0x5a; code_len]));
            let p = decode(&d);
            prop_assert_eq!(p.header, h);
            prop_assert_eq!(p.payload, &payload[..]);
            if auth {
                let (span, code) = p.integrity_parts(code_len).unwrap();
                prop_assert_eq!(span.len() % 4, 0);
                prop_assert_eq!(code, &vec![0x5a; code_len][..]);
            } else {
                prop_assert!(p.trailer.is_empty());
            }
        }

        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..128), n in 0usize..40) {
            let mut r = Reader::new(&bytes);
            if let Ok(p) = RmcpPlusPacket::decode(&mut r) {
                let _ = p.integrity_parts(n);
            }
        }
    }
}
