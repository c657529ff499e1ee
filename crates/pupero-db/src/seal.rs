//! Secrets at rest: values a copy of the database must not reveal (TOTP secrets, the
//! tokens web sessions keep) are sealed with AES-256-GCM under a key that lives outside
//! the database (`DATA_ENCRYPTION_KEY`, or the file `pupero up` generates).
//!
//! Each use derives its own subkey from the master key (HMAC-SHA256 of a purpose label),
//! so the frontend's key opens web sessions and nothing else. A sealed value reads
//! `v1:<base64url(nonce ‖ ciphertext ‖ tag)>`; the prefix lets a start-up pass tell old
//! plaintext rows from sealed ones and seal them in place, and leaves room for a `v2`
//! when the key is rotated. The caller binds each value to its row with associated
//! data (e.g. the user id), so a sealed value copied onto another row does not open.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

const PREFIX: &str = "v1:";

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("DATA_ENCRYPTION_KEY must be 64 hexadecimal characters (32 random bytes)")]
    BadKey,
    #[error("a sealed value does not open with this key (wrong key, or the row was altered)")]
    Unreadable,
    #[error("the system random generator failed")]
    Random,
}

/// The master key. Never used directly: [`DataKey::subkey`] gives each purpose its own.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl DataKey {
    /// 64 hex characters.
    pub fn from_hex(hex: &str) -> Result<Self, SealError> {
        let hex = hex.trim().as_bytes();
        if hex.len() != 64 {
            return Err(SealError::BadKey);
        }
        let mut key = [0u8; 32];
        for (byte, pair) in key.iter_mut().zip(hex.chunks(2)) {
            let text = std::str::from_utf8(pair).map_err(|_| SealError::BadKey)?;
            *byte = u8::from_str_radix(text, 16).map_err(|_| SealError::BadKey)?;
        }
        Ok(Self(key))
    }

    pub fn subkey(&self, purpose: &str) -> Sealer {
        let mac = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.0);
        let tag = ring::hmac::sign(&mac, purpose.as_bytes());
        let mut key = [0u8; 32];
        key.copy_from_slice(tag.as_ref());
        Sealer(key)
    }
}

/// Seals and opens values for one purpose.
#[derive(Clone)]
pub struct Sealer([u8; 32]);

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(<redacted>)")
    }
}

impl Sealer {
    fn key(&self) -> Result<LessSafeKey, SealError> {
        UnboundKey::new(&AES_256_GCM, &self.0)
            .map(LessSafeKey::new)
            .map_err(|_| SealError::BadKey)
    }

    /// Whether a stored value is sealed (else it is a plaintext row from before sealing).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }

    pub fn seal(&self, plaintext: &str, bound_to: &str) -> Result<String, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        // A random 96-bit nonce per value: these keys seal far fewer than the 2^32
        // values after which random nonces would risk a collision.
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| SealError::Random)?;
        let mut buffer = plaintext.as_bytes().to_vec();
        self.key()?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(bound_to.as_bytes()),
                &mut buffer,
            )
            .map_err(|_| SealError::Unreadable)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buffer);
        Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(out)))
    }

    pub fn open(&self, stored: &str, bound_to: &str) -> Result<String, SealError> {
        let body = stored.strip_prefix(PREFIX).ok_or(SealError::Unreadable)?;
        let mut bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| SealError::Unreadable)?;
        if bytes.len() < NONCE_LEN {
            return Err(SealError::Unreadable);
        }
        let mut ciphertext = bytes.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&bytes).map_err(|_| SealError::Unreadable)?;
        let plain = self
            .key()?
            .open_in_place(nonce, Aad::from(bound_to.as_bytes()), &mut ciphertext)
            .map_err(|_| SealError::Unreadable)?;
        String::from_utf8(plain.to_vec()).map_err(|_| SealError::Unreadable)
    }

    /// The stored value's plaintext, whether sealed or a row written before sealing.
    pub fn open_or_plain(&self, stored: &str, bound_to: &str) -> Result<String, SealError> {
        if Self::is_sealed(stored) {
            self.open(stored, bound_to)
        } else {
            Ok(stored.to_owned())
        }
    }
}

/// SHA-256 in lowercase hex, for high-entropy values stored only as a hash.
pub fn sha256_hex(data: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::from_hex(&"ab".repeat(32)).unwrap()
    }

    #[test]
    fn a_sealed_value_opens_only_with_its_key_purpose_and_binding() {
        let totp = key().subkey("totp");
        let sealed = totp.seal("JBSWY3DPEHPK3PXP", "user:7").unwrap();
        assert!(Sealer::is_sealed(&sealed));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(totp.open(&sealed, "user:7").unwrap(), "JBSWY3DPEHPK3PXP");
        assert!(totp.open(&sealed, "user:8").is_err(), "bound to its row");
        assert!(key().subkey("sessions").open(&sealed, "user:7").is_err());
        let other = DataKey::from_hex(&"cd".repeat(32)).unwrap().subkey("totp");
        assert!(other.open(&sealed, "user:7").is_err());
        assert_ne!(sealed, totp.seal("JBSWY3DPEHPK3PXP", "user:7").unwrap());
        assert_eq!(totp.open_or_plain("PLAIN", "user:7").unwrap(), "PLAIN");
    }

    #[test]
    fn keys_must_be_32_bytes_of_hex() {
        assert!(DataKey::from_hex("abcd").is_err());
        assert!(DataKey::from_hex(&"zz".repeat(32)).is_err());
    }
}
