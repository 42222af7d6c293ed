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
use ipmi_proto::commands::chassis::{
    ChassisControl, ChassisStatus, GetChassisStatus, IdentifyState, LastPowerEvent,
    PowerRestorePolicy,
};
use ipmi_proto::commands::dcmi::{
    DcmiCapabilities, EnhancedPowerStatisticsAttributes, GetDcmiCapabilities, GetPowerReading,
    ManageabilityAccessAttributes, MandatoryPlatformAttributes, OptionalPlatformAttributes,
    PowerReading, RollingAveragePeriod, SupportedCapabilities,
};
use ipmi_proto::commands::fru::{
    FruData, FruInventoryAreaInfo, GetFruInventoryAreaInfo, ReadFruData,
};
use ipmi_proto::commands::sdr::{
    GetSdr, GetSdrRepositoryInfo, ReserveSdrRepository, SdrChunk, SdrRepositoryInfo, SdrReservation,
};
use ipmi_proto::commands::sel::{
    AddSelEntry, AddSelEntryResponse, ClearSel, ClearSelStatus, GetSelAllocationInfo, GetSelEntry,
    GetSelInfo, GetSelTime, ReserveSel, SelAllocationInfo, SelEntryData, SelInfo, SelReservation,
    SelTime, SetSelTime,
};
use ipmi_proto::commands::sensor::{
    GetSensorReading, GetSensorReadingFactors, GetSensorThresholds, ReadingFactors, SensorReading,
    SensorThresholds,
};
use ipmi_proto::commands::watchdog::{
    ExpirationFlags, GetWatchdogTimer, PreTimeoutInterrupt, TimeoutAction, TimerUse, WatchdogTimer,
};
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
use ipmi_proto::fru::{self, Fru};
use ipmi_proto::sdr::{
    self, IdString, ReadPolicy, SdrReader, SdrRecord, SdrRepository, SdrRequest, SensorDef,
};
use ipmi_proto::sel::{
    freeipmi_line, GeneratorId, NoSensors, ReadPlan, SelCursor, SelRecord, SensorLookup,
};
use ipmi_proto::sensor::{
    classify_response, classify_response_with, describe, evaluate, evaluate_with, read_target,
    read_target_with, Interpreter, ReadOptions, Threshold,
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
    split_parts(data, MAX_DATAGRAMS)
}

/// Splits an input into at most `max` (at least 1) parts at [`SEPARATOR`].
pub fn split_parts(data: &[u8], max: usize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while out.len().saturating_add(1) < max {
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

// ---------------------------------------------------------------------------
// Shared by the SDR, sensor, SEL, FRU and platform targets
// ---------------------------------------------------------------------------

/// The tests/sim SDR repository (ipmi_sim, Dell-like): back-to-back records.
pub const SIM_SDR_REPOSITORY: &[u8] = include_bytes!("../../tests/sim/expected/sdr-repository.bin");

/// Splits back-to-back SDR records (header length byte at offset 4); a cut
/// last record is kept as it is.
pub fn split_sdr_records(mut dump: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !dump.is_empty() {
        let len = dump.get(4).map_or(dump.len(), |l| {
            usize::from(*l).saturating_add(sdr::record::HEADER_LEN)
        });
        let (record, rest) = dump.split_at(len.min(dump.len()));
        out.push(record);
        dump = rest;
    }
    out
}

/// The tests/sim repository, decoded (the sensor names and conversions of
/// the SEL target's descriptions).
pub fn sim_repository() -> &'static SdrRepository {
    static REPO: OnceLock<SdrRepository> = OnceLock::new();
    REPO.get_or_init(|| {
        let raws = split_sdr_records(SIM_SDR_REPOSITORY)
            .into_iter()
            .map(<[u8]>::to_vec)
            .collect();
        SdrRepository::from_raw_records(None, raws, ReadPolicy::default())
    })
}

/// FreeIPMI's default sensor interpretation rules (built once).
pub fn interpreter() -> &'static Interpreter {
    static INTERPRETER: OnceLock<Interpreter> = OnceLock::new();
    INTERPRETER.get_or_init(Interpreter::freeipmi_defaults)
}

/// A completion code and the data after it (empty input: 00h, no data).
fn completion_and_data(part: &[u8]) -> (CompletionCode, &[u8]) {
    match part.split_first() {
        Some((cc, data)) => (CompletionCode::from(*cc), data),
        None => (CompletionCode::Ok, &[]),
    }
}

// ---------------------------------------------------------------------------
// sdr
// ---------------------------------------------------------------------------

