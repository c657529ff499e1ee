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

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use tokio::sync::Notify;

use pupero_api::internal::transactions::{
    ClaimAnswer, ClaimRequest, ClaimedWithdrawal, Confirmed, Progress, Reason, Sent,
};
use pupero_api::internal::wallet::WithdrawalQueued;
use pupero_api::money::WithdrawalView;
use pupero_core::Piconero;
use pupero_db::{is_unique_violation, now_ms};
use pupero_http::ApiError;

use crate::WalletState;
use crate::entity::withdrawal_send;
use crate::rpc::RpcError;

/// Confirmations after which a withdrawal is reported confirmed.
const CONFIRMED_AT: u64 = 10;

/// Test hook: with `PUPERO_CRASH_AT=<point>`, the process dies right there, as a
/// SIGKILL would leave it. The fault tests use it to stop the worker between steps.
fn crash_point(point: &str) {
    if std::env::var("PUPERO_CRASH_AT").is_ok_and(|p| p == point) {
        tracing::error!(point, "PUPERO_CRASH_AT: crashing on purpose");
        std::process::abort();
    }
}

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
    for send in sends_with_status(state, "built").await? {
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
        send(state, &claimed).await?;
        if only.is_some() {
            break;
        }
    }
    watch_confirmations(state).await
}

async fn sends_with_status(
    state: &WalletState,
    status: &str,
) -> Result<Vec<withdrawal_send::Model>, ApiError> {
    Ok(withdrawal_send::Entity::find()
        .filter(withdrawal_send::Column::Status.eq(status))
        .all(&state.db)
        .await?)
}

async fn send(state: &WalletState, w: &ClaimedWithdrawal) -> Result<(), ApiError> {
    // Built before a crash? Then finish that one; never build a second.
    if let Some(existing) = withdrawal_send::Entity::find()
        .filter(withdrawal_send::Column::WithdrawalId.eq(w.id))
        .one(&state.db)
        .await?
    {
        return finish(state, &existing).await;
    }
    let wallet = state.wallet()?;
    let amount = u64::try_from(w.amount.as_i64()).map_err(ApiError::internal)?;
    let built = match wallet.build_transfer(&w.address, amount).await {
        Ok(b) if !b.tx_hash_list.is_empty() && b.tx_hash_list.len() == b.tx_metadata_list.len() => {
            b
        }
        Ok(_) => {
            return report(
                state,
                w.id,
                Progress::Release(Reason::new("the wallet built no transaction")),
            )
            .await;
        }
        Err(RpcError::InvalidAddress) => {
            return report(
                state,
                w.id,
                Progress::Failed(Reason::new("the wallet refused the address")),
            )
            .await;
        }
        Err(e @ (RpcError::NotEnoughUnlockedMoney | RpcError::NotEnoughMoney)) => {
            tracing::warn!(withdrawal_id = w.id, error = %e, "hot wallet cannot pay yet");
            let reason = "waiting for the hot wallet to have enough unlocked funds";
            return report(state, w.id, Progress::Release(Reason::new(reason))).await;
        }
        Err(e) => {
            tracing::warn!(withdrawal_id = w.id, error = %e, "could not build the withdrawal; will retry");
            let reason = format!("waiting for the wallet: {e}");
            return report(state, w.id, Progress::Release(Reason::new(reason))).await;
        }
    };
    let fee = i64::try_from(built.fee_list.iter().sum::<u64>()).map_err(ApiError::internal)?;
    let now = now_ms();
    let row = withdrawal_send::ActiveModel {
        withdrawal_id: Set(w.id),
        tx_hashes: Set(built.tx_hash_list.join(",")),
        metadata: Set(built.tx_metadata_list.join("\n")),
        fee: Set(fee),
        status: Set("built".into()),
        created_at_ms: Set(now),
        updated_at_ms: Set(now),
        ..Default::default()
    };
    match withdrawal_send::Entity::insert(row).exec(&state.db).await {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {}
        Err(e) => return Err(e.into()),
    }
    crash_point("after_sign");
    let sent = Sent {
        tx_hashes: built.tx_hash_list,
        fee: Piconero::new(fee).map_err(ApiError::internal)?,
    };
    report(state, w.id, Progress::Signed(sent)).await?;
    let stored = withdrawal_send::Entity::find()
        .filter(withdrawal_send::Column::WithdrawalId.eq(w.id))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::internal("send row vanished"))?;
    finish(state, &stored).await
}

/// Relays a built send unless the daemon already has it, then records it as relayed.
async fn finish(state: &WalletState, send: &withdrawal_send::Model) -> Result<(), ApiError> {
    let wallet = state.wallet()?;
    let hashes: Vec<String> = send.tx_hashes.split(',').map(str::to_owned).collect();
    for (hash, metadata) in hashes.iter().zip(send.metadata.split('\n')) {
        match state.daemon.knows_transaction(hash).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(withdrawal_id = send.withdrawal_id, error = %e, "daemon unreachable; relay later");
                let reason = "waiting for the Monero daemon";
                return note(state, send.withdrawal_id, reason).await;
            }
        }
        if let Err(e) = wallet.relay(metadata).await {
            // -4 means "rejected" and "daemon down" alike: only the daemon can tell.
            if state.daemon.knows_transaction(hash).await.unwrap_or(false) {
                continue;
            }
            tracing::warn!(withdrawal_id = send.withdrawal_id, error = %e, "relay failed; will retry");
            let reason = format!("relay failed, will retry: {e}");
            return note(state, send.withdrawal_id, reason).await;
        }
    }
    crash_point("after_relay");
    let sent = Sent {
        tx_hashes: hashes,
        fee: Piconero::new(send.fee).map_err(ApiError::internal)?,
    };
    report(state, send.withdrawal_id, Progress::Relayed(sent)).await?;
    mark(state, send.id, "relayed").await?;
    tracing::info!(withdrawal_id = send.withdrawal_id, tx = %send.tx_hashes, "withdrawal relayed");
    Ok(())
}

async fn mark(state: &WalletState, send_id: i64, status: &str) -> Result<(), ApiError> {
    withdrawal_send::Entity::update_many()
        .col_expr(withdrawal_send::Column::Status, Expr::value(status))
        .col_expr(withdrawal_send::Column::UpdatedAtMs, Expr::value(now_ms()))
        .filter(withdrawal_send::Column::Id.eq(send_id))
        .exec(&state.db)
        .await?;
    Ok(())
}

async fn watch_confirmations(state: &WalletState) -> Result<(), ApiError> {
    let wallet = state.wallet()?;
    for send in sends_with_status(state, "relayed").await? {
        let Some(hash) = send.tx_hashes.split(',').next() else {
            continue;
        };
        match wallet.transfer_by_txid(hash).await {
            Ok(t) if t.confirmations >= CONFIRMED_AT => {
                report(state, send.withdrawal_id, Progress::Confirmed(Confirmed {})).await?;
                mark(state, send.id, "confirmed").await?;
            }
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "confirmation check"),
        }
    }
    Ok(())
}

/// Runs the worker: at once when woken (a new withdrawal), and every `poll` as a safety net.
pub fn spawn_worker(
    state: WalletState,
    wake: Arc<Notify>,
    poll: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = work(&state, None).await {
                tracing::warn!(error = %e, "withdrawal worker pass failed; will retry");
            }
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(poll) => {}
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
) -> tokio::task::JoinHandle<()> {
    pupero_queue::spawn_consumer(broker, move |payload| {
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
