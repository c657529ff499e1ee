//! Asked of the login service, which owns accounts.

use serde::{Deserialize, Serialize};

use pupero_core::Role;

/// `GET /internal/users/{id}`: an account as it is now, whatever its tokens say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFacts {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub deleted: bool,
    pub totp_enabled: bool,
    /// Access tokens issued before this instant (epoch ms) belong to ended sessions and
    /// may no longer write. `None`: no session was ever ended.
    pub tokens_valid_after_ms: Option<i64>,
    /// How long (ms, counted from when the caller sent its request) the caller may keep
    /// this answer instead of asking again. Login holds every change to this standing
    /// back until that time has passed, so a kept answer is never stale (SECURITY.md,
    /// "Standing leases"). `None`: do not keep it.
    #[serde(default)]
    pub lease_ms: Option<u64>,
}

/// `POST /internal/totp/verify`: a fresh second factor before money moves on a user's word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpCheck {
    pub user_id: i64,
    /// A TOTP code or a recovery code; `None` when the client sent none.
    pub code: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpChecked {
    /// False when the user has no two-factor authentication (nothing was checked).
    pub required: bool,
}
