//! `ipmi_exporter`: the Prometheus IPMI exporter and its debugging commands.
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ipmi_exporter::cli::Cli::parse();
    ipmi_exporter::cli::init_logging(&cli);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ipmi_exporter: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result: anyhow::Result<()> = runtime
        .block_on(ipmi_exporter::cli::run(cli))
        .map_err(Into::into);
    // Shutdown is bounded: tasks still running (a bcrypt check, a session
    // close) get a moment, then the process exits.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: the error and its causes.
            eprintln!("ipmi_exporter: {e}");
            ExitCode::FAILURE
        }
    }
}
