//! MultiRecord area records (Platform Management FRU Information Storage
//! Definition §16), kept raw, with the Power Supply Information record
//! (type 00h, §18.1) decoded for PSU capacity.
//!
//! ```text
//!  record header (5 bytes)
//!  0  record type ID (00h power supply, 01h DC output, 02h DC load,
//!     03h management access, 04h base compatibility, 05h extended
//!     compatibility, C0h–FFh OEM)
//!  1  [7] end of list  [6:4] reserved  [3:0] record format version (2h)
//!  2  record length (data bytes)
//!  3  record checksum (zero checksum of the data)
//!  4  header checksum (zero checksum of bytes 0–4)
//! ```

use crate::codec::{Codec, DecodeError, Reader, Writer};

/// The record format version written by [`crate::fru::encode`] (§16.1).
pub const RECORD_FORMAT_VERSION: u8 = 0x02;

/// Record type 00h: Power Supply Information.
pub const POWER_SUPPLY_INFORMATION: u8 = 0x00;

/// One MultiRecord area record, data kept raw.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MultiRecord {
    /// Record type ID.
    pub type_id: u8,
    /// Record format version (low nibble of header byte 1).
    pub format_version: u8,
    /// The "end of list" bit: this is the last record.
    pub end_of_list: bool,
    /// Record data.
    pub data: Vec<u8>,
}

impl MultiRecord {
    /// A record of `type_id` with format version 2h (the encoder sets the
    /// end-of-list bit on the last record).
    pub fn new(type_id: u8, data: Vec<u8>) -> Self {
        Self {
            type_id,
            format_version: RECORD_FORMAT_VERSION,
            end_of_list: false,
            data,
        }
    }

    /// The spec's name of the record type.
    pub fn type_name(&self) -> &'static str {
        match self.type_id {
            0x00 => "Power Supply Information",
            0x01 => "DC Output",
            0x02 => "DC Load",
            0x03 => "Management Access Record",
            0x04 => "Base Compatibility Record",
            0x05 => "Extended Compatibility Record",
            0x06 => "ASF Fixed SMBus Device Record",
            0x07 => "ASF Legacy-Device Alerts",
            0x08 => "ASF Remote Control",
            0x09 => "Extended DC Output",
            0x0a => "Extended DC Load",
            0x0b..=0x0f => "NVM Express",
            0xc0..=0xff => "OEM",
            _ => "Reserved",
        }
    }

    /// The Power Supply Information of a type 00h record, `None` for other
    /// types or when the data is shorter than the 24 bytes of §18.1.
    pub fn power_supply(&self) -> Option<PowerSupplyInfo> {
        if self.type_id != POWER_SUPPLY_INFORMATION {
            return None;
        }
        PowerSupplyInfo::decode(&mut Reader::new(&self.data)).ok()
    }
}

/// Power Supply Information record data (record type 00h; FRU Information
/// Storage Definition §18.1, Table 18-1), 24 bytes.
///
/// ```text
///  byte   field
///  0:1    [15:12] reserved  [11:0] overall capacity, watts
///  2:3    peak VA (FFFFh: not specified)
///  4      inrush current, amps (FFh: not specified)
///  5      inrush interval, ms
///  6:7    low end input voltage range 1, 10 mV units
///  8:9    high end input voltage range 1, 10 mV units
///  10:11  low end input voltage range 2 (0: single range)
///  12:13  high end input voltage range 2
///  14     low end input frequency range, Hz
///  15     high end input frequency range, Hz
///  16     A/C dropout tolerance, ms
///  17     flags: [4] predictive fail polarity / tach pulses  [3] hot swap
///         [2] autoswitch  [1] power factor correction  [0] predictive fail pin
///  18:19  [15:12] hold-up time, seconds  [11:0] peak capacity, watts
///  20:22  combined wattage (two voltages and total)
///  23     predictive fail tachometer lower threshold, RPS
/// ```
///
/// Multi-byte fields are LS byte first. Bytes after the 24th are ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PowerSupplyInfo {
    /// Overall capacity in watts (12 bits).
    pub overall_capacity_watts: u16,
    /// Peak VA (FFFFh: not specified).
    pub peak_va: u16,
    /// Inrush current in amps (FFh: not specified).
    pub inrush_current: u8,
    /// Inrush interval, ms.
    pub inrush_interval_ms: u8,
    /// Input voltage ranges 1 and 2 (low, high), 10 mV units.
    pub input_voltage_ranges: [(u16, u16); 2],
    /// Input frequency range (low, high), Hz.
    pub input_frequency_range: (u8, u8),
    /// A/C dropout tolerance, ms.
    pub ac_dropout_tolerance_ms: u8,
    /// Flags byte (byte 17).
    pub flags: u8,
    /// Hold-up time in seconds (4 bits).
    pub hold_up_seconds: u8,
    /// Peak capacity in watts (12 bits).
    pub peak_capacity_watts: u16,
    /// Combined wattage bytes, raw.
    pub combined_wattage: [u8; 3],
    /// Predictive fail tachometer lower threshold.
    pub tach_lower_threshold: u8,
}

