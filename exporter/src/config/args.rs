//! What the Go exporter's `custom_args` / `default_args` and
//! `workaround_flags` mean here.
//!
//! Upstream hands those to FreeIPMI tools. Users put settings there that
//! upstream has no key for — `-I 17` for cipher suite 17 (upstream #217),
//! `--bridge-sensors`, `-W opensesspriv` — so the ones that matter are
//! understood; FreeIPMI options that only steer the tool itself (caches,
//! output format) are accepted silently; anything else is remembered and
//! warned about once.

use super::module::{Driver, Privilege};

/// FreeIPMI workaround flags (`workaround_flags`, `-W`), by FreeIPMI name.
///
/// The ones that change our behaviour are fields; the rest are recorded in
/// [`WorkaroundFlags::other`] (many are automatic here, e.g.
/// `opensesspriv`, `supermicro20`, `assumemaxsdrrecordcount`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkaroundFlags {
    /// `discretereading`: export the analog reading of discrete sensors.
    pub discrete_reading: bool,
    /// `ignorescanningdisabled`: read sensors whose scanning bit is clear.
    pub ignore_scanning_disabled: bool,
    /// `assumebmcowner`: treat every sensor as owned by the BMC.
    pub assume_bmc_owner: bool,
    /// `nochecksumcheck`: accept bad IPMI message checksums.
    pub no_checksum_check: bool,
    /// `assumesystemevent`: parse unknown SEL record types as system events.
    pub assume_system_event: bool,
    /// Other known flags (no effect beyond FreeIPMI's defaults, or automatic here).
    pub other: Vec<String>,
    /// Flags FreeIPMI does not know either.
    pub unknown: Vec<String>,
}

/// Every FreeIPMI workaround flag name (FreeIPMI man pages).
const KNOWN: &[&str] = &[
    "authcap",
    "idzero",
    "unexpectedauth",
    "forcepermsg",
    "endianseq",
    "noauthcodecheck",
    "intel20",
    "supermicro20",
    "sun20",
    "opensesspriv",
    "integritycheckvalue",
    "nochecksumcheck",
    "assumemaxsdrrecordcount",
    "discretereading",
    "ignorescanningdisabled",
    "assumebmcowner",
    "ignoreauthcode",
    "assumesystemevent",
    "skipchecks",
    "ignorestateflag",
    "guidformat",
    "altbridging",
    "albridging",
    "ipmiping",
    "malformedack",
    "assumeio",
    "spinpoll",
    "slowcommit",
    "veryslowcommit",
    "solpayloadsize",
    "solport",
    "solstatus",
    "solchannelassumelanchannel",
    "serialalertsdeferred",
    "packetsequencezero",
    "nodmcicapabilities",
    "nodcmicapabilities",
];

impl WorkaroundFlags {
    /// Parses flag names (each entry may hold several, comma-separated).
    ///
    /// # Errors
    /// Never today; unknown names are collected in `unknown` instead, since
    /// upstream passes them to FreeIPMI unchecked.
    pub fn parse(flags: &[String]) -> Result<Self, String> {
        let mut w = Self::default();
        for flag in flags
            .iter()
            .flat_map(|f| f.split(','))
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            w.add(flag);
        }
        Ok(w)
    }

    fn add(&mut self, flag: &str) {
        let lower = flag.to_ascii_lowercase();
        match lower.as_str() {
            "discretereading" => self.discrete_reading = true,
            "ignorescanningdisabled" => self.ignore_scanning_disabled = true,
            "assumebmcowner" => self.assume_bmc_owner = true,
            "nochecksumcheck" => self.no_checksum_check = true,
            "assumesystemevent" => self.assume_system_event = true,
            f if KNOWN.contains(&f) => {
                if !self.other.contains(&lower) {
                    self.other.push(lower);
                }
            }
            _ => {
                if !self.unknown.contains(&lower) {
                    self.unknown.push(lower);
                }
            }
        }
    }

    /// Adds the flags of `other`.
    pub fn merge(&mut self, other: &Self) {
        self.discrete_reading |= other.discrete_reading;
        self.ignore_scanning_disabled |= other.ignore_scanning_disabled;
        self.assume_bmc_owner |= other.assume_bmc_owner;
        self.no_checksum_check |= other.no_checksum_check;
        self.assume_system_event |= other.assume_system_event;
        for f in other.other.iter().chain(&other.unknown) {
            self.add(f);
        }
    }
}

/// Settings found in `custom_args` / `default_args`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomArgs {
    /// `-I N` / `--cipher-suite-id=N`.
    pub cipher_suite: Option<u8>,
    /// `-D X` / `--driver-type=X`.
    pub driver: Option<Driver>,
    /// `-l X` / `--privilege-level=X`.
    pub privilege: Option<Privilege>,
    /// `-u X` / `--username=X`.
    pub user: Option<String>,
    /// `-W a,b` / `--workaround-flags=a,b`.
    pub workarounds: WorkaroundFlags,
    /// `-b` / `--bridge-sensors`: read sensors behind satellite controllers.
    pub bridge_sensors: bool,
    /// `--entity-sensor-names`: prefix sensor names with their entity.
    pub entity_sensor_names: bool,
    /// `--non-abbreviated-units`: long unit names (changes metric families).
    pub non_abbreviated_units: bool,
    /// `--shared-sensors`: one series per sensor of a shared SDR record
    /// instead of FreeIPMI's default of one per record.
    pub shared_sensors: bool,
    /// Arguments not understood (warned about once).
    pub ignored: Vec<String>,
}

