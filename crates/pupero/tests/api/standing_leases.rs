//! Issue 11 item 4: trade steps keep an account's standing under login's lease instead of
//! asking login on every step. A change login has answered must be seen by the very next
//! step, even though that step's service had just kept the account's old standing.

use pupero_api::ErrorCode;
use pupero_api::accounts::Enrolment;
use pupero_api::internal::login::AccountFacts;
use pupero_core::TradeState;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    PASSWORD, align_to_fresh_step, db_test, error_code, error_of, totp_code, typed,
};
use crate::trading::market;

db_test! {
    // The buyer's standing is kept by the transactions service after opening the trade;
    // the admin disables the buyer; the buyer's next step is refused at once, and nothing moved.
    async fn a_step_right_after_a_disable_is_refused(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let (status, body) = app
            .post(&format!("/auth/admin/users/{}/disable", m.buyer.id), m.admin.t(), json!({"disabled": true}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app.post(&format!("/transactions/trades/{t}/paid"), m.buyer.t(), json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(error_code(&body), ErrorCode::AccountDisabled, "{body}");
        assert_eq!(app.trade_state(&m.seller, t).await, TradeState::AwaitingPayment);
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    // The same for a session ended by "sign out everywhere": the old token's next step
    // is refused as an ended session.
    async fn a_step_right_after_signing_out_everywhere_is_refused(app) {
        let m = market(&app).await;
        // Tokens carry whole seconds: make the buyer's token certainly older than the cut.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let (status, body) = app.post("/auth/logout-all", m.buyer.t(), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app.post(&format!("/transactions/trades/{t}/paid"), m.buyer.t(), json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(error_of(&body).message, "this session was ended", "{body}");
        assert_eq!(app.trade_state(&m.seller, t).await, TradeState::AwaitingPayment);
    }
}

db_test! {
    // A release skips login's code check while the seller has no 2FA. The seller's
    // standing (no 2FA) was kept when the trade opened; the seller then turns 2FA on, and
    // the next release must ask for a code.
    async fn a_release_right_after_turning_on_2fa_needs_a_code(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let (status, body) = app.post(&format!("/transactions/trades/{t}/paid"), m.buyer.t(), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let step = align_to_fresh_step(10).await;
        let (status, enrol) = app.post("/auth/2fa/enable", m.seller.t(), json!({"password": PASSWORD})).await;
        assert_eq!(status, StatusCode::OK, "{enrol}");
        let secret = typed::<Enrolment>(&enrol).secret;
        let (status, body) = app
            .post("/auth/2fa/confirm", m.seller.t(), json!({"code": totp_code(&secret, step - 1)}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let release = format!("/transactions/trades/{t}/release");
        let (status, body) = app.post(&release, m.seller.t(), json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(error_code(&body), ErrorCode::TotpRequired, "{body}");
        assert_eq!(app.trade_state(&m.seller, t).await, TradeState::Paid);
        let (status, body) = app.post(&release, m.seller.t(), json!({"totp": totp_code(&secret, step)})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(app.trade_state(&m.seller, t).await, TradeState::Completed);
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    // Login's answer carries the lease the other services keep it under.
    async fn the_account_facts_carry_a_lease(app) {
        let m = market(&app).await;
        let service = app.keys().only("transactions").issue_service("transactions").unwrap().token;
        let path = format!("/internal/users/{}", m.buyer.id);
        let (status, body) = app.call_at(&app.login, "GET", &path, Some(&service), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let facts: AccountFacts = typed(&body);
        assert!(facts.lease_ms.is_some_and(|ms| ms > 0), "{body}");
    }
}
