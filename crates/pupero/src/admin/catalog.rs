//! What a database holds, read from its own catalog: tables, their columns and the foreign
//! keys between them. The backup reads every table through this, so a table a later
//! migration adds is backed up without anyone listing it here. The catalog queries differ
//! per backend; everything else in backup and restore is one code path.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};

/// How a column's values are read and written. The schema uses only these (see
/// pupero-db: timestamps are BIGINT epoch milliseconds; files are BLOB/LONGBLOB/bytea);
/// any other type stops the backup with its name, instead of being copied wrongly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Integer,
    Boolean,
    Text,
    /// Binary data (dispute evidence files), written to a backup as base64.
    Bytes,
}

impl ColumnKind {
    /// From the declared type as the catalog spells it (`bigint`, `int4`, `tinyint`,
    /// `boolean`, `varchar(255)`, `character varying`, `text`, …).
    fn from_declared(declared: &str) -> Option<Self> {
        let lower = declared.to_ascii_lowercase();
        // `varchar(255)`, `int(11) unsigned`: the base name decides.
        let base = lower.split(['(', ' ']).next().unwrap_or_default().trim();
        match base {
            "bool" | "boolean" => Some(Self::Boolean),
            "bigint" | "int" | "integer" | "smallint" | "tinyint" | "mediumint" | "int2"
            | "int4" | "int8" => Some(Self::Integer),
            "varchar" | "char" | "text" | "tinytext" | "mediumtext" | "longtext" | "clob" => {
                Some(Self::Text)
            }
            "character" if lower.starts_with("character varying") || lower == "character" => {
                Some(Self::Text)
            }
            "blob" | "tinyblob" | "mediumblob" | "longblob" | "bytea" | "binary" | "varbinary" => {
                Some(Self::Bytes)
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
}

/// Every table of the database, in an order where a table comes after every table it
/// refers to (so rows can be inserted in that order with foreign keys on).
pub async fn tables_in_dependency_order(db: &impl ConnectionTrait) -> anyhow::Result<Vec<String>> {
    let tables = table_names(db).await?;
    let mut refers_to: BTreeMap<String, BTreeSet<String>> = tables
        .iter()
        .map(|t| (t.clone(), BTreeSet::new()))
        .collect();
    for (from, to) in foreign_keys(db, &tables).await? {
        // A table referring to itself needs nothing before it.
        if from != to
            && let Some(set) = refers_to.get_mut(&from)
        {
            set.insert(to);
        }
    }
    let mut ordered = Vec::with_capacity(tables.len());
    let mut placed = BTreeSet::new();
    while ordered.len() < tables.len() {
        let ready: Vec<String> = refers_to
            .iter()
            .filter(|(t, deps)| {
                !placed.contains(*t)
                    && deps
                        .iter()
                        .all(|d| placed.contains(d) || !refers_to.contains_key(d))
            })
            .map(|(t, _)| t.clone())
            .collect();
        if ready.is_empty() {
            bail!("the tables' foreign keys form a cycle; cannot order them for a restore");
        }
        for t in ready {
            placed.insert(t.clone());
            ordered.push(t);
        }
    }
    Ok(ordered)
}

/// The names of every table (none of the backend's own).
pub async fn table_names(db: &impl ConnectionTrait) -> anyhow::Result<Vec<String>> {
    let sql = match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        DatabaseBackend::MySql => {
            "SELECT CAST(TABLE_NAME AS CHAR) AS name FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME"
        }
        DatabaseBackend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
        other => bail!("unsupported database backend {other:?}"),
    };
    strings(db, sql, vec![], "name").await
}

/// The columns of `table`, in their declared order.
pub async fn columns(db: &impl ConnectionTrait, table: &str) -> anyhow::Result<Vec<Column>> {
    let backend = db.get_database_backend();
    let (sql, name_col, type_col) = match backend {
        DatabaseBackend::Sqlite => (
            "SELECT name, type FROM pragma_table_info(?) ORDER BY cid",
            "name",
            "type",
        ),
        DatabaseBackend::MySql => (
            "SELECT CAST(COLUMN_NAME AS CHAR) AS name, CAST(COLUMN_TYPE AS CHAR) AS type \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? \
             ORDER BY ORDINAL_POSITION",
            "name",
            "type",
        ),
        DatabaseBackend::Postgres => (
            "SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            "name",
            "type",
        ),
        other => bail!("unsupported database backend {other:?}"),
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [Value::from(table.to_owned())],
        ))
        .await
        .with_context(|| format!("cannot read the columns of {table}"))?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let name: String = row.try_get("", name_col)?;
        let declared: String = row.try_get("", type_col)?;
        let kind = ColumnKind::from_declared(&declared).with_context(|| {
            format!(
                "column {table}.{name} has type {declared}, which backup does not know how to copy"
            )
        })?;
        out.push(Column { name, kind });
    }
    if out.is_empty() {
        bail!("table {table} has no columns (or does not exist)");
    }
    Ok(out)
}

