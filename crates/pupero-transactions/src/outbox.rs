//! The transactional outbox: a withdrawal's message is written in the same transaction as
//! the withdrawal, then published to RabbitMQ (with the broker's confirm) and marked
//! published. If the broker is down, rows wait here and go out when it returns; nothing
//! is lost, and the wallet's periodic database pass covers even a lost message.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::Notify;

use pupero_api::internal::wallet::WithdrawalQueued;
use pupero_queue::Publisher;

use crate::entity::outbox;

/// Publishes what is waiting; returns how many went out.
pub async fn relay(db: &DatabaseConnection, publisher: &Publisher) -> Result<usize, String> {
    let waiting = outbox::Entity::find()
        .filter(outbox::Column::PublishedAtMs.is_null())
        .order_by_asc(outbox::Column::Id)
        .limit(100)
        .all(db)
        .await
        .map_err(|e| e.to_string())?;
    let mut sent = 0;
    for row in waiting {
        publisher
            .publish_json(&WithdrawalQueued {
                withdrawal_id: row.withdrawal_id,
            })
            .await
            .map_err(|e| e.to_string())?;
        outbox::Entity::update_many()
            .col_expr(
                outbox::Column::PublishedAtMs,
                Expr::value(pupero_db::now_ms()),
            )
            .filter(outbox::Column::Id.eq(row.id))
            .exec(db)
            .await
            .map_err(|e| e.to_string())?;
        sent += 1;
    }
    Ok(sent)
}

/// Relays when woken (a new withdrawal) and every second, backing off while the broker is down.
pub fn spawn_relay(
    db: DatabaseConnection,
    publisher: Arc<Publisher>,
    wake: Arc<Notify>,
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
            }
        }
    })
}
