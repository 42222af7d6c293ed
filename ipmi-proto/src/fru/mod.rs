//! FRU inventory data: parser and encoder of the Platform Management FRU
//! Information Storage Definition v1.0 (rev 1.3) format that Read FRU Data
//! (IPMI v2.0 §34.2) returns.
//!
//! ```text
//!  common header (8 bytes, §8)
//!  0  [7:4] reserved  [3:0] format version (1h)
//!  1  internal use area offset   } in multiples of 8 bytes,
//!  2  chassis info area offset   } 00h = area absent
//!  3  board info area offset     }
//!  4  product info area offset   }
//!  5  multirecord area offset    }
//!  6  pad (00h)
//!  7  zero checksum of bytes 0–6
//!
//!  chassis info area (§10)   version, length/8, chassis type, part number,
//!                            serial number, custom fields…, C1h, pad, checksum
//!  board info area (§11)     version, length/8, language, mfg date/time
//!                            (3 bytes), manufacturer, product name, serial,
//!                            part number, FRU file ID, custom…, C1h, pad, checksum
//!  product info area (§12)   version, length/8, language, manufacturer, name,
//!                            part/model number, version, serial, asset tag,
//!                            FRU file ID, custom…, C1h, pad, checksum
//!  multirecord area (§16)    records with 5-byte headers, kept raw
//! ```
//!
//! Text fields are type/length encoded in any of the four encodings
//! ([`FruField`]). The parser is tolerant: checksum mismatches, areas that
//! run past the image, missing fields or end markers are reported as
//! [`FruWarning`]s next to everything that could be read (FreeIPMI's
//! `ipmi-fru` refuses such images unless given `--skip-checks`; Dell
//! R610/R710 and Inventec 5441 ship them). Only an image without a valid
//! common header is an error ([`FruError`]). No input makes it panic.
//!
//! [`encode`] writes the same structures back (the virtual BMC builds its
//! FRU images with it), and [`used_len`] tells a reader how many bytes of a
//! device it needs to fetch.

mod encode;
mod field;
mod multirecord;
mod time;

use std::fmt;

use thiserror::Error;

use crate::codec::checksum;

pub use encode::encode;
pub use field::{is_english, FieldEncoding, FruField, END_OF_FIELDS, MAX_FIELD_BYTES};
pub use multirecord::{
    MultiRecord, PowerSupplyInfo, POWER_SUPPLY_INFORMATION, RECORD_FORMAT_VERSION,
};
pub use time::{CivilTime, FruTimestamp, FRU_EPOCH_UNIX_SECONDS, MAX_MINUTES};

/// Length of the common header (§8).
pub const COMMON_HEADER_LEN: usize = 8;

/// The common header format version this crate reads and writes (§8).
pub const FORMAT_VERSION: u8 = 0x01;

/// The info area format version (§10–§12).
pub const AREA_FORMAT_VERSION: u8 = 0x01;

/// Language code 25: English (§15; code 0 also means English).
pub const LANGUAGE_ENGLISH: u8 = 25;

/// Why an image is not FRU data at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum FruError {
    /// Fewer bytes than the 8-byte common header.
    #[error("FRU data too short for the common header ({len} bytes)")]
    TooShort {
        /// Bytes present.
        len: usize,
    },
    /// The common header is all 00h or all FFh: an unprogrammed device.
    #[error("FRU device is blank (common header all 00h or FFh)")]
    Blank,
    /// The common header's format version is not 1.
    #[error("unsupported FRU format version {version:#04x}")]
    UnsupportedFormat {
        /// The version nibble found.
        version: u8,
    },
}

/// The areas of a FRU image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FruArea {
    /// Internal use area (§9).
    InternalUse,
    /// Chassis info area (§10).
    Chassis,
    /// Board info area (§11).
    Board,
    /// Product info area (§12).
    Product,
    /// MultiRecord area (§16).
    MultiRecord,
}

impl FruArea {
    /// A lower-case name (`chassis info`).
    pub fn name(self) -> &'static str {
        match self {
            Self::InternalUse => "internal use",
            Self::Chassis => "chassis info",
            Self::Board => "board info",
            Self::Product => "product info",
            Self::MultiRecord => "multirecord",
        }
    }
}

