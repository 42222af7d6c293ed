//! The IPMI LAN message with its two checksums (IPMI v2.0 §13.8, Tables 13-4
//! and 13-5).
//!
//! ```text
//! request:  rsSA | netFn<<2 | rsLUN | chk1 | rqSA | rqSeq<<2 | rqLUN | cmd | data…      | chk2
//! response: rqSA | netFn<<2 | rqLUN | chk1 | rsSA | rqSeq<<2 | rsLUN | cmd | cc | data… | chk2
//! ```
//! `chk1` covers the first two bytes, `chk2` everything after `chk1`; each
//! makes its span sum to zero modulo 256.

use crate::codec::{checksum, Codec, DecodeError, Reader, Writer};
use crate::types::{CompletionCode, NetFn};

/// The BMC's slave address (IPMI v2.0 §5.5).
pub const BMC_SLAVE_ADDR: u8 = 0x20;
/// The usual remote console software ID (IPMI v2.0 §5.5, 81h–8Dh).
pub const REMOTE_CONSOLE_SWID: u8 = 0x81;

/// The common header of both directions, decoded with checksums verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frame<'a> {
    dest_addr: u8,
    netfn: NetFn,
    dest_lun: u8,
    src_addr: u8,
    seq: u8,
    src_lun: u8,
    cmd: u8,
    body: &'a [u8],
}

fn encode_frame(w: &mut Writer, f: &Frame<'_>, extra: Option<u8>) {
    let b1 = (u8::from(f.netfn) << 2) | (f.dest_lun & 3);
    let start = w.len();
    w.u8(f.dest_addr).u8(b1).u8(checksum(&[f.dest_addr, b1]));
    let second = w.len();
    w.u8(f.src_addr)
        .u8(((f.seq & 0x3f) << 2) | (f.src_lun & 3))
        .u8(f.cmd);
    if let Some(cc) = extra {
        w.u8(cc);
    }
    w.bytes(f.body);
    let chk2 = checksum(w.as_slice().get(second..).unwrap_or_default());
    debug_assert!(second == start + 3);
    w.u8(chk2);
}

fn decode_frame<'a>(r: &mut Reader<'a>, min_body: usize) -> Result<Frame<'a>, DecodeError> {
    let all = r.rest();
    // 3-byte first part, 3-byte second part before the body, 1 checksum.
    let need = 7usize.saturating_add(min_body);
    if all.len() < need {
        return Err(DecodeError::Truncated {
            what: "IPMI message",
            need,
            have: all.len(),
        });
    }
    let (first, second) = all.split_at_checked(3).ok_or(DecodeError::Truncated {
        what: "IPMI message",
        need,
        have: all.len(),
    })?;
    if checksum(first) != 0 {
        return Err(DecodeError::BadChecksum {
            what: "IPMI message chk1",
        });
    }
    if checksum(second) != 0 {
        return Err(DecodeError::BadChecksum {
            what: "IPMI message chk2",
        });
    }
    let mut h = Reader::new(first);
    let dest_addr = h.u8("rsSA")?;
    let b1 = h.u8("netFn/LUN")?;
    let mut s = Reader::new(second);
    let src_addr = s.u8("rqSA")?;
    let b2 = s.u8("rqSeq/LUN")?;
    let cmd = s.u8("cmd")?;
    let rest = s.rest();
    let body = rest.get(..rest.len().saturating_sub(1)).unwrap_or_default();
    Ok(Frame {
        dest_addr,
        netfn: NetFn::from(b1 >> 2),
        dest_lun: b1 & 3,
        src_addr,
        seq: b2 >> 2,
        src_lun: b2 & 3,
        cmd,
        body,
    })
}

