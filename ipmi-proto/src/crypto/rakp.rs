//! RAKP key exchange: auth codes, the Session Integrity Key and K1/K2
//! (IPMI v2.0 §13.20–§13.23 message layouts, §13.31 RAKP algorithms,
//! §13.32 additional keying material).
//!
//! Notation follows the spec: suffix *m* is the remote console, *c* the
//! managed system (BMC). All integers enter the HMACs as their 4-byte
//! little-endian wire form, and `ROLEm` is the whole RAKP Message 1 byte 24
//! (requested privilege plus the name-only lookup bit).

use hmac::Hmac;
use md5::Md5;
use sha1::Sha1;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::types::AuthAlgorithm;

use super::keys::{BmcKey, Password, SecretBytes, SessionKeys};
use super::{mac_parts, CryptoError};

/// Longest user name carried by RAKP Message 1 (IPMI v2.0 §13.20).
pub const MAX_USERNAME_LEN: usize = 16;

/// Length of the constant that K1 and K2 are computed over: 20 bytes for
/// every authentication algorithm, SHA-256 included (IPMI v2.0 §13.32).
pub const KEY_CONSTANT_LEN: usize = 20;

/// The values exchanged in RAKP Messages 1 and 2 that the auth codes and
/// keys are computed over (IPMI v2.0 §13.20, §13.21, §13.31).
#[derive(Debug, Clone, Copy)]
pub struct RakpInputs<'a> {
    /// `SIDm`: the remote console's session ID, as sent in the Open Session
    /// Request (IPMI v2.0 §13.17).
    pub console_session_id: u32,
    /// `SIDc`: the managed system's (BMC's) session ID, from the Open
    /// Session Response (IPMI v2.0 §13.18).
    pub bmc_session_id: u32,
    /// `Rm`: the remote console's random number from RAKP Message 1
    /// (IPMI v2.0 §13.20).
    pub console_random: &'a [u8; 16],
    /// `Rc`: the BMC's random number from RAKP Message 2 (IPMI v2.0 §13.21).
    pub bmc_random: &'a [u8; 16],
    /// `GUIDc`: the BMC's GUID from RAKP Message 2 (IPMI v2.0 §13.21).
    pub bmc_guid: &'a [u8; 16],
    /// `ROLEm`: the whole RAKP Message 1 byte 24, requested maximum
    /// privilege in bits 3:0 and the name-only lookup bit 4 (IPMI v2.0
    /// §13.20).
    pub role: u8,
    /// `UNAMEm`: the user name as sent in RAKP Message 1, without padding,
    /// at most 16 bytes (IPMI v2.0 §13.20).
    pub username: &'a [u8],
}

impl RakpInputs<'_> {
    /// `ROLEm ‖ ULENGTHm`.
    fn role_and_length(&self) -> Result<[u8; 2], CryptoError> {
        let len = self.username.len();
        match u8::try_from(len) {
            Ok(l) if len <= MAX_USERNAME_LEN => Ok([self.role, l]),
            _ => Err(CryptoError::UsernameTooLong {
                max: MAX_USERNAME_LEN,
                len,
            }),
        }
    }
}

/// Length of the key-exchange auth code in RAKP Messages 2 and 3 and of the
/// SIK: 0 (none), 20 (HMAC-SHA1), 16 (HMAC-MD5), 32 (HMAC-SHA256)
/// (IPMI v2.0 §13.21, §13.22, §13.28).
///
/// # Errors
/// [`CryptoError::UnsupportedAlgorithm`] for an unknown algorithm.
pub fn auth_code_len(alg: AuthAlgorithm) -> Result<usize, CryptoError> {
    match alg {
        AuthAlgorithm::None => Ok(0),
        AuthAlgorithm::HmacSha1 => Ok(20),
        AuthAlgorithm::HmacMd5 => Ok(16),
        AuthAlgorithm::HmacSha256 => Ok(32),
        AuthAlgorithm::Unknown(_) => Err(CryptoError::UnsupportedAlgorithm),
    }
}

