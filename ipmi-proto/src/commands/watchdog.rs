//! BMC watchdog timer: Get Watchdog Timer (NetFn App 06h, command 25h;
//! IPMI v2.0 §27.7).
//!
//! The exporter's `bmc-watchdog` collector publishes one-hot gauges labelled
//! with the names FreeIPMI's `bmc-watchdog --get` prints; the `freeipmi_name`
//! methods return exactly those strings, and [`TimerUse::EXPORTER_LABELS`],
//! [`TimeoutAction::EXPORTER_LABELS`] and
//! [`PreTimeoutInterrupt::EXPORTER_LABELS`] list every label value the
//! collector emits. ipmitool (`mc watchdog get`) uses other names, available
//! through the `ipmitool_name` methods.

use super::{bit, flag, skip_rest, Command};
use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::types::{NetFn, PrivilegeLevel};

/// Get Watchdog Timer (NetFn App 06h, command 25h; IPMI v2.0 §27.7,
/// Table 27-7).
///
/// No request data. Minimum privilege: User.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetWatchdogTimer;

impl Codec for GetWatchdogTimer {
    fn encode(&self, _w: &mut Writer) {}

    fn decode(_r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self)
    }
}

impl Command for GetWatchdogTimer {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x25;
    type Response = WatchdogTimer;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Timer use, byte 1 bits `[2:0]` (IPMI v2.0 §27.7, Table 27-7; the
/// values of Set Watchdog Timer, Table 27-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimerUse {
    /// 1h: BIOS FRB2.
    BiosFrb2,
    /// 2h: BIOS/POST.
    BiosPost,
    /// 3h: OS load.
    OsLoad,
    /// 4h: SMS/OS.
    SmsOs,
    /// 5h: OEM.
    Oem,
    /// 0h, 6h, 7h: reserved (the 3-bit value).
    Reserved(u8),
}

impl TimerUse {
    /// Every `name` label value of `ipmi_bmc_watchdog_timer_use_state`, in
    /// the upstream exporter's order (all five are always emitted).
    pub const EXPORTER_LABELS: [&'static str; 5] =
        ["BIOS FRB2", "BIOS POST", "OS LOAD", "SMS/OS", "OEM"];

    /// The timer use from its 3-bit code (higher bits ignored).
    pub fn from_bits(bits: u8) -> Self {
        match bits & 0x07 {
            1 => Self::BiosFrb2,
            2 => Self::BiosPost,
            3 => Self::OsLoad,
            4 => Self::SmsOs,
            5 => Self::Oem,
            other => Self::Reserved(other),
        }
    }

    /// The 3-bit code.
    pub fn bits(self) -> u8 {
        match self {
            Self::BiosFrb2 => 1,
            Self::BiosPost => 2,
            Self::OsLoad => 3,
            Self::SmsOs => 4,
            Self::Oem => 5,
            Self::Reserved(v) => v & 0x07,
        }
    }

    /// The name FreeIPMI `bmc-watchdog --get` prints ("Timer Use: SMS/OS"):
    /// `BIOS FRB2`, `BIOS POST`, `OS LOAD`, `SMS/OS`, `OEM`, `Reserved`.
    pub fn freeipmi_name(self) -> &'static str {
        match self {
            Self::BiosFrb2 => "BIOS FRB2",
            Self::BiosPost => "BIOS POST",
            Self::OsLoad => "OS LOAD",
            Self::SmsOs => "SMS/OS",
            Self::Oem => "OEM",
            Self::Reserved(_) => "Reserved",
        }
    }

    /// The name `ipmitool mc watchdog get` prints ("Watchdog Timer Use:
    /// SMS/OS (0x44)"): `BIOS FRB2`, `BIOS/POST`, `OS Load`, `SMS/OS`,
    /// `OEM`, `Reserved`.
    pub fn ipmitool_name(self) -> &'static str {
        match self {
            Self::BiosFrb2 => "BIOS FRB2",
            Self::BiosPost => "BIOS/POST",
            Self::OsLoad => "OS Load",
            Self::SmsOs => "SMS/OS",
            Self::Oem => "OEM",
            Self::Reserved(_) => "Reserved",
        }
    }
}

