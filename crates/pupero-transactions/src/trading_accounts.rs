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

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use pupero_core::Piconero;
use pupero_db::{Retryable, now_ms, with_retry, write_tx};

use crate::ledger;
use crate::store::trades as trade_store;
use crate::store::trading_accounts as store;

/// Why an account could not be closed for trading.
#[derive(Debug, thiserror::Error)]
pub enum CloseError {
    #[error(
        "withdraw your balance ({total} XMR) and finish your {open_trades} open trade(s) before deleting the account"
    )]
    InUse { total: Piconero, open_trades: u64 },
    #[error(transparent)]
    Ledger(#[from] ledger::LedgerError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl Retryable for CloseError {
    fn is_retryable(&self) -> bool {
        matches!(
            self,
            CloseError::Db(e) | CloseError::Ledger(ledger::LedgerError::Db(e)) if e.is_retryable()
        )
    }
}

/// Creates the rows of these users if they do not exist yet (outside any transaction, so
/// the transaction that follows only ever updates).
pub async fn ensure(db: &DatabaseConnection, user_ids: &[i64]) -> Result<(), DbErr> {
    for id in user_ids {
        store::ensure(db, *id, now_ms()).await?;
    }
    Ok(())
}

/// Users whose row is known to exist. A row is never deleted (closing an account only
/// stamps it), so once it was created it stays: opening a trade then skips the two
/// upserts (write statements, each its own transaction) it would otherwise run first.
#[derive(Debug, Default)]
pub struct KnownRows(Mutex<HashSet<i64>>);

/// Bounds the memory; past it the set starts over (the upserts resume).
const MAX_KNOWN_ROWS: usize = 1_000_000;

/// [`ensure`], skipping users in `known` and noting the others once created.
pub async fn ensure_known(
    db: &DatabaseConnection,
    known: &KnownRows,
    user_ids: &[i64],
) -> Result<(), DbErr> {
    for id in user_ids {
        if known
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(id)
        {
            continue;
        }
        store::ensure(db, *id, now_ms()).await?;
        let mut rows = known.0.lock().unwrap_or_else(PoisonError::into_inner);
        if rows.len() >= MAX_KNOWN_ROWS {
            rows.clear();
        }
        rows.insert(*id);
    }
    Ok(())
}

/// Takes the rows of `user_ids` for a trade about to open, in one statement (each
/// backend takes the rows of an `IN` list on the primary key in id order, so two opens
/// never wait on each other in a circle; if one ever did, the deadlock is retried).
/// Returns the first user whose account is closed.
pub async fn lock_for_trade(
    tx: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<Option<i64>, DbErr> {
    let mut ids = user_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if usize::try_from(store::lock_open(tx, &ids, now_ms()).await?) == Ok(ids.len()) {
        return Ok(None);
    }
    store::first_closed(tx, &ids).await
}

/// Closes the account for trading if, at this moment, it holds nothing: no balance in any
/// of its accounts (available, escrow, withdrawing) and no open trade. Once this commits,
/// no trade can open with the user; the login service deletes the account after it.
/// Closing an account already closed checks again and succeeds.
#[tracing::instrument(skip_all, fields(user_id = user_id), err(level = "debug"))]
pub async fn close(db: &DatabaseConnection, user_id: i64) -> Result<(), CloseError> {
    ensure(db, &[user_id]).await?;
    with_retry(|| try_close(db, user_id)).await
}

async fn try_close(db: &DatabaseConnection, user_id: i64) -> Result<(), CloseError> {
    let tx = write_tx(db).await?;
    store::close(&tx, user_id, now_ms()).await?;
    let open_trades = trade_store::count_open_of(&tx, user_id).await?;
    let b = ledger::balances(&tx, user_id).await?;
    let total = b
        .available
        .checked_add(b.escrow)
        .and_then(|t| t.checked_add(b.withdrawing))
        .unwrap_or(Piconero::MAX);
    if total != Piconero::ZERO || open_trades > 0 {
        // Dropping the transaction rolls the closing back.
        return Err(CloseError::InUse { total, open_trades });
    }
    tx.commit().await?;
    Ok(())
}

/// Undoes a closing whose deletion did not happen (the login service could not finish).
pub async fn reopen(db: &DatabaseConnection, user_id: i64) -> Result<(), DbErr> {
    store::reopen(db, user_id, now_ms()).await
}
