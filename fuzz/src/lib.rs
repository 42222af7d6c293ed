//! What the ipmi-proto fuzz targets do, one public function per target.
//!
//! `fuzz_targets/<name>.rs` calls the function `<name>` of this file. The
//! integration test `ipmi-proto/tests/fuzz_corpus.rs` includes this file
//! with `#[path]` and replays every `fuzz/corpus/<name>/*` through the same
//! function, so the corpus is also golden data for `cargo test`.
//!
//! No function may panic on any input: a panic is a finding. Besides "no
//! panic" they assert invariants of the code under test:
//!
//! * round-trip stability: what decodes re-encodes, and the encoding decodes
//!   to the same value (for the IPMI message, to the same bytes);
//! * a datagram is accepted by a session at most once (replay protection),
//!   and whatever the peer end of a session sends is accepted exactly as sent;
//! * a datagram that a handshake ignores leaves it where it was, an error
//!   ends it, and after ignored datagrams the genuine answer still works;
//! * the virtual BMC answers every valid in-session request, with a response
//!   the client session accepts and matches to the request.
//!
//! Inputs carrying several datagrams separate them with [`SEPARATOR`].

use std::any::type_name;
use std::collections::HashSet;
use std::fmt::Debug;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use ipmi_proto::bmc::{Entropy, Machine, VirtualBmc};
use ipmi_proto::codec::{Codec, Reader, Writer};
use ipmi_proto::commands::{
    encode_cipher_suite_records, manufacturer_label, parse_cipher_suite_records, ActivateSession,
    ActivateSessionResponse, AuthCapabilities, ChannelCipherSuites, ChannelInfo, CloseSession,
    DeviceId, GetChannelAuthCapabilities, GetChannelCipherSuites, GetChannelInfo, GetDeviceGuid,
    GetDeviceId, GetSelfTestResults, GetSessionChallenge, GetSessionInfo, GetSystemGuid,
    GetSystemInfoParameters, Guid, GuidFormat, SelfTestResults, SessionChallenge, SessionInfo,
    SetSessionPrivilegeLevel, SetSessionPrivilegeLevelResponse, SystemInfoParameter,
    SystemInfoString,
};
use ipmi_proto::commands::{Command, EmptyResponse};
use ipmi_proto::crypto::{
    derive_session_keys, message_auth_code, CipherSuite, Confidentiality, Integrity, Password,
    RakpInputs, SessionKeys,
};
use ipmi_proto::session::{
    Handshake, HandshakeError, HandshakeEvent, HandshakeRandom, InboundError, Lan15AuthType,
    Lan15Handshake, Lan15Random, Role, Session, SessionConfig, Stage,
};
use ipmi_proto::types::{AuthType, CompletionCode, PayloadType, PrivilegeLevel};
use ipmi_proto::wire::message::{IpmiRequest, IpmiResponse};
use ipmi_proto::wire::rakp::{OpenSessionRequest, OpenSessionResponse, Rakp1, Rakp2, Rakp3, Rakp4};
use ipmi_proto::wire::rmcp::{AsfMessage, RmcpClass, RmcpHeader};
use ipmi_proto::wire::rmcpplus::{build_datagram, RmcpPlusHeader};
use ipmi_proto::wire::{Datagram, Ipmi15Packet};

/// Separates the datagrams of a multi-datagram input.
pub const SEPARATOR: &[u8] = b"\xf0\x0d\x5e\x9a";
/// At most this many datagrams are taken from one input.
pub const MAX_DATAGRAMS: usize = 16;

/// The user of every session and handshake here (a user of
/// [`Machine::default`]).
pub const USERNAME: &[u8] = b"admin";
/// That user's password.
pub const PASSWORD: &[u8] = b"password";
/// The console session ID of the fixed RMCP+ sessions.
pub const CONSOLE_SESSION_ID: u32 = 0xa0a2_a3a4;
/// The BMC session ID of the fixed RMCP+ sessions.
pub const BMC_SESSION_ID: u32 = 0x0403_0201;
/// The session ID of the fixed IPMI 1.5 sessions.
pub const LAN15_SESSION_ID: u32 = 0x1122_3344;
/// RAKP 1 ROLEm of the fixed sessions: Administrator, name-only lookup.
pub const ROLE: u8 = 0x14;
/// The suites of the fixed RMCP+ sessions.
pub const INBOUND_SUITES: [u8; 3] = [1, 3, 17];
/// The suites the handshake target drives.
pub const HANDSHAKE_SUITES: [u8; 2] = [3, 17];
/// The suite of the virtual BMC target's established session.
pub const BMC_SESSION_SUITE: u8 = 17;
/// The entropy seed of the virtual BMC targets (their seeds depend on it).
pub const BMC_ENTROPY_SEED: u64 = 0x1bad_b002;
/// The AES IV of every datagram built here.
pub const IV: [u8; 16] = [0x5a; 16];

/// The address every datagram comes from.
pub const PEER: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 50623);

/// A deterministic [`Entropy`] (xorshift64): the same seed gives the same
/// session IDs and random numbers, so runs and corpus seeds reproduce.
#[derive(Debug, Clone)]
pub struct FixedEntropy(u64);

