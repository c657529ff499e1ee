//! `pupero admin backup --to DIR`: a consistent snapshot of the whole database while the
//! platform runs, into a portable data file and a manifest.
//!
//! Consistency comes from reading every table inside one read-only transaction: a
//! REPEATABLE READ snapshot on MariaDB and PostgreSQL, and on SQLite (WAL mode) a read
//! transaction, which sees one committed state while writers go on, as SQLite's online
//! backup does. So the journal, the balances and the trades in the file are of one
//! instant, and the ledger totals in the manifest are read in the same snapshot.

use std::collections::BTreeMap;
use std::io::BufWriter;
use std::path::Path;

use anyhow::{Context, bail};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseBackend, DatabaseTransaction, IsolationLevel,
    TransactionTrait,
};

use pupero_config::Settings;

use super::catalog::{self, Column, ColumnKind};
use super::dump::{DATA_FILE, DumpWriter, TableHeader, read_value};
use super::manifest::{CopyItem, FORMAT, MANIFEST_FILE, Manifest, TableSummary, WalletState};
use crate::migrations::{MIGRATORS, require_current};
use crate::platform::connect;

/// Rows read per query from a table with an integer `id`.
const PAGE: u64 = 5_000;

/// Takes the backup into `to` (a new or empty directory) and returns its manifest.
pub async fn backup(settings: &Settings, to: &Path) -> anyhow::Result<Manifest> {
    prepare_directory(to)?;
    let db = connect(settings).await?;
    require_current(&db).await?;
    // Read before the snapshot, so the database is at least as new as this height.
    let wallet = wallet_state(settings).await;

    let partial = to.join(format!("{DATA_FILE}.partial"));
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let mut writer = DumpWriter::new(BufWriter::new(file));

    let backend = db.get_database_backend();
    // SQLite has one isolation level; asking for another only draws a warning from sea-orm.
    let (isolation, access) = if backend == DatabaseBackend::Sqlite {
        (None, None)
    } else {
        (
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
    };
    let txn = db.begin_with_config(isolation, access).await?;
    let created_at_ms = pupero_db::now_ms();
    let snapshot = read_snapshot(&txn, &mut writer).await;
    // Read only: nothing to keep, whatever happened.
    txn.rollback().await.ok();
    let (tables, schema, ledger_totals) = snapshot?;
    let data_sha256 = writer.finish()?;
    std::fs::rename(&partial, to.join(DATA_FILE))?;

    let manifest = Manifest {
        format: FORMAT.to_owned(),
        created_at: rfc3339(created_at_ms),
        created_at_ms,
        pupero_version: env!("CARGO_PKG_VERSION").to_owned(),
        backend: pupero_db::backend_name(&db).to_owned(),
        schema,
        tables,
        data_file: DATA_FILE.to_owned(),
        data_sha256,
        ledger_totals,
        wallet,
        operator_must_copy: operator_must_copy(settings),
    };
    // Written last, through a rename: a directory with a manifest is a complete backup.
    let tmp = to.join(format!("{MANIFEST_FILE}.partial"));
    std::fs::write(&tmp, serde_json::to_vec_pretty(&manifest)?)?;
    std::fs::rename(&tmp, to.join(MANIFEST_FILE))?;
    Ok(manifest)
}

type Snapshot = (
    Vec<TableSummary>,
    BTreeMap<String, Vec<String>>,
    BTreeMap<String, String>,
);

async fn read_snapshot<W: std::io::Write>(
    txn: &DatabaseTransaction,
    writer: &mut DumpWriter<W>,
) -> anyhow::Result<Snapshot> {
    let mut schema = BTreeMap::new();
    for m in &MIGRATORS {
        schema.insert(
            m.service.to_owned(),
            applied_migrations(txn, &(m.table)()).await?,
        );
    }
    let ledger_totals = pupero_transactions::ledger::totals_by_kind(txn)
        .await
        .context("cannot sum the ledger")?
        .into_iter()
        .map(|(kind, total)| (kind.as_str().to_owned(), total.to_string()))
        .collect();
    let mut tables = Vec::new();
    for table in catalog::tables_in_dependency_order(txn).await? {
        let columns = catalog::columns(txn, &table).await?;
        writer.table(&TableHeader {
            table: table.clone(),
            columns: columns.iter().map(|c| c.name.clone()).collect(),
        })?;
        let rows = dump_table(txn, &table, &columns, writer)
            .await
            .with_context(|| format!("cannot back up table {table}"))?;
        tables.push(TableSummary { name: table, rows });
    }
    Ok((tables, schema, ledger_totals))
}

async fn applied_migrations(txn: &DatabaseTransaction, table: &str) -> anyhow::Result<Vec<String>> {
    let rows = txn
        .query_all(
            &Query::select()
                .column(Alias::new("version"))
                .from(Alias::new(table))
                .order_by(Alias::new("version"), Order::Asc)
                .to_owned(),
        )
        .await
        .with_context(|| format!("cannot read {table}"))?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "version").map_err(Into::into))
        .collect()
}

