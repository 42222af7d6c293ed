//! Chassis (NetFn 00h) commands: Get Chassis Status (IPMI v2.0 §28.2) and
//! Chassis Control (§28.3).
//!
//! The exporter's `chassis` collector reads three things from Get Chassis
//! Status: [`ChassisStatus::power_on`], [`ChassisStatus::drive_fault`] and
//! [`ChassisStatus::cooling_fault`]. Upstream's FreeIPMI mode publishes the
//! two faults inverted (`1` = no fault); that encoding belongs to the
//! exporter, these types report the bits as the BMC sent them.

use super::{bit, flag, skip_rest, Command, EmptyResponse};
use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::types::{NetFn, PrivilegeLevel};

// ---------------------------------------------------------------------------
// Get Chassis Status
// ---------------------------------------------------------------------------

/// Get Chassis Status (NetFn Chassis 00h, command 01h; IPMI v2.0 §28.2,
/// Table 28-3).
///
/// No request data. Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetChassisStatus;

impl Codec for GetChassisStatus {
    fn encode(&self, _w: &mut Writer) {}

    fn decode(_r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self)
    }
}

impl Command for GetChassisStatus {
    const NETFN: NetFn = NetFn::Chassis;
    const CMD: u8 = 0x01;
    type Response = ChassisStatus;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Power restore policy, "Current Power State" bits `[6:5]` (IPMI v2.0
/// §28.2, Table 28-3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PowerRestorePolicy {
    /// 00b: chassis stays powered off after AC/mains returns.
    #[default]
    AlwaysOff,
    /// 01b: after AC returns, power is restored to the state that was in
    /// effect when AC/mains was lost.
    Previous,
    /// 10b: chassis always powers up after AC/mains returns.
    AlwaysOn,
    /// 11b: unknown.
    Unknown,
}

impl PowerRestorePolicy {
    /// The policy from its 2-bit code (higher bits ignored).
    pub fn from_bits(bits: u8) -> Self {
        match bits & 0x03 {
            0 => Self::AlwaysOff,
            1 => Self::Previous,
            2 => Self::AlwaysOn,
            _ => Self::Unknown,
        }
    }

    /// The 2-bit code.
    pub fn bits(self) -> u8 {
        match self {
            Self::AlwaysOff => 0,
            Self::Previous => 1,
            Self::AlwaysOn => 2,
            Self::Unknown => 3,
        }
    }

    /// The name `ipmitool chassis status` prints ("Power Restore Policy :
    /// always-off"): `always-off`, `previous`, `always-on`, `unknown`.
    pub fn ipmitool_name(self) -> &'static str {
        match self {
            Self::AlwaysOff => "always-off",
            Self::Previous => "previous",
            Self::AlwaysOn => "always-on",
            Self::Unknown => "unknown",
        }
    }

    /// The name FreeIPMI `ipmi-chassis --get-chassis-status` prints ("Power
    /// restore policy : Always off"): `Always off`, `Restore`, `Always on`,
    /// `unknown`.
    pub fn freeipmi_name(self) -> &'static str {
        match self {
            Self::AlwaysOff => "Always off",
            Self::Previous => "Restore",
            Self::AlwaysOn => "Always on",
            Self::Unknown => "unknown",
        }
    }
}

/// "Last Power Event" byte of Get Chassis Status (IPMI v2.0 §28.2, Table
/// 28-3, response byte 3); bits `[7:5]` are reserved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct LastPowerEvent(pub u8);

impl LastPowerEvent {
    /// `[0]` AC failed.
    pub const AC_FAILED: u8 = 0x01;
    /// `[1]` last power down caused by a power overload.
    pub const OVERLOAD: u8 = 0x02;
    /// `[2]` last power down caused by a power interlock being activated.
    pub const INTERLOCK: u8 = 0x04;
    /// `[3]` last power down caused by a power fault.
    pub const POWER_FAULT: u8 = 0x08;
    /// `[4]` last "power is on" state was entered via an IPMI command.
    pub const POWER_ON_VIA_IPMI: u8 = 0x10;

    /// `[0]` AC failed.
    pub fn ac_failed(self) -> bool {
        bit(self.0, 0)
    }
    /// `[1]` power down caused by power overload.
    pub fn overload(self) -> bool {
        bit(self.0, 1)
    }
    /// `[2]` power down caused by the power interlock.
    pub fn interlock(self) -> bool {
        bit(self.0, 2)
    }
    /// `[3]` power down caused by a power fault.
    pub fn power_fault(self) -> bool {
        bit(self.0, 3)
    }
    /// `[4]` power on entered via an IPMI command.
    pub fn power_on_via_ipmi(self) -> bool {
        bit(self.0, 4)
    }

