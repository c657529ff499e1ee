//! The `withdrawals` table: the request, the worker's claim and every guarded status change.

use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use pupero_core::WithdrawalStatus as S;
use pupero_http::Page;

use crate::entity::withdrawal;

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<withdrawal::Model>, DbErr> {
    withdrawal::Entity::find_by_id(id).one(db).await
}

pub async fn find_by_key(
    db: &impl ConnectionTrait,
    user_id: i64,
    key: &str,
) -> Result<Option<withdrawal::Model>, DbErr> {
    withdrawal::Entity::find()
        .filter(withdrawal::Column::UserId.eq(user_id))
        .filter(withdrawal::Column::IdempotencyKey.eq(key))
        .one(db)
        .await
}

/// A user's withdrawals, newest first, and how many there are.
pub async fn page_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    page: Page,
) -> Result<(Vec<withdrawal::Model>, u64), DbErr> {
    let query = withdrawal::Entity::find().filter(withdrawal::Column::UserId.eq(user_id));
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(withdrawal::Column::Id)
        .limit(page.limit)
        .offset(page.offset)
        .all(db)
        .await?;
    Ok((rows, total))
}

pub struct NewWithdrawal<'a> {
    pub user_id: i64,
    pub idempotency_key: &'a str,
    pub address: &'a str,
    pub amount: i64,
    pub now_ms: i64,
    /// The asking request's id and trace context, for following it to the wallet worker.
    pub trace: Option<pupero_http::TraceContext>,
}

/// Inserts a `queued` withdrawal; a unique violation means the key was used before.
pub async fn insert(db: &impl ConnectionTrait, new: NewWithdrawal<'_>) -> Result<i64, DbErr> {
    let row = withdrawal::ActiveModel {
        user_id: Set(new.user_id),
        idempotency_key: Set(new.idempotency_key.to_owned()),
        address: Set(new.address.to_owned()),
        amount: Set(new.amount),
        status: Set(S::Queued),
        tx_hashes: Set(String::new()),
        fee: Set(None),
        last_error: Set(String::new()),
        attempts: Set(0),
        lease_until_ms: Set(0),
        created_at_ms: Set(new.now_ms),
        updated_at_ms: Set(new.now_ms),
        relayed_at_ms: Set(None),
        confirmed_at_ms: Set(None),
        request_id: Set(new.trace.as_ref().map(|t| t.request_id.clone())),
        traceparent: Set(new.trace.map(|t| t.traceparent)),
        ..Default::default()
    };
    Ok(withdrawal::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id)
}

/// What a worker may claim now: a queued withdrawal past its "not before" time (any
/// queued one when asked for by `id`), or one whose worker's lease ran out.
fn claimable(by_id: bool, now: i64) -> Condition {
    let queued = Condition::all().add(withdrawal::Column::Status.eq(S::Queued));
    let queued = if by_id {
        queued
    } else {
        queued.add(withdrawal::Column::LeaseUntilMs.lt(now))
    };
    Condition::any().add(queued).add(
        Condition::all()
            .add(withdrawal::Column::Status.eq(S::Signing))
            .add(withdrawal::Column::LeaseUntilMs.lt(now)),
    )
}

/// Up to `limit` withdrawals a worker could claim, oldest first (`id`: only that one).
pub async fn claimable_now(
    db: &impl ConnectionTrait,
    id: Option<i64>,
    now: i64,
    limit: u64,
) -> Result<Vec<withdrawal::Model>, DbErr> {
    let mut query = withdrawal::Entity::find()
        .filter(claimable(id.is_some(), now))
        .order_by_asc(withdrawal::Column::Id)
        .limit(limit);
    if let Some(id) = id {
        query = query.filter(withdrawal::Column::Id.eq(id));
    }
    query.all(db).await
}

/// Takes one withdrawal for a worker until `lease_until`, if it is still claimable.
pub async fn take_claim(
    db: &impl ConnectionTrait,
    id: i64,
    by_id: bool,
    now: i64,
    lease_until: i64,
) -> Result<bool, DbErr> {
    let taken = withdrawal::Entity::update_many()
        .col_expr(withdrawal::Column::Status, Expr::value(S::Signing))
        .col_expr(withdrawal::Column::LeaseUntilMs, Expr::value(lease_until))
        .col_expr(
            withdrawal::Column::Attempts,
            Expr::col(withdrawal::Column::Attempts).add(1),
        )
        .col_expr(withdrawal::Column::UpdatedAtMs, Expr::value(now))
        .filter(withdrawal::Column::Id.eq(id))
        .filter(claimable(by_id, now))
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// The columns a status change sets besides the status (`None`: left as it is).
#[derive(Debug, Default, Clone, Copy)]
pub struct Changes<'a> {
    pub tx_hashes: Option<&'a str>,
    pub fee: Option<i64>,
    pub last_error: Option<&'a str>,
    pub lease_until_ms: Option<i64>,
    pub relayed_at_ms: Option<i64>,
    pub confirmed_at_ms: Option<i64>,
}

/// `from → to`, guarded: changes the row only while its status is one of `from` (and it
/// belongs to `owner`, when given). True when it changed.
pub async fn transition(
    db: &impl ConnectionTrait,
    id: i64,
    owner: Option<i64>,
    from: &[S],
    to: S,
    changes: Changes<'_>,
    now: i64,
) -> Result<bool, DbErr> {
    let mut update = withdrawal::Entity::update_many()
        .col_expr(withdrawal::Column::Status, Expr::value(to))
        .col_expr(withdrawal::Column::UpdatedAtMs, Expr::value(now))
        .filter(withdrawal::Column::Id.eq(id))
        .filter(withdrawal::Column::Status.is_in(from.to_vec()));
    if let Some(owner) = owner {
        update = update.filter(withdrawal::Column::UserId.eq(owner));
    }
    if let Some(v) = changes.tx_hashes {
        update = update.col_expr(withdrawal::Column::TxHashes, Expr::value(v));
    }
    if let Some(v) = changes.fee {
        update = update.col_expr(withdrawal::Column::Fee, Expr::value(v));
    }
    if let Some(v) = changes.last_error {
        update = update.col_expr(withdrawal::Column::LastError, Expr::value(v));
    }
    if let Some(v) = changes.lease_until_ms {
        update = update.col_expr(withdrawal::Column::LeaseUntilMs, Expr::value(v));
    }
    if let Some(v) = changes.relayed_at_ms {
        update = update.col_expr(withdrawal::Column::RelayedAtMs, Expr::value(v));
    }
    if let Some(v) = changes.confirmed_at_ms {
        update = update.col_expr(withdrawal::Column::ConfirmedAtMs, Expr::value(v));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Records why a withdrawal waits, without changing its status.
pub async fn note(db: &impl ConnectionTrait, id: i64, reason: &str, now: i64) -> Result<(), DbErr> {
    withdrawal::Entity::update_many()
        .col_expr(withdrawal::Column::LastError, Expr::value(reason))
        .col_expr(withdrawal::Column::UpdatedAtMs, Expr::value(now))
        .filter(withdrawal::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
