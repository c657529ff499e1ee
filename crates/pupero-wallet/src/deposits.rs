//! Deposits: a subaddress per user, and the sweeper that credits each (txid, subaddress)
//! exactly once when it has enough confirmations and is unlocked.
//!
//! Exactly once rests on two keys: the wallet records each deposit under a unique
//! (txid, subaddress index), and the ledger refuses a second credit with the same key
//! (`/internal/deposits/credit` is idempotent). A crash between "credited in the ledger"
//! and "marked credited here" only makes the next pass ask again and hear "already".
//! Nothing is ever credited from `balance`, which counts unconfirmed pool transactions.

use std::collections::HashMap;

use pupero_api::internal::transactions::{CreditRequest, Credited};
use pupero_api::internal::wallet::{WalletAddress, WalletDeposit};
use pupero_core::Piconero;
use pupero_db::{is_unique_violation, now_ms};
use pupero_http::ApiError;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::WalletState;
use crate::entity::{deposit, deposit_address};
use crate::rpc::{RpcError, Transfer};

fn wallet_unavailable(e: &RpcError) -> ApiError {
    tracing::warn!(error = %e, "wallet RPC call failed");
    ApiError::unavailable("the wallet is unavailable; try again shortly")
}

/// The user's deposit subaddress, created (and saved in the wallet) on first use.
pub async fn address_for(state: &WalletState, user_id: i64) -> Result<WalletAddress, ApiError> {
    if let Some(row) = find_address(state, user_id).await? {
        return Ok(WalletAddress {
            address: row.address,
            address_index: row.address_index,
        });
    }
    let wallet = state.wallet()?;
    // One creation at a time per process; across replicas the unique user_id decides.
    let _guard = state.address_lock.lock().await;
    if let Some(row) = find_address(state, user_id).await? {
        return Ok(WalletAddress {
            address: row.address,
            address_index: row.address_index,
        });
    }
    let created = wallet
        .create_address(&format!("user-{user_id}"))
        .await
        .map_err(|e| wallet_unavailable(&e))?;
    let row = deposit_address::ActiveModel {
        user_id: Set(user_id),
        address_index: Set(i64::from(created.address_index)),
        address: Set(created.address.clone()),
        created_at_ms: Set(now_ms()),
        ..Default::default()
    };
    match deposit_address::Entity::insert(row).exec(&state.db).await {
        Ok(_) => Ok(WalletAddress {
            address: created.address,
            address_index: i64::from(created.address_index),
        }),
        Err(e) if is_unique_violation(&e) => {
            let row = find_address(state, user_id)
                .await?
                .ok_or_else(|| ApiError::internal("address vanished"))?;
            Ok(WalletAddress {
                address: row.address,
                address_index: row.address_index,
            })
        }
        Err(e) => Err(e.into()),
    }
}

async fn find_address(
    state: &WalletState,
    user_id: i64,
) -> Result<Option<deposit_address::Model>, ApiError> {
    Ok(deposit_address::Entity::find()
        .filter(deposit_address::Column::UserId.eq(user_id))
        .one(&state.db)
        .await?)
}

pub async fn deposits_of(
    state: &WalletState,
    user_id: i64,
) -> Result<Vec<WalletDeposit>, ApiError> {
    let rows = deposit::Entity::find()
        .filter(deposit::Column::UserId.eq(user_id))
        .order_by_desc(deposit::Column::Id)
        .all(&state.db)
        .await?;
    rows.into_iter()
        .map(|d| {
            Ok(WalletDeposit {
                txid: d.txid,
                amount: Piconero::new(d.amount).unwrap_or_default(),
                confirmations: d.confirmations,
                required_confirmations: state.confirmations,
                status: d.status.parse().map_err(ApiError::internal)?,
                first_seen_ms: d.first_seen_ms,
                credited_at_ms: d.credited_at_ms,
            })
        })
        .collect()
}

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    pub seen: usize,
    pub credited: usize,
}

