//! The bot API (issue 15 item 5): personal API keys with scopes, an address allow-list and
//! an expiry; money-moving calls signed with a nonce; the user's events as Server-Sent
//! Events; the schemes in the OpenAPI document; rate-limit headers on every answer.
//! Signatures are made here with the `hmac` crate, not the service's code.

use std::time::Duration;

use hmac::{Hmac, Mac};
use pupero_api::ErrorCode;
use pupero_api::api_keys::{ApiKeyView, CreatedApiKey};
use pupero_api::trades::TradeView;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{Options, Party, TestApp, db_test, error_code, error_of, typed};
use crate::trading::market;

const ADDRESS: &str = "45MtP6Jy2o93QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMghfY9U";

/// Withdrawals are accepted (a wallet is configured) and wait: nothing answers there.
fn with_a_wallet() -> Options {
    Options::with(&[
        "--monero-rpc-url",
        "http://127.0.0.1:9",
        "--monerod-url",
        "http://127.0.0.1:9",
    ])
}

pub(crate) async fn make_key(app: &TestApp, who: &Party, body: Value) -> CreatedApiKey {
    let (status, body) = app.post("/auth/api-keys", who.t(), body).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    typed(&body)
}

async fn keys_of(app: &TestApp, who: &Party) -> Vec<ApiKeyView> {
    let (status, body) = app.get("/auth/api-keys", who.t()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    typed(&body)
}

async fn answer(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A call with `Authorization: ApiKey <key>`.
async fn with_key(
    app: &TestApp,
    method: &str,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = app
        .http
        .request(method, format!("{}{path}", app.gateway))
        .header("authorization", format!("ApiKey {key}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    answer(req.send().await.unwrap()).await
}

fn sign(key: &str, method: &str, path: &str, timestamp: &str, nonce: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(format!("{method}\n{path}\n{timestamp}\n{nonce}\n").as_bytes());
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn now_secs() -> i64 {
    pupero_db::now_ms() / 1000
}

fn nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A signed call: `Authorization: ApiKey` carries only the key's public part; the body
/// is sent exactly as signed.
pub(crate) struct Signed<'a> {
    key: &'a CreatedApiKey,
    method: &'a str,
    path: &'a str,
    body: String,
    timestamp: i64,
    nonce: String,
}

impl<'a> Signed<'a> {
    pub(crate) fn new(key: &'a CreatedApiKey, method: &'a str, path: &'a str, body: Value) -> Self {
        Self {
            key,
            method,
            path,
            body: body.to_string(),
            timestamp: now_secs(),
            nonce: nonce(),
        }
    }

    async fn send_with(&self, app: &TestApp, signature: &str, body: &str) -> (StatusCode, Value) {
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).unwrap();
        let resp = app
            .http
            .request(method, format!("{}{}", app.gateway, self.path))
            .header(
                "authorization",
                format!("ApiKey {}", self.key.api_key.prefix),
            )
            .header("x-pupero-timestamp", self.timestamp.to_string())
            .header("x-pupero-nonce", &self.nonce)
            .header("x-pupero-signature", signature)
            // Withdrawals need one; unsigned headers are not part of the signature.
            .header("idempotency-key", &self.nonce)
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        answer(resp).await
    }

    fn signature(&self) -> String {
        sign(
            &self.key.key,
            self.method,
            self.path,
            &self.timestamp.to_string(),
            &self.nonce,
            self.body.as_bytes(),
        )
    }

    pub(crate) async fn send(&self, app: &TestApp) -> (StatusCode, Value) {
        self.send_with(app, &self.signature(), &self.body).await
    }
}

pub(crate) fn open_body(offer: i64) -> Value {
    json!({"offer_id": offer, "amount": "0.5", "price": "150.00"})
}

async fn trade_count(app: &TestApp, who: &Party) -> u64 {
    let (status, body) = app.get("/transactions/trades", who.t()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["total"].as_u64().unwrap()
}

db_test! {
    async fn a_key_is_shown_once_listed_by_its_prefix_and_refused_at_once_when_revoked(app) {
        let alice = app.party("alice").await;
        let created = make_key(&app, &alice, json!({"name": "my bot", "scopes": ["trade", "read", "read"]})).await;
        assert!(created.key.starts_with(&format!("{}_", created.api_key.prefix)), "{}", created.key);
        assert_eq!(created.api_key.scopes, ["read", "trade"]);
        let listed = keys_of(&app, &alice).await;
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].prefix.as_str(), listed[0].name.as_deref()), (created.api_key.prefix.as_str(), Some("my bot")));
        assert!(listed[0].last_used_at.is_none());
        // The secret is never shown again, and the database holds only its hash.
        let (_, raw) = app.get("/auth/api-keys", alice.t()).await;
        // The secret is everything after the prefix: it is base64url, so it may hold `_`.
        let secret = created.key.strip_prefix(&format!("{}_", created.api_key.prefix)).unwrap();
        assert!(secret.len() >= 40, "{}", created.key);
        assert!(!raw.to_string().contains(secret));
        let row = pupero_login::entity::api_key::Entity::find()
            .filter(pupero_login::entity::api_key::Column::Prefix.eq(created.api_key.prefix.clone()))
            .one(&app.db).await.unwrap().unwrap();
        assert!(!row.key_hash.contains(secret) && !row.signing_secret.contains(secret));
        assert!(row.signing_secret.starts_with("v1:"));

        // The key acts as alice.
        let (status, body) = with_key(&app, "GET", "/auth/me", &created.key, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["id"], json!(alice.id));
        assert!(keys_of(&app, &alice).await[0].last_used_at.is_some());
        // A key with a wrong secret is no key.
        let forged = format!("{}_{}", created.api_key.prefix, "A".repeat(43));
        let (status, body) = with_key(&app, "GET", "/auth/me", &forged, None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidApiKey));

        // Someone else cannot revoke it; its owner can, and the next call is refused.
        let bob = app.party("bob").await;
        let (status, _) = app.call("DELETE", &format!("/auth/api-keys/{}", created.api_key.id), bob.t(), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, body) = app.call("DELETE", &format!("/auth/api-keys/{}", created.api_key.id), alice.t(), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, body) = with_key(&app, "GET", "/auth/me", &created.key, None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidApiKey));
        assert!(error_of(&body).message.contains("revoked"), "{body}");
        assert!(keys_of(&app, &alice).await.is_empty());
    }
}

