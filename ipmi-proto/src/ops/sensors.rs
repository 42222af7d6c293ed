//! Reading sensors on a [`Client`]: one Get Sensor Reading (IPMI v2.0
//! §35.14) per readable sensor, sent to the sensor owner's LUN, plus Get
//! Sensor Reading Factors (§35.5) for non-linear sensors the first time a
//! raw value is seen (cached per sensor and raw value).
//!
//! ```no_run
//! # async fn demo(client: &ipmi_proto::client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use ipmi_proto::ops::{sdr, sensors};
//! use ipmi_proto::sensor::Interpreter;
//!
//! let repo = sdr::read_repository(client, Default::default()).await?;
//! let mut factors = sensors::FactorsCache::default();
//! let reports = sensors::read_all(client, &repo, &mut factors, &Interpreter::default()).await?;
//! for r in &reports {
//!     println!("{} {:?} {:?} {:?}", r.name, r.reading, r.unit, r.state);
//! }
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use crate::client::Client;
use crate::codec::Codec;
use crate::commands::sensor::{
    GetSensorReading, GetSensorReadingFactors, GetSensorThresholds, ReadingFactors,
    SensorThresholds,
};
use crate::commands::Command;
use crate::error::Error;
use crate::ops::sdr::{self, SdrError};
use crate::sdr::{SdrRepository, SensorDef, SensorKind};
use crate::sensor::conversion::ConversionFactors;
use crate::sensor::interpret::Interpreter;
use crate::sensor::reading::{
    classify_response_with, describe, evaluate_with, read_target, read_target_with, ReadOptions,
    SensorReport,
};
use crate::types::CompletionCode;

/// Conversion factors of non-linear sensors, per (LUN, sensor number, raw
/// reading), kept across reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactorsCache {
    map: HashMap<(u8, u8, u8), ConversionFactors>,
}

impl FactorsCache {
    /// The cached factors of a sensor's raw value.
    pub fn get(&self, def: &SensorDef, raw: u8) -> Option<ConversionFactors> {
        self.map.get(&(def.owner.lun, def.number, raw)).copied()
    }

