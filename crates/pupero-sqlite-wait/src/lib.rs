//! How a SQLite connection waits for the write lock another connection holds, and keeps
//! its statements' plans (see [`install`]): what sqlx's options cannot set.
//!
//! SQLite's own busy handler (what `busy_timeout` installs) sleeps 1, 2, 5, 10, 15, 20,
//! 25, 25, 25, 50, 50 and then 100 ms between tries, and does not wake when the lock is
//! freed. In `pupero up` every service writes the one database file, and under a trade
//! load most writes waited through those naps: 554 naps of 100 ms in 8 s of a 16-worker
//! run, the p99 of a trade at 1.2–2.3 s while the processor sat a third idle
//! (docs/BENCHMARKS.md, 2026-12-03). The handler here naps 0.1 ms at first, then 0.5 ms,
//! then 1 ms, so a writer starts within about a millisecond of the lock being freed, and
//! gives up after the same ten seconds as before. Rails made the same change for the same
//! reason (its SQLite adapter's `timeout` retries in short sleeps since 7.1).

use std::ffi::{c_int, c_void};
use std::time::Duration;

use sea_orm::sqlx::sqlite::SqliteConnection;

/// After about this long a write gives up with SQLITE_BUSY, as `busy_timeout` did.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(10);

/// The nap before try `count + 1` (counting from 0), or `None` once the waits so far add
/// up to [`GIVE_UP_AFTER`].
pub fn nap(count: u32) -> Option<Duration> {
    let (short, medium) = (10, 100);
    let waited_us = u64::from(count.min(short)) * 100
        + u64::from(count.clamp(short, medium) - short) * 500
        + u64::from(count.saturating_sub(medium)) * 1_000;
    if Duration::from_micros(waited_us) >= GIVE_UP_AFTER {
        return None;
    }
    Some(Duration::from_micros(match count {
        c if c < short => 100,
        c if c < medium => 500,
        _ => 1_000,
    }))
}

extern "C" fn short_naps(_arg: *mut c_void, count: c_int) -> c_int {
    match nap(u32::try_from(count).unwrap_or(0)) {
        Some(d) => {
            // On the connection's own worker thread, never on an async runtime's.
            std::thread::sleep(d);
            1
        }
        None => 0,
    }
}

/// Sets up what sqlx's options cannot, on one lock of the connection's handle; for sqlx's
/// `after_connect`:
/// - the busy handler becomes [`short_naps`];
/// - SQLite's query planner stability guarantee (`SQLITE_DBCONFIG_ENABLE_QPSG`) is on.
///
/// Without the guarantee, SQLite plans some statements for the values bound to them, and
/// marks such a statement to be prepared again whenever one of those parameters is bound
/// anew, whatever the value. Every `LIMIT ?` is one (SQLite 3.51 reads a bound LIMIT as a
/// constant), and SeaORM binds the limit of every `.one()` and page: a trade run spent 8 %
/// of the platform's processor time in `sqlite3Reprepare` (docs/BENCHMARKS.md, 2026-12-04
/// later). With it, a cached statement keeps its plan. Nothing here depends on plans chosen
/// per value: the database has no `ANALYZE` statistics, and no LIKE pattern is a prefix
/// that an index could serve.
pub async fn install(conn: &mut SqliteConnection) -> Result<(), sea_orm::sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    #[allow(unsafe_code)]
    // SAFETY: `db` is this open connection's handle, held locked for the call; the handler
    // is a plain function that touches no memory through its argument (null here), and
    // SQLite keeps it for the connection's life, which it outlives (it is static).
    let rc =
        unsafe { libsqlite3_sys::sqlite3_busy_handler(db, Some(short_naps), std::ptr::null_mut()) };
    succeeded(rc, "set the SQLite busy handler")?;
    #[allow(unsafe_code)]
    // SAFETY: `db` as above; the option takes an int and an optional int pointer for the
    // old value (null: not wanted).
    let rc = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db,
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1,
            std::ptr::null_mut::<c_int>(),
        )
    };
    succeeded(rc, "turn on SQLite's query planner stability guarantee")
}

fn succeeded(rc: c_int, what: &str) -> Result<(), sea_orm::sqlx::Error> {
    if rc == libsqlite3_sys::SQLITE_OK {
        Ok(())
    } else {
        Err(sea_orm::sqlx::Error::Protocol(format!(
            "could not {what} (code {rc})"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The connection's query planner stability setting, read back from SQLite.
    async fn qpsg(conn: &mut SqliteConnection) -> c_int {
        let mut handle = conn.lock_handle().await.unwrap();
        let db = handle.as_raw_handle().as_ptr();
        let mut on: c_int = -1;
        #[allow(unsafe_code)]
        // SAFETY: an open connection's handle, locked; -1 asks for the current value, which
        // SQLite writes to `on` (alive for the call).
        let rc = unsafe {
            libsqlite3_sys::sqlite3_db_config(
                db,
                libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
                -1,
                &mut on as *mut c_int,
            )
        };
        assert_eq!(rc, libsqlite3_sys::SQLITE_OK);
        on
    }

    #[tokio::test]
    async fn an_installed_connection_keeps_its_plans() {
        use sea_orm::sqlx::Connection;
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        assert_eq!(
            qpsg(&mut conn).await,
            0,
            "SQLite's default: plans follow bound values"
        );
        install(&mut conn).await.unwrap();
        assert_eq!(qpsg(&mut conn).await, 1);
    }

    #[test]
    fn naps_start_short_and_stop_after_ten_seconds() {
        assert_eq!(nap(0), Some(Duration::from_micros(100)));
        assert_eq!(nap(50), Some(Duration::from_micros(500)));
        assert_eq!(nap(500), Some(Duration::from_millis(1)));
        let mut waited = Duration::ZERO;
        let mut count = 0;
        while let Some(d) = nap(count) {
            waited += d;
            count += 1;
        }
        assert!(
            waited >= GIVE_UP_AFTER - Duration::from_millis(1),
            "{waited:?}"
        );
        assert!(
            waited <= GIVE_UP_AFTER + Duration::from_millis(1),
            "{waited:?}"
        );
    }
}
