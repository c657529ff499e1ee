//! Worker leases with fencing tokens, so a background job runs on one replica at a time.
//!
//! One row per job in the owning service's lease table: who holds it, a token that grows
//! by one on every takeover, and when the lease runs out. A holder renews before then; when
//! it dies, another replica takes over once the lease has run out and gets the next token.
//!
//! The token is the fence: a job's writes run [`Fence::check`] in the same transaction,
//! which updates the lease row only while it still carries the holder's token. A holder
//! that was paused (GC, a stopped VM, a long query) past a takeover finds its token gone
//! and its transaction refused. On MariaDB and PostgreSQL the check also locks the row, so
//! a takeover waits for a write under way to commit; SQLite serialises all writers anyway.
//!
//! Expiry is judged by the replicas' clocks (epoch milliseconds): they need to agree to
//! well within the lease's length (NTP does).

use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, string_len};

/// What [`Fence::check`] refuses with; [`is_fenced`] recognises it.
const FENCED: &str = "worker lease lost to another replica";

#[derive(DeriveIden)]
enum Lease {
    Job,
    Holder,
    Token,
    ExpiresAtMs,
    FencedWrites,
}

/// The migration step creating a service's lease table (named `<service>_worker_leases`,
/// so services sharing one database keep their own).
pub async fn create_table(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(Alias::new(table))
            .if_not_exists()
            .col(string_len(Lease::Job, 64).primary_key())
            .col(string_len(Lease::Holder, 128))
            .col(big_integer(Lease::Token))
            .col(big_integer(Lease::ExpiresAtMs))
            .col(big_integer(Lease::FencedWrites))
            .to_owned(),
    )
    .await
}

pub async fn drop_table(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    m.drop_table(Table::drop().table(Alias::new(table)).to_owned())
        .await
}

/// The right to write for one job, as of the token it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    pub table: &'static str,
    pub job: &'static str,
    pub holder: String,
    pub token: i64,
}

impl Fence {
    /// Succeeds only while this holder's token is still the job's current one; run it in
    /// the transaction whose writes it guards, before they commit.
    pub async fn check<C: ConnectionTrait>(&self, tx: &C) -> Result<(), DbErr> {
        // A column that changes on every check: MariaDB counts only changed rows as
        // affected, and the row lock this takes is the point.
        let update = Query::update()
            .table(Alias::new(self.table))
            .value(Lease::FencedWrites, Expr::col(Lease::FencedWrites).add(1))
            .and_where(Expr::col(Lease::Job).eq(self.job))
            .and_where(Expr::col(Lease::Holder).eq(self.holder.as_str()))
            .and_where(Expr::col(Lease::Token).eq(self.token))
            .to_owned();
        if tx.execute(&update).await?.rows_affected() == 1 {
            Ok(())
        } else {
            Err(DbErr::Custom(format!(
                "{FENCED}: {} token {} is no longer current",
                self.job, self.token
            )))
        }
    }
}

/// True when a write was refused because its holder's lease token is stale.
pub fn is_fenced(err: &DbErr) -> bool {
    matches!(err, DbErr::Custom(m) if m.starts_with(FENCED))
}

/// The outcome of one [`renew_or_take`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tenure {
    /// Held with this token (renewed, or newly taken: see `taken`).
    Held { token: i64, taken: bool },
    /// Another holder has it (until its lease runs out).
    Elsewhere,
}

