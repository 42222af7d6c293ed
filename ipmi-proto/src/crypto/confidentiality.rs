//! RMCP+ payload confidentiality: AES-CBC-128 (IPMI v2.0 §13.29,
//! §13.29.1, Table 13-20 / 13-21).
//!
//! An encrypted payload is `IV(16) ‖ AES-128-CBC_K2[0..16](plaintext ‖
//! 01 02 .. n ‖ n)`, with `0 ≤ n ≤ 15` chosen so that the encrypted part is
//! a whole number of 16-byte blocks. The IV is random per packet and is an
//! argument here (this module has no random number generator).

use std::fmt;

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use aes::Aes128;
use zeroize::{Zeroize, Zeroizing};

use crate::types::ConfidentialityAlgorithm;

use super::keys::SessionKeys;
use super::CryptoError;

/// AES block, IV and key size in bytes (IPMI v2.0 §13.29).
pub const AES_BLOCK_LEN: usize = 16;

/// Largest confidentiality pad length (IPMI v2.0 §13.29.1).
pub const MAX_CONFIDENTIALITY_PAD: u8 = 15;

type Encryptor = cbc::Encryptor<Aes128>;
type Decryptor = cbc::Decryptor<Aes128>;

#[derive(Clone)]
enum Inner {
    None,
    Aes(Zeroizing<[u8; AES_BLOCK_LEN]>),
}

/// Confidentiality state of one RMCP+ session (IPMI v2.0 §13.29): none or
/// AES-CBC-128 keyed by the first 16 bytes of K2. `Debug` is redacted.
#[derive(Clone)]
pub struct Confidentiality {
    inner: Inner,
}

impl Confidentiality {
    /// Confidentiality for `alg` with the session's keys (IPMI v2.0 §13.29,
    /// §13.32: the AES key is K2[0..16]).
    ///
    /// # Errors
    /// [`CryptoError::UnsupportedAlgorithm`] for xRC4 and unknown
    /// algorithms; [`CryptoError::MissingKey`] when K2 is shorter than
    /// 16 bytes (RAKP-none).
    pub fn new(alg: ConfidentialityAlgorithm, keys: &SessionKeys) -> Result<Self, CryptoError> {
        match alg {
            ConfidentialityAlgorithm::None => Ok(Self::none()),
            ConfidentialityAlgorithm::AesCbc128 => {
                let src = keys
                    .k2
                    .as_bytes()
                    .get(..AES_BLOCK_LEN)
                    .ok_or(CryptoError::MissingKey)?;
                let mut key = Zeroizing::new([0u8; AES_BLOCK_LEN]);
                key.copy_from_slice(src);
                Ok(Self {
                    inner: Inner::Aes(key),
                })
            }
            ConfidentialityAlgorithm::Xrc4_128
            | ConfidentialityAlgorithm::Xrc4_40
            | ConfidentialityAlgorithm::Unknown(_) => Err(CryptoError::UnsupportedAlgorithm),
        }
    }

    /// No confidentiality: payloads are sent in clear (IPMI v2.0 §13.28.5,
    /// algorithm 00h).
    pub fn none() -> Self {
        Self { inner: Inner::None }
    }

    /// The algorithm (IPMI v2.0 Table 13-19).
    pub fn algorithm(&self) -> ConfidentialityAlgorithm {
        match self.inner {
            Inner::None => ConfidentialityAlgorithm::None,
            Inner::Aes(_) => ConfidentialityAlgorithm::AesCbc128,
        }
    }

    /// Length of the payload [`Confidentiality::encrypt`] produces for a
    /// plaintext of `plaintext_len` bytes (IPMI v2.0 §13.29): unchanged for
    /// none; IV plus the padded plaintext rounded up to whole blocks for AES.
    pub fn payload_len(&self, plaintext_len: usize) -> usize {
        match self.inner {
            Inner::None => plaintext_len,
            Inner::Aes(_) => AES_BLOCK_LEN + (plaintext_len / AES_BLOCK_LEN + 1) * AES_BLOCK_LEN,
        }
    }

