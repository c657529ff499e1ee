//! The `outbox` table: withdrawal messages waiting for the broker.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entity::outbox;

pub async fn insert(db: &impl ConnectionTrait, withdrawal_id: i64, now: i64) -> Result<(), DbErr> {
    outbox::Entity::insert(outbox::ActiveModel {
        withdrawal_id: Set(withdrawal_id),
        created_at_ms: Set(now),
        published_at_ms: Set(None),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Up to `limit` unpublished rows, oldest first.
pub async fn waiting(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<outbox::Model>, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::PublishedAtMs.is_null())
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

pub async fn mark_published(db: &impl ConnectionTrait, id: i64, now: i64) -> Result<(), DbErr> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::PublishedAtMs, Expr::value(now))
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