/// One pass: refresh the wallet, record what arrived on users' subaddresses, and credit
/// what is confirmed and unlocked.
pub async fn sweep(state: &WalletState) -> Result<SweepReport, ApiError> {
    let wallet = state.wallet()?;
    wallet.refresh().await.map_err(|e| wallet_unavailable(&e))?;
    let transfers = wallet
        .incoming(None)
        .await
        .map_err(|e| wallet_unavailable(&e))?;
    let owners: HashMap<i64, i64> = deposit_address::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.address_index, a.user_id))
        .collect();
    let mut report = SweepReport::default();
    let confirmed = transfers.incoming.iter().map(|t| (t, true));
    let pooled = transfers.pool.iter().map(|t| (t, false));
    for (transfer, in_block) in confirmed.chain(pooled) {
        if transfer.subaddr_index.major != 0 || transfer.kind == "block" {
            continue;
        }
        let index = i64::from(transfer.subaddr_index.minor);
        let Some(&user_id) = owners.get(&index) else {
            continue;
        };
        report.seen += 1;
        let row = record(state, transfer, index, user_id).await?;
        let creditable = in_block
            && row.status == "pending"
            && !transfer.locked
            && !transfer.double_spend_seen
            && transfer.confirmations >= state.confirmations;
        if creditable {
            let request = CreditRequest {
                deposit_key: format!("{}:{}", transfer.txid, index),
                user_id,
                amount: Piconero::new(row.amount).map_err(ApiError::internal)?,
                txid: transfer.txid.clone(),
            };
            let answer: Credited = state
                .transactions
                .post("/internal/deposits/credit", &request)
                .await?;
            if !answer.credited {
                // A crash after the ledger's credit and before the row below was marked.
                tracing::info!(user_id, txid = %transfer.txid, "deposit was already credited");
            }
            deposit::Entity::update_many()
                .col_expr(deposit::Column::Status, Expr::value("credited"))
                .col_expr(deposit::Column::CreditedAtMs, Expr::value(now_ms()))
                .filter(deposit::Column::Id.eq(row.id))
                .exec(&state.db)
                .await?;
            tracing::info!(user_id, txid = %transfer.txid, amount = %request.amount, "deposit credited");
            report.credited += 1;
        }
    }
    Ok(report)
}

/// Inserts or refreshes the deposit row of (txid, subaddress).
async fn record(
    state: &WalletState,
    t: &Transfer,
    index: i64,
    user_id: i64,
) -> Result<deposit::Model, ApiError> {
    let amount =
        i64::try_from(t.amount).map_err(|_| ApiError::internal("deposit amount overflows"))?;
    let now = now_ms();
    let find = || {
        deposit::Entity::find()
            .filter(deposit::Column::Txid.eq(t.txid.as_str()))
            .filter(deposit::Column::AddressIndex.eq(index))
            .one(&state.db)
    };
    if find().await?.is_none() {
        let status = if amount < state.min_sweep.as_i64() {
            "below_minimum"
        } else {
            "pending"
        };
        let row = deposit::ActiveModel {
            txid: Set(t.txid.clone()),
            address_index: Set(index),
            user_id: Set(user_id),
            amount: Set(amount),
            height: Set(i64::try_from(t.height).unwrap_or(0)),
            confirmations: Set(i64::try_from(t.confirmations).unwrap_or(0)),
            status: Set(status.to_owned()),
            first_seen_ms: Set(now),
            updated_at_ms: Set(now),
            credited_at_ms: Set(None),
            ..Default::default()
        };
        match deposit::Entity::insert(row).exec(&state.db).await {
            Ok(_) => {}
            // Another replica recorded it a moment ago.
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e.into()),
        }
    } else {
        deposit::Entity::update_many()
            .col_expr(
                deposit::Column::Height,
                Expr::value(i64::try_from(t.height).unwrap_or(0)),
            )
            .col_expr(
                deposit::Column::Confirmations,
                Expr::value(i64::try_from(t.confirmations).unwrap_or(0)),
            )
            .col_expr(deposit::Column::UpdatedAtMs, Expr::value(now))
            .filter(deposit::Column::Txid.eq(t.txid.as_str()))
            .filter(deposit::Column::AddressIndex.eq(index))
            .exec(&state.db)
            .await?;
    }
    find()
        .await?
        .ok_or_else(|| ApiError::internal("deposit row vanished"))
}

/// Sweeps every `sweep_interval` until the process stops.
pub fn spawn_sweeper(state: WalletState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(state.sweep_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match sweep(&state).await {
                Ok(r) if r.credited > 0 => tracing::info!(credited = r.credited, "deposit sweep"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "deposit sweep failed; will retry"),
            }
        }
    })
}
