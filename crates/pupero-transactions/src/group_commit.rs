//! Group commit of trade writes on SQLite.
//!
//! SQLite has one writer at a time. Before this, each trade step began its own
//! `BEGIN IMMEDIATE`, and a step that found the lock taken slept in SQLite's busy handler
//! in naps growing to 100 ms: under 16 trade workers most of a step's tail was those naps
//! (p99 352 ms at 450 trades/s). Now, on SQLite, concurrent trade writes queue here in
//! arrival order, and one committer task runs each queue it finds as **one** write
//! transaction:
//! - every member runs its statements inside its own savepoint, one member at a time, in
//!   arrival order (so each sees the ones before it, as if they had committed just
//!   before);
//! - a member that fails (a refused debit, a raced state, an error, or a request dropped
//!   half-way) has its savepoint rolled back: nothing of it remains, and the members
//!   before and after it are untouched;
//! - after the last member, the transaction commits once, and only then does each member
//!   learn its outcome, rolled back or not: a request never answers "done" for a write
//!   that did not commit, nor a refusal or "already done" read from members before it
//!   that did not commit. If the commit itself fails, every member gets that error.
//!
//! MariaDB and PostgreSQL lock rows, not the database, so there each write keeps its own
//! transaction and nothing queues.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use sea_orm::{DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use tokio::sync::{Notify, oneshot};

use pupero_db::write_tx;

/// At most this many members share one transaction (a bound on how long the write lock
/// is held at a time, so other writers of the database get their turn).
const MAX_MEMBERS: usize = 64;

/// Where a trade write runs: its own transaction, or its place in a group.
pub struct Turn {
    place: Place,
}

enum Place {
    Own(DatabaseTransaction),
    Grouped {
        // Declared before `done`, so a dropped turn releases it before the committer
        // hears back.
        savepoint: Arc<DatabaseTransaction>,
        done: oneshot::Sender<bool>,
        outcome: oneshot::Receiver<Result<(), String>>,
    },
}

impl Turn {
    /// The transaction to write in.
    pub fn tx(&self) -> &DatabaseTransaction {
        match &self.place {
            Place::Own(tx) => tx,
            Place::Grouped { savepoint, .. } => savepoint,
        }
    }

    /// Commits the write and waits until it is durable (for a member: until its group
    /// committed).
    pub async fn commit(self) -> Result<(), DbErr> {
        match self.place {
            Place::Own(tx) => tx.commit().await,
            Place::Grouped {
                savepoint,
                done,
                outcome,
            } => {
                drop(savepoint);
                let _ = done.send(true);
                group_outcome(outcome).await
            }
        }
    }

    /// Undoes the write, and (for a member) waits for its group's outcome: what the
    /// member read may have come from the members before it, so an answer built on it
    /// (a refusal, "already done") is given only once those have committed. An error
    /// here means they did not: the answer must not be given. (Dropping a turn rolls
    /// back too, without waiting: for a request that is gone.)
    pub async fn rollback(self) -> Result<(), DbErr> {
        match self.place {
            Place::Own(tx) => tx.rollback().await,
            Place::Grouped {
                savepoint,
                done,
                outcome,
            } => {
                drop(savepoint);
                let _ = done.send(false);
                group_outcome(outcome).await
            }
        }
    }
}

async fn group_outcome(outcome: oneshot::Receiver<Result<(), String>>) -> Result<(), DbErr> {
    match outcome.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(DbErr::Custom(format!("group commit failed: {e}"))),
        Err(_) => Err(DbErr::Custom("group commit ended without an answer".into())),
    }
}

/// A member waiting for its place: how to hand it its savepoint, and how to tell it the
/// group's outcome.
struct Member {
    start: oneshot::Sender<Result<Started, String>>,
}

struct Started {
    savepoint: Arc<DatabaseTransaction>,
    done: oneshot::Sender<bool>,
    outcome: oneshot::Receiver<Result<(), String>>,
}

struct Queue {
    waiting: Mutex<VecDeque<Member>>,
    wake: Arc<Notify>,
    groups: AtomicU64,
    members: AtomicU64,
}

/// How grouping went so far: transactions run, and writes that ran in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Grouped {
    pub groups: u64,
    pub members: u64,
}

impl Drop for Queue {
    fn drop(&mut self) {
        // Lets the committer task see that nobody can join any more, and end.
        self.wake.notify_one();
    }
}

/// The trade writes of one service on one database.
#[derive(Clone)]
pub struct GroupCommit {
    db: DatabaseConnection,
    queue: Option<Arc<Queue>>,
    started: Arc<std::sync::OnceLock<()>>,
}

impl std::fmt::Debug for GroupCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit")
            .field("grouped", &self.queue.is_some())
            .finish_non_exhaustive()
    }
}

