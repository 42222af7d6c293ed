//! `ipmi_exporter chassis`: Get Chassis Status (one request), printed like
//! `ipmitool chassis status` (text) or as JSON.
//!
//! The text has ipmitool's lines and spelling, so it can be compared with
//! the tool line by line; when the BMC reports it, "Chassis Identify" (the
//! state FreeIPMI prints) follows the fault lines.

use clap::Args;
use ipmi_proto::commands::chassis::{ChassisStatus, GetChassisStatus};
use serde::Serialize;

use super::{CliError, ConnectArgs, Format};

/// Arguments of `chassis`.
#[derive(Debug, Args)]
pub struct ChassisArgs {
    /// Connection flags.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// The front panel button byte in JSON.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct FrontPanelJson {
    /// Disabling the standby (sleep) button is allowed.
    pub standby_disable_allowed: bool,
    /// Disabling the diagnostic interrupt button is allowed.
    pub diagnostic_disable_allowed: bool,
    /// Disabling the reset button is allowed.
    pub reset_disable_allowed: bool,
    /// Disabling the power off button is allowed.
    pub power_off_disable_allowed: bool,
    /// The standby (sleep) button is disabled.
    pub standby_disabled: bool,
    /// The diagnostic interrupt button is disabled.
    pub diagnostic_disabled: bool,
    /// The reset button is disabled.
    pub reset_disabled: bool,
    /// The power off button is disabled.
    pub power_off_disabled: bool,
}

/// The JSON form of `chassis`.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ChassisJson {
    /// System power is on.
    pub power_on: bool,
    /// Power overload.
    pub power_overload: bool,
    /// Power interlock active.
    pub interlock: bool,
    /// Main power fault.
    pub power_fault: bool,
    /// Power control fault.
    pub power_control_fault: bool,
    /// Power restore policy: `always-off`, `previous`, `always-on`, `unknown`.
    pub restore_policy: &'static str,
    /// Last power event flags: `ac-failed`, `overload`, `interlock`,
    /// `fault`, `command`.
    pub last_power_event: Vec<&'static str>,
    /// Chassis intrusion active.
    pub intrusion: bool,
    /// Front panel lockout active.
    pub front_panel_lockout: bool,
    /// Drive fault.
    pub drive_fault: bool,
    /// Cooling / fan fault.
    pub cooling_fault: bool,
    /// Chassis identify state (`off`, `Timed on`, `Indefinite on`), null
    /// when the BMC does not report it.
    pub identify: Option<&'static str>,
    /// Front panel button capabilities, when sent.
    pub front_panel: Option<FrontPanelJson>,
}

/// Builds the JSON form.
pub fn to_json(s: &ChassisStatus) -> ChassisJson {
    ChassisJson {
        power_on: s.power_on,
        power_overload: s.power_overload,
        interlock: s.interlock,
        power_fault: s.power_fault,
        power_control_fault: s.power_control_fault,
        restore_policy: s.restore_policy.ipmitool_name(),
        last_power_event: s.last_power_event.ipmitool_words(),
        intrusion: s.intrusion,
        front_panel_lockout: s.front_panel_lockout,
        drive_fault: s.drive_fault,
        cooling_fault: s.cooling_fault,
        identify: s.identify.map(|i| i.name()),
        front_panel: s.front_panel.map(|f| FrontPanelJson {
            standby_disable_allowed: f.standby_disable_allowed(),
            diagnostic_disable_allowed: f.diagnostic_disable_allowed(),
            reset_disable_allowed: f.reset_disable_allowed(),
            power_off_disable_allowed: f.power_off_disable_allowed(),
            standby_disabled: f.standby_disabled(),
            diagnostic_disabled: f.diagnostic_disabled(),
            reset_disabled: f.reset_disabled(),
            power_off_disabled: f.power_off_disabled(),
        }),
    }
}

fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

fn active(b: bool) -> &'static str {
    if b {
        "active"
    } else {
        "inactive"
    }
}

fn allowed(b: bool) -> &'static str {
    if b {
        "allowed"
    } else {
        "not allowed"
    }
}

