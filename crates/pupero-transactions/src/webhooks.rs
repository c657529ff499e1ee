//! Users' webhooks: registration, the signed deliveries with retries, and the delivery log.
//!
//! Each event is delivered as a JSON `POST` with
//! `Pupero-Signature: v1=<hex HMAC-SHA256(secret, "<Pupero-Timestamp>.<body>")>`, so a
//! receiver checks it came from us and is fresh (it refuses a timestamp far from its own
//! clock, which bounds replays). A delivery that is not answered 2xx is tried again after
//! `WEBHOOK_RETRY_BASE_SECONDS`, doubling each time, up to `WEBHOOK_MAX_ATTEMPTS`.

use std::net::IpAddr;
use std::time::Duration;

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

use pupero_api::notifications::{WebhookDeliveryView, WebhookEvent, WebhookView};
use pupero_core::{DeliveryStatus, NotificationKind};
use pupero_db::{is_unique_violation, now_ms};
use pupero_http::rfc3339;
use sea_orm::DbErr;

use crate::TransactionsState;
use crate::entity::{notification, webhook, webhook_delivery};
use crate::store::notifications as notification_store;
use crate::store::webhooks::{self as store, Attempted, NewWebhook};

/// How many live webhooks one user may have.
pub const MAX_PER_USER: u64 = 5;
const MAX_URL: usize = 500;

/// The headers of a delivery (documented in SECURITY.md).
pub const SIGNATURE_HEADER: &str = "pupero-signature";
pub const TIMESTAMP_HEADER: &str = "pupero-timestamp";
pub const EVENT_HEADER: &str = "pupero-event";
pub const DELIVERY_HEADER: &str = "pupero-delivery";

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("you already have {MAX_PER_USER} webhooks; delete one first")]
    TooMany,
    #[error("no such webhook")]
    NotFound,
    #[error("a webhook secret could not be made or read: {0}")]
    Secret(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Retry and safety rules, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryPolicy {
    pub retry_base: Duration,
    pub max_attempts: i32,
    /// Production: only hosts that are not literal private, loopback or link-local
    /// addresses (a webhook must not make the platform call its own network).
    pub public_only: bool,
}

fn invalid(field: &'static str, message: impl Into<String>) -> WebhookError {
    WebhookError::Invalid {
        field,
        message: message.into(),
    }
}

/// Checks a webhook URL as the policy wants it.
pub fn check_url(raw: &str, public_only: bool) -> Result<reqwest::Url, WebhookError> {
    if raw.is_empty() || raw.len() > MAX_URL {
        return Err(invalid("url", format!("url: 1 to {MAX_URL} characters")));
    }
    let url = reqwest::Url::parse(raw).map_err(|e| invalid("url", format!("url: {e}")))?;
    let host = url
        .host_str()
        .ok_or_else(|| invalid("url", "url: a host is required"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "url",
            "url: credentials in the URL are not allowed",
        ));
    }
    match url.scheme() {
        "http" => {}
        // The HTTP client is built without a TLS stack (see ARCHITECTURE.md): refusing
        // here says so at once instead of failing every delivery later.
        "https" => {
            return Err(invalid(
                "url",
                "url: this server cannot deliver to https:// yet; use http:// (e.g. a TLS relay you run)",
            ));
        }
        other => return Err(invalid("url", format!("url: scheme {other} is not http"))),
    }
    if public_only {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let private = match host.parse::<IpAddr>() {
            Ok(IpAddr::V4(ip)) => {
                ip.is_private() || ip.is_loopback() || ip.is_link_local() || ip.is_unspecified()
            }
            Ok(IpAddr::V6(ip)) => ip.is_loopback() || ip.is_unspecified() || ip.is_unique_local(),
            Err(_) => host.eq_ignore_ascii_case("localhost") || host.ends_with(".localhost"),
        };
        if private {
            return Err(invalid(
                "url",
                "url: must name a public host, not a private or loopback address",
            ));
        }
    }
    Ok(url)
}