    /// Stores factors.
    pub fn insert(&mut self, def: &SensorDef, raw: u8, factors: ConversionFactors) {
        self.map.insert((def.owner.lun, def.number, raw), factors);
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// `true` when empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Get Sensor Reading Factors for `raw`, from the cache or the BMC;
/// `Ok(None)` when the BMC refuses with a completion code.
///
/// # Errors
/// Transport errors and undecodable answers.
pub async fn reading_factors(
    client: &Client,
    def: &SensorDef,
    raw: u8,
    cache: &mut FactorsCache,
) -> Result<Option<ConversionFactors>, Error> {
    if let Some(f) = cache.get(def, raw) {
        return Ok(Some(f));
    }
    let cmd = GetSensorReadingFactors {
        sensor_number: def.number,
        reading: raw,
    };
    let resp = client
        .request(
            GetSensorReadingFactors::NETFN,
            GetSensorReadingFactors::CMD,
            def.owner.lun,
            cmd.to_bytes(),
        )
        .await?;
    if !resp.completion.is_ok() {
        return Ok(None);
    }
    let f = ReadingFactors::from_bytes(&resp.data)?.factors;
    cache.insert(def, raw, f);
    Ok(Some(f))
}

/// Fetches (once) the factors of a non-linear sensor's readable threshold
/// values, so its thresholds convert too. Does nothing for other sensors.
///
/// # Errors
/// Transport errors.
pub async fn prefetch_threshold_factors(
    client: &Client,
    def: &SensorDef,
    cache: &mut FactorsCache,
) -> Result<(), Error> {
    let (Some(conv), Some(raw)) = (def.conversion, def.thresholds) else {
        return Ok(());
    };
    if !conv.is_non_linear() || read_target(def).is_err() {
        return Ok(());
    }
    for t in def.readable_thresholds() {
        reading_factors(client, def, raw.get(t), cache).await?;
    }
    Ok(())
}

/// Reads one sensor and evaluates it: no request for event-only and
/// bridged sensors, one Get Sensor Reading otherwise (retried once on
/// "node busy"), plus Get Sensor Reading Factors for a non-linear sensor's
/// new raw value.
///
/// # Errors
/// Transport errors only: completion codes become an "unavailable" report
/// or [`SensorReport::error`].
pub async fn read_sensor(
    client: &Client,
    def: &SensorDef,
    cache: &mut FactorsCache,
    interpreter: &Interpreter,
) -> Result<SensorReport, Error> {
    read_sensor_with(client, def, cache, interpreter, &ReadOptions::default()).await
}

/// [`read_sensor`] with FreeIPMI's reading workarounds.
///
/// # Errors
/// As [`read_sensor`].
pub async fn read_sensor_with(
    client: &Client,
    def: &SensorDef,
    cache: &mut FactorsCache,
    interpreter: &Interpreter,
    options: &ReadOptions,
) -> Result<SensorReport, Error> {
    let lun = match read_target_with(def, options) {
        Ok(lun) => lun,
        Err(why) => {
            let tf = |raw: u8| cache.get(def, raw);
            return Ok(evaluate_with(
                def,
                Err(why),
                None,
                &tf,
                interpreter,
                options,
            ));
        }
    };
    let cmd = GetSensorReading {
        sensor_number: def.number,
    };
    let mut resp = client
        .request(
            GetSensorReading::NETFN,
            GetSensorReading::CMD,
            lun,
            cmd.to_bytes(),
        )
        .await?;
    if resp.completion == CompletionCode::NodeBusy {
        resp = client
            .request(
                GetSensorReading::NETFN,
                GetSensorReading::CMD,
                lun,
                cmd.to_bytes(),
            )
            .await?;
    }
    let outcome = match classify_response_with(resp.completion, &resp.data, options) {
        Ok(o) => o,
        Err(e) => {
            let tf = |raw: u8| cache.get(def, raw);
            let mut report = describe(def, &tf);
            report.error = Some(e);
            return Ok(report);
        }
    };
    let wants_value = def.kind() == SensorKind::Threshold
        || (options.discrete_reading && def.kind() == SensorKind::Discrete);
    let factors = match (&outcome, def.conversion) {
        (Ok(r), Some(c)) if c.is_non_linear() && wants_value => {
            reading_factors(client, def, r.raw, cache).await?
        }
        _ => None,
    };
    let tf = |raw: u8| cache.get(def, raw);
    Ok(evaluate_with(
        def,
        outcome.as_ref().map_err(|w| *w),
        factors.as_ref(),
        &tf,
        interpreter,
        options,
    ))
}

/// Reads every sensor of the repository, in SDR order: exactly one Get
/// Sensor Reading per readable sensor once the factors of non-linear
/// sensors are cached.
///
/// # Errors
/// Transport errors (the session is gone; the next call re-establishes
/// it).
pub async fn read_all(
    client: &Client,
    repo: &SdrRepository,
    cache: &mut FactorsCache,
    interpreter: &Interpreter,
) -> Result<Vec<SensorReport>, Error> {
    read_all_with(client, repo, cache, interpreter, &ReadOptions::default()).await
}

/// [`read_all`] with FreeIPMI's reading workarounds.
///
/// # Errors
/// As [`read_all`].
pub async fn read_all_with(
    client: &Client,
    repo: &SdrRepository,
    cache: &mut FactorsCache,
    interpreter: &Interpreter,
    options: &ReadOptions,
) -> Result<Vec<SensorReport>, Error> {
    let mut out = Vec::with_capacity(repo.sensors().len());
    for def in repo.sensors() {
        out.push(read_sensor_with(client, def, cache, interpreter, options).await?);
    }
    Ok(out)
}

/// What a long-lived exporter keeps per BMC between scrapes: the SDR
/// repository (possibly shared with identical BMCs), the factors of
/// non-linear sensors and the reading workarounds.
///
/// [`SensorScraper::scrape`] costs one Get SDR Repository Info (the
/// revalidation) plus one Get Sensor Reading per readable sensor once the
/// repository is cached; the repository is downloaded again only when its
/// timestamps change.
#[derive(Debug, Clone, Default)]
pub struct SensorScraper {
    /// The cached repository.
    pub repository: Option<Arc<SdrRepository>>,
    /// Factors of non-linear sensors.
    pub factors: FactorsCache,
    /// Reading workarounds.
    pub options: ReadOptions,
}

impl SensorScraper {
    /// A scraper with nothing cached.
    pub fn new(options: ReadOptions) -> Self {
        Self {
            repository: None,
            factors: FactorsCache::default(),
            options,
        }
    }

    /// Revalidates (or downloads) the repository, then reads every sensor.
    ///
    /// # Errors
    /// [`SdrError`] for transport failures and repositories that cannot be
    /// read.
    pub async fn scrape(
        &mut self,
        client: &Client,
        interpreter: &Interpreter,
    ) -> Result<Vec<SensorReport>, SdrError> {
        if let Some(newer) = sdr::refresh(client, self.repository.as_deref()).await? {
            self.repository = Some(Arc::new(newer));
            self.factors = FactorsCache::default();
        }
        let Some(repo) = self.repository.clone() else {
            return Ok(Vec::new());
        };
        Ok(read_all_with(client, &repo, &mut self.factors, interpreter, &self.options).await?)
    }
}

/// Get Sensor Thresholds of a threshold sensor (the BMC's current values;
/// the SDR has the initial ones). `Ok(None)` for sensors that cannot be
/// read directly and for completion codes.
///
/// # Errors
/// Transport errors and undecodable answers.
pub async fn read_thresholds(
    client: &Client,
    def: &SensorDef,
) -> Result<Option<SensorThresholds>, Error> {
    let Ok(lun) = read_target(def) else {
        return Ok(None);
    };
    let cmd = GetSensorThresholds {
        sensor_number: def.number,
    };
    let resp = client
        .request(
            GetSensorThresholds::NETFN,
            GetSensorThresholds::CMD,
            lun,
            cmd.to_bytes(),
        )
        .await?;
    if !resp.completion.is_ok() {
        return Ok(None);
    }
    Ok(Some(SensorThresholds::from_bytes(&resp.data)?))
}
