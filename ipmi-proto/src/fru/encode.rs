//! The FRU encoder: [`Fru`] → image bytes (Platform Management FRU
//! Information Storage Definition §8–§12, §16).

use super::{
    BoardInfo, ChassisInfo, Fru, FruField, ProductInfo, AREA_FORMAT_VERSION, COMMON_HEADER_LEN,
    END_OF_FIELDS, FORMAT_VERSION, RECORD_FORMAT_VERSION,
};
use crate::codec::checksum;

/// Largest info area: the length byte counts multiples of 8.
const MAX_AREA_LEN: usize = 255 * 8;

/// Encodes the areas of `fru` into an image:
///
/// * the common header, then the internal use, chassis, board and product
///   areas in that order, each padded to a multiple of 8 bytes, then the
///   MultiRecord records (not padded);
/// * info areas with format version 1, the fields' own type/length bytes,
///   the C1h end marker, zero padding and the zero checksum;
/// * MultiRecord headers with version 2h (unless a record says otherwise),
///   record and header checksums, and the end-of-list bit on the last
///   record only;
/// * an unspecified board manufacturing time as 0.
///
/// [`Fru::warnings`] are ignored. Custom fields that would make an info
/// area longer than 2040 bytes are dropped, MultiRecord data is cut at 255
/// bytes, and an area that would start beyond offset 2040 (the header's
/// limit) is left out. [`Fru::parse`] of the result gives `fru` back (with
/// the end-of-list bits normalised) for fields built with [`FruField`]'s
/// constructors.
pub fn encode(fru: &Fru) -> Vec<u8> {
    let mut image = vec![0u8; COMMON_HEADER_LEN];
    let mut offsets = [0u8; 5];
    let areas: [Option<Vec<u8>>; 4] = [
        // An empty internal-use area has no bytes: no offset either.
        fru.internal_use
            .as_ref()
            .filter(|raw| !raw.is_empty())
            .map(|raw| pad8(raw.clone())),
        fru.chassis.as_ref().map(chassis_area),
        fru.board.as_ref().map(board_area),
        fru.product.as_ref().map(product_area),
    ];
    for (slot, area) in offsets.iter_mut().zip(areas) {
        let Some(area) = area else { continue };
        if let Some(units) = offset_units(image.len()) {
            *slot = units;
            image.extend_from_slice(&area);
        }
    }
    if !fru.multi_records.is_empty() {
        if let (Some(units), Some(slot)) = (offset_units(image.len()), offsets.get_mut(4)) {
            *slot = units;
            let last = fru.multi_records.len().saturating_sub(1);
            for (i, rec) in fru.multi_records.iter().enumerate() {
                let data: Vec<u8> = rec.data.iter().copied().take(255).collect();
                let len = u8::try_from(data.len()).unwrap_or(u8::MAX);
                let version = if rec.format_version == 0 {
                    RECORD_FORMAT_VERSION
                } else {
                    rec.format_version & 0x0f
                };
                let flags = if i == last { 0x80 | version } else { version };
                let mut header = vec![rec.type_id, flags, len, checksum(&data)];
                header.push(checksum(&header));
                image.extend_from_slice(&header);
                image.extend_from_slice(&data);
            }
        }
    }
    let mut header = vec![FORMAT_VERSION];
    header.extend_from_slice(&offsets);
    header.push(0);
    header.push(checksum(&header));
    for (dst, src) in image.iter_mut().zip(header) {
        *dst = src;
    }
    image
}

/// The header's offset byte for an area starting at `pos` (a multiple of
/// 8), `None` past 2040.
fn offset_units(pos: usize) -> Option<u8> {
    u8::try_from(pos / 8).ok().filter(|u| *u != 0)
}

fn pad8(mut bytes: Vec<u8>) -> Vec<u8> {
    while bytes.len() & 7 != 0 {
        bytes.push(0);
    }
    bytes
}

