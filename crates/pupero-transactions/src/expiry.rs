//! Cancels unpaid trades once their payment window has passed, returning the escrow.
//! One replica at a time runs it (the `trade_expiry` worker lease); each expiry is also a
//! guarded transition that checks the lease's fence, so a trade expires once.

use crate::TransactionsState;
use crate::store::trades as store;
use crate::trades::{self, TradeError};

pub fn spawn_expiry_worker(
    state: TransactionsState,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let lease = state.leases.keep("trade_expiry", shutdown.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(state.expiry_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
            let Some(fence) = lease.fence() else { continue };
            let (pass, changed) =
                crate::told_after_writes::collect(expire_due(&state, &fence)).await;
            crate::told_after_writes::tell(&state, changed).await;
            if let Err(e) = pass {
                tracing::warn!(error = %e, "trade expiry pass failed; will retry");
            }
            if let Err(e) = crate::notifications::warn_expiring(&state).await {
                tracing::warn!(error = %e, "trade expiry warnings failed; will retry");
            }
            match purge_expired_evidence(&state, &fence).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "dispute evidence past its retention deleted"),
                Err(e) => tracing::warn!(error = %e, "evidence purge failed; will retry"),
            }
        }
    })
}

/// Deletes the dispute evidence whose retention (EVIDENCE_RETENTION_DAYS) has ended, under
/// the expiry job's lease: a replica that lost it deletes nothing.
pub async fn purge_expired_evidence(
    state: &TransactionsState,
    fence: &pupero_http::lease::Fence,
) -> Result<u64, sea_orm::DbErr> {
    let tx = pupero_db::write_tx(&state.db).await?;
    fence.check(&tx).await?;
    let purged = crate::store::disputes::purge_expired(&tx, pupero_db::now_ms()).await?;
    tx.commit().await?;
    Ok(purged)
}

/// One pass: expires every due trade it can. A trade that fails is logged and skipped, so
/// one that keeps failing (it is due first in every pass) cannot hold back the trades
/// behind it; it is tried again next pass. Returns how many expired.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn expire_due(
    state: &TransactionsState,
    fence: &pupero_http::lease::Fence,
) -> Result<usize, TradeError> {
    let due = store::due_for_expiry(&state.db, pupero_db::now_ms(), 100).await?;
    let mut expired = 0;
    for t in due {
        match trades::expire(state, t.id, fence).await {
            Ok(_) => {
                tracing::info!(
                    trade_id = t.id,
                    "unpaid trade expired; escrow returned to the seller"
                );
                expired += 1;
            }
            // Paid (or otherwise moved) between the query and the step: nothing to do.
            Err(TradeError::Refused(_)) => {}
            Err(e) => {
                tracing::error!(trade_id = t.id, error = %e, "could not expire an unpaid trade; will retry next pass");
            }
        }
    }
    Ok(expired)
}
