//! The one error shape of every service: `{"error": {"code", "message", "field"?, ...}}`.
//! Services build it (pupero-http's `ApiError`), and the frontend, the services' clients
//! and the tests read it back as [`ErrorBody`], matching on [`ErrorCode`], not on text.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pupero_core::string_enum! {
    /// Every error code any service answers with. docs/ARCHITECTURE.md lists the same
    /// words (a test in pupero-http compares them).
    pub enum ErrorCode ("error code") {
        // The request itself.
        BadRequest = "bad_request",
        InvalidField = "invalid_field",
        InvalidBody = "invalid_body",
        MalformedJson = "malformed_json",
        UnsupportedMediaType = "unsupported_media_type",
        PayloadTooLarge = "payload_too_large",
        UnreadableBody = "unreadable_body",
        InvalidQuery = "invalid_query",
        InvalidPath = "invalid_path",
        MethodNotAllowed = "method_not_allowed",
        NotFound = "not_found",
        Forbidden = "forbidden",
        Conflict = "conflict",
        RateLimited = "rate_limited",
        // Our side or a dependency.
        Internal = "internal",
        ServiceUnavailable = "service_unavailable",
        BadGateway = "bad_gateway",
        GatewayTimeout = "gateway_timeout",
        /// Another service answered with a code this one does not know.
        UpstreamError = "upstream_error",
        // Accounts and sessions.
        MissingToken = "missing_token",
        InvalidToken = "invalid_token",
        TokenExpired = "token_expired",
        TokenReused = "token_reused",
        InvalidCredentials = "invalid_credentials",
        WrongPassword = "wrong_password",
        TotpRequired = "totp_required",
        InvalidTotp = "invalid_totp",
        TotpReplayed = "totp_replayed",
        TotpNotPending = "totp_not_pending",
        TotpNotEnabled = "totp_not_enabled",
        TotpAlreadyEnabled = "totp_already_enabled",
        Staff2faRequired = "staff_2fa_required",
        AccountDisabled = "account_disabled",
        AccountInUse = "account_in_use",
        AlreadyRegistered = "already_registered",
        EmailTaken = "email_taken",
        UsernameTaken = "username_taken",
        // Sanctions and moderation.
        AccountSuspended = "account_suspended",
        AccountBanned = "account_banned",
        AccountMuted = "account_muted",
        TradeBanned = "trade_banned",
        WithdrawalHeld = "withdrawal_held",
        ConflictOfInterest = "conflict_of_interest",
        AppealWindowClosed = "appeal_window_closed",
        AlreadyAppealed = "already_appealed",
        AlreadyReported = "already_reported",
        // Offers and trades.
        OfferNotOpen = "offer_not_open",
        OfferChanged = "offer_changed",
        OfferHasOpenTrades = "offer_has_open_trades",
        OfferTradeLimit = "offer_trade_limit",
        OpenTradeLimit = "open_trade_limit",
        SelfTrade = "self_trade",
        /// A margin offer's currency has no fresh market price (the stale-feed breaker).
        PriceFeedStale = "price_feed_stale",
        /// The offer's owner blocked the caller, or trusts only others.
        TakerNotAllowed = "taker_not_allowed",
        /// The caller has fewer completed trades than the offer asks.
        ReputationTooLow = "reputation_too_low",
        /// The amount is above the offer's limit for a first trade with its owner.
        FirstTradeLimit = "first_trade_limit",
        InvalidTransition = "invalid_transition",
        TradeNotCompleted = "trade_not_completed",
        AlreadyReviewed = "already_reviewed",
        // Money.
        InsufficientFunds = "insufficient_funds",
        AmountTooLarge = "amount_too_large",
        IdempotencyKeyReused = "idempotency_key_reused",
        // Notifications and account mail.
        WebhookLimit = "webhook_limit",
        InvalidEmailToken = "invalid_email_token",
        // API keys.
        /// An API key that is unknown, revoked or expired.
        InvalidApiKey = "invalid_api_key",
        /// The key's allow-list does not hold the client's address.
        ApiKeyIpRefused = "api_key_ip_refused",
        /// The key lacks the scope the call needs, or no key may make the call.
        InsufficientScope = "insufficient_scope",
        /// A money-moving call with a key that is not signed.
        SignatureRequired = "signature_required",
        /// The signature does not match the request.
        InvalidSignature = "invalid_signature",
        /// The signed timestamp is outside the accepted window.
        StaleSignature = "stale_signature",
        /// The nonce was already used with this key.
        NonceReused = "nonce_reused",
    }
}

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// One of the codes listed in docs/ARCHITECTURE.md.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: ErrorCode,
    /// For people: a lower-case fragment, never internal details.
    pub message: String,
    /// The request field that is wrong, when one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Further named facts (e.g. a login's `mfa_token`).
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}
