//! Type/length-encoded FRU fields (Platform Management FRU Information
//! Storage Definition v1.0 rev 1.3, §13 "TYPE/LENGTH BYTE FORMAT").
//!
//! ```text
//!  type/length byte: [7:6] type code  [5:0] number of data bytes
//!    00b  binary or unspecified
//!    01b  BCD plus: two characters per byte, high nibble first, from
//!         "0123456789 -." (Ah space, Bh dash, Ch period; D–F reserved,
//!         shown as ':', ',', '_' like ipmitool)
//!    10b  6-bit packed ASCII: four characters in three bytes, least
//!         significant bits first; character = 20h + the 6-bit value
//!    11b  8-bit ASCII + Latin-1 when the area's language code is English
//!         (0 or 25); 2-byte Unicode (UCS-2, LS byte first) otherwise
//!  C1h    end of fields (an 8-bit field of length 1 is therefore impossible)
//! ```

use std::fmt;

/// How a field's bytes are to be read (the type code, plus the area's
/// language for code 11b).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldEncoding {
    /// 00b: binary or unspecified. Text: lower-case hex digits.
    Binary,
    /// 01b: BCD plus.
    BcdPlus,
    /// 10b: 6-bit packed ASCII.
    SixBitAscii,
    /// 11b in an English area: 8-bit ASCII + Latin-1.
    Latin1,
    /// 11b in a non-English area: 2-byte Unicode, LS byte first.
    Unicode,
}

impl FieldEncoding {
    /// The 2-bit type code of the type/length byte.
    pub fn type_code(self) -> u8 {
        match self {
            Self::Binary => 0,
            Self::BcdPlus => 1,
            Self::SixBitAscii => 2,
            Self::Latin1 | Self::Unicode => 3,
        }
    }

    /// A short name for output (`binary`, `bcd+`, `6-bit ascii`, `latin-1`,
    /// `unicode`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Binary => "binary",
            Self::BcdPlus => "bcd+",
            Self::SixBitAscii => "6-bit ascii",
            Self::Latin1 => "latin-1",
            Self::Unicode => "unicode",
        }
    }
}

/// The type/length byte that ends the fields of an area (§13).
pub const END_OF_FIELDS: u8 = 0xc1;

/// Longest field: the 6-bit length.
pub const MAX_FIELD_BYTES: usize = 63;

/// Language codes that mean English (IPMI FRU §10, §11: 0 and 25).
pub fn is_english(language: u8) -> bool {
    language == 0 || language == 25
}

const BCD_PLUS: [char; 16] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', '-', '.', ':', ',', '_',
];

/// One type/length-encoded field: its encoding, its bytes, and their text.
///
/// Build fields with the constructors (which keep the three consistent and
/// limit the data to [`MAX_FIELD_BYTES`]); parsing uses
/// [`FruField::decode`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FruField {
    encoding: FieldEncoding,
    raw: Vec<u8>,
    text: String,
}

impl Default for FruField {
    fn default() -> Self {
        Self::empty()
    }
}

impl FruField {
    /// An empty field (type/length byte C0h).
    pub fn empty() -> Self {
        Self {
            encoding: FieldEncoding::Latin1,
            raw: Vec::new(),
            text: String::new(),
        }
    }

    /// An 8-bit ASCII + Latin-1 field. Characters above U+00FF become `?`;
    /// the text is cut at 63 bytes. A one-character text is stored with a
    /// NUL after it, since a length of 1 would read as the end marker C1h
    /// (the NUL ends the text when decoding, as it does for ipmitool and
    /// FreeIPMI).
    pub fn from_text(text: &str) -> Self {
        let mut raw: Vec<u8> = text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .take(MAX_FIELD_BYTES)
            .collect();
        if raw.len() == 1 {
            raw.push(0);
        }
        Self::decode_with(FieldEncoding::Latin1, raw)
    }

    /// A 2-byte Unicode field (for non-English areas); at most 31
    /// characters of the Basic Multilingual Plane are kept, others become
    /// U+FFFD.
    pub fn unicode(text: &str) -> Self {
        let raw: Vec<u8> = text
            .chars()
            .take(MAX_FIELD_BYTES / 2)
            .flat_map(|c| u16::try_from(u32::from(c)).unwrap_or(0xfffd).to_le_bytes())
            .collect();
        Self::decode_with(FieldEncoding::Unicode, raw)
    }