    /// `true` when no event bit is set.
    pub fn is_empty(self) -> bool {
        self.0 & 0x1f == 0
    }

    /// The words `ipmitool chassis status` prints after "Last Power Event :",
    /// one per set bit, in bit order: `ac-failed`, `overload`, `interlock`,
    /// `fault`, `command` (empty when no bit is set).
    pub fn ipmitool_words(self) -> Vec<&'static str> {
        [
            (self.ac_failed(), "ac-failed"),
            (self.overload(), "overload"),
            (self.interlock(), "interlock"),
            (self.power_fault(), "fault"),
            (self.power_on_via_ipmi(), "command"),
        ]
        .into_iter()
        .filter_map(|(on, w)| on.then_some(w))
        .collect()
    }

    /// The one phrase FreeIPMI `ipmi-chassis` prints for "Last Power Event":
    /// the lowest set bit wins; `unknown` when none is set.
    pub fn freeipmi_name(self) -> &'static str {
        if self.ac_failed() {
            "ac failed"
        } else if self.overload() {
            "power down due to power overload"
        } else if self.interlock() {
            "power down due to Activation of interlock switch"
        } else if self.power_fault() {
            "power down due to power fault"
        } else if self.power_on_via_ipmi() {
            "power on via ipmi command"
        } else {
            "unknown"
        }
    }
}

/// Chassis identify state, "Misc. Chassis State" bits `[5:4]` (IPMI v2.0
/// §28.2, Table 28-3); meaningful only when the BMC sets bit 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentifyState {
    /// 00b: identify off.
    Off,
    /// 01b: temporary (timed) on.
    Timed,
    /// 10b: indefinite on.
    Indefinite,
    /// 11b: reserved.
    Reserved,
}

impl IdentifyState {
    /// The state from its 2-bit code (higher bits ignored).
    pub fn from_bits(bits: u8) -> Self {
        match bits & 0x03 {
            0 => Self::Off,
            1 => Self::Timed,
            2 => Self::Indefinite,
            _ => Self::Reserved,
        }
    }

    /// The 2-bit code.
    pub fn bits(self) -> u8 {
        match self {
            Self::Off => 0,
            Self::Timed => 1,
            Self::Indefinite => 2,
            Self::Reserved => 3,
        }
    }

    /// The name FreeIPMI prints ("Chassis Identify state : off"): `off`,
    /// `Timed on`, `Indefinite on`, `Reserved`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Timed => "Timed on",
            Self::Indefinite => "Indefinite on",
            Self::Reserved => "Reserved",
        }
    }
}

/// The optional "Front Panel Button Capabilities and disable/enable
/// status" byte of Get Chassis Status (IPMI v2.0 §28.2, Table 28-3,
/// response byte 4).
///
/// `[7:4]`: 1b = disabling the standby (sleep), diagnostic interrupt,
/// reset, power off button is *allowed*; `[3:0]`: 1b = that button is
/// currently *disabled*.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FrontPanelButtons(pub u8);

impl FrontPanelButtons {
    /// `[7]` disabling the standby (sleep) button is allowed.
    pub fn standby_disable_allowed(self) -> bool {
        bit(self.0, 7)
    }
    /// `[6]` disabling the diagnostic interrupt button is allowed.
    pub fn diagnostic_disable_allowed(self) -> bool {
        bit(self.0, 6)
    }
    /// `[5]` disabling the reset button is allowed.
    pub fn reset_disable_allowed(self) -> bool {
        bit(self.0, 5)
    }
    /// `[4]` disabling the power off button is allowed.
    pub fn power_off_disable_allowed(self) -> bool {
        bit(self.0, 4)
    }
    /// `[3]` the standby (sleep) button is disabled.
    pub fn standby_disabled(self) -> bool {
        bit(self.0, 3)
    }
    /// `[2]` the diagnostic interrupt button is disabled.
    pub fn diagnostic_disabled(self) -> bool {
        bit(self.0, 2)
    }
    /// `[1]` the reset button is disabled.
    pub fn reset_disabled(self) -> bool {
        bit(self.0, 1)
    }
    /// `[0]` the power off button is disabled.
    pub fn power_off_disabled(self) -> bool {
        bit(self.0, 0)
    }
}

