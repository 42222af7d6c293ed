//! `ipmi_exporter watchdog`: Get Watchdog Timer (one request), printed like
//! `ipmitool mc watchdog get` (text) or as JSON with the names FreeIPMI's
//! `bmc-watchdog --get` prints (the label values of the exporter's
//! `bmc-watchdog` collector).

use clap::Args;
use ipmi_proto::commands::watchdog::{GetWatchdogTimer, WatchdogTimer};
use serde::Serialize;

use super::chassis::{emit, print_json};
use super::{CliError, ConnectArgs, Format};

/// Arguments of `watchdog`.
#[derive(Debug, Args)]
pub struct WatchdogArgs {
    /// Connection flags.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// The JSON form of `watchdog`.
#[derive(Debug, Serialize, PartialEq)]
pub struct WatchdogJson {
    /// Timer use as `bmc-watchdog` names it (`BIOS FRB2`, `BIOS POST`, `OS
    /// LOAD`, `SMS/OS`, `OEM`, `Reserved`).
    pub timer_use: &'static str,
    /// The 3-bit timer use code.
    pub timer_use_code: u8,
    /// The timer is running.
    pub running: bool,
    /// Expirations are logged (the "don't log" bit is clear).
    pub logging: bool,
    /// Timeout action (`None`, `Hard Reset`, `Power Down`, `Power Cycle`,
    /// `Reserved`).
    pub timeout_action: &'static str,
    /// Pre-timeout interrupt (`None`, `SMI`, `NMI / Diagnostic Interrupt`,
    /// `Messaging Interrupt`, `Reserved`).
    pub pre_timeout_interrupt: &'static str,
    /// Pre-timeout interval, seconds.
    pub pre_timeout_interval_seconds: u8,
    /// Timer uses whose expiration flag is set.
    pub expiration_flags: Vec<&'static str>,
    /// Initial countdown, seconds (0.1 s resolution).
    pub initial_countdown_seconds: f64,
    /// Present countdown, seconds; null when the BMC left it out (ipmi_sim).
    pub present_countdown_seconds: Option<f64>,
}

/// Builds the JSON form.
pub fn to_json(w: &WatchdogTimer) -> WatchdogJson {
    WatchdogJson {
        timer_use: w.timer_use.freeipmi_name(),
        timer_use_code: w.timer_use.bits(),
        running: w.running,
        logging: w.logging_enabled(),
        timeout_action: w.timeout_action.freeipmi_name(),
        pre_timeout_interrupt: w.pre_timeout_interrupt.freeipmi_name(),
        pre_timeout_interval_seconds: w.pre_timeout_interval,
        expiration_flags: w
            .expiration_flags
            .uses()
            .into_iter()
            .map(|u| u.freeipmi_name())
            .collect(),
        initial_countdown_seconds: w.initial_countdown_seconds(),
        present_countdown_seconds: w.present_countdown_seconds(),
    }
}

/// Renders the timer as `ipmitool mc watchdog get` does; a present
/// countdown the BMC did not send is `N/A` (ipmitool prints whatever
/// follows in its buffer).
pub fn render_text(w: &WatchdogTimer) -> String {
    let usage = (u8::from(w.dont_log) << 7) | (u8::from(w.running) << 6) | w.timer_use.bits();
    let flags = w.expiration_flags.uses();
    let flag_names: String = if flags.is_empty() {
        "None ".to_string()
    } else {
        flags
            .iter()
            .map(|u| format!("{} ", u.ipmitool_name()))
            .collect()
    };
    let present = match w.present_countdown_seconds() {
        Some(s) => format!("{s:.1} sec"),
        None => "N/A".to_string(),
    };
    format!(
        "Watchdog Timer Use:     {} ({usage:#04x})\n\
         Watchdog Timer Is:      {}\n\
         Watchdog Timer Logging: {}\n\
         Watchdog Timer Action:  {} ({:#04x})\n\
         Pre-timeout interrupt:  {}\n\
         Pre-timeout interval:   {} seconds\n\
         Timer Expiration Flags: {flag_names}({:#04x})\n\
         Initial Countdown:      {:.1} sec\n\
         Present Countdown:      {present}\n",
        w.timer_use.ipmitool_name(),
        if w.running {
            "Started/Running"
        } else {
            "Stopped"
        },
        if w.logging_enabled() { "On" } else { "Off" },
        w.timeout_action.ipmitool_name(),
        (w.pre_timeout_interrupt.bits() << 4) | w.timeout_action.bits(),
        w.pre_timeout_interrupt.ipmitool_name(),
        w.pre_timeout_interval,
        w.expiration_flags.0,
        w.initial_countdown_seconds(),
    )
}

/// Runs `watchdog`.
///
/// # Errors
/// Connection and command failures as [`CliError`].
pub async fn run(args: WatchdogArgs) -> Result<(), CliError> {
    let client = args.connect.connect().await?;
    let result = client.execute(&GetWatchdogTimer).await;
    client.close().await;
    let timer = result.map_err(|e| args.connect.ipmi_error(e))?;
    match args.format {
        Format::Json => print_json(&to_json(&timer))?,
        Format::Text => emit(&render_text(&timer))?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipmi_proto::codec::Codec;

    #[test]
    fn text_like_ipmitool() {
        // ipmi_sim's six-byte answer: ipmitool's reference output, except the
        // present countdown it made up.
        let w = WatchdogTimer::from_bytes(&[0; 6]).unwrap();
        assert_eq!(
            render_text(&w),
            "Watchdog Timer Use:     Reserved (0x00)\n\
             Watchdog Timer Is:      Stopped\n\
             Watchdog Timer Logging: On\n\
             Watchdog Timer Action:  No action (0x00)\n\
             Pre-timeout interrupt:  None\n\
             Pre-timeout interval:   0 seconds\n\
             Timer Expiration Flags: None (0x00)\n\
             Initial Countdown:      0.0 sec\n\
             Present Countdown:      N/A\n"
        );
        // The virtual BMC's default timer, as ipmitool printed it.
        let w = WatchdogTimer::from_bytes(&[0x44, 0x01, 0, 0, 0xb8, 0x0b, 0x86, 0x0b]).unwrap();
        assert_eq!(
            render_text(&w),
            "Watchdog Timer Use:     SMS/OS (0x44)\n\
             Watchdog Timer Is:      Started/Running\n\
             Watchdog Timer Logging: On\n\
             Watchdog Timer Action:  Hard Reset (0x01)\n\
             Pre-timeout interrupt:  None\n\
             Pre-timeout interval:   0 seconds\n\
             Timer Expiration Flags: None (0x00)\n\
             Initial Countdown:      300.0 sec\n\
             Present Countdown:      295.0 sec\n"
        );
        let j = to_json(&w);
        assert_eq!(j.timer_use, "SMS/OS");
        assert_eq!(j.timeout_action, "Hard Reset");
        assert_eq!(j.present_countdown_seconds, Some(295.0));
    }
}
