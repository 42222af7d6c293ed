//! DCMI commands (NetFn Group Extension 2Ch, group extension ID DCh; DCMI
//! v1.5 §6): Get DCMI Capabilities Info (01h, §6.1.1) and Get Power
//! Reading (02h, §6.6.1).
//!
//! Every DCMI request starts with the group extension identification byte
//! DCh and every response echoes it right after the completion code; the
//! decoders check it ([`DecodeError::InvalidField`] naming
//! [`GROUP_ID_FIELD`] otherwise), which catches BMCs that answer NetFn 2Ch
//! for another group.
//!
//! A BMC without DCMI answers C1h ("invalid command"): OpenIPMI's
//! `ipmi_sim` does, and both ipmitool (`DCMI request failed because:
//! Invalid command (c1)`) and FreeIPMI (`ipmi_cmd_dcmi_get_power_reading:
//! command invalid or unsupported`) stop there. The exporter's `dcmi`
//! collector publishes `ipmi_dcmi_power_consumption_watts` from
//! [`PowerReading::current_watts`] only when
//! [`PowerReading::measurement_active`] is set.

use super::{bit, flag, skip_rest, Command};
use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::types::{NetFn, PrivilegeLevel};

/// The DCMI group extension identification byte (DCMI v1.5 §6, "Group
/// Extension ID = DCh").
pub const GROUP_ID: u8 = 0xdc;

/// The field name used in decode errors about the group ID byte.
pub const GROUP_ID_FIELD: &str = "DCMI group extension ID";

fn read_group_id(r: &mut Reader<'_>) -> Result<(), DecodeError> {
    match r.u8(GROUP_ID_FIELD)? {
        GROUP_ID => Ok(()),
        other => Err(DecodeError::InvalidField {
            what: GROUP_ID_FIELD,
            value: u32::from(other),
        }),
    }
}

// ---------------------------------------------------------------------------
// Get DCMI Capabilities Info
// ---------------------------------------------------------------------------

/// Get DCMI Capabilities Info (NetFn 2Ch, command 01h; DCMI v1.5 §6.1.1,
/// Table 6-2).
///
/// ```text
///  byte  field
///  1     group extension ID (DCh)
///  2     parameter selector (Table 6-3): 1 supported capabilities,
///        2 mandatory platform attributes, 3 optional platform attributes,
///        4 manageability access attributes, 5 enhanced system power
///        statistics attributes
/// ```
///
/// Minimum privilege: User.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GetDcmiCapabilities {
    /// Parameter selector.
    pub parameter: u8,
}

impl GetDcmiCapabilities {
    /// Parameter 1: Supported DCMI Capabilities ([`SupportedCapabilities`]).
    pub const SUPPORTED_CAPABILITIES: u8 = 1;
    /// Parameter 2: Mandatory Platform Attributes
    /// ([`MandatoryPlatformAttributes`]).
    pub const MANDATORY_PLATFORM_ATTRIBUTES: u8 = 2;
    /// Parameter 3: Optional Platform Attributes
    /// ([`OptionalPlatformAttributes`]).
    pub const OPTIONAL_PLATFORM_ATTRIBUTES: u8 = 3;
    /// Parameter 4: Manageability Access Attributes
    /// ([`ManageabilityAccessAttributes`]).
    pub const MANAGEABILITY_ACCESS_ATTRIBUTES: u8 = 4;
    /// Parameter 5: Enhanced System Power Statistics Attributes
    /// ([`EnhancedPowerStatisticsAttributes`]).
    pub const ENHANCED_POWER_STATISTICS_ATTRIBUTES: u8 = 5;

    /// A request for `parameter`.
    pub fn new(parameter: u8) -> Self {
        Self { parameter }
    }
}

impl Codec for GetDcmiCapabilities {
    fn encode(&self, w: &mut Writer) {
        w.u8(GROUP_ID).u8(self.parameter);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        read_group_id(r)?;
        Ok(Self {
            parameter: r.u8("parameter selector")?,
        })
    }
}

