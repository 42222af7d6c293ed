//! Application (NetFn 06h) commands.
//!
//! This file holds the device-level ones: Get Device ID, Get Self Test
//! Results, Get Device GUID (IPMI v2.0 §20, "IPM Device Global Commands"),
//! Get System GUID and Get System Info Parameters (IPMI v2.0 §22.14,
//! §22.14b). The session and channel commands, also NetFn 06h, live in
//! [`super::session`] and [`super::channel`] and are re-exported here, so
//! `commands::app` names every App command this crate types.

use std::fmt;

use super::manufacturer::{manufacturer_name, Vendor};
use super::{bit, flag, skip_rest, Command};
use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::types::{NetFn, PrivilegeLevel};

pub use super::channel::*;
pub use super::session::*;

// ---------------------------------------------------------------------------
// Get Device ID
// ---------------------------------------------------------------------------

/// Get Device ID (NetFn App 06h, command 01h; IPMI v2.0 §20.1, Table 20-2).
///
/// No request data. Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetDeviceId;

impl Codec for GetDeviceId {
    fn encode(&self, _w: &mut Writer) {}

    fn decode(_r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self)
    }
}

impl Command for GetDeviceId {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x01;
    type Response = DeviceId;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// "Additional Device Support" bitfield of Get Device ID (IPMI v2.0 §20.1,
/// Table 20-2, response byte 7). 1b = the device supports the function.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DeviceSupport(pub u8);

impl DeviceSupport {
    /// `[0]` Sensor Device.
    pub fn sensor_device(self) -> bool {
        bit(self.0, 0)
    }
    /// `[1]` SDR Repository Device.
    pub fn sdr_repository(self) -> bool {
        bit(self.0, 1)
    }
    /// `[2]` SEL Device.
    pub fn sel_device(self) -> bool {
        bit(self.0, 2)
    }
    /// `[3]` FRU Inventory Device.
    pub fn fru_inventory(self) -> bool {
        bit(self.0, 3)
    }
    /// `[4]` IPMB Event Receiver.
    pub fn ipmb_event_receiver(self) -> bool {
        bit(self.0, 4)
    }
    /// `[5]` IPMB Event Generator.
    pub fn ipmb_event_generator(self) -> bool {
        bit(self.0, 5)
    }
    /// `[6]` Bridge (accepts Bridge NetFn commands).
    pub fn bridge(self) -> bool {
        bit(self.0, 6)
    }
    /// `[7]` Chassis Device.
    pub fn chassis_device(self) -> bool {
        bit(self.0, 7)
    }
}

/// Get Device ID response data (IPMI v2.0 §20.1, Table 20-2).
///
/// ```text
///  byte  field
///  1     device ID
///  2     [7] provides device SDRs   [6:4] reserved  [3:0] device revision
///  3     [7] 1b = device busy (update / self-init in progress)  [6:0] major FW rev (binary)
///  4     minor firmware revision (BCD)
///  5     IPMI version (BCD: [3:0] major, [7:4] minor; 51h = 1.5, 02h = 2.0)
///  6     additional device support (see DeviceSupport)
///  7:9   manufacturer ID, LS byte first ([23:20] reserved)
///  10:11 product ID, LS byte first
///  12:15 auxiliary firmware revision (optional)
/// ```
///
/// (Byte numbers here count from the first byte after the completion code.)
/// Decoding accepts a response without the auxiliary bytes (they are
/// optional), treats 1–3 stray bytes in their place as absent, and ignores
/// bytes after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeviceId {
    /// Device ID (00h = unspecified).
    pub device_id: u8,
    /// Device revision, 4 bits, binary.
    pub device_revision: u8,
    /// The device provides device SDRs.
    pub provides_device_sdrs: bool,
    /// `true` in normal operation; `false` when the busy bit (byte 3 bit 7)
    /// says a firmware / SDR repository update or self-initialization is in
    /// progress.
    pub device_available: bool,
    /// Major firmware revision, 7 bits, binary.
    pub firmware_major: u8,
    /// Minor firmware revision, raw BCD byte (`0x88` = "88").
    pub firmware_minor: u8,
    /// IPMI version, raw BCD byte (`0x02` = 2.0, `0x51` = 1.5).
    pub ipmi_version: u8,
    /// Additional device support bits.
    pub additional_support: DeviceSupport,
    /// Manufacturer ID: the 20-bit IANA enterprise number.
    pub manufacturer_id: u32,
    /// Product ID (manufacturer-defined).
    pub product_id: u16,
    /// Auxiliary firmware revision information, when sent (vendor-defined).
    pub aux_firmware: Option<[u8; 4]>,
}

/// Mask for the 20-bit manufacturer ID field.
const MANUFACTURER_MASK: u32 = 0x000f_ffff;

impl Codec for DeviceId {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.device_id)
            .u8(flag(self.provides_device_sdrs, 7) | (self.device_revision & 0x0f))
            .u8(flag(!self.device_available, 7) | (self.firmware_major & 0x7f))
            .u8(self.firmware_minor)
            .u8(self.ipmi_version)
            .u8(self.additional_support.0)
            .u24_le(self.manufacturer_id & MANUFACTURER_MASK)
            .u16_le(self.product_id);
        if let Some(aux) = &self.aux_firmware {
            w.bytes(aux);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let device_id = r.u8("device ID")?;
        let revision = r.u8("device revision")?;
        let fw1 = r.u8("firmware revision 1")?;
        let firmware_minor = r.u8("firmware revision 2")?;
        let ipmi_version = r.u8("IPMI version")?;
        let additional_support = DeviceSupport(r.u8("additional device support")?);
        let manufacturer_id = r.u24_le("manufacturer ID")? & MANUFACTURER_MASK;
        let product_id = r.u16_le("product ID")?;
        let aux_firmware = if r.remaining() >= 4 {
            Some(r.array("auxiliary firmware revision")?)
        } else {
            None
        };
        skip_rest(r);
        Ok(Self {
            device_id,
            device_revision: revision & 0x0f,
            provides_device_sdrs: bit(revision, 7),
            device_available: !bit(fw1, 7),
            firmware_major: fw1 & 0x7f,
            firmware_minor,
            ipmi_version,
            additional_support,
            manufacturer_id,
            product_id,
            aux_firmware,
        })
    }
}

