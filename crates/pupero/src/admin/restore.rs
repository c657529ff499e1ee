//! `pupero admin restore --from DIR`: a backup into an empty database, then the proof that
//! it arrived whole: every table's row count, a consistent ledger, and ledger totals equal
//! to the manifest's.
//!
//! Everything that can be checked without the target is checked first (manifest, data
//! file's hash and shape, schema version), so a bad backup changes nothing. The rows go
//! in as one transaction after the migrations create the schema.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufReader;
use std::path::Path;

use anyhow::{Context, bail};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};
use serde::Serialize;
use serde_json::Value as Json;

use pupero_config::Settings;

use super::catalog::{self, ColumnKind};
use super::dump::{DumpReader, Line, to_db_value};
use super::manifest::Manifest;
use crate::migrations::{MIGRATORS, migrate_all};
use crate::platform::{connect, redact};

/// Parameters per INSERT, well under every backend's limit (SQLite's is 32766).
const PARAMS_PER_INSERT: usize = 4_000;

/// What a restore did and found.
#[derive(Debug, Serialize)]
pub struct RestoreReport {
    pub tables: usize,
    pub rows: u64,
    pub ledger_accounts: usize,
    pub ledger_entries: usize,
    /// Per ledger account kind, piconero: equal to the manifest's.
    pub ledger_totals: BTreeMap<String, String>,
}

/// Restores the backup in `from` into the (empty) database of `settings`.
pub async fn restore(settings: &Settings, from: &Path) -> anyhow::Result<RestoreReport> {
    let manifest = Manifest::read(from)?;
    check_schema(&manifest)?;
    check_data_file(from, &manifest)?;
    let migration_tables: BTreeSet<String> = MIGRATORS.iter().map(|m| (m.table)()).collect();

    if settings.database_url.is_none() {
        // The default SQLite file lives in the data directory.
        settings.ensure_data_dir()?;
    }
    let db = connect(settings).await?;
    let existing = catalog::table_names(&db).await?;
    if !existing.is_empty() {
        let shown: Vec<&str> = existing.iter().take(5).map(String::as_str).collect();
        bail!(
            "the database {} is not empty (it has {} table(s): {}{}); restore only into an \
             empty database: create a new one and point DATABASE_URL at it",
            redact(&settings.database_url()),
            existing.len(),
            shown.join(", "),
            if existing.len() > shown.len() {
                ", …"
            } else {
                ""
            }
        );
    }

    migrate_all(&db).await?;
    let txn = pupero_db::write_tx(&db).await?;
    let loaded = load_rows(&txn, from, &manifest, &migration_tables).await;
    let loaded = match loaded {
        Ok(rows) => catalog::advance_sequences(&txn).await.map(|()| rows),
        Err(e) => Err(e),
    };
    let rows = match loaded {
        Ok(rows) => {
            txn.commit().await?;
            rows
        }
        Err(e) => {
            txn.rollback().await.ok();
            return Err(e.context(
                "the restore failed and its rows were rolled back; the schema is in place, so \
                 drop and recreate the database before trying again",
            ));
        }
    };
    verify(&db, &manifest, &migration_tables, rows).await
}

/// The backup's schema must be this binary's: a restore does not migrate data across
/// versions (restore with the version that took it, then upgrade as usual).
fn check_schema(manifest: &Manifest) -> anyhow::Result<()> {
    for m in &MIGRATORS {
        let ours = (m.names)();
        let theirs = manifest.schema.get(m.service).cloned().unwrap_or_default();
        if ours != theirs {
            bail!(
                "the backup's {} schema ({} migrations, pupero {}) is not this binary's ({} \
                 migrations, pupero {}); restore with the version that took the backup, then upgrade",
                m.service,
                theirs.len(),
                manifest.pupero_version,
                ours.len(),
                env!("CARGO_PKG_VERSION")
            );
        }
    }
    Ok(())
}

/// Reads the whole data file once before anything is written: its hash must be the
/// manifest's, and its tables, columns and row counts what the manifest says.
fn check_data_file(from: &Path, manifest: &Manifest) -> anyhow::Result<()> {
    let mut reader = open_data(from, manifest)?;
    let mut expected = manifest.tables.iter();
    let mut current: Option<(String, usize, u64, u64)> = None; // name, columns, rows seen, rows expected
    let close = |current: &Option<(String, usize, u64, u64)>| -> anyhow::Result<()> {
        if let Some((name, _, seen, wanted)) = current
            && seen != wanted
        {
            bail!("the data file holds {seen} rows of {name}; the manifest says {wanted}");
        }
        Ok(())
    };
    while let Some(line) = reader.next_line()? {
        match line {
            Line::Table(header) => {
                close(&current)?;
                let summary = expected.next().with_context(|| {
                    format!(
                        "the data file has a table {} the manifest does not list",
                        header.table
                    )
                })?;
                if summary.name != header.table {
                    bail!(
                        "the data file's table {} is not the manifest's {}",
                        header.table,
                        summary.name
                    );
                }
                current = Some((header.table, header.columns.len(), 0, summary.rows));
            }
            Line::Row(values) => {
                let Some((name, width, seen, _)) = current.as_mut() else {
                    bail!("the data file starts with a row before any table header");
                };
                if values.len() != *width {
                    bail!(
                        "data file line {}: a row of {name} with {} values, not {width}",
                        reader.line_no(),
                        values.len()
                    );
                }
                *seen += 1;
            }
        }
    }
    close(&current)?;
    if let Some(missing) = expected.next() {
        bail!("the data file lacks the table {}", missing.name);
    }
    let hash = reader.finish();
    if hash != manifest.data_sha256 {
        bail!(
            "the data file's SHA-256 is {hash}, not the manifest's {}: it was changed or damaged",
            manifest.data_sha256
        );
    }
    Ok(())
}

