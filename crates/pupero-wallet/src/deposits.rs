//! Deposits: a subaddress per user, and the sweeper that credits each (txid, subaddress)
//! exactly once when it has enough confirmations and is unlocked.
//!
//! Exactly once rests on two keys: the wallet records each deposit under a unique
//! (txid, subaddress index), and the ledger refuses a second credit with the same key
//! (`/internal/deposits/credit` is idempotent). A crash between "credited in the ledger"
//! and "marked credited here" only makes the next pass ask again and hear "already".
//! Nothing is ever credited from `balance`, which counts unconfirmed pool transactions.

mod creditable;

use pupero_api::internal::transactions::{CreditRequest, Credited};
use pupero_api::internal::wallet::{WalletAddress, WalletDeposit};
use pupero_core::{DepositStatus, Piconero};
use pupero_http::ApiError;

use crate::entity::{deposit, deposit_address};
use crate::rpc::{RpcError, Transfer};
use crate::{WalletState, store};

use creditable::{Sighting, is_creditable};

fn wallet_unavailable(e: &RpcError) -> ApiError {
    tracing::warn!(error = %e, "wallet RPC call failed");
    ApiError::unavailable("the wallet is unavailable; try again shortly")
}

/// The user's deposit subaddress, created (and saved in the wallet) on first use.
pub async fn address_for(state: &WalletState, user_id: i64) -> Result<WalletAddress, ApiError> {
    if let Some(row) = store::addresses::of_user(&state.db, user_id).await? {
        return Ok(row.into());
    }
    let wallet = state.wallet()?;
    // One creation at a time per process; across replicas the unique user_id decides.
    let _guard = state.address_lock.lock().await;
    if let Some(row) = store::addresses::of_user(&state.db, user_id).await? {
        return Ok(row.into());
    }
    let created = wallet
        .create_address(&format!("user-{user_id}"))
        .await
        .map_err(|e| wallet_unavailable(&e))?;
    let index = i64::from(created.address_index);
    if store::addresses::insert(&state.db, user_id, index, &created.address).await? {
        return Ok(WalletAddress {
            address: created.address,
            address_index: index,
        });
    }
    store::addresses::of_user(&state.db, user_id)
        .await?
        .map(WalletAddress::from)
        .ok_or_else(|| ApiError::internal("address vanished"))
}

impl From<deposit_address::Model> for WalletAddress {
    fn from(row: deposit_address::Model) -> Self {
        Self {
            address: row.address,
            address_index: row.address_index,
        }
    }
}

pub async fn deposits_of(
    state: &WalletState,
    user_id: i64,
) -> Result<Vec<WalletDeposit>, ApiError> {
    let rows = store::deposits::of_user(&state.db, user_id).await?;
    rows.into_iter()
        .map(|d| {
            Ok(WalletDeposit {
                amount: Piconero::new(d.amount).map_err(ApiError::internal)?,
                txid: d.txid,
                confirmations: d.confirmations,
                required_confirmations: state.confirmations,
                status: d.status,
                first_seen_ms: d.first_seen_ms,
                credited_at_ms: d.credited_at_ms,
            })
        })
        .collect()
}

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    pub seen: usize,
    pub credited: usize,
}

/// One pass: refresh the wallet, record what arrived on users' subaddresses, and credit
/// what is confirmed and unlocked.
#[tracing::instrument(skip_all, err(level = "warn"))]
pub async fn sweep(
    state: &WalletState,
    fence: &pupero_db::lease::Fence,
) -> Result<SweepReport, ApiError> {
    let wallet = state.wallet()?;
    wallet.refresh().await.map_err(|e| wallet_unavailable(&e))?;
    let transfers = wallet
        .incoming(None)
        .await
        .map_err(|e| wallet_unavailable(&e))?;
    let owners = store::addresses::owners(&state.db).await?;
    let mut report = SweepReport::default();
    let confirmed = transfers.incoming.iter().map(|t| (t, true));
    let pooled = transfers.pool.iter().map(|t| (t, false));
    for (transfer, in_block) in confirmed.chain(pooled) {
        if transfer.subaddr_index.major != 0 || transfer.kind == "block" {
            continue;
        }
        let index = i64::from(transfer.subaddr_index.minor);
        let Some(&user_id) = owners.get(&index) else {
            continue;
        };
        report.seen += 1;
        let row = record(state, transfer, index, user_id).await?;
        let seen = Sighting::of(transfer, in_block);
        if is_creditable(seen, row.status, state.confirmations) {
            let request = CreditRequest {
                deposit_key: format!("{}:{}", transfer.txid, index),
                user_id,
                amount: Piconero::new(row.amount).map_err(ApiError::internal)?,
                txid: transfer.txid.clone(),
            };
            let answer: Credited = state
                .transactions
                .post("/internal/deposits/credit", &request)
                .await?;
            if !answer.credited {
                // A crash after the ledger's credit and before the row below was marked.
                tracing::info!(user_id, txid = %transfer.txid, "deposit was already credited");
            }
            // Under the sweep's lease: a sweeper that lost it marks nothing (the credit
            // itself is once per deposit key, whoever asks).
            let tx = pupero_db::write_tx(&state.db).await?;
            fence.check(&tx).await?;
            store::deposits::mark_credited(&tx, row.id).await?;
            tx.commit().await?;
            tracing::info!(user_id, txid = %transfer.txid, amount = %request.amount, "deposit credited");
            report.credited += 1;
        }
    }
    Ok(report)
}

