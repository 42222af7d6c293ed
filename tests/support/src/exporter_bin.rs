//! The `ipmi_exporter` executable for CLI tests: `IPMI_EXPORTER_BIN`, or
//! built once per test process with the same Cargo and profile.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// Path of the `ipmi_exporter` executable, built on first use.
pub fn exporter() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("IPMI_EXPORTER_BIN") {
            let bin = PathBuf::from(bin);
            assert!(
                bin.is_file(),
                "IPMI_EXPORTER_BIN={} is not a file",
                bin.display()
            );
            return bin;
        }
        build_exporter()
    })
}

fn build_exporter() -> PathBuf {
    let cargo = std::env::var_os("CARGO")
        .or_else(|| option_env!("CARGO").map(Into::into))
        .unwrap_or_else(|| "cargo".into());
    // The workspace root (tests/support/../..).
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join("Cargo.toml");
    let mut cmd = Command::new(&cargo);
    cmd.args(["build", "--quiet"])
        .arg("--manifest-path")
        .arg(&manifest)
        .args([
            "-p",
            "ipmi_exporter",
            "--bin",
            "ipmi_exporter",
            "--message-format=json-render-diagnostics",
        ]);
    // Same profile as the test binary (target/<profile>/deps/<test>-…).
    let profile = std::env::current_exe()
        .ok()
        .and_then(|exe| {
            let dir = exe.parent()?.parent()?;
            Some(dir.file_name()?.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    if profile == "release" {
        cmd.arg("--release");
    }
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cargo:?} to build ipmi_exporter: {e}"));
    assert!(
        out.status.success(),
        "`cargo build -p ipmi_exporter` failed ({}); see the compiler output above",
        out.status
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|msg| {
            msg.get("reason").and_then(serde_json::Value::as_str) == Some("compiler-artifact")
                && msg
                    .pointer("/target/name")
                    .and_then(serde_json::Value::as_str)
                    == Some("ipmi_exporter")
        })
        .find_map(|msg| msg.get("executable")?.as_str().map(PathBuf::from))
        .unwrap_or_else(|| {
            panic!("cargo built no ipmi_exporter executable; its messages:\n{stdout}")
        })
}

/// Runs `ipmi_exporter ARGS...` with `envs` set and `IPMI_PASSWORD` removed
/// (hard limit 30 s, bounded polling); returns its output.
pub fn run_exporter(args: &[&str], envs: &[(&str, &str)]) -> Output {
    crate::tools::run_limited(exporter(), args, envs, Duration::from_secs(30))
}

/// `ipmi_exporter ARGS exited with STATUS` and both outputs.
pub fn describe_exporter(args: &[&str], out: &Output) -> String {
    format!("ipmi_exporter {}", crate::tools::describe(args, out))
}