fn push_field(out: &mut Vec<u8>, field: &FruField) {
    let type_length = field.type_length();
    out.push(if type_length == END_OF_FIELDS {
        // A one-byte 8-bit field would read as the end marker C1h: store
        // it with a trailing NUL, as `FruField::from_text` does.
        type_length.saturating_add(1)
    } else {
        type_length
    });
    out.extend_from_slice(field.raw());
    if type_length == END_OF_FIELDS {
        out.push(0);
    }
}

/// Finishes an info area: fields, custom fields (as many as fit), end
/// marker, padding, length byte and checksum.
fn finish_area(mut area: Vec<u8>, custom: &[FruField]) -> Vec<u8> {
    for field in custom {
        // Field + end marker + checksum, rounded up to 8, must fit.
        let after = area
            .len()
            .saturating_add(1)
            .saturating_add(field.raw().len())
            .saturating_add(2);
        if after.div_ceil(8) * 8 > MAX_AREA_LEN {
            break;
        }
        push_field(&mut area, field);
    }
    area.push(END_OF_FIELDS);
    // Room for the checksum byte, then round up to a multiple of 8.
    while area.len().saturating_add(1) & 7 != 0 {
        area.push(0);
    }
    let units = u8::try_from(area.len().saturating_add(1) / 8).unwrap_or(u8::MAX);
    if let Some(len) = area.get_mut(1) {
        *len = units;
    }
    area.push(checksum(&area));
    area
}

fn chassis_area(c: &ChassisInfo) -> Vec<u8> {
    let mut area = vec![AREA_FORMAT_VERSION, 0, c.chassis_type.0];
    push_field(&mut area, &c.part_number);
    push_field(&mut area, &c.serial_number);
    finish_area(area, &c.custom)
}

fn board_area(b: &BoardInfo) -> Vec<u8> {
    let minutes = b.mfg_time.map_or(0, |t| t.minutes());
    let [m0, m1, m2, _] = minutes.to_le_bytes();
    let mut area = vec![AREA_FORMAT_VERSION, 0, b.language, m0, m1, m2];
    for f in [
        &b.manufacturer,
        &b.product_name,
        &b.serial_number,
        &b.part_number,
        &b.fru_file_id,
    ] {
        push_field(&mut area, f);
    }
    finish_area(area, &b.custom)
}

fn product_area(p: &ProductInfo) -> Vec<u8> {
    let mut area = vec![AREA_FORMAT_VERSION, 0, p.language];
    for f in [
        &p.manufacturer,
        &p.name,
        &p.part_number,
        &p.version,
        &p.serial_number,
        &p.asset_tag,
        &p.fru_file_id,
    ] {
        push_field(&mut area, f);
    }
    finish_area(area, &p.custom)
}

#[cfg(test)]
mod fuzz_regressions {
    use super::*;

    /// Parse → encode → parse → encode gives the same bytes twice.
    fn stable(hex_image: &str) {
        let bytes = hex::decode(hex_image).unwrap();
        let first = Fru::parse(&bytes).unwrap();
        let e1 = encode(&first);
        let p1 = Fru::parse(&e1).unwrap();
        let e2 = encode(&p1);
        assert_eq!(e1, e2, "encoding is not stable");
        assert_eq!(p1, Fru::parse(&e2).unwrap());
    }

    #[test]
    fn one_byte_fields_and_empty_internal_use_survive_reencoding() {
        // Reproducers found by the `fru` fuzz target.
        stable("01380138cf3838cf380138cf38");
        stable("010001d0cc0000d000d0cc0000d0cc");
        stable("011001060e0000ea01ca3550535236353043ca41534853c7375349f13052314b363250cf43383239304c483031414230303031c100d90106006963726fc6583131445055cc5a4d32334153303030313233c6583131445055c0c1009c010b00ca53757065726d010000005055cc41544956452d30303031c031c0c10000000001");
    }
}
