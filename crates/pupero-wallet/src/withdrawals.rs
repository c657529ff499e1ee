//! The withdrawal worker: the two-phase send with crash recovery (DESIGN §6).
//!
//! 1. Claim a withdrawal from the ledger (a lease, so one worker holds it).
//! 2. Build the transaction without relaying it; store its hashes and metadata here
//!    *first*, then tell the ledger it is signed.
//! 3. Before relaying, ask the daemon whether it already knows the transaction: after a
//!    crash it may have been relayed (or even mined), and relaying a mined transaction
//!    again corrupts wallet-rpc's bookkeeping (monero-regtest.md §5.2). Then relay, and
//!    tell the ledger, which moves the money exactly once.
//! 4. Watch relayed transactions to 10 confirmations.
//!
//! One send is built at a time per worker: wallet-rpc does not reserve inputs between
//! build and relay, so two concurrent builds could pick the same outputs.

mod setback;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use pupero_api::internal::transactions::{
    ClaimAnswer, ClaimRequest, ClaimedWithdrawal, Confirmed, Progress, Reason, Sent,
};
use pupero_api::internal::wallet::WithdrawalQueued;
use pupero_api::money::WithdrawalView;
use pupero_core::Piconero;
use pupero_http::ApiError;

use crate::entity::withdrawal_send::{self, SendStatus};
use crate::{WalletState, store};

use setback::{BeforeRelay, Setback};

/// Confirmations after which a withdrawal is reported confirmed.
const CONFIRMED_AT: u64 = 10;

/// Test hook: with `PUPERO_CRASH_AT=<point>`, the process dies right there, as a
/// SIGKILL would leave it. The fault tests use it to stop the worker between steps. Only
/// builds with the `fault-injection` feature (the tests') have it: a release binary
/// cannot be made to abort mid-withdrawal by its environment.
#[cfg(feature = "fault-injection")]
fn crash_point(point: &str) {
    if std::env::var("PUPERO_CRASH_AT").is_ok_and(|p| p == point) {
        tracing::error!(point, "PUPERO_CRASH_AT: crashing on purpose");
        std::process::abort();
    }
}

#[cfg(not(feature = "fault-injection"))]
fn crash_point(_point: &str) {}

/// Tells the ledger why a withdrawal does not move forward now.
async fn set_back(state: &WalletState, id: i64, setback: &Setback) -> Result<(), ApiError> {
    tracing::warn!(
        withdrawal_id = id,
        step = setback.step(),
        reason = setback.reason(),
        "withdrawal set back"
    );
    let reason = Reason::new(setback.reason());
    match setback {
        Setback::Release(_) => report(state, id, Progress::Release(reason)).await,
        Setback::Fail(_) => report(state, id, Progress::Failed(reason)).await,
        Setback::Retry(_) => note(state, id, reason.reason).await,
    }
}

#[tracing::instrument(skip_all, fields(withdrawal_id = id, step = %progress.step()))]
async fn report(state: &WalletState, id: i64, progress: Progress) -> Result<(), ApiError> {
    let step = progress.step();
    let _: WithdrawalView = state
        .transactions
        .post(&format!("/internal/withdrawals/{id}/{step}"), &progress)
        .await?;
    Ok(())
}

/// Why a withdrawal is waiting, for its owner to read; its status does not change.
async fn note(state: &WalletState, id: i64, reason: impl Into<String>) -> Result<(), ApiError> {
    let _: WithdrawalView = state
        .transactions
        .post(
            &format!("/internal/withdrawals/{id}/note"),
            &Reason::new(reason),
        )
        .await?;
    Ok(())
}

/// Everything the worker has to do now: finish interrupted sends, then send what is
/// queued, then watch confirmations. Serialized by the send lock.
#[tracing::instrument(skip_all, fields(only = ?only))]
pub async fn work(state: &WalletState, only: Option<i64>) -> Result<(), ApiError> {
    if !state.is_configured() {
        return Ok(());
    }
    let _one_at_a_time = state.send_lock.lock().await;
    // wallet-rpc refreshes itself only every 20 s: without this, outputs unlocked by the
    // last blocks look locked and a payable withdrawal would wait for nothing.
    if let Ok(wallet) = state.wallet() {
        let _ = wallet.refresh().await;
    }
    for send in store::sends::with_status(&state.db, SendStatus::Built).await? {
        finish(state, &send).await?;
    }
    loop {
        let answer: ClaimAnswer = state
            .transactions
            .post("/internal/withdrawals/claim", &ClaimRequest { id: only })
            .await?;
        let Some(claimed) = answer.withdrawal else {
            break;
        };
        if let Some(built) = build(state, &claimed).await? {
            finish(state, &built).await?;
        }
        if only.is_some() {
            break;
        }
    }
    watch_confirmations(state).await
}

