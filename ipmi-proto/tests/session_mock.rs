//! Sans-IO session tests: a client [`Handshake`] and [`Session`] against a
//! [`VirtualBmc`] in memory. Datagrams are passed back and forth by hand; no
//! socket, no clock, no random number generator.
#![cfg(feature = "bmc")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use ipmi_proto::bmc::{Entropy, Machine, VirtualBmc};
use ipmi_proto::codec::Codec;
use ipmi_proto::commands::{
    CloseSession, Command, DeviceId, GetChannelAuthCapabilities, GetDeviceId, GetSessionChallenge,
    GetSystemGuid, Guid, SetSessionPrivilegeLevel, SetSessionPrivilegeLevelResponse,
};
use ipmi_proto::crypto::{CipherSuite, Password};
use ipmi_proto::session::{
    Handshake, HandshakeError, HandshakeEvent, HandshakeRandom, HandshakeStep, InboundError,
    Lan15AuthType, Lan15Handshake, Lan15Random, Session, SessionConfig, Stage,
};
use ipmi_proto::types::{AuthType, CompletionCode, PayloadType, PrivilegeLevel, RakpStatus};
use ipmi_proto::wire::message::{IpmiRequest, IpmiResponse};
use ipmi_proto::wire::rakp::{OpenSessionResponse, Rakp2, Rakp3, Rakp4};
use ipmi_proto::wire::rmcpplus::{build_datagram, RmcpPlusHeader};
use ipmi_proto::wire::{Datagram, Ipmi15Packet};

/// The RMCP+ suites exercised: no integrity (1), SHA1 + AES (3), SHA256 + AES (17).
const SUITES: [u8; 3] = [1, 3, 17];
/// The suites with an integrity code.
const INTEGRITY_SUITES: [u8; 2] = [3, 17];

/// A deterministic entropy source (SplitMix64).
struct TestEntropy(u64);

impl Entropy for TestEntropy {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

/// A virtual BMC and what it needs to handle a datagram.
struct Mock {
    bmc: VirtualBmc,
    rng: TestEntropy,
    now: Instant,
}

const CLIENT: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 40623);

impl Mock {
    fn new() -> Self {
        Self::with_machine(Machine::default())
    }

    fn with_machine(machine: Machine) -> Self {
        Self {
            bmc: VirtualBmc::new(machine),
            rng: TestEntropy(42),
            now: Instant::now(),
        }
    }

    /// The BMC's answer to a datagram from the client.
    fn send(&mut self, datagram: &[u8]) -> Option<Vec<u8>> {
        self.now += Duration::from_millis(10);
        self.bmc
            .handle_datagram(CLIENT, datagram, self.now, &mut self.rng)
    }

    /// The BMC's answer, which must exist.
    fn answer(&mut self, datagram: &[u8]) -> Vec<u8> {
        self.send(datagram).expect("the BMC answers")
    }
}

fn config(suite: u8, user: &str, password: &[u8], privilege: PrivilegeLevel) -> SessionConfig {
    SessionConfig::new(
        user.as_bytes(),
        Password::new(password).unwrap(),
        privilege,
        CipherSuite::from_id(suite).unwrap(),
    )
    .unwrap()
}

fn admin(suite: u8) -> SessionConfig {
    config(suite, "admin", b"password", PrivilegeLevel::Administrator)
}

fn random(n: u8) -> HandshakeRandom {
    HandshakeRandom {
        console_session_id: 0xc0de_0000 | u32::from(n),
        console_random: [n; 16],
        tag: n,
        rq_seq: n,
    }
}

fn expect_send(event: Result<HandshakeEvent, HandshakeError>) -> Vec<u8> {
    match event {
        Ok(HandshakeEvent::Send(d)) => d,
        other => panic!("expected Send, got {other:?}"),
    }
}

fn expect_established(event: Result<HandshakeEvent, HandshakeError>) -> Session {
    match event {
        Ok(HandshakeEvent::Established(s)) => *s,
        other => panic!("expected Established, got {other:?}"),
    }
}

fn assert_ignored(event: Result<HandshakeEvent, HandshakeError>, what: &str) {
    assert!(
        matches!(event, Ok(HandshakeEvent::Ignored)),
        "{what}: expected Ignored, got {event:?}"
    );
}

/// Runs a handshake to completion: the session and the number of datagrams
/// the client sent.
fn run_handshake(mock: &mut Mock, mut hs: Handshake) -> (Session, usize) {
    let mut out = hs.start();
    let mut sent = 1;
    loop {
        let answer = mock.answer(&out);
        match hs.handle_datagram(&answer) {
            Ok(HandshakeEvent::Send(d)) => {
                out = d;
                sent += 1;
            }
            Ok(HandshakeEvent::Established(s)) => return (*s, sent),
            other => panic!("handshake: {other:?}"),
        }
    }
}

