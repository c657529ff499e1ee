use pupero_api::ErrorCode;
use reqwest::StatusCode;
use serde_json::json;

use pupero_api::Paged;
use pupero_api::accounts::AuditEntry;
use pupero_api::trades::{ChatMessages, TradeRole, TradeView};
use pupero_core::{Action, AuditAction, CancelReason, Resolution, TradeState};

use crate::helpers::{db_test, error_code, error_field, typed};
use crate::trading::market;

db_test! {
    async fn a_dispute_resolved_for_the_buyer_pays_the_buyer(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "2").await;
        let (status, body) = app.step(&m.buyer, t, "dispute", json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "no dispute before paying: {body}");
        app.step(&m.buyer, t, "paid", json!({})).await;
        let (status, body) = app.step(&m.buyer, t, "dispute", json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_field(&body).as_deref(), Some("statement"));
        let (status, body) = app.step(&m.buyer, t, "dispute", json!({"statement": "I sent the SEPA transfer, reference 42"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let disputed: TradeView = typed(&body);
        assert_eq!(disputed.state, TradeState::Disputed);
        assert_eq!(disputed.dispute.and_then(|d| d.opened_by), Some(m.buyer.id));
        app.post(&format!("/transactions/trades/{t}/messages"), m.buyer.t(), json!({"body": "here is my receipt"})).await;

        // The moderator now sees the trade, its chat and the queue; a stranger still does not.
        let (status, queue) = app.get("/transactions/disputes", m.moderator.t()).await;
        assert_eq!(status, StatusCode::OK);
        let queue: Paged<TradeView> = typed(&queue);
        assert_eq!(queue.total, 1);
        assert_eq!(queue.items[0].allowed_actions, vec![Action::ResolveForBuyer, Action::ResolveForSeller, Action::ResolveSplit]);
        assert_eq!(app.get("/transactions/disputes", m.buyer.t()).await.0, StatusCode::FORBIDDEN);
        let (status, seen) = app.get(&format!("/transactions/trades/{t}"), m.moderator.t()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(typed::<TradeView>(&seen).your_role, TradeRole::Moderator);
        let (status, chat) = app.get(&format!("/transactions/trades/{t}/messages"), m.moderator.t()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(typed::<ChatMessages>(&chat).messages[0].body, "here is my receipt");
        assert_eq!(app.get(&format!("/transactions/trades/{t}"), m.stranger.t()).await.0, StatusCode::NOT_FOUND);

        let resolve = async |body: serde_json::Value| app.post(&format!("/transactions/trades/{t}/resolve"), m.moderator.t(), body).await;
        assert_eq!(resolve(json!({"outcome": "buyer", "reason": ""})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(resolve(json!({"outcome": "nobody", "reason": "x"})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, body) = resolve(json!({"outcome": "buyer", "reason": "bank statement shows the payment"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let resolved: TradeView = typed(&body);
        assert_eq!(resolved.state, TradeState::Completed);
        let dispute = resolved.dispute.expect("the dispute stays on the trade");
        assert_eq!((dispute.resolution, dispute.resolved_by), (Some(Resolution::Buyer), Some(m.moderator.id)));
        assert_eq!(app.balances(&m.buyer).await.0, "2.000000000000");
        assert_eq!(app.balances(&m.seller).await, ("8.000000000000".into(), "0.000000000000".into(), "0.000000000000".into()));

        let (status, audit) = app.get("/transactions/admin/audit", m.admin.t()).await;
        assert_eq!(status, StatusCode::OK);
        let audit: Paged<AuditEntry> = typed(&audit);
        let entry = audit.items.iter().find(|e| e.action == AuditAction::ResolveForBuyer).expect("audited");
        assert_eq!(entry.actor_id, Some(m.moderator.id));
        assert_eq!(entry.target, format!("trade:{t}"));
        assert_eq!(entry.details, "other: bank statement shows the payment", "the canned reason (none given: other) and the text");
        assert_eq!(app.get("/transactions/admin/audit", m.moderator.t()).await.0, StatusCode::FORBIDDEN);
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn a_dispute_resolved_for_the_seller_returns_the_escrow(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "2").await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        let (status, _) = app.step(&m.seller, t, "dispute", json!({"statement": "no money arrived"})).await;
        assert_eq!(status, StatusCode::OK);
        // Admins are moderators too.
        let (status, body) = app
            .post(&format!("/transactions/trades/{t}/resolve"), m.admin.t(), json!({"outcome": "seller", "reason": "no payment proof"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let resolved: TradeView = typed(&body);
        assert_eq!((resolved.state, resolved.cancel_reason), (TradeState::Cancelled, Some(CancelReason::Dispute)));
        assert_eq!(app.balances(&m.seller).await.0, "10.000000000000");
        assert_eq!(app.balances(&m.buyer).await.0, "0.000000000000");
        let (status, body) = app
            .post(&format!("/transactions/trades/{t}/resolve"), m.moderator.t(), json!({"outcome": "buyer", "reason": "changed my mind"}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(error_code(&body), ErrorCode::InvalidTransition);
        app.assert_ledger_consistent().await;
    }
}
