//! RMCP+ Open Session and RAKP message bodies (IPMI v2.0 §13.17–§13.23).
//!
//! Session IDs and random numbers are little-endian as on the wire. The
//! variable-length key-exchange codes (RAKP 2/3) and integrity check value
//! (RAKP 4) are kept as the bytes received; their expected length depends on
//! the negotiated authentication algorithm and is checked by the session.

use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::types::{
    AuthAlgorithm, ConfidentialityAlgorithm, IntegrityAlgorithm, PrivilegeLevel, RakpStatus,
};

/// The RAKP 1 ROLEm lookup bit: name-only lookup (IPMI v2.0 §13.20, byte 25 bit 4).
pub const NAME_ONLY_LOOKUP: u8 = 0x10;

/// The three proposed (or accepted) algorithms of an Open Session exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Algorithms {
    /// Authentication (RAKP) algorithm.
    pub auth: AuthAlgorithm,
    /// Integrity algorithm.
    pub integrity: IntegrityAlgorithm,
    /// Confidentiality algorithm.
    pub confidentiality: ConfidentialityAlgorithm,
}

impl Algorithms {
    fn encode(&self, w: &mut Writer) {
        for (ty, alg) in [
            (0u8, u8::from(self.auth)),
            (1, u8::from(self.integrity)),
            (2, u8::from(self.confidentiality)),
        ] {
            w.u8(ty).u8(0).u8(0).u8(8).u8(alg & 0x3f).u8(0).u8(0).u8(0);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut algs = [0u8; 3];
        for (expected, slot) in (0u8..).zip(algs.iter_mut()) {
            let ty = r.u8("algorithm payload type")?;
            if ty != expected {
                return Err(DecodeError::InvalidField {
                    what: "algorithm payload type",
                    value: ty.into(),
                });
            }
            let _ = r.take(2, "algorithm payload reserved")?;
            let len = r.u8("algorithm payload length")?;
            if len != 8 {
                return Err(DecodeError::InvalidField {
                    what: "algorithm payload length",
                    value: len.into(),
                });
            }
            *slot = r.u8("algorithm")? & 0x3f;
            let _ = r.take(3, "algorithm payload reserved")?;
        }
        let [auth, integrity, confidentiality] = algs;
        Ok(Self {
            auth: auth.into(),
            integrity: integrity.into(),
            confidentiality: confidentiality.into(),
        })
    }
}

/// RMCP+ Open Session Request, payload type 10h (IPMI v2.0 §13.17, Table 13-9).
///
/// ```text
/// tag | max privilege [3:0] | reserved(2) | console session ID(4)
///   | auth payload(8) | integrity payload(8) | confidentiality payload(8)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenSessionRequest {
    /// Message tag, echoed in the response; changed on each attempt.
    pub tag: u8,
    /// Requested maximum privilege; [`PrivilegeLevel::Highest`] (0) asks for
    /// the highest level matching the proposed algorithms.
    pub max_privilege: PrivilegeLevel,
    /// The remote console's session ID (non-zero).
    pub console_session_id: u32,
    /// Proposed algorithms.
    pub algorithms: Algorithms,
}

impl Codec for OpenSessionRequest {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.tag)
            .u8(u8::from(self.max_privilege) & 0x0f)
            .u16_le(0)
            .u32_le(self.console_session_id);
        self.algorithms.encode(w);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let tag = r.u8("tag")?;
        let max_privilege = PrivilegeLevel::from(r.u8("max privilege")? & 0x0f);
        let _ = r.u16_le("reserved")?;
        let console_session_id = r.u32_le("console session ID")?;
        let algorithms = Algorithms::decode(r)?;
        Ok(Self {
            tag,
            max_privilege,
            console_session_id,
            algorithms,
        })
    }
}

