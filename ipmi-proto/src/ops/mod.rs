//! Multi-request operations on a [`Client`](crate::client::Client): reading
//! the SDR repository, all sensors, the SEL and FRU inventory. The decoding
//! they rely on is sans-IO and lives in [`sdr`](crate::sdr),
//! [`sensor`](crate::sensor), [`sel`](crate::sel) and [`fru`](crate::fru).

pub mod fru;
pub mod sdr;
pub mod sel;
pub mod sensors;
