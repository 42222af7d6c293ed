//! Our client against an independent implementation: OpenIPMI's `ipmi_sim`
//! serving the project's Dell-like machine (`tests/sim`, see
//! `tests/sim/MACHINE.md` and `tests/sim/expected/device.json`).
//!
//! Every test starts its own simulator (`ipmi_test_support::Simulator`),
//! which panics when `ipmi_sim` is missing: these tests fail, never skip.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ipmi_proto::client::{Client, ClientOptions, Credentials, Interface, DEFAULT_CIPHER_SUITES};
use ipmi_proto::commands::app::{DeviceId, GetDeviceId, GetSystemGuid};
use ipmi_proto::commands::session::GetSessionInfo;
use ipmi_proto::session::{HandshakeError, HandshakeStep, Lan15AuthType};
use ipmi_proto::transport::Endpoint;
use ipmi_proto::{AuthType, Error, PrivilegeLevel, RakpStatus};
use ipmi_test_support::Simulator;

/// The 20-byte password of the simulator's user `longpass`.
const LONG_PASSWORD: &[u8] = b"abcdefghijklmnopqrst";

/// Client options for the success paths: the library defaults (1 s, 3
/// retries) with a pinned suite, if any.
fn options(suite: Option<u8>) -> ClientOptions {
    ClientOptions {
        cipher_suite: suite,
        ..ClientOptions::default()
    }
}

/// Client options for tests whose expected outcome is a timeout: 300 ms,
/// 2 retries (300 + 300 + 600 ms).
fn fast_options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_millis(300),
        retries: 2,
        ..ClientOptions::default()
    }
}

fn lan15(auth: Lan15AuthType, privilege: PrivilegeLevel) -> ClientOptions {
    ClientOptions {
        interface: Interface::Lan,
        lan15_auth: auth,
        privilege,
        ..ClientOptions::default()
    }
}

fn creds(user: &str, password: &[u8]) -> Credentials {
    Credentials::new(user, password).expect("valid credentials")
}

fn admin() -> Credentials {
    creds("admin", b"password")
}

