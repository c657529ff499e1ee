//! The wallet manager (:8004; `/monero` through the gateway, admins only): the hot
//! wallet's RPC client, a deposit subaddress per user, and the sweeper that credits
//! confirmed deposits exactly once, and the withdrawal worker (two-phase send).

pub mod deposits;
pub mod entity;
mod migration;
pub mod network;
pub mod regtest;
mod routes;
pub mod rpc;
mod store;
pub mod wallet_metrics;
pub mod withdrawals;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;

use pupero_config::{Service, Settings};
use pupero_core::{Network, Piconero};
use pupero_http::{
    AccountAuthority, ApiError, HttpClientError, InternalClient, JwtKeys, TrustedProxies,
};

pub use deposits::spawn_sweeper;
pub use migration::Migrator;
pub use routes::router;
pub use wallet_metrics::spawn_wallet_metrics;
pub use withdrawals::{spawn_consumer, spawn_worker};

use crate::rpc::{DaemonRpc, WalletRpc};

pub const SERVICE: &str = "wallet";

#[derive(Clone)]
pub struct WalletState {
    pub db: DatabaseConnection,
    pub keys: JwtKeys,
    pub trusted: TrustedProxies,
    /// None when MONERO_RPC_URL is unset: the service answers, but only with 503s.
    pub wallet_rpc: Option<WalletRpc>,
    pub daemon: DaemonRpc,
    pub transactions: InternalClient,
    /// Whether an admin is still an admin (login owns accounts).
    pub authority: AccountAuthority,
    pub network: Network,
    pub confirmations: u64,
    pub min_sweep: Piconero,
    pub sweep_interval: Duration,
    pub(crate) address_lock: Arc<tokio::sync::Mutex<()>>,
    /// How the float is kept split; `None` (HOT_WALLET_OUTPUTS=0): it is not.
    pub float: Option<withdrawals::float::FloatPolicy>,
    /// At most this many withdrawals share one transaction (1..=15).
    pub batch_size: usize,
    /// One withdrawal built and relayed at a time (inputs are not reserved in between).
    pub(crate) send_lock: Arc<tokio::sync::Mutex<()>>,
    /// Wakes the deposit sweeper (a chain notice: a transaction or a block arrived).
    pub sweep_now: Arc<tokio::sync::Notify>,
    /// Asked of wallet-rpc at start (`auto_refresh`): how often it looks at the daemon
    /// by itself, and so how soon `--tx-notify` fires for a transaction in the pool.
    pub wallet_refresh: Duration,
    /// Wakes the withdrawal worker when a withdrawal is queued.
    pub wake: Arc<tokio::sync::Notify>,
    /// The safety-net pass of the withdrawal worker.
    pub poll_interval: Duration,
    /// With RabbitMQ: the withdrawal queue this service consumes.
    pub broker: Option<pupero_queue::Broker>,
    /// The hot wallet's gauges, shown on `/metrics`.
    pub metrics: pupero_http::MetricSet,
    /// How often they are read (METRICS_INTERVAL_SECONDS).
    pub metrics_interval: Duration,
    /// The background jobs' worker leases: each runs on one replica at a time.
    pub leases: pupero_http::Leases,
    /// The withdrawal worker's lease, once the worker runs (its fence guards every send
    /// stored, whoever asked for the pass).
    pub(crate) withdrawal_lease: Arc<std::sync::OnceLock<pupero_http::JobLease>>,
}

/// This service's worker-lease table (see `pupero_db::lease`).
pub const LEASE_TABLE: &str = "wallet_worker_leases";