/// Length of the integrity check value in RAKP Message 4: 0 (none),
/// 12 (HMAC-SHA1-96), 16 (HMAC-MD5-128), 16 (HMAC-SHA256-128)
/// (IPMI v2.0 §13.23, §13.28).
///
/// # Errors
/// [`CryptoError::UnsupportedAlgorithm`] for an unknown algorithm.
pub fn icv_len(alg: AuthAlgorithm) -> Result<usize, CryptoError> {
    match alg {
        AuthAlgorithm::None => Ok(0),
        AuthAlgorithm::HmacSha1 => Ok(12),
        AuthAlgorithm::HmacMd5 | AuthAlgorithm::HmacSha256 => Ok(16),
        AuthAlgorithm::Unknown(_) => Err(CryptoError::UnsupportedAlgorithm),
    }
}

/// HMAC with the RAKP algorithm's hash over the concatenation of `parts`;
/// empty for RAKP-none (IPMI v2.0 §13.28, Table 13-17).
fn hmac(alg: AuthAlgorithm, key: &[u8], parts: &[&[u8]]) -> Result<Vec<u8>, CryptoError> {
    match alg {
        AuthAlgorithm::None => Ok(Vec::new()),
        AuthAlgorithm::HmacSha1 => mac_parts::<Hmac<Sha1>>(key, parts),
        AuthAlgorithm::HmacMd5 => mac_parts::<Hmac<Md5>>(key, parts),
        AuthAlgorithm::HmacSha256 => mac_parts::<Hmac<Sha256>>(key, parts),
        AuthAlgorithm::Unknown(_) => Err(CryptoError::UnsupportedAlgorithm),
    }
}

/// The key-exchange auth code of RAKP Message 2, which the console verifies
/// (IPMI v2.0 §13.21, §13.31):
/// `HMAC_Kuid(SIDm ‖ SIDc ‖ Rm ‖ Rc ‖ GUIDc ‖ ROLEm ‖ ULENGTHm ‖ UNAMEm)`.
/// Empty for RAKP-none.
///
/// # Errors
/// [`CryptoError::UnsupportedAlgorithm`], [`CryptoError::UsernameTooLong`].
pub fn rakp2_auth_code(
    alg: AuthAlgorithm,
    kuid: &Password,
    inp: &RakpInputs<'_>,
) -> Result<Vec<u8>, CryptoError> {
    let rl = inp.role_and_length()?;
    hmac(
        alg,
        kuid.as_bytes(),
        &[
            &inp.console_session_id.to_le_bytes(),
            &inp.bmc_session_id.to_le_bytes(),
            inp.console_random,
            inp.bmc_random,
            inp.bmc_guid,
            &rl,
            inp.username,
        ],
    )
}

/// The key-exchange auth code of RAKP Message 3, which the console sends
/// (IPMI v2.0 §13.22, §13.31):
/// `HMAC_Kuid(Rc ‖ SIDm ‖ ROLEm ‖ ULENGTHm ‖ UNAMEm)`. Empty for RAKP-none.
///
/// # Errors
/// [`CryptoError::UnsupportedAlgorithm`], [`CryptoError::UsernameTooLong`].
pub fn rakp3_auth_code(
    alg: AuthAlgorithm,
    kuid: &Password,
    inp: &RakpInputs<'_>,
) -> Result<Vec<u8>, CryptoError> {
    let rl = inp.role_and_length()?;
    hmac(
        alg,
        kuid.as_bytes(),
        &[
            inp.bmc_random,
            &inp.console_session_id.to_le_bytes(),
            &rl,
            inp.username,
        ],
    )
}