impl fmt::Display for FruArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something wrong with an image that did not stop the parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum FruWarning {
    /// The common header checksum does not add up to zero.
    #[error("common header checksum mismatch")]
    HeaderChecksum,
    /// An info area's checksum does not add up to zero.
    #[error("{area} area checksum mismatch")]
    AreaChecksum {
        /// The area.
        area: FruArea,
    },
    /// An info area's format version is not 1.
    #[error("{area} area has format version {version:#04x}")]
    AreaVersion {
        /// The area.
        area: FruArea,
        /// The version nibble found.
        version: u8,
    },
    /// An area's offset or declared length runs past the image (or its
    /// length is zero); what was present was parsed.
    #[error("{area} area at offset {offset} declares {declared} bytes, {available} available")]
    AreaOutOfBounds {
        /// The area.
        area: FruArea,
        /// Its offset in bytes.
        offset: usize,
        /// Its declared length in bytes.
        declared: usize,
        /// Bytes available from the offset.
        available: usize,
    },
    /// The end-of-fields marker came before every mandatory field.
    #[error("{area} area ends before its mandatory fields")]
    MissingFields {
        /// The area.
        area: FruArea,
    },
    /// The fields ran to the end of the area without the C1h marker.
    #[error("{area} area has no end-of-fields marker")]
    MissingEndMarker {
        /// The area.
        area: FruArea,
    },
    /// A field's length runs past the end of its area.
    #[error("{area} area has a field that runs past its end")]
    FieldTruncated {
        /// The area.
        area: FruArea,
    },
    /// A MultiRecord header checksum does not add up to zero (parsing of
    /// the area stops there).
    #[error("multirecord {index} header checksum mismatch")]
    RecordHeaderChecksum {
        /// Index of the record (0-based).
        index: usize,
    },
    /// A MultiRecord data checksum does not match.
    #[error("multirecord {index} data checksum mismatch")]
    RecordChecksum {
        /// Index of the record (0-based).
        index: usize,
    },
    /// A MultiRecord header or its data runs past the image.
    #[error("multirecord {index} runs past the end of the FRU data")]
    RecordTruncated {
        /// Index of the record (0-based).
        index: usize,
    },
}

impl FruWarning {
    /// `true` for checksum mismatches (what FreeIPMI's `skipchecks`
    /// workaround ignores).
    pub fn is_checksum(&self) -> bool {
        matches!(
            self,
            Self::HeaderChecksum
                | Self::AreaChecksum { .. }
                | Self::RecordHeaderChecksum { .. }
                | Self::RecordChecksum { .. }
        )
    }
}

/// A chassis type (§10, "Chassis Type", the SMBIOS System Enclosure type
/// values).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ChassisType(pub u8);

/// FreeIPMI's names for chassis types 01h–1Dh (libfreeipmi
/// `ipmi_fru_chassis_types`).
const CHASSIS_TYPES: [&str; 29] = [
    "Other",
    "Unknown",
    "Desktop",
    "Low Profile Desktop",
    "Pizza Box",
    "Mini Tower",
    "Tower",
    "Portable",
    "LapTop",
    "Notebook",
    "Hand Held",
    "Docking Station",
    "All in One",
    "Sub Notebook",
    "Space-saving",
    "Lunch Box",
    "Main Server Chassis",
    "Expansion Chassis",
    "SubChassis",
    "Bus Expansion Chassis",
    "Peripheral Chassis",
    "RAID Chassis",
    "Rack Mount Chassis",
    "Sealed-case PC",
    "Multi-system chassis",
    "Compact PCI",
    "Advanced TCA",
    "Blade",
    "Blade Enclosure",
];

impl ChassisType {
    /// Rack mount chassis (17h), what servers report.
    pub const RACK_MOUNT: Self = Self(0x17);