fn establish(mock: &mut Mock, suite: u8) -> Session {
    run_handshake(mock, Handshake::new(admin(suite), random(1))).0
}

fn get_device_id(session: &mut Session) -> IpmiRequest {
    IpmiRequest::to_bmc(
        GetDeviceId::NETFN,
        GetDeviceId::CMD,
        session.next_rq_seq(),
        Vec::new(),
    )
}

/// One request / response exchange; the response must answer the request.
fn exchange(mock: &mut Mock, session: &mut Session, req: &IpmiRequest) -> IpmiResponse {
    let datagram = session.encode_request(req, [0x11; 16]);
    let answer = mock.answer(&datagram);
    let resp = session.decode_response(&answer).unwrap();
    assert!(
        req.is_answered_by(&resp),
        "{resp:?} does not answer {req:?}"
    );
    resp
}

fn session_seq(datagram: &[u8]) -> u32 {
    match Datagram::decode(datagram).unwrap() {
        Datagram::RmcpPlus(p) => p.header.session_seq,
        other => panic!("not RMCP+: {other:?}"),
    }
}

/// The payload of a pre-session RMCP+ datagram, decoded as `T`.
fn payload<T: Codec>(datagram: &[u8], ty: PayloadType) -> T {
    match Datagram::decode(datagram).unwrap() {
        Datagram::RmcpPlus(p) if p.header.payload_type == ty => T::from_bytes(p.payload).unwrap(),
        other => panic!("not a {ty:?} datagram: {other:?}"),
    }
}

/// A pre-session RMCP+ datagram carrying `msg`.
fn presession<T: Codec>(ty: PayloadType, msg: &T) -> Vec<u8> {
    build_datagram(&RmcpPlusHeader::sessionless(ty), &msg.to_bytes(), None)
}

// ---------------------------------------------------------------------------
// Establishing a session
// ---------------------------------------------------------------------------

#[test]
fn handshake_is_four_datagrams() {
    for suite in SUITES {
        let mut mock = Mock::new();
        let (session, sent) = run_handshake(&mut mock, Handshake::new(admin(suite), random(1)));
        // GCAC, Open Session, RAKP 1, RAKP 3.
        assert_eq!(sent, 4, "suite {suite}");
        let info = session.info();
        assert!(info.rmcp_plus);
        assert_eq!(info.cipher_suite, Some(suite));
        assert_eq!(info.console_session_id, random(1).console_session_id);
        assert_ne!(info.bmc_session_id, 0);
        assert_eq!(mock.bmc.active_sessions(), 1);
        assert_eq!(mock.bmc.stats().sessions_opened, 1);
    }
}

#[test]
fn requests_are_answered() {
    for suite in SUITES {
        let mut mock = Mock::new();
        let mut session = establish(&mut mock, suite);
        let req = IpmiRequest::to_bmc(
            SetSessionPrivilegeLevel::NETFN,
            SetSessionPrivilegeLevel::CMD,
            session.next_rq_seq(),
            SetSessionPrivilegeLevel::new(PrivilegeLevel::Administrator).to_bytes(),
        );
        let resp = exchange(&mut mock, &mut session, &req);
        assert_eq!(resp.completion, CompletionCode::Ok);
        assert_eq!(
            SetSessionPrivilegeLevelResponse::from_bytes(&resp.data).unwrap(),
            SetSessionPrivilegeLevelResponse {
                privilege: PrivilegeLevel::Administrator
            }
        );

        let req = get_device_id(&mut session);
        let resp = exchange(&mut mock, &mut session, &req);
        assert_eq!(resp.completion, CompletionCode::Ok);
        let id = DeviceId::from_bytes(&resp.data).unwrap();
        assert_eq!(id, mock.bmc.machine().device_id, "suite {suite}");

        let req = IpmiRequest::to_bmc(
            GetSystemGuid::NETFN,
            GetSystemGuid::CMD,
            session.next_rq_seq(),
            Vec::new(),
        );
        let resp = exchange(&mut mock, &mut session, &req);
        assert_eq!(
            Guid::from_bytes(&resp.data).unwrap(),
            Guid(mock.bmc.machine().system_guid)
        );
        assert_eq!(mock.bmc.stats().requests, 3);
    }
}

// ---------------------------------------------------------------------------
// (a)–(d): inbound checks of an established session
// ---------------------------------------------------------------------------

#[test]
fn replayed_response_is_rejected() {
    for suite in SUITES {
        let mut mock = Mock::new();
        let mut session = establish(&mut mock, suite);
        let req = get_device_id(&mut session);
        let answer = mock.answer(&session.encode_request(&req, [0; 16]));
        let seq = session_seq(&answer);
        assert!(session.decode_response(&answer).is_ok());
        assert_eq!(
            session.decode_response(&answer),
            Err(InboundError::Replay(seq)),
            "suite {suite}"
        );
        // Later answers still get through.
        let req = get_device_id(&mut session);
        exchange(&mut mock, &mut session, &req);
        assert_eq!(
            session.decode_response(&answer),
            Err(InboundError::Replay(seq))
        );
    }
}

