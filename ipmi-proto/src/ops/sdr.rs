//! Reading and revalidating the SDR repository on a [`Client`] (IPMI v2.0
//! §33): the sans-IO [`SdrReader`] driven over [`Client::request`].
//!
//! ```no_run
//! # async fn demo(client: &ipmi_proto::client::Client) -> Result<(), ipmi_proto::ops::sdr::SdrError> {
//! use ipmi_proto::ops::sdr;
//!
//! // First scrape: download (Info + one Get SDR per record on most BMCs).
//! let mut repo = sdr::read_repository(client, Default::default()).await?;
//! // Later scrapes: one Get SDR Repository Info; download only on change.
//! if let Some(newer) = sdr::refresh(client, Some(&repo)).await? {
//!     repo = newer;
//! }
//! # Ok(()) }
//! ```

use thiserror::Error;

use crate::client::Client;
use crate::codec::Codec;
use crate::commands::sdr::{GetSdrRepositoryInfo, SdrRepositoryInfo};
use crate::commands::Command;
use crate::error::Error;
use crate::sdr::{ReadPolicy, ReaderStats, SdrReadError, SdrReader, SdrRepository, SdrRequest};

/// Why reading the SDR repository failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SdrError {
    /// The session or transport failed (timeouts, I/O, authentication).
    #[error(transparent)]
    Transport(#[from] Error),
    /// A request of the walk failed in the session or transport (a record
    /// that is never answered times out here).
    #[error("{command}{}: {source}", record_suffix(*.record_id))]
    Request {
        /// The command that failed ("Get SDR", "Reserve SDR Repository").
        command: &'static str,
        /// The record being read, if any.
        record_id: Option<u16>,
        /// What failed.
        source: Error,
    },
    /// The BMC's answers did not let the walk finish.
    #[error("reading the SDR repository: {0}")]
    Read(#[from] SdrReadError),
}

fn record_suffix(id: Option<u16>) -> String {
    id.map(|i| format!(" (SDR record {i:#06x})"))
        .unwrap_or_default()
}

impl SdrError {
    /// The session or transport error behind this one, if any.
    pub fn transport(&self) -> Option<&Error> {
        match self {
            Self::Transport(e) | Self::Request { source: e, .. } => Some(e),
            Self::Read(_) => None,
        }
    }
}

/// Runs a reader to its end on `client`; returns the repository and the
/// walk's counters.
///
/// # Errors
/// [`SdrError`] on transport failures and on answers the walk cannot work
/// around.
pub async fn run_reader(
    client: &Client,
    mut reader: SdrReader,
) -> Result<(SdrRepository, ReaderStats), SdrError> {
    while let Some(req) = reader.next_request() {
        let raw = req.to_raw();
        let resp = client
            .request(raw.netfn, raw.cmd, 0, raw.data)
            .await
            .map_err(|source| SdrError::Request {
                command: req.name(),
                record_id: match req {
                    SdrRequest::Get(g) => Some(g.record_id),
                    _ => None,
                },
                source,
            })?;
        reader.handle_response(resp.completion, &resp.data)?;
    }
    let stats = reader.stats();
    Ok((reader.finish()?, stats))
}

/// Downloads the whole repository, using (and updating) what `policy`
/// knows about this BMC's read limits.
///
/// # Errors
/// See [`run_reader`].
pub async fn read_repository(
    client: &Client,
    policy: ReadPolicy,
) -> Result<SdrRepository, SdrError> {
    Ok(run_reader(client, SdrReader::new(policy)).await?.0)
}

/// Get SDR Repository Info, `Ok(None)` when the BMC refuses it with a
/// completion code.
///
/// # Errors
/// Transport errors and undecodable answers.
pub async fn repository_info(client: &Client) -> Result<Option<SdrRepositoryInfo>, Error> {
    let cmd = GetSdrRepositoryInfo;
    let resp = client
        .request(
            GetSdrRepositoryInfo::NETFN,
            GetSdrRepositoryInfo::CMD,
            0,
            cmd.to_bytes(),
        )
        .await?;
    if !resp.completion.is_ok() {
        return Ok(None);
    }
    Ok(Some(SdrRepositoryInfo::from_bytes(&resp.data)?))
}

/// Revalidates a cached repository with one Get SDR Repository Info:
/// `Ok(None)` when it is still current (both timestamps equal), the newly
/// read repository otherwise. Without a cache it downloads.
///
/// A BMC that refuses Repository Info (and refused it when the cache was
/// made) cannot be revalidated; its cache is kept rather than downloaded
/// again on every call.
///
/// # Errors
/// See [`run_reader`].
pub async fn refresh(
    client: &Client,
    cached: Option<&SdrRepository>,
) -> Result<Option<SdrRepository>, SdrError> {
    let Some(cached) = cached else {
        return read_repository(client, ReadPolicy::default())
            .await
            .map(Some);
    };
    match repository_info(client).await? {
        Some(info) if cached.is_current(&info) => Ok(None),
        Some(info) => Ok(Some(
            run_reader(client, SdrReader::with_info(info, cached.policy()))
                .await?
                .0,
        )),
        None if cached.info().is_none() => Ok(None),
        None => Ok(Some(read_repository(client, cached.policy()).await?)),
    }
}