    /// The name FreeIPMI `ipmi-fru` prints ("FRU Chassis Type: Rack Mount
    /// Chassis") and upstream's proposed `ipmi_fru_info{chassis_type}`
    /// label carries; `Unknown` outside 01h–1Dh.
    pub fn name(self) -> &'static str {
        usize::from(self.0)
            .checked_sub(1)
            .and_then(|i| CHASSIS_TYPES.get(i))
            .copied()
            .unwrap_or("Unknown")
    }

    /// The name `ipmitool fru print` prints ("Chassis Type : Rack Mount
    /// Chassis"), which differs from FreeIPMI's for 00h (`Unspecified`) and
    /// 19h–1Bh.
    pub fn ipmitool_name(self) -> &'static str {
        match self.0 {
            0x00 => "Unspecified",
            0x19 => "Multi-system Chassis",
            0x1a => "CompactPCI",
            0x1b => "AdvancedTCA",
            _ => self.name(),
        }
    }
}

/// Chassis info area (§10).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ChassisInfo {
    /// Chassis type.
    pub chassis_type: ChassisType,
    /// Chassis part number.
    pub part_number: FruField,
    /// Chassis serial number.
    pub serial_number: FruField,
    /// Custom chassis info fields.
    pub custom: Vec<FruField>,
}

/// Board info area (§11).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct BoardInfo {
    /// Language code (0 or 25: English).
    pub language: u8,
    /// Manufacturing date/time, `None` when unspecified (0).
    pub mfg_time: Option<FruTimestamp>,
    /// Board manufacturer.
    pub manufacturer: FruField,
    /// Board product name.
    pub product_name: FruField,
    /// Board serial number.
    pub serial_number: FruField,
    /// Board part number.
    pub part_number: FruField,
    /// FRU file ID.
    pub fru_file_id: FruField,
    /// Custom board info fields.
    pub custom: Vec<FruField>,
}

/// Product info area (§12).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ProductInfo {
    /// Language code (0 or 25: English).
    pub language: u8,
    /// Manufacturer name.
    pub manufacturer: FruField,
    /// Product name.
    pub name: FruField,
    /// Product part / model number.
    pub part_number: FruField,
    /// Product version.
    pub version: FruField,
    /// Product serial number.
    pub serial_number: FruField,
    /// Asset tag.
    pub asset_tag: FruField,
    /// FRU file ID.
    pub fru_file_id: FruField,
    /// Custom product info fields.
    pub custom: Vec<FruField>,
}

/// A parsed FRU image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Fru {
    /// Internal use area bytes (format version byte included), when
    /// present: from its offset to the next area, or to the end of the
    /// image.
    pub internal_use: Option<Vec<u8>>,
    /// Chassis info area.
    pub chassis: Option<ChassisInfo>,
    /// Board info area.
    pub board: Option<BoardInfo>,
    /// Product info area.
    pub product: Option<ProductInfo>,
    /// MultiRecord area records.
    pub multi_records: Vec<MultiRecord>,
    /// What was wrong but tolerated (ignored by [`encode`]).
    pub warnings: Vec<FruWarning>,
}

/// The five area offsets of a valid common header, in bytes (0 = absent).
#[derive(Debug, Clone, Copy)]
struct Header {
    internal_use: usize,
    chassis: usize,
    board: usize,
    product: usize,
    multi_record: usize,
    checksum_ok: bool,
}

impl Header {
    fn parse(image: &[u8]) -> Result<Self, FruError> {
        let Some(h) = image.get(..COMMON_HEADER_LEN) else {
            return Err(FruError::TooShort { len: image.len() });
        };
        if h.iter().all(|b| *b == 0) || h.iter().all(|b| *b == 0xff) {
            return Err(FruError::Blank);
        }
        let byte = |i: usize| usize::from(h.get(i).copied().unwrap_or(0)) * 8;
        let version = h.first().copied().unwrap_or(0) & 0x0f;
        if version != FORMAT_VERSION {
            return Err(FruError::UnsupportedFormat { version });
        }
        Ok(Self {
            internal_use: byte(1),
            chassis: byte(2),
            board: byte(3),
            product: byte(4),
            multi_record: byte(5),
            checksum_ok: checksum(h) == 0,
        })
    }

