//! Withdrawals on the ledger side. A request moves the amount from `available` to
//! `withdrawing` in the same transaction that records it. The wallet service's worker
//! then drives it through guarded status changes, each idempotent:
//!
//! ```text
//! queued ─claim→ signing ─signed→ signed ─relayed→ relayed ─confirmed→ confirmed
//!   │ │            │  └─release→ queued (transient: e.g. funds still locked)
//!   │ └────────────┴─failed→ failed   (permanent, before anything was signed: refunded)
//!   └─cancel (the user)→ cancelled    (refunded)
//! ```
//! `claim` and `cancel` both change a `queued` row with `WHERE status = 'queued'`, so when
//! they race exactly one of them wins: the money is either on its way or back, never both.
//! On `relayed` the amount leaves for `platform:withdrawals`, and the network fee moves
//! `platform:fees → platform:network_fees` (the platform pays it; the user receives
//! exactly what was asked for). Once signed, a withdrawal is never refunded by this code:
//! the wallet must first prove the transaction can never be mined.

use sea_orm::{DatabaseConnection, DbErr};

use pupero_api::internal::transactions::ClaimedWithdrawal;
use pupero_api::internal::wallet::{WakeWorker, WorkerWoken};
use pupero_api::money::WithdrawalView;
use pupero_core::{
    AmountError, EntryKind, MoneroAddress, Piconero, WithdrawalEvent, WithdrawalEvent as E,
    WithdrawalStatus, WithdrawalStatus as S, WithdrawalStep,
};
use pupero_db::{Retryable, is_unique_violation, now_ms, with_retry, write_tx};
use pupero_http::{AuthUser, rfc3339};

use crate::TransactionsState;
use crate::accounts::{self, Upstream};
use crate::entity::withdrawal;
use crate::ledger::{self, Account, Entry, LedgerError, Move, PlatformAccount, UserAccount};
use crate::notifications;
use crate::store::notifications::Notice;
use crate::store::outbox as outbox_store;
use crate::store::withdrawals::{self as store, Changes, NewWithdrawal};

/// How long a worker may hold a claim before another may take the withdrawal over.
pub const LEASE_MS: i64 = 120_000;
/// How long a withdrawal given back (e.g. funds still locked) waits before the next try.
pub const RETRY_AFTER_MS: i64 = 5_000;