/// Timeout action, byte 2 bits `[2:0]` (IPMI v2.0 §27.6, Table 27-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeoutAction {
    /// 0h: no action.
    None,
    /// 1h: hard reset.
    HardReset,
    /// 2h: power down.
    PowerDown,
    /// 3h: power cycle.
    PowerCycle,
    /// 4h–7h: reserved (the 3-bit value).
    Reserved(u8),
}

impl TimeoutAction {
    /// Every `action` label value of
    /// `ipmi_bmc_watchdog_timeout_action_state`.
    pub const EXPORTER_LABELS: [&'static str; 4] =
        ["None", "Hard Reset", "Power Down", "Power Cycle"];

    /// The action from its 3-bit code (higher bits ignored).
    pub fn from_bits(bits: u8) -> Self {
        match bits & 0x07 {
            0 => Self::None,
            1 => Self::HardReset,
            2 => Self::PowerDown,
            3 => Self::PowerCycle,
            other => Self::Reserved(other),
        }
    }

    /// The 3-bit code.
    pub fn bits(self) -> u8 {
        match self {
            Self::None => 0,
            Self::HardReset => 1,
            Self::PowerDown => 2,
            Self::PowerCycle => 3,
            Self::Reserved(v) => v & 0x07,
        }
    }

    /// The name FreeIPMI `bmc-watchdog --get` prints ("Timeout Action:
    /// None"): `None`, `Hard Reset`, `Power Down`, `Power Cycle`, `Reserved`.
    pub fn freeipmi_name(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::HardReset => "Hard Reset",
            Self::PowerDown => "Power Down",
            Self::PowerCycle => "Power Cycle",
            Self::Reserved(_) => "Reserved",
        }
    }

    /// The name `ipmitool mc watchdog get` prints: `No action`, `Hard
    /// Reset`, `Power Down`, `Power Cycle`, `Reserved`.
    pub fn ipmitool_name(self) -> &'static str {
        match self {
            Self::None => "No action",
            other => other.freeipmi_name(),
        }
    }
}

/// Pre-timeout interrupt, byte 2 bits `[6:4]` (IPMI v2.0 §27.6, Table
/// 27-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PreTimeoutInterrupt {
    /// 0h: none.
    None,
    /// 1h: SMI.
    Smi,
    /// 2h: NMI / diagnostic interrupt.
    Nmi,
    /// 3h: messaging interrupt.
    Messaging,
    /// 4h–7h: reserved (the 3-bit value).
    Reserved(u8),
}

impl PreTimeoutInterrupt {
    /// Every `interrupt` label value of
    /// `ipmi_bmc_watchdog_pretimeout_interrupt_state`.
    pub const EXPORTER_LABELS: [&'static str; 4] = [
        "None",
        "SMI",
        "NMI / Diagnostic Interrupt",
        "Messaging Interrupt",
    ];

    /// The interrupt from its 3-bit code (higher bits ignored).
    pub fn from_bits(bits: u8) -> Self {
        match bits & 0x07 {
            0 => Self::None,
            1 => Self::Smi,
            2 => Self::Nmi,
            3 => Self::Messaging,
            other => Self::Reserved(other),
        }
    }

    /// The 3-bit code.
    pub fn bits(self) -> u8 {
        match self {
            Self::None => 0,
            Self::Smi => 1,
            Self::Nmi => 2,
            Self::Messaging => 3,
            Self::Reserved(v) => v & 0x07,
        }
    }

    /// The name FreeIPMI `bmc-watchdog --get` prints ("Pre-Timeout
    /// Interrupt: None"): `None`, `SMI`, `NMI / Diagnostic Interrupt`,
    /// `Messaging Interrupt`, `Reserved`.
    pub fn freeipmi_name(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::Smi => "SMI",
            Self::Nmi => "NMI / Diagnostic Interrupt",
            Self::Messaging => "Messaging Interrupt",
            Self::Reserved(_) => "Reserved",
        }
    }

    /// The name `ipmitool mc watchdog get` prints ("Pre-timeout interrupt:
    /// None"): `None`, `SMI`, `NMI / Diagnostic`, `Messaging`, `Reserved`.
    pub fn ipmitool_name(self) -> &'static str {
        match self {
            Self::Nmi => "NMI / Diagnostic",
            Self::Messaging => "Messaging",
            other => other.freeipmi_name(),
        }
    }
}

