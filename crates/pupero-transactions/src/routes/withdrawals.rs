//! Withdrawal requests and the wallet worker's internal routes.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use pupero_http::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Deserialize;
use utoipa::IntoParams;

use pupero_api::internal::transactions::{ClaimAnswer, ClaimRequest, Confirmed, Reason, Sent};
use pupero_api::internal::wallet::{WakeWorker, WorkerWoken};
use pupero_api::money::{WithdrawRequest, WithdrawalAccepted, WithdrawalPage, WithdrawalView};
use pupero_core::{MoneroAddress, Piconero, Role, WithdrawalEvent, WithdrawalStatus};
use pupero_db::{is_unique_violation, now_ms, write_tx};
use pupero_http::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, AuthUser, ServiceCaller};

use super::{bounded_amount, page};
use crate::TransactionsState;
use crate::entity::{outbox, withdrawal};
use crate::ledger::{self, Account, Entry, Move, UserAccount};
use crate::withdrawals::{self, view};

fn idempotency_key(headers: &HeaderMap) -> ApiResult<String> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    if key.is_empty() || key.len() > 64 {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            "an Idempotency-Key header of 1 to 64 characters is required, so a retried request cannot send twice",
        ));
    }
    Ok(key.to_owned())
}

/// Ask for a withdrawal. The amount leaves `available` at once (into `withdrawing`); the
/// wallet sends it within moments. Repeating the request with the same `Idempotency-Key`
/// returns the same withdrawal; the same key with another address or amount is refused
/// with 422 `idempotency_key_reused`. With 2FA on, `totp` must be a fresh code.
#[utoipa::path(post, path = "/withdraw", tag = "withdrawals", security(("bearer" = [])), request_body = WithdrawRequest,
    params(("Idempotency-Key" = String, Header, description = "required; 1–64 characters")),
    responses((status = 202, body = WithdrawalAccepted), (status = 403, description = "two-factor code missing, wrong or used"),
              (status = 409, description = "insufficient funds"),
              (status = 422, description = "invalid address, amount or key, or a key reused for another request"),
              (status = 503, description = "no hot wallet configured, or a dependency down")))]
