//! Prints a BMC's Get Device ID answer and its GUIDs.
//!
//! ```text
//! cargo run --example get_device_id -- TARGET USER PASSWORD
//! IPMI_TARGET=10.0.0.5 IPMI_USER=admin IPMI_PASSWORD=secret cargo run --example get_device_id
//! ```
//!
//! TARGET is `host`, `host:port` or `[v6]:port` (port 623 by default). Every
//! argument left out is taken from the environment.

use std::error::Error;
use std::process::ExitCode;

use ipmi_proto::client::{Client, ClientOptions, Credentials};
use ipmi_proto::commands::app::{GetDeviceGuid, GetDeviceId, GetSystemGuid};

/// The next argument, or else the environment variable `var`.
fn arg_or_env(args: &mut impl Iterator<Item = String>, var: &str) -> Result<String, String> {
    args.next()
        .or_else(|| std::env::var(var).ok())
        .ok_or_else(|| format!("missing argument (or {var} in the environment)"))
}

/// Target, user and password from the arguments or the environment.
fn parse_args() -> Result<(String, String, String), String> {
    let mut args = std::env::args().skip(1);
    Ok((
        arg_or_env(&mut args, "IPMI_TARGET")?,
        arg_or_env(&mut args, "IPMI_USER")?,
        arg_or_env(&mut args, "IPMI_PASSWORD")?,
    ))
}

async fn run(target: String, user: String, password: String) -> Result<(), Box<dyn Error>> {
    let credentials = Credentials::new(&user, password.as_bytes())?;
    let client = Client::connect(&target, credentials, ClientOptions::default()).await?;
    if let Some(info) = client.session_info().await {
        match info.cipher_suite {
            Some(suite) => println!("session:            RMCP+, cipher suite {suite}"),
            None => println!("session:            IPMI 1.5"),
        }
    }

    let id = client.execute(&GetDeviceId).await?;
    println!("device ID:          {:#04x}", id.device_id);
    println!("device revision:    {}", id.device_revision);
    println!("firmware revision:  {}", id.firmware_revision());
    if let Some(detailed) = id.firmware_version_detailed() {
        println!("firmware version:   {detailed}");
    }
    println!("IPMI version:       {}", id.ipmi_version_string());
    println!(
        "manufacturer:       {} ({})",
        id.manufacturer_name().unwrap_or("unknown"),
        id.manufacturer_id
    );
    println!("product ID:         {:#06x}", id.product_id);
    println!("device available:   {}", id.device_available);
    println!("additional support: {:#04x}", id.additional_support.0);
    if let Some(aux) = id.aux_firmware {
        println!("aux firmware:       {aux:02x?}");
    }

    // GUIDs are optional: report a refusal and carry on.
    match client.execute(&GetSystemGuid).await {
        Ok(guid) => println!("system GUID:        {guid}"),
        Err(e) => println!("system GUID:        not available ({e})"),
    }
    match client.execute(&GetDeviceGuid).await {
        Ok(guid) => println!("device GUID:        {guid}"),
        Err(e) => println!("device GUID:        not available ({e})"),
    }

    client.close().await;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let (target, user, password) = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!(
                "usage: get_device_id TARGET USER PASSWORD (or IPMI_TARGET, IPMI_USER, IPMI_PASSWORD)"
            );
            return ExitCode::from(2);
        }
    };
    match run(target, user, password).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
