//! The virtual BMC's chassis, DCMI power, watchdog and FRU inventory.
//!
//! Served (privileges from each command's [`Command::PRIVILEGE`]):
//!
//! * Get Chassis Status (00h/01h) from [`PlatformModel::chassis`], and
//!   Chassis Control (00h/02h, Operator): power down / soft shutdown turn
//!   the power off; power up, power cycle and hard reset turn it on and
//!   record "power on via IPMI command" in the last power event.
//! * DCMI (2Ch, group DCh; DCMI v1.5 §6): Get DCMI Capabilities Info
//!   parameters 1–5 and Get Power Reading modes 1 and 2, from
//!   [`PlatformModel::dcmi`]. With `dcmi: None` every DCMI command answers
//!   C1h, as OpenIPMI's `ipmi_sim` does; requests for another group of NetFn
//!   2Ch answer C1h too.
//! * Get Watchdog Timer (06h/25h) from [`PlatformModel::watchdog`] (the
//!   countdown does not run: the sans-IO BMC has no clock).
//! * Get FRU Inventory Area Info (0Ah/10h) and Read FRU Data (0Ah/11h) for
//!   the devices of [`PlatformModel::frus`], images built with
//!   [`crate::fru::encode`]. Like `ipmi_sim`, a read of more than
//!   [`PlatformModel::fru_max_read`] bytes answers C8h and an offset past
//!   the end C9h; a read running past the end returns the bytes up to it.
//!   Unknown devices answer CBh.

use crate::codec::Codec;
use crate::commands::chassis::{
    ChassisControl, ChassisControlAction, ChassisStatus, FrontPanelButtons, GetChassisStatus,
    IdentifyState, LastPowerEvent, PowerRestorePolicy,
};
use crate::commands::dcmi::{
    DcmiCapabilities, EnhancedPowerStatisticsAttributes, GetDcmiCapabilities, GetPowerReading,
    ManageabilityAccessAttributes, MandatoryPlatformAttributes, OptionalPlatformAttributes,
    PeriodUnit, PowerReading, PowerReadingMode, RollingAveragePeriod, SupportedCapabilities,
    GROUP_ID,
};
use crate::commands::fru::{FruData, FruInventoryAreaInfo, GetFruInventoryAreaInfo, ReadFruData};
use crate::commands::watchdog::{
    ExpirationFlags, GetWatchdogTimer, PreTimeoutInterrupt, TimeoutAction, TimerUse, WatchdogTimer,
};
use crate::commands::{Command, EmptyResponse};
use crate::fru::{
    BoardInfo, ChassisInfo, ChassisType, Fru, FruField, FruTimestamp, PowerSupplyInfo, ProductInfo,
    LANGUAGE_ENGLISH,
};
use crate::types::{CompletionCode, NetFn};
use crate::wire::message::IpmiRequest;

use super::handler::{run, Caller, Outcome};

/// DCMI state of a virtual BMC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DcmiModel {
    /// DCMI conformance (major, minor), e.g. (1, 5).
    pub version: (u8, u8),
    /// Parameter 1: supported capabilities.
    pub capabilities: SupportedCapabilities,
    /// Parameter 2: mandatory platform attributes.
    pub mandatory: MandatoryPlatformAttributes,
    /// Parameter 3: optional platform attributes.
    pub optional: OptionalPlatformAttributes,
    /// Parameter 4: manageability access attributes.
    pub access: ManageabilityAccessAttributes,
    /// Parameter 5: rolling average periods served by Get Power Reading
    /// mode 2.
    pub periods: Vec<RollingAveragePeriod>,
    /// The Get Power Reading answer (mode 1; mode 2 reports the requested
    /// period instead of `statistics_period_ms`).
    pub reading: PowerReading,
}

impl DcmiModel {
    /// A DCMI 1.5 BMC with power management reading `watts` (current,
    /// minimum, maximum and average alike), measurement active.
    pub fn with_watts(watts: u16) -> Self {
        Self {
            reading: PowerReading {
                current_watts: watts,
                minimum_watts: watts,
                maximum_watts: watts,
                average_watts: watts,
                ..Self::default().reading
            },
            ..Self::default()
        }
    }
}

