//! Issue 15: the event stream (`GET /notifications/stream`) sends an event whose transaction
//! committed after a newer event's, once, both to the live stream and to one resumed with
//! `Last-Event-ID`.
//!
//! MariaDB and PostgreSQL only: on SQLite an event cannot commit late. Its one writer holds
//! the database from a transaction's first write to its commit, so while the test holds the
//! lower id uncommitted no newer event can be written at all, and ids commit in order.

use std::time::Duration;

use pupero_core::NotificationKind;
use reqwest::StatusCode;
use sea_orm::{
    ActiveValue::Set, DatabaseConnection, DatabaseTransaction, EntityTrait, TransactionTrait,
};
use serde_json::Value;

use pupero_transactions::entity::notification;

use crate::helpers::{Backend, Options, Party, TestApp, run};
use crate::trading::market;

/// One event as the stream sent it.
#[derive(Debug)]
pub(crate) struct Sent {
    pub(crate) kind: String,
    /// The `id:` field: where a resumed stream goes on from.
    cursor: String,
    pub(crate) data: Value,
}

impl Sent {
    fn event_id(&self) -> i64 {
        self.data["id"].as_i64().unwrap()
    }
}

pub(crate) struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    pub(crate) async fn open(app: &TestApp, who: &Party, last_event_id: Option<&str>) -> Self {
        let mut request = app
            .http
            .get(format!("{}/notifications/stream", app.gateway))
            .bearer_auth(&who.token);
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event, whatever its kind (keep-alive comments skipped).
    pub(crate) async fn next(&mut self) -> Sent {
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
                };
                if let Some(kind) = field("event:") {
                    return Sent {
                        kind,
                        cursor: field("id:").unwrap(),
                        data: serde_json::from_str(&field("data:").unwrap()).unwrap(),
                    };
                }
            }
            let chunk = tokio::time::timeout(Duration::from_secs(30), self.response.chunk())
                .await
                .expect("an event within 30 s")
                .unwrap()
                .expect("the stream stays open");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

/// Writes an event for `who` in a transaction left open: its id is taken now, its commit
/// is the caller's to make. On a connection of the test's own (`own`), not one of the
/// platform's: the suite also runs with the platform's pool at one connection
/// (scripts/test-pool-of-one.sh).
async fn hold_event(own: &DatabaseConnection, who: &Party) -> (DatabaseTransaction, i64) {
    let txn = own.begin().await.unwrap();
    let now = pupero_db::now_ms();
    let id = notification::Entity::insert(notification::ActiveModel {
        user_id: Set(who.id),
        kind: Set(NotificationKind::DepositCredited),
        amount: Set(Some(1_000_000)),
        created_at_ms: Set(now),
        dispatch_attempts: Set(0),
        next_dispatch_at_ms: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .unwrap()
    .last_insert_id;
    (txn, id)
}

/// Longer than the stream's old settling delay (1 s), after which such an event was lost.
const LATE: Duration = Duration::from_millis(2_500);

async fn a_late_committed_event_is_streamed_once(app: TestApp) {
    let m = market(&app).await;
    let mut stream = Stream::open(&app, &m.seller, None).await;
    let own = pupero_db::connect(&app.db_url, 1).await.unwrap();

    // Live: the newer event arrives first, pointing back at the one still uncommitted.
    let (held, late_id) = hold_event(&own, &m.seller).await;
    let first_trade = app.trade(&m.buyer, m.offer, "0.1").await;
    let newer = stream.next().await;
    assert_eq!(
        (newer.kind.as_str(), newer.data["trade_id"].as_i64()),
        ("trade_opened", Some(first_trade))
    );
    assert!(newer.event_id() > late_id);
    assert!(
        newer.cursor.starts_with(&format!("{}~", newer.event_id())),
        "{newer:?}"
    );
    assert!(newer.cursor.contains(&format!("~{late_id}@")), "{newer:?}");
    tokio::time::sleep(LATE).await;
    held.commit().await.unwrap();
    let late = stream.next().await;
    assert_eq!(
        (late.kind.as_str(), late.event_id()),
        ("deposit_credited", late_id),
        "{late:?}"
    );
    // Nothing is pending any more: the plain id of the newest event.
    assert_eq!(late.cursor, newer.event_id().to_string());
    // And it is not sent again: the next event is the next trade.
    let second_trade = app.trade(&m.buyer, m.offer, "0.1").await;
    let next = stream.next().await;
    assert_eq!(
        (next.kind.as_str(), next.data["trade_id"].as_i64()),
        ("trade_opened", Some(second_trade)),
        "{next:?}"
    );
    assert_eq!(next.cursor, next.event_id().to_string());

    // Resumed: the client goes away holding a cursor with a gap, the late event commits
    // while it is away, and the new stream sends it, and only what the first did not.
    let (held, late_id) = hold_event(&own, &m.seller).await;
    // Another taker: a new account may hold only two open trades.
    let third_trade = app.trade(&m.stranger, m.offer, "0.1").await;
    let newer = stream.next().await;
    assert_eq!(newer.data["trade_id"].as_i64(), Some(third_trade));
    assert!(newer.cursor.contains(&format!("~{late_id}@")), "{newer:?}");
    drop(stream);
    tokio::time::sleep(LATE).await;
    held.commit().await.unwrap();
    let mut resumed = Stream::open(&app, &m.seller, Some(&newer.cursor)).await;
    let late = resumed.next().await;
    assert_eq!(
        (late.kind.as_str(), late.event_id()),
        ("deposit_credited", late_id),
        "{late:?}"
    );
    let fourth_trade = app.trade(&m.stranger, m.offer, "0.1").await;
    let next = resumed.next().await;
    assert_eq!(
        next.data["trade_id"].as_i64(),
        Some(fourth_trade),
        "{next:?}"
    );

    // A cursor the stream could not have sent is refused, naming the header.
    for bad in ["12~12@1", "12~x", "12~3@1~3@1"] {
        let resp = app
            .http
            .get(format!("{}/notifications/stream", app.gateway))
            .bearer_auth(&m.seller.token)
            .header("last-event-id", bad)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert!(body.to_string().contains("Last-Event-ID"), "{body}");
    }
}

mod a_late_committed_event_is_streamed_once {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mariadb() {
        run(
            Backend::MariaDb,
            Options::default(),
            a_late_committed_event_is_streamed_once,
        )
        .await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(
            Backend::Postgres,
            Options::default(),
            a_late_committed_event_is_streamed_once,
        )
        .await;
    }
}
