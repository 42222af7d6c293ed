//! `ipmi_exporter chassis` (being written).

use clap::Args;

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

/// Runs `chassis`.
///
/// # Errors
/// Connection and command failures as [`CliError`].
pub async fn run(args: ChassisArgs) -> Result<(), CliError> {
    let _ = (&args.connect, args.format);
    Err(CliError::InvalidArgument("not implemented yet".into()))
}
