//! A password planted in broken configuration files never comes back out:
//! not on start-up stderr, not in the `POST /-/reload` answer, not in the
//! log line of a failed HTTP or SIGHUP reload, in either log format.
//!
//! Each broken file puts the secret on the line the parser complains about
//! or next to it: syntax errors on the secret's line, wrong types for the
//! secret key, unknown keys beside it, bad YAML indentation, duplicate
//! keys, misspelt secret keys, the secret repeated under a wrongly typed
//! key. The outputs are searched for every 8-character piece of the secret,
//! so a shortened or partly escaped echo is caught too.

use std::time::{Duration, Instant};

use ipmi_test_support::exporter_bin::{describe_exporter, run_exporter, ServedExporter};

/// The planted secrets: a word, a number (for wrong types) and one that
/// needs escaping.
const SECRET: &str = "Zq7PLANTEDxK9w";
const NUMBER: &str = "918273645546372";
const ESCAPED: &str = "Hv4\"QU\\OTEDmR2y";
/// A bcrypt-shaped hash for the web configuration.
const HASH: &str = "$2y$10$PLANTEDhashQQQQQQQQQQOgUvS2d9nrxR9zVU7oWgpkRcX0OSK6";

fn pieces() -> Vec<&'static str> {
    let mut out = Vec::new();
    for s in [SECRET, NUMBER, ESCAPED, HASH] {
        for i in 0..=s.len().saturating_sub(8) {
            if let Some(p) = s.get(i..i + 8) {
                out.push(p);
            }
        }
    }
    out
}

/// Panics when `text` (from `what`) holds a piece of a planted secret.
fn assert_clean(what: &str, text: &str) {
    for p in pieces() {
        assert!(
            !text.contains(p),
            "{what} leaks {p:?} of a planted secret:\n{text}"
        );
    }
}

/// TOML files, each broken; the secret is `SECRET` unless noted.
fn broken_toml() -> Vec<(&'static str, String)> {
    let e = ESCAPED.replace('\\', "\\\\").replace('"', "\\\"");
    vec![
        (
            "unterminated string",
            format!("[modules.default]\npass = \"{SECRET}\nuser = \"a\"\n"),
        ),
        (
            "unquoted value",
            format!("[modules.default]\npass = {SECRET}\n"),
        ),
        (
            "integer for the password",
            format!("[modules.default]\npass = {NUMBER}\n"),
        ),
        (
            "array for the password",
            format!("[modules.default]\npass = [\"{SECRET}\"]\n"),
        ),
        (
            "unknown key next to it",
            format!("[modules.default]\npass = \"{SECRET}\"\nbogus = 1\n"),
        ),
        (
            "duplicate key",
            format!("[modules.default]\npass = \"{SECRET}\"\npass = \"{SECRET}\"\n"),
        ),
        (
            "missing =",
            format!("[modules.default]\npass \"{SECRET}\"\n"),
        ),
        (
            "inline table, wrong type beside it",
            format!("[modules]\ndefault = {{ pass = \"{SECRET}\", timeout = \"x\" }}\n"),
        ),
        (
            "unterminated multi-line string",
            format!("[modules.default]\npass = \"\"\"{SECRET}\nuser = \"a\"\n"),
        ),
        (
            "unterminated literal string",
            format!("[modules.default]\npass = '{SECRET}\n"),
        ),
        (
            "target override, unquoted",
            format!("[targets.\"10.0.0.1\"]\npass = {SECRET}\n"),
        ),
        (
            "dotted key, unquoted",
            format!("modules.default.pass = {SECRET}\n"),
        ),
        (
            "misspelt key",
            format!("[modules.default]\npasword = \"{SECRET}\"\n"),
        ),
        (
            "K_g inline (no such key)",
            format!("[modules.default]\nkg = \"{SECRET}\"\n"),
        ),
        (
            "escaped secret, junk after it",
            format!("[modules.default]\npass = \"{e}\" x\n"),
        ),
        (
            "secret repeated under a wrongly typed key",
            format!("[modules.default]\npass = \"{SECRET}\"\ntimeout = \"{SECRET}\"\n"),
        ),
        (
            "valid syntax, conflicting password sources",
            format!("[modules.default]\npass = \"{SECRET}\"\npassword_file = \"/nonexistent\"\n"),
        ),
    ]
}