/// `Get Device ID` of the simulated machine, from `expected/device.json`.
fn expected_device_id() -> serde_json::Value {
    let path = ipmi_test_support::sim_dir().join("expected/device.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&text).expect("device.json is JSON");
    json["get_device_id"].clone()
}

fn assert_device_id(id: &DeviceId) {
    let want = expected_device_id();
    assert_eq!(id.manufacturer_id, 674, "Dell's IANA number");
    assert_eq!(id.product_id, 0x0100);
    assert_eq!(u64::from(id.manufacturer_id), want["manufacturer_id"]);
    assert_eq!(u64::from(id.product_id), want["product_id"]);
    assert_eq!(u64::from(id.device_id), want["device_id"]);
    assert_eq!(u64::from(id.device_revision), want["device_revision"]);
    assert_eq!(u64::from(id.firmware_major), want["fw_major"]);
    assert_eq!(u64::from(id.firmware_minor), want["fw_minor_bcd"]);
    assert_eq!(id.firmware_revision(), want["firmware"]);
    assert_eq!(id.ipmi_version_string(), want["ipmi_version"]);
    assert_eq!(
        u64::from(id.additional_support.0),
        want["additional_device_support"]
    );
    assert!(!id.provides_device_sdrs);
}

/// The system GUID as the simulator reports it to the test-support crate's
/// own IPMI 1.5 implementation (independent of the code under test).
fn sim_guid(sim: &Simulator) -> [u8; 16] {
    let rsp = sim
        .raw_command(0x06, 0x37, &[])
        .unwrap_or_else(|e| panic!("raw Get System GUID failed: {e}\nlog:\n{}", sim.log()));
    assert_eq!(rsp.first(), Some(&0), "raw Get System GUID: {rsp:02x?}");
    rsp.get(1..17)
        .and_then(|b| b.try_into().ok())
        .unwrap_or_else(|| panic!("short Get System GUID response {rsp:02x?}"))
}

async fn connect(sim: &Simulator, credentials: Credentials, options: ClientOptions) -> Client {
    match Client::connect(&sim.target(), credentials, options).await {
        Ok(c) => c,
        Err(e) => panic!(
            "connect to ipmi_sim failed: {e} ({e:?})\nlog:\n{}",
            sim.log()
        ),
    }
}

async fn connect_err(sim: &Simulator, credentials: Credentials, options: ClientOptions) -> Error {
    match Client::connect(&sim.target(), credentials, options).await {
        Ok(c) => panic!(
            "connect unexpectedly succeeded: {:?}",
            c.session_info().await
        ),
        Err(e) => e,
    }
}

/// Connects with a pinned suite and checks Get Device ID, Get System GUID
/// and the session facts.
async fn check_suite(suite: u8) {
    let sim = Simulator::start();
    let client = connect(&sim, admin(), options(Some(suite))).await;
    let info = client.session_info().await.expect("session open");
    assert!(info.rmcp_plus);
    assert_eq!(info.cipher_suite, Some(suite));
    assert_eq!(info.privilege, PrivilegeLevel::Administrator);
    let id = client.execute(&GetDeviceId).await.expect("Get Device ID");
    assert_device_id(&id);
    let guid = client
        .execute(&GetSystemGuid)
        .await
        .expect("Get System GUID");
    assert_eq!(guid.0, sim_guid(&sim));
    assert_eq!(client.stats().await.sessions, 1);
    client.close().await;
}

#[tokio::test]
async fn suite_0_pinned() {
    check_suite(0).await;
}

#[tokio::test]
async fn suite_1() {
    check_suite(1).await;
}

#[tokio::test]
async fn suite_2() {
    check_suite(2).await;
}

#[tokio::test]
async fn suite_3() {
    check_suite(3).await;
}

#[tokio::test]
async fn suite_6() {
    check_suite(6).await;
}

#[tokio::test]
async fn suite_11() {
    check_suite(11).await;
}

#[tokio::test]
async fn default_negotiation_falls_back_to_suite_3() {
    assert!(
        !DEFAULT_CIPHER_SUITES.contains(&0),
        "suite 0 (no authentication) must never be negotiated unless pinned"
    );
    assert_eq!(DEFAULT_CIPHER_SUITES.first(), Some(&17));
    let sim = Simulator::start();
    // ipmi_sim has no SHA-256: it refuses 17 in Open Session, we go on with 3.
    let client = connect(&sim, admin(), options(None)).await;
    let info = client.session_info().await.expect("session open");
    assert_eq!(info.cipher_suite, Some(3));
    assert_device_id(&client.execute(&GetDeviceId).await.expect("Get Device ID"));
    assert_eq!(client.stats().await.sessions, 1);
    client.close().await;
}

#[tokio::test]
async fn ipmi15_md5() {
    let sim = Simulator::start();
    let client = connect(
        &sim,
        admin(),
        lan15(Lan15AuthType::Md5, PrivilegeLevel::Administrator),
    )
    .await;
    let info = client.session_info().await.expect("session open");
    assert!(!info.rmcp_plus);
    assert_eq!(info.cipher_suite, None);
    assert_eq!(info.auth_type, Some(AuthType::Md5));
    assert_eq!(info.privilege, PrivilegeLevel::Administrator);
    assert_device_id(&client.execute(&GetDeviceId).await.expect("Get Device ID"));
    let guid = client
        .execute(&GetSystemGuid)
        .await
        .expect("Get System GUID");
    assert_eq!(guid.0, sim_guid(&sim));
    client.close().await;
}

#[tokio::test]
async fn ipmi15_straight_password() {
    let sim = Simulator::start();
    let client = connect(
        &sim,
        admin(),
        lan15(Lan15AuthType::Password, PrivilegeLevel::Administrator),
    )
    .await;
    let info = client.session_info().await.expect("session open");
    assert!(!info.rmcp_plus);
    assert_eq!(info.auth_type, Some(AuthType::Password));
    assert_device_id(&client.execute(&GetDeviceId).await.expect("Get Device ID"));
    let guid = client
        .execute(&GetSystemGuid)
        .await
        .expect("Get System GUID");
    assert_eq!(guid.0, sim_guid(&sim));
    client.close().await;
}

/// Checks the session privilege as we report it and as the BMC reports it
/// (Get Session Info on the current session), plus the user ID.
async fn check_privilege(client: &Client, privilege: PrivilegeLevel, user_id: u8) {
    let info = client.session_info().await.expect("session open");
    assert_eq!(
        info.privilege, privilege,
        "our view of the session privilege"
    );
    let bmc = client
        .execute(&GetSessionInfo::current())
        .await
        .expect("Get Session Info");
    let details = bmc
        .session
        .expect("Get Session Info reports the current session");
    assert_eq!(
        details.privilege, privilege,
        "the BMC's view of the privilege"
    );
    assert_eq!(details.user_id, user_id);
    assert_device_id(&client.execute(&GetDeviceId).await.expect("Get Device ID"));
}

const PRIVILEGE_USERS: [(&str, PrivilegeLevel, u8); 3] = [
    ("user", PrivilegeLevel::User, 4),
    ("operator", PrivilegeLevel::Operator, 3),
    ("admin", PrivilegeLevel::Administrator, 2),
];

fn password_of(user: &str) -> &[u8] {
    match user {
        "admin" => b"password",
        other => other.as_bytes(),
    }
}

#[tokio::test]
async fn privilege_levels_rmcp_plus() {
    let sim = Simulator::start();
    for (user, privilege, user_id) in PRIVILEGE_USERS {
        let opts = ClientOptions {
            privilege,
            ..options(Some(3))
        };
        let client = connect(&sim, creds(user, password_of(user)), opts).await;
        check_privilege(&client, privilege, user_id).await;
        client.close().await;
    }
}

#[tokio::test]
async fn privilege_levels_ipmi15() {
    let sim = Simulator::start();
    for (user, privilege, user_id) in PRIVILEGE_USERS {
        let opts = lan15(Lan15AuthType::Md5, privilege);
        let client = connect(&sim, creds(user, password_of(user)), opts).await;
        check_privilege(&client, privilege, user_id).await;
        client.close().await;
    }
}

#[tokio::test]
async fn wrong_password_rmcp_plus() {
    let sim = Simulator::start();
    for suite in [None, Some(3)] {
        let e = connect_err(&sim, creds("admin", b"wrong"), options(suite)).await;
        assert!(
            matches!(e, Error::Handshake(HandshakeError::Rakp2Mismatch)),
            "suite {suite:?}: {e:?}"
        );
        assert!(e.is_authentication_failure(), "{e:?}");
        assert!(e.to_string().contains("authentication failed"), "{e}");
    }
}

/// A wrong password over IPMI 1.5: ipmi_sim answers Get Session Challenge
/// and then drops the Activate Session whose AuthCode does not verify.
async fn check_wrong_password_ipmi15(auth: Lan15AuthType) {
    let sim = Simulator::start();
    let opts = ClientOptions {
        interface: Interface::Lan,
        lan15_auth: auth,
        ..fast_options()
    };
    let started = Instant::now();
    let e = connect_err(&sim, creds("admin", b"wrong"), opts).await;
    assert!(
        e.is_authentication_failure(),
        "{auth:?}: expected an authentication failure, got {e} ({e:?})"
    );
    assert!(!e.is_timeout(), "{auth:?}: {e:?}");
    assert!(e.to_string().contains("authentication failed"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3), "{auth:?}");
}

#[tokio::test]
async fn wrong_password_ipmi15_md5() {
    check_wrong_password_ipmi15(Lan15AuthType::Md5).await;
}

#[tokio::test]
async fn wrong_password_ipmi15_straight_password() {
    check_wrong_password_ipmi15(Lan15AuthType::Password).await;
}

#[tokio::test]
async fn disabled_user_is_refused() {
    let sim = Simulator::start();
    let e = connect_err(&sim, creds("disabled", b"disabled"), options(Some(3))).await;
    assert!(
        matches!(
            e,
            Error::Handshake(HandshakeError::Rejected {
                step: HandshakeStep::Rakp2,
                status: RakpStatus::UnauthorizedName,
            })
        ),
        "{e:?}"
    );
    assert!(e.is_authentication_failure(), "{e:?}");
}

#[tokio::test]
async fn privilege_above_the_user_limit_over_ipmi15() {
    let sim = Simulator::start();
    for (user, password) in [("user", &b"user"[..]), ("operator", b"operator")] {
        let opts = lan15(Lan15AuthType::Md5, PrivilegeLevel::Administrator);
        let e = connect_err(&sim, creds(user, password), opts).await;
        // ipmi_sim checks the limit in Activate Session: 86h, "requested
        // maximum privilege level exceeds the user's or channel's limit".
        assert!(
            matches!(
                &e,
                Error::Handshake(HandshakeError::Completion {
                    step: HandshakeStep::ActivateSession,
                    code,
                }) if u8::from(*code) == 0x86
            ),
            "{user}: {e} ({e:?})"
        );
        assert_eq!(e.completion_code().map(u8::from), Some(0x86), "{e:?}");
        assert!(e.is_authentication_failure(), "{user}: {e:?}");
    }
}

#[tokio::test]
async fn session_is_reused_and_reestablished_after_close() {
    let sim = Simulator::start();
    let client = connect(&sim, admin(), options(Some(3))).await;
    let first = client.session_info().await.expect("session open");
    for _ in 0..20 {
        assert_device_id(&client.execute(&GetDeviceId).await.expect("Get Device ID"));
    }
    let stats = client.stats().await;
    assert_eq!(stats.sessions, 1, "{stats:?}");
    assert_eq!(stats.timeouts, 0, "{stats:?}");
    assert_eq!(
        client.session_info().await.map(|i| i.bmc_session_id),
        Some(first.bmc_session_id)
    );

    client.close().await;
    assert!(client.session_info().await.is_none());
    // The next call opens a new session.
    let guid = client
        .execute(&GetSystemGuid)
        .await
        .expect("call after close");
    assert_eq!(guid.0, sim_guid(&sim));
    let second = client.session_info().await.expect("session re-established");
    assert_ne!(second.bmc_session_id, first.bmc_session_id);
    assert_eq!(second.cipher_suite, Some(3));
    assert_eq!(client.stats().await.sessions, 2);
    client.close().await;
}

#[tokio::test]
async fn twenty_byte_password() {
    let sim = Simulator::start();
    let client = connect(&sim, creds("longpass", LONG_PASSWORD), options(Some(3))).await;
    check_privilege(&client, PrivilegeLevel::Administrator, 6).await;
    client.close().await;
    // One byte short is a wrong password.
    let e = connect_err(
        &sim,
        creds("longpass", &LONG_PASSWORD[..19]),
        options(Some(3)),
    )
    .await;
    assert!(
        matches!(e, Error::Handshake(HandshakeError::Rakp2Mismatch)),
        "{e:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_clients_share_one_endpoint() {
    let sims: Vec<Simulator> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3).map(|_| s.spawn(Simulator::start)).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("simulator start-up panicked"))
            .collect()
    });
    let guids: Vec<[u8; 16]> = sims.iter().map(sim_guid).collect();
    let any: SocketAddr = "127.0.0.1:0".parse().expect("address");
    let endpoint = Endpoint::bind(any).await.expect("bind endpoint");

    let mut tasks = Vec::new();
    for i in 0..20usize {
        let target = sims[i % 3].target();
        let guid = guids[i % 3];
        let opts = ClientOptions {
            endpoint: Some(endpoint.clone()),
            ..options(Some(3))
        };
        tasks.push(tokio::spawn(async move {
            let client = Client::connect(&target, admin(), opts)
                .await
                .map_err(|e| format!("client {i} connect: {e}"))?;
            for round in 0..5 {
                let id = client
                    .execute(&GetDeviceId)
                    .await
                    .map_err(|e| format!("client {i} round {round}: {e}"))?;
                if (id.manufacturer_id, id.product_id) != (674, 0x0100) {
                    return Err(format!("client {i}: wrong device {id:?}"));
                }
                let g = client
                    .execute(&GetSystemGuid)
                    .await
                    .map_err(|e| format!("client {i} round {round} GUID: {e}"))?;
                if g.0 != guid {
                    return Err(format!("client {i}: GUID of another simulator"));
                }
            }
            let stats = client.stats().await;
            client.close().await;
            if stats.sessions != 1 {
                return Err(format!("client {i}: {stats:?}"));
            }
            Ok::<_, String>(())
        }));
    }
    let mut failures = Vec::new();
    for t in tasks {
        if let Err(e) = t.await.expect("client task panicked") {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "failures: {failures:#?}");
}