/// Get Chassis Status response data (IPMI v2.0 §28.2, Table 28-3).
///
/// ```text
///  byte  field
///  1     Current Power State: [7] reserved  [6:5] power restore policy
///        [4] power control fault  [3] power fault  [2] interlock
///        [1] power overload  [0] power is on
///  2     Last Power Event: [7:5] reserved  [4] power on via IPMI command
///        [3] power fault  [2] interlock  [1] overload  [0] AC failed
///  3     Misc. Chassis State: [7] reserved  [6] identify command and state
///        info supported  [5:4] identify state  [3] cooling/fan fault
///        [2] drive fault  [1] front panel lockout active
///        [0] chassis intrusion active
///  4     Front Panel Button Capabilities (optional)
/// ```
///
/// Byte 4 is optional; anything after it is ignored. The identify state
/// is `None` unless bit 6 of byte 3 says the BMC reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ChassisStatus {
    /// System power is on (byte 1 bit 0).
    pub power_on: bool,
    /// Power overload (byte 1 bit 1).
    pub power_overload: bool,
    /// Power interlock active (byte 1 bit 2).
    pub interlock: bool,
    /// Main power fault (byte 1 bit 3).
    pub power_fault: bool,
    /// Power control fault (byte 1 bit 4).
    pub power_control_fault: bool,
    /// Power restore policy (byte 1 bits 6:5).
    pub restore_policy: PowerRestorePolicy,
    /// Last power event bits (byte 2).
    pub last_power_event: LastPowerEvent,
    /// Chassis intrusion active (byte 3 bit 0).
    pub intrusion: bool,
    /// Front panel lockout active (byte 3 bit 1).
    pub front_panel_lockout: bool,
    /// Drive fault (byte 3 bit 2).
    pub drive_fault: bool,
    /// Cooling / fan fault detected (byte 3 bit 3).
    pub cooling_fault: bool,
    /// Chassis identify state, when the BMC supports reporting it (byte 3
    /// bit 6 set, state in bits 5:4).
    pub identify: Option<IdentifyState>,
    /// Front panel button capabilities (optional byte 4).
    pub front_panel: Option<FrontPanelButtons>,
}

impl Codec for ChassisStatus {
    fn encode(&self, w: &mut Writer) {
        w.u8(flag(self.power_on, 0)
            | flag(self.power_overload, 1)
            | flag(self.interlock, 2)
            | flag(self.power_fault, 3)
            | flag(self.power_control_fault, 4)
            | (self.restore_policy.bits() << 5))
            .u8(self.last_power_event.0 & 0x1f);
        let identify = match self.identify {
            Some(state) => 0x40 | (state.bits() << 4),
            None => 0,
        };
        w.u8(flag(self.intrusion, 0)
            | flag(self.front_panel_lockout, 1)
            | flag(self.drive_fault, 2)
            | flag(self.cooling_fault, 3)
            | identify);
        if let Some(fp) = self.front_panel {
            w.u8(fp.0);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let power = r.u8("current power state")?;
        let event = r.u8("last power event")?;
        let misc = r.u8("misc chassis state")?;
        let front_panel = if r.is_empty() {
            None
        } else {
            Some(FrontPanelButtons(r.u8("front panel button capabilities")?))
        };
        skip_rest(r);
        Ok(Self {
            power_on: bit(power, 0),
            power_overload: bit(power, 1),
            interlock: bit(power, 2),
            power_fault: bit(power, 3),
            power_control_fault: bit(power, 4),
            restore_policy: PowerRestorePolicy::from_bits(power >> 5),
            last_power_event: LastPowerEvent(event & 0x1f),
            intrusion: bit(misc, 0),
            front_panel_lockout: bit(misc, 1),
            drive_fault: bit(misc, 2),
            cooling_fault: bit(misc, 3),
            identify: bit(misc, 6).then(|| IdentifyState::from_bits(misc >> 4)),
            front_panel,
        })
    }
}

// ---------------------------------------------------------------------------
// Chassis Control
// ---------------------------------------------------------------------------

/// The action of a Chassis Control request (IPMI v2.0 §28.3, Table 28-4,
/// byte 1 bits `[3:0]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChassisControlAction {
    /// 0h: power down (force off, no orderly shutdown).
    PowerDown,
    /// 1h: power up.
    PowerUp,
    /// 2h: power cycle (off, then on after the power cycle interval).
    PowerCycle,
    /// 3h: hard reset.
    HardReset,
    /// 4h: pulse a diagnostic interrupt (NMI).
    DiagnosticInterrupt,
    /// 5h: soft shutdown via an ACPI overtemperature emulation.
    SoftShutdown,
    /// 6h–Fh: reserved.
    Reserved(u8),
}

