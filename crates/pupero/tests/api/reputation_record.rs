//! A trader's record as others see it (issue 15 item 3): a trade lost in a dispute is not
//! a completed trade of the loser, and cancellations and lost disputes are shown.

use reqwest::StatusCode;
use serde_json::json;

use pupero_api::trades::Reputation;

use crate::helpers::{Party, TestApp, db_test, typed};
use crate::trading::market;

async fn record(app: &TestApp, who: &Party) -> (u64, u64, u64) {
    let (status, body) = app
        .get(&format!("/transactions/users/{}/reputation", who.id), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let r: Reputation = typed(&body);
    (r.completed_trades, r.cancellations, r.lost_disputes)
}

db_test! {
    async fn a_trade_lost_in_a_dispute_is_not_completed_and_the_loss_is_shown(app) {
        let m = market(&app).await;
        // One trade released normally: completed for both.
        let t = app.trade(&m.buyer, m.offer, "1").await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        let (status, body) = app.step(&m.seller, t, "release", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // One the moderator gives the buyer: the seller lost it.
        let t = app.trade(&m.buyer, m.offer, "1").await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        let (status, body) = app.step(&m.buyer, t, "dispute", json!({"statement": "paid, no release"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app
            .post(&format!("/transactions/trades/{t}/resolve"), m.moderator.t(),
                  json!({"outcome": "buyer", "reason": "the bank statement shows the payment"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(record(&app, &m.seller).await, (1, 0, 1), "seller: (completed, cancellations, lost)");
        assert_eq!(record(&app, &m.buyer).await, (2, 0, 0), "the buyer won it");

        // One the buyer cancels, one resolved for the seller: both count against the buyer.
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let (status, body) = app.step(&m.buyer, t, "cancel", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let t = app.trade(&m.buyer, m.offer, "1").await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        app.step(&m.seller, t, "dispute", json!({"statement": "nothing arrived"})).await;
        let (status, body) = app
            .post(&format!("/transactions/trades/{t}/resolve"), m.moderator.t(),
                  json!({"outcome": "seller", "reason": "no payment on the statement"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(record(&app, &m.buyer).await, (2, 1, 1));
        assert_eq!(record(&app, &m.seller).await, (1, 0, 1));
        app.assert_ledger_consistent().await;
    }
}