impl FixedEntropy {
    /// A generator from `seed` (any value, zero included).
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }
}

impl Entropy for FixedEntropy {
    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *b = (self.0 >> 24) as u8;
        }
    }
}

/// The clock of every target: a fixed start, plus offsets.
pub fn base_instant() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

/// Splits an input into at most [`MAX_DATAGRAMS`] datagrams at [`SEPARATOR`].
pub fn split_datagrams(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while out.len().saturating_add(1) < MAX_DATAGRAMS {
        let Some(at) = rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) else {
            break;
        };
        let Some((head, tail)) = rest.split_at_checked(at) else {
            break;
        };
        out.push(head);
        rest = tail.get(SEPARATOR.len()..).unwrap_or_default();
    }
    out.push(rest);
    out
}

/// Joins datagrams with [`SEPARATOR`] (the inverse of [`split_datagrams`]).
pub fn join_datagrams(datagrams: &[Vec<u8>]) -> Vec<u8> {
    datagrams.join(SEPARATOR)
}

/// The password of [`USERNAME`].
pub fn password() -> Option<Password> {
    Password::new(PASSWORD).ok()
}

// ---------------------------------------------------------------------------
// datagram
// ---------------------------------------------------------------------------

/// Integrity code lengths tried on every RMCP+ packet.
const CODE_LENGTHS: [usize; 9] = [0, 1, 2, 12, 16, 20, 32, 64, usize::MAX];

/// Target `datagram`: [`Datagram::decode`], `integrity_parts` with several
/// code lengths, and the round trip of every layer.
pub fn datagram(data: &[u8]) {
    if let Ok(header) = RmcpHeader::decode(&mut Reader::new(data)) {
        assert_eq!(RmcpHeader::from_bytes(&header.to_bytes()), Ok(header));
    }
    let Ok(decoded) = Datagram::decode(data) else {
        return;
    };
    match &decoded {
        Datagram::Asf(msg) => {
            let mut w = Writer::new();
            RmcpHeader {
                sequence: 0xff,
                ack: false,
                class: RmcpClass::Asf,
            }
            .encode(&mut w);
            msg.encode(&mut w);
            let bytes = w.into_vec();
            assert_eq!(Datagram::decode(&bytes).as_ref(), Ok(&decoded), "ASF");
            round_trip::<AsfMessage>(data.get(4..).unwrap_or_default());
        }
        Datagram::Ipmi15(packet) => {
            let bytes = packet.to_datagram();
            assert_eq!(Datagram::decode(&bytes).as_ref(), Ok(&decoded), "IPMI 1.5");
        }
        Datagram::RmcpPlus(packet) => {
            assert_eq!(
                packet.packet.len(),
                data.len().saturating_sub(4),
                "the RMCP+ packet is everything after the RMCP header"
            );
            let mut lengths = CODE_LENGTHS.to_vec();
            lengths.push(packet.trailer.len());
            lengths.push(packet.trailer.len().saturating_sub(2));
            for n in lengths {
                if let Ok((span, code)) = packet.integrity_parts(n) {
                    assert_eq!(code.len(), n);
                    assert_eq!(span.len().saturating_add(n), packet.packet.len());
                    assert_eq!(span.last(), Some(&0x07), "span ends at next header");
                    assert!(
                        span.len() >= packet.packet.len() - packet.trailer.len(),
                        "the span covers the payload"
                    );
                }
            }
            // Without a trailer.
            let bytes = build_datagram(&packet.header, packet.payload, None);
            let again = Datagram::decode(&bytes);
            assert!(
                matches!(&again, Ok(Datagram::RmcpPlus(p))
                    if p.header == packet.header && p.payload == packet.payload
                        && p.trailer.is_empty()),
                "RMCP+ round trip: {again:?}"
            );
            // With a trailer, when authenticated.
            let mac = |_: &[u8]| vec![0xa5; 12];
            let bytes = build_datagram(&packet.header, packet.payload, Some(&mac));
            let again = Datagram::decode(&bytes);
            let Ok(Datagram::RmcpPlus(p)) = &again else {
                assert!(again.is_ok(), "RMCP+ round trip: {again:?}");
                return;
            };
            assert_eq!(p.header, packet.header);
            assert_eq!(p.payload, packet.payload);
            if packet.header.authenticated {
                let parts = p.integrity_parts(12);
                assert!(
                    matches!(parts, Ok((span, code)) if span.len() % 4 == 0 && code == [0xa5; 12]),
                    "trailer written by build_datagram does not parse: {parts:?}"
                );
            } else {
                assert!(p.trailer.is_empty());
            }
        }
    }
}

// ---------------------------------------------------------------------------
// ipmi_message
// ---------------------------------------------------------------------------

