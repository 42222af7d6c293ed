//! IPMI 1.5 session AuthCodes (IPMI v2.0 §22.17.1 "AuthCode Algorithms",
//! IPMI v1.5 §18.15.1; session header layout IPMI v2.0 §13.6).
//!
//! The password is zero-padded to 16 bytes (`pw16`), integers are 4-byte
//! little-endian as on the wire, and the message bytes run from rsSA (or
//! rqSA) through the second checksum:
//!
//! * MD5: `MD5(pw16 ‖ session ID ‖ message ‖ session seq ‖ pw16)`;
//! * straight password: `pw16`;
//! * none: sixteen zero bytes (the session header then has no AuthCode
//!   field at all).
//!
//! The Activate Session request uses the same formula, with the temporary
//! session ID from Get Session Challenge and session sequence number 0; the
//! challenge string is simply part of the message. (Checked against a
//! capture of ipmitool and OpenIPMI `ipmi_sim`.)
//!
//! MD2 is not implemented (no MD2 hash in this crate's dependencies).

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

use crate::types::AuthType;

use super::keys::Password;
use super::CryptoError;

/// Length of an IPMI 1.5 AuthCode (IPMI v2.0 §13.6, Table 13-8).
pub const IPMI15_AUTH_CODE_LEN: usize = 16;

/// The AuthCode of one IPMI 1.5 session packet (IPMI v2.0 §22.17.1,
/// IPMI v1.5 §18.15.1).
///
/// `message` is the IPMI message (rsSA through chk2); `session_id` and
/// `session_seq` are the values in this packet's session header. For the
/// Activate Session request pass the temporary session ID and sequence 0.
///
/// For [`AuthType::Password`] the result is the padded password itself, as
/// the protocol puts it on the wire.
///
/// # Errors
/// [`CryptoError::KeyTooLong`] when the password is longer than 16 bytes
/// (MD5 and straight password); [`CryptoError::UnsupportedAlgorithm`] for
/// MD2, OEM, RMCP+ and unknown auth types.
pub fn message_auth_code(
    auth: AuthType,
    pw: &Password,
    session_id: u32,
    message: &[u8],
    session_seq: u32,
) -> Result<[u8; IPMI15_AUTH_CODE_LEN], CryptoError> {
    match auth {
        AuthType::None => Ok([0; IPMI15_AUTH_CODE_LEN]),
        AuthType::Password => Ok(*pw.try_padded16()?),
        AuthType::Md5 => {
            let pw16 = pw.try_padded16()?;
            let mut h = Md5::new();
            h.update(pw16.as_slice());
            h.update(session_id.to_le_bytes());
            h.update(message);
            h.update(session_seq.to_le_bytes());
            h.update(pw16.as_slice());
            Ok(h.finalize().into())
        }
        AuthType::Md2 | AuthType::Oem | AuthType::RmcpPlus | AuthType::Unknown(_) => {
            Err(CryptoError::UnsupportedAlgorithm)
        }
    }
}

/// Checks a received IPMI 1.5 AuthCode in constant time (IPMI v2.0
/// §22.17.1, IPMI v1.5 §18.15.1).
///
/// # Errors
/// [`CryptoError::IntegrityMismatch`] when it does not match (or has the
/// wrong length); otherwise as [`message_auth_code`].
pub fn verify_message_auth_code(
    auth: AuthType,
    pw: &Password,
    session_id: u32,
    message: &[u8],
    session_seq: u32,
    received: &[u8],
) -> Result<(), CryptoError> {
    let expected = zeroize::Zeroizing::new(message_auth_code(
        auth,
        pw,
        session_id,
        message,
        session_seq,
    )?);
    if bool::from(expected.as_slice().ct_eq(received)) {
        Ok(())
    } else {
        Err(CryptoError::IntegrityMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_types() {
        let pw = Password::new(b"password").unwrap();
        assert_eq!(
            message_auth_code(AuthType::None, &pw, 1, b"m", 2).unwrap(),
            [0; 16]
        );
        assert_eq!(
            &message_auth_code(AuthType::Password, &pw, 1, b"m", 2).unwrap(),
            b"password\0\0\0\0\0\0\0\0"
        );
        for t in [
            AuthType::Md2,
            AuthType::Oem,
            AuthType::RmcpPlus,
            AuthType::Unknown(3),
        ] {
            assert_eq!(
                message_auth_code(t, &pw, 1, b"m", 2),
                Err(CryptoError::UnsupportedAlgorithm)
            );
        }
        let long = Password::new(&[b'x'; 17]).unwrap();
        assert_eq!(
            message_auth_code(AuthType::Md5, &long, 1, b"m", 2),
            Err(CryptoError::KeyTooLong { max: 16, len: 17 })
        );
    }

    #[test]
    fn md5_depends_on_every_input() {
        let pw = Password::new(b"password").unwrap();
        let base = message_auth_code(AuthType::Md5, &pw, 1, b"msg", 2).unwrap();
        assert_ne!(
            base,
            message_auth_code(AuthType::Md5, &pw, 9, b"msg", 2).unwrap()
        );
        assert_ne!(
            base,
            message_auth_code(AuthType::Md5, &pw, 1, b"msh", 2).unwrap()
        );
        assert_ne!(
            base,
            message_auth_code(AuthType::Md5, &pw, 1, b"msg", 3).unwrap()
        );
        let other = Password::new(b"passwore").unwrap();
        assert_ne!(
            base,
            message_auth_code(AuthType::Md5, &other, 1, b"msg", 2).unwrap()
        );
        verify_message_auth_code(AuthType::Md5, &pw, 1, b"msg", 2, &base).unwrap();
        assert_eq!(
            verify_message_auth_code(AuthType::Md5, &pw, 1, b"msg", 2, &base[..15]),
            Err(CryptoError::IntegrityMismatch)
        );
    }
}
