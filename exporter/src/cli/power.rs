//! `ipmi_exporter power`: the DCMI power reading (Get Power Reading, mode
//! 1: one request), printed like FreeIPMI `ipmi-dcmi
//! --get-system-power-statistics` (whose lines the upstream exporter's
//! `dcmi` collector parses), or as JSON.
//!
//! `--period SECONDS` asks for the enhanced statistics over one of the
//! BMC's rolling average periods (mode 2); `--capabilities` also prints
//! Get DCMI Capabilities Info parameters 1 and 5 (two more requests).
//! A BMC without DCMI (OpenIPMI's `ipmi_sim` answers C1h) gives the error
//! "DCMI is not supported by this BMC".

use clap::Args;
use ipmi_proto::client::Client;
use ipmi_proto::commands::dcmi::{
    DcmiCapabilities, EnhancedPowerStatisticsAttributes, GetDcmiCapabilities, GetPowerReading,
    PeriodUnit, PowerReading, RollingAveragePeriod, SupportedCapabilities,
};
use ipmi_proto::sel::CivilTime;
use ipmi_proto::CompletionCode;
use serde::Serialize;

use super::chassis::{emit, print_json};
use super::{CliError, ConnectArgs, Format};

/// Arguments of `power`.
#[derive(Debug, Args)]
pub struct PowerArgs {
    /// Connection flags.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Statistics over this rolling average period (seconds; it must be one
    /// the BMC lists in its DCMI capabilities) instead of the BMC's own
    /// sampling period.
    #[arg(long)]
    pub period: Option<u32>,
    /// Also print the DCMI capabilities (version, power management
    /// support, rolling average periods).
    #[arg(long)]
    pub capabilities: bool,
}

/// DCMI capabilities in JSON.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct CapabilitiesJson {
    /// DCMI version, "1.5".
    pub dcmi_version: String,
    /// Power management / monitoring supported.
    pub power_management: bool,
    /// Rolling average periods in seconds (empty when parameter 5 is not
    /// supported).
    pub rolling_average_periods_seconds: Vec<u32>,
}

/// The JSON form of `power`.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct PowerJson {
    /// "power measurement active": the numbers below mean something only
    /// when this is true (the exporter omits the metric otherwise).
    pub measurement_active: bool,
    /// Current power, watts.
    pub current_watts: u16,
    /// Minimum over the statistics period, watts.
    pub minimum_watts: u16,
    /// Maximum over the statistics period, watts.
    pub maximum_watts: u16,
    /// Average over the statistics period, watts.
    pub average_watts: u16,
    /// IPMI timestamp of the reading, Unix seconds.
    pub timestamp: u32,
    /// The timestamp as RFC 3339 (UTC).
    pub time: String,
    /// Statistics reporting period, milliseconds.
    pub statistics_period_ms: u32,
    /// Capabilities, with `--capabilities`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<CapabilitiesJson>,
}

/// Builds the JSON form.
pub fn to_json(r: &PowerReading, caps: Option<CapabilitiesJson>) -> PowerJson {
    PowerJson {
        measurement_active: r.measurement_active,
        current_watts: r.current_watts,
        minimum_watts: r.minimum_watts,
        maximum_watts: r.maximum_watts,
        average_watts: r.average_watts,
        timestamp: r.timestamp,
        time: CivilTime::from_unix(i64::from(r.timestamp)).rfc3339(),
        statistics_period_ms: r.statistics_period_ms,
        capabilities: caps,
    }
}

/// Renders the reading as `ipmi-dcmi --get-system-power-statistics` does
/// (FreeIPMI 1.6: "Watts" on the first line, "watts" on the next three,
/// the timestamp in UTC).
pub fn render_text(r: &PowerReading) -> String {
    let time = CivilTime::from_unix(i64::from(r.timestamp)).freeipmi_info();
    let active = if r.measurement_active {
        "Active"
    } else {
        "Not Available"
    };
    format!(
        "Current Power                        : {} Watts\n\
         Minimum Power over sampling duration : {} watts\n\
         Maximum Power over sampling duration : {} watts\n\
         Average Power over sampling duration : {} watts\n\
         Time Stamp                           : {time}\n\
         Statistics reporting time period     : {} milliseconds\n\
         Power Measurement                    : {active}\n",
        r.current_watts, r.minimum_watts, r.maximum_watts, r.average_watts, r.statistics_period_ms,
    )
}

fn render_capabilities(c: &CapabilitiesJson) -> String {
    let periods: Vec<String> = c
        .rolling_average_periods_seconds
        .iter()
        .map(|s| format!("{s} s"))
        .collect();
    format!(
        "DCMI Specification Conformance       : {}\n\
         Power Management / Monitoring Support: {}\n\
         Rolling Average Time Periods         : {}\n",
        c.dcmi_version,
        if c.power_management {
            "Available"
        } else {
            "Not present"
        },
        if periods.is_empty() {
            "none".to_string()
        } else {
            periods.join(", ")
        }
    )
}