impl PowerSupplyInfo {
    /// Byte 17 bit 3: the supply is hot-swappable.
    pub fn hot_swap(&self) -> bool {
        self.flags & 0x08 != 0
    }

    /// This information as a MultiRecord record (type 00h).
    pub fn to_record(&self) -> MultiRecord {
        MultiRecord::new(POWER_SUPPLY_INFORMATION, self.to_bytes())
    }
}

impl Codec for PowerSupplyInfo {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.overall_capacity_watts & 0x0fff)
            .u16_le(self.peak_va)
            .u8(self.inrush_current)
            .u8(self.inrush_interval_ms);
        for (low, high) in self.input_voltage_ranges {
            w.u16_le(low).u16_le(high);
        }
        w.u8(self.input_frequency_range.0)
            .u8(self.input_frequency_range.1)
            .u8(self.ac_dropout_tolerance_ms)
            .u8(self.flags)
            .u16_le(
                (u16::from(self.hold_up_seconds & 0x0f) << 12)
                    | (self.peak_capacity_watts & 0x0fff),
            )
            .bytes(&self.combined_wattage)
            .u8(self.tach_lower_threshold);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let capacity = r.u16_le("overall capacity")?;
        let peak_va = r.u16_le("peak VA")?;
        let inrush_current = r.u8("inrush current")?;
        let inrush_interval_ms = r.u8("inrush interval")?;
        let r1 = (
            r.u16_le("input voltage range 1 low")?,
            r.u16_le("input voltage range 1 high")?,
        );
        let r2 = (
            r.u16_le("input voltage range 2 low")?,
            r.u16_le("input voltage range 2 high")?,
        );
        let freq = (r.u8("input frequency low")?, r.u8("input frequency high")?);
        let ac_dropout_tolerance_ms = r.u8("A/C dropout tolerance")?;
        let flags = r.u8("power supply flags")?;
        let peak = r.u16_le("peak wattage")?;
        let combined_wattage = r.array("combined wattage")?;
        let tach_lower_threshold = r.u8("predictive fail tachometer lower threshold")?;
        let _ignored = r.rest();
        Ok(Self {
            overall_capacity_watts: capacity & 0x0fff,
            peak_va,
            inrush_current,
            inrush_interval_ms,
            input_voltage_ranges: [r1, r2],
            input_frequency_range: freq,
            ac_dropout_tolerance_ms,
            flags,
            hold_up_seconds: u8::try_from(peak >> 12).unwrap_or(0),
            peak_capacity_watts: peak & 0x0fff,
            combined_wattage,
            tach_lower_threshold,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn psu_800w() -> PowerSupplyInfo {
        PowerSupplyInfo {
            overall_capacity_watts: 800,
            peak_va: 0xffff,
            inrush_current: 0xff,
            inrush_interval_ms: 0,
            input_voltage_ranges: [(9000, 26400), (0, 0)],
            input_frequency_range: (47, 63),
            ac_dropout_tolerance_ms: 10,
            flags: 0x0e,
            hold_up_seconds: 1,
            peak_capacity_watts: 880,
            combined_wattage: [0, 0, 0],
            tach_lower_threshold: 0,
        }
    }

    #[test]
    fn power_supply_record() {
        let p = psu_800w();
        let bytes = p.to_bytes();
        assert_eq!(bytes.len(), 24);
        assert_eq!(bytes[..2], [0x20, 0x03]);
        assert_eq!(bytes[18..20], [0x70, 0x13]);
        let rec = p.to_record();
        assert_eq!(rec.type_name(), "Power Supply Information");
        assert_eq!(rec.power_supply(), Some(p));
        assert!(p.hot_swap());
        // Short data, other types: none.
        assert_eq!(MultiRecord::new(0, vec![0; 23]).power_supply(), None);
        assert_eq!(MultiRecord::new(1, p.to_bytes()).power_supply(), None);
        assert_eq!(MultiRecord::new(0xc5, vec![]).type_name(), "OEM");
        assert_eq!(MultiRecord::new(0x20, vec![]).type_name(), "Reserved");
        // Reserved capacity bits dropped.
        let mut raw = p.to_bytes();
        raw[1] |= 0xf0;
        assert_eq!(
            MultiRecord::new(0, raw)
                .power_supply()
                .unwrap()
                .overall_capacity_watts,
            800
        );
    }

    proptest! {
        #[test]
        fn power_supply_never_panics(data in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Some(p) = MultiRecord::new(0, data).power_supply() {
                let again = p.to_record().power_supply();
                prop_assert_eq!(again, Some(p));
            }
        }
    }
}