impl Command for GetDcmiCapabilities {
    const NETFN: NetFn = NetFn::GroupExtension;
    const CMD: u8 = 0x01;
    type Response = DcmiCapabilities;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get DCMI Capabilities Info response data (DCMI v1.5 §6.1.1, Table 6-2).
///
/// ```text
///  byte  field
///  1     group extension ID (DCh)
///  2     DCMI specification conformance, major version (01h)
///  3     DCMI specification conformance, minor version (00h, 01h, 05h)
///  4     parameter revision (02h for DCMI 1.5)
///  5:N   parameter data
/// ```
///
/// The parameter data's layout depends on the selector of the request;
/// decode it with [`DcmiCapabilities::parameter`] and one of the parameter
/// types of this module.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DcmiCapabilities {
    /// DCMI conformance, major version.
    pub major_version: u8,
    /// DCMI conformance, minor version.
    pub minor_version: u8,
    /// Parameter revision.
    pub parameter_revision: u8,
    /// Parameter data.
    pub data: Vec<u8>,
}

impl DcmiCapabilities {
    /// The DCMI version as "major.minor" (`"1.5"`).
    pub fn version(&self) -> String {
        format!("{}.{}", self.major_version, self.minor_version)
    }

    /// Decodes the parameter data as `P`.
    ///
    /// # Errors
    /// A [`DecodeError`] when the data is too short for `P`.
    pub fn parameter<P: Codec>(&self) -> Result<P, DecodeError> {
        P::decode(&mut Reader::new(&self.data))
    }
}

impl Codec for DcmiCapabilities {
    fn encode(&self, w: &mut Writer) {
        w.u8(GROUP_ID)
            .u8(self.major_version)
            .u8(self.minor_version)
            .u8(self.parameter_revision)
            .bytes(&self.data);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        read_group_id(r)?;
        Ok(Self {
            major_version: r.u8("DCMI major version")?,
            minor_version: r.u8("DCMI minor version")?,
            parameter_revision: r.u8("parameter revision")?,
            data: r.rest().to_vec(),
        })
    }
}

/// Parameter 1, Supported DCMI Capabilities (DCMI v1.5 §6.1.1, Table 6-3).
///
/// ```text
///  byte  field
///  1     mandatory platform capabilities (DCMI 1.0; reserved since 1.1):
///        [3] temperature monitor  [2] chassis power  [1] SEL logging
///        [0] identification support
///  2     optional platform capabilities: [0] power management / monitoring
///  3     manageability access capabilities: [5] VLAN capable  [4] SOL
///        supported  [3] primary LAN OOB  [2] secondary LAN OOB
///        [1] serial TMODE OOB  [0] in-band system interface
/// ```
///
/// Bytes are kept raw; the accessors name the bits. Extra bytes are
/// ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SupportedCapabilities {
    /// Byte 1: mandatory platform capabilities.
    pub mandatory: u8,
    /// Byte 2: optional platform capabilities.
    pub optional: u8,
    /// Byte 3: manageability access capabilities.
    pub access: u8,
}

impl SupportedCapabilities {
    /// Byte 2 bit 0: the platform supports power management (Get Power
    /// Reading and the power limit commands).
    pub fn power_management(&self) -> bool {
        bit(self.optional, 0)
    }
    /// Byte 1 bit 0: identification support (DCMI 1.0).
    pub fn identification(&self) -> bool {
        bit(self.mandatory, 0)
    }
    /// Byte 1 bit 1: SEL logging (DCMI 1.0).
    pub fn sel_logging(&self) -> bool {
        bit(self.mandatory, 1)
    }
    /// Byte 1 bit 2: chassis power (DCMI 1.0).
    pub fn chassis_power(&self) -> bool {
        bit(self.mandatory, 2)
    }
    /// Byte 1 bit 3: temperature monitor (DCMI 1.0).
    pub fn temperature_monitor(&self) -> bool {
        bit(self.mandatory, 3)
    }
    /// Byte 3 bit 0: in-band system interface channel.
    pub fn in_band(&self) -> bool {
        bit(self.access, 0)
    }
    /// Byte 3 bit 1: out-of-band serial TMODE.
    pub fn serial_tmode(&self) -> bool {
        bit(self.access, 1)
    }
    /// Byte 3 bit 2: out-of-band secondary LAN channel.
    pub fn secondary_lan(&self) -> bool {
        bit(self.access, 2)
    }
    /// Byte 3 bit 3: out-of-band primary LAN channel.
    pub fn primary_lan(&self) -> bool {
        bit(self.access, 3)
    }
    /// Byte 3 bit 4: SOL supported.
    pub fn sol(&self) -> bool {
        bit(self.access, 4)
    }
    /// Byte 3 bit 5: VLAN capable.
    pub fn vlan(&self) -> bool {
        bit(self.access, 5)
    }
}