pub async fn withdraw(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    headers: HeaderMap,
    ApiJson(req): ApiJson<WithdrawRequest>,
) -> ApiResult<(StatusCode, Json<WithdrawalAccepted>)> {
    let key = idempotency_key(&headers)?;
    let address = MoneroAddress::parse(&req.address, state.network)
        .map_err(|e| ApiError::invalid("address", format!("address: {e}")))?;
    let amount = bounded_amount(&req.amount, state.max_amount, "amount")?;
    crate::accounts::ensure_active(&state, caller).await?;
    // A retry of a request already accepted moves nothing, so it needs no second code
    // (the first one is spent by now).
    if let Some(existing) = find_by_key(&state, caller.id, &key).await? {
        return replay(existing, &address, amount);
    }
    crate::accounts::second_factor(&state, caller.id, req.totp.as_deref()).await?;
    // After the code check, so the web's code step can be exercised without a wallet.
    if !state.wallet_configured {
        return Err(ApiError::unavailable(
            "withdrawals are unavailable: this platform has no hot wallet configured",
        ));
    }
    let reserve = Move::new(
        Account::User(caller.id, UserAccount::Available),
        Account::User(caller.id, UserAccount::Withdrawing),
        amount,
    );
    ledger::ensure_accounts(&state.db, &ledger::accounts_of(&[reserve])).await?;
    let tx = write_tx(&state.db).await?;
    let now = now_ms();
    let row = withdrawal::ActiveModel {
        user_id: Set(caller.id),
        idempotency_key: Set(key.clone()),
        address: Set(address.as_str().to_owned()),
        amount: Set(amount.as_i64()),
        status: Set("queued".into()),
        tx_hashes: Set(String::new()),
        fee: Set(None),
        last_error: Set(String::new()),
        attempts: Set(0),
        lease_until_ms: Set(0),
        created_at_ms: Set(now),
        updated_at_ms: Set(now),
        relayed_at_ms: Set(None),
        confirmed_at_ms: Set(None),
        ..Default::default()
    };
    let id = match withdrawal::Entity::insert(row).exec(&tx).await {
        Ok(r) => r.last_insert_id,
        Err(e) if is_unique_violation(&e) => {
            drop(tx);
            let existing = find_by_key(&state, caller.id, &key)
                .await?
                .ok_or_else(|| ApiError::internal("withdrawal vanished"))?;
            return replay(existing, &address, amount);
        }
        Err(e) => return Err(e.into()),
    };
    let entry = Entry {
        kind: "withdrawal_request",
        reference: format!("withdrawal:{id}"),
        memo: format!("to {}", &address.as_str()[..12]),
        actor_id: Some(caller.id),
    };
    ledger::post(&tx, entry, &[reserve])
        .await
        .map_err(|e| e.into_api("your available balance does not cover this amount"))?;
    if state.publisher.is_some() {
        outbox::Entity::insert(outbox::ActiveModel {
            withdrawal_id: Set(id),
            created_at_ms: Set(now),
            published_at_ms: Set(None),
            ..Default::default()
        })
        .exec_without_returning(&tx)
        .await?;
    }
    tx.commit().await?;
    tracing::info!(withdrawal_id = id, user_id = caller.id, amount = %amount, "withdrawal queued");
    if state.publisher.is_some() {
        state.outbox_wake.notify_one();
        return Ok((
            StatusCode::ACCEPTED,
            Json(WithdrawalAccepted {
                withdrawal_id: id,
                status: WithdrawalStatus::Queued,
            }),
        ));
    }
    // Push, not poll: wake the wallet worker now. If it is down, its periodic sweep (and
    // restart) finds the withdrawal in the database anyway.
    let wallet = state.wallet.clone();
    tokio::spawn(async move {
        let _: Result<WorkerWoken, _> = wallet
            .post("/internal/withdrawals/wake", &WakeWorker { id })
            .await;
    });
    Ok((
        StatusCode::ACCEPTED,
        Json(WithdrawalAccepted {
            withdrawal_id: id,
            status: WithdrawalStatus::Queued,
        }),
    ))
}

/// The answer to a repeated `Idempotency-Key`: the first withdrawal if the request is the
/// same one (address and amount, which the row keeps), else 422, so a client that reuses
/// keys by mistake learns it instead of being told a different withdrawal was accepted.
fn replay(
    existing: withdrawal::Model,
    address: &MoneroAddress,
    amount: Piconero,
) -> ApiResult<(StatusCode, Json<WithdrawalAccepted>)> {
    if existing.address != address.as_str() || existing.amount != amount.as_i64() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::IdempotencyKeyReused,
            "this Idempotency-Key was already used for a different withdrawal; use a new key for a new request",
        )
        .with_field("Idempotency-Key"));
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(WithdrawalAccepted {
            withdrawal_id: existing.id,
            status: existing.status.parse().map_err(ApiError::internal)?,
        }),
    ))
}