/// Builds and stores the transaction of a claimed withdrawal, and tells the ledger it is
/// signed; `None` when the withdrawal was set back instead.
#[tracing::instrument(skip_all, fields(withdrawal_id = w.id), err(level = "warn"))]
async fn build(
    state: &WalletState,
    w: &ClaimedWithdrawal,
) -> Result<Option<withdrawal_send::Model>, ApiError> {
    // Built before a crash? Then that one is the one to relay; never build a second.
    if let Some(existing) = store::sends::of_withdrawal(&state.db, w.id).await? {
        return Ok(Some(existing));
    }
    let wallet = state.wallet()?;
    let amount = u64::try_from(w.amount.as_i64()).map_err(ApiError::internal)?;
    let built = match setback::judge_build(wallet.build_transfer(&w.address, amount).await) {
        Ok(built) => built,
        Err(setback) => return set_back(state, w.id, &setback).await.map(|()| None),
    };
    let fee = i64::try_from(built.fee_list.iter().sum::<u64>()).map_err(ApiError::internal)?;
    let new = store::sends::NewSend {
        withdrawal_id: w.id,
        tx_hashes: &built.tx_hash_list,
        tx_metadata: &built.tx_metadata_list,
        fee,
    };
    store::sends::insert_built(&state.db, new).await?;
    crash_point("after_sign");
    let sent = Sent {
        tx_hashes: built.tx_hash_list,
        fee: Piconero::new(fee).map_err(ApiError::internal)?,
    };
    report(state, w.id, Progress::Signed(sent)).await?;
    let stored = store::sends::of_withdrawal(&state.db, w.id)
        .await?
        .ok_or_else(|| ApiError::internal("send row vanished"))?;
    Ok(Some(stored))
}

/// Relays a built send unless the daemon already has it, then records it as relayed.
#[tracing::instrument(
    skip_all,
    fields(withdrawal_id = send.withdrawal_id, send_id = send.id),
    err(level = "warn")
)]
async fn finish(state: &WalletState, send: &withdrawal_send::Model) -> Result<(), ApiError> {
    let wallet = state.wallet()?;
    let hashes: Vec<String> = send.tx_hashes.split(',').map(str::to_owned).collect();
    for (hash, metadata) in hashes.iter().zip(send.metadata.split('\n')) {
        match setback::before_relay(state.daemon.knows_transaction(hash).await) {
            BeforeRelay::AlreadyOut => continue,
            BeforeRelay::Relay => {}
            BeforeRelay::Wait(setback) => {
                return set_back(state, send.withdrawal_id, &setback).await;
            }
        }
        if let Err(e) = wallet.relay(metadata).await {
            let daemon_knows = state.daemon.knows_transaction(hash).await.unwrap_or(false);
            if let Some(setback) = setback::after_relay_error(&e, daemon_knows) {
                return set_back(state, send.withdrawal_id, &setback).await;
            }
        }
    }
    crash_point("after_relay");
    let sent = Sent {
        tx_hashes: hashes,
        fee: Piconero::new(send.fee).map_err(ApiError::internal)?,
    };
    report(state, send.withdrawal_id, Progress::Relayed(sent)).await?;
    store::sends::mark(&state.db, send.id, SendStatus::Relayed).await?;
    tracing::info!(withdrawal_id = send.withdrawal_id, tx = %send.tx_hashes, "withdrawal relayed");
    Ok(())
}

#[tracing::instrument(skip_all, err(level = "warn"))]
async fn watch_confirmations(state: &WalletState) -> Result<(), ApiError> {
    let wallet = state.wallet()?;
    for send in store::sends::with_status(&state.db, SendStatus::Relayed).await? {
        let Some(hash) = send.tx_hashes.split(',').next() else {
            continue;
        };
        match wallet.transfer_by_txid(hash).await {
            Ok(t) if t.confirmations >= CONFIRMED_AT => {
                report(state, send.withdrawal_id, Progress::Confirmed(Confirmed {})).await?;
                store::sends::mark(&state.db, send.id, SendStatus::Confirmed).await?;
            }
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "confirmation check"),
        }
    }
    Ok(())
}

/// Runs the worker: at once when woken (a new withdrawal), and every `poll` as a safety net,
/// until `shutdown` turns true; a pass under way finishes.
pub fn spawn_worker(
    state: WalletState,
    wake: Arc<Notify>,
    poll: Duration,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = work(&state, None).await {
                tracing::warn!(error = %e, "withdrawal worker pass failed; will retry");
            }
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(poll) => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
        }
    })
}

/// Consumes the RabbitMQ withdrawal queue: each message names a withdrawal to send now.
/// A malformed message goes to the dead-letter queue; one that cannot be handled yet (the
/// ledger or wallet is down) goes back to the queue.
pub fn spawn_consumer(
    state: WalletState,
    broker: pupero_queue::Broker,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    pupero_queue::spawn_consumer(broker, shutdown, move |payload| {
        let state = state.clone();
        async move {
            let Ok(message) = serde_json::from_slice::<WithdrawalQueued>(&payload) else {
                tracing::warn!("malformed withdrawal message; dead-lettered");
                return pupero_queue::Outcome::Reject;
            };
            match work(&state, Some(message.withdrawal_id)).await {
                Ok(()) => pupero_queue::Outcome::Ack,
                Err(e) => {
                    tracing::warn!(withdrawal_id = message.withdrawal_id, error = %e, "withdrawal message: retry later");
                    pupero_queue::Outcome::Retry
                }
            }
        }
    })
}
