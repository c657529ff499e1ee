//! The transactions service (:8003, `/transactions` through the gateway): the ledger and
//! balances, trades with escrow, disputes, trade chat and reviews.

pub mod accounts;
pub mod audit_sequencer;
pub mod balance_changes;
pub mod combined;
pub mod deposits;
pub mod entity;
pub mod evidence;
mod expiry;
pub mod group_commit;
pub mod ledger;
mod migration;
pub mod money_metrics;
pub mod network_fees;
pub mod notifications;
mod operator;
pub mod outbox;
pub mod receipts;
pub mod records;
mod routes;
mod store;
pub mod stream_cursor;
pub mod told_after_writes;
pub mod trade_rules;
pub mod trades;
pub mod trading_accounts;
pub mod vocabulary;
pub mod webhooks;
pub mod withdrawals;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;

use pupero_config::{Service, Settings};
use pupero_http::{AccountAuthority, InternalClient, JwtKeys, SecurityEvent, TrustedProxies};

pub use audit_sequencer::spawn_audit_sequencer;
pub use expiry::spawn_expiry_worker;
pub use migration::Migrator;
pub use money_metrics::{spawn_ledger_verifier, spawn_money_metrics};
pub use notifications::spawn_dispatcher;
pub use records::spawn_retell as spawn_record_retell;
pub use routes::router;
pub use webhooks::spawn_deliverer;

pub const SERVICE: &str = "transactions";

/// The label the webhook-secret subkey is derived under; changing it makes every webhook
/// secret unreadable.
pub const WEBHOOK_KEY_PURPOSE: &str = "pupero transactions webhook secrets v1";

/// This service's audit chain: every ledger entry and staff action on money.
pub const AUDIT_CHAIN: pupero_db::audit_chain::Chain = store::audit::CHAIN;

#[derive(Clone)]
pub struct TransactionsState {
    pub db: DatabaseConnection,
    pub keys: JwtKeys,
    /// Signs trade receipts (and, in the background, the audit chain's checkpoints).
    pub signing_key: pupero_db::signing::SigningKey,
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
    /// RECORD_RETELL_SECONDS: how often traders' records offers may have missed are told
    /// again.
    pub record_retell_interval: Duration,
    /// How long before an unpaid trade's deadline its parties are warned.
    pub expiry_warning: Duration,
    /// Wakes the notification dispatcher after a change that told someone something.
    pub notify_wake: Arc<tokio::sync::Notify>,
    /// Wakes the webhook deliverer when deliveries were queued.
    pub webhook_wake: Arc<tokio::sync::Notify>,
    /// Seals webhook secrets at rest (a subkey of DATA_ENCRYPTION_KEY).
    pub webhook_key: pupero_db::seal::Sealer,
    /// Sends webhook requests: no redirects followed, a short timeout.
    pub webhook_http: reqwest::Client,
    pub webhook_policy: webhooks::DeliveryPolicy,
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
    /// Ledger account ids seen so far (trades skip looking them up again).
    pub account_ids: Arc<ledger::AccountIds>,
    /// Users whose trading-account row exists (opening a trade skips creating it).
    pub known_traders: Arc<trading_accounts::KnownRows>,
    /// Where trade writes run: on SQLite, grouped into shared transactions.
    pub trade_writes: group_commit::GroupCommit,
    /// Telling offers whose balances changed, combined across concurrent requests.
    pub balance_tellings: Arc<combined::Combined>,
    /// Telling offers traders' changed records, combined across concurrent requests.
    pub record_tellings: Arc<combined::Combined>,

    /// The background jobs' worker leases: each runs on one replica at a time.
    pub leases: pupero_http::Leases,
    /// EVIDENCE_MAX_BYTES: the largest dispute evidence file accepted.
    pub evidence_max_bytes: usize,
    /// EVIDENCE_RETENTION_DAYS, in ms: how long evidence is kept after its upload.
    pub evidence_retention_ms: i64,
}

/// This service's worker-lease table (see `pupero_db::lease`).
pub const LEASE_TABLE: &str = "transactions_worker_leases";

impl TransactionsState {
    pub fn new(
        db: DatabaseConnection,
        keys: JwtKeys,
        data_key: &pupero_db::seal::DataKey,
        signing_key: pupero_db::signing::SigningKey,
        settings: &Settings,
    ) -> Result<Self, pupero_http::HttpClientError> {
        let webhook_http = pupero_http::build_client(
            "webhooks",
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(10))
                .user_agent("Pupero-Webhooks/1"),
        )?;
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
            evidence_max_bytes: usize::try_from(settings.evidence_max_bytes).unwrap_or(usize::MAX),
            evidence_retention_ms: i64::from(settings.evidence_retention_days) * 86_400_000,
            metrics_interval: Duration::from_secs(settings.metrics_interval_seconds.max(1)),
            account_ids: Arc::default(),
            trade_writes: group_commit::GroupCommit::for_db(&db),
            balance_tellings: Arc::default(),
            record_tellings: Arc::default(),
            known_traders: Arc::default(),
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
            signing_key,
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
            record_retell_interval: Duration::from_secs(settings.record_retell_seconds.max(1)),
            expiry_warning: Duration::from_secs(
                settings.trade_expiry_warning_minutes.saturating_mul(60),
            ),
            notify_wake: Arc::new(tokio::sync::Notify::new()),
            webhook_wake: Arc::new(tokio::sync::Notify::new()),
            webhook_key: data_key.subkey(WEBHOOK_KEY_PURPOSE),
            webhook_http,
            webhook_policy: webhooks::DeliveryPolicy {
                retry_base: Duration::from_secs(settings.webhook_retry_base_seconds.max(1)),
                max_attempts: i32::try_from(settings.webhook_max_attempts.max(1))
                    .unwrap_or(i32::MAX),
                public_only: settings.is_production(),
            },
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