impl ChassisControlAction {
    /// The action from its 4-bit code (higher bits ignored).
    pub fn from_bits(bits: u8) -> Self {
        match bits & 0x0f {
            0 => Self::PowerDown,
            1 => Self::PowerUp,
            2 => Self::PowerCycle,
            3 => Self::HardReset,
            4 => Self::DiagnosticInterrupt,
            5 => Self::SoftShutdown,
            other => Self::Reserved(other),
        }
    }

    /// The 4-bit code.
    pub fn bits(self) -> u8 {
        match self {
            Self::PowerDown => 0,
            Self::PowerUp => 1,
            Self::PowerCycle => 2,
            Self::HardReset => 3,
            Self::DiagnosticInterrupt => 4,
            Self::SoftShutdown => 5,
            Self::Reserved(v) => v & 0x0f,
        }
    }
}

/// Chassis Control (NetFn Chassis 00h, command 02h; IPMI v2.0 §28.3,
/// Table 28-4).
///
/// ```text
///  byte  field
///  1     [7:4] reserved  [3:0] chassis control action
/// ```
///
/// No response data. Minimum privilege: Operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChassisControl {
    /// The action.
    pub action: ChassisControlAction,
}

impl Codec for ChassisControl {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.action.bits());
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            action: ChassisControlAction::from_bits(r.u8("chassis control")?),
        })
    }
}

impl Command for ChassisControl {
    const NETFN: NetFn = NetFn::Chassis;
    const CMD: u8 = 0x02;
    type Response = EmptyResponse;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::Operator;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::test_util::{decode_any, encode, golden, hex, round_trip};
    use proptest::prelude::*;

    #[test]
    fn get_chassis_status_request() {
        assert_eq!(
            (GetChassisStatus::NETFN, GetChassisStatus::CMD),
            (NetFn::Chassis, 0x01)
        );
        assert_eq!(GetChassisStatus::PRIVILEGE, PrivilegeLevel::User);
        golden("", &GetChassisStatus);
    }

    /// `ipmitool raw 0x00 0x01` against the project's ipmi_sim (tests/sim):
    /// `01 00 00` — power on, policy always-off, nothing else; both tools
    /// print "System Power : on" and "Power Restore Policy : always-off".
    #[test]
    fn chassis_status_ipmi_sim() {
        let s = ChassisStatus {
            power_on: true,
            ..ChassisStatus::default()
        };
        golden("01 00 00", &s);
        assert_eq!(s.restore_policy.ipmitool_name(), "always-off");
        assert_eq!(s.restore_policy.freeipmi_name(), "Always off");
        assert!(s.last_power_event.ipmitool_words().is_empty());
        assert_eq!(s.last_power_event.freeipmi_name(), "unknown");
        assert_eq!(s.identify, None);
        assert_eq!(s.front_panel, None);
    }

    #[test]
    fn chassis_status_every_bit() {
        // Power on, overload, interlock, fault, control fault, policy
        // previous; AC failed + power on via IPMI; intrusion, lockout,
        // drive fault, cooling fault, identify indefinite (supported);
        // front panel byte.
        let s = ChassisStatus::from_bytes(&hex("3f 11 6f a5")).unwrap();
        assert!(s.power_on && s.power_overload && s.interlock);
        assert!(s.power_fault && s.power_control_fault);
        assert_eq!(s.restore_policy, PowerRestorePolicy::Previous);
        assert!(s.last_power_event.ac_failed() && s.last_power_event.power_on_via_ipmi());
        assert!(!s.last_power_event.overload());
        assert_eq!(
            s.last_power_event.ipmitool_words(),
            ["ac-failed", "command"]
        );
        assert_eq!(s.last_power_event.freeipmi_name(), "ac failed");
        assert!(s.intrusion && s.front_panel_lockout && s.drive_fault && s.cooling_fault);
        assert_eq!(s.identify, Some(IdentifyState::Indefinite));
        let fp = s.front_panel.unwrap();
        assert!(fp.standby_disable_allowed() && fp.reset_disable_allowed());
        assert!(!fp.diagnostic_disable_allowed() && !fp.power_off_disable_allowed());
        assert!(fp.diagnostic_disabled() && fp.power_off_disabled());
        assert!(!fp.standby_disabled() && !fp.reset_disabled());
        golden("3f 11 6f a5", &s);
    }