#[test]
fn changed_response_fails_integrity() {
    for suite in INTEGRITY_SUITES {
        let mut mock = Mock::new();
        let mut session = establish(&mut mock, suite);
        let req = get_device_id(&mut session);
        let answer = mock.answer(&session.encode_request(&req, [0; 16]));
        // RMCP header (4), auth type, payload type, session ID (4), sequence (4), length (2).
        let payload_at = 4 + 12;
        let payload_len = usize::from(u16::from_le_bytes([answer[14], answer[15]]));
        let code_len = if suite == 3 { 12 } else { 16 };
        let pad = payload_at + payload_len..answer.len() - code_len;
        for i in payload_at..answer.len() {
            let mut changed = answer.clone();
            changed[i] ^= 0x01;
            let r = session.decode_response(&changed);
            if pad.contains(&i) {
                // Integrity pad, pad length, next header: a malformed trailer.
                assert!(
                    matches!(r, Err(InboundError::Integrity | InboundError::Decode(_))),
                    "suite {suite}, trailer byte {i}: {r:?}"
                );
            } else {
                // Payload and AuthCode.
                assert_eq!(
                    r,
                    Err(InboundError::Integrity),
                    "suite {suite}, byte {i} of {}",
                    answer.len()
                );
            }
        }
        // Header fields are covered too: the sequence number...
        let mut changed = answer.clone();
        changed[10] ^= 0x01;
        assert_eq!(
            session.decode_response(&changed),
            Err(InboundError::Integrity)
        );
        // ... and the encrypted / authenticated flags (no downgrade).
        for flag in [0x80, 0x40] {
            let mut changed = answer.clone();
            changed[5] ^= flag;
            assert_eq!(
                session.decode_response(&changed),
                Err(InboundError::Integrity),
                "flag {flag:#x}"
            );
        }
        // None of that used up the genuine answer's sequence number.
        let resp = session.decode_response(&answer).unwrap();
        assert!(req.is_answered_by(&resp));
    }
}

#[test]
fn changed_response_without_integrity_fails_checksum() {
    // Suite 1 has no integrity code: a changed message byte is caught by the
    // IPMI message checksums only.
    let mut mock = Mock::new();
    let mut session = establish(&mut mock, 1);
    let req = get_device_id(&mut session);
    let mut answer = mock.answer(&session.encode_request(&req, [0; 16]));
    let last = answer.len() - 1;
    answer[last] ^= 0x01;
    assert!(matches!(
        session.decode_response(&answer),
        Err(InboundError::Decode(_))
    ));
}

#[test]
fn datagram_for_another_session_is_foreign() {
    for suite in SUITES {
        let mut mock = Mock::new();
        let mut first = establish(&mut mock, suite);
        let (mut second, _) = run_handshake(&mut mock, Handshake::new(admin(suite), random(2)));
        assert_eq!(mock.bmc.active_sessions(), 2);

        let req = get_device_id(&mut second);
        let answer = mock.answer(&second.encode_request(&req, [0; 16]));
        assert_eq!(
            first.decode_response(&answer),
            Err(InboundError::Foreign),
            "suite {suite}"
        );
        assert!(second.decode_response(&answer).is_ok());

        // The session ID field rewritten.
        let req = get_device_id(&mut first);
        let answer = mock.answer(&first.encode_request(&req, [0; 16]));
        let mut changed = answer.clone();
        changed[6..10].copy_from_slice(&0x1234_5678u32.to_le_bytes());
        assert_eq!(first.decode_response(&changed), Err(InboundError::Foreign));
        // Pre-session and IPMI 1.5 datagrams are foreign too.
        let open = build_datagram(
            &RmcpPlusHeader::sessionless(PayloadType::OpenSessionResponse),
            &[0; 8],
            None,
        );
        assert_eq!(first.decode_response(&open), Err(InboundError::Foreign));
        let lan15 = Ipmi15Packet::sessionless(answer[16..24].to_vec()).to_datagram();
        assert_eq!(first.decode_response(&lan15), Err(InboundError::Foreign));
        assert!(first.decode_response(&answer).is_ok());
    }
}

