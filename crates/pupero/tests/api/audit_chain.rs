//! The hash-chained audit log: every money movement and staff action lands on it, its head
//! is signed with the published key, and `pupero admin audit-verify` names the first record
//! that was edited, deleted, inserted or reordered behind the platform's back, by SQL
//! straight on each database.

use futures::future::join_all;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::json;

use pupero_api::Paged;
use pupero_api::accounts::{AuditEntry, SigningKeyView};
use pupero_core::{AuditAction, Role};
use pupero_db::audit_chain::encoding::{RecordFields, record_hash};
use pupero_db::audit_chain::{self, Chain};
use pupero_db::signing::SigningKey;

use crate::helpers::{TestApp, db_test, typed};

const TABLE: &str = "transactions_audit_records";

/// The key the platform generated in its data directory (as `pupero up` does).
fn server_key(app: &TestApp) -> SigningKey {
    let path = app.keys_dir.parent().unwrap().join("audit-signing-key");
    SigningKey::from_hex(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn published_key(app: &TestApp) -> String {
    let (status, body) = app.get("/transactions/audit/public-key", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view: SigningKeyView = typed(&body);
    assert_eq!(view.algorithm, "ed25519");
    assert_eq!(view.public_key, server_key(app).public_key().to_string());
    view.public_key
}

/// Runs `pupero admin audit-verify` against the test's database; (passed, stdout).
fn audit_verify(app: &TestApp, public_key: &str) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pupero"))
        .args([
            "admin",
            "audit-verify",
            "--database-url",
            &app.db_url,
            "--public-key",
            public_key,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    (out.status.success(), format!("{stdout}\n{stderr}"))
}

async fn exec(app: &TestApp, sql: &str) {
    app.db.execute_unprepared(sql).await.unwrap();
}

/// One record's stored fields, by sequence number.
async fn record(app: &TestApp, seq: i64) -> audit_chain::Record {
    record_of(app, Chain::TRANSACTIONS, seq).await
}

async fn record_of(app: &TestApp, chain: Chain, seq: i64) -> audit_chain::Record {
    let (records, _) = audit_chain::page(&app.db, chain, 1000, 0).await.unwrap();
    records.into_iter().find(|r| r.seq == seq).unwrap()
}

/// What a careful forger does after changing history: recomputes every hash from `from`
/// on and moves the head, so that the chain alone looks intact.
async fn rehash_from(app: &TestApp, from: i64) {
    rehash_chain(app, Chain::TRANSACTIONS, from).await
}

async fn rehash_chain(app: &TestApp, chain: Chain, from: i64) {
    let name = chain.name();
    let (mut records, _) = audit_chain::page(&app.db, chain, 1000, 0).await.unwrap();
    records.sort_by_key(|r| r.seq);
    let mut prev = records
        .iter()
        .find(|r| r.seq == from - 1)
        .map_or(audit_chain::GENESIS_HASH.to_owned(), |r| r.hash.clone());
    for r in records.iter().filter(|r| r.seq >= from) {
        let hash = record_hash(&RecordFields {
            chain: name,
            seq: r.seq,
            at_ms: r.at_ms,
            actor_id: r.actor_id,
            action: &r.action,
            target: &r.target,
            details: &r.details,
            prev_hash: &prev,
        });
        exec(
            app,
            &format!(
                "UPDATE {name}_audit_records SET prev_hash = '{prev}', hash = '{hash}' WHERE id = {}",
                r.id
            ),
        )
        .await;
        prev = hash;
    }
    let last = records.last().unwrap().seq;
    exec(
        app,
        &format!("UPDATE {name}_audit_head SET seq = {last}, hash = '{prev}' WHERE id = 1"),
    )
    .await;
}

/// Five records (two adjustments, a transfer: each a staff record beside its entry's)
/// and a signed checkpoint over them all.
async fn signed_history(app: &TestApp) -> String {
    let admin = app.staff("admin", Role::Admin).await;
    let alice = app.party("alice").await;
    let bob = app.party("bob").await;
    app.credit(&admin, alice.id, "3").await;
    app.credit(&admin, bob.id, "1").await;
    let (status, body) = app
        .post("/transactions/transfer", admin.t(), json!({"from_user_id": alice.id, "to_user_id": bob.id, "amount": "1", "reason": "refund"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let signed = audit_chain::checkpoint(&app.db, Chain::TRANSACTIONS, &server_key(app))
        .await
        .unwrap();
    assert_eq!(signed, Some(6));

    let (_, audit) = app.get("/transactions/admin/audit", admin.t()).await;
    let audit: Paged<AuditEntry> = typed(&audit);
    let seqs: Vec<i64> = audit.items.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        vec![6, 5, 4, 3, 2, 1],
        "newest first, numbered without gaps"
    );
    let kinds: Vec<AuditAction> = audit.items.iter().rev().map(|e| e.action).collect();
    use AuditAction::{Adjust, LedgerEntry, Transfer};
    assert_eq!(
        kinds,
        vec![
            LedgerEntry,
            Adjust,
            LedgerEntry,
            Adjust,
            LedgerEntry,
            Transfer
        ]
    );
    assert_eq!(audit.items[5].target, "entry:1");
    assert!(
        audit.items[5]
            .details
            .contains(&format!("user:{}:available +3000000000000", alice.id)),
        "{:?}",
        audit.items[5]
    );

    let key = published_key(app).await;
    let (ok, out) = audit_verify(app, &key);
    assert!(ok, "{out}");
    assert!(
        out.contains("transactions audit chain intact: 6 records, signed through record 6"),
        "{out}"
    );
    key
}

db_test! {
    async fn an_edited_record_is_named(app) {
        let key = signed_history(&app).await;
        let before = record(&app, 3).await;
        exec(&app, &format!("UPDATE {TABLE} SET details = 'adjusted by nobody' WHERE seq = 3")).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(!ok, "{out}");
        assert!(out.contains("record 3 (id 3) was altered"), "{out}");

        // A forger who also recomputes every later hash and the head still meets the
        // signed checkpoint.
        rehash_from(&app, 3).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(!ok, "{out}");
        assert!(out.contains("record 6 (id 6) differs from what checkpoint id 1 signed"), "{out}");

        exec(&app, &format!("UPDATE {TABLE} SET details = '{}' WHERE seq = 3", before.details)).await;
        rehash_from(&app, 3).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(ok, "restoring the record restores the chain: {out}");
    }
}

db_test! {
    async fn a_deleted_record_is_named(app) {
        let key = signed_history(&app).await;
        exec(&app, &format!("DELETE FROM {TABLE} WHERE seq = 4")).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(!ok, "{out}");
        assert!(out.contains("record 4 is not where it belongs"), "{out}");

        // Deleting the newest records and moving the head back: the checkpoint vouched
        // for more.
        exec(&app, &format!("DELETE FROM {TABLE} WHERE seq >= 4")).await;
        let third = record(&app, 3).await;
        exec(&app, &format!("UPDATE transactions_audit_head SET seq = 3, hash = '{}' WHERE id = 1", third.hash)).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(!ok, "{out}");
        assert!(out.contains("checkpoint id 1 vouches for record 6, but the chain ends at record 3"), "{out}");
    }
}

db_test! {
    async fn an_inserted_record_is_named(app) {
        let key = signed_history(&app).await;
        // A forged line appended after the rest, linked and hashed correctly, the head left.
        let last = record(&app, 6).await;
        let forged = RecordFields {
            chain: "transactions",
            seq: 7,
            at_ms: last.at_ms,
            actor_id: Some(1),
            action: "adjust",
            target: "user:2",
            details: "credit 100 XMR",
            prev_hash: &last.hash,
        };
        let hash = record_hash(&forged);
        let insert = format!(
            "INSERT INTO {TABLE} (seq, at_ms, actor_id, action, target, details, prev_hash, hash) \
             VALUES (7, {}, 1, 'adjust', 'user:2', 'credit 100 XMR', '{}', '{hash}')",
            last.at_ms, last.hash
        );
        exec(&app, &insert).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(!ok, "{out}");
        assert!(out.contains("the chain ends at record 7 but its head names record 6"), "{out}");

        // Slipped into the middle instead, with later records renumbered and every hash and
        // the head recomputed: the row ids, given out in append order, give it away.
        exec(&app, &format!("DELETE FROM {TABLE} WHERE seq = 7")).await;
        for seq in (3..=6).rev() {
            exec(&app, &format!("UPDATE {TABLE} SET seq = {} WHERE seq = {seq}", seq + 1)).await;
        }
        exec(&app, &format!(
            "INSERT INTO {TABLE} (seq, at_ms, actor_id, action, target, details, prev_hash, hash) \
             VALUES (3, {}, 1, 'adjust', 'user:2', 'credit 100 XMR', 'x', 'x')",
            last.at_ms
        )).await;
        rehash_from(&app, 3).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(!ok, "{out}");
        assert!(out.contains("record 3 is not where it belongs: id 3 carries record 4"), "{out}");
    }
}

db_test! {
    async fn reordered_records_are_named(app) {
        let key = signed_history(&app).await;
        // Records 2 and 3 trade places (through a free number: seq is unique).
        exec(&app, &format!("UPDATE {TABLE} SET seq = 100 WHERE seq = 2")).await;
        exec(&app, &format!("UPDATE {TABLE} SET seq = 2 WHERE seq = 3")).await;
        exec(&app, &format!("UPDATE {TABLE} SET seq = 3 WHERE seq = 100")).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(!ok, "{out}");
        assert!(out.contains("record 2 is not where it belongs: id 2 carries record 3"), "{out}");

        // A checkpoint signed by another key is not trusted.
        exec(&app, &format!("UPDATE {TABLE} SET seq = 100 WHERE seq = 2")).await;
        exec(&app, &format!("UPDATE {TABLE} SET seq = 2 WHERE seq = 3")).await;
        exec(&app, &format!("UPDATE {TABLE} SET seq = 3 WHERE seq = 100")).await;
        assert!(audit_verify(&app, &key).0, "put back in order");
        let stranger = SigningKey::from_hex(&("4c".repeat(31) + "4d")).unwrap();
        let (ok, out) = audit_verify(&app, &stranger.public_key().to_string());
        assert!(!ok, "{out}");
        assert!(out.contains("which is not a trusted key"), "{out}");
    }
}

db_test! {
    async fn parallel_money_movements_keep_one_unbroken_chain(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let mut users = Vec::new();
        for i in 0..4 {
            users.push(app.party(&format!("payee{i}")).await);
        }
        const EACH: usize = 10;
        let credits = users.iter().flat_map(|u| (0..EACH).map(move |_| u.id)).map(|id| {
            let admin = admin.clone();
            let app = &app;
            async move {
                let (status, body) = app
                    .post("/transactions/admin/adjust", admin.t(), json!({"user_id": id, "amount": "0.1", "direction": "credit", "reason": "parallel"}))
                    .await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
        });
        // Sequencers racing the movements and each other (the service's own pass runs
        // too, every 250 ms): a record is chained once, by one of them.
        let sequencers = (0..3).map(|_| async {
            for _ in 0..10 {
                audit_chain::sequence(&app.db, Chain::TRANSACTIONS).await.unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        });
        futures::join!(join_all(credits), join_all(sequencers));
        audit_chain::sequence(&app.db, Chain::TRANSACTIONS).await.unwrap();
        let report = audit_chain::verify(&app.db, Chain::TRANSACTIONS, &[]).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        let movements = users.len() * EACH;
        assert_eq!(report.records, 2 * movements as u64, "one entry record and one staff record per credit");
        assert_eq!(report.pending, 0, "everything committed is chained: {report:?}");
        assert!(audit_chain::checkpoint(&app.db, Chain::TRANSACTIONS, &server_key(&app)).await.unwrap().is_some());
        let key = published_key(&app).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(ok, "{out}");
        app.assert_ledger_consistent().await;
    }
}

/// Six moderation records (a sanction, its lift, a case claimed, noted and decided, an
/// offer removed), signed: each one in the same transaction as its action.
async fn moderation_history(app: &TestApp) -> String {
    let m = crate::trading::market(app).await;
    let (status, body) = app
        .post(
            "/moderation/sanctions",
            m.moderator.t(),
            json!({"user_id": m.stranger.id, "kind": "mute", "reason": "spam in chat"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let sanction = body["id"].as_i64().unwrap();
    let (status, body) = app
        .post(
            &format!("/moderation/sanctions/{sanction}/lift"),
            m.moderator.t(),
            json!({"reason": "apologised"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post("/moderation/reports", m.buyer.t(), json!({"target": "user", "target_id": m.seller.id, "category": "scam", "text": "asked to pay outside"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let case = body["case_id"].as_i64().unwrap();
    for (path, body) in [
        ("claim", json!({})),
        ("notes", json!({"text": "checked their trades"})),
        (
            "resolve",
            json!({"resolution": "actioned", "reason": "seller warned"}),
        ),
    ] {
        let (status, answer) = app
            .post(
                &format!("/moderation/cases/{case}/{path}"),
                m.moderator.t(),
                body,
            )
            .await;
        assert!(status.is_success(), "{path}: {answer}");
    }
    let (status, body) = app
        .post(
            &format!("/moderation/offers/{}/remove", m.offer),
            m.admin.t(),
            json!({"reason": "misleading terms"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, audit) = app.get("/moderation/admin/audit", m.admin.t()).await;
    assert_eq!(status, StatusCode::OK, "{audit}");
    let audit: Paged<AuditEntry> = typed(&audit);
    let actions: Vec<(AuditAction, String)> = audit
        .items
        .iter()
        .rev()
        .map(|e| (e.action, e.target.clone()))
        .collect();
    use AuditAction::{AddNote, ClaimCase, LiftSanction, RemoveOffer, ResolveCase, Sanction};
    assert_eq!(
        actions,
        vec![
            (Sanction, format!("user:{}", m.stranger.id)),
            (LiftSanction, format!("user:{}", m.stranger.id)),
            (ClaimCase, format!("case:{case}")),
            (AddNote, format!("case:{case}")),
            (ResolveCase, format!("case:{case}")),
            (RemoveOffer, format!("offer:{}", m.offer)),
        ]
    );
    let newest = &audit.items[0];
    assert_eq!(
        (newest.chain.as_str(), newest.action_label.as_str()),
        ("moderation", "Removed an offer")
    );
    assert_eq!(newest.target_ref(), Some(("offer", m.offer)));
    assert_eq!(newest.actor_id, Some(m.admin.id));
    assert!(
        audit
            .items
            .iter()
            .all(|e| !e.details.contains("checked their trades")),
        "a note's words stay off the log"
    );
    assert_eq!(
        app.get("/moderation/admin/audit", m.moderator.t()).await.0,
        StatusCode::FORBIDDEN,
        "admins only"
    );

    let signed = audit_chain::checkpoint(&app.db, Chain::MODERATION, &server_key(app))
        .await
        .unwrap();
    assert_eq!(signed, Some(6));
    let key = published_key(app).await;
    let (ok, out) = audit_verify(app, &key);
    assert!(ok, "{out}");
    assert!(
        out.contains("moderation audit chain intact: 6 records, signed through record 6"),
        "{out}"
    );
    key
}

const MODERATION: &str = "moderation_audit_records";

db_test! {
    async fn the_moderation_chain_catches_edits_deletions_insertions_and_reordering(app) {
        let key = moderation_history(&app).await;
        let chain = Chain::MODERATION;
        let broken = |out: &str, needle: &str| {
            assert!(out.contains("the moderation audit chain is BROKEN"), "{out}");
            assert!(out.contains(needle), "{needle}: {out}");
        };

        // Edited: a lift's reason rewritten.
        let second = record_of(&app, chain, 2).await;
        exec(&app, &format!("UPDATE {MODERATION} SET details = 'lifted on appeal' WHERE seq = 2")).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(!ok);
        broken(&out, "record 2 (id 2) was altered");
        // ...and re-hashed to look whole: the signed checkpoint still disagrees.
        rehash_chain(&app, chain, 2).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(!ok);
        broken(&out, "record 6 (id 6) differs from what checkpoint id 1 signed");
        exec(&app, &format!("UPDATE {MODERATION} SET details = '{}' WHERE seq = 2", second.details.replace('\'', "''"))).await;
        rehash_chain(&app, chain, 2).await;
        assert!(audit_verify(&app, &key).0, "restored");

        // Reordered: the claim and the note change places.
        exec(&app, &format!("UPDATE {MODERATION} SET seq = 100 WHERE seq = 3")).await;
        exec(&app, &format!("UPDATE {MODERATION} SET seq = 3 WHERE seq = 4")).await;
        exec(&app, &format!("UPDATE {MODERATION} SET seq = 4 WHERE seq = 100")).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(!ok);
        broken(&out, "record 3 is not where it belongs: id 3 carries record 4");
        exec(&app, &format!("UPDATE {MODERATION} SET seq = 100 WHERE seq = 3")).await;
        exec(&app, &format!("UPDATE {MODERATION} SET seq = 3 WHERE seq = 4")).await;
        exec(&app, &format!("UPDATE {MODERATION} SET seq = 4 WHERE seq = 100")).await;
        assert!(audit_verify(&app, &key).0, "put back in order");

        // Inserted: a forged lift appended after the rest, correctly linked, head left.
        let last = record_of(&app, chain, 6).await;
        let forged = RecordFields {
            chain: "moderation",
            seq: 7,
            at_ms: last.at_ms,
            actor_id: Some(1),
            action: "lift-sanction",
            target: "user:2",
            details: "sanction 9 lifted",
            prev_hash: &last.hash,
        };
        let hash = record_hash(&forged);
        exec(&app, &format!(
            "INSERT INTO {MODERATION} (seq, at_ms, actor_id, action, target, details, prev_hash, hash) \
             VALUES (7, {}, 1, 'lift-sanction', 'user:2', 'sanction 9 lifted', '{}', '{hash}')",
            last.at_ms, last.hash
        )).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(!ok);
        broken(&out, "the chain ends at record 7 but its head names record 6");
        exec(&app, &format!("DELETE FROM {MODERATION} WHERE seq = 7")).await;
        assert!(audit_verify(&app, &key).0, "the forgery removed");

        // Deleted: the sanction's record, then the newest ones with the head moved back.
        exec(&app, &format!("DELETE FROM {MODERATION} WHERE seq = 1")).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(!ok);
        broken(&out, "record 1 is not where it belongs");
        exec(&app, &format!("DELETE FROM {MODERATION} WHERE seq >= 5")).await;
        let (ok, out) = audit_verify(&app, &key);
        assert!(!ok, "{out}");
    }
}

db_test! {
    async fn a_queued_record_is_reported_pending_until_it_is_chained_and_then_signed(app) {
        // The login chain: its service appends in place, so nothing chains this queued
        // record behind the test's back.
        let chain = Chain::LOGIN;
        let before = audit_chain::verify(&app.db, chain, &[]).await.unwrap();
        let record = audit_chain::NewRecord {
            actor_id: Some(1),
            action: AuditAction::ForceLogout.as_str().to_owned(),
            target: "user:1".into(),
            details: "queued".into(),
        };
        audit_chain::enqueue(&app.db, chain, record).await.unwrap();
        let queued = audit_chain::verify(&app.db, chain, &[]).await.unwrap();
        assert!(queued.is_intact(), "{queued:?}");
        assert_eq!((queued.records, queued.pending), (before.records, 1), "{queued:?}");
        assert!(queued.oldest_pending_at_ms.is_some());

        // A checkpoint chains the queue first, so it vouches for the record.
        let signed = audit_chain::checkpoint(&app.db, chain, &server_key(&app)).await.unwrap();
        let last = i64::try_from(before.records).unwrap() + 1;
        assert_eq!(signed, Some(last));
        let chained = audit_chain::verify(&app.db, chain, &[]).await.unwrap();
        assert!(chained.is_intact(), "{chained:?}");
        assert_eq!((chained.records, chained.pending, chained.signed_through), (before.records + 1, 0, last));
        let newest = record_of(&app, chain, last).await;
        assert_eq!((newest.target.as_str(), newest.details.as_str()), ("user:1", "queued"));
    }
}