/// The rolling average period for `seconds`, in the largest unit that
/// represents it exactly.
pub fn period_for_seconds(seconds: u32) -> Option<RollingAveragePeriod> {
    [
        (PeriodUnit::Days, 86_400),
        (PeriodUnit::Hours, 3_600),
        (PeriodUnit::Minutes, 60),
        (PeriodUnit::Seconds, 1),
    ]
    .into_iter()
    .find_map(|(unit, per)| {
        let n = seconds.checked_div(per)?;
        (n * per == seconds && (1..=63).contains(&n))
            .then(|| RollingAveragePeriod::new(unit, u8::try_from(n).unwrap_or(0)))
    })
}

fn is_unsupported(e: &ipmi_proto::Error) -> bool {
    e.completion_code() == Some(CompletionCode::InvalidCommand)
}

async fn capabilities(client: &Client) -> Result<CapabilitiesJson, ipmi_proto::Error> {
    let p1: DcmiCapabilities = client.execute(&GetDcmiCapabilities::new(1)).await?;
    let supported: SupportedCapabilities = p1.parameter()?;
    // Parameter 5 is optional (DCMI 1.0 BMCs do not know it).
    let periods = match client.execute(&GetDcmiCapabilities::new(5)).await {
        Ok(c) => c
            .parameter::<EnhancedPowerStatisticsAttributes>()
            .map(|p| p.periods.iter().map(|p| p.seconds()).collect())
            .unwrap_or_default(),
        Err(e) if e.completion_code().is_some() => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(CapabilitiesJson {
        dcmi_version: p1.version(),
        power_management: supported.power_management(),
        rolling_average_periods_seconds: periods,
    })
}

/// Runs `power`.
///
/// # Errors
/// Connection and command failures as [`CliError`]; "DCMI is not
/// supported by this BMC" when it answers C1h.
pub async fn run(args: PowerArgs) -> Result<(), CliError> {
    let request = match args.period {
        None => GetPowerReading::system(),
        Some(s) => GetPowerReading::enhanced(period_for_seconds(s).ok_or_else(|| {
            CliError::InvalidArgument(format!(
                "--period {s}: not expressible as 1–63 seconds, minutes, hours or days"
            ))
        })?),
    };
    let client = args.connect.connect().await?;
    let result = async {
        let reading = client.execute(&request).await?;
        let caps = if args.capabilities {
            Some(capabilities(&client).await?)
        } else {
            None
        };
        Ok::<_, ipmi_proto::Error>((reading, caps))
    }
    .await;
    client.close().await;
    let (reading, caps) = match result {
        Ok(v) => v,
        Err(e) if is_unsupported(&e) => {
            return Err(CliError::InvalidArgument(format!(
                "{}: DCMI is not supported by this BMC (Get Power Reading answered C1h, \
                 invalid or unsupported command)",
                args.connect.target
            )))
        }
        Err(e) => return Err(args.connect.ipmi_error(e)),
    };
    match args.format {
        Format::Json => print_json(&to_json(&reading, caps))?,
        Format::Text => {
            let mut text = render_text(&reading);
            if let Some(c) = &caps {
                text.push('\n');
                text.push_str(&render_capabilities(c));
            }
            emit(&text)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_like_freeipmi() {
        let r = PowerReading {
            current_watts: 285,
            minimum_watts: 210,
            maximum_watts: 412,
            average_watts: 276,
            timestamp: 1_707_732_900,
            statistics_period_ms: 1000,
            measurement_active: true,
        };
        // What `ipmi-dcmi --get-system-power-statistics` printed for the
        // same reading from the virtual BMC.
        assert_eq!(
            render_text(&r),
            "Current Power                        : 285 Watts\n\
             Minimum Power over sampling duration : 210 watts\n\
             Maximum Power over sampling duration : 412 watts\n\
             Average Power over sampling duration : 276 watts\n\
             Time Stamp                           : 02/12/2024 - 10:15:00\n\
             Statistics reporting time period     : 1000 milliseconds\n\
             Power Measurement                    : Active\n"
        );
        let off = PowerReading {
            measurement_active: false,
            ..r
        };
        assert!(
            render_text(&off).ends_with("Power Measurement                    : Not Available\n")
        );
        let j = serde_json::to_value(to_json(&r, None)).unwrap();
        assert_eq!(j["time"], "2024-02-12T10:15:00Z");
        assert_eq!(j["current_watts"], 285);
        assert!(j.get("capabilities").is_none());
    }

    #[test]
    fn periods() {
        assert_eq!(
            period_for_seconds(300),
            Some(RollingAveragePeriod::new(PeriodUnit::Minutes, 5))
        );
        assert_eq!(
            period_for_seconds(86_400),
            Some(RollingAveragePeriod::new(PeriodUnit::Days, 1))
        );
        assert_eq!(
            period_for_seconds(30),
            Some(RollingAveragePeriod::new(PeriodUnit::Seconds, 30))
        );
        // 90 s is neither 1–63 s nor a whole number of minutes.
        assert_eq!(period_for_seconds(90), None);
        assert_eq!(period_for_seconds(0), None);
    }
}