#[test]
fn retransmitted_request_is_answered_twice() {
    for suite in SUITES {
        let mut mock = Mock::new();
        let mut session = establish(&mut mock, suite);
        let req = get_device_id(&mut session);
        let first = session.encode_request(&req, [1; 16]);
        let second = session.encode_request(&req, [2; 16]);
        let (s1, s2) = (session_seq(&first), session_seq(&second));
        assert_ne!(s1, s2, "a retransmit needs a new session sequence number");
        assert_eq!(s2, s1.wrapping_add(1));

        let a1 = mock.answer(&first);
        let a2 = mock.answer(&second);
        assert_ne!(session_seq(&a1), session_seq(&a2));
        // Delivered in either order, both answers decode.
        let r2 = session.decode_response(&a2).unwrap();
        let r1 = session.decode_response(&a1).unwrap();
        assert!(req.is_answered_by(&r1) && req.is_answered_by(&r2));
        assert_eq!(r1, r2);
        assert_eq!(mock.bmc.stats().requests, 2, "suite {suite}");
    }
}

#[test]
fn bmc_drops_replayed_and_changed_requests() {
    for suite in SUITES {
        let mut mock = Mock::new();
        let mut session = establish(&mut mock, suite);
        let req = get_device_id(&mut session);
        let datagram = session.encode_request(&req, [0; 16]);
        assert!(mock.send(&datagram).is_some());
        assert!(
            mock.send(&datagram).is_none(),
            "suite {suite}: replay answered"
        );
        if INTEGRITY_SUITES.contains(&suite) {
            let mut changed = session.encode_request(&req, [0; 16]);
            let last = changed.len() - 1;
            changed[last] ^= 0x80;
            assert!(
                mock.send(&changed).is_none(),
                "suite {suite}: changed answered"
            );
        }
        assert_eq!(mock.bmc.stats().requests, 1);
    }
}

#[test]
fn close_session_ends_it() {
    let mut mock = Mock::new();
    let mut session = establish(&mut mock, 17);
    let id = session.bmc_session_id();
    let req = IpmiRequest::to_bmc(
        CloseSession::NETFN,
        CloseSession::CMD,
        session.next_rq_seq(),
        CloseSession::new(id).to_bytes(),
    );
    let resp = exchange(&mut mock, &mut session, &req);
    assert_eq!(resp.completion, CompletionCode::Ok);
    assert_eq!(mock.bmc.active_sessions(), 0);
    let req = get_device_id(&mut session);
    assert!(mock.send(&session.encode_request(&req, [0; 16])).is_none());
}

// ---------------------------------------------------------------------------
// (e)–(i): the handshake
// ---------------------------------------------------------------------------

#[test]
fn stale_handshake_messages_are_ignored() {
    for suite in INTEGRITY_SUITES {
        let mut mock = Mock::new();
        let mut hs = Handshake::new(admin(suite), random(1));
        let me = random(1).console_session_id;
        let caps = mock.answer(&hs.start());
        let open = expect_send(hs.handle_datagram(&caps));
        assert_eq!(hs.stage(), Stage::OpenSession);

        // Open Session Responses for another console session ID, or another tag.
        let genuine = mock.answer(&open);
        let resp: OpenSessionResponse = payload(&genuine, PayloadType::OpenSessionResponse);
        for stale in [
            OpenSessionResponse {
                console_session_id: me ^ 1,
                ..resp
            },
            OpenSessionResponse {
                tag: resp.tag ^ 1,
                ..resp
            },
            OpenSessionResponse {
                console_session_id: me ^ 1,
                status: RakpStatus::InsufficientResources,
                accepted: None,
                ..resp
            },
        ] {
            let d = presession(PayloadType::OpenSessionResponse, &stale);
            assert_ignored(hs.handle_datagram(&d), "stale Open Session Response");
        }
        // Unrelated datagrams.
        assert_ignored(hs.handle_datagram(&caps), "a repeated GCAC answer");
        assert_ignored(hs.handle_datagram(&[0x06, 0x00]), "junk");
        assert_eq!(hs.stage(), Stage::OpenSession);
        let rakp1 = expect_send(hs.handle_datagram(&genuine));
        assert_eq!(hs.stage(), Stage::Rakp2);

        // RAKP 2 with the wrong tag, or for another console session ID.
        let genuine = mock.answer(&rakp1);
        let rakp2: Rakp2 = payload(&genuine, PayloadType::Rakp2);
        for stale in [
            Rakp2 {
                tag: rakp2.tag.wrapping_add(1),
                ..rakp2.clone()
            },
            Rakp2 {
                console_session_id: me ^ 1,
                ..rakp2.clone()
            },
        ] {
            let d = presession(PayloadType::Rakp2, &stale);
            assert_ignored(hs.handle_datagram(&d), "stale RAKP 2");
        }
        let late_open = mock.answer(&open);
        assert_ignored(hs.handle_datagram(&late_open), "late Open Session Response");
        assert_eq!(hs.stage(), Stage::Rakp2);
        let rakp3 = expect_send(hs.handle_datagram(&genuine));
        assert_eq!(hs.stage(), Stage::Rakp4);

        // RAKP 4 with the wrong tag; a repeated RAKP 2.
        let genuine = mock.answer(&rakp3);
        let rakp4: Rakp4 = payload(&genuine, PayloadType::Rakp4);
        let stale = Rakp4 {
            tag: rakp4.tag ^ 0x80,
            ..rakp4
        };
        assert_ignored(
            hs.handle_datagram(&presession(PayloadType::Rakp4, &stale)),
            "stale RAKP 4",
        );
        assert_ignored(
            hs.handle_datagram(&presession(PayloadType::Rakp2, &rakp2)),
            "repeated RAKP 2",
        );
        let session = expect_established(hs.handle_datagram(&genuine));
        assert_eq!(session.info().console_session_id, me);
        assert!(matches!(
            hs.handle_datagram(&genuine),
            Err(HandshakeError::Finished)
        ));
    }
}

