//! The one row per user that trade opening and account closing both update before they
//! decide, so "may this trade open?" and "may this account be deleted?" can never both be
//! answered yes for the same user (issue 9 item 9).
//!
//! Why an UPDATE and not `SELECT … FOR UPDATE`: SQLite has no row locks. A guarded
//! `UPDATE … SET version = version + 1` takes the row's write lock on MariaDB and PostgreSQL
//! (a second writer waits, then re-reads the committed row before applying its WHERE), and
//! on SQLite the write transaction (`BEGIN IMMEDIATE`) already serialises all writers. The
//! lock is the first statement of each transaction, so the reads that follow (open trades,
//! balances) see everything the previous holder committed: PostgreSQL takes a snapshot
//! per statement, and MariaDB takes its snapshot at the first plain read, which comes after
//! the lock was granted.

use axum::http::StatusCode;
use pupero_http::ErrorCode;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter,
};

use pupero_core::Piconero;
use pupero_core::trade::TradeState;
use pupero_db::{is_retryable, now_ms, write_tx};
use pupero_http::{ApiError, ApiResult};

use crate::entity::{trade, trading_account};
use crate::ledger;

const ATTEMPTS: usize = 5;

/// The states in which a trade still holds escrow.
pub fn open_states() -> Vec<TradeState> {
    TradeState::OPEN.to_vec()
}

/// Creates the rows of these users if they do not exist yet (outside any transaction, so
/// the transaction that follows only ever updates).
pub async fn ensure(db: &DatabaseConnection, user_ids: &[i64]) -> Result<(), DbErr> {
    for id in user_ids {
        trading_account::Entity::insert(trading_account::ActiveModel {
            id: Set(*id),
            version: Set(0),
            closed_at_ms: Set(None),
            updated_at_ms: Set(now_ms()),
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
    }
    Ok(())
}

/// Takes the rows of `user_ids` (in id order, so two opens never wait on each other in a
/// circle) for a trade about to open. Returns the first user whose account is closed.
pub async fn lock_for_trade(
    tx: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<Option<i64>, DbErr> {
    let mut ids = user_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let now = now_ms();
    for id in ids {
        let changed = trading_account::Entity::update_many()
            .col_expr(
                trading_account::Column::Version,
                Expr::col(trading_account::Column::Version).add(1),
            )
            .col_expr(trading_account::Column::UpdatedAtMs, Expr::value(now))
            .filter(trading_account::Column::Id.eq(id))
            .filter(trading_account::Column::ClosedAtMs.is_null())
            .exec(tx)
            .await?;
        if changed.rows_affected != 1 {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// Open trades in which the user is buyer or seller.
pub async fn open_trades_of(tx: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    trade::Entity::find()
        .filter(
            Condition::any()
                .add(trade::Column::SellerId.eq(user_id))
                .add(trade::Column::BuyerId.eq(user_id)),
        )
        .filter(trade::Column::State.is_in(open_states()))
        .count(tx)
        .await
}

/// Closes the account for trading if, at this moment, it holds nothing: no balance in any
/// of its accounts (available, escrow, withdrawing) and no open trade. Once this commits,
/// no trade can open with the user; the login service deletes the account after it.
/// Closing an account already closed checks again and succeeds.
pub async fn close(db: &DatabaseConnection, user_id: i64) -> ApiResult<()> {
    ensure(db, &[user_id]).await?;
    for attempt in 1..=ATTEMPTS {
        match try_close(db, user_id).await {
            Err(e) if is_retryable(&e) && attempt < ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
            Ok(outcome) => return outcome,
        }
    }
    Err(ApiError::unavailable("the database is busy; try again"))
}

async fn try_close(db: &DatabaseConnection, user_id: i64) -> Result<ApiResult<()>, DbErr> {
    let tx = write_tx(db).await?;
    let now = now_ms();
    trading_account::Entity::update_many()
        .col_expr(
            trading_account::Column::Version,
            Expr::col(trading_account::Column::Version).add(1),
        )
        .col_expr(trading_account::Column::ClosedAtMs, Expr::value(now))
        .col_expr(trading_account::Column::UpdatedAtMs, Expr::value(now))
        .filter(trading_account::Column::Id.eq(user_id))
        .exec(&tx)
        .await?;
    let open_trades = open_trades_of(&tx, user_id).await?;
    let b = ledger::balances(&tx, user_id).await?;
    let total = b
        .available
        .checked_add(b.escrow)
        .and_then(|t| t.checked_add(b.withdrawing))
        .unwrap_or(Piconero::MAX);
    if total != Piconero::ZERO || open_trades > 0 {
        // Dropping the transaction rolls the closing back.
        return Ok(Err(ApiError::conflict(
            ErrorCode::AccountInUse,
            format!(
                "withdraw your balance ({total} XMR) and finish your {open_trades} open trade(s) before deleting the account"
            ),
        )));
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// Undoes a closing whose deletion did not happen (the login service could not finish).
pub async fn reopen(db: &DatabaseConnection, user_id: i64) -> ApiResult<()> {
    trading_account::Entity::update_many()
        .col_expr(
            trading_account::Column::ClosedAtMs,
            Expr::value(None::<i64>),
        )
        .col_expr(trading_account::Column::UpdatedAtMs, Expr::value(now_ms()))
        .filter(trading_account::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The error for a trade refused because a party's account is closed.
pub fn closed_party(closed: i64, caller: i64) -> ApiError {
    if closed == caller {
        ApiError::unauthorized(ErrorCode::InvalidToken, "the account no longer exists")
    } else {
        ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::OfferNotOpen,
            "this offer is no longer available",
        )
    }
}
