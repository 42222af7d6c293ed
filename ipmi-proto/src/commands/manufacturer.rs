//! Manufacturer IDs: the IANA Private Enterprise Numbers that BMCs report in
//! Get Device ID (IPMI v2.0 §20.1, Table 20-2, bytes 7:9) and as OEM /
//! vendor IDs elsewhere (Get Channel Authentication Capabilities, Get
//! Channel Info, cipher suite records).
//!
//! [`manufacturer_name`] returns the organisation name exactly as the IANA
//! registry spells it — the spelling FreeIPMI's `bmc-info` prints in its
//! `Manufacturer ID : <name> (<number>)` line, which ipmi_exporter copies
//! into the `manufacturer_id` label of `ipmi_bmc_info` (e.g. `Super Micro
//! Computer Inc. (10876)`, `Dell Inc. (674)`). [`manufacturer_label`]
//! builds that label. The table covers the BMC vendors; numbers outside it
//! return `None`.
//!
//! [`Vendor`] groups the numbers by who actually builds the BMC firmware,
//! which is what vendor-specific decoding needs: several Supermicro boards
//! report numbers registered to other organisations.

/// IANA enterprise numbers of common BMC vendors with their registry names.
///
/// Names are the IANA registry's spelling, checked against the enterprise
/// number table that FreeIPMI ships. Note that FreeIPMI 1.6.x ships a table
/// that ends at 47861, so for the three numbers above that (ASRock Rack,
/// OpenBMC, Ampere) `bmc-info` from those releases prints the bare number.
const NAMES: &[(u32, &str)] = &[
    (2, "IBM"),
    (11, "Hewlett-Packard"),
    (42, "Sun Microsystems"),
    (111, "Oracle"),
    (231, "Fujitsu Technology Solutions GmbH"),
    (343, "Intel Corporation"),
    (674, "Dell Inc."),
    (2011, "HUAWEI Technology Co.,Ltd"),
    (5593, "Magnum Technologies Inc."),
    (5703, "NVIDIA Corporation"),
    (5771, "Cisco Systems, Inc."),
    (6653, "Tyan Computer Corporation"),
    (7154, "Intelligent Platform Management Interface forum"),
    (7244, "Quanta Computer Inc."),
    (9091, "MICRO-STAR INT'L CO., Ltd."),
    (10368, "Fujitsu Technology Solutions GmbH"),
    (10437, "Peppercon AG"),
    (10876, "Super Micro Computer Inc."),
    (15370, "GIGA-BYTE TECHNOLOGY CO., LTD"),
    (19046, "Lenovo Enterprise Business Group"),
    (20301, "IBM eServer X"),
    (20569, "Inventec Enterprise System Corp."),
    (20974, "American Megatrends, Inc"),
    (
        37945,
        "Inspur(BeiJing) Electronic Information Industry Co.,Ltd",
    ),
    (40092, "Wiwynn Corporation"),
    (40981, "Facebook, Inc."),
    (47196, "Hewlett Packard Enterprise"),
    (47488, "Nedam ENG. Co., ltd."),
    (49622, "ASRock Rack Incorporation"),
    (49871, "OpenBMC Project"),
    (52538, "Ampere Computing"),
];

/// The IANA registry name for an enterprise number, for the BMC vendors in
/// this crate's table (see the module docs).
///
/// 47488 is registered to "Nedam ENG. Co., ltd." but is reported by some
/// Supermicro X8 boards; the registry name is returned (that is what
/// `bmc-info` prints) and [`Vendor::from_manufacturer_id`] maps it to
/// [`Vendor::Supermicro`].
pub fn manufacturer_name(id: u32) -> Option<&'static str> {
    NAMES
        .binary_search_by_key(&id, |(n, _)| *n)
        .ok()
        .and_then(|i| NAMES.get(i))
        .map(|(_, name)| *name)
}

/// The manufacturer as FreeIPMI `bmc-info` prints it after "Manufacturer
/// ID :": `"<name> (<number>)"` when the name is known, else the bare
/// number (e.g. `"Super Micro Computer Inc. (10876)"`, `"12345"`).
pub fn manufacturer_label(id: u32) -> String {
    match manufacturer_name(id) {
        Some(name) => format!("{name} ({id})"),
        None => id.to_string(),
    }
}

