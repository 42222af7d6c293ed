//! `bmc-watchdog`: the watchdog timer (Get Watchdog Timer) with upstream's
//! metrics and FreeIPMI `bmc-watchdog --get` label values. Unlike
//! upstream's FreeIPMI mode (in-band only) this works remotely.

use ipmi_proto::client::Client;
use ipmi_proto::commands::watchdog::{
    GetWatchdogTimer, PreTimeoutInterrupt, TimeoutAction, TimerUse,
};

use super::CollectError;
use crate::metrics::MetricSet;

fn one_hot(
    out: &mut MetricSet,
    name: &'static str,
    help: &'static str,
    label: &str,
    all: &[&str],
    current: &str,
) {
    for v in all {
        out.gauge(
            name,
            help,
            &[(label, v)],
            if *v == current { 1.0 } else { 0.0 },
        );
    }
}

pub(super) async fn collect(client: &Client, out: &mut MetricSet) -> Result<(), CollectError> {
    let w = client.execute(&GetWatchdogTimer).await?;
    // Some BMCs (OpenIPMI's simulator among them) leave the present
    // countdown out. A stopped timer does not count down, so its present
    // value is its initial one; a running timer without it is an error.
    // Whole seconds, truncated, as bmc-watchdog prints them.
    let current = match (w.present_countdown_whole_seconds(), w.running) {
        (Some(c), _) => f64::from(c),
        (None, false) => f64::from(w.initial_countdown_whole_seconds()),
        (None, true) => {
            return Err(CollectError::Unsupported(
                "Get Watchdog Timer answer without the present countdown".into(),
            ))
        }
    };
    out.gauge(
        "ipmi_bmc_watchdog_timer_state",
        "Watchdog timer running (1: running, 0: stopped)",
        &[],
        if w.running { 1.0 } else { 0.0 },
    );
    one_hot(
        out,
        "ipmi_bmc_watchdog_timer_use_state",
        "Watchdog timer use (1: active, 0: inactive)",
        "name",
        &TimerUse::EXPORTER_LABELS,
        w.timer_use.freeipmi_name(),
    );
    out.gauge(
        "ipmi_bmc_watchdog_logging_state",
        "Watchdog log flag (1: Enabled, 0: Disabled / note: reverse of freeipmi)",
        &[],
        if w.logging_enabled() { 1.0 } else { 0.0 },
    );
    one_hot(
        out,
        "ipmi_bmc_watchdog_timeout_action_state",
        "Watchdog timeout action (1: active, 0: inactive)",
        "action",
        &[
            TimeoutAction::None.freeipmi_name(),
            TimeoutAction::HardReset.freeipmi_name(),
            TimeoutAction::PowerDown.freeipmi_name(),
            TimeoutAction::PowerCycle.freeipmi_name(),
        ],
        w.timeout_action.freeipmi_name(),
    );
    one_hot(
        out,
        "ipmi_bmc_watchdog_pretimeout_interrupt_state",
        "Watchdog pre-timeout interrupt (1: active, 0: inactive)",
        "interrupt",
        &[
            PreTimeoutInterrupt::None.freeipmi_name(),
            PreTimeoutInterrupt::Smi.freeipmi_name(),
            PreTimeoutInterrupt::Nmi.freeipmi_name(),
            PreTimeoutInterrupt::Messaging.freeipmi_name(),
        ],
        w.pre_timeout_interrupt.freeipmi_name(),
    );
    out.gauge(
        "ipmi_bmc_watchdog_pretimeout_interval_seconds",
        "Watchdog pre-timeout interval in seconds",
        &[],
        f64::from(w.pre_timeout_interval),
    );
    out.gauge(
        "ipmi_bmc_watchdog_initial_countdown_seconds",
        "Watchdog initial countdown in seconds",
        &[],
        f64::from(w.initial_countdown_whole_seconds()),
    );
    // Upstream's HELP for this one repeats "initial" (sic); kept for compatibility.
    out.gauge(
        "ipmi_bmc_watchdog_current_countdown_seconds",
        "Watchdog initial countdown in seconds",
        &[],
        current,
    );
    Ok(())
}