/// Decodes a two-digit BCD byte, `None` when a nibble is above 9.
fn bcd(byte: u8) -> Option<u8> {
    let (hi, lo) = (byte >> 4, byte & 0x0f);
    (hi <= 9 && lo <= 9).then(|| hi * 10 + lo)
}

impl DeviceId {
    /// The firmware revision as FreeIPMI's `bmc-info` prints it ("Firmware
    /// Revision : 3.88"): the major revision in decimal, a dot, and the
    /// minor (BCD) byte as two lower-case hex digits — so `03h, 88h` gives
    /// `"3.88"`, and a non-BCD minor byte `1Ah` gives `"3.1a"`, exactly as
    /// the tool shows it. ipmitool `mc info` uses the same format.
    ///
    /// This is the string behind ipmi_exporter's `firmware_revision` label
    /// (which then keeps only the leading digits and dots).
    pub fn firmware_revision(&self) -> String {
        format!("{}.{:02x}", self.firmware_major, self.firmware_minor)
    }

    /// The minor firmware revision decoded from BCD, `None` when the byte
    /// is not valid BCD (a sign of a confused BMC).
    pub fn firmware_minor_decimal(&self) -> Option<u8> {
        bcd(self.firmware_minor)
    }

    /// IPMI version major digit (byte `[3:0]`).
    pub fn ipmi_version_major(&self) -> u8 {
        self.ipmi_version & 0x0f
    }

    /// IPMI version minor digit (byte `[7:4]`).
    pub fn ipmi_version_minor(&self) -> u8 {
        self.ipmi_version >> 4
    }

    /// The IPMI version as `bmc-info` and `ipmitool mc info` print it:
    /// `"2.0"` for 02h, `"1.5"` for 51h.
    pub fn ipmi_version_string(&self) -> String {
        format!(
            "{}.{}",
            self.ipmi_version_major(),
            self.ipmi_version_minor()
        )
    }

    /// The auxiliary firmware bytes as one little-endian number, the value
    /// `bmc-info` prints as "Auxiliary Firmware Revision Information :
    /// 00000000h" (`format!("{:08X}h", v)`).
    pub fn aux_firmware_u32(&self) -> Option<u32> {
        self.aux_firmware.map(u32::from_le_bytes)
    }

    /// The manufacturer's IANA registry name, if it is in
    /// [`manufacturer_name`]'s table.
    pub fn manufacturer_name(&self) -> Option<&'static str> {
        manufacturer_name(self.manufacturer_id)
    }

    /// The BMC vendor family, if known.
    pub fn vendor(&self) -> Option<Vendor> {
        Vendor::from_manufacturer_id(self.manufacturer_id)
    }

    /// A vendor-specific, more detailed firmware version, where the
    /// vendor's use of the auxiliary bytes is known; `None` otherwise (use
    /// [`DeviceId::firmware_revision`]).
    ///
    /// * **Dell** (674): `"<major>.<minor>.<aux 2>.<aux 3> (Build <aux 1>)"`,
    ///   aux bytes 2 and 3 in decimal with two digits, e.g.
    ///   `02h 70h` + aux `00 2D 46 46` → `"2.70.70.70 (Build 45)"`. Aux
    ///   byte 0 is unused (00h). Checked against responses from iDRAC
    ///   controllers whose published firmware versions are 2.70.70.70,
    ///   2.50.50.50, 2.41.40.40 and 3.15.17.15. iDRAC6, whose versions have
    ///   two parts, shows as `"1.54.00.00 (Build 15)"`.
    /// * **Supermicro** (10876, and the IDs its older boards report: 47488,
    ///   Peppercon 10437, Magnum 5593): the auxiliary bytes are unused
    ///   (all zero on the X11 reference capture), so this is
    ///   [`DeviceId::firmware_revision`].
    /// * Other vendors (including Intel and Quanta, which also fill the
    ///   auxiliary bytes): `None` — no vendor documentation of their layout
    ///   was available to check a decoding against.
    pub fn firmware_version_detailed(&self) -> Option<String> {
        match self.vendor()? {
            Vendor::Dell => {
                let [_, build, a, b] = self.aux_firmware?;
                Some(format!(
                    "{}.{:02x}.{a:02}.{b:02} (Build {build})",
                    self.firmware_major, self.firmware_minor
                ))
            }
            Vendor::Supermicro => Some(self.firmware_revision()),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------
// Get Self Test Results
// ---------------------------------------------------------------------------

/// Get Self Test Results (NetFn App 06h, command 04h; IPMI v2.0 §20.4,
/// Table 20-4).
///
/// No request data. Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetSelfTestResults;

impl Codec for GetSelfTestResults {
    fn encode(&self, _w: &mut Writer) {}

    fn decode(_r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self)
    }
}

impl Command for GetSelfTestResults {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x04;
    type Response = SelfTestResults;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get Self Test Results response data (IPMI v2.0 §20.4, Table 20-4).
///
/// ```text
///  byte  field
///  1     result: 55h passed, 56h not implemented, 57h corrupted or
///        inaccessible data or devices, 58h fatal hardware error,
///        FFh reserved, other = device-specific failure
///  2     detail: for 57h a failure bitfield; device-specific for 58h and
///        others; 00h otherwise
/// ```
///
/// A missing detail byte decodes as 00h; extra bytes are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SelfTestResults {
    /// Result code (byte 1).
    pub result: u8,
    /// Detail byte (byte 2).
    pub detail: u8,
}

impl Codec for SelfTestResults {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.result).u8(self.detail);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let result = r.u8("self test result")?;
        let detail = if r.is_empty() {
            0
        } else {
            r.u8("self test detail")?
        };
        skip_rest(r);
        Ok(Self { result, detail })
    }
}

