//! Reading a FRU inventory device over a [`Client`] (IPMI v2.0 §34).
//!
//! [`read`] sends Get FRU Inventory Area Info, then Read FRU Data in chunks
//! until it has every byte the areas occupy ([`crate::fru::used_len`]: the
//! header, each area by its declared length, MultiRecord records to the
//! end-of-list bit), not the unused tail of the device. The result is the
//! raw image; [`FruImage::parse`] decodes it (sans-IO, [`crate::fru`]).
//!
//! Chunks start at [`DEFAULT_CHUNK`] bytes (32: what fits an IPMB
//! message, and the largest OpenIPMI's `ipmi_sim` accepts; it answers C8h
//! above). When the BMC refuses a count with C7h, C8h or CAh the chunk is
//! halved and the read repeated, down to [`FruReadOptions::min_chunk`]; the
//! smaller chunk is kept for the rest of the device. A "FRU device busy"
//! (81h) is retried a few times after a short pause. Short answers are
//! fine (the next read starts where they ended); an answer with no data is
//! an error, and the number of requests is bounded, so a misbehaving BMC
//! cannot keep the loop going. Word-access devices get word offsets and
//! counts.
//!
//! Request counts for the project's simulator (`tests/sim`, 32-byte
//! chunks): FRU 0 (176 used bytes of 512) takes 1 + 6 requests, FRU 1 (72
//! of 128) 1 + 3, FRU 2 (64 of 96) 1 + 2.

use std::time::Duration;

use crate::client::Client;
use crate::codec::DecodeError;
use crate::commands::fru::{FruInventoryAreaInfo, GetFruInventoryAreaInfo, ReadFruData};
use crate::error::Error;
use crate::fru::{used_len, Fru, FruError};
use crate::types::CompletionCode;

/// The first chunk size, in bytes.
pub const DEFAULT_CHUNK: u8 = 32;

/// Completion code 81h of Read FRU Data: "FRU device busy" (IPMI v2.0
/// §34.2).
pub const FRU_DEVICE_BUSY: CompletionCode = CompletionCode::Unknown(0x81);

/// Retries of a read answered "FRU device busy".
const BUSY_RETRIES: u32 = 3;

/// Pause before retrying a busy device.
const BUSY_PAUSE: Duration = Duration::from_millis(50);

/// How to read a FRU device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FruReadOptions {
    /// First chunk size in bytes (at least 1; rounded up to 2 for word
    /// access).
    pub chunk: u8,
    /// Smallest chunk to shrink to before giving up.
    pub min_chunk: u8,
    /// Read the whole device instead of the bytes the areas use.
    pub whole_device: bool,
}

impl Default for FruReadOptions {
    fn default() -> Self {
        Self {
            chunk: DEFAULT_CHUNK,
            min_chunk: 1,
            whole_device: false,
        }
    }
}

/// The bytes read from one FRU device.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FruImage {
    /// FRU device ID.
    pub device_id: u8,
    /// Size and access type (Get FRU Inventory Area Info).
    pub info: FruInventoryAreaInfo,
    /// The image from offset 0: the used bytes (or the whole device), at
    /// most `info.size`.
    pub data: Vec<u8>,
    /// Requests sent (area info + reads, retries of refused chunks
    /// included).
    pub requests: u32,
    /// The chunk size the read ended with.
    pub chunk: u8,
}

impl FruImage {
    /// Parses the image.
    ///
    /// # Errors
    /// [`FruError`] when the data is not FRU data (blank device, bad
    /// header); see [`Fru::parse`].
    pub fn parse(&self) -> Result<Fru, FruError> {
        Fru::parse(&self.data)
    }
}

/// Reads the used bytes of FRU device `device_id` with the default options.
///
/// # Errors
/// [`Error::Completion`] when the BMC refuses a request (CBh for a device
/// that is not present, C1h without FRU support), [`Error::Decode`] when
/// it returns no data, and the client's transport errors.
pub async fn read(client: &Client, device_id: u8) -> Result<FruImage, Error> {
    read_with(client, device_id, FruReadOptions::default()).await
}

/// Reads FRU device `device_id` with `options`.
///
/// # Errors
/// As [`read`].
pub async fn read_with(
    client: &Client,
    device_id: u8,
    options: FruReadOptions,
) -> Result<FruImage, Error> {
    let info = client
        .execute(&GetFruInventoryAreaInfo { device_id })
        .await?;
    let mut requests: u32 = 1;
    let size = usize::from(info.size);
    let unit: usize = if info.word_access { 2 } else { 1 };
    let min_chunk = usize::from(options.min_chunk).max(unit);
    let mut chunk = usize::from(options.chunk).max(min_chunk);
    let mut data: Vec<u8> = Vec::new();
    let target = |data: &[u8]| {
        if options.whole_device {
            size
        } else {
            used_len(data, size)
        }
    };
    // Every successful read adds at least one unit; every refusal halves the
    // chunk; busy answers are retried a few times per read.
    let max_requests = size
        .saturating_add(64)
        .saturating_mul(usize::try_from(BUSY_RETRIES).unwrap_or(3).saturating_add(1));
    let mut busy = 0;
    while data.len() < target(&data) {
        if usize::try_from(requests).unwrap_or(usize::MAX) > max_requests {
            return Err(Error::Decode(DecodeError::Truncated {
                what: "Read FRU Data (request limit reached)",
                need: size,
                have: data.len(),
            }));
        }
        let offset = data.len();
        let want = chunk.min(size.saturating_sub(offset));
        let count = (want / unit).max(1);
        let request = ReadFruData {
            device_id,
            offset: u16::try_from(offset / unit).unwrap_or(u16::MAX),
            count: u8::try_from(count).unwrap_or(u8::MAX),
        };
        requests = requests.saturating_add(1);
        match client.execute(&request).await {
            Ok(resp) => {
                busy = 0;
                let bytes = resp.bytes(info.word_access);
                if bytes.is_empty() {
                    return Err(Error::Decode(DecodeError::Truncated {
                        what: "Read FRU Data (no data returned)",
                        need: want,
                        have: 0,
                    }));
                }
                let room = size.saturating_sub(offset);
                data.extend(bytes.iter().take(room));
            }
            Err(e) => match e.completion_code() {
                Some(
                    CompletionCode::RequestLengthInvalid
                    | CompletionCode::RequestLengthLimitExceeded
                    | CompletionCode::CannotReturnRequestedBytes,
                ) if chunk > min_chunk => {
                    chunk = (chunk / 2).max(min_chunk);
                    if unit == 2 {
                        chunk &= !1;
                    }
                }
                Some(FRU_DEVICE_BUSY) if busy < BUSY_RETRIES => {
                    busy += 1;
                    tokio::time::sleep(BUSY_PAUSE).await;
                }
                _ => return Err(e),
            },
        }
    }
    // The last chunk may have run past the used bytes: keep only those.
    let used = target(&data);
    data.truncate(used);
    Ok(FruImage {
        device_id,
        info,
        data,
        requests,
        chunk: u8::try_from(chunk).unwrap_or(u8::MAX),
    })
}
