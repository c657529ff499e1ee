//! Stopping a platform in stages, each bounded by one grace period: what is in flight
//! finishes, nothing new starts, and whatever is still running when the period ends is cut.

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Tasks told to stop by one signal: servers stop accepting and drain their connections;
/// background loops return between two steps.
pub(crate) struct Stage {
    name: &'static str,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Stage {
    pub(crate) fn new(name: &'static str) -> Self {
        Self {
            name,
            stop: watch::channel(false).0,
            tasks: Vec::new(),
        }
    }

    /// Turns true when the stage is stopped (or the platform dropped).
    pub(crate) fn signal(&self) -> watch::Receiver<bool> {
        self.stop.subscribe()
    }

    pub(crate) fn push(&mut self, task: JoinHandle<()>) {
        self.tasks.push(task);
    }

    /// Signals the stage and waits for its tasks until `deadline`, then aborts the rest.
    pub(crate) async fn stop(mut self, deadline: Instant) {
        let _ = self.stop.send(true);
        let drained =
            tokio::time::timeout_at(deadline, futures::future::join_all(self.tasks.iter_mut()))
                .await;
        if drained.is_err() {
            let cut = self.tasks.iter().filter(|t| !t.is_finished()).count();
            tracing::warn!(
                stage = self.name,
                cut,
                "shutdown grace period over; cutting what is still running"
            );
            for task in &self.tasks {
                task.abort();
            }
        }
    }
}
