//! Who is calling: bearer access tokens verified locally (no call to the login service per
//! read), with the account's current standing checked for writes and staff actions, as
//! separate extractors so a handler's signature says who may call it.

use crate::ErrorCode;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::routing::MethodRouter;

use pupero_core::Role;

use crate::ApiError;
use crate::authority::AccountAuthority;
use crate::token::{JwtKeys, TokenError, TokenKind};

/// A caller holding a valid access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthUser {
    pub id: i64,
    pub role: Role,
    /// The token's `iat` (epoch seconds): whether its session has since been ended is
    /// decided against the account's standing at use.
    pub issued_at: i64,
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
    let value = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized(ErrorCode::MissingToken, "an access token is required")
    })?;
    let value = value.to_str().map_err(|_| {
        ApiError::unauthorized(ErrorCode::InvalidToken, "malformed Authorization header")
    })?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(ApiError::unauthorized(
            ErrorCode::InvalidToken,
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
                ApiError::unauthorized(ErrorCode::TokenExpired, "the access token has expired")
            }
            TokenError::WrongKind { .. } => ApiError::unauthorized(
                ErrorCode::InvalidToken,
                "a refresh token cannot be used as an access token",
            ),
            _ => ApiError::unauthorized(ErrorCode::InvalidToken, "the access token is invalid"),
        })?;
        let id = claims.user_id().ok_or_else(|| {
            ApiError::unauthorized(ErrorCode::InvalidToken, "the access token is invalid")
        })?;
        Ok(AuthUser {
            id,
            role: claims.role,
            issued_at: claims.iat,
        })
    }
}

/// A caller whose account may still act: the token is valid *and* the account is neither
/// disabled nor deleted now, and the token's session was not ended since (asked at the
/// moment of use, see [`AccountAuthority`]). Every write takes this instead of
/// [`AuthUser`], so a leftover token of a disabled account or an ended session cannot act. `role` is the account's current role.
#[derive(Debug, Clone, Copy)]
pub struct ActiveUser(pub AuthUser);

impl<S> FromRequestParts<S> for ActiveUser
where
    JwtKeys: FromRef<S>,
    AccountAuthority: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = AuthUser::from_request_parts(parts, state).await?;
        AccountAuthority::from_ref(state)
            .active(caller)
            .await
            .map(ActiveUser)
    }
}

/// Declares an extractor for callers holding at least `$role` now: the token's role is
/// checked first (no call for a plain user), then the account's current role and state.
macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $role:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name(pub AuthUser);

        impl<S> FromRequestParts<S> for $name
        where
            JwtKeys: FromRef<S>,
            AccountAuthority: FromRef<S>,
            S: Send + Sync,
        {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
                let caller = AuthUser::from_request_parts(parts, state).await?;
                AccountAuthority::from_ref(state).staff(caller, $role).await.map($name)
            }
        }
    };
}

role_extractor!(
    /// A caller whose account has the admin role now.
    AdminUser,
    Role::Admin
);
role_extractor!(
    /// A caller whose account has the moderator or admin role now.
    ModeratorUser,
    Role::Moderator
);

/// Another Pupero service, calling an `/internal/` route with a service token signed by
/// its own key (`.0` is its name). The gateway never forwards `/internal/`, and a user's
/// access token is refused here. Routes say which services may call them with
/// [`internal_route`].
#[derive(Debug, Clone)]
pub struct ServiceCaller(pub String);

impl ServiceCaller {
    /// No or unverifiable credentials are 401 (who is calling is unknown); a valid token
    /// of another kind, such as a user's access token, is 403 (known, and not a service).
    fn from_headers(headers: &axum::http::HeaderMap, keys: &JwtKeys) -> Result<Self, ApiError> {
        let unknown = |code, message| ApiError::unauthorized(code, message);
        let value = headers.get(AUTHORIZATION).ok_or_else(|| {
            unknown(
                ErrorCode::MissingToken,
                "internal routes need a Pupero service token",
            )
        })?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or_else(|| {
                unknown(
                    ErrorCode::InvalidToken,
                    "expected Authorization: Bearer <service token>",
                )
            })?;
        let claims = keys
            .verify(token, TokenKind::Service)
            .map_err(|e| match e {
                TokenError::WrongKind { .. } => {
                    ApiError::forbidden("internal routes are for Pupero services only")
                }
                TokenError::Expired => {
                    unknown(ErrorCode::TokenExpired, "the service token has expired")
                }
                _ => unknown(ErrorCode::InvalidToken, "the service token is invalid"),
            })?;
        Ok(ServiceCaller(claims.sub))
    }
}

impl<S> FromRequestParts<S> for ServiceCaller
where
    JwtKeys: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // Already checked against the route's callers by `internal_route`.
        if let Some(caller) = parts.extensions.get::<ServiceCaller>() {
            return Ok(caller.clone());
        }
        Self::from_headers(&parts.headers, &JwtKeys::from_ref(state))
    }
}

/// An `/internal/` route that only `callers` may call: the service token must be signed by
/// the key of one of these services, checked before the handler runs. Any other service
/// (the frontend, say) gets 403, so a compromised service reaches only the internal
/// routes it needs.
pub fn internal_route<S>(
    keys: &JwtKeys,
    callers: &'static [&'static str],
    route: MethodRouter<S>,
) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    let keys = keys.clone();
    route.route_layer(axum::middleware::from_fn(
        move |mut request: axum::extract::Request, next: axum::middleware::Next| {
            let keys = keys.clone();
            async move {
                let caller = ServiceCaller::from_headers(request.headers(), &keys)?;
                if !callers.contains(&caller.0.as_str()) {
                    return Err(ApiError::forbidden(format!(
                        "the {} service may not call this route",
                        caller.0
                    )));
                }
                request.extensions_mut().insert(caller);
                Ok::<_, ApiError>(next.run(request).await)
            }
        },
    ))
}
