//! The `Idempotency-Key` header: a client's name for one intended effect, so a retried
//! request (a timeout, a double click) cannot do it twice.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;

use crate::ApiError;

pub const HEADER: &str = "idempotency-key";
const MAX_LEN: usize = 64;

/// A present, well-formed `Idempotency-Key`: 1 to 64 visible ASCII characters. As
/// `Option<IdempotencyKey>` the header may be absent, but a malformed one is still 422.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    fn parse(raw: &[u8]) -> Result<Self, ApiError> {
        let text = std::str::from_utf8(raw).unwrap_or_default().trim();
        if text.is_empty() || text.len() > MAX_LEN || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(malformed());
        }
        Ok(Self(text.to_owned()))
    }
}

fn malformed() -> ApiError {
    ApiError::invalid(
        "Idempotency-Key",
        "an Idempotency-Key header of 1 to 64 visible characters is required, so a retried request cannot act twice",
    )
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        <Self as OptionalFromRequestParts<S>>::from_request_parts(parts, state)
            .await?
            .ok_or_else(malformed)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        parts
            .headers
            .get(HEADER)
            .map(|v| Self::parse(v.as_bytes()))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_visible_text() {
        assert_eq!(
            IdempotencyKey::parse(b" abc-123 ").ok(),
            Some(IdempotencyKey("abc-123".into()))
        );
        for bad in [
            &b""[..],
            b"   ",
            b"a b",
            &[b'k'; 65],
            b"\xff\xfe",
            b"tab\there",
        ] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
        assert!(IdempotencyKey::parse(&[b'k'; 64]).is_ok());
    }
}
