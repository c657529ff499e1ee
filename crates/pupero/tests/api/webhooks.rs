//! Signed webhooks: a receiver in the test checks each request's signature with its own
//! HMAC-SHA256 (the `hmac` crate, not the service's code), fails the first attempt, and
//! sees the retry; the owner reads the delivery log, and nobody else can.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use hmac::{Hmac, Mac};
use pupero_api::notifications::{WebhookCreated, WebhookDeliveryView, WebhookEvent, WebhookView};
use pupero_api::{ErrorCode, Paged};
use pupero_core::{DeliveryStatus, NotificationKind as K};
use reqwest::StatusCode;
use serde_json::json;
use sha2::Sha256;

use crate::helpers::{Options, db_test, error_code, error_field, typed};
use crate::trading::market;

/// What the receiver saw: each request's verdict on its signature, and its body.
#[derive(Default)]
struct Seen {
    requests: Vec<(bool, Option<WebhookEvent>)>,
    secret: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks `Pupero-Signature` as a bot would: HMAC-SHA256 over `timestamp + "." + body`.
fn signature_holds(secret: &str, headers: &HeaderMap, body: &[u8]) -> bool {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let timestamp = header("pupero-timestamp");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    let expected = format!("v1={}", hex(&mac.finalize().into_bytes()));
    let fresh = timestamp
        .parse::<i64>()
        .is_ok_and(|t| (t - pupero_db::now_ms() / 1000).abs() < 300);
    fresh && header("pupero-signature") == expected
}

/// A receiver on a free port that answers 500 to its first request and 200 after.
async fn receiver(seen: Arc<Mutex<Seen>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            async move {
                let mut seen = seen.lock().unwrap();
                let valid = signature_holds(&seen.secret, &headers, &body);
                seen.requests
                    .push((valid, serde_json::from_slice(&body).ok()));
                if seen.requests.len() == 1 {
                    AxumStatus::INTERNAL_SERVER_ERROR
                } else {
                    AxumStatus::OK
                }
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

db_test! {
    async fn deliveries_are_signed_retried_and_logged(app, Options::with(&[
        "--login-rate-per-minute", "100000", "--register-rate-per-hour", "100000",
        "--webhook-retry-base-seconds", "1",
    ])) {
        let m = market(&app).await;
        let seen = Arc::new(Mutex::new(Seen::default()));
        let url = receiver(seen.clone()).await;
        let (status, body) = app.post("/notifications/webhooks", m.seller.t(),
            json!({"url": url, "events": ["trade_paid", "trade_opened"]})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let created: WebhookCreated = typed(&body);
        assert_eq!(created.secret.len(), 64);
        assert_eq!(created.webhook.events, [K::TradeOpened, K::TradePaid]);
        seen.lock().unwrap().secret = created.secret.clone();
        // The secret is shown once: the list leaves it out.
        let (_, listed) = app.get("/notifications/webhooks", m.seller.t()).await;
        assert!(!listed.to_string().contains(&created.secret));
        assert_eq!(typed::<Vec<WebhookView>>(&listed), std::slice::from_ref(&created.webhook));

        let t = app.trade(&m.buyer, m.offer, "1").await;
        let log_path = format!("/notifications/webhooks/{}/deliveries", created.webhook.id);
        let mut log = Paged { items: Vec::new(), total: 0, limit: 0, offset: 0 };
        for _ in 0..150 {
            let (status, body) = app.get(&log_path, m.seller.t()).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            log = typed::<Paged<WebhookDeliveryView>>(&body);
            if log.items.first().is_some_and(|d| d.status == DeliveryStatus::Delivered) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let d = &log.items[0];
        assert_eq!((log.total, d.status, d.attempts, d.last_status), (1, DeliveryStatus::Delivered, 2, Some(200)));
        assert!(d.delivered_at.is_some() && d.last_error.is_none(), "{d:?}");
        {
            let seen = seen.lock().unwrap();
            assert_eq!(seen.requests.len(), 2, "one failure, one retry");
            assert!(seen.requests.iter().all(|(valid, _)| *valid), "every request is signed with the secret");
            let event = seen.requests[1].1.clone().expect("a WebhookEvent body");
            assert_eq!((event.event, event.notification.trade_id, event.delivery_id), (K::TradeOpened, Some(t), d.id));
        }

        // A kind the webhook did not ask for is not sent; one it did is.
        app.post(&format!("/transactions/trades/{t}/messages"), m.buyer.t(), json!({"body": "hi"})).await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        for _ in 0..150 {
            if seen.lock().unwrap().requests.len() >= 3 { break; }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let kinds: Vec<K> = seen.lock().unwrap().requests.iter().filter_map(|(_, e)| e.as_ref().map(|e| e.event)).collect();
        assert_eq!(kinds, [K::TradeOpened, K::TradeOpened, K::TradePaid]);

        // Another user sees nothing of it and cannot delete it.
        assert_eq!(app.get(&log_path, m.buyer.t()).await.0, StatusCode::NOT_FOUND);
        let hook = format!("/notifications/webhooks/{}", created.webhook.id);
        let (status, body) = app.call("DELETE", &hook, m.buyer.t(), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let (_, theirs) = app.get("/notifications/webhooks", m.buyer.t()).await;
        assert_eq!(typed::<Vec<WebhookView>>(&theirs), []);
        assert_eq!(app.call("DELETE", &hook, m.seller.t(), None).await.0, StatusCode::NO_CONTENT);
        assert_eq!(app.call("DELETE", &hook, m.seller.t(), None).await.0, StatusCode::NOT_FOUND);
        // The log of a deleted webhook stays readable by its owner.
        assert_eq!(app.get(&log_path, m.seller.t()).await.0, StatusCode::OK);
    }
}

db_test! {
    async fn bad_webhooks_are_refused(app) {
        let user = app.party("bot").await;
        for (body, field) in [
            (json!({"url": "not a url"}), "url"),
            (json!({"url": "ftp://example.com/x"}), "url"),
            (json!({"url": "http://user:pw@example.com/x"}), "url"),
            (json!({"url": format!("http://example.com/{}", "x".repeat(500))}), "url"),
        ] {
            let (status, answer) = app.post("/notifications/webhooks", user.t(), body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
            assert_eq!(error_field(&answer).as_deref(), Some(field));
        }
        let (status, answer) = app.post("/notifications/webhooks", user.t(), json!({"url": "http://example.com/x", "events": ["nope"]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        for i in 0..5 {
            let (status, answer) = app.post("/notifications/webhooks", user.t(), json!({"url": format!("http://example.com/{i}")})).await;
            assert_eq!(status, StatusCode::CREATED, "{answer}");
        }
        let (status, answer) = app.post("/notifications/webhooks", user.t(), json!({"url": "http://example.com/6"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{answer}");
        assert_eq!(error_code(&answer), ErrorCode::WebhookLimit);
        assert_eq!(app.post("/notifications/webhooks", None, json!({"url": "http://example.com/x"})).await.0, StatusCode::UNAUTHORIZED);
    }
}
