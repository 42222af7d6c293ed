//! `ipmi_exporter raw NETFN CMD [DATA...]`: one raw request, like
//! `ipmitool raw`.

use clap::Args;
use ipmi_proto::NetFn;
use serde::Serialize;

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
    /// Responder LUN (0–3).
    #[arg(long, default_value_t = 0)]
    pub lun: u8,
    /// Network function, e.g. 0x06 (hex with or without 0x, or decimal with a leading #).
    pub netfn: String,
    /// Command, e.g. 0x01.
    pub cmd: String,
    /// Request data bytes, e.g. 0x0e 0x80.
    pub data: Vec<String>,
}

/// The JSON form of a raw response.
#[derive(Debug, Serialize)]
struct RawJson {
    completion_code: u8,
    completion_description: &'static str,
    data: String,
}

/// Parses one byte: `0x1f`, `1f` or `#31` (decimal).
fn parse_byte(s: &str) -> Result<u8, CliError> {
    let bad = || CliError::InvalidArgument(format!("not a byte: {s:?}"));
    if let Some(dec) = s.strip_prefix('#') {
        return dec.parse().map_err(|_| bad());
    }
    let hex = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    if hex.is_empty() || hex.len() > 2 {
        return Err(bad());
    }
    u8::from_str_radix(hex, 16).map_err(|_| bad())
}

/// Runs `raw`.
///
/// # Errors
/// Invalid bytes, connection failures, and a non-zero completion code (the
/// response is still printed).
pub async fn run(args: RawArgs) -> Result<(), CliError> {
    let netfn = parse_byte(&args.netfn)?;
    if netfn > 0x3f {
        return Err(CliError::InvalidArgument(format!(
            "network function {netfn:#04x} is over 0x3f"
        )));
    }
    if args.lun > 3 {
        return Err(CliError::InvalidArgument("--lun must be 0-3".into()));
    }
    let cmd = parse_byte(&args.cmd)?;
    let data = args
        .data
        .iter()
        .map(|b| parse_byte(b))
        .collect::<Result<Vec<u8>, _>>()?;
    let client = args.connect.connect().await?;
    let result = client
        .request(NetFn::from(netfn), cmd, args.lun, data)
        .await;
    client.close().await;
    let resp = result.map_err(|e| args.connect.ipmi_error(e))?;
    let hex: Vec<String> = resp.data.iter().map(|b| format!("{b:02x}")).collect();
    match args.format {
        Format::Json => {
            let json = RawJson {
                completion_code: resp.completion.into(),
                completion_description: resp.completion.description(),
                data: hex.join(" "),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&json).map_err(|e| CliError::Io {
                    context: "encoding JSON".into(),
                    source: e.into(),
                })?
            );
        }
        Format::Text => {
            // Like ipmitool: 16 bytes per line, each line indented by one space.
            for line in hex.chunks(16) {
                println!(" {}", line.join(" "));
            }
        }
    }
    if resp.completion.is_ok() {
        Ok(())
    } else {
        Err(CliError::Completion(resp.completion))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_parse() {
        assert_eq!(parse_byte("0x06").unwrap(), 6);
        assert_eq!(parse_byte("2c").unwrap(), 0x2c);
        assert_eq!(parse_byte("#10").unwrap(), 10);
        assert!(parse_byte("0x100").is_err());
        assert!(parse_byte("").is_err());
        assert!(parse_byte("zz").is_err());
    }
}