impl SelfTestResults {
    /// "No error. All Self Tests Passed" (55h).
    pub const PASSED: u8 = 0x55;
    /// "Self Test function not implemented in this controller" (56h).
    pub const NOT_IMPLEMENTED: u8 = 0x56;
    /// "Corrupted or inaccessible data or devices" (57h).
    pub const CORRUPTED: u8 = 0x57;
    /// "Fatal hardware error" (58h).
    pub const FATAL_HARDWARE_ERROR: u8 = 0x58;

    /// `true` when every self test passed (55h).
    pub fn passed(&self) -> bool {
        self.result == Self::PASSED
    }

    /// `true` for results that indicate a fault: 57h, 58h and
    /// device-specific failure codes (not 55h, 56h or the reserved FFh).
    pub fn failed(&self) -> bool {
        !matches!(self.result, Self::PASSED | Self::NOT_IMPLEMENTED | 0xff)
    }

    /// The spec's description of the result code.
    pub fn description(&self) -> &'static str {
        match self.result {
            Self::PASSED => "no error, all self tests passed",
            Self::NOT_IMPLEMENTED => "self test function not implemented in this controller",
            Self::CORRUPTED => "corrupted or inaccessible data or devices",
            Self::FATAL_HARDWARE_ERROR => "fatal hardware error",
            0xff => "reserved",
            _ => "device-specific internal failure",
        }
    }

    /// For result 57h, the names of the failure bits set in the detail
    /// byte (Table 20-4); empty for other results.
    pub fn failures(&self) -> Vec<&'static str> {
        const NAMES: [&str; 8] = [
            "controller operational firmware corrupted",
            "controller update boot block firmware corrupted",
            "internal use area of BMC FRU corrupted",
            "SDR repository empty",
            "IPMB signal lines do not respond",
            "cannot access BMC FRU device",
            "cannot access SDR repository",
            "cannot access SEL device",
        ];
        if self.result != Self::CORRUPTED {
            return Vec::new();
        }
        (0u32..)
            .zip(NAMES)
            .filter(|(n, _)| bit(self.detail, *n))
            .map(|(_, name)| name)
            .collect()
    }
}

// ---------------------------------------------------------------------------
// GUIDs
// ---------------------------------------------------------------------------

/// Get Device GUID (NetFn App 06h, command 08h; IPMI v2.0 §20.8,
/// Table 20-10): the management controller's GUID.
///
/// No request data. Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetDeviceGuid;

impl Codec for GetDeviceGuid {
    fn encode(&self, _w: &mut Writer) {}

    fn decode(_r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self)
    }
}

impl Command for GetDeviceGuid {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x08;
    type Response = Guid;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get System GUID (NetFn App 06h, command 37h; IPMI v2.0 §22.14): the
/// system's GUID, also used as GUIDc in RAKP message 2.
///
/// No request data. "The Get System GUID will always be accepted outside of
/// an active session" (§22.14), so [`Command::OUTSIDE_SESSION`] is `true`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetSystemGuid;

impl Codec for GetSystemGuid {
    fn encode(&self, _w: &mut Writer) {}

    fn decode(_r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self)
    }
}

impl Command for GetSystemGuid {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x37;
    type Response = Guid;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::Callback;
    const OUTSIDE_SESSION: bool = true;
}

/// A 16-byte GUID as sent on the wire (response of Get Device GUID and Get
/// System GUID).
///
/// The spec (IPMI v2.0 §20.8, "GUID Format" table) sends every field
/// least-significant byte first and in reverse field order: bytes 1–6 node,
/// 7–8 clock sequence, 9–10 time high and version, 11–12 time mid, 13–16
/// time low — i.e. the whole 128-bit value LS byte first. Many BMCs use
/// other orders, so the raw bytes are kept and formatting is a choice
/// ([`GuidFormat`]).
///
/// [`fmt::Display`] uses [`GuidFormat::Ipmi`], which is what FreeIPMI
/// `bmc-info` prints (e.g. wire bytes `5A 4D 49 53 00 00 00 01 00 00 B0 C0
/// A1 B2 00 01` → `0100b2a1-c0b0-0000-0100-000053494d5a`).
///
/// Decoding ignores bytes after the 16th.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Guid(pub [u8; 16]);

