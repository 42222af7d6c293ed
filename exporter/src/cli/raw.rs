//! `ipmi_exporter raw` (being written).

use clap::Args;

use super::{CliError, ConnectArgs, Format};

/// Arguments of `raw`.
#[derive(Debug, Args)]
pub struct RawArgs {
    /// Connection flags.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `raw`.
///
/// # Errors
/// Connection and command failures as [`CliError`].
pub async fn run(args: RawArgs) -> Result<(), CliError> {
    let _ = (&args.connect, args.format);
    Err(CliError::InvalidArgument("not implemented yet".into()))
}