/// Derives the session keys (IPMI v2.0 §13.31, §13.32):
///
/// * `SIK = HMAC_KG(Rm ‖ Rc ‖ ROLEm ‖ ULENGTHm ‖ UNAMEm)`, keyed by `K_g`
///   when it is given and non-zero, otherwise by `Kuid`;
/// * `K1 = HMAC_SIK(01h × 20)`, `K2 = HMAC_SIK(02h × 20)`.
///
/// The HMAC is the authentication algorithm's; the constant is 20 bytes for
/// every algorithm. All three keys are empty for RAKP-none.
///
/// # Errors
/// [`CryptoError::UnsupportedAlgorithm`], [`CryptoError::UsernameTooLong`].
pub fn derive_session_keys(
    alg: AuthAlgorithm,
    kg: Option<&BmcKey>,
    kuid: &Password,
    inp: &RakpInputs<'_>,
) -> Result<SessionKeys, CryptoError> {
    let rl = inp.role_and_length()?;
    let key: &[u8] = match kg {
        Some(k) if !k.is_zero() => k.as_bytes(),
        _ => kuid.as_bytes(),
    };
    let sik = SecretBytes::from_vec(hmac(
        alg,
        key,
        &[inp.console_random, inp.bmc_random, &rl, inp.username],
    )?);
    let k1 = SecretBytes::from_vec(hmac(alg, sik.as_bytes(), &[&[0x01; KEY_CONSTANT_LEN]])?);
    let k2 = SecretBytes::from_vec(hmac(alg, sik.as_bytes(), &[&[0x02; KEY_CONSTANT_LEN]])?);
    Ok(SessionKeys { sik, k1, k2 })
}

/// The integrity check value of RAKP Message 4, which the console verifies
/// (IPMI v2.0 §13.23, §13.31): `HMAC_SIK(Rm ‖ SIDc ‖ GUIDc)` truncated to
/// [`icv_len`] bytes (12 for HMAC-SHA1, 16 for HMAC-MD5 and HMAC-SHA256).
/// Empty for RAKP-none.
///
/// # Errors
/// [`CryptoError::UnsupportedAlgorithm`].
pub fn rakp4_icv(
    alg: AuthAlgorithm,
    sik: &SecretBytes,
    inp: &RakpInputs<'_>,
) -> Result<Vec<u8>, CryptoError> {
    let mut icv = hmac(
        alg,
        sik.as_bytes(),
        &[
            inp.console_random,
            &inp.bmc_session_id.to_le_bytes(),
            inp.bmc_guid,
        ],
    )?;
    icv.truncate(icv_len(alg)?);
    Ok(icv)
}