/// How to render a [`Guid`]'s 16 wire bytes (numbered 0–15 below).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GuidFormat {
    /// The spec layout (IPMI v2.0 §20.8): all bytes reversed, printed as
    /// lower-case 8-4-4-4-12 — bytes 15..12, 11..10, 9..8, 7..6, 5..0.
    /// FreeIPMI `bmc-info`'s default output.
    Ipmi,
    /// SMBIOS layout: time fields little-endian, clock sequence and node in
    /// order — bytes 3..0, 5..4, 7..6, 8..9, 10..15, lower-case. FreeIPMI
    /// prints this with `--workaround-flags=guidformat`.
    Smbios,
    /// RFC 4122 layout: bytes 0..15 in wire order, lower-case 8-4-4-4-12.
    Rfc4122,
    /// The 16 bytes in wire order as 32 upper-case hex digits, no dashes:
    /// what `ipmitool mc guid` prints when it cannot recognise the
    /// encoding (e.g. `5A4D4953000000010000B0C0A1B20001`).
    Hex,
}

impl Guid {
    /// The raw wire bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Renders the GUID in the given layout.
    pub fn format(&self, format: GuidFormat) -> String {
        let b = &self.0;
        let order: [usize; 16] = match format {
            GuidFormat::Ipmi => [15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
            GuidFormat::Smbios => [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15],
            GuidFormat::Rfc4122 | GuidFormat::Hex => {
                [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
            }
        };
        let mut out = String::with_capacity(36);
        for (pos, idx) in order.iter().enumerate() {
            let byte = b.get(*idx).copied().unwrap_or(0);
            if format == GuidFormat::Hex {
                out.push_str(&format!("{byte:02X}"));
            } else {
                if matches!(pos, 4 | 6 | 8 | 10) {
                    out.push('-');
                }
                out.push_str(&format!("{byte:02x}"));
            }
        }
        out
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(GuidFormat::Ipmi))
    }
}

impl Codec for Guid {
    fn encode(&self, w: &mut Writer) {
        w.bytes(&self.0);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let g = r.array("GUID")?;
        skip_rest(r);
        Ok(Self(g))
    }
}

// ---------------------------------------------------------------------------
// Get System Info Parameters
// ---------------------------------------------------------------------------

/// Get System Info Parameters (NetFn App 06h, command 59h; IPMI v2.0
/// §22.14b).
///
/// ```text
///  byte  field
///  1     [7] 1b = get parameter revision only  [6:0] reserved
///  2     parameter selector (1 = System Firmware Version, 2 = System Name,
///        3 = Primary OS Name, 4 = OS Name, ...)
///  3     set selector (00h if unused)
///  4     block selector (00h if unused)
/// ```
///
/// Minimum privilege: User. Completion code 80h means "parameter not
/// supported".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GetSystemInfoParameters {
    /// Request only the parameter revision (byte 1 bit 7).
    pub revision_only: bool,
    /// Parameter selector.
    pub parameter: u8,
    /// Set selector: for string parameters, which 16-byte block.
    pub set_selector: u8,
    /// Block selector (00h for the standard parameters).
    pub block_selector: u8,
}

impl GetSystemInfoParameters {
    /// Parameter 1: System Firmware Version (the BIOS version string).
    pub const SYSTEM_FIRMWARE_VERSION: u8 = 1;
    /// Parameter 2: System Name.
    pub const SYSTEM_NAME: u8 = 2;
    /// Parameter 3: Primary Operating System Name.
    pub const PRIMARY_OS_NAME: u8 = 3;
    /// Parameter 4: Operating System Name.
    pub const OS_NAME: u8 = 4;

    /// Requests block `set_selector` of the System Firmware Version string
    /// (start with 0; see [`SystemInfoString`]).
    pub fn system_firmware_version(set_selector: u8) -> Self {
        Self::string_block(Self::SYSTEM_FIRMWARE_VERSION, set_selector)
    }

    /// Requests block `set_selector` of a string parameter.
    pub fn string_block(parameter: u8, set_selector: u8) -> Self {
        Self {
            revision_only: false,
            parameter,
            set_selector,
            block_selector: 0,
        }
    }
}

impl Codec for GetSystemInfoParameters {
    fn encode(&self, w: &mut Writer) {
        w.u8(flag(self.revision_only, 7))
            .u8(self.parameter)
            .u8(self.set_selector)
            .u8(self.block_selector);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let flags = r.u8("get parameter / revision only")?;
        Ok(Self {
            revision_only: bit(flags, 7),
            parameter: r.u8("parameter selector")?,
            set_selector: r.u8("set selector")?,
            block_selector: r.u8("block selector")?,
        })
    }
}

impl Command for GetSystemInfoParameters {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x59;
    type Response = SystemInfoParameter;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get System Info Parameters response data (IPMI v2.0 §22.14b): the
/// parameter revision, then the parameter data (absent when only the
/// revision was requested).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SystemInfoParameter {
    /// Parameter revision (`[7:4]` present revision, `[3:0]` oldest compatible).
    pub revision: u8,
    /// Parameter data. For string parameters: set selector, then the block
    /// (see [`SystemInfoString`]).
    pub data: Vec<u8>,
}

impl Codec for SystemInfoParameter {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.revision).bytes(&self.data);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            revision: r.u8("parameter revision")?,
            data: r.rest().to_vec(),
        })
    }
}