/// Timer use expiration flags, byte 4 (IPMI v2.0 §27.7, Table 27-7):
/// `[5]` OEM, `[4]` SMS/OS, `[3]` OS load, `[2]` BIOS/POST, `[1]` BIOS
/// FRB2; `[7:6]` and `[0]` reserved. A flag stays set until cleared with
/// Set Watchdog Timer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ExpirationFlags(pub u8);

impl ExpirationFlags {
    /// `true` when the timer expired while in `used` (reserved uses: never).
    pub fn expired(self, used: TimerUse) -> bool {
        match used {
            TimerUse::Reserved(_) => false,
            u => bit(self.0, u32::from(u.bits())),
        }
    }

    /// The timer uses whose expiration flag is set, in bit order.
    pub fn uses(self) -> Vec<TimerUse> {
        (1u8..=5)
            .map(TimerUse::from_bits)
            .filter(|u| self.expired(*u))
            .collect()
    }
}

/// Get Watchdog Timer response data (IPMI v2.0 §27.7, Table 27-7).
///
/// ```text
///  byte  field
///  1     Timer Use: [7] 1b = don't log  [6] 1b = timer is started (running)
///        [5:3] reserved  [2:0] timer use
///  2     Timer Actions: [7] reserved  [6:4] pre-timeout interrupt
///        [3] reserved  [2:0] timeout action
///  3     pre-timeout interval, seconds
///  4     timer use expiration flags
///  5:6   initial countdown value, 100 ms units, LS byte first
///  7:8   present countdown value, 100 ms units, LS byte first
/// ```
///
/// Tolerance: OpenIPMI's `ipmi_sim` (2.0.33) answers with 6 bytes, leaving
/// out the present countdown, so [`WatchdogTimer::present_countdown`] is
/// `None` when bytes 7–8 are missing; bytes after them are ignored. Some
/// BMCs (Sun x4100/x4200/x4500) never set the running bit; FreeIPMI's
/// `ignorestateflag` workaround infers it from a changing countdown, which
/// takes two readings and is up to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WatchdogTimer {
    /// Timer use (byte 1 bits 2:0).
    pub timer_use: TimerUse,
    /// "Don't log" (byte 1 bit 7): expiration is not logged in the SEL.
    pub dont_log: bool,
    /// The timer is running (byte 1 bit 6).
    pub running: bool,
    /// Pre-timeout interrupt (byte 2 bits 6:4).
    pub pre_timeout_interrupt: PreTimeoutInterrupt,
    /// Timeout action (byte 2 bits 2:0).
    pub timeout_action: TimeoutAction,
    /// Pre-timeout interval in seconds (byte 3).
    pub pre_timeout_interval: u8,
    /// Timer use expiration flags (byte 4).
    pub expiration_flags: ExpirationFlags,
    /// Initial countdown, 100 ms units (bytes 5–6).
    pub initial_countdown: u16,
    /// Present countdown, 100 ms units (bytes 7–8), `None` when the BMC
    /// left it out.
    pub present_countdown: Option<u16>,
}

impl WatchdogTimer {
    /// `true` when expirations are logged (the "don't log" bit is clear):
    /// FreeIPMI prints `Logging: Enabled`, ipmitool `Watchdog Timer
    /// Logging: On`.
    pub fn logging_enabled(&self) -> bool {
        !self.dont_log
    }

    /// The initial countdown in seconds (100 ms resolution).
    pub fn initial_countdown_seconds(&self) -> f64 {
        f64::from(self.initial_countdown) / 10.0
    }

    /// The present countdown in seconds (100 ms resolution), when sent.
    pub fn present_countdown_seconds(&self) -> Option<f64> {
        self.present_countdown.map(|v| f64::from(v) / 10.0)
    }

    /// The initial countdown in whole seconds, truncated, as FreeIPMI's
    /// `bmc-watchdog --get` prints it ("Initial Countdown: 300 seconds";
    /// the value behind upstream's `ipmi_bmc_watchdog_initial_countdown_seconds`).
    pub fn initial_countdown_whole_seconds(&self) -> u16 {
        self.initial_countdown / 10
    }