/// Compares an expected and a received auth code in constant time
/// (IPMI v2.0 §13.31 verification of RAKP auth codes and ICVs). `false` when
/// the lengths differ.
pub fn verify(expected: &[u8], received: &[u8]) -> bool {
    expected.ct_eq(received).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RM: [u8; 16] = [0x11; 16];
    const RC: [u8; 16] = [0x22; 16];
    const GUID: [u8; 16] = [0x33; 16];

    fn inputs(username: &[u8]) -> RakpInputs<'_> {
        RakpInputs {
            console_session_id: 0xa0a2_a3a4,
            bmc_session_id: 0x0000_1304,
            console_random: &RM,
            bmc_random: &RC,
            bmc_guid: &GUID,
            role: 0x14,
            username,
        }
    }

    const ALGS: [AuthAlgorithm; 4] = [
        AuthAlgorithm::None,
        AuthAlgorithm::HmacSha1,
        AuthAlgorithm::HmacMd5,
        AuthAlgorithm::HmacSha256,
    ];

    #[test]
    fn lengths_per_algorithm() {
        let pw = Password::new(b"password").unwrap();
        let inp = inputs(b"admin");
        for alg in ALGS {
            let n = auth_code_len(alg).unwrap();
            assert_eq!(rakp2_auth_code(alg, &pw, &inp).unwrap().len(), n);
            assert_eq!(rakp3_auth_code(alg, &pw, &inp).unwrap().len(), n);
            let keys = derive_session_keys(alg, None, &pw, &inp).unwrap();
            assert_eq!(keys.sik.len(), n);
            assert_eq!(keys.k1.len(), n);
            assert_eq!(keys.k2.len(), n);
            let icv = rakp4_icv(alg, &keys.sik, &inp).unwrap();
            assert_eq!(icv.len(), icv_len(alg).unwrap());
        }
        assert_eq!(auth_code_len(AuthAlgorithm::HmacSha256).unwrap(), 32);
        assert_eq!(icv_len(AuthAlgorithm::HmacSha256).unwrap(), 16);
        assert_eq!(icv_len(AuthAlgorithm::HmacSha1).unwrap(), 12);
        assert_eq!(
            auth_code_len(AuthAlgorithm::Unknown(9)),
            Err(CryptoError::UnsupportedAlgorithm)
        );
        assert_eq!(
            rakp2_auth_code(AuthAlgorithm::Unknown(9), &pw, &inp),
            Err(CryptoError::UnsupportedAlgorithm)
        );
    }

    #[test]
    fn keys_are_deterministic_and_distinct() {
        let pw = Password::new(b"password").unwrap();
        let inp = inputs(b"admin");
        for alg in [
            AuthAlgorithm::HmacSha1,
            AuthAlgorithm::HmacMd5,
            AuthAlgorithm::HmacSha256,
        ] {
            let a = derive_session_keys(alg, None, &pw, &inp).unwrap();
            let b = derive_session_keys(alg, None, &pw, &inp).unwrap();
            assert_eq!(a.sik.as_bytes(), b.sik.as_bytes());
            assert_eq!(a.k1.as_bytes(), b.k1.as_bytes());
            assert_eq!(a.k2.as_bytes(), b.k2.as_bytes());
            assert_ne!(a.k1.as_bytes(), a.k2.as_bytes());
            assert_ne!(a.sik.as_bytes(), a.k1.as_bytes());

            // Any change of input changes the keys.
            let other_pw = Password::new(b"passwore").unwrap();
            let c = derive_session_keys(alg, None, &other_pw, &inp).unwrap();
            assert_ne!(a.sik.as_bytes(), c.sik.as_bytes());
            let mut inp2 = inp;
            inp2.role = 0x04;
            let d = derive_session_keys(alg, None, &pw, &inp2).unwrap();
            assert_ne!(a.sik.as_bytes(), d.sik.as_bytes());
            assert_ne!(
                rakp2_auth_code(alg, &pw, &inp).unwrap(),
                rakp2_auth_code(alg, &pw, &inp2).unwrap()
            );

            // A zero K_g is the same as none; a set one changes SIK but not
            // the RAKP 2/3 codes (those are always keyed by Kuid).
            let zero = BmcKey::new(&[]).unwrap();
            let z = derive_session_keys(alg, Some(&zero), &pw, &inp).unwrap();
            assert_eq!(a.sik.as_bytes(), z.sik.as_bytes());
            let kg = BmcKey::from_hex("0102030405").unwrap();
            let k = derive_session_keys(alg, Some(&kg), &pw, &inp).unwrap();
            assert_ne!(a.sik.as_bytes(), k.sik.as_bytes());
            // K_g keyed SIK equals a Kuid-keyed one when the password is the
            // same bytes (HMAC zero-pads keys).
            let pw_as_kg = Password::new(&[1, 2, 3, 4, 5]).unwrap();
            let p = derive_session_keys(alg, None, &pw_as_kg, &inp).unwrap();
            assert_eq!(p.sik.as_bytes(), k.sik.as_bytes());
        }
    }

    #[test]
    fn rakp_none_yields_empty_keys() {
        let pw = Password::new(b"").unwrap();
        let keys = derive_session_keys(AuthAlgorithm::None, None, &pw, &inputs(b"")).unwrap();
        assert!(keys.sik.is_empty() && keys.k1.is_empty() && keys.k2.is_empty());
    }

    #[test]
    fn username_limits() {
        let pw = Password::new(b"password").unwrap();
        let name = [b'u'; 16];
        assert!(rakp2_auth_code(AuthAlgorithm::HmacSha1, &pw, &inputs(&name)).is_ok());
        let long = [b'u'; 17];
        assert_eq!(
            rakp3_auth_code(AuthAlgorithm::HmacSha1, &pw, &inputs(&long)),
            Err(CryptoError::UsernameTooLong { max: 16, len: 17 })
        );
        assert!(derive_session_keys(AuthAlgorithm::HmacSha1, None, &pw, &inputs(&long)).is_err());
    }

    #[test]
    fn verify_is_exact() {
        assert!(verify(b"abc", b"abc"));
        assert!(!verify(b"abc", b"abd"));
        assert!(!verify(b"abc", b"ab"));
        assert!(!verify(b"", b"a"));
        assert!(verify(b"", b""));
    }
}
