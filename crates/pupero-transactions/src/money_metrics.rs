//! What an operator holding other people's XMR watches: what users are owed, trades by
//! state, the withdrawal queue, open disputes, and whether the ledger still adds up.
//!
//! Gauges are recomputed on a timer (`METRICS_INTERVAL_SECONDS`), never per scrape, so a
//! scraper (or someone hammering `/metrics`) costs the database nothing. The ledger check
//! reads every posting, so it runs on its own, slower timer
//! (`LEDGER_VERIFY_INTERVAL_SECONDS`). Both run on one replica at a time (worker leases
//! `money_metrics`, `ledger_verify`): they only read, so the lease saves the database the
//! others' work; dashboards take `max` over replicas.

use std::collections::BTreeMap;
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use pupero_core::{TradeState, WithdrawalStatus};
use pupero_http::MetricSet;

use crate::TransactionsState;
use crate::store::{ledger as ledger_store, metrics as store};
use crate::vocabulary::AccountKind;

pub const TRADES: &str = "pupero_trades";
pub const LIABILITIES: &str = "pupero_user_liabilities_piconero";
pub const WITHDRAWALS_PENDING: &str = "pupero_withdrawals_pending";
pub const WITHDRAWAL_OLDEST_AGE: &str = "pupero_withdrawal_oldest_pending_age_seconds";
pub const DISPUTES_OPEN: &str = "pupero_disputes_open";
pub const DISPUTE_OLDEST_AGE: &str = "pupero_dispute_oldest_open_age_seconds";
pub const REFRESHED_AT: &str = "pupero_business_metrics_refreshed_timestamp_seconds";
pub const VERIFY_LAST_RUN: &str = "pupero_ledger_verify_last_run_timestamp_seconds";
pub const VERIFY_CONSISTENT: &str = "pupero_ledger_verify_consistent";
pub const VERIFY_PROBLEMS: &str = "pupero_ledger_verify_problems";
pub const VERIFY_ERRORS: &str = "pupero_ledger_verify_errors_total";

/// What the `money_metrics` job publishes (dropped on a replica that does not hold it).
const BUSINESS_GAUGES: [&str; 7] = [
    TRADES,
    LIABILITIES,
    WITHDRAWALS_PENDING,
    WITHDRAWAL_OLDEST_AGE,
    DISPUTES_OPEN,
    DISPUTE_OLDEST_AGE,
    REFRESHED_AT,
];

/// What the `ledger_verify` job publishes.
const VERIFY_GAUGES: [&str; 3] = [VERIFY_LAST_RUN, VERIFY_CONSISTENT, VERIFY_PROBLEMS];

/// Withdrawals that have not left yet: the queue a stuck worker makes grow.
pub const PENDING: [WithdrawalStatus; 3] = [
    WithdrawalStatus::Queued,
    WithdrawalStatus::Signing,
    WithdrawalStatus::Signed,
];

const USER_ACCOUNTS: [AccountKind; 3] = [
    AccountKind::Available,
    AccountKind::Escrow,
    AccountKind::Withdrawing,
];

/// Recomputes every gauge every `interval`, starting at once.
pub fn spawn_money_metrics(
    state: TransactionsState,
    interval: Duration,
    shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let lease = state.leases.keep("money_metrics", shutdown.clone());
    let published = (state.metrics.clone(), &BUSINESS_GAUGES[..]);
    pupero_http::lease::every_leased(lease, interval, shutdown, published, move |_fence| {
        let state = state.clone();
        async move {
            if let Err(e) = refresh(&state.db, &state.metrics).await {
                tracing::warn!(error = %e, "business metrics not refreshed; will retry");
            }
        }
    })
}

/// Runs `ledger::verify` every `interval`, starting at once, and publishes its outcome.
pub fn spawn_ledger_verifier(
    state: TransactionsState,
    interval: Duration,
    shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    state.metrics.declare_counter(
        VERIFY_ERRORS,
        "Ledger verification runs that could not finish (database unavailable)",
        &[],
    );
    let lease = state.leases.keep("ledger_verify", shutdown.clone());
    let published = (state.metrics.clone(), &VERIFY_GAUGES[..]);
    pupero_http::lease::every_leased(lease, interval, shutdown, published, move |_fence| {
        let state = state.clone();
        async move { verify_ledger(&state.db, &state.metrics).await }
    })
}

