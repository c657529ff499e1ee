//! Security events: one structured log line each (target `pupero::security`, a stable
//! `event` field a log collector can match) and one count in the service's
//! `pupero_security_events_total{event}`, so an alert sees a spike and the log says who.

use crate::metric_set::MetricSet;

pupero_core::string_enum! {
    /// What happened. The spelling is the `event` field of the log line and the label.
    pub enum SecurityEvent ("security event") {
        /// A wrong password (or an unknown account) at sign-in.
        SignInFailed = "sign_in_failed",
        /// A client reached `LOGIN_MAX_FAILURES` and is locked out of an account.
        Lockout = "lockout",
        /// A wrong or replayed second-factor code, wherever one is asked for.
        TotpFailed = "totp_failed",
        /// An admin changed an account's role.
        RoleChanged = "role_changed",
        /// An admin disabled an account.
        AccountDisabled = "account_disabled",
        /// An admin enabled an account again.
        AccountEnabled = "account_enabled",
        /// An admin ended every session of an account.
        ForcedLogout = "forced_logout",
        /// A refresh was refused because the account is disabled (not a theft alarm).
        SessionEndedAccountDisabled = "session_ended_account_disabled",
        /// A spent refresh token was shown again: every session of the account ends.
        RefreshTokenReused = "refresh_token_reused",
        /// An admin credited or debited a balance.
        BalanceAdjusted = "balance_adjusted",
        /// An admin moved money between two users.
        BalanceTransferred = "balance_transferred",
        /// A seller released escrow to the buyer.
        EscrowReleased = "escrow_released",
        /// A moderator decided a dispute.
        DisputeResolved = "dispute_resolved",
    }
}

pub const METRIC: &str = "pupero_security_events_total";
const HELP: &str = "Security events by kind (the log line with target pupero::security says who)";

/// Shows `events` at 0 on this service's `/metrics` before the first one happens.
pub fn declare(metrics: &MetricSet, events: &[SecurityEvent]) {
    for e in events {
        metrics.declare_counter(METRIC, HELP, &[("event", e.as_str())]);
    }
}

/// Logs and counts one event. `user_id` is the account it concerns, `actor_id` who did it
/// (when someone other than the user did), `detail` a short fact (never a secret).
pub fn record(
    metrics: &MetricSet,
    event: SecurityEvent,
    user_id: Option<i64>,
    actor_id: Option<i64>,
    detail: &str,
) {
    metrics.increment(METRIC, HELP, &[("event", event.as_str())]);
    tracing::warn!(
        target: "pupero::security",
        event = event.as_str(),
        user_id,
        actor_id,
        detail,
        "security event"
    );
}