    /// Encrypts one payload (IPMI v2.0 §13.29): returns `iv ‖
    /// AES-CBC(plaintext ‖ 01 02 .. n ‖ n)`, where `n` makes
    /// `plaintext.len() + n + 1` a multiple of 16. With no confidentiality,
    /// returns a copy of `plaintext`.
    ///
    /// `iv` must be fresh random bytes for every packet.
    pub fn encrypt(&self, plaintext: &[u8], iv: [u8; AES_BLOCK_LEN]) -> Vec<u8> {
        let key = match &self.inner {
            Inner::None => return plaintext.to_vec(),
            Inner::Aes(key) => key,
        };
        let pad = pad_len(plaintext.len());
        let mut out = Vec::with_capacity(self.payload_len(plaintext.len()));
        out.extend_from_slice(&iv);
        out.extend_from_slice(plaintext);
        out.extend(1..=pad);
        out.push(pad);
        let mut enc = Encryptor::new(
            GenericArray::from_slice(key.as_slice()),
            GenericArray::from_slice(&iv),
        );
        // The IV block stays in clear; every later block is whole by
        // construction of the pad.
        for block in out
            .get_mut(AES_BLOCK_LEN..)
            .unwrap_or_default()
            .chunks_exact_mut(AES_BLOCK_LEN)
        {
            enc.encrypt_block_mut(GenericArray::from_mut_slice(block));
        }
        out
    }

    /// Decrypts one payload (IPMI v2.0 §13.29): checks that it is a 16-byte
    /// IV plus at least one whole block, decrypts, checks the pad length
    /// (≤ 15) and that the pad bytes are `01 02 .. n`, and returns the
    /// plaintext. With no confidentiality, returns a copy of `payload`.
    ///
    /// Verify the integrity AuthCode first (IPMI v2.0 §13.28.4), so that a
    /// pad error is never observable for forged packets.
    ///
    /// # Errors
    /// [`CryptoError::CiphertextLength`] for a bad length;
    /// [`CryptoError::BadConfidentialityPad`] for a bad pad.
    pub fn decrypt(&self, payload: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let key = match &self.inner {
            Inner::None => return Ok(payload.to_vec()),
            Inner::Aes(key) => key,
        };
        let bad_len = CryptoError::CiphertextLength { len: payload.len() };
        let whole_blocks = payload.chunks_exact(AES_BLOCK_LEN).remainder().is_empty();
        if payload.len() < 2 * AES_BLOCK_LEN || !whole_blocks {
            return Err(bad_len);
        }
        let (iv, ciphertext) = payload.split_at_checked(AES_BLOCK_LEN).ok_or(bad_len)?;
        let mut dec = Decryptor::new(
            GenericArray::from_slice(key.as_slice()),
            GenericArray::from_slice(iv),
        );
        let mut out = ciphertext.to_vec();
        for block in out.chunks_exact_mut(AES_BLOCK_LEN) {
            dec.decrypt_block_mut(GenericArray::from_mut_slice(block));
        }
        match unpadded_len(&out) {
            Some(len) => {
                // Clear the pad bytes before dropping them.
                if let Some(tail) = out.get_mut(len..) {
                    tail.zeroize();
                }
                out.truncate(len);
                Ok(out)
            }
            None => {
                out.zeroize();
                Err(CryptoError::BadConfidentialityPad)
            }
        }
    }
}

impl fmt::Debug for Confidentiality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Confidentiality");
        d.field("algorithm", &self.algorithm());
        if let Inner::Aes(_) = self.inner {
            d.field("key", &"<redacted>");
        }
        d.finish()
    }
}

/// Pad length `n` for a plaintext of `len` bytes: `len + n + 1 ≡ 0 (mod 16)`.
fn pad_len(len: usize) -> u8 {
    let n = (AES_BLOCK_LEN - (len + 1) % AES_BLOCK_LEN) % AES_BLOCK_LEN;
    // n < 16 always.
    u8::try_from(n).unwrap_or(0)
}

