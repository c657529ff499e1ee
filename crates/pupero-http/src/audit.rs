//! A service's audit chain as the admin API shows it (`GET /admin/audit` on login and
//! transactions), and the public key that signs its checkpoints.

use sea_orm::ConnectionTrait;

use pupero_api::accounts::AuditEntry;
use pupero_api::paging::Paged;
use pupero_db::audit_chain::{self, Chain, Record};

use crate::{ApiError, ApiResult, Page};

/// One record for the API. An action this build does not know is a record written by a
/// newer version or edited by hand: reported, not guessed.
pub fn entry(chain: Chain, record: Record) -> ApiResult<AuditEntry> {
    let action: pupero_core::AuditAction = record.action.parse().map_err(ApiError::internal)?;
    Ok(AuditEntry {
        seq: record.seq,
        actor_id: record.actor_id,
        action,
        action_label: action.label().to_owned(),
        chain: chain.name().to_owned(),
        target: record.target,
        details: record.details,
        created_at: crate::rfc3339(record.at_ms),
        hash: record.hash,
    })
}

/// A page of the chain, newest first.
pub async fn page(
    db: &impl ConnectionTrait,
    chain: Chain,
    page: Page,
) -> ApiResult<Paged<AuditEntry>> {
    let (records, total) = audit_chain::page(db, chain, page.limit, page.offset).await?;
    let items = records
        .into_iter()
        .map(|r| entry(chain, r))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(page.of(items, total))
}

/// Signs `chain`'s head every `interval` (when it moved since the last checkpoint) until
/// `shutdown`. A failed pass is logged and tried again at the next tick: the records stay
/// chained meanwhile, only their signature waits.
pub fn spawn_checkpoints(
    db: sea_orm::DatabaseConnection,
    chain: Chain,
    key: pupero_db::signing::SigningKey,
    interval: std::time::Duration,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    crate::periodic::every(interval, shutdown, move || {
        let db = db.clone();
        let key = key.clone();
        async move {
            match audit_chain::checkpoint(&db, chain, &key).await {
                Ok(Some(seq)) => {
                    tracing::debug!(chain = chain.name(), seq, "audit checkpoint signed")
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(chain = chain.name(), error = %e, "audit checkpoint failed")
                }
            }
        }
    })
}
