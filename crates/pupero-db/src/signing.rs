//! The server's Ed25519 signing key (`AUDIT_SIGNING_KEY`): it signs the audit chain's
//! checkpoints and the trade receipts, and anyone holding its public key (published at
//! `GET /transactions/audit/public-key`) can check both offline.
//!
//! The key is the 32-byte Ed25519 seed in hex, kept outside the database like
//! `DATA_ENCRYPTION_KEY`: a copy of the database must not be able to sign.

use std::sync::Arc;

use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SigningError {
    #[error("AUDIT_SIGNING_KEY must be 64 hexadecimal characters (a 32-byte Ed25519 seed)")]
    BadKey,
    #[error("a public key must be 64 hexadecimal characters (32 bytes)")]
    BadPublicKey,
    #[error("the signature is not valid for this content and key")]
    BadSignature,
}

/// The server's signing key. Cheap to clone.
#[derive(Clone)]
pub struct SigningKey(Arc<Ed25519KeyPair>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey(public {})", self.public_key())
    }
}

impl SigningKey {
    /// From the seed in hex (64 characters).
    pub fn from_hex(seed_hex: &str) -> Result<Self, SigningError> {
        let seed: [u8; 32] = decode_hex(seed_hex.trim()).ok_or(SigningError::BadKey)?;
        Ed25519KeyPair::from_seed_unchecked(&seed)
            .map(|pair| Self(Arc::new(pair)))
            .map_err(|_| SigningError::BadKey)
    }

    pub fn public_key(&self) -> PublicKey {
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(self.0.public_key().as_ref());
        PublicKey(bytes)
    }

    /// The signature of `message`, in hex (128 characters).
    pub fn sign_hex(&self, message: &[u8]) -> String {
        encode_hex(self.0.sign(message).as_ref())
    }
}

/// An Ed25519 public key; shown and parsed as 64 hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    pub fn from_hex(hex: &str) -> Result<Self, SigningError> {
        decode_hex(hex.trim())
            .map(Self)
            .ok_or(SigningError::BadPublicKey)
    }

    /// Checks a hex signature of `message` against this key.
    pub fn verify_hex(&self, message: &[u8], signature_hex: &str) -> Result<(), SigningError> {
        let signature: [u8; 64] =
            decode_hex(signature_hex.trim()).ok_or(SigningError::BadSignature)?;
        UnparsedPublicKey::new(&ED25519, &self.0)
            .verify(message, &signature)
            .map_err(|_| SigningError::BadSignature)
    }
}

impl std::fmt::Display for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&encode_hex(&self.0))
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

pub(crate) fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Exactly `N` bytes from `2N` hex characters (either case), or `None`.
pub(crate) fn decode_hex<const N: usize>(hex: &str) -> Option<[u8; N]> {
    let hex = hex.as_bytes();
    if hex.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(hex.chunks(2)) {
        let text = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_message_and_key() {
        let key = SigningKey::from_hex(&"07".repeat(32)).unwrap();
        let sig = key.sign_hex(b"trade 7 released");
        let public = PublicKey::from_hex(&key.public_key().to_string()).unwrap();
        assert_eq!(public, key.public_key());
        assert!(public.verify_hex(b"trade 7 released", &sig).is_ok());
        assert_eq!(
            public.verify_hex(b"trade 8 released", &sig),
            Err(SigningError::BadSignature)
        );
        let other = SigningKey::from_hex(&"08".repeat(32)).unwrap().public_key();
        assert!(other.verify_hex(b"trade 7 released", &sig).is_err());
        assert!(public.verify_hex(b"trade 7 released", "00").is_err());
    }

    #[test]
    fn keys_must_be_32_bytes_of_hex() {
        assert_eq!(
            SigningKey::from_hex("abcd").err(),
            Some(SigningError::BadKey)
        );
        assert!(SigningKey::from_hex(&"zz".repeat(32)).is_err());
        assert!(PublicKey::from_hex(&"ab".repeat(31)).is_err());
    }
}