/// YAML files (the Go exporter's format), each broken.
fn broken_yaml() -> Vec<(&'static str, String)> {
    let e = ESCAPED.replace('\\', "\\\\").replace('"', "\\\"");
    vec![
        (
            "bad indentation after it",
            format!("modules:\n  default:\n    pass: {SECRET}\n   user: x\n"),
        ),
        (
            "bad indentation of it",
            format!("modules:\n  default:\n    user: x\n      pass: {SECRET}\n"),
        ),
        (
            "sequence for the password",
            format!("modules:\n  default:\n    pass: [{SECRET}]\n"),
        ),
        (
            "mapping for the password",
            format!("modules:\n  default:\n    pass: {{a: {SECRET}}}\n"),
        ),
        (
            "missing colon",
            format!("modules:\n  default: pass {SECRET}\n"),
        ),
        (
            "duplicate key",
            format!("modules:\n  default:\n    pass: {SECRET}\n    pass: {SECRET}\n"),
        ),
        (
            "unterminated quote",
            format!("modules:\n  default:\n    pass: \"{SECRET}\n"),
        ),
        (
            "unknown key next to it",
            format!("modules:\n  default:\n    pass: {SECRET}\n    bogus: 1\n"),
        ),
        (
            "tab indentation",
            format!("modules:\n  default:\n\tpass: {SECRET}\n"),
        ),
        (
            "colon inside the value",
            format!("modules:\n  default:\n    pass: {SECRET}: x\n"),
        ),
        (
            "misspelt key",
            format!("modules:\n  default:\n    passwd: {SECRET}\n"),
        ),
        (
            "block scalar, then junk",
            format!("modules:\n  default:\n    pass: |\n      {SECRET}\n    user: [x\n"),
        ),
        (
            "flow mapping, wrong type beside it",
            format!("modules:\n  default: {{pass: {SECRET}, timeout: x}}\n"),
        ),
        (
            "secret repeated under a wrongly typed key",
            format!("modules:\n  default:\n    timeout: {SECRET}\n    pass: {SECRET}\n"),
        ),
        (
            "escaped secret, junk after it",
            format!("modules:\n  default:\n    pass: \"{e}\" x\n"),
        ),
        (
            "number secret as a module",
            format!("modules:\n  default:\n    pass: {NUMBER}\n    collectors: {NUMBER}\n"),
        ),
        (
            "valid syntax, user too long",
            format!(
                "modules:\n  default:\n    pass: {SECRET}\n    user: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
            ),
        ),
    ]
}

/// Web configuration files (start-up only; they are not reloaded).
fn broken_web() -> Vec<(&'static str, String)> {
    vec![
        (
            "hash list instead of a hash",
            format!("basic_auth_users:\n  alice: [{HASH}]\n"),
        ),
        (
            "users as a string",
            format!("basic_auth_users: alice {HASH}\n"),
        ),
        (
            "unknown key next to the users",
            format!("basic_auth_users:\n  alice: {HASH}\nbasic_auth: 1\n"),
        ),
        (
            "bad indentation after a hash",
            format!("basic_auth_users:\n  alice: {HASH}\n bob: x\n"),
        ),
        (
            "plain password instead of a hash",
            format!("basic_auth_users:\n  alice: {SECRET}\n"),
        ),
        (
            "inline TLS key, then junk",
            format!(
                "tls_server_config:\n  key: |\n    -----BEGIN PRIVATE KEY-----\n    {SECRET}\n  cert: [x\n"
            ),
        ),
    ]
}

/// Runs the exporter with a broken file and returns its stdout and
/// stderr; it must fail to start and say something.
fn start_up_output(args: &[&str]) -> String {
    let out = run_exporter(args, &[]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !out.status.success(),
        "started despite a broken file: {}",
        describe_exporter(args, &out)
    );
    assert!(
        text.contains("ipmi_exporter: "),
        "no error line: {}",
        describe_exporter(args, &out)
    );
    text
}

