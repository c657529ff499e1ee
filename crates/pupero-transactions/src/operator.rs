//! Money moved by an admin's hand (adjustments and transfers): the ledger entry and its
//! audit line are written in one transaction, so neither exists without the other.

use sea_orm::DatabaseConnection;

use pupero_db::write_tx;

use crate::ledger::{self, Entry, LedgerError, Move};
use crate::store::audit;

/// The audit line that goes with an operator's movement.
#[derive(Debug)]
pub struct AuditLine {
    pub actor_id: i64,
    pub action: pupero_core::AuditAction,
    pub target: String,
    pub details: String,
}

/// Posts `moved` with `entry` and records `line`; returns the journal entry's id.
#[tracing::instrument(skip_all, fields(user_id = line.actor_id, action = %line.action), err(level = "debug"))]
pub async fn post_audited(
    db: &DatabaseConnection,
    entry: Entry,
    moved: Move,
    line: AuditLine,
) -> Result<i64, LedgerError> {
    ledger::ensure_accounts(db, &ledger::accounts_of(&[moved])).await?;
    let tx = write_tx(db).await?;
    let entry_id = ledger::post(&tx, entry, &[moved]).await?;
    audit::record(&tx, line.actor_id, line.action, line.target, line.details).await?;
    tx.commit().await?;
    Ok(entry_id)
}
