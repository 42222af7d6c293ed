//! Secret material: the user password (`Kuid`), the BMC key (`K_g`) and the
//! derived session keys (SIK, K1, K2) (IPMI v2.0 §13.31–§13.33).
//!
//! Every type here zeroizes its bytes on drop and prints as `<redacted>` in
//! `Debug`, so secrets never reach logs by accident.

use std::fmt;

use zeroize::Zeroizing;

use super::CryptoError;

/// Longest password / key accepted by RMCP+ (IPMI v2.0 §13.31: `Kuid` and
/// `K_g` are 20 bytes).
pub const MAX_KEY_LEN: usize = 20;

/// Longest password usable for IPMI 1.5 authentication (IPMI v2.0 §22.17:
/// the password is padded to 16 bytes).
pub const MAX_IPMI15_PASSWORD_LEN: usize = 16;

/// A user password, `Kuid` (IPMI v2.0 §13.31), at most 20 bytes.
///
/// Stored zero-padded to 20 bytes, zeroized on drop; `Debug` prints
/// `Password(<redacted>)`.
#[derive(Clone)]
pub struct Password {
    buf: Zeroizing<[u8; MAX_KEY_LEN]>,
    len: usize,
}

impl Password {
    /// A password from raw bytes (IPMI v2.0 §13.31: up to 20 bytes; an empty
    /// password is allowed).
    ///
    /// # Errors
    /// [`CryptoError::KeyTooLong`] when `bytes` is longer than 20.
    pub fn new(bytes: &[u8]) -> Result<Self, CryptoError> {
        let mut buf = Zeroizing::new([0u8; MAX_KEY_LEN]);
        let dst = buf.get_mut(..bytes.len()).ok_or(CryptoError::KeyTooLong {
            max: MAX_KEY_LEN,
            len: bytes.len(),
        })?;
        dst.copy_from_slice(bytes);
        Ok(Self {
            buf,
            len: bytes.len(),
        })
    }

    /// The password bytes, without padding (IPMI v2.0 §13.31).
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// Length of the password in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` for the empty (null) password.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The password zero-padded to 16 bytes, for IPMI 1.5 AuthCodes
    /// (IPMI v2.0 §22.17.1). A password longer than 16 bytes is
    /// **truncated**; use [`Password::try_padded16`] to reject it instead.
    pub fn padded16(&self) -> Zeroizing<[u8; MAX_IPMI15_PASSWORD_LEN]> {
        let mut out = Zeroizing::new([0u8; MAX_IPMI15_PASSWORD_LEN]);
        for (d, s) in out.iter_mut().zip(self.buf.iter()) {
            *d = *s;
        }
        out
    }

    /// The password zero-padded to 16 bytes, for IPMI 1.5 AuthCodes
    /// (IPMI v2.0 §22.17.1).
    ///
    /// # Errors
    /// [`CryptoError::KeyTooLong`] when the password is longer than 16 bytes.
    pub fn try_padded16(&self) -> Result<Zeroizing<[u8; MAX_IPMI15_PASSWORD_LEN]>, CryptoError> {
        if self.len > MAX_IPMI15_PASSWORD_LEN {
            return Err(CryptoError::KeyTooLong {
                max: MAX_IPMI15_PASSWORD_LEN,
                len: self.len,
            });
        }
        Ok(self.padded16())
    }

