//! Traders' records (completed trades, cancellations, lost disputes, reviews) and telling
//! them to the offers service, which shows them beside offers and filters on them without
//! asking this service (issue 11: no per-request internal call in the listing).
//!
//! The sanction pattern (see the moderation service's `enforcement`): every change to a
//! record (a trade that ends, a review posted) counts a version for each trader whose
//! record it changes, in the same transaction (`trader_record_tellings`). Once the request
//! committed, and before it is answered, the whole record is told to offers with the
//! version read before it, and the version is marked told; so the next listing read shows
//! it. A telling lost to a crash between the commit and the call, or to offers being
//! down, leaves the trader behind, and [`spawn_retell`] tells them again. Offers keeps the
//! newest version it applied and ignores an older one (`pupero_db::told_versions`).

use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use sea_orm::{ConnectionTrait, DbErr};

use pupero_api::internal::offers::TradeRecordTold;
use pupero_http::ApiResult;

use crate::TransactionsState;
use crate::store::{record_tellings, reviews, trades};

tokio::task_local! {
    static CHANGED: RefCell<Vec<i64>>;
}

/// The lease job that tells again the records a telling may have missed.
const RETELL_JOB: &str = "trader_record_retell";
/// Traders told per pass (the rest wait for the next).
const RETELL_BATCH: u64 = 100;

/// A trader's record, exact (the offers service shows it in bands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradeRecord {
    /// Completed trades, not counting the ones the trader lost in a dispute.
    pub completed_trades: u64,
    /// Trades the trader, as buyer, cancelled or let expire unpaid.
    pub cancellations: u64,
    pub lost_disputes: u64,
    pub reviews_count: u64,
    /// The average rating times 100, rounded half up; `None` without reviews.
    pub rating_hundredths: Option<i64>,
}

impl TradeRecord {
    /// The average rating with two decimals, e.g. `4.67`.
    pub fn average_rating(&self) -> Option<String> {
        self.rating_hundredths
            .map(|h| format!("{}.{:02}", h / 100, h % 100))
    }
}

/// The average of `(rating, count)` pairs times 100, rounded half up, without floats.
fn rating_hundredths(ratings: &[(i32, i64)]) -> Option<i64> {
    let n: i64 = ratings.iter().map(|&(_, c)| c).sum();
    let sum: i64 = ratings.iter().map(|&(r, c)| i64::from(r) * c).sum();
    (n > 0).then(|| (sum * 100 * 2 + n) / (2 * n))
}

/// A trader's record as it is now.
pub async fn record_of(db: &impl ConnectionTrait, user_id: i64) -> Result<TradeRecord, DbErr> {
    let ratings = reviews::ratings_of(db, user_id).await?;
    Ok(TradeRecord {
        completed_trades: trades::count_completed_of(db, user_id).await?,
        cancellations: trades::count_cancellations_of(db, user_id).await?,
        lost_disputes: trades::count_lost_disputes_of(db, user_id).await?,
        reviews_count: ratings
            .iter()
            .map(|&(_, c)| u64::try_from(c).unwrap_or_default())
            .sum(),
        rating_hundredths: rating_hundredths(&ratings),
    })
}

/// In the transaction of a change to these traders' records: counts it, and notes them to
/// be told once the request (or background pass) has finished.
pub async fn changed(tx: &impl ConnectionTrait, user_ids: &[i64]) -> Result<(), DbErr> {
    record_tellings::bump(tx, user_ids).await?;
    let _ = CHANGED.try_with(|c| c.borrow_mut().extend(user_ids));
    Ok(())
}

/// Runs `work` and returns the traders whose records it changed.
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

/// Tells the offers service `user_id`'s whole record, then marks its version told.
pub async fn tell(state: &TransactionsState, user_id: i64) -> ApiResult<()> {
    // The version before the record: the record sent is then at least as new as the
    // version it carries, never older.
    let version = record_tellings::version(&state.db, user_id).await?;
    let record = record_of(&state.db, user_id).await?;
    let told = TradeRecordTold {
        completed_trades: record.completed_trades,
        cancellations: record.cancellations,
        lost_disputes: record.lost_disputes,
        reviews_count: record.reviews_count,
        rating_hundredths: record.rating_hundredths,
        version,
    };
    let _: TradeRecordTold = state
        .offers
        .put(&format!("/internal/traders/{user_id}/record"), &told)
        .await?;
    record_tellings::mark_told(&state.db, user_id, version).await?;
    Ok(())
}

/// Tells each of `user_ids`; a failure is logged and left to the retell job, never the
/// write's failure (it has committed).
pub async fn tell_all(state: &TransactionsState, mut user_ids: Vec<i64>) {
    user_ids.sort_unstable();
    user_ids.dedup();
    for user_id in user_ids {
        if let Err(e) = tell(state, user_id).await {
            tracing::warn!(user_id, error = %e.message, "trade record not told to offers; the retell job will");
        }
    }
}

/// Every request that may write: collect whose record it changed, tell offers, then answer.
pub async fn after_writes(
    State(state): State<TransactionsState>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let (response, changed) = collect(next.run(req)).await;
    if !changed.is_empty() {
        tell_all(&state, changed).await;
    }
    response
}

/// Tells again, every `RECORD_RETELL_SECONDS` while this replica holds the job's lease,
/// each trader whose latest record change offers may not have taken.
pub fn spawn_retell(
    state: TransactionsState,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let lease = state.leases.keep(RETELL_JOB, shutdown.clone());
    let interval = state.record_retell_interval;
    pupero_http::lease::every_leased(
        lease,
        interval,
        shutdown,
        (state.metrics.clone(), &[]),
        move |_fence| {
            let state = state.clone();
            async move { retell(&state).await }
        },
    )
}

async fn retell(state: &TransactionsState) {
    let behind = match record_tellings::untold(&state.db, RETELL_BATCH).await {
        Ok(users) => users,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the records behind; will retry");
            return;
        }
    };
    for user_id in behind {
        match tell(state, user_id).await {
            Ok(()) => tracing::info!(user_id, "trade record told again after a lost telling"),
            Err(e) => {
                tracing::warn!(user_id, error = %e.message, "trade record could not be told again; will retry");
                // Offers is likely down: the rest would fail the same way.
                tokio::time::sleep(Duration::from_millis(100)).await;
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_average_rating_rounds_half_up() {
        assert_eq!(rating_hundredths(&[]), None);
        assert_eq!(rating_hundredths(&[(5, 2), (4, 1)]), Some(467));
        assert_eq!(rating_hundredths(&[(5, 1), (4, 1)]), Some(450));
        assert_eq!(rating_hundredths(&[(1, 2), (2, 1)]), Some(133));
        let r = TradeRecord {
            completed_trades: 0,
            cancellations: 0,
            lost_disputes: 0,
            reviews_count: 3,
            rating_hundredths: Some(467),
        };
        assert_eq!(r.average_rating().as_deref(), Some("4.67"));
    }
}