    /// A BCD plus field, `None` when `text` has a character outside
    /// `0123456789 -.:,_` or more than 126 characters. An odd number of
    /// characters is padded with a space.
    pub fn bcd_plus(text: &str) -> Option<Self> {
        let mut nibbles = Vec::with_capacity(text.len().saturating_add(1));
        for c in text.chars() {
            let n = BCD_PLUS.iter().position(|b| *b == c)?;
            nibbles.push(u8::try_from(n).ok()?);
        }
        if nibbles.len() > MAX_FIELD_BYTES.saturating_mul(2) {
            return None;
        }
        if nibbles.len() % 2 == 1 {
            nibbles.push(0x0a);
        }
        let raw = nibbles
            .chunks(2)
            .map(|pair| match *pair {
                [hi, lo] => (hi << 4) | lo,
                [hi] => hi << 4,
                _ => 0,
            })
            .collect();
        Some(Self::decode_with(FieldEncoding::BcdPlus, raw))
    }

    /// A 6-bit packed ASCII field, `None` when `text` has a character
    /// outside U+0020–U+005F (space to underscore: digits, upper-case
    /// letters, punctuation) or more than 84 characters.
    pub fn six_bit(text: &str) -> Option<Self> {
        let mut values = Vec::with_capacity(text.len());
        for c in text.chars() {
            let v = u32::from(c).checked_sub(0x20).filter(|v| *v < 0x40)?;
            values.push(u8::try_from(v).ok()?);
        }
        if values.len() > MAX_FIELD_BYTES / 3 * 4 {
            return None;
        }
        let mut raw = Vec::with_capacity(values.len());
        for group in values.chunks(4) {
            let mut acc = 0u32;
            for (i, v) in (0u32..).zip(group) {
                acc |= u32::from(*v) << (6 * i);
            }
            let bytes = acc.to_le_bytes();
            // 1 char -> 1 byte, 2 -> 2, 3 or 4 -> 3.
            let n = match group.len() {
                1 => 1,
                2 => 2,
                _ => 3,
            };
            raw.extend(bytes.iter().take(n));
        }
        Some(Self::decode_with(FieldEncoding::SixBitAscii, raw))
    }

    /// A binary field (cut at 63 bytes).
    pub fn binary(bytes: &[u8]) -> Self {
        let raw = bytes.iter().copied().take(MAX_FIELD_BYTES).collect();
        Self::decode_with(FieldEncoding::Binary, raw)
    }

    /// Decodes a field from its type/length byte and data bytes; `english`
    /// is whether the area's language code is English (it decides how type
    /// 11b reads). Never fails: every byte sequence has a text.
    ///
    /// Type 11b in a non-English area is read as Unicode, except when
    /// every byte is printable ASCII (20h–7Eh): many BMCs put a wrong
    /// language code in front of plain ASCII, while real UCS-2 text of
    /// Latin letters always has zero bytes.
    pub fn decode(type_length: u8, data: &[u8], english: bool) -> Self {
        let encoding = match type_length >> 6 {
            0 => FieldEncoding::Binary,
            1 => FieldEncoding::BcdPlus,
            2 => FieldEncoding::SixBitAscii,
            _ if english
                || data.len() % 2 == 1
                || data.iter().all(|b| (0x20..=0x7e).contains(b)) =>
            {
                FieldEncoding::Latin1
            }
            _ => FieldEncoding::Unicode,
        };
        Self::decode_with(encoding, data.to_vec())
    }

