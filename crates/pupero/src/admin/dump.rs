//! The portable data file of a backup (`data.jsonl`): for each table, one header line
//! `{"table": NAME, "columns": [..]}` and then one JSON array per row, values as JSON
//! numbers, booleans, strings (binary columns as base64) or null. Plain text on purpose: it restores into any of the
//! three databases, a person can read it, and its SHA-256 in the manifest catches any
//! change to it.

use std::io::{BufRead, Write};

use anyhow::{Context, bail};
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use super::catalog::ColumnKind;

pub const DATA_FILE: &str = "data.jsonl";

#[derive(Debug, Serialize, Deserialize)]
pub struct TableHeader {
    pub table: String,
    pub columns: Vec<String>,
}

/// Writes the data file, hashing every byte it writes.
pub struct DumpWriter<W: Write> {
    out: W,
    hash: Sha256,
}

impl<W: Write> DumpWriter<W> {
    pub fn new(out: W) -> Self {
        Self {
            out,
            hash: Sha256::new(),
        }
    }

    pub fn table(&mut self, header: &TableHeader) -> anyhow::Result<()> {
        self.line(&serde_json::to_vec(header)?)
    }

    pub fn row(&mut self, values: &[Json]) -> anyhow::Result<()> {
        self.line(&serde_json::to_vec(values)?)
    }

    fn line(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.out.write_all(bytes)?;
        self.out.write_all(b"\n")?;
        self.hash.update(bytes);
        self.hash.update(b"\n");
        Ok(())
    }