/// At most this many answers are fed to one [`SdrReader`].
pub const MAX_SDR_ANSWERS: usize = 256;

/// Fuzz target `sdr`: the input as one whole SDR record, as a record type
/// and body, as an ID string, as back-to-back records (a repository dump)
/// and as the answers of a BMC to an [`SdrReader`]; and the Get SDR family's
/// requests and responses.
///
/// Whatever a record decodes to encodes to a record that decodes to the
/// same value (the ID string and the body length normalised once at most),
/// and the sensors built from it and their reports do not panic.
pub fn sdr(data: &[u8]) {
    sdr_record(data);
    if let Some((ty, body)) = data.split_first() {
        let record = SdrRecord::parse(*ty, body);
        assert_eq!(record.record_type(), *ty, "record type changed");
        sdr_record(&record.to_bytes(0x0102));
    }
    if let Ok(id) = IdString::decode(&mut Reader::new(data)) {
        let _ = id.text();
        let mut w = Writer::new();
        id.encode(&mut w);
        let bytes = w.into_vec();
        let again = IdString::decode(&mut Reader::new(&bytes));
        if id.bytes.len() <= ipmi_proto::sdr::id_string::MAX_ID_BYTES {
            assert_eq!(again.as_ref(), Ok(&id), "ID string changed: {data:02x?}");
        }
    }
    let raws: Vec<Vec<u8>> = split_sdr_records(data)
        .into_iter()
        .take(MAX_SDR_ANSWERS)
        .map(<[u8]>::to_vec)
        .collect();
    let repo = SdrRepository::from_raw_records(None, raws, ReadPolicy::default());
    for def in repo.sensors() {
        sensor_def(def);
    }

    sdr_reader(data);

    request::<GetSdrRepositoryInfo>(data);
    request::<ReserveSdrRepository>(data);
    request::<GetSdr>(data);
    if let Some(info) = round_trip::<SdrRepositoryInfo>(data) {
        let _ = (
            info.overflow(),
            info.reserve_supported(),
            info.same_content(&info),
            info.version_string(),
        );
    }
    round_trip::<SdrReservation>(data);
    round_trip::<SdrChunk>(data);
}

/// Decodes a whole record; checks its encoding and the sensors it gives.
fn sdr_record(raw: &[u8]) {
    let Ok((header, record)) = SdrRecord::parse_raw(raw) else {
        assert!(
            raw.len() < sdr::record::HEADER_LEN,
            "header of {raw:02x?} refused"
        );
        return;
    };
    let _ = (header.total_len(), record.name(), record.id_string());
    // Once through the encoder normalises (ID strings over 30 bytes, bodies
    // over 255 bytes, bytes beyond the decoded fields); from then on
    // decode and encode are inverse.
    let bytes = record.to_bytes(header.record_id);
    let decoded = SdrRecord::parse_raw(&bytes);
    assert!(
        decoded.is_ok(),
        "encoded record does not decode: {bytes:02x?}"
    );
    let Ok((h1, r1)) = decoded else {
        return;
    };
    assert_eq!(h1.record_id, header.record_id);
    assert_eq!(
        r1.record_type(),
        record.record_type(),
        "record type changed"
    );
    let again = r1.to_bytes(h1.record_id);
    assert_eq!(
        SdrRecord::parse_raw(&again).map(|(_, r)| r).as_ref(),
        Ok(&r1),
        "SDR record unstable: input {raw:02x?}, encoded {bytes:02x?}"
    );
    assert_eq!(
        again, bytes,
        "SDR record encoding unstable: input {raw:02x?}"
    );
    if let SdrRecord::Full(f) = &record {
        let _ = (f.conversion(), f.sensor.units(), f.sensor.analog_format());
    }
    for def in SensorDef::from_record(header.record_id, &record) {
        sensor_def(&def);
    }
}

/// Everything a caller asks of a sensor before reading it.
fn sensor_def(def: &SensorDef) {
    let _ = (
        def.kind(),
        def.has_analog_reading(),
        def.is_readable(),
        def.sensor_type_name(),
        def.unit_string(),
        def.readable_thresholds(),
        def.threshold_values(),
        read_target(def),
    );
    let all = ReadOptions {
        ignore_scanning_disabled: true,
        discrete_reading: true,
        assume_bmc_owner: true,
    };
    let _ = read_target_with(def, &all);
    let report = describe(def, &|_| None);
    let _ = report.event_text();
}

