//! Whole flows on a pool of one database connection (`--database-pool-size 1`).
//!
//! Code that holds a connection (a transaction above all) and then waits for a second one
//! from the same pool cannot finish here: it waits out the acquire timeout (10 s) and
//! answers 503. With the usual pool the same wait happens whenever every other connection
//! is lent to work that itself waits for the first one. One CI run met it (a 9.8 s acquire
//! in `web::tokens_refresh_transparently_under_concurrent_requests`): a token refresh checked
//! the account's sanctions on a second connection while its write transaction held SQLite's
//! lock.

use reqwest::StatusCode;
use serde_json::json;

use crate::api_keys::{Signed, make_key, open_body};
use crate::chain;
use crate::event_stream::Stream;
use crate::helpers::{Options, PASSWORD, db_test, error_code, typed};
use crate::trading::market;
use crate::web::Web;
use crate::withdrawals::{deposit, wait_status, withdraw};
use pupero_api::ErrorCode;
use pupero_api::auth::TokenPair;
use pupero_api::moderation::SanctionView;
use pupero_api::money::WithdrawalAccepted;
use pupero_api::trades::TradeView;
use pupero_core::{TradeState, WithdrawalStatus};

fn one_connection() -> Options {
    Options::with(&[
        "--database-pool-size",
        "1",
        // Every page load of the web part refreshes the session's tokens.
        "--access-token-minutes",
        "1",
        "--login-rate-per-minute",
        "100000",
        "--register-rate-per-hour",
        "100000",
    ])
}

db_test! {
    async fn every_flow_completes_on_one_pooled_connection(app, one_connection()) {
        let m = market(&app).await;
        let ok = StatusCode::OK;

        // Sign-in and a refresh (its write transaction checks the sanctions).
        let session = app.login("buyer").await;
        let (status, body) = app.post("/auth/token/refresh", None, json!({"refresh_token": session.refresh})).await;
        assert_eq!(status, ok, "{body}");
        let pair: TokenPair = typed(&body);
        assert_eq!(app.get("/auth/me", Some(&pair.access_token)).await.0, ok);

        // A trade through to release, with a chat message and a review.
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let (status, body) = app.post(&format!("/transactions/trades/{t}/messages"), m.buyer.t(), json!({"body": "sending now"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(app.step(&m.buyer, t, "paid", json!({})).await.0, ok);
        let (status, body) = app.step(&m.seller, t, "release", json!({})).await;
        assert_eq!(status, ok, "{body}");
        let (status, body) = app.post(&format!("/transactions/trades/{t}/review"), m.buyer.t(), json!({"rating": 5})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        // Another through a dispute to a moderator's decision.
        let d = app.trade(&m.buyer, m.offer, "2").await;
        assert_eq!(app.step(&m.buyer, d, "paid", json!({})).await.0, ok);
        let (status, body) = app.step(&m.seller, d, "dispute", json!({"statement": "nothing arrived"})).await;
        assert_eq!(status, ok, "{body}");
        let (status, body) = app.post(&format!("/transactions/trades/{d}/resolve"), m.moderator.t(), json!({"outcome": "buyer", "reason": "proof of payment"})).await;
        assert_eq!(status, ok, "{body}");
        assert_eq!(typed::<TradeView>(&body).state, TradeState::Completed);
        assert_eq!(app.balances(&m.buyer).await.0, "3.000000000000");

        // A suspension: signing in and refreshing are refused with it, and lifting it lets
        // the account back in.
        let stranger_session = app.login("stranger").await;
        let (status, body) = app.post("/moderation/sanctions", m.moderator.t(), json!({"user_id": m.stranger.id, "kind": "suspend", "reason": "cooling off"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let sanction = typed::<SanctionView>(&body).id;
        let (status, body) = app.post("/auth/token/refresh", None, json!({"refresh_token": stranger_session.refresh})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::AccountSuspended), "{body}");
        let (status, body) = app.post("/auth/login", None, json!({"username": "stranger", "password": PASSWORD})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::AccountSuspended), "{body}");
        let (status, body) = app.post(&format!("/moderation/sanctions/{sanction}/lift"), m.moderator.t(), json!({"reason": "reviewed"})).await;
        assert_eq!(status, ok, "{body}");
        app.login("stranger").await;

        // Twenty page loads of one browser at once, each refreshing its tokens.
        let web = std::sync::Arc::new(Web::new(&app));
        web.register("gale").await;
        web.load_pages_at_once(0).await;
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    /// Money in and out with the background work a pool of one shares with the requests:
    /// the deposit sweeper, the outbox relay and the withdrawal worker.
    async fn a_deposit_and_a_withdrawal_complete_on_one_pooled_connection(app, chain::options(&["--database-pool-size", "1", "--rabbitmq-poll-interval-seconds", "1"]).await) {
        let _turn = chain::chain_turn().await;
        let fixture = chain::fixture().await;
        let alice = app.party("alice").await;
        deposit(&app, &alice, 3).await;
        assert_eq!(app.balances(&alice).await.0, "3.000000000000");
        let receiver = fixture.user().create_address("one connection").await.unwrap().address;
        let (status, body) = withdraw(&app, &alice, Some("pool-of-one"), json!({"address": receiver, "amount": "1"})).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let id = typed::<WithdrawalAccepted>(&body).withdrawal_id;
        wait_status(&app, &alice, id, WithdrawalStatus::Relayed).await;
        fixture.mine(10).await;
        wait_status(&app, &alice, id, WithdrawalStatus::Confirmed).await;
        assert_eq!(app.balances(&alice).await.0, "2.000000000000");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    /// An event stream held open takes no connection away from the requests: a trade
    /// opened by a bot with a signed key call reaches it.
    async fn an_open_event_stream_and_a_signed_key_call_share_one_pooled_connection(app, one_connection()) {
        let m = market(&app).await;
        let mut stream = Stream::open(&app, &m.seller, None).await;
        let key = make_key(&app, &m.buyer, json!({"scopes": ["read", "trade"]})).await;
        let (status, body) = Signed::new(&key, "POST", "/transactions/trades", open_body(m.offer)).send(&app).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let opened = typed::<TradeView>(&body).id;
        let event = stream.next().await;
        assert_eq!((event.kind.as_str(), event.data["trade_id"].as_i64()), ("trade_opened", Some(opened)));
        assert_eq!(app.trade_state(&m.seller, opened).await, TradeState::AwaitingPayment);
    }
}
