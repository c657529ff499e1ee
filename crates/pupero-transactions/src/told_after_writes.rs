//! What a write changed that the offers service keeps its own view of: available balances
//! ([`crate::balance_changes`]) and traders' records ([`crate::records`]). Both are told
//! once the write committed and before its answer leaves, so the caller's next listing
//! shows them; the two calls go out together, since neither depends on the other (one
//! after the other, a release waited for the sum).

use std::future::Future;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::TransactionsState;
use crate::{balance_changes, records};

/// Whose balances and records a piece of work changed.
#[derive(Debug, Default)]
pub struct Changed {
    balances: Vec<i64>,
    records: Vec<i64>,
}

/// Runs `work` and returns what it changed.
pub async fn collect<F: Future>(work: F) -> (F::Output, Changed) {
    let ((out, balances), records) = records::collect(balance_changes::collect(work)).await;
    (out, Changed { balances, records })
}

/// Tells offers both at once; returns when both calls have finished (their failures are
/// logged and left to the retelling jobs: the write has committed).
pub async fn tell(state: &TransactionsState, changed: Changed) {
    // Each returns at once when it has no ids (`Combined::send`).
    tokio::join!(
        balance_changes::tell_offers(state, changed.balances),
        records::tell_all(state, changed.records),
    );
}

/// Every request that may write: collect what it changed, tell offers, then answer.
pub async fn after_writes(
    State(state): State<TransactionsState>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let (response, changed) = collect(next.run(req)).await;
    tell(&state, changed).await;
    response
}
