//! The hot wallet as an operator sees it: what it holds (unlocked and still locked), whether
//! wallet-rpc and the daemon answer and how far the wallet is behind the chain, and how
//! fresh the deposit scan is. Read on a timer (`METRICS_INTERVAL_SECONDS`), never per
//! scrape, so scrapes never reach wallet-rpc, and by one replica at a time (the
//! `wallet_metrics` lease). What users are owed comes from the
//! transactions service; the solvency margin is their difference, a recording rule in
//! `deploy/prometheus/alerts.yaml`.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use pupero_http::MetricSet;

use crate::WalletState;

pub const BALANCE: &str = "pupero_wallet_balance_piconero";
pub const WALLET_UP: &str = "pupero_wallet_rpc_up";
pub const DAEMON_UP: &str = "pupero_daemon_up";
pub const WALLET_HEIGHT: &str = "pupero_wallet_height_blocks";
pub const DAEMON_HEIGHT: &str = "pupero_daemon_height_blocks";
pub const SWEEP_SUCCESS: &str = "pupero_deposit_sweep_last_success_timestamp_seconds";
pub const DETECTION_LAG: &str = "pupero_deposit_detection_lag_seconds";
pub const REFRESHED_AT: &str = "pupero_business_metrics_refreshed_timestamp_seconds";

/// What the `wallet_metrics` job publishes (dropped on a replica that does not hold it).
const WALLET_GAUGES: [&str; 6] = [
    BALANCE,
    WALLET_UP,
    DAEMON_UP,
    WALLET_HEIGHT,
    DAEMON_HEIGHT,
    REFRESHED_AT,
];

/// What the deposit sweep publishes.
pub(crate) const SWEEP_GAUGES: [&str; 2] = [SWEEP_SUCCESS, DETECTION_LAG];

pub fn spawn_wallet_metrics(
    state: WalletState,
    interval: Duration,
    shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let lease = state.leases.keep("wallet_metrics", shutdown.clone());
    let published = (state.metrics.clone(), &WALLET_GAUGES[..]);
    pupero_http::lease::every_leased(lease, interval, shutdown, published, move |_fence| {
        let state = state.clone();
        async move { refresh(&state).await }
    })
}

/// One reading. A part that does not answer shows as down, and its last numbers stay (a
/// balance is not zero because wallet-rpc is restarting).
pub async fn refresh(state: &WalletState) {
    let m = &state.metrics;
    let Some(wallet) = state.wallet_rpc.as_ref() else {
        return;
    };
    let balance = wallet.balance().await;
    let wallet_height = wallet.height().await;
    let daemon_height = state.daemon.height().await;
    m.set(
        WALLET_UP,
        "1 when monero-wallet-rpc answered the last reading, 0 when not",
        &[],
        i64::from(balance.is_ok() && wallet_height.is_ok()),
    );
    m.set(
        DAEMON_UP,
        "1 when monerod answered the last reading, 0 when not",
        &[],
        i64::from(daemon_height.is_ok()),
    );
    if let Ok(b) = balance {
        let help = "The hot wallet's balance (account 0) by state: unlocked can be spent now, locked waits for confirmations";
        m.set(BALANCE, help, &[("state", "unlocked")], b.unlocked_balance);
        m.set(
            BALANCE,
            help,
            &[("state", "locked")],
            b.balance.saturating_sub(b.unlocked_balance),
        );
    }
    if let Ok(h) = wallet_height {
        m.set(WALLET_HEIGHT, "The hot wallet's scanned height", &[], h);
    }
    if let Ok(h) = daemon_height {
        m.set(DAEMON_HEIGHT, "monerod's chain height", &[], h);
    }
    m.set(
        REFRESHED_AT,
        "When this service last recomputed its business gauges (Unix time)",
        &[],
        pupero_db::now_ms() / 1000,
    );
}

/// A deposit sweep finished: deposits are being looked for.
pub fn sweep_succeeded(metrics: &MetricSet) {
    metrics.set(
        SWEEP_SUCCESS,
        "When the deposit sweep last completed a pass (Unix time)",
        &[],
        pupero_db::now_ms() / 1000,
    );
}

/// A deposit was seen for the first time, `lag_seconds` after its block (or pool entry).
pub fn deposit_detected(metrics: &MetricSet, lag_seconds: i64) {
    metrics.set(
        DETECTION_LAG,
        "Seconds between the chain's timestamp of the most recently detected deposit and its detection",
        &[],
        lag_seconds.max(0),
    );
}