/// FreeIPMI options without meaning for a native client (tool caches,
/// output formatting the exporter fixes anyway). Those taking a value are
/// listed with a trailing `=`.
const HARMLESS: &[&str] = &[
    "-Q",
    "--quiet-cache",
    "--sdr-cache-recreate",
    "--sdr-cache-directory=",
    "--sdr-cache-file=",
    "--ignore-sdr-cache",
    "--comma-separated-output",
    "--no-header-output",
    "--output-event-bitmask",
    "--output-sensor-state",
    "--output-event-state",
    "--ignore-unrecognized-events",
    "--ignore-not-available-sensors",
    "--interpret-oem-data",
    "--get-system-power-statistics",
    "--get-chassis-status",
    "--info",
    "--get",
    "--retransmission-timeout=",
    "--session-timeout=",
    "-R",
    "-t",
    "--config-file=",
    "--always-prefix",
];

impl CustomArgs {
    /// Reads one collector's argument list into the settings.
    pub fn absorb(&mut self, args: &[String]) {
        // Upstream allows "-I 17" as one list element; split on whitespace.
        let words: Vec<&str> = args.iter().flat_map(|a| a.split_whitespace()).collect();
        let mut i = 0;
        while let Some(word) = words.get(i) {
            let next = words.get(i + 1).copied();
            let (flag, inline) = match word.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v)),
                _ => (*word, None),
            };
            // Short options may carry their value attached: -I17.
            let (flag, inline) = match (flag.len(), inline) {
                (n, None) if n > 2 && flag.starts_with('-') && !flag.starts_with("--") => flag
                    .split_at_checked(2)
                    .map_or((flag, None), |(f, v)| (f, Some(v))),
                _ => (flag, inline),
            };
            let takes_value = matches!(
                flag,
                "-I" | "--cipher-suite-id"
                    | "-D"
                    | "--driver-type"
                    | "-l"
                    | "--privilege-level"
                    | "-u"
                    | "--username"
                    | "-W"
                    | "--workaround-flags"
                    | "-p"
                    | "--password"
                    | "-k"
                    | "--k-g"
            ) || HARMLESS.contains(&format!("{flag}=").as_str());
            let value = if takes_value {
                match inline {
                    Some(v) => Some(v),
                    None => {
                        i += 1;
                        next
                    }
                }
            } else {
                None
            };
            match (flag, value) {
                ("-I" | "--cipher-suite-id", Some(v)) => match v.parse() {
                    Ok(n) => self.cipher_suite = Some(n),
                    Err(_) => self.ignored.push(format!("{flag} {v}")),
                },
                ("-D" | "--driver-type", Some(v)) => {
                    self.driver = match v.to_ascii_uppercase().as_str() {
                        "LAN" => Some(Driver::Lan),
                        "LAN_2_0" => Some(Driver::Lan20),
                        "KCS" => Some(Driver::Kcs),
                        "SSIF" => Some(Driver::Ssif),
                        "OPENIPMI" => Some(Driver::OpenIpmi),
                        "SUNBMC" => Some(Driver::SunBmc),
                        "INTELDCMI" => Some(Driver::IntelDcmi),
                        _ => {
                            self.ignored.push(format!("{flag} {v}"));
                            self.driver
                        }
                    }
                }
                ("-l" | "--privilege-level", Some(v)) => {
                    self.privilege = match v.to_ascii_uppercase().as_str() {
                        "USER" => Some(Privilege::User),
                        "OPERATOR" => Some(Privilege::Operator),
                        "ADMIN" | "ADMINISTRATOR" => Some(Privilege::Admin),
                        _ => {
                            self.ignored.push(format!("{flag} {v}"));
                            self.privilege
                        }
                    }
                }
                ("-u" | "--username", Some(v)) => self.user = Some(v.to_string()),
                ("-W" | "--workaround-flags", Some(v)) => {
                    if let Ok(w) = WorkaroundFlags::parse(&[v.to_string()]) {
                        self.workarounds.merge(&w);
                    }
                }
                // A password or K_g here is not used (the module's `pass` /
                // `kg_file` are) and never repeated in a warning.
                ("-p" | "--password" | "-k" | "--k-g", _) => {
                    self.ignored
                        .push(format!("{flag} {}", crate::config::redact::REDACTED));
                }
                ("-b" | "--bridge-sensors", None) => self.bridge_sensors = true,
                ("--entity-sensor-names", None) => self.entity_sensor_names = true,
                ("--non-abbreviated-units", None) => self.non_abbreviated_units = true,
                ("--shared-sensors", None) => self.shared_sensors = true,
                (f, _) if HARMLESS.contains(&f) || HARMLESS.contains(&format!("{f}=").as_str()) => {
                }
                // The tool itself, e.g. "/usr/sbin/ipmimonitoring" under sudo.
                (f, None) if f.starts_with('/') || !f.starts_with('-') => {}
                (f, v) => self.ignored.push(match v {
                    Some(v) => format!("{f} {v}"),
                    None => f.to_string(),
                }),
            }
            i += 1;
        }
    }
}
