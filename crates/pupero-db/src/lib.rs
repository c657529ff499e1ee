//! The database, whichever of SQLite, MariaDB/MySQL or PostgreSQL `DATABASE_URL` names.
//!
//! Rules every service follows (see docs/ARCHITECTURE.md): no raw SQL shared across
//! backends, money moves as guarded UPDATEs checked on rows affected, write transactions
//! come from [`write_tx`] so SQLite takes its write lock up front, and timestamps are
//! UTC epoch milliseconds in BIGINT columns.

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr,
    RuntimeErr, SqlErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

pub mod audit_chain;

pub mod lease;
pub mod seal;
pub mod signing;
pub mod told_versions;

pub use sea_orm;
pub use sea_orm_migration;

/// Opens a pool of at most `pool_size` connections, with the settings each backend needs to
/// be safe under concurrency.
///
/// Code holding a connection (a transaction above all) must not wait for a second one from
/// the same pool: when every other connection is lent to work that waits for the first
/// (on SQLite, every writer waits for the one write lock), nothing moves until the acquire
/// times out. The suite runs whole flows on a pool of one to catch that.
pub async fn connect(url: &str, pool_size: u32) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(pool_size)
        .min_connections(0)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        // sqlx pings a connection when it goes back to the pool, and by default again
        // before lending it out: a round trip before every autocommit statement and
        // transaction. A connection back from use under a second ago is known alive (its
        // return ping answered); one idle longer is pinged first (a restarted server).
        .test_before_acquire_if_idle_for(Duration::from_secs(1))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            // WAL lets readers run beside the one writer; busy_timeout makes writers queue
            // instead of failing; foreign keys are off by default in SQLite.
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        })
        // busy_timeout's naps (up to 100 ms) replaced by short ones, and cached statements
        // kept prepared: see pupero-sqlite-wait.
        .map_sqlx_sqlite_pool_opts(|o| {
            o.after_connect(|conn, _| Box::pin(pupero_sqlite_wait::install(conn)))
        });
    Database::connect(options).await
}

/// Begins a transaction that will write.
///
/// On SQLite this is `BEGIN IMMEDIATE`: a deferred transaction that reads before it writes
/// cannot upgrade its lock once another connection has committed, and fails with
/// SQLITE_BUSY no matter the timeout. Measured in STACK.md: 136/200 failures deferred,
/// 0/200 immediate.
pub async fn write_tx(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let options = TransactionOptions {
        sqlite_transaction_mode: (db.get_database_backend() == DatabaseBackend::Sqlite)
            .then_some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    db.begin_with_options(options).await
}

/// A cheap round trip, for readiness checks.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}

/// Milliseconds since the Unix epoch, the one timestamp format of the schema.
pub fn now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}

/// True when the error is a unique-constraint violation (a duplicate).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// True when the database could not be reached, as opposed to refusing a statement.
/// These become 503 answers: the request may be retried once the database is back.
pub fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as E;
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            matches!(
                e.as_ref(),
                E::Io(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed | E::Tls(_)
            ) || is_sqlite_busy(e.as_ref())
        }
        _ => false,
    }
}

/// True for a deadlock or serialization failure: the whole transaction may simply be run
/// again. Guarded updates make that safe.
pub fn is_retryable(err: &DbErr) -> bool {
    let sqlx_err = match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    let Some(db_err) = sqlx_err.as_database_error() else {
        return false;
    };
    let code = db_err.code().unwrap_or_default();
    // PostgreSQL 40001/40P01 and MariaDB's deadlock (SQLSTATE 40001, errno 1213);
    // MariaDB's lock wait timeout (1205) says so in its message.
    code == "40001"
        || code == "40P01"
        || db_err.message().contains("Lock wait timeout")
        || is_sqlite_busy(sqlx_err)
}

/// How many times a transaction the database refused to serialize is run in all.
pub const RETRY_ATTEMPTS: u32 = 5;

/// An error that may say "run the whole transaction again".
pub trait Retryable {
    fn is_retryable(&self) -> bool;
}

impl Retryable for DbErr {
    fn is_retryable(&self) -> bool {
        is_retryable(self)
    }
}

/// Runs `transaction` (a closure that opens, does and commits one transaction) again
/// while it fails with a deadlock or serialization failure, up to [`RETRY_ATTEMPTS`] runs,
/// with a short growing pause between them. Any other result is returned as it is.
pub async fn with_retry<T, E, F, Fut>(mut transaction: F) -> Result<T, E>
where
    E: Retryable,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let mut attempt = 1;
    loop {
        match transaction().await {
            Err(e) if e.is_retryable() && attempt < RETRY_ATTEMPTS => {
                tokio::time::sleep(std::time::Duration::from_millis(u64::from(attempt) * 2)).await;
                attempt += 1;
            }
            done => return done,
        }
    }
}

fn is_sqlite_busy(e: &sea_orm::sqlx::Error) -> bool {
    // SQLITE_BUSY (5) and SQLITE_LOCKED (6) after busy_timeout: the writer queue is full.
    e.as_database_error()
        .and_then(sea_orm::sqlx::error::DatabaseError::code)
        .is_some_and(|c| c == "5" || c == "6" || c == "517")
}

/// The name of the database backend behind `db`, for health output.
pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DatabaseBackend::MySql => "mysql",
        DatabaseBackend::Postgres => "postgres",
        DatabaseBackend::Sqlite => "sqlite",
        _ => "other",
    }
}
