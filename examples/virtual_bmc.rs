//! Starts a virtual BMC on a loopback port, connects the client to it,
//! prints what it says and exits. Needs no hardware and no network:
//!
//! ```text
//! cargo run --example virtual_bmc
//! ```

use std::error::Error;
use std::process::ExitCode;

use ipmi_proto::bmc::server::Server;
use ipmi_proto::bmc::Machine;
use ipmi_proto::client::{Client, ClientOptions, Credentials};
use ipmi_proto::commands::app::{GetDeviceId, GetSystemGuid};

async fn run() -> Result<(), Box<dyn Error>> {
    // Users admin/password, operator/operator and user/user.
    let server = Server::bind("127.0.0.1:0".parse()?, Machine::default()).await?;
    let addr = server.local_addr()?;
    let stats = server.stats_handle();
    let task = server.spawn();
    println!("virtual BMC listening on {addr}");

    let credentials = Credentials::new("admin", b"password")?;
    let result = async {
        let client =
            Client::connect(&addr.to_string(), credentials, ClientOptions::default()).await?;
        if let Some(info) = client.session_info().await {
            println!(
                "session:           cipher suite {}, privilege {}",
                info.cipher_suite.unwrap_or_default(),
                info.privilege
            );
        }
        let id = client.execute(&GetDeviceId).await?;
        let guid = client.execute(&GetSystemGuid).await?;
        println!("device ID:         {:#04x}", id.device_id);
        println!("firmware revision: {}", id.firmware_revision());
        println!("IPMI version:      {}", id.ipmi_version_string());
        println!(
            "manufacturer:      {} ({})",
            id.manufacturer_name().unwrap_or("unknown"),
            id.manufacturer_id
        );
        println!("product ID:        {:#06x}", id.product_id);
        println!("system GUID:       {guid}");
        client.close().await;
        Ok::<_, ipmi_proto::Error>(())
    }
    .await;

    task.abort();
    let s = stats.stats();
    println!(
        "BMC: {} session(s) opened, {} request(s) answered, {} datagram(s) dropped",
        s.sessions_opened, s.requests, s.dropped
    );
    Ok(result?)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
