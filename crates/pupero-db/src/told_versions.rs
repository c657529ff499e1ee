//! The newest version of a fact another service told this one, per key, so a late telling
//! of an older state never replaces a newer one.
//!
//! The moderation service tells login and offers the whole of an account's sanctions after
//! each change, and again from a retry job when a telling may not have arrived (a crash
//! between its commit and its call). Two tellings of one account can then cross: the retry
//! job's read of the old state may arrive after the request's telling of the new one. Each
//! telling carries the teller's version (its count of changes, read before the state it
//! describes), and the receiver applies it only when it is not older than the one kept
//! here, in the same transaction as the state it replaces.

use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::big_integer;

#[derive(DeriveIden)]
enum Told {
    Subject,
    Version,
}

/// The migration step creating a receiver's table of versions (one per kind of fact).
pub async fn create_table(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(Alias::new(table))
            .if_not_exists()
            .col(big_integer(Told::Subject).primary_key())
            .col(big_integer(Told::Version))
            .to_owned(),
    )
    .await
}

pub async fn drop_table(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    m.drop_table(
        Table::drop()
            .table(Alias::new(table))
            .if_exists()
            .to_owned(),
    )
    .await
}

/// The newest version kept for `subject` (0 when it was never told).
pub async fn newest<C: ConnectionTrait>(db: &C, table: &str, subject: i64) -> Result<i64, DbErr> {
    let select = Query::select()
        .column(Told::Version)
        .from(Alias::new(table))
        .and_where(Expr::col(Told::Subject).eq(subject))
        .to_owned();
    match db.query_one(&select).await? {
        Some(row) => row.try_get::<i64>("", "version"),
        None => Ok(0),
    }
}

/// In the transaction that applies a telling: true (and `version` kept) when it is not
/// older than the newest kept for `subject`; false when it is, and the caller must leave
/// the state as it is. On MariaDB and PostgreSQL the row is locked until the transaction
/// ends, so two tellings of one subject apply one after the other.
pub async fn admit<C: ConnectionTrait>(
    tx: &C,
    table: &str,
    subject: i64,
    version: i64,
) -> Result<bool, DbErr> {
    // The row first (a no-op when it exists), so the guarded update below always has one
    // to lock and compare.
    let insert = Query::insert()
        .into_table(Alias::new(table))
        .columns([Told::Subject, Told::Version])
        .values_panic([subject.into(), 0i64.into()])
        .on_conflict(
            OnConflict::column(Told::Subject)
                .update_column(Told::Subject)
                .to_owned(),
        )
        .to_owned();
    tx.execute(&insert).await?;
    let update = Query::update()
        .table(Alias::new(table))
        .value(Told::Version, version)
        .and_where(Expr::col(Told::Subject).eq(subject))
        .and_where(Expr::col(Told::Version).lte(version))
        .to_owned();
    if tx.execute(&update).await?.rows_affected() == 1 {
        return Ok(true);
    }
    // MariaDB counts only changed rows: an equal version (the same telling again) changes
    // nothing there, yet is admitted.
    Ok(newest(tx, table, subject).await? == version)
}

/// [`admit`] for many tellings at once, in at most three statements whatever their number:
/// answers, in order, whether each was admitted. The rows are taken in subject order, so
/// two batches sharing subjects wait for each other instead of in a circle.
pub async fn admit_many<C: ConnectionTrait>(
    tx: &C,
    table: &str,
    told: &[(i64, i64)],
) -> Result<Vec<bool>, DbErr> {
    let mut subjects: Vec<i64> = told.iter().map(|&(subject, _)| subject).collect();
    subjects.sort_unstable();
    subjects.dedup();
    if subjects.is_empty() {
        return Ok(Vec::new());
    }
    let mut insert = Query::insert()
        .into_table(Alias::new(table))
        .columns([Told::Subject, Told::Version])
        .to_owned();
    for &subject in &subjects {
        insert.values_panic([subject.into(), 0i64.into()]);
    }
    insert.on_conflict(
        OnConflict::column(Told::Subject)
            .update_column(Told::Subject)
            .to_owned(),
    );
    tx.execute(&insert).await?;
    let mut select = Query::select()
        .columns([Told::Subject, Told::Version])
        .from(Alias::new(table))
        .and_where(Expr::col(Told::Subject).is_in(subjects.iter().copied()))
        .order_by(Told::Subject, Order::Asc)
        .to_owned();
    // SQLite has no row locks: its write transaction holds the whole file already.
    if tx.get_database_backend() != sea_orm::DbBackend::Sqlite {
        select.lock(LockType::Update);
    }
    let mut kept = std::collections::HashMap::new();
    for row in tx.query_all(&select).await? {
        kept.insert(
            row.try_get::<i64>("", "subject")?,
            row.try_get::<i64>("", "version")?,
        );
    }
    let admitted: Vec<bool> = told
        .iter()
        .map(|(subject, version)| kept.get(subject).is_none_or(|k| k <= version))
        .collect();
    // Per subject, the newest admitted version, where it is newer than the one kept.
    let mut newer = std::collections::BTreeMap::new();
    for (&(subject, version), _) in told.iter().zip(&admitted).filter(|(_, a)| **a) {
        if kept.get(&subject).is_none_or(|&k| k < version) {
            let v = newer.entry(subject).or_insert(version);
            *v = Ord::max(*v, version);
        }
    }
    if !newer.is_empty() {
        let case = newer
            .iter()
            .fold(CaseStatement::new(), |case, (&subject, &version)| {
                case.case(Expr::col(Told::Subject).eq(subject), version)
            })
            .finally(Expr::col(Told::Version));
        let update = Query::update()
            .table(Alias::new(table))
            .value(Told::Version, case)
            .and_where(Expr::col(Told::Subject).is_in(newer.keys().copied()))
            .to_owned();
        tx.execute(&update).await?;
    }
    Ok(admitted)
}
