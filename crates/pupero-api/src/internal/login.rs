//! Asked of the login service, which owns accounts.

use serde::{Deserialize, Serialize};

use pupero_core::{Role, SanctionKind};

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
    /// Sanctions in force on the account (moderation's word, kept by login).
    #[serde(default)]
    pub restrictions: Vec<Restriction>,

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

/// `POST /internal/mail`: transactions asks login to e-mail users about events, up to
/// [`MailNotices::MAX`] at once (the dispatcher hands on what is due in one call). Login
/// alone knows each address, whether it is verified, the user's preferences and
/// anti-phishing phrase, and holds the SMTP credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailNotices {
    pub notices: Vec<MailNotice>,
}

impl MailNotices {
    /// The most notices one call carries.
    pub const MAX: usize = 100;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailNotice {
    pub user_id: i64,
    pub kind: pupero_core::NotificationKind,
    /// The sentence the inbox shows.
    pub text: String,
    /// Where in the web UI the event is seen, e.g. `/trades/7` (joined to PUBLIC_URL).
    pub path: String,
}

/// One outcome per notice, in the order sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailOutcomes {
    pub outcomes: Vec<MailOutcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailOutcome {
    Sent,
    /// Nothing to send: no verified address, the preference is off, the account is
    /// closed, or no SMTP server is configured.
    NotWanted,
    /// The SMTP server refused or could not be reached: try this one again later.
    Unavailable,
}

/// A restriction on an account: a sanction in force, as the moderation service told
/// login. Each service checks the ones that concern its actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restriction {
    pub sanction_id: i64,
    pub kind: SanctionKind,
    /// Shown to the user when it stops an action.
    pub reason: String,
    /// Epoch ms; `None`: until lifted.
    pub expires_at_ms: Option<i64>,
}

impl Restriction {
    /// In force at `now_ms` (an expired one lifts itself, whenever it is read).
    pub fn in_force(&self, now_ms: i64) -> bool {
        self.expires_at_ms.is_none_or(|end| now_ms < end)
    }
}

/// `PUT /internal/users/{id}/restrictions` (moderation): every sanction now in force on
/// the account, replacing what login held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restrictions {
    pub restrictions: Vec<Restriction>,
    /// Moderation's count of changes to the account's sanctions when it read them. Login
    /// keeps the highest it was told and ignores an older one, so a late, slower telling
    /// of an earlier state never replaces a newer one. In an answer: the version held.
    pub version: i64,
}

/// `POST /internal/api-keys/authenticate`: the gateway asks whether a presented API key
/// may make this call now, and gets a short-lived access token to forward it with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyPresented {
    /// What followed `Authorization: ApiKey`: the whole key, or, on a signed call, only
    /// its public `pup_<id>`.
    pub key: String,
    pub signature: Option<KeySignature>,
    /// The client's address, for the key's allow-list.
    pub client_ip: String,
    /// The scope the gateway's list says this call needs.
    pub scope: String,
    /// Whether the call moves money, and so must be signed.
    pub money_moving: bool,
}

/// The signing headers and what they sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySignature {
    pub timestamp: String,
    pub nonce: String,
    /// Lower-case hex HMAC-SHA256.
    pub signature: String,
    pub method: String,
    /// The path and query as the client sent them to the gateway.
    pub path: String,
    /// The request body, base64 (standard alphabet).
    pub body_base64: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyGrant {
    pub user_id: i64,
    /// An access token for this one call (role `user` whatever the account's role, so a
    /// key never acts as staff), valid for a minute.
    pub token: String,
}
