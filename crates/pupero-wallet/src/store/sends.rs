//! `withdrawal_sends`: the transactions built for withdrawals, stored before they are
//! relayed (the wallet's half of the two-phase send), and the batches that pay them.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};

use pupero_db::{is_unique_violation, now_ms, write_tx};

use crate::entity::send_batch::{self, BatchKind};
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

/// A transaction set just built, not relayed, and what each withdrawal it pays owes of
/// its fee (empty for a refill, which pays no withdrawal).
pub struct NewBatch<'a> {
    pub kind: BatchKind,
    pub tx_hashes: &'a [String],
    pub tx_metadata: &'a [String],
    pub fee: i64,
    /// `(withdrawal id, fee share)`.
    pub shares: &'a [(i64, i64)],
}

/// Stores a built batch and one `built` send per withdrawal it pays, in one transaction:
/// either every withdrawal is tied to the batch or none is. `None` when one of them
/// already has a send (the first one stays, and is the one relayed; nothing was stored).
pub async fn insert_batch(
    db: &DatabaseConnection,
    new: NewBatch<'_>,
    fence: Option<&pupero_db::lease::Fence>,
) -> Result<Option<i64>, DbErr> {
    let now = now_ms();
    let tx = write_tx(db).await?;
    // The worker's lease: a worker that lost it stores (and so relays) nothing new.
    if let Some(fence) = fence {
        fence.check(&tx).await?;
    }
    let tx_hashes = new.tx_hashes.join(",");
    let batch = send_batch::ActiveModel {
        kind: Set(new.kind),
        tx_hashes: Set(tx_hashes.clone()),
        metadata: Set(new.tx_metadata.join("\n")),
        fee: Set(new.fee),
        status: Set(SendStatus::Built),
        created_at_ms: Set(now),
        updated_at_ms: Set(now),
        ..Default::default()
    };
    let batch_id = send_batch::Entity::insert(batch)
        .exec(&tx)
        .await?
        .last_insert_id;
    for &(withdrawal_id, fee) in new.shares {
        let row = withdrawal_send::ActiveModel {
            withdrawal_id: Set(withdrawal_id),
            tx_hashes: Set(tx_hashes.clone()),
            metadata: Set(String::new()),
            fee: Set(fee),
            status: Set(SendStatus::Built),
            created_at_ms: Set(now),
            updated_at_ms: Set(now),
            batch_id: Set(Some(batch_id)),
            ..Default::default()
        };
        match withdrawal_send::Entity::insert(row).exec(&tx).await {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    tx.commit().await?;
    Ok(Some(batch_id))
}

pub async fn batch(
    db: &impl ConnectionTrait,
    batch_id: i64,
) -> Result<Option<send_batch::Model>, DbErr> {
    send_batch::Entity::find_by_id(batch_id).one(db).await
}

pub async fn batches_with(
    db: &impl ConnectionTrait,
    kind: BatchKind,
    status: SendStatus,
) -> Result<Vec<send_batch::Model>, DbErr> {
    send_batch::Entity::find()
        .filter(send_batch::Column::Kind.eq(kind))
        .filter(send_batch::Column::Status.eq(status))
        .all(db)
        .await
}

pub async fn mark_batch(
    db: &impl ConnectionTrait,
    batch_id: i64,
    status: SendStatus,
) -> Result<(), DbErr> {
    send_batch::Entity::update_many()
        .col_expr(send_batch::Column::Status, Expr::value(status))
        .col_expr(send_batch::Column::UpdatedAtMs, Expr::value(now_ms()))
        .filter(send_batch::Column::Id.eq(batch_id))
        .exec(db)
        .await?;
    Ok(())
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
