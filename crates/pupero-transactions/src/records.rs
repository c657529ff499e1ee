//! Traders' records (completed trades, cancellations, lost disputes, reviews) and telling
//! them to the offers service, which shows them beside offers and filters on them without
//! asking this service (issue 11: no per-request internal call in the listing).
//!
//! The counts are kept, not counted: the transaction that ends a trade adds what it changes
//! to both parties' rows of `trader_record_tellings` ([`ended`]), so telling a record reads
//! one row however many trades the trader had. (Counting every trade of both parties at
//! every trade's end grew with the trader's history: 3 000 index entries read per count in
//! a 3 000-trade benchmark on PostgreSQL.) [`counted`] counts them from the trades again;
//! the tests compare the two.
//!
//! The sanction pattern (see the moderation service's `enforcement`): every change to a
//! record (a trade that ends, a review posted) counts a version for each trader whose
//! record it changes, in the same transaction. Once the request committed, and before it
//! is answered, the whole records are told to offers (one call for all the traders the
//! request changed) with the versions they were read with, and the versions are marked
//! told; so the next listing read shows them. A telling lost to a crash between the commit
//! and the call, or to offers being down, leaves the traders behind, and [`spawn_retell`]
//! tells them again. Offers keeps the newest version it applied and ignores an older one
//! (`pupero_db::told_versions`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;

use sea_orm::{ConnectionTrait, DbErr};

use pupero_api::internal::offers::{TradeRecordTold, TradeRecordsTold};
use pupero_core::{CancelReason, Resolution, TradeState};
use pupero_http::ApiResult;

use crate::TransactionsState;
use crate::entity::{record_telling, trade as trade_row};
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

    fn of(counts: Counts, ratings: &[(i32, i64)]) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        TradeRecord {
            completed_trades: count(counts.completed_trades),
            cancellations: count(counts.cancellations),
            lost_disputes: count(counts.lost_disputes),
            reviews_count: ratings.iter().map(|&(_, c)| count(c)).sum(),
            rating_hundredths: rating_hundredths(ratings),
        }
    }
}

/// The counts of a record that trades change (reviews are counted from the reviews).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub completed_trades: i64,
    pub cancellations: i64,
    pub lost_disputes: i64,
}

impl Counts {
    fn of_row(row: &record_telling::Model) -> Self {
        Counts {
            completed_trades: row.completed_trades,
            cancellations: row.cancellations,
            lost_disputes: row.lost_disputes,
        }
    }
}

/// What a trade that has just ended adds to each party's counts: the rules of the counts
/// taken from the trades themselves (`store::trades::count_*_of`), for one trade.
pub fn ended(t: &trade_row::Model) -> [(i64, Counts); 2] {
    let completed = t.state == TradeState::Completed;
    let for_buyer = t.resolution == Some(Resolution::Buyer);
    let for_seller = t.resolution == Some(Resolution::Seller);
    let one = |yes: bool| i64::from(yes);
    [
        (
            t.buyer_id,
            Counts {
                completed_trades: one(completed),
                cancellations: one(t.state == TradeState::Cancelled
                    && matches!(
                        t.cancel_reason,
                        Some(CancelReason::BuyerCancelled | CancelReason::Expired)
                    )),
                lost_disputes: one(for_seller),
            },
        ),
        (
            t.seller_id,
            Counts {
                completed_trades: one(completed && !for_buyer),
                cancellations: 0,
                lost_disputes: one(for_buyer),
            },
        ),
    ]
}

/// The average of `(rating, count)` pairs times 100, rounded half up, without floats.
fn rating_hundredths(ratings: &[(i32, i64)]) -> Option<i64> {
    let n: i64 = ratings.iter().map(|&(_, c)| c).sum();
    let sum: i64 = ratings.iter().map(|&(r, c)| i64::from(r) * c).sum();
    (n > 0).then(|| (sum * 100 * 2 + n) / (2 * n))
}