    /// End of the internal use area: the nearest other area after it, or
    /// `end`.
    fn internal_use_end(&self, end: usize) -> usize {
        [self.chassis, self.board, self.product, self.multi_record]
            .into_iter()
            .filter(|o| *o > self.internal_use)
            .min()
            .unwrap_or(end)
    }
}

impl Fru {
    /// Parses a FRU image (from offset 0 of the device).
    ///
    /// # Errors
    /// [`FruError`] when the common header is missing, blank or of another
    /// format version; everything else is a warning in
    /// [`Fru::warnings`].
    pub fn parse(image: &[u8]) -> Result<Self, FruError> {
        let header = Header::parse(image)?;
        let mut fru = Self::default();
        if !header.checksum_ok {
            fru.warnings.push(FruWarning::HeaderChecksum);
        }
        if header.internal_use != 0 {
            let end = header.internal_use_end(image.len()).min(image.len());
            match image.get(header.internal_use..end) {
                Some(area) => fru.internal_use = Some(area.to_vec()),
                None => fru.warnings.push(FruWarning::AreaOutOfBounds {
                    area: FruArea::InternalUse,
                    offset: header.internal_use,
                    declared: end.saturating_sub(header.internal_use),
                    available: image.len().saturating_sub(header.internal_use),
                }),
            }
        }
        if header.chassis != 0 {
            fru.chassis = info_area(image, FruArea::Chassis, header.chassis, &mut fru.warnings)
                .map(|a| parse_chassis(a, &mut fru.warnings));
        }
        if header.board != 0 {
            fru.board = info_area(image, FruArea::Board, header.board, &mut fru.warnings)
                .map(|a| parse_board(a, &mut fru.warnings));
        }
        if header.product != 0 {
            fru.product = info_area(image, FruArea::Product, header.product, &mut fru.warnings)
                .map(|a| parse_product(a, &mut fru.warnings));
        }
        if header.multi_record != 0 {
            fru.multi_records = parse_multi_records(image, header.multi_record, &mut fru.warnings);
        }
        Ok(fru)
    }

    /// `true` when no checksum mismatched.
    pub fn checksums_ok(&self) -> bool {
        !self.warnings.iter().any(FruWarning::is_checksum)
    }

    /// The chassis type name as FreeIPMI prints it, when there is a
    /// chassis area.
    pub fn chassis_type_name(&self) -> Option<&'static str> {
        self.chassis.as_ref().map(|c| c.chassis_type.name())
    }

    /// Overall capacities (watts) of the Power Supply Information records.
    pub fn power_supply_capacities(&self) -> Vec<u16> {
        self.multi_records
            .iter()
            .filter_map(MultiRecord::power_supply)
            .map(|p| p.overall_capacity_watts)
            .collect()
    }

    /// Encodes the areas into an image (see [`encode`]).
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }
}

/// The bytes an info area spans, after bounds and checksum checks: the
/// area without its checksum byte when complete, else what is present.
fn info_area<'a>(
    image: &'a [u8],
    area: FruArea,
    offset: usize,
    warnings: &mut Vec<FruWarning>,
) -> Option<&'a [u8]> {
    let available = image.len().saturating_sub(offset);
    let Some(body) = image.get(offset..).filter(|b| b.len() >= 2) else {
        warnings.push(FruWarning::AreaOutOfBounds {
            area,
            offset,
            declared: 0,
            available,
        });
        return None;
    };
    let version = body.first().copied().unwrap_or(0) & 0x0f;
    if version != AREA_FORMAT_VERSION {
        warnings.push(FruWarning::AreaVersion { area, version });
    }
    let declared = usize::from(body.get(1).copied().unwrap_or(0)) * 8;
    match body.get(..declared).filter(|_| declared > 0) {
        Some(whole) => {
            if checksum(whole) != 0 {
                warnings.push(FruWarning::AreaChecksum { area });
            }
            whole.get(..declared.saturating_sub(1))
        }
        None => {
            warnings.push(FruWarning::AreaOutOfBounds {
                area,
                offset,
                declared,
                available,
            });
            Some(body)
        }
    }
}