/// Waits until `needle` occurs `n` times in the exporter's log.
fn wait_for_log(ex: &ServedExporter, needle: &str, n: usize) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let log = ex.log();
        if log.matches(needle).count() >= n {
            return log;
        }
        assert!(
            Instant::now() < deadline,
            "the log never had {n}× {needle:?}:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

const VALID_TOML: &str = "[modules.default]\nuser = \"u\"\npass = \"Zq7PLANTEDxK9w\"\n";
const VALID_YAML: &str = "modules:\n  default:\n    user: u\n    pass: Zq7PLANTEDxK9w\n";
const FAILED: &str = "keeping the old configuration";

/// Every broken file through every path of one format; returns the number
/// of (file, path) checks made.
fn check_format(file_name: &str, valid: &str, broken: &[(&'static str, String)]) -> usize {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut checks = 0;
    // Start-up: the error line on stderr, in both log formats.
    for (what, text) in broken {
        let path = dir.path().join(file_name);
        std::fs::write(&path, text).expect("write config");
        let p = path.to_string_lossy().into_owned();
        for format in ["logfmt", "json"] {
            let args = [
                "--config.file",
                p.as_str(),
                "--web.listen-address=127.0.0.1:0",
                "--log.format",
                format,
            ];
            let out = start_up_output(&args);
            assert_clean(&format!("start-up stderr ({what}, {format})"), &out);
            assert!(out.contains(file_name), "the error names no file: {out}");
            checks += 1;
        }
    }
    // Reloads: the HTTP answer, and the log after HTTP and SIGHUP reloads.
    for format in ["logfmt", "json"] {
        let ex = ServedExporter::start_with_file(file_name, valid, &["--log.format", format]);
        assert_clean(&format!("start-up log ({format})"), &ex.log());
        let mut failures = 0;
        for (what, text) in broken {
            std::fs::write(ex.config_path(), text).expect("write config");
            let (status, body) = ex.request("POST", "/-/reload");
            assert_eq!(status, 500, "{what}: reload accepted a broken file: {body}");
            assert!(
                body.starts_with("failed to reload config: "),
                "{what}: {body}"
            );
            assert_clean(&format!("/-/reload body ({what})"), &body);
            failures += 1;
            let log = wait_for_log(&ex, FAILED, failures);
            assert_clean(
                &format!("log after POST /-/reload ({what}, {format})"),
                &log,
            );
            ex.signal("HUP");
            failures += 1;
            let log = wait_for_log(&ex, FAILED, failures);
            assert_clean(&format!("log after SIGHUP ({what}, {format})"), &log);
            checks += 3;
        }
        // The old configuration still serves, and a good reload logs
        // nothing secret either.
        std::fs::write(ex.config_path(), valid).expect("write config");
        let (status, body) = ex.request("POST", "/-/reload");
        assert_eq!(status, 200, "{body}");
        ex.signal("HUP");
        let log = wait_for_log(&ex, "configuration reloaded", 2);
        assert_clean(&format!("log after good reloads ({format})"), &log);
        let (status, metrics) = ex.get("/metrics");
        assert_eq!(status, 200);
        assert!(
            metrics.contains("ipmi_exporter_config_last_reload_successful 1"),
            "{metrics}"
        );
    }
    checks
}

#[test]
fn broken_toml_configs_never_echo_the_password() {
    let broken = broken_toml();
    let checks = check_format("ipmi_exporter.toml", VALID_TOML, &broken);
    // 2 start-up formats + 2 servers × (body, HTTP log, SIGHUP log).
    assert_eq!(checks, broken.len() * 8);
}

#[test]
fn broken_yaml_configs_never_echo_the_password() {
    let broken = broken_yaml();
    let checks = check_format("ipmi_exporter.yml", VALID_YAML, &broken);
    assert_eq!(checks, broken.len() * 8);
}

#[test]
fn broken_web_configs_never_echo_hashes_or_keys() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (what, text) in broken_web() {
        let path = dir.path().join("web.yml");
        std::fs::write(&path, &text).expect("write web config");
        let p = path.to_string_lossy().into_owned();
        let out = start_up_output(&[
            "--web.config.file",
            p.as_str(),
            "--web.listen-address=127.0.0.1:0",
        ]);
        assert_clean(&format!("start-up stderr, web config ({what})"), &out);
        assert!(
            out.contains("web.yml"),
            "{what}: the error names no file: {out}"
        );
    }
}

#[test]
fn passwords_in_custom_args_are_not_repeated_in_warnings() {
    let config = format!(
        "modules:\n  default:\n    custom_args:\n      ipmi: [\"-p\", \"-{SECRET}\", \"--password={SECRET}\", \"-k{SECRET}\", \"--mystery\"]\n"
    );
    let ex = ServedExporter::start(&config, &[]);
    let log = wait_for_log(&ex, "not understood", 1);
    assert!(log.contains("--mystery"), "{log}");
    assert_clean("start-up warnings", &log);
}

#[test]
fn unknown_log_levels_are_refused() {
    for bad in ["warning", "inf", "trace", ""] {
        let arg = format!("--log.level={bad}");
        let out = run_exporter(&[arg.as_str(), "--web.listen-address=127.0.0.1:0"], &[]);
        assert!(
            !out.status.success(),
            "{}",
            describe_exporter(&[&arg], &out)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("log.level"),
            "{}",
            describe_exporter(&[&arg], &out)
        );
    }
}
