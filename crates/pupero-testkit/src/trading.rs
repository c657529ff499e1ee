//! Parties, funds, offers and trades: the steps most tests take before the one they test.

use reqwest::StatusCode;
use serde_json::{Value, json};

use pupero_api::money::BalancesView;
use pupero_api::offers::OfferView;
use pupero_api::trades::TradeView;
use pupero_core::TradeState;

use crate::{TestApp, typed};

/// A signed-in account.
#[derive(Debug, Clone)]
pub struct Party {
    pub id: i64,
    pub token: String,
}

impl Party {
    pub fn t(&self) -> Option<&str> {
        Some(&self.token)
    }
}

impl TestApp {
    pub async fn party(&self, username: &str) -> Party {
        let (id, tokens) = self.user(username).await;
        Party {
            id,
            token: tokens.access,
        }
    }

    pub async fn staff(&self, username: &str, role: pupero_core::Role) -> Party {
        let (id, tokens) = self.privileged(username, role).await;
        Party {
            id,
            token: tokens.access,
        }
    }

    /// Credits `xmr` to a user through the admin adjustment API.
    pub async fn credit(&self, admin: &Party, user_id: i64, xmr: &str) {
        let (status, body) = self
            .post(
                "/transactions/admin/adjust",
                admin.t(),
                json!({"user_id": user_id, "amount": xmr, "direction": "credit", "reason": "test funding"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// Posts an offer and returns its id.
    pub async fn offer(&self, owner: &Party, side: &str, min: &str, max: &str) -> i64 {
        let (status, body) = self
            .post(
                "/offers",
                owner.t(),
                json!({"side": side, "currency": "EUR", "price": "150.00", "payment_method": "sepa",
                       "min_amount": min, "max_amount": max, "payment_window_minutes": 30, "terms": "SEPA only"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        typed::<OfferView>(&body).id
    }

    pub async fn open_trade(
        &self,
        taker: &Party,
        offer_id: i64,
        amount: &str,
    ) -> (StatusCode, Value) {
        self.post(
            "/transactions/trades",
            taker.t(),
            // Every offer of `offer()` is priced 150.00: the price the taker saw.
            json!({"offer_id": offer_id, "amount": amount, "price": "150.00"}),
        )
        .await
    }

    /// Opens a trade that must succeed and returns its id.
    pub async fn trade(&self, taker: &Party, offer_id: i64, amount: &str) -> i64 {
        let (status, body) = self.open_trade(taker, offer_id, amount).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        typed::<TradeView>(&body).id
    }

    pub async fn step(
        &self,
        who: &Party,
        trade_id: i64,
        action: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        self.post(
            &format!("/transactions/trades/{trade_id}/{action}"),
            who.t(),
            body,
        )
        .await
    }

    pub async fn trade_state(&self, who: &Party, trade_id: i64) -> TradeState {
        let (status, body) = self
            .get(&format!("/transactions/trades/{trade_id}"), who.t())
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        typed::<TradeView>(&body).state
    }

    /// (available, escrow, withdrawing) as XMR strings.
    pub async fn balances(&self, who: &Party) -> (String, String, String) {
        let (status, b) = self
            .get(&format!("/transactions/balances/{}", who.id), who.t())
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let b: BalancesView = typed(&b);
        (
            b.available.to_string(),
            b.escrow.to_string(),
            b.withdrawing.to_string(),
        )
    }

    /// Recomputes the ledger from the journal and fails the test on any inconsistency.
    pub async fn assert_ledger_consistent(&self) {
        let report = pupero_transactions::ledger::verify(&self.db).await.unwrap();
        assert!(report.is_consistent(), "ledger inconsistent: {report:?}");
    }
}
