//! The inbox (the transactions service, `/notifications` through the gateway).

use serde::{Deserialize, Serialize};

use pupero_core::{DeliveryStatus, NotificationKind, Piconero};

use crate::Paged;

/// One event in the caller's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub id: i64,
    /// `trade_opened`, `trade_paid`, `trade_released`, `trade_cancelled`, `trade_expiring`,
    /// `dispute_opened`, `dispute_resolved`, `message_received`, `deposit_credited` or
    /// `withdrawal_sent`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: NotificationKind,
    /// The trade it is about, if any.
    pub trade_id: Option<i64>,
    /// The withdrawal it is about, if any.
    pub withdrawal_id: Option<i64>,
    /// The XMR it is about (a trade's amount, a deposit, a withdrawal), twelve decimals.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub amount: Option<Piconero>,
    /// One sentence in English saying what happened.
    pub text: String,
    pub created_at: String,
    pub read_at: Option<String>,
}

/// A page of the caller's inbox, newest first, with how many are unread in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    #[serde(flatten)]
    pub page: Paged<NotificationView>,
    pub unread: u64,
}

/// The answer to "mark all read".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadAll {
    /// How many events were unread and are read now.
    pub marked: u64,
}

/// `POST /notifications/webhooks`: where to send the caller's events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// An `http://` URL (in production to a public host), at most 500 characters.
    pub url: String,
    /// The events to send; absent or empty means every event.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    #[serde(default)]
    pub events: Vec<NotificationKind>,
}

/// A registered webhook (its secret is shown only when it is created).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    /// Empty: every event.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub events: Vec<NotificationKind>,
    pub created_at: String,
}

/// The answer to registering a webhook: the only time its signing secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookCreated {
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// The HMAC-SHA256 key of `Pupero-Signature` (64 hex characters). Store it now.
    pub secret: String,
}

/// One delivery of one event to one webhook, as its owner sees it in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDeliveryView {
    pub id: i64,
    pub notification_id: i64,
    /// `pending`, `delivered` or `failed` (no more attempts).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// The receiver's HTTP status at the last attempt, if it answered.
    pub last_status: Option<i32>,
    /// Why the last attempt failed (a status, a timeout, a refused connection).
    pub last_error: Option<String>,
    /// When a pending delivery is tried next.
    pub next_attempt_at: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
}

/// The body of a webhook request: `Pupero-Signature` signs `<Pupero-Timestamp>.<body>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEvent {
    /// Unique per delivery; a receiver that saw it before may ignore a repeat.
    pub delivery_id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub event: NotificationKind,
    pub notification: NotificationView,
}
