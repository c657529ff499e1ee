//! Deposits: the caller's subaddress, what has arrived on it, and the
//! wallet's idempotent credit of a confirmed deposit.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use pupero_core::Piconero;
use pupero_http::{ActiveUser, ApiError, ApiJson, ApiResult, AuthUser, ServiceCaller, rfc3339};

use super::errors::ledger_refusal;
use crate::TransactionsState;
use crate::deposits::{self, Deposit};

#[derive(Debug, Deserialize)]
struct WalletAddress {
    address: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepositAddressView {
    /// A subaddress of the platform's hot wallet that belongs to the caller alone.
    pub address: String,
}

/// The caller's deposit address, created on first use.
#[utoipa::path(get, path = "/deposit-address", tag = "deposits", security(("bearer" = [])),
    responses((status = 200, body = DepositAddressView), (status = 503, description = "wallet unavailable")))]
pub async fn deposit_address(
    State(state): State<TransactionsState>,
    ActiveUser(caller): ActiveUser,
) -> ApiResult<Json<DepositAddressView>> {
    let wallet: WalletAddress = state
        .wallet
        .post(
            &format!("/internal/users/{}/deposit-address", caller.id),
            &(),
        )
        .await?;
    Ok(Json(DepositAddressView {
        address: wallet.address,
    }))
}

#[derive(Debug, Deserialize)]
struct WalletDeposit {
    txid: String,
    amount: Piconero,
    confirmations: i64,
    required_confirmations: u64,
    status: String,
    first_seen_ms: i64,
    credited_at_ms: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct WalletDeposits {
    deposits: Vec<WalletDeposit>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepositView {
    pub txid: String,
    pub amount: String,
    /// 0 while in the pool.
    pub confirmations: i64,
    pub required_confirmations: u64,
    /// `pending` (waiting for confirmations), `credited`, or `below_minimum` (recorded, not credited).
    pub status: String,
    pub first_seen: String,
    pub credited_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Deposits {
    pub deposits: Vec<DepositView>,
}

/// Deposits to the caller's address: pending with their confirmations so far, and credited.
#[utoipa::path(get, path = "/deposits", tag = "deposits", security(("bearer" = [])),
    responses((status = 200, body = Deposits), (status = 503, description = "wallet unavailable")))]
pub async fn deposits(
    State(state): State<TransactionsState>,
    caller: AuthUser,
) -> ApiResult<Json<Deposits>> {
    let wallet: WalletDeposits = state
        .wallet
        .get(&format!("/internal/users/{}/deposits", caller.id))
        .await?;
    Ok(Json(Deposits {
        deposits: wallet
            .deposits
            .into_iter()
            .map(|d| DepositView {
                txid: d.txid,
                amount: d.amount.to_string(),
                confirmations: d.confirmations,
                required_confirmations: d.required_confirmations,
                status: d.status,
                first_seen: rfc3339(d.first_seen_ms),
                credited_at: d.credited_at_ms.map(rfc3339),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct CreditRequest {
    /// `<txid>:<subaddress index>`, unique per deposit.
    pub deposit_key: String,
    pub user_id: i64,
    pub amount: Piconero,
    pub txid: String,
}

#[derive(Debug, Serialize)]
pub struct Credited {
    /// False when this deposit had been credited before (nothing moved this time).
    pub credited: bool,
}

/// For the wallet's sweeper: credit a confirmed deposit, exactly once per key.
pub async fn credit(
    State(state): State<TransactionsState>,
    _caller: ServiceCaller,
    ApiJson(req): ApiJson<CreditRequest>,
) -> ApiResult<Json<Credited>> {
    if req.amount.is_zero() || req.deposit_key.is_empty() || req.deposit_key.len() > 100 {
        return Err(ApiError::invalid(
            "deposit_key",
            "a deposit needs a key and a positive amount",
        ));
    }
    let deposit = Deposit {
        key: &req.deposit_key,
        user_id: req.user_id,
        amount: req.amount,
        txid: &req.txid,
    };
    let credited = deposits::credit(&state.db, deposit)
        .await
        .map_err(|e| ledger_refusal(e, "a deposit credit cannot be refused"))?;
    Ok(Json(Credited { credited }))
}