/// An error status for another console session ID must not end the
/// handshake (the module promises: "Datagrams with a stale tag or a foreign
/// session ID are ignored, never fatal"). Open Session does this; RAKP 2
/// and RAKP 4 fail instead.
#[test]
fn stale_rakp_error_statuses_are_ignored() {
    let mut mock = Mock::new();
    let mut hs = Handshake::new(admin(17), random(1));
    let me = random(1).console_session_id;
    let caps = mock.answer(&hs.start());
    let open = expect_send(hs.handle_datagram(&caps));
    let rakp1 = expect_send(hs.handle_datagram(&mock.answer(&open)));
    let stale = Rakp2 {
        tag: 1,
        status: RakpStatus::UnauthorizedName,
        console_session_id: me ^ 1,
        bmc_random: [0; 16],
        bmc_guid: [0; 16],
        auth_code: Vec::new(),
    };
    assert_ignored(
        hs.handle_datagram(&presession(PayloadType::Rakp2, &stale)),
        "RAKP 2 error for another console",
    );
    let rakp3 = expect_send(hs.handle_datagram(&mock.answer(&rakp1)));
    let stale = Rakp4 {
        tag: 1,
        status: RakpStatus::InvalidIntegrityCheckValue,
        console_session_id: me ^ 1,
        icv: Vec::new(),
    };
    assert_ignored(
        hs.handle_datagram(&presession(PayloadType::Rakp4, &stale)),
        "RAKP 4 error for another console",
    );
    expect_established(hs.handle_datagram(&mock.answer(&rakp3)));
}

/// Drives a handshake (random values 1) until it waits for RAKP 2 and
/// loses that answer: the handshake, the Open Session Response it got and the
/// lost RAKP 2.
fn lose_rakp2(mock: &mut Mock, suite: u8) -> (Handshake, Vec<u8>, Vec<u8>) {
    let mut hs = Handshake::new(admin(suite), random(1));
    let caps = mock.answer(&hs.start());
    let open = expect_send(hs.handle_datagram(&caps));
    let open_answer = mock.answer(&open);
    let rakp1 = expect_send(hs.handle_datagram(&open_answer));
    let lost_rakp2 = mock.answer(&rakp1);
    assert_eq!(hs.stage(), Stage::Rakp2);
    (hs, open_answer, lost_rakp2)
}

#[test]
fn restart_after_lost_rakp2() {
    for suite in SUITES {
        let mut mock = Mock::new();
        // New random values; then the same tag with a new console session
        // ID, to show that either tells the attempts apart.
        let new_attempts = [
            random(2),
            HandshakeRandom {
                tag: random(1).tag,
                ..random(3)
            },
        ];
        for new in new_attempts {
            // GCAC, Open Session, RAKP 1 sent; RAKP 2 lost.
            let (mut hs, old_open_answer, lost_rakp2) = lose_rakp2(&mut mock, suite);
            let mut sent = 3;
            let open = hs.restart(new);
            sent += 1;
            assert_eq!(hs.stage(), Stage::OpenSession);
            let answer = mock.answer(&open);
            assert_ignored(
                hs.handle_datagram(&old_open_answer),
                "old Open Session Response",
            );
            assert_ignored(
                hs.handle_datagram(&lost_rakp2),
                "old RAKP 2 at Open Session",
            );
            let rakp1 = expect_send(hs.handle_datagram(&answer));
            sent += 1;
            let answer = mock.answer(&rakp1);
            assert_ignored(hs.handle_datagram(&lost_rakp2), "old RAKP 2");
            assert_eq!(hs.stage(), Stage::Rakp2);
            let rakp3 = expect_send(hs.handle_datagram(&answer));
            sent += 1;
            let answer = mock.answer(&rakp3);
            assert_ignored(hs.handle_datagram(&lost_rakp2), "old RAKP 2 at RAKP 4");
            let mut session = expect_established(hs.handle_datagram(&answer));
            assert_eq!(session.info().console_session_id, new.console_session_id);
            // Then Open Session, RAKP 1, RAKP 3 again.
            assert_eq!(sent, 6, "suite {suite}");
            let req = get_device_id(&mut session);
            exchange(&mut mock, &mut session, &req);
        }
        assert_eq!(mock.bmc.active_sessions(), 2);
    }
}

