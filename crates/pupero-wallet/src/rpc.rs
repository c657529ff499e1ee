//! A thin typed client for `monero-wallet-rpc` and `monerod`: one method per call used,
//! typed requests and responses, Digest auth when configured, and error codes mapped to
//! errors the platform can act on.
//!
//! Facts of Debian's 0.18.0.0 this code relies on (shared/monero-regtest.md): errors come
//! as JSON-RPC `error{code,message}` with HTTP 200; empty collections are omitted (so every
//! list is `#[serde(default)]`); amounts are u64 piconero sent as JSON integers; `-4` covers
//! unrelated failures and a dead daemon can answer `code 0` — never key logic on messages.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use pupero_http::{HttpClientError, build_client};

#[derive(Debug, thiserror::Error)]
pub enum RpcError {
    #[error("the wallet RPC is unreachable: {0}")]
    Unreachable(String),
    #[error("the wallet has no connection to its daemon")]
    NoDaemon,
    #[error("not enough unlocked money in the hot wallet")]
    NotEnoughUnlockedMoney,
    #[error("not enough money in the hot wallet")]
    NotEnoughMoney,
    #[error("the wallet refused the address")]
    InvalidAddress,
    #[error("no wallet is open")]
    NoWalletOpen,
    #[error("transaction not found")]
    TransactionNotFound,
    #[error("wallet RPC error {code}: {message}")]
    Other { code: i64, message: String },
    #[error("unexpected answer from the wallet RPC: {0}")]
    Protocol(String),
}

impl RpcError {
    fn from_code(code: i64, message: String) -> Self {
        match code {
            -37 => RpcError::NotEnoughUnlockedMoney,
            -17 => RpcError::NotEnoughMoney,
            -2 => RpcError::InvalidAddress,
            -13 => RpcError::NoWalletOpen,
            -38 => RpcError::NoDaemon,
            -8 => RpcError::TransactionNotFound,
            _ => RpcError::Other { code, message },
        }
    }

    /// Errors that pass by themselves (a restarting daemon or wallet); worth retrying.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            RpcError::Unreachable(_) | RpcError::NoDaemon | RpcError::Other { code: 0, .. }
        )
    }
}

#[derive(Clone)]
struct Endpoint {
    http: reqwest::Client,
    url: String,
    credentials: Option<(String, String)>,
}

impl Endpoint {
    fn new(
        url: &str,
        credentials: Option<(String, String)>,
        timeout: Duration,
    ) -> Result<Self, HttpClientError> {
        let http = build_client(
            &pupero_config::redact_url(url),
            reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(Duration::from_secs(3)),
        )?;
        Ok(Self {
            http,
            url: url.trim_end_matches('/').to_owned(),
            credentials,
        })
    }

    async fn post(&self, path: &str, body: &Value) -> Result<Value, RpcError> {
        let url = format!("{}{path}", self.url);
        let payload = serde_json::to_vec(body).map_err(|e| RpcError::Protocol(e.to_string()))?;
        let send = |authorization: Option<String>| {
            let mut request = self
                .http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(payload.clone());
            if let Some(value) = authorization {
                request = request.header(reqwest::header::AUTHORIZATION, value);
            }
            request.send()
        };
        let unreachable = |e: reqwest::Error| RpcError::Unreachable(e.to_string());
        let mut response = send(None).await.map_err(unreachable)?;
        let Some((user, password)) = &self.credentials else {
            return response
                .json::<Value>()
                .await
                .map_err(|e| RpcError::Protocol(e.to_string()));
        };
        // A 401 means the request was not processed, so the whole exchange may be repeated:
        // 0.18 binds a nonce to its connection and sometimes refuses an answer (seen while it
        // reopens a wallet), and a fresh challenge then goes through.
        for attempt in 0..5 {
            if response.status() != reqwest::StatusCode::UNAUTHORIZED {
                break;
            }
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                response = send(None).await.map_err(unreachable)?;
                if response.status() != reqwest::StatusCode::UNAUTHORIZED {
                    break;
                }
            }
            // Digest (MD5, qop=auth; the first of the two challenges 0.18 sends). The
            // challenge's body is read to the end so the answer can go out on the same
            // keep-alive connection.
            let challenge = response
                .headers()
                .get(reqwest::header::WWW_AUTHENTICATE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .ok_or_else(|| RpcError::Protocol("401 without a Digest challenge".into()))?;
            let _ = response.bytes().await;
            let mut prompt =
                digest_auth::parse(&challenge).map_err(|e| RpcError::Protocol(e.to_string()))?;
            let context = digest_auth::AuthContext::new_post(
                user.as_str(),
                password.as_str(),
                path,
                Some(payload.as_slice()),
            );
            let answer = prompt
                .respond(&context)
                .map_err(|e| RpcError::Protocol(e.to_string()))?;
            response = send(Some(answer.to_header_string()))
                .await
                .map_err(unreachable)?;
        }
        if response.status() == reqwest::StatusCode::UNAUTHORIZED {
            return Err(RpcError::Protocol(
                "401 from the RPC: check MONERO_RPC_USER/PASSWORD".into(),
            ));
        }
        response
            .json::<Value>()
            .await
            .map_err(|e| RpcError::Protocol(e.to_string()))
    }

