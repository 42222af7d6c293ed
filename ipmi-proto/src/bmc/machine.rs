//! What a virtual BMC presents: identity, users and channel settings.

use crate::commands::app::{DeviceId, DeviceSupport};
use crate::crypto::keys::{BmcKey, Password};
use crate::types::PrivilegeLevel;

use super::platform::PlatformModel;
use super::sel::SelModel;
use super::sensors::SensorModel;

/// One user account (IPMI v2.0 §22.26–§22.30 describe the real thing).
#[derive(Debug, Clone)]
pub struct User {
    /// User name (≤ 16 bytes).
    pub name: Vec<u8>,
    /// Password (≤ 20 bytes).
    pub password: Password,
    /// Highest privilege the user may take on the LAN channel.
    pub max_privilege: PrivilegeLevel,
    /// Disabled users cannot log in.
    pub enabled: bool,
}

impl User {
    /// An enabled user.
    ///
    /// # Errors
    /// [`crate::crypto::CryptoError`] for a password over 20 bytes.
    pub fn new(
        name: &str,
        password: &[u8],
        max_privilege: PrivilegeLevel,
    ) -> Result<Self, crate::crypto::CryptoError> {
        Ok(Self {
            name: name.as_bytes().to_vec(),
            password: Password::new(password)?,
            max_privilege,
            enabled: true,
        })
    }
}

/// The identity and configuration of a virtual BMC.
#[derive(Debug, Clone)]
pub struct Machine {
    /// The Get Device ID answer.
    pub device_id: DeviceId,
    /// The system GUID (wire order: the RFC 4122 bytes reversed, IPMI v2.0
    /// §22.14 / Table 22-23), also used as GUIDc in RAKP 2.
    pub system_guid: [u8; 16],
    /// The device GUID (wire order).
    pub device_guid: [u8; 16],
    /// System firmware version (Get System Info Parameters, parameter 1).
    pub system_firmware_version: Option<String>,
    /// User accounts.
    pub users: Vec<User>,
    /// RMCP+ cipher suites accepted in Open Session.
    pub cipher_suites: Vec<u8>,
    /// The BMC key K_g, if set.
    pub kg: Option<BmcKey>,
    /// The LAN channel number.
    pub lan_channel: u8,
    /// Sessions the BMC holds at most.
    pub max_sessions: usize,
    /// SDR repository and sensors.
    pub sensors: SensorModel,
    /// System Event Log.
    pub sel: SelModel,
    /// Chassis, DCMI power, watchdog and FRU inventory.
    pub platform: PlatformModel,
}

impl Default for Machine {
    /// A generic 2-socket server BMC with the users `admin`/`password`
    /// (administrator), `operator`/`operator` and `user`/`user`, accepting
    /// cipher suites 1, 2, 3, 6, 7, 8, 11, 12, 15, 16 and 17 (not 0).
    fn default() -> Self {
        let users = [
            ("admin", &b"password"[..], PrivilegeLevel::Administrator),
            ("operator", b"operator", PrivilegeLevel::Operator),
            ("user", b"user", PrivilegeLevel::User),
        ]
        .into_iter()
        .filter_map(|(n, p, l)| User::new(n, p, l).ok())
        .collect();
        Self {
            device_id: DeviceId {
                device_id: 0x20,
                device_revision: 1,
                provides_device_sdrs: false,
                device_available: true,
                firmware_major: 1,
                firmware_minor: 0x00,
                ipmi_version: 0x02,
                additional_support: DeviceSupport(0xbf),
                // 49871: OpenBMC Project; product 1.
                manufacturer_id: 49871,
                product_id: 0x0001,
                aux_firmware: None,
            },
            system_guid: [
                0x5f, 0x4e, 0x3d, 0x2c, 0x1b, 0x0a, 0x41, 0x8e, 0x9a, 0x4c, 0x7d, 0x2b, 0x5e, 0x3a,
                0x1c, 0x6f,
            ],
            device_guid: [
                0x60, 0x4e, 0x3d, 0x2c, 0x1b, 0x0a, 0x41, 0x8e, 0x9a, 0x4c, 0x7d, 0x2b, 0x5e, 0x3a,
                0x1c, 0x6f,
            ],
            system_firmware_version: Some("1.0.0".to_string()),
            users,
            cipher_suites: vec![1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17],
            kg: None,
            lan_channel: 1,
            max_sessions: 64,
            sensors: SensorModel::default(),
            sel: SelModel::default(),
            platform: PlatformModel::default(),
        }
    }
}

impl Machine {
    /// Replaces the users by one administrator.
    ///
    /// # Errors
    /// [`crate::crypto::CryptoError`] for a password over 20 bytes.
    pub fn with_admin(
        mut self,
        name: &str,
        password: &[u8],
    ) -> Result<Self, crate::crypto::CryptoError> {
        self.users = vec![User::new(name, password, PrivilegeLevel::Administrator)?];
        Ok(self)
    }

    /// Finds an enabled or disabled user by name.
    pub fn user(&self, name: &[u8]) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }
}