#[test]
fn wrong_password_fails_at_rakp2() {
    for suite in SUITES {
        let mut mock = Mock::new();
        let cfg = config(
            suite,
            "admin",
            b"not the password",
            PrivilegeLevel::Administrator,
        );
        let mut hs = Handshake::new(cfg, random(1));
        let caps = mock.answer(&hs.start());
        let open_answer = mock.answer(&expect_send(hs.handle_datagram(&caps)));
        let bmc_session_id =
            payload::<OpenSessionResponse>(&open_answer, PayloadType::OpenSessionResponse)
                .accepted
                .unwrap()
                .0;
        let rakp1 = expect_send(hs.handle_datagram(&open_answer));
        assert!(hs.abort_datagram().is_none());
        let rakp2 = mock.answer(&rakp1);
        let err = hs.handle_datagram(&rakp2).unwrap_err();
        assert_eq!(err, HandshakeError::Rakp2Mismatch, "suite {suite}");
        assert!(err.is_authentication_failure());
        assert_eq!(hs.stage(), Stage::Done);
        assert!(matches!(
            hs.handle_datagram(&rakp2),
            Err(HandshakeError::Finished)
        ));

        // The abort: RAKP 3 with an error status for the BMC's session ID.
        let abort = hs.abort_datagram().expect("an abort datagram");
        let msg: Rakp3 = payload(&abort, PayloadType::Rakp3);
        assert_eq!(msg.status, RakpStatus::InvalidIntegrityCheckValue);
        assert_eq!(msg.bmc_session_id, bmc_session_id);
        // The BMC says nothing and forgets the half-open session: RAKP 1
        // for it is no longer answered.
        assert!(
            mock.answer(&rakp1).len() > 16,
            "still pending before the abort"
        );
        assert!(mock.send(&abort).is_none());
        assert!(mock.send(&rakp1).is_none(), "suite {suite}: still pending");
        assert_eq!(mock.bmc.active_sessions(), 0);
    }
}

#[test]
fn unknown_user_and_excess_privilege_are_rejected_in_rakp2() {
    let cases = [
        (
            config(17, "nobody", b"password", PrivilegeLevel::Administrator),
            RakpStatus::UnauthorizedName,
        ),
        (
            config(17, "operator", b"operator", PrivilegeLevel::Administrator),
            RakpStatus::UnauthorizedRole,
        ),
    ];
    for (cfg, status) in cases {
        let mut mock = Mock::new();
        let mut hs = Handshake::new(cfg, random(1));
        let caps = mock.answer(&hs.start());
        let open_answer = mock.answer(&expect_send(hs.handle_datagram(&caps)));
        let rakp1 = expect_send(hs.handle_datagram(&open_answer));
        let err = hs.handle_datagram(&mock.answer(&rakp1)).unwrap_err();
        assert_eq!(
            err,
            HandshakeError::Rejected {
                step: HandshakeStep::Rakp2,
                status
            }
        );
        assert!(err.is_authentication_failure());
        assert_eq!(mock.bmc.stats().handshakes_refused, 1);
    }
}

#[test]
fn suite_0_is_refused_by_default() {
    assert!(!Machine::default().cipher_suites.contains(&0));
    let mut mock = Mock::new();
    let mut hs = Handshake::new(admin(0), random(1));
    let caps = mock.answer(&hs.start());
    let open = expect_send(hs.handle_datagram(&caps));
    let answer = mock.answer(&open);
    let resp: OpenSessionResponse = payload(&answer, PayloadType::OpenSessionResponse);
    assert_eq!(resp.status, RakpStatus::NoCipherSuiteMatch);
    assert_eq!(
        hs.handle_datagram(&answer).unwrap_err(),
        HandshakeError::Rejected {
            step: HandshakeStep::OpenSession,
            status: RakpStatus::NoCipherSuiteMatch,
        }
    );
    assert_eq!(mock.bmc.stats().handshakes_refused, 1);
    assert_eq!(mock.bmc.active_sessions(), 0);
}