/// Renders the status as `ipmitool chassis status` does (plus the
/// identify state when reported).
pub fn render_text(s: &ChassisStatus) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mut line = |k: &str, v: &str| {
        let _ = writeln!(out, "{k:<21}: {v}");
    };
    line("System Power", on_off(s.power_on));
    line("Power Overload", &s.power_overload.to_string());
    line("Power Interlock", active(s.interlock));
    line("Main Power Fault", &s.power_fault.to_string());
    line("Power Control Fault", &s.power_control_fault.to_string());
    line("Power Restore Policy", s.restore_policy.ipmitool_name());
    let events: String = s
        .last_power_event
        .ipmitool_words()
        .iter()
        .map(|w| format!("{w} "))
        .collect();
    line("Last Power Event", &events);
    line("Chassis Intrusion", active(s.intrusion));
    line("Front-Panel Lockout", active(s.front_panel_lockout));
    line("Drive Fault", &s.drive_fault.to_string());
    line("Cooling/Fan Fault", &s.cooling_fault.to_string());
    if let Some(identify) = s.identify {
        line("Chassis Identify", identify.name());
    }
    if let Some(f) = s.front_panel {
        line("Sleep Button Disable", allowed(f.standby_disable_allowed()));
        line(
            "Diag Button Disable",
            allowed(f.diagnostic_disable_allowed()),
        );
        line("Reset Button Disable", allowed(f.reset_disable_allowed()));
        line(
            "Power Button Disable",
            allowed(f.power_off_disable_allowed()),
        );
        line("Sleep Button Disabled", &f.standby_disabled().to_string());
        line("Diag Button Disabled", &f.diagnostic_disabled().to_string());
        line("Reset Button Disabled", &f.reset_disabled().to_string());
        line("Power Button Disabled", &f.power_off_disabled().to_string());
    }
    out
}

/// Writes `text` to stdout; a closed pipe (`| head`) ends the output
/// quietly instead of panicking like `print!` (shared by the platform
/// commands).
pub(crate) fn emit(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Io {
            context: "writing to stdout".into(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Prints `value` as pretty JSON on stdout (shared by the platform commands).
pub(crate) fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| CliError::Io {
        context: "encoding JSON".into(),
        source: e.into(),
    })?;
    text.push('\n');
    emit(&text)
}

/// Runs `chassis`.
///
/// # Errors
/// Connection and command failures as [`CliError`].
pub async fn run(args: ChassisArgs) -> Result<(), CliError> {
    let client = args.connect.connect().await?;
    let result = client.execute(&GetChassisStatus).await;
    client.close().await;
    let status = result.map_err(|e| args.connect.ipmi_error(e))?;
    match args.format {
        Format::Json => print_json(&to_json(&status))?,
        Format::Text => emit(&render_text(&status))?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipmi_proto::codec::Codec;

    #[test]
    fn text_matches_ipmitool_for_ipmi_sim() {
        // tests/sim/expected/ipmitool-chassis-status.txt, from `01 00 00`.
        let s = ChassisStatus::from_bytes(&[0x01, 0x00, 0x00]).unwrap();
        let expected = "System Power         : on\n\
                        Power Overload       : false\n\
                        Power Interlock      : inactive\n\
                        Main Power Fault     : false\n\
                        Power Control Fault  : false\n\
                        Power Restore Policy : always-off\n\
                        Last Power Event     : \n\
                        Chassis Intrusion    : inactive\n\
                        Front-Panel Lockout  : inactive\n\
                        Drive Fault          : false\n\
                        Cooling/Fan Fault    : false\n";
        assert_eq!(render_text(&s), expected);
    }

    #[test]
    fn text_with_everything() {
        let s = ChassisStatus::from_bytes(&[0x3f, 0x11, 0x6f, 0xa5]).unwrap();
        let text = render_text(&s);
        assert!(text.contains("Last Power Event     : ac-failed command \n"));
        assert!(text.contains("Chassis Identify     : Indefinite on\n"));
        assert!(text.contains("Sleep Button Disable : allowed\n"));
        assert!(text.contains("Diag Button Disable  : not allowed\n"));
        assert!(text.contains("Power Button Disabled: true\n"));
        let j = serde_json::to_value(to_json(&s)).unwrap();
        assert_eq!(j["restore_policy"], "previous");
        assert_eq!(
            j["last_power_event"],
            serde_json::json!(["ac-failed", "command"])
        );
        assert_eq!(j["front_panel"]["reset_disable_allowed"], true);
        assert_eq!(j["identify"], "Indefinite on");
    }
}
