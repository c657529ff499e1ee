//! This service's audit chain (`transactions_audit_*`, see `pupero_db::audit_chain`): every
//! ledger entry, and every staff action on money.

use sea_orm::{ConnectionTrait, DbErr};

use pupero_db::audit_chain::{self, Chain, NewRecord};

pub const CHAIN: Chain = Chain::TRANSACTIONS;

/// Writes a staff action to the chain's queue, in the caller's transaction (the
/// sequencer chains it once it committed, as it does every ledger movement).
pub async fn record(
    db: &impl ConnectionTrait,
    actor_id: i64,
    action: pupero_core::AuditAction,
    target: String,
    details: String,
) -> Result<(), DbErr> {
    audit_chain::enqueue(
        db,
        CHAIN,
        NewRecord {
            actor_id: Some(actor_id),
            action: action.as_str().to_owned(),
            target,
            details,
        },
    )
    .await?;
    Ok(())
}