/// Why a withdrawal request or step was not taken.
#[derive(Debug, thiserror::Error)]
pub enum WithdrawalError {
    #[error("no such withdrawal")]
    NotFound,
    /// The lifecycle table refuses `event` in `status` (and it did not already happen).
    #[error("{}", wrong_state(*event, *status))]
    WrongState {
        event: WithdrawalEvent,
        status: WithdrawalStatus,
    },
    #[error(
        "this Idempotency-Key was already used for a different withdrawal; use a new key for a new request"
    )]
    KeyReused,
    #[error("withdrawals are unavailable: this platform has no hot wallet configured")]
    NoHotWallet,
    #[error("fee must not be negative")]
    NegativeFee,
    /// A stored amount that no `Piconero` can be: a broken row, not a zero.
    #[error("withdrawal {id} holds an amount out of range")]
    CorruptAmount {
        id: i64,
        #[source]
        source: AmountError,
    },
    /// The ledger refused the movement; `refused` says it in the caller's words.
    #[error("{refused}")]
    Ledger {
        refused: &'static str,
        #[source]
        source: LedgerError,
    },
    #[error(transparent)]
    Upstream(#[from] Upstream),
    #[error(transparent)]
    Db(#[from] DbErr),
}

fn wrong_state(event: WithdrawalEvent, status: WithdrawalStatus) -> String {
    match event {
        E::Cancel => {
            format!("withdrawal is {status}; only a queued withdrawal can be cancelled")
        }
        E::Failed => format!("withdrawal is {status}; it cannot be refunded"),
        _ => format!("withdrawal is {status}"),
    }
}

impl Retryable for WithdrawalError {
    fn is_retryable(&self) -> bool {
        match self {
            WithdrawalError::Db(e)
            | WithdrawalError::Ledger {
                source: LedgerError::Db(e),
                ..
            } => e.is_retryable(),
            _ => false,
        }
    }
}

fn stored(id: i64, piconero: i64) -> Result<Piconero, WithdrawalError> {
    Piconero::new(piconero).map_err(|source| WithdrawalError::CorruptAmount { id, source })
}

/// The withdrawal as its owner sees it; a stored amount out of range is an error.
pub fn view(w: &withdrawal::Model) -> Result<WithdrawalView, WithdrawalError> {
    let fee = w.fee.map(|f| stored(w.id, f)).transpose()?;
    Ok(WithdrawalView {
        id: w.id,
        address: w.address.clone(),
        amount: stored(w.id, w.amount)?,
        status: w.status,
        tx_hashes: w
            .tx_hashes
            .split(',')
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
            .collect(),
        fee,
        error: (!w.last_error.is_empty()).then(|| w.last_error.clone()),
        created_at: rfc3339(w.created_at_ms),
        relayed_at: w.relayed_at_ms.map(rfc3339),
        confirmed_at: w.confirmed_at_ms.map(rfc3339),
    })
}

pub async fn load(db: &DatabaseConnection, id: i64) -> Result<withdrawal::Model, WithdrawalError> {
    store::find(db, id).await?.ok_or(WithdrawalError::NotFound)
}

fn clipped(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// What a request for a withdrawal comes with, already parsed.
#[derive(Debug)]
pub struct Request<'a> {
    pub key: &'a str,
    pub address: &'a MoneroAddress,
    pub amount: Piconero,
    pub totp: Option<&'a str>,
}

/// Asks for a withdrawal: the amount moves `available → withdrawing` in the transaction
/// that records it, so it is either reserved and queued or nothing happened. A repeat
/// with the same key answers with the first withdrawal (or `KeyReused` if the request
/// differs). Returns the withdrawal's id and status.
#[tracing::instrument(skip_all, fields(user_id = caller.id, withdrawal_id), err(level = "debug"))]
pub async fn request(
    state: &TransactionsState,
    caller: AuthUser,
    req: Request<'_>,
) -> Result<(i64, WithdrawalStatus), WithdrawalError> {
    // An admin's withdrawal hold stops new withdrawals, with its reason in the answer.
    accounts::ensure_permitted(state, caller, pupero_core::Privilege::Withdraw).await?;
    // A retry of a request already accepted moves nothing, so it needs no second code
    // (the first one is spent by now).
    if let Some(existing) = store::find_by_key(&state.db, caller.id, req.key).await? {
        return replay(existing, &req);
    }
    accounts::second_factor(state, caller.id, req.totp).await?;
    // After the code check, so the web's code step can be exercised without a wallet.
    if !state.wallet_configured {
        return Err(WithdrawalError::NoHotWallet);
    }
    let reserve = Move::new(
        Account::User(caller.id, UserAccount::Available),
        Account::User(caller.id, UserAccount::Withdrawing),
        req.amount,
    );
    ledger::ensure_accounts(&state.db, &ledger::accounts_of(&[reserve])).await?;
    let tx = write_tx(&state.db).await?;
    let now = now_ms();
    let inserted = store::insert(
        &tx,
        NewWithdrawal {
            user_id: caller.id,
            idempotency_key: req.key,
            address: req.address.as_str(),
            amount: req.amount.as_i64(),
            now_ms: now,
            trace: pupero_http::TraceContext::current(),
        },
    )
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            drop(tx);
            // The same key won a race a moment ago.
            let existing = store::find_by_key(&state.db, caller.id, req.key)
                .await?
                .ok_or(WithdrawalError::Db(e))?;
            return replay(existing, &req);
        }
        Err(e) => return Err(e.into()),
    };
    tracing::Span::current().record("withdrawal_id", id);
    let entry = Entry {
        kind: EntryKind::WithdrawalRequest,
        reference: format!("withdrawal:{id}"),
        memo: format!("to {}", clipped(req.address.as_str(), 12)),
        actor_id: Some(caller.id),
    };
    ledger::post(&tx, entry, &[reserve])
        .await
        .map_err(|source| WithdrawalError::Ledger {
            refused: "your available balance does not cover this amount",
            source,
        })?;
    if state.publisher.is_some() {
        outbox_store::insert(&tx, id, now).await?;
    }
    tx.commit().await?;
    tracing::info!(withdrawal_id = id, user_id = caller.id, amount = %req.amount, "withdrawal queued");
    if state.publisher.is_some() {
        state.outbox_wake.notify_one();
    } else {
        // Push, not poll: wake the wallet worker now. If it is down, its periodic sweep
        // (and restart) finds the withdrawal in the database anyway.
        let wallet = state.wallet.clone();
        let trace = pupero_http::TraceContext::current();
        tokio::spawn(async move {
            let wake = async {
                let _: Result<WorkerWoken, _> = wallet
                    .post("/internal/withdrawals/wake", &WakeWorker { id })
                    .await;
            };
            match trace {
                Some(trace) => trace.scope(wake).await,
                None => wake.await,
            }
        });
    }
    Ok((id, S::Queued))
}