    /// Flushes the file and returns its SHA-256 (hex).
    pub fn finish(mut self) -> anyhow::Result<String> {
        self.out.flush()?;
        Ok(hex(&self.hash.finalize()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One line of the data file, read back.
pub enum Line {
    Table(TableHeader),
    Row(Vec<Json>),
}

/// Reads the data file line by line, hashing it as it goes.
pub struct DumpReader<R: BufRead> {
    input: R,
    hash: Sha256,
    line_no: usize,
    buf: String,
}

impl<R: BufRead> DumpReader<R> {
    pub fn new(input: R) -> Self {
        Self {
            input,
            hash: Sha256::new(),
            line_no: 0,
            buf: String::new(),
        }
    }

    pub fn next_line(&mut self) -> anyhow::Result<Option<Line>> {
        self.buf.clear();
        let n = self
            .input
            .read_line(&mut self.buf)
            .context("cannot read the data file")?;
        if n == 0 {
            return Ok(None);
        }
        self.line_no += 1;
        self.hash.update(self.buf.as_bytes());
        let text = self.buf.trim_end_matches('\n');
        let line = if text.starts_with('{') {
            Line::Table(serde_json::from_str(text).with_context(|| {
                format!("data file line {} is not a table header", self.line_no)
            })?)
        } else {
            Line::Row(
                serde_json::from_str(text)
                    .with_context(|| format!("data file line {} is not a row", self.line_no))?,
            )
        };
        Ok(Some(line))
    }

    pub fn line_no(&self) -> usize {
        self.line_no
    }

    /// The SHA-256 (hex) of everything read so far.
    pub fn finish(self) -> String {
        hex(&self.hash.finalize())
    }
}

/// Reads one column of a backed-up row as JSON.
pub fn read_value(
    row: &sea_orm::QueryResult,
    column: &str,
    kind: ColumnKind,
) -> anyhow::Result<Json> {
    let value = match kind {
        ColumnKind::Integer => {
            // PostgreSQL keeps INTEGER (int4) and BIGINT apart; the others read either as i64.
            match row.try_get::<Option<i64>>("", column) {
                Ok(v) => v.map(Json::from),
                Err(_) => row
                    .try_get::<Option<i32>>("", column)
                    .with_context(|| format!("column {column} is not an integer"))?
                    .map(Json::from),
            }
        }
        ColumnKind::Boolean => match row.try_get::<Option<bool>>("", column) {
            Ok(v) => v.map(Json::from),
            Err(_) => row
                .try_get::<Option<i64>>("", column)
                .with_context(|| format!("column {column} is not a boolean"))?
                .map(|n| Json::from(n != 0)),
        },
        ColumnKind::Text => row
            .try_get::<Option<String>>("", column)
            .with_context(|| format!("column {column} is not text"))?
            .map(Json::from),
        ColumnKind::Bytes => row
            .try_get::<Option<Vec<u8>>>("", column)
            .with_context(|| format!("column {column} is not binary"))?
            .map(|b| Json::from(base64::engine::general_purpose::STANDARD.encode(b))),
    };
    Ok(value.unwrap_or(Json::Null))
}

/// A backed-up value as what the restored column takes. Booleans and 0/1 convert both
/// ways, so a backup of a database that stores booleans as integers restores into one
/// that has a boolean type.
pub fn to_db_value(value: &Json, kind: ColumnKind) -> anyhow::Result<sea_orm::Value> {
    use sea_orm::Value as V;
    Ok(match (kind, value) {
        (ColumnKind::Integer, Json::Null) => V::BigInt(None),
        (ColumnKind::Boolean, Json::Null) => V::Bool(None),
        (ColumnKind::Text, Json::Null) => V::String(None),
        (ColumnKind::Bytes, Json::Null) => V::Bytes(None),
        (ColumnKind::Bytes, Json::String(s)) => V::Bytes(Some(
            base64::engine::general_purpose::STANDARD
                .decode(s)
                .context("binary data that is not base64")?,
        )),
        (ColumnKind::Integer, Json::Number(n)) => V::BigInt(Some(
            n.as_i64()
                .with_context(|| format!("{n} is not a 64-bit integer"))?,
        )),
        (ColumnKind::Integer, Json::Bool(b)) => V::BigInt(Some(i64::from(*b))),
        (ColumnKind::Boolean, Json::Bool(b)) => V::Bool(Some(*b)),
        (ColumnKind::Boolean, Json::Number(n)) if n.as_i64().is_some_and(|n| n == 0 || n == 1) => {
            V::Bool(Some(n.as_i64() == Some(1)))
        }
        (ColumnKind::Text, Json::String(s)) => V::String(Some(s.clone())),
        (kind, other) => bail!("{other} cannot go into a {kind:?} column"),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn what_is_written_reads_back_with_the_same_hash() {
        let mut bytes = Vec::new();
        let mut writer = DumpWriter::new(&mut bytes);
        writer
            .table(&TableHeader {
                table: "t".into(),
                columns: vec!["id".into(), "name".into()],
            })
            .unwrap();
        writer.row(&[json!(1), json!("line\nbreak")]).unwrap();
        writer.row(&[json!(2), Json::Null]).unwrap();
        let written = writer.finish().unwrap();

        let mut reader = DumpReader::new(bytes.as_slice());
        let mut rows = 0;
        while let Some(line) = reader.next_line().unwrap() {
            if let Line::Row(r) = line {
                assert_eq!(r.len(), 2);
                rows += 1;
            }
        }
        assert_eq!(rows, 2);
        assert_eq!(reader.finish(), written);
    }

    #[test]
    fn values_convert_to_the_target_column_or_are_refused() {
        use sea_orm::Value as V;
        assert_eq!(
            to_db_value(&json!(1), ColumnKind::Boolean).unwrap(),
            V::Bool(Some(true))
        );
        assert_eq!(
            to_db_value(&json!(false), ColumnKind::Integer).unwrap(),
            V::BigInt(Some(0))
        );
        assert_eq!(
            to_db_value(&Json::Null, ColumnKind::Text).unwrap(),
            V::String(None)
        );
        assert!(to_db_value(&json!(2), ColumnKind::Boolean).is_err());
        assert!(to_db_value(&json!("7"), ColumnKind::Integer).is_err());
        assert!(to_db_value(&json!(1.5), ColumnKind::Integer).is_err());
        assert!(to_db_value(&json!(3), ColumnKind::Text).is_err());
        assert_eq!(
            to_db_value(&json!("AAH/"), ColumnKind::Bytes).unwrap(),
            sea_orm::Value::Bytes(Some(vec![0, 1, 255]))
        );
        assert!(to_db_value(&json!("not base64!"), ColumnKind::Bytes).is_err());
    }
}
