//! Background passes on a timer (gauges, checks) that stop with the service.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Runs `pass` every `interval` (the first at once; a late tick waits rather than bursting)
/// until `shutdown` turns true. A pass cut by shutdown only leaves its previous results.
pub fn every<F, Fut>(
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
    mut pass: F,
) -> JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
            tokio::select! {
                () = pass() => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
        }
    })
}
