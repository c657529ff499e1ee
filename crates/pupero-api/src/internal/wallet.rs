//! Asked of the wallet service (by transactions).

use serde::{Deserialize, Serialize};

use pupero_core::{DepositStatus, Piconero};

/// `POST /internal/users/{id}/deposit-address`: the user's subaddress, created on first use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletAddress {
    pub address: String,
    /// The subaddress index (account 0).
    pub address_index: i64,
}

/// `GET /internal/users/{id}/deposits`: what arrived on the user's subaddress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletDeposits {
    pub deposits: Vec<WalletDeposit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletDeposit {
    pub txid: String,
    pub amount: Piconero,
    /// 0 while in the pool.
    pub confirmations: i64,
    pub required_confirmations: u64,
    pub status: DepositStatus,
    pub first_seen_ms: i64,
    pub credited_at_ms: Option<i64>,
}

/// `POST /internal/withdrawals/wake` (transactions): a withdrawal was queued, run the
/// worker now instead of at its next safety-net pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WakeWorker {
    pub id: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerWoken {
    pub woken: bool,
}

/// On the RabbitMQ withdrawal queue (transactions' outbox → the wallet's consumer): a
/// withdrawal to send now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalQueued {
    pub withdrawal_id: i64,
}

/// `POST /internal/chain/notify` (the wallet's own host: `pupero notify`, run by
/// monero-wallet-rpc's `--tx-notify` and monerod's `--block-notify`): something arrived,
/// sweep for deposits now instead of at the next interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainNotice {
    /// `tx` (a transaction of the hot wallet, in the pool or a block) or `block`.
    pub event: String,
    /// The transaction's or block's hash: 64 hexadecimal characters.
    pub hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepWoken {
    pub woken: bool,
}