fn open_data(
    from: &Path,
    manifest: &Manifest,
) -> anyhow::Result<DumpReader<BufReader<std::fs::File>>> {
    let path = from.join(&manifest.data_file);
    let file = std::fs::File::open(&path)
        .with_context(|| format!("cannot open the backup's data file {}", path.display()))?;
    Ok(DumpReader::new(BufReader::new(file)))
}

/// Inserts every row (but the migration tables', which the migrations just wrote).
async fn load_rows(
    txn: &DatabaseTransaction,
    from: &Path,
    manifest: &Manifest,
    migration_tables: &BTreeSet<String>,
) -> anyhow::Result<u64> {
    let mut reader = open_data(from, manifest)?;
    let mut batch = Batch::default();
    let mut total = 0u64;
    while let Some(line) = reader.next_line()? {
        match line {
            Line::Table(header) => {
                total += batch.flush(txn).await?;
                if migration_tables.contains(&header.table) {
                    batch = Batch::skipping();
                    continue;
                }
                let target: BTreeMap<String, ColumnKind> = catalog::columns(txn, &header.table)
                    .await?
                    .into_iter()
                    .map(|c| (c.name, c.kind))
                    .collect();
                let kinds = header
                    .columns
                    .iter()
                    .map(|c| {
                        target.get(c).copied().with_context(|| {
                            format!("the restored schema has no column {}.{c}", header.table)
                        })
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?;
                // The database was empty, so any row here is one a migration seeded (the
                // audit chains' head row): the backup's rows replace it.
                txn.execute(
                    &Query::delete()
                        .from_table(Alias::new(&header.table))
                        .to_owned(),
                )
                .await
                .with_context(|| format!("cannot clear the seeded rows of {}", header.table))?;
                batch = Batch {
                    table: Some(header.table),
                    columns: header.columns,
                    kinds,
                    rows: Vec::new(),
                };
            }
            Line::Row(values) => {
                if batch.push(values)? {
                    total += batch.flush(txn).await?;
                }
            }
        }
    }
    total += batch.flush(txn).await?;
    Ok(total)
}

/// The rows of one table waiting to be inserted together.
#[derive(Default)]
struct Batch {
    /// `None` while skipping a table.
    table: Option<String>,
    columns: Vec<String>,
    kinds: Vec<ColumnKind>,
    rows: Vec<Vec<Json>>,
}

impl Batch {
    fn skipping() -> Self {
        Self::default()
    }

    /// Adds a row; true when the batch is full.
    fn push(&mut self, row: Vec<Json>) -> anyhow::Result<bool> {
        if self.table.is_none() {
            return Ok(false);
        }
        self.rows.push(row);
        Ok(self.rows.len() * self.columns.len().max(1) >= PARAMS_PER_INSERT)
    }

    async fn flush(&mut self, txn: &DatabaseTransaction) -> anyhow::Result<u64> {
        let Some(table) = &self.table else {
            return Ok(0);
        };
        if self.rows.is_empty() {
            return Ok(0);
        }
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(table.as_str()))
            .columns(self.columns.iter().map(|c| Alias::new(c.as_str())));
        for row in &self.rows {
            let values = row
                .iter()
                .zip(&self.kinds)
                .zip(&self.columns)
                .map(|((value, kind), column)| {
                    to_db_value(value, *kind)
                        .map(Expr::val)
                        .with_context(|| format!("{table}.{column}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            insert.values(values)?;
        }
        txn.execute(&insert)
            .await
            .with_context(|| format!("cannot insert the rows of {table}"))?;
        let n = self.rows.len() as u64;
        self.rows.clear();
        Ok(n)
    }
}

/// Proves the restore: every table holds the manifest's row count, the ledger is
/// consistent, and its totals per kind are the manifest's.
async fn verify(
    db: &DatabaseConnection,
    manifest: &Manifest,
    migration_tables: &BTreeSet<String>,
    rows: u64,
) -> anyhow::Result<RestoreReport> {
    for table in manifest
        .tables
        .iter()
        .filter(|t| !migration_tables.contains(&t.name))
    {
        let count = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from(Alias::new(table.name.as_str()))
            .to_owned();
        let found: i64 = db
            .query_one(&count)
            .await?
            .context("COUNT(*) returned nothing")?
            .try_get_by_index(0)?;
        if u64::try_from(found).ok() != Some(table.rows) {
            bail!(
                "after the restore {} has {found} rows; the backup had {}",
                table.name,
                table.rows
            );
        }
    }
    let report = pupero_transactions::ledger::verify(db).await?;
    if !report.is_consistent() {
        bail!(
            "the restored ledger is NOT consistent: {}",
            serde_json::to_string(&report)?
        );
    }
    let totals: BTreeMap<String, i128> = pupero_transactions::ledger::totals_by_kind(db)
        .await?
        .into_iter()
        .map(|(k, v)| (k.as_str().to_owned(), v))
        .collect();
    let wanted = manifest.totals()?;
    if totals != wanted {
        bail!("the restored ledger totals {totals:?} differ from the manifest's {wanted:?}");
    }
    Ok(RestoreReport {
        tables: manifest.tables.len(),
        rows,
        ledger_accounts: report.accounts,
        ledger_entries: report.entries,
        ledger_totals: totals
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect(),
    })
}
