//! One module: credentials, session options and collectors.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use ipmi_proto::crypto::keys::BmcKey;
use ipmi_proto::PrivilegeLevel;
use regex::Regex;
use serde::{Deserialize, Deserializer};
use zeroize::Zeroizing;

use super::args::{CustomArgs, WorkaroundFlags};
use super::DEFAULT_COLLECTORS;

/// Collector names, as upstream spells them (also the `collector` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum CollectorName {
    /// Sensors (`ipmi`).
    #[serde(rename = "ipmi")]
    Ipmi,
    /// DCMI power (`dcmi`).
    #[serde(rename = "dcmi")]
    Dcmi,
    /// BMC identity (`bmc`).
    #[serde(rename = "bmc")]
    Bmc,
    /// Watchdog timer (`bmc-watchdog`).
    #[serde(rename = "bmc-watchdog")]
    BmcWatchdog,
    /// Chassis status (`chassis`).
    #[serde(rename = "chassis")]
    Chassis,
    /// SEL summary (`sel`).
    #[serde(rename = "sel")]
    Sel,
    /// SEL events by regex (`sel-events`).
    #[serde(rename = "sel-events")]
    SelEvents,
    /// Supermicro LAN mode (`sm-lan-mode`).
    #[serde(rename = "sm-lan-mode")]
    SmLanMode,
    /// FRU inventory (`fru`; new, opt-in).
    #[serde(rename = "fru")]
    Fru,
}

impl CollectorName {
    /// Every collector.
    pub const ALL: &'static [Self] = &[
        Self::Ipmi,
        Self::Dcmi,
        Self::Bmc,
        Self::BmcWatchdog,
        Self::Chassis,
        Self::Sel,
        Self::SelEvents,
        Self::SmLanMode,
        Self::Fru,
    ];

    /// The name as in the config and the `collector` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ipmi => "ipmi",
            Self::Dcmi => "dcmi",
            Self::Bmc => "bmc",
            Self::BmcWatchdog => "bmc-watchdog",
            Self::Chassis => "chassis",
            Self::Sel => "sel",
            Self::SelEvents => "sel-events",
            Self::SmLanMode => "sm-lan-mode",
            Self::Fru => "fru",
        }
    }

    /// Parses a collector name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

/// `privilege` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Privilege {
    /// User.
    User,
    /// Operator (FreeIPMI's default, so upstream's).
    Operator,
    /// Administrator.
    Admin,
}

impl From<Privilege> for PrivilegeLevel {
    fn from(p: Privilege) -> Self {
        match p {
            Privilege::User => Self::User,
            Privilege::Operator => Self::Operator,
            Privilege::Admin => Self::Administrator,
        }
    }
}

/// `driver` values (FreeIPMI driver types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Driver {
    /// IPMI 1.5 over LAN.
    #[serde(rename = "LAN")]
    Lan,
    /// IPMI 2.0 / RMCP+ over LAN.
    #[serde(rename = "LAN_2_0")]
    Lan20,
    /// In-band KCS.
    #[serde(rename = "KCS")]
    Kcs,
    /// In-band SSIF.
    #[serde(rename = "SSIF")]
    Ssif,
    /// In-band through the OpenIPMI driver (`/dev/ipmi0`).
    #[serde(rename = "OPENIPMI")]
    OpenIpmi,
    /// In-band, Solaris.
    #[serde(rename = "SUNBMC")]
    SunBmc,
    /// In-band, Intel DCMI.
    #[serde(rename = "INTELDCMI")]
    IntelDcmi,
}

/// One `sel_events` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelEventRule {
    /// The `name` label value.
    pub name: String,
    /// Regex matched against the FreeIPMI-style event text.
    pub regex: String,
}

/// A secret string from the config: zeroized on drop, redacted in `Debug`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// The secret's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Self(Zeroizing::new(s)))
    }
}

