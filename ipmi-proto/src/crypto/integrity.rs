//! RMCP+ session integrity: the AuthCode at the end of the session trailer
//! (IPMI v2.0 §13.28.4, Table 13-18; trailer layout §13.6, Table 13-8).
//!
//! The AuthCode covers the bytes from the session header's AuthType byte
//! through the trailer's NextHeader byte, inclusive (the 4-byte RMCP header
//! is excluded). The caller builds that span; [`integrity_pad_len`] and
//! [`check_integrity_trailer`] help with the pad around it.

use std::fmt;

use hmac::Hmac;
use md5::{Digest, Md5};
use sha1::Sha1;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::types::IntegrityAlgorithm;

use super::keys::{Password, SecretBytes, SessionKeys};
use super::{mac_parts, CryptoError};

/// The session trailer's Next Header byte (IPMI v2.0 §13.6, Table 13-8).
pub const NEXT_HEADER: u8 = 0x07;

/// Value of each integrity pad byte (IPMI v2.0 §13.6, Table 13-8).
pub const INTEGRITY_PAD_BYTE: u8 = 0xff;

/// Integrity state of one RMCP+ session: the algorithm and its key
/// (IPMI v2.0 §13.28.4).
///
/// The key is K1 for the HMAC algorithms and the password zero-padded to
/// 20 bytes for MD5-128. `Debug` is redacted.
#[derive(Clone)]
pub struct Integrity {
    alg: IntegrityAlgorithm,
    key: SecretBytes,
}

impl Integrity {
    /// Integrity for `alg` with the session's keys (IPMI v2.0 §13.28.4,
    /// §13.32): HMAC-SHA1-96, HMAC-MD5-128 and HMAC-SHA256-128 are keyed by
    /// K1; MD5-128 uses the password.
    ///
    /// # Errors
    /// [`CryptoError::UnsupportedAlgorithm`] for an unknown algorithm;
    /// [`CryptoError::MissingKey`] when an HMAC algorithm is asked for but
    /// K1 is empty (RAKP-none).
    pub fn new(
        alg: IntegrityAlgorithm,
        keys: &SessionKeys,
        password: &Password,
    ) -> Result<Self, CryptoError> {
        let key = match alg {
            IntegrityAlgorithm::None => SecretBytes::default(),
            IntegrityAlgorithm::HmacSha1_96
            | IntegrityAlgorithm::HmacMd5_128
            | IntegrityAlgorithm::HmacSha256_128 => {
                if keys.k1.is_empty() {
                    return Err(CryptoError::MissingKey);
                }
                keys.k1.clone()
            }
            IntegrityAlgorithm::Md5_128 => SecretBytes::new(password.padded20().as_slice()),
            IntegrityAlgorithm::Unknown(_) => return Err(CryptoError::UnsupportedAlgorithm),
        };
        let this = Self { alg, key };
        // Fail here, never later, if the MAC cannot be keyed.
        this.try_compute(&[])?;
        Ok(this)
    }

    /// No integrity: packets carry no AuthCode (IPMI v2.0 §13.28.4,
    /// algorithm 00h).
    pub fn none() -> Self {
        Self {
            alg: IntegrityAlgorithm::None,
            key: SecretBytes::default(),
        }
    }

    /// The algorithm (IPMI v2.0 Table 13-18).
    pub fn algorithm(&self) -> IntegrityAlgorithm {
        self.alg
    }

    /// Length of the AuthCode: 0 (none), 12 (HMAC-SHA1-96), 16
    /// (HMAC-MD5-128, MD5-128, HMAC-SHA256-128) (IPMI v2.0 §13.28.4).
    pub fn code_len(&self) -> usize {
        match self.alg {
            IntegrityAlgorithm::HmacSha1_96 => 12,
            IntegrityAlgorithm::HmacMd5_128
            | IntegrityAlgorithm::Md5_128
            | IntegrityAlgorithm::HmacSha256_128 => 16,
            IntegrityAlgorithm::None | IntegrityAlgorithm::Unknown(_) => 0,
        }
    }

    fn try_compute(&self, span: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let key = self.key.as_bytes();
        let mut code = match self.alg {
            IntegrityAlgorithm::None => Vec::new(),
            IntegrityAlgorithm::HmacSha1_96 => mac_parts::<Hmac<Sha1>>(key, &[span])?,
            IntegrityAlgorithm::HmacMd5_128 => mac_parts::<Hmac<Md5>>(key, &[span])?,
            IntegrityAlgorithm::HmacSha256_128 => mac_parts::<Hmac<Sha256>>(key, &[span])?,
            IntegrityAlgorithm::Md5_128 => {
                let mut h = Md5::new();
                h.update(key);
                h.update(span);
                h.update(key);
                h.finalize().to_vec()
            }
            IntegrityAlgorithm::Unknown(_) => return Err(CryptoError::UnsupportedAlgorithm),
        };
        code.truncate(self.code_len());
        Ok(code)
    }