/// A bound UDP socket on 127.0.0.1 that never answers.
fn black_hole() -> (std::net::UdpSocket, String) {
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind black hole");
    let target = sock.local_addr().expect("local addr").to_string();
    (sock, target)
}

async fn check_unreachable(options: ClientOptions) {
    let (_sock, target) = black_hole();
    let started = Instant::now();
    let result = Client::connect(&target, admin(), options).await;
    let wall = started.elapsed();
    let e = match result {
        Ok(_) => panic!("a black hole answered"),
        Err(e) => e,
    };
    let Error::Timeout {
        elapsed, attempts, ..
    } = e
    else {
        panic!("expected a timeout, got {e:?}");
    };
    assert!(e.is_timeout());
    assert!(!e.is_authentication_failure());
    assert_eq!(attempts, 3);
    // 300 ms + 300 ms + 600 ms.
    let expected = Duration::from_millis(1200);
    assert!(
        elapsed >= expected - Duration::from_millis(50),
        "{elapsed:?}"
    );
    assert!(wall < expected + Duration::from_millis(1500), "{wall:?}");
    assert!(e.to_string().contains("timeout after"), "{e}");
}

#[tokio::test]
async fn unreachable_target_times_out_rmcp_plus() {
    check_unreachable(fast_options()).await;
}

#[tokio::test]
async fn unreachable_target_times_out_ipmi15() {
    check_unreachable(ClientOptions {
        interface: Interface::Lan,
        ..fast_options()
    })
    .await;
}
