//! The withdrawal worker: the two-phase send with crash recovery (DESIGN §6).
//!
//! 1. Claim up to `WITHDRAWAL_BATCH_SIZE` withdrawals from the ledger (each a lease, so
//!    one worker holds it).
//! 2. Build one transaction paying them all, without relaying it; store it here *first*
//!    (the batch's hashes and metadata, and each withdrawal's send row with its share of
//!    the fee, in one database transaction), then tell the ledger each one is signed.
//! 3. Before relaying, ask the daemon whether it already knows the transaction: after a
//!    crash it may have been relayed (or even mined), and relaying a mined transaction
//!    again corrupts wallet-rpc's bookkeeping (monero-regtest.md §5.2). Then relay the
//!    batch once, and tell the ledger for each withdrawal, which moves its money (and its
//!    share of the fee, `fee_split.rs`) exactly once.
//! 4. Watch relayed transactions to 10 confirmations.
//!
//! One send is built at a time per worker: wallet-rpc does not reserve inputs between
//! build and relay, so two concurrent builds could pick the same outputs. With several
//! wallet replicas one runs the worker (the `withdrawal_worker` lease), and every send is
//! stored under its fence, so a replica that lost the lease cannot build a second one.
//!
//! Each claimed withdrawal carries the request id and `traceparent` of the request that
//! asked for it; the worker logs under them (docs/OPERATIONS.md, "Follow one withdrawal").

mod fee_split;
pub mod float;
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

use crate::entity::send_batch::{self, BatchKind};
use crate::entity::withdrawal_send::{self, SendStatus};
use crate::rpc::Destination;
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
/// queued (in batches), then watch confirmations, then keep the float split (`float.rs`).
/// Serialized by the send lock.
#[tracing::instrument(skip_all, fields(only = ?only))]
pub async fn work(state: &WalletState, only: Option<i64>) -> Result<(), ApiError> {
    if !state.is_configured() {
        return Ok(());
    }
    let fence = holder_fence(state).await?;
    let fence = &fence;
    let _one_at_a_time = state.send_lock.lock().await;
    // wallet-rpc refreshes itself only every 20 s: without this, outputs unlocked by the
    // last blocks look locked and a payable withdrawal would wait for nothing.
    if let Ok(wallet) = state.wallet() {
        let _ = wallet.refresh().await;
    }
    finish_interrupted(state).await?;
    let mut first = only;
    loop {
        let claimed = claim_batch(state, first.take()).await?;
        if claimed.is_empty() {
            break;
        }
        let full = claimed.len() >= state.batch_size;
        send_batch(state, claimed, fence).await?;
        // `only` asks for one withdrawal now (a queue message, an operator): it went out
        // with whatever else was waiting; the rest waits for the next pass.
        if only.is_some() || !full {
            break;
        }
    }
    watch_confirmations(state).await?;
    float::top_up(state, fence).await
}

/// How long a pass asked for on this replica (an operator, a queue message) waits for the
/// worker's lease before leaving the withdrawal to the replica that holds it.
const LEASE_WAIT: Duration = Duration::from_secs(3);

/// The withdrawal worker's fence, while this replica holds its lease.
async fn holder_fence(state: &WalletState) -> Result<pupero_db::lease::Fence, ApiError> {
    let elsewhere = || {
        ApiError::unavailable(
            "another wallet replica runs the withdrawal worker; it sends this withdrawal",
        )
    };
    let mut lease = state
        .withdrawal_lease
        .get()
        .cloned()
        .ok_or_else(elsewhere)?;
    tokio::time::timeout(LEASE_WAIT, lease.held())
        .await
        .map_err(|_| elsewhere())
}

/// The claimed withdrawal's request context, as the request that asked for it had it.
fn trace_of(w: &ClaimedWithdrawal) -> pupero_http::TraceContext {
    pupero_http::TraceContext::from_parts(w.request_id.as_deref(), w.traceparent.as_deref())
}

/// Claims up to `batch_size` withdrawals: `first` (if given) and then the oldest waiting.
async fn claim_batch(
    state: &WalletState,
    first: Option<i64>,
) -> Result<Vec<ClaimedWithdrawal>, ApiError> {
    let mut claimed = Vec::new();
    let mut named = first;
    while claimed.len() < state.batch_size {
        let asked = named.take();
        let answer: ClaimAnswer = state
            .transactions
            .post("/internal/withdrawals/claim", &ClaimRequest { id: asked })
            .await?;
        match answer.withdrawal {
            Some(w) => {
                let trace = trace_of(&w);
                tracing::info!(withdrawal_id = w.id, request_id = %trace.request_id, trace_id = %trace.trace_id(), amount = %w.amount, "withdrawal claimed by the worker");
                claimed.push(w);
            }
            // The named one is not claimable (sent already, cancelled): the oldest waiting
            // still are.
            None if asked.is_some() => {}
            None => break,
        }
    }
    Ok(claimed)
}