fn events_text(events: &[NotificationKind]) -> String {
    let mut events = events.to_vec();
    events.sort();
    events.dedup();
    events
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn events_of(w: &webhook::Model) -> Vec<NotificationKind> {
    w.events.split(',').filter_map(|k| k.parse().ok()).collect()
}

fn wants(w: &webhook::Model, kind: NotificationKind) -> bool {
    w.events.is_empty() || events_of(w).contains(&kind)
}

pub fn view(w: &webhook::Model) -> WebhookView {
    WebhookView {
        id: w.id,
        url: w.url.clone(),
        events: events_of(w),
        created_at: rfc3339(w.created_at_ms),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The value of `Pupero-Signature` for `body` sent at `timestamp` (Unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut signed = hmac::Context::with_key(&key);
    signed.update(timestamp.to_string().as_bytes());
    signed.update(b".");
    signed.update(body);
    format!("v1={}", hex(signed.sign().as_ref()))
}

/// Registers a webhook for `user_id`; answers it with its secret (shown this once).
pub async fn register(
    state: &TransactionsState,
    user_id: i64,
    url: &str,
    events: &[NotificationKind],
) -> Result<(WebhookView, String), WebhookError> {
    let url = check_url(url.trim(), state.webhook_policy.public_only)?;
    if store::count_live(&state.db, user_id).await? >= MAX_PER_USER {
        return Err(WebhookError::TooMany);
    }
    let mut raw = [0u8; 32];
    SystemRandom::new()
        .fill(&mut raw)
        .map_err(|_| WebhookError::Secret("no randomness".into()))?;
    let secret = hex(&raw);
    let sealed = state
        .webhook_key
        .seal(&secret, &format!("webhook-owner:{user_id}"))
        .map_err(|e| WebhookError::Secret(e.to_string()))?;
    let events = events_text(events);
    let now = now_ms();
    let id = store::insert(
        &state.db,
        NewWebhook {
            user_id,
            url: url.as_str(),
            secret: &sealed,
            events: &events,
            now_ms: now,
        },
    )
    .await?;
    let saved = store::find(&state.db, id)
        .await?
        .ok_or(WebhookError::NotFound)?;
    Ok((view(&saved), secret))
}

pub fn delivery_view(d: &webhook_delivery::Model) -> WebhookDeliveryView {
    WebhookDeliveryView {
        id: d.id,
        notification_id: d.notification_id,
        status: d.status,
        attempts: d.attempts,
        last_status: d.last_status,
        last_error: d.last_error.clone(),
        next_attempt_at: (d.status == DeliveryStatus::Pending)
            .then(|| rfc3339(d.next_attempt_at_ms)),
        created_at: rfc3339(d.created_at_ms),
        delivered_at: d.delivered_at_ms.map(rfc3339),
    }
}

/// Queues a delivery of each of `notices` to each of its owner's webhooks that wants its
/// kind, with one lookup of the owners' webhooks. Run by the dispatcher, possibly again
/// after a crash: the unique key keeps one per webhook and notice.
pub async fn enqueue_for(
    state: &TransactionsState,
    notices: &[notification::Model],
) -> Result<usize, DbErr> {
    let mut owners: Vec<i64> = notices.iter().map(|n| n.user_id).collect();
    owners.sort_unstable();
    owners.dedup();
    let hooks = store::live_of_many(&state.db, &owners).await?;
    let mut queued = 0;
    for n in notices {
        for w in hooks.iter().filter(|w| w.user_id == n.user_id) {
            if !wants(w, n.kind) {
                continue;
            }
            match store::insert_delivery(&state.db, w.id, n.id, n.user_id, now_ms()).await {
                Ok(()) => queued += 1,
                Err(e) if is_unique_violation(&e) => {}
                Err(e) => return Err(e),
            }
        }
    }
    if queued > 0 {
        state.webhook_wake.notify_one();
    }
    Ok(queued)
}

/// The wait before attempt `attempts + 1`: the base, doubled per attempt made.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(0);
    base.saturating_mul(1u32 << doublings)
}

/// Tries every due delivery once; returns how many were accepted.
pub async fn deliver_due(state: &TransactionsState) -> Result<usize, DbErr> {
    let due = store::due_deliveries(&state.db, now_ms(), 50).await?;
    let mut delivered = 0;
    for d in due {
        if attempt(state, &d).await? {
            delivered += 1;
        }
    }
    Ok(delivered)
}

/// One attempt at one delivery, recorded in its row.
async fn attempt(state: &TransactionsState, d: &webhook_delivery::Model) -> Result<bool, DbErr> {
    let policy = state.webhook_policy;
    let attempts = d.attempts.saturating_add(1);
    let hook = store::find(&state.db, d.webhook_id).await?;
    let n = notification_store::find_owned(&state.db, d.notification_id, d.user_id).await?;
    let (Some(hook), Some(n)) = (hook, n) else {
        return give_up(
            state,
            d,
            attempts,
            "the webhook or its event no longer exists",
        )
        .await;
    };
    if hook.deleted_at_ms.is_some() {
        return give_up(state, d, attempts, "the webhook was deleted").await;
    }
    let secret = match state
        .webhook_key
        .open(&hook.secret, &format!("webhook-owner:{}", hook.user_id))
    {
        Ok(secret) => secret,
        Err(e) => return give_up(state, d, attempts, &e.to_string()).await,
    };
    let event = WebhookEvent {
        delivery_id: d.id,
        event: n.kind,
        notification: crate::notifications::view(&n),
    };
    let body = serde_json::to_vec(&event).unwrap_or_default();
    let timestamp = now_ms() / 1000;
    let sent = state
        .webhook_http
        .post(&hook.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, signature(&secret, timestamp, &body))
        .header(EVENT_HEADER, n.kind.as_str())
        .header(DELIVERY_HEADER, d.id.to_string())
        .body(body)
        .send()
        .await;
    let (http_status, error) = match sent {
        Ok(answer) if answer.status().is_success() => {
            let status = i32::from(answer.status().as_u16());
            store::record_attempt(
                &state.db,
                d.id,
                d.attempts,
                Attempted {
                    status: DeliveryStatus::Delivered,
                    attempts,
                    next_attempt_at_ms: now_ms(),
                    http_status: Some(status),
                    error: None,
                    delivered_at_ms: Some(now_ms()),
                },
            )
            .await?;
            return Ok(true);
        }
        Ok(answer) => (
            Some(i32::from(answer.status().as_u16())),
            format!("answered {}", answer.status()),
        ),
        Err(e) if e.is_timeout() => (None, "timed out".to_owned()),
        Err(e) if e.is_connect() => (None, "connection refused or unreachable".to_owned()),
        Err(e) => (None, format!("request failed: {e}")),
    };
    let status = if attempts >= policy.max_attempts {
        DeliveryStatus::Failed
    } else {
        DeliveryStatus::Pending
    };
    let wait = i64::try_from(backoff(policy.retry_base, attempts).as_millis()).unwrap_or(i64::MAX);
    let error: String = error.chars().take(300).collect();
    store::record_attempt(
        &state.db,
        d.id,
        d.attempts,
        Attempted {
            status,
            attempts,
            next_attempt_at_ms: now_ms().saturating_add(wait),
            http_status,
            error: Some(&error),
            delivered_at_ms: None,
        },
    )
    .await?;
    Ok(false)
}

async fn give_up(
    state: &TransactionsState,
    d: &webhook_delivery::Model,
    attempts: i32,
    why: &str,
) -> Result<bool, DbErr> {
    store::record_attempt(
        &state.db,
        d.id,
        d.attempts,
        Attempted {
            status: DeliveryStatus::Failed,
            attempts,
            next_attempt_at_ms: now_ms(),
            http_status: None,
            error: Some(why),
            delivered_at_ms: None,
        },
    )
    .await?;
    Ok(false)
}

/// Delivers when woken (a new delivery) and every second, until `shutdown` turns true.
pub fn spawn_deliverer(
    state: TransactionsState,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = deliver_due(&state).await {
                tracing::warn!(error = %e, "webhook deliveries: database unavailable; will retry");
            }
            tokio::select! {
                () = state.webhook_wake.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base() {
        let base = Duration::from_secs(10);
        assert_eq!(backoff(base, 1), Duration::from_secs(10));
        assert_eq!(backoff(base, 2), Duration::from_secs(20));
        assert_eq!(backoff(base, 4), Duration::from_secs(80));
    }

    #[test]
    fn production_refuses_private_hosts() {
        assert!(check_url("http://bot.example.com/hook", true).is_ok());
        for url in [
            "http://127.0.0.1/hook",
            "http://10.1.2.3/hook",
            "http://[::1]/hook",
            "http://localhost/hook",
            "http://user:pw@bot.example.com/hook",
            "ftp://bot.example.com/hook",
            "https://bot.example.com/hook",
        ] {
            assert!(check_url(url, true).is_err(), "{url}");
        }
        assert!(check_url("http://127.0.0.1:9000/hook", false).is_ok());
    }
}
