//! A downloaded SDR repository: the records, the Repository Info they came
//! with and what the BMC accepted while reading them — the SDR cache.
//!
//! The repository is unchanged while Get SDR Repository Info returns the
//! same most-recent addition and erase timestamps (IPMI v2.0 §33.9), so one
//! Info request revalidates it ([`SdrRepository::is_current`]); nothing is
//! downloaded again per scrape. Identical BMCs (same manufacturer, product,
//! device ID, firmware and timestamps, [`SdrCacheKey`]) can share one copy,
//! and [`SdrRepository::to_dump`] / [`SdrRepository::from_dump`] persist it
//! in the format of `ipmitool sdr dump` (the raw records, concatenated).

use std::collections::HashMap;
use std::sync::Arc;

use super::reader::DEFAULT_CHUNK;
use super::reader::MIN_CHUNK;
use super::record::{SdrHeader, SdrRecord};
use super::sensors::{sensors, SensorDef};
use crate::codec::{Codec, DecodeError, Reader};
use crate::commands::app::DeviceId;
use crate::commands::sdr::SdrRepositoryInfo;

/// What a BMC accepted when its repository was read, kept to read it again
/// without rediscovering it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadPolicy {
    /// `Some(true)` once a whole-record read (FFh bytes) worked,
    /// `Some(false)` once one was refused; `None` = try it.
    pub whole_record: Option<bool>,
    /// Bytes per partial read (5 ≤ n; 16 to start with).
    pub chunk_size: u8,
}

impl Default for ReadPolicy {
    fn default() -> Self {
        Self {
            whole_record: None,
            chunk_size: DEFAULT_CHUNK,
        }
    }
}

impl ReadPolicy {
    /// The policy with the chunk size forced into `5..=255`.
    pub fn sanitized(self) -> Self {
        Self {
            whole_record: self.whole_record,
            chunk_size: self.chunk_size.max(MIN_CHUNK),
        }
    }
}

/// One record as read: its ID, its raw bytes (header included, length
/// fixed) and its decoded form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StoredRecord {
    /// Record ID (the one requested, written into `raw` as well).
    pub record_id: u16,
    /// Header and body.
    pub raw: Vec<u8>,
    /// The decoded header.
    pub header: SdrHeader,
    /// The decoded record.
    pub record: SdrRecord,
}

/// An SDR repository read from a BMC (or from a dump).
#[derive(Debug, Clone, PartialEq)]
pub struct SdrRepository {
    info: Option<SdrRepositoryInfo>,
    records: Vec<StoredRecord>,
    policy: ReadPolicy,
    sensors: Vec<SensorDef>,
}

impl SdrRepository {
    /// A repository from raw records (header + body each); records whose
    /// header does not even decode are dropped.
    pub fn from_raw_records(
        info: Option<SdrRepositoryInfo>,
        raws: Vec<Vec<u8>>,
        policy: ReadPolicy,
    ) -> Self {
        let records: Vec<StoredRecord> = raws
            .into_iter()
            .filter_map(|raw| {
                let (header, record) = SdrRecord::parse_raw(&raw).ok()?;
                Some(StoredRecord {
                    record_id: header.record_id,
                    raw,
                    header,
                    record,
                })
            })
            .collect();
        let sensors = sensors(records.iter().map(|r| (r.record_id, &r.record)));
        Self {
            info,
            records,
            policy,
            sensors,
        }
    }

    /// The Repository Info the records came with (`None` when the BMC
    /// refused it).
    pub fn info(&self) -> Option<&SdrRepositoryInfo> {
        self.info.as_ref()
    }

    /// The records, in repository order.
    pub fn records(&self) -> &[StoredRecord] {
        &self.records
    }

    /// Every sensor, shared records expanded, in record order.
    pub fn sensors(&self) -> &[SensorDef] {
        &self.sensors
    }

    /// What the BMC accepted while reading.
    pub fn policy(&self) -> ReadPolicy {
        self.policy
    }