async fn find_by_key(
    state: &TransactionsState,
    user_id: i64,
    key: &str,
) -> ApiResult<Option<withdrawal::Model>> {
    Ok(withdrawal::Entity::find()
        .filter(withdrawal::Column::UserId.eq(user_id))
        .filter(withdrawal::Column::IdempotencyKey.eq(key))
        .one(&state.db)
        .await?)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

/// The caller's withdrawals, newest first.
#[utoipa::path(get, path = "/withdrawals", tag = "withdrawals", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = WithdrawalPage)))]
pub async fn list(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<WithdrawalPage>> {
    let (limit, offset) = page(q.limit, q.offset, 200)?;
    let query = withdrawal::Entity::find().filter(withdrawal::Column::UserId.eq(caller.id));
    let total = query.clone().count(&state.db).await?;
    let rows = query
        .order_by_desc(withdrawal::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(&state.db)
        .await?;
    Ok(Json(WithdrawalPage {
        withdrawals: rows.iter().map(view).collect::<ApiResult<_>>()?,
        total,
    }))
}

/// One withdrawal: its status, transaction hashes, fee and any error.
#[utoipa::path(get, path = "/withdrawals/{id}", tag = "withdrawals", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = WithdrawalView), (status = 404, description = "no such withdrawal")))]
pub async fn get(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<WithdrawalView>> {
    let w = withdrawals::load(&state.db, id).await?;
    if w.user_id != caller.id && caller.role != Role::Admin {
        return Err(ApiError::not_found("no such withdrawal"));
    }
    Ok(Json(view(&w)?))
}

/// Cancel one of your own withdrawals while it is still `queued` (nothing signed yet): the
/// amount returns to `available` in one ledger entry. Once the wallet has claimed it, it is
/// too late (409). Repeating a cancel answers with the cancelled withdrawal.
#[utoipa::path(post, path = "/withdrawals/{id}/cancel", tag = "withdrawals", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = WithdrawalView), (status = 404, description = "no such withdrawal (or not yours)"),
              (status = 409, description = "no longer queued")))]
pub async fn cancel(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<WithdrawalView>> {
    let w = withdrawals::load(&state.db, id).await?;
    if w.user_id != caller.id {
        return Err(ApiError::not_found("no such withdrawal"));
    }
    crate::accounts::ensure_active(&state, caller).await?;
    Ok(Json(view(
        &withdrawals::cancel(&state.db, id, caller.id).await?,
    )?))
}

pub async fn internal_claim(
    State(state): State<TransactionsState>,
    _caller: ServiceCaller,
    ApiJson(req): ApiJson<ClaimRequest>,
) -> ApiResult<Json<ClaimAnswer>> {
    Ok(Json(ClaimAnswer {
        withdrawal: withdrawals::claim(&state.db, req.id).await?,
    }))
}

/// A worker's report: the step is parsed from the path (an unknown one is 404), and the
/// body must be exactly what that step carries (else 422, never a default).
pub async fn internal_progress(
    State(state): State<TransactionsState>,
    _caller: ServiceCaller,
    ApiPath((id, step)): ApiPath<(i64, String)>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<Json<WithdrawalView>> {
    let step: WithdrawalEvent = step
        .parse()
        .map_err(|_| ApiError::not_found("no such step"))?;
    let db = &state.db;
    let w = match step {
        WithdrawalEvent::Signed => {
            let sent: Sent = report(body)?;
            withdrawals::signed(db, id, &sent.tx_hashes, sent.fee.as_i64()).await?
        }
        WithdrawalEvent::Relayed => {
            let sent: Sent = report(body)?;
            withdrawals::relayed(db, id, &sent.tx_hashes, sent.fee.as_i64()).await?
        }
        WithdrawalEvent::Failed => {
            let why: Reason = report(body)?;
            withdrawals::failed(db, id, &why.reason).await?
        }
        WithdrawalEvent::Release => {
            let why: Reason = report(body)?;
            withdrawals::release(db, id, &why.reason).await?
        }
        WithdrawalEvent::Confirmed => {
            let Confirmed {} = report(body)?;
            withdrawals::confirmed(db, id).await?
        }
        // Not a worker's to report: claims have their own route, cancelling is the owner's.
        WithdrawalEvent::Claim | WithdrawalEvent::Cancel => {
            return Err(ApiError::not_found("no such step"));
        }
    };
    Ok(Json(view(&w)?))
}

/// Why a withdrawal is waiting (e.g. the daemon is unreachable), shown to its owner.
pub async fn internal_note(
    State(state): State<TransactionsState>,
    _caller: ServiceCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(why): ApiJson<Reason>,
) -> ApiResult<Json<WithdrawalView>> {
    let w = withdrawals::note(&state.db, id, &why.reason).await?;
    Ok(Json(view(&w)?))
}

fn report<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> ApiResult<T> {
    serde_json::from_value(body).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidBody,
            format!("this step's report: {e}"),
        )
    })
}