/// Target `ipmi_message`: [`IpmiRequest`] and [`IpmiResponse`]. Both decode
/// only well-checksummed frames, so what decodes must encode to the input
/// bytes exactly.
pub fn ipmi_message(data: &[u8]) {
    if let Ok(req) = IpmiRequest::from_bytes(data) {
        assert_eq!(req.to_bytes(), data, "request re-encodes differently");
        let resp = req.respond(CompletionCode::from(req.cmd), req.data.clone());
        assert!(req.is_answered_by(&resp), "respond() does not answer");
        let back = IpmiResponse::from_bytes(&resp.to_bytes());
        assert_eq!(back.as_ref(), Ok(&resp), "response round trip");
        if let Ok(back) = back {
            assert!(
                req.is_answered_by(&back),
                "decoded response does not answer"
            );
        }
    }
    if let Ok(resp) = IpmiResponse::from_bytes(data) {
        assert_eq!(resp.to_bytes(), data, "response re-encodes differently");
    }
    let mut r = Reader::new(data);
    if IpmiRequest::decode(&mut r).is_ok() {
        assert!(r.is_empty(), "an IPMI message spans its input");
    }
}

// ---------------------------------------------------------------------------
// rakp
// ---------------------------------------------------------------------------

/// Target `rakp`: the Open Session and RAKP 1–4 payloads.
pub fn rakp(data: &[u8]) {
    round_trip::<OpenSessionRequest>(data);
    round_trip::<OpenSessionResponse>(data);
    round_trip::<Rakp1>(data);
    round_trip::<Rakp2>(data);
    round_trip::<Rakp3>(data);
    round_trip::<Rakp4>(data);
}

// ---------------------------------------------------------------------------
// commands
// ---------------------------------------------------------------------------

/// Target `commands`: every command request and response type,
/// [`parse_cipher_suite_records`] and [`SystemInfoString`].
pub fn commands(data: &[u8]) {
    // Requests (decoded by the virtual BMC).
    request::<GetDeviceId>(data);
    request::<GetSelfTestResults>(data);
    request::<GetDeviceGuid>(data);
    request::<GetSystemGuid>(data);
    request::<GetSystemInfoParameters>(data);
    request::<GetChannelInfo>(data);
    request::<GetChannelCipherSuites>(data);
    request::<GetChannelAuthCapabilities>(data);
    request::<GetSessionChallenge>(data);
    request::<ActivateSession>(data);
    request::<SetSessionPrivilegeLevel>(data);
    request::<CloseSession>(data);
    request::<GetSessionInfo>(data);

    // Responses (decoded by the client), and what callers do with them.
    if let Some(id) = round_trip::<DeviceId>(data) {
        let _ = (
            id.firmware_revision(),
            id.firmware_minor_decimal(),
            id.ipmi_version_string(),
            id.aux_firmware_u32(),
            id.manufacturer_name(),
            id.vendor().map(|v| v.name()),
            id.firmware_version_detailed(),
            manufacturer_label(id.manufacturer_id),
        );
    }
    if let Some(r) = round_trip::<SelfTestResults>(data) {
        let _ = (r.passed(), r.failed(), r.description(), r.failures());
    }
    if let Some(g) = round_trip::<Guid>(data) {
        for f in [
            GuidFormat::Ipmi,
            GuidFormat::Smbios,
            GuidFormat::Rfc4122,
            GuidFormat::Hex,
        ] {
            let _ = g.format(f);
        }
        let _ = g.to_string();
    }
    round_trip::<SystemInfoParameter>(data);
    if let Some(c) = round_trip::<ChannelInfo>(data) {
        let _ = (c.medium.name(), c.protocol.name(), c.session_support.name());
    }
    if let Some(c) = round_trip::<ChannelCipherSuites>(data) {
        let _ = c.is_last();
        cipher_suite_records(&c.data);
    }
    if let Some(caps) = round_trip::<AuthCapabilities>(data) {
        let t = caps.auth_types();
        let _ = (t.none(), t.md2(), t.md5(), t.password(), t.oem());
        let _ = (0u8..=255)
            .filter(|b| t.supports(AuthType::from(*b)))
            .count();
    }
    round_trip::<SessionChallenge>(data);
    round_trip::<ActivateSessionResponse>(data);
    round_trip::<SetSessionPrivilegeLevelResponse>(data);
    round_trip::<EmptyResponse>(data);
    if let Some(info) = round_trip::<SessionInfo>(data) {
        let _ = info.session.as_ref().map(|s| s.lan_address());
    }

    cipher_suite_records(data);
    system_info_string(data);
}

fn request<C: Command + PartialEq + Debug>(data: &[u8]) {
    round_trip::<C>(data);
    let _ = ipmi_proto::commands::decode_response::<C>(data);
}

fn cipher_suite_records(data: &[u8]) {
    if let Ok(records) = parse_cipher_suite_records(data) {
        let bytes = encode_cipher_suite_records(&records);
        assert_eq!(
            parse_cipher_suite_records(&bytes).as_ref(),
            Ok(&records),
            "cipher suite records re-encoded as {bytes:02x?}"
        );
    }
}