/// Sends built before a crash (or whose relay failed) go out before anything new is built.
async fn finish_interrupted(state: &WalletState) -> Result<(), ApiError> {
    let built = store::sends::with_status(&state.db, SendStatus::Built).await?;
    let mut done_batches = std::collections::HashSet::new();
    for send in &built {
        match send.batch_id {
            None => finish_single(state, send).await?,
            Some(batch_id) if done_batches.insert(batch_id) => {
                let members: Vec<_> = built
                    .iter()
                    .filter(|s| s.batch_id == Some(batch_id))
                    .cloned()
                    .collect();
                let batch = store::sends::batch(&state.db, batch_id)
                    .await?
                    .ok_or_else(|| ApiError::internal("send batch vanished"))?;
                finish_batch(state, &batch, &members).await?;
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Builds one transaction for the claimed withdrawals, stores it with each one's share of
/// the fee, tells the ledger each is signed, and relays it.
#[tracing::instrument(skip_all, fields(withdrawals = claimed.len()), err(level = "warn"))]
async fn send_batch(
    state: &WalletState,
    claimed: Vec<ClaimedWithdrawal>,
    fence: &pupero_db::lease::Fence,
) -> Result<(), ApiError> {
    let mut fresh = Vec::with_capacity(claimed.len());
    for w in claimed {
        // Built before a crash? Then that one is the one to relay; never build a second.
        if store::sends::of_withdrawal(&state.db, w.id)
            .await?
            .is_some()
        {
            finish_interrupted(state).await?;
        } else {
            fresh.push(w);
        }
    }
    if fresh.is_empty() {
        return Ok(());
    }
    fresh.sort_by_key(|w| w.id);
    let wallet = state.wallet()?;
    let destinations = fresh
        .iter()
        .map(|w| {
            Ok(Destination {
                address: w.address.clone(),
                amount: u64::try_from(w.amount.as_i64()).map_err(ApiError::internal)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let built = match setback::judge_build(wallet.build_batch(&destinations).await) {
        Ok(built) => built,
        // One address the wallet refuses must not fail the others: send them one by one,
        // so only the refused one fails.
        Err(Setback::Fail(_)) if fresh.len() > 1 => {
            for w in fresh {
                Box::pin(send_batch(state, vec![w], fence)).await?;
            }
            return Ok(());
        }
        Err(setback) => {
            for w in &fresh {
                set_back(state, w.id, &setback).await?;
            }
            return Ok(());
        }
    };
    let fee = i64::try_from(built.fee_list.iter().sum::<u64>()).map_err(ApiError::internal)?;
    let shares: Vec<(i64, i64)> = fresh
        .iter()
        .map(|w| w.id)
        .zip(fee_split::fee_shares(fee, fresh.len()))
        .collect();
    let new = store::sends::NewBatch {
        kind: BatchKind::Withdrawals,
        tx_hashes: &built.tx_hash_list,
        tx_metadata: &built.tx_metadata_list,
        fee,
        shares: &shares,
    };
    let Some(batch_id) = store::sends::insert_batch(&state.db, new, Some(fence)).await? else {
        // Another worker stored a send for one of them a moment ago: relay what is stored.
        return finish_interrupted(state).await;
    };
    tracing::info!(batch_id, withdrawals = shares.len(), fee, tx = %built.tx_hash_list.join(","), "withdrawal batch built");
    crash_point("after_sign");
    for (w, &(id, share)) in fresh.iter().zip(&shares) {
        let sent = Sent {
            tx_hashes: built.tx_hash_list.clone(),
            fee: Piconero::new(share).map_err(ApiError::internal)?,
        };
        // Under the asking request's context, so the ledger's side logs it too.
        let trace = trace_of(w);
        let span = trace.span("withdrawal_worker");
        let signed = async {
            tracing::info!(withdrawal_id = id, tx = %built.tx_hash_list.join(","), "withdrawal signed");
            report(state, id, Progress::Signed(sent)).await
        };
        tracing::Instrument::instrument(trace.scope(signed), span).await?;
    }
    crash_point("before_relay");
    finish_interrupted(state).await
}

/// Relays each transaction of `hashes` unless the daemon already has it; `Err(setback)`
/// when the send has to wait (nothing is reported relayed then).
async fn relay_all(
    state: &WalletState,
    hashes: &[String],
    metadata: &str,
) -> Result<Result<(), Setback>, ApiError> {
    let wallet = state.wallet()?;
    for (hash, metadata) in hashes.iter().zip(metadata.split('\n')) {
        match setback::before_relay(state.daemon.knows_transaction(hash).await) {
            BeforeRelay::AlreadyOut => continue,
            BeforeRelay::Relay => {}
            BeforeRelay::Wait(setback) => return Ok(Err(setback)),
        }
        if let Err(e) = wallet.relay(metadata).await {
            let daemon_knows = state.daemon.knows_transaction(hash).await.unwrap_or(false);
            if let Some(setback) = setback::after_relay_error(&e, daemon_knows) {
                return Ok(Err(setback));
            }
        }
    }
    Ok(Ok(()))
}

fn hash_list(joined: &str) -> Vec<String> {
    joined.split(',').map(str::to_owned).collect()
}

/// Relays a send stored before batching existed (its metadata is its own).
#[tracing::instrument(
    skip_all,
    fields(withdrawal_id = send.withdrawal_id, send_id = send.id),
    err(level = "warn")
)]
async fn finish_single(state: &WalletState, send: &withdrawal_send::Model) -> Result<(), ApiError> {
    let hashes = hash_list(&send.tx_hashes);
    if let Err(setback) = relay_all(state, &hashes, &send.metadata).await? {
        return set_back(state, send.withdrawal_id, &setback).await;
    }
    crash_point("after_relay");
    relayed(state, send, hashes).await
}

/// Relays a stored batch once, then records each of its withdrawals as relayed.
#[tracing::instrument(skip_all, fields(batch_id = batch.id), err(level = "warn"))]
async fn finish_batch(
    state: &WalletState,
    batch: &send_batch::Model,
    members: &[withdrawal_send::Model],
) -> Result<(), ApiError> {
    let hashes = hash_list(&batch.tx_hashes);
    if let Err(setback) = relay_all(state, &hashes, &batch.metadata).await? {
        for send in members {
            set_back(state, send.withdrawal_id, &setback).await?;
        }
        return Ok(());
    }
    crash_point("after_relay");
    for send in members {
        relayed(state, send, hashes.clone()).await?;
    }
    store::sends::mark_batch(&state.db, batch.id, SendStatus::Relayed).await?;
    Ok(())
}

/// Tells the ledger one withdrawal's money left (with its share of the fee), then marks
/// its send relayed.
async fn relayed(
    state: &WalletState,
    send: &withdrawal_send::Model,
    hashes: Vec<String>,
) -> Result<(), ApiError> {
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
    // A batch's withdrawals share a transaction: ask the wallet once per transaction.
    let mut depth: std::collections::HashMap<String, Option<u64>> =
        std::collections::HashMap::new();
    for send in store::sends::with_status(&state.db, SendStatus::Relayed).await? {
        let Some(hash) = send.tx_hashes.split(',').next() else {
            continue;
        };
        if !depth.contains_key(hash) {
            let seen = match wallet.transfer_by_txid(hash).await {
                Ok(t) => Some(t.confirmations),
                Err(e) => {
                    tracing::debug!(error = %e, "confirmation check");
                    None
                }
            };
            depth.insert(hash.to_owned(), seen);
        }
        if depth.get(hash).copied().flatten() >= Some(CONFIRMED_AT) {
            report(state, send.withdrawal_id, Progress::Confirmed(Confirmed {})).await?;
            store::sends::mark(&state.db, send.id, SendStatus::Confirmed).await?;
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
    let lease = state.leases.keep("withdrawal_worker", shutdown.clone());
    let _ = state.withdrawal_lease.set(lease.clone());
    tokio::spawn(async move {
        loop {
            if lease.fence().is_some()
                && let Err(e) = work(&state, None).await
            {
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
    pupero_queue::spawn_consumer(broker, shutdown, move |delivery| {
        let state = state.clone();
        let trace = pupero_http::TraceContext::from_parts(
            delivery.header(pupero_http::trace::REQUEST_ID_NAME),
            delivery.header(pupero_http::trace::TRACEPARENT_NAME),
        );
        let span = trace.span("withdrawal_message");
        let handle = async move {
            let Ok(message) = serde_json::from_slice::<WithdrawalQueued>(&delivery.payload) else {
                tracing::warn!("malformed withdrawal message; dead-lettered");
                return pupero_queue::Outcome::Reject;
            };
            tracing::info!(
                withdrawal_id = message.withdrawal_id,
                "withdrawal message received"
            );
            // Another replica runs the worker: back to the queue, for its consumer.
            if state
                .withdrawal_lease
                .get()
                .is_none_or(|lease| lease.fence().is_none())
            {
                return pupero_queue::Outcome::Retry;
            }
            match work(&state, Some(message.withdrawal_id)).await {
                Ok(()) => pupero_queue::Outcome::Ack,
                Err(e) => {
                    tracing::warn!(withdrawal_id = message.withdrawal_id, error = %e, "withdrawal message: retry later");
                    pupero_queue::Outcome::Retry
                }
            }
        };
        tracing::Instrument::instrument(trace.scope(handle), span)
    })
}
