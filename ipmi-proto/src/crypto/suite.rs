//! RMCP+ cipher suites (IPMI v2.0 §22.15.2, Table 22-20).
//!
//! A cipher suite ID names one authentication (RAKP), one integrity and one
//! confidentiality algorithm. Suites 15–19 (HMAC-SHA256) come from the
//! IPMI v2.0 errata / DCMI 1.1. Suites using xRC4 confidentiality
//! (4, 5, 9, 10, 13, 14, 18, 19) are not supported.

use crate::types::{AuthAlgorithm, ConfidentialityAlgorithm, IntegrityAlgorithm};

use super::CryptoError;

/// One cipher suite: its ID and algorithms (IPMI v2.0 §22.15.2,
/// Table 22-20).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CipherSuite {
    /// Cipher suite ID.
    pub id: u8,
    /// Authentication (RAKP) algorithm (IPMI v2.0 §13.28, Table 13-17).
    pub auth: AuthAlgorithm,
    /// Integrity algorithm (IPMI v2.0 §13.28.4, Table 13-18).
    pub integrity: IntegrityAlgorithm,
    /// Confidentiality algorithm (IPMI v2.0 §13.28.5, Table 13-19).
    pub confidentiality: ConfidentialityAlgorithm,
}

const fn cs(
    id: u8,
    auth: AuthAlgorithm,
    integrity: IntegrityAlgorithm,
    confidentiality: ConfidentialityAlgorithm,
) -> CipherSuite {
    CipherSuite {
        id,
        auth,
        integrity,
        confidentiality,
    }
}

use AuthAlgorithm as A;
use ConfidentialityAlgorithm as C;
use IntegrityAlgorithm as I;

/// Every standard suite, supported or not (IPMI v2.0 Table 22-20).
const STANDARD: [CipherSuite; 20] = [
    cs(0, A::None, I::None, C::None),
    cs(1, A::HmacSha1, I::None, C::None),
    cs(2, A::HmacSha1, I::HmacSha1_96, C::None),
    cs(3, A::HmacSha1, I::HmacSha1_96, C::AesCbc128),
    cs(4, A::HmacSha1, I::HmacSha1_96, C::Xrc4_128),
    cs(5, A::HmacSha1, I::HmacSha1_96, C::Xrc4_40),
    cs(6, A::HmacMd5, I::None, C::None),
    cs(7, A::HmacMd5, I::HmacMd5_128, C::None),
    cs(8, A::HmacMd5, I::HmacMd5_128, C::AesCbc128),
    cs(9, A::HmacMd5, I::HmacMd5_128, C::Xrc4_128),
    cs(10, A::HmacMd5, I::HmacMd5_128, C::Xrc4_40),
    cs(11, A::HmacMd5, I::Md5_128, C::None),
    cs(12, A::HmacMd5, I::Md5_128, C::AesCbc128),
    cs(13, A::HmacMd5, I::Md5_128, C::Xrc4_128),
    cs(14, A::HmacMd5, I::Md5_128, C::Xrc4_40),
    cs(15, A::HmacSha256, I::None, C::None),
    cs(16, A::HmacSha256, I::HmacSha256_128, C::None),
    cs(17, A::HmacSha256, I::HmacSha256_128, C::AesCbc128),
    cs(18, A::HmacSha256, I::HmacSha256_128, C::Xrc4_128),
    cs(19, A::HmacSha256, I::HmacSha256_128, C::Xrc4_40),
];

impl CipherSuite {
    /// IDs of the suites this crate implements (IPMI v2.0 Table 22-20,
    /// without the xRC4 ones).
    pub const SUPPORTED: &'static [u8] = &[0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17];

    /// The suite with this ID (IPMI v2.0 §22.15.2, Table 22-20).
    ///
    /// # Errors
    /// [`CryptoError::UnsupportedCipherSuite`] for an unknown ID or a suite
    /// that uses xRC4.
    pub fn from_id(id: u8) -> Result<Self, CryptoError> {
        STANDARD
            .iter()
            .copied()
            .find(|s| s.id == id && s.is_supported())
            .ok_or(CryptoError::UnsupportedCipherSuite(id))
    }

