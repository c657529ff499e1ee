//! The transactional outbox: a withdrawal's message is written in the same transaction as
//! the withdrawal, then published to RabbitMQ (with the broker's confirm) and marked
//! published. If the broker is down, rows wait here and go out when it returns; nothing
//! is lost, and the wallet's periodic database pass covers even a lost message.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, EntityTrait};
use tokio::sync::Notify;

use pupero_http::JobLease;
use pupero_http::lease::Fence;

use pupero_api::internal::wallet::WithdrawalQueued;
use pupero_queue::Publisher;

use crate::entity::withdrawal;
use crate::store::outbox as store;

/// Publishes what is waiting; returns how many went out. Each row is marked published in
/// a transaction that checks `fence` (this replica still holds the relay's lease), so a
/// replica paused past a takeover cannot mark rows the new holder is relaying. A message
/// published twice that way is harmless: the wallet's claim takes a withdrawal once.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn relay(
    db: &DatabaseConnection,
    publisher: &Publisher,
    fence: &Fence,
) -> Result<usize, String> {
    let waiting = store::waiting(db, 100).await.map_err(|e| e.to_string())?;
    let mut sent = 0;
    for row in waiting {
        let trace = withdrawal::Entity::find_by_id(row.withdrawal_id)
            .one(db)
            .await
            .map_err(|e| e.to_string())?;
        let request_id = trace.as_ref().and_then(|w| w.request_id.clone());
        let traceparent = trace.and_then(|w| w.traceparent);
        let mut headers = Vec::new();
        if let Some(r) = request_id.as_deref() {
            headers.push((pupero_http::trace::REQUEST_ID_NAME, r));
        }
        if let Some(t) = traceparent.as_deref() {
            headers.push((pupero_http::trace::TRACEPARENT_NAME, t));
        }
        publisher
            .publish_json_with_headers(
                &WithdrawalQueued {
                    withdrawal_id: row.withdrawal_id,
                },
                &headers,
            )
            .await
            .map_err(|e| e.to_string())?;
        let tx = pupero_db::write_tx(db).await.map_err(|e| e.to_string())?;
        fence.check(&tx).await.map_err(|e| e.to_string())?;
        store::mark_published(&tx, row.id, pupero_db::now_ms())
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
        tracing::info!(
            withdrawal_id = row.withdrawal_id,
            request_id = request_id.as_deref().unwrap_or("-"),
            "withdrawal message published"
        );
        sent += 1;
    }
    Ok(sent)
}

/// Relays when woken (a new withdrawal) and every second, backing off while the broker is
/// down, until `shutdown` turns true; a relay pass under way finishes. Only the replica
/// holding the `outbox_relay` lease relays.
pub fn spawn_relay(
    db: DatabaseConnection,
    publisher: Arc<Publisher>,
    wake: Arc<Notify>,
    lease: JobLease,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut pause = Duration::from_secs(1);
        loop {
            if let Some(fence) = lease.fence() {
                match relay(&db, &publisher, &fence).await {
                    Ok(_) => pause = Duration::from_secs(1),
                    Err(e) => {
                        tracing::warn!(error = %e, "outbox relay: broker unavailable; messages wait in the database");
                        pause = (pause * 2).min(Duration::from_secs(10));
                    }
                }
            }
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
        }
    })
}