impl Codec for SupportedCapabilities {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.mandatory).u8(self.optional).u8(self.access);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let v = Self {
            mandatory: r.u8("mandatory platform capabilities")?,
            optional: r.u8("optional platform capabilities")?,
            access: r.u8("manageability access capabilities")?,
        };
        skip_rest(r);
        Ok(v)
    }
}

/// Parameter 2, Mandatory Platform Attributes (DCMI v1.5 §6.1.1, Table
/// 6-3).
///
/// ```text
///  byte  field
///  1:2   SEL attributes: [15] automatic rollover enabled  [14] entire SEL
///        flushed upon rollover  [13] record-level SEL flush upon rollover
///        [12] reserved  [11:0] maximum number of SEL entries
///  3     identification attributes (DCMI 1.0: [2] GUID  [1] DHCP host
///        name  [0] asset tag support)
///  4     temperature monitoring: [7:0] reserved in 1.5 (DCMI 1.0:
///        inlet / CPU / baseboard temperature sensors)
///  5     temperature sampling frequency, seconds
/// ```
///
/// A BMC sending fewer than 5 bytes (DCMI 1.0 ones send 4) decodes with
/// the missing bytes as 0; extra bytes are ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MandatoryPlatformAttributes {
    /// Bytes 1–2, raw.
    pub sel_attributes: u16,
    /// Byte 3, raw.
    pub identification: u8,
    /// Byte 4, raw.
    pub temperature_monitoring: u8,
    /// Byte 5: temperature sampling frequency in seconds.
    pub temperature_sampling_seconds: u8,
}

impl MandatoryPlatformAttributes {
    /// Maximum number of SEL entries (bits 11:0).
    pub fn sel_entries(&self) -> u16 {
        self.sel_attributes & 0x0fff
    }
    /// SEL automatic rollover enabled (bit 15).
    pub fn sel_rollover(&self) -> bool {
        self.sel_attributes & 0x8000 != 0
    }
}

impl Codec for MandatoryPlatformAttributes {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.sel_attributes)
            .u8(self.identification)
            .u8(self.temperature_monitoring)
            .u8(self.temperature_sampling_seconds);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let sel_attributes = r.u16_le("SEL attributes")?;
        let mut next = || r.take_up_to(1).first().copied().unwrap_or(0);
        let v = Self {
            sel_attributes,
            identification: next(),
            temperature_monitoring: next(),
            temperature_sampling_seconds: next(),
        };
        skip_rest(r);
        Ok(v)
    }
}

/// Parameter 3, Optional Platform Attributes (DCMI v1.5 §6.1.1, Table
/// 6-3).
///
/// ```text
///  byte  field
///  1     power management device slave address: [7:1] 7-bit I2C address
///        (00h: the BMC itself)
///  2     [7:4] power management controller channel number
///        [3:0] device revision
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct OptionalPlatformAttributes {
    /// Byte 1: 8-bit slave address of the power management device.
    pub power_management_address: u8,
    /// Byte 2 bits 7:4: channel number of the power management controller.
    pub power_management_channel: u8,
    /// Byte 2 bits 3:0: device revision.
    pub device_revision: u8,
}

impl Codec for OptionalPlatformAttributes {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.power_management_address)
            .u8(((self.power_management_channel & 0x0f) << 4) | (self.device_revision & 0x0f));
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let address = r.u8("power management device slave address")?;
        let b2 = r.u8("power management controller channel")?;
        skip_rest(r);
        Ok(Self {
            power_management_address: address,
            power_management_channel: b2 >> 4,
            device_revision: b2 & 0x0f,
        })
    }
}

/// Parameter 4, Manageability Access Attributes (DCMI v1.5 §6.1.1, Table
/// 6-3): channel numbers, FFh when the channel is not supported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ManageabilityAccessAttributes {
    /// Byte 1: primary LAN out-of-band channel number.
    pub primary_lan_channel: u8,
    /// Byte 2: secondary LAN out-of-band channel number.
    pub secondary_lan_channel: u8,
    /// Byte 3: serial out-of-band TMODE channel number.
    pub serial_channel: u8,
}

