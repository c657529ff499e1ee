//! The `trading_accounts` table: one row per user that trade opening and account closing
//! both update first (see `trading_accounts` for why).

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use crate::entity::trading_account;

/// Creates the user's row if it does not exist yet.
pub async fn ensure(db: &impl ConnectionTrait, user_id: i64, now: i64) -> Result<(), DbErr> {
    trading_account::Entity::insert(trading_account::ActiveModel {
        id: Set(user_id),
        version: Set(0),
        closed_at_ms: Set(None),
        updated_at_ms: Set(now),
    })
    // A no-op update rather than DO NOTHING, which sea-query renders as invalid SQL on
    // MariaDB (as in the ledger's accounts).
    .on_conflict(
        OnConflict::column(trading_account::Column::Id)
            .update_column(trading_account::Column::Id)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Takes the write locks of the rows of the open accounts among `user_ids`; answers how
/// many it took.
pub async fn lock_open(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
    now: i64,
) -> Result<u64, DbErr> {
    let changed = trading_account::Entity::update_many()
        .col_expr(
            trading_account::Column::Version,
            Expr::col(trading_account::Column::Version).add(1),
        )
        .col_expr(trading_account::Column::UpdatedAtMs, Expr::value(now))
        .filter(trading_account::Column::Id.is_in(user_ids.iter().copied()))
        .filter(trading_account::Column::ClosedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(changed.rows_affected)
}

/// The first of `user_ids` whose account is closed (or has no row).
pub async fn first_closed(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<Option<i64>, DbErr> {
    let open: Vec<i64> = trading_account::Entity::find()
        .select_only()
        .column(trading_account::Column::Id)
        .filter(trading_account::Column::Id.is_in(user_ids.iter().copied()))
        .filter(trading_account::Column::ClosedAtMs.is_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(user_ids.iter().copied().find(|id| !open.contains(id)))
}

/// Takes the row's write lock and marks the account closed.
pub async fn close(db: &impl ConnectionTrait, user_id: i64, now: i64) -> Result<(), DbErr> {
    trading_account::Entity::update_many()
        .col_expr(
            trading_account::Column::Version,
            Expr::col(trading_account::Column::Version).add(1),
        )
        .col_expr(trading_account::Column::ClosedAtMs, Expr::value(now))
        .col_expr(trading_account::Column::UpdatedAtMs, Expr::value(now))
        .filter(trading_account::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn reopen(db: &impl ConnectionTrait, user_id: i64, now: i64) -> Result<(), DbErr> {
    trading_account::Entity::update_many()
        .col_expr(
            trading_account::Column::ClosedAtMs,
            Expr::value(None::<i64>),
        )
        .col_expr(trading_account::Column::UpdatedAtMs, Expr::value(now))
        .filter(trading_account::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