    /// The password zero-padded to 20 bytes (IPMI v2.0 §13.31 `Kuid`; the
    /// MD5-128 integrity key of §13.28.4).
    pub fn padded20(&self) -> Zeroizing<[u8; MAX_KEY_LEN]> {
        self.buf.clone()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// The BMC key `K_g` (IPMI v2.0 §13.31, §13.33), zero-padded to 20 bytes.
///
/// When it is all zero (not configured), the SIK is keyed by the user
/// password instead. Zeroized on drop; `Debug` prints `BmcKey(<redacted>)`.
#[derive(Clone)]
pub struct BmcKey(Zeroizing<[u8; MAX_KEY_LEN]>);

impl BmcKey {
    /// A key from raw bytes, zero-padded to 20 (IPMI v2.0 §13.31).
    ///
    /// # Errors
    /// [`CryptoError::KeyTooLong`] when `bytes` is longer than 20.
    pub fn new(bytes: &[u8]) -> Result<Self, CryptoError> {
        let mut buf = Zeroizing::new([0u8; MAX_KEY_LEN]);
        let dst = buf.get_mut(..bytes.len()).ok_or(CryptoError::KeyTooLong {
            max: MAX_KEY_LEN,
            len: bytes.len(),
        })?;
        dst.copy_from_slice(bytes);
        Ok(Self(buf))
    }

    /// A key from hex digits (IPMI v2.0 §13.31), with an optional `0x` /
    /// `0X` prefix; shorter keys are zero-padded on the right to 20 bytes.
    ///
    /// # Errors
    /// [`CryptoError::InvalidHex`] on a non-hex digit or an odd number of
    /// digits; [`CryptoError::KeyTooLong`] for more than 40 digits.
    pub fn from_hex(s: &str) -> Result<Self, CryptoError> {
        let digits = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .unwrap_or(s)
            .as_bytes();
        if digits.len() % 2 == 1 {
            return Err(CryptoError::InvalidHex);
        }
        let len = digits.len() / 2;
        let mut buf = Zeroizing::new([0u8; MAX_KEY_LEN]);
        let dst = buf.get_mut(..len).ok_or(CryptoError::KeyTooLong {
            max: MAX_KEY_LEN,
            len,
        })?;
        for (d, pair) in dst.iter_mut().zip(digits.chunks_exact(2)) {
            let (hi, lo) = match pair {
                [hi, lo] => (hex_digit(*hi)?, hex_digit(*lo)?),
                _ => return Err(CryptoError::InvalidHex),
            };
            *d = (hi << 4) | lo;
        }
        Ok(Self(buf))
    }

    /// The 20-byte key (IPMI v2.0 §13.31).
    pub fn as_bytes(&self) -> &[u8; MAX_KEY_LEN] {
        &self.0
    }

    /// `true` when the key is all zero, i.e. not configured; the SIK is then
    /// keyed by `Kuid` (IPMI v2.0 §13.33).
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|b| *b == 0)
    }
}

impl fmt::Debug for BmcKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BmcKey(<redacted>)")
    }
}

fn hex_digit(c: u8) -> Result<u8, CryptoError> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(CryptoError::InvalidHex),
    }
}

/// Derived key material of any length, such as SIK, K1 or K2
/// (IPMI v2.0 §13.31, §13.32).
///
/// Zeroized on drop; `Debug` prints only the length.
#[derive(Clone, Default)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Copies `bytes` into a new secret (IPMI v2.0 §13.32 key material).
    pub fn new(bytes: &[u8]) -> Self {
        Self(Zeroizing::new(bytes.to_vec()))
    }

    /// Takes ownership of `bytes` (IPMI v2.0 §13.32 key material).
    pub fn from_vec(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The secret bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `true` when empty (e.g. the keys of RAKP-none, IPMI v2.0 §13.28).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<u8>> for SecretBytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from_vec(bytes)
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes(<redacted>, {} bytes)", self.0.len())
    }
}

/// The RMCP+ session keys (IPMI v2.0 §13.31, §13.32).
///
/// `Debug` is redacted.
#[derive(Clone, Default)]
pub struct SessionKeys {
    /// Session Integrity Key: HMAC over `Rm ‖ Rc ‖ ROLEm ‖ ULENGTHm ‖
    /// UNAMEm` keyed by `K_g` (or `Kuid`) (IPMI v2.0 §13.31).
    pub sik: SecretBytes,
    /// K1 = HMAC_SIK(`01h` × 20), the integrity key (IPMI v2.0 §13.32).
    pub k1: SecretBytes,
    /// K2 = HMAC_SIK(`02h` × 20); its first 16 bytes are the AES key
    /// (IPMI v2.0 §13.32).
    pub k2: SecretBytes,
}