/// A string system info parameter (System Firmware Version, System Name,
/// OS names; IPMI v2.0 §22.14b) assembled from its 16-byte blocks.
///
/// Each response's data is a set selector byte followed by one block. Block
/// 0 is `[3:0] encoding` (0h ASCII+Latin-1, 1h UTF-8, 2h Unicode), the
/// string length in bytes, then the first 14 bytes of the string; blocks
/// 1, 2, … carry 16 bytes each. Request set selector 0, then
/// [`SystemInfoString::next_set_selector`] until it returns `None`.
///
/// Tolerance: a first block without encoding and length bytes (seen on
/// some blades) is an empty string; bytes beyond the declared length and
/// trailing NULs are dropped; at most 17 blocks (enough for 255 bytes) are
/// requested, so a BMC that never finishes cannot cause a loop.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SystemInfoString {
    /// Encoding nibble from block 0.
    pub encoding: u8,
    /// Declared string length in bytes.
    pub length: u8,
    /// String bytes received so far.
    pub bytes: Vec<u8>,
    next_set: u8,
}

/// Highest set selector a 255-byte string needs: 14 bytes in block 0, then
/// ceil(241 / 16) = 16 more blocks.
const MAX_STRING_SET: u8 = 16;

impl SystemInfoString {
    /// ASCII + Latin-1 encoding (0h).
    pub const ENCODING_LATIN1: u8 = 0;
    /// UTF-8 encoding (1h).
    pub const ENCODING_UTF8: u8 = 1;
    /// Unicode (UCS-2 / UTF-16) encoding (2h).
    pub const ENCODING_UNICODE: u8 = 2;

    /// Starts from the data of the set selector 0 response (set selector
    /// echo, encoding, length, up to 14 string bytes).
    pub fn from_first_block(data: &[u8]) -> Self {
        let mut r = Reader::new(data);
        let mut s = Self {
            encoding: 0,
            length: 0,
            bytes: Vec::new(),
            next_set: 1,
        };
        let _set = r.take_up_to(1);
        // A missing encoding / length pair means "empty string".
        if let [encoding, length] = *r.take_up_to(2) {
            s.encoding = encoding & 0x0f;
            s.length = length;
            s.append(r.take_up_to(14));
        }
        s
    }

    /// Adds the data of the next block's response (set selector echo, then
    /// up to 16 string bytes).
    pub fn push_block(&mut self, data: &[u8]) {
        let mut r = Reader::new(data);
        let _set = r.take_up_to(1);
        self.append(r.take_up_to(16));
        self.next_set = self.next_set.saturating_add(1);
    }

    fn append(&mut self, chunk: &[u8]) {
        let want = usize::from(self.length).saturating_sub(self.bytes.len());
        self.bytes
            .extend(chunk.iter().take(want.min(chunk.len())).copied());
    }

    /// `true` once the declared length has arrived.
    pub fn is_complete(&self) -> bool {
        self.bytes.len() >= usize::from(self.length)
    }

    /// The set selector to request next, or `None` when the string is
    /// complete (or the block limit is reached).
    pub fn next_set_selector(&self) -> Option<u8> {
        (!self.is_complete() && self.next_set <= MAX_STRING_SET).then_some(self.next_set)
    }

    /// The string, decoded per its encoding (invalid sequences replaced),
    /// cut at the first NUL. Unicode (2h) is read as UTF-16
    /// little-endian, the byte order IPMI uses for multi-byte fields.
    pub fn to_string_lossy(&self) -> String {
        match self.encoding {
            Self::ENCODING_UNICODE => {
                let units: Vec<u16> = self
                    .bytes
                    .chunks_exact(2)
                    .map(|c| {
                        u16::from_le_bytes([
                            c.first().copied().unwrap_or(0),
                            c.last().copied().unwrap_or(0),
                        ])
                    })
                    .take_while(|u| *u != 0)
                    .collect();
                String::from_utf16_lossy(&units)
            }
            enc => {
                let bytes: Vec<u8> = self.bytes.iter().copied().take_while(|b| *b != 0).collect();
                if enc == Self::ENCODING_UTF8 {
                    String::from_utf8_lossy(&bytes).into_owned()
                } else {
                    bytes.iter().map(|b| char::from(*b)).collect()
                }
            }
        }
    }

