//! The `webhooks` and `webhook_deliveries` tables.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use pupero_core::DeliveryStatus;
use pupero_http::Page;

use crate::entity::{webhook, webhook_delivery};

pub struct NewWebhook<'a> {
    pub user_id: i64,
    pub url: &'a str,
    /// Already sealed.
    pub secret: &'a str,
    pub events: &'a str,
    pub now_ms: i64,
}

pub async fn insert(db: &impl ConnectionTrait, new: NewWebhook<'_>) -> Result<i64, DbErr> {
    let done = webhook::Entity::insert(webhook::ActiveModel {
        user_id: Set(new.user_id),
        url: Set(new.url.to_owned()),
        secret: Set(new.secret.to_owned()),
        events: Set(new.events.to_owned()),
        created_at_ms: Set(new.now_ms),
        deleted_at_ms: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(done.last_insert_id)
}

/// A user's webhooks that are not deleted, oldest first.
pub async fn live_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<webhook::Model>, DbErr> {
    webhook::Entity::find()
        .filter(webhook::Column::UserId.eq(user_id))
        .filter(webhook::Column::DeletedAtMs.is_null())
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await
}

/// The live webhooks of any of `user_ids`.
pub async fn live_of_many(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<Vec<webhook::Model>, DbErr> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    webhook::Entity::find()
        .filter(webhook::Column::UserId.is_in(user_ids.iter().copied()))
        .filter(webhook::Column::DeletedAtMs.is_null())
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await
}

pub async fn count_live(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    webhook::Entity::find()
        .filter(webhook::Column::UserId.eq(user_id))
        .filter(webhook::Column::DeletedAtMs.is_null())
        .count(db)
        .await
}

/// The owner's webhook (deleted ones too, so their delivery log stays readable).
pub async fn find_owned(
    db: &impl ConnectionTrait,
    id: i64,
    user_id: i64,
) -> Result<Option<webhook::Model>, DbErr> {
    webhook::Entity::find_by_id(id)
        .filter(webhook::Column::UserId.eq(user_id))
        .one(db)
        .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<webhook::Model>, DbErr> {
    webhook::Entity::find_by_id(id).one(db).await
}

/// Deletes the owner's live webhook; false when there was none. Its pending deliveries
/// stop being tried (the worker skips deleted webhooks).
pub async fn delete_owned(
    db: &impl ConnectionTrait,
    id: i64,
    user_id: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let done = webhook::Entity::update_many()
        .col_expr(webhook::Column::DeletedAtMs, Expr::value(now))
        .filter(webhook::Column::Id.eq(id))
        .filter(webhook::Column::UserId.eq(user_id))
        .filter(webhook::Column::DeletedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Queues one delivery of `notification_id` to a webhook; a repeat is a unique violation
/// the caller ignores.
pub async fn insert_delivery(
    db: &impl ConnectionTrait,
    webhook_id: i64,
    notification_id: i64,
    user_id: i64,
    now: i64,
) -> Result<(), DbErr> {
    webhook_delivery::Entity::insert(webhook_delivery::ActiveModel {
        webhook_id: Set(webhook_id),
        notification_id: Set(notification_id),
        user_id: Set(user_id),
        status: Set(DeliveryStatus::Pending),
        attempts: Set(0),
        next_attempt_at_ms: Set(now),
        last_status: Set(None),
        last_error: Set(None),
        created_at_ms: Set(now),
        delivered_at_ms: Set(None),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Pending deliveries whose next attempt is due, oldest first.
pub async fn due_deliveries(
    db: &impl ConnectionTrait,
    now: i64,
    limit: u64,
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
        .filter(webhook_delivery::Column::NextAttemptAtMs.lte(now))
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The outcome of one attempt.
pub struct Attempted<'a> {
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at_ms: i64,
    pub http_status: Option<i32>,
    pub error: Option<&'a str>,
    pub delivered_at_ms: Option<i64>,
}

/// Records an attempt, only if the row is still pending with the attempts it was read
/// with (two workers cannot both count the same attempt).
pub async fn record_attempt(
    db: &impl ConnectionTrait,
    id: i64,
    read_attempts: i32,
    a: Attempted<'_>,
) -> Result<bool, DbErr> {
    let done = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value(a.status))
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(a.attempts))
        .col_expr(
            webhook_delivery::Column::NextAttemptAtMs,
            Expr::value(a.next_attempt_at_ms),
        )
        .col_expr(
            webhook_delivery::Column::LastStatus,
            Expr::value(a.http_status),
        )
        .col_expr(
            webhook_delivery::Column::LastError,
            Expr::value(a.error.map(str::to_owned)),
        )
        .col_expr(
            webhook_delivery::Column::DeliveredAtMs,
            Expr::value(a.delivered_at_ms),
        )
        .filter(webhook_delivery::Column::Id.eq(id))
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
        .filter(webhook_delivery::Column::Attempts.eq(read_attempts))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// A webhook's deliveries, newest first, and how many there are.
pub async fn deliveries_of(
    db: &impl ConnectionTrait,
    webhook_id: i64,
    page: Page,
) -> Result<(Vec<webhook_delivery::Model>, u64), DbErr> {
    let query =
        webhook_delivery::Entity::find().filter(webhook_delivery::Column::WebhookId.eq(webhook_id));
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(page.limit)
        .offset(page.offset)
        .all(db)
        .await?;
    Ok((rows, total))
}
