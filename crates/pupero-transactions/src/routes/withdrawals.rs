//! Withdrawal requests and the wallet worker's internal routes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use pupero_core::{MoneroAddress, Role};
use pupero_http::{
    ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, AuthUser, IdempotencyKey, PageQuery,
    ServiceCaller,
};

use super::bounded_amount;
use crate::TransactionsState;
use crate::store::withdrawals as store;
use crate::withdrawals::{self, Claimed, WithdrawalView, view};

#[derive(Debug, Deserialize, ToSchema)]
pub struct WithdrawRequest {
    /// A Monero address of the platform's network.
    pub address: String,
    /// XMR, e.g. `"1.25"`. The platform pays the network fee.
    pub amount: String,
    /// A current two-factor code (or a recovery code), required when 2FA is on. It is not
    /// part of the request's identity: a retry with the same key may carry a new code.
    pub totp: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    pub withdrawal_id: i64,
    pub status: String,
}

/// Ask for a withdrawal. The amount leaves `available` at once (into `withdrawing`); the
/// wallet sends it within moments. Repeating the request with the same `Idempotency-Key`
/// returns the same withdrawal; the same key with another address or amount is refused
/// with 422 `idempotency_key_reused`. With 2FA on, `totp` must be a fresh code.
#[utoipa::path(post, path = "/withdraw", tag = "withdrawals", security(("bearer" = [])), request_body = WithdrawRequest,
    params(("Idempotency-Key" = String, Header, description = "required; 1–64 characters")),
    responses((status = 202, body = Accepted), (status = 403, description = "two-factor code missing, wrong or used"),
              (status = 409, description = "insufficient funds"),
              (status = 422, description = "invalid address, amount or key, or a key reused for another request"),
              (status = 503, description = "no hot wallet configured, or a dependency down")))]
pub async fn withdraw(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    key: IdempotencyKey,
    ApiJson(req): ApiJson<WithdrawRequest>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
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
        Json(Accepted {
            withdrawal_id,
            status: status.to_string(),
        }),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WithdrawalPage {
    pub withdrawals: Vec<WithdrawalView>,
    pub total: u64,
}

/// The caller's withdrawals, newest first.
#[utoipa::path(get, path = "/withdrawals", tag = "withdrawals", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = WithdrawalPage)))]
pub async fn list(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<WithdrawalPage>> {
    let (rows, total) = store::page_of(&state.db, caller.id, q.page(50, 200)?).await?;
    Ok(Json(WithdrawalPage {
        withdrawals: rows.iter().map(view).collect::<Result<_, _>>()?,
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
    let w = withdrawals::cancel(&state, id, caller).await?;
    Ok(Json(view(&w)?))
}

#[derive(Debug, Default, Deserialize)]
pub struct ClaimRequest {
    pub id: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct ClaimAnswer {
    pub withdrawal: Option<Claimed>,
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

#[derive(Debug, Default, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub tx_hashes: Vec<String>,
    #[serde(default)]
    pub fee: i64,
    #[serde(default)]
    pub reason: String,
}

pub async fn internal_progress(
    State(state): State<TransactionsState>,
    _caller: ServiceCaller,
    ApiPath((id, step)): ApiPath<(i64, String)>,
    ApiJson(p): ApiJson<Progress>,
) -> ApiResult<Json<WithdrawalView>> {
    let db = &state.db;
    let w = match step.as_str() {
        "signed" => withdrawals::signed(db, id, &p.tx_hashes, p.fee).await?,
        "relayed" => withdrawals::relayed(db, id, &p.tx_hashes, p.fee).await?,
        "failed" => withdrawals::failed(db, id, &p.reason).await?,
        "release" => withdrawals::release(db, id, &p.reason).await?,
        "note" => withdrawals::note(db, id, &p.reason).await?,
        "confirmed" => withdrawals::confirmed(db, id).await?,
        _ => return Err(ApiError::not_found("no such step")),
    };
    Ok(Json(view(&w)?))
}