    /// The AuthCode over `span` (AuthType byte through NextHeader byte
    /// inclusive) (IPMI v2.0 §13.28.4):
    ///
    /// * HMAC-SHA1-96: first 12 bytes of HMAC-SHA1_K1(span);
    /// * HMAC-MD5-128: HMAC-MD5_K1(span);
    /// * MD5-128: MD5(pw20 ‖ span ‖ pw20);
    /// * HMAC-SHA256-128: first 16 bytes of HMAC-SHA256_K1(span);
    /// * none: empty.
    pub fn compute(&self, span: &[u8]) -> Vec<u8> {
        // `new` proved that the key is usable, so this cannot fail; an empty
        // code would in any case never verify.
        self.try_compute(span).unwrap_or_default()
    }

    /// Checks a received AuthCode against `span` in constant time
    /// (IPMI v2.0 §13.28.4). With no integrity, `code` must be empty.
    ///
    /// # Errors
    /// [`CryptoError::IntegrityMismatch`] when the code (or its length) is
    /// wrong.
    pub fn verify(&self, span: &[u8], code: &[u8]) -> Result<(), CryptoError> {
        let expected = self.try_compute(span)?;
        if bool::from(expected.ct_eq(code)) {
            Ok(())
        } else {
            Err(CryptoError::IntegrityMismatch)
        }
    }
}

impl fmt::Debug for Integrity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Integrity")
            .field("algorithm", &self.alg)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Number of integrity pad bytes (`FFh`) to insert so that the span from
/// AuthType through NextHeader is a multiple of 4 bytes (IPMI v2.0 §13.6,
/// Table 13-8). `header_and_payload_len` counts the bytes from AuthType
/// through the last payload byte; the pad is followed by Pad Length and
/// Next Header.
pub fn integrity_pad_len(header_and_payload_len: usize) -> usize {
    (4 - (header_and_payload_len.wrapping_add(2) % 4)) % 4
}