    async fn json_rpc<R: DeserializeOwned>(
        &self,
        method: &str,
        params: Value,
    ) -> Result<R, RpcError> {
        let body = json!({"jsonrpc": "2.0", "id": "0", "method": method, "params": params});
        read_answer(method, self.post("/json_rpc", &body).await?)
    }
}

/// A JSON-RPC answer body as the result it carries or the typed error it names. 0.18 sends
/// errors with HTTP 200, so the body alone decides.
fn read_answer<R: DeserializeOwned>(method: &str, mut answer: Value) -> Result<R, RpcError> {
    if let Some(error) = answer.get("error") {
        let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        return Err(RpcError::from_code(code, message));
    }
    let result = answer
        .get_mut("result")
        .map(Value::take)
        .unwrap_or(Value::Null);
    serde_json::from_value(result).map_err(|e| RpcError::Protocol(format!("{method}: {e}")))
}

/// `monero-wallet-rpc`, with the hot wallet open.
#[derive(Clone)]
pub struct WalletRpc(Endpoint);

/// `monerod`'s RPC (heights, pool and chain lookups, and `generateblocks` on regtest).
#[derive(Clone)]
pub struct DaemonRpc(Endpoint);

#[derive(Debug, Clone, Deserialize)]
pub struct Height {
    pub height: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Balance {
    pub balance: u64,
    pub unlocked_balance: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewAddress {
    pub address: String,
    pub address_index: u32,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct SubaddressIndex {
    pub major: u32,
    pub minor: u32,
}

/// One entry of `get_transfers` / `get_transfer_by_txid`.
#[derive(Debug, Clone, Deserialize)]
pub struct Transfer {
    pub txid: String,
    #[serde(default)]
    pub height: u64,
    pub amount: u64,
    #[serde(default)]
    pub fee: u64,
    /// Omitted for pool entries: treat as 0.
    #[serde(default)]
    pub confirmations: u64,
    #[serde(default)]
    pub locked: bool,
    #[serde(default)]
    pub unlock_time: u64,
    #[serde(default)]
    pub subaddr_index: SubaddressIndex,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub double_spend_seen: bool,
    /// The block's time (or when the pool saw it), Unix seconds; 0 if not given.
    #[serde(default)]
    pub timestamp: u64,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Transfers {
    #[serde(default, rename = "in")]
    pub incoming: Vec<Transfer>,
    #[serde(default)]
    pub pool: Vec<Transfer>,
    #[serde(default)]
    pub out: Vec<Transfer>,
    #[serde(default)]
    pub pending: Vec<Transfer>,
    #[serde(default)]
    pub failed: Vec<Transfer>,
}

/// The answer of `relay_tx` and `transfer`.
#[derive(Debug, Clone, Deserialize)]
struct TxHash {
    tx_hash: String,
}

/// The answer of `get_transfer_by_txid` (its `transfers` list repeats the entry).
#[derive(Debug, Clone, Deserialize)]
struct TransferByTxid {
    transfer: Transfer,
}

/// One payment of a transaction being built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Destination {
    pub address: String,
    /// Piconero, sent as a JSON integer.
    pub amount: u64,
}

/// One output of `incoming_transfers`.
#[derive(Debug, Clone, Deserialize)]
pub struct Output {
    pub amount: u64,
    #[serde(default)]
    pub spent: bool,
    #[serde(default)]
    pub unlocked: bool,
    #[serde(default)]
    pub frozen: bool,
}

/// A transaction set built but not relayed (two-phase send).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BuiltTransfer {
    #[serde(default)]
    pub tx_hash_list: Vec<String>,
    #[serde(default)]
    pub tx_metadata_list: Vec<String>,
    #[serde(default)]
    pub fee_list: Vec<u64>,
    #[serde(default)]
    pub amount_list: Vec<u64>,
}

impl WalletRpc {
    pub fn new(url: &str, credentials: Option<(String, String)>) -> Result<Self, HttpClientError> {
        // Building a transaction can take seconds on a busy wallet.
        Endpoint::new(url, credentials, Duration::from_secs(60)).map(Self)
    }

    pub async fn version(&self) -> Result<u64, RpcError> {
        #[derive(Deserialize)]
        struct V {
            version: u64,
        }
        Ok(self
            .0
            .json_rpc::<V>("get_version", json!({}))
            .await?
            .version)
    }

    pub async fn height(&self) -> Result<u64, RpcError> {
        Ok(self
            .0
            .json_rpc::<Height>("get_height", json!({}))
            .await?
            .height)
    }

    pub async fn balance(&self) -> Result<Balance, RpcError> {
        self.0
            .json_rpc("get_balance", json!({"account_index": 0}))
            .await
    }

    pub async fn create_wallet(&self, filename: &str, password: &str) -> Result<(), RpcError> {
        self.0
            .json_rpc::<Value>(
                "create_wallet",
                json!({"filename": filename, "password": password, "language": "English"}),
            )
            .await
            .map(|_| ())
    }

    pub async fn open_wallet(&self, filename: &str, password: &str) -> Result<(), RpcError> {
        self.0
            .json_rpc::<Value>(
                "open_wallet",
                json!({"filename": filename, "password": password}),
            )
            .await
            .map(|_| ())
    }

    pub async fn primary_address(&self) -> Result<String, RpcError> {
        #[derive(Deserialize)]
        struct A {
            address: String,
        }
        Ok(self
            .0
            .json_rpc::<A>("get_address", json!({"account_index": 0}))
            .await?
            .address)
    }

    /// A new subaddress of account 0, saved to disk at once: wallet-rpc keeps new
    /// subaddresses in memory until `store`, and a crash would hand the same index out again.
    pub async fn create_address(&self, label: &str) -> Result<NewAddress, RpcError> {
        let address: NewAddress = self
            .0
            .json_rpc(
                "create_address",
                json!({"account_index": 0, "label": label}),
            )
            .await?;
        self.store().await?;
        Ok(address)
    }

    /// How often wallet-rpc refreshes by itself (it starts at 20 s).
    pub async fn auto_refresh(&self, period: Duration) -> Result<(), RpcError> {
        let seconds = u32::try_from(period.as_secs().max(1)).unwrap_or(u32::MAX);
        self.0
            .json_rpc::<Value>("auto_refresh", json!({"enable": true, "period": seconds}))
            .await
            .map(|_| ())
    }

    pub async fn store(&self) -> Result<(), RpcError> {
        self.0
            .json_rpc::<Value>("store", json!({}))
            .await
            .map(|_| ())
    }

    pub async fn refresh(&self) -> Result<(), RpcError> {
        self.0
            .json_rpc::<Value>("refresh", json!({}))
            .await
            .map(|_| ())
    }

    /// Incoming transfers of account 0, confirmed and in the pool.
    pub async fn incoming(&self, min_height: Option<u64>) -> Result<Transfers, RpcError> {
        let params = match min_height {
            Some(h) => json!({"in": true, "pool": true, "account_index": 0,
                              "filter_by_height": true, "min_height": h}),
            None => json!({"in": true, "pool": true, "account_index": 0}),
        };
        self.0.json_rpc("get_transfers", params).await
    }

    /// Outgoing transfers of account 0, mined and pending (what the wallet has sent).
    pub async fn outgoing(&self) -> Result<Transfers, RpcError> {
        self.0
            .json_rpc(
                "get_transfers",
                json!({"out": true, "pending": true, "account_index": 0}),
            )
            .await
    }

    /// Builds a transfer without relaying it: the hashes are known before anything leaves.
    pub async fn build_transfer(
        &self,
        address: &str,
        amount: u64,
    ) -> Result<BuiltTransfer, RpcError> {
        self.build_batch(&[Destination {
            address: address.to_owned(),
            amount,
        }])
        .await
    }

    /// Builds one transaction set paying every destination (at most 15 fit one
    /// transaction with its change; wallet-rpc splits a larger set), without relaying it.
    pub async fn build_batch(
        &self,
        destinations: &[Destination],
    ) -> Result<BuiltTransfer, RpcError> {
        self.0
            .json_rpc(
                "transfer_split",
                json!({"destinations": destinations, "account_index": 0,
                       "priority": 0, "do_not_relay": true, "get_tx_metadata": true, "get_tx_keys": true}),
            )
            .await
    }

    /// Unspent outputs of account 0 (locked ones too; `unlocked` tells them apart).
    pub async fn unspent_outputs(&self) -> Result<Vec<Output>, RpcError> {
        #[derive(Deserialize)]
        struct Outputs {
            #[serde(default)]
            transfers: Vec<Output>,
        }
        Ok(self
            .0
            .json_rpc::<Outputs>(
                "incoming_transfers",
                json!({"transfer_type": "available", "account_index": 0}),
            )
            .await?
            .transfers)
    }

    pub async fn relay(&self, metadata: &str) -> Result<String, RpcError> {
        Ok(self
            .0
            .json_rpc::<TxHash>("relay_tx", json!({"hex": metadata}))
            .await?
            .tx_hash)
    }

    pub async fn transfer_by_txid(&self, txid: &str) -> Result<Transfer, RpcError> {
        Ok(self
            .0
            .json_rpc::<TransferByTxid>("get_transfer_by_txid", json!({"txid": txid}))
            .await?
            .transfer)
    }

    /// Sends at once (used by tests and the dev faucet, never for user withdrawals).
    pub async fn transfer_now(&self, address: &str, amount: u64) -> Result<String, RpcError> {
        Ok(self
            .0
            .json_rpc::<TxHash>("transfer", json!({"destinations": [{"amount": amount, "address": address}], "account_index": 0, "priority": 0}))
            .await?
            .tx_hash)
    }

    /// Stops the wallet process, saving the wallet.
    pub async fn stop(&self) -> Result<(), RpcError> {
        self.0
            .json_rpc::<Value>("stop_wallet", json!({}))
            .await
            .map(|_| ())
    }
}

impl DaemonRpc {
    pub fn new(url: &str, credentials: Option<(String, String)>) -> Result<Self, HttpClientError> {
        Endpoint::new(url, credentials, Duration::from_secs(30)).map(Self)
    }

    /// Block count (the same number wallet-rpc's `get_height` gives).
    pub async fn height(&self) -> Result<u64, RpcError> {
        let answer = self.0.post("/get_height", &json!({})).await?;
        answer
            .get("height")
            .and_then(Value::as_u64)
            .ok_or_else(|| RpcError::Protocol("no height".into()))
    }

    /// Mines `blocks` to `address` (regtest only).
    pub async fn generate(&self, blocks: u64, address: &str) -> Result<u64, RpcError> {
        let answer: Height = self
            .0
            .json_rpc(
                "generateblocks",
                json!({"amount_of_blocks": blocks, "wallet_address": address}),
            )
            .await?;
        Ok(answer.height)
    }

    /// Whether the daemon knows the transaction (in the pool or in a block).
    pub async fn knows_transaction(&self, txid: &str) -> Result<bool, RpcError> {
        let answer = self
            .0
            .post("/get_transactions", &json!({"txs_hashes": [txid]}))
            .await?;
        let missed = answer
            .get("missed_tx")
            .and_then(Value::as_array)
            .is_some_and(|m| !m.is_empty());
        let found = answer
            .get("txs")
            .and_then(Value::as_array)
            .is_some_and(|t| !t.is_empty());
        Ok(found && !missed)
    }

    pub async fn stop(&self) -> Result<(), RpcError> {
        self.0.post("/stop_daemon", &json!({})).await.map(|_| ())
    }

    /// `fakechain` on regtest, else `mainnet`, `testnet` or `stagenet`.
    pub async fn nettype(&self) -> Result<String, RpcError> {
        let info: Value = self.0.json_rpc("get_info", json!({})).await?;
        info.get("nettype")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| RpcError::Protocol("get_info without nettype".into()))
    }
}

#[cfg(test)]
mod tests {
    //! Real answer bodies (tests/fixtures, shaped after shared/monero-regtest.md) read into
    //! the types the platform acts on.