impl Default for DcmiModel {
    /// DCMI 1.5 with power management over the primary LAN (channel 1),
    /// in-band and SOL; 1024 SEL entries; periods 30 s, 5 min, 1 h, 1 day;
    /// 285 W now (210 min, 412 max, 276 average over 1 s), measurement
    /// active, timestamp 2024-02-12 10:15:00 UTC.
    fn default() -> Self {
        Self {
            version: (1, 5),
            capabilities: SupportedCapabilities {
                mandatory: 0,
                optional: 0x01,
                access: 0x19,
            },
            mandatory: MandatoryPlatformAttributes {
                sel_attributes: 0x8400,
                identification: 0,
                temperature_monitoring: 0,
                temperature_sampling_seconds: 5,
            },
            optional: OptionalPlatformAttributes {
                power_management_address: 0x20,
                power_management_channel: 0,
                device_revision: 1,
            },
            access: ManageabilityAccessAttributes {
                primary_lan_channel: 1,
                secondary_lan_channel: 0xff,
                serial_channel: 0xff,
            },
            periods: vec![
                RollingAveragePeriod::new(PeriodUnit::Seconds, 30),
                RollingAveragePeriod::new(PeriodUnit::Minutes, 5),
                RollingAveragePeriod::new(PeriodUnit::Hours, 1),
                RollingAveragePeriod::new(PeriodUnit::Days, 1),
            ],
            reading: PowerReading {
                current_watts: 285,
                minimum_watts: 210,
                maximum_watts: 412,
                average_watts: 276,
                timestamp: 1_707_732_900,
                statistics_period_ms: 1000,
                measurement_active: true,
            },
        }
    }
}

/// One FRU inventory device of a virtual BMC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FruDevice {
    /// FRU device ID (0 = the BMC's built-in FRU).
    pub id: u8,
    /// The device's contents (its size is the area size reported).
    pub image: Vec<u8>,
    /// Word access (offsets and counts in 16-bit words).
    pub word_access: bool,
}

impl FruDevice {
    /// A byte-access device `id` of `size` bytes holding the encoding of
    /// `fru`, zero-padded (or cut, if `size` is too small).
    pub fn from_fru(id: u8, fru: &Fru, size: u16) -> Self {
        let mut image = crate::fru::encode(fru);
        image.resize(usize::from(size), 0);
        Self {
            id,
            image,
            word_access: false,
        }
    }
}

/// Chassis, DCMI power, watchdog and FRU inventory of a virtual BMC.
#[derive(Debug, Clone)]
pub struct PlatformModel {
    /// The Get Chassis Status answer (Chassis Control changes the power bit).
    pub chassis: ChassisStatus,
    /// DCMI support; `None` answers C1h.
    pub dcmi: Option<DcmiModel>,
    /// The Get Watchdog Timer answer.
    pub watchdog: WatchdogTimer,
    /// FRU inventory devices.
    pub frus: Vec<FruDevice>,
    /// Largest Read FRU Data count answered (bytes, or words for word-access
    /// devices); larger counts answer C8h.
    pub fru_max_read: u8,
}

impl Default for PlatformModel {
    /// A realistic 2U server: power on, restore policy "previous", no
    /// faults, identify supported and off, all front panel buttons may be
    /// disabled; DCMI 1.5 at 285 W ([`DcmiModel::default`]); an OS
    /// watchdog running (SMS/OS, hard reset after 300 s, 295 s left,
    /// logging); FRU 0 with chassis, board and product areas and FRU 1 a
    /// 800 W power supply (product area and a Power Supply Information
    /// record); reads of up to 32 bytes (see [`default_frus`]).
    fn default() -> Self {
        Self {
            chassis: ChassisStatus {
                power_on: true,
                restore_policy: PowerRestorePolicy::Previous,
                identify: Some(IdentifyState::Off),
                front_panel: Some(FrontPanelButtons(0xf0)),
                ..ChassisStatus::default()
            },
            dcmi: Some(DcmiModel::default()),
            watchdog: WatchdogTimer {
                timer_use: TimerUse::SmsOs,
                dont_log: false,
                running: true,
                pre_timeout_interrupt: PreTimeoutInterrupt::None,
                timeout_action: TimeoutAction::HardReset,
                pre_timeout_interval: 0,
                expiration_flags: ExpirationFlags(0),
                initial_countdown: 3000,
                present_countdown: Some(2950),
            },
            frus: default_frus(),
            fru_max_read: 32,
        }
    }
}

