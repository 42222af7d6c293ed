//! The `ipmi_exporter` binary's library: command-line interface, and (to
//! come) the Prometheus exporter. Everything testable lives here; `main.rs`
//! only starts the runtime and prints errors.
#![forbid(unsafe_code)]

pub mod cli;
pub mod collectors;
pub mod config;
pub mod http;
pub mod metrics;
pub mod scrape;
pub mod selfmetrics;
pub mod server;
pub mod vendor;
