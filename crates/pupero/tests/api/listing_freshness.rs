//! The listing keeps answers and sellers' balances (issue 11): every write that changes
//! what it shows must be visible on the very next read. Each read below is preceded by
//! the same read, so the answer had been kept before the write.

use pupero_core::Role;
use reqwest::StatusCode;
use serde_json::json;

use pupero_api::Paged;
use pupero_api::offers::OfferView;

use crate::helpers::{TestApp, db_test, typed};

/// Reads the listing twice (the second read is the kept answer) and returns it.
async fn listed(app: &TestApp, query: &str) -> Paged<OfferView> {
    let (status, first) = app.get(&format!("/offers{query}"), None).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (_, second) = app.get(&format!("/offers{query}"), None).await;
    assert_eq!(first, second, "a kept answer differs from a fresh one");
    typed(&second)
}

/// Whether the listing shows `offer` as takeable (None: not listed).
fn available(page: &Paged<OfferView>, offer: i64) -> Option<bool> {
    page.items
        .iter()
        .find(|o| o.id == offer)
        .and_then(|o| o.available)
}

db_test! {
    async fn every_write_that_changes_the_listing_shows_on_the_next_read(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let seller = app.party("seller").await;
        let buyer = app.party("buyer").await;
        let offer = app.offer(&seller, "sell", "0.5", "1").await;
        assert_eq!(available(&listed(&app, "").await, offer), Some(false), "unfunded");

        // The ledger's writes: a credit, then a trade's escrow taking the seller below
        // the minimum, then its cancellation giving it back.
        app.credit(&admin, seller.id, "0.9").await;
        assert_eq!(available(&listed(&app, "").await, offer), Some(true), "credited");
        let trade = app.trade(&buyer, offer, "0.5").await;
        assert_eq!(available(&listed(&app, "").await, offer), Some(false), "escrowed");
        let (status, body) = app.step(&buyer, trade, "cancel", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(available(&listed(&app, "").await, offer), Some(true), "escrow returned");

        // The offers service's own writes.
        let (status, _) = app.call("PATCH", &format!("/offers/{offer}"), seller.t(), Some(json!({"price": "151"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listed(&app, "").await.items[0].price, "151.00");
        let second = app.offer(&seller, "buy", "0.1", "1").await;
        assert_eq!(listed(&app, "").await.total, 2);
        assert_eq!(listed(&app, "?side=buy").await.total, 1);
        let (status, _) = app.call("DELETE", &format!("/offers/{second}"), seller.t(), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(listed(&app, "?side=buy").await.total, 0);
        assert_eq!(listed(&app, "").await.total, 1);

        // Login's: a disabled owner's offers leave the listing, and come back.
        for (disabled, total) in [(true, 0), (false, 1)] {
            let (status, body) = app
                .post(&format!("/auth/admin/users/{}/disable", seller.id), admin.t(), json!({"disabled": disabled}))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(listed(&app, "").await.total, total, "disabled = {disabled}");
        }
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn bad_listing_queries_are_refused_every_time(app) {
        for _ in 0..2 {
            for query in ["?side=sideways", "?limit=1000", "?amount=-1", "?sort=cheap"] {
                let (status, _) = app.get(&format!("/offers{query}"), None).await;
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            }
        }
    }
}
