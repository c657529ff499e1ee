//! Deposits: the caller's subaddress (with a QR code), what has arrived on it, and the
//! wallet's idempotent credit of a confirmed deposit.

use axum::Json;
use axum::extract::State;
use qrcode::QrCode;
use qrcode::render::svg;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde::Serialize;
use utoipa::ToSchema;

use pupero_api::internal::transactions::{CreditRequest, Credited};
use pupero_api::internal::wallet::{WalletAddress, WalletDeposits};
use pupero_api::money::{DepositView, Deposits};
use pupero_db::{is_unique_violation, now_ms, write_tx};
use pupero_http::{ActiveUser, ApiError, ApiJson, ApiResult, AuthUser, ServiceCaller, rfc3339};

use crate::TransactionsState;
use crate::entity::deposit_credit;
use crate::ledger::{self, Account, Entry, Move, PlatformAccount, UserAccount};

#[derive(Debug, Serialize, ToSchema)]
pub struct DepositAddressView {
    /// A subaddress of the platform's hot wallet that belongs to the caller alone.
    pub address: String,
    /// The `monero:` URI as an SVG QR code.
    pub qr_svg: String,
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
    let code =
        QrCode::new(format!("monero:{}", wallet.address).as_bytes()).map_err(ApiError::internal)?;
    let qr_svg = code
        .render::<svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    Ok(Json(DepositAddressView {
        address: wallet.address,
        qr_svg,
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
    let moved = Move::new(
        Account::Platform(PlatformAccount::Deposits),
        Account::User(req.user_id, UserAccount::Available),
        req.amount,
    );
    ledger::ensure_accounts(&state.db, &ledger::accounts_of(&[moved])).await?;
    let tx = write_tx(&state.db).await?;
    let entry = Entry {
        kind: "deposit",
        // The full deposit key is on the deposit_credits row that points at this entry.
        reference: format!("user:{}", req.user_id),
        memo: format!("deposit {}", req.deposit_key),
        actor_id: None,
    };
    let entry_id = ledger::post(&tx, entry, &[moved])
        .await
        .map_err(|e| e.into_api("a deposit credit cannot be refused"))?;
    let row = deposit_credit::ActiveModel {
        deposit_key: Set(req.deposit_key.clone()),
        user_id: Set(req.user_id),
        amount: Set(req.amount.as_i64()),
        txid: Set(req.txid.clone()),
        entry_id: Set(entry_id),
        created_at_ms: Set(now_ms()),
        ..Default::default()
    };
    match deposit_credit::Entity::insert(row).exec(&tx).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(Json(Credited { credited: true }))
        }
        // Credited before: dropping the transaction also drops this entry.
        Err(e) if is_unique_violation(&e) => Ok(Json(Credited { credited: false })),
        Err(e) => Err(e.into()),
    }
}
