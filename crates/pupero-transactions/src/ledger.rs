//! The double-entry ledger: the only code that changes a balance.
//!
//! Every movement is a journal entry whose postings sum to zero, written by [`post`] inside
//! the caller's database transaction, beside the state change that causes it. Balances are
//! cached on the account rows and changed only by guarded UPDATEs: a debit of a user
//! account is `balance = balance - x WHERE id = ? AND balance >= x`, and zero rows means
//! insufficient funds. No row is read, checked and written back, so concurrent requests
//! cannot overdraw on any of the three databases. A CHECK constraint refuses a negative user
//! balance even if this code were wrong. Every UPDATE is also guarded against leaving the
//! BIGINT range: SQLite silently turns an overflowing `balance + x` into a REAL, and MariaDB
//! and PostgreSQL fail the statement, so a would-overflow movement is refused before it is
//! written, on all three alike. [`verify`] recomputes everything from the journal.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Mutex, PoisonError};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionSession,
    TransactionTrait,
};
use serde::Serialize;

use pupero_core::{EntryKind, Piconero};

use pupero_db::audit_chain;

use crate::entity::{journal_entry, ledger_account};
use crate::store::audit;
use crate::store::ledger::{self as store, Guard, NewAccount};
use crate::vocabulary::AccountKind;

/// A user's three balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UserAccount {
    /// Spendable: can be escrowed, withdrawn or traded.
    Available,
    /// Held for open trades.
    Escrow,
    /// Promised to a withdrawal that has not left yet.
    Withdrawing,
}

/// The platform's own accounts: where money comes from and goes to outside the users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlatformAccount {
    /// XMR that came in on chain (negative: it is owed to users).
    Deposits,
    /// XMR that left on chain.
    Withdrawals,
    /// Trading fees earned.
    Fees,
    /// Network fees paid for withdrawals.
    NetworkFees,
    /// The counterpart of admin balance adjustments.
    Adjustments,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Account {
    User(i64, UserAccount),
    Platform(PlatformAccount),
}

impl UserAccount {
    pub fn kind(self) -> AccountKind {
        match self {
            UserAccount::Available => AccountKind::Available,
            UserAccount::Escrow => AccountKind::Escrow,
            UserAccount::Withdrawing => AccountKind::Withdrawing,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.kind().as_str()
    }
}

impl PlatformAccount {
    pub fn kind(self) -> AccountKind {
        match self {
            PlatformAccount::Deposits => AccountKind::Deposits,
            PlatformAccount::Withdrawals => AccountKind::Withdrawals,
            PlatformAccount::Fees => AccountKind::Fees,
            PlatformAccount::NetworkFees => AccountKind::NetworkFees,
            PlatformAccount::Adjustments => AccountKind::Adjustments,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.kind().as_str()
    }
}

impl Account {
    fn key(self) -> String {
        match self {
            Account::User(id, a) => format!("user:{id}:{}", a.as_str()),
            Account::Platform(p) => format!("platform:{}", p.as_str()),
        }
    }

    fn kind(self) -> AccountKind {
        match self {
            Account::User(_, a) => a.kind(),
            Account::Platform(p) => p.kind(),
        }
    }

    fn owner(self) -> Option<i64> {
        match self {
            Account::User(id, _) => Some(id),
            Account::Platform(_) => None,
        }
    }