/// One module as written in the file. Every field is optional; see
/// [`ModuleConfig::resolve`] for the defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleConfig {
    /// User name.
    pub user: Option<String>,
    /// Password (inline).
    pub pass: Option<SecretString>,
    /// Session privilege.
    pub privilege: Option<Privilege>,
    /// FreeIPMI driver type: `LAN_2_0` = RMCP+, `LAN` = IPMI 1.5.
    pub driver: Option<Driver>,
    /// Session timeout in milliseconds (upstream: FreeIPMI's session-timeout).
    pub timeout: Option<u32>,
    /// Collectors to run, in order.
    pub collectors: Option<Vec<CollectorName>>,
    /// SDR record IDs of sensors to drop.
    #[serde(default)]
    pub exclude_sensor_ids: Vec<i64>,
    /// FreeIPMI workaround flag names.
    #[serde(default)]
    pub workaround_flags: Vec<String>,
    /// Upstream: the executable per collector. Accepted and ignored.
    #[serde(default)]
    pub collector_cmd: BTreeMap<String, String>,
    /// Upstream: argument lists replacing the built-in ones. Understood where
    /// they carry settings (see [`CustomArgs`]).
    #[serde(default)]
    pub default_args: BTreeMap<String, Vec<String>>,
    /// Upstream: arguments prepended per collector. Understood where they
    /// carry settings (cipher suite, bridging, workarounds, …).
    #[serde(default)]
    pub custom_args: BTreeMap<String, Vec<String>>,
    /// Named regexes for the `sel-events` collector.
    #[serde(default)]
    pub sel_events: Vec<SelEventRule>,
    /// RMCP+ cipher suite to pin (native key).
    pub cipher_suite: Option<u8>,
    /// File holding the password (native key).
    pub password_file: Option<PathBuf>,
    /// Environment variable holding the password (native key).
    pub password_env: Option<String>,
    /// File holding the BMC key K_g (native key; text, or hex with 0x).
    pub kg_file: Option<PathBuf>,
    /// Sensor names to drop (native key).
    #[serde(default)]
    pub exclude_sensor_names: Vec<String>,
    /// Sensor types to drop, FreeIPMI names, e.g. "OEM Reserved" (native key).
    #[serde(default)]
    pub exclude_sensor_types: Vec<String>,
}

/// The overridable part of a module, for `[targets."host"]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetOverride {
    /// A module to base this target on instead of the URL's.
    pub module: Option<String>,
    /// Fields replacing the module's.
    #[serde(flatten)]
    pub overrides: ModuleConfig,
}

/// A module with defaults applied and everything parsed: what a scrape uses.
#[derive(Debug, Clone)]
pub struct ResolvedModule {
    /// User name.
    pub user: String,
    /// Where the password comes from.
    pub password: PasswordSource,
    /// Session privilege.
    pub privilege: PrivilegeLevel,
    /// IPMI 1.5 instead of RMCP+.
    pub ipmi15: bool,
    /// The driver asks for in-band access (not available yet).
    pub in_band: bool,
    /// The session/collector time budget.
    pub timeout: Duration,
    /// Collectors in order.
    pub collectors: Vec<CollectorName>,
    /// Record IDs to drop.
    pub exclude_sensor_ids: Vec<i64>,
    /// Names to drop.
    pub exclude_sensor_names: Vec<String>,
    /// Types to drop.
    pub exclude_sensor_types: Vec<String>,
    /// Workarounds (from `workaround_flags` and `custom_args`).
    pub workarounds: WorkaroundFlags,
    /// Pinned cipher suite.
    pub cipher_suite: Option<u8>,
    /// K_g file.
    pub kg_file: Option<PathBuf>,
    /// Settings found in `custom_args` / `default_args`.
    pub args: CustomArgs,
    /// Compiled `sel_events` rules.
    pub sel_events: Vec<(String, Regex)>,
}

/// Where a module's password comes from.
#[derive(Debug, Clone)]
pub enum PasswordSource {
    /// Inline in the config.
    Inline(SecretString),
    /// A file, read when a session is opened.
    File(PathBuf),
    /// An environment variable.
    Env(String),
    /// None configured (empty password).
    None,
}

impl PasswordSource {
    /// Reads the password.
    ///
    /// # Errors
    /// A message when the file or variable cannot be read.
    pub fn read(&self) -> Result<Zeroizing<Vec<u8>>, String> {
        match self {
            Self::Inline(s) => Ok(Zeroizing::new(s.as_bytes().to_vec())),
            Self::File(p) => {
                let mut b = Zeroizing::new(
                    std::fs::read(p).map_err(|e| format!("password_file {}: {e}", p.display()))?,
                );
                while matches!(b.last(), Some(b'\n' | b'\r')) {
                    b.pop();
                }
                Ok(b)
            }
            Self::Env(v) => std::env::var(v)
                .map(|s| Zeroizing::new(s.into_bytes()))
                .map_err(|_| format!("password_env {v}: not set")),
            Self::None => Ok(Zeroizing::new(Vec::new())),
        }
    }
}

/// Reads a K_g file: text, or hex with a `0x` prefix.
///
/// # Errors
/// A message when it cannot be read or is too long.
pub fn read_kg(path: &PathBuf) -> Result<BmcKey, String> {
    let raw = Zeroizing::new(
        std::fs::read(path).map_err(|e| format!("kg_file {}: {e}", path.display()))?,
    );
    let trimmed: &[u8] = raw.strip_suffix(b"\n").unwrap_or(&raw);
    let text = String::from_utf8_lossy(trimmed);
    if text.starts_with("0x") || text.starts_with("0X") {
        BmcKey::from_hex(&text)
    } else {
        BmcKey::new(trimmed)
    }
    .map_err(|e| format!("kg_file {}: {e}", path.display()))
}

