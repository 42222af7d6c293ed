//! Bounded byte reader and writer shared by every wire and command codec.
//!
//! All decoding of untrusted bytes goes through [`Reader`], which never
//! panics: every read is checked against the remaining length and reports a
//! [`DecodeError`] naming the field that did not fit. Multi-byte IPMI fields
//! are little-endian (IPMI v2.0 §13.6); the few big-endian RMCP/ASF fields
//! have their own `_be` accessors.

use thiserror::Error;

/// Why a byte sequence could not be decoded.
///
/// Small and `Copy`; `what` names the field or message being decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended before the field was complete.
    #[error("{what}: truncated (need {need} bytes, have {have})")]
    Truncated {
        /// Field or message being decoded.
        what: &'static str,
        /// Bytes the field needs.
        need: usize,
        /// Bytes that were left.
        have: usize,
    },
    /// A length field disagrees with the bytes present.
    #[error("{what}: declared length {declared} but {actual} bytes present")]
    LengthMismatch {
        /// Field or message being decoded.
        what: &'static str,
        /// Length the message claims.
        declared: usize,
        /// Length actually present.
        actual: usize,
    },
    /// A checksum (IPMI message chk1/chk2) does not add up to zero.
    #[error("{what}: bad checksum")]
    BadChecksum {
        /// Which checksum failed.
        what: &'static str,
    },
    /// Bytes were left over after a message that must end.
    #[error("{what}: {extra} trailing bytes")]
    TrailingBytes {
        /// Field or message being decoded.
        what: &'static str,
        /// Number of bytes left over.
        extra: usize,
    },
    /// A field holds a value that the message format forbids.
    #[error("{what}: invalid value {value:#x}")]
    InvalidField {
        /// Field being decoded.
        what: &'static str,
        /// The offending value.
        value: u32,
    },
}

/// A bounded cursor over untrusted bytes.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Starts reading `buf` from its first byte.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// `true` when every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The unread bytes, without consuming them.
    pub fn peek_rest(&self) -> &'a [u8] {
        self.buf
    }

    /// Consumes and returns all unread bytes.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.buf)
    }

    /// Consumes exactly `n` bytes.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when fewer than `n` bytes remain.
    pub fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        match self.buf.split_at_checked(n) {
            Some((head, tail)) => {
                self.buf = tail;
                Ok(head)
            }
            None => Err(DecodeError::Truncated {
                what,
                need: n,
                have: self.buf.len(),
            }),
        }
    }

    /// Consumes up to `n` bytes (fewer if the input ends first).
    pub fn take_up_to(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.buf.len());
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        head
    }

    /// Splits off a sub-reader over the next `n` bytes.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when fewer than `n` bytes remain.
    pub fn sub(&mut self, n: usize, what: &'static str) -> Result<Reader<'a>, DecodeError> {
        self.take(n, what).map(Reader::new)
    }

    /// Reads a fixed-size array.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when fewer than `N` bytes remain.
    pub fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let bytes = self.take(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// Reads one byte.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] at the end of input.
    pub fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        let [b] = self.array::<1>(what)?;
        Ok(b)
    }

    /// Reads a little-endian `u16`.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when fewer than 2 bytes remain.
    pub fn u16_le(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        self.array(what).map(u16::from_le_bytes)
    }

    /// Reads a little-endian `u32`.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when fewer than 4 bytes remain.
    pub fn u32_le(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        self.array(what).map(u32::from_le_bytes)
    }

    /// Reads a big-endian `u32` (RMCP/ASF fields).
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when fewer than 4 bytes remain.
    pub fn u32_be(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        self.array(what).map(u32::from_be_bytes)
    }

    /// Reads a little-endian 24-bit value (IANA enterprise numbers).
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when fewer than 3 bytes remain.
    pub fn u24_le(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        let [a, b, c] = self.array(what)?;
        Ok(u32::from_le_bytes([a, b, c, 0]))
    }

    /// Checks that nothing is left.
    ///
    /// # Errors
    /// [`DecodeError::TrailingBytes`] when bytes remain.
    pub fn expect_end(&self, what: &'static str) -> Result<(), DecodeError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes {
                what,
                extra: self.buf.len(),
            })
        }
    }
}