impl fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionKeys")
            .field("sik", &self.sik)
            .field("k1", &self.k1)
            .field("k2", &self.k2)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Debug` must show neither the bytes as text, nor as hex, nor as a
    /// decimal list.
    pub(crate) fn assert_redacted(debug: &str, secret: &[u8]) {
        assert!(debug.contains("redacted"), "{debug}");
        if let Ok(text) = std::str::from_utf8(secret) {
            assert!(!debug.contains(text), "{debug}");
        }
        assert!(!debug.contains(&hex::encode(secret)), "{debug}");
        assert!(!debug.contains(&format!("{secret:?}")), "{debug}");
        let first = secret.first().copied().unwrap_or(0);
        assert!(!debug.contains(&format!("[{first}")), "{debug}");
    }

    #[test]
    fn password_lengths_and_padding() {
        let pw = Password::new(b"password").unwrap();
        assert_eq!(pw.as_bytes(), b"password");
        assert_eq!(pw.len(), 8);
        assert!(!pw.is_empty());
        assert_eq!(&pw.padded16()[..], b"password\0\0\0\0\0\0\0\0");
        assert_eq!(&pw.padded20()[..8], b"password");
        assert!(pw.padded20()[8..].iter().all(|b| *b == 0));
        assert!(Password::new(&[]).unwrap().is_empty());

        let long = Password::new(&[b'x'; 20]).unwrap();
        assert_eq!(long.as_bytes(), &[b'x'; 20]);
        assert_eq!(&long.padded16()[..], &[b'x'; 16]);
        assert_eq!(
            long.try_padded16().unwrap_err(),
            CryptoError::KeyTooLong { max: 16, len: 20 }
        );
        assert_eq!(
            Password::new(&[0; 21]).unwrap_err(),
            CryptoError::KeyTooLong { max: 20, len: 21 }
        );
    }

    #[test]
    fn bmc_key_hex() {
        let k = BmcKey::from_hex("0x0102aBcD").unwrap();
        assert_eq!(&k.as_bytes()[..4], &[1, 2, 0xab, 0xcd]);
        assert!(k.as_bytes()[4..].iter().all(|b| *b == 0));
        assert!(!k.is_zero());
        assert!(BmcKey::from_hex("").unwrap().is_zero());
        assert!(BmcKey::from_hex("0X00").unwrap().is_zero());
        assert_eq!(
            BmcKey::from_hex("abc").unwrap_err(),
            CryptoError::InvalidHex
        );
        assert_eq!(BmcKey::from_hex("zz").unwrap_err(), CryptoError::InvalidHex);
        assert_eq!(
            BmcKey::from_hex(&"11".repeat(21)).unwrap_err(),
            CryptoError::KeyTooLong { max: 20, len: 21 }
        );
        let full = BmcKey::from_hex(&"ff".repeat(20)).unwrap();
        assert_eq!(full.as_bytes(), &[0xff; 20]);
        assert_eq!(BmcKey::new(b"abc").unwrap().as_bytes()[..3], *b"abc");
        assert!(BmcKey::new(&[0; 21]).is_err());
    }

    #[test]
    fn debug_is_redacted() {
        let secret = b"hunter2-secret";
        let pw = Password::new(secret).unwrap();
        assert_eq!(format!("{pw:?}"), "Password(<redacted>)");
        assert_redacted(&format!("{pw:?}"), secret);
        assert_redacted(&format!("{pw:#?}"), secret);

        let kg = BmcKey::new(secret).unwrap();
        assert_eq!(format!("{kg:?}"), "BmcKey(<redacted>)");
        assert_redacted(&format!("{kg:?}"), secret);

        let sb = SecretBytes::new(secret);
        assert_redacted(&format!("{sb:?}"), secret);

        let keys = SessionKeys {
            sik: SecretBytes::new(b"sik-secret-bytes"),
            k1: SecretBytes::new(b"k1-secret-bytes!"),
            k2: SecretBytes::new(b"k2-secret-bytes!"),
        };
        let d = format!("{keys:?}");
        for s in [
            &b"sik-secret-bytes"[..],
            b"k1-secret-bytes!",
            b"k2-secret-bytes!",
        ] {
            assert_redacted(&d, s);
        }
        assert_redacted(&format!("{keys:#?}"), b"k1-secret-bytes!");
    }
}
