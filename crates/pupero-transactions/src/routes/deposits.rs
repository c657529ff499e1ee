//! Deposits: the caller's subaddress, what has arrived on it, and the
//! wallet's idempotent credit of a confirmed deposit.

use axum::Json;
use axum::extract::State;
use pupero_api::internal::transactions::{Charged, CreditRequest, Credited, NetworkFeeCharge};
use pupero_api::internal::wallet::{WalletAddress, WalletDeposits};
use pupero_api::money::{DepositAddressView, DepositView, Deposits};
use pupero_http::{ActiveUser, ApiError, ApiJson, ApiResult, AuthUser, ServiceCaller, rfc3339};

use super::errors::ledger_refusal;
use crate::TransactionsState;
use crate::deposits::{self, Deposit};
use crate::network_fees;

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
                amount: d.amount,
                confirmations: d.confirmations,
                required_confirmations: d.required_confirmations,
                status: d.status,
                first_seen: rfc3339(d.first_seen_ms),
                credited_at: d.credited_at_ms.map(rfc3339),
            })
            .collect(),
    }))
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
    if credited {
        state.notify_wake.notify_one();
    }
    Ok(Json(Credited { credited }))
}

/// For the wallet's float refill: journal the fee of a transaction it sent itself,
/// exactly once per transaction.
pub async fn network_fee(
    State(state): State<TransactionsState>,
    _caller: ServiceCaller,
    ApiJson(req): ApiJson<NetworkFeeCharge>,
) -> ApiResult<Json<Charged>> {
    let Some(key) = req.tx_hashes.first() else {
        return Err(ApiError::invalid(
            "tx_hashes",
            "tx_hashes must name the transaction",
        ));
    };
    if req
        .tx_hashes
        .iter()
        .any(|h| h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(ApiError::invalid(
            "tx_hashes",
            "each transaction hash must be 64 hexadecimal characters",
        ));
    }
    if req.fee.is_zero() {
        return Err(ApiError::invalid("fee", "a network fee must be positive"));
    }
    let charged = network_fees::charge(&state.db, key, req.fee)
        .await
        .map_err(|e| ledger_refusal(e, "a network fee cannot be refused"))?;
    Ok(Json(Charged { charged }))
}