/// The FRU devices of [`PlatformModel::default`]:
///
/// * FRU 0 (512 bytes): chassis "Rack Mount Chassis", part `CSE-2U-0001`,
///   serial `CH0001` (custom `rev A`); board by "Example Systems",
///   `EXB-2400`, serial `BRD240000123`, part `EXB-2400-01`, made
///   2024-03-04 12:30 UTC; product "Example Systems" `ES-2400`, part
///   `ES-2400-R`, version `1.0`, serial `ESN2400001`, asset tag
///   `ASSET-42`.
/// * FRU 1 (128 bytes): power supply "Example Power" `EP-800W`, part
///   `EP-800-PLAT`, version `A02`, serial `PSU0800123`, with a Power Supply
///   Information record of 800 W (880 W peak, hot-swap).
pub fn default_frus() -> Vec<FruDevice> {
    let fru0 = Fru {
        chassis: Some(ChassisInfo {
            chassis_type: ChassisType::RACK_MOUNT,
            part_number: FruField::from_text("CSE-2U-0001"),
            serial_number: FruField::from_text("CH0001"),
            custom: vec![FruField::from_text("rev A")],
        }),
        board: Some(BoardInfo {
            language: LANGUAGE_ENGLISH,
            mfg_time: FruTimestamp::from_civil(2024, 3, 4, 12, 30),
            manufacturer: FruField::from_text("Example Systems"),
            product_name: FruField::from_text("EXB-2400"),
            serial_number: FruField::from_text("BRD240000123"),
            part_number: FruField::from_text("EXB-2400-01"),
            fru_file_id: FruField::empty(),
            custom: vec![],
        }),
        product: Some(ProductInfo {
            language: LANGUAGE_ENGLISH,
            manufacturer: FruField::from_text("Example Systems"),
            name: FruField::from_text("ES-2400"),
            part_number: FruField::from_text("ES-2400-R"),
            version: FruField::from_text("1.0"),
            serial_number: FruField::from_text("ESN2400001"),
            asset_tag: FruField::from_text("ASSET-42"),
            fru_file_id: FruField::empty(),
            custom: vec![],
        }),
        ..Fru::default()
    };
    let psu = PowerSupplyInfo {
        overall_capacity_watts: 800,
        peak_va: 0xffff,
        inrush_current: 0xff,
        inrush_interval_ms: 0,
        input_voltage_ranges: [(9000, 26400), (0, 0)],
        input_frequency_range: (47, 63),
        ac_dropout_tolerance_ms: 10,
        flags: 0x0e,
        hold_up_seconds: 1,
        peak_capacity_watts: 880,
        combined_wattage: [0, 0, 0],
        tach_lower_threshold: 0,
    };
    let fru1 = Fru {
        product: Some(ProductInfo {
            language: LANGUAGE_ENGLISH,
            manufacturer: FruField::from_text("Example Power"),
            name: FruField::from_text("EP-800W"),
            part_number: FruField::from_text("EP-800-PLAT"),
            version: FruField::from_text("A02"),
            serial_number: FruField::from_text("PSU0800123"),
            asset_tag: FruField::empty(),
            fru_file_id: FruField::empty(),
            custom: vec![],
        }),
        multi_records: vec![psu.to_record()],
        ..Fru::default()
    };
    vec![
        FruDevice::from_fru(0, &fru0, 512),
        FruDevice::from_fru(1, &fru1, 128),
    ]
}

fn is<C: Command>(req: &IpmiRequest) -> bool {
    req.netfn == C::NETFN && req.cmd == C::CMD
}

impl PlatformModel {
    /// A model without DCMI (C1h, like `ipmi_sim`).
    pub fn without_dcmi(mut self) -> Self {
        self.dcmi = None;
        self
    }

    /// The FRU device `id`, if present.
    pub fn fru(&self, id: u8) -> Option<&FruDevice> {
        self.frus.iter().find(|d| d.id == id)
    }

