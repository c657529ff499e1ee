//! The invariants checked once the run has settled: each a name, whether it holds, and
//! what was found.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context;
use sea_orm::{ConnectionTrait, DatabaseConnection, QueryResult, Statement};

use pupero_wallet::rpc::WalletRpc;

use super::load::Records;

pub struct Check {
    pub name: &'static str,
    pub problems: Vec<String>,
    pub summary: String,
}

impl Check {
    pub fn holds(&self) -> bool {
        self.problems.is_empty()
    }
}

async fn rows(db: &DatabaseConnection, sql: &str) -> anyhow::Result<Vec<QueryResult>> {
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .with_context(|| format!("query failed: {sql}"))
}

/// Journal entries per (reference, kind) for references starting with `prefix`.
async fn entries(
    db: &DatabaseConnection,
    prefix: &str,
) -> anyhow::Result<BTreeMap<(String, String), i64>> {
    let sql = format!(
        "SELECT reference, kind, COUNT(*) AS n FROM journal_entries \
         WHERE reference LIKE '{prefix}%' GROUP BY reference, kind"
    );
    let mut out = BTreeMap::new();
    for row in rows(db, &sql).await? {
        out.insert(
            (
                row.try_get::<String>("", "reference")?,
                row.try_get::<String>("", "kind")?,
            ),
            row.try_get::<i64>("", "n")?,
        );
    }
    Ok(out)
}

fn count(map: &BTreeMap<(String, String), i64>, reference: &str, kind: &str) -> i64 {
    map.get(&(reference.to_owned(), kind.to_owned()))
        .copied()
        .unwrap_or(0)
}

/// The statuses withdrawals are still moving in.
pub const MOVING: [&str; 3] = ["queued", "signing", "signed"];

