//! Accounts: the caller's own, public profiles, two-factor authentication and the admin
//! console (the login service).

use serde::{Deserialize, Serialize};

use pupero_core::{AuditAction, Role};

/// The caller's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeView {
    pub id: i64,
    pub email: Option<String>,
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub role: Role,
    pub totp_enabled: bool,
    /// Unused recovery codes (0 when two-factor authentication is off).
    pub recovery_codes_left: u64,
    /// RFC 3339, UTC.
    pub created_at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateMe {
    pub username: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    /// Required to change the email or the password.
    pub current_password: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeleteMe {
    pub current_password: String,
    /// Required when two-factor authentication is on.
    pub totp: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicProfile {
    pub id: i64,
    pub username: String,
    /// RFC 3339, UTC.
    pub member_since: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserName {
    pub id: i64,
    pub username: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserNames {
    pub users: Vec<UserName>,
}

/// A new authenticator, before it is confirmed with a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrolment {
    /// Base32 secret for manual entry. Shown only now, never again.
    pub secret: String,
    /// otpauth:// URI for a QR code.
    pub otpauth_url: String,
    /// Ten single-use codes that stand in for a TOTP code (sign-in, release, withdrawal)
    /// when the phone is lost. Shown only now; only their hashes are kept.
    pub recovery_codes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeRequest {
    pub code: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordAndCode {
    pub password: Option<String>,
    pub code: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorStatus {
    pub totp_enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    /// Shown only now; the previous codes no longer work.
    pub recovery_codes: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordRequest {
    pub password: Option<String>,
}

/// An account as the admin console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminUserView {
    pub id: i64,
    pub email: Option<String>,
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub role: Role,
    pub disabled: bool,
    pub totp_enabled: bool,
    pub created_at: String,
}

/// An account as staff see it in a search (`GET /auth/staff/users`): moderators and
/// admins find people by name, not only by number. No email: a moderator needs none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffUserView {
    pub id: i64,
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleRequest {
    /// user, moderator or admin (checked by the handler, which names the field when not).
    pub role: String,
    /// A fresh code (or recovery code) of the admin, required when the admin has
    /// two-factor authentication: a stolen admin session alone cannot hand out roles.
    pub totp: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisableRequest {
    pub disabled: bool,
    /// A fresh code (or recovery code) of the admin, required when the admin has
    /// two-factor authentication.
    pub totp: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForceLogoutRequest {
    /// A fresh code (or recovery code) of the admin, required when the admin has
    /// two-factor authentication.
    pub totp: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Revoked {
    /// Sessions ended.
    pub revoked: u64,
}

/// One record of a service's hash-chained audit log: a staff action or a money movement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// The record's number on its chain (1, 2, 3…, no gaps).
    pub seq: i64,
    /// Who acted; absent for the platform itself (a deposit credited, a trade expired).
    pub actor_id: Option<i64>,
    /// `set_role`, `set_disabled`, `force_logout`, `adjust`, `transfer`, `resolve-buyer`,
    /// `resolve-seller`, `resolve-split`, `ledger_entry`, and the moderation chain's
    /// `claim-case`, `resolve-case`, `add-note`, `sanction`, `lift-sanction`,
    /// `decide-appeal`, `remove-offer`, and `execute-withdrawal` (an admin had the wallet
    /// send a queued withdrawal at once; on the transactions chain).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub action: AuditAction,
    /// The action in words ("Lifted a sanction"), for a page to show.
    #[serde(default)]
    pub action_label: String,
    /// Which chain holds the record: `login`, `transactions` or `moderation`.
    #[serde(default)]
    pub chain: String,
    /// What it is about, e.g. `user:7`, `trade:12`, `entry:40`, `case:3`, `offer:9`,
    /// `appeal:2` (see [`AuditEntry::target_ref`]).
    pub target: String,
    pub details: String,
    pub created_at: String,
    /// SHA-256 (hex) of the record, which the next record commits to.
    pub hash: String,
}

impl AuditEntry {
    /// The target as its kind and id (`("user", 7)` for `user:7`), for a link to it;
    /// `None` for a target that is not of that shape.
    pub fn target_ref(&self) -> Option<(&str, i64)> {
        let (kind, id) = self.target.split_once(':')?;
        Some((kind, id.parse().ok()?))
    }
}

/// The key that signs the audit chains' checkpoints and the trade receipts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SigningKeyView {
    /// Always `ed25519`.
    pub algorithm: String,
    /// The 32-byte public key, hex.
    pub public_key: String,
}
