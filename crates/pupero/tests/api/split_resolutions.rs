//! A moderator divides a disputed escrow by a percentage: one ledger entry, every piconero
//! accounted for (the remainder to the seller, the fee on the buyer's part only), a canned
//! reason, and the decision on the audit chain. The arithmetic's property test is in
//! pupero-core (dispute.rs) and, through the ledger, in pupero-transactions
//! (tests/ledger_properties.rs).

use reqwest::StatusCode;
use serde_json::json;

use pupero_api::Paged;
use pupero_api::accounts::AuditEntry;
use pupero_api::trades::TradeView;
use pupero_core::{AuditAction, Resolution, ResolutionReason, TradeState};

use crate::helpers::{Options, db_test, error_field, typed};
use crate::trading::market;

fn with_fee() -> Options {
    Options::with(&[
        "--login-rate-per-minute",
        "100000",
        "--register-rate-per-hour",
        "100000",
        "--platform-fee-bps",
        "100",
    ])
}

db_test! {
    async fn a_split_divides_the_escrow_to_the_piconero(app, with_fee()) {
        let m = market(&app).await;
        // 1.000000000001 XMR: the odd piconero cannot be split evenly.
        let t = app.trade(&m.buyer, m.offer, "1.000000000001").await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        let (status, body) = app.step(&m.seller, t, "dispute", json!({"statement": "only part of the money arrived"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let resolve = async |who: Option<&str>, body: serde_json::Value| app.post(&format!("/transactions/trades/{t}/resolve"), who, body).await;
        let refused = [
            (json!({"outcome": "split", "reason": "half paid"}), "buyer_share_bps"),
            (json!({"outcome": "split", "buyer_share_bps": 0, "reason": "half paid"}), "buyer_share_bps"),
            (json!({"outcome": "split", "buyer_share_bps": 10000, "reason": "half paid"}), "buyer_share_bps"),
            (json!({"outcome": "buyer", "buyer_share_bps": 5000, "reason": "half paid"}), "buyer_share_bps"),
            (json!({"outcome": "split", "buyer_share_bps": 3333, "reason_code": "coin_toss", "reason": "x"}), "reason_code"),
            (json!({"outcome": "split", "buyer_share_bps": 3333, "reason": " "}), "reason"),
        ];
        for (body, field) in refused {
            let (status, answer) = resolve(m.moderator.t(), body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {answer}");
            assert_eq!(error_field(&answer).as_deref(), Some(field), "{answer}");
        }
        let split = json!({"outcome": "split", "buyer_share_bps": 3333, "reason_code": "partial_payment", "reason": "a third of the transfer arrived"});
        assert_eq!(resolve(m.buyer.t(), split.clone()).await.0, StatusCode::FORBIDDEN, "a party does not decide");
        assert_eq!(app.balances(&m.buyer).await.0, "0.000000000000", "refusals moved nothing");

        let (status, body) = resolve(m.moderator.t(), split.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let done: TradeView = typed(&body);
        assert_eq!(done.state, TradeState::Completed);
        let d = done.dispute.unwrap();
        assert_eq!((d.resolution, d.buyer_share_bps, d.reason_code), (Some(Resolution::Split), Some(3333), Some(ResolutionReason::PartialPayment)));

        // amount 1 000 000 000 001, fee 1 % = 10 000 000 000. Buyer's gross share
        // ⌊amount × 0.3333⌋ = 333 300 000 000, of which the fee ⌊fee × 0.3333⌋ =
        // 3 333 000 000; the seller gets the rest, with the odd piconero.
        assert_eq!(app.balances(&m.buyer).await.0, "0.329967000000");
        assert_eq!(app.balances(&m.seller).await, ("9.666700000000".into(), "0.000000000000".into(), "0.000000000000".into()));
        let (status, again) = resolve(m.moderator.t(), split).await;
        assert_eq!(status, StatusCode::CONFLICT, "no longer disputed: {again}");
        assert_eq!(app.balances(&m.buyer).await.0, "0.329967000000", "decided once");

        let (_, audit) = app.get("/transactions/admin/audit", m.admin.t()).await;
        let audit: Paged<AuditEntry> = typed(&audit);
        let decision: Vec<&AuditEntry> = audit.items.iter().filter(|e| e.action == AuditAction::ResolveSplit).collect();
        assert_eq!(decision.len(), 1, "{audit:?}");
        assert_eq!(decision[0].actor_id, Some(m.moderator.id));
        assert_eq!(decision[0].details, "buyer 33.33%; partial_payment: a third of the transfer arrived");
        let entries: Vec<&AuditEntry> = audit.items.iter().filter(|e| e.action == AuditAction::LedgerEntry && e.details.starts_with(&format!("trade_split trade:{t}:"))).collect();
        assert_eq!(entries.len(), 1, "one ledger entry for the whole split: {audit:?}");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn the_whole_side_decisions_take_a_canned_reason(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        app.step(&m.buyer, t, "dispute", json!({"statement": "no release"})).await;
        let (status, body) = app
            .post(&format!("/transactions/trades/{t}/resolve"), m.moderator.t(), json!({"outcome": "seller", "reason_code": "payment_not_received", "reason": "no transfer on the statement"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let d = typed::<TradeView>(&body).dispute.unwrap();
        assert_eq!((d.resolution, d.reason_code, d.buyer_share_bps), (Some(Resolution::Seller), Some(ResolutionReason::PaymentNotReceived), None));
        assert_eq!(app.balances(&m.seller).await.0, "10.000000000000");
    }
}