impl ModuleConfig {
    /// Checks values: regexes, cipher suite, password sources.
    ///
    /// # Errors
    /// A message naming the key.
    pub fn validate(&self) -> Result<(), String> {
        for rule in &self.sel_events {
            Regex::new(&rule.regex)
                .map_err(|e| format!("sel_events {:?}: invalid regex: {e}", rule.name))?;
        }
        if let Some(s) = self.cipher_suite {
            ipmi_proto::crypto::suite::CipherSuite::from_id(s)
                .map_err(|e| format!("cipher_suite: {e}"))?;
        }
        let sources = [
            self.pass.is_some(),
            self.password_file.is_some(),
            self.password_env.is_some(),
        ];
        if sources.iter().filter(|s| **s).count() > 1 {
            return Err("pass, password_file and password_env exclude each other".into());
        }
        if let Some(user) = &self.user {
            if user.len() > 16 {
                return Err(format!("user: {} bytes, at most 16", user.len()));
            }
        }
        if self.timeout == Some(0) {
            return Err("timeout: must be more than 0 ms".into());
        }
        for name in self.custom_args.keys().chain(self.default_args.keys()) {
            if super::CollectorName::parse(name).is_none() {
                return Err(format!(
                    "custom_args/default_args: invalid collector: {name}"
                ));
            }
        }
        WorkaroundFlags::parse(&self.workaround_flags)?;
        Ok(())
    }

    /// Applies defaults and parses everything a scrape needs.
    pub fn resolve(self) -> ResolvedModule {
        let mut args = CustomArgs::default();
        for list in self.custom_args.values().chain(self.default_args.values()) {
            args.absorb(list);
        }
        let mut workarounds = WorkaroundFlags::parse(&self.workaround_flags).unwrap_or_default();
        workarounds.merge(&args.workarounds);
        let password = match (self.pass, self.password_file, self.password_env) {
            (Some(p), _, _) => PasswordSource::Inline(p),
            (None, Some(f), _) => PasswordSource::File(f),
            (None, None, Some(v)) => PasswordSource::Env(v),
            (None, None, None) => PasswordSource::None,
        };
        let driver = self.driver.or(args.driver);
        ResolvedModule {
            user: self.user.or_else(|| args.user.clone()).unwrap_or_default(),
            password,
            privilege: self
                .privilege
                .or(args.privilege)
                .unwrap_or(Privilege::Operator)
                .into(),
            ipmi15: driver == Some(Driver::Lan),
            in_band: matches!(
                driver,
                Some(
                    Driver::Kcs
                        | Driver::Ssif
                        | Driver::OpenIpmi
                        | Driver::SunBmc
                        | Driver::IntelDcmi
                )
            ),
            timeout: Duration::from_millis(u64::from(self.timeout.unwrap_or(20_000))),
            collectors: self
                .collectors
                .unwrap_or_else(|| DEFAULT_COLLECTORS.to_vec()),
            exclude_sensor_ids: self.exclude_sensor_ids,
            exclude_sensor_names: self.exclude_sensor_names,
            exclude_sensor_types: self.exclude_sensor_types,
            workarounds,
            cipher_suite: self.cipher_suite.or(args.cipher_suite),
            kg_file: self.kg_file,
            sel_events: self
                .sel_events
                .into_iter()
                .filter_map(|r| Regex::new(&r.regex).ok().map(|re| (r.name, re)))
                .collect(),
            args,
        }
    }
}

impl ResolvedModule {
    /// Lays a target's overrides over this module.
    pub fn with_overrides(self, o: &ModuleConfig) -> Self {
        let o = o.clone();
        let password_overridden =
            o.pass.is_some() || o.password_file.is_some() || o.password_env.is_some();
        let mut merged = o.clone().resolve();
        // Fields the override leaves unset keep the module's values.
        if o.user.is_none() {
            merged.user = self.user;
        }
        if !password_overridden {
            merged.password = self.password;
        }
        if o.privilege.is_none() {
            merged.privilege = self.privilege;
        }
        if o.driver.is_none() {
            merged.ipmi15 = self.ipmi15;
            merged.in_band = self.in_band;
        }
        if o.timeout.is_none() {
            merged.timeout = self.timeout;
        }
        if o.collectors.is_none() {
            merged.collectors = self.collectors;
        }
        if o.exclude_sensor_ids.is_empty() {
            merged.exclude_sensor_ids = self.exclude_sensor_ids;
        }
        if o.exclude_sensor_names.is_empty() {
            merged.exclude_sensor_names = self.exclude_sensor_names;
        }
        if o.exclude_sensor_types.is_empty() {
            merged.exclude_sensor_types = self.exclude_sensor_types;
        }
        if o.workaround_flags.is_empty() && o.custom_args.is_empty() && o.default_args.is_empty() {
            merged.workarounds = self.workarounds;
            merged.args = self.args;
        }
        if merged.cipher_suite.is_none() {
            merged.cipher_suite = self.cipher_suite;
        }
        if o.kg_file.is_none() {
            merged.kg_file = self.kg_file;
        }
        if o.sel_events.is_empty() {
            merged.sel_events = self.sel_events;
        }
        merged
    }
}
