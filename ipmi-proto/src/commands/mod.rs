//! Typed IPMI commands: one request struct per spec command, with its
//! response type, both encoded and decoded through [`Codec`].
//!
//! A request struct implements [`Command`]: it carries the request NetFn,
//! the command byte, its response type and the minimum privilege from the
//! IPMI v2.0 spec, Appendix G (Command Assignments). Its [`Codec`]
//! implementation covers the *request data* — the bytes after the command
//! byte of the IPMI message (IPMI v2.0 §13.8, Table 13-4) — so the same
//! struct serves the client (encode) and the virtual BMC (decode).
//!
//! The response type's [`Codec`] covers the response data *after* the
//! completion code byte. Decode it only when the completion code is 00h:
//! the spec lets a responder truncate the data on any other code
//! (IPMI v2.0 §5.2, "the remaining fields may be truncated").
//!
//! # Decoding policy
//!
//! * **Requests** (decoded by the BMC side) consume exactly the fields the
//!   spec defines and leave anything else unread, so
//!   [`Codec::from_bytes`] reports extra bytes as
//!   [`DecodeError::TrailingBytes`] — the BMC answers those with C7h
//!   ("request data length invalid").
//! * **Responses** (decoded by the client) are tolerant the way real BMCs
//!   need: optional trailing fields may be absent, and bytes that the spec
//!   lets newer BMCs append are consumed and ignored, so
//!   [`Codec::from_bytes`] succeeds on them. Missing *required* fields are
//!   always a [`DecodeError::Truncated`]. No decoder panics on any input.
//! * Reserved bits are ignored on decode and written as zero on encode.
//!
//! # Modules
//!
//! * [`app`] — device-level App commands: Get Device ID, Get Self Test
//!   Results, Get Device GUID, Get System GUID, Get System Info Parameters;
//!   it also re-exports the session and channel commands (all NetFn 06h),
//!   so `commands::app::X` names every App command.
//! * [`session`] — session management: Get Channel Authentication
//!   Capabilities, Get Session Challenge, Activate Session, Set Session
//!   Privilege Level, Close Session, Get Session Info.
//! * [`channel`] — Get Channel Info and Get Channel Cipher Suites, with the
//!   cipher suite record parser.
//! * [`manufacturer`] — IANA enterprise numbers of BMC vendors, and the
//!   vendor grouping used for vendor-specific decoding.

use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::types::{NetFn, PrivilegeLevel};

pub mod app;
pub mod channel;
pub mod chassis;
pub mod dcmi;
pub mod fru;
pub mod manufacturer;
pub mod sdr;
pub mod sel;
pub mod sensor;
pub mod session;
pub mod watchdog;

pub use app::{
    DeviceId, DeviceSupport, GetDeviceGuid, GetDeviceId, GetSelfTestResults, GetSystemGuid,
    GetSystemInfoParameters, Guid, GuidFormat, SelfTestResults, SystemInfoParameter,
    SystemInfoString,
};
pub use channel::{
    encode_cipher_suite_records, parse_cipher_suite_records, standard_cipher_suite,
    ChannelCipherSuites, ChannelInfo, ChannelMedium, ChannelProtocol, CipherSuiteRecord,
    GetChannelCipherSuites, GetChannelInfo, SessionSupport,
};
pub use manufacturer::{manufacturer_label, manufacturer_name, Vendor};
pub use session::{
    ActivateSession, ActivateSessionResponse, AuthCapabilities, AuthTypeSupport, CloseSession,
    GetChannelAuthCapabilities, GetSessionChallenge, GetSessionInfo, SessionChallenge,
    SessionDetails, SessionInfo, SessionInfoSelector, SetSessionPrivilegeLevel,
    SetSessionPrivilegeLevelResponse,
};

/// The channel number that means "the channel this request arrived on"
/// (IPMI v2.0 §6.3, Table 6-1, channel Eh).
pub const CURRENT_CHANNEL: u8 = 0x0e;