/// RMCP+ Open Session Response, payload type 11h (IPMI v2.0 §13.18, Table 13-10).
///
/// On an error status only the tag, status and console session ID are
/// meaningful and BMCs may send fewer bytes; [`Self::accepted`] is `None` then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenSessionResponse {
    /// The request's tag.
    pub tag: u8,
    /// RMCP+ status code.
    pub status: RakpStatus,
    /// Maximum privilege granted.
    pub max_privilege: PrivilegeLevel,
    /// The console's session ID, echoed.
    pub console_session_id: u32,
    /// On success: the BMC's session ID and the accepted algorithms.
    pub accepted: Option<(u32, Algorithms)>,
}

impl Codec for OpenSessionResponse {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.tag)
            .u8(self.status.into())
            .u8(u8::from(self.max_privilege) & 0x0f)
            .u8(0)
            .u32_le(self.console_session_id);
        if let Some((bmc_id, algs)) = &self.accepted {
            w.u32_le(*bmc_id);
            algs.encode(w);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let tag = r.u8("tag")?;
        let status = RakpStatus::from(r.u8("status")?);
        // Error responses may stop after the status (some BMCs send 2 bytes).
        let max_privilege = PrivilegeLevel::from(r.u8("max privilege").unwrap_or(0) & 0x0f);
        let _ = r.take_up_to(1);
        let console_session_id = if r.remaining() >= 4 {
            r.u32_le("console session ID")?
        } else {
            0
        };
        let accepted = if status == RakpStatus::Ok {
            let bmc_id = r.u32_le("BMC session ID")?;
            Some((bmc_id, Algorithms::decode(r)?))
        } else {
            let _ = r.rest();
            None
        };
        Ok(Self {
            tag,
            status,
            max_privilege,
            console_session_id,
            accepted,
        })
    }
}

/// RAKP Message 1, payload type 12h (IPMI v2.0 §13.20, Table 13-11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rakp1 {
    /// Message tag.
    pub tag: u8,
    /// The BMC's session ID.
    pub bmc_session_id: u32,
    /// Rm, the remote console's random number.
    pub console_random: [u8; 16],
    /// ROLEm: requested privilege `[3:0]` plus the lookup bit `[4]`
    /// ([`NAME_ONLY_LOOKUP`]); the whole byte enters the HMACs.
    pub role: u8,
    /// User name, 0–16 bytes, no padding.
    pub username: Vec<u8>,
}

impl Codec for Rakp1 {
    fn encode(&self, w: &mut Writer) {
        let name = self.username.get(..16).unwrap_or(&self.username);
        w.u8(self.tag)
            .bytes(&[0, 0, 0])
            .u32_le(self.bmc_session_id)
            .bytes(&self.console_random)
            .u8(self.role)
            .u16_le(0)
            .u8(u8::try_from(name.len()).unwrap_or(16))
            .bytes(name);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let tag = r.u8("tag")?;
        let _ = r.take(3, "reserved")?;
        let bmc_session_id = r.u32_le("BMC session ID")?;
        let console_random = r.array("Rm")?;
        let role = r.u8("role")?;
        let _ = r.u16_le("reserved")?;
        let len = r.u8("user name length")?;
        if len > 16 {
            return Err(DecodeError::InvalidField {
                what: "user name length",
                value: len.into(),
            });
        }
        let username = r.take(usize::from(len), "user name")?.to_vec();
        Ok(Self {
            tag,
            bmc_session_id,
            console_random,
            role,
            username,
        })
    }
}

/// RAKP Message 2, payload type 13h (IPMI v2.0 §13.21, Table 13-12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rakp2 {
    /// Message tag.
    pub tag: u8,
    /// RMCP+ status code.
    pub status: RakpStatus,
    /// The console's session ID.
    pub console_session_id: u32,
    /// Rc, the BMC's random number (zero on error).
    pub bmc_random: [u8; 16],
    /// GUIDc, the BMC's GUID (zero on error).
    pub bmc_guid: [u8; 16],
    /// Key exchange authentication code (20/16/32/0 bytes by algorithm).
    pub auth_code: Vec<u8>,
}

