//! Mail to the account holder (the login service, `/auth` through the gateway): settings,
//! address verification and password reset by mail.

use serde::{Deserialize, Serialize};

use pupero_core::NotificationKind;

/// `GET /auth/mail-settings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailSettingsView {
    /// The account's address, if it has one.
    pub email: Option<String>,
    /// Whether that address was verified (events are mailed only to a verified address).
    pub email_verified: bool,
    /// Shown at the top of every mail we send, so a mail without it is not ours.
    pub anti_phishing_phrase: Option<String>,
    /// The events mailed to the user.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub email_events: Vec<NotificationKind>,
    /// Whether this platform sends mail at all (an SMTP server is configured).
    pub mail_enabled: bool,
}

/// `PUT /auth/mail-settings`: what to change (absent fields stay as they are).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MailSettingsUpdate {
    /// 4 to 64 characters; an empty string removes it.
    pub anti_phishing_phrase: Option<String>,
    /// Every event to mail (the others are not mailed).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub email_events: Option<Vec<NotificationKind>>,
}

/// `POST /auth/email/verify` and `POST /auth/password-reset/confirm` carry the token from
/// the mailed link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailToken {
    pub token: String,
}

/// `POST /auth/password-reset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetRequest {
    pub email: String,
}

/// `POST /auth/password-reset/confirm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetConfirm {
    pub token: String,
    /// The new password (the registration rules apply).
    pub password: String,
}

/// The answer to a request that mails a link: the same whether or not an account matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailAccepted {
    pub message: String,
}