/// Length of the plaintext inside decrypted `data`, or `None` when the
/// confidentiality trailer is malformed.
fn unpadded_len(data: &[u8]) -> Option<usize> {
    let (&n, rest) = data.split_last()?;
    if n > MAX_CONFIDENTIALITY_PAD {
        return None;
    }
    let start = rest.len().checked_sub(usize::from(n))?;
    let pad = rest.get(start..)?;
    let ok = pad.iter().zip(1u8..).all(|(b, want)| *b == want);
    ok.then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::SecretBytes;
    use proptest::prelude::*;

    fn keys() -> SessionKeys {
        SessionKeys {
            sik: SecretBytes::new(&[1; 20]),
            k1: SecretBytes::new(&[2; 20]),
            k2: SecretBytes::new(&(0u8..20).collect::<Vec<_>>()),
        }
    }

    fn aes() -> Confidentiality {
        Confidentiality::new(ConfidentialityAlgorithm::AesCbc128, &keys()).unwrap()
    }

    #[test]
    fn pad_lengths() {
        assert_eq!(pad_len(0), 15);
        assert_eq!(pad_len(13), 2);
        assert_eq!(pad_len(15), 0);
        assert_eq!(pad_len(16), 15);
        let c = aes();
        for n in 0..70 {
            let ct = c.encrypt(&vec![0xab; n], [7; 16]);
            assert_eq!(ct.len(), c.payload_len(n));
            assert_eq!(ct.len() % 16, 0);
            assert!(ct.len() >= 32);
        }
        // A 13-byte IPMI request becomes a 32-byte payload (IV + 1 block).
        assert_eq!(c.payload_len(13), 32);
    }

    #[test]
    fn none_is_identity() {
        let c = Confidentiality::none();
        assert_eq!(c.algorithm(), ConfidentialityAlgorithm::None);
        assert_eq!(c.encrypt(b"abc", [0; 16]), b"abc");
        assert_eq!(c.decrypt(b"abc").unwrap(), b"abc");
        assert_eq!(c.payload_len(3), 3);
        let n = Confidentiality::new(ConfidentialityAlgorithm::None, &SessionKeys::default());
        assert_eq!(n.unwrap().algorithm(), ConfidentialityAlgorithm::None);
    }

    #[test]
    fn errors() {
        for alg in [
            ConfidentialityAlgorithm::Xrc4_128,
            ConfidentialityAlgorithm::Xrc4_40,
            ConfidentialityAlgorithm::Unknown(9),
        ] {
            assert_eq!(
                Confidentiality::new(alg, &keys()).unwrap_err(),
                CryptoError::UnsupportedAlgorithm
            );
        }
        assert_eq!(
            Confidentiality::new(ConfidentialityAlgorithm::AesCbc128, &SessionKeys::default())
                .unwrap_err(),
            CryptoError::MissingKey
        );
        let c = aes();
        assert_eq!(
            c.decrypt(&[0; 16]),
            Err(CryptoError::CiphertextLength { len: 16 })
        );
        assert_eq!(
            c.decrypt(&[0; 33]),
            Err(CryptoError::CiphertextLength { len: 33 })
        );
        // Corrupt the pad: flip a bit of the IV's last byte, which flips the
        // same bit of the first plaintext block's last byte (the pad length).
        let mut ct = c.encrypt(b"0123456789ab", [9; 16]);
        ct[15] ^= 0x10;
        assert_eq!(c.decrypt(&ct), Err(CryptoError::BadConfidentialityPad));
        let mut ct = c.encrypt(b"0123456789ab", [9; 16]);
        ct[12] ^= 0x01; // first pad byte 01 -> 00
        assert_eq!(c.decrypt(&ct), Err(CryptoError::BadConfidentialityPad));
    }

    #[test]
    fn debug_is_redacted() {
        let d = format!("{:?}", aes());
        assert!(d.contains("AesCbc128") && d.contains("redacted"), "{d}");
        assert!(!d.contains("[0, 1, 2"), "{d}");
        assert!(!d.contains("000102"), "{d}");
    }

    proptest! {
        #[test]
        fn round_trip(pt in proptest::collection::vec(any::<u8>(), 0..300), iv in any::<[u8; 16]>()) {
            let c = aes();
            let ct = c.encrypt(&pt, iv);
            prop_assert_eq!(&ct[..16], &iv[..]);
            prop_assert_eq!((pt.len() + 1 + usize::from(pad_len(pt.len()))) % 16, 0);
            prop_assert_eq!(c.decrypt(&ct).unwrap(), pt);
        }

        #[test]
        fn decrypt_arbitrary_never_panics(data in proptest::collection::vec(any::<u8>(), 0..100)) {
            if let Ok(pt) = aes().decrypt(&data) {
                prop_assert!(pt.len() + 17 <= data.len());
            }
        }
    }
}
