//! `ipmi_exporter power` (being written).

use clap::Args;

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
}

/// Runs `power`.
///
/// # Errors
/// Connection and command failures as [`CliError`].
pub async fn run(args: PowerArgs) -> Result<(), CliError> {
    let _ = (&args.connect, args.format);
    Err(CliError::InvalidArgument("not implemented yet".into()))
}
