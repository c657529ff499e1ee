//! Balances, the ledger statement, deposits and withdrawals (the transactions service),
//! and the hot wallet's operator routes (the wallet service).

use serde::{Deserialize, Serialize};

use pupero_core::{DepositStatus, EntryKind, Piconero, WithdrawalStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BalancesView {
    pub user_id: i64,
    /// Spendable XMR.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub available: Piconero,
    /// Held for open trades.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub escrow: Piconero,
    /// Promised to withdrawals not yet sent.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub withdrawing: Piconero,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub total: Piconero,
}

/// One posting to one of the caller's accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementLine {
    pub entry_id: i64,
    /// e.g. `trade_open`, `trade_release`, `trade_refund`, `adjustment`, `transfer`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: EntryKind,
    pub reference: String,
    pub memo: String,
    /// `available`, `escrow` or `withdrawing`.
    pub account: String,
    /// Signed XMR, twelve decimals: negative left the account.
    pub amount: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdjustRequest {
    pub user_id: i64,
    /// XMR, positive.
    pub amount: String,
    /// `credit` adds to the user's available balance, `debit` takes from it.
    pub direction: String,
    /// Why; kept in the journal and the audit log.
    pub reason: String,
    /// A current two-factor code, required when the admin has 2FA.
    pub totp: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferRequest {
    pub from_user_id: i64,
    pub to_user_id: i64,
    pub amount: String,
    pub reason: String,
    /// A current two-factor code, required when the admin has 2FA.
    pub totp: Option<String>,
}

/// The answer to an adjustment or a transfer: the journal entry and the balances after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Adjusted {
    pub entry_id: i64,
    pub balances: BalancesView,
}

/// The caller's deposit address. (The page draws its QR code from the address.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepositAddressView {
    /// A subaddress of the platform's hot wallet that belongs to the caller alone.
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepositView {
    pub txid: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount: Piconero,
    /// 0 while in the pool.
    pub confirmations: i64,
    pub required_confirmations: u64,
    /// `pending` (waiting for confirmations), `credited`, or `below_minimum` (recorded, not credited).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: DepositStatus,
    pub first_seen: String,
    pub credited_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deposits {
    pub deposits: Vec<DepositView>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawRequest {
    /// A Monero address of the platform's network.
    pub address: String,
    /// XMR, e.g. `"1.25"`. The platform pays the network fee.
    pub amount: String,
    /// A current two-factor code (or a recovery code), required when 2FA is on. It is not
    /// part of the request's identity: a retry with the same key may carry a new code.
    pub totp: Option<String>,
}

/// The answer to a withdrawal request (202), or to its repetition with the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawalAccepted {
    pub withdrawal_id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: WithdrawalStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawalView {
    pub id: i64,
    pub address: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount: Piconero,
    /// `queued`, `signing`, `signed`, `relayed`, `confirmed`, `failed` or `cancelled`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: WithdrawalStatus,
    pub tx_hashes: Vec<String>,
    /// Network fee paid by the platform, once relayed.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub fee: Option<Piconero>,
    /// Why it is waiting or why it failed.
    pub error: Option<String>,
    pub created_at: String,
    pub relayed_at: Option<String>,
    pub confirmed_at: Option<String>,
}

/// The hot wallet's balance (admins, the wallet service).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WalletBalance {
    /// XMR in the hot wallet, including what is not spendable yet.
    pub balance: String,
    /// XMR spendable now.
    pub unlocked_balance: String,
    pub wallet_height: u64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExecuteRequest {
    pub withdrawal_id: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Executed {
    pub withdrawal_id: i64,
    /// The worker ran for it; see `GET /transactions/withdrawals/{id}` for the outcome.
    pub processed: bool,
}
