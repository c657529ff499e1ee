//! Worker-lease takeovers, watched in the lease tables: when a job's holder changes after
//! its holder was SIGKILLed, the takeover time is from the kill to the moment the new
//! holder's row is seen (polled every 100 ms, so up to 100 ms late).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;

/// The lease tables of the services with background jobs.
pub const TABLES: [&str; 2] = [pupero_transactions::LEASE_TABLE, pupero_wallet::LEASE_TABLE];

#[derive(Debug, Clone)]
pub struct Takeover {
    pub job: String,
    pub from: String,
    pub to: String,
    /// From the kill of `from` to the new holder's row; `None` if `from` was not killed.
    pub after_kill: Option<Duration>,
}

#[derive(Clone, Default)]
pub struct Kills(Arc<Mutex<Vec<(String, Instant)>>>);

impl Kills {
    pub fn record(&self, replica: &str) {
        if let Ok(mut k) = self.0.lock() {
            k.push((replica.to_owned(), Instant::now()));
        }
    }

    pub fn count(&self) -> usize {
        self.0.lock().map(|k| k.len()).unwrap_or(0)
    }

    /// The last kill of `replica`.
    fn last(&self, replica: &str) -> Option<Instant> {
        let k = self.0.lock().ok()?;
        k.iter()
            .rev()
            .find(|(r, _)| r == replica)
            .map(|(_, at)| *at)
    }
}

/// Polls the lease tables until `stop` and returns every takeover seen.
pub async fn watch(
    db: DatabaseConnection,
    kills: Kills,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<Takeover> {
    // Per (table, job): the holder, its token, and when that tenure was first seen.
    let mut holders: BTreeMap<(String, String), (String, i64, Instant)> = BTreeMap::new();
    let mut seen = Vec::new();
    loop {
        for table in TABLES {
            let Ok(jobs) = pupero_db::lease::all(&db, table).await else {
                continue;
            };
            for (job, holder, token, expires) in jobs {
                // A row whose lease ran out with nobody renewing is not held.
                if expires < pupero_db::now_ms() {
                    continue;
                }
                let slot = (table.to_owned(), job.clone());
                match holders.get(&slot) {
                    Some((_, t, _)) if *t == token => continue,
                    Some((before, _, since)) => {
                        // A restarted replica keeps its id: taking its own job back after
                        // its kill is a takeover too (by a new process).
                        seen.push(Takeover {
                            job: job.clone(),
                            from: before.clone(),
                            to: holder.clone(),
                            after_kill: kills
                                .last(before)
                                .filter(|at| at > since)
                                .map(|at| at.elapsed()),
                        });
                    }
                    None => {}
                }
                holders.insert(slot, (holder, token, Instant::now()));
            }
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(100)) => {}
            _ = stop.wait_for(|s| *s) => return seen,
        }
    }
}