impl Codec for ManageabilityAccessAttributes {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.primary_lan_channel)
            .u8(self.secondary_lan_channel)
            .u8(self.serial_channel);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let v = Self {
            primary_lan_channel: r.u8("primary LAN channel")?,
            secondary_lan_channel: r.u8("secondary LAN channel")?,
            serial_channel: r.u8("serial channel")?,
        };
        skip_rest(r);
        Ok(v)
    }
}

/// Unit of a rolling average time period (DCMI v1.5 §6.1.1, Table 6-3,
/// parameter 5, bits `[7:6]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodUnit {
    /// 00b: seconds.
    Seconds,
    /// 01b: minutes.
    Minutes,
    /// 10b: hours.
    Hours,
    /// 11b: days.
    Days,
}

/// A rolling average time period: `[7:6]` unit, `[5:0]` count (DCMI v1.5
/// §6.1.1, parameter 5). The same byte is the "mode attributes" of Get
/// Power Reading in enhanced mode (§6.6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RollingAveragePeriod(pub u8);

impl RollingAveragePeriod {
    /// A period of `value` (6 bits) `unit`s.
    pub fn new(unit: PeriodUnit, value: u8) -> Self {
        let u = match unit {
            PeriodUnit::Seconds => 0,
            PeriodUnit::Minutes => 1,
            PeriodUnit::Hours => 2,
            PeriodUnit::Days => 3,
        };
        Self((u << 6) | (value & 0x3f))
    }

    /// The unit.
    pub fn unit(self) -> PeriodUnit {
        match self.0 >> 6 {
            0 => PeriodUnit::Seconds,
            1 => PeriodUnit::Minutes,
            2 => PeriodUnit::Hours,
            _ => PeriodUnit::Days,
        }
    }

    /// The count of units (6 bits).
    pub fn value(self) -> u8 {
        self.0 & 0x3f
    }

    /// The period in seconds.
    pub fn seconds(self) -> u32 {
        let per = match self.unit() {
            PeriodUnit::Seconds => 1,
            PeriodUnit::Minutes => 60,
            PeriodUnit::Hours => 3_600,
            PeriodUnit::Days => 86_400,
        };
        u32::from(self.value()).saturating_mul(per)
    }
}

/// Parameter 5, Enhanced System Power Statistics Attributes (DCMI v1.5
/// §6.1.1, Table 6-3): byte 1 is the number N of rolling average periods,
/// bytes 2..N+1 the periods. A count larger than the bytes present is cut
/// to what is there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct EnhancedPowerStatisticsAttributes {
    /// Supported rolling average periods.
    pub periods: Vec<RollingAveragePeriod>,
}

impl Codec for EnhancedPowerStatisticsAttributes {
    fn encode(&self, w: &mut Writer) {
        let n = u8::try_from(self.periods.len()).unwrap_or(u8::MAX);
        w.u8(n);
        for p in self.periods.iter().take(usize::from(n)) {
            w.u8(p.0);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let n = r.u8("number of rolling average periods")?;
        let periods = r
            .take_up_to(usize::from(n))
            .iter()
            .map(|b| RollingAveragePeriod(*b))
            .collect();
        skip_rest(r);
        Ok(Self { periods })
    }
}

// ---------------------------------------------------------------------------
// Get Power Reading
// ---------------------------------------------------------------------------

crate::open_enum! {
    /// Get Power Reading mode (DCMI v1.5 §6.6.1, Table 6-16, byte 2).
    pub enum PowerReadingMode {
        /// 01h: system power statistics (the BMC's own sampling period).
        SystemPowerStatistics = 0x01,
        /// 02h: enhanced system power statistics (a rolling average
        /// period from capabilities parameter 5, in the mode attributes).
        EnhancedSystemPowerStatistics = 0x02,
    }
}

/// Get Power Reading (NetFn 2Ch, command 02h; DCMI v1.5 §6.6.1, Table
/// 6-16).
///
/// ```text
///  byte  field
///  1     group extension ID (DCh)
///  2     mode (01h system power statistics, 02h enhanced)
///  3     mode attributes: 00h for mode 1; for mode 2 a rolling average
///        period byte ([7:6] unit, [5:0] count)
///  4     reserved (00h)
/// ```
///
/// Minimum privilege: User.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GetPowerReading {
    /// Statistics mode.
    pub mode: PowerReadingMode,
    /// Mode attributes (00h for mode 1).
    pub mode_attributes: u8,
}

