//! The chaos run's checks (`pupero chaos`, issue 13 item 2), on each database: they hold on
//! an honest ledger, and they find a trade stepped twice and a deposit credited twice, as a
//! replica dying between two steps could leave them. The run itself takes minutes and is
//! not part of the suite (docs/OPERATIONS.md, "Chaos run").

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::json;

use pupero::chaos::checks;
use pupero::chaos::load::{Records, SentDeposit};
use pupero_core::Role;

use crate::helpers::db_test;

db_test! {
    async fn the_chaos_check_finds_a_trade_stepped_twice(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let seller = app.party("seller").await;
        let buyer = app.party("buyer").await;
        app.credit(&admin, seller.id, "1").await;
        let offer = app.offer(&seller, "sell", "0.01", "1").await;
        let trade = app.trade(&buyer, offer, "0.1").await;
        let cancelled = app.trade(&buyer, offer, "0.2").await;
        assert_eq!(app.step(&buyer, trade, "paid", json!({})).await.0, StatusCode::OK);
        assert_eq!(app.step(&seller, trade, "release", json!({})).await.0, StatusCode::OK);
        assert_eq!(app.step(&buyer, cancelled, "cancel", json!({})).await.0, StatusCode::OK);
        let records = Records { trades: vec![trade, cancelled], ..Records::default() };
        let check = checks::trades(&app.db, &records).await.unwrap();
        assert!(check.holds(), "{:?}", check.problems);

        // A second release of the completed trade, as a step applied twice would write it.
        app.db.execute_unprepared(&format!(
            "INSERT INTO journal_entries (kind, reference, memo, actor_id, created_at_ms) \
             VALUES ('trade_release', 'trade:{trade}', 'twice', NULL, 0)"
        )).await.unwrap();
        let check = checks::trades(&app.db, &records).await.unwrap();
        assert!(!check.holds());
        assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
        assert!(check.problems[0].starts_with(&format!("trade {trade} (completed): 1 opening and 2 closing")), "{:?}", check.problems);
    }
}

db_test! {
    async fn the_chaos_check_finds_a_deposit_credited_twice_or_not_at_all(app) {
        let alice = app.party("alice").await;
        let txid = "ab".repeat(32);
        let sent = SentDeposit { txid: txid.clone(), user_id: alice.id, amount: 5_000 };
        let records = Records { deposits: vec![sent.clone()], ..Records::default() };
        let credit = |key: &str, entry: i64| format!(
            "INSERT INTO deposit_credits (deposit_key, user_id, amount, txid, entry_id, created_at_ms) \
             VALUES ('{txid}:{key}', {}, 5000, '{txid}', {entry}, 0)", alice.id
        );
        let entry = "INSERT INTO journal_entries (kind, reference, memo, actor_id, created_at_ms) \
                     VALUES ('deposit', 'user:1', '', NULL, 0)";
        let check = checks::deposits(&app.db, &records).await.unwrap();
        assert!(!check.holds(), "a deposit sent and never credited is found");

        app.db.execute_unprepared(entry).await.unwrap();
        app.db.execute_unprepared(&credit("1", 1)).await.unwrap();
        let check = checks::deposits(&app.db, &records).await.unwrap();
        assert!(check.holds(), "{:?}", check.problems);

        // The same payment credited again under another key.
        app.db.execute_unprepared(entry).await.unwrap();
        app.db.execute_unprepared(&credit("2", 2)).await.unwrap();
        let check = checks::deposits(&app.db, &records).await.unwrap();
        assert!(!check.holds());
        assert!(check.problems[0].contains(&txid), "{:?}", check.problems);
    }
}
