//! The fuzz corpus as regression data, and property tests of the inbound
//! paths.
//!
//! * Every file in `fuzz/corpus/<target>/` is replayed through the function
//!   the fuzz target `<target>` runs (`fuzz/src/lib.rs`, included here), so
//!   each seed and each input a fuzzing run saved is checked by `cargo test`.
//! * Seeds taken from captures must keep decoding (golden data).
//! * Proptests throw arbitrary and mutated bytes at
//!   [`VirtualBmc::handle_datagram`] and at an established session's
//!   `decode_response`.
//!
//! The seeds are written by `write_seed_corpus` (ignored; run it with
//! `IPMI_FUZZ_WRITE_SEEDS=1 cargo test -p ipmi-proto --test fuzz_corpus --
//! --ignored write_seed_corpus`).
#![cfg(feature = "bmc")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code, unreachable_pub, missing_docs)]
mod fuzz_logic;

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use fuzz_logic::{FixedEntropy, BMC_ENTROPY_SEED, PEER};
use ipmi_proto::bmc::{Machine, VirtualBmc};
use ipmi_proto::codec::Codec;
use ipmi_proto::commands::{
    encode_cipher_suite_records, standard_cipher_suite, CloseSession, GetChannelCipherSuites,
    GetDeviceGuid, GetDeviceId, GetSelfTestResults, GetSessionInfo, GetSystemGuid,
    GetSystemInfoParameters, SystemInfoString,
};
use ipmi_proto::commands::{Command, GetChannelAuthCapabilities, GetChannelInfo};
use ipmi_proto::session::{InboundError, Stage};
use ipmi_proto::types::{NetFn, PayloadType, PrivilegeLevel};
use ipmi_proto::wire::message::{IpmiRequest, IpmiResponse};
use ipmi_proto::wire::rakp::{OpenSessionRequest, OpenSessionResponse, Rakp1, Rakp2, Rakp3, Rakp4};
use ipmi_proto::wire::rmcp::{AsfMessage, PresencePong, RmcpClass, RmcpHeader, ASF_IANA};
use ipmi_proto::wire::rmcpplus::{build_datagram, RmcpPlusHeader};
use ipmi_proto::wire::{Datagram, Ipmi15Packet};
use proptest::prelude::*;

type Target = fn(&[u8]);

/// Every fuzz target and the function it runs.
const TARGETS: [(&str, Target); 12] = [
    ("datagram", fuzz_logic::datagram),
    ("ipmi_message", fuzz_logic::ipmi_message),
    ("rakp", fuzz_logic::rakp),
    ("commands", fuzz_logic::commands),
    ("session_inbound", fuzz_logic::session_inbound),
    ("handshake", fuzz_logic::handshake),
    ("virtual_bmc", fuzz_logic::virtual_bmc),
    ("sdr", fuzz_logic::sdr),
    ("sensor", fuzz_logic::sensor),
    ("sel", fuzz_logic::sel),
    ("fru", fuzz_logic::fru),
    ("platform_commands", fuzz_logic::platform_commands),
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus")
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/handshake")
}

/// The corpus files of one target: (file name, bytes), hidden files skipped.
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus_dir().join(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .collect()
}

