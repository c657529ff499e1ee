//! Who is calling: bearer access tokens verified locally (no call to the login service per
//! request), with role checks as separate extractors so a handler's signature says who
//! may call it.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use pupero_core::Role;

use crate::ApiError;
use crate::token::{JwtKeys, TokenError, TokenKind};

/// A caller holding a valid access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthUser {
    pub id: i64,
    pub role: Role,
}

impl AuthUser {
    pub fn require(self, role: Role) -> Result<Self, ApiError> {
        if self.role.is_at_least(role) {
            Ok(self)
        } else {
            Err(ApiError::forbidden(format!(
                "this action needs the {role} role"
            )))
        }
    }
}

fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let value = parts
        .headers
        .get(AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("missing_token", "an access token is required"))?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("invalid_token", "malformed Authorization header"))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(ApiError::unauthorized(
            "invalid_token",
            "expected Authorization: Bearer <access token>",
        )),
    }
}

impl<S> FromRequestParts<S> for AuthUser
where
    JwtKeys: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?;
        let keys = JwtKeys::from_ref(state);
        let claims = keys.verify(token, TokenKind::Access).map_err(|e| match e {
            TokenError::Expired => {
                ApiError::unauthorized("token_expired", "the access token has expired")
            }
            TokenError::WrongKind { .. } => ApiError::unauthorized(
                "invalid_token",
                "a refresh token cannot be used as an access token",
            ),
            _ => ApiError::unauthorized("invalid_token", "the access token is invalid"),
        })?;
        let id = claims.user_id().ok_or_else(|| {
            ApiError::unauthorized("invalid_token", "the access token is invalid")
        })?;
        Ok(AuthUser {
            id,
            role: claims.role,
        })
    }
}

/// Declares an extractor for callers holding at least `$role`.
macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $role:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name(pub AuthUser);

        impl<S> FromRequestParts<S> for $name
        where
            JwtKeys: FromRef<S>,
            S: Send + Sync,
        {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
                AuthUser::from_request_parts(parts, state).await?.require($role).map($name)
            }
        }
    };
}

role_extractor!(
    /// A caller with the admin role.
    AdminUser,
    Role::Admin
);
role_extractor!(
    /// A caller with the moderator or admin role.
    ModeratorUser,
    Role::Moderator
);

/// Another Pupero service, calling an `/internal/` route with a service token. The gateway
/// never forwards `/internal/`, and a user's access token is refused here.
#[derive(Debug, Clone)]
pub struct ServiceCaller(pub String);

impl<S> FromRequestParts<S> for ServiceCaller
where
    JwtKeys: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?;
        let claims = JwtKeys::from_ref(state)
            .verify(token, TokenKind::Service)
            .map_err(|_| ApiError::forbidden("internal routes are for Pupero services only"))?;
        Ok(ServiceCaller(claims.sub))
    }
}