    fn decode_with(encoding: FieldEncoding, raw: Vec<u8>) -> Self {
        let text = match encoding {
            FieldEncoding::Binary => raw.iter().map(|b| format!("{b:02x}")).collect(),
            FieldEncoding::BcdPlus => raw
                .iter()
                .flat_map(|b| [b >> 4, b & 0x0f])
                .map(|n| BCD_PLUS.get(usize::from(n)).copied().unwrap_or('_'))
                .collect::<String>()
                .trim_end()
                .to_string(),
            FieldEncoding::SixBitAscii => six_bit_text(&raw).trim_end().to_string(),
            FieldEncoding::Latin1 => raw
                .iter()
                .take_while(|b| **b != 0)
                .map(|b| char::from(*b))
                .collect(),
            FieldEncoding::Unicode => {
                let units: Vec<u16> = raw
                    .chunks_exact(2)
                    .map(|p| match *p {
                        [lo, hi] => u16::from_le_bytes([lo, hi]),
                        _ => 0,
                    })
                    .take_while(|u| *u != 0)
                    .collect();
                String::from_utf16_lossy(&units)
            }
        };
        Self {
            encoding,
            raw,
            text,
        }
    }

    /// The encoding.
    pub fn encoding(&self) -> FieldEncoding {
        self.encoding
    }

    /// The data bytes (without the type/length byte).
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The decoded text: Latin-1 and Unicode text up to the first NUL;
    /// BCD plus and 6-bit text without trailing spaces (the padding of the
    /// last byte); binary data as lower-case hex.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `true` when the text is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The text, or `None` when it is empty.
    pub fn non_empty(&self) -> Option<&str> {
        (!self.text.is_empty()).then_some(self.text.as_str())
    }

    /// The type/length byte that precedes the data.
    pub fn type_length(&self) -> u8 {
        let len = u8::try_from(self.raw.len().min(MAX_FIELD_BYTES)).unwrap_or(0x3f);
        (self.encoding.type_code() << 6) | len
    }
}

