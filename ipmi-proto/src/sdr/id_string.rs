//! Sensor ID strings: the type/length byte and its four encodings (IPMI
//! v2.0 §43.15, "Type/Length Byte Format").
//!
//! ```text
//!  [7:6] 00b Unicode, 01b BCD plus, 10b 6-bit packed ASCII,
//!        11b 8-bit ASCII + Latin-1
//!  [5]   reserved
//!  [4:0] length of the following data (11111b reserved)
//! ```
//!
//! Decoding is forgiving, like FreeIPMI's: the length is taken as a byte
//! count bounded by what the record holds; "Unicode" bytes are copied as
//! they are (BMCs put ASCII there); the text stops at the first NUL.
//! Trailing spaces stay, as FreeIPMI keeps them (Dell names memory sensors
//! `"A "`, and the Go exporter's series carry `name="A "`); in 6-bit
//! packed strings a last group of three bytes holds four characters, so
//! a three-character tail reads back with the padding space.

use crate::codec::{DecodeError, Reader, Writer};

/// The encoding of an ID string (type/length byte `[7:6]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdStringType {
    /// 00b: Unicode (treated as bytes, as FreeIPMI does).
    Unicode,
    /// 01b: BCD plus — digits, space, `-`, `.`, `:`, `,`, `_`, two per byte.
    BcdPlus,
    /// 10b: 6-bit packed ASCII (20h–5Fh), four characters per three bytes.
    SixBitAscii,
    /// 11b: 8-bit ASCII + Latin-1.
    Latin1,
}

impl IdStringType {
    /// From the type/length byte.
    pub fn from_type_length(b: u8) -> Self {
        match b >> 6 {
            0 => Self::Unicode,
            1 => Self::BcdPlus,
            2 => Self::SixBitAscii,
            _ => Self::Latin1,
        }
    }

    /// The two type bits, unshifted.
    pub fn bits(self) -> u8 {
        match self {
            Self::Unicode => 0,
            Self::BcdPlus => 1,
            Self::SixBitAscii => 2,
            Self::Latin1 => 3,
        }
    }
}

/// The longest ID string data a type/length byte can announce (5 bits,
/// 1Fh reserved).
pub const MAX_ID_BYTES: usize = 30;

/// An ID string as stored in a record: its encoding and raw bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdString {
    /// The encoding.
    pub kind: IdStringType,
    /// The raw bytes (at most [`MAX_ID_BYTES`] are encoded).
    pub bytes: Vec<u8>,
}

impl Default for IdString {
    fn default() -> Self {
        Self {
            kind: IdStringType::Latin1,
            bytes: Vec::new(),
        }
    }
}

const BCD_PLUS: [char; 16] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', '-', '.', ':', ',', '_',
];

impl IdString {
    /// An 8-bit (Latin-1) ID string from text; characters above U+00FF
    /// become `?` and the text is cut to [`MAX_ID_BYTES`].
    pub fn latin1(text: &str) -> Self {
        let bytes = text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .take(MAX_ID_BYTES)
            .collect();
        Self {
            kind: IdStringType::Latin1,
            bytes,
        }
    }

    /// A 6-bit packed ID string from ASCII text (lower case is folded to
    /// upper case; characters outside 20h–5Fh become `?`).
    pub fn six_bit(text: &str) -> Self {
        let codes: Vec<u8> = text
            .chars()
            .map(|c| {
                let c = c.to_ascii_uppercase();
                match u8::try_from(u32::from(c)) {
                    Ok(b @ 0x20..=0x5f) => b.saturating_sub(0x20),
                    _ => b'?' - 0x20,
                }
            })
            .collect();
        let mut bytes = Vec::new();
        for group in codes.chunks(4) {
            let c = |i: usize| group.get(i).copied().unwrap_or(0);
            bytes.push(c(0) | (c(1) << 6));
            if group.len() > 1 {
                bytes.push((c(1) >> 2) | (c(2) << 4));
            }
            if group.len() > 2 {
                bytes.push((c(2) >> 4) | (c(3) << 2));
            }
        }
        bytes.truncate(MAX_ID_BYTES);
        Self {
            kind: IdStringType::SixBitAscii,
            bytes,
        }
    }

