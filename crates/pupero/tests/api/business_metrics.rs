//! Issue 13 items 3 and 6: the money an operator watches and the security events, read from
//! each service's own `/metrics` after real trades, a withdrawal and sign-in failures.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{ErrorCode, Options, TestApp, db_test, error_code};
use crate::trading::market;

pub const SCRAPER: &str = "scraper-token-0123456789-abcdefghijklmnop";
const ADDRESS: &str = "45MtP6Jy2o93QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMghfY9U";
const XMR: i128 = 1_000_000_000_000;

fn options() -> Options {
    let mut options = Options::default();
    options.args.extend(
        [
            "--metrics-token",
            SCRAPER,
            "--metrics-interval-seconds",
            "1",
            "--ledger-verify-interval-seconds",
            "1",
            // Withdrawals are accepted (a wallet is configured) and wait: nothing answers.
            "--monero-rpc-url",
            "http://127.0.0.1:9",
            "--monerod-url",
            "http://127.0.0.1:9",
            "--login-max-failures",
            "3",
        ]
        .map(String::from),
    );
    options
}

pub async fn scrape(app: &TestApp, base: &str) -> String {
    let resp = app
        .http
        .get(format!("{base}/metrics"))
        .bearer_auth(SCRAPER)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.text().await.unwrap()
}

/// The value of the sample `name{labels}` (labels exactly as rendered), if present.
pub fn sample(text: &str, name: &str, labels: &str) -> Option<i128> {
    let key = if labels.is_empty() {
        format!("{name} ")
    } else {
        format!("{name}{{{labels}}} ")
    };
    text.lines()
        .find_map(|l| l.strip_prefix(&key))
        .map(|v| v.trim().parse().unwrap())
}

