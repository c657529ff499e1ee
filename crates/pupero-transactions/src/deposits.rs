//! Crediting confirmed deposits: `platform:deposits → user available`, exactly once per
//! deposit key (the wallet's sweeper may report a deposit again after a crash).

use sea_orm::DatabaseConnection;

use pupero_core::{EntryKind, Piconero};
use pupero_db::{is_unique_violation, write_tx};

use crate::ledger::{self, Account, Entry, LedgerError, Move, PlatformAccount, UserAccount};
use crate::notifications;
use crate::store::deposits::{self as store, NewCredit};

/// A confirmed deposit as the wallet reports it.
#[derive(Debug, Clone, Copy)]
pub struct Deposit<'a> {
    /// `<txid>:<subaddress index>`, unique per deposit.
    pub key: &'a str,
    pub user_id: i64,
    pub amount: Piconero,
    pub txid: &'a str,
}

/// Credits the deposit unless its key was credited before. True when this call credited.
#[tracing::instrument(skip_all, fields(user_id = d.user_id), err(level = "debug"))]
pub async fn credit(db: &DatabaseConnection, d: Deposit<'_>) -> Result<bool, LedgerError> {
    let moved = Move::new(
        Account::Platform(PlatformAccount::Deposits),
        Account::User(d.user_id, UserAccount::Available),
        d.amount,
    );
    ledger::ensure_accounts(db, &ledger::accounts_of(&[moved])).await?;
    let tx = write_tx(db).await?;
    let entry = Entry {
        kind: EntryKind::Deposit,
        // The full deposit key is on the deposit_credits row that points at this entry.
        reference: format!("user:{}", d.user_id),
        memo: format!("deposit {}", d.key),
        actor_id: None,
    };
    let entry_id = ledger::post(&tx, entry, &[moved]).await?;
    let credit = NewCredit {
        deposit_key: d.key,
        user_id: d.user_id,
        amount: d.amount.as_i64(),
        txid: d.txid,
        entry_id,
    };
    match store::insert_credit(&tx, credit).await {
        Ok(()) => {
            let told = notifications::for_deposit(d.user_id, d.amount.as_i64());
            notifications::tell(&tx, &[told]).await?;
            tx.commit().await?;
            Ok(true)
        }
        // Credited before: dropping the transaction also drops this entry.
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
