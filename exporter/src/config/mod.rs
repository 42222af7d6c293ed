//! The exporter's configuration.
//!
//! Two formats describe the same [`Config`]:
//!
//! * the Go ipmi_exporter's YAML file, read **unchanged** (`modules:` with
//!   `user`, `pass`, `privilege`, `driver`, `timeout`, `collectors`,
//!   `exclude_sensor_ids`, `workaround_flags`, `collector_cmd`,
//!   `default_args`, `custom_args`, `sel_events`);
//! * the native TOML format (files ending in `.toml`), which adds
//!   `cipher_suite`, `password_file`, `password_env`, `kg_file`,
//!   `exclude_sensor_names`, `exclude_sensor_types`, per-target overrides
//!   (`[targets."host:port"]`) and an optional `allowed_targets` list.
//!
//! Unknown keys are errors in both (with the file and line), as upstream
//! rejects them. Every key is documented in `examples/ipmi_exporter.toml`.

mod args;
mod module;
pub mod redact;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

pub use args::{CustomArgs, WorkaroundFlags};
pub use module::{
    read_kg, CollectorName, Driver, ModuleConfig, PasswordSource, Privilege, ResolvedModule,
    SecretString, SelEventRule, TargetOverride,
};

/// The collectors a module runs when it names none (upstream's default).
pub const DEFAULT_COLLECTORS: &[CollectorName] = &[
    CollectorName::Ipmi,
    CollectorName::Dcmi,
    CollectorName::Bmc,
    CollectorName::Chassis,
];

/// Why a configuration could not be loaded.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file does not parse (syntax, unknown key, wrong type).
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The file parses but a value is invalid.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the module and key.
        message: String,
    },
}

/// The whole configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Modules by name; `module=` in the scrape URL picks one.
    #[serde(default)]
    pub modules: BTreeMap<String, ModuleConfig>,
    /// Per-target overrides (native format): credentials and options for one
    /// target, laid over the module, so that a module per target is no
    /// longer needed.
    #[serde(default)]
    pub targets: BTreeMap<String, TargetOverride>,
    /// When set, only these targets may be scraped (native format).
    #[serde(default)]
    pub allowed_targets: Option<Vec<String>>,
    /// The modules resolved once (regexes compiled, arguments parsed), so a
    /// scrape only clones one.
    #[serde(skip)]
    resolved: BTreeMap<String, ResolvedModule>,
}

impl Config {
    /// Loads a file: TOML when the name ends in `.toml`, YAML otherwise.
    ///
    /// # Errors
    /// [`ConfigError`] for unreadable, unparsable or invalid files.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let is_toml = path.extension().is_some_and(|e| e == "toml");
        let config = if is_toml {
            Self::from_toml(&text)
        } else {
            Self::from_yaml(&text)
        }
        .map_err(|message| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        })?;
        config.validate().map_err(|message| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        })?;
        Ok(config)
    }

    /// Parses the Go exporter's YAML format.
    ///
    /// # Errors
    /// The parser's message, with line and column, without the values of
    /// secret keys ([`redact`]).
    pub fn from_yaml(text: &str) -> Result<Self, String> {
        // An empty file is an empty configuration, as upstream treats it.
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        serde_yaml_ng::from_str::<Self>(text)
            .map(Self::with_resolved_modules)
            .map_err(|e| redact::yaml_error(text, &e))
    }

    /// Parses the native TOML format.
    ///
    /// # Errors
    /// The parser's message, with line and column, on one line, without the
    /// source snippet and the values of secret keys ([`redact`]).
    pub fn from_toml(text: &str) -> Result<Self, String> {
        toml::from_str::<Self>(text)
            .map(Self::with_resolved_modules)
            .map_err(|e| redact::toml_error(text, &e))
    }

    fn with_resolved_modules(mut self) -> Self {
        self.resolved = self
            .modules
            .iter()
            .map(|(name, m)| (name.clone(), m.clone().resolve()))
            .collect();
        self
    }

    fn resolved_module(&self, name: &str) -> ResolvedModule {
        self.resolved
            .get(name)
            .or_else(|| self.resolved.get("default"))
            .cloned()
            .unwrap_or_else(|| ModuleConfig::default().resolve())
    }

    /// Checks values the parser cannot: regexes, cipher suites, files.
    ///
    /// # Errors
    /// A message naming the module or target and the key.
    pub fn validate(&self) -> Result<(), String> {
        for (name, module) in &self.modules {
            module
                .validate()
                .map_err(|e| format!("module {name:?}: {e}"))?;
        }
        for (target, o) in &self.targets {
            if let Some(m) = o.module.as_deref() {
                if !self.modules.contains_key(m) {
                    return Err(format!("target {target:?}: unknown module {m:?}"));
                }
            }
            o.overrides
                .validate()
                .map_err(|e| format!("target {target:?}: {e}"))?;
        }
        Ok(())
    }

    /// The module a scrape uses: the named one, else `default`, else the
    /// built-in defaults (upstream's `ConfigForTarget`), with the target's
    /// overrides laid over it.
    pub fn resolve(&self, target: &str, module: &str) -> ResolvedModule {
        match self.targets.get(target) {
            Some(o) => {
                let under = o.module.as_deref().unwrap_or(module);
                self.resolved_module(under).with_overrides(&o.overrides)
            }
            None => self.resolved_module(module),
        }
    }

    /// Like [`Config::resolve`], with a vendor preset laid over the base
    /// module before the target's overrides (`module=auto`).
    pub fn resolve_with_preset(
        &self,
        target: &str,
        base: &str,
        preset: &ModuleConfig,
    ) -> ResolvedModule {
        let resolved = self.resolved_module(base).with_overrides(preset);
        match self.targets.get(target) {
            Some(o) => resolved.with_overrides(&o.overrides),
            None => resolved,
        }
    }

    /// `true` when `target` may be scraped.
    pub fn target_allowed(&self, target: &str) -> bool {
        self.allowed_targets
            .as_ref()
            .is_none_or(|list| list.iter().any(|t| t == target))
    }
}

#[cfg(test)]
mod tests;