/// One pass: reads the numbers, then publishes them all (a failed read publishes none, so
/// the gauges never mix two moments).
pub async fn refresh(db: &DatabaseConnection, metrics: &MetricSet) -> Result<(), DbErr> {
    let now_ms = pupero_db::now_ms();
    let mut trades = Vec::new();
    for state in TradeState::ALL {
        trades.push((*state, store::count_trades(db, *state).await?));
    }
    let owed = liabilities_by_kind(db).await?;
    let mut pending = Vec::new();
    for status in PENDING {
        pending.push((status, store::count_withdrawals(db, status).await?));
    }
    let oldest_withdrawal = store::oldest_withdrawal_ms(db, &PENDING).await?;
    let oldest_dispute = store::oldest_dispute_ms(db).await?;

    for (state, n) in &trades {
        metrics.set(TRADES, "Trades by state", &[("state", state.as_str())], *n);
    }
    for kind in USER_ACCOUNTS {
        let total = owed.get(&kind).copied().unwrap_or(0);
        metrics.set(
            LIABILITIES,
            "What users are owed, by account (available + escrow + withdrawing is the platform's debt; escrow is the escrow total)",
            &[("account", kind.as_str())],
            total,
        );
    }
    for (status, n) in pending {
        metrics.set(
            WITHDRAWALS_PENDING,
            "Withdrawals requested and not yet relayed, by status",
            &[("status", status.as_str())],
            n,
        );
    }
    metrics.set(
        WITHDRAWAL_OLDEST_AGE,
        "Age of the oldest withdrawal not yet relayed (0 when none waits)",
        &[],
        age_seconds(now_ms, oldest_withdrawal),
    );
    let disputes = trades
        .iter()
        .find(|(state, _)| *state == TradeState::Disputed)
        .map_or(0, |(_, n)| *n);
    metrics.set(
        DISPUTES_OPEN,
        "Disputes waiting for a moderator",
        &[],
        disputes,
    );
    metrics.set(
        DISPUTE_OLDEST_AGE,
        "Age of the longest-open dispute (0 when none is open)",
        &[],
        age_seconds(now_ms, oldest_dispute),
    );
    metrics.set(
        REFRESHED_AT,
        "When this service last recomputed its business gauges (Unix time)",
        &[],
        now_ms / 1000,
    );
    Ok(())
}

fn age_seconds(now_ms: i64, since_ms: Option<i64>) -> i64 {
    since_ms.map_or(0, |t| (now_ms - t).max(0) / 1000)
}

/// Every user account's balance summed per kind, exactly (i128), in pages.
pub async fn liabilities_by_kind(
    db: &DatabaseConnection,
) -> Result<BTreeMap<AccountKind, i128>, DbErr> {
    const PAGE: u64 = 10_000;
    let mut totals = BTreeMap::new();
    let mut after = 0i64;
    loop {
        let page = ledger_store::user_accounts_after(db, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for account in &page {
            *totals.entry(account.kind).or_insert(0i128) += i128::from(account.balance);
        }
    }
    Ok(totals)
}

/// One verification run, published as its time, its verdict and how many problems it saw.
pub async fn verify_ledger(db: &DatabaseConnection, metrics: &MetricSet) {
    let started = pupero_db::now_ms();
    match crate::ledger::verify(db).await {
        Ok(report) => {
            let problems = report.mismatched_accounts.len()
                + report.unbalanced_entries.len()
                + report.negative_accounts.len()
                + report.unreadable_rows.len()
                + usize::from(report.total != 0);
            if report.is_consistent() {
                tracing::info!(
                    accounts = report.accounts,
                    postings = report.postings,
                    "ledger verified: consistent"
                );
            } else {
                tracing::error!(
                    event = "ledger_inconsistent",
                    mismatched = ?report.mismatched_accounts,
                    unbalanced = ?report.unbalanced_entries,
                    negative = ?report.negative_accounts,
                    unreadable = ?report.unreadable_rows,
                    total = %report.total,
                    "LEDGER INCONSISTENT: run `pupero admin ledger-verify` for the report"
                );
            }
            metrics.set(
                VERIFY_CONSISTENT,
                "1 when the last ledger verification found the ledger consistent, 0 when not",
                &[],
                i64::from(report.is_consistent()),
            );
            metrics.set(
                VERIFY_PROBLEMS,
                "Problems the last ledger verification found (mismatched, unbalanced, negative, unreadable, non-zero total)",
                &[],
                i64::try_from(problems).unwrap_or(i64::MAX),
            );
            metrics.set(
                VERIFY_LAST_RUN,
                "When the last ledger verification finished (Unix time)",
                &[],
                started / 1000,
            );
        }
        Err(e) => {
            tracing::warn!(error = %e, "ledger verification could not run; will retry");
            metrics.increment(
                VERIFY_ERRORS,
                "Ledger verification runs that could not finish (database unavailable)",
                &[],
            );
        }
    }
}