/// Reads the type/length fields of an info area.
struct Fields<'a, 'w> {
    rest: &'a [u8],
    english: bool,
    area: FruArea,
    ended: bool,
    missing_reported: bool,
    warnings: &'w mut Vec<FruWarning>,
}

impl<'a, 'w> Fields<'a, 'w> {
    fn new(
        rest: &'a [u8],
        english: bool,
        area: FruArea,
        warnings: &'w mut Vec<FruWarning>,
    ) -> Self {
        Self {
            rest,
            english,
            area,
            ended: false,
            missing_reported: false,
            warnings,
        }
    }

    /// The next field; `None` at the end marker or the end of the area.
    fn next_field(&mut self) -> Option<FruField> {
        if self.ended {
            return None;
        }
        let Some((&tl, tail)) = self.rest.split_first() else {
            self.ended = true;
            self.warnings
                .push(FruWarning::MissingEndMarker { area: self.area });
            return None;
        };
        if tl == END_OF_FIELDS {
            self.ended = true;
            self.rest = tail;
            return None;
        }
        let len = usize::from(tl & 0x3f);
        let (data, after) = match tail.split_at_checked(len) {
            Some(split) => split,
            None => {
                self.warnings
                    .push(FruWarning::FieldTruncated { area: self.area });
                (tail, &[][..])
            }
        };
        self.rest = after;
        Some(FruField::decode(tl, data, self.english))
    }

    /// A mandatory field: empty (and one warning) when the fields ended.
    fn mandatory(&mut self) -> FruField {
        match self.next_field() {
            Some(f) => f,
            None => {
                if !self.missing_reported {
                    self.missing_reported = true;
                    self.warnings
                        .push(FruWarning::MissingFields { area: self.area });
                }
                FruField::empty()
            }
        }
    }

    /// The custom fields up to the end marker.
    fn custom(&mut self) -> Vec<FruField> {
        let mut out = Vec::new();
        while let Some(f) = self.next_field() {
            out.push(f);
        }
        out
    }
}

/// A fixed byte of an area, 0 (with a missing-fields warning) when absent.
fn fixed(area: &[u8], index: usize, which: FruArea, warnings: &mut Vec<FruWarning>) -> u8 {
    match area.get(index) {
        Some(b) => *b,
        None => {
            let w = FruWarning::MissingFields { area: which };
            if !warnings.contains(&w) {
                warnings.push(w);
            }
            0
        }
    }
}

fn parse_chassis(area: &[u8], warnings: &mut Vec<FruWarning>) -> ChassisInfo {
    let chassis_type = ChassisType(fixed(area, 2, FruArea::Chassis, warnings));
    let mut f = Fields::new(
        area.get(3..).unwrap_or(&[]),
        true,
        FruArea::Chassis,
        warnings,
    );
    ChassisInfo {
        chassis_type,
        part_number: f.mandatory(),
        serial_number: f.mandatory(),
        custom: f.custom(),
    }
}

fn parse_board(area: &[u8], warnings: &mut Vec<FruWarning>) -> BoardInfo {
    let language = fixed(area, 2, FruArea::Board, warnings);
    let mut mfg = [0u8; 4];
    for (i, slot) in mfg.iter_mut().take(3).enumerate() {
        *slot = fixed(area, 3 + i, FruArea::Board, warnings);
    }
    let minutes = u32::from_le_bytes(mfg);
    let mut f = Fields::new(
        area.get(6..).unwrap_or(&[]),
        is_english(language),
        FruArea::Board,
        warnings,
    );
    BoardInfo {
        language,
        mfg_time: (minutes != 0).then(|| FruTimestamp::from_minutes(minutes)),
        manufacturer: f.mandatory(),
        product_name: f.mandatory(),
        serial_number: f.mandatory(),
        part_number: f.mandatory(),
        fru_file_id: f.mandatory(),
        custom: f.custom(),
    }
}

