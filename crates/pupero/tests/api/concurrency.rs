//! Attacks on the money under concurrency: the ledger must stay exact whatever the order.

use pupero_api::ErrorCode;
use pupero_core::{Role, TradeState};
use reqwest::StatusCode;
use serde_json::json;

use pupero_api::Paged;
use pupero_api::accounts::AuditEntry;

use crate::helpers::{db_test, error_code, typed};
use crate::trading::market;

db_test! {
    async fn fifty_opens_on_funds_for_five_let_exactly_five_through(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let seller = app.party("seller").await;
        app.credit(&admin, seller.id, "5").await;
        let offer = app.offer(&seller, "sell", "1", "1").await;
        let mut buyers = Vec::new();
        for i in 0..5 {
            buyers.push(app.party(&format!("buyer{i}")).await);
        }
        let opens = (0..50).map(|i| app.open_trade(&buyers[i % 5], offer, "1"));
        let results = futures::future::join_all(opens).await;
        let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
        assert_eq!(created, 5, "{results:?}");
        for (status, body) in &results {
            // A buyer may also meet the cap on open trades of a new taker (issue 9 item 7).
            if *status != StatusCode::CREATED && error_code(body) != ErrorCode::OpenTradeLimit {
                assert_eq!(*status, StatusCode::CONFLICT, "{body}");
                assert_eq!(error_code(body), ErrorCode::InsufficientFunds);
            }
        }
        assert_eq!(app.balances(&seller).await, ("0.000000000000".into(), "5.000000000000".into(), "0.000000000000".into()));
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn release_and_cancel_racing_on_one_trade_move_money_once(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "2").await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        // The buyer has asked to cancel; now the seller clicks both "release" and "agree to
        // cancel", ten times each, all at once. Exactly one of the two may happen.
        app.step(&m.buyer, t, "mutual-cancel", json!({})).await;
        let clicks = (0..20).map(|i| app.step(&m.seller, t, if i % 2 == 0 { "release" } else { "mutual-cancel" }, json!({})));
        let results = futures::future::join_all(clicks).await;
        for (status, body) in &results {
            assert!(*status == StatusCode::OK || *status == StatusCode::CONFLICT, "{status} {body}");
        }
        let state = app.trade_state(&m.buyer, t).await;
        let (buyer_available, _, _) = app.balances(&m.buyer).await;
        let (seller_available, seller_escrow, _) = app.balances(&m.seller).await;
        assert_eq!(seller_escrow, "0.000000000000");
        match state {
            TradeState::Completed => {
                assert_eq!(buyer_available, "2.000000000000");
                assert_eq!(seller_available, "8.000000000000");
            }
            TradeState::Cancelled => {
                assert_eq!(buyer_available, "0.000000000000");
                assert_eq!(seller_available, "10.000000000000");
            }
            other => panic!("the race left the trade {other}"),
        }
        let settlements = pupero_transactions::entity::journal_entry::Entity::find()
            .filter(pupero_transactions::entity::journal_entry::Column::Reference.eq(format!("trade:{t}")))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(settlements.len(), 2, "one escrow entry and exactly one settlement: {settlements:?}");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn cancel_and_paid_racing_before_payment_let_one_win(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let clicks = (0..20).map(|i| app.step(&m.buyer, t, if i % 2 == 0 { "cancel" } else { "paid" }, json!({})));
        let results = futures::future::join_all(clicks).await;
        let state = app.trade_state(&m.buyer, t).await;
        assert!(state == TradeState::Cancelled || state == TradeState::Paid, "{state}");
        for (status, _) in &results {
            assert!(*status == StatusCode::OK || *status == StatusCode::CONFLICT);
        }
        let (available, escrow, _) = app.balances(&m.seller).await;
        if state == TradeState::Cancelled {
            assert_eq!((available.as_str(), escrow.as_str()), ("10.000000000000", "0.000000000000"));
        } else {
            assert_eq!((available.as_str(), escrow.as_str()), ("9.000000000000", "1.000000000000"));
        }
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn two_moderators_deciding_one_dispute_at_once_decide_it_once(app) {
        let m = market(&app).await;
        let second = app.staff("moderator2", Role::Moderator).await;
        let t = app.trade(&m.buyer, m.offer, "3").await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        app.step(&m.buyer, t, "dispute", json!({"statement": "paid, not released"})).await;
        let path = format!("/transactions/trades/{t}/resolve");
        let decisions = (0..20).map(|i| {
            let (who, outcome) = if i % 2 == 0 { (&m.moderator, "buyer") } else { (&second, "seller") };
            app.post(&path, who.t(), json!({"outcome": outcome, "reason": "decided"}))
        });
        let results = futures::future::join_all(decisions).await;
        let wins = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
        assert!(wins >= 1, "{results:?}");
        let state = app.trade_state(&m.buyer, t).await;
        let buyer = app.balances(&m.buyer).await.0;
        let seller = app.balances(&m.seller).await.0;
        match state {
            TradeState::Completed => assert_eq!((buyer.as_str(), seller.as_str()), ("3.000000000000", "7.000000000000")),
            TradeState::Cancelled => assert_eq!((buyer.as_str(), seller.as_str()), ("0.000000000000", "10.000000000000")),
            other => panic!("{other}"),
        }
        let (_, audit) = app.get("/transactions/admin/audit", m.admin.t()).await;
        let audit: Paged<AuditEntry> = typed(&audit);
        let resolutions = audit.items.iter().filter(|e| e.target == format!("trade:{t}")).count();
        assert_eq!(resolutions, 1, "one decision, one audit line");
        app.assert_ledger_consistent().await;
    }
}

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