impl Codec for Rakp2 {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.tag)
            .u8(self.status.into())
            .u16_le(0)
            .u32_le(self.console_session_id);
        if self.status == RakpStatus::Ok {
            w.bytes(&self.bmc_random)
                .bytes(&self.bmc_guid)
                .bytes(&self.auth_code);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let tag = r.u8("tag")?;
        let status = RakpStatus::from(r.u8("status")?);
        if status != RakpStatus::Ok {
            // Error responses may stop anywhere after the status.
            let _ = r.take_up_to(2);
            let console_session_id = r.u32_le("console session ID").unwrap_or(0);
            let _ = r.rest();
            return Ok(Self {
                tag,
                status,
                console_session_id,
                bmc_random: [0; 16],
                bmc_guid: [0; 16],
                auth_code: Vec::new(),
            });
        }
        let _ = r.u16_le("reserved")?;
        Ok(Self {
            tag,
            status,
            console_session_id: r.u32_le("console session ID")?,
            bmc_random: r.array("Rc")?,
            bmc_guid: r.array("GUIDc")?,
            auth_code: r.rest().to_vec(),
        })
    }
}

/// RAKP Message 3, payload type 14h (IPMI v2.0 §13.22, Table 13-13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rakp3 {
    /// Message tag.
    pub tag: u8,
    /// Status: 00h, or an error code that aborts the session.
    pub status: RakpStatus,
    /// The BMC's session ID.
    pub bmc_session_id: u32,
    /// Key exchange authentication code.
    pub auth_code: Vec<u8>,
}

impl Codec for Rakp3 {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.tag)
            .u8(self.status.into())
            .u16_le(0)
            .u32_le(self.bmc_session_id)
            .bytes(&self.auth_code);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let tag = r.u8("tag")?;
        let status = RakpStatus::from(r.u8("status")?);
        let _ = r.u16_le("reserved")?;
        Ok(Self {
            tag,
            status,
            bmc_session_id: r.u32_le("BMC session ID")?,
            auth_code: r.rest().to_vec(),
        })
    }
}

/// RAKP Message 4, payload type 15h (IPMI v2.0 §13.23, Table 13-14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rakp4 {
    /// Message tag.
    pub tag: u8,
    /// RMCP+ status code.
    pub status: RakpStatus,
    /// The console's session ID.
    pub console_session_id: u32,
    /// Integrity check value (12/16/16/0 bytes by algorithm).
    pub icv: Vec<u8>,
}

