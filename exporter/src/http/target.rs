//! The `target` query parameter, checked before a scrape creates any state.
//!
//! Upstream passes `target` verbatim to FreeIPMI's `-h`; this exporter speaks
//! IPMI itself and accepts what its client can use: `host`, `host:port`,
//! an IPv6 address, or `[IPv6]:port` (IPv6 zone IDs with `%`). A value that is
//! too long or not of that shape is refused with 400 before it reaches a
//! session, a cache, a DNS lookup or a log line.

use std::fmt;
use std::net::Ipv6Addr;

/// Longest accepted target: a 253-byte DNS name plus `:65535`, or a
/// bracketed IPv6 address with a zone ID and a port, with room to spare.
pub const MAX_TARGET_LEN: usize = 300;

/// Why a `target` value is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetError {
    /// Longer than [`MAX_TARGET_LEN`] bytes.
    TooLong(usize),
    /// A byte that cannot appear in a host name, address or port.
    BadCharacter(char),
    /// Not `host`, `host:port`, `IPv6` or `[IPv6]:port`.
    Malformed(&'static str),
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong(n) => write!(f, "{n} bytes long, at most {MAX_TARGET_LEN}"),
            Self::BadCharacter(c) => write!(f, "character {c:?} is not allowed"),
            Self::Malformed(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for TargetError {}

/// The 400 body for a refused target: the reason and (at most 64
/// characters of) the value, escaped.
pub fn rejection(target: &str, e: &TargetError) -> String {
    let shown: String = target.chars().take(64).collect();
    let more = if shown.len() < target.len() {
        "…"
    } else {
        ""
    };
    format!("invalid 'target' parameter {shown:?}{more}: {e} (expected host, host:port, IPv6 or [IPv6]:port)")
}

fn host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')
}

fn check_port(p: &str) -> Result<(), TargetError> {
    if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TargetError::Malformed("the port is not a number"));
    }
    // Leading zeros are fine (`:030000` is port 30000), as for the client.
    let digits = p.trim_start_matches('0');
    if digits.len() > 5 {
        return Err(TargetError::Malformed(
            "the port is not between 1 and 65535",
        ));
    }
    match digits.parse::<u32>() {
        Ok(1..=65535) => Ok(()),
        _ => Err(TargetError::Malformed(
            "the port is not between 1 and 65535",
        )),
    }
}

fn check_ipv6(a: &str) -> Result<(), TargetError> {
    let (addr, zone) = match a.split_once('%') {
        Some((addr, zone)) => (addr, Some(zone)),
        None => (a, None),
    };
    if addr.parse::<Ipv6Addr>().is_err() {
        return Err(TargetError::Malformed("not an IPv6 address"));
    }
    if let Some(zone) = zone {
        if zone.is_empty() || zone.len() > 16 || !zone.chars().all(host_char) {
            return Err(TargetError::Malformed("bad IPv6 zone ID"));
        }
    }
    Ok(())
}

fn check_host(h: &str) -> Result<(), TargetError> {
    if h.is_empty() {
        return Err(TargetError::Malformed("the host is empty"));
    }
    if h.len() > 253 {
        return Err(TargetError::Malformed(
            "the host name is longer than 253 bytes",
        ));
    }
    if let Some(c) = h.chars().find(|c| !host_char(*c)) {
        return Err(TargetError::BadCharacter(c));
    }
    // A trailing dot (fully qualified name) is fine; empty labels are not.
    let name = h.strip_suffix('.').unwrap_or(h);
    for label in name.split('.') {
        if label.is_empty() {
            return Err(TargetError::Malformed("the host name has an empty label"));
        }
        if label.len() > 63 {
            return Err(TargetError::Malformed(
                "a host name label is longer than 63 bytes",
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(TargetError::Malformed(
                "a host name label starts or ends with '-'",
            ));
        }
    }
    Ok(())
}

/// Checks a `target` value (already percent-decoded).
///
/// # Errors
/// [`TargetError`] saying what is wrong.
pub fn validate_target(target: &str) -> Result<(), TargetError> {
    if target.len() > MAX_TARGET_LEN {
        return Err(TargetError::TooLong(target.len()));
    }
    if let Some(c) = target
        .chars()
        .find(|c| !(host_char(*c) || matches!(c, ':' | '[' | ']' | '%')))
    {
        return Err(TargetError::BadCharacter(c));
    }
    if let Some(rest) = target.strip_prefix('[') {
        let (addr, after) = rest
            .split_once(']')
            .ok_or(TargetError::Malformed("'[' without ']'"))?;
        check_ipv6(addr)?;
        return match after.strip_prefix(':') {
            Some(port) => check_port(port),
            None if after.is_empty() => Ok(()),
            None => Err(TargetError::Malformed("text after ']' that is not :port")),
        };
    }
    if target.contains(['[', ']']) {
        return Err(TargetError::Malformed(
            "brackets only around an IPv6 address",
        ));
    }
    match target.matches(':').count() {
        0 => check_host(target),
        1 => {
            let (host, port) = target
                .split_once(':')
                .ok_or(TargetError::Malformed("bad host:port"))?;
            check_host(host)?;
            check_port(port)
        }
        // A bare IPv6 address (a port needs brackets).
        _ => check_ipv6(target),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_the_client_connects_to() {
        for t in [
            "10.0.0.1",
            "10.0.0.1:623",
            "127.0.0.1:030000",
            "bmc-rack7.example.net",
            "bmc-rack7.example.net.",
            "bmc_7:6230",
            "::1",
            "fe80::1%eth0",
            "[::1]",
            "[::1]:623",
            "[fe80::1%eth0]:623",
            "localhost",
        ] {
            assert_eq!(validate_target(t), Ok(()), "{t}");
        }
    }

    #[test]
    fn refuses_junk_with_a_reason() {
        let long = "a".repeat(60_000);
        assert_eq!(validate_target(&long), Err(TargetError::TooLong(60_000)));
        let cases = [
            ("10.0.0.1 ", "' '"),
            ("10.0.0.1,10.0.0.2", "','"),
            ("host[1-5]", "brackets"),
            ("http://10.0.0.1/", "'/'"),
            ("user@10.0.0.1", "'@'"),
            ("10.0.0.1:", "port"),
            ("10.0.0.1:0", "between"),
            ("10.0.0.1:65536", "between"),
            ("10.0.0.1:623x", "port"),
            ("10.0.0.1:1234567", "between"),
            ("10.0.0.1:000", "between"),
            (":623", "empty"),
            ("a..b", "empty label"),
            ("-a.b", "'-'"),
            ("[::1", "without ']'"),
            ("[::1]x", "after ']'"),
            ("[10.0.0.1]:623", "IPv6"),
            ("1:2:3", "IPv6"),
            ("fe80::1%", "zone"),
            ("bmc\u{e9}.example", "'é'"),
            ("a\nb", "'\\n'"),
        ];
        for (t, why) in cases {
            let e = validate_target(t).expect_err(t);
            assert!(e.to_string().contains(why), "{t:?}: {e}");
        }
        let label = format!("{}.example", "a".repeat(64));
        assert!(validate_target(&label).is_err());
    }

    #[test]
    fn the_rejection_shows_a_bounded_escaped_value() {
        let long = "\u{1b}[31m".repeat(10_000);
        let e = validate_target(&long).unwrap_err();
        let body = rejection(&long, &e);
        assert!(body.len() < 400, "{}", body.len());
        assert!(!body.contains('\u{1b}'), "{body}");
        assert!(body.contains("at most 300"), "{body}");
    }
}