#[test]
fn suite_0_only_when_enabled() {
    let machine = Machine {
        cipher_suites: vec![0],
        ..Machine::default()
    };
    let mut mock = Mock::with_machine(machine);
    let (mut session, sent) = run_handshake(&mut mock, Handshake::new(admin(0), random(1)));
    assert_eq!(sent, 4);
    let req = get_device_id(&mut session);
    exchange(&mut mock, &mut session, &req);
    // The other suites are now refused.
    let mut hs = Handshake::new(admin(17), random(2));
    let caps = mock.answer(&hs.start());
    let answer = mock.answer(&expect_send(hs.handle_datagram(&caps)));
    assert!(matches!(
        hs.handle_datagram(&answer),
        Err(HandshakeError::Rejected {
            status: RakpStatus::NoCipherSuiteMatch,
            ..
        })
    ));
}

#[test]
fn lan15_handshake_is_not_served() {
    for auth in [
        Lan15AuthType::Md5,
        Lan15AuthType::Password,
        Lan15AuthType::None,
    ] {
        let mut mock = Mock::new();
        let mut hs = Lan15Handshake::new(
            admin(3),
            auth,
            Lan15Random {
                initial_outbound_seq: 7,
                rq_seq: 3,
            },
        );
        let answer = mock.answer(&hs.start());
        let err = hs.handle_datagram(&answer).unwrap_err();
        assert!(
            matches!(err, HandshakeError::Lan15AuthTypeUnsupported(_)),
            "{auth:?}: {err:?}"
        );
        let caps = hs.capabilities().expect("capabilities were read");
        assert_eq!(caps.auth_type_support, 0);
        assert!(!caps.supports_ipmi15);
        assert_eq!(hs.stage(), Stage::Done);
    }

    // Asked directly, the BMC does not know Get Session Challenge.
    let mut mock = Mock::new();
    let gsc = GetSessionChallenge::new(AuthType::Md5, b"admin").unwrap();
    let req = IpmiRequest::to_bmc(
        GetSessionChallenge::NETFN,
        GetSessionChallenge::CMD,
        1,
        gsc.to_bytes(),
    );
    let answer = mock.answer(&Ipmi15Packet::sessionless(req.to_bytes()).to_datagram());
    let Datagram::Ipmi15(p) = Datagram::decode(&answer).unwrap() else {
        panic!("not IPMI 1.5");
    };
    let resp = IpmiResponse::from_bytes(&p.message).unwrap();
    assert!(req.is_answered_by(&resp));
    assert_eq!(resp.completion, CompletionCode::InvalidCommand);

    // While Get Channel Authentication Capabilities in 1.5 framing works.
    let req = IpmiRequest::to_bmc(
        GetChannelAuthCapabilities::NETFN,
        GetChannelAuthCapabilities::CMD,
        2,
        GetChannelAuthCapabilities::new(PrivilegeLevel::Administrator).to_bytes(),
    );
    let answer = mock.answer(&Ipmi15Packet::sessionless(req.to_bytes()).to_datagram());
    let Datagram::Ipmi15(p) = Datagram::decode(&answer).unwrap() else {
        panic!("not IPMI 1.5");
    };
    assert_eq!(
        IpmiResponse::from_bytes(&p.message).unwrap().completion,
        CompletionCode::Ok
    );
}

// ---------------------------------------------------------------------------
// IPMI 1.5 without a BMC: the handshake and session against hand-made answers
// ---------------------------------------------------------------------------

fn lan15_answer(request: &[u8], completion: CompletionCode, data: Vec<u8>) -> Vec<u8> {
    let Datagram::Ipmi15(p) = Datagram::decode(request).unwrap() else {
        panic!("not IPMI 1.5");
    };
    let req = IpmiRequest::from_bytes(&p.message).unwrap();
    Ipmi15Packet::sessionless(req.respond(completion, data).to_bytes()).to_datagram()
}

/// A handshake error ends the handshake ("A HandshakeError ends the
/// attempt"): after it, the handshake is Done and takes no more input. A
/// malformed answer (completion code 00h, data too short) returns an error
/// but leaves the IPMI 1.5 handshake in its stage.
#[test]
fn lan15_malformed_answer_ends_the_handshake() {
    let mut hs = Lan15Handshake::new(
        admin(3),
        Lan15AuthType::Md5,
        Lan15Random {
            initial_outbound_seq: 7,
            rq_seq: 3,
        },
    );
    let gcac = hs.start();
    // Channel and auth type support only: the status byte is missing.
    let short = lan15_answer(&gcac, CompletionCode::Ok, vec![0x01, 0x04]);
    assert!(matches!(
        hs.handle_datagram(&short),
        Err(HandshakeError::Decode(_))
    ));
    assert_eq!(hs.stage(), Stage::Done);
    assert!(matches!(
        hs.handle_datagram(&short),
        Err(HandshakeError::Finished)
    ));
}