    /// The present countdown in whole seconds, truncated, as `bmc-watchdog
    /// --get` prints it ("Current Countdown: 299 seconds").
    pub fn present_countdown_whole_seconds(&self) -> Option<u16> {
        self.present_countdown.map(|v| v / 10)
    }
}

impl Codec for WatchdogTimer {
    fn encode(&self, w: &mut Writer) {
        w.u8(flag(self.dont_log, 7) | flag(self.running, 6) | self.timer_use.bits())
            .u8((self.pre_timeout_interrupt.bits() << 4) | self.timeout_action.bits())
            .u8(self.pre_timeout_interval)
            .u8(self.expiration_flags.0 & 0x3e)
            .u16_le(self.initial_countdown);
        if let Some(present) = self.present_countdown {
            w.u16_le(present);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let usage = r.u8("timer use")?;
        let actions = r.u8("timer actions")?;
        let pre_timeout_interval = r.u8("pre-timeout interval")?;
        let flags = r.u8("timer use expiration flags")?;
        let initial_countdown = r.u16_le("initial countdown")?;
        let present_countdown = if r.remaining() >= 2 {
            Some(r.u16_le("present countdown")?)
        } else {
            None
        };
        skip_rest(r);
        Ok(Self {
            timer_use: TimerUse::from_bits(usage),
            dont_log: bit(usage, 7),
            running: bit(usage, 6),
            pre_timeout_interrupt: PreTimeoutInterrupt::from_bits(actions >> 4),
            timeout_action: TimeoutAction::from_bits(actions),
            pre_timeout_interval,
            expiration_flags: ExpirationFlags(flags & 0x3e),
            initial_countdown,
            present_countdown,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::test_util::{decode_any, encode, golden, hex, round_trip};
    use proptest::prelude::*;

    #[test]
    fn request() {
        assert_eq!(
            (GetWatchdogTimer::NETFN, GetWatchdogTimer::CMD),
            (NetFn::App, 0x25)
        );
        golden("", &GetWatchdogTimer);
    }

    /// `ipmitool raw 0x06 0x25` against ipmi_sim: six zero bytes, no present
    /// countdown (ipmitool prints whatever follows in its buffer:
    /// "Present Countdown: 4189.2 sec" in the bmc-sim reference).
    #[test]
    fn ipmi_sim_short_answer() {
        let w = WatchdogTimer::from_bytes(&hex("00 00 00 00 00 00")).unwrap();
        assert_eq!(w.timer_use, TimerUse::Reserved(0));
        assert_eq!(w.timer_use.ipmitool_name(), "Reserved");
        assert!(!w.running && w.logging_enabled());
        assert_eq!(w.timeout_action.ipmitool_name(), "No action");
        assert_eq!(w.pre_timeout_interrupt.ipmitool_name(), "None");
        assert_eq!(w.initial_countdown_seconds(), 0.0);
        assert_eq!(w.present_countdown, None);
        golden("00 00 00 00 00 00", &w);
        assert!(WatchdogTimer::from_bytes(&hex("00 00 00 00 00")).is_err());
        // A lone seventh byte is not a countdown.
        assert_eq!(
            WatchdogTimer::from_bytes(&hex("00 00 00 00 00 00 07"))
                .unwrap()
                .present_countdown,
            None
        );
    }

    #[test]
    fn running_os_watchdog() {
        // SMS/OS, running, logging; NMI pre-timeout, hard reset; 10 s
        // pre-timeout; SMS/OS and FRB2 expired before; 300.0 s initial,
        // 299.5 s left.
        let w = WatchdogTimer {
            timer_use: TimerUse::SmsOs,
            dont_log: false,
            running: true,
            pre_timeout_interrupt: PreTimeoutInterrupt::Nmi,
            timeout_action: TimeoutAction::HardReset,
            pre_timeout_interval: 10,
            expiration_flags: ExpirationFlags(0x12),
            initial_countdown: 3000,
            present_countdown: Some(2995),
        };
        golden("44 21 0a 12 b8 0b b3 0b", &w);
        assert_eq!(w.initial_countdown_seconds(), 300.0);
        assert_eq!(w.present_countdown_seconds(), Some(299.5));
        assert_eq!(w.initial_countdown_whole_seconds(), 300);
        assert_eq!(w.present_countdown_whole_seconds(), Some(299));
        assert_eq!(w.timer_use.freeipmi_name(), "SMS/OS");
        assert_eq!(w.timeout_action.freeipmi_name(), "Hard Reset");
        assert_eq!(
            w.pre_timeout_interrupt.freeipmi_name(),
            "NMI / Diagnostic Interrupt"
        );
        assert_eq!(
            w.expiration_flags.uses(),
            [TimerUse::BiosFrb2, TimerUse::SmsOs]
        );
        assert!(!w.expiration_flags.expired(TimerUse::Reserved(0)));
        // Don't-log and reserved bits.
        let w2 = WatchdogTimer::from_bytes(&hex("bd f7 00 ff 01 00 02 00 ff")).unwrap();
        assert!(w2.dont_log && !w2.running && !w2.logging_enabled());
        assert_eq!(w2.timer_use, TimerUse::Oem);
        assert_eq!(w2.pre_timeout_interrupt, PreTimeoutInterrupt::Reserved(7));
        assert_eq!(w2.timeout_action, TimeoutAction::Reserved(7));
        assert_eq!(w2.expiration_flags, ExpirationFlags(0x3e));
        assert_eq!(encode(&w2), hex("85 77 00 3e 01 00 02 00"));
    }

    #[test]
    fn exporter_label_sets() {
        let uses: Vec<_> = (1..=5u8)
            .map(|v| TimerUse::from_bits(v).freeipmi_name())
            .collect();
        assert_eq!(uses, TimerUse::EXPORTER_LABELS);
        let actions: Vec<_> = (0..4u8)
            .map(|v| TimeoutAction::from_bits(v).freeipmi_name())
            .collect();
        assert_eq!(actions, TimeoutAction::EXPORTER_LABELS);
        let irqs: Vec<_> = (0..4u8)
            .map(|v| PreTimeoutInterrupt::from_bits(v).freeipmi_name())
            .collect();
        assert_eq!(irqs, PreTimeoutInterrupt::EXPORTER_LABELS);
        let ipmitool: Vec<_> = (0..8u8)
            .map(|v| TimerUse::from_bits(v).ipmitool_name())
            .collect();
        assert_eq!(
            ipmitool,
            [
                "Reserved",
                "BIOS FRB2",
                "BIOS/POST",
                "OS Load",
                "SMS/OS",
                "OEM",
                "Reserved",
                "Reserved"
            ]
        );
        for v in 0..8u8 {
            assert_eq!(TimerUse::from_bits(v).bits(), v);
            assert_eq!(TimeoutAction::from_bits(v).bits(), v);
            assert_eq!(PreTimeoutInterrupt::from_bits(v).bits(), v);
        }
    }

    prop_compose! {
        fn watchdog()(
            usage in 0u8..8, dont_log in any::<bool>(), running in any::<bool>(),
            irq in 0u8..8, action in 0u8..8, pre_timeout_interval in any::<u8>(),
            flags in any::<u8>(), initial_countdown in any::<u16>(),
            present_countdown in proptest::option::of(any::<u16>()),
        ) -> WatchdogTimer {
            WatchdogTimer {
                timer_use: TimerUse::from_bits(usage),
                dont_log,
                running,
                pre_timeout_interrupt: PreTimeoutInterrupt::from_bits(irq),
                timeout_action: TimeoutAction::from_bits(action),
                pre_timeout_interval,
                expiration_flags: ExpirationFlags(flags & 0x3e),
                initial_countdown,
                present_countdown,
            }
        }
    }

    proptest! {
        #[test]
        fn watchdog_round_trip(w in watchdog()) {
            round_trip(&w);
        }

        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..12)) {
            decode_any::<GetWatchdogTimer>(&bytes);
            if let Ok(w) = WatchdogTimer::from_bytes(&bytes) {
                let _ = (
                    w.timer_use.freeipmi_name(),
                    w.timer_use.ipmitool_name(),
                    w.timeout_action.ipmitool_name(),
                    w.pre_timeout_interrupt.ipmitool_name(),
                    w.expiration_flags.uses(),
                    w.present_countdown_seconds(),
                );
                round_trip(&w);
            }
        }
    }
}
