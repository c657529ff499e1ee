use pupero_api::ErrorCode;
use pupero_core::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use pupero_api::Paged;
use pupero_api::offers::{OfferView, PaymentMethods};
use pupero_core::OfferStatus;

use crate::helpers::{db_test, error_code, error_field, typed, xmr};

fn offers(body: &Value) -> Paged<OfferView> {
    typed(body)
}

fn ids(page: &Paged<OfferView>) -> Vec<i64> {
    page.items.iter().map(|o| o.id).collect()
}

fn offer_body() -> Value {
    json!({"side": "sell", "currency": "eur", "price": "150.25", "payment_method": "sepa",
           "min_amount": "0.5", "max_amount": "2", "payment_window_minutes": 60, "terms": "Bank in the EU"})
}

db_test! {
    async fn offers_are_created_listed_filtered_and_owned(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let seller = app.party("seller").await;
        let other = app.party("other").await;
        let (status, created) = app.post("/offers", seller.t(), offer_body()).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let created: OfferView = typed(&created);
        let id = created.id;
        assert_eq!(created.owner_id, seller.id);
        assert_eq!(created.currency, "EUR");
        assert_eq!(created.price, "150.25");
        assert_eq!((created.min_amount, created.max_amount), (xmr("0.5"), xmr("2")));
        assert_eq!(created.status, OfferStatus::Open);
        assert_eq!(created.available, Some(false), "an unfunded seller cannot cover the minimum");
        app.credit(&admin, seller.id, "0.5").await;
        let listed = offers(&app.get("/offers", None).await.1);
        assert_eq!(listed.total, 1);
        assert_eq!(listed.items[0].available, Some(true));

        let cheaper = app.offer(&other, "sell", "0.1", "1").await;
        let buy = app.offer(&other, "buy", "0.1", "5").await;
        let page = offers(&app.get("/offers?side=sell", None).await.1);
        assert_eq!(ids(&page), vec![cheaper, id], "sell offers sort cheapest first");
        let page = offers(&app.get("/offers?side=buy", None).await.1);
        assert_eq!((page.total, ids(&page)), (1, vec![buy]));
        assert_eq!(page.items[0].available, Some(true));
        let found = ids(&offers(&app.get("/offers?amount=1.5", None).await.1));
        assert!(found.contains(&id) && found.contains(&buy) && !found.contains(&cheaper), "{found:?}");
        let page = offers(&app.get(&format!("/offers?owner_id={}", other.id), None).await.1);
        assert_eq!(page.total, 2);
        let page = offers(&app.get("/offers?currency=USD", None).await.1);
        assert_eq!(page.total, 0);
        let page = offers(&app.get("/offers?payment_method=sepa&sort=price_desc&limit=1&offset=1", None).await.1);
        assert_eq!((page.total, page.items.len(), page.limit, page.offset), (3, 1, 1, 1));
        assert!(page.has_more());

        // Only the owner changes or deletes.
        let (status, _) = app.call("PATCH", &format!("/offers/{id}"), other.t(), Some(json!({"status": "paused"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.call("PUT", &format!("/offers/{id}"), other.t(), Some(offer_body())).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.call("DELETE", &format!("/offers/{id}"), other.t(), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.call("PATCH", &format!("/offers/{id}"), None, Some(json!({"status": "paused"}))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let (status, paused) = app.call("PATCH", &format!("/offers/{id}"), seller.t(), Some(json!({"status": "paused", "price": "151"}))).await;
        assert_eq!(status, StatusCode::OK, "{paused}");
        let paused: OfferView = typed(&paused);
        assert_eq!((paused.status, paused.price.as_str()), (OfferStatus::Paused, "151.00"));
        let page = offers(&app.get(&format!("/offers?owner_id={}", seller.id), None).await.1);
        assert_eq!(page.total, 0, "paused offers leave the public list");
        let mine = offers(&app.get("/me/offers", seller.t()).await.1);
        assert_eq!(mine.total, 1, "but not the owner's");
        let mut replaced = offer_body();
        replaced["max_amount"] = json!("3");
        let (status, body) = app.call("PUT", &format!("/offers/{id}"), seller.t(), Some(replaced)).await;
        assert_eq!(status, StatusCode::OK);
        let replaced: OfferView = typed(&body);
        assert_eq!((replaced.status, replaced.max_amount), (OfferStatus::Open, xmr("3")));

        let (status, _) = app.call("DELETE", &format!("/offers/{id}"), seller.t(), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, body) = app.get(&format!("/offers/{id}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(error_code(&body), ErrorCode::NotFound);
        let (status, _) = app.get("/offers/not-a-number", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}

db_test! {
    async fn bad_offers_get_a_named_422_and_change_nothing(app) {
        let owner = app.party("maker").await;
        let cases: Vec<(&str, Value)> = vec![
            ("side", json!("hold")),
            ("currency", json!("EURO")),
            ("currency", json!("XXX")),
            ("price", json!("0")),
            ("price", json!("1.234")),
            ("price", json!("-5")),
            ("price", json!(150)),
            ("payment_method", json!("carrier pigeon")),
            ("min_amount", json!("0")),
            ("min_amount", json!("0.0000000000001")),
            ("min_amount", json!("-1")),
            ("min_amount", json!("3")),
            ("max_amount", json!("abc")),
            ("max_amount", json!(2)),
            ("payment_window_minutes", json!(14)),
            ("payment_window_minutes", json!(1441)),
            ("payment_window_minutes", json!("60")),
            ("terms", json!("x".repeat(2001))),
            ("status", json!("deleted")),
        ];
        for (field, value) in cases {
            let mut body = offer_body();
            body[field] = value.clone();
            let (status, answer) = app.post("/offers", owner.t(), body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}: {answer}");
            assert_eq!(error_field(&answer).as_deref(), Some(field), "{field}={value}: {answer}");
        }
        let mut missing = offer_body();
        missing.as_object_mut().unwrap().remove("price");
        let (status, answer) = app.post("/offers", owner.t(), missing).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_field(&answer).as_deref(), Some("price"));
        let mine = offers(&app.get("/me/offers", owner.t()).await.1);
        assert_eq!(mine.total, 0);
        for q in ["side=hold", "currency=EURO", "amount=-1", "sort=cheap", "limit=0", "limit=101", "owner_id=x"] {
            let (status, body) = app.get(&format!("/offers?{q}"), None).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {body}");
        }
        let (status, methods) = app.get("/offers/payment-methods", None).await;
        assert_eq!(status, StatusCode::OK);
        let methods: PaymentMethods = typed(&methods);
        assert!(methods.payment_methods.iter().any(|m| m == "sepa"), "{methods:?}");
    }
}

db_test! {
    async fn an_offer_with_open_trades_cannot_be_deleted(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let seller = app.party("seller").await;
        let buyer = app.party("buyer").await;
        app.credit(&admin, seller.id, "5").await;
        let offer = app.offer(&seller, "sell", "1", "2").await;
        let trade = app.trade(&buyer, offer, "1").await;
        let (status, body) = app.call("DELETE", &format!("/offers/{offer}"), seller.t(), None).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(error_code(&body), ErrorCode::OfferHasOpenTrades);
        let (status, _) = app.step(&buyer, trade, "cancel", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.call("DELETE", &format!("/offers/{offer}"), seller.t(), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
}
