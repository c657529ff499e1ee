//! The transactions service (:8003, `/transactions` through the gateway): the ledger and
//! balances, trades with escrow, disputes, trade chat and reviews.

pub mod accounts;
pub mod balance_changes;
pub mod deposits;
pub mod entity;
mod expiry;
pub mod ledger;
mod migration;
pub mod money_metrics;
pub mod network_fees;
mod operator;
pub mod outbox;
mod routes;
mod store;
pub mod trade_rules;
pub mod trades;
pub mod trading_accounts;
pub mod vocabulary;
pub mod withdrawals;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;

use pupero_config::{Service, Settings};
use pupero_http::{AccountAuthority, InternalClient, JwtKeys, SecurityEvent, TrustedProxies};

pub use expiry::spawn_expiry_worker;
pub use migration::Migrator;
pub use money_metrics::{spawn_ledger_verifier, spawn_money_metrics};
pub use routes::router;

pub const SERVICE: &str = "transactions";

#[derive(Clone)]
pub struct TransactionsState {
    pub db: DatabaseConnection,
    pub keys: JwtKeys,
    pub trusted: TrustedProxies,
    /// Where trades read the offer they open from.
    pub offers: InternalClient,
    /// Where account facts and two-factor checks come from.
    pub login: InternalClient,
    /// Whether a caller's account may still act, and with which role (asks login).
    pub authority: AccountAuthority,
    /// The hot wallet: deposit addresses and deposits.
    pub wallet: InternalClient,
    pub fee_bps: u32,
    /// The most one adjustment, transfer, withdrawal or trade may move (MAX_AMOUNT_XMR).
    pub max_amount: pupero_core::Piconero,
    /// Whether a hot wallet is configured (MONERO_RPC_URL). Without one a withdrawal could
    /// never leave, so it is refused with 503 instead of locking the money in `withdrawing`.
    pub wallet_configured: bool,
    pub caps: trades::OpenTradeCaps,
    pub expiry_interval: Duration,
    /// Withdrawal addresses must be for this network (regtest uses mainnet's).
    pub network: pupero_core::Network,
    /// With RabbitMQ: where withdrawal messages are published (through the outbox).
    pub publisher: Option<Arc<pupero_queue::Publisher>>,
    /// Wakes the outbox relay after a withdrawal commits.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// Business gauges and security-event counts shown on `/metrics`.
    pub metrics: pupero_http::MetricSet,
    /// How often the gauges are recomputed (METRICS_INTERVAL_SECONDS).
    pub metrics_interval: Duration,
    /// How often the ledger is verified in the background (LEDGER_VERIFY_INTERVAL_SECONDS).
    pub ledger_verify_interval: Duration,
    /// The background jobs' worker leases: each runs on one replica at a time.
    pub leases: pupero_http::Leases,
}

/// This service's worker-lease table (see `pupero_db::lease`).
pub const LEASE_TABLE: &str = "transactions_worker_leases";

impl TransactionsState {
    pub fn new(
        db: DatabaseConnection,
        keys: JwtKeys,
        settings: &Settings,
    ) -> Result<Self, pupero_http::HttpClientError> {
        let client = |callee, service| {
            InternalClient::new(keys.clone(), SERVICE, callee, settings.service_url(service))
        };
        let publisher = settings.rabbitmq_amqp_url().map(|url| {
            Arc::new(pupero_queue::Publisher::new(pupero_queue::Broker {
                url,
                queue: settings.rabbitmq_queue.clone(),
            }))
        });
        let login = client("login", Service::Login)?;
        let metrics = pupero_http::MetricSet::new();
        pupero_http::security::declare(
            &metrics,
            &[
                SecurityEvent::BalanceAdjusted,
                SecurityEvent::BalanceTransferred,
                SecurityEvent::EscrowReleased,
                SecurityEvent::DisputeResolved,
            ],
        );
        let leases = pupero_http::Leases::new(
            db.clone(),
            LEASE_TABLE,
            &settings.replica_id(),
            settings.worker_lease(),
            metrics.clone(),
        );
        Ok(Self {
            leases,
            metrics,
            metrics_interval: Duration::from_secs(settings.metrics_interval_seconds.max(1)),
            ledger_verify_interval: Duration::from_secs(
                settings.ledger_verify_interval_seconds.max(1),
            ),
            authority: AccountAuthority::from_login(login.clone(), settings.is_production()),
            login,
            publisher,
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            network: settings.monero_network.addresses(),
            offers: client("offers", Service::Offers)?,
            wallet: client("wallet", Service::Wallet)?,
            db,
            keys: keys.clone(),
            trusted: TrustedProxies(Arc::new(settings.trusted_proxies.clone())),
            fee_bps: settings.platform_fee_bps,
            max_amount: pupero_core::Piconero::from_xmr(i64::from(settings.max_amount_xmr))
                .unwrap_or(pupero_core::Piconero::MAX),
            wallet_configured: settings.monero_rpc_url.is_some(),
            caps: trades::OpenTradeCaps {
                per_taker: settings.max_open_trades_per_taker,
                new_taker: settings.max_open_trades_new_taker,
                new_taker_completed_trades: settings.new_taker_completed_trades,
                per_offer: settings.max_open_trades_per_offer,
            },
            expiry_interval: Duration::from_secs(settings.trade_expiry_interval_seconds.max(1)),
        })
    }
}

impl FromRef<TransactionsState> for JwtKeys {
    fn from_ref(state: &TransactionsState) -> Self {
        state.keys.clone()
    }
}

impl FromRef<TransactionsState> for AccountAuthority {
    fn from_ref(state: &TransactionsState) -> Self {
        state.authority.clone()
    }
}

impl FromRef<TransactionsState> for TrustedProxies {
    fn from_ref(state: &TransactionsState) -> Self {
        state.trusted.clone()
    }
}