/// (table, table it refers to) for every foreign key among `tables`.
async fn foreign_keys(
    db: &impl ConnectionTrait,
    tables: &[String],
) -> anyhow::Result<Vec<(String, String)>> {
    let backend = db.get_database_backend();
    let mut out = Vec::new();
    match backend {
        DatabaseBackend::Sqlite => {
            for table in tables {
                let referred = strings(
                    db,
                    "SELECT \"table\" AS referred FROM pragma_foreign_key_list(?)",
                    vec![Value::from(table.clone())],
                    "referred",
                )
                .await?;
                out.extend(referred.into_iter().map(|r| (table.clone(), r)));
            }
        }
        DatabaseBackend::MySql | DatabaseBackend::Postgres => {
            let sql = if backend == DatabaseBackend::MySql {
                "SELECT CAST(TABLE_NAME AS CHAR) AS t, CAST(REFERENCED_TABLE_NAME AS CHAR) AS r \
                 FROM information_schema.KEY_COLUMN_USAGE \
                 WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL"
            } else {
                "SELECT cl.relname::text AS t, cf.relname::text AS r FROM pg_constraint c \
                 JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_class cf ON cf.oid = c.confrelid \
                 JOIN pg_namespace n ON n.oid = cl.relnamespace \
                 WHERE c.contype = 'f' AND n.nspname = current_schema()"
            };
            let rows = db
                .query_all_raw(Statement::from_string(backend, sql))
                .await
                .context("cannot read the foreign keys")?;
            for row in rows {
                out.push((row.try_get("", "t")?, row.try_get("", "r")?));
            }
        }
        other => bail!("unsupported database backend {other:?}"),
    }
    Ok(out)
}

/// PostgreSQL's sequences behind `id`-like columns do not move when rows arrive with their
/// ids, so after a restore the next insert would collide; this sets each past the largest
/// id. (MariaDB's AUTO_INCREMENT and SQLite's rowid follow inserted ids by themselves.)
pub async fn advance_sequences(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let rows = db
        .query_all_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = current_schema() \
             AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')",
        ))
        .await
        .context("cannot list the sequences")?;
    for row in rows {
        let table: String = row.try_get("", "t")?;
        let column: String = row.try_get("", "c")?;
        let quoted_table = format!("\"{}\"", table.replace('"', "\"\""));
        let quoted_column = format!("\"{}\"", column.replace('"', "\"\""));
        db.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            format!(
                "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX({quoted_column}), 0) + 1, false) \
                 FROM {quoted_table}"
            ),
            [Value::from(quoted_table.clone()), Value::from(column.clone())],
        ))
        .await
        .with_context(|| format!("cannot advance the sequence of {table}.{column}"))?;
    }
    Ok(())
}

async fn strings(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
    column: &str,
) -> anyhow::Result<Vec<String>> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await
        .with_context(|| format!("cannot read the database's catalog ({sql})"))?;
    rows.into_iter()
        .map(|r| r.try_get::<String>("", column).map_err(Into::into))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ColumnKind;

    #[test]
    fn declared_types_map_to_the_four_kinds_and_nothing_else() {
        for (declared, kind) in [
            ("bigint", Some(ColumnKind::Integer)),
            ("BIGINT", Some(ColumnKind::Integer)),
            ("int(11)", Some(ColumnKind::Integer)),
            ("tinyint(1)", Some(ColumnKind::Integer)),
            ("integer", Some(ColumnKind::Integer)),
            ("boolean", Some(ColumnKind::Boolean)),
            ("varchar(255)", Some(ColumnKind::Text)),
            ("character varying", Some(ColumnKind::Text)),
            ("text", Some(ColumnKind::Text)),
            ("character", Some(ColumnKind::Text)),
            ("BLOB", Some(ColumnKind::Bytes)),
            ("longblob", Some(ColumnKind::Bytes)),
            ("bytea", Some(ColumnKind::Bytes)),
            ("point", None),
            ("interval", None),
            ("double precision", None),
            ("timestamp with time zone", None),
        ] {
            assert_eq!(ColumnKind::from_declared(declared), kind, "{declared}");
        }
    }
}
