//! The restore drill: a platform that deposits, trades and withdraws is backed up while it
//! keeps trading, and the backup restores into a fresh database of the same kind whose
//! ledger is consistent, whose totals are the manifest's, and on which the platform runs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pupero_api::money::{WithdrawalAccepted, WithdrawalView};
use pupero_core::{Role, WithdrawalStatus};
use reqwest::StatusCode;
use serde_json::json;

use crate::chain;
use crate::helpers::{Backend, Options, Party, TestApp, TestDb, db_test, settings_for, typed};
use crate::withdrawals::deposit;

fn backend_of(url: &str) -> Backend {
    if url.starts_with("sqlite:") {
        Backend::Sqlite
    } else if url.starts_with("mysql:") {
        Backend::MariaDb
    } else {
        Backend::Postgres
    }
}

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("pupero-{name}-{:08x}", rand::random::<u32>()))
}

/// The platform's data directory (the tests' keys live in `<data dir>/keys`).
fn data_dir(app: &TestApp) -> PathBuf {
    app.keys_dir.parent().unwrap().to_path_buf()
}

async fn complete_trade(app: &TestApp, seller: &Party, buyer: &Party, offer: i64, xmr: &str) {
    let trade = app.trade(buyer, offer, xmr).await;
    let (status, body) = app.step(buyer, trade, "paid", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.step(seller, trade, "release", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn totals(db: &sea_orm::DatabaseConnection) -> BTreeMap<String, String> {
    pupero_transactions::ledger::totals_by_kind(db)
        .await
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_string()))
        .collect()
}

async fn count(db: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    use sea_orm::sea_query::{Alias, Expr, Query};
    let q = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(Alias::new(table))
        .to_owned();
    db.query_one(&q)
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap()
}

async fn wait_relayed(app: &TestApp, who: &Party, id: i64) {
    for _ in 0..160 {
        let (_, body) = app
            .get(&format!("/transactions/withdrawals/{id}"), who.t())
            .await;
        let status = typed::<WithdrawalView>(&body).status;
        if matches!(
            status,
            WithdrawalStatus::Relayed | WithdrawalStatus::Confirmed
        ) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("withdrawal {id} never relayed");
}

db_test! {
    async fn a_backup_taken_while_trading_restores_into_a_fresh_database(app, chain::options(&["--rabbitmq-poll-interval-seconds", "1"]).await) {
        let _turn = chain::chain_turn().await;
        let fixture = chain::fixture().await;
        let admin = app.staff("admin", Role::Admin).await;
        let seller = app.party("seller").await;
        let buyer = app.party("buyer").await;
        deposit(&app, &seller, 3).await;
        let offer = app.offer(&seller, "sell", "0.1", "2").await;
        complete_trade(&app, &seller, &buyer, offer, "1").await;
        let (status, body) = app
            .http
            .post(format!("{}/transactions/withdraw", app.gateway))
            .bearer_auth(&buyer.token)
            .header("idempotency-key", "drill-1")
            .json(&json!({"address": fixture.user_address, "amount": "0.5"}))
            .send()
            .await
            .map(|r| (r.status(), r))
            .unwrap();
        assert_eq!(status, StatusCode::ACCEPTED);
        let withdrawal: WithdrawalAccepted = body.json().await.unwrap();
        wait_relayed(&app, &buyer, withdrawal.withdrawal_id).await;

        // A dispute evidence file (binary, every byte value) travels as base64.
        let evidence: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
        use sea_orm::{ActiveValue::Set, EntityTrait};
        use pupero_transactions::entity::dispute_evidence;
        dispute_evidence::Entity::insert(dispute_evidence::ActiveModel {
            trade_id: Set(1),
            uploader_id: Set(buyer.id),
            content_type: Set("application/pdf".into()),
            file_name: Set("proof.pdf".into()),
            size_bytes: Set(evidence.len() as i64),
            sha256: Set("0".repeat(64)),
            data: Set(evidence.clone()),
            created_at_ms: Set(1),
            expires_at_ms: Set(i64::MAX),
            ..Default::default()
        })
        .exec(&app.db)
        .await
        .unwrap();

        // Back up while trades complete and balances are adjusted beside it.
        let dir = scratch("backup");
        let backup_settings = settings_for(
            &app.db_url,
            &data_dir(&app),
            &["--monero-rpc-url".into(), fixture.hot_url.clone(), "--monero-rpc-auth-scheme".into(), "none".into()],
        );
        let trading = async {
            for _ in 0..4 {
                app.credit(&admin, seller.id, "0.1").await;
                complete_trade(&app, &seller, &buyer, offer, "0.1").await;
            }
        };
        let (manifest, ()) = tokio::join!(pupero::admin::backup(&backup_settings, &dir), trading);
        let manifest = manifest.unwrap();
        assert!(dir.join("manifest.json").is_file() && dir.join("data.jsonl").is_file());
        let sum: i128 = manifest.ledger_totals.values().map(|v| v.parse::<i128>().unwrap()).sum();
        assert_eq!(sum, 0, "one instant of a double-entry ledger sums to zero: {:?}", manifest.ledger_totals);
        assert_eq!(manifest.ledger_totals.len(), 8, "every account kind is named");
        assert_ne!(manifest.ledger_totals["withdrawals"], "0", "the withdrawal is in the snapshot");
        assert_ne!(manifest.ledger_totals["network_fees"], "0");
        let wallet = manifest.wallet.clone().unwrap();
        assert!(wallet.height.unwrap() > 0 && wallet.primary_address.is_some(), "{wallet:?}");
        assert_eq!(manifest.schema.len(), pupero::MIGRATORS.len(), "every service's schema is in the manifest");
        assert!(manifest.schema.values().all(|applied| !applied.is_empty()));
        let rows = |name: &str| manifest.tables.iter().find(|t| t.name == name).unwrap().rows;
        assert!(rows("trades") >= 1 && rows("withdrawals") == 1 && rows("deposits") == 1);
        let copy: Vec<&str> = manifest.operator_must_copy.iter().map(|c| c.what.as_str()).collect();
        assert!(copy.iter().any(|w| w.ends_with("keys")), "{copy:?}");
        assert!(copy.iter().any(|w| w.ends_with("data-encryption-key")), "{copy:?}");
        assert!(copy.iter().any(|w| w.contains("seed")), "{copy:?}");

        // More happens after the backup; none of it may come back.
        app.credit(&admin, buyer.id, "1").await;
        let open = app.trade(&buyer, offer, "0.5").await;
        let live_trades = count(&app.db, "trades").await;
        assert_ne!(totals(&app.db).await, manifest.ledger_totals);

        let fresh = TestDb::create(backend_of(&app.db_url)).await;
        let restore_dir = scratch("restore-data");
        let report = pupero::admin::restore(&settings_for(&fresh.url, &restore_dir, &[]), &dir)
            .await
            .unwrap();
        assert_eq!(report.ledger_totals, manifest.ledger_totals);

        // The restored database, checked apart from the restore's own checks.
        let restored = pupero_db::connect(&fresh.url, pupero_config::DEFAULT_DATABASE_POOL_SIZE).await.unwrap();
        let verified = pupero_transactions::ledger::verify(&restored).await.unwrap();
        assert!(verified.is_consistent(), "{verified:?}");
        assert_eq!(totals(&restored).await, manifest.ledger_totals);
        assert_eq!(count(&restored, "trades").await, rows("trades") as i64);
        assert!(count(&restored, "trades").await < live_trades, "trade {open} came after the backup");
        let restored_files = dispute_evidence::Entity::find().all(&restored).await.unwrap();
        assert_eq!(restored_files.iter().map(|f| f.data.clone()).collect::<Vec<_>>(), vec![evidence], "binary columns come back byte for byte");
        let cli = std::process::Command::new(env!("CARGO_BIN_EXE_pupero"))
            .args(["admin", "ledger-verify", "--database-url", &fresh.url, "--data-dir"])
            .arg(&restore_dir)
            .output()
            .unwrap();
        assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
        restored.close().await.ok();

        // The platform runs on it: old accounts log in, new rows get fresh ids.
        let (again, platform) = TestApp::spawn_with_url(&fresh, &fresh.url, &Options::default()).await;
        let seller_again = Party { id: seller.id, token: again.login("seller").await.access };
        let buyer_again = Party { id: buyer.id, token: again.login("buyer").await.access };
        let newcomer = again.party("newcomer").await;
        assert!(newcomer.id > buyer.id);
        let admin_again = again.staff("admin2", Role::Admin).await;
        again.credit(&admin_again, newcomer.id, "1").await;
        complete_trade(&again, &seller_again, &buyer_again, offer, "0.1").await;
        again.assert_ledger_consistent().await;
        platform.stop().await;
        fresh.drop_db().await;
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&restore_dir);
    }
}

/// Table names of a database, through the catalog the backup reads.
async fn tables(url: &str) -> Vec<String> {
    let db = pupero_db::connect(url, pupero_config::DEFAULT_DATABASE_POOL_SIZE)
        .await
        .unwrap();
    let names = pupero::admin::table_names(&db).await.unwrap();
    db.close().await.ok();
    names
}

fn pupero_cli(args: &[&str], extra: &[&Path]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pupero"))
        .args(args)
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

db_test! {
    async fn a_bad_backup_or_a_used_database_is_refused_and_nothing_changes(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let alice = app.party("alice").await;
        app.credit(&admin, alice.id, "2").await;

        // Through the command line, as an operator would.
        let dir = scratch("backup");
        let data = data_dir(&app);
        let (ok, stdout, stderr) = pupero_cli(&["admin", "backup", "--database-url", &app.db_url, "--to"], &[&dir, Path::new("--data-dir"), &data]);
        assert!(ok, "{stderr}");
        assert!(stdout.contains("ledger available: 2.000000000000 XMR"), "{stdout}");
        assert!(stdout.contains("Copy these too"), "{stdout}");
        let (ok, _, stderr) = pupero_cli(&["admin", "backup", "--database-url", &app.db_url, "--to"], &[&dir, Path::new("--data-dir"), &data]);
        assert!(!ok && stderr.contains("is not empty"), "a backup never overwrites another: {stderr}");

        let fresh = TestDb::create(backend_of(&app.db_url)).await;
        let restore_dir = scratch("restore-data");
        let settings = settings_for(&fresh.url, &restore_dir, &[]);
        let restore = |from: PathBuf| {
            let settings = &settings;
            async move { format!("{:#}", pupero::admin::restore(settings, &from).await.unwrap_err()) }
        };

        let missing = scratch("nowhere");
        assert!(restore(missing.clone()).await.contains("no backup at"), "missing directory");
        let (ok, _, stderr) = pupero_cli(&["admin", "restore", "--database-url", &fresh.url, "--from"], &[&missing]);
        assert!(!ok && stderr.contains("no backup at"), "{stderr}");

        let spoiled = |name: &str, file: &str, edit: &dyn Fn(String) -> String| {
            let copy = scratch(name);
            std::fs::create_dir_all(&copy).unwrap();
            for f in ["manifest.json", "data.jsonl"] {
                std::fs::copy(dir.join(f), copy.join(f)).unwrap();
            }
            let text = std::fs::read_to_string(copy.join(file)).unwrap();
            std::fs::write(copy.join(file), edit(text)).unwrap();
            copy
        };
        let corrupt_manifest = spoiled("manifest", "manifest.json", &|t| t[..t.len() / 2].to_owned());
        assert!(restore(corrupt_manifest.clone()).await.contains("not a valid backup manifest"));
        let other_format = spoiled("format", "manifest.json", &|t| t.replace("pupero-backup/1", "pupero-backup/9"));
        assert!(restore(other_format.clone()).await.contains("format"));
        let altered_data = spoiled("data", "data.jsonl", &|t| t.replacen("2000000000000", "9000000000000", 1));
        let err = restore(altered_data.clone()).await;
        assert!(err.contains("SHA-256"), "a changed balance is caught: {err}");
        let truncated = spoiled("truncated", "data.jsonl", &|t| t[..t.len() / 2].to_owned());
        let err = restore(truncated.clone()).await;
        // Cut at half: wherever the cut falls (a row, a table header), it is refused.
        assert!(err.contains("rows of") || err.contains("lacks the table") || err.contains("is not a row") || err.contains("is not a table header"), "{err}");
        let other_schema = spoiled("schema", "manifest.json", &|t| t.replacen("\"login\": [", "\"login\": [\n      \"m0000_from_the_future\",", 1));
        assert!(restore(other_schema.clone()).await.contains("schema"), "a backup from another version is refused");
        assert!(tables(&fresh.url).await.is_empty(), "every refusal left the target untouched");

        // The live database is not empty: refused, and it is unchanged.
        let users = app.count_users().await;
        let before = totals(&app.db).await;
        let into_live = settings_for(&app.db_url, &data, &[]);
        let err = format!("{:#}", pupero::admin::restore(&into_live, &dir).await.unwrap_err());
        assert!(err.contains("is not empty") && err.contains("empty database"), "{err}");
        assert_eq!(app.count_users().await, users);
        assert_eq!(totals(&app.db).await, before);

        // The good backup still restores into the target those refusals left alone.
        let (ok, stdout, stderr) = pupero_cli(&["admin", "restore", "--database-url", &fresh.url, "--data-dir"], &[&restore_dir, Path::new("--from"), &dir]);
        assert!(ok, "{stderr}");
        assert!(stdout.contains("totals equal the manifest's"), "{stdout}");
        let restored = pupero_db::connect(&fresh.url, pupero_config::DEFAULT_DATABASE_POOL_SIZE).await.unwrap();
        assert_eq!(totals(&restored).await, before);
        restored.close().await.ok();
        let (ok, _, stderr) = pupero_cli(&["admin", "restore", "--database-url", &fresh.url, "--from"], &[&dir]);
        assert!(!ok && stderr.contains("is not empty"), "a second restore into it is refused: {stderr}");

        fresh.drop_db().await;
        for d in [dir, restore_dir, corrupt_manifest, other_format, altered_data, truncated, other_schema] {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}
