//! Personal API keys for bots (the login service, `/auth/api-keys` through the gateway).
//!
//! A key is `pup_<id>_<secret>`: the id is public (listed, and enough on signed calls),
//! the secret is shown once. A key is presented as `Authorization: ApiKey <key>`;
//! money-moving calls must also be signed, and then `Authorization: ApiKey pup_<id>` is
//! enough (see docs/SECURITY.md, "API keys").

use serde::{Deserialize, Serialize};

/// What a key may do. `read`: every GET the user may make; `trade`: offers, trades and
/// their steps, chat and reviews; `withdraw`: withdrawals. No scope manages keys, the
/// password, 2FA or mail, and no key acts as staff.
pub const SCOPES: [&str; 3] = ["read", "trade", "withdraw"];

/// `POST /auth/api-keys`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    /// A label for the owner, up to 64 characters.
    #[serde(default)]
    pub name: Option<String>,
    /// One or more of `read`, `trade`, `withdraw`.
    pub scopes: Vec<String>,
    /// RFC 3339; absent: the key does not expire.
    #[serde(default)]
    pub expires_at: Option<String>,
    /// Client addresses or CIDR ranges (`203.0.113.7`, `2001:db8::/32`) the key works
    /// from; absent or empty: any address.
    #[serde(default)]
    pub allowed_ips: Option<Vec<String>>,
}

/// One key as its owner sees it in the list (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyView {
    pub id: i64,
    /// `pup_<id>`: the key's public part, all a signed call needs to send.
    pub prefix: String,
    pub name: Option<String>,
    pub scopes: Vec<String>,
    pub allowed_ips: Vec<String>,
    pub expires_at: Option<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// The answer to `POST /auth/api-keys`: the whole key, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    /// `pup_<id>_<secret>`; only its hash is kept, so it cannot be shown again.
    pub key: String,
    pub api_key: ApiKeyView,
}