    #[test]
    fn chassis_status_reserved_bits_and_tolerance() {
        // Reserved bits (byte 1 bit 7, byte 2 bits 7:5, byte 3 bit 7) and an
        // identify state without the "supported" bit are dropped.
        let s = ChassisStatus::from_bytes(&hex("e1 e2 b4")).unwrap();
        assert_eq!(s.restore_policy, PowerRestorePolicy::Unknown);
        assert_eq!(s.last_power_event, LastPowerEvent(0x02));
        assert_eq!(s.identify, None);
        assert!(s.drive_fault && !s.cooling_fault);
        assert_eq!(encode(&s), hex("61 02 04"));
        // Bytes after the optional fourth are ignored; fewer than 3 fail.
        assert_eq!(
            ChassisStatus::from_bytes(&hex("01 00 00 00 99"))
                .unwrap()
                .front_panel,
            Some(FrontPanelButtons(0))
        );
        assert!(matches!(
            ChassisStatus::from_bytes(&hex("01 00")),
            Err(DecodeError::Truncated {
                what: "misc chassis state",
                ..
            })
        ));
    }

    #[test]
    fn restore_policy_names() {
        let all = [0u8, 1, 2, 3].map(PowerRestorePolicy::from_bits);
        assert_eq!(
            all.map(PowerRestorePolicy::ipmitool_name),
            ["always-off", "previous", "always-on", "unknown"]
        );
        assert_eq!(
            all.map(PowerRestorePolicy::freeipmi_name),
            ["Always off", "Restore", "Always on", "unknown"]
        );
        for p in all {
            assert_eq!(PowerRestorePolicy::from_bits(p.bits()), p);
        }
    }

    #[test]
    fn last_power_event_freeipmi_priority() {
        assert_eq!(
            LastPowerEvent(0x1e).freeipmi_name(),
            "power down due to power overload"
        );
        assert_eq!(
            LastPowerEvent(0x18).freeipmi_name(),
            "power down due to power fault"
        );
        assert_eq!(
            LastPowerEvent(0x10).freeipmi_name(),
            "power on via ipmi command"
        );
        assert_eq!(LastPowerEvent(0x04).ipmitool_words(), ["interlock"]);
    }

    #[test]
    fn chassis_control() {
        assert_eq!(
            (ChassisControl::NETFN, ChassisControl::CMD),
            (NetFn::Chassis, 0x02)
        );
        assert_eq!(ChassisControl::PRIVILEGE, PrivilegeLevel::Operator);
        golden(
            "01",
            &ChassisControl {
                action: ChassisControlAction::PowerUp,
            },
        );
        golden(
            "00",
            &ChassisControl {
                action: ChassisControlAction::PowerDown,
            },
        );
        // Reserved high nibble ignored.
        assert_eq!(
            ChassisControl::from_bytes(&[0xf2]).unwrap().action,
            ChassisControlAction::PowerCycle
        );
        assert!(ChassisControl::from_bytes(&[]).is_err());
        assert!(ChassisControl::from_bytes(&[1, 2]).is_err());
        for v in 0..16u8 {
            assert_eq!(ChassisControlAction::from_bits(v).bits(), v);
        }
    }

    prop_compose! {
        fn chassis_status()(
            power in any::<[bool; 5]>(),
            policy in 0u8..4,
            event in 0u8..0x20,
            misc in any::<[bool; 4]>(),
            identify in proptest::option::of(0u8..4),
            front_panel in proptest::option::of(any::<u8>()),
        ) -> ChassisStatus {
            ChassisStatus {
                power_on: power[0],
                power_overload: power[1],
                interlock: power[2],
                power_fault: power[3],
                power_control_fault: power[4],
                restore_policy: PowerRestorePolicy::from_bits(policy),
                last_power_event: LastPowerEvent(event),
                intrusion: misc[0],
                front_panel_lockout: misc[1],
                drive_fault: misc[2],
                cooling_fault: misc[3],
                identify: identify.map(IdentifyState::from_bits),
                front_panel: front_panel.map(FrontPanelButtons),
            }
        }
    }

    proptest! {
        #[test]
        fn chassis_status_round_trip(s in chassis_status()) {
            round_trip(&s);
        }

        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..8)) {
            decode_any::<GetChassisStatus>(&bytes);
            decode_any::<ChassisControl>(&bytes);
            if let Ok(s) = ChassisStatus::from_bytes(&bytes) {
                let _ = (
                    s.restore_policy.ipmitool_name(),
                    s.last_power_event.ipmitool_words(),
                    s.last_power_event.freeipmi_name(),
                    s.identify.map(IdentifyState::name),
                );
                // Re-encoding a decoded status gives a status that decodes the same.
                round_trip(&s);
            }
        }
    }
}
