//! Vendor presets (`modules/*.toml` in the repository, built into the
//! binary): collectors, quirks and exclusions per BMC vendor, picked by the
//! manufacturer ID from Get Device ID when a scrape asks for `module=auto`.
//!
//! A configuration module with a preset's name (e.g. `dell`) replaces the
//! built-in preset of that name, so presets are overridable without a
//! rebuild. Credentials never come from a preset: `auto` takes them from the
//! configuration's `auto` module, else its `default` module, plus the
//! target's overrides.

use serde::Deserialize;

use crate::config::ModuleConfig;

/// The module name that selects a preset per BMC.
pub const AUTO: &str = "auto";

/// One preset file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// What the preset is for.
    pub description: String,
    /// IANA manufacturer IDs it applies to (empty: the fallback).
    pub manufacturer_ids: Vec<u32>,
    /// Module keys laid over the base module.
    pub module: ModuleConfig,
}

/// The presets built into the binary: (name, TOML text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("dell", include_str!("../../modules/dell.toml")),
    ("generic", include_str!("../../modules/generic.toml")),
    ("hpe", include_str!("../../modules/hpe.toml")),
    ("lenovo", include_str!("../../modules/lenovo.toml")),
    ("supermicro", include_str!("../../modules/supermicro.toml")),
];

/// Parses one preset.
///
/// # Errors
/// The TOML parser's message.
pub fn parse(text: &str) -> Result<Preset, String> {
    toml::from_str(text).map_err(|e| e.to_string())
}

/// The built-in presets, parsed once (a preset that does not parse is left
/// out; the tests make sure none is).
fn builtin() -> &'static [(&'static str, Preset)] {
    static PRESETS: std::sync::OnceLock<Vec<(&'static str, Preset)>> = std::sync::OnceLock::new();
    PRESETS.get_or_init(|| {
        BUILTIN
            .iter()
            .filter_map(|(name, text)| parse(text).ok().map(|p| (*name, p)))
            .collect()
    })
}

/// The preset name for a manufacturer: the first preset listing it, else
/// `generic`.
pub fn preset_for(manufacturer_id: u32) -> &'static str {
    builtin()
        .iter()
        .find(|(_, p)| p.manufacturer_ids.contains(&manufacturer_id))
        .map_or("generic", |(name, _)| name)
}

/// The built-in preset's module by name.
pub fn builtin_module(name: &str) -> Option<ModuleConfig> {
    builtin()
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, p)| p.module.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_strictly_and_validates() {
        for (name, text) in BUILTIN {
            let p = parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            p.module
                .validate()
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!p.description.is_empty());
        }
    }

    #[test]
    fn manufacturers_pick_presets() {
        assert_eq!(preset_for(674), "dell");
        assert_eq!(preset_for(10876), "supermicro");
        assert_eq!(preset_for(47488), "supermicro");
        assert_eq!(preset_for(47196), "hpe");
        assert_eq!(preset_for(19046), "lenovo");
        assert_eq!(preset_for(1), "generic");
    }

    #[test]
    fn unknown_keys_in_presets_are_rejected() {
        assert!(
            parse("description = \"x\"\nmanufacturer_ids = []\n[module]\ncolectors = []\n")
                .is_err()
        );
    }
}