impl GetPowerReading {
    /// Mode 1, system power statistics: what ipmitool `dcmi power reading`,
    /// FreeIPMI `ipmi-dcmi --get-system-power-statistics` and the exporter's
    /// `dcmi` collector send.
    pub fn system() -> Self {
        Self {
            mode: PowerReadingMode::SystemPowerStatistics,
            mode_attributes: 0,
        }
    }

    /// Mode 2, enhanced statistics over one of the periods of capabilities
    /// parameter 5.
    pub fn enhanced(period: RollingAveragePeriod) -> Self {
        Self {
            mode: PowerReadingMode::EnhancedSystemPowerStatistics,
            mode_attributes: period.0,
        }
    }
}

impl Default for GetPowerReading {
    fn default() -> Self {
        Self::system()
    }
}

impl Codec for GetPowerReading {
    fn encode(&self, w: &mut Writer) {
        w.u8(GROUP_ID)
            .u8(self.mode.into())
            .u8(self.mode_attributes)
            .u8(0);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        read_group_id(r)?;
        let mode = PowerReadingMode::from(r.u8("power reading mode")?);
        let mode_attributes = r.u8("mode attributes")?;
        let _reserved = r.u8("reserved")?;
        Ok(Self {
            mode,
            mode_attributes,
        })
    }
}

impl Command for GetPowerReading {
    const NETFN: NetFn = NetFn::GroupExtension;
    const CMD: u8 = 0x02;
    type Response = PowerReading;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get Power Reading response data (DCMI v1.5 §6.6.1, Table 6-16).
///
/// ```text
///  byte   field
///  1      group extension ID (DCh)
///  2:3    current power, watts
///  4:5    minimum power over the sampling duration, watts
///  6:7    maximum power over the sampling duration, watts
///  8:9    average power over the sampling duration, watts
///  10:13  IPMI timestamp of the reading (seconds since 1970-01-01 UTC,
///         IPMI v2.0 §37)
///  14:17  statistics reporting time period, milliseconds
///  18     power reading state: [6] 1b = power measurement active
///         [7], [5:0] reserved
/// ```
///
/// All multi-byte fields are LS byte first. When the measurement is not
/// active the numbers mean nothing; FreeIPMI then prints "Power
/// Measurement : Not Available" and the exporter omits the metric. Bytes
/// after the state byte are ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PowerReading {
    /// Current (instantaneous) power in watts.
    pub current_watts: u16,
    /// Minimum power over the sampling period, watts.
    pub minimum_watts: u16,
    /// Maximum power over the sampling period, watts.
    pub maximum_watts: u16,
    /// Average power over the sampling period, watts.
    pub average_watts: u16,
    /// IPMI timestamp (seconds since 1970-01-01 00:00 UTC).
    pub timestamp: u32,
    /// Statistics reporting time period, milliseconds.
    pub statistics_period_ms: u32,
    /// Power measurement active (state byte bit 6).
    pub measurement_active: bool,
}