    /// `true` when `info` shows the same content: both timestamps equal
    /// those the records came with. Without a stored info nothing can be
    /// proven, and the answer is `false`.
    pub fn is_current(&self, info: &SdrRepositoryInfo) -> bool {
        self.info.as_ref().is_some_and(|i| i.same_content(info))
    }

    /// The records concatenated, each with its header: the file `ipmitool
    /// sdr dump` writes.
    pub fn to_dump(&self) -> Vec<u8> {
        self.records.iter().flat_map(|r| r.raw.clone()).collect()
    }

    /// Records from a dump (e.g. `ipmitool sdr dump` output), with the
    /// Repository Info they belong to, if known.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when the last record is cut short.
    pub fn from_dump(info: Option<SdrRepositoryInfo>, dump: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(dump);
        let mut raws = Vec::new();
        while !r.is_empty() {
            let header = SdrHeader::decode(&mut Reader::new(r.peek_rest()))?;
            raws.push(r.take(header.total_len(), "SDR record")?.to_vec());
        }
        Ok(Self::from_raw_records(info, raws, ReadPolicy::default()))
    }

    /// The key under which identical BMCs can share this repository;
    /// `None` without a Repository Info.
    pub fn key(&self, device: &DeviceId) -> Option<SdrCacheKey> {
        self.info.as_ref().map(|i| SdrCacheKey::new(device, i))
    }
}

/// Identifies an SDR repository's content across BMCs: same hardware and
/// firmware (Get Device ID, IPMI v2.0 §20.1) and same repository
/// timestamps (Get SDR Repository Info, §33.9) mean the same records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SdrCacheKey {
    /// IANA manufacturer ID.
    pub manufacturer_id: u32,
    /// Product ID.
    pub product_id: u16,
    /// Device ID.
    pub device_id: u8,
    /// Major firmware revision.
    pub firmware_major: u8,
    /// Minor firmware revision (BCD byte).
    pub firmware_minor: u8,
    /// Most recent addition timestamp.
    pub most_recent_addition: u32,
    /// Most recent erase timestamp.
    pub most_recent_erase: u32,
}

impl SdrCacheKey {
    /// The key of a BMC's repository.
    pub fn new(device: &DeviceId, info: &SdrRepositoryInfo) -> Self {
        Self {
            manufacturer_id: device.manufacturer_id,
            product_id: device.product_id,
            device_id: device.device_id,
            firmware_major: device.firmware_major,
            firmware_minor: device.firmware_minor,
            most_recent_addition: info.most_recent_addition,
            most_recent_erase: info.most_recent_erase,
        }
    }

    /// A file name for a dump under this key, e.g.
    /// `sdr-10876-091c-20-3.88-00000a3c-00000000.bin`.
    pub fn file_name(&self) -> String {
        format!(
            "sdr-{}-{:04x}-{:02x}-{}.{:02x}-{:08x}-{:08x}.bin",
            self.manufacturer_id,
            self.product_id,
            self.device_id,
            self.firmware_major,
            self.firmware_minor,
            self.most_recent_addition,
            self.most_recent_erase
        )
    }
}

/// Repositories shared between BMCs with the same [`SdrCacheKey`].
#[derive(Debug, Clone, Default)]
pub struct SharedSdrCache {
    map: HashMap<SdrCacheKey, Arc<SdrRepository>>,
}

impl SharedSdrCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The repository stored under `key`.
    pub fn get(&self, key: &SdrCacheKey) -> Option<Arc<SdrRepository>> {
        self.map.get(key).cloned()
    }

    /// Stores a repository; returns the shared handle.
    pub fn insert(&mut self, key: SdrCacheKey, repo: SdrRepository) -> Arc<SdrRepository> {
        let repo = Arc::new(repo);
        self.map.insert(key, Arc::clone(&repo));
        repo
    }

    /// Number of distinct repositories held.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// `true` when empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}
