//! The ledger's tables: `ledger_accounts` (cached balances), `journal_entries` and
//! `postings`. The rules (netting, lock order, what a refused guard means) are in
//! `ledger`; these statements only carry them out.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QueryResult, QuerySelect,
};

use pupero_core::EntryKind;
use pupero_db::now_ms;
use pupero_http::Page;

use crate::entity::{journal_entry, ledger_account, posting};
use crate::vocabulary::AccountKind;

pub async fn find_account(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<ledger_account::Model>, DbErr> {
    ledger_account::Entity::find()
        .filter(ledger_account::Column::AccountKey.eq(key))
        .one(db)
        .await
}

/// An account as it is created: empty.
pub struct NewAccount {
    pub key: String,
    pub owner_id: Option<i64>,
    pub kind: AccountKind,
    pub allow_negative: bool,
}

/// Creates the account unless it exists.
pub async fn insert_account(db: &impl ConnectionTrait, new: NewAccount) -> Result<(), DbErr> {
    ledger_account::Entity::insert(ledger_account::ActiveModel {
        account_key: Set(new.key),
        owner_id: Set(new.owner_id),
        kind: Set(new.kind),
        balance: Set(0),
        allow_negative: Set(new.allow_negative),
        created_at_ms: Set(now_ms()),
        ..Default::default()
    })
    // A no-op update rather than DO NOTHING: sea-query renders the latter as invalid SQL on
    // MariaDB, while `SET account_key = excluded` means the same on all three backends.
    .on_conflict(
        OnConflict::column(ledger_account::Column::AccountKey)
            .update_column(ledger_account::Column::AccountKey)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn insert_entry(
    db: &impl ConnectionTrait,
    kind: EntryKind,
    reference: String,
    memo: String,
    actor_id: Option<i64>,
) -> Result<i64, DbErr> {
    Ok(journal_entry::Entity::insert(journal_entry::ActiveModel {
        kind: Set(kind),
        reference: Set(reference),
        memo: Set(memo),
        actor_id: Set(actor_id),
        created_at_ms: Set(now_ms()),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id)
}

/// What the old balance must satisfy for a change to apply.
#[derive(Debug, Clone, Copy)]
pub enum Guard {
    AtLeast(i64),
    AtMost(i64),
}

/// `balance = balance + delta WHERE id = ? AND <guard>`; false when the guard refused.
pub async fn add_to_balance(
    db: &impl ConnectionTrait,
    account_id: i64,
    delta: i64,
    guard: Guard,
) -> Result<bool, DbErr> {
    let update = ledger_account::Entity::update_many()
        .col_expr(
            ledger_account::Column::Balance,
            Expr::col(ledger_account::Column::Balance).add(delta),
        )
        .filter(ledger_account::Column::Id.eq(account_id));
    let update = match guard {
        Guard::AtLeast(v) => update.filter(ledger_account::Column::Balance.gte(v)),
        Guard::AtMost(v) => update.filter(ledger_account::Column::Balance.lte(v)),
    };
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// One posting per `(account id, amount)` of the entry.
pub async fn insert_postings(
    db: &impl ConnectionTrait,
    entry_id: i64,
    amounts: &[(i64, i64)],
) -> Result<(), DbErr> {
    if amounts.is_empty() {
        return Ok(());
    }
    let rows = amounts
        .iter()
        .map(|(account_id, amount)| posting::ActiveModel {
            entry_id: Set(entry_id),
            account_id: Set(*account_id),
            amount: Set(*amount),
            ..Default::default()
        });
    posting::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Every account a user owns.
pub async fn accounts_of_owner(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<ledger_account::Model>, DbErr> {
    ledger_account::Entity::find()
        .filter(ledger_account::Column::OwnerId.eq(user_id))
        .all(db)
        .await
}

/// The `available` accounts of these users (users without one are absent).
pub async fn available_accounts(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<Vec<ledger_account::Model>, DbErr> {
    ledger_account::Entity::find()
        .filter(ledger_account::Column::OwnerId.is_in(user_ids.to_vec()))
        .filter(ledger_account::Column::Kind.eq(AccountKind::Available))
        .all(db)
        .await
}

/// Postings on these accounts, newest first, and how many there are.
pub async fn postings_page(
    db: &impl ConnectionTrait,
    account_ids: Vec<i64>,
    page: Page,
) -> Result<(Vec<posting::Model>, u64), DbErr> {
    let query = posting::Entity::find().filter(posting::Column::AccountId.is_in(account_ids));
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(posting::Column::Id)
        .limit(page.limit)
        .offset(page.offset)
        .all(db)
        .await?;
    Ok((rows, total))
}

pub async fn entries(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<Vec<journal_entry::Model>, DbErr> {
    journal_entry::Entity::find()
        .filter(journal_entry::Column::Id.is_in(ids))
        .all(db)
        .await
}

/// Raw posting rows after id `after`, for a reader that decodes each column itself (a
/// corrupt amount must be named, not fail the page).
pub async fn raw_postings_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<QueryResult>, DbErr> {
    db.query_all(
        &Query::select()
            .columns([
                posting::Column::Id,
                posting::Column::EntryId,
                posting::Column::AccountId,
                posting::Column::Amount,
            ])
            .from(posting::Entity)
            .and_where(Expr::col(posting::Column::Id).gt(after))
            .order_by(posting::Column::Id, Order::Asc)
            .limit(limit)
            .to_owned(),
    )
    .await
}

/// Raw account rows (id, key, balance, allow_negative), in id order.
pub async fn raw_accounts(db: &impl ConnectionTrait) -> Result<Vec<QueryResult>, DbErr> {
    db.query_all(
        &Query::select()
            .columns([
                ledger_account::Column::Id,
                ledger_account::Column::AccountKey,
                ledger_account::Column::Balance,
                ledger_account::Column::AllowNegative,
            ])
            .from(ledger_account::Entity)
            .order_by(ledger_account::Column::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

/// Every account after id `after`, in id order.
pub async fn accounts_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<ledger_account::Model>, DbErr> {
    ledger_account::Entity::find()
        .filter(ledger_account::Column::Id.gt(after))
        .order_by_asc(ledger_account::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Users' accounts after id `after`, in id order.
pub async fn user_accounts_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<ledger_account::Model>, DbErr> {
    ledger_account::Entity::find()
        .filter(ledger_account::Column::Id.gt(after))
        .filter(ledger_account::Column::OwnerId.is_not_null())
        .order_by_asc(ledger_account::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The journal entries caused by `reference` (e.g. `trade:12`), oldest first.
pub async fn entries_for_reference(
    db: &impl ConnectionTrait,
    reference: &str,
) -> Result<Vec<journal_entry::Model>, DbErr> {
    journal_entry::Entity::find()
        .filter(journal_entry::Column::Reference.eq(reference))
        .order_by_asc(journal_entry::Column::Id)
        .all(db)
        .await
}

/// Every posting of these entries, in id order.
pub async fn postings_of_entries(
    db: &impl ConnectionTrait,
    entry_ids: Vec<i64>,
) -> Result<Vec<posting::Model>, DbErr> {
    posting::Entity::find()
        .filter(posting::Column::EntryId.is_in(entry_ids))
        .order_by_asc(posting::Column::Id)
        .all(db)
        .await
}

pub async fn accounts_by_id(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<Vec<ledger_account::Model>, DbErr> {
    ledger_account::Entity::find()
        .filter(ledger_account::Column::Id.is_in(ids))
        .all(db)
        .await
}