#[test]
fn corpus_replays_through_every_target() {
    let mut failures = Vec::new();
    for (target, run) in TARGETS {
        let files = corpus(target);
        assert!(
            files.len() >= 3,
            "fuzz/corpus/{target} has {} files; run write_seed_corpus",
            files.len()
        );
        for (name, bytes) in files {
            if let Err(e) = catch_unwind(AssertUnwindSafe(|| run(&bytes))) {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_string()))
                    .unwrap_or_default();
                failures.push(format!("{target}/{name}: {msg}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "corpus failures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn corpus_has_only_target_directories() {
    for entry in fs::read_dir(corpus_dir()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            TARGETS.iter().any(|(t, _)| *t == name),
            "fuzz/corpus/{name} is not a fuzz target"
        );
    }
}

#[test]
fn fuzz_logic_setup_works() {
    // If any of these failed, the fuzz targets would silently test nothing.
    assert_eq!(fuzz_logic::session_pairs().len(), 5);
    for suite in fuzz_logic::HANDSHAKE_SUITES {
        for stage in fuzz_logic::HANDSHAKE_STAGES {
            let p = fuzz_logic::prepare_handshake(suite, stage, BMC_ENTROPY_SEED)
                .unwrap_or_else(|| panic!("suite {suite} to {stage:?}"));
            assert_eq!(p.handshake.stage(), stage);
        }
    }
    for stage in fuzz_logic::LAN15_STAGES {
        let (hs, _) = fuzz_logic::prepare_lan15(stage).unwrap();
        assert_eq!(hs.stage(), stage);
    }
    let e = fuzz_logic::establish(fuzz_logic::BMC_SESSION_SUITE, BMC_ENTROPY_SEED).unwrap();
    assert_eq!(
        e.sent.len(),
        5,
        "GCAC, Open Session, RAKP 1, RAKP 3, privilege"
    );
    assert_eq!(e.bmc.active_sessions(), 1);
}

#[test]
fn split_and_join_are_inverse() {
    let parts = vec![vec![1, 2, 3], vec![], vec![0xf0, 0x0d], vec![4]];
    let joined = fuzz_logic::join_datagrams(&parts);
    let split: Vec<Vec<u8>> = fuzz_logic::split_datagrams(&joined)
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect();
    assert_eq!(split, parts);
    assert_eq!(fuzz_logic::split_datagrams(&[]), vec![&[][..]]);
    let many = fuzz_logic::join_datagrams(&vec![vec![7u8]; 40]);
    assert_eq!(
        fuzz_logic::split_datagrams(&many).len(),
        fuzz_logic::MAX_DATAGRAMS
    );
}

/// Seeds taken from captures still decode as what they are.
#[test]
fn captured_seeds_are_golden() {
    let mut checked = 0;
    for (name, bytes) in corpus("datagram") {
        if name.starts_with("capture-") {
            assert!(Datagram::decode(&bytes).is_ok(), "datagram/{name}");
            checked += 1;
        }
    }
    for (name, bytes) in corpus("ipmi_message") {
        if name.starts_with("capture-") && name.contains("request") {
            assert!(
                IpmiRequest::from_bytes(&bytes).is_ok(),
                "ipmi_message/{name}"
            );
            checked += 1;
        } else if name.starts_with("capture-") && name.contains("response") {
            assert!(
                IpmiResponse::from_bytes(&bytes).is_ok(),
                "ipmi_message/{name}"
            );
            checked += 1;
        }
    }
    for (name, bytes) in corpus("rakp") {
        let ok = match name.split('-').nth(1) {
            Some("open_session_request") => OpenSessionRequest::from_bytes(&bytes).is_ok(),
            Some("open_session_response") => OpenSessionResponse::from_bytes(&bytes).is_ok(),
            Some("rakp1") => Rakp1::from_bytes(&bytes).is_ok(),
            Some("rakp2") => Rakp2::from_bytes(&bytes).is_ok(),
            Some("rakp3") => Rakp3::from_bytes(&bytes).is_ok(),
            Some("rakp4") => Rakp4::from_bytes(&bytes).is_ok(),
            _ => continue,
        };
        assert!(ok, "rakp/{name}");
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} captured seeds found");
}

// ---------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------

/// Bytes that look more or less like IPMI datagrams.
fn datagram_bytes() -> impl Strategy<Value = Vec<u8>> {
    let tail = proptest::collection::vec(any::<u8>(), 0..200);
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        // RMCP+ (auth type 06h), any payload type, session or not.
        (any::<u8>(), any::<u32>(), any::<bool>(), tail.clone()).prop_map(
            |(ty, id, sessionless, tail)| {
                let mut d = vec![0x06, 0x00, 0xff, 0x07, 0x06, ty & 0xc0 | (ty % 0x16)];
                d.extend_from_slice(&if sessionless { 0 } else { id }.to_le_bytes());
                d.extend_from_slice(&tail);
                d
            }
        ),
        // IPMI 1.5, session ID 0, a message of its length.
        tail.clone().prop_map(|msg| {
            let mut d = vec![0x06, 0x00, 0xff, 0x07, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
            d.push(u8::try_from(msg.len()).unwrap_or(255));
            d.extend_from_slice(&msg);
            d
        }),
        // ASF.
        tail.prop_map(|t| {
            let mut d = vec![0x06, 0x00, 0xff, 0x06];
            d.extend_from_slice(&t);
            d
        }),
    ]
}

proptest! {
    #[test]
    fn virtual_bmc_survives_arbitrary_datagrams(
        datagrams in proptest::collection::vec(datagram_bytes(), 1..8)
    ) {
        let mut bmc = VirtualBmc::new(Machine::default());
        let mut rng = FixedEntropy::new(1);
        let now = fuzz_logic::base_instant();
        for d in &datagrams {
            if let Some(answer) = bmc.handle_datagram(PEER, d, now, &mut rng) {
                prop_assert!(Datagram::decode(&answer).is_ok());
            }
        }
        // The same, with the invariants of the fuzz target.
        fuzz_logic::virtual_bmc(&fuzz_logic::join_datagrams(&datagrams));
    }

    #[test]
    fn virtual_bmc_session_drops_arbitrary_datagrams(d in datagram_bytes()) {
        let mut e = fuzz_logic::establish(17, BMC_ENTROPY_SEED).unwrap();
        let before = e.bmc.stats();
        let answer = e.bmc.handle_datagram(PEER, &d, fuzz_logic::base_instant(), &mut e.rng);
        if let Some(answer) = answer {
            // Only sessionless requests are answered.
            prop_assert!(Datagram::decode(&answer).is_ok());
            prop_assert_eq!(e.bmc.stats().requests, before.requests);
        }
    }

    #[test]
    fn established_session_rejects_arbitrary_datagrams(
        suite in prop::sample::select(vec![3u8, 17]),
        d in datagram_bytes(),
    ) {
        let mut e = fuzz_logic::establish(suite, BMC_ENTROPY_SEED).unwrap();
        let r = e.session.decode_response(&d);
        prop_assert!(r.is_err(), "random bytes accepted: {:?}", r);
    }

    #[test]
    fn established_session_rejects_any_change(
        suite in prop::sample::select(vec![3u8, 17]),
        changes in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
    ) {
        let mut e = fuzz_logic::establish(suite, BMC_ENTROPY_SEED).unwrap();
        let req = IpmiRequest::to_bmc(NetFn::App, GetDeviceId::CMD, e.session.next_rq_seq(), vec![]);
        let datagram = e.session.encode_request(&req, fuzz_logic::IV);
        let answer = e.bmc.handle_datagram(PEER, &datagram, fuzz_logic::base_instant(), &mut e.rng).unwrap();
        let mut changed = answer.clone();
        // Everything after the RMCP header is covered by the integrity code.
        for (at, xor) in &changes {
            let i = 4 + at.index(changed.len() - 4);
            changed[i] ^= xor;
        }
        if changed != answer {
            let r = e.session.decode_response(&changed);
            prop_assert!(
                matches!(r, Err(InboundError::Integrity | InboundError::Foreign | InboundError::Decode(_))),
                "changed datagram gave {:?}", r
            );
        }
        // Rejected datagrams do not use up the genuine one's sequence number.
        let resp = e.session.decode_response(&answer);
        prop_assert!(matches!(&resp, Ok(r) if req.is_answered_by(r)), "{:?}", resp);
    }

    #[test]
    fn session_inbound_target_holds(d in proptest::collection::vec(any::<u8>(), 0..120)) {
        fuzz_logic::session_inbound(&d);
    }

    #[test]
    fn handshake_target_holds(datagrams in proptest::collection::vec(datagram_bytes(), 1..4)) {
        fuzz_logic::handshake(&fuzz_logic::join_datagrams(&datagrams));
    }
}

// ---------------------------------------------------------------------------
// Seed corpus
// ---------------------------------------------------------------------------

fn hex_file(path: &Path) -> Vec<u8> {
    let text: String = fs::read_to_string(path)
        .unwrap()
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect();
    hex::decode(text).unwrap()
}

/// Every captured datagram: (folder, file stem, bytes).
fn captures() -> Vec<(String, String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["lan15-md5", "suite3-freeipmi", "suite3-ipmitool"] {
        let mut files: Vec<_> = fs::read_dir(fixtures_dir().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "hex"))
            .collect();
        files.sort();
        for f in files {
            let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
            out.push((dir.to_string(), stem, hex_file(&f)));
        }
    }
    out
}

fn rmcp(class: RmcpClass) -> Vec<u8> {
    RmcpHeader {
        sequence: 0xff,
        ack: false,
        class,
    }
    .to_bytes()
}

fn asf(msg: &AsfMessage) -> Vec<u8> {
    let mut d = rmcp(RmcpClass::Asf);
    d.extend_from_slice(&msg.to_bytes());
    d
}

fn request<C: Command>(cmd: &C, rq_seq: u8) -> IpmiRequest {
    IpmiRequest::to_bmc(C::NETFN, C::CMD, rq_seq, cmd.to_bytes())
}

/// The seed corpus: (target, file name, bytes).
fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut s: Vec<(&'static str, String, Vec<u8>)> = Vec::new();
    let ping = asf(&AsfMessage::Ping { tag: 7 });
    let pong = asf(&AsfMessage::Pong {
        tag: 7,
        data: PresencePong {
            iana: ASF_IANA,
            oem: 0,
            supported_entities: 0x81,
            supported_interactions: 0,
        },
    });

    // datagram: every capture, ASF ping and pong.
    for (dir, stem, bytes) in captures() {
        s.push(("datagram", format!("capture-{dir}-{stem}"), bytes));
    }
    s.push(("datagram", "asf-ping".into(), ping.clone()));
    s.push(("datagram", "asf-pong".into(), pong));

    // ipmi_message and commands: the clear IPMI 1.5 messages.
    for (dir, stem, bytes) in captures() {
        let Ok(Datagram::Ipmi15(p)) = Datagram::decode(&bytes) else {
            continue;
        };
        s.push((
            "ipmi_message",
            format!("capture-{dir}-{stem}"),
            p.message.clone(),
        ));
        let data = if stem.contains("request") {
            IpmiRequest::from_bytes(&p.message).unwrap().data
        } else {
            IpmiResponse::from_bytes(&p.message).unwrap().data
        };
        s.push(("commands", format!("capture-{dir}-{stem}"), data));
    }
    s.push((
        "ipmi_message",
        "device-id-response".into(),
        fuzz_logic::device_id_response(),
    ));

    // rakp: the Open Session and RAKP payloads.
    for (dir, stem, bytes) in captures() {
        let Ok(Datagram::RmcpPlus(p)) = Datagram::decode(&bytes) else {
            continue;
        };
        let kind = match p.header.payload_type {
            PayloadType::OpenSessionRequest => "open_session_request",
            PayloadType::OpenSessionResponse => "open_session_response",
            PayloadType::Rakp1 => "rakp1",
            PayloadType::Rakp2 => "rakp2",
            PayloadType::Rakp3 => "rakp3",
            PayloadType::Rakp4 => "rakp4",
            _ => continue,
        };
        s.push((
            "rakp",
            format!("capture-{kind}-{dir}-{stem}"),
            p.payload.to_vec(),
        ));
    }

    // commands: what the virtual BMC answers, and request data.
    let machine = Machine::default();
    let records: Vec<_> = machine
        .cipher_suites
        .iter()
        .filter_map(|id| standard_cipher_suite(*id))
        .collect();
    let version = machine.system_firmware_version.clone().unwrap_or_default();
    let blocks = SystemInfoString::encode_blocks(1, b"firmware 1.2.3 built by the fuzzing crew");
    for (name, data) in [
        ("device-id", machine.device_id.to_bytes()),
        ("guid", machine.system_guid.to_vec()),
        (
            "cipher-suite-records",
            encode_cipher_suite_records(&records),
        ),
        (
            "system-info-block0",
            SystemInfoString::encode_blocks(0, version.as_bytes())[0].clone(),
        ),
        ("system-info-blocks", blocks.concat()),
        (
            "get-system-info-parameters",
            GetSystemInfoParameters::system_firmware_version(0).to_bytes(),
        ),
        (
            "get-channel-cipher-suites",
            GetChannelCipherSuites::new(0).to_bytes(),
        ),
        (
            "close-session-handle",
            CloseSession::by_handle(3).to_bytes(),
        ),
        ("get-session-info-by-id", hex::decode("ff04030201").unwrap()),
        (
            "session-info-lan",
            hex::decode("0140020104110a000001001122334455662602").unwrap(),
        ),
        ("channel-info", hex::decode("01040142f21b000000").unwrap()),
    ] {
        s.push(("commands", name.to_string(), data));
    }

    // session_inbound: what each fixed session's other end sends, the clear
    // message, and sequence numbers.
    let message = fuzz_logic::device_id_response();
    for mut pair in fuzz_logic::session_pairs() {
        let name = pair.name.replace(' ', "-").to_lowercase();
        s.push((
            "session_inbound",
            name,
            pair.peer.encode_message(&message, fuzz_logic::IV),
        ));
    }
    s.push((
        "session_inbound",
        "message-device-id-response".into(),
        message,
    ));
    let seqs: Vec<u8> = [1u32, 2, 2, 17, 3, 40, 0, u32::MAX, 1]
        .iter()
        .flat_map(|n| n.to_le_bytes())
        .collect();
    s.push(("session_inbound", "sequence-numbers".into(), seqs));

    // handshake: the genuine answers in every stage, captured answers,
    // and a stale answer followed by the genuine one.
    for suite in fuzz_logic::HANDSHAKE_SUITES {
        for stage in fuzz_logic::HANDSHAKE_STAGES {
            let p = fuzz_logic::prepare_handshake(suite, stage, BMC_ENTROPY_SEED).unwrap();
            s.push((
                "handshake",
                format!("suite{suite}-{stage:?}-answer").to_lowercase(),
                p.answer,
            ));
        }
    }
    for stage in [Stage::AuthCapabilities, Stage::OpenSession, Stage::Rakp2] {
        let (_, answer) = fuzz_logic::prepare_lan15(stage).unwrap();
        s.push((
            "handshake",
            format!("lan15-{stage:?}-answer").to_lowercase(),
            answer,
        ));
    }
    for (dir, stem, bytes) in captures() {
        let answer = stem.contains("response") || stem.contains("rakp2") || stem.contains("rakp4");
        let in_session = ["privilege", "device", "sdr"]
            .iter()
            .any(|w| stem.contains(w));
        if answer && !in_session {
            s.push(("handshake", format!("capture-{dir}-{stem}"), bytes));
        }
    }
    let rakp2 = fuzz_logic::prepare_handshake(17, Stage::Rakp2, BMC_ENTROPY_SEED).unwrap();
    let other = fuzz_logic::prepare_handshake(17, Stage::Rakp2, 99).unwrap();
    s.push((
        "handshake",
        "stale-rakp2-then-genuine".into(),
        fuzz_logic::join_datagrams(&[other.answer, rakp2.answer]),
    ));

    // virtual_bmc: a whole session's datagrams, each on its own, sessionless
    // requests; and IPMI messages for the in-session half.
    let e = fuzz_logic::establish(fuzz_logic::BMC_SESSION_SUITE, BMC_ENTROPY_SEED).unwrap();
    s.push((
        "virtual_bmc",
        "session-suite17".into(),
        fuzz_logic::join_datagrams(&e.sent),
    ));
    for (i, d) in e.sent.iter().enumerate() {
        s.push(("virtual_bmc", format!("session-suite17-{i}"), d.clone()));
    }
    s.push(("virtual_bmc", "asf-ping".into(), ping));
    let caps = request(
        &GetChannelAuthCapabilities::new(PrivilegeLevel::Administrator),
        1,
    );
    s.push((
        "virtual_bmc",
        "lan15-gcac".into(),
        Ipmi15Packet::sessionless(caps.to_bytes()).to_datagram(),
    ));
    let suites = request(&GetChannelCipherSuites::new(0), 2);
    s.push((
        "virtual_bmc",
        "rmcpplus-cipher-suites".into(),
        build_datagram(
            &RmcpPlusHeader::sessionless(PayloadType::Ipmi),
            &suites.to_bytes(),
            None,
        ),
    ));
    let in_session = [
        request(&GetDeviceId, 1).to_bytes(),
        request(&GetSelfTestResults, 2).to_bytes(),
        request(&GetDeviceGuid, 3).to_bytes(),
        request(&GetSystemGuid, 4).to_bytes(),
        request(&GetChannelInfo::current(), 5).to_bytes(),
        request(&GetSessionInfo::current(), 6).to_bytes(),
        request(&GetSystemInfoParameters::system_firmware_version(0), 7).to_bytes(),
        request(&GetChannelCipherSuites::new(1), 8).to_bytes(),
        request(&CloseSession::by_id(0), 9).to_bytes(),
        request(&GetDeviceId, 10).to_bytes(),
    ];
    s.push((
        "virtual_bmc",
        "in-session-requests".into(),
        fuzz_logic::join_datagrams(&in_session),
    ));
    decoder_seeds(&mut s);
    s
}

fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A hex dump with `#` comment lines.
fn commented_hex_file(path: &Path) -> Vec<u8> {
    let text: String = fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(str::chars)
        .filter(char::is_ascii_hexdigit)
        .collect();
    hex::decode(text).unwrap()
}

/// The records of `tests/sim/sel.persist` (ipmi_sim's `id:d:\xx\xx...`
/// lines), in file order.
fn sel_persist_records() -> Vec<Vec<u8>> {
    fs::read_to_string(workspace_dir().join("tests/sim/sel.persist"))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(":d:"))
        .map(|(_, bytes)| {
            bytes
                .split('\\')
                .filter(|b| !b.is_empty())
                .map(|b| u8::from_str_radix(b, 16).unwrap())
                .collect()
        })
        .collect()
}

/// The SDR records of one dump: the first of each record type, and the
/// first `extra` records whatever their type.
fn sample_records(dump: &[u8], extra: usize) -> Vec<(usize, &[u8])> {
    let mut seen = std::collections::HashSet::new();
    fuzz_logic::split_sdr_records(dump)
        .into_iter()
        .enumerate()
        .filter(|(i, r)| *i < extra || seen.insert(r.get(3).copied()))
        .collect()
}

/// Seeds of the SDR, sensor, SEL, FRU and platform command targets.
fn decoder_seeds(s: &mut Vec<(&'static str, String, Vec<u8>)>) {
    let sep = fuzz_logic::SEPARATOR;
    let dumps = [
        ("sim", fuzz_logic::SIM_SDR_REPOSITORY.to_vec()),
        (
            "supermicro",
            fs::read(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/sdr/bmc-sim-supermicro.bin"),
            )
            .unwrap(),
        ),
    ];

    // sdr: records of both simulators, and a whole walk of the tests/sim
    // repository (partial reads, and whole-record reads).
    for (name, dump) in &dumps {
        for (i, record) in sample_records(dump, 3) {
            s.push(("sdr", format!("record-{name}-{i:02}"), record.to_vec()));
        }
    }
    let sim_records = fuzz_logic::split_sdr_records(fuzz_logic::SIM_SDR_REPOSITORY);
    let answers = fuzz_logic::sdr_reader_answers(&sim_records);
    for (policy, name) in [
        ([0x00, 0x10], "reader-sim-partial"),
        ([0x01, 0xff], "reader-sim-whole"),
    ] {
        let mut d = policy.to_vec();
        d.extend(fuzz_logic::join_datagrams(&answers));
        s.push(("sdr", name.into(), d));
    }
    let first_five = fuzz_logic::sdr_reader_answers(&sim_records[..5]);
    let mut d = vec![0x00, 0x05];
    d.extend(fuzz_logic::join_datagrams(&first_five));
    s.push(("sdr", "reader-sim-five".into(), d));
    s.push((
        "sdr",
        "repository-info".into(),
        hex::decode("512300001 0f08dce670000000002".replace(' ', "")).unwrap(),
    ));

    // sensor: each sampled sensor record with readings, factors and
    // thresholds.
    let answers: [(&str, &str); 4] = [
        ("ok", "00 4a c0 c0 00"),
        ("crossed", "00 e8 c0 3f 00"),
        ("unavailable", "00 00 20 00 00"),
        ("not-present", "cb"),
    ];
    for (name, dump) in &dumps {
        for (i, record) in sample_records(dump, 0) {
            if !matches!(record.get(3), Some(0x01..=0x03)) {
                continue;
            }
            for (what, answer) in answers {
                let parts = [
                    record.to_vec(),
                    hex::decode(answer.replace(' ', "")).unwrap(),
                    hex::decode("ff640000000000").unwrap(),
                    hex::decode("3f0a1420e0f0fa").unwrap(),
                ];
                s.push(("sensor", format!("{name}-{i:02}-{what}"), parts.join(sep)));
            }
        }
    }

    // sel: the records of tests/sim/sel.persist, one and all, a Get SEL
    // Entry answer and Get SEL Info answers for the cursor.
    let records = sel_persist_records();
    assert!(records.len() >= 5, "tests/sim/sel.persist");
    for (i, r) in records.iter().enumerate().take(12) {
        s.push(("sel", format!("persist-{i:02}"), r.clone()));
    }
    s.push(("sel", "persist-all".into(), records.concat()));
    let mut entry = vec![0x02, 0x00];
    entry.extend(&records[0]);
    s.push(("sel", "entry-data".into(), entry));
    let info = "51 19 00 00 10 f0 8d ce 67 00 00 00 00 0f";
    let info2 = "51 1a 00 f0 0f 00 9c ce 67 00 00 00 00 0f";
    let cursor = format!("{info} 01 19 00 {info} 01 19 00 {info2} 00");
    s.push((
        "sel",
        "sel-info".into(),
        hex::decode(info.replace(' ', "")).unwrap(),
    ));
    s.push((
        "sel",
        "cursor".into(),
        hex::decode(cursor.replace(' ', "")).unwrap(),
    ));

    // fru: the fixture images and a Read FRU Data answer.
    let fru_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fru");
    let mut files: Vec<_> = fs::read_dir(&fru_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "hex"))
        .collect();
    files.sort();
    for f in &files {
        let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
        s.push(("fru", stem, commented_hex_file(f)));
    }
    let image = commented_hex_file(&fru_dir.join("dell-psu-fru1.hex"));
    let mut read = vec![u8::try_from(image.len().min(32)).unwrap()];
    read.extend(&image[..image.len().min(32)]);
    s.push(("fru", "read-fru-data".into(), read));
    s.push(("fru", "area-info".into(), hex::decode("000200").unwrap()));

    // platform_commands: chassis, DCMI and watchdog answers.
    for (name, h) in [
        ("chassis-status", "3f 11 6f a5"),
        ("chassis-status-short", "01 00 00"),
        ("dcmi-capabilities", "dc 01 05 02 00 01 19"),
        ("dcmi-mandatory", "00 84 00 00 05"),
        ("dcmi-optional", "2c 73"),
        ("dcmi-enhanced", "04 1e 45 81 c1"),
        (
            "power-reading",
            "dc 1d 01 d2 00 9c 01 14 01 a4 ef c9 65 e8 03 00 00 40",
        ),
        ("watchdog", "44 01 12 10 58 02 3a 01"),
    ] {
        s.push((
            "platform_commands",
            name.into(),
            hex::decode(h.replace(' ', "")).unwrap(),
        ));
    }
}

/// Writes the seed corpus into `fuzz/corpus/` (only with
/// `IPMI_FUZZ_WRITE_SEEDS=1`).
#[test]
#[ignore = "writes fuzz/corpus; run with IPMI_FUZZ_WRITE_SEEDS=1"]
fn write_seed_corpus() {
    if std::env::var_os("IPMI_FUZZ_WRITE_SEEDS").is_none() {
        eprintln!("IPMI_FUZZ_WRITE_SEEDS is not set: nothing written");
        return;
    }
    for (target, name, bytes) in seeds() {
        let dir = corpus_dir().join(target);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(name), bytes).unwrap();
    }
}

/// The seeds this file would write replay cleanly (so a corpus refresh
/// never adds a failing file).
#[test]
fn seeds_replay() {
    for (target, name, bytes) in seeds() {
        let run = TARGETS.iter().find(|(t, _)| *t == target).unwrap().1;
        if let Err(e) = catch_unwind(AssertUnwindSafe(|| run(&bytes))) {
            let msg = e.downcast_ref::<String>().cloned().unwrap_or_default();
            panic!("seed {target}/{name}: {msg}");
        }
    }
}