db_test! {
    async fn a_bad_key_request_names_its_field_and_makes_nothing(app) {
        let alice = app.party("alice").await;
        for (body, field) in [
            (json!({"scopes": []}), "scopes"),
            (json!({"scopes": ["admin"]}), "scopes"),
            (json!({"scopes": ["read"], "allowed_ips": ["10.0.0.0/33"]}), "allowed_ips"),
            (json!({"scopes": ["read"], "allowed_ips": ["example.com"]}), "allowed_ips"),
            (json!({"scopes": ["read"], "expires_at": "2001-01-01T00:00:00Z"}), "expires_at"),
            (json!({"scopes": ["read"], "expires_at": "tomorrow"}), "expires_at"),
        ] {
            let (status, answer) = app.post("/auth/api-keys", alice.t(), body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {answer}");
            assert_eq!(error_of(&answer).field.as_deref(), Some(field), "{answer}");
        }
        assert!(keys_of(&app, &alice).await.is_empty());
        // Without a token: no keys at all.
        let (status, _) = app.post("/auth/api-keys", None, json!({"scopes": ["read"]})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

db_test! {
    async fn scopes_decide_what_a_key_may_do_and_no_key_manages_keys_or_acts_as_staff(app, with_a_wallet()) {
        let m = market(&app).await;
        let read = make_key(&app, &m.buyer, json!({"scopes": ["read"]})).await;
        let trade = make_key(&app, &m.buyer, json!({"scopes": ["read", "trade"]})).await;
        let withdraw = make_key(&app, &m.seller, json!({"scopes": ["withdraw"]})).await;

        // read: reads, and nothing else.
        assert_eq!(with_key(&app, "GET", "/offers", &read.key, None).await.0, StatusCode::OK);
        assert_eq!(with_key(&app, "GET", "/transactions/trades", &read.key, None).await.0, StatusCode::OK);
        let (status, body) = with_key(&app, "POST", "/offers", &read.key, Some(json!({"side": "buy"}))).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::InsufficientScope), "{body}");
        let (status, body) = Signed::new(&read, "POST", "/transactions/trades", open_body(m.offer)).send(&app).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::InsufficientScope), "{body}");
        assert_eq!(trade_count(&app, &m.buyer).await, 0);

        // trade: opens a trade (signed), cannot withdraw.
        let (status, body) = Signed::new(&trade, "POST", "/transactions/trades", open_body(m.offer)).send(&app).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let opened: TradeView = typed(&body);
        assert_eq!(opened.buyer_id, m.buyer.id);
        let (status, body) = Signed::new(&trade, "POST", "/transactions/withdraw", json!({"address": ADDRESS, "amount": "0.1"})).send(&app).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::InsufficientScope), "{body}");

        // withdraw: withdraws (signed), cannot read or trade.
        let (status, body) = Signed::new(&withdraw, "POST", "/transactions/withdraw", json!({"address": ADDRESS, "amount": "0.1"})).send(&app).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let (status, body) = with_key(&app, "GET", "/transactions/trades", &withdraw.key, None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::InsufficientScope), "{body}");

        // No key manages keys, the password or 2FA, even with every scope.
        let all = make_key(&app, &m.admin, json!({"scopes": ["read", "trade", "withdraw"]})).await;
        for (method, path, body) in [
            ("POST", "/auth/api-keys", Some(json!({"scopes": ["withdraw"]}))),
            ("GET", "/auth/api-keys", None),
            ("PUT", "/auth/me", Some(json!({"email": "x@example.com"}))),
            ("POST", "/auth/2fa/enable", Some(json!({}))),
            // And an admin's key is no admin.
            ("GET", "/auth/admin/users", None),
            ("POST", "/transactions/admin/adjust", Some(json!({"user_id": m.admin.id, "amount": "1", "reason": "x"}))),
            ("GET", "/monero/balance", None),
        ] {
            let (status, answer) = with_key(&app, method, path, &all.key, body).await;
            assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED), "{method} {path} → {status} {answer}");
        }
        let (status, body) = with_key(&app, "GET", "/auth/admin/users", &all.key, None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::InsufficientScope));
        // Even past the gateway's list, the token a key is forwarded with is of role user.
        let (status, _) = with_key(&app, "GET", &format!("/transactions/balances/{}", m.seller.id), &all.key, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(keys_of(&app, &m.admin).await.len(), 1);
    }
}