impl WalletState {
    /// Fails only when an HTTP client cannot be built (see `HttpClientError`).
    pub fn new(
        db: DatabaseConnection,
        keys: JwtKeys,
        settings: &Settings,
    ) -> Result<Self, HttpClientError> {
        let credentials = settings.monero_rpc_credentials();
        let metrics = pupero_http::MetricSet::new();
        Ok(Self {
            leases: pupero_http::Leases::new(
                db.clone(),
                LEASE_TABLE,
                &settings.replica_id(),
                settings.worker_lease(),
                metrics.clone(),
            ),
            withdrawal_lease: Arc::new(std::sync::OnceLock::new()),
            authority: AccountAuthority::from_login(
                InternalClient::new(
                    keys.clone(),
                    SERVICE,
                    "login",
                    settings.service_url(Service::Login),
                )?,
                settings.is_production(),
            ),
            wallet_rpc: settings
                .monero_rpc_url
                .as_deref()
                .map(|url| WalletRpc::new(url, credentials.clone()))
                .transpose()?,
            daemon: DaemonRpc::new(&settings.monerod_url(), credentials)?,
            transactions: InternalClient::new(
                keys.clone(),
                SERVICE,
                "transactions",
                settings.service_url(Service::Transactions),
            )?,
            network: settings.monero_network.addresses(),
            confirmations: settings.deposit_confirmations,
            min_sweep: settings.min_sweep_xmr,
            sweep_interval: Duration::from_secs(settings.sweep_interval_seconds.max(1)),
            trusted: TrustedProxies(Arc::new(settings.trusted_proxies.clone())),
            address_lock: Arc::new(tokio::sync::Mutex::new(())),
            send_lock: Arc::new(tokio::sync::Mutex::new(())),
            float: (settings.hot_wallet_outputs > 0).then(|| withdrawals::float::FloatPolicy {
                target: usize::try_from(settings.hot_wallet_outputs).unwrap_or(usize::MAX),
                min: u64::try_from(settings.hot_wallet_output_min_xmr.as_i64()).unwrap_or(0),
            }),
            batch_size: usize::try_from(settings.withdrawal_batch_size.clamp(1, 15)).unwrap_or(1),
            wake: Arc::new(tokio::sync::Notify::new()),
            sweep_now: Arc::new(tokio::sync::Notify::new()),
            wallet_refresh: Duration::from_secs(settings.wallet_refresh_seconds.max(1)),
            poll_interval: Duration::from_secs(settings.rabbitmq_poll_interval_seconds.max(1)),
            broker: settings
                .rabbitmq_amqp_url()
                .map(|url| pupero_queue::Broker {
                    url,
                    queue: settings.rabbitmq_queue.clone(),
                }),
            metrics,
            metrics_interval: Duration::from_secs(settings.metrics_interval_seconds.max(1)),
            db,
            keys,
        })
    }

    pub fn wallet(&self) -> Result<&WalletRpc, ApiError> {
        self.wallet_rpc
            .as_ref()
            .ok_or_else(|| ApiError::unavailable("no hot wallet is configured (MONERO_RPC_URL)"))
    }

    pub fn is_configured(&self) -> bool {
        self.wallet_rpc.is_some()
    }
}

/// With `--wallet-dir` wallet-rpc and MONERO_WALLET_FILE: open the hot wallet, creating it
/// on first start. A wallet-rpc started with `--wallet-file` already has it open and
/// refuses `open_wallet` (-23), which is fine.
pub async fn open_hot_wallet(
    state: &WalletState,
    file: &str,
    password: &str,
) -> Result<(), rpc::RpcError> {
    match &state.wallet_rpc {
        Some(wallet) => open_or_create(wallet, file, password).await,
        None => Ok(()),
    }
}

pub async fn open_or_create(
    wallet: &WalletRpc,
    file: &str,
    password: &str,
) -> Result<(), rpc::RpcError> {
    match wallet.open_wallet(file, password).await {
        Ok(()) => Ok(()),
        Err(rpc::RpcError::Other { code: -23, .. }) => Ok(()),
        // -1: no such wallet (or a wrong password, which create then refuses with -21).
        Err(rpc::RpcError::Other { code: -1, .. }) => match wallet
            .create_wallet(file, password)
            .await
        {
            // Created meanwhile (an earlier attempt that timed out on our side): open it.
            Err(rpc::RpcError::Other { code: -21, .. }) => wallet.open_wallet(file, password).await,
            other => other,
        },
        Err(e) => Err(e),
    }
}

impl FromRef<WalletState> for JwtKeys {
    fn from_ref(state: &WalletState) -> Self {
        state.keys.clone()
    }
}

impl FromRef<WalletState> for AccountAuthority {
    fn from_ref(state: &WalletState) -> Self {
        state.authority.clone()
    }
}

impl FromRef<WalletState> for TrustedProxies {
    fn from_ref(state: &WalletState) -> Self {
        state.trusted.clone()
    }
}
