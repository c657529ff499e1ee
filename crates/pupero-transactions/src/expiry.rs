//! Cancels unpaid trades once their payment window has passed, returning the escrow.
//! Several replicas may run it: each expiry is the same guarded transition, so a trade
//! expires once whoever gets there first.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use pupero_core::trade::{Action, TradeState};

use crate::TransactionsState;
use crate::entity::trade;
use crate::trades::{Caller, act};

pub fn spawn_expiry_worker(state: TransactionsState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(state.expiry_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = expire_due(&state).await {
                tracing::warn!(error = %e, "trade expiry pass failed; will retry");
            }
        }
    })
}

pub async fn expire_due(state: &TransactionsState) -> Result<usize, pupero_http::ApiError> {
    let due = trade::Entity::find()
        .filter(trade::Column::State.eq(TradeState::AwaitingPayment))
        .filter(trade::Column::PaymentDeadlineMs.lt(pupero_db::now_ms()))
        .order_by_asc(trade::Column::PaymentDeadlineMs)
        .limit(100)
        .all(&state.db)
        .await?;
    let mut expired = 0;
    for t in due {
        act(
            state,
            t.id,
            Caller::System,
            Action::Expire,
            Default::default(),
        )
        .await?;
        tracing::info!(
            trade_id = t.id,
            "unpaid trade expired; escrow returned to the seller"
        );
        expired += 1;
    }
    Ok(expired)
}
