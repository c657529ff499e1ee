//! `deposits`: every transfer seen on a user's subaddress, keyed by (txid, subaddress).

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use pupero_core::DepositStatus;
use pupero_db::{is_unique_violation, now_ms};

use crate::entity::deposit;

/// Newest first.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<deposit::Model>, DbErr> {
    deposit::Entity::find()
        .filter(deposit::Column::UserId.eq(user_id))
        .order_by_desc(deposit::Column::Id)
        .all(db)
        .await
}

pub async fn find(
    db: &impl ConnectionTrait,
    txid: &str,
    address_index: i64,
) -> Result<Option<deposit::Model>, DbErr> {
    deposit::Entity::find()
        .filter(deposit::Column::Txid.eq(txid))
        .filter(deposit::Column::AddressIndex.eq(address_index))
        .one(db)
        .await
}

/// A deposit seen for the first time.
pub struct NewDeposit<'a> {
    pub txid: &'a str,
    pub address_index: i64,
    pub user_id: i64,
    pub amount: i64,
    pub height: i64,
    pub confirmations: i64,
    pub status: DepositStatus,
}

/// Records a deposit unless (txid, subaddress) is already there (another replica recorded
/// it a moment ago); `false` then.
pub async fn insert(db: &impl ConnectionTrait, new: NewDeposit<'_>) -> Result<bool, DbErr> {
    let now = now_ms();
    let row = deposit::ActiveModel {
        txid: Set(new.txid.to_owned()),
        address_index: Set(new.address_index),
        user_id: Set(new.user_id),
        amount: Set(new.amount),
        height: Set(new.height),
        confirmations: Set(new.confirmations),
        status: Set(new.status),
        first_seen_ms: Set(now),
        updated_at_ms: Set(now),
        credited_at_ms: Set(None),
        ..Default::default()
    };
    match deposit::Entity::insert(row).exec(db).await {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// What the chain says now about a recorded deposit.
pub async fn update_seen(
    db: &impl ConnectionTrait,
    txid: &str,
    address_index: i64,
    height: i64,
    confirmations: i64,
) -> Result<(), DbErr> {
    deposit::Entity::update_many()
        .col_expr(deposit::Column::Height, Expr::value(height))
        .col_expr(deposit::Column::Confirmations, Expr::value(confirmations))
        .col_expr(deposit::Column::UpdatedAtMs, Expr::value(now_ms()))
        .filter(deposit::Column::Txid.eq(txid))
        .filter(deposit::Column::AddressIndex.eq(address_index))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn mark_credited(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    deposit::Entity::update_many()
        .col_expr(
            deposit::Column::Status,
            Expr::value(DepositStatus::Credited),
        )
        .col_expr(deposit::Column::CreditedAtMs, Expr::value(now_ms()))
        .filter(deposit::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
