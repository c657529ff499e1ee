//! The network fee of a transaction the hot wallet sends to itself (a float refill, which
//! splits the float into outputs a burst of withdrawals can spend at once): the platform
//! pays it, `platform:fees → platform:network_fees`, exactly once per transaction (the
//! wallet may report it again after a crash). No user's money moves.

use sea_orm::DatabaseConnection;

use pupero_core::{EntryKind, Piconero};
use pupero_db::{is_unique_violation, write_tx};

use crate::ledger::{self, Account, Entry, LedgerError, Move, PlatformAccount};
use crate::store::network_fees as store;

/// Journals `fee` for the transaction `tx_key` (its first hash) unless it was before.
/// True when this call journaled it.
#[tracing::instrument(skip_all, fields(tx = tx_key), err(level = "debug"))]
pub async fn charge(
    db: &DatabaseConnection,
    tx_key: &str,
    fee: Piconero,
) -> Result<bool, LedgerError> {
    let moved = Move::new(
        Account::Platform(PlatformAccount::Fees),
        Account::Platform(PlatformAccount::NetworkFees),
        fee,
    );
    ledger::ensure_accounts(db, &ledger::accounts_of(&[moved])).await?;
    let tx = write_tx(db).await?;
    let entry = Entry {
        kind: EntryKind::NetworkFee,
        reference: format!("tx:{}", tx_key.chars().take(16).collect::<String>()),
        memo: format!("hot wallet float refill {tx_key}"),
        actor_id: None,
    };
    let entry_id = ledger::post(&tx, entry, &[moved]).await?;
    match store::insert_charge(&tx, tx_key, fee.as_i64(), entry_id).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(true)
        }
        // Charged before: dropping the transaction also drops this entry.
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