    /// Answers chassis, DCMI, watchdog and FRU commands; `None` for other commands.
    pub(crate) fn handle(&mut self, req: &IpmiRequest, caller: Caller) -> Option<Outcome> {
        if req.netfn == NetFn::GroupExtension {
            return self.handle_dcmi(req, caller);
        }
        let outcome = if is::<GetChassisStatus>(req) {
            run::<GetChassisStatus>(req, caller, |_| Ok(self.chassis))
        } else if is::<ChassisControl>(req) {
            run::<ChassisControl>(req, caller, |c| self.chassis_control(c))
        } else if is::<GetWatchdogTimer>(req) {
            run::<GetWatchdogTimer>(req, caller, |_| Ok(self.watchdog))
        } else if is::<GetFruInventoryAreaInfo>(req) {
            run::<GetFruInventoryAreaInfo>(req, caller, |c| {
                let dev = self.fru(c.device_id).ok_or(CompletionCode::NotPresent)?;
                let bytes = u16::try_from(dev.image.len()).unwrap_or(u16::MAX);
                Ok(FruInventoryAreaInfo {
                    size: bytes,
                    word_access: dev.word_access,
                })
            })
        } else if is::<ReadFruData>(req) {
            run::<ReadFruData>(req, caller, |c| self.read_fru(c))
        } else {
            return None;
        };
        Some(outcome)
    }

    fn chassis_control(&mut self, c: ChassisControl) -> Result<EmptyResponse, CompletionCode> {
        match c.action {
            ChassisControlAction::PowerDown | ChassisControlAction::SoftShutdown => {
                self.chassis.power_on = false;
            }
            ChassisControlAction::PowerUp
            | ChassisControlAction::PowerCycle
            | ChassisControlAction::HardReset => {
                self.chassis.power_on = true;
                self.chassis.last_power_event = LastPowerEvent(LastPowerEvent::POWER_ON_VIA_IPMI);
            }
            ChassisControlAction::DiagnosticInterrupt => {}
            ChassisControlAction::Reserved(_) => return Err(CompletionCode::InvalidDataField),
        }
        Ok(EmptyResponse)
    }

    fn read_fru(&self, c: ReadFruData) -> Result<FruData, CompletionCode> {
        let dev = self.fru(c.device_id).ok_or(CompletionCode::NotPresent)?;
        if c.count > self.fru_max_read {
            return Err(CompletionCode::RequestLengthLimitExceeded);
        }
        let unit = if dev.word_access { 2 } else { 1 };
        let start = usize::from(c.offset).saturating_mul(unit);
        if start >= dev.image.len() {
            return Err(CompletionCode::ParameterOutOfRange);
        }
        let end = start
            .saturating_add(usize::from(c.count).saturating_mul(unit))
            .min(dev.image.len());
        let data = dev.image.get(start..end).unwrap_or(&[]).to_vec();
        let count = u8::try_from(data.len() / unit).unwrap_or(u8::MAX);
        Ok(FruData { count, data })
    }

