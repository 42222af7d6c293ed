//! Command-line interface: the debugging subcommands (`info`, …) and the
//! virtual BMC.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ipmi_proto::client::{Client, ClientOptions, Credentials, Interface};
use ipmi_proto::crypto::keys::BmcKey;
use ipmi_proto::session::Lan15AuthType;
use ipmi_proto::PrivilegeLevel;
use thiserror::Error;
use zeroize::Zeroizing;

pub mod chassis;
pub mod fru;
pub mod info;
pub mod power;
pub mod raw;
pub mod sel;
pub mod sensors;
pub mod virtual_bmc;
pub mod watchdog;

/// The `ipmi_exporter` command line.
#[derive(Debug, Parser)]
#[command(
    name = "ipmi_exporter",
    version,
    about = "Prometheus exporter for IPMI BMCs, and IPMI debugging tools"
)]
pub struct Cli {
    /// Log level: debug, info, warn or error (as upstream; anything else is
    /// refused instead of silencing the log).
    #[arg(long = "log.level", value_enum, default_value_t = LogLevel::Info, global = true)]
    pub log_level: LogLevel,
    /// Log format: logfmt or json.
    #[arg(long = "log.format", default_value = "logfmt", global = true)]
    pub log_format: LogFormat,
    /// The exporter's flags (used when no subcommand is given).
    #[command(flatten)]
    pub serve: crate::server::ServeArgs,
    /// A debugging subcommand; without one, the exporter runs.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `--log.level` values (upstream's four).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    /// Everything.
    Debug,
    /// Informational and above.
    Info,
    /// Warnings and errors.
    Warn,
    /// Errors only.
    Error,
}

impl LogLevel {
    fn directive(self) -> &'static str {
        match self {
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

/// `--log.format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// key=value lines.
    Logfmt,
    /// One JSON object per line.
    Json,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the BMC's identity (Get Device ID and GUID).
    Info(info::InfoArgs),
    /// Print every sensor: reading, unit, state and thresholds.
    Sensors(sensors::SensorsArgs),
    /// Print the System Event Log.
    Sel(sel::SelArgs),
    /// Print the chassis status (power, faults, restore policy).
    Chassis(chassis::ChassisArgs),
    /// Print the FRU inventory (chassis, board, product).
    Fru(fru::FruArgs),
    /// Print the DCMI power reading.
    Power(power::PowerArgs),
    /// Print the watchdog timer.
    Watchdog(watchdog::WatchdogArgs),
    /// Send a raw request: NETFN CMD [DATA...] (hex bytes).
    Raw(raw::RawArgs),
    /// Run a virtual BMC in the foreground (for tests and demos).
    VirtualBmc(virtual_bmc::VirtualBmcArgs),
}

/// Output formats of the debugging commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Human-readable text.
    #[default]
    Text,
    /// JSON.
    Json,
}

/// `--interface` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum InterfaceArg {
    /// IPMI 2.0 / RMCP+.
    #[default]
    Lanplus,
    /// IPMI 1.5.
    Lan,
}

/// `--auth-type` values (IPMI 1.5 only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum AuthTypeArg {
    /// MD5 AuthCodes.
    #[default]
    Md5,
    /// The password in clear ("straight password").
    Password,
    /// No authentication at all.
    None,
}

/// `--privilege` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PrivilegeArg {
    /// User.
    User,
    /// Operator.
    Operator,
    /// Administrator.
    #[default]
    Admin,
}

impl From<PrivilegeArg> for PrivilegeLevel {
    fn from(p: PrivilegeArg) -> Self {
        match p {
            PrivilegeArg::User => Self::User,
            PrivilegeArg::Operator => Self::Operator,
            PrivilegeArg::Admin => Self::Administrator,
        }
    }
}

/// The connection flags shared by every command that talks to a BMC.
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The BMC: HOST or HOST:PORT; an IPv6 address with a port goes in brackets (default port 623).
    #[arg(long, short = 'H')]
    pub target: String,
    /// User name.
    #[arg(long, short = 'U', default_value = "")]
    pub user: String,
    /// Password (prefer --password-file: command lines are visible to other users).
    #[arg(
        long,
        short = 'P',
        conflicts_with = "password_file",
        env = "IPMI_PASSWORD",
        hide_env_values = true
    )]
    pub password: Option<String>,
    /// File holding the password (a trailing newline is ignored).
    #[arg(long)]
    pub password_file: Option<PathBuf>,
    /// Session protocol.
    #[arg(long, short = 'I', value_enum, default_value_t)]
    pub interface: InterfaceArg,
    /// IPMI 1.5 authentication type (with --interface lan); "password" and
    /// "none" send the password in clear or nothing, so they are opt-in.
    #[arg(long, short = 'A', value_enum, default_value_t)]
    pub auth_type: AuthTypeArg,
    /// Pin an RMCP+ cipher suite; default: try 17, then 3. Suite 0 only when pinned.
    #[arg(long, short = 'C')]
    pub cipher_suite: Option<u8>,
    /// Session privilege level.
    #[arg(long, short = 'L', value_enum, default_value_t)]
    pub privilege: PrivilegeArg,
    /// File holding the BMC key K_g (text, or hex with a 0x prefix).
    #[arg(long)]
    pub kg_file: Option<PathBuf>,
    /// Seconds to wait for each answer before retransmitting.
    #[arg(long, default_value_t = 1.0)]
    pub timeout: f64,
    /// Retransmissions after the first attempt.
    #[arg(long, default_value_t = 3)]
    pub retries: u32,
}