    /// Reads the type/length byte and up to `length` bytes (fewer when the
    /// record ends first). An absent type/length byte gives an empty
    /// string.
    ///
    /// # Errors
    /// None in practice (the reader is bounded); the signature matches the
    /// other field decoders.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        if r.is_empty() {
            return Ok(Self::default());
        }
        let tl = r.u8("ID string type/length")?;
        let len = usize::from(tl & 0x1f);
        Ok(Self {
            kind: IdStringType::from_type_length(tl),
            bytes: r.take_up_to(len).to_vec(),
        })
    }

    /// Writes the type/length byte and the bytes.
    pub fn encode(&self, w: &mut Writer) {
        let n = self.bytes.len().min(MAX_ID_BYTES);
        let len = u8::try_from(n).unwrap_or(0);
        w.u8((self.kind.bits() << 6) | len)
            .bytes(self.bytes.get(..n).unwrap_or(&[]));
    }

    /// The decoded text, cut at the first NUL; every other byte is kept,
    /// trailing spaces included.
    pub fn text(&self) -> String {
        let raw: String = match self.kind {
            IdStringType::Unicode | IdStringType::Latin1 => {
                self.bytes.iter().map(|b| char::from(*b)).collect()
            }
            IdStringType::BcdPlus => self
                .bytes
                .iter()
                .flat_map(|b| [b >> 4, b & 0x0f])
                .filter_map(|n| BCD_PLUS.get(usize::from(n)).copied())
                .collect(),
            IdStringType::SixBitAscii => {
                let mut out = String::new();
                for g in self.bytes.chunks(3) {
                    let b = |i: usize| g.get(i).copied().unwrap_or(0);
                    let mut codes = vec![b(0) & 0x3f];
                    if g.len() > 1 {
                        codes.push((b(0) >> 6) | ((b(1) & 0x0f) << 2));
                    }
                    if g.len() > 2 {
                        codes.push((b(1) >> 4) | ((b(2) & 0x03) << 4));
                        codes.push(b(2) >> 2);
                    }
                    out.extend(
                        codes
                            .into_iter()
                            .map(|c| char::from(c.saturating_add(0x20))),
                    );
                }
                out
            }
        };
        raw.split('\0').next().unwrap_or("").to_string()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn decode(bytes: &[u8]) -> IdString {
        IdString::decode(&mut Reader::new(bytes)).unwrap()
    }

    #[test]
    fn latin1_and_unicode() {
        let s = decode(b"\xccExhaust Temp");
        assert_eq!(s.kind, IdStringType::Latin1);
        assert_eq!(s.text(), "Exhaust Temp");
        // Latin-1 byte B5h is µ.
        assert_eq!(decode(b"\xc3\xb5Vx").text(), "\u{b5}Vx");
        // "Unicode" holding ASCII, as many BMCs do: bytes copied.
        assert_eq!(decode(b"\x04CPU1").text(), "CPU1");
        // Trailing NUL padding goes, spaces stay; text stops at a NUL.
        assert_eq!(decode(b"\xc8FAN1\0\0\0\0").text(), "FAN1");
        assert_eq!(decode(b"\xc6FAN1  ").text(), "FAN1  ");
        assert_eq!(decode(b"\xc2A ").text(), "A ");
        assert_eq!(decode(b"\xc6AB\0CD ").text(), "AB");
        // Length beyond the record: what is there.
        assert_eq!(decode(b"\xcfShort").text(), "Short");
        // No type/length byte at all.
        assert_eq!(decode(b"").text(), "");
    }

    #[test]
    fn bcd_plus() {
        // "12.5-3" -> 12 C5 B3, 3 bytes = 6 characters.
        assert_eq!(decode(&[0x43, 0x12, 0xc5, 0xb3]).text(), "12.5-3");
        assert_eq!(decode(&[0x42, 0x9a, 0xdf]).text(), "9 :_");
    }

    #[test]
    fn six_bit_packed() {
        // The IPMI FRU specification's example: "IPMI" = 29h DCh A6h.
        let s = decode(&[0x83, 0x29, 0xdc, 0xa6]);
        assert_eq!(s.kind, IdStringType::SixBitAscii);
        assert_eq!(s.text(), "IPMI");
        assert_eq!(IdString::six_bit("IPMI").bytes, vec![0x29, 0xdc, 0xa6]);
        assert_eq!(IdString::six_bit("fan 1").text(), "FAN 1");
        assert_eq!(IdString::six_bit("CPU1 TEMP").text(), "CPU1 TEMP");
    }

    #[test]
    fn encode_round_trip() {
        let s = IdString::latin1("GPU1 Mem/Hot-Spt");
        let mut w = Writer::new();
        s.encode(&mut w);
        assert_eq!(w.as_slice()[0], 0xd0);
        assert_eq!(decode(w.as_slice()), s);
        assert_eq!(IdString::latin1("\u{3b1}").bytes, b"?");
        assert_eq!(IdString::latin1(&"x".repeat(40)).bytes.len(), MAX_ID_BYTES);
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let s = decode(&bytes);
            let _ = s.text();
        }

        #[test]
        fn six_bit_round_trip(text in "[A-Z0-9 _./-]{0,20}") {
            let s = IdString::six_bit(&text);
            // Three characters in a last group pack into three bytes,
            // which hold four: the fourth reads as the padding space.
            let want = if text.len() % 4 == 3 { format!("{text} ") } else { text.clone() };
            prop_assert_eq!(s.text(), want);
        }

        #[test]
        fn latin1_round_trip(text in "[ -~\u{a0}-\u{ff}]{0,16}") {
            let s = IdString::latin1(&text);
            prop_assert_eq!(s.text(), text);
        }
    }
}
