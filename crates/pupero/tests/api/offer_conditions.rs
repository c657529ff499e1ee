//! What a maker can ask of takers (issue 15 item 2): fixed amounts, a smaller limit for a
//! first trade with them, a minimum of completed trades, and their blocked and trusted
//! lists. Each is checked when a trade opens, and bad terms are refused naming the field.

use reqwest::StatusCode;
use serde_json::{Value, json};

use pupero_api::Paged;
use pupero_api::offers::{OfferView, TraderLists};
use pupero_core::Role;

use crate::helpers::{ErrorCode, Party, TestApp, db_test, error_code, error_of, typed, xmr};

async fn offer_with(app: &TestApp, seller: &Party, extra: Value) -> (StatusCode, Value) {
    let mut body = json!({"side": "sell", "currency": "EUR", "price": "150.00",
        "payment_method": "sepa", "min_amount": "0.1", "max_amount": "2",
        "payment_window_minutes": 30});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    app.post("/offers", seller.t(), body).await
}

async fn offer(app: &TestApp, seller: &Party, extra: Value) -> OfferView {
    let (status, body) = offer_with(app, seller, extra).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    typed(&body)
}

/// Takes, pays and releases a trade.
async fn complete(app: &TestApp, seller: &Party, buyer: &Party, offer: i64, amount: &str) {
    let trade = app.trade(buyer, offer, amount).await;
    let (status, body) = app.step(buyer, trade, "paid", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.step(seller, trade, "release", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn parties(app: &TestApp) -> (Party, Party) {
    let admin = app.staff("admin", Role::Admin).await;
    let seller = app.party("seller").await;
    app.credit(&admin, seller.id, "20").await;
    (seller, app.party("buyer").await)
}

db_test! {
    async fn an_offer_with_fixed_amounts_trades_only_those(app) {
        let (seller, buyer) = parties(&app).await;
        let o = offer(&app, &seller, json!({"amounts": ["1", "0.1", "0.5", "0.5"]})).await;
        assert_eq!(o.amounts, [xmr("0.1"), xmr("0.5"), xmr("1")], "sorted, once each");
        let (status, body) = app.open_trade(&buyer, o.id, "0.3").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_of(&body).field.as_deref(), Some("amount"));
        assert!(error_of(&body).message.contains("0.5"), "{body}");
        app.trade(&buyer, o.id, "0.5").await;

        for (amount, listed) in [("0.3", 0), ("0.5", 1)] {
            let (status, body) = app.get(&format!("/offers?amount={amount}"), None).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(typed::<Paged<OfferView>>(&body).total, listed, "amount={amount}");
        }
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn a_first_trade_with_the_maker_is_limited_until_one_completes(app) {
        let (seller, buyer) = parties(&app).await;
        let o = offer(&app, &seller, json!({"first_trade_max_amount": "0.2"})).await;
        assert_eq!(o.first_trade_max_amount, Some(xmr("0.2")));
        let (status, body) = app.open_trade(&buyer, o.id, "1").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_code(&body), ErrorCode::FirstTradeLimit);
        assert_eq!(error_of(&body).field.as_deref(), Some("amount"));
        complete(&app, &seller, &buyer, o.id, "0.2").await;
        app.trade(&buyer, o.id, "1").await;
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn a_taker_needs_the_completed_trades_the_offer_asks(app) {
        let (seller, buyer) = parties(&app).await;
        let demanding = offer(&app, &seller, json!({"min_taker_trades": 1})).await;
        let (status, body) = app.open_trade(&buyer, demanding.id, "1").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(error_code(&body), ErrorCode::ReputationTooLow);
        let plain = app.offer(&seller, "sell", "0.1", "2").await;
        complete(&app, &seller, &buyer, plain, "0.1").await;
        app.trade(&buyer, demanding.id, "1").await;
    }
}

db_test! {
    async fn blocked_and_untrusted_takers_are_refused(app) {
        let (seller, buyer) = parties(&app).await;
        let other = app.party("other").await;
        let open_to_all = app.offer(&seller, "sell", "0.1", "2").await;
        let trusted_only = offer(&app, &seller, json!({"trusted_only": true})).await;
        assert!(trusted_only.trusted_only);

        let (status, body) = app
            .call("PUT", &format!("/offers/trader-lists/{}", buyer.id), seller.t(), Some(json!({"list": "blocked"})))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<TraderLists>(&body).blocked, [buyer.id]);
        let (status, body) = app.open_trade(&buyer, open_to_all, "0.5").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(error_code(&body), ErrorCode::TakerNotAllowed);
        app.trade(&other, open_to_all, "0.5").await;

        // Trusted instead: the trusted-only offer opens to the buyer, not to others.
        let (status, body) = app
            .call("PUT", &format!("/offers/trader-lists/{}", buyer.id), seller.t(), Some(json!({"list": "trusted"})))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<TraderLists>(&body), TraderLists { trusted: vec![buyer.id], blocked: vec![] });
        let (status, body) = app.open_trade(&other, trusted_only.id, "0.5").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(error_code(&body), ErrorCode::TakerNotAllowed);
        app.trade(&buyer, trusted_only.id, "0.5").await;

        let (status, body) = app
            .call("DELETE", &format!("/offers/trader-lists/{}", buyer.id), seller.t(), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<TraderLists>(&body), TraderLists { trusted: vec![], blocked: vec![] });
        let (status, _) = app
            .call("DELETE", &format!("/offers/trader-lists/{}", buyer.id), seller.t(), None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, body) = app.get("/offers/trader-lists", buyer.t()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn bad_conditions_are_refused_naming_the_field(app) {
        let seller = app.party("seller").await;
        for (extra, field) in [
            (json!({"amounts": ["0.5", "5"]}), "amounts"),
            (json!({"amounts": ["half"]}), "amounts"),
            (json!({"amounts": ["0.1","0.2","0.3","0.4","0.5","0.6","0.7","0.8","0.9","1","1.1"]}), "amounts"),
            (json!({"first_trade_max_amount": "0.05"}), "first_trade_max_amount"),
            (json!({"first_trade_max_amount": "-1"}), "first_trade_max_amount"),
            (json!({"min_taker_trades": -1}), "min_taker_trades"),
            (json!({"min_taker_trades": 10001}), "min_taker_trades"),
        ] {
            let (status, body) = offer_with(&app, &seller, extra.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{extra}: {body}");
            assert_eq!(error_of(&body).field.as_deref(), Some(field), "{extra}: {body}");
        }
        let (_, mine) = app.get("/me/offers", seller.t()).await;
        assert_eq!(typed::<Paged<OfferView>>(&mine).total, 0, "nothing was created");

        for (path, list, field) in [
            (format!("/offers/trader-lists/{}", seller.id), "blocked", "user_id"),
            ("/offers/trader-lists/7".to_owned(), "friends", "list"),
        ] {
            let (status, body) = app.call("PUT", &path, seller.t(), Some(json!({"list": list}))).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
            assert_eq!(error_of(&body).field.as_deref(), Some(field), "{body}");
        }
        let (_, body) = app.get("/offers/trader-lists", seller.t()).await;
        assert_eq!(typed::<TraderLists>(&body), TraderLists { trusted: vec![], blocked: vec![] });
    }
}