impl fmt::Display for FruField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Unpacks 6-bit ASCII: every 3 bytes hold 4 characters, LS bits first; a
/// final group of 1 or 2 bytes gives 1 or 2 characters.
fn six_bit_text(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len().saturating_mul(4) / 3 + 1);
    for group in raw.chunks(3) {
        let mut bytes = [0u8; 4];
        for (slot, b) in bytes.iter_mut().zip(group) {
            *slot = *b;
        }
        let acc = u32::from_le_bytes(bytes);
        let chars = match group.len() {
            1 => 1,
            2 => 2,
            _ => 4,
        };
        for i in 0..chars {
            let v = (acc >> (6 * i)) & 0x3f;
            out.push(char::from_u32(0x20 + v).unwrap_or(' '));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn latin1() {
        let f = FruField::decode(0xc9, b"Dell Inc.", true);
        assert_eq!(f.as_str(), "Dell Inc.");
        assert_eq!(f.encoding(), FieldEncoding::Latin1);
        assert_eq!(f.type_length(), 0xc9);
        assert_eq!(f, FruField::from_text("Dell Inc."));
        // Latin-1 high half and NUL padding.
        let f = FruField::decode(0xc4, &[0x4d, 0xfc, 0x00, 0x20], true);
        assert_eq!(f.as_str(), "M\u{fc}");
        assert_eq!(FruField::decode(0xc0, &[], true), FruField::empty());
        assert!(FruField::empty().is_empty());
        assert_eq!(FruField::empty().non_empty(), None);
        assert_eq!(FruField::empty().type_length(), 0xc0);
        // One character: stored with a NUL so the type/length is not C1h.
        let one = FruField::from_text("X");
        assert_eq!(one.type_length(), 0xc2);
        assert_eq!(one.as_str(), "X");
        // Non-Latin-1 characters and overlong text.
        assert_eq!(FruField::from_text("a\u{263a}").as_str(), "a?");
        assert_eq!(FruField::from_text(&"x".repeat(100)).raw().len(), 63);
    }

    #[test]
    fn bcd_plus() {
        // "0123456789" (bmc-sim's Product Version would read so in BCD+).
        let f = FruField::decode(0x45, &[0x01, 0x23, 0x45, 0x67, 0x89], true);
        assert_eq!(f.as_str(), "0123456789");
        assert_eq!(f.encoding(), FieldEncoding::BcdPlus);
        assert_eq!(FruField::bcd_plus("0123456789"), Some(f));
        let g = FruField::bcd_plus("1.5-2").unwrap();
        assert_eq!(g.raw(), [0x1c, 0x5b, 0x2a]);
        assert_eq!(g.as_str(), "1.5-2");
        assert_eq!(g.type_length(), 0x43);
        assert_eq!(FruField::decode(0x41, &[0xdf], true).as_str(), ":_");
        assert_eq!(FruField::bcd_plus("12a"), None);
    }

    #[test]
    fn six_bit_ascii() {
        // "IPMI" packed: 29h 29h... from the spec's example bit layout.
        let f = FruField::six_bit("IPMI").unwrap();
        assert_eq!(f.raw(), [0x29, 0xdc, 0xa6]);
        assert_eq!(
            FruField::decode(0x83, &[0x29, 0xdc, 0xa6], true).as_str(),
            "IPMI"
        );
        assert_eq!(FruField::decode(0x82, &[0x29, 0xdc], true).as_str(), "IP");
        assert_eq!(FruField::decode(0x81, &[0x29], true).as_str(), "I");
        assert_eq!(f.type_length(), 0x83);
        // 7 characters take 6 bytes, which unpack to 8: the padding space is cut.
        let s = FruField::six_bit("ABC-123").unwrap();
        assert_eq!(s.raw().len(), 6);
        assert_eq!(s.as_str(), "ABC-123");
        assert_eq!(FruField::six_bit("abc"), None);
        assert_eq!(FruField::six_bit(&"A".repeat(85)), None);
        assert_eq!(FruField::six_bit(&"A".repeat(84)).unwrap().raw().len(), 63);
    }

    #[test]
    fn binary_and_unicode() {
        let b = FruField::decode(0x03, &[0x00, 0xab, 0x10], true);
        assert_eq!(b.as_str(), "00ab10");
        assert_eq!(b, FruField::binary(&[0x00, 0xab, 0x10]));
        assert_eq!(b.encoding().name(), "binary");
        // Unicode in a German (language 7) area.
        let u = FruField::decode(0xc6, &[0x47, 0x00, 0xfc, 0x00, 0x74, 0x00], false);
        assert_eq!(u.encoding(), FieldEncoding::Unicode);
        assert_eq!(u.as_str(), "G\u{fc}t");
        assert_eq!(FruField::unicode("G\u{fc}t"), u);
        // Printable ASCII with a wrong language code stays Latin-1.
        let a = FruField::decode(0xc4, b"ACME", false);
        assert_eq!(a.encoding(), FieldEncoding::Latin1);
        assert_eq!(a.as_str(), "ACME");
        // Odd length cannot be UCS-2.
        assert_eq!(
            FruField::decode(0xc3, &[0x01, 0x02, 0x03], false).encoding(),
            FieldEncoding::Latin1
        );
        // Unpaired surrogate: replacement character, no panic.
        assert_eq!(
            FruField::decode(0xc2, &[0x00, 0xd8], false).as_str(),
            "\u{fffd}"
        );
    }

    proptest! {
        #[test]
        fn decode_never_panics(tl in any::<u8>(), data in proptest::collection::vec(any::<u8>(), 0..70), english in any::<bool>()) {
            let f = FruField::decode(tl, &data, english);
            let _ = (f.as_str().len(), f.type_length(), f.to_string());
        }

        #[test]
        fn latin1_round_trip(text in "[ -~\u{a0}-\u{ff}]{2,63}") {
            let f = FruField::from_text(&text);
            prop_assert_eq!(f.as_str(), text.as_str());
            prop_assert_eq!(FruField::decode(f.type_length(), f.raw(), true), f);
        }

        #[test]
        fn six_bit_round_trip(text in "[ -_]{0,84}") {
            let f = FruField::six_bit(&text).unwrap();
            prop_assert_eq!(f.as_str(), text.trim_end());
            let back = FruField::decode(f.type_length(), f.raw(), true);
            prop_assert_eq!(back.as_str(), text.trim_end());
        }

        #[test]
        fn bcd_round_trip(text in "[0-9.-]{0,126}") {
            let f = FruField::bcd_plus(&text).unwrap();
            prop_assert_eq!(f.as_str(), text.as_str());
            prop_assert_eq!(FruField::decode(f.type_length(), f.raw(), true), f);
        }
    }
}
