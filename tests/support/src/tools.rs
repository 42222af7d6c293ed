//! Finding and running the independent IPMI clients (ipmitool, FreeIPMI)
//! the peer tests compare against.  A missing tool fails the test with an
//! install hint; nothing is skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::{ADMIN_PASSWORD, ADMIN_USER};

/// Finds an executable on PATH or in the sbin directories (where Debian
/// installs FreeIPMI); panics with instructions when it is missing.
pub fn tool(name: &str, package: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{name}` is not installed: these tests need it as an independent IPMI client. \
                 Install the Debian package `{package}` (`sudo apt-get install {package}`, \
                 or run scripts/test.sh, which installs it)."
            )
        })
}

/// Runs `program ARGS...` with `envs` set, `IPMI_PASSWORD` removed and no
/// stdin; kills it and panics when it runs longer than `limit` (bounded
/// polling).  Returns its output whatever its exit status.
pub fn run_limited(
    program: &Path,
    args: &[&str],
    envs: &[(&str, &str)],
    limit: Duration,
) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .env_remove("IPMI_PASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("wait for child").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "{} {args:?} did not finish within {} s",
                program.display(),
                limit.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("collect output")
}

/// [`run_limited`], asserting that the program succeeded.
pub fn run_ok(program: &Path, args: &[&str], envs: &[(&str, &str)], limit: Duration) -> Output {
    let out = run_limited(program, args, envs, limit);
    assert!(
        out.status.success(),
        "{} {}",
        program.display(),
        describe(args, &out)
    );
    out
}

/// `ARGS exited with STATUS` and both outputs, for assertion messages.
pub fn describe(args: &[&str], out: &Output) -> String {
    format!(
        "{args:?} exited with {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The tools print ID strings byte for byte (Latin-1 here).
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|b| char::from(*b)).collect()
}

/// `-I lanplus -C 17 -H 127.0.0.1 -p PORT -U admin -P password -N 1 -R 2`:
/// ipmitool as admin with cipher suite 17; extend with the command.
pub fn ipmitool_admin_args(port: &str) -> Vec<&str> {
    vec![
        "-I",
        "lanplus",
        "-C",
        "17",
        "-H",
        "127.0.0.1",
        "-p",
        port,
        "-U",
        ADMIN_USER,
        "-P",
        ADMIN_PASSWORD,
        "-N",
        "1",
        "-R",
        "2",
    ]
}

/// `-h HOST -u admin -p password -D LAN_2_0`: a FreeIPMI tool as admin over
/// IPMI 2.0; extend with timeouts and the command.
pub fn freeipmi_admin_args(host: &str) -> Vec<&str> {
    vec![
        "-h",
        host,
        "-u",
        ADMIN_USER,
        "-p",
        ADMIN_PASSWORD,
        "-D",
        "LAN_2_0",
    ]
}
