//! The `notifications` table: the inbox, and the dispatcher's queue of rows to hand on.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use pupero_core::NotificationKind;
use pupero_http::Page;

use crate::entity::notification;
use crate::stream_cursor::Seen;

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

pub async fn mark_dispatched(
    db: &impl ConnectionTrait,
    ids: &[i64],
    now: i64,
) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    notification::Entity::update_many()
        .col_expr(notification::Column::DispatchedAtMs, Expr::value(now))
        .filter(notification::Column::Id.is_in(ids.iter().copied()))
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

/// The newest rows of any user (ids, owners and creation times only), oldest first: where a
/// live stream without `Last-Event-ID` starts, and which ids just below it are still
/// uncommitted.
pub async fn newest_seen(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<Seen>, DbErr> {
    let mut rows = seen()
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .into_tuple::<(i64, i64, i64)>()
        .all(db)
        .await?;
    rows.reverse();
    Ok(rows.into_iter().map(as_seen).collect())
}

/// Rows of any user (ids, owners and creation times only) above `high` or among `gaps`,
/// oldest first: one scan of a live stream (see `stream_cursor.rs`).
pub async fn seen_since(
    db: &impl ConnectionTrait,
    high: i64,
    gaps: impl IntoIterator<Item = i64>,
    limit: u64,
) -> Result<Vec<Seen>, DbErr> {
    let gaps: Vec<i64> = gaps.into_iter().collect();
    let mut wanted = Condition::any().add(notification::Column::Id.gt(high));
    if !gaps.is_empty() {
        wanted = wanted.add(notification::Column::Id.is_in(gaps));
    }
    let rows = seen()
        .filter(wanted)
        .order_by_asc(notification::Column::Id)
        .limit(limit)
        .into_tuple::<(i64, i64, i64)>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(as_seen).collect())
}

fn seen() -> sea_orm::Select<notification::Entity> {
    notification::Entity::find()
        .select_only()
        .column(notification::Column::Id)
        .column(notification::Column::UserId)
        .column(notification::Column::CreatedAtMs)
}

fn as_seen((id, user_id, created_at_ms): (i64, i64, i64)) -> Seen {
    Seen {
        id,
        user_id,
        created_at_ms,
    }
}

/// The user's rows among `ids`, oldest first.
pub async fn owned_among(
    db: &impl ConnectionTrait,
    user_id: i64,
    ids: &[i64],
) -> Result<Vec<notification::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(notification::Column::Id)
        .all(db)
        .await
}

/// Which of `keys` are already taken by a row (events told at most once).
pub async fn taken_event_keys(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<Vec<String>, DbErr> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    notification::Entity::find()
        .select_only()
        .column(notification::Column::EventKey)
        .filter(notification::Column::EventKey.is_in(keys.iter().cloned()))
        .into_tuple::<Option<String>>()
        .all(db)
        .await
        .map(|keys| keys.into_iter().flatten().collect())
}