    use super::*;

    fn read<R: DeserializeOwned>(fixture: &str) -> Result<R, RpcError> {
        read_answer("fixture", serde_json::from_str(fixture).unwrap())
    }

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../tests/fixtures/", $name, ".json"))
        };
    }

    #[test]
    fn incoming_transfers_read_confirmed_locked_coinbase_and_pool_entries() {
        let t: Transfers = read(fixture!("get_transfers_in_pool")).unwrap();
        assert_eq!(t.incoming.len(), 3);
        assert!(t.out.is_empty() && t.pending.is_empty() && t.failed.is_empty());

        let confirmed = &t.incoming[0];
        assert_eq!(confirmed.kind, "in");
        assert_eq!(confirmed.amount, 10_000_000_000_000);
        assert_eq!((confirmed.height, confirmed.confirmations), (81, 10));
        assert!(!confirmed.locked && !confirmed.double_spend_seen);
        assert_eq!(
            confirmed.subaddr_index,
            SubaddressIndex { major: 0, minor: 1 }
        );

        // Two outputs to one subaddress in one transaction: one entry, the sum.
        let locked = &t.incoming[1];
        assert_eq!(locked.amount, 3_250_000_000_000);
        assert!(locked.locked);
        assert_eq!(locked.subaddr_index.minor, 2);

        let coinbase = &t.incoming[2];
        assert_eq!(coinbase.kind, "block");
        assert_eq!(coinbase.unlock_time, 61);

        // In the pool 0.18 leaves `confirmations` out: it reads as 0.
        let pool = &t.pool[0];
        assert_eq!(pool.kind, "pool");
        assert_eq!((pool.height, pool.confirmations), (0, 0));
        assert!(pool.locked);
    }

    #[test]
    fn no_transfers_is_an_empty_result_not_an_error() {
        let t: Transfers = read(fixture!("get_transfers_empty")).unwrap();
        assert!(t.incoming.is_empty() && t.pool.is_empty());
    }

    #[test]
    fn a_build_without_relay_carries_hashes_metadata_and_fees() {
        let b: BuiltTransfer = read(fixture!("transfer_split_do_not_relay")).unwrap();
        assert_eq!(
            b.tx_hash_list,
            ["f7006f76d1e2c3b4a5968778695a4b3c2d1e0f1a2b3c4d5e6f708192a3b4c5d6"]
        );
        assert_eq!(b.tx_metadata_list.len(), 1);
        assert!(!b.tx_metadata_list[0].is_empty());
        assert_eq!(b.fee_list, [30_620_000]);
        assert_eq!(b.amount_list, [7_000_000_000_000]);
    }

    #[test]
    fn a_plain_transfer_answers_its_hash() {
        let sent: TxHash = read(fixture!("transfer")).unwrap();
        assert_eq!(
            sent.tx_hash,
            "7d6c5b4a3928170f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918f0e"
        );
    }

    #[test]
    fn balances_read_with_and_without_per_subaddress_detail() {
        let b: Balance = read(fixture!("get_balance")).unwrap();
        assert_eq!(b.balance, 2_814_535_000_000_000);
        assert_eq!(b.unlocked_balance, 738_857_000_000_000);
        let empty: Balance = read(fixture!("get_balance_empty_wallet")).unwrap();
        assert_eq!((empty.balance, empty.unlocked_balance), (0, 0));
    }

    #[test]
    fn a_new_subaddress_reads_its_index_and_address() {
        let a: NewAddress = read(fixture!("create_address")).unwrap();
        assert_eq!(a.address_index, 1);
        assert!(a.address.starts_with('8'));
    }

    #[test]
    fn error_codes_become_the_errors_the_platform_acts_on() {
        let cases = [
            (
                fixture!("error_not_enough_unlocked_money"),
                "NotEnoughUnlockedMoney",
            ),
            (fixture!("error_not_enough_money"), "NotEnoughMoney"),
            (fixture!("error_wrong_address"), "InvalidAddress"),
            (fixture!("error_no_daemon"), "NoDaemon"),
            (fixture!("error_no_wallet_file"), "NoWalletOpen"),
            // A dead daemon behind a pool query: code 0, empty message.
            (
                fixture!("error_daemon_down_pool"),
                r#"Other { code: 0, message: "" }"#,
            ),
            (
                fixture!("error_commit_failed"),
                r#"Other { code: -4, message: "Failed to commit tx." }"#,
            ),
        ];
        for (body, expected) in cases {
            let error = read::<Value>(body).unwrap_err();
            assert_eq!(format!("{error:?}"), expected, "{body}");
        }
    }

    #[test]
    fn only_a_missing_daemon_or_wallet_process_is_transient() {
        let transient = |body: &str| read::<Value>(body).unwrap_err().is_transient();
        assert!(transient(fixture!("error_no_daemon")));
        assert!(transient(fixture!("error_daemon_down_pool")));
        assert!(!transient(fixture!("error_not_enough_unlocked_money")));
        assert!(!transient(fixture!("error_wrong_address")));
        assert!(!transient(fixture!("error_commit_failed")));
    }

    #[test]
    fn an_answer_of_the_wrong_shape_is_a_protocol_error_naming_the_method() {
        let body = json!({"id": "0", "jsonrpc": "2.0", "result": {"balance": "lots"}});
        let error = read_answer::<Balance>("get_balance", body).unwrap_err();
        assert!(
            matches!(&error, RpcError::Protocol(m) if m.starts_with("get_balance: ")),
            "{error:?}"
        );
    }
}