/// The answer to a repeated key: the first withdrawal if the request is the same one
/// (address and amount, which the row keeps), else `KeyReused`, so a client that reuses
/// keys by mistake learns it instead of being told a different withdrawal was accepted.
fn replay(
    existing: withdrawal::Model,
    req: &Request<'_>,
) -> Result<(i64, WithdrawalStatus), WithdrawalError> {
    if existing.address != req.address.as_str() || existing.amount != req.amount.as_i64() {
        return Err(WithdrawalError::KeyReused);
    }
    Ok((existing.id, existing.status))
}

/// Claims a withdrawal for a worker: `id` if given (a queue message), else the oldest one
/// waiting. A claim whose lease ran out (a worker died) can be taken over.
#[tracing::instrument(skip_all, fields(withdrawal_id = id), err(level = "debug"))]
pub async fn claim(
    db: &DatabaseConnection,
    id: Option<i64>,
) -> Result<Option<ClaimedWithdrawal>, WithdrawalError> {
    let now = now_ms();
    for w in store::claimable_now(db, id, now, 5).await? {
        if store::take_claim(db, w.id, id.is_some(), now, now + LEASE_MS).await? {
            return Ok(Some(ClaimedWithdrawal {
                id: w.id,
                address: w.address,
                amount: stored(w.id, w.amount)?,
                status: S::Signing,
                request_id: w.request_id,
                traceparent: w.traceparent,
            }));
        }
    }
    Ok(None)
}

/// Records the built transaction(s) before anything is relayed.
#[tracing::instrument(skip_all, fields(withdrawal_id = id), err(level = "debug"))]
pub async fn signed(
    db: &DatabaseConnection,
    id: i64,
    hashes: &[String],
    fee: i64,
) -> Result<withdrawal::Model, WithdrawalError> {
    let joined = hashes.join(",");
    let changes = Changes {
        tx_hashes: Some(&joined),
        fee: Some(fee),
        last_error: Some(""),
        ..Changes::default()
    };
    let from = S::sources(E::Signed);
    let changed = store::transition(db, id, None, &from, S::Signed, changes, now_ms()).await?;
    let w = load(db, id).await?;
    // Signed with other hashes is not a repeat of this report.
    if !changed && w.status == S::Signed && w.tx_hashes != joined {
        return Err(WithdrawalError::WrongState {
            event: E::Signed,
            status: w.status,
        });
    }
    outcome(w, E::Signed, changed)
}

