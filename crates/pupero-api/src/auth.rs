//! Signing up, signing in and keeping a session (the login service's `/auth/*`).

use serde::{Deserialize, Serialize};

/// The answer to a sign-in or a refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    pub email: String,
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Registered {
    pub user_id: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// Username or email; either field may carry it.
    pub username: Option<String>,
    pub email: Option<String>,
    #[serde(default)]
    pub password: String,
    /// Instead of username and password: the `mfa_token` of an earlier answer
    /// `totp_required`, sent with `totp`.
    pub mfa_token: Option<String>,
    /// Six-digit code, required when two-factor authentication is on.
    pub totp: Option<String>,
    /// Longer-lived refresh token (REMEMBER_ME_DAYS).
    #[serde(default)]
    pub remember_me: bool,
}

/// A refresh, or a sign-out of the session it belongs to.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    pub refresh_token: String,
}