/// Drives an [`SdrReader`] with the input as the BMC's answers: byte 0
/// picks the read policy, byte 1 the chunk size, the rest is answers split
/// at [`SEPARATOR`] (completion code, then data).
fn sdr_reader(data: &[u8]) {
    let (policy, answers) = match data {
        [p, chunk, rest @ ..] => (
            ReadPolicy {
                whole_record: match p & 3 {
                    0 => None,
                    1 => Some(true),
                    _ => Some(false),
                },
                chunk_size: *chunk,
            },
            rest,
        ),
        _ => (ReadPolicy::default(), data),
    };
    let mut reader = SdrReader::new(policy);
    for answer in split_parts(answers, MAX_SDR_ANSWERS) {
        let Some(req) = reader.next_request() else {
            break;
        };
        assert!(!reader.is_done(), "a request after the end");
        assert_eq!(reader.next_request(), Some(req), "retransmission differs");
        let _ = (req.to_raw(), req.name());
        let (cc, rest) = completion_and_data(answer);
        if reader.handle_response(cc, rest).is_err() {
            assert!(reader.is_done(), "an error did not end the walk");
            assert_eq!(reader.next_request(), None);
        }
        let _ = reader.stats();
    }
    if reader.next_request().is_none() {
        assert!(reader.is_done());
        let finished = reader.finish();
        assert!(finished.is_ok(), "finished walk has no repository");
        if let Ok(repo) = finished {
            for def in repo.sensors() {
                sensor_def(def);
            }
            let _ = (repo.info(), repo.records().len());
        }
    } else {
        assert!(
            reader.finish().is_err(),
            "unfinished walk gave a repository"
        );
    }
}

/// The answers of a BMC holding `records` to an [`SdrReader`] with the
/// default policy: the seeds of the `sdr` target's reader half (after the
/// two policy bytes).
pub fn sdr_reader_answers(records: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut answers = Vec::new();
    let mut reader = SdrReader::new(ReadPolicy::default());
    let ids: Vec<u16> = records
        .iter()
        .map(|r| match r {
            [a, b, ..] => u16::from_le_bytes([*a, *b]),
            _ => 0,
        })
        .collect();
    while let Some(req) = reader.next_request() {
        if answers.len() >= MAX_SDR_ANSWERS {
            break;
        }
        let mut a = vec![0u8];
        match req {
            SdrRequest::Info(_) => a.extend(
                SdrRepositoryInfo {
                    sdr_version: 0x51,
                    record_count: u16::try_from(records.len()).unwrap_or(u16::MAX),
                    free_space: 0x1000,
                    most_recent_addition: 0x67ce_8df0,
                    most_recent_erase: 0,
                    operation_support: 0x02,
                }
                .to_bytes(),
            ),
            SdrRequest::Reserve(_) => a.extend(SdrReservation { reservation_id: 7 }.to_bytes()),
            SdrRequest::Get(get) => {
                let at = if get.record_id == 0 {
                    Some(0)
                } else {
                    ids.iter().position(|id| *id == get.record_id)
                };
                match at.and_then(|i| records.get(i).map(|r| (i, r))) {
                    Some((i, raw)) => {
                        let next = ids.get(i.saturating_add(1)).copied().unwrap_or(0xffff);
                        let from = usize::from(get.offset).min(raw.len());
                        let n = if get.bytes_to_read == 0xff {
                            raw.len()
                        } else {
                            usize::from(get.bytes_to_read)
                        };
                        let to = from.saturating_add(n).min(raw.len());
                        a.extend(
                            SdrChunk {
                                next_record_id: next,
                                data: raw.get(from..to).unwrap_or_default().to_vec(),
                            }
                            .to_bytes(),
                        );
                    }
                    None => a = vec![0xcb],
                }
            }
        }
        let (cc, rest) = completion_and_data(&a);
        if reader.handle_response(cc, rest).is_err() {
            answers.push(a);
            break;
        }
        answers.push(a);
    }
    answers
}

// ---------------------------------------------------------------------------
// sensor
// ---------------------------------------------------------------------------

