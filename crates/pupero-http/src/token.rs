//! Typed, short-lived JWTs (HS256) shared by every service.
//!
//! An access token and a refresh token differ in `typ`, and each verifier states which
//! kind it expects, so a refresh token is never accepted where an access token is due.
//! `sub` is the numeric user id (never the email: a new account with an old email must
//! not inherit old tokens).

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use pupero_core::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Access,
    Refresh,
    /// A service calling another service's `/internal/` routes; `sub` is the service name.
    Service,
    /// The password was right and only the second factor is missing: trades, with a TOTP
    /// code, for a session at `/login`, so a client never has to hold the password.
    Mfa,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub typ: TokenKind,
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
}

impl Claims {
    pub fn user_id(&self) -> Option<i64> {
        self.sub.parse().ok()
    }
}

/// A freshly signed token with the facts the issuer must remember about it.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub jti: String,
    pub expires_at_ms: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("token is expired")]
    Expired,
    #[error("token is invalid")]
    Invalid,
    #[error("wrong kind of token: expected {expected:?}")]
    WrongKind { expected: TokenKind },
    #[error("could not sign token: {0}")]
    Signing(String),
}

/// Signing and verification keys, cheap to clone into every service's state.
#[derive(Clone)]
pub struct JwtKeys(Arc<Keys>);

struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys(<redacted>)")
    }
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        validation.leeway = 5;
        Self(Arc::new(Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }))
    }

    pub fn issue(
        &self,
        user_id: i64,
        role: Role,
        kind: TokenKind,
        ttl: Duration,
    ) -> Result<IssuedToken, TokenError> {
        self.sign(user_id.to_string(), role, kind, ttl)
    }

    fn sign(
        &self,
        sub: String,
        role: Role,
        typ: TokenKind,
        ttl: Duration,
    ) -> Result<IssuedToken, TokenError> {
        let now_ms = pupero_db::now_ms();
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
        let expires_at_ms = now_ms.saturating_add(ttl_ms);
        let jti = uuid::Uuid::new_v4().simple().to_string();
        let claims = Claims {
            sub,
            role,
            typ,
            jti: jti.clone(),
            iat: now_ms / 1000,
            exp: expires_at_ms / 1000,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.0.encoding)
            .map_err(|e| TokenError::Signing(e.to_string()))?;
        Ok(IssuedToken {
            token,
            jti,
            expires_at_ms,
        })
    }

    /// Checks signature, algorithm (HS256 only: `alg: none` and others are refused),
    /// expiry and kind.
    pub fn verify(&self, token: &str, expected: TokenKind) -> Result<Claims, TokenError> {
        use jsonwebtoken::errors::ErrorKind;
        let data = jsonwebtoken::decode::<Claims>(token, &self.0.decoding, &self.0.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        if data.claims.typ != expected {
            return Err(TokenError::WrongKind { expected });
        }
        if expected != TokenKind::Service && data.claims.user_id().is_none() {
            return Err(TokenError::Invalid);
        }
        Ok(data.claims)
    }

    /// A short-lived token for calling another service's `/internal/` routes.
    pub fn issue_service(&self, service: &str) -> Result<IssuedToken, TokenError> {
        // The role is unused for services; `typ` is what the internal routes check.
        self.sign(
            service.to_owned(),
            Role::User,
            TokenKind::Service,
            Duration::from_secs(60),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_and_refresh_tokens_are_not_interchangeable() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef");
        let access = keys
            .issue(7, Role::User, TokenKind::Access, Duration::from_secs(60))
            .unwrap();
        let claims = keys.verify(&access.token, TokenKind::Access).unwrap();
        assert_eq!(claims.user_id(), Some(7));
        assert!(matches!(
            keys.verify(&access.token, TokenKind::Refresh),
            Err(TokenError::WrongKind { .. })
        ));
    }

    #[test]
    fn tokens_signed_with_another_secret_are_invalid() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef");
        let other = JwtKeys::new(b"fedcba9876543210fedcba9876543210");
        let t = other
            .issue(7, Role::Admin, TokenKind::Access, Duration::from_secs(60))
            .unwrap();
        assert!(matches!(
            keys.verify(&t.token, TokenKind::Access),
            Err(TokenError::Invalid)
        ));
    }
}
