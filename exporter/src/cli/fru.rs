//! `ipmi_exporter fru` (being written).

use clap::Args;

use super::{CliError, ConnectArgs, Format};

/// Arguments of `fru`.
#[derive(Debug, Args)]
pub struct FruArgs {
    /// Connection flags.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `fru`.
///
/// # Errors
/// Connection and command failures as [`CliError`].
pub async fn run(args: FruArgs) -> Result<(), CliError> {
    let _ = (&args.connect, args.format);
    Err(CliError::InvalidArgument("not implemented yet".into()))
}
