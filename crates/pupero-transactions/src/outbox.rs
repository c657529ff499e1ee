//! The transactional outbox: a withdrawal's message is written in the same transaction as
//! the withdrawal, then published to RabbitMQ (with the broker's confirm) and marked
//! published. If the broker is down, rows wait here and go out when it returns; nothing
//! is lost, and the wallet's periodic database pass covers even a lost message.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use pupero_api::internal::wallet::WithdrawalQueued;
use pupero_queue::Publisher;

use crate::store::outbox as store;

/// Publishes what is waiting; returns how many went out.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn relay(db: &DatabaseConnection, publisher: &Publisher) -> Result<usize, String> {
    let waiting = store::waiting(db, 100).await.map_err(|e| e.to_string())?;
    let mut sent = 0;
    for row in waiting {
        publisher
            .publish_json(&WithdrawalQueued {
                withdrawal_id: row.withdrawal_id,
            })
            .await
            .map_err(|e| e.to_string())?;
        store::mark_published(db, row.id, pupero_db::now_ms())
            .await
            .map_err(|e| e.to_string())?;
        sent += 1;
    }
    Ok(sent)
}

/// Relays when woken (a new withdrawal) and every second, backing off while the broker is
/// down, until `shutdown` turns true; a relay pass under way finishes.
pub fn spawn_relay(
    db: DatabaseConnection,
    publisher: Arc<Publisher>,
    wake: Arc<Notify>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut pause = Duration::from_secs(1);
        loop {
            match relay(&db, &publisher).await {
                Ok(_) => pause = Duration::from_secs(1),
                Err(e) => {
                    tracing::warn!(error = %e, "outbox relay: broker unavailable; messages wait in the database");
                    pause = (pause * 2).min(Duration::from_secs(10));
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
