//! # ipmi-proto
//!
//! A pure-Rust implementation of IPMI 1.5 and IPMI 2.0 / RMCP+ over LAN.
//!
//! ```text
//!   client (tokio)  ──> transport (UDP endpoint, demux by peer + session ID)
//!        │                         │
//!        ▼                         ▼
//!   commands (typed, sans-IO)   session (sans-IO: handshake, sequence window, integrity, AES)
//!        │                         │
//!        └──────────> wire (typed messages) ──> codec (bounded Reader / Writer)
//!                                  crypto (RAKP, SIK/K1/K2, integrity, AES-CBC-128)
//! ```
//!
//! The protocol core — [`codec`], [`types`], [`wire`], [`crypto`],
//! [`session`] and [`commands`] — does no I/O: it has no sockets, no clock
//! and no global random number generator. Time and random bytes are
//! arguments. `cargo check -p ipmi-proto --no-default-features` builds it
//! alone. The `tokio` feature (on by default) adds the async [`client`] and
//! the UDP [`transport`]; the `bmc` feature adds the BMC side ([`bmc`]), a
//! virtual BMC that serves sessions and commands for tests and demos.
//!
//! Not covered yet: in-band (`/dev/ipmi0`), IPMB bridging, Serial over LAN
//! and xRC4 confidentiality.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod codec;
pub mod commands;
pub mod crypto;
pub mod error;
pub mod fru;
pub mod sdr;
pub mod sel;
pub mod sensor;
pub mod session;
pub mod types;
pub mod wire;

#[cfg(feature = "bmc")]
pub mod bmc;

#[cfg(feature = "tokio")]
pub mod client;
#[cfg(feature = "tokio")]
pub mod ops;
#[cfg(feature = "tokio")]
pub mod transport;

pub use codec::{Codec, DecodeError, Reader, Writer};
pub use error::Error;
pub use types::{
    AuthAlgorithm, AuthType, CompletionCode, ConfidentialityAlgorithm, IntegrityAlgorithm, NetFn,
    PayloadType, PrivilegeLevel, RakpStatus,
};
