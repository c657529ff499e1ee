//! Asked of the transactions service (the ledger): by offers, login and the wallet.

use serde::{Deserialize, Serialize};

use pupero_core::{Piconero, WithdrawalEvent, WithdrawalStatus};

/// `POST /internal/balances` (offers): can these sellers fund their offers?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalancesRequest {
    /// At most 1000.
    pub user_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailableBalances {
    pub balances: Vec<OwnerAvailable>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerAvailable {
    pub user_id: i64,
    pub available: Piconero,
}

/// `GET /internal/offers/{id}/open-trades` (offers): may this offer be deleted?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenTrades {
    pub open: u64,
}

/// `POST /internal/users/{id}/close` and `/reopen` (login, around deleting an account):
/// whether the account is now closed for trading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradingClosed {
    pub closed: bool,
}

/// `POST /internal/deposits/credit` (wallet): credit a confirmed deposit, exactly once per key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditRequest {
    /// `<txid>:<subaddress index>`, unique per deposit.
    pub deposit_key: String,
    pub user_id: i64,
    pub amount: Piconero,
    pub txid: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credited {
    /// False when this deposit had been credited before (nothing moved this time).
    pub credited: bool,
}

/// `POST /internal/network-fees` (wallet): journal the network fee of a transaction the
/// hot wallet sent itself (a float refill), exactly once per transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkFeeCharge {
    /// The transaction set's hashes; the first one is the charge's key.
    pub tx_hashes: Vec<String>,
    /// The network fee of all of them together; positive.
    pub fee: Piconero,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charged {
    /// False when this transaction's fee had been journaled before (nothing moved now).
    pub charged: bool,
}

/// `POST /internal/withdrawals/claim` (wallet): a lease on one withdrawal to send.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRequest {
    /// This withdrawal (a queue message, an operator's "execute now"); `None`: the oldest
    /// one waiting.
    pub id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimAnswer {
    /// `None`: nothing to send now.
    pub withdrawal: Option<ClaimedWithdrawal>,
}

/// What the worker needs to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimedWithdrawal {
    pub id: i64,
    pub address: String,
    pub amount: Piconero,
    pub status: WithdrawalStatus,
    /// The id of the request that asked for it (its `x-request-id`), for the worker's logs.
    #[serde(default)]
    pub request_id: Option<String>,
    /// That request's W3C `traceparent`.
    #[serde(default)]
    pub traceparent: Option<String>,
}

/// `POST /internal/withdrawals/{id}/{step}` (wallet): what the worker reports. The step is
/// the path segment, the body what that step carries, and nothing else: a message with a
/// missing field (a fee, say) is refused, never read as zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Progress {
    /// Built and stored, not yet relayed.
    Signed(Sent),
    /// On the network: the money leaves the ledger, the fee is the platform's.
    Relayed(Sent),
    /// Refused for good before anything was signed (the user is refunded).
    Failed(Reason),
    /// Give the claim back for now (e.g. funds still locked).
    Release(Reason),
    /// Ten confirmations deep.
    Confirmed(Confirmed),
}

impl Progress {
    /// The path segment this report goes to.
    pub fn step(&self) -> WithdrawalEvent {
        match self {
            Progress::Signed(_) => WithdrawalEvent::Signed,
            Progress::Relayed(_) => WithdrawalEvent::Relayed,
            Progress::Failed(_) => WithdrawalEvent::Failed,
            Progress::Release(_) => WithdrawalEvent::Release,
            Progress::Confirmed(_) => WithdrawalEvent::Confirmed,
        }
    }
}

/// The body of `signed` and `relayed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sent {
    pub tx_hashes: Vec<String>,
    /// The network fee of all of them together.
    pub fee: Piconero,
}

/// The body of `failed`, `release`, and of `POST /internal/withdrawals/{id}/note` (why a
/// withdrawal is waiting, without moving it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    pub reason: String,
}

impl Reason {
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }
}

/// The body of `confirmed`: `{}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confirmed {}

/// `GET /internal/trades/{id}/parties` (moderation): who is in a trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeParties {
    pub trade_id: i64,
    pub buyer_id: i64,
    pub seller_id: i64,
}

/// `GET /internal/messages/{id}` (moderation): who wrote a chat message, in which trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageAuthor {
    pub message_id: i64,
    pub trade_id: i64,
    pub author_id: i64,
    pub buyer_id: i64,
    pub seller_id: i64,
}

/// `POST /internal/withdrawals/{id}/executed` (wallet): an admin asks the wallet to send a
/// queued withdrawal now. The staff action goes on the transactions audit chain before the
/// wallet acts; no record, no action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecuteRequested {
    pub admin_id: i64,
}