    /// The supported suite with exactly these algorithms, if any
    /// (IPMI v2.0 Table 22-20; used to name what an Open Session Response
    /// accepted, §13.18).
    pub fn from_algorithms(
        auth: AuthAlgorithm,
        integrity: IntegrityAlgorithm,
        confidentiality: ConfidentialityAlgorithm,
    ) -> Option<Self> {
        // Normalise hand-built `Unknown(n)` values that have a name.
        let auth = AuthAlgorithm::from(u8::from(auth));
        let integrity = IntegrityAlgorithm::from(u8::from(integrity));
        let confidentiality = ConfidentialityAlgorithm::from(u8::from(confidentiality));
        STANDARD.iter().copied().find(|s| {
            s.auth == auth
                && s.integrity == integrity
                && s.confidentiality == confidentiality
                && s.is_supported()
        })
    }

    /// Every supported suite, in ID order (IPMI v2.0 Table 22-20).
    pub fn supported() -> impl Iterator<Item = CipherSuite> {
        STANDARD.into_iter().filter(CipherSuite::is_supported)
    }

    /// `true` unless the suite uses xRC4 confidentiality (IPMI v2.0
    /// §13.28.5), which this crate does not implement.
    fn is_supported(&self) -> bool {
        matches!(
            self.confidentiality,
            ConfidentialityAlgorithm::None | ConfidentialityAlgorithm::AesCbc128
        )
    }

    /// `true` when the suite authenticates the user (RAKP auth algorithm
    /// other than none). Suite 0 has no authentication at all and should be
    /// refused by a secure client (IPMI v2.0 §13.28, §13.31).
    pub fn is_authenticated(&self) -> bool {
        self.auth != AuthAlgorithm::None
    }

    /// `true` when in-session packets carry an integrity AuthCode
    /// (IPMI v2.0 §13.28.4).
    pub fn has_integrity(&self) -> bool {
        self.integrity != IntegrityAlgorithm::None
    }

    /// `true` when in-session payloads are encrypted (IPMI v2.0 §13.28.5).
    pub fn has_confidentiality(&self) -> bool {
        self.confidentiality != ConfidentialityAlgorithm::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_ids_resolve() {
        for &id in CipherSuite::SUPPORTED {
            let s = CipherSuite::from_id(id).unwrap();
            assert_eq!(s.id, id);
            assert_eq!(
                CipherSuite::from_algorithms(s.auth, s.integrity, s.confidentiality),
                Some(s)
            );
        }
        let ids: Vec<u8> = CipherSuite::supported().map(|s| s.id).collect();
        assert_eq!(ids, CipherSuite::SUPPORTED);
    }

    #[test]
    fn unsupported_ids_are_errors() {
        for id in [4, 5, 9, 10, 13, 14, 18, 19, 20, 0x80, 0xff] {
            assert_eq!(
                CipherSuite::from_id(id),
                Err(CryptoError::UnsupportedCipherSuite(id))
            );
        }
        assert_eq!(
            CipherSuite::from_algorithms(A::HmacSha1, I::HmacSha1_96, C::Xrc4_128),
            None
        );
        assert_eq!(
            CipherSuite::from_algorithms(A::HmacSha1, I::HmacSha256_128, C::AesCbc128),
            None
        );
        assert_eq!(
            CipherSuite::from_algorithms(A::Unknown(3), I::Unknown(4), C::Unknown(1)),
            CipherSuite::from_id(17).ok()
        );
    }

    #[test]
    fn well_known_suites() {
        let s3 = CipherSuite::from_id(3).unwrap();
        assert_eq!(
            (s3.auth, s3.integrity, s3.confidentiality),
            (A::HmacSha1, I::HmacSha1_96, C::AesCbc128)
        );
        let s17 = CipherSuite::from_id(17).unwrap();
        assert_eq!(
            (s17.auth, s17.integrity, s17.confidentiality),
            (A::HmacSha256, I::HmacSha256_128, C::AesCbc128)
        );
        let s12 = CipherSuite::from_id(12).unwrap();
        assert_eq!(s12.integrity, I::Md5_128);
        let s0 = CipherSuite::from_id(0).unwrap();
        assert!(!s0.is_authenticated() && !s0.has_integrity() && !s0.has_confidentiality());
        assert!(s17.is_authenticated() && s17.has_integrity() && s17.has_confidentiality());
    }
}