impl Codec for PowerReading {
    fn encode(&self, w: &mut Writer) {
        w.u8(GROUP_ID)
            .u16_le(self.current_watts)
            .u16_le(self.minimum_watts)
            .u16_le(self.maximum_watts)
            .u16_le(self.average_watts)
            .u32_le(self.timestamp)
            .u32_le(self.statistics_period_ms)
            .u8(flag(self.measurement_active, 6));
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        read_group_id(r)?;
        let v = Self {
            current_watts: r.u16_le("current power")?,
            minimum_watts: r.u16_le("minimum power")?,
            maximum_watts: r.u16_le("maximum power")?,
            average_watts: r.u16_le("average power")?,
            timestamp: r.u32_le("timestamp")?,
            statistics_period_ms: r.u32_le("statistics reporting time period")?,
            measurement_active: bit(r.u8("power reading state")?, 6),
        };
        skip_rest(r);
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::test_util::{decode_any, encode, golden, hex, round_trip};
    use proptest::prelude::*;

    #[test]
    fn capabilities_request() {
        assert_eq!(
            (GetDcmiCapabilities::NETFN, GetDcmiCapabilities::CMD),
            (NetFn::GroupExtension, 0x01)
        );
        golden("dc 01", &GetDcmiCapabilities::new(1));
        golden("dc 05", &GetDcmiCapabilities::new(5));
        assert!(matches!(
            GetDcmiCapabilities::from_bytes(&hex("dd 01")),
            Err(DecodeError::InvalidField {
                what: GROUP_ID_FIELD,
                value: 0xdd
            })
        ));
    }

    #[test]
    fn capabilities_parameters() {
        // DCMI 1.5, parameter revision 2, parameter 1: power management,
        // in-band + primary LAN + SOL.
        let caps = DcmiCapabilities {
            major_version: 1,
            minor_version: 5,
            parameter_revision: 2,
            data: hex("00 01 19"),
        };
        golden("dc 01 05 02 00 01 19", &caps);
        assert_eq!(caps.version(), "1.5");
        let p1: SupportedCapabilities = caps.parameter().unwrap();
        assert!(p1.power_management() && p1.in_band() && p1.primary_lan() && p1.sol());
        assert!(!p1.secondary_lan() && !p1.serial_tmode() && !p1.vlan());
        assert!(!p1.identification() && !p1.sel_logging());
        assert!(!p1.chassis_power() && !p1.temperature_monitor());
        // DCMI 1.0 mandatory byte.
        assert!(SupportedCapabilities::from_bytes(&hex("0f 00 00"))
            .unwrap()
            .temperature_monitor());
        assert!(SupportedCapabilities::from_bytes(&hex("00 01")).is_err());

        // Parameter 2: 1024 SEL entries with rollover, sampling every 5 s.
        let p2 = MandatoryPlatformAttributes::from_bytes(&hex("00 84 00 00 05")).unwrap();
        assert_eq!(p2.sel_entries(), 1024);
        assert!(p2.sel_rollover());
        assert_eq!(p2.temperature_sampling_seconds, 5);
        golden("00 84 00 00 05", &p2);
        // DCMI 1.0: 4 bytes.
        assert_eq!(
            MandatoryPlatformAttributes::from_bytes(&hex("ff 0f 07 07"))
                .unwrap()
                .temperature_sampling_seconds,
            0
        );

        // Parameter 3: the BMC itself, channel 0, revision 1.
        golden(
            "00 01",
            &OptionalPlatformAttributes {
                power_management_address: 0,
                power_management_channel: 0,
                device_revision: 1,
            },
        );
        let p3 = OptionalPlatformAttributes::from_bytes(&hex("2c 73")).unwrap();
        assert_eq!((p3.power_management_channel, p3.device_revision), (7, 3));

        // Parameter 4: LAN channel 1 only.
        golden(
            "01 ff ff",
            &ManageabilityAccessAttributes {
                primary_lan_channel: 1,
                secondary_lan_channel: 0xff,
                serial_channel: 0xff,
            },
        );

        // Parameter 5: 30 s, 5 min, 1 h, 1 day.
        let p5 = EnhancedPowerStatisticsAttributes::from_bytes(&hex("04 1e 45 81 c1")).unwrap();
        let secs: Vec<u32> = p5.periods.iter().map(|p| p.seconds()).collect();
        assert_eq!(secs, [30, 300, 3600, 86400]);
        assert_eq!(p5.periods[1].unit(), PeriodUnit::Minutes);
        assert_eq!(p5.periods[1].value(), 5);
        assert_eq!(
            RollingAveragePeriod::new(PeriodUnit::Hours, 1),
            p5.periods[2]
        );
        golden("04 1e 45 81 c1", &p5);
        // Count larger than what was sent: cut.
        assert_eq!(
            EnhancedPowerStatisticsAttributes::from_bytes(&hex("05 1e"))
                .unwrap()
                .periods
                .len(),
            1
        );
        // Wrong group ID in the response.
        assert!(DcmiCapabilities::from_bytes(&hex("00 01 05 02")).is_err());
        assert!(DcmiCapabilities::from_bytes(&hex("dc 01 05")).is_err());
    }

    #[test]
    fn power_reading_request() {
        assert_eq!(
            (GetPowerReading::NETFN, GetPowerReading::CMD),
            (NetFn::GroupExtension, 0x02)
        );
        // ipmitool `dcmi power reading` sends `dc 01 00 00`.
        golden("dc 01 00 00", &GetPowerReading::system());
        golden(
            "dc 02 45 00",
            &GetPowerReading::enhanced(RollingAveragePeriod::new(PeriodUnit::Minutes, 5)),
        );
        // Reserved byte is required, then ignored.
        assert!(GetPowerReading::from_bytes(&hex("dc 01 00")).is_err());
        assert_eq!(
            GetPowerReading::from_bytes(&hex("dc 01 00 07")),
            Ok(GetPowerReading::system())
        );
    }

    #[test]
    fn power_reading_response() {
        // 285 W now, 210 min, 412 max, 276 avg; timestamp 2024-02-12
        // 10:15:00 UTC (65C9EFA4h); 1 s period; active.
        let p = PowerReading {
            current_watts: 285,
            minimum_watts: 210,
            maximum_watts: 412,
            average_watts: 276,
            timestamp: 1_707_732_900,
            statistics_period_ms: 1000,
            measurement_active: true,
        };
        golden("dc 1d 01 d2 00 9c 01 14 01 a4 ef c9 65 e8 03 00 00 40", &p);
        // Inactive, reserved state bits set; trailing bytes ignored.
        let q = PowerReading::from_bytes(&hex(
            "dc 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 bf 00",
        ))
        .unwrap();
        assert!(!q.measurement_active);
        assert_eq!(
            encode(&q),
            hex("dc 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")
        );
        // Missing state byte.
        assert!(matches!(
            PowerReading::from_bytes(&hex("dc 1d 01 d2 00 9c 01 14 01 a4 ef c9 65 e8 03 00 00")),
            Err(DecodeError::Truncated {
                what: "power reading state",
                ..
            })
        ));
        // Group ID check.
        assert!(matches!(
            PowerReading::from_bytes(&hex(
                "01 1d 01 d2 00 9c 01 14 01 a4 f0 c9 65 e8 03 00 00 40"
            )),
            Err(DecodeError::InvalidField { value: 1, .. })
        ));
    }

    proptest! {
        #[test]
        fn power_reading_round_trip(
            w in any::<[u16; 4]>(), timestamp in any::<u32>(), period in any::<u32>(),
            active in any::<bool>(),
        ) {
            round_trip(&PowerReading {
                current_watts: w[0], minimum_watts: w[1], maximum_watts: w[2],
                average_watts: w[3], timestamp, statistics_period_ms: period,
                measurement_active: active,
            });
        }

        #[test]
        fn capabilities_round_trip(
            major in any::<u8>(), minor in any::<u8>(), rev in any::<u8>(),
            data in proptest::collection::vec(any::<u8>(), 0..16),
            periods in proptest::collection::vec(any::<u8>(), 0..10),
            p1 in any::<[u8; 3]>(), p2 in any::<(u16, [u8; 3])>(),
        ) {
            round_trip(&DcmiCapabilities {
                major_version: major, minor_version: minor, parameter_revision: rev, data,
            });
            round_trip(&EnhancedPowerStatisticsAttributes {
                periods: periods.into_iter().map(RollingAveragePeriod).collect(),
            });
            round_trip(&SupportedCapabilities { mandatory: p1[0], optional: p1[1], access: p1[2] });
            round_trip(&MandatoryPlatformAttributes {
                sel_attributes: p2.0, identification: p2.1[0],
                temperature_monitoring: p2.1[1], temperature_sampling_seconds: p2.1[2],
            });
            round_trip(&ManageabilityAccessAttributes {
                primary_lan_channel: p1[0], secondary_lan_channel: p1[1], serial_channel: p1[2],
            });
        }

        #[test]
        fn requests_round_trip(parameter in any::<u8>(), mode in any::<u8>(), attributes in any::<u8>()) {
            round_trip(&GetDcmiCapabilities::new(parameter));
            round_trip(&GetPowerReading { mode: PowerReadingMode::from(mode), mode_attributes: attributes });
        }

        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..24)) {
            decode_any::<GetDcmiCapabilities>(&bytes);
            decode_any::<DcmiCapabilities>(&bytes);
            decode_any::<GetPowerReading>(&bytes);
            decode_any::<PowerReading>(&bytes);
            decode_any::<SupportedCapabilities>(&bytes);
            decode_any::<MandatoryPlatformAttributes>(&bytes);
            decode_any::<OptionalPlatformAttributes>(&bytes);
            decode_any::<ManageabilityAccessAttributes>(&bytes);
            decode_any::<EnhancedPowerStatisticsAttributes>(&bytes);
            if let Ok(c) = DcmiCapabilities::from_bytes(&bytes) {
                let _ = c.parameter::<EnhancedPowerStatisticsAttributes>();
                let _ = c.parameter::<SupportedCapabilities>().map(|p| p.power_management());
            }
            for b in &bytes {
                let _ = RollingAveragePeriod(*b).seconds();
            }
        }
    }
}