    /// Platform accounts are counterparts and may go negative; users never.
    fn may_go_negative(self) -> bool {
        matches!(self, Account::Platform(_))
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// One movement of money from one account to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    pub from: Account,
    pub to: Account,
    pub amount: Piconero,
}

impl Move {
    pub fn new(from: Account, to: Account, amount: Piconero) -> Self {
        Self { from, to, amount }
    }
}

/// What a journal entry is about.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: EntryKind,
    /// What caused it, e.g. `trade:12`.
    pub reference: String,
    pub memo: String,
    pub actor_id: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("insufficient funds in {0}")]
    InsufficientFunds(Account),
    #[error("the balance of {0} would leave the range the ledger can hold")]
    Overflow(Account),
    /// A stored balance no user account can hold (below zero).
    #[error("the stored balance of {0} is out of range")]
    Unreadable(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Writes one journal entry for `moves` and applies it to the cached balances, inside the
/// caller's transaction. Rows are locked in account-id order (no deadlock between two
/// entries touching the same accounts), and each account gets one net posting.
///
/// All or nothing: the entry runs in a savepoint, so a refused debit leaves no half-applied
/// credit behind even if the caller goes on to commit its transaction (found by the
/// property test in tests/ledger_properties.rs).
#[tracing::instrument(skip_all, fields(kind = %entry.kind, reference = %entry.reference), err(level = "debug"))]
pub async fn post<C>(db: &C, entry: Entry, moves: &[Move]) -> Result<i64, LedgerError>
where
    C: ConnectionTrait + TransactionTrait,
{
    post_known(db, None, entry, moves).await
}

/// [`post`], taking the accounts' ids from `ids` where known (saving a lookup each).
pub async fn post_known<C>(
    db: &C,
    ids: Option<&AccountIds>,
    entry: Entry,
    moves: &[Move],
) -> Result<i64, LedgerError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let savepoint = db.begin().await?;
    match post_in(&savepoint, ids, entry, moves).await {
        Ok(id) => {
            savepoint.commit().await?;
            note_balance_changes(moves);
            Ok(id)
        }
        Err(e) => {
            // Explicitly: a dropped savepoint is only rolled back lazily by the driver.
            savepoint.rollback().await?;
            Err(e)
        }
    }
}

/// [`post_known`] without a savepoint of its own, for a caller that rolls its whole
/// transaction back on any error it gets (a trade step): the savepoint would only protect
/// a commit that never follows a failure, and costs two statements per entry.
pub async fn post_known_whole(
    tx: &DatabaseTransaction,
    ids: &AccountIds,
    entry: Entry,
    moves: &[Move],
) -> Result<i64, LedgerError> {
    let id = post_in(tx, Some(ids), entry, moves).await?;
    note_balance_changes(moves);
    Ok(id)
}

fn note_balance_changes(moves: &[Move]) {
    crate::balance_changes::note(moves.iter().flat_map(|m| [m.from, m.to]).filter_map(
        |a| match a {
            Account::User(id, UserAccount::Available) => Some(id),
            _ => None,
        },
    ));
}

async fn post_in(
    db: &impl ConnectionTrait,
    ids: Option<&AccountIds>,
    entry: Entry,
    moves: &[Move],
) -> Result<i64, LedgerError> {
    let mut net: BTreeMap<Account, i128> = BTreeMap::new();
    for m in moves {
        if m.amount.is_zero() || m.from == m.to {
            continue;
        }
        *net.entry(m.from).or_default() -= i128::from(m.amount.as_i64());
        *net.entry(m.to).or_default() += i128::from(m.amount.as_i64());
    }
    net.retain(|_, delta| *delta != 0);

    let mut by_id = Vec::with_capacity(net.len());
    for (account, delta) in net {
        let delta = i64::try_from(delta).map_err(|_| LedgerError::Overflow(account))?;
        let id = match ids.and_then(|ids| ids.get(account)) {
            Some(id) => id,
            None => account_id(db, account).await?,
        };
        by_id.push((id, account, delta));
    }
    by_id.sort_by_key(|(id, _, _)| *id);

    let memo: String = entry.memo.chars().take(500).collect();
    let entry_id = store::insert_entry(
        db,
        entry.kind,
        entry.reference.clone(),
        memo.clone(),
        entry.actor_id,
    )
    .await?;

    for (id, account, delta) in &by_id {
        // The guard is on the old balance, so the new one is checked before it exists:
        // users stay within 0..=i64::MAX, platform counterparts within ±i64::MAX.
        let guard = if *delta < 0 {
            let floor = if account.may_go_negative() {
                -i64::MAX
            } else {
                0
            };
            Guard::AtLeast(
                floor
                    .checked_sub(*delta)
                    .ok_or(LedgerError::Overflow(*account))?,
            )
        } else {
            Guard::AtMost(i64::MAX - *delta)
        };
        if !store::add_to_balance(db, *id, *delta, guard).await? {
            return Err(if *delta < 0 && !account.may_go_negative() {
                LedgerError::InsufficientFunds(*account)
            } else {
                LedgerError::Overflow(*account)
            });
        }
    }
    let amounts: Vec<(i64, i64)> = by_id.iter().map(|(id, _, delta)| (*id, *delta)).collect();
    store::insert_postings(db, entry_id, &amounts).await?;
    let postings: Vec<String> = by_id
        .iter()
        .map(|(_, account, delta)| format!("{account} {delta:+}"))
        .collect();
    // Queued, not chained here: the chain's head is one row every movement would wait on
    // until the one before it committed.
    audit_chain::enqueue(
        db,
        audit::CHAIN,
        audit_chain::NewRecord {
            actor_id: entry.actor_id,
            action: pupero_core::AuditAction::LedgerEntry.as_str().to_owned(),
            target: format!("entry:{entry_id}"),
            details: format!(
                "{} {}: {}; {memo}",
                entry.kind,
                entry.reference,
                postings.join(", ")
            ),
        },
    )
    .await?;
    Ok(entry_id)
}

/// Creates the accounts that a movement is about to touch, each in its own short
/// statement before the money transaction starts. Creating them inside the money
/// transaction made concurrent first movements wait on each other's uncommitted inserts,
/// and on PostgreSQL one of them could then fail to see the row (seen under 50 concurrent
/// trade openings).
pub async fn ensure_accounts(db: &DatabaseConnection, accounts: &[Account]) -> Result<(), DbErr> {
    for account in accounts {
        if store::find_account(db, &account.key()).await?.is_none() {
            insert_account(db, *account).await?;
        }
    }
    Ok(())
}

/// Ledger account ids by account, as far as seen committed. An account row is never
/// deleted or renumbered, so an id once read stays right for the life of the database;
/// the hot paths (trades) then skip a lookup per account before and inside each entry.
#[derive(Debug, Default)]
pub struct AccountIds(Mutex<HashMap<Account, i64>>);

/// Bounds the memory of known ids; past it the map starts over (lookups resume).
const MAX_KNOWN_ACCOUNTS: usize = 1_000_000;

impl AccountIds {
    fn get(&self, account: Account) -> Option<i64> {
        let known = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        known.get(&account).copied()
    }