    fn handle_dcmi(&self, req: &IpmiRequest, caller: Caller) -> Option<Outcome> {
        let Some(model) = &self.dcmi else {
            return Some(Err(CompletionCode::InvalidCommand));
        };
        if req.data.first() != Some(&GROUP_ID) {
            return Some(Err(CompletionCode::InvalidCommand));
        }
        let outcome = if is::<GetDcmiCapabilities>(req) {
            run::<GetDcmiCapabilities>(req, caller, |c| {
                let data = match c.parameter {
                    GetDcmiCapabilities::SUPPORTED_CAPABILITIES => model.capabilities.to_bytes(),
                    GetDcmiCapabilities::MANDATORY_PLATFORM_ATTRIBUTES => {
                        model.mandatory.to_bytes()
                    }
                    GetDcmiCapabilities::OPTIONAL_PLATFORM_ATTRIBUTES => model.optional.to_bytes(),
                    GetDcmiCapabilities::MANAGEABILITY_ACCESS_ATTRIBUTES => model.access.to_bytes(),
                    GetDcmiCapabilities::ENHANCED_POWER_STATISTICS_ATTRIBUTES => {
                        EnhancedPowerStatisticsAttributes {
                            periods: model.periods.clone(),
                        }
                        .to_bytes()
                    }
                    _ => return Err(CompletionCode::InvalidDataField),
                };
                Ok(DcmiCapabilities {
                    major_version: model.version.0,
                    minor_version: model.version.1,
                    parameter_revision: 0x02,
                    data,
                })
            })
        } else if is::<GetPowerReading>(req) {
            run::<GetPowerReading>(req, caller, |c| match c.mode {
                PowerReadingMode::SystemPowerStatistics => Ok(model.reading),
                PowerReadingMode::EnhancedSystemPowerStatistics => {
                    let period = RollingAveragePeriod(c.mode_attributes);
                    if !model.periods.contains(&period) {
                        return Err(CompletionCode::InvalidDataField);
                    }
                    Ok(PowerReading {
                        statistics_period_ms: period.seconds().saturating_mul(1000),
                        ..model.reading
                    })
                }
                PowerReadingMode::Unknown(_) => Err(CompletionCode::InvalidDataField),
            })
        } else {
            Err(CompletionCode::InvalidCommand)
        };
        Some(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::fru::BUILTIN_FRU_DEVICE;
    use crate::types::PrivilegeLevel;

    fn caller(p: PrivilegeLevel) -> Caller {
        Caller {
            privilege: Some(p),
            active_sessions: 1,
            handle: 1,
        }
    }

    fn call<C: Command>(m: &mut PlatformModel, cmd: &C, p: PrivilegeLevel) -> Outcome {
        let req = IpmiRequest::to_bmc(C::NETFN, C::CMD, 1, cmd.to_bytes());
        m.handle(&req, caller(p)).expect("handled")
    }

    fn ok<C: Command>(m: &mut PlatformModel, cmd: &C) -> C::Response {
        let data = call(m, cmd, PrivilegeLevel::Administrator).unwrap();
        C::Response::from_bytes(&data).unwrap()
    }

    #[test]
    fn chassis_status_and_control() {
        let mut m = PlatformModel::default();
        let s = ok(&mut m, &GetChassisStatus);
        assert!(s.power_on);
        assert_eq!(s.restore_policy, PowerRestorePolicy::Previous);
        assert_eq!(s.identify, Some(IdentifyState::Off));
        // Operator may power off; User may not.
        let off = ChassisControl {
            action: ChassisControlAction::PowerDown,
        };
        assert_eq!(
            call(&mut m, &off, PrivilegeLevel::User),
            Err(CompletionCode::InsufficientPrivilege)
        );
        assert!(call(&mut m, &off, PrivilegeLevel::Operator).is_ok());
        assert!(!ok(&mut m, &GetChassisStatus).power_on);
        let on = ChassisControl {
            action: ChassisControlAction::PowerUp,
        };
        assert!(call(&mut m, &on, PrivilegeLevel::Operator).is_ok());
        let s = ok(&mut m, &GetChassisStatus);
        assert!(s.power_on && s.last_power_event.power_on_via_ipmi());
        let bad = ChassisControl {
            action: ChassisControlAction::Reserved(9),
        };
        assert_eq!(
            call(&mut m, &bad, PrivilegeLevel::Administrator),
            Err(CompletionCode::InvalidDataField)
        );
        // Request data where none belongs: C7h.
        let req = IpmiRequest::to_bmc(NetFn::Chassis, 0x01, 1, vec![0]);
        assert_eq!(
            m.handle(&req, caller(PrivilegeLevel::User)),
            Some(Err(CompletionCode::RequestLengthInvalid))
        );
    }

    #[test]
    fn dcmi() {
        let mut m = PlatformModel::default();
        let caps = ok(&mut m, &GetDcmiCapabilities::new(1));
        assert_eq!(caps.version(), "1.5");
        let p1: SupportedCapabilities = caps.parameter().unwrap();
        assert!(p1.power_management());
        let p5: EnhancedPowerStatisticsAttributes = ok(&mut m, &GetDcmiCapabilities::new(5))
            .parameter()
            .unwrap();
        assert_eq!(p5.periods.len(), 4);
        for p in 2..=4 {
            assert!(call(&mut m, &GetDcmiCapabilities::new(p), PrivilegeLevel::User).is_ok());
        }
        assert_eq!(
            call(&mut m, &GetDcmiCapabilities::new(6), PrivilegeLevel::User),
            Err(CompletionCode::InvalidDataField)
        );
        let r = ok(&mut m, &GetPowerReading::system());
        assert_eq!(r.current_watts, 285);
        assert!(r.measurement_active);
        let r5 = ok(
            &mut m,
            &GetPowerReading::enhanced(RollingAveragePeriod::new(PeriodUnit::Minutes, 5)),
        );
        assert_eq!(r5.statistics_period_ms, 300_000);
        assert_eq!(
            call(
                &mut m,
                &GetPowerReading::enhanced(RollingAveragePeriod::new(PeriodUnit::Minutes, 7)),
                PrivilegeLevel::User
            ),
            Err(CompletionCode::InvalidDataField)
        );
        // Another group of NetFn 2Ch, an unknown DCMI command, no DCMI at all.
        let req = IpmiRequest::to_bmc(NetFn::GroupExtension, 0x01, 1, vec![0x00, 0x01]);
        assert_eq!(
            m.handle(&req, caller(PrivilegeLevel::User)),
            Some(Err(CompletionCode::InvalidCommand))
        );
        let req = IpmiRequest::to_bmc(NetFn::GroupExtension, 0x30, 1, vec![GROUP_ID]);
        assert_eq!(
            m.handle(&req, caller(PrivilegeLevel::User)),
            Some(Err(CompletionCode::InvalidCommand))
        );
        let mut none = PlatformModel::default().without_dcmi();
        assert_eq!(
            call(&mut none, &GetPowerReading::system(), PrivilegeLevel::User),
            Err(CompletionCode::InvalidCommand)
        );
        let mut m = PlatformModel {
            dcmi: Some(DcmiModel::with_watts(150)),
            ..PlatformModel::default()
        };
        assert_eq!(ok(&mut m, &GetPowerReading::system()).average_watts, 150);
    }

    #[test]
    fn watchdog() {
        let mut m = PlatformModel::default();
        let w = ok(&mut m, &GetWatchdogTimer);
        assert_eq!(w.timer_use, TimerUse::SmsOs);
        assert!(w.running);
        assert_eq!(w.initial_countdown_seconds(), 300.0);
    }

    #[test]
    fn fru_reads() {
        let mut m = PlatformModel::default();
        let info = ok(
            &mut m,
            &GetFruInventoryAreaInfo {
                device_id: BUILTIN_FRU_DEVICE,
            },
        );
        assert_eq!(info.size, 512);
        let mut image = Vec::new();
        while image.len() < 512 {
            let chunk = ok(
                &mut m,
                &ReadFruData {
                    device_id: 0,
                    offset: u16::try_from(image.len()).unwrap(),
                    count: 32,
                },
            );
            assert_eq!(usize::from(chunk.count), chunk.data.len());
            image.extend_from_slice(chunk.bytes(false));
        }
        let fru = Fru::parse(&image).unwrap();
        assert!(fru.warnings.is_empty());
        assert_eq!(fru.product.unwrap().name.as_str(), "ES-2400");
        let psu = Fru::parse(&m.fru(1).unwrap().image).unwrap();
        assert_eq!(psu.power_supply_capacities(), [800]);
        // Too big, past the end, clamped at the end, missing device.
        let rd = |offset, count, device_id| ReadFruData {
            device_id,
            offset,
            count,
        };
        assert_eq!(
            call(&mut m, &rd(0, 33, 0), PrivilegeLevel::User),
            Err(CompletionCode::RequestLengthLimitExceeded)
        );
        assert_eq!(
            call(&mut m, &rd(512, 1, 0), PrivilegeLevel::User),
            Err(CompletionCode::ParameterOutOfRange)
        );
        assert_eq!(ok(&mut m, &rd(500, 32, 0)).count, 12);
        assert_eq!(
            call(&mut m, &rd(0, 1, 7), PrivilegeLevel::User),
            Err(CompletionCode::NotPresent)
        );
        assert_eq!(
            call(
                &mut m,
                &GetFruInventoryAreaInfo { device_id: 7 },
                PrivilegeLevel::User
            ),
            Err(CompletionCode::NotPresent)
        );
        // Word access: offsets and counts in words.
        m.frus[1].word_access = true;
        let d = ok(&mut m, &rd(2, 4, 1));
        assert_eq!(d.count, 4);
        assert_eq!(d.data, m.fru(1).unwrap().image[4..12]);
        // Not ours.
        let req = IpmiRequest::to_bmc(NetFn::App, 0x01, 1, vec![]);
        assert_eq!(m.handle(&req, caller(PrivilegeLevel::User)), None);
    }
}