/// Inserts or refreshes the deposit row of (txid, subaddress).
#[tracing::instrument(skip_all, fields(user_id = user_id, txid = %t.txid, address_index = index))]
async fn record(
    state: &WalletState,
    t: &Transfer,
    index: i64,
    user_id: i64,
) -> Result<deposit::Model, ApiError> {
    let amount =
        i64::try_from(t.amount).map_err(|_| ApiError::internal("deposit amount overflows"))?;
    let height = i64::try_from(t.height).unwrap_or(0);
    let confirmations = i64::try_from(t.confirmations).unwrap_or(0);
    if store::deposits::find(&state.db, &t.txid, index)
        .await?
        .is_none()
    {
        let status = if amount < state.min_sweep.as_i64() {
            DepositStatus::BelowMinimum
        } else {
            DepositStatus::Pending
        };
        let new = store::deposits::NewDeposit {
            txid: &t.txid,
            address_index: index,
            user_id,
            amount,
            height,
            confirmations,
            status,
        };
        if store::deposits::insert(&state.db, new).await? && t.timestamp > 0 {
            let seen = i64::try_from(t.timestamp).unwrap_or(i64::MAX);
            crate::wallet_metrics::deposit_detected(
                &state.metrics,
                pupero_db::now_ms() / 1000 - seen,
            );
        }
    } else {
        store::deposits::update_seen(&state.db, &t.txid, index, height, confirmations).await?;
    }
    store::deposits::find(&state.db, &t.txid, index)
        .await?
        .ok_or_else(|| ApiError::internal("deposit row vanished"))
}

/// Sweeps every `sweep_interval`, and at once when a chain notice wakes it, until
/// `shutdown` turns true; a sweep under way finishes.
pub fn spawn_sweeper(
    state: WalletState,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let lease = state.leases.keep("deposit_sweep", shutdown.clone());
    tokio::spawn(async move {
        // Whether wallet-rpc's own refresh period is set (below): a wallet-rpc that was
        // away may have restarted with its default, so it is set again after a failure.
        let mut refresh_set = false;
        let mut tick = tokio::time::interval(state.sweep_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                // A chain notice: sweep now (the interval stays the safety net).
                () = state.sweep_now.notified() => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
            // Shorten how long wallet-rpc waits between its own refreshes: its
            // `--tx-notify` (which wakes this sweeper) fires only when a refresh finds the
            // transaction.
            if !refresh_set && let Ok(wallet) = state.wallet() {
                match wallet.auto_refresh(state.wallet_refresh).await {
                    Ok(()) => refresh_set = true,
                    Err(e) => tracing::debug!(error = %e, "wallet refresh period not set yet"),
                }
            }
            let Some(fence) = lease.fence() else {
                // Another replica sweeps: its numbers are the current ones.
                state.metrics.forget(&crate::wallet_metrics::SWEEP_GAUGES);
                continue;
            };
            let outcome = sweep(&state, &fence).await;
            if outcome.is_ok() {
                crate::wallet_metrics::sweep_succeeded(&state.metrics);
            }
            match outcome {
                Ok(r) if r.credited > 0 => tracing::info!(credited = r.credited, "deposit sweep"),
                Ok(_) => {}
                // Already logged by sweep's span (warn); the next tick tries again.
                Err(_) => refresh_set = false,
            }
        }
    })
}