fn system_info_string(data: &[u8]) {
    // Reassembling blocks as a client does.
    let mut blocks = data.chunks(17);
    let mut s = SystemInfoString::from_first_block(blocks.next().unwrap_or_default());
    for block in blocks {
        if s.next_set_selector().is_none() {
            break;
        }
        s.push_block(block);
    }
    let _ = (s.to_string_lossy(), s.is_complete());

    // What the virtual BMC sends reassembles to the text.
    let Some((encoding, text)) = data.split_first() else {
        return;
    };
    let blocks = SystemInfoString::encode_blocks(*encoding, text);
    let mut blocks = blocks.iter();
    let mut s = SystemInfoString::from_first_block(blocks.next().map_or(&[][..], Vec::as_slice));
    for block in blocks {
        assert_eq!(
            s.next_set_selector(),
            block.first().copied(),
            "set selector"
        );
        s.push_block(block);
    }
    assert!(s.is_complete(), "string incomplete after every block");
    assert_eq!(s.encoding, encoding & 0x0f);
    assert_eq!(s.bytes, text.get(..255).unwrap_or(text), "string changed");
    let _ = s.to_string_lossy();
}

/// Decodes `data` as `T`; when that works, checks that the value encodes to
/// bytes that decode (whole) to the same value and re-encode identically.
fn round_trip<T: Codec + PartialEq + Debug>(data: &[u8]) -> Option<T> {
    let _ = T::from_bytes(data);
    let value = T::decode(&mut Reader::new(data)).ok()?;
    let bytes = value.to_bytes();
    let again = T::from_bytes(&bytes);
    assert_eq!(
        again.as_ref(),
        Ok(&value),
        "{}: decode(encode(x)) != x; input {data:02x?}, encoded {bytes:02x?}",
        type_name::<T>()
    );
    if let Ok(v) = again {
        assert_eq!(
            v.to_bytes(),
            bytes,
            "{}: encoding unstable",
            type_name::<T>()
        );
    }
    Some(value)
}

// ---------------------------------------------------------------------------
// session_inbound
// ---------------------------------------------------------------------------

/// The keyed algorithms of an RMCP+ pair, to build datagrams by hand.
#[derive(Debug)]
pub struct PairCrypto {
    /// The suite.
    pub suite: CipherSuite,
    /// Its integrity algorithm, keyed.
    pub integrity: Integrity,
    /// Its confidentiality algorithm, keyed.
    pub confidentiality: Confidentiality,
}

/// An established console session and the other end of it.
#[derive(Debug)]
pub struct SessionPair {
    /// What the pair is, for messages.
    pub name: String,
    /// The console end, under test.
    pub console: Session,
    /// The other end: what it sends is valid for `console`.
    pub peer: Session,
    /// For RMCP+ pairs: the keyed algorithms.
    pub crypto: Option<PairCrypto>,
    /// For IPMI 1.5 pairs: the authentication type.
    pub lan15: Option<AuthType>,
}

/// The keys of the fixed RMCP+ sessions, computed once per suite.
pub fn fixed_keys(suite: CipherSuite) -> Option<SessionKeys> {
    static KEYS: OnceLock<Vec<(u8, SessionKeys)>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        INBOUND_SUITES
            .iter()
            .filter_map(|id| {
                let suite = CipherSuite::from_id(*id).ok()?;
                Some((*id, derive_fixed_keys(suite)?))
            })
            .collect()
    });
    match keys.iter().find(|(id, _)| *id == suite.id) {
        Some((_, k)) => Some(k.clone()),
        None => derive_fixed_keys(suite),
    }
}

/// The keys of the fixed RMCP+ sessions (from fixed RAKP inputs).
fn derive_fixed_keys(suite: CipherSuite) -> Option<SessionKeys> {
    let rm = [0x11; 16];
    let rc = [0x22; 16];
    let guid = *b"ipmi-native-vbmc";
    let inputs = RakpInputs {
        console_session_id: CONSOLE_SESSION_ID,
        bmc_session_id: BMC_SESSION_ID,
        console_random: &rm,
        bmc_random: &rc,
        bmc_guid: &guid,
        role: ROLE,
        username: USERNAME,
    };
    derive_session_keys(suite.auth, None, &password()?, &inputs).ok()
}

/// An established RMCP+ session for `suite_id` with fixed keys, and its BMC end.
pub fn rmcp_plus_pair(suite_id: u8) -> Option<SessionPair> {
    let suite = CipherSuite::from_id(suite_id).ok()?;
    let keys = fixed_keys(suite)?;
    let pw = password()?;
    let end = |role| {
        Session::rmcp_plus_for(
            role,
            suite,
            &keys,
            &pw,
            CONSOLE_SESSION_ID,
            BMC_SESSION_ID,
            0,
            PrivilegeLevel::Administrator,
        )
        .ok()
    };
    Some(SessionPair {
        name: format!("suite {suite_id}"),
        console: end(Role::Console)?,
        peer: end(Role::Bmc)?,
        crypto: Some(PairCrypto {
            suite,
            integrity: Integrity::new(suite.integrity, &keys, &pw).ok()?,
            confidentiality: Confidentiality::new(suite.confidentiality, &keys).ok()?,
        }),
        lan15: None,
    })
}