/// Every accepted withdrawal paid exactly once: its ledger row, its journal entries, one
/// send, one payment at its destination of its amount, and no outgoing transaction of the
/// hot wallet the ledger does not know.
pub async fn withdrawals(
    db: &DatabaseConnection,
    records: &Records,
    hot: &WalletRpc,
    faucet: &WalletRpc,
) -> anyhow::Result<Check> {
    let mut problems = Vec::new();
    let mut ledger = BTreeMap::new();
    for row in rows(
        db,
        "SELECT id, user_id, amount, status, tx_hashes FROM withdrawals",
    )
    .await?
    {
        ledger.insert(
            (
                row.try_get::<i64>("", "user_id")?,
                row.try_get::<i64>("", "amount")?,
            ),
            (
                row.try_get::<i64>("", "id")?,
                row.try_get::<String>("", "status")?,
                row.try_get::<String>("", "tx_hashes")?,
            ),
        );
    }
    let journal = entries(db, "withdrawal:").await?;
    let mut sends: BTreeMap<i64, i64> = BTreeMap::new();
    for row in rows(
        db,
        "SELECT withdrawal_id, COUNT(*) AS n FROM withdrawal_sends GROUP BY withdrawal_id",
    )
    .await?
    {
        sends.insert(row.try_get("", "withdrawal_id")?, row.try_get("", "n")?);
    }
    faucet
        .refresh()
        .await
        .context("refreshing the faucet wallet")?;
    let received = faucet.incoming(None).await?;
    // Payments per faucet subaddress: txid → amount.
    let mut paid: BTreeMap<u32, BTreeMap<String, u64>> = BTreeMap::new();
    for t in received.incoming.iter().chain(received.pool.iter()) {
        if t.subaddr_index.major == 0 && t.subaddr_index.minor > 0 {
            *paid
                .entry(t.subaddr_index.minor)
                .or_default()
                .entry(t.txid.clone())
                .or_default() += t.amount;
        }
    }
    let mut ledger_txids = BTreeSet::new();
    let (mut sent, mut refused) = (0, 0);
    for asked in &records.withdrawals {
        let what = format!(
            "withdrawal of {} piconero by user {}",
            asked.amount, asked.user_id
        );
        let Some((id, status, hashes)) = ledger.get(&(asked.user_id, asked.amount)) else {
            if let Some(id) = asked.accepted {
                problems.push(format!("{what}: accepted as {id} but not in the ledger"));
            }
            continue;
        };
        if asked.accepted.is_some_and(|a| a != *id) {
            problems.push(format!(
                "{what}: accepted as {:?}, stored as {id}",
                asked.accepted
            ));
        }
        let reference = format!("withdrawal:{id}");
        let left = matches!(status.as_str(), "relayed" | "confirmed");
        let expect = |kind: &str| match kind {
            "withdrawal_request" => 1,
            "withdrawal" => i64::from(left),
            "withdrawal_refund" => i64::from(status == "failed"),
            "withdrawal_cancel" => i64::from(status == "cancelled"),
            _ => 0,
        };
        for kind in [
            "withdrawal_request",
            "withdrawal",
            "withdrawal_refund",
            "withdrawal_cancel",
        ] {
            let n = count(&journal, &reference, kind);
            if n != expect(kind) {
                problems.push(format!(
                    "withdrawal {id} ({status}): {n} `{kind}` entries, expected {}",
                    expect(kind)
                ));
            }
        }
        if MOVING.contains(&status.as_str()) {
            problems.push(format!("withdrawal {id} still {status} after settling"));
        }
        let n_sends = sends.get(id).copied().unwrap_or(0);
        if n_sends > 1 {
            problems.push(format!("withdrawal {id}: {n_sends} sends built"));
        }
        let payments = paid.get(&asked.address_index).cloned().unwrap_or_default();
        let total: u64 = payments.values().sum();
        if left {
            sent += 1;
            ledger_txids.extend(
                hashes
                    .split(',')
                    .filter(|h| !h.is_empty())
                    .map(str::to_owned),
            );
            if payments.len() != 1 || i64::try_from(total).ok() != Some(asked.amount) {
                problems.push(format!(
                    "withdrawal {id}: its destination received {} payment(s) totalling {total}, expected one of {}",
                    payments.len(),
                    asked.amount
                ));
            }
        } else {
            refused += 1;
            if !payments.is_empty() {
                problems.push(format!(
                    "withdrawal {id} ({status}) was paid anyway: {payments:?}"
                ));
            }
        }
    }
    // The hot wallet's outgoing transactions: each one the ledger knows (a withdrawal's
    // or a float refill's), none twice.
    for row in rows(db, "SELECT tx_hashes FROM send_batches").await? {
        let hashes: String = row.try_get("", "tx_hashes")?;
        ledger_txids.extend(
            hashes
                .split(',')
                .filter(|h| !h.is_empty())
                .map(str::to_owned),
        );
    }
    hot.refresh().await.context("refreshing the hot wallet")?;
    let out = hot.outgoing().await?;
    let mut out_txids = BTreeSet::new();
    for t in out.out.iter().chain(out.pending.iter()) {
        if !out_txids.insert(t.txid.clone()) {
            problems.push(format!("the hot wallet lists transaction {} twice", t.txid));
        }
        if !ledger_txids.contains(&t.txid) {
            problems.push(format!(
                "the hot wallet sent {} ({} piconero), which no withdrawal or refill records",
                t.txid, t.amount
            ));
        }
    }
    Ok(Check {
        name: "every accepted withdrawal paid exactly once",
        summary: format!(
            "{} asked, {sent} paid (one payment each at its own address), {refused} refused or cancelled, {} outgoing transactions",
            records.withdrawals.len(),
            out_txids.len()
        ),
        problems,
    })
}