    /// BMC side: the response data blocks (set selector included) for a
    /// string of up to 255 bytes; longer input is truncated. Block 0 holds
    /// encoding, length and 14 bytes; later blocks 16 bytes; the last block
    /// is zero-padded.
    pub fn encode_blocks(encoding: u8, text: &[u8]) -> Vec<Vec<u8>> {
        let text = text.get(..text.len().min(255)).unwrap_or(&[]);
        let length = u8::try_from(text.len()).unwrap_or(u8::MAX);
        let (first, rest) = text.split_at(text.len().min(14));
        let mut block0 = vec![0u8, encoding & 0x0f, length];
        block0.extend_from_slice(first);
        block0.resize(17, 0);
        let mut blocks = vec![block0];
        for (set, chunk) in (1u8..).zip(rest.chunks(16)) {
            let mut b = Vec::with_capacity(17);
            b.push(set);
            b.extend_from_slice(chunk);
            b.resize(17, 0);
            blocks.push(b);
        }
        blocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::test_util::{decode_any, encode, golden, hex, round_trip};
    use proptest::prelude::*;

    /// `ipmitool raw 0x06 0x01` against the simulated Supermicro X11DPU
    /// (bmc-sim reference `ipmitool-raw-get-device-id.txt`, same bytes in
    /// the captured lanplus session).
    const SIM_DEVICE_ID: &str = "20 01 03 88 02 9f 7c 2a 00 1c 09 00 00 00 00";

    fn sim_device_id() -> DeviceId {
        DeviceId {
            device_id: 0x20,
            device_revision: 1,
            provides_device_sdrs: false,
            device_available: true,
            firmware_major: 3,
            firmware_minor: 0x88,
            ipmi_version: 0x02,
            additional_support: DeviceSupport(0x9f),
            manufacturer_id: 10876,
            product_id: 0x091c,
            aux_firmware: Some([0; 4]),
        }
    }

    #[test]
    fn get_device_id_request() {
        golden("", &GetDeviceId);
        assert_eq!(GetDeviceId::NETFN, NetFn::App);
        assert_eq!(GetDeviceId::CMD, 0x01);
        assert!(GetDeviceId::from_bytes(&[0]).is_err());
    }

    #[test]
    fn device_id_golden_supermicro_sim() {
        let d = sim_device_id();
        golden(SIM_DEVICE_ID, &d);
        // ipmitool mc info / bmc-info outputs for the same response.
        assert_eq!(d.firmware_revision(), "3.88");
        assert_eq!(d.ipmi_version_string(), "2.0");
        assert_eq!(d.manufacturer_name(), Some("Super Micro Computer Inc."));
        assert_eq!(d.product_id, 2332);
        assert_eq!(d.aux_firmware_u32(), Some(0));
        assert_eq!(
            format!("{:08X}h", d.aux_firmware_u32().unwrap()),
            "00000000h"
        );
        let s = d.additional_support;
        // "Additional Device Support": sensor, SDR repo, SEL, FRU, IPMB event
        // receiver, chassis; not event generator, not bridge.
        assert!(s.sensor_device() && s.sdr_repository() && s.sel_device());
        assert!(s.fru_inventory() && s.ipmb_event_receiver() && s.chassis_device());
        assert!(!s.ipmb_event_generator() && !s.bridge());
        assert!(d.device_available && !d.provides_device_sdrs);
        assert_eq!(d.firmware_version_detailed().as_deref(), Some("3.88"));
        assert_eq!(d.firmware_minor_decimal(), Some(88));
    }

    #[test]
    fn device_id_optional_aux_and_growth() {
        let mut d = sim_device_id();
        d.aux_firmware = None;
        golden("20 01 03 88 02 9f 7c 2a 00 1c 09", &d);
        // 1–3 stray bytes where aux would be: ignored.
        assert_eq!(
            DeviceId::from_bytes(&hex("20 01 03 88 02 9f 7c 2a 00 1c 09 01 02")),
            Ok(d)
        );
        // Bytes after aux: ignored.
        let mut with_aux = sim_device_id();
        with_aux.aux_firmware = Some([1, 2, 3, 4]);
        assert_eq!(
            DeviceId::from_bytes(&hex("20 01 03 88 02 9f 7c 2a 00 1c 09 01 02 03 04 05 06")),
            Ok(with_aux)
        );
        // Truncated before product ID: error naming the field.
        assert!(matches!(
            DeviceId::from_bytes(&hex("20 01 03 88 02 9f 7c 2a 00 1c")),
            Err(DecodeError::Truncated {
                what: "product ID",
                ..
            })
        ));
    }

    #[test]
    fn device_id_bits() {
        // SDRs provided, busy, reserved bits set, manufacturer reserved nibble set.
        let d = DeviceId::from_bytes(&hex("00 f5 81 01 51 00 a2 02 f0 34 12")).unwrap();
        assert!(d.provides_device_sdrs);
        assert_eq!(d.device_revision, 5);
        assert!(!d.device_available);
        assert_eq!(d.firmware_major, 1);
        assert_eq!(d.firmware_revision(), "1.01");
        assert_eq!(d.ipmi_version_string(), "1.5");
        assert_eq!(d.manufacturer_id, 0x0002a2);
        assert_eq!(d.manufacturer_id, 674);
        assert_eq!(d.product_id, 0x1234);
        // Reserved bits are dropped on re-encode.
        assert_eq!(encode(&d), hex("00 85 81 01 51 00 a2 02 00 34 12"));
    }

    #[test]
    fn firmware_revision_non_bcd_minor() {
        let mut d = sim_device_id();
        d.firmware_major = 12;
        d.firmware_minor = 0x1a;
        assert_eq!(d.firmware_revision(), "12.1a");
        assert_eq!(d.firmware_minor_decimal(), None);
        d.firmware_minor = 0x05;
        assert_eq!(d.firmware_revision(), "12.05");
    }

    #[test]
    fn firmware_version_detailed_dell() {
        // iDRAC8 on a PowerEdge R730: Firmware Revision 2.70, aux 00 2d 46 46
        // (published firmware 2.70.70.70, build 45).
        let d = DeviceId {
            device_id: 0x20,
            device_revision: 1,
            provides_device_sdrs: true,
            device_available: true,
            firmware_major: 2,
            firmware_minor: 0x70,
            ipmi_version: 0x02,
            additional_support: DeviceSupport(0xdf),
            manufacturer_id: 674,
            product_id: 256,
            aux_firmware: Some([0x00, 0x2d, 0x46, 0x46]),
        };
        assert_eq!(d.firmware_revision(), "2.70");
        assert_eq!(
            d.firmware_version_detailed().as_deref(),
            Some("2.70.70.70 (Build 45)")
        );
        let d9 = DeviceId {
            firmware_major: 4,
            firmware_minor: 0x40,
            aux_firmware: Some([0x00, 70, 0, 0]),
            ..d
        };
        assert_eq!(
            d9.firmware_version_detailed().as_deref(),
            Some("4.40.00.00 (Build 70)")
        );
        let d15 = DeviceId {
            firmware_major: 3,
            firmware_minor: 0x15,
            aux_firmware: Some([0x00, 0x01, 0x11, 0x0f]),
            ..d
        };
        assert_eq!(
            d15.firmware_version_detailed().as_deref(),
            Some("3.15.17.15 (Build 1)")
        );
        assert_eq!(
            DeviceId {
                aux_firmware: None,
                ..d
            }
            .firmware_version_detailed(),
            None
        );
        // Unknown vendor: no detailed version.
        assert_eq!(
            DeviceId {
                manufacturer_id: 343,
                ..d
            }
            .firmware_version_detailed(),
            None
        );
        // Supermicro X8 non-IANA ID.
        let smc = DeviceId {
            manufacturer_id: 47488,
            ..sim_device_id()
        };
        assert_eq!(smc.firmware_version_detailed().as_deref(), Some("3.88"));
    }

    #[test]
    fn self_test_results() {
        assert_eq!(GetSelfTestResults::CMD, 0x04);
        golden("", &GetSelfTestResults);
        let ok = SelfTestResults {
            result: 0x55,
            detail: 0,
        };
        golden("55 00", &ok);
        assert!(ok.passed() && !ok.failed());
        // Missing detail byte and extra bytes tolerated.
        assert_eq!(
            SelfTestResults::from_bytes(&[0x56]),
            Ok(SelfTestResults {
                result: 0x56,
                detail: 0
            })
        );
        assert_eq!(SelfTestResults::from_bytes(&[0x55, 0, 9]), Ok(ok));
        assert!(SelfTestResults::from_bytes(&[]).is_err());
        let bad = SelfTestResults {
            result: 0x57,
            detail: 0x88,
        };
        assert!(bad.failed());
        assert_eq!(
            bad.failures(),
            vec!["SDR repository empty", "cannot access SEL device"]
        );
        assert_eq!(
            bad.description(),
            "corrupted or inaccessible data or devices"
        );
        assert!(ok.failures().is_empty());
        assert!(!SelfTestResults {
            result: 0x56,
            detail: 0
        }
        .failed());
        assert!(SelfTestResults {
            result: 0x01,
            detail: 0
        }
        .failed());
    }

    /// Wire bytes of the simulator's GUID (RAKP2 GUIDc in the captured
    /// lanplus sessions; Get System GUID returns the same bytes).
    const SIM_GUID: &str = "5a 4d 49 53 00 00 00 01 00 00 b0 c0 a1 b2 00 01";

    #[test]
    fn guid_golden_and_formats() {
        let g = Guid(hex(SIM_GUID).try_into().unwrap());
        golden(SIM_GUID, &g);
        // freeipmi-bmc-info.txt: "System GUID : 0100b2a1-c0b0-0000-0100-000053494d5a"
        assert_eq!(g.to_string(), "0100b2a1-c0b0-0000-0100-000053494d5a");
        // ipmitool-mc-guid.txt: "System GUID   : 5A4D4953000000010000B0C0A1B20001"
        assert_eq!(
            g.format(GuidFormat::Hex),
            "5A4D4953000000010000B0C0A1B20001"
        );
        assert_eq!(
            g.format(GuidFormat::Rfc4122),
            "5a4d4953-0000-0001-0000-b0c0a1b20001"
        );
        assert_eq!(
            g.format(GuidFormat::Smbios),
            "53494d5a-0000-0100-0000-b0c0a1b20001"
        );
        // Extra bytes ignored, short input rejected.
        let mut long = hex(SIM_GUID);
        long.push(0xee);
        assert_eq!(Guid::from_bytes(&long), Ok(g));
        assert!(Guid::from_bytes(&long[..15]).is_err());
        assert_eq!(g.as_bytes()[0], 0x5a);
    }

    #[test]
    fn guid_commands() {
        assert_eq!(
            (GetDeviceGuid::NETFN, GetDeviceGuid::CMD),
            (NetFn::App, 0x08)
        );
        assert_eq!(
            (GetSystemGuid::NETFN, GetSystemGuid::CMD),
            (NetFn::App, 0x37)
        );
        const { assert!(GetSystemGuid::OUTSIDE_SESSION) };
        const { assert!(!GetDeviceGuid::OUTSIDE_SESSION) };
        golden("", &GetDeviceGuid);
        golden("", &GetSystemGuid);
    }

    #[test]
    fn system_info_request_golden() {
        golden(
            "00 01 00 00",
            &GetSystemInfoParameters::system_firmware_version(0),
        );
        golden(
            "00 01 02 00",
            &GetSystemInfoParameters::system_firmware_version(2),
        );
        golden(
            "80 02 00 00",
            &GetSystemInfoParameters {
                revision_only: true,
                parameter: 2,
                set_selector: 0,
                block_selector: 0,
            },
        );
        assert!(GetSystemInfoParameters::from_bytes(&hex("00 01 00")).is_err());
        assert!(GetSystemInfoParameters::from_bytes(&hex("00 01 00 00 00")).is_err());
        assert_eq!(GetSystemInfoParameters::CMD, 0x59);
    }

    #[test]
    fn system_firmware_version_blocks() {
        // "2.6.1" in one block: rev 11h, set 0, ASCII, length 5.
        let rsp = SystemInfoParameter::from_bytes(&hex(
            "11 00 00 05 32 2e 36 2e 31 00 00 00 00 00 00 00 00 00 00",
        ))
        .unwrap();
        assert_eq!(rsp.revision, 0x11);
        let s = SystemInfoString::from_first_block(&rsp.data);
        assert!(s.is_complete());
        assert_eq!(s.next_set_selector(), None);
        assert_eq!(s.to_string_lossy(), "2.6.1");

        // A 30-byte version across blocks 0, 1, 2 and back through encode_blocks.
        let text = b"SE5C620.86B.02.01.0012.C0001.X";
        let blocks = SystemInfoString::encode_blocks(0, text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0][..3], [0, 0, 30]);
        assert_eq!(blocks[1][0], 1);
        let mut s = SystemInfoString::from_first_block(&blocks[0]);
        assert_eq!(s.next_set_selector(), Some(1));
        s.push_block(&blocks[1]);
        assert_eq!(s.next_set_selector(), None);
        assert_eq!(s.to_string_lossy(), "SE5C620.86B.02.01.0012.C0001.X");
    }