/// An IPMI request as carried in a LAN packet (IPMI v2.0 Table 13-4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpmiRequest {
    /// Responder's slave address (rsSA), 20h for the BMC.
    pub rs_addr: u8,
    /// Request network function.
    pub netfn: NetFn,
    /// Responder's LUN (0–3), e.g. a sensor's owner LUN.
    pub rs_lun: u8,
    /// Requester's address (rqSA), 81h for a remote console.
    pub rq_addr: u8,
    /// Request sequence number (6 bits).
    pub rq_seq: u8,
    /// Requester's LUN.
    pub rq_lun: u8,
    /// Command code.
    pub cmd: u8,
    /// Request data.
    pub data: Vec<u8>,
}

impl IpmiRequest {
    /// A request to the BMC (20h, LUN 0) from the remote console (81h).
    pub fn to_bmc(netfn: NetFn, cmd: u8, rq_seq: u8, data: Vec<u8>) -> Self {
        Self {
            rs_addr: BMC_SLAVE_ADDR,
            netfn,
            rs_lun: 0,
            rq_addr: REMOTE_CONSOLE_SWID,
            rq_seq: rq_seq & 0x3f,
            rq_lun: 0,
            cmd,
            data,
        }
    }

    /// `true` when `resp` answers this request: addresses swapped, NetFn + 1,
    /// same command and rqSeq (IPMI v2.0 §5.2, §6.12.5).
    pub fn is_answered_by(&self, resp: &IpmiResponse) -> bool {
        resp.netfn == self.netfn.response()
            && resp.cmd == self.cmd
            && resp.rq_seq == self.rq_seq
            && resp.rq_addr == self.rq_addr
            && resp.rs_addr == self.rs_addr
    }

    /// The response frame to this request, with the given completion code and data.
    pub fn respond(&self, completion: CompletionCode, data: Vec<u8>) -> IpmiResponse {
        IpmiResponse {
            rq_addr: self.rq_addr,
            netfn: self.netfn.response(),
            rq_lun: self.rq_lun,
            rs_addr: self.rs_addr,
            rq_seq: self.rq_seq,
            rs_lun: self.rs_lun,
            cmd: self.cmd,
            completion,
            data,
        }
    }
}

impl Codec for IpmiRequest {
    fn encode(&self, w: &mut Writer) {
        encode_frame(
            w,
            &Frame {
                dest_addr: self.rs_addr,
                netfn: self.netfn,
                dest_lun: self.rs_lun,
                src_addr: self.rq_addr,
                seq: self.rq_seq,
                src_lun: self.rq_lun,
                cmd: self.cmd,
                body: &self.data,
            },
            None,
        );
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let f = decode_frame(r, 0)?;
        Ok(Self {
            rs_addr: f.dest_addr,
            netfn: f.netfn,
            rs_lun: f.dest_lun,
            rq_addr: f.src_addr,
            rq_seq: f.seq,
            rq_lun: f.src_lun,
            cmd: f.cmd,
            data: f.body.to_vec(),
        })
    }
}

/// An IPMI response as carried in a LAN packet (IPMI v2.0 Table 13-5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpmiResponse {
    /// Requester's address (the remote console, 81h).
    pub rq_addr: u8,
    /// Response network function (request NetFn + 1).
    pub netfn: NetFn,
    /// Requester's LUN.
    pub rq_lun: u8,
    /// Responder's address (20h for the BMC).
    pub rs_addr: u8,
    /// The request's sequence number.
    pub rq_seq: u8,
    /// Responder's LUN.
    pub rs_lun: u8,
    /// Command code.
    pub cmd: u8,
    /// Completion code.
    pub completion: CompletionCode,
    /// Response data after the completion code. On a non-zero completion
    /// code it may be truncated and must not be parsed (IPMI v2.0 §5.2).
    pub data: Vec<u8>,
}