/// Waits (gauges follow the database on a one-second timer) until every expected sample
/// shows its value; fails naming the ones that never did.
async fn expect_samples(app: &TestApp, base: &str, expected: &[(&str, &str, i128)]) -> String {
    let started = Instant::now();
    loop {
        let text = scrape(app, base).await;
        let wrong: Vec<String> = expected
            .iter()
            .filter(|(n, l, v)| sample(&text, n, l) != Some(*v))
            .map(|(n, l, v)| format!("{n}{{{l}}}: want {v}, have {:?}", sample(&text, n, l)))
            .collect();
        if wrong.is_empty() {
            return text;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "gauges never matched: {wrong:#?}\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn withdraw(app: &TestApp, token: &str, amount: &str) {
    let resp = app
        .http
        .post(format!("{}/transactions/withdraw", app.gateway))
        .bearer_auth(token)
        .header("idempotency-key", "metrics-1")
        .json(&json!({"address": ADDRESS, "amount": amount}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
}

db_test! {
    async fn money_gauges_show_exact_piconero_after_trades_and_a_withdrawal(app, options()) {
        let m = market(&app).await; // the seller holds 10 XMR
        let _waiting = app.trade(&m.buyer, m.offer, "2").await;
        let released = app.trade(&m.buyer, m.offer, "1").await;
        assert_eq!(app.step(&m.buyer, released, "paid", json!({})).await.0, StatusCode::OK);
        assert_eq!(app.step(&m.seller, released, "release", json!({})).await.0, StatusCode::OK);
        // A repeated release moves nothing and is not a second event.
        assert_eq!(app.step(&m.seller, released, "release", json!({})).await.0, StatusCode::OK);
        let disputed = app.trade(&m.buyer, m.offer, "0.5").await;
        app.step(&m.buyer, disputed, "paid", json!({})).await;
        let (status, body) = app.step(&m.buyer, disputed, "dispute", json!({"statement": "paid by SEPA"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        withdraw(&app, &m.buyer.token, "0.25").await;

        let tx = app.transactions.clone();
        let text = expect_samples(&app, &tx, &[
            ("pupero_trades", "state=\"awaiting_payment\"", 1),
            ("pupero_trades", "state=\"paid\"", 0),
            ("pupero_trades", "state=\"completed\"", 1),
            ("pupero_trades", "state=\"disputed\"", 1),
            ("pupero_trades", "state=\"cancelled\"", 0),
            // seller 10 - 2 - 1 - 0.5; buyer 1 - 0.25
            ("pupero_user_liabilities_piconero", "account=\"available\"", 6_500_000_000_000 + 750_000_000_000),
            ("pupero_user_liabilities_piconero", "account=\"escrow\"", 2 * XMR + XMR / 2),
            ("pupero_user_liabilities_piconero", "account=\"withdrawing\"", XMR / 4),
            ("pupero_disputes_open", "", 1),
            ("pupero_ledger_verify_consistent", "", 1),
            ("pupero_ledger_verify_problems", "", 0),
            ("pupero_security_events_total", "event=\"balance_adjusted\"", 1),
            ("pupero_security_events_total", "event=\"escrow_released\"", 1),
            ("pupero_security_events_total", "event=\"dispute_resolved\"", 0),
        ]).await;
        // The withdrawal waits (claimed and given back while nothing answers): one pending.
        let pending: i128 = ["queued", "signing", "signed"]
            .iter()
            .filter_map(|s| sample(&text, "pupero_withdrawals_pending", &format!("status=\"{s}\"")))
            .sum();
        assert_eq!(pending, 1, "{text}");
        let age = sample(&text, "pupero_withdrawal_oldest_pending_age_seconds", "").unwrap();
        assert!((0..120).contains(&age), "{age}");
        assert!(sample(&text, "pupero_dispute_oldest_open_age_seconds", "").unwrap() < 120);
        let verified = sample(&text, "pupero_ledger_verify_last_run_timestamp_seconds", "").unwrap();
        let now = i128::from(pupero_db::now_ms() / 1000);
        assert!((now - 30..=now).contains(&verified), "{verified} vs {now}");
        // Only this service's HTTP series are on its port.
        assert!(text.contains("service=\"transactions\""));
        assert!(!text.contains("service=\"login\""), "login's series on transactions' port");

        // A moderator decides the dispute: the escrow moves, the queue empties.
        let (status, body) = app
            .post(&format!("/transactions/trades/{disputed}/resolve"), m.moderator.t(), json!({"outcome": "buyer", "reason": "bank statement"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        expect_samples(&app, &tx, &[
            ("pupero_trades", "state=\"disputed\"", 0),
            ("pupero_disputes_open", "", 0),
            ("pupero_dispute_oldest_open_age_seconds", "", 0),
            ("pupero_user_liabilities_piconero", "account=\"escrow\"", 2 * XMR),
            ("pupero_user_liabilities_piconero", "account=\"available\"", 6_500_000_000_000 + 1_250_000_000_000),
            ("pupero_security_events_total", "event=\"dispute_resolved\"", 1),
        ]).await;
    }
}

db_test! {
    async fn the_ledger_check_reports_an_inconsistency_it_finds(app, options()) {
        let m = market(&app).await;
        let tx = app.transactions.clone();
        expect_samples(&app, &tx, &[("pupero_ledger_verify_consistent", "", 1)]).await;
        // A balance edited by hand, behind the ledger's back.
        use sea_orm::ConnectionTrait;
        let sql = format!("UPDATE ledger_accounts SET balance = balance + 1 WHERE owner_id = {} AND kind = 'available'", m.seller.id);
        app.db.execute_unprepared(&sql).await.unwrap();
        expect_samples(&app, &tx, &[
            ("pupero_ledger_verify_consistent", "", 0),
            // the account's cached balance, and a grand total that is no longer zero
            ("pupero_ledger_verify_problems", "", 2),
        ]).await;
    }
}

db_test! {
    async fn sign_in_failures_lockouts_and_staff_actions_are_counted(app, options()) {
        let (_, admin) = app.privileged("boss", pupero_core::Role::Admin).await;
        let (id, tokens) = app.user("mallory").await;
        for _ in 0..3 {
            let (status, _) = app.post("/auth/login", None, json!({"username": "mallory", "password": "wrong guess here"})).await;
            assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS, "{status}");
        }
        let (status, _) = app.post("/auth/login", None, json!({"username": "nobody", "password": "wrong guess here"})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let a = Some(admin.access.as_str());
        let (status, body) = app.post(&format!("/auth/admin/users/{id}/role"), a, json!({"role": "moderator"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app.post(&format!("/auth/admin/users/{id}/disable"), a, json!({"disabled": true})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // The disabled account's client refreshes: that session ended with the account, it
        // is not a stolen token (no theft alarm, no reuse count).
        let (status, body) = app.post("/auth/token/refresh", None, json!({"refresh_token": tokens.refresh})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(error_code(&body), ErrorCode::AccountDisabled);

        let login = app.login.clone();
        expect_samples(&app, &login, &[
            ("pupero_security_events_total", "event=\"sign_in_failed\"", 4),
            ("pupero_security_events_total", "event=\"lockout\"", 1),
            ("pupero_security_events_total", "event=\"role_changed\"", 1),
            ("pupero_security_events_total", "event=\"account_disabled\"", 1),
            ("pupero_security_events_total", "event=\"session_ended_account_disabled\"", 1),
            ("pupero_security_events_total", "event=\"refresh_token_reused\"", 0),
            ("pupero_security_events_total", "event=\"totp_failed\"", 0),
        ]).await;

        // A spent refresh token shown again is still the theft alarm.
        let (_, fresh) = app.user("victim").await;
        let (status, _) = app.post("/auth/token/refresh", None, json!({"refresh_token": fresh.refresh})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = app.post("/auth/token/refresh", None, json!({"refresh_token": fresh.refresh})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(&body), ErrorCode::TokenReused);
        expect_samples(&app, &login, &[("pupero_security_events_total", "event=\"refresh_token_reused\"", 1)]).await;
    }
}
