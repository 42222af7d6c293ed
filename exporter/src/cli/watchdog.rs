//! `ipmi_exporter watchdog` (being written).

use clap::Args;

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

/// Runs `watchdog`.
///
/// # Errors
/// Connection and command failures as [`CliError`].
pub async fn run(args: WatchdogArgs) -> Result<(), CliError> {
    let _ = (&args.connect, args.format);
    Err(CliError::InvalidArgument("not implemented yet".into()))
}