    #[test]
    fn system_info_string_tolerance() {
        // No encoding / length bytes at all: empty string.
        for data in [&[][..], &[0][..], &[0, 0][..]] {
            let s = SystemInfoString::from_first_block(data);
            assert!(s.is_complete());
            assert_eq!(s.to_string_lossy(), "");
        }
        // Declared length longer than anything sent: the block limit stops it.
        let mut s = SystemInfoString::from_first_block(&[0, 0, 255]);
        let mut n = 0;
        while let Some(set) = s.next_set_selector() {
            s.push_block(&[set]);
            n += 1;
        }
        assert_eq!(n, 16);
        // NUL padding inside the declared length is cut.
        let s = SystemInfoString::from_first_block(&hex("00 00 06 41 42 00 00 00 00"));
        assert_eq!(s.to_string_lossy(), "AB");
        // Latin-1 and UTF-8 and UTF-16LE.
        let s = SystemInfoString::from_first_block(&hex("00 00 02 e9 41"));
        assert_eq!(s.to_string_lossy(), "\u{e9}A");
        let s = SystemInfoString::from_first_block(&hex("00 01 02 c3 a9"));
        assert_eq!(s.to_string_lossy(), "\u{e9}");
        let s = SystemInfoString::from_first_block(&hex("00 02 04 41 00 42 00"));
        assert_eq!(s.to_string_lossy(), "AB");
        // Empty string encodes as one block.
        assert_eq!(
            SystemInfoString::encode_blocks(1, b""),
            vec![{
                let mut b = vec![0, 1, 0];
                b.resize(17, 0);
                b
            }]
        );
    }

