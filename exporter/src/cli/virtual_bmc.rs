//! `ipmi_exporter virtual-bmc`: a virtual BMC in the foreground.

use std::net::SocketAddr;

use clap::Args;
use ipmi_proto::bmc::server::Server;
use ipmi_proto::bmc::Machine;

use super::CliError;

/// Arguments of `virtual-bmc`.
#[derive(Debug, Args)]
pub struct VirtualBmcArgs {
    /// Address to listen on, e.g. `127.0.0.1:9623` or `[::1]:623`.
    #[arg(long, default_value = "127.0.0.1:9623")]
    pub listen: SocketAddr,
    /// Replace the built-in users by one administrator with this name.
    #[arg(long, requires = "password")]
    pub user: Option<String>,
    /// The administrator's password (with --user).
    #[arg(
        long,
        requires = "user",
        env = "VIRTUAL_BMC_PASSWORD",
        hide_env_values = true
    )]
    pub password: Option<String>,
}

/// Runs the virtual BMC until interrupted.
///
/// # Errors
/// [`CliError`] when the socket cannot be bound or fails.
pub async fn run(args: VirtualBmcArgs) -> Result<(), CliError> {
    let mut machine = Machine::default();
    if let (Some(user), Some(password)) = (&args.user, &args.password) {
        if user.len() > 16 {
            return Err(CliError::InvalidArgument("--user: at most 16 bytes".into()));
        }
        machine = machine
            .with_admin(user, password.as_bytes())
            .map_err(|e| CliError::InvalidArgument(format!("--password: {e}")))?;
    }
    let users: Vec<String> = machine
        .users
        .iter()
        .map(|u| format!("{} ({})", String::from_utf8_lossy(&u.name), u.max_privilege))
        .collect();
    let server = Server::bind(args.listen, machine)
        .await
        .map_err(|source| CliError::Io {
            context: format!("binding {}", args.listen),
            source,
        })?;
    let addr = server.local_addr().map_err(|source| CliError::Io {
        context: "reading the local address".into(),
        source,
    })?;
    tracing::info!(%addr, users = %users.join(", "), "virtual BMC listening");
    tokio::select! {
        r = server.run() => r.map_err(|source| CliError::Io { context: "serving".into(), source }),
        _ = tokio::signal::ctrl_c() => {
            tracing::info!("virtual BMC stopped");
            Ok(())
        }
    }
}