db_test! {
    async fn money_moving_calls_need_a_fresh_single_use_signature(app) {
        let m = market(&app).await;
        let key = make_key(&app, &m.buyer, json!({"scopes": ["read", "trade"]})).await;
        let path = "/transactions/trades";

        // Unsigned: refused, whatever else is right.
        let (status, body) = with_key(&app, "POST", path, &key.key, Some(open_body(m.offer))).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::SignatureRequired), "{body}");
        // Only some of the headers.
        let resp = app.http.post(format!("{}{path}", app.gateway))
            .header("authorization", format!("ApiKey {}", key.api_key.prefix))
            .header("x-pupero-nonce", nonce())
            .json(&open_body(m.offer)).send().await.unwrap();
        let (status, body) = answer(resp).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidSignature), "{body}");
        // Signed with another secret.
        let call = Signed::new(&key, "POST", path, open_body(m.offer));
        let wrong = sign("pup_000000000000_wrong", "POST", path, &call.timestamp.to_string(), &call.nonce, call.body.as_bytes());
        let (status, body) = call.send_with(&app, &wrong, &call.body).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidSignature), "{body}");
        // The right signature over another body (a larger amount).
        let tampered = open_body(m.offer).to_string().replace("0.5", "4.5");
        let (status, body) = call.send_with(&app, &call.signature(), &tampered).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidSignature), "{body}");
        // Stale: ten minutes old.
        let mut stale = Signed::new(&key, "POST", path, open_body(m.offer));
        stale.timestamp -= 600;
        let (status, body) = stale.send(&app).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::StaleSignature), "{body}");
        assert_eq!(trade_count(&app, &m.buyer).await, 0, "no refused call opened a trade");

        // Right: opens one trade; the same call again is a replay.
        let (status, body) = call.send(&app).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = call.send(&app).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::NonceReused), "{body}");
        assert_eq!(trade_count(&app, &m.buyer).await, 1);

        // A step is money-moving too; the seller's key marks nothing of the buyer's.
        let t: TradeView = typed(&body_of_trade(&app, &m.buyer).await);
        let step = format!("/transactions/trades/{}/paid", t.id);
        let (status, body) = with_key(&app, "POST", &step, &key.key, Some(json!({}))).await;
        assert_eq!(error_code(&body), ErrorCode::SignatureRequired, "{status} {body}");
        let (status, body) = Signed::new(&key, "POST", &step, json!({})).send(&app).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // Reads need no signature, but a signed read works too.
        assert_eq!(Signed::new(&key, "GET", "/transactions/trades", json!(null)).send(&app).await.0, StatusCode::OK);
    }
}