/// An append-only byte writer. Encoding never fails.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty writer with room for `n` bytes.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            buf: Vec::with_capacity(n),
        }
    }

    /// Appends one byte.
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }

    /// Appends a little-endian `u16`.
    pub fn u16_le(&mut self, v: u16) -> &mut Self {
        self.bytes(&v.to_le_bytes())
    }

    /// Appends a little-endian `u32`.
    pub fn u32_le(&mut self, v: u32) -> &mut Self {
        self.bytes(&v.to_le_bytes())
    }

    /// Appends a big-endian `u32`.
    pub fn u32_be(&mut self, v: u32) -> &mut Self {
        self.bytes(&v.to_be_bytes())
    }

    /// Appends the low 24 bits of `v`, little-endian.
    pub fn u24_le(&mut self, v: u32) -> &mut Self {
        let [a, b, c, _] = v.to_le_bytes();
        self.bytes(&[a, b, c])
    }

    /// Appends raw bytes.
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(v);
        self
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// `true` when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The bytes written so far.
    pub fn as_slice(&self) -> &[u8] {
        &self.buf
    }

    /// Mutable access to the bytes written so far (for back-patching).
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.buf
    }

    /// Consumes the writer, returning its bytes.
    pub fn into_vec(self) -> Vec<u8> {
        self.buf
    }
}

/// Typed values that encode to and decode from IPMI bytes.
pub trait Codec: Sized {
    /// Appends the encoded form to `w`.
    fn encode(&self, w: &mut Writer);

    /// Decodes one value from `r`, leaving any following bytes unread.
    ///
    /// # Errors
    /// A [`DecodeError`] naming the field that did not fit.
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// Encodes into a fresh vector.
    fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.encode(&mut w);
        w.into_vec()
    }

    /// Decodes a value that must span all of `bytes`.
    ///
    /// # Errors
    /// A [`DecodeError`], including [`DecodeError::TrailingBytes`] when
    /// `bytes` is longer than the value.
    fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let v = Self::decode(&mut r)?;
        r.expect_end(std::any::type_name::<Self>())?;
        Ok(v)
    }
}

/// The IPMI 8-bit two's-complement checksum: the byte that makes the sum of
/// `bytes` plus itself zero modulo 256 (IPMI v2.0 §13.8).
pub fn checksum(bytes: &[u8]) -> u8 {
    bytes
        .iter()
        .fold(0u8, |acc, b| acc.wrapping_add(*b))
        .wrapping_neg()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_reads_and_bounds() {
        let mut r = Reader::new(&[1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(r.u8("a").unwrap(), 1);
        assert_eq!(r.u16_le("b").unwrap(), 0x0302);
        assert_eq!(r.u32_le("c").unwrap(), 0x0706_0504);
        assert_eq!(
            r.u8("d"),
            Err(DecodeError::Truncated {
                what: "d",
                need: 1,
                have: 0
            })
        );
        assert!(r.expect_end("x").is_ok());
    }

    #[test]
    fn reader_take_up_to_and_sub() {
        let mut r = Reader::new(&[1, 2, 3]);
        let mut s = r.sub(2, "s").unwrap();
        assert_eq!(s.rest(), &[1, 2]);
        assert_eq!(r.take_up_to(10), &[3]);
        assert!(r.take(1, "t").is_err());
    }

    #[test]
    fn writer_round_trip() {
        let mut w = Writer::new();
        w.u8(1)
            .u16_le(0x0302)
            .u32_le(0x0706_0504)
            .u32_be(0x0a0b_0c0d)
            .u24_le(0x12_3456);
        assert_eq!(
            w.as_slice(),
            &[1, 2, 3, 4, 5, 6, 7, 0x0a, 0x0b, 0x0c, 0x0d, 0x56, 0x34, 0x12]
        );
        let mut r = Reader::new(w.as_slice());
        r.take(11, "skip").unwrap();
        assert_eq!(r.u24_le("iana").unwrap(), 0x12_3456);
    }

    #[test]
    fn checksum_zero_sum() {
        // rsSA 20h, netFn App (06h) << 2 = 18h -> chk1 C8h (a real Get Device ID request).
        assert_eq!(checksum(&[0x20, 0x18]), 0xc8);
        assert_eq!(checksum(&[]), 0);
    }
}
