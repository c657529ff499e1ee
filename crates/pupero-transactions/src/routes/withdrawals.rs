//! Withdrawal requests and the wallet worker's internal routes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pupero_http::ErrorCode;

use pupero_api::Paged;
use pupero_api::internal::transactions::{ClaimAnswer, ClaimRequest, Confirmed, Reason, Sent};
use pupero_api::money::{WithdrawRequest, WithdrawalAccepted, WithdrawalView};
use pupero_core::{MoneroAddress, Role, WithdrawalEvent};
use pupero_http::{
    ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, AuthUser, IdempotencyKey, PageQuery,
    ServiceCaller,
};

use super::bounded_amount;
use crate::TransactionsState;
use crate::store::withdrawals as store;
use crate::withdrawals::{self, view};

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
    key: IdempotencyKey,
    ApiJson(req): ApiJson<WithdrawRequest>,
) -> ApiResult<(StatusCode, Json<WithdrawalAccepted>)> {
    let address = MoneroAddress::parse(&req.address, state.network)
        .map_err(|e| ApiError::invalid("address", format!("address: {e}")))?;
    let amount = bounded_amount(&req.amount, state.max_amount, "amount")?;
    let request = withdrawals::Request {
        key: key.as_str(),
        address: &address,
        amount,
        totp: req.totp.as_deref(),
    };
    let (withdrawal_id, status) = withdrawals::request(&state, caller, request).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(WithdrawalAccepted {
            withdrawal_id,
            status,
        }),
    ))
}

/// The caller's withdrawals, newest first.
#[utoipa::path(get, path = "/withdrawals", tag = "withdrawals", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Paged<WithdrawalView>)))]
pub async fn list(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<WithdrawalView>>> {
    let page = q.page(50, 200)?;
    let (rows, total) = store::page_of(&state.db, caller.id, page).await?;
    let views = rows.iter().map(view).collect::<Result<_, _>>()?;
    Ok(Json(page.of(views, total)))
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
    let w = withdrawals::cancel(&state, id, caller).await?;
    Ok(Json(view(&w)?))
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

/// For the wallet: an admin's "send it now" on a queued withdrawal, recorded on the audit
/// chain before the wallet acts on it.
pub async fn internal_executed(
    State(state): State<TransactionsState>,
    _caller: ServiceCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<pupero_api::internal::transactions::ExecuteRequested>,
) -> ApiResult<Json<WithdrawalView>> {
    let tx = pupero_db::write_tx(&state.db).await?;
    let w = store::find(&tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such withdrawal"))?;
    crate::store::audit::record(
        &tx,
        req.admin_id,
        pupero_core::AuditAction::ExecuteWithdrawal,
        format!("user:{}", w.user_id),
        format!("withdrawal {id} sent at once from the wallet service"),
    )
    .await?;
    tx.commit().await?;
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
