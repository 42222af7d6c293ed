//! The Sensor Data Record repository (IPMI v2.0 §33 and §43), sans-IO.
//!
//! * [`record`] — the record formats: full (01h), compact (02h),
//!   event-only (03h), FRU locator (11h), MC locator (12h) and OEM (C0h)
//!   records, anything else kept as bytes.
//! * [`id_string`] — sensor names: the type/length byte and its four
//!   encodings.
//! * [`sensors`] — one [`SensorDef`] per sensor, shared records expanded.
//! * [`reader`] — the repository walk as a "next request / handle
//!   response" driver ([`SdrReader`]): whole-record reads with a
//!   partial-read fallback, reservations, loop and count guards.
//! * [`repository`] — the result ([`SdrRepository`]), its revalidation by
//!   timestamps, the sharing key and the `ipmitool sdr dump` format.
//!
//! The async walk on a [`Client`](crate::client::Client) is
//! [`crate::ops::sdr`].

pub mod id_string;
pub mod reader;
pub mod record;
pub mod repository;
pub mod sensors;

pub use id_string::{IdString, IdStringType};
pub use reader::{IncompleteReason, ReaderStats, SdrReadError, SdrReader, SdrRequest};
pub use record::{
    CompactSensorRecord, Entity, EventOnlyRecord, FruLocatorRecord, FullSensorRecord,
    McLocatorRecord, OemRecord, RawThresholds, SdrHeader, SdrRecord, SensorFields, SensorOwner,
    Sharing,
};
pub use repository::{ReadPolicy, SdrCacheKey, SdrRepository, SharedSdrCache, StoredRecord};
pub use sensors::{SensorDef, SensorKind};