/// The transaction is in the daemon: the money has left. Moves the ledger exactly once.
#[tracing::instrument(skip_all, fields(withdrawal_id = id), err(level = "debug"))]
pub async fn relayed(
    db: &DatabaseConnection,
    id: i64,
    hashes: &[String],
    fee: i64,
) -> Result<withdrawal::Model, WithdrawalError> {
    let w = load(db, id).await?;
    if w.status.step(E::Relayed) == WithdrawalStep::AlreadyDone {
        return Ok(w);
    }
    let fee_amount = Piconero::new(fee).map_err(|_| WithdrawalError::NegativeFee)?;
    let moves = [
        Move::new(
            Account::User(w.user_id, UserAccount::Withdrawing),
            Account::Platform(PlatformAccount::Withdrawals),
            stored(id, w.amount)?,
        ),
        Move::new(
            Account::Platform(PlatformAccount::Fees),
            Account::Platform(PlatformAccount::NetworkFees),
            fee_amount,
        ),
    ];
    let joined = hashes.join(",");
    let posting = Posting {
        event: E::Relayed,
        owner: None,
        to: S::Relayed,
        changes: Changes {
            tx_hashes: Some(&joined),
            fee: Some(fee),
            last_error: Some(""),
            relayed_at_ms: Some(now_ms()),
            ..Changes::default()
        },
        entry: Entry {
            kind: EntryKind::Withdrawal,
            reference: format!("withdrawal:{id}"),
            memo: format!(
                "sent in {}",
                hashes.first().map(String::as_str).unwrap_or("?")
            ),
            actor_id: None,
        },
        moves: &moves,
        refused: "the withdrawal's reserve does not cover it",
        notice: Some(notifications::for_withdrawal_sent(w.user_id, id, w.amount)),
    };
    post_step(db, id, &posting).await
}

/// Moves a withdrawal to a refunding status (`failed` by the worker, `cancelled` by its
/// owner) and its amount back to `available`, in one transaction.
async fn refund(
    db: &DatabaseConnection,
    id: i64,
    owner: Option<i64>,
    event: WithdrawalEvent,
    reason: &str,
) -> Result<withdrawal::Model, WithdrawalError> {
    let w = load(db, id).await?;
    if w.status.step(event) == WithdrawalStep::AlreadyDone {
        return Ok(w);
    }
    let (to, kind, actor_id) = match event {
        E::Cancel => (S::Cancelled, EntryKind::WithdrawalCancel, owner),
        _ => (S::Failed, EntryKind::WithdrawalRefund, None),
    };
    let user_id = owner.unwrap_or(w.user_id);
    let refund = [Move::new(
        Account::User(user_id, UserAccount::Withdrawing),
        Account::User(user_id, UserAccount::Available),
        stored(id, w.amount)?,
    )];
    let last_error = clipped(reason, 500);
    let posting = Posting {
        event,
        owner,
        to,
        changes: Changes {
            last_error: Some(&last_error),
            ..Changes::default()
        },
        entry: Entry {
            kind,
            reference: format!("withdrawal:{id}"),
            memo: clipped(reason, 200),
            actor_id,
        },
        moves: &refund,
        refused: "the withdrawal's reserve does not cover the refund",
        notice: None,
    };
    post_step(db, id, &posting).await
}

/// A status change that moves money: the guarded change and its journal entry.
struct Posting<'a> {
    event: WithdrawalEvent,
    /// Only the owner's withdrawal may change (a user's own cancel).
    owner: Option<i64>,
    to: WithdrawalStatus,
    changes: Changes<'a>,
    entry: Entry,
    moves: &'a [Move],
    /// What the caller is told if the ledger refuses the movement.
    refused: &'static str,
    /// What the owner is told when the step is taken (in the same transaction).
    notice: Option<Notice>,
}

/// Takes `posting`'s step and posts its entry in one transaction (retried on
/// serialization failures), so the status and the money never disagree. A step another
/// caller took first is a repeat, answered with the row as it is.
async fn post_step(
    db: &DatabaseConnection,
    id: i64,
    posting: &Posting<'_>,
) -> Result<withdrawal::Model, WithdrawalError> {
    ledger::ensure_accounts(db, &ledger::accounts_of(posting.moves)).await?;
    let from = S::sources(posting.event);
    let from = &from;
    let changed = with_retry(|| async move {
        let tx = write_tx(db).await?;
        let (owner, to, changes) = (posting.owner, posting.to, posting.changes);
        if !store::transition(&tx, id, owner, from, to, changes, now_ms()).await? {
            return Ok(false);
        }
        ledger::post(&tx, posting.entry.clone(), posting.moves)
            .await
            .map_err(|source| WithdrawalError::Ledger {
                refused: posting.refused,
                source,
            })?;
        if let Some(notice) = &posting.notice {
            notifications::tell(&tx, std::slice::from_ref(notice)).await?;
        }
        tx.commit().await?;
        Ok::<_, WithdrawalError>(true)
    })
    .await?;
    outcome(load(db, id).await?, posting.event, changed)
}

