//! Group commit on SQLite (issue 11 item 4): writes that queue together run as one
//! transaction, each in its own savepoint. A member that fails, or whose request is
//! dropped half-way, leaves nothing behind, and the members before and after it commit.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};
use tokio::sync::oneshot;

use pupero_transactions::group_commit::{GroupCommit, Grouped};

async fn database(name: &str) -> (DatabaseConnection, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("pupero-group-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = pupero_db::connect(
        &format!("sqlite://{}/g.db?mode=rwc", dir.display()),
        pupero_config::DEFAULT_DATABASE_POOL_SIZE,
    )
    .await
    .unwrap();
    db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        .await
        .unwrap();
    (db, dir)
}

fn insert(id: i64) -> Statement {
    Statement::from_sql_and_values(
        sea_orm::DatabaseBackend::Sqlite,
        "INSERT INTO t (id, v) VALUES (?, 'x')",
        [id.into()],
    )
}

async fn ids(db: &DatabaseConnection) -> Vec<i64> {
    let rows = db
        .query_all_raw(Statement::from_string(
            sea_orm::DatabaseBackend::Sqlite,
            "SELECT id FROM t ORDER BY id",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get_by_index::<i64>(0).unwrap())
        .collect()
}

/// Waits until `n` writes queue behind the running group (a condition, not a timing).
async fn until_waiting(gc: &GroupCommit, n: usize) {
    while gc.waiting() < n {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

#[tokio::test]
async fn a_failing_member_takes_down_nobody_else() {
    let (db, dir) = database("fail").await;
    let gc = GroupCommit::for_db(&db);

    // The first write holds its group open while the next three queue into one group.
    let first = gc.turn().await.unwrap();
    first.tx().execute_raw(insert(1)).await.unwrap();

    let ok = |id: i64| {
        let gc = gc.clone();
        async move {
            let turn = gc.turn().await?;
            turn.tx().execute_raw(insert(id)).await?;
            turn.commit().await
        }
    };
    let a = tokio::spawn(ok(2));
    until_waiting(&gc, 1).await;
    // Writes 3, then breaks a rule (a duplicate key): its request fails as a whole.
    let failing = {
        let gc = gc.clone();
        tokio::spawn(async move {
            let turn = gc.turn().await?;
            turn.tx().execute_raw(insert(3)).await?;
            turn.tx().execute_raw(insert(2)).await?;
            turn.commit().await
        })
    };
    until_waiting(&gc, 2).await;
    // Writes 4, then its request is dropped before it finishes.
    let (wrote, written) = oneshot::channel();
    let dropped = {
        let gc = gc.clone();
        tokio::spawn(async move {
            let turn = gc.turn().await?;
            turn.tx().execute_raw(insert(4)).await?;
            let _ = wrote.send(());
            std::future::pending::<()>().await;
            turn.commit().await
        })
    };
    until_waiting(&gc, 3).await;
    let c = tokio::spawn(ok(5));
    until_waiting(&gc, 4).await;

    first.commit().await.unwrap();
    written.await.unwrap();
    dropped.abort();

    a.await.unwrap().unwrap();
    let refused: Result<(), DbErr> = failing.await.unwrap();
    assert!(refused.is_err(), "the member that broke a rule fails");
    c.await.unwrap().unwrap();
    assert!(dropped.await.unwrap_err().is_cancelled());

    assert_eq!(ids(&db).await, vec![1, 2, 5], "3 and 4 left nothing behind");
    assert_eq!(
        gc.grouped(),
        Grouped {
            groups: 2,
            members: 5
        },
        "the four queued writes shared one transaction"
    );
    drop(db);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn an_answer_waits_for_its_group_to_commit() {
    let (db, dir) = database("order").await;
    let gc = GroupCommit::for_db(&db);
    let first = gc.turn().await.unwrap();
    first.tx().execute_raw(insert(1)).await.unwrap();
    let second = {
        let gc = gc.clone();
        tokio::spawn(async move {
            let turn = gc.turn().await?;
            turn.tx().execute_raw(insert(2)).await?;
            turn.commit().await
        })
    };
    until_waiting(&gc, 1).await;
    first.commit().await.unwrap();
    second.await.unwrap().unwrap();
    // Answered means committed: another connection sees both rows.
    assert_eq!(ids(&db).await, vec![1, 2]);
    drop(db);
    let _ = std::fs::remove_dir_all(dir);
}