/// Every deposit credited once, to its owner, with its amount.
pub async fn deposits(db: &DatabaseConnection, records: &Records) -> anyhow::Result<Check> {
    let mut problems = Vec::new();
    let mut credits: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    for row in rows(db, "SELECT txid, user_id, amount FROM deposit_credits").await? {
        credits
            .entry(row.try_get("", "txid")?)
            .or_default()
            .push((row.try_get("", "user_id")?, row.try_get("", "amount")?));
    }
    for d in &records.deposits {
        match credits.get(&d.txid).map(Vec::as_slice) {
            Some([(user, amount)]) if *user == d.user_id && *amount == d.amount => {}
            found => problems.push(format!(
                "deposit {} of {} to user {}: credited as {found:?}",
                d.txid, d.amount, d.user_id
            )),
        }
    }
    let credited: usize = credits.values().map(Vec::len).sum();
    let journal = rows(
        db,
        "SELECT COUNT(*) AS n FROM journal_entries WHERE kind = 'deposit'",
    )
    .await?;
    let entries: i64 = journal
        .first()
        .map(|r| r.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    if i64::try_from(credited).ok() != Some(entries) {
        problems.push(format!(
            "{credited} deposit credits but {entries} deposit journal entries"
        ));
    }
    Ok(Check {
        name: "every deposit credited once",
        summary: format!(
            "{} sent, {credited} credits, {entries} journal entries",
            records.deposits.len()
        ),
        problems,
    })
}

/// No trade stepped twice: one opening entry each, and one closing entry for each
/// completed or cancelled trade (none for one still open).
pub async fn trades(db: &DatabaseConnection, records: &Records) -> anyhow::Result<Check> {
    let mut problems = Vec::new();
    let journal = entries(db, "trade:").await?;
    let mut states = BTreeMap::new();
    for row in rows(db, "SELECT id, state FROM trades").await? {
        states.insert(
            row.try_get::<i64>("", "id")?,
            row.try_get::<String>("", "state")?,
        );
    }
    let mut by_state: BTreeMap<String, usize> = BTreeMap::new();
    for (id, state) in &states {
        *by_state.entry(state.clone()).or_default() += 1;
        let reference = format!("trade:{id}");
        let opened = count(&journal, &reference, "trade_open");
        let closed: i64 = ["trade_release", "trade_refund", "trade_split"]
            .iter()
            .map(|k| count(&journal, &reference, k))
            .sum();
        let closes = i64::from(matches!(state.as_str(), "completed" | "cancelled"));
        if opened != 1 || closed != closes {
            problems.push(format!(
                "trade {id} ({state}): {opened} opening and {closed} closing entries, expected 1 and {closes}"
            ));
        }
    }
    for id in &records.trades {
        if !states.contains_key(id) {
            problems.push(format!("trade {id} was opened but is not stored"));
        }
    }
    Ok(Check {
        name: "no trade stepped twice",
        summary: format!("{} trades: {by_state:?}", states.len()),
        problems,
    })
}

/// `admin ledger-verify`'s check.
pub async fn ledger(db: &DatabaseConnection) -> anyhow::Result<Check> {
    let report = pupero_transactions::ledger::verify(db).await?;
    Ok(Check {
        name: "ledger-verify clean",
        summary: format!(
            "{} accounts, {} entries, {} postings",
            report.accounts, report.entries, report.postings
        ),
        problems: if report.is_consistent() {
            Vec::new()
        } else {
            vec![format!("{report:?}")]
        },
    })
}

/// `admin solvency`'s check.
pub async fn solvency(db: &DatabaseConnection, hot: &WalletRpc) -> anyhow::Result<Check> {
    let (held, owed) = crate::admin::solvency_figures(db, hot).await?;
    let summary = format!(
        "wallet {} XMR, owed {} XMR, margin {} XMR",
        pupero_core::format_signed_xmr(held),
        pupero_core::format_signed_xmr(owed),
        pupero_core::format_signed_xmr(held - owed)
    );
    Ok(Check {
        name: "solvency holds",
        problems: if held >= owed {
            Vec::new()
        } else {
            vec![summary.clone()]
        },
        summary,
    })
}