/// An established IPMI 1.5 session (MD5, or none) and its other end.
pub fn lan15_pair(auth: AuthType) -> Option<SessionPair> {
    let end = |first_seq| {
        Some(Session::lan15(
            auth,
            auth == AuthType::None,
            password()?,
            LAN15_SESSION_ID,
            first_seq,
            0,
            PrivilegeLevel::Administrator,
        ))
    };
    Some(SessionPair {
        name: format!("IPMI 1.5 {auth:?}"),
        console: end(1)?,
        peer: end(0x100)?,
        crypto: None,
        lan15: Some(auth),
    })
}

/// Every fixed session pair: RMCP+ suites 1, 3 and 17, IPMI 1.5 MD5 and none.
pub fn session_pairs() -> Vec<SessionPair> {
    INBOUND_SUITES
        .iter()
        .filter_map(|s| rmcp_plus_pair(*s))
        .chain(
            [AuthType::Md5, AuthType::None]
                .into_iter()
                .filter_map(lan15_pair),
        )
        .collect()
}

impl SessionPair {
    /// The largest message the peer can wrap in one datagram.
    fn max_message(&self) -> usize {
        if self.lan15.is_some() {
            255
        } else {
            60_000
        }
    }

    /// A datagram for the console with session sequence number `seq`,
    /// built by hand (valid integrity code, encrypted if the suite says so).
    pub fn datagram_with_seq(&self, seq: u32, message: &[u8]) -> Option<Vec<u8>> {
        if let Some(c) = &self.crypto {
            let encrypted = c.suite.has_confidentiality();
            let authenticated = c.suite.has_integrity();
            let payload = c.confidentiality.encrypt(message, IV);
            let header = RmcpPlusHeader {
                encrypted,
                authenticated,
                payload_type: PayloadType::Ipmi,
                oem: None,
                session_id: CONSOLE_SESSION_ID,
                session_seq: seq,
            };
            let mac = |span: &[u8]| c.integrity.compute(span);
            return Some(build_datagram(
                &header,
                &payload,
                authenticated.then_some(&mac as _),
            ));
        }
        let auth = self.lan15?;
        let auth_code = match auth {
            AuthType::None => None,
            a => Some(message_auth_code(a, &password()?, LAN15_SESSION_ID, message, seq).ok()?),
        };
        Some(
            Ipmi15Packet {
                auth_type: auth,
                session_seq: seq,
                session_id: LAN15_SESSION_ID,
                auth_code,
                message: message.to_vec(),
            }
            .to_datagram(),
        )
    }
}

/// Target `session_inbound`: established sessions (RMCP+ suites 1, 3 and 17
/// with fixed keys, IPMI 1.5 MD5 and none) fed the input
///
/// * as a datagram;
/// * as an IPMI message wrapped by the session's other end;
/// * as an encrypted payload under a valid integrity code;
/// * as a list of session sequence numbers (4 bytes each) of valid datagrams.
pub fn session_inbound(data: &[u8]) {
    for mut pair in session_pairs() {
        inbound_raw(&mut pair, data);
    }
    for mut pair in session_pairs() {
        inbound_wrapped(&mut pair, data);
    }
    for mut pair in session_pairs() {
        inbound_forged(&mut pair, data);
    }
    for mut pair in session_pairs() {
        inbound_sequence(&mut pair, data);
    }
}

fn inbound_raw(pair: &mut SessionPair, datagram: &[u8]) {
    let _ = pair.console.decode_response(datagram);
    let first = pair.console.decode_message(datagram);
    if first.is_ok() {
        if let (Some(auth), Ok(Datagram::Ipmi15(p))) = (pair.lan15, Datagram::decode(datagram)) {
            // IPMI 1.5: packets are authenticated with the session's type.
            assert!(
                p.auth_type == auth || (p.auth_type == AuthType::None && p.auth_code.is_none()),
                "{}: accepted a packet with auth type {:?}",
                pair.name,
                p.auth_type
            );
        }
        let again = pair.console.decode_message(datagram);
        assert!(
            matches!(again, Err(InboundError::Replay(_))),
            "{}: a datagram was accepted twice: {again:?}",
            pair.name
        );
    }
}

fn inbound_wrapped(pair: &mut SessionPair, message: &[u8]) {
    if message.len() > pair.max_message() {
        return;
    }
    let datagram = pair.peer.encode_message(message, IV);
    let got = pair.console.decode_message(&datagram);
    assert_eq!(
        got.as_deref(),
        Ok(message),
        "{}: the session's other end was not understood",
        pair.name
    );
    let again = pair.console.decode_message(&datagram);
    assert!(
        matches!(again, Err(InboundError::Replay(_))),
        "{}: a datagram was accepted twice: {again:?}",
        pair.name
    );
    let datagram = pair.peer.encode_message(message, IV);
    let resp = pair.console.decode_response(&datagram);
    let expected = IpmiResponse::from_bytes(message).map_err(InboundError::Decode);
    assert_eq!(resp, expected, "{}: decode_response", pair.name);
}