impl Codec for Rakp4 {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.tag)
            .u8(self.status.into())
            .u16_le(0)
            .u32_le(self.console_session_id)
            .bytes(&self.icv);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let tag = r.u8("tag")?;
        let status = RakpStatus::from(r.u8("status")?);
        if status != RakpStatus::Ok {
            let _ = r.take_up_to(2);
            let console_session_id = r.u32_le("console session ID").unwrap_or(0);
            let _ = r.rest();
            return Ok(Self {
                tag,
                status,
                console_session_id,
                icv: Vec::new(),
            });
        }
        let _ = r.u16_le("reserved")?;
        Ok(Self {
            tag,
            status,
            console_session_id: r.u32_le("console session ID")?,
            icv: r.rest().to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SUITE3: Algorithms = Algorithms {
        auth: AuthAlgorithm::HmacSha1,
        integrity: IntegrityAlgorithm::HmacSha1_96,
        confidentiality: ConfidentialityAlgorithm::AesCbc128,
    };

    #[test]
    fn open_session_request_bytes() {
        let req = OpenSessionRequest {
            tag: 0,
            max_privilege: PrivilegeLevel::Administrator,
            console_session_id: 0xa0a2_a3a4,
            algorithms: SUITE3,
        };
        let bytes = hex::decode(
            "00040000a4a3a2a0\
             0000000801000000\
             0100000801000000\
             0200000801000000",
        )
        .unwrap();
        assert_eq!(req.to_bytes(), bytes);
        assert_eq!(OpenSessionRequest::from_bytes(&bytes).unwrap(), req);
    }

    #[test]
    fn open_session_error_response_two_bytes() {
        let r = OpenSessionResponse::from_bytes(&[0x05, 0x11]).unwrap();
        assert_eq!(r.tag, 5);
        assert_eq!(r.status, RakpStatus::NoCipherSuiteMatch);
        assert!(r.accepted.is_none());
    }

    #[test]
    fn rakp1_bytes() {
        let m = Rakp1 {
            tag: 1,
            bmc_session_id: 0x0403_0201,
            console_random: [0x11; 16],
            role: 0x14,
            username: b"admin".to_vec(),
        };
        let b = m.to_bytes();
        assert_eq!(&b[..8], &[1, 0, 0, 0, 1, 2, 3, 4]);
        assert_eq!(&b[24..], &[0x14, 0, 0, 5, b'a', b'd', b'm', b'i', b'n']);
        assert_eq!(Rakp1::from_bytes(&b).unwrap(), m);
        let mut long = b.clone();
        long[27] = 17;
        assert!(Rakp1::decode(&mut Reader::new(&long)).is_err());
    }

    #[test]
    fn rakp2_error_status_short() {
        let r = Rakp2::from_bytes(&[0x02, 0x0d, 0, 0]).unwrap();
        assert_eq!(r.status, RakpStatus::UnauthorizedName);
    }

    fn algorithms() -> impl Strategy<Value = Algorithms> {
        (0u8..64, 0u8..64, 0u8..64).prop_map(|(a, i, c)| Algorithms {
            auth: a.into(),
            integrity: i.into(),
            confidentiality: c.into(),
        })
    }

    proptest! {
        #[test]
        fn open_session_round_trip(tag: u8, p in 0u8..16, id: u32, bmc: u32, ok: bool, algs in algorithms()) {
            let req = OpenSessionRequest { tag, max_privilege: p.into(), console_session_id: id, algorithms: algs };
            prop_assert_eq!(OpenSessionRequest::from_bytes(&req.to_bytes()).unwrap(), req);
            let resp = OpenSessionResponse {
                tag,
                status: if ok { RakpStatus::Ok } else { RakpStatus::InsufficientResources },
                max_privilege: p.into(),
                console_session_id: id,
                accepted: ok.then_some((bmc, algs)),
            };
            prop_assert_eq!(OpenSessionResponse::from_bytes(&resp.to_bytes()).unwrap(), resp);
        }

        #[test]
        fn rakp_round_trip(tag: u8, id: u32, r: [u8; 16], g: [u8; 16], role: u8,
                           name in proptest::collection::vec(any::<u8>(), 0..=16),
                           code in proptest::collection::vec(any::<u8>(), 0..=32)) {
            let m1 = Rakp1 { tag, bmc_session_id: id, console_random: r, role, username: name };
            prop_assert_eq!(Rakp1::from_bytes(&m1.to_bytes()).unwrap(), m1);
            let m2 = Rakp2 { tag, status: RakpStatus::Ok, console_session_id: id, bmc_random: r, bmc_guid: g, auth_code: code.clone() };
            prop_assert_eq!(Rakp2::from_bytes(&m2.to_bytes()).unwrap(), m2);
            let m3 = Rakp3 { tag, status: RakpStatus::Ok, bmc_session_id: id, auth_code: code.clone() };
            prop_assert_eq!(Rakp3::from_bytes(&m3.to_bytes()).unwrap(), m3);
            let m4 = Rakp4 { tag, status: RakpStatus::Ok, console_session_id: id, icv: code };
            prop_assert_eq!(Rakp4::from_bytes(&m4.to_bytes()).unwrap(), m4);
        }

        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = OpenSessionRequest::from_bytes(&bytes);
            let _ = OpenSessionResponse::from_bytes(&bytes);
            let _ = Rakp1::from_bytes(&bytes);
            let _ = Rakp2::from_bytes(&bytes);
            let _ = Rakp3::from_bytes(&bytes);
            let _ = Rakp4::from_bytes(&bytes);
        }
    }
}
