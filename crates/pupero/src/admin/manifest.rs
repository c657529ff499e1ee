//! A backup's `manifest.json`: what was backed up, from which schema, the ledger's totals a
//! restore must reproduce, the wallet's height, and what the operator must copy by hand.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

pub const MANIFEST_FILE: &str = "manifest.json";
/// Names this layout; a restore refuses any other.
pub const FORMAT: &str = "pupero-backup/1";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    /// When the snapshot was taken (RFC 3339, UTC), and the same in epoch milliseconds.
    pub created_at: String,
    pub created_at_ms: i64,
    pub pupero_version: String,
    /// `sqlite`, `mysql` or `postgres`: where it came from (it restores into any of them).
    pub backend: String,
    /// Per service, the migrations the database had applied.
    pub schema: BTreeMap<String, Vec<String>>,
    /// Every table in restore order, with its row count.
    pub tables: Vec<TableSummary>,
    pub data_file: String,
    pub data_sha256: String,
    /// Per ledger account kind, the sum of balances in piconero (a decimal string: the sum
    /// of many 64-bit balances may not fit one, and JSON readers lose digits past 2^53).
    pub ledger_totals: BTreeMap<String, String>,
    /// The hot wallet when one is configured.
    pub wallet: Option<WalletState>,
    /// Files and secrets that are not in the database and must be copied by hand.
    pub operator_must_copy: Vec<CopyItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TableSummary {
    pub name: String,
    pub rows: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WalletState {
    /// The wallet's height just before the snapshot: restoring the wallet from its seed
    /// from this height (or lower) finds every transfer the database knows.
    pub height: Option<u64>,
    pub primary_address: Option<String>,
    /// Why the wallet could not be read, when it could not (the backup still completes).
    pub unreachable: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CopyItem {
    /// A path on this machine, or an environment variable's name (never its value).
    pub what: String,
    pub why: String,
}

impl Manifest {
    /// Reads and checks the manifest of the backup in `dir`.
    pub fn read(dir: &Path) -> anyhow::Result<Self> {
        if !dir.is_dir() {
            bail!("no backup at {}: it is not a directory", dir.display());
        }
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "{} is not a complete backup: cannot read {}",
                dir.display(),
                path.display()
            )
        })?;
        let manifest: Self = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a valid backup manifest", path.display()))?;
        if manifest.format != FORMAT {
            bail!(
                "{} has format {:?}; this pupero restores {FORMAT:?}",
                path.display(),
                manifest.format
            );
        }
        for (kind, total) in &manifest.ledger_totals {
            total.parse::<i128>().with_context(|| {
                format!("{}: ledger total {kind} is not an integer", path.display())
            })?;
        }
        Ok(manifest)
    }

    /// The ledger totals as numbers (checked by [`Manifest::read`]).
    pub fn totals(&self) -> anyhow::Result<BTreeMap<String, i128>> {
        self.ledger_totals
            .iter()
            .map(|(k, v)| Ok((k.clone(), v.parse::<i128>()?)))
            .collect()
    }
}
