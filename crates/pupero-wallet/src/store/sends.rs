//! `withdrawal_sends`: the transactions built for withdrawals, stored before they are
//! relayed (the wallet's half of the two-phase send).

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use pupero_db::{is_unique_violation, now_ms};

use crate::entity::withdrawal_send::{self, SendStatus};

pub async fn with_status(
    db: &impl ConnectionTrait,
    status: SendStatus,
) -> Result<Vec<withdrawal_send::Model>, DbErr> {
    withdrawal_send::Entity::find()
        .filter(withdrawal_send::Column::Status.eq(status))
        .all(db)
        .await
}

pub async fn of_withdrawal(
    db: &impl ConnectionTrait,
    withdrawal_id: i64,
) -> Result<Option<withdrawal_send::Model>, DbErr> {
    withdrawal_send::Entity::find()
        .filter(withdrawal_send::Column::WithdrawalId.eq(withdrawal_id))
        .one(db)
        .await
}

/// A transaction set just built, not relayed.
pub struct NewSend<'a> {
    pub withdrawal_id: i64,
    pub tx_hashes: &'a [String],
    pub tx_metadata: &'a [String],
    pub fee: i64,
}

/// Stores a built send as `built`, unless the withdrawal already has one (`false` then:
/// the first one stays, and is the one relayed).
pub async fn insert_built(db: &impl ConnectionTrait, new: NewSend<'_>) -> Result<bool, DbErr> {
    let now = now_ms();
    let row = withdrawal_send::ActiveModel {
        withdrawal_id: Set(new.withdrawal_id),
        tx_hashes: Set(new.tx_hashes.join(",")),
        metadata: Set(new.tx_metadata.join("\n")),
        fee: Set(new.fee),
        status: Set(SendStatus::Built),
        created_at_ms: Set(now),
        updated_at_ms: Set(now),
        ..Default::default()
    };
    match withdrawal_send::Entity::insert(row).exec(db).await {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

pub async fn mark(
    db: &impl ConnectionTrait,
    send_id: i64,
    status: SendStatus,
) -> Result<(), DbErr> {
    withdrawal_send::Entity::update_many()
        .col_expr(withdrawal_send::Column::Status, Expr::value(status))
        .col_expr(withdrawal_send::Column::UpdatedAtMs, Expr::value(now_ms()))
        .filter(withdrawal_send::Column::Id.eq(send_id))
        .exec(db)
        .await?;
    Ok(())
}