/// Fuzz target `sensor`: parts split at [`SEPARATOR`]: an SDR record, the
/// answer to Get Sensor Reading (completion code, then data), Get Sensor
/// Reading Factors data and Get Sensor Thresholds data. Every sensor of the
/// record is evaluated with the reading (all workaround combinations), the
/// factors and thresholds; the sensor commands round-trip.
pub fn sensor(data: &[u8]) {
    let parts = split_parts(data, 4);
    let record = parts.first().copied().unwrap_or_default();
    let answer = parts.get(1).copied().unwrap_or_default();
    let factors_data = parts.get(2).copied().unwrap_or_default();
    let thresholds_data = parts.get(3).copied().unwrap_or_default();

    for part in &parts {
        sensor_commands(part);
    }
    sensor_commands(data);

    let defs = match SdrRecord::parse_raw(record) {
        Ok((h, r)) => SensorDef::from_record(h.record_id, &r),
        Err(_) => Vec::new(),
    };
    let factors = ReadingFactors::from_bytes(factors_data)
        .ok()
        .map(|f| f.factors);
    let thresholds = SensorThresholds::from_bytes(thresholds_data).ok();
    let (cc, reading_data) = completion_and_data(answer);
    for bits in 0u8..8 {
        let options = ReadOptions {
            ignore_scanning_disabled: bits & 1 != 0,
            discrete_reading: bits & 2 != 0,
            assume_bmc_owner: bits & 4 != 0,
        };
        let classified = classify_response_with(cc, reading_data, &options);
        if bits == 0 {
            assert_eq!(classified, classify_response(cc, reading_data));
        }
        if let Ok(Ok(r)) = &classified {
            assert!(!r.unavailable, "unavailable reading classified as one");
        }
        let Ok(reading) = classified else {
            continue;
        };
        let tf = |_raw: u8| factors;
        for def in &defs {
            let report = evaluate_with(
                def,
                reading.as_ref().map_err(|e| *e),
                factors.as_ref(),
                &tf,
                interpreter(),
                &options,
            );
            let _ = report.event_text();
            if bits == 0 {
                let plain = evaluate(
                    def,
                    reading.as_ref().map_err(|e| *e),
                    factors.as_ref(),
                    &tf,
                    interpreter(),
                );
                assert_eq!(
                    format!("{plain:?}"),
                    format!("{report:?}"),
                    "evaluate != evaluate_with(default)"
                );
            }
            if let (Some(t), Some(c)) = (&thresholds, def.conversion.as_ref()) {
                for th in Threshold::ALL {
                    if let Some(raw) = t.get(th) {
                        let _ = c.convert(raw);
                        let _ = factors.and_then(|f| c.convert_with(raw, &f));
                    }
                }
            }
        }
    }
}

fn sensor_commands(data: &[u8]) {
    request::<GetSensorReading>(data);
    request::<GetSensorReadingFactors>(data);
    request::<GetSensorThresholds>(data);
    if let Some(r) = round_trip::<SensorReading>(data) {
        let _ = (
            r.state_bits(),
            r.threshold_bits(),
            r.crossed_thresholds(),
            r.is_unavailable(),
        );
    }
    if let Some(f) = round_trip::<ReadingFactors>(data) {
        let c = f.factors;
        let _ = (c.tolerance_value(), c.accuracy_percent(), c.resolution());
        for x in [0.0, 1.0, 127.0, 255.0] {
            let y = c.linear(x);
            let _ = c.inverse_linear(y);
        }
    }
    if let Some(t) = round_trip::<SensorThresholds>(data) {
        for th in Threshold::ALL {
            let _ = t.get(th);
        }
    }
}

// ---------------------------------------------------------------------------
// sel
// ---------------------------------------------------------------------------

/// Fuzz target `sel`: every 16-byte window of the input (at most 16) as a
/// SEL record, described the ipmitool and FreeIPMI ways with and without
/// the tests/sim SDR; the input as SEL command requests and responses; and
/// Get SEL Info answers (14-byte parts) driving a [`SelCursor`].
pub fn sel(data: &[u8]) {
    sel_record(data);
    for window in data.chunks(16).take(16) {
        sel_record(window);
    }
    if let Some(window) = data.get(..16) {
        sel_record(window);
    }

    request::<GetSelInfo>(data);
    request::<GetSelAllocationInfo>(data);
    request::<ReserveSel>(data);
    request::<GetSelEntry>(data);
    request::<AddSelEntry>(data);
    request::<ClearSel>(data);
    request::<GetSelTime>(data);
    request::<SetSelTime>(data);
    if let Some(info) = round_trip::<SelInfo>(data) {
        let s = info.support;
        let _ = (
            info.version_string(),
            s.overflow(),
            s.delete(),
            s.partial_add(),
            s.reserve(),
            s.allocation_info(),
        );
    }
    round_trip::<SelAllocationInfo>(data);
    round_trip::<SelReservation>(data);
    if let Some(entry) = round_trip::<SelEntryData>(data) {
        sel_record(&entry.data);
    }
    round_trip::<AddSelEntryResponse>(data);
    round_trip::<ClearSelStatus>(data);
    round_trip::<SelTime>(data);

    sel_cursor(data);
}