/// A status change that moves no money, guarded by the lifecycle table.
async fn step(
    db: &DatabaseConnection,
    id: i64,
    event: WithdrawalEvent,
    to: WithdrawalStatus,
    changes: Changes<'_>,
) -> Result<withdrawal::Model, WithdrawalError> {
    let from = S::sources(event);
    let changed = store::transition(db, id, None, &from, to, changes, now_ms()).await?;
    outcome(load(db, id).await?, event, changed)
}

/// The row after a guarded change: as it is when it changed or `event` had already
/// happened to it (a repeat), else the refusal.
fn outcome(
    w: withdrawal::Model,
    event: WithdrawalEvent,
    changed: bool,
) -> Result<withdrawal::Model, WithdrawalError> {
    match w.status.step(event) {
        _ if changed => Ok(w),
        WithdrawalStep::AlreadyDone => Ok(w),
        _ => Err(WithdrawalError::WrongState {
            event,
            status: w.status,
        }),
    }
}

/// A permanent failure before anything was signed: the amount goes back to the user.
#[tracing::instrument(skip_all, fields(withdrawal_id = id), err(level = "debug"))]
pub async fn failed(
    db: &DatabaseConnection,
    id: i64,
    reason: &str,
) -> Result<withdrawal::Model, WithdrawalError> {
    refund(db, id, None, E::Failed, reason).await
}

/// The owner takes back a withdrawal that no worker has claimed: `queued → cancelled` and
/// `withdrawing → available`, in one transaction. Someone else's withdrawal is not found.
#[tracing::instrument(skip_all, fields(withdrawal_id = id, user_id = caller.id), err(level = "debug"))]
pub async fn cancel(
    state: &TransactionsState,
    id: i64,
    caller: AuthUser,
) -> Result<withdrawal::Model, WithdrawalError> {
    let w = load(&state.db, id).await?;
    if w.user_id != caller.id {
        return Err(WithdrawalError::NotFound);
    }
    accounts::ensure_active(state, caller).await?;
    refund(
        &state.db,
        id,
        Some(caller.id),
        E::Cancel,
        "cancelled by its owner",
    )
    .await
}

/// Gives a claim back with the reason it has to wait (nothing was signed).
#[tracing::instrument(skip_all, fields(withdrawal_id = id), err(level = "debug"))]
pub async fn release(
    db: &DatabaseConnection,
    id: i64,
    reason: &str,
) -> Result<withdrawal::Model, WithdrawalError> {
    let reason = clipped(reason, 500);
    let changes = Changes {
        last_error: Some(&reason),
        lease_until_ms: Some(now_ms() + RETRY_AFTER_MS),
        ..Changes::default()
    };
    step(db, id, E::Release, S::Queued, changes).await
}

/// Notes a transient problem without changing the status (e.g. relay to retry).
#[tracing::instrument(skip_all, fields(withdrawal_id = id), err(level = "debug"))]
pub async fn note(
    db: &DatabaseConnection,
    id: i64,
    reason: &str,
) -> Result<withdrawal::Model, WithdrawalError> {
    store::note(db, id, &clipped(reason, 500), now_ms()).await?;
    load(db, id).await
}

/// The wallet saw enough confirmations.
#[tracing::instrument(skip_all, fields(withdrawal_id = id), err(level = "debug"))]
pub async fn confirmed(
    db: &DatabaseConnection,
    id: i64,
) -> Result<withdrawal::Model, WithdrawalError> {
    let changes = Changes {
        confirmed_at_ms: Some(now_ms()),
        ..Changes::default()
    };
    step(db, id, E::Confirmed, S::Confirmed, changes).await
}