/// Checks the end of a received integrity span (IPMI v2.0 §13.6,
/// Table 13-8): Next Header is `07h`, Pad Length is at most 3 and every pad
/// byte is `FFh`. Returns the number of trailer bytes to strip from the end
/// of `span` (pad + Pad Length + Next Header) to get back to the payload.
///
/// # Errors
/// [`CryptoError::BadIntegrityPad`] when any of these checks fail.
pub fn check_integrity_trailer(span: &[u8]) -> Result<usize, CryptoError> {
    let (&next_header, rest) = span.split_last().ok_or(CryptoError::BadIntegrityPad)?;
    let (&pad_len, rest) = rest.split_last().ok_or(CryptoError::BadIntegrityPad)?;
    let pad_len = usize::from(pad_len);
    if next_header != NEXT_HEADER || pad_len > 3 {
        return Err(CryptoError::BadIntegrityPad);
    }
    let start = rest
        .len()
        .checked_sub(pad_len)
        .ok_or(CryptoError::BadIntegrityPad)?;
    let pad = rest.get(start..).ok_or(CryptoError::BadIntegrityPad)?;
    if pad.iter().all(|b| *b == INTEGRITY_PAD_BYTE) {
        Ok(pad_len + 2)
    } else {
        Err(CryptoError::BadIntegrityPad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys() -> SessionKeys {
        SessionKeys {
            sik: SecretBytes::new(&[0x5a; 20]),
            k1: SecretBytes::new(&[0xa5; 20]),
            k2: SecretBytes::new(&[0x3c; 20]),
        }
    }

    const ALGS: [IntegrityAlgorithm; 5] = [
        IntegrityAlgorithm::None,
        IntegrityAlgorithm::HmacSha1_96,
        IntegrityAlgorithm::HmacMd5_128,
        IntegrityAlgorithm::Md5_128,
        IntegrityAlgorithm::HmacSha256_128,
    ];

    #[test]
    fn code_lengths_and_round_trip() {
        let pw = Password::new(b"password").unwrap();
        let span = b"\x06\xc0span bytes \xff\xff\x02\x07";
        for alg in ALGS {
            let i = Integrity::new(alg, &keys(), &pw).unwrap();
            assert_eq!(i.algorithm(), alg);
            let code = i.compute(span);
            assert_eq!(code.len(), i.code_len());
            i.verify(span, &code).unwrap();
            if alg != IntegrityAlgorithm::None {
                let mut bad = code.clone();
                bad[0] ^= 1;
                assert_eq!(i.verify(span, &bad), Err(CryptoError::IntegrityMismatch));
                assert_eq!(
                    i.verify(b"other span", &code),
                    Err(CryptoError::IntegrityMismatch)
                );
                assert_eq!(
                    i.verify(span, &code[..code.len() - 1]),
                    Err(CryptoError::IntegrityMismatch)
                );
            } else {
                assert_eq!(i.verify(span, b"x"), Err(CryptoError::IntegrityMismatch));
            }
        }
        assert_eq!(Integrity::none().code_len(), 0);
    }

    #[test]
    fn md5_128_is_password_sandwich() {
        let pw = Password::new(b"password").unwrap();
        let i = Integrity::new(IntegrityAlgorithm::Md5_128, &keys(), &pw).unwrap();
        let span = b"some span";
        let mut h = Md5::new();
        h.update(&pw.padded20()[..]);
        h.update(span);
        h.update(&pw.padded20()[..]);
        assert_eq!(i.compute(span), h.finalize().to_vec());
        // MD5-128 does not depend on K1.
        let other = SessionKeys::default();
        let j = Integrity::new(IntegrityAlgorithm::Md5_128, &other, &pw).unwrap();
        assert_eq!(i.compute(span), j.compute(span));
    }

    #[test]
    fn hmac_needs_k1() {
        let pw = Password::new(b"password").unwrap();
        let empty = SessionKeys::default();
        assert_eq!(
            Integrity::new(IntegrityAlgorithm::HmacSha1_96, &empty, &pw).unwrap_err(),
            CryptoError::MissingKey
        );
        assert_eq!(
            Integrity::new(IntegrityAlgorithm::Unknown(7), &keys(), &pw).unwrap_err(),
            CryptoError::UnsupportedAlgorithm
        );
    }

    #[test]
    fn debug_is_redacted() {
        let pw = Password::new(b"password").unwrap();
        for alg in ALGS {
            let i = Integrity::new(alg, &keys(), &pw).unwrap();
            let d = format!("{i:?}");
            assert!(d.contains("redacted"));
            assert!(!d.contains("165"), "{d}"); // 0xa5
            assert!(!d.contains("a5a5"), "{d}");
            assert!(!d.contains("password"), "{d}");
            assert!(!d.contains("112, 97"), "{d}"); // b"pa"
        }
    }

    #[test]
    fn pad_rule() {
        // Session header 12 + payload 32 = 44 -> pad 2 (ipmitool capture).
        assert_eq!(integrity_pad_len(44), 2);
        for n in 0..64usize {
            let p = integrity_pad_len(n);
            assert!(p <= 3);
            assert_eq!((n + p + 2) % 4, 0);
        }
    }

    #[test]
    fn trailer_checks() {
        assert_eq!(check_integrity_trailer(b"abcd\xff\xff\x02\x07"), Ok(4));
        assert_eq!(check_integrity_trailer(b"ab\x00\x07"), Ok(2));
        assert_eq!(check_integrity_trailer(b"\xff\xff\xff\x03\x07"), Ok(5));
        for bad in [
            &b""[..],
            b"\x07",
            b"abcd\xff\xff\x02\x06",
            b"abcd\xff\xfe\x02\x07",
            b"\xff\x02\x07",
            b"\xff\xff\xff\xff\x04\x07",
        ] {
            assert_eq!(
                check_integrity_trailer(bad),
                Err(CryptoError::BadIntegrityPad),
                "{bad:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn trailer_check_never_panics(span in proptest::collection::vec(any::<u8>(), 0..16)) {
            if let Ok(n) = check_integrity_trailer(&span) {
                prop_assert!(n <= span.len());
            }
        }

        #[test]
        fn verify_arbitrary_never_panics(
            span in proptest::collection::vec(any::<u8>(), 0..80),
            code in proptest::collection::vec(any::<u8>(), 0..20),
        ) {
            let pw = Password::new(b"password").unwrap();
            let i = Integrity::new(IntegrityAlgorithm::HmacSha1_96, &keys(), &pw).unwrap();
            let expect_ok = i.compute(&span) == code;
            prop_assert_eq!(i.verify(&span, &code).is_ok(), expect_ok);
        }
    }
}