/// An MD5 session must verify packets as MD5: a packet claiming another
/// authentication type (here straight password) is not of this session.
/// `decode_message` verifies with the packet's own auth type instead, so
/// anyone who knows the password from a straight-password session can
/// inject into MD5 sessions, and the session's type is never enforced.
#[test]
fn lan15_session_rejects_other_auth_types() {
    let password = Password::new(b"password").unwrap();
    let mut session = Session::lan15(
        AuthType::Md5,
        false,
        password.clone(),
        0x1122_3344,
        1,
        0,
        PrivilegeLevel::Administrator,
    );
    let req = IpmiRequest::to_bmc(GetDeviceId::NETFN, GetDeviceId::CMD, 1, Vec::new());
    let message = req
        .respond(CompletionCode::Ok, Machine::default().device_id.to_bytes())
        .to_bytes();
    let packet = Ipmi15Packet {
        auth_type: AuthType::Password,
        session_seq: 5,
        session_id: 0x1122_3344,
        auth_code: Some(*password.padded16()),
        message,
    };
    assert_eq!(
        session.decode_response(&packet.to_datagram()),
        Err(InboundError::Integrity)
    );
}

#[test]
fn lan15_handshake_and_session_against_made_up_answers() {
    let password = Password::new(b"password").unwrap();
    let mut hs = Lan15Handshake::new(
        admin(3),
        Lan15AuthType::Md5,
        Lan15Random {
            initial_outbound_seq: 0x100,
            rq_seq: 3,
        },
    );
    let gcac = hs.start();
    // Channel 1; MD5 and straight password; non-null user names.
    let caps = hex::decode("0114040000000000").unwrap();
    let gsc = expect_send(hs.handle_datagram(&lan15_answer(&gcac, CompletionCode::Ok, caps)));
    assert_eq!(hs.stage(), Stage::OpenSession);
    // Temporary session ID, challenge.
    let mut challenge = 0x0bad_cafe_u32.to_le_bytes().to_vec();
    challenge.extend_from_slice(&[0x6c; 16]);
    let activate =
        expect_send(hs.handle_datagram(&lan15_answer(&gsc, CompletionCode::Ok, challenge)));
    // Activate Session is authenticated with the temporary ID and sequence 0.
    let Datagram::Ipmi15(p) = Datagram::decode(&activate).unwrap() else {
        panic!("not IPMI 1.5");
    };
    assert_eq!(
        (p.auth_type, p.session_id, p.session_seq),
        (AuthType::Md5, 0x0bad_cafe, 0)
    );
    let expected =
        ipmi_proto::crypto::message_auth_code(AuthType::Md5, &password, 0x0bad_cafe, &p.message, 0)
            .unwrap();
    assert_eq!(p.auth_code, Some(expected));
    // Auth type, session ID, initial inbound sequence, privilege.
    let mut act = vec![0x02];
    act.extend_from_slice(&0x5e55_1011_u32.to_le_bytes());
    act.extend_from_slice(&0x0000_1000_u32.to_le_bytes());
    act.push(0x04);
    let mut session =
        expect_established(hs.handle_datagram(&lan15_answer(&activate, CompletionCode::Ok, act)));
    let info = session.info();
    assert!(!info.rmcp_plus);
    assert_eq!(info.auth_type, Some(AuthType::Md5));
    assert_eq!(info.console_session_id, 0x5e55_1011);

    // Requests carry the initial outbound sequence number the BMC gave.
    let req = get_device_id(&mut session);
    let datagram = session.encode_request(&req, [0; 16]);
    let Datagram::Ipmi15(p) = Datagram::decode(&datagram).unwrap() else {
        panic!("not IPMI 1.5");
    };
    assert_eq!((p.session_id, p.session_seq), (0x5e55_1011, 0x1000));
    // An MD5 answer is accepted once.
    let message = req.respond(CompletionCode::Ok, vec![]).to_bytes();
    let code =
        ipmi_proto::crypto::message_auth_code(AuthType::Md5, &password, 0x5e55_1011, &message, 9)
            .unwrap();
    let answer = Ipmi15Packet {
        auth_type: AuthType::Md5,
        session_seq: 9,
        session_id: 0x5e55_1011,
        auth_code: Some(code),
        message: message.clone(),
    }
    .to_datagram();
    assert!(session.decode_response(&answer).is_ok());
    assert_eq!(
        session.decode_response(&answer),
        Err(InboundError::Replay(9))
    );
    // Unauthenticated, or with a wrong code: Integrity.
    let bare = Ipmi15Packet {
        auth_type: AuthType::None,
        session_seq: 10,
        session_id: 0x5e55_1011,
        auth_code: None,
        message: message.clone(),
    };
    assert_eq!(
        session.decode_response(&bare.to_datagram()),
        Err(InboundError::Integrity)
    );
    let wrong = Ipmi15Packet {
        auth_type: AuthType::Md5,
        auth_code: Some([0; 16]),
        ..bare
    };
    assert_eq!(
        session.decode_response(&wrong.to_datagram()),
        Err(InboundError::Integrity)
    );
}