fn sel_record(bytes: &[u8]) {
    let Ok(record) = SelRecord::parse(bytes) else {
        assert_ne!(bytes.len(), 16, "16 bytes refused");
        return;
    };
    assert_eq!(record.raw().as_slice(), bytes, "SEL record changed");
    assert_eq!(record.to_bytes(), bytes, "SEL record encoding changed");
    let _ = (
        record.class(),
        record.timestamp().map(|t| (t.kind(), t.unix_seconds())),
        record.is_assumed_system_event(),
    );
    let lookups: [&dyn SensorLookup; 2] = [&NoSensors, sim_repository()];
    for sensors in lookups {
        let _ = record.ipmitool_description(sensors);
        let _ = record.ipmitool_elist_line(sensors);
        let _ = record.description(sensors);
        let line = record.freeipmi(sensors);
        let _ = (line.csv(), line.state_str(), line.unix_seconds(&record));
        let line = freeipmi_line(&record, sensors);
        let _ = line.csv();
        if let Some(e) = record.event() {
            let _ = (
                e.ipmitool_event_text(),
                e.ipmitool_sensor(sensors),
                e.ipmitool_description(sensors),
                e.freeipmi_event_text(),
                e.freeipmi_event(sensors),
                e.event_state().map(|s| s.as_str()),
                e.freeipmi_name(sensors),
            );
        }
    }
    if let Some(e) = record.event() {
        let _ = (
            e.class(),
            e.offset(),
            e.data2_usage(),
            e.data3_usage(),
            e.trigger_reading(),
            e.trigger_threshold(),
            e.previous_state(),
            e.severity(),
            e.generator.label(),
            e.generator.is_software(),
            e.direction.as_str(),
        );
        assert_eq!(GeneratorId::from_u16(e.generator.to_u16()), e.generator);
    }
}

/// Each 14-byte part a Get SEL Info answer, with the ID of the last record
/// read (the next two bytes) or none; after an update the same info plans
/// nothing, and a reset plans a full read.
fn sel_cursor(data: &[u8]) {
    let mut cursor = SelCursor::new();
    let mut at = data;
    while let Some((info, rest)) = at.split_at_checked(14) {
        let Ok(info) = SelInfo::from_bytes(info) else {
            break;
        };
        let (last, rest) = match rest {
            [0, rest @ ..] => (None, rest),
            [_, a, b, rest @ ..] => (Some(u16::from_le_bytes([*a, *b])), rest),
            _ => (None, &[][..]),
        };
        match cursor.plan(&info) {
            ReadPlan::After(id) => assert_eq!(cursor.last_record_id(), Some(id)),
            ReadPlan::Full | ReadPlan::Nothing => {}
        }
        cursor.update(&info, last);
        assert_eq!(cursor.plan(&info), ReadPlan::Nothing, "{info:?}");
        assert_eq!(cursor.entries(), Some(info.entries));
        assert_eq!(cursor.last_record_id(), last);
        let _ = (cursor.last_add(), cursor.last_erase());
        at = rest;
    }
    let before = cursor;
    cursor.reset();
    assert_eq!(cursor, SelCursor::new());
    let _ = before;
}

// ---------------------------------------------------------------------------
// fru
// ---------------------------------------------------------------------------

/// Fuzz target `fru`: the input as a FRU image, and as the FRU commands'
/// requests and responses.
///
/// A parsed image encodes ([`fru::encode`]) to an image that parses without
/// error; from then on parse and encode are inverse (the first encoding
/// normalises what the parser tolerated).
pub fn fru(data: &[u8]) {
    fru_image(data);

    request::<GetFruInventoryAreaInfo>(data);
    request::<ReadFruData>(data);
    round_trip::<FruInventoryAreaInfo>(data);
    if let Some(d) = round_trip::<FruData>(data) {
        let _ = (d.bytes(false), d.bytes(true));
        fru_image(d.bytes(false));
    }
    let d = FruData::from_bytes_read(data);
    assert_eq!(d.bytes(false), data.get(..255).unwrap_or(data));
}

