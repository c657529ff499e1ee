//! The expiry worker's pass does not stop at a trade that fails: the ones behind it still
//! expire (LESSONS 12, head-of-line blocking).

use pupero_core::TradeState;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use pupero_transactions::entity::trade;

use crate::helpers::db_test;
use crate::trading::market;

db_test! {
    async fn a_trade_that_keeps_failing_does_not_block_later_expiries(app) {
        let m = market(&app).await;
        let stuck = app.trade(&m.buyer, m.offer, "2").await;
        let due = app.trade(&m.buyer, m.offer, "1").await;
        // The stuck trade claims more than its escrow holds, so returning it fails on
        // every pass; it is also due first, so a pass that stopped at it would never
        // reach the other.
        let now = pupero_db::now_ms();
        for (id, deadline, amount) in [(stuck, now - 2_000, Some(999_000_000_000_000_000i64)), (due, now - 1_000, None)] {
            let mut update = trade::Entity::update_many()
                .col_expr(trade::Column::PaymentDeadlineMs, Expr::value(deadline))
                .filter(trade::Column::Id.eq(id));
            if let Some(amount) = amount {
                update = update.col_expr(trade::Column::Amount, Expr::value(amount));
            }
            update.exec(&app.db).await.unwrap();
        }

        let mut state = TradeState::AwaitingPayment;
        for _ in 0..100 {
            state = app.trade_state(&m.buyer, due).await;
            if state == TradeState::Cancelled {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(state, TradeState::Cancelled, "the later trade expired");
        assert_eq!(app.trade_state(&m.buyer, stuck).await, TradeState::AwaitingPayment, "the failing one is left as it was");
        let (available, escrow, _) = app.balances(&m.seller).await;
        assert_eq!((available.as_str(), escrow.as_str()), ("8.000000000000", "2.000000000000"), "only the expired trade's escrow came back");
        app.assert_ledger_consistent().await;
    }
}
