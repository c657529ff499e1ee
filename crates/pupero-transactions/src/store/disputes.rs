//! The `dispute_statements` and `dispute_evidence` tables.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use crate::entity::{dispute_evidence, dispute_evidence_meta, dispute_statement};

/// Writes `author`'s statement on a trade: replaces the one they filed before, or files it.
/// Two first filings by one author at the same moment meet the unique index; the second
/// fails with a unique violation, which the caller reports.
pub async fn put_statement(
    db: &impl ConnectionTrait,
    trade_id: i64,
    author_id: i64,
    body: &str,
    now: i64,
) -> Result<dispute_statement::Model, DbErr> {
    let updated = dispute_statement::Entity::update_many()
        .col_expr(dispute_statement::Column::Body, Expr::value(body))
        .col_expr(dispute_statement::Column::UpdatedAtMs, Expr::value(now))
        .filter(dispute_statement::Column::TradeId.eq(trade_id))
        .filter(dispute_statement::Column::AuthorId.eq(author_id))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        dispute_statement::Entity::insert(dispute_statement::ActiveModel {
            trade_id: Set(trade_id),
            author_id: Set(author_id),
            body: Set(body.to_owned()),
            created_at_ms: Set(now),
            updated_at_ms: Set(now),
            ..Default::default()
        })
        .exec_without_returning(db)
        .await?;
    }
    dispute_statement::Entity::find()
        .filter(dispute_statement::Column::TradeId.eq(trade_id))
        .filter(dispute_statement::Column::AuthorId.eq(author_id))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("statement on trade {trade_id}")))
}

/// A trade's statements, first filed first.
pub async fn statements(
    db: &impl ConnectionTrait,
    trade_id: i64,
) -> Result<Vec<dispute_statement::Model>, DbErr> {
    dispute_statement::Entity::find()
        .filter(dispute_statement::Column::TradeId.eq(trade_id))
        .order_by_asc(dispute_statement::Column::Id)
        .all(db)
        .await
}

/// How many files `uploader` has attached to a trade.
pub async fn evidence_count(
    db: &impl ConnectionTrait,
    trade_id: i64,
    uploader_id: i64,
) -> Result<u64, DbErr> {
    dispute_evidence_meta::Entity::find()
        .filter(dispute_evidence_meta::Column::TradeId.eq(trade_id))
        .filter(dispute_evidence_meta::Column::UploaderId.eq(uploader_id))
        .count(db)
        .await
}

/// Stores a file; answers its description.
pub async fn insert_evidence(
    db: &impl ConnectionTrait,
    row: dispute_evidence::ActiveModel,
) -> Result<dispute_evidence_meta::Model, DbErr> {
    let id = dispute_evidence::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id;
    dispute_evidence_meta::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("evidence {id}")))
}

/// A trade's files (without their bytes), oldest first.
pub async fn evidence_of(
    db: &impl ConnectionTrait,
    trade_id: i64,
) -> Result<Vec<dispute_evidence_meta::Model>, DbErr> {
    dispute_evidence_meta::Entity::find()
        .filter(dispute_evidence_meta::Column::TradeId.eq(trade_id))
        .order_by_asc(dispute_evidence_meta::Column::Id)
        .all(db)
        .await
}

/// One file of a trade, with its bytes.
pub async fn find_evidence(
    db: &impl ConnectionTrait,
    trade_id: i64,
    id: i64,
) -> Result<Option<dispute_evidence::Model>, DbErr> {
    dispute_evidence::Entity::find_by_id(id)
        .filter(dispute_evidence::Column::TradeId.eq(trade_id))
        .one(db)
        .await
}

/// Deletes every file whose retention ended by `now`; answers how many.
pub async fn purge_expired(db: &impl ConnectionTrait, now: i64) -> Result<u64, DbErr> {
    Ok(dispute_evidence_meta::Entity::delete_many()
        .filter(dispute_evidence_meta::Column::ExpiresAtMs.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}