async fn body_of_trade(app: &TestApp, who: &Party) -> Value {
    let (status, body) = app.get("/transactions/trades", who.t()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"][0].clone()
}

db_test! {
    async fn an_allow_list_an_expiry_and_the_account_standing_are_checked_at_use(app) {
        let alice = app.party("alice").await;
        let elsewhere = make_key(&app, &alice, json!({"scopes": ["read"], "allowed_ips": ["203.0.113.0/24", "2001:db8::/32"]})).await;
        assert_eq!(elsewhere.api_key.allowed_ips, ["203.0.113.0/24", "2001:db8::/32"]);
        let (status, body) = with_key(&app, "GET", "/auth/me", &elsewhere.key, None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::ApiKeyIpRefused), "{body}");
        let here = make_key(&app, &alice, json!({"scopes": ["read"], "allowed_ips": ["127.0.0.0/8"],
            "expires_at": "2999-01-01T00:00:00Z"})).await;
        assert_eq!(with_key(&app, "GET", "/auth/me", &here.key, None).await.0, StatusCode::OK);

        // Past its expiry (set in the database, so the test waits for no clock).
        pupero_login::entity::api_key::Entity::update_many()
            .col_expr(pupero_login::entity::api_key::Column::ExpiresAtMs, sea_orm::sea_query::Expr::value(pupero_db::now_ms() - 1))
            .filter(pupero_login::entity::api_key::Column::Id.eq(here.api_key.id))
            .exec(&app.db).await.unwrap();
        let (status, body) = with_key(&app, "GET", "/auth/me", &here.key, None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidApiKey), "{body}");
        assert!(error_of(&body).message.contains("expired"), "{body}");

        // A disabled account's key is refused from the next call.
        let admin = app.staff("admin", pupero_core::Role::Admin).await;
        let key = make_key(&app, &alice, json!({"scopes": ["read"]})).await;
        assert_eq!(with_key(&app, "GET", "/offers", &key.key, None).await.0, StatusCode::OK);
        let (status, body) = app.post(&format!("/auth/admin/users/{}/disable", alice.id), admin.t(), json!({"disabled": true})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = with_key(&app, "GET", "/offers", &key.key, None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::AccountDisabled), "{body}");
    }
}

/// Reads Server-Sent Events from a streaming answer until one of `kind` arrives:
/// (the `id:` field, data).
async fn next_event(
    resp: &mut reqwest::Response,
    buffer: &mut String,
    kind: &str,
) -> (String, Value) {
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
            };
            if field("event:").as_deref() == Some(kind) {
                let data: Value = serde_json::from_str(&field("data:").unwrap()).unwrap();
                // `id:` is where a resumed stream goes on from: this event's id, followed by
                // any lower ids still uncommitted (see event_stream.rs).
                let cursor = field("id:").unwrap();
                let id = data["id"].as_i64().unwrap();
                assert!(
                    cursor == id.to_string() || cursor.starts_with(&format!("{id}~")),
                    "{cursor}"
                );
                return (cursor, data);
            }
        }
        let chunk = tokio::time::timeout(Duration::from_secs(30), resp.chunk())
            .await
            .expect("an event within 30 s")
            .unwrap()
            .expect("the stream stays open");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

