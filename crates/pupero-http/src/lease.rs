//! Keeping each background job's worker lease ([`pupero_db::lease`]) while the service
//! runs: renewed every third of its length, taken over when another holder's runs out,
//! released on a clean shutdown, and shown as `pupero_worker_lease_held{worker,replica}`
//! and `pupero_worker_lease_takeovers_total{worker,replica}`.
//!
//! The label is `worker`, not `job`: Prometheus sets `job` on every scraped series (the
//! scrape job) and would rename ours to `exported_job`.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use pupero_db::lease::Fence;
use pupero_db::lease::{self as store, Tenure};

use crate::MetricSet;

pub const HELD: &str = "pupero_worker_lease_held";
pub const TAKEOVERS: &str = "pupero_worker_lease_takeovers_total";
const HELD_HELP: &str =
    "1 while this replica holds the background job's worker lease (exactly one replica should)";
const TAKEOVERS_HELP: &str =
    "Times this replica took a worker lease over from another holder whose lease ran out";

/// One service's leases: its table, this replica's id, the lease length and its metrics.
#[derive(Clone)]
pub struct Leases {
    db: DatabaseConnection,
    table: &'static str,
    holder: Arc<str>,
    ttl: Duration,
    metrics: MetricSet,
}

impl Leases {
    pub fn new(
        db: DatabaseConnection,
        table: &'static str,
        holder: &str,
        ttl: Duration,
        metrics: MetricSet,
    ) -> Self {
        Self {
            db,
            table,
            holder: holder.into(),
            ttl: ttl.max(Duration::from_millis(300)),
            metrics,
        }
    }

    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// Starts keeping `job`'s lease until `shutdown` turns true (then gives it up, so the
    /// next holder need not wait for it to run out).
    pub fn keep(&self, job: &'static str, mut shutdown: watch::Receiver<bool>) -> JobLease {
        let (tell, current) = watch::channel(None::<Fence>);
        let labels = [("worker", job), ("replica", &*self.holder)];
        self.metrics.set(HELD, HELD_HELP, &labels, 0);
        self.metrics
            .declare_counter(TAKEOVERS, TAKEOVERS_HELP, &labels);
        let this = self.clone();
        tokio::spawn(async move {
            let renew_every = this.ttl / 3;
            let mut held: Option<(i64, Instant)> = None;
            loop {
                held = this.step(job, held, &tell).await;
                tokio::select! {
                    () = tokio::time::sleep(renew_every) => {}
                    _ = shutdown.wait_for(|stop| *stop) => break,
                }
            }
            if let Some((token, _)) = held {
                tell.send_replace(None);
                this.show(job, false);
                if let Err(e) = store::release(&this.db, this.table, job, &this.holder, token).await
                {
                    tracing::debug!(worker = job, error = %e, "lease not released; it runs out instead");
                }
            }
        });
        JobLease { job, current }
    }

    /// One renewal (or takeover attempt); returns the token held and when it was confirmed.
    async fn step(
        &self,
        job: &'static str,
        held: Option<(i64, Instant)>,
        tell: &watch::Sender<Option<Fence>>,
    ) -> Option<(i64, Instant)> {
        let ttl_ms = i64::try_from(self.ttl.as_millis()).unwrap_or(i64::MAX);
        let holding = held.map(|(t, _)| t);
        let outcome = store::renew_or_take(
            &self.db,
            self.table,
            job,
            &self.holder,
            holding,
            pupero_db::now_ms(),
            ttl_ms,
        )
        .await;
        let now_held = match outcome {
            Ok(Tenure::Held { token, taken }) => {
                if taken {
                    tracing::info!(worker = job, token, replica = %self.holder, "worker lease taken");
                    if token > 1 {
                        self.metrics.increment(
                            TAKEOVERS,
                            TAKEOVERS_HELP,
                            &[("worker", job), ("replica", &*self.holder)],
                        );
                    }
                }
                Some((token, Instant::now()))
            }
            Ok(Tenure::Elsewhere) => {
                if held.is_some() {
                    tracing::warn!(worker = job, replica = %self.holder, "worker lease lost to another replica");
                }
                None
            }
            // The database is away: keep the lease as long as it cannot have run out (the
            // fence refuses writes after a takeover in any case).
            Err(e) => {
                tracing::warn!(worker = job, error = %e, "worker lease not renewed");
                held.filter(|(_, since)| since.elapsed() < self.ttl)
            }
        };
        let fence = now_held.map(|(token, _)| Fence {
            table: self.table,
            job,
            holder: self.holder.to_string(),
            token,
        });
        if *tell.borrow() != fence {
            tell.send_replace(fence);
        }
        self.show(job, now_held.is_some());
        now_held
    }

    fn show(&self, job: &'static str, held: bool) {
        self.metrics.set(
            HELD,
            HELD_HELP,
            &[("worker", job), ("replica", &*self.holder)],
            i64::from(held),
        );
    }
}

/// Whether this replica holds one job's lease, and its fence when it does.
#[derive(Clone)]
pub struct JobLease {
    job: &'static str,
    current: watch::Receiver<Option<Fence>>,
}

impl JobLease {
    pub fn job(&self) -> &'static str {
        self.job
    }

    /// The fence to check in the job's write transactions, while this replica holds it.
    pub fn fence(&self) -> Option<Fence> {
        self.current.borrow().clone()
    }

    /// Resolves once this replica holds the lease (at once if it does).
    pub async fn held(&mut self) -> Fence {
        loop {
            if let Some(fence) = self.current.borrow_and_update().clone() {
                return fence;
            }
            if self.current.changed().await.is_err() {
                // The keeper stopped (shutdown): wait for the caller's own shutdown.
                std::future::pending::<()>().await;
            }
        }
    }
}

/// [`crate::periodic::every`] for a job one replica at a time runs: a pass runs only while
/// this replica holds `lease` (the first as soon as it has it), and gets its fence. While
/// it does not hold the lease, `metrics` has the `published` families dropped, so gauges
/// another replica keeps current do not linger here with old numbers.
pub fn every_leased<F, Fut>(
    mut lease: JobLease,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
    published: (MetricSet, &'static [&'static str]),
    mut pass: F,
) -> JoinHandle<()>
where
    F: FnMut(Fence) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let (metrics, families) = published;
    tokio::spawn(async move {
        loop {
            if lease.fence().is_none() {
                metrics.forget(families);
            }
            let fence = tokio::select! {
                fence = lease.held() => fence,
                _ = shutdown.wait_for(|stop| *stop) => return,
            };
            tokio::select! {
                () = pass(fence) => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
        }
    })
}