fn inbound_forged(pair: &mut SessionPair, payload: &[u8]) {
    let Some(c) = &pair.crypto else {
        return;
    };
    let header = RmcpPlusHeader {
        encrypted: c.suite.has_confidentiality(),
        authenticated: c.suite.has_integrity(),
        payload_type: PayloadType::Ipmi,
        oem: None,
        session_id: CONSOLE_SESSION_ID,
        session_seq: 1,
    };
    let mac = |span: &[u8]| c.integrity.compute(span);
    let datagram = build_datagram(&header, payload, header.authenticated.then_some(&mac as _));
    let r = pair.console.decode_response(&datagram);
    assert!(
        matches!(
            r,
            Ok(_) | Err(InboundError::Decode(_) | InboundError::Crypto(_))
        ),
        "{}: a payload with a valid integrity code gave {r:?}",
        pair.name
    );
}

/// A Get Device ID response: the message of hand-built datagrams.
pub fn device_id_response() -> Vec<u8> {
    let req = IpmiRequest::to_bmc(GetDeviceId::NETFN, GetDeviceId::CMD, 5, Vec::new());
    let id = Machine::default().device_id;
    req.respond(CompletionCode::Ok, id.to_bytes()).to_bytes()
}

fn inbound_sequence(pair: &mut SessionPair, data: &[u8]) {
    let message = device_id_response();
    let mut accepted = HashSet::new();
    for chunk in data.chunks_exact(4).take(64) {
        let mut b = [0u8; 4];
        b.copy_from_slice(chunk);
        let seq = u32::from_le_bytes(b);
        let Some(datagram) = pair.datagram_with_seq(seq, &message) else {
            return;
        };
        let r = pair.console.decode_message(&datagram);
        assert!(
            matches!(&r, Ok(m) if m == &message) || r == Err(InboundError::Replay(seq)),
            "{}: sequence number {seq:#x}: {r:?}",
            pair.name
        );
        if r.is_ok() {
            assert_ne!(seq, 0, "{}: sequence number 0 accepted", pair.name);
            assert!(
                accepted.insert(seq),
                "{}: sequence number {seq:#x} accepted twice",
                pair.name
            );
        }
    }
}

// ---------------------------------------------------------------------------
// handshake
// ---------------------------------------------------------------------------

/// The configuration of the handshakes here.
pub fn session_config(suite_id: u8) -> Option<SessionConfig> {
    SessionConfig::new(
        USERNAME,
        password()?,
        PrivilegeLevel::Administrator,
        CipherSuite::from_id(suite_id).ok()?,
    )
    .ok()
}

/// The random values of the handshakes here.
pub fn handshake_random() -> HandshakeRandom {
    HandshakeRandom {
        console_session_id: 0x5eed_0001,
        console_random: [0x3c; 16],
        tag: 0x21,
        rq_seq: 0x05,
    }
}

/// A handshake that was driven against a virtual BMC up to a stage.
#[derive(Debug)]
pub struct PreparedHandshake {
    /// The handshake, waiting in the stage asked for.
    pub handshake: Handshake,
    /// The BMC's answer to the last datagram the handshake sent.
    pub answer: Vec<u8>,
    /// Every datagram the handshake sent (GCAC first).
    pub sent: Vec<Vec<u8>>,
}

/// Drives a suite-`suite_id` handshake against a fresh virtual BMC (with
/// [`FixedEntropy`] seeded by `seed`) until it waits in `stage`.
pub fn prepare_handshake(suite_id: u8, stage: Stage, seed: u64) -> Option<PreparedHandshake> {
    let mut handshake = Handshake::new(session_config(suite_id)?, handshake_random());
    let mut bmc = VirtualBmc::new(Machine::default());
    let mut rng = FixedEntropy::new(seed);
    let mut out = handshake.start();
    let mut sent = vec![out.clone()];
    loop {
        let answer = bmc.handle_datagram(PEER, &out, base_instant(), &mut rng)?;
        if handshake.stage() == stage {
            return Some(PreparedHandshake {
                handshake,
                answer,
                sent,
            });
        }
        match handshake.handle_datagram(&answer).ok()? {
            HandshakeEvent::Send(d) => {
                out = d;
                sent.push(out.clone());
            }
            HandshakeEvent::Ignored | HandshakeEvent::Established(_) => return None,
        }
    }
}

/// The stages a handshake can wait in.
pub const HANDSHAKE_STAGES: [Stage; 4] = [
    Stage::AuthCapabilities,
    Stage::OpenSession,
    Stage::Rakp2,
    Stage::Rakp4,
];

/// The IPMI 1.5 handshake here: MD5, fixed random values.
pub fn lan15_handshake() -> Option<Lan15Handshake> {
    Some(Lan15Handshake::new(
        session_config(3)?,
        Lan15AuthType::Md5,
        Lan15Random {
            initial_outbound_seq: 0x0101_0101,
            rq_seq: 0x11,
        },
    ))
}