impl Codec for IpmiResponse {
    fn encode(&self, w: &mut Writer) {
        encode_frame(
            w,
            &Frame {
                dest_addr: self.rq_addr,
                netfn: self.netfn,
                dest_lun: self.rq_lun,
                src_addr: self.rs_addr,
                seq: self.rq_seq,
                src_lun: self.rs_lun,
                cmd: self.cmd,
                body: &self.data,
            },
            Some(self.completion.into()),
        );
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let f = decode_frame(r, 1)?;
        let (cc, data) = f.body.split_first().ok_or(DecodeError::Truncated {
            what: "completion code",
            need: 1,
            have: 0,
        })?;
        Ok(Self {
            rq_addr: f.dest_addr,
            netfn: f.netfn,
            rq_lun: f.dest_lun,
            rs_addr: f.src_addr,
            rq_seq: f.seq,
            rs_lun: f.src_lun,
            cmd: f.cmd,
            completion: CompletionCode::from(*cc),
            data: data.to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn get_device_id_request_bytes() {
        let req = IpmiRequest::to_bmc(NetFn::App, 0x01, 0x05, vec![]);
        let bytes = hex::decode("2018c88114016a").unwrap();
        assert_eq!(req.to_bytes(), bytes);
        assert_eq!(IpmiRequest::from_bytes(&bytes).unwrap(), req);
    }

    #[test]
    fn get_device_id_response_bytes() {
        // Response from a simulated Supermicro BMC (rqSeq 5).
        let data = hex::decode("200103880 29f7c2a001c0900000000".replace(' ', "")).unwrap();
        let req = IpmiRequest::to_bmc(NetFn::App, 0x01, 0x05, vec![]);
        let resp = req.respond(CompletionCode::Ok, data.clone());
        let bytes = resp.to_bytes();
        assert_eq!(&bytes[..8], &hex::decode("811c632014010020").unwrap()[..]);
        let back = IpmiResponse::from_bytes(&bytes).unwrap();
        assert_eq!(back, resp);
        assert!(req.is_answered_by(&back));
        let other = IpmiRequest::to_bmc(NetFn::App, 0x01, 0x06, vec![]);
        assert!(!other.is_answered_by(&back));
    }

    #[test]
    fn checksums_are_verified() {
        let mut bytes = hex::decode("2018c88114016a").unwrap();
        bytes[2] ^= 1;
        assert!(matches!(
            IpmiRequest::from_bytes(&bytes),
            Err(DecodeError::BadChecksum { .. })
        ));
        let mut bytes = hex::decode("2018c88114016a").unwrap();
        bytes[6] ^= 1;
        assert!(matches!(
            IpmiRequest::from_bytes(&bytes),
            Err(DecodeError::BadChecksum { .. })
        ));
    }

    #[test]
    fn response_needs_completion_code() {
        // A well-checksummed frame with no completion code byte.
        let req = IpmiRequest::to_bmc(NetFn::AppResponse, 0x01, 0, vec![]);
        assert!(IpmiResponse::from_bytes(&req.to_bytes()).is_err());
    }

    proptest! {
        #[test]
        fn request_round_trip(rs in any::<u8>(), netfn in 0u8..64, rs_lun in 0u8..4, rq in any::<u8>(),
                              seq in 0u8..64, rq_lun in 0u8..4, cmd: u8,
                              data in proptest::collection::vec(any::<u8>(), 0..64)) {
            let m = IpmiRequest { rs_addr: rs, netfn: NetFn::from(netfn), rs_lun, rq_addr: rq, rq_seq: seq, rq_lun, cmd, data };
            prop_assert_eq!(IpmiRequest::from_bytes(&m.to_bytes()).unwrap(), m);
        }

        #[test]
        fn response_round_trip(rq in any::<u8>(), netfn in 0u8..64, rq_lun in 0u8..4, rs in any::<u8>(),
                               seq in 0u8..64, rs_lun in 0u8..4, cmd: u8, cc: u8,
                               data in proptest::collection::vec(any::<u8>(), 0..64)) {
            let m = IpmiResponse { rq_addr: rq, netfn: NetFn::from(netfn), rq_lun, rs_addr: rs, rq_seq: seq, rs_lun, cmd,
                                   completion: CompletionCode::from(cc), data };
            prop_assert_eq!(IpmiResponse::from_bytes(&m.to_bytes()).unwrap(), m);
        }

        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = IpmiRequest::from_bytes(&bytes);
            let _ = IpmiResponse::from_bytes(&bytes);
        }
    }
}