impl GroupCommit {
    pub fn for_db(db: &DatabaseConnection) -> Self {
        let queue = (db.get_database_backend() == DatabaseBackend::Sqlite).then(|| {
            Arc::new(Queue {
                waiting: Mutex::new(VecDeque::new()),
                wake: Arc::new(Notify::new()),
                groups: AtomicU64::new(0),
                members: AtomicU64::new(0),
            })
        });
        Self {
            db: db.clone(),
            queue,
            started: Arc::default(),
        }
    }

    /// Writes waiting for a group to begin (0 where nothing is grouped).
    pub fn waiting(&self) -> usize {
        self.queue.as_ref().map_or(0, |q| {
            q.waiting
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .len()
        })
    }

    /// The groups run so far (zero where nothing is grouped).
    pub fn grouped(&self) -> Grouped {
        self.queue.as_ref().map_or(Grouped::default(), |q| Grouped {
            groups: q.groups.load(Ordering::Relaxed),
            members: q.members.load(Ordering::Relaxed),
        })
    }

    /// Waits for the place of one write: on SQLite a savepoint in the next group, else a
    /// transaction of its own.
    pub async fn turn(&self) -> Result<Turn, DbErr> {
        let Some(queue) = &self.queue else {
            return Ok(Turn {
                place: Place::Own(write_tx(&self.db).await?),
            });
        };
        self.started.get_or_init(|| {
            tokio::spawn(committer(
                self.db.clone(),
                Arc::downgrade(queue),
                queue.wake.clone(),
            ));
        });
        let (start, started) = oneshot::channel();
        queue
            .waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(Member { start });
        queue.wake.notify_one();
        match started.await {
            Ok(Ok(s)) => Ok(Turn {
                place: Place::Grouped {
                    savepoint: s.savepoint,
                    done: s.done,
                    outcome: s.outcome,
                },
            }),
            Ok(Err(e)) => Err(DbErr::Custom(format!("could not begin a group: {e}"))),
            Err(_) => Err(DbErr::Custom("the group committer stopped".into())),
        }
    }
}

/// Runs groups while the service lives.
async fn committer(db: DatabaseConnection, queue: Weak<Queue>, wake: Arc<Notify>) {
    loop {
        let group: Vec<Member> = {
            let Some(queue) = queue.upgrade() else { return };
            let mut waiting = queue.waiting.lock().unwrap_or_else(PoisonError::into_inner);
            let n = waiting.len().min(MAX_MEMBERS);
            waiting.drain(..n).collect()
        };
        if group.is_empty() {
            wake.notified().await;
            continue;
        }
        if let Some(queue) = queue.upgrade() {
            queue.groups.fetch_add(1, Ordering::Relaxed);
            queue
                .members
                .fetch_add(group.len() as u64, Ordering::Relaxed);
        }
        run_group(&db, group).await;
    }
}

async fn run_group(db: &DatabaseConnection, group: Vec<Member>) {
    let tx = match write_tx(db).await {
        Ok(tx) => tx,
        Err(e) => {
            for member in group {
                let _ = member.start.send(Err(e.to_string()));
            }
            return;
        }
    };
    let mut kept: Vec<oneshot::Sender<Result<(), String>>> = Vec::with_capacity(group.len());
    for member in group {
        let savepoint = match tx.begin().await {
            Ok(sp) => Arc::new(sp),
            Err(e) => {
                let _ = member.start.send(Err(e.to_string()));
                continue;
            }
        };
        let (done, heard) = oneshot::channel();
        let (tell, outcome) = oneshot::channel();
        let handed = member.start.send(Ok(Started {
            savepoint: savepoint.clone(),
            done,
            outcome,
        }));
        // A member gone before its turn (request dropped) hands back nothing: roll back.
        let keep = handed.is_ok() && heard.await.unwrap_or(false);
        let Ok(savepoint) = Arc::try_unwrap(savepoint) else {
            // Cannot happen (a member releases its savepoint before answering), but if a
            // copy were still held, nothing of this group may commit.
            tracing::error!("a group member kept its savepoint; rolling the group back");
            let _ = tell.send(Err("group rolled back".into()));
            for t in kept {
                let _ = t.send(Err("group rolled back".into()));
            }
            return;
        };
        if keep {
            match savepoint.commit().await {
                Ok(()) => kept.push(tell),
                Err(e) => {
                    let _ = tell.send(Err(e.to_string()));
                }
            }
        } else if let Err(e) = savepoint.rollback().await {
            let _ = tell.send(Err(e.to_string()));
            // The transaction cannot be trusted any more: nothing of the group commits.
            tracing::error!(error = %e, "rolling back a group member failed; rolling the group back");
            for t in kept {
                let _ = t.send(Err(e.to_string()));
            }
            return;
        } else {
            // Rolled back: it still hears whether what it read has committed.
            kept.push(tell);
        }
    }
    let outcome = tx.commit().await.map_err(|e| e.to_string());
    for t in kept {
        let _ = t.send(outcome.clone());
    }
}