/// The company behind a BMC's firmware, derived from its manufacturer ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vendor {
    /// Dell (674).
    Dell,
    /// Supermicro: 10876, plus 47488 (X8 boards), Peppercon 10437 and
    /// Magnum Technologies 5593, whose BMCs Supermicro boards carry.
    Supermicro,
    /// HP / HPE iLO: Hewlett-Packard 11, Hewlett Packard Enterprise 47196.
    Hpe,
    /// Lenovo (19046).
    Lenovo,
    /// IBM: 2, and IBM eServer X 20301.
    Ibm,
    /// Intel (343).
    Intel,
    /// Quanta (7244).
    Quanta,
    /// Fujitsu: 231 and 10368.
    Fujitsu,
    /// Inventec (20569).
    Inventec,
    /// Cisco (5771).
    Cisco,
    /// Gigabyte (15370).
    Gigabyte,
    /// Inspur (37945).
    Inspur,
    /// Huawei (2011).
    Huawei,
    /// Wiwynn (40092).
    Wiwynn,
    /// Tyan (6653).
    Tyan,
    /// Sun / Oracle: Sun Microsystems 42, Oracle 111.
    Oracle,
    /// American Megatrends (20974).
    Ami,
    /// ASRock Rack (49622).
    AsrockRack,
    /// OpenBMC Project (49871).
    OpenBmc,
    /// Ampere Computing (52538).
    Ampere,
    /// Micro-Star International (9091).
    Msi,
    /// NVIDIA (5703).
    Nvidia,
    /// Facebook / Meta (40981).
    Facebook,
}

impl Vendor {
    /// The vendor for a Get Device ID manufacturer ID.
    pub fn from_manufacturer_id(id: u32) -> Option<Self> {
        Some(match id {
            674 => Self::Dell,
            10876 | 47488 | 10437 | 5593 => Self::Supermicro,
            11 | 47196 => Self::Hpe,
            19046 => Self::Lenovo,
            2 | 20301 => Self::Ibm,
            343 => Self::Intel,
            7244 => Self::Quanta,
            231 | 10368 => Self::Fujitsu,
            20569 => Self::Inventec,
            5771 => Self::Cisco,
            15370 => Self::Gigabyte,
            37945 => Self::Inspur,
            2011 => Self::Huawei,
            40092 => Self::Wiwynn,
            6653 => Self::Tyan,
            42 | 111 => Self::Oracle,
            20974 => Self::Ami,
            49622 => Self::AsrockRack,
            49871 => Self::OpenBmc,
            52538 => Self::Ampere,
            9091 => Self::Msi,
            5703 => Self::Nvidia,
            40981 => Self::Facebook,
            _ => return None,
        })
    }

    /// A short display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Dell => "Dell",
            Self::Supermicro => "Supermicro",
            Self::Hpe => "HPE",
            Self::Lenovo => "Lenovo",
            Self::Ibm => "IBM",
            Self::Intel => "Intel",
            Self::Quanta => "Quanta",
            Self::Fujitsu => "Fujitsu",
            Self::Inventec => "Inventec",
            Self::Cisco => "Cisco",
            Self::Gigabyte => "Gigabyte",
            Self::Inspur => "Inspur",
            Self::Huawei => "Huawei",
            Self::Wiwynn => "Wiwynn",
            Self::Tyan => "Tyan",
            Self::Oracle => "Oracle",
            Self::Ami => "AMI",
            Self::AsrockRack => "ASRock Rack",
            Self::OpenBmc => "OpenBMC",
            Self::Ampere => "Ampere",
            Self::Msi => "MSI",
            Self::Nvidia => "NVIDIA",
            Self::Facebook => "Facebook",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(NAMES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn reference_names() {
        // freeipmi-bmc-info.txt / ipmitool-mc-info.txt against the simulator.
        assert_eq!(manufacturer_name(10876), Some("Super Micro Computer Inc."));
        assert_eq!(
            manufacturer_label(10876),
            "Super Micro Computer Inc. (10876)"
        );
        // exporter-compat.md example label.
        assert_eq!(manufacturer_label(674), "Dell Inc. (674)");
        // bmc-info's channel section: "Intelligent Platform Management Interface forum (7154)".
        assert_eq!(
            manufacturer_label(7154),
            "Intelligent Platform Management Interface forum (7154)"
        );
        assert_eq!(manufacturer_name(47196), Some("Hewlett Packard Enterprise"));
        assert_eq!(
            manufacturer_name(19046),
            Some("Lenovo Enterprise Business Group")
        );
        assert_eq!(manufacturer_name(1), None);
        assert_eq!(manufacturer_label(123_456), "123456");
        assert_eq!(manufacturer_name(0x000f_ffff), None);
    }

    #[test]
    fn vendors() {
        for id in [10876, 47488, 10437, 5593] {
            assert_eq!(Vendor::from_manufacturer_id(id), Some(Vendor::Supermicro));
        }
        assert_eq!(Vendor::from_manufacturer_id(674), Some(Vendor::Dell));
        assert_eq!(Vendor::from_manufacturer_id(47196), Some(Vendor::Hpe));
        assert_eq!(Vendor::from_manufacturer_id(7154), None);
        assert_eq!(Vendor::Supermicro.name(), "Supermicro");
        // Every vendor number is in the name table.
        for (id, _) in NAMES {
            if *id != 7154 {
                assert!(Vendor::from_manufacturer_id(*id).is_some(), "{id}");
            }
        }
    }
}