/// Errors of the command-line commands.
#[derive(Debug, Error)]
pub enum CliError {
    /// Talking to the BMC failed.
    #[error("{target}: {source}")]
    Ipmi {
        /// The target.
        target: String,
        /// What went wrong.
        #[source]
        source: ipmi_proto::Error,
    },
    /// A file given on the command line could not be read.
    #[error("cannot read {path}: {source}")]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An argument is invalid.
    #[error("{0}")]
    InvalidArgument(String),
    /// The exporter could not start.
    #[error("{0}")]
    Serve(crate::server::ServeError),
    /// The BMC answered a raw request with a non-zero completion code.
    #[error("BMC answered with completion code {0}")]
    Completion(ipmi_proto::CompletionCode),
    /// A local I/O operation failed (binding a socket, writing output).
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn read_secret_file(path: &PathBuf) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let mut bytes = Zeroizing::new(std::fs::read(path).map_err(|source| CliError::ReadFile {
        path: path.clone(),
        source,
    })?);
    while matches!(bytes.last(), Some(b'\n' | b'\r')) {
        bytes.pop();
    }
    Ok(bytes)
}

impl ConnectArgs {
    /// Builds credentials and client options from the flags.
    ///
    /// # Errors
    /// [`CliError`] for unreadable files or invalid values.
    pub fn client_config(&self) -> Result<(Credentials, ClientOptions), CliError> {
        let password = match (&self.password, &self.password_file) {
            (_, Some(path)) => read_secret_file(path)?,
            (Some(p), None) => Zeroizing::new(p.as_bytes().to_vec()),
            (None, None) => Zeroizing::new(Vec::new()),
        };
        let credentials = Credentials::new(&self.user, &password)
            .map_err(|e| CliError::InvalidArgument(e.to_string()))?;
        let kg = match &self.kg_file {
            Some(path) => {
                let raw = read_secret_file(path)?;
                let text = String::from_utf8_lossy(&raw);
                let key = if text.starts_with("0x") || text.starts_with("0X") {
                    BmcKey::from_hex(&text)
                } else {
                    BmcKey::new(&raw)
                };
                Some(key.map_err(|e| CliError::InvalidArgument(format!("K_g: {e}")))?)
            }
            None => None,
        };
        if !(self.timeout.is_finite() && self.timeout > 0.0 && self.timeout <= 60.0) {
            return Err(CliError::InvalidArgument(
                "--timeout must be between 0 and 60 seconds".into(),
            ));
        }
        let options = ClientOptions {
            interface: match self.interface {
                InterfaceArg::Lanplus => Interface::LanPlus,
                InterfaceArg::Lan => Interface::Lan,
            },
            timeout: Duration::from_secs_f64(self.timeout),
            retries: self.retries,
            cipher_suite: self.cipher_suite,
            privilege: self.privilege.into(),
            kg,
            lan15_auth: match self.auth_type {
                AuthTypeArg::Md5 => Lan15AuthType::Md5,
                AuthTypeArg::Password => Lan15AuthType::Password,
                AuthTypeArg::None => Lan15AuthType::None,
            },
            ..ClientOptions::default()
        };
        Ok((credentials, options))
    }

    /// Connects to the target.
    ///
    /// # Errors
    /// [`CliError::Ipmi`] when the session cannot be established.
    pub async fn connect(&self) -> Result<Client, CliError> {
        let (credentials, options) = self.client_config()?;
        Client::connect(&self.target, credentials, options)
            .await
            .map_err(|source| self.ipmi_error(source))
    }

    /// Wraps an IPMI error with the target.
    pub fn ipmi_error(&self, source: ipmi_proto::Error) -> CliError {
        CliError::Ipmi {
            target: self.target.clone(),
            source,
        }
    }
}

/// Sets up `tracing` output on stderr.
pub fn init_logging(cli: &Cli) {
    let filter = tracing_subscriber::EnvFilter::try_new(cli.log_level.directive())
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = match cli.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Logfmt => builder.try_init(),
    };
}

/// Runs the selected command.
///
/// # Errors
/// A [`CliError`] describing what failed, printed as one line by `main`.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let Some(command) = cli.command else {
        return crate::server::run(cli.serve).await.map_err(CliError::Serve);
    };
    match command {
        Command::Info(args) => info::run(args).await,
        Command::Sensors(args) => sensors::run(args).await,
        Command::Sel(args) => sel::run(args).await,
        Command::Chassis(args) => chassis::run(args).await,
        Command::Fru(args) => fru::run(args).await,
        Command::Power(args) => power::run(args).await,
        Command::Watchdog(args) => watchdog::run(args).await,
        Command::Raw(args) => raw::run(args).await,
        Command::VirtualBmc(args) => virtual_bmc::run(args).await,
    }
}
