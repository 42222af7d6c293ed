//! `ipmi_exporter sel` (being written).

use clap::Args;

use super::{CliError, ConnectArgs, Format};

/// Arguments of `sel`.
#[derive(Debug, Args)]
pub struct SelArgs {
    /// Connection flags.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `sel`.
///
/// # Errors
/// Connection and command failures as [`CliError`].
pub async fn run(args: SelArgs) -> Result<(), CliError> {
    let _ = (&args.connect, args.format);
    Err(CliError::InvalidArgument("not implemented yet".into()))
}
