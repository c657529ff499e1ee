//! The `notifications` table: the inbox, and the dispatcher's queue of rows to hand on.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use pupero_core::NotificationKind;
use pupero_http::Page;

use crate::entity::notification;

/// An event to tell one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub user_id: i64,
    pub kind: NotificationKind,
    pub trade_id: Option<i64>,
    pub withdrawal_id: Option<i64>,
    pub amount: Option<i64>,
    /// Set for events told at most once (see the migration).
    pub event_key: Option<String>,
}

impl Notice {
    pub fn about_trade(user_id: i64, kind: NotificationKind, trade_id: i64, amount: i64) -> Self {
        Self {
            user_id,
            kind,
            trade_id: Some(trade_id),
            withdrawal_id: None,
            amount: Some(amount),
            event_key: None,
        }
    }
}

pub async fn insert(db: &impl ConnectionTrait, n: &Notice, now: i64) -> Result<(), DbErr> {
    notification::Entity::insert(notification::ActiveModel {
        user_id: Set(n.user_id),
        kind: Set(n.kind),
        trade_id: Set(n.trade_id),
        withdrawal_id: Set(n.withdrawal_id),
        amount: Set(n.amount),
        event_key: Set(n.event_key.clone()),
        created_at_ms: Set(now),
        read_at_ms: Set(None),
        dispatched_at_ms: Set(None),
        dispatch_attempts: Set(0),
        next_dispatch_at_ms: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// A user's inbox, newest first, with its total and unread counts.
pub async fn page_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    unread_only: bool,
    page: Page,
) -> Result<(Vec<notification::Model>, u64, u64), DbErr> {
    let mine = notification::Entity::find().filter(notification::Column::UserId.eq(user_id));
    let unread = mine
        .clone()
        .filter(notification::Column::ReadAtMs.is_null())
        .count(db)
        .await?;
    let listed = if unread_only {
        mine.filter(notification::Column::ReadAtMs.is_null())
    } else {
        mine
    };
    let total = listed.clone().count(db).await?;
    let rows = listed
        .order_by_desc(notification::Column::Id)
        .limit(page.limit)
        .offset(page.offset)
        .all(db)
        .await?;
    Ok((rows, total, unread))
}

/// The owner's row, or none (another user's row is none too: its existence is not told).
pub async fn find_owned(
    db: &impl ConnectionTrait,
    id: i64,
    user_id: i64,
) -> Result<Option<notification::Model>, DbErr> {
    notification::Entity::find_by_id(id)
        .filter(notification::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Marks the owner's row read (once: a second call keeps the first time).
pub async fn mark_read(
    db: &impl ConnectionTrait,
    id: i64,
    user_id: i64,
    now: i64,
) -> Result<(), DbErr> {
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAtMs, Expr::value(now))
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAtMs.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Marks all the owner's rows read; returns how many changed.
pub async fn mark_all_read(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: i64,
) -> Result<u64, DbErr> {
    let done = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAtMs, Expr::value(now))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAtMs.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Rows not yet handed on whose next attempt is due, oldest first.
pub async fn due_for_dispatch(
    db: &impl ConnectionTrait,
    now: i64,
    limit: u64,
) -> Result<Vec<notification::Model>, DbErr> {
    notification::Entity::find()
        .filter(notification::Column::DispatchedAtMs.is_null())
        .filter(notification::Column::NextDispatchAtMs.lte(now))
        .order_by_asc(notification::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

pub async fn mark_dispatched(db: &impl ConnectionTrait, id: i64, now: i64) -> Result<(), DbErr> {
    notification::Entity::update_many()
        .col_expr(notification::Column::DispatchedAtMs, Expr::value(now))
        .filter(notification::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Puts a row back for a later attempt.
pub async fn postpone_dispatch(
    db: &impl ConnectionTrait,
    id: i64,
    attempts: i32,
    next_at: i64,
) -> Result<(), DbErr> {
    notification::Entity::update_many()
        .col_expr(
            notification::Column::DispatchAttempts,
            Expr::value(attempts),
        )
        .col_expr(notification::Column::NextDispatchAtMs, Expr::value(next_at))
        .filter(notification::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The user's newest event id (0: none yet): where a live stream without `Last-Event-ID`
/// starts.
pub async fn latest_id(db: &impl ConnectionTrait, user_id: i64) -> Result<i64, DbErr> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::Id)
        .one(db)
        .await?
        .map_or(0, |n| n.id))
}

/// The user's events after `after_id`, oldest first, written at or before `until_ms`.
pub async fn after(
    db: &impl ConnectionTrait,
    user_id: i64,
    after_id: i64,
    until_ms: i64,
    limit: u64,
) -> Result<Vec<notification::Model>, DbErr> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Id.gt(after_id))
        .filter(notification::Column::CreatedAtMs.lte(until_ms))
        .order_by_asc(notification::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
