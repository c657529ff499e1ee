use pupero_api::ErrorCode;
use pupero_core::Role;
use reqwest::StatusCode;
use serde_json::json;

use pupero_api::trades::{ChatMessage, ChatMessages, Reputation, ReviewView};

use crate::helpers::{PASSWORD, db_test, error_code, typed};
use crate::trading::market;

db_test! {
    async fn the_parties_chat_and_nobody_else_reads_it(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let path = format!("/transactions/trades/{t}/messages");
        let (status, first) = app.post(&path, m.buyer.t(), json!({"body": "Hi, sending now"})).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        let (status, _) = app.post(&path, m.seller.t(), json!({"body": "Thanks <b>!</b>"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, all) = app.get(&path, m.seller.t()).await;
        assert_eq!(status, StatusCode::OK);
        let all = typed::<ChatMessages>(&all).messages;
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].body, "Thanks <b>!</b>", "stored as text; escaping is the page's job");
        let first: ChatMessage = typed(&first);
        assert_eq!((first.sender_id, first.body.as_str()), (m.buyer.id, "Hi, sending now"));
        let (_, newer) = app.get(&format!("{path}?after={}", first.id), m.buyer.t()).await;
        let newer = typed::<ChatMessages>(&newer).messages;
        assert_eq!(newer.len(), 1);
        assert_eq!(newer[0].sender_id, m.seller.id);
        for (who, expected) in [(&m.stranger, StatusCode::NOT_FOUND), (&m.moderator, StatusCode::NOT_FOUND), (&m.admin, StatusCode::FORBIDDEN)] {
            assert_eq!(app.get(&path, who.t()).await.0, expected);
            assert_eq!(app.post(&path, who.t(), json!({"body": "hello"})).await.0, expected);
        }
        assert_eq!(app.post(&path, m.buyer.t(), json!({"body": "   "})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.post(&path, m.buyer.t(), json!({"body": "x".repeat(2001)})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.post(&path, m.buyer.t(), json!({"body": 5})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, all) = app.get(&path, m.buyer.t()).await;
        assert_eq!(typed::<ChatMessages>(&all).messages.len(), 2);
    }
}

db_test! {
    async fn each_party_reviews_a_completed_trade_once(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let review = async |who: &crate::helpers::Party, body: serde_json::Value| app.post(&format!("/transactions/trades/{t}/review"), who.t(), body).await;
        let (status, body) = review(&m.buyer, json!({"rating": 5})).await;
        assert_eq!(status, StatusCode::CONFLICT, "not before completion");
        assert_eq!(error_code(&body), ErrorCode::TradeNotCompleted);
        app.step(&m.buyer, t, "paid", json!({})).await;
        app.step(&m.seller, t, "release", json!({})).await;
        for bad in [json!({"rating": 0}), json!({"rating": 6}), json!({"rating": "5"}), json!({"rating": 4, "comment": "x".repeat(1001)})] {
            assert_eq!(review(&m.buyer, bad.clone()).await.0, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
        assert_eq!(review(&m.stranger, json!({"rating": 1})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(review(&m.admin, json!({"rating": 1})).await.0, StatusCode::FORBIDDEN);
        let mine = format!("/transactions/trades/{t}/review");
        assert_eq!(app.get(&mine, m.buyer.t()).await.0, StatusCode::NOT_FOUND, "no review yet");
        let (status, body) = review(&m.buyer, json!({"rating": 5, "comment": "fast and friendly"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let given: ReviewView = typed(&body);
        assert_eq!((given.reviewer_id, given.reviewee_id, given.rating), (m.buyer.id, m.seller.id, 5));
        let (status, own) = app.get(&mine, m.buyer.t()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(typed::<ReviewView>(&own).comment, "fast and friendly");
        assert_eq!(app.get(&mine, m.seller.t()).await.0, StatusCode::NOT_FOUND, "each party sees their own");
        assert_eq!(app.get(&mine, m.stranger.t()).await.0, StatusCode::NOT_FOUND);
        let (status, body) = review(&m.buyer, json!({"rating": 1})).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(error_code(&body), ErrorCode::AlreadyReviewed);
        let (status, _) = review(&m.seller, json!({"rating": 4})).await;
        assert_eq!(status, StatusCode::CREATED);

        let second = app.trade(&m.buyer, m.offer, "1").await;
        app.step(&m.buyer, second, "paid", json!({})).await;
        app.step(&m.seller, second, "release", json!({})).await;
        app.post(&format!("/transactions/trades/{second}/review"), m.buyer.t(), json!({"rating": 4})).await;

        let (status, rep) = app.get(&format!("/transactions/users/{}/reputation", m.seller.id), None).await;
        assert_eq!(status, StatusCode::OK);
        let rep: Reputation = typed(&rep);
        assert_eq!(
            (rep.completed_trades.as_str(), rep.reviews_count.as_str(), rep.average_rating.as_deref()),
            ("2", "2", Some("4.50"))
        );
        assert_eq!(rep.reviews[1].comment, "fast and friendly");
        let (_, rep) = app.get(&format!("/transactions/users/{}/reputation", m.stranger.id), None).await;
        let rep: Reputation = typed(&rep);
        assert_eq!((rep.completed_trades.as_str(), rep.average_rating), ("0", None));
    }
}

db_test! {
    async fn an_account_with_funds_or_trades_cannot_be_deleted(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let holder = app.party("holder").await;
        app.credit(&admin, holder.id, "1").await;
        let (status, body) = app.call("DELETE", "/auth/me", holder.t(), Some(json!({"current_password": PASSWORD}))).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(error_code(&body), ErrorCode::AccountInUse);
        assert_eq!(app.get("/auth/me", holder.t()).await.0, StatusCode::OK);
        let (status, _) = app
            .post("/transactions/admin/adjust", admin.t(), json!({"user_id": holder.id, "amount": "1", "direction": "debit", "reason": "paid out"}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.call("DELETE", "/auth/me", holder.t(), Some(json!({"current_password": PASSWORD}))).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
}
