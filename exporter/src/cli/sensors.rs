//! `ipmi_exporter sensors` (being written).

use clap::Args;

use super::{CliError, ConnectArgs, Format};

/// Arguments of `sensors`.
#[derive(Debug, Args)]
pub struct SensorsArgs {
    /// Connection flags.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `sensors`.
///
/// # Errors
/// Connection and command failures as [`CliError`].
pub async fn run(args: SensorsArgs) -> Result<(), CliError> {
    let _ = (&args.connect, args.format);
    Err(CliError::InvalidArgument("not implemented yet".into()))
}