/// A trader's record as it is now.
pub async fn record_of(db: &impl ConnectionTrait, user_id: i64) -> Result<TradeRecord, DbErr> {
    let counts = counts_of(db, user_id).await?;
    let ratings: Vec<(i32, i64)> = reviews::ratings_of(db, &[user_id])
        .await?
        .into_iter()
        .map(|(_, rating, count)| (rating, count))
        .collect();
    Ok(TradeRecord::of(counts, &ratings))
}

/// A trader's completed trades, as their record counts them.
pub async fn completed_of(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    let completed = counts_of(db, user_id).await?.completed_trades;
    Ok(u64::try_from(completed).unwrap_or_default())
}

/// A trader's kept counts (none yet: all zero).
async fn counts_of(db: &impl ConnectionTrait, user_id: i64) -> Result<Counts, DbErr> {
    Ok(record_tellings::of(db, &[user_id])
        .await?
        .first()
        .map(Counts::of_row)
        .unwrap_or_default())
}

/// A trader's counts as the trades themselves give them, counted anew.
pub async fn counted(db: &impl ConnectionTrait, user_id: i64) -> Result<Counts, DbErr> {
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    Ok(Counts {
        completed_trades: count(trades::count_completed_of(db, user_id).await?),
        cancellations: count(trades::count_cancellations_of(db, user_id).await?),
        lost_disputes: count(trades::count_lost_disputes_of(db, user_id).await?),
    })
}

/// In the transaction of a change to these traders' records: adds to their counts, counts
/// the change, and notes them to be told once the request (or background pass) has
/// finished.
pub async fn changed(tx: &impl ConnectionTrait, changes: &[(i64, Counts)]) -> Result<(), DbErr> {
    record_tellings::bump(tx, changes).await?;
    let _ = CHANGED.try_with(|c| c.borrow_mut().extend(changes.iter().map(|&(id, _)| id)));
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

/// Tells the offers service the whole records of `user_ids` in one call, then marks the
/// versions told.
pub async fn tell(state: &TransactionsState, user_ids: &[i64]) -> ApiResult<()> {
    // Counts and version from one row: the record sent is the one its version counted.
    // The ratings are read after, so they are at least as new.
    let rows = record_tellings::of(&state.db, user_ids).await?;
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
    let mut ratings: HashMap<i64, Vec<(i32, i64)>> = HashMap::new();
    for (user_id, rating, count) in reviews::ratings_of(&state.db, &ids).await? {
        ratings.entry(user_id).or_default().push((rating, count));
    }
    let records: Vec<TradeRecordTold> = rows
        .iter()
        .map(|row| {
            let record = TradeRecord::of(
                Counts::of_row(row),
                ratings.get(&row.user_id).map_or(&[], Vec::as_slice),
            );
            TradeRecordTold {
                user_id: row.user_id,
                completed_trades: record.completed_trades,
                cancellations: record.cancellations,
                lost_disputes: record.lost_disputes,
                reviews_count: record.reviews_count,
                rating_hundredths: record.rating_hundredths,
                version: row.version,
            }
        })
        .collect();
    let _: TradeRecordsTold = state
        .offers
        .put("/internal/traders/records", &TradeRecordsTold { records })
        .await?;
    let told: Vec<(i64, i64)> = rows.iter().map(|r| (r.user_id, r.version)).collect();
    record_tellings::mark_told(&state.db, &told).await?;
    Ok(())
}

/// Tells `user_ids`, in a call combined with concurrent requests' (see
/// [`crate::combined`]); a failure is logged and left to the retell job, never the write's
/// failure (it has committed).
pub async fn tell_all(state: &TransactionsState, user_ids: Vec<i64>) {
    state
        .record_tellings
        .send(&user_ids, |user_ids| async move {
            for batch in user_ids.chunks(TradeRecordsTold::MAX) {
                if let Err(e) = tell(state, batch).await {
                    tracing::warn!(traders = ?batch, error = %e.message, "trade records not told to offers; the retell job will");
                }
            }
        })
        .await;
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
    if behind.is_empty() {
        return;
    }
    match tell(state, &behind).await {
        Ok(()) => {
            tracing::info!(traders = ?behind, "trade records told again after a lost telling")
        }
        Err(e) => {
            tracing::warn!(traders = ?behind, error = %e.message, "trade records could not be told again; will retry");
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