/// Renews the lease if `holding` (the token this holder has) is still current, else takes
/// it over if it has run out (the token grows by one). `now_ms` and `ttl_ms` in epoch ms.
pub async fn renew_or_take(
    db: &DatabaseConnection,
    table: &'static str,
    job: &'static str,
    holder: &str,
    holding: Option<i64>,
    now_ms: i64,
    ttl_ms: i64,
) -> Result<Tenure, DbErr> {
    let expires = now_ms.saturating_add(ttl_ms);
    if let Some(token) = holding {
        let renew = Query::update()
            .table(Alias::new(table))
            .value(Lease::ExpiresAtMs, expires)
            .and_where(Expr::col(Lease::Job).eq(job))
            .and_where(Expr::col(Lease::Holder).eq(holder))
            .and_where(Expr::col(Lease::Token).eq(token))
            .to_owned();
        if db.execute(&renew).await?.rows_affected() == 1 {
            return Ok(Tenure::Held {
                token,
                taken: false,
            });
        }
    }
    ensure_row(db, table, job).await?;
    let take = Query::update()
        .table(Alias::new(table))
        .value(Lease::Holder, holder)
        .value(Lease::Token, Expr::col(Lease::Token).add(1))
        .value(Lease::ExpiresAtMs, expires)
        .and_where(Expr::col(Lease::Job).eq(job))
        .and_where(Expr::col(Lease::ExpiresAtMs).lt(now_ms))
        .to_owned();
    if db.execute(&take).await?.rows_affected() != 1 {
        return Ok(Tenure::Elsewhere);
    }
    match current(db, table, job).await? {
        Some((h, token, _)) if h == holder => Ok(Tenure::Held { token, taken: true }),
        _ => Ok(Tenure::Elsewhere),
    }
}

/// Gives the lease up at once (a clean shutdown), so the next holder need not wait for it
/// to run out. The token stays: the next holder's is still a new one.
pub async fn release(
    db: &DatabaseConnection,
    table: &'static str,
    job: &'static str,
    holder: &str,
    token: i64,
) -> Result<(), DbErr> {
    let release = Query::update()
        .table(Alias::new(table))
        .value(Lease::ExpiresAtMs, 0i64)
        .and_where(Expr::col(Lease::Job).eq(job))
        .and_where(Expr::col(Lease::Holder).eq(holder))
        .and_where(Expr::col(Lease::Token).eq(token))
        .to_owned();
    db.execute(&release).await.map(|_| ())
}

/// The job's holder, token and expiry (epoch ms), if the row exists.
pub async fn current<C: ConnectionTrait>(
    db: &C,
    table: &str,
    job: &str,
) -> Result<Option<(String, i64, i64)>, DbErr> {
    let select = Query::select()
        .columns([Lease::Holder, Lease::Token, Lease::ExpiresAtMs])
        .from(Alias::new(table))
        .and_where(Expr::col(Lease::Job).eq(job))
        .to_owned();
    let Some(row) = db.query_one(&select).await? else {
        return Ok(None);
    };
    Ok(Some((
        row.try_get::<String>("", "holder")?,
        row.try_get::<i64>("", "token")?,
        row.try_get::<i64>("", "expires_at_ms")?,
    )))
}

/// Every job's holder, token and expiry (epoch ms) in `table` (for watching takeovers).
pub async fn all<C: ConnectionTrait>(
    db: &C,
    table: &str,
) -> Result<Vec<(String, String, i64, i64)>, DbErr> {
    let select = Query::select()
        .columns([Lease::Job, Lease::Holder, Lease::Token, Lease::ExpiresAtMs])
        .from(Alias::new(table))
        .to_owned();
    db.query_all(&select)
        .await?
        .iter()
        .map(|row| {
            Ok((
                row.try_get::<String>("", "job")?,
                row.try_get::<String>("", "holder")?,
                row.try_get::<i64>("", "token")?,
                row.try_get::<i64>("", "expires_at_ms")?,
            ))
        })
        .collect()
}

/// The job's row, created unheld (token 0, run out) the first time any replica asks.
async fn ensure_row(db: &DatabaseConnection, table: &str, job: &str) -> Result<(), DbErr> {
    if current(db, table, job).await?.is_some() {
        return Ok(());
    }
    let insert = Query::insert()
        .into_table(Alias::new(table))
        .columns([
            Lease::Job,
            Lease::Holder,
            Lease::Token,
            Lease::ExpiresAtMs,
            Lease::FencedWrites,
        ])
        .values_panic([job.into(), "".into(), 0i64.into(), 0i64.into(), 0i64.into()])
        .to_owned();
    match db.execute(&insert).await {
        // Another replica created it first.
        Err(e) if crate::is_unique_violation(&e) => Ok(()),
        other => other.map(|_| ()),
    }
}