/// A made-up IPMI 1.5 BMC's answer to a request of [`lan15_handshake`].
pub fn lan15_answer(request_datagram: &[u8]) -> Option<Vec<u8>> {
    let Ok(Datagram::Ipmi15(packet)) = Datagram::decode(request_datagram) else {
        return None;
    };
    let req = IpmiRequest::from_bytes(&packet.message).ok()?;
    let data = match req.cmd {
        GetChannelAuthCapabilities::CMD => AuthCapabilities {
            channel: 1,
            auth_type_support: 0x15,
            extended: false,
            kg_nonzero: false,
            per_message_auth_disabled: false,
            user_level_auth_disabled: false,
            non_null_usernames: true,
            null_usernames: false,
            anonymous_login: false,
            supports_ipmi15: false,
            supports_ipmi20: false,
            oem_id: 0,
            oem_aux: 0,
        }
        .to_bytes(),
        GetSessionChallenge::CMD => SessionChallenge {
            temp_session_id: 0x0bad_cafe,
            challenge: [0x6c; 16],
        }
        .to_bytes(),
        ActivateSession::CMD => ActivateSessionResponse {
            auth_type: AuthType::Md5,
            session_id: LAN15_SESSION_ID,
            initial_inbound_seq: 0x0000_1000,
            max_privilege: PrivilegeLevel::Administrator,
        }
        .to_bytes(),
        _ => return None,
    };
    let resp = req.respond(CompletionCode::Ok, data);
    Some(Ipmi15Packet::sessionless(resp.to_bytes()).to_datagram())
}

/// An IPMI 1.5 handshake driven against [`lan15_answer`] until it waits in
/// `stage` (`OpenSession` = Get Session Challenge, `Rakp2` = Activate Session).
pub fn prepare_lan15(stage: Stage) -> Option<(Lan15Handshake, Vec<u8>)> {
    let mut handshake = lan15_handshake()?;
    let mut out = handshake.start();
    loop {
        let answer = lan15_answer(&out)?;
        if handshake.stage() == stage {
            return Some((handshake, answer));
        }
        match handshake.handle_datagram(&answer).ok()? {
            HandshakeEvent::Send(d) => out = d,
            HandshakeEvent::Ignored | HandshakeEvent::Established(_) => return None,
        }
    }
}

/// The stages an IPMI 1.5 handshake can wait in.
pub const LAN15_STAGES: [Stage; 3] = [Stage::AuthCapabilities, Stage::OpenSession, Stage::Rakp2];

/// What a handshake does with one datagram, for both kinds.
trait Machinery {
    fn stage(&self) -> Stage;
    fn handle(&mut self, datagram: &[u8]) -> Result<HandshakeEvent, HandshakeError>;
}

impl Machinery for Handshake {
    fn stage(&self) -> Stage {
        Handshake::stage(self)
    }
    fn handle(&mut self, datagram: &[u8]) -> Result<HandshakeEvent, HandshakeError> {
        self.handle_datagram(datagram)
    }
}

impl Machinery for Lan15Handshake {
    fn stage(&self) -> Stage {
        Lan15Handshake::stage(self)
    }
    fn handle(&mut self, datagram: &[u8]) -> Result<HandshakeEvent, HandshakeError> {
        self.handle_datagram(datagram)
    }
}

fn feed_handshake(name: &str, hs: &mut dyn Machinery, answer: &[u8], datagrams: &[&[u8]]) {
    let mut all_ignored = true;
    for datagram in datagrams {
        let before = hs.stage();
        let event = hs.handle(datagram);
        let after = hs.stage();
        match &event {
            Ok(HandshakeEvent::Ignored) => {
                assert_eq!(
                    after, before,
                    "{name}: an ignored datagram moved the handshake"
                );
            }
            Ok(HandshakeEvent::Send(_)) => {
                all_ignored = false;
                assert_ne!(after, Stage::Done, "{name}: Send from a finished handshake");
            }
            Ok(HandshakeEvent::Established(_)) => {
                all_ignored = false;
                assert_eq!(after, Stage::Done, "{name}: established but not done");
            }
            Err(e) => {
                all_ignored = false;
                assert_eq!(
                    after,
                    Stage::Done,
                    "{name}: error {e:?} did not end the handshake"
                );
                let next = hs.handle(datagram);
                assert!(
                    matches!(next, Err(HandshakeError::Finished)),
                    "{name}: a failed handshake took more input: {next:?}"
                );
            }
        }
    }
    if all_ignored {
        let r = hs.handle(answer);
        assert!(
            matches!(
                r,
                Ok(HandshakeEvent::Send(_) | HandshakeEvent::Established(_))
            ),
            "{name}: after ignored datagrams, the genuine answer gave {r:?}"
        );
    }
}

/// Target `handshake`: an RMCP+ [`Handshake`] (suites 3 and 17) waiting in
/// each of its stages (driven there by a virtual BMC) and an IPMI 1.5
/// [`Lan15Handshake`] waiting in each of its stages, fed the input's
/// datagrams in order.
pub fn handshake(data: &[u8]) {
    let datagrams = split_datagrams(data);
    for suite in HANDSHAKE_SUITES {
        for stage in HANDSHAKE_STAGES {
            let Some(mut p) = prepare_handshake(suite, stage, BMC_ENTROPY_SEED) else {
                continue;
            };
            let name = format!("suite {suite} at {stage:?}");
            feed_handshake(&name, &mut p.handshake, &p.answer, &datagrams);
        }
    }
    for stage in LAN15_STAGES {
        let Some((mut hs, answer)) = prepare_lan15(stage) else {
            continue;
        };
        let name = format!("IPMI 1.5 at {stage:?}");
        feed_handshake(&name, &mut hs, &answer, &datagrams);
    }
}

