//! Our client against our virtual BMC (`ipmi_proto::bmc`), in process: every
//! cipher suite the BMC accepts, negotiation, privilege limits, K_g and
//! session bookkeeping on the BMC side.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ipmi_proto::bmc::server::{Server, StatsHandle};
use ipmi_proto::bmc::{Machine, User};
use ipmi_proto::client::{Client, ClientOptions, Credentials};
use ipmi_proto::commands::app::{GetDeviceId, GetSystemGuid, SetSessionPrivilegeLevel};
use ipmi_proto::crypto::keys::BmcKey;
use ipmi_proto::session::{HandshakeError, HandshakeStep};
use ipmi_proto::{Error, NetFn, PrivilegeLevel, RakpStatus};

/// Every suite `Machine::default()` accepts.
const BMC_SUITES: [u8; 11] = [1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17];

struct Bmc {
    target: String,
    stats: StatsHandle,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Bmc {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start(machine: Machine) -> Bmc {
    let any: SocketAddr = "127.0.0.1:0".parse().expect("address");
    let server = Server::bind(any, machine).await.expect("bind virtual BMC");
    let target = server.local_addr().expect("local address").to_string();
    let stats = server.stats_handle();
    Bmc {
        target,
        stats,
        task: server.spawn(),
    }
}

fn creds(user: &str, password: &[u8]) -> Credentials {
    Credentials::new(user, password).expect("valid credentials")
}

fn admin() -> Credentials {
    creds("admin", b"password")
}

fn suite(id: u8) -> ClientOptions {
    ClientOptions {
        cipher_suite: Some(id),
        ..ClientOptions::default()
    }
}

fn with_privilege(privilege: PrivilegeLevel) -> ClientOptions {
    ClientOptions {
        privilege,
        ..ClientOptions::default()
    }
}

async fn connect(bmc: &Bmc, credentials: Credentials, options: ClientOptions) -> Client {
    Client::connect(&bmc.target, credentials, options)
        .await
        .unwrap_or_else(|e| panic!("connect to the virtual BMC failed: {e} ({e:?})"))
}

async fn connect_err(bmc: &Bmc, credentials: Credentials, options: ClientOptions) -> Error {
    match Client::connect(&bmc.target, credentials, options).await {
        Ok(c) => panic!(
            "connect unexpectedly succeeded: {:?}",
            c.session_info().await
        ),
        Err(e) => e,
    }
}

/// Polls (bounded, 2 s) until the BMC holds `n` sessions.
async fn wait_active_sessions(bmc: &Bmc, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(2);
    while bmc.stats.active_sessions() != n {
        assert!(
            Instant::now() < deadline,
            "the BMC holds {} sessions, expected {n}",
            bmc.stats.active_sessions()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn is_rejected(e: &Error, step: HandshakeStep, status: RakpStatus) -> bool {
    matches!(
        e,
        Error::Handshake(HandshakeError::Rejected { step: s, status: st })
            if *s == step && *st == status
    )
}

#[tokio::test]
async fn every_suite_the_bmc_accepts() {
    let machine = Machine::default();
    assert_eq!(machine.cipher_suites, BMC_SUITES);
    let bmc = start(machine.clone()).await;
    for id in BMC_SUITES {
        let client = connect(&bmc, admin(), suite(id)).await;
        let info = client.session_info().await.expect("session open");
        assert!(info.rmcp_plus);
        assert_eq!(info.cipher_suite, Some(id));
        assert_eq!(info.privilege, PrivilegeLevel::Administrator);
        for _ in 0..3 {
            let dev = client.execute(&GetDeviceId).await.expect("Get Device ID");
            assert_eq!(dev, machine.device_id, "suite {id}");
        }
        let guid = client
            .execute(&GetSystemGuid)
            .await
            .expect("Get System GUID");
        assert_eq!(guid.0, machine.system_guid, "suite {id}");
        let now = client
            .execute(&SetSessionPrivilegeLevel::query())
            .await
            .expect("query the session privilege");
        assert_eq!(now.privilege, PrivilegeLevel::Administrator, "suite {id}");
        assert_eq!(client.stats().await.sessions, 1, "suite {id}");
        assert_eq!(bmc.stats.active_sessions(), 1, "suite {id}");
        client.close().await;
        wait_active_sessions(&bmc, 0).await;
    }
    let stats = bmc.stats.stats();
    assert_eq!(stats.sessions_opened, BMC_SUITES.len() as u64);
    assert_eq!(stats.handshakes_refused, 0);
}

#[tokio::test]
async fn default_negotiation_picks_17() {
    let bmc = start(Machine::default()).await;
    let client = connect(&bmc, admin(), ClientOptions::default()).await;
    let info = client.session_info().await.expect("session open");
    assert_eq!(info.cipher_suite, Some(17));
    client.execute(&GetDeviceId).await.expect("Get Device ID");
    client.close().await;
    assert_eq!(bmc.stats.stats().handshakes_refused, 0);
}

#[tokio::test]
async fn default_negotiation_falls_back_to_3() {
    let machine = Machine {
        cipher_suites: vec![3],
        ..Machine::default()
    };
    let bmc = start(machine).await;
    let client = connect(&bmc, admin(), ClientOptions::default()).await;
    assert_eq!(
        client.session_info().await.and_then(|i| i.cipher_suite),
        Some(3)
    );
    client.execute(&GetDeviceId).await.expect("Get Device ID");
    client.close().await;
    // Suite 17 was refused once in Open Session.
    assert_eq!(bmc.stats.stats().handshakes_refused, 1);
}

#[tokio::test]
async fn suite_0_only_when_pinned() {
    let bmc = start(Machine::default()).await;
    let e = connect_err(&bmc, admin(), suite(0)).await;
    assert!(
        is_rejected(
            &e,
            HandshakeStep::OpenSession,
            RakpStatus::NoCipherSuiteMatch
        ),
        "{e:?}"
    );

    let only_0 = Machine {
        cipher_suites: vec![0],
        ..Machine::default()
    };
    let bmc = start(only_0).await;
    // Not negotiated by default, even when it is all the BMC offers.
    let e = connect_err(&bmc, admin(), ClientOptions::default()).await;
    assert!(
        is_rejected(
            &e,
            HandshakeStep::OpenSession,
            RakpStatus::NoCipherSuiteMatch
        ),
        "{e:?}"
    );
    assert_eq!(bmc.stats.stats().sessions_opened, 0);
    // Pinned, it works.
    let client = connect(&bmc, admin(), suite(0)).await;
    assert_eq!(
        client.session_info().await.and_then(|i| i.cipher_suite),
        Some(0)
    );
    client.execute(&GetDeviceId).await.expect("Get Device ID");
    client.close().await;
}

#[tokio::test]
async fn privilege_levels_and_limits() {
    let bmc = start(Machine::default()).await;

    // Each user at its own level.
    for (user, password, level) in [
        ("user", &b"user"[..], PrivilegeLevel::User),
        ("operator", b"operator", PrivilegeLevel::Operator),
        ("admin", b"password", PrivilegeLevel::Administrator),
    ] {
        let client = connect(&bmc, creds(user, password), with_privilege(level)).await;
        assert_eq!(
            client.session_info().await.map(|i| i.privilege),
            Some(level)
        );
        let now = client
            .execute(&SetSessionPrivilegeLevel::query())
            .await
            .expect("query the session privilege");
        assert_eq!(now.privilege, level, "{user}: the BMC's view");
        client.close().await;
    }

    // `user` asking for administrator: refused in RAKP 2.
    let e = connect_err(
        &bmc,
        creds("user", b"user"),
        with_privilege(PrivilegeLevel::Administrator),
    )
    .await;
    assert!(
        is_rejected(&e, HandshakeStep::Rakp2, RakpStatus::UnauthorizedRole),
        "{e:?}"
    );
    assert!(e.is_authentication_failure(), "{e:?}");

    // A user session cannot be raised above the user's limit: 81h.
    let client = connect(
        &bmc,
        creds("user", b"user"),
        with_privilege(PrivilegeLevel::User),
    )
    .await;
    let e = client
        .execute(&SetSessionPrivilegeLevel::new(
            PrivilegeLevel::Administrator,
        ))
        .await
        .expect_err("user -> administrator must fail");
    assert!(
        matches!(
            e,
            Error::Completion {
                netfn: NetFn::App,
                cmd: 0x3b,
                code,
            } if u8::from(code) == 0x81
        ),
        "{e:?}"
    );
    // The session survives the refusal.
    client
        .execute(&GetDeviceId)
        .await
        .expect("session still usable");
    client.close().await;

    // An operator session can go down to user and back, not up to admin.
    let client = connect(
        &bmc,
        creds("operator", b"operator"),
        with_privilege(PrivilegeLevel::Operator),
    )
    .await;
    for (wanted, ok) in [
        (PrivilegeLevel::User, true),
        (PrivilegeLevel::Operator, true),
        (PrivilegeLevel::Administrator, false),
    ] {
        let r = client.execute(&SetSessionPrivilegeLevel::new(wanted)).await;
        match (r, ok) {
            (Ok(resp), true) => assert_eq!(resp.privilege, wanted),
            (Err(e), false) => assert_eq!(e.completion_code().map(u8::from), Some(0x81)),
            (r, _) => panic!("operator -> {wanted}: {r:?}"),
        }
    }
    client.close().await;
}

#[tokio::test]
async fn wrong_credentials() {
    let mut machine = Machine::default();
    let mut disabled =
        User::new("disabled", b"disabled", PrivilegeLevel::Administrator).expect("valid user");
    disabled.enabled = false;
    machine.users.push(disabled);
    let bmc = start(machine).await;

    for id in [3, 17] {
        let e = connect_err(&bmc, creds("admin", b"wrong"), suite(id)).await;
        assert!(
            matches!(e, Error::Handshake(HandshakeError::Rakp2Mismatch)),
            "suite {id}: {e:?}"
        );
        assert!(e.is_authentication_failure());
    }
    let e = connect_err(&bmc, creds("nobody", b"password"), ClientOptions::default()).await;
    assert!(
        is_rejected(&e, HandshakeStep::Rakp2, RakpStatus::UnauthorizedName),
        "{e:?}"
    );
    assert!(e.is_authentication_failure());
    let e = connect_err(
        &bmc,
        creds("disabled", b"disabled"),
        ClientOptions::default(),
    )
    .await;
    assert!(
        is_rejected(&e, HandshakeStep::Rakp2, RakpStatus::UnauthorizedName),
        "{e:?}"
    );
    // No session was established by any of these attempts.
    assert_eq!(bmc.stats.active_sessions(), 0);
    assert_eq!(bmc.stats.stats().sessions_opened, 0);
}

#[tokio::test]
async fn bmc_key_kg() {
    let kg = BmcKey::new(b"the-bmc-key-20-bytes").expect("valid K_g");
    let machine = Machine {
        kg: Some(kg.clone()),
        ..Machine::default()
    };
    let bmc = start(machine.clone()).await;

    for id in [3, 17] {
        let opts = ClientOptions {
            kg: Some(kg.clone()),
            ..suite(id)
        };
        let client = connect(&bmc, admin(), opts).await;
        let dev = client.execute(&GetDeviceId).await.expect("Get Device ID");
        assert_eq!(dev, machine.device_id);
        client.close().await;
    }

    let wrong = BmcKey::new(b"not-the-bmc-key").expect("valid K_g");
    for kg in [Some(wrong), None] {
        let absent = kg.is_none();
        let opts = ClientOptions {
            kg,
            ..ClientOptions::default()
        };
        let e = connect_err(&bmc, admin(), opts).await;
        assert!(
            matches!(e, Error::Handshake(HandshakeError::Rakp4Mismatch)),
            "K_g absent: {absent}: {e:?}"
        );
        assert!(e.is_authentication_failure());
    }
}

#[tokio::test]
async fn close_and_drop_free_the_bmc_session() {
    let bmc = start(Machine::default()).await;
    let client = connect(&bmc, admin(), ClientOptions::default()).await;
    assert_eq!(bmc.stats.active_sessions(), 1);
    client.close().await;
    wait_active_sessions(&bmc, 0).await;
    assert!(client.session_info().await.is_none());

    // The next call opens a new session; dropping the client closes it.
    client
        .execute(&GetDeviceId)
        .await
        .expect("call after close");
    assert_eq!(client.stats().await.sessions, 2);
    assert_eq!(bmc.stats.active_sessions(), 1);
    drop(client);
    wait_active_sessions(&bmc, 0).await;
    assert_eq!(bmc.stats.stats().sessions_opened, 2);
}

#[tokio::test]
async fn session_limit() {
    let machine = Machine {
        max_sessions: 2,
        ..Machine::default()
    };
    let bmc = start(machine).await;
    let a = connect(&bmc, admin(), ClientOptions::default()).await;
    let b = connect(&bmc, admin(), ClientOptions::default()).await;
    let e = connect_err(&bmc, admin(), ClientOptions::default()).await;
    assert!(
        is_rejected(
            &e,
            HandshakeStep::OpenSession,
            RakpStatus::InsufficientResources
        ),
        "{e:?}"
    );
    a.close().await;
    wait_active_sessions(&bmc, 1).await;
    let c = connect(&bmc, admin(), ClientOptions::default()).await;
    c.execute(&GetDeviceId).await.expect("Get Device ID");
    b.close().await;
    c.close().await;
    wait_active_sessions(&bmc, 0).await;
}