fn parse_product(area: &[u8], warnings: &mut Vec<FruWarning>) -> ProductInfo {
    let language = fixed(area, 2, FruArea::Product, warnings);
    let mut f = Fields::new(
        area.get(3..).unwrap_or(&[]),
        is_english(language),
        FruArea::Product,
        warnings,
    );
    ProductInfo {
        language,
        manufacturer: f.mandatory(),
        name: f.mandatory(),
        part_number: f.mandatory(),
        version: f.mandatory(),
        serial_number: f.mandatory(),
        asset_tag: f.mandatory(),
        fru_file_id: f.mandatory(),
        custom: f.custom(),
    }
}

/// Length of a MultiRecord header.
const RECORD_HEADER_LEN: usize = 5;

fn parse_multi_records(
    image: &[u8],
    offset: usize,
    warnings: &mut Vec<FruWarning>,
) -> Vec<MultiRecord> {
    let mut records = Vec::new();
    let mut pos = offset;
    loop {
        let index = records.len();
        let Some(h) = pos
            .checked_add(RECORD_HEADER_LEN)
            .and_then(|end| image.get(pos..end))
        else {
            warnings.push(FruWarning::RecordTruncated { index });
            break;
        };
        if checksum(h) != 0 {
            warnings.push(FruWarning::RecordHeaderChecksum { index });
            break;
        }
        let [type_id, flags, len, data_checksum, _] = *h else {
            break;
        };
        let start = pos.saturating_add(RECORD_HEADER_LEN);
        let end = start.saturating_add(usize::from(len));
        let data = match image.get(start..end) {
            Some(d) => d,
            None => {
                warnings.push(FruWarning::RecordTruncated { index });
                image.get(start..).unwrap_or(&[])
            }
        };
        let complete = data.len() == usize::from(len);
        if complete && checksum(data) != data_checksum {
            warnings.push(FruWarning::RecordChecksum { index });
        }
        let end_of_list = flags & 0x80 != 0;
        records.push(MultiRecord {
            type_id,
            format_version: flags & 0x0f,
            end_of_list,
            data: data.to_vec(),
        });
        if end_of_list || !complete {
            break;
        }
        pos = end;
    }
    records
}

/// How many bytes of a FRU device a reader needs, given the first bytes
/// read (`prefix`) and the device's size: the common header, then every
/// area the header points to (info areas by their declared length, the
/// internal use area up to the next area, MultiRecord records until the
/// end-of-list bit) — never more than `size`. The unused tail of a device
/// is not needed.
///
/// Call it again after each read: when the result exceeds
/// `prefix.len()`, read on from `prefix.len()`. The result never shrinks
/// as the prefix grows, and the loop ends after at most `size` bytes.
/// An image whose header is invalid needs only the header.
pub fn used_len(prefix: &[u8], size: usize) -> usize {
    let need = match Header::parse(prefix) {
        Err(FruError::TooShort { .. }) => COMMON_HEADER_LEN,
        Err(_) => COMMON_HEADER_LEN,
        Ok(h) => {
            let mut need = COMMON_HEADER_LEN;
            if h.internal_use != 0 {
                need = need.max(h.internal_use_end(size));
            }
            for off in [h.chassis, h.board, h.product] {
                if off == 0 {
                    continue;
                }
                let end = match prefix.get(off.saturating_add(1)) {
                    Some(len) if *len > 0 => off.saturating_add(usize::from(*len) * 8),
                    // Zero length: the parser reads to the end of the image.
                    Some(_) => size,
                    None => off.saturating_add(2),
                };
                need = need.max(end);
            }
            if h.multi_record != 0 {
                need = need.max(multi_record_need(prefix, h.multi_record, size));
            }
            need
        }
    };
    need.min(size)
}

fn multi_record_need(prefix: &[u8], offset: usize, size: usize) -> usize {
    let mut pos = offset;
    loop {
        let header_end = pos.saturating_add(RECORD_HEADER_LEN);
        let Some(h) = prefix.get(pos..header_end) else {
            return header_end;
        };
        let len = usize::from(h.get(2).copied().unwrap_or(0));
        let end = header_end.saturating_add(len);
        let last = h.get(1).is_some_and(|f| f & 0x80 != 0) || checksum(h) != 0;
        if last || end >= size {
            return end;
        }
        pos = end;
    }
}

#[cfg(test)]
mod tests;