/// A typed IPMI command.
///
/// The implementing struct *is* the request: its [`Codec`] encodes the
/// request data bytes that follow the command byte, and decodes them on the
/// BMC side.
pub trait Command: Codec {
    /// Request network function (IPMI v2.0 §5.1, Table 5-1). The response
    /// carries [`NetFn::response`] of it.
    const NETFN: NetFn;
    /// Command byte (IPMI v2.0 Appendix G).
    const CMD: u8;
    /// Response data after the completion code byte; decode it only when
    /// the completion code is 00h.
    type Response: Codec;
    /// Minimum session privilege that may execute the command (IPMI v2.0
    /// Appendix G), used by the virtual BMC.
    const PRIVILEGE: PrivilegeLevel;
    /// `true` for the commands a BMC accepts outside an activated session:
    /// Get Channel Authentication Capabilities, Get System GUID, Get
    /// Channel Cipher Suites and the IPMI 1.5 activation pair Get Session
    /// Challenge / Activate Session (IPMI v2.0 §22.13, §22.14, §22.15 and
    /// Appendix G). For these, [`Command::PRIVILEGE`] is the level that
    /// applies when they are sent inside a session.
    const OUTSIDE_SESSION: bool = false;
}

/// Decodes the response data of command `C` (the bytes after the
/// completion code).
///
/// # Errors
/// A [`DecodeError`] when a required field is missing.
pub fn decode_response<C: Command>(data: &[u8]) -> Result<C::Response, DecodeError> {
    C::Response::from_bytes(data)
}

/// An untyped request: NetFn, command byte and request data, for commands
/// this crate has no type for (`ipmitool raw` style).
///
/// It is deliberately not a [`Command`]: its NetFn and command are values,
/// not constants.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawRequest {
    /// Request network function (IPMI v2.0 §5.1, Table 5-1).
    pub netfn: NetFn,
    /// Command byte.
    pub cmd: u8,
    /// Request data after the command byte.
    pub data: Vec<u8>,
}

impl RawRequest {
    /// A raw request from its parts.
    pub fn new(netfn: NetFn, cmd: u8, data: Vec<u8>) -> Self {
        Self { netfn, cmd, data }
    }

    /// The raw form of a typed command.
    pub fn from_command<C: Command>(command: &C) -> Self {
        Self {
            netfn: C::NETFN,
            cmd: C::CMD,
            data: command.to_bytes(),
        }
    }
}

/// A response with no data after the completion code (e.g. Close Session,
/// IPMI v2.0 §22.19).
///
/// Decoding ignores any bytes a BMC sends anyway.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct EmptyResponse;

impl Codec for EmptyResponse {
    fn encode(&self, _w: &mut Writer) {}

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        skip_rest(r);
        Ok(Self)
    }
}

/// Consumes and drops the unread bytes (fields a newer BMC may append).
pub(crate) fn skip_rest(r: &mut Reader<'_>) {
    let _ignored = r.rest();
}

/// `true` when bit `n` (0 = LSB) of `byte` is set.
pub(crate) fn bit(byte: u8, n: u32) -> bool {
    byte.checked_shr(n).is_some_and(|b| b & 1 == 1)
}

