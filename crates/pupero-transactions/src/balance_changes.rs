//! Tells the offers service whose available balance changed, once the write committed.
//!
//! The offers service keeps its own view of whether a seller can fund their offers (so a
//! listing makes no call to the ledger). The ledger notes every user whose `available`
//! account a posting touched; when the request (or background pass) that posted it has
//! finished, and its transaction has therefore committed, the offers service is told, before
//! the response leaves. A client that sees its write answered sees it in the next listing.
//! A posting that was rolled back is told too: a needless refresh, never a stale answer.

use std::cell::RefCell;
use std::future::Future;

use pupero_api::internal::offers::{BalancesChanged, BalancesNoted};

use crate::TransactionsState;

tokio::task_local! {
    static CHANGED: RefCell<Vec<i64>>;
}

/// The largest batch one call carries (the offers route's limit).
const BATCH: usize = 1000;

/// Records users whose available balance a posting changed (outside [`collect`], nothing).
pub(crate) fn note(user_ids: impl IntoIterator<Item = i64>) {
    let _ = CHANGED.try_with(|c| c.borrow_mut().extend(user_ids));
}

/// Runs `work` and returns what it noted.
pub async fn collect<F: Future>(work: F) -> (F::Output, Vec<i64>) {
    CHANGED
        .scope(RefCell::new(Vec::new()), async {
            let out = work.await;
            let noted = CHANGED
                .try_with(|c| std::mem::take(&mut *c.borrow_mut()))
                .unwrap_or_default();
            (out, noted)
        })
        .await
}

/// Tells the offers service, in a call combined with concurrent requests' (see
/// [`crate::combined`]); a failure is logged (its view then refreshes on its own schedule,
/// see the offers service's availability view), never the write's failure.
pub async fn tell_offers(state: &TransactionsState, user_ids: Vec<i64>) {
    let offers = &state.offers;
    state
        .balance_tellings
        .send(&user_ids, |user_ids| async move {
            for batch in user_ids.chunks(BATCH) {
                let body = BalancesChanged {
                    user_ids: batch.to_vec(),
                };
                if let Err(e) = offers
                    .post::<_, BalancesNoted>("/internal/balances-changed", &body)
                    .await
                {
                    tracing::warn!(error = %e, users = batch.len(), "offers not told of balance changes");
                }
            }
        })
        .await;
}
