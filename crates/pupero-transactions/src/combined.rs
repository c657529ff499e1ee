//! Combining concurrent calls that each carry a set of ids into one.
//!
//! After a write, a request tells the offers service whose balance or record it changed,
//! and answers only once that call has finished (so the caller's next listing shows it).
//! Under load many requests finish at once: one call per request made the offers service
//! take a request, a transaction and a round trip per trade. Here the first caller makes
//! the call; the callers arriving meanwhile add their ids to the next call, made by one of
//! them as soon as the current one has finished. Each caller still returns only after a
//! call carrying its ids has finished.

use std::future::Future;
use std::sync::{Mutex, PoisonError};

use tokio::sync::oneshot;
use tokio::sync::oneshot::error::TryRecvError;

/// One kind of combined call (one per destination route).
#[derive(Debug, Default)]
pub struct Combined {
    waiting: Mutex<Waiting>,
    /// Held by the caller making the call; the next one waits here.
    calling: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct Waiting {
    ids: Vec<i64>,
    done: Vec<oneshot::Sender<()>>,
}

impl Combined {
    /// Sends `ids` in a call made by `call`, together with the ids of callers waiting
    /// meanwhile, and returns once that call has finished. `call` gets the ids sorted
    /// and without repeats; it reports its own failures (the callers have committed).
    pub async fn send<F, Fut>(&self, ids: &[i64], call: F)
    where
        F: FnOnce(Vec<i64>) -> Fut,
        Fut: Future<Output = ()>,
    {
        if ids.is_empty() {
            return;
        }
        let (done, mut finished) = oneshot::channel();
        self.waiting().push(ids, done);
        let _calling = self.calling.lock().await;
        match finished.try_recv() {
            // An earlier caller carried these ids, and its call has finished.
            Ok(()) => return,
            // Still waiting: taken below with everyone else's.
            Err(TryRecvError::Empty) => {}
            // Taken by a caller whose call was abandoned (its request dropped): send again.
            Err(TryRecvError::Closed) => self.waiting().ids.extend_from_slice(ids),
        }
        let Waiting { mut ids, done } = std::mem::take(&mut *self.waiting());
        ids.sort_unstable();
        ids.dedup();
        call(ids).await;
        for d in done {
            let _ = d.send(());
        }
    }

    fn waiting(&self) -> std::sync::MutexGuard<'_, Waiting> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Waiting {
    fn push(&mut self, ids: &[i64], done: oneshot::Sender<()>) {
        self.ids.extend_from_slice(ids);
        self.done.push(done);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    type Calls = Arc<Mutex<Vec<Vec<i64>>>>;

    async fn slow_call(calls: Calls, ids: Vec<i64>) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        calls.lock().unwrap().push(ids);
    }

    #[tokio::test]
    async fn concurrent_callers_share_calls_and_each_returns_after_its_ids_were_sent() {
        let combined = Arc::new(Combined::default());
        let calls: Calls = Arc::default();
        let mut tasks = Vec::new();
        for id in 0..40_i64 {
            let (combined, calls) = (combined.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                combined
                    .send(&[id, id + 1], |ids| slow_call(calls.clone(), ids))
                    .await;
                // Returned: some finished call carried both ids.
                let sent = calls.lock().unwrap();
                assert!(
                    sent.iter()
                        .any(|c| c.contains(&id) && c.contains(&(id + 1)))
                );
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let sent = calls.lock().unwrap();
        assert!(
            sent.len() < 40,
            "{} calls for 40 callers: none combined",
            sent.len()
        );
        for call in sent.iter() {
            assert!(call.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
        }
    }

    #[tokio::test]
    async fn ids_taken_by_an_abandoned_call_are_sent_again() {
        let combined = Arc::new(Combined::default());
        let calls: Calls = Arc::default();
        let never = |_| std::future::pending::<()>();
        let spawn = |id: i64, calls: Option<Calls>| {
            let combined = combined.clone();
            tokio::spawn(async move {
                match calls {
                    Some(calls) => combined.send(&[id], |ids| slow_call(calls, ids)).await,
                    None => combined.send(&[id], never).await,
                }
            })
        };
        let pause = || tokio::time::sleep(Duration::from_millis(10));
        // 1 calls and hangs; 2 and 3 queue behind it.
        let first = spawn(1, None);
        pause().await;
        let second = spawn(2, None);
        pause().await;
        let third = spawn(3, Some(calls.clone()));
        pause().await;
        // 1's request is dropped: 2 takes 2 and 3 into a call that hangs too, and is dropped.
        first.abort();
        pause().await;
        second.abort();
        // 3 finds its ids taken by an abandoned call, and sends them itself.
        third.await.unwrap();
        assert_eq!(*calls.lock().unwrap(), vec![vec![3]]);
    }
}