/// `1 << n` when `on`, else 0 (for building bitfields).
pub(crate) fn flag(on: bool, n: u32) -> u8 {
    if on {
        1u8.checked_shl(n).unwrap_or(0)
    } else {
        0
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    //! Helpers shared by the command tests.

    use crate::codec::{Codec, Reader, Writer};

    /// Parses a hex string with optional whitespace.
    pub(crate) fn hex(s: &str) -> Vec<u8> {
        let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        hex::decode(clean).unwrap()
    }

    /// Encodes after a junk byte (to catch encoders that read back the
    /// buffer) and returns only the encoder's output.
    pub(crate) fn encode<T: Codec>(v: &T) -> Vec<u8> {
        let mut w = Writer::new();
        w.u8(0xa5);
        v.encode(&mut w);
        let out = w.into_vec();
        assert_eq!(out.first(), Some(&0xa5));
        out[1..].to_vec()
    }

    /// Golden test both ways: `bytes` decodes (whole) to `value`, and
    /// `value` encodes to `bytes`.
    pub(crate) fn golden<T: Codec + PartialEq + std::fmt::Debug>(bytes: &str, value: &T) {
        let b = hex(bytes);
        assert_eq!(&T::from_bytes(&b).unwrap(), value, "decode {bytes}");
        assert_eq!(encode(value), b, "encode {value:?}");
    }

    /// Decoding arbitrary bytes must not panic; returns the result.
    pub(crate) fn decode_any<T: Codec>(bytes: &[u8]) -> bool {
        let mut r = Reader::new(bytes);
        let ok = T::decode(&mut r).is_ok();
        let _ = T::from_bytes(bytes);
        ok
    }

    /// `decode(encode(x)) == x` through `from_bytes`.
    pub(crate) fn round_trip<T: Codec + PartialEq + std::fmt::Debug>(v: &T) {
        let bytes = v.to_bytes();
        assert_eq!(&T::from_bytes(&bytes).unwrap(), v, "bytes {bytes:02x?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::app::GetDeviceId;

    #[test]
    fn raw_request_from_command() {
        let raw = RawRequest::from_command(&GetDeviceId);
        assert_eq!(raw, RawRequest::new(NetFn::App, 0x01, vec![]));
        let raw = RawRequest::from_command(&SetSessionPrivilegeLevel::new(
            PrivilegeLevel::Administrator,
        ));
        assert_eq!(raw.cmd, 0x3b);
        assert_eq!(raw.data, vec![0x04]);
    }

    #[test]
    fn empty_response_ignores_extra() {
        assert_eq!(EmptyResponse::from_bytes(&[]), Ok(EmptyResponse));
        assert_eq!(EmptyResponse::from_bytes(&[1, 2]), Ok(EmptyResponse));
        assert!(EmptyResponse.to_bytes().is_empty());
        assert_eq!(decode_response::<CloseSession>(&[]), Ok(EmptyResponse));
    }

    #[test]
    fn bit_helpers() {
        assert!(bit(0x80, 7));
        assert!(!bit(0x80, 6));
        assert!(!bit(0xff, 8));
        assert_eq!(flag(true, 7), 0x80);
        assert_eq!(flag(false, 7), 0);
        assert_eq!(flag(true, 9), 0);
    }
}

/// The name of a request (IPMI v2.0 Appendix G, DCMI v1.5 Table 6-1), for
/// error messages; `"response"` for commands this table does not know.
pub fn command_name(netfn: NetFn, cmd: u8) -> &'static str {
    match (u8::from(netfn) & !1, cmd) {
        (0x00, 0x00) => "Get Chassis Capabilities",
        (0x00, 0x01) => "Get Chassis Status",
        (0x00, 0x02) => "Chassis Control",
        (0x00, 0x09) => "Get System Boot Options",
        (0x04, 0x20) => "Get Device SDR Info",
        (0x04, 0x21) => "Get Device SDR",
        (0x04, 0x22) => "Reserve Device SDR Repository",
        (0x04, 0x27) => "Get Sensor Thresholds",
        (0x04, 0x2b) => "Get Sensor Event Status",
        (0x04, 0x2d) => "Get Sensor Reading",
        (0x06, 0x01) => "Get Device ID",
        (0x06, 0x04) => "Get Self Test Results",
        (0x06, 0x08) => "Get Device GUID",
        (0x06, 0x37) => "Get System GUID",
        (0x06, 0x38) => "Get Channel Authentication Capabilities",
        (0x06, 0x3b) => "Set Session Privilege Level",
        (0x06, 0x3c) => "Close Session",
        (0x06, 0x3d) => "Get Session Info",
        (0x06, 0x42) => "Get Channel Info",
        (0x06, 0x59) => "Get System Info Parameters",
        (0x0a, 0x10) => "Get FRU Inventory Area Info",
        (0x0a, 0x11) => "Read FRU Data",
        (0x0a, 0x20) => "Get SDR Repository Info",
        (0x0a, 0x22) => "Reserve SDR Repository",
        (0x0a, 0x23) => "Get SDR",
        (0x0a, 0x40) => "Get SEL Info",
        (0x0a, 0x42) => "Reserve SEL",
        (0x0a, 0x43) => "Get SEL Entry",
        (0x0a, 0x47) => "Clear SEL",
        (0x0a, 0x48) => "Get SEL Time",
        (0x0c, 0x02) => "Get LAN Configuration Parameters",
        (0x2c, 0x01) => "Get DCMI Capabilities",
        (0x2c, 0x02) => "Get Power Reading",
        (0x2c, 0x03) => "Get Power Limit",
        (0x2c, 0x10) => "Get DCMI Temperature Readings",
        _ => "response",
    }
}
