//! The `audit_log` table.

use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect,
};

use pupero_http::Page;

use crate::entity::audit;

/// Appends one line, in the caller's transaction.
pub async fn record(
    db: &impl ConnectionTrait,
    actor_id: i64,
    action: pupero_core::AuditAction,
    target: String,
    details: String,
) -> Result<(), DbErr> {
    audit::Entity::insert(audit::ActiveModel {
        actor_id: Set(actor_id),
        action: Set(action),
        target: Set(target),
        details: Set(details.chars().take(2000).collect()),
        created_at_ms: Set(pupero_db::now_ms()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Newest first, and how many lines there are.
pub async fn page(
    db: &impl ConnectionTrait,
    page: Page,
) -> Result<(Vec<audit::Model>, u64), DbErr> {
    let total = audit::Entity::find().count(db).await?;
    let rows = audit::Entity::find()
        .order_by_desc(audit::Column::Id)
        .limit(page.limit)
        .offset(page.offset)
        .all(db)
        .await?;
    Ok((rows, total))
}