/// Writes every row of `table`; tables with an integer `id` are read in pages by id.
async fn dump_table<W: std::io::Write>(
    txn: &DatabaseTransaction,
    table: &str,
    columns: &[Column],
    writer: &mut DumpWriter<W>,
) -> anyhow::Result<u64> {
    let keyed = columns
        .iter()
        .any(|c| c.name == "id" && c.kind == ColumnKind::Integer);
    let mut count = 0u64;
    let mut after = i64::MIN;
    loop {
        let mut select = Query::select();
        select
            .columns(columns.iter().map(|c| Alias::new(c.name.as_str())))
            .from(Alias::new(table));
        if keyed {
            select
                .and_where(Expr::col(Alias::new("id")).gt(after))
                .order_by(Alias::new("id"), Order::Asc)
                .limit(PAGE);
        }
        let rows = txn.query_all(&select).await?;
        for row in &rows {
            let values = columns
                .iter()
                .map(|c| read_value(row, &c.name, c.kind))
                .collect::<anyhow::Result<Vec<_>>>()?;
            if keyed {
                after = row.try_get("", "id")?;
            }
            writer.row(&values)?;
            count += 1;
        }
        if !keyed || (rows.len() as u64) < PAGE {
            return Ok(count);
        }
    }
}

/// A new directory, or an empty one: a backup never mixes with or overwrites another.
fn prepare_directory(to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        let mut entries = std::fs::read_dir(to)
            .with_context(|| format!("{} exists and is not a readable directory", to.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty; back up into a new directory (a backup never overwrites another)",
                to.display()
            );
        }
    } else {
        std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    }
    Ok(())
}

async fn wallet_state(settings: &Settings) -> Option<WalletState> {
    // Beside `pupero up --regtest`, its wallet (as `admin solvency` finds it).
    let (url, credentials) = match &settings.monero_rpc_url {
        Some(url) => (url.clone(), settings.monero_rpc_credentials()),
        None => (
            crate::devchain::regtest_hot_wallet_url(&settings.data_dir)?,
            None,
        ),
    };
    let read = async {
        let wallet = pupero_wallet::rpc::WalletRpc::new(&url, credentials)?;
        let height = wallet.height().await?;
        let address = wallet.primary_address().await?;
        anyhow::Ok((height, address))
    };
    Some(match read.await {
        Ok((height, address)) => WalletState {
            height: Some(height),
            primary_address: Some(address),
            unreachable: None,
        },
        Err(e) => {
            tracing::warn!(
                "the hot wallet could not be read; the manifest records no height: {e:#}"
            );
            WalletState {
                height: None,
                primary_address: None,
                unreachable: Some(format!("{e:#}")),
            }
        }
    })
}

/// What lives outside the database: named so the operator copies it with the backup.
fn operator_must_copy(settings: &Settings) -> Vec<CopyItem> {
    let mut items = vec![CopyItem {
        what: settings.keys_dir().display().to_string(),
        why: "the services' token keys; without them every session ends (nothing else is lost)"
            .into(),
    }];
    let data_file = |name: &str, why: &str| {
        let path = settings.data_dir.join(name);
        path.exists().then(|| CopyItem {
            what: path.display().to_string(),
            why: why.to_owned(),
        })
    };
    let secret = |variable: &str, set: bool, why: &str| {
        set.then(|| CopyItem {
            what: format!("${variable}"),
            why: why.to_owned(),
        })
    };
    let wallet_configured = settings.monero_rpc_url.is_some()
        || crate::devchain::regtest_hot_wallet_url(&settings.data_dir).is_some();
    items.extend(
        [
            data_file(
                "data-encryption-key",
                "seals the TOTP secrets and web sessions in the database: without it no 2FA secret can be read",
            ),
            secret(
                "DATA_ENCRYPTION_KEY",
                settings.data_encryption_key.is_some(),
                "seals the TOTP secrets and web sessions in the database: without it no 2FA secret can be read",
            ),
            data_file(
                "audit-signing-key",
                "signs the audit chains' checkpoints and trade receipts: keep its public key to verify old ones",
            ),
            secret(
                "AUDIT_SIGNING_KEY",
                settings.audit_signing_key.is_some(),
                "signs the audit chains' checkpoints and trade receipts: keep its public key to verify old ones",
            ),
            data_file("frontend-secret", "the web frontend's CSRF secret"),
            secret(
                "FRONTEND_SECRET_KEY",
                settings.frontend_secret_key.is_some(),
                "the web frontend's CSRF secret",
            ),
            data_file("metrics-token", "the scrapers' bearer credential"),
            secret(
                "MONERO_WALLET_FILE",
                settings.monero_wallet_file.is_some(),
                "the hot wallet's file and its .keys file, in wallet-rpc's --wallet-dir",
            ),
            secret(
                "MONERO_WALLET_PASSWORD",
                settings.monero_wallet_password.is_some(),
                "opens the hot wallet file",
            ),
            wallet_configured.then(|| CopyItem {
                what: "the hot wallet's seed (mnemonic) and its files".into(),
                why: "the platform's coins; the database cannot recover them. Keep the seed offline".into(),
            }),
            secret(
                "MONERO_RPC_PASSWORD",
                settings.monero_rpc_password.is_some(),
                "wallet-rpc's login",
            ),
            secret(
                "DATABASE_URL",
                settings.database_url.is_some(),
                "the database's credentials",
            ),
            secret(
                "RABBITMQ_URL",
                settings.rabbitmq_url.is_some() || settings.rabbitmq_password.is_some(),
                "the broker's credentials",
            ),
            secret(
                "METRICS_TOKEN",
                settings.metrics_token.is_some(),
                "the scrapers' bearer credential",
            ),
            data_file(
                "regtest",
                "the private regtest chain and its wallets (development only)",
            ),
        ]
        .into_iter()
        .flatten(),
    );
    items
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ms.to_string())
}
