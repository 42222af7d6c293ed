use super::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/config")
        .join(name)
}

#[test]
fn upstream_yaml_loads_unchanged() {
    let c = Config::load(&fixture("upstream-remote.yml")).unwrap();
    assert_eq!(c.modules.len(), 3);
    let d = c.resolve("10.0.0.1", "default");
    assert_eq!(d.user, "default_user");
    assert_eq!(d.privilege, ipmi_proto::PrivilegeLevel::User);
    assert_eq!(d.timeout, std::time::Duration::from_secs(10));
    assert_eq!(
        d.collectors,
        vec![
            CollectorName::Bmc,
            CollectorName::Ipmi,
            CollectorName::Chassis
        ]
    );
    assert_eq!(d.exclude_sensor_ids, vec![2, 29, 32]);
    match &d.password {
        module::PasswordSource::Inline(p) => assert_eq!(p.as_bytes(), b"example_pw#with#hash"),
        other => panic!("{other:?}"),
    }
    let s = c.resolve("10.0.0.2", "thatspecialhost");
    assert!(s.ipmi15);
    assert_eq!(s.cipher_suite, Some(17), "-I 17 in custom_args");
    assert!(s.args.bridge_sensors);
    assert!(s.args.entity_sensor_names);
    assert!(s.workarounds.other.contains(&"opensesspriv".to_string()));
    assert_eq!(s.sel_events.len(), 1);
    assert!(s.args.ignored.is_empty(), "{:?}", s.args.ignored);
    // A module without collectors gets the four defaults.
    let dcmi = c.resolve("x", "dcmi");
    assert_eq!(dcmi.collectors, vec![CollectorName::Dcmi]);
    // An unknown module falls back to "default" (upstream ConfigForTarget).
    assert_eq!(c.resolve("x", "nope").user, "default_user");
}

#[test]
fn empty_config_gives_builtin_defaults() {
    let c = Config::from_yaml("").unwrap();
    let d = c.resolve("x", "default");
    assert_eq!(d.collectors, DEFAULT_COLLECTORS.to_vec());
    assert_eq!(d.privilege, ipmi_proto::PrivilegeLevel::Operator);
}

#[test]
fn unknown_keys_are_errors_with_a_line() {
    let e = Config::load(&fixture("upstream-unknown-key.yml")).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("passwd") && msg.contains("line 4"), "{msg}");
    let e = Config::load(&fixture("native-unknown-key.toml")).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("pasword") && msg.contains("line 4"), "{msg}");
}

#[test]
fn bad_regex_and_collector_are_clear_errors() {
    let msg = Config::load(&fixture("upstream-bad-regex.yml"))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("module \"default\"") && msg.contains("sel_events \"broken\""),
        "{msg}"
    );
    let msg = Config::load(&fixture("upstream-bad-collector.yml"))
        .unwrap_err()
        .to_string();
    assert!(msg.contains("sensors"), "{msg}");
}

#[test]
fn native_toml_with_target_overrides() {
    let c = Config::from_toml(
        r#"
allowed_targets = ["10.0.0.1", "10.0.0.2:623"]

[modules.default]
user = "monitor"
password_env = "IPMI_PW"
cipher_suite = 17
exclude_sensor_names = ["TPM Presence"]

[targets."10.0.0.2:623"]
user = "other"
password_file = "/run/secrets/bmc2"
privilege = "admin"
"#,
    )
    .unwrap();
    c.validate().unwrap();
    let a = c.resolve("10.0.0.1", "default");
    assert_eq!(a.user, "monitor");
    assert_eq!(a.cipher_suite, Some(17));
    assert!(matches!(a.password, module::PasswordSource::Env(_)));
    let b = c.resolve("10.0.0.2:623", "default");
    assert_eq!(b.user, "other");
    assert_eq!(b.privilege, ipmi_proto::PrivilegeLevel::Administrator);
    assert_eq!(b.cipher_suite, Some(17), "kept from the module");
    assert_eq!(b.exclude_sensor_names, vec!["TPM Presence".to_string()]);
    assert!(matches!(b.password, module::PasswordSource::File(_)));
    assert!(c.target_allowed("10.0.0.1"));
    assert!(!c.target_allowed("10.0.0.3"));
}

#[test]
fn custom_args_forms() {
    let mut a = CustomArgs::default();
    a.absorb(&[
        "-I17".into(),
        "--privilege-level=OPERATOR".into(),
        "-W".into(),
        "discretereading,opensesspriv".into(),
        "--sdr-cache-directory=/tmp/x".into(),
        "--mystery".into(),
    ]);
    assert_eq!(a.cipher_suite, Some(17));
    assert_eq!(a.privilege, Some(Privilege::Operator));
    assert!(a.workarounds.discrete_reading);
    assert_eq!(a.ignored, vec!["--mystery".to_string()]);
    // Passwords and K_g in custom_args are ignored without being repeated.
    let mut a = CustomArgs::default();
    a.absorb(&[
        "-p".into(),
        "-hunter2".into(),
        "--password=hunter3".into(),
        "-khunter4".into(),
        "--k-g".into(),
        "hunter5".into(),
    ]);
    assert_eq!(a.ignored.len(), 4, "{:?}", a.ignored);
    assert!(
        !format!("{:?}", a.ignored).contains("hunter"),
        "{:?}",
        a.ignored
    );
}

#[test]
fn secrets_are_redacted() {
    let c = Config::from_yaml("modules:\n  default:\n    pass: hunter2\n").unwrap();
    let dbg = format!("{c:?}");
    assert!(!dbg.contains("hunter2"), "{dbg}");
}

#[test]
fn annotated_example_parses() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/ipmi_exporter.toml");
    let c = Config::load(&path).unwrap();
    assert_eq!(c.resolve("bmc-rack7.example.net", "default").user, "ADMIN");
    assert_eq!(c.resolve("10.0.0.6:623", "default").cipher_suite, Some(3));
}