// ---------------------------------------------------------------------------
// virtual_bmc
// ---------------------------------------------------------------------------

/// A virtual BMC with an established session (privilege raised to
/// Administrator), and the datagrams the client sent to get there.
#[derive(Debug)]
pub struct Established {
    /// The BMC.
    pub bmc: VirtualBmc,
    /// Its entropy, to keep using.
    pub rng: FixedEntropy,
    /// The client's session.
    pub session: Session,
    /// Every datagram the client sent, in order.
    pub sent: Vec<Vec<u8>>,
}

/// Runs a suite-`suite_id` handshake against a fresh virtual BMC with
/// [`FixedEntropy`] seeded `seed`, then Set Session Privilege Level.
pub fn establish(suite_id: u8, seed: u64) -> Option<Established> {
    let mut handshake = Handshake::new(session_config(suite_id)?, handshake_random());
    let mut bmc = VirtualBmc::new(Machine::default());
    let mut rng = FixedEntropy::new(seed);
    let mut out = handshake.start();
    let mut sent = vec![out.clone()];
    let mut session = loop {
        let answer = bmc.handle_datagram(PEER, &out, base_instant(), &mut rng)?;
        match handshake.handle_datagram(&answer).ok()? {
            HandshakeEvent::Send(d) => {
                out = d;
                sent.push(out.clone());
            }
            HandshakeEvent::Established(s) => break *s,
            HandshakeEvent::Ignored => return None,
        }
    };
    let req = IpmiRequest::to_bmc(
        SetSessionPrivilegeLevel::NETFN,
        SetSessionPrivilegeLevel::CMD,
        session.next_rq_seq(),
        SetSessionPrivilegeLevel::new(PrivilegeLevel::Administrator).to_bytes(),
    );
    let datagram = session.encode_request(&req, IV);
    sent.push(datagram.clone());
    let answer = bmc.handle_datagram(PEER, &datagram, base_instant(), &mut rng)?;
    let resp = session.decode_response(&answer).ok()?;
    (req.is_answered_by(&resp) && resp.completion == CompletionCode::Ok).then_some(())?;
    session.set_privilege(PrivilegeLevel::Administrator);
    Some(Established {
        bmc,
        rng,
        session,
        sent,
    })
}

/// Target `virtual_bmc`: a [`VirtualBmc`] with [`Machine::default`] and
/// [`FixedEntropy`]
///
/// * fed the input's datagrams in order (time moving 5 s per datagram);
/// * with an established session, fed each datagram as an IPMI message
///   inside that session.
pub fn virtual_bmc(data: &[u8]) {
    let datagrams = split_datagrams(data);
    bmc_raw(&datagrams);
    bmc_in_session(&datagrams);
}

fn bmc_raw(datagrams: &[&[u8]]) {
    let mut bmc = VirtualBmc::new(Machine::default());
    let mut rng = FixedEntropy::new(BMC_ENTROPY_SEED);
    let mut now = base_instant();
    for datagram in datagrams {
        if let Some(answer) = bmc.handle_datagram(PEER, datagram, now, &mut rng) {
            let decoded = Datagram::decode(&answer);
            assert!(decoded.is_ok(), "the BMC sent an undecodable {answer:02x?}");
        }
        now += Duration::from_secs(5);
    }
}

fn bmc_in_session(messages: &[&[u8]]) {
    let Some(mut e) = establish(BMC_SESSION_SUITE, BMC_ENTROPY_SEED) else {
        return;
    };
    let mut now = base_instant();
    let mut closed = false;
    for message in messages {
        if message.len() > 60_000 {
            continue;
        }
        now += Duration::from_secs(1);
        let datagram = e.session.encode_message(message, IV);
        let answer = e.bmc.handle_datagram(PEER, &datagram, now, &mut e.rng);
        let request = IpmiRequest::from_bytes(message);
        match (request, answer) {
            (Ok(req), Some(answer)) => {
                let resp = e.session.decode_response(&answer);
                assert!(
                    matches!(&resp, Ok(r) if req.is_answered_by(r)),
                    "the BMC's answer to {req:?} is {resp:?}"
                );
                if let Ok(r) = resp {
                    if req.netfn == CloseSession::NETFN
                        && req.cmd == CloseSession::CMD
                        && r.completion == CompletionCode::Ok
                    {
                        closed = true;
                    }
                }
            }
            (Ok(req), None) => {
                assert!(closed, "the BMC dropped the valid request {req:?}");
            }
            (Err(_), answer) => {
                assert!(answer.is_none(), "the BMC answered an undecodable request");
            }
        }
    }
}