fn fru_image(image: &[u8]) {
    let Ok(fru) = Fru::parse(image) else {
        return;
    };
    fru_accessors(&fru);
    let _ = fru::used_len(image, image.len());
    let first = fru::encode(&fru);
    assert_eq!(fru.encode(), first);
    let parsed = Fru::parse(&first);
    assert!(
        parsed.is_ok(),
        "encoded FRU does not parse: input {image:02x?}"
    );
    let Ok(parsed) = parsed else {
        return;
    };
    fru_accessors(&parsed);
    let second = fru::encode(&parsed);
    let again = Fru::parse(&second);
    assert!(
        again.is_ok(),
        "re-encoded FRU does not parse: input {image:02x?}"
    );
    let Ok(again) = again else {
        return;
    };
    assert_eq!(again, parsed, "FRU unstable: input {image:02x?}");
    assert_eq!(second, first, "FRU encoding unstable: input {image:02x?}");
}

fn fru_accessors(fru: &Fru) {
    let _ = (
        fru.checksums_ok(),
        fru.chassis_type_name(),
        fru.power_supply_capacities(),
    );
    for w in &fru.warnings {
        let _ = (w.to_string(), w.is_checksum());
    }
    for r in &fru.multi_records {
        let _ = (r.type_name(), r.power_supply().map(|p| p.to_record()));
    }
    if let Some(c) = &fru.chassis {
        let _ = (c.chassis_type.name(), c.chassis_type.ipmitool_name());
    }
}

// ---------------------------------------------------------------------------
// platform_commands
// ---------------------------------------------------------------------------

/// Fuzz target `platform_commands`: the chassis, DCMI and watchdog
/// commands' requests and responses, and what callers print of them.
pub fn platform_commands(data: &[u8]) {
    request::<GetChassisStatus>(data);
    request::<ChassisControl>(data);
    request::<GetDcmiCapabilities>(data);
    request::<GetPowerReading>(data);
    request::<GetWatchdogTimer>(data);

    if let Some(s) = round_trip::<ChassisStatus>(data) {
        let _ = format!("{s:?}");
    }
    if let Some(c) = round_trip::<DcmiCapabilities>(data) {
        let _ = c.version();
        let _ = c.parameter::<SupportedCapabilities>();
        let _ = c.parameter::<MandatoryPlatformAttributes>();
        let _ = c.parameter::<OptionalPlatformAttributes>();
        let _ = c.parameter::<ManageabilityAccessAttributes>();
        let _ = c.parameter::<EnhancedPowerStatisticsAttributes>();
    }
    if let Some(s) = round_trip::<SupportedCapabilities>(data) {
        let _ = (
            s.power_management(),
            s.identification(),
            s.sel_logging(),
            s.chassis_power(),
            s.temperature_monitor(),
            s.in_band(),
            s.serial_tmode(),
            s.secondary_lan(),
            s.primary_lan(),
            s.sol(),
            s.vlan(),
        );
    }
    if let Some(m) = round_trip::<MandatoryPlatformAttributes>(data) {
        let _ = (m.sel_entries(), m.sel_rollover());
    }
    round_trip::<OptionalPlatformAttributes>(data);
    round_trip::<ManageabilityAccessAttributes>(data);
    round_trip::<EnhancedPowerStatisticsAttributes>(data);
    round_trip::<PowerReading>(data);
    if let Some(w) = round_trip::<WatchdogTimer>(data) {
        let _ = (
            w.logging_enabled(),
            w.initial_countdown_seconds(),
            w.present_countdown_seconds(),
            w.initial_countdown_whole_seconds(),
            w.present_countdown_whole_seconds(),
            format!("{w:?}"),
        );
    }
    if let Some(b) = data.first() {
        let _ = (
            PowerRestorePolicy::from_bits(*b).ipmitool_name(),
            PowerRestorePolicy::from_bits(*b).freeipmi_name(),
            LastPowerEvent(*b).ipmitool_words(),
            LastPowerEvent(*b).freeipmi_name(),
            IdentifyState::from_bits(*b).name(),
            TimerUse::from_bits(*b).freeipmi_name(),
            TimerUse::from_bits(*b).ipmitool_name(),
            TimeoutAction::from_bits(*b).freeipmi_name(),
            TimeoutAction::from_bits(*b).ipmitool_name(),
            PreTimeoutInterrupt::from_bits(*b).freeipmi_name(),
            PreTimeoutInterrupt::from_bits(*b).ipmitool_name(),
            ExpirationFlags(*b).uses(),
            RollingAveragePeriod(*b).seconds(),
        );
        assert_eq!(PowerRestorePolicy::from_bits(*b & 3).bits(), *b & 3);
    }
}