    fn note(&self, account: Account, id: i64) {
        let mut known = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if known.len() >= MAX_KNOWN_ACCOUNTS {
            known.clear();
        }
        known.insert(account, id);
    }
}

/// [`ensure_accounts`] for accounts whose ids `ids` may already know: only unknown ones
/// are looked up (and created if missing), and their ids are noted.
pub async fn ensure_known_accounts(
    db: &DatabaseConnection,
    ids: &AccountIds,
    accounts: &[Account],
) -> Result<(), DbErr> {
    for account in accounts {
        if ids.get(*account).is_some() {
            continue;
        }
        let key = account.key();
        let row = match store::find_account(db, &key).await? {
            Some(row) => Some(row),
            None => {
                insert_account(db, *account).await?;
                store::find_account(db, &key).await?
            }
        };
        // Outside any transaction, so a row read here is committed.
        if let Some(row) = row {
            ids.note(*account, row.id);
        }
    }
    Ok(())
}

/// The accounts a set of moves touches.
pub fn accounts_of(moves: &[Move]) -> Vec<Account> {
    let mut accounts: Vec<Account> = moves.iter().flat_map(|m| [m.from, m.to]).collect();
    accounts.sort();
    accounts.dedup();
    accounts
}

async fn insert_account(db: &impl ConnectionTrait, account: Account) -> Result<(), DbErr> {
    let new = NewAccount {
        key: account.key(),
        owner_id: account.owner(),
        kind: account.kind(),
        allow_negative: account.may_go_negative(),
    };
    store::insert_account(db, new).await
}

/// The account's row id. Callers normally create accounts first with [`ensure_accounts`];
/// this creates one on first use as a fallback, reading again for a moment in case a
/// concurrent creator has not committed yet.
async fn account_id(db: &impl ConnectionTrait, account: Account) -> Result<i64, DbErr> {
    let key = account.key();
    if let Some(row) = store::find_account(db, &key).await? {
        return Ok(row.id);
    }
    insert_account(db, account).await?;
    for _ in 0..20 {
        if let Some(row) = store::find_account(db, &key).await? {
            return Ok(row.id);
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    Err(DbErr::RecordNotFound(key))
}

/// A user's balances. Reading never creates accounts (a balance no one has used is zero).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Balances {
    pub available: Piconero,
    pub escrow: Piconero,
    pub withdrawing: Piconero,
}

pub async fn balances(db: &impl ConnectionTrait, user_id: i64) -> Result<Balances, LedgerError> {
    let mut b = Balances::default();
    for row in store::accounts_of_owner(db, user_id).await? {
        let v = stored_balance(&row)?;
        match row.kind {
            AccountKind::Available => b.available = v,
            AccountKind::Escrow => b.escrow = v,
            AccountKind::Withdrawing => b.withdrawing = v,
            _ => {}
        }
    }
    Ok(b)
}

/// A user account's balance, which the ledger keeps at zero or above: a negative one is a
/// broken row, reported rather than shown as zero.
fn stored_balance(row: &ledger_account::Model) -> Result<Piconero, LedgerError> {
    Piconero::new(row.balance).map_err(|_| LedgerError::Unreadable(row.account_key.clone()))
}

/// Available balances of several users at once (zero for users without an account).
pub async fn available_of(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<BTreeMap<i64, Piconero>, LedgerError> {
    let mut out: BTreeMap<i64, Piconero> =
        user_ids.iter().map(|id| (*id, Piconero::ZERO)).collect();
    for row in store::available_accounts(db, user_ids).await? {
        if let Some(owner) = row.owner_id {
            out.insert(owner, stored_balance(&row)?);
        }
    }
    Ok(out)
}

/// One line of a user's statement.
#[derive(Debug, Clone)]
pub struct StatementLine {
    pub entry_id: i64,
    pub kind: EntryKind,
    pub reference: String,
    pub memo: String,
    pub account: AccountKind,
    /// Signed piconero: negative leaves the account.
    pub amount: i64,
    pub created_at_ms: i64,
}

/// A user's postings, newest first.
pub async fn statement(
    db: &impl ConnectionTrait,
    user_id: i64,
    page: pupero_http::Page,
) -> Result<(Vec<StatementLine>, u64), DbErr> {
    let accounts = store::accounts_of_owner(db, user_id).await?;
    let kinds: BTreeMap<i64, AccountKind> = accounts.iter().map(|a| (a.id, a.kind)).collect();
    if kinds.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let (postings, total) = store::postings_page(db, kinds.keys().copied().collect(), page).await?;
    let entry_ids: Vec<i64> = postings.iter().map(|p| p.entry_id).collect();
    let entries: BTreeMap<i64, journal_entry::Model> = store::entries(db, entry_ids)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let lines = postings
        .into_iter()
        .filter_map(|p| {
            let e = entries.get(&p.entry_id)?;
            Some(StatementLine {
                entry_id: e.id,
                kind: e.kind,
                reference: e.reference.clone(),
                memo: e.memo.clone(),
                account: *kinds.get(&p.account_id)?,
                amount: p.amount,
                created_at_ms: e.created_at_ms,
            })
        })
        .collect();
    Ok((lines, total))
}

/// What [`verify`] found.
#[derive(Debug, Default, Serialize)]
pub struct VerifyReport {
    pub accounts: usize,
    pub entries: usize,
    pub postings: usize,
    /// Accounts whose cached balance differs from the sum of their postings.
    pub mismatched_accounts: Vec<String>,
    /// Journal entries whose postings do not sum to zero.
    pub unbalanced_entries: Vec<i64>,
    /// User accounts below zero.
    pub negative_accounts: Vec<String>,
    /// Rows whose amount is not a 64-bit integer (e.g. a REAL that SQLite made of an
    /// overflowing sum): named here instead of stopping the check.
    pub unreadable_rows: Vec<String>,
    /// The sum of every readable balance; zero in a consistent ledger.
    pub total: i128,
}

impl VerifyReport {
    pub fn is_consistent(&self) -> bool {
        self.mismatched_accounts.is_empty()
            && self.unbalanced_entries.is_empty()
            && self.negative_accounts.is_empty()
            && self.unreadable_rows.is_empty()
            && self.total == 0
    }
}

/// Recomputes every balance from the journal. Postings are read in pages and summed in
/// Rust with i128, which is exact and the same on every backend. Rows are decoded one
/// column at a time, so one corrupt amount is reported by name, not a failed read.
pub async fn verify(db: &DatabaseConnection) -> Result<VerifyReport, DbErr> {
    const PAGE: u64 = 10_000;
    let mut report = VerifyReport::default();
    let mut per_account: BTreeMap<i64, i128> = BTreeMap::new();
    let mut per_entry: BTreeMap<i64, i128> = BTreeMap::new();
    let mut after = 0i64;
    loop {
        let page = store::raw_postings_after(db, after, PAGE).await?;
        if page.is_empty() {
            break;
        }
        for row in &page {
            let id: i64 = row.try_get("", "id")?;
            after = id;
            let entry_id: i64 = row.try_get("", "entry_id")?;
            let account_id: i64 = row.try_get("", "account_id")?;
            match row.try_get::<i64>("", "amount") {
                Ok(amount) => {
                    *per_account.entry(account_id).or_default() += i128::from(amount);
                    *per_entry.entry(entry_id).or_default() += i128::from(amount);
                }
                Err(_) => report.unreadable_rows.push(format!(
                    "postings id {id} (entry {entry_id}): amount is not an integer"
                )),
            }
        }
        report.postings += page.len();
    }
    report.entries = per_entry.len();
    report.unbalanced_entries = per_entry
        .into_iter()
        .filter(|(_, s)| *s != 0)
        .map(|(id, _)| id)
        .collect();
    let accounts = store::raw_accounts(db).await?;
    for row in accounts {
        report.accounts += 1;
        let id: i64 = row.try_get("", "id")?;
        let key: String = row.try_get("", "account_key")?;
        let allow_negative: bool = row.try_get("", "allow_negative")?;
        let Ok(balance) = row.try_get::<i64>("", "balance") else {
            report.unreadable_rows.push(format!(
                "ledger_accounts id {id} ({key}): balance is not an integer"
            ));
            continue;
        };
        report.total += i128::from(balance);
        if per_account.get(&id).copied().unwrap_or(0) != i128::from(balance) {
            report.mismatched_accounts.push(key.clone());
        }
        if !allow_negative && balance < 0 {
            report.negative_accounts.push(key);
        }
    }
    Ok(report)
}

/// Every account's balance summed by its kind (every kind named, zero when it has no
/// account), exactly and in pages: what a backup's manifest records and a restore checks.
/// Takes any connection, so a backup reads it inside its snapshot transaction.
pub async fn totals_by_kind(
    db: &impl ConnectionTrait,
) -> Result<BTreeMap<AccountKind, i128>, DbErr> {
    const PAGE: u64 = 10_000;
    let mut totals: BTreeMap<AccountKind, i128> =
        AccountKind::ALL.iter().map(|k| (*k, 0)).collect();
    let mut after = 0i64;
    loop {
        let page = store::accounts_after(db, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for account in &page {
            *totals.entry(account.kind).or_default() += i128::from(account.balance);
        }
    }
    Ok(totals)
}

/// What the platform owes its users: every user account (available, escrow, withdrawing),
/// summed exactly. Read in pages so it works on a large ledger.
pub async fn liabilities(db: &DatabaseConnection) -> Result<i128, DbErr> {
    const PAGE: u64 = 10_000;
    let mut total: i128 = 0;
    let mut after = 0i64;
    loop {
        let page = store::user_accounts_after(db, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        total += page.iter().map(|a| i128::from(a.balance)).sum::<i128>();
    }
    Ok(total)
}
