//! The alerting and recording rules in `monitoring/rules` and the example
//! Prometheus and Alertmanager configurations in `monitoring/`, checked
//! with the real `promtool` and `amtool` (Debian packages `prometheus` and
//! `prometheus-alertmanager`). A missing tool fails the test.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ipmi_test_support::tools::{run_ok, tool};

fn monitoring() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("monitoring")
}

fn rule_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(monitoring().join("rules"))
        .expect("monitoring/rules")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    assert!(files.len() >= 2, "rule files: {files:?}");
    files
}

#[test]
fn promtool_check_rules() {
    let promtool = tool("promtool", "prometheus");
    let files = rule_files();
    let mut args = vec!["check", "rules", "--lint=all", "--lint-fatal"];
    args.extend(files.iter().map(String::as_str));
    let out = run_ok(&promtool, &args, &[], Duration::from_secs(60));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.matches("SUCCESS").count(),
        files.len(),
        "promtool check rules: {text}"
    );
}

#[test]
fn promtool_test_rules() {
    let promtool = tool("promtool", "prometheus");
    let dir = monitoring().join("rules").join("tests");
    let mut tests: Vec<String> = std::fs::read_dir(&dir)
        .expect("monitoring/rules/tests")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.display().to_string().ends_with(".test.yml"))
        .map(|p| p.display().to_string())
        .collect();
    tests.sort();
    assert!(!tests.is_empty());
    let mut args = vec!["test", "rules"];
    args.extend(tests.iter().map(String::as_str));
    run_ok(&promtool, &args, &[], Duration::from_secs(120));
}

/// Every alert in the rule files has a unit test case that expects it to
/// fire, and follows the naming and label conventions.
#[test]
fn every_alert_is_tested_and_conventional() {
    let mut alerts = Vec::new();
    for f in rule_files() {
        let text = std::fs::read_to_string(&f).expect("rule file");
        let mut in_alert = false;
        let mut severity = false;
        let mut summary = false;
        let mut description = false;
        let close = |name: Option<&String>, sev: bool, sum: bool, desc: bool| {
            if let Some(n) = name {
                assert!(sev && sum && desc, "{n}: severity, summary and description");
            }
        };
        for line in text.lines() {
            let t = line.trim();
            if let Some(name) = t.strip_prefix("- alert: ") {
                close(alerts.last(), severity, summary, description);
                assert!(name.starts_with("Ipmi"), "{name}: prefix Ipmi");
                assert!(
                    name.chars().all(|c| c.is_ascii_alphanumeric())
                        && name.chars().nth(4).is_some_and(|c| c.is_ascii_uppercase()),
                    "{name}: CamelCase"
                );
                alerts.push(name.to_string());
                in_alert = true;
                (severity, summary, description) = (false, false, false);
            } else if t.starts_with("- record: ") {
                close(
                    alerts.last().filter(|_| in_alert),
                    severity,
                    summary,
                    description,
                );
                in_alert = false;
            } else if let Some(s) = t.strip_prefix("severity: ") {
                assert!(["critical", "warning", "info"].contains(&s), "severity {s}");
                severity = true;
            } else if let Some(s) = t.strip_prefix("summary: ") {
                assert!(!s.contains("{{") && s.ends_with('.'), "static summary: {s}");
                summary = true;
            } else if t.starts_with("description: ") {
                description = true;
            }
            assert!(
                t.starts_with('#') || !t.contains("!= 0"),
                "state compared with != 0: {t}"
            );
        }
        if in_alert {
            close(alerts.last(), severity, summary, description);
        }
    }
    assert!(alerts.len() >= 13, "{alerts:?}");
    let tests = std::fs::read_to_string(monitoring().join("rules/tests/ipmi-alerts.test.yml"))
        .expect("alert tests");
    for a in &alerts {
        // A case where the alert fires (exp_alerts with labels follows).
        let fires = tests
            .split("alertname: ")
            .skip(1)
            .any(|chunk| chunk.starts_with(&format!("{a}\n")) && chunk.contains("exp_labels"));
        assert!(fires, "{a}: no promtool test case where it fires");
    }
}

#[test]
fn example_configs_are_valid() {
    let promtool = tool("promtool", "prometheus");
    let cfg = monitoring().join("prometheus/prometheus.yml");
    run_ok(
        &promtool,
        &[
            "check",
            "config",
            "--syntax-only",
            &cfg.display().to_string(),
        ],
        &[],
        Duration::from_secs(60),
    );
    let amtool = tool("amtool", "prometheus-alertmanager");
    let am = monitoring().join("alertmanager/alertmanager.yml");
    let am = am.display().to_string();
    run_ok(
        &amtool,
        &["check-config", &am],
        &[],
        Duration::from_secs(60),
    );
    for (labels, receiver) in [
        (
            &["severity=critical", "alertname=IpmiSensorCritical"][..],
            "oncall",
        ),
        (
            &["severity=warning", "alertname=IpmiSensorWarning"][..],
            "webhook",
        ),
        (
            &["severity=info", "alertname=IpmiPresenceSensorCritical"][..],
            "blackhole",
        ),
    ] {
        let mut args = vec!["config", "routes", "test", "--config.file", am.as_str()];
        args.extend_from_slice(labels);
        let out = run_ok(&amtool, &args, &[], Duration::from_secs(60));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            receiver,
            "{labels:?}"
        );
    }
}
