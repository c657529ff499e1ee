//! Chains the audit records that money movements and staff actions queued in their own
//! transactions (`pupero_db::audit_chain::enqueue`): every `SEQUENCE_INTERVAL`, and before
//! the chain is shown to an admin, so what the audit page lists is chained.
//!
//! On SQLite the pass takes its place in the trade writes' group commit, like any trade
//! step, instead of queueing on the file's write lock beside it.

use std::time::Duration;

use sea_orm::DbErr;

use pupero_db::audit_chain::{self, SEQUENCE_BATCH};

use crate::TransactionsState;
use crate::store::audit::CHAIN;

/// How long a committed record waits at most (plus one pass) before it is chained.
pub const SEQUENCE_INTERVAL: Duration = Duration::from_millis(250);

/// Chains everything committed and pending; returns how many records.
pub async fn sequence(state: &TransactionsState) -> Result<u64, DbErr> {
    let mut total = 0;
    while audit_chain::has_pending(&state.db, CHAIN).await? {
        let turn = state.trade_writes.turn().await?;
        let chained = match audit_chain::sequence_in(turn.tx(), CHAIN, SEQUENCE_BATCH).await {
            Ok(n) => n,
            Err(e) => {
                turn.rollback().await?;
                return Err(e);
            }
        };
        turn.commit().await?;
        total += chained;
        if chained < SEQUENCE_BATCH {
            break;
        }
    }
    Ok(total)
}

/// Runs [`sequence`] every [`SEQUENCE_INTERVAL`] until shutdown. Every replica runs it:
/// two passes queue on the chain head's lock, and the second finds the queue emptied.
pub fn spawn_audit_sequencer(
    state: TransactionsState,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    pupero_http::periodic::every(SEQUENCE_INTERVAL, shutdown, move || {
        let state = state.clone();
        async move {
            if let Err(e) = sequence(&state).await {
                tracing::warn!(error = %e, "audit records not chained yet; will retry");
            }
        }
    })
}
