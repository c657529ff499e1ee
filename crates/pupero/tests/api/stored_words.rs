//! Stored words are read strictly: a state, status or kind the code does not know (a row
//! written by hand or by a newer version) fails the read with a logged 500, instead of
//! being taken for some other value.

use pupero_api::ErrorCode;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::helpers::{db_test, error_code};
use crate::trading::market;

db_test! {
    async fn an_unknown_trade_state_is_an_error_not_a_cancel(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "2").await;
        let escrow_before = app.balances(&m.seller).await.1;
        app.db
            .execute_unprepared(&format!("UPDATE trades SET state = 'teleported' WHERE id = {t}"))
            .await
            .unwrap();

        let (status, body) = app.get(&format!("/transactions/trades/{t}"), m.buyer.t()).await;
        assert_eq!((status, error_code(&body)), (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal), "{body}");
        assert!(!body.to_string().contains("teleported"), "the cause stays in the log: {body}");
        // Before, the row read as `cancelled`: the buyer's cancel was then "already done".
        let (status, body) = app.step(&m.buyer, t, "cancel", json!({})).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
        let (status, _) = app.get("/transactions/trades", m.seller.t()).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(app.balances(&m.seller).await.1, escrow_before, "the escrow did not move");
    }
}
