//! The platform with every call between its services over the loopback socket
//! (`IN_PROCESS_CALLS=false`), as separate processes make them. `pupero up` hands those
//! calls over in process (pupero_http::in_process), so these keep the socket path tested:
//! the gateway's proxy and the services' internal client.

use pupero_api::trades::TradeView;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Options, db_test, error_code, typed};
use pupero_api::ErrorCode;

use crate::trading::market;

fn over_the_socket() -> Options {
    Options::with(&[
        "--in-process-calls",
        "false",
        "--login-rate-per-minute",
        "100000",
        "--register-rate-per-hour",
        "100000",
    ])
}

db_test! {
    async fn a_trade_runs_with_every_call_over_the_socket(app, over_the_socket()) {
        let m = market(&app).await;
        // Opening asks offers for the offer: a callee's refusal passes through unchanged.
        let (status, body) = app.open_trade(&m.buyer, 999_999, "1").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(error_code(&body), ErrorCode::NotFound);

        let (status, body) = app.open_trade(&m.buyer, m.offer, "2").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = typed::<TradeView>(&body).id;
        assert_eq!(app.step(&m.buyer, id, "paid", json!({})).await.0, StatusCode::OK);
        let (status, body) = app.step(&m.seller, id, "release", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(app.balances(&m.seller).await.0, "8.000000000000");
        assert_eq!(app.balances(&m.buyer).await.0, "2.000000000000");
        // The sellers' records reach the listing through offers' internal route.
        let (status, listing) = app.get("/offers?limit=10", None).await;
        assert_eq!(status, StatusCode::OK, "{listing}");
        app.assert_ledger_consistent().await;
    }
}