    prop_compose! {
        fn device_id()(
            device_id in any::<u8>(),
            device_revision in 0u8..16,
            provides_device_sdrs in any::<bool>(),
            device_available in any::<bool>(),
            firmware_major in 0u8..128,
            firmware_minor in any::<u8>(),
            ipmi_version in any::<u8>(),
            support in any::<u8>(),
            manufacturer_id in 0u32..=0x000f_ffff,
            product_id in any::<u16>(),
            aux_firmware in proptest::option::of(any::<[u8; 4]>()),
        ) -> DeviceId {
            DeviceId {
                device_id, device_revision, provides_device_sdrs, device_available,
                firmware_major, firmware_minor, ipmi_version,
                additional_support: DeviceSupport(support),
                manufacturer_id, product_id, aux_firmware,
            }
        }
    }

    proptest! {
        #[test]
        fn device_id_round_trip(d in device_id()) {
            round_trip(&d);
            let _ = d.firmware_version_detailed();
        }

        #[test]
        fn self_test_round_trip(result in any::<u8>(), detail in any::<u8>()) {
            round_trip(&SelfTestResults { result, detail });
        }

        #[test]
        fn guid_round_trip(g in any::<[u8; 16]>()) {
            let g = Guid(g);
            round_trip(&g);
            prop_assert_eq!(g.to_string().len(), 36);
        }

        #[test]
        fn system_info_round_trip(
            revision_only in any::<bool>(), parameter in any::<u8>(),
            set_selector in any::<u8>(), block_selector in any::<u8>(),
            revision in any::<u8>(), data in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            round_trip(&GetSystemInfoParameters { revision_only, parameter, set_selector, block_selector });
            round_trip(&SystemInfoParameter { revision, data });
        }

        #[test]
        fn system_info_string_round_trip(
            text in proptest::collection::vec(1u8..=255, 0..300),
        ) {
            let blocks = SystemInfoString::encode_blocks(SystemInfoString::ENCODING_LATIN1, &text);
            let first = blocks.first().unwrap();
            let mut s = SystemInfoString::from_first_block(first);
            while let Some(set) = s.next_set_selector() {
                let block = blocks.get(usize::from(set)).unwrap();
                prop_assert_eq!(block[0], set);
                s.push_block(block);
            }
            let want: Vec<u8> = text.iter().copied().take(255).collect();
            prop_assert_eq!(&s.bytes, &want);
        }

        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            decode_any::<GetDeviceId>(&bytes);
            decode_any::<DeviceId>(&bytes);
            decode_any::<GetSelfTestResults>(&bytes);
            decode_any::<SelfTestResults>(&bytes);
            decode_any::<GetDeviceGuid>(&bytes);
            decode_any::<GetSystemGuid>(&bytes);
            decode_any::<Guid>(&bytes);
            decode_any::<GetSystemInfoParameters>(&bytes);
            decode_any::<SystemInfoParameter>(&bytes);
            if let Ok(d) = DeviceId::from_bytes(&bytes) {
                let _ = (d.firmware_revision(), d.firmware_version_detailed(), d.ipmi_version_string());
            }
            let mut s = SystemInfoString::from_first_block(&bytes);
            s.push_block(&bytes);
            let _ = (s.to_string_lossy(), s.next_set_selector());
        }
    }
}
