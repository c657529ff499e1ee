//! The small reads behind the service's business gauges. Each is a count or a single
//! row on an indexed column (`trades.state`, `withdrawals.status`), so a timer can run them
//! often on a large database.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use pupero_core::{TradeState, WithdrawalStatus};

use crate::entity::{trade, withdrawal};

pub async fn count_trades(db: &impl ConnectionTrait, state: TradeState) -> Result<u64, DbErr> {
    trade::Entity::find()
        .filter(trade::Column::State.eq(state))
        .count(db)
        .await
}

/// When the longest-open dispute was opened (epoch ms), if any is open.
pub async fn oldest_dispute_ms(db: &impl ConnectionTrait) -> Result<Option<i64>, DbErr> {
    let oldest = trade::Entity::find()
        .filter(trade::Column::State.eq(TradeState::Disputed))
        .order_by_asc(trade::Column::DisputedAtMs)
        .limit(1)
        .one(db)
        .await?;
    Ok(oldest.map(|t| t.disputed_at_ms.unwrap_or(t.updated_at_ms)))
}

pub async fn count_withdrawals(
    db: &impl ConnectionTrait,
    status: WithdrawalStatus,
) -> Result<u64, DbErr> {
    withdrawal::Entity::find()
        .filter(withdrawal::Column::Status.eq(status))
        .count(db)
        .await
}

/// When the oldest withdrawal still in one of `statuses` was requested (epoch ms).
/// Ids grow with time, so the lowest id is the oldest request.
pub async fn oldest_withdrawal_ms(
    db: &impl ConnectionTrait,
    statuses: &[WithdrawalStatus],
) -> Result<Option<i64>, DbErr> {
    let oldest = withdrawal::Entity::find()
        .filter(withdrawal::Column::Status.is_in(statuses.iter().copied()))
        .order_by_asc(withdrawal::Column::Id)
        .limit(1)
        .one(db)
        .await?;
    Ok(oldest.map(|w| w.created_at_ms))
}
