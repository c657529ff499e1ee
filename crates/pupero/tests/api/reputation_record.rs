//! A trader's record as others see it (issue 15 item 3): a trade lost in a dispute is not
//! a completed trade of the loser, cancellations and lost disputes are shown, and counts
//! are banded as beside offers, on the reputation call and the profile page alike.

use reqwest::StatusCode;
use serde_json::json;

use pupero_api::trades::Reputation;

use crate::helpers::{Party, TestApp, db_test, typed};
use crate::trading::market;
use crate::web::Web;

async fn record(app: &TestApp, who: &Party) -> (String, String, String) {
    let (status, body) = app
        .get(&format!("/transactions/users/{}/reputation", who.id), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let r: Reputation = typed(&body);
    (r.completed_trades, r.cancellations, r.lost_disputes)
}

fn rec(completed: u32, cancellations: u32, lost: u32) -> (String, String, String) {
    (
        completed.to_string(),
        cancellations.to_string(),
        lost.to_string(),
    )
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
        assert_eq!(record(&app, &m.seller).await, rec(1, 0, 1), "seller: (completed, cancellations, lost)");
        assert_eq!(record(&app, &m.buyer).await, rec(2, 0, 0), "the buyer won it");

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
        assert_eq!(record(&app, &m.buyer).await, rec(2, 1, 1));
        assert_eq!(record(&app, &m.seller).await, rec(1, 0, 1));

        // A split and a mutual cancellation, then the counts kept by each ended trade are
        // what counting every trade of the parties gives.
        let t = app.trade(&m.buyer, m.offer, "1").await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        app.step(&m.seller, t, "dispute", json!({"statement": "half arrived"})).await;
        let (status, body) = app
            .post(&format!("/transactions/trades/{t}/resolve"), m.moderator.t(),
                  json!({"outcome": "split", "buyer_share_bps": 5000, "reason": "half paid"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let t = app.trade(&m.buyer, m.offer, "1").await;
        app.step(&m.buyer, t, "mutual-cancel", json!({})).await;
        let (status, body) = app.step(&m.seller, t, "mutual-cancel", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for who in [&m.buyer, &m.seller] {
            let kept = pupero_transactions::records::record_of(&app.db, who.id).await.unwrap();
            let counted = pupero_transactions::records::counted(&app.db, who.id).await.unwrap();
            let u = |n: i64| u64::try_from(n).unwrap();
            assert_eq!(
                (kept.completed_trades, kept.cancellations, kept.lost_disputes),
                (u(counted.completed_trades), u(counted.cancellations), u(counted.lost_disputes)),
                "user {}: kept (completed, cancellations, lost) against counted", who.id
            );
        }
        assert_eq!(record(&app, &m.buyer).await, rec(3, 1, 1), "a split completes it for both");
        assert_eq!(record(&app, &m.seller).await, rec(2, 0, 1));
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn from_ten_trades_on_the_count_is_a_band_on_the_call_and_the_profile(app) {
        let m = market(&app).await;
        for _ in 0..9 {
            let t = app.trade(&m.buyer, m.offer, "0.1").await;
            app.step(&m.buyer, t, "paid", json!({})).await;
            let (status, body) = app.step(&m.seller, t, "release", json!({})).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let t = app.trade(&m.buyer, m.offer, "0.1").await;
        let (status, body) = app.step(&m.buyer, t, "cancel", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(record(&app, &m.seller).await, rec(9, 0, 0), "exact up to nine");

        let t = app.trade(&m.buyer, m.offer, "0.1").await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        app.step(&m.seller, t, "release", json!({})).await;
        let ten = ("10+".to_owned(), "0".to_owned(), "0".to_owned());
        assert_eq!(record(&app, &m.seller).await, ten, "the tenth trade makes it a band");
        assert_eq!(record(&app, &m.buyer).await.0, "10+");

        // The profile page shows what the call shows, and the buyer's cancellation.
        let web = Web::new(&app);
        let seller = web.get("/u/seller").await;
        assert_eq!(seller.status, StatusCode::OK, "{}", seller.body);
        assert!(seller.body.contains("id=\"profile-completed\">10+<"), "{}", seller.body);
        assert!(!seller.body.contains("id=\"profile-marks\""), "the seller has no marks");
        let buyer = web.get("/u/buyer").await;
        assert!(buyer.body.contains("id=\"profile-completed\">10+<"), "{}", buyer.body);
        assert!(buyer.body.contains("1 cancelled · 0 disputes lost"), "{}", buyer.body);
        app.assert_ledger_consistent().await;
    }
}
