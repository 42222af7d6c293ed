//! Sends one raw IPMI request and prints the completion code and data, like
//! `ipmitool raw`.
//!
//! ```text
//! cargo run --example raw_command -- [-H TARGET] [-U USER] [-P PASSWORD] NETFN CMD [DATA...]
//! IPMI_TARGET=10.0.0.5 IPMI_USER=admin IPMI_PASSWORD=secret cargo run --example raw_command -- 06 01
//! ```
//!
//! NETFN, CMD and DATA are hex bytes (`06`, `0x06`); `-H`, `-U` and `-P`
//! default to `IPMI_TARGET`, `IPMI_USER` and `IPMI_PASSWORD`.

use std::error::Error;
use std::process::ExitCode;

use ipmi_proto::client::{Client, ClientOptions, Credentials};
use ipmi_proto::types::NetFn;

/// What the command line asks for.
struct Args {
    target: String,
    user: String,
    password: String,
    netfn: u8,
    cmd: u8,
    data: Vec<u8>,
}

fn hex_byte(s: &str) -> Result<u8, String> {
    let digits = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    u8::from_str_radix(digits, 16).map_err(|_| format!("not a hex byte: {s:?}"))
}

fn parse_args(argv: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let env = |var: &str| std::env::var(var).ok();
    let (mut target, mut user, mut password) =
        (env("IPMI_TARGET"), env("IPMI_USER"), env("IPMI_PASSWORD"));
    let mut bytes = Vec::new();
    let mut argv = argv.into_iter();
    while let Some(arg) = argv.next() {
        let slot = match arg.as_str() {
            "-H" => &mut target,
            "-U" => &mut user,
            "-P" => &mut password,
            _ => {
                bytes.push(hex_byte(&arg)?);
                continue;
            }
        };
        *slot = Some(argv.next().ok_or_else(|| format!("{arg} needs a value"))?);
    }
    let mut bytes = bytes.into_iter();
    let (Some(netfn), Some(cmd)) = (bytes.next(), bytes.next()) else {
        return Err("NETFN and CMD are required".to_string());
    };
    if netfn > 0x3f {
        return Err(format!("NETFN {netfn:#04x} is over 3Fh"));
    }
    Ok(Args {
        target: target.ok_or("no target: -H or IPMI_TARGET")?,
        user: user.ok_or("no user: -U or IPMI_USER")?,
        password: password.ok_or("no password: -P or IPMI_PASSWORD")?,
        netfn,
        cmd,
        data: bytes.collect(),
    })
}

async fn run(args: Args) -> Result<(), Box<dyn Error>> {
    let credentials = Credentials::new(&args.user, args.password.as_bytes())?;
    let client = Client::connect(&args.target, credentials, ClientOptions::default()).await?;
    let resp = client
        .request(NetFn::from(args.netfn), args.cmd, 0, args.data)
        .await;
    client.close().await;
    let resp = resp?;
    println!("completion code: {}", resp.completion);
    let data: Vec<String> = resp.data.iter().map(|b| format!("{b:02x}")).collect();
    println!("data ({} bytes): {}", resp.data.len(), data.join(" "));
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("usage: raw_command [-H TARGET] [-U USER] [-P PASSWORD] NETFN CMD [DATA...]");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