db_test! {
    async fn the_event_stream_brings_a_trade_opened_on_the_users_offer_and_resumes(app) {
        let m = market(&app).await;
        let key = make_key(&app, &m.seller, json!({"scopes": ["read"]})).await;
        let mut stream = app.http.get(format!("{}/notifications/stream", app.gateway))
            .header("authorization", format!("ApiKey {}", key.key))
            .send().await.unwrap();
        assert_eq!(stream.status(), StatusCode::OK);
        assert!(stream.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        assert!(stream.headers().contains_key("ratelimit-remaining"));

        let first = app.trade(&m.buyer, m.offer, "1").await;
        let mut buffer = String::new();
        let (cursor, data) = next_event(&mut stream, &mut buffer, "trade_opened").await;
        assert_eq!(data["trade_id"].as_i64(), Some(first));
        let id = data["id"].as_i64().unwrap();
        drop(stream);

        // Missed while away: a new stream from the last seen id brings it (with a token
        // this time).
        let second = app.trade(&m.buyer, m.offer, "0.5").await;
        let mut resumed = app.http.get(format!("{}/notifications/stream", app.gateway))
            .bearer_auth(&m.seller.token)
            .header("last-event-id", cursor)
            .send().await.unwrap();
        assert_eq!(resumed.status(), StatusCode::OK);
        let mut buffer = String::new();
        let (_, data) = next_event(&mut resumed, &mut buffer, "trade_opened").await;
        assert!(data["id"].as_i64().unwrap() > id);
        assert_eq!(data["trade_id"].as_i64(), Some(second));

        // A bad id is refused, and so is a stream without credentials.
        let resp = app.http.get(format!("{}/notifications/stream", app.gateway))
            .bearer_auth(&m.seller.token).header("last-event-id", "x").send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let resp = app.http.get(format!("{}/notifications/stream", app.gateway)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
}

db_test! {
    async fn every_answer_says_the_budget_and_a_refusal_says_when_to_retry(app, Options::with(&["--gateway-rate-per-minute", "5"])) {
        let mut last_remaining = None;
        let mut refused = None;
        for _ in 0..12 {
            let resp = app.http.get(format!("{}/offers", app.gateway)).send().await.unwrap();
            let header = |name: &str| resp.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(header("ratelimit-limit").as_deref(), Some("5"));
            assert_eq!(header("ratelimit-policy").as_deref(), Some("5;w=60"));
            let remaining: u32 = header("ratelimit-remaining").unwrap().parse().unwrap();
            assert!(header("ratelimit-reset").unwrap().parse::<u64>().unwrap() <= 60);
            if resp.status() == StatusCode::TOO_MANY_REQUESTS {
                refused = Some((remaining, header("retry-after")));
                let (_, body) = answer(resp).await;
                assert_eq!(error_code(&body), ErrorCode::RateLimited);
                break;
            }
            assert_eq!(resp.status(), StatusCode::OK);
            if let Some(before) = last_remaining {
                assert!(remaining < before, "{remaining} after {before}");
            }
            last_remaining = Some(remaining);
        }
        let (remaining, retry_after) = refused.expect("the sixth request in a minute is refused");
        assert_eq!(remaining, 0);
        let retry_after: u64 = retry_after.expect("Retry-After on 429").parse().unwrap();
        assert!((1..=12).contains(&retry_after), "{retry_after}");
        // Errors carry the headers too.
        let resp = app.http.get(format!("{}/nowhere", app.gateway)).send().await.unwrap();
        assert!(resp.headers().contains_key("ratelimit-limit"));
    }
}

db_test! {
    async fn the_openapi_document_says_which_routes_take_a_key_and_which_must_be_signed(app) {
        let (status, spec) = app.get("/api-docs/services/transactions", None).await;
        assert_eq!(status, StatusCode::OK);
        let schemes = &spec["components"]["securitySchemes"];
        assert_eq!(schemes["bearer"]["scheme"], json!("bearer"));
        assert_eq!(schemes["api_key"]["name"], json!("Authorization"));
        assert_eq!(schemes["signed_api_key"]["name"], json!("X-Pupero-Signature"));
        // Each requirement: the schemes it needs together.
        let security = |path: &str, method: &str| -> Vec<Vec<String>> {
            spec["paths"][path][method]["security"].as_array().unwrap().iter()
                .map(|s| s.as_object().unwrap().keys().cloned().collect()).collect()
        };
        let both = vec!["api_key".to_owned(), "signed_api_key".to_owned()];
        assert_eq!(security("/trades", "post"), [vec!["bearer".to_owned()], both.clone()]);
        assert_eq!(spec["paths"]["/trades"]["post"]["x-api-key-scope"], json!("trade"));
        assert_eq!(security("/withdraw", "post"), [vec!["bearer".to_owned()], both]);
        assert_eq!(spec["paths"]["/withdraw"]["post"]["x-api-key-scope"], json!("withdraw"));
        assert_eq!(security("/trades", "get"), [vec!["bearer".to_owned()], vec!["api_key".to_owned()]]);
        assert_eq!(spec["paths"]["/trades"]["get"]["x-api-key-scope"], json!("read"));
        assert_eq!(security("/admin/adjust", "post"), [vec!["bearer".to_owned()]]);
        assert!(spec["paths"]["/admin/adjust"]["post"]["x-api-key"].as_str().unwrap().starts_with("refused"));
        let (_, login) = app.get("/api-docs/services/login", None).await;
        assert!(login["paths"]["/api-keys"]["post"]["x-api-key"].as_str().unwrap().starts_with("refused"));
    }
}

db_test! {
    /// Settings → API keys in the web UI: a form with the CSRF token makes a key and shows
    /// it once; the list shows its prefix; revoking stops it; a form without the token
    /// makes nothing.
    async fn the_settings_page_makes_lists_and_revokes_keys_with_csrf(app) {
        use crate::web::Web;
        let web = Web::new(&app);
        web.register("kim").await;
        let refused = web.post_raw("/settings/api-keys", &[("name", "no token"), ("scope_read", "on")], &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        let shown = web.submit("/settings", "/settings/api-keys",
            &[("name", "web bot"), ("scope_read", "on"), ("allowed_ips", "127.0.0.1, ::1"), ("expires_on", "2999-12-31")]).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
        let marker = "id=\"api-key-secret\">";
        let start = shown.body.find(marker).expect("the key is shown") + marker.len();
        let key = shown.body[start..].split('<').next().unwrap().to_owned();
        assert!(key.starts_with("pup_"), "{key}");
        let (status, me) = with_key(&app, "GET", "/auth/me", &key, None).await;
        assert_eq!(status, StatusCode::OK, "{me}");
        assert_eq!(me["username"], json!("kim"));

        let prefix = &key[..16];
        let settings = web.get("/settings").await;
        assert!(settings.body.contains(prefix) && settings.body.contains("web bot"));
        assert!(!settings.body.contains(&key), "the secret is shown once only");
        let row = pupero_login::entity::api_key::Entity::find()
            .filter(pupero_login::entity::api_key::Column::Prefix.eq(prefix))
            .one(&app.db).await.unwrap().unwrap();
        assert_eq!(row.allowed_ips.as_deref(), Some("127.0.0.1/32,::1/128"));
        assert!(row.expires_at_ms.is_some());

        // A bad range comes back as a message naming it, and makes nothing.
        let bad = web.submit("/settings", "/settings/api-keys", &[("scope_read", "on"), ("allowed_ips", "nowhere")]).await;
        assert_eq!(bad.status, StatusCode::SEE_OTHER);
        assert!(web.follow(&bad).await.body.contains("nowhere"));

        let revoked = web.submit("/settings", &format!("/settings/api-keys/{}/revoke", row.id), &[]).await;
        assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
        let (status, body) = with_key(&app, "GET", "/auth/me", &key, None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidApiKey));
        assert!(web.get("/settings").await.body.contains("No API keys."));
        let rows = pupero_login::entity::api_key::Entity::find().all(&app.db).await.unwrap();
        assert_eq!(rows.len(), 1, "the refused forms made no key");
    }
}
