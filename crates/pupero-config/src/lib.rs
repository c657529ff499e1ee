//! Settings for every service, read from the environment (and an optional `.env`) with the
//! seed's variable names. One struct serves `pupero up` and `pupero serve <service>`, so
//! `--help` documents every variable with its default.
//!
//! Why clap and not a layered config library: every setting here is a flat environment
//! variable whose name is fixed by the seed deployment, and clap's `env` gives us parsing,
//! defaults and the documentation in one place.

mod monero;
mod secret;
mod url;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use monero::{AuthScheme, MoneroNetwork};
use pupero_core::Piconero;
pub use secret::Secret;
pub use url::{CredentialUrl, redact_url};

/// Escapes what may not stand bare in a URL's user or password.
fn percent_encode_userinfo(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Secrets that ship in examples and tutorials; production refuses them outright.
const KNOWN_DEFAULT_SECRETS: &[&str] = &[
    "secret",
    "changeme",
    "change-me",
    "your-secret-key",
    "supersecret",
    "dev-secret",
    "jwt-secret",
    "pupero",
];

/// Minimum length of a configured secret (frontend secret, metrics token) in production
/// (bytes of the configured string).
pub const MIN_SECRET_LEN: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SameSite {
    Lax,
    Strict,
    None,
}

impl SameSite {
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
            SameSite::None => "None",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "SESSION_COOKIE_SAMESITE=none needs SECURE_COOKIES=true (browsers drop such cookies otherwise)"
    )]
    SameSiteNoneWithoutSecure,
    #[error(
        "METRICS_TOKEN must be a random value of at least {MIN_SECRET_LEN} characters when PUPERO_ENV=production"
    )]
    WeakMetricsToken,
    #[error(
        "DATA_ENCRYPTION_KEY must be set to 64 hexadecimal characters (32 random bytes) when PUPERO_ENV=production"
    )]
    MissingProductionDataKey,
    #[error("DATA_ENCRYPTION_KEY must be 64 hexadecimal characters (32 random bytes)")]
    BadDataKey,
    #[error(
        "AUDIT_SIGNING_KEY must be set to 64 hexadecimal characters (a random 32-byte seed) when PUPERO_ENV=production"
    )]
    MissingProductionAuditKey,
    #[error(
        "AUDIT_SIGNING_KEY must be 64 hexadecimal characters (a random 32-byte seed), not a repeated or known value"
    )]
    BadAuditKey,
    #[error(
        "FRONTEND_SECRET_KEY must be set to a random value of at least {MIN_SECRET_LEN} characters when PUPERO_ENV=production"
    )]
    WeakFrontendSecret,
    /// An HTTP client could not be built (pupero-http says which and why).
    #[error("{0}")]
    HttpClient(String),
    /// PRICE_SOURCES names a source that cannot be read (the offers service says which).
    #[error("{0}")]
    PriceSources(String),
    #[error("cannot read or create the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The pool every figure in docs/BENCHMARKS.md was measured with; 8 replicas of it stay
/// under MariaDB's default `max_connections` (151).
pub const DEFAULT_DATABASE_POOL_SIZE: u32 = 16;

/// Everything a Pupero process needs to know. Field docs are the `--help` text.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// `production` refuses default secrets and insecure settings.
    #[arg(long, env = "PUPERO_ENV", value_enum, default_value = "development")]
    pub pupero_env: Environment,

    /// Where the SQLite database and generated secrets live.
    #[arg(long, env = "PUPERO_DATA_DIR", default_value = "./pupero-data")]
    pub data_dir: PathBuf,

    /// sqlite://FILE, mysql://USER:PASS@HOST/DB (MariaDB) or postgres://USER:PASS@HOST/DB.
    /// Default: a SQLite file in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<CredentialUrl>,
    /// Connections this process keeps open to the database at most, shared by every
    /// service it runs. With replicas, their sum must stay under the server's
    /// `max_connections`.
    #[arg(long, env = "DATABASE_POOL_SIZE", default_value_t = DEFAULT_DATABASE_POOL_SIZE,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub database_pool_size: u32,

    /// Address every service listens on. Keep 127.0.0.1 unless a network policy
    /// protects the internal services.
    #[arg(long, env = "BIND_ADDRESS", default_value = "127.0.0.1")]
    pub bind_address: IpAddr,
    /// Services started together in one process (`pupero up`) hand their calls to each
    /// other without the loopback socket: same routes, checks and answers, less CPU. Set
    /// false to send every call over the socket, as separate processes do.
    #[arg(long, env = "IN_PROCESS_CALLS", default_value_t = true, action = clap::ArgAction::Set)]
    pub in_process_calls: bool,

    /// Web frontend port.
    #[arg(long, env = "PORT", default_value_t = 5000)]
    pub frontend_port: u16,
    /// API gateway port (the public API).
    #[arg(long, env = "API_MANAGER_PORT", default_value_t = 8000)]
    pub gateway_port: u16,
    /// Login service port.
    #[arg(long, env = "LOGIN_PORT", default_value_t = 8001)]
    pub login_port: u16,
    /// Offers service port.
    #[arg(long, env = "OFFERS_PORT", default_value_t = 8002)]
    pub offers_port: u16,
    /// Transactions (ledger, trades) service port.
    #[arg(long, env = "TRANSACTIONS_PORT", default_value_t = 8003)]
    pub transactions_port: u16,
    /// Wallet manager service port.
    #[arg(long, env = "MONERO_WALLET_MANAGER_PORT", default_value_t = 8004)]
    pub wallet_port: u16,
    /// Moderation service port.
    #[arg(long, env = "MODERATION_PORT", default_value_t = 8020)]
    pub moderation_port: u16,

    /// Base URL the web frontend uses for the API gateway. Default: http://127.0.0.1:API_MANAGER_PORT.
    #[arg(long, env = "API_MANAGER_URL")]
    pub api_manager_url: Option<String>,
    /// Base URL the gateway uses for the login service. Default: http://127.0.0.1:LOGIN_PORT.
    #[arg(long, env = "LOGIN_SERVICE_URL")]
    pub login_service_url: Option<String>,
    /// Base URL of the offers service. Default: http://127.0.0.1:OFFERS_PORT.
    #[arg(long, env = "OFFERS_SERVICE_URL")]
    pub offers_service_url: Option<String>,
    /// Base URL of the transactions service. Default: http://127.0.0.1:TRANSACTIONS_PORT.
    #[arg(long, env = "TRANSACTIONS_SERVICE_URL")]
    pub transactions_service_url: Option<String>,
    /// Base URL of the wallet manager. Default: http://127.0.0.1:MONERO_WALLET_MANAGER_PORT.
    #[arg(long, env = "MONERO_SERVICE_URL")]
    pub wallet_service_url: Option<String>,
    /// Base URL of the moderation service. Default: http://127.0.0.1:MODERATION_PORT.
    #[arg(long, env = "MODERATION_SERVICE_URL")]
    pub moderation_service_url: Option<String>,

    /// Key (64 hex characters, 32 random bytes) that seals secrets at rest: TOTP secrets
    /// and the tokens web sessions keep. Kept outside the database. Required in
    /// production; otherwise generated once and kept in the data directory.
    #[arg(long, env = "DATA_ENCRYPTION_KEY", hide_env_values = true)]
    pub data_encryption_key: Option<Secret>,
    /// The server's Ed25519 signing key (64 hex characters: a random 32-byte seed): signs
    /// the audit chains' checkpoints and trade receipts; its public key is published at
    /// `/transactions/audit/public-key`. Required in production; otherwise generated once
    /// and kept in the data directory (`audit-signing-key`).
    #[arg(long, env = "AUDIT_SIGNING_KEY", hide_env_values = true)]
    pub audit_signing_key: Option<Secret>,
    /// Directory of the services' token keys: `<service>.key` (the service's own Ed25519
    /// private key, base64) and `<service>.pub` / `<service>.<id>.pub` (public keys, all
    /// trusted). Each process needs the private keys of the services it runs and login's
    /// public key. Default: `keys` in the data directory, generated there outside production.
    #[arg(long, env = "PUPERO_KEYS_DIR")]
    pub keys_dir: Option<PathBuf>,
    /// The web frontend's own secret (CSRF tokens, signed cookies). Required (32+
    /// characters) in production; otherwise generated once and kept in the data directory.
    #[arg(long, env = "FRONTEND_SECRET_KEY", hide_env_values = true)]
    pub frontend_secret_key: Option<Secret>,
    /// Lifetime of access tokens, in minutes.
    #[arg(long, env = "ACCESS_TOKEN_MINUTES", default_value_t = 15)]
    pub access_token_minutes: u32,
    /// Lifetime of refresh tokens without "remember me", in hours.
    #[arg(long, env = "REFRESH_TOKEN_HOURS", default_value_t = 24)]
    pub refresh_token_hours: u32,
    /// Lifetime of refresh tokens (and web sessions) with "remember me", in days.
    #[arg(long, env = "REMEMBER_ME_DAYS", default_value_t = 30)]
    pub remember_me_days: u32,

    /// Web session cookies carry `Secure` (sent over HTTPS only). Default: on in
    /// production, off otherwise (plain http://localhost).
    #[arg(long, env = "SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// SameSite of the web session cookie: lax, strict or none (none needs SECURE_COOKIES).
    #[arg(
        long,
        env = "SESSION_COOKIE_SAMESITE",
        value_enum,
        default_value = "lax"
    )]
    pub session_cookie_samesite: SameSite,

    /// Login attempts allowed per client IP per minute.
    #[arg(long, env = "LOGIN_RATE_PER_MINUTE", default_value_t = 20)]
    pub login_rate_per_minute: u32,
    /// Registrations allowed per client IP per hour.
    #[arg(long, env = "REGISTER_RATE_PER_HOUR", default_value_t = 20)]
    pub register_rate_per_hour: u32,
    /// Failed logins (password or 2FA) after which an account is locked for a while.
    #[arg(long, env = "LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: u32,
    /// How long an account stays locked after too many failed logins, in seconds.
    #[arg(long, env = "LOGIN_LOCKOUT_SECONDS", default_value_t = 300)]
    pub login_lockout_seconds: u64,
    /// Failed logins on one account, from all clients together, after which every
    /// further failure makes the account wait (doubling, up to LOGIN_ACCOUNT_BACKOFF_MAX_SECONDS).
    #[arg(long, env = "LOGIN_ACCOUNT_MAX_FAILURES", default_value_t = 20)]
    pub login_account_max_failures: u32,
    /// Longest wait the per-account backoff imposes, in seconds.
    #[arg(long, env = "LOGIN_ACCOUNT_BACKOFF_MAX_SECONDS", default_value_t = 60)]
    pub login_account_backoff_max_seconds: u64,
    /// Peers whose X-Forwarded-For header the services believe: the gateway's address(es).
    /// Comma-separated IPs.
    #[arg(
        long,
        env = "TRUSTED_PROXIES",
        value_delimiter = ',',
        default_value = "127.0.0.1,::1"
    )]
    pub trusted_proxies: Vec<IpAddr>,
    /// Reverse proxies in front of the gateway (an ingress) whose X-Forwarded-For the
    /// gateway believes. Empty by default: the gateway is the edge and uses the peer address.
    #[arg(long, env = "GATEWAY_TRUSTED_PROXIES", value_delimiter = ',')]
    pub gateway_trusted_proxies: Vec<IpAddr>,

    /// Payment methods offers may use (codes, comma-separated).
    #[arg(
        long,
        env = "PAYMENT_METHODS",
        value_delimiter = ',',
        default_value = "sepa,sepa_instant,bank_transfer,revolut,wise,paypal,zelle,pix,upi,cash_in_person,cash_by_mail,other"
    )]
    pub payment_methods: Vec<String>,
    /// Platform fee on completed trades, in basis points of the amount (100 = 1 %).
    #[arg(long, env = "PLATFORM_FEE_BPS", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub platform_fee_bps: u32,
    /// The most XMR one operation may move (an adjustment, a transfer, a withdrawal, an
    /// offer's maximum, a trade), in whole XMR. Far below the ledger's BIGINT range, so a
    /// typo or a hostile request cannot push a balance near it.
    #[arg(long, env = "MAX_AMOUNT_XMR", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=9_000_000))]
    pub max_amount_xmr: u32,
    /// Distinct reporters of one target at which its moderation case is escalated to the
    /// top of the queue.
    #[arg(long, env = "AUTO_ESCALATION_THRESHOLD", default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub auto_escalation_threshold: u64,
    /// Days after a sanction begins during which its user may appeal it.
    #[arg(long, env = "APPEAL_WINDOW_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub appeal_window_days: u32,
    /// Seconds between the moderation service's passes over the accounts whose latest
    /// sanction change login or offers may not have been told (a crash between the commit
    /// and the telling, or a service that was down): each is told again.
    #[arg(long, env = "SANCTION_RETELL_SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub sanction_retell_seconds: u64,
    /// Seconds between passes over the traders whose latest record change (a trade that
    /// ended, a review; at login: the last time they were seen) the offers service may not
    /// have been told: each is told again.
    #[arg(long, env = "RECORD_RETELL_SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub record_retell_seconds: u64,
    /// Largest dispute evidence file a party may upload, in bytes (images and PDF only).
    #[arg(long, env = "EVIDENCE_MAX_BYTES", default_value_t = 5 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(1024..=64 * 1024 * 1024))]
    pub evidence_max_bytes: u64,
    /// Days dispute evidence is kept after its upload; the expiry worker deletes it after.
    #[arg(long, env = "EVIDENCE_RETENTION_DAYS", default_value_t = 180, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub evidence_retention_days: u32,
    /// How often unpaid trades past their payment deadline are cancelled, in seconds.
    #[arg(long, env = "TRADE_EXPIRY_INTERVAL_SECONDS", default_value_t = 10)]
    pub trade_expiry_interval_seconds: u64,
    /// How long before an unpaid trade's payment deadline its buyer and seller are warned,
    /// in minutes (at most half the trade's payment window).
    #[arg(long, env = "TRADE_EXPIRY_WARNING_MINUTES", default_value_t = 15)]
    pub trade_expiry_warning_minutes: u64,
    /// Wait before a failed webhook delivery is tried again, in seconds; doubled after
    /// each further failure.
    #[arg(long, env = "WEBHOOK_RETRY_BASE_SECONDS", default_value_t = 30)]
    pub webhook_retry_base_seconds: u64,
    /// Attempts at one webhook delivery before it is marked failed.
    #[arg(long, env = "WEBHOOK_MAX_ATTEMPTS", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub webhook_max_attempts: u32,
    /// Trades one taker may have open at once (escrow griefing cap: each one locks a
    /// seller's XMR for the payment window).
    #[arg(long, env = "MAX_OPEN_TRADES_PER_TAKER", default_value_t = 5)]
    pub max_open_trades_per_taker: u64,
    /// The same cap for a taker with fewer than `NEW_TAKER_COMPLETED_TRADES` completed trades.
    #[arg(long, env = "MAX_OPEN_TRADES_NEW_TAKER", default_value_t = 2)]
    pub max_open_trades_new_taker: u64,
    /// Completed trades after which a taker gets `MAX_OPEN_TRADES_PER_TAKER`.
    #[arg(long, env = "NEW_TAKER_COMPLETED_TRADES", default_value_t = 3)]
    pub new_taker_completed_trades: u64,
    /// Trades one offer may have open at once.
    #[arg(long, env = "MAX_OPEN_TRADES_PER_OFFER", default_value_t = 10)]
    pub max_open_trades_per_offer: u64,

    /// Where the offers service reads XMR market prices: comma-separated `kind=base URL`,
    /// kind one of kraken, coingecko, bitfinex, cryptocompare (each speaks that API's
    /// documented format; see docs/OPERATIONS.md), e.g.
    /// `kraken=http://127.0.0.1:8101,coingecko=http://127.0.0.1:8102`. A kind may appear
    /// twice (two mirrors) with `kind:label=URL`. Empty: no market price, and margin
    /// offers cannot be created.
    #[arg(long, env = "PRICE_SOURCES", value_delimiter = ',')]
    pub price_sources: Vec<String>,
    /// How often the market prices are fetched, in seconds.
    #[arg(long, env = "PRICE_REFRESH_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub price_refresh_seconds: u64,
    /// A currency without a fresh median for this long is stale: its margin offers are
    /// hidden and cannot be taken (fixed-price offers are unaffected).
    #[arg(long, env = "PRICE_STALE_SECONDS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub price_stale_seconds: u64,
    /// A source's quote further than this from the median of all quotes is dropped as
    /// an outlier, in percent.
    #[arg(long, env = "PRICE_OUTLIER_PERCENT", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub price_outlier_percent: u32,
    /// How long one price source may take to answer, in seconds.
    #[arg(long, env = "PRICE_SOURCE_TIMEOUT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=120))]
    pub price_source_timeout_seconds: u64,

    /// monero-wallet-rpc of the hot wallet, e.g. http://127.0.0.1:18083. Unset: the wallet
    /// service runs but reports itself unavailable, and deposits/withdrawals answer 503.
    #[arg(long, env = "MONERO_RPC_URL")]
    pub monero_rpc_url: Option<String>,
    /// Digest-auth user of the wallet RPC (and of monerod's RPC).
    #[arg(long, env = "MONERO_RPC_USER")]
    pub monero_rpc_user: Option<String>,
    /// Digest-auth password of the wallet RPC.
    #[arg(long, env = "MONERO_RPC_PASSWORD", hide_env_values = true)]
    pub monero_rpc_password: Option<Secret>,
    /// `digest` (what monero-wallet-rpc speaks; used when MONERO_RPC_USER is set) or
    /// `none`. Anything else stops the process at start.
    #[arg(
        long,
        env = "MONERO_RPC_AUTH_SCHEME",
        value_enum,
        ignore_case = true,
        default_value = "digest"
    )]
    pub monero_rpc_auth_scheme: AuthScheme,
    /// monerod's RPC, for heights and transaction lookups. Default: http://127.0.0.1:MONEROD_RPC_PORT.
    #[arg(long, env = "MONEROD_URL")]
    pub monerod_url: Option<String>,
    /// monerod's RPC port, used when MONEROD_URL is unset.
    #[arg(long, env = "MONEROD_RPC_PORT", default_value_t = 18081)]
    pub monerod_rpc_port: u16,
    /// With a wallet-rpc in --wallet-dir mode: the hot wallet to open (created on first start).
    #[arg(long, env = "MONERO_WALLET_FILE")]
    pub monero_wallet_file: Option<String>,
    /// Password of MONERO_WALLET_FILE.
    #[arg(long, env = "MONERO_WALLET_PASSWORD", hide_env_values = true)]
    pub monero_wallet_password: Option<Secret>,
    /// The chain: mainnet, testnet, stagenet or regtest (mainnet addresses). The wallet
    /// service refuses to start when its daemon or wallet is on another.
    #[arg(long, env = "MONERO_NETWORK", default_value = "mainnet", value_parser = monero::parse_network)]
    pub monero_network: MoneroNetwork,
    /// Confirmations before a deposit is credited (it must also be unlocked).
    #[arg(long, env = "DEPOSIT_CONFIRMATIONS", default_value_t = 10)]
    pub deposit_confirmations: u64,
    /// Deposits below this many XMR are recorded but not credited.
    #[arg(long, env = "MIN_SWEEP_XMR", default_value = "0", value_parser = monero::parse_xmr)]
    pub min_sweep_xmr: Piconero,
    /// How often the wallet is scanned for deposits, in seconds.
    #[arg(long, env = "SWEEP_INTERVAL_SECONDS", default_value_t = 5)]
    pub sweep_interval_seconds: u64,
    /// How often monero-wallet-rpc refreshes by itself (set with its `auto_refresh` when the
    /// wallet service starts; its own default is 20 s). Its `--tx-notify` fires when a
    /// refresh finds a transaction, so this bounds how soon a deposit in the pool is seen.
    #[arg(long, env = "WALLET_REFRESH_SECONDS", default_value_t = 1)]
    pub wallet_refresh_seconds: u64,
    /// Queued withdrawals sent together in one transaction, at most 15 (a transaction has
    /// at most 16 outputs, one of them the change).
    #[arg(long, env = "WITHDRAWAL_BATCH_SIZE", default_value_t = 15,
          value_parser = clap::value_parser!(u64).range(1..=15))]
    pub withdrawal_batch_size: u64,
    /// Unlocked outputs of at least HOT_WALLET_OUTPUT_MIN_XMR the hot wallet keeps, so a
    /// burst of withdrawals never waits for locked change; refilled by a self-send when
    /// fewer than half are left. 0 turns the refill off.
    #[arg(long, env = "HOT_WALLET_OUTPUTS", default_value_t = 0)]
    pub hot_wallet_outputs: u64,
    /// The size of each output the refill makes (and the smallest that counts).
    #[arg(long, env = "HOT_WALLET_OUTPUT_MIN_XMR", default_value = "1", value_parser = monero::parse_xmr)]
    pub hot_wallet_output_min_xmr: Piconero,

    /// AMQP URL of RabbitMQ, e.g. amqp://user:pass@rabbitmq:5672/%2f. Unset (and no
    /// RABBITMQ_USER): the database is the queue.
    #[arg(long, env = "RABBITMQ_URL", hide_env_values = true)]
    pub rabbitmq_url: Option<Secret>,
    /// RabbitMQ user, when RABBITMQ_URL is not given.
    #[arg(long, env = "RABBITMQ_USER")]
    pub rabbitmq_user: Option<String>,
    /// RabbitMQ password, with RABBITMQ_USER.
    #[arg(long, env = "RABBITMQ_PASSWORD", hide_env_values = true)]
    pub rabbitmq_password: Option<Secret>,
    /// RabbitMQ host, with RABBITMQ_USER.
    #[arg(long, env = "RABBITMQ_HOST", default_value = "127.0.0.1")]
    pub rabbitmq_host: String,
    /// RabbitMQ port, with RABBITMQ_USER.
    #[arg(long, env = "RABBITMQ_PORT", default_value_t = 5672)]
    pub rabbitmq_port: u16,
    /// The durable withdrawal queue (its dead-letter queue is "<name>.dead").
    #[arg(long, env = "RABBITMQ_QUEUE", default_value = "pupero.withdrawals")]
    pub rabbitmq_queue: String,

    /// How often the withdrawal worker checks the database for work it was not woken for
    /// (the seed's name; the safety net behind the push).
    #[arg(long, env = "RABBITMQ_POLL_INTERVAL_SECONDS", default_value_t = 10)]
    pub rabbitmq_poll_interval_seconds: u64,

    /// The SMTP server mail goes out through, as a URL: `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), `smtps://user:pass@host:465` (TLS from the start) or `smtp://host:25`
    /// (plain, for a relay on the same machine). Unset (and no SMTP_HOST): no mail is sent;
    /// password reset and address verification answer 503.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,
    /// SMTP server host, when SMTP_URL is not given.
    #[arg(long, env = "SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// SMTP port, with SMTP_HOST.
    #[arg(long, env = "SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// SMTP user, with SMTP_HOST.
    #[arg(long, env = "SMTP_USER")]
    pub smtp_user: Option<String>,
    /// SMTP password, with SMTP_HOST.
    #[arg(long, env = "SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<Secret>,
    /// With SMTP_HOST: `starttls` (required), `tls` (from the start) or `none`.
    #[arg(long, env = "SMTP_TLS", default_value = "starttls", value_parser = ["starttls", "tls", "none"])]
    pub smtp_tls: String,
    /// The sender of every mail, e.g. `Pupero <no-reply@example.com>`.
    #[arg(long, env = "MAIL_FROM", default_value = "Pupero <no-reply@localhost>")]
    pub mail_from: String,
    /// The web UI's address as users reach it, for links in mails. Default:
    /// http://localhost:PORT.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// How long a password-reset link works, in minutes.
    #[arg(long, env = "PASSWORD_RESET_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub password_reset_minutes: u64,

    /// Bearer credential a Prometheus scraper presents to every service's `/metrics`
    /// (`Authorization: Bearer <token>`). Unset: generated once into the data directory
    /// outside production; in production metrics stay off until it is set (32+ characters).
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<Secret>,
    /// How often each service recomputes its business gauges (money, queues, disputes,
    /// the hot wallet) from the database and the wallet, in seconds. A timer, not every
    /// scrape, so scrapes cost nothing however often they come.
    #[arg(long, env = "METRICS_INTERVAL_SECONDS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub metrics_interval_seconds: u64,
    /// How often the transactions service runs the ledger verification (`ledger-verify`)
    /// in the background and publishes its result as metrics, in seconds (default: every
    /// ten minutes; it reads every posting, so not much more often on a large ledger).
    #[arg(long, env = "LEDGER_VERIFY_INTERVAL_SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub ledger_verify_interval_seconds: u64,
    /// How often the login and transactions services sign their audit chain's head (a
    /// checkpoint), in seconds. Records after the last checkpoint are only as safe as the
    /// database; see docs/SECURITY.md.
    #[arg(long, env = "AUDIT_CHECKPOINT_SECONDS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub audit_checkpoint_seconds: u64,

    /// This process's name among the replicas: the holder of the worker leases it takes and
    /// the `replica` label of `pupero_worker_lease_held`. Default: host name, process id
    /// and a random suffix, so a restarted process is a new holder.
    #[arg(long, env = "REPLICA_ID")]
    pub replica_id: Option<String>,
    /// Length of a worker lease (trade expiry, deposit sweep, withdrawal worker, outbox
    /// relay, metrics and ledger verification run on one replica at a time), in seconds.
    /// A holder renews every third of it; after a holder dies another replica takes over
    /// within about 1⅓ of it.
    #[arg(long, env = "WORKER_LEASE_SECONDS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub worker_lease_seconds: u64,
    /// How often the gateway and service clients probe each replica's `/healthz` when a
    /// `*_SERVICE_URL` lists several, in seconds. A replica that fails is left out until
    /// it answers 200 again.
    #[arg(long, env = "REPLICA_HEALTH_INTERVAL_SECONDS", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub replica_health_interval_seconds: u64,
    /// Redis shared by the replicas for per-IP rate limits (login's and the gateway's
    /// budget), e.g. redis://127.0.0.1:6379. Unset: each process counts on its own (in memory). While Redis is unreachable each
    /// replica counts on its own again (see docs/SECURITY.md).
    #[arg(long, env = "RATE_LIMIT_REDIS_URL", hide_env_values = true, value_parser = parse_redis_url)]
    pub rate_limit_redis_url: Option<Secret>,
    /// Prefix of every rate-limit key in Redis, so deployments (and test runs) sharing one
    /// Redis do not count each other's requests.
    #[arg(long, env = "RATE_LIMIT_REDIS_PREFIX", default_value = "pupero")]
    pub rate_limit_redis_prefix: String,

    /// Timeout for one proxied request through the gateway, in seconds.
    #[arg(long, env = "GATEWAY_TIMEOUT_SECONDS", default_value_t = 30)]
    pub gateway_timeout_seconds: u64,

    /// Requests per minute (and burst) the gateway takes from one client address; every
    /// answer says what is left (`RateLimit-*` headers). One budget for every gateway
    /// replica with RATE_LIMIT_REDIS_URL, else one per replica. 0 turns the limit off.
    #[arg(long, env = "GATEWAY_RATE_PER_MINUTE", default_value_t = 6000)]
    pub gateway_rate_per_minute: u32,

    /// On SIGTERM/SIGINT: how long requests in flight and background steps under way may
    /// take to finish before their connections are cut, in seconds.
    #[arg(long, env = "SHUTDOWN_GRACE_SECONDS", default_value_t = 20)]
    pub shutdown_grace_seconds: u64,

    /// Log output: text for people, json for log collectors.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
}

fn parse_redis_url(url: &str) -> Result<Secret, String> {
    let rest = url
        .strip_prefix("redis://")
        .ok_or("RATE_LIMIT_REDIS_URL must start with redis:// (e.g. redis://127.0.0.1:6379)")?;
    let host = rest.rsplit('@').next().unwrap_or_default();
    if host.is_empty() || host.starts_with('/') {
        return Err("RATE_LIMIT_REDIS_URL needs a host, e.g. redis://127.0.0.1:6379".into());
    }
    Ok(Secret::new(url.to_owned()))
}

/// A comma-separated list of base URLs, each trimmed and without a trailing slash.
pub fn split_replicas(urls: &str) -> Vec<String> {
    urls.split(',')
        .map(|u| u.trim().trim_end_matches('/').to_owned())
        .filter(|u| !u.is_empty())
        .collect()
}

/// The services of the platform, with their seed port variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Service {
    Frontend,
    Gateway,
    Login,
    Offers,
    Transactions,
    Wallet,
    Moderation,
}

impl Service {
    pub const BACKENDS: [Service; 5] = [
        Service::Login,
        Service::Offers,
        Service::Transactions,
        Service::Wallet,
        Service::Moderation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Service::Frontend => "frontend",
            Service::Gateway => "gateway",
            Service::Login => "login",
            Service::Offers => "offers",
            Service::Transactions => "transactions",
            Service::Wallet => "wallet",
            Service::Moderation => "moderation",
        }
    }
}

impl Settings {
    pub fn is_production(&self) -> bool {
        self.pupero_env == Environment::Production
    }

    pub fn port(&self, service: Service) -> u16 {
        match service {
            Service::Frontend => self.frontend_port,
            Service::Gateway => self.gateway_port,
            Service::Login => self.login_port,
            Service::Offers => self.offers_port,
            Service::Transactions => self.transactions_port,
            Service::Wallet => self.wallet_port,
            Service::Moderation => self.moderation_port,
        }
    }

    /// Sets `service`'s port (0: the system picks a free one when it starts).
    pub fn set_port(&mut self, service: Service, port: u16) {
        let slot = match service {
            Service::Frontend => &mut self.frontend_port,
            Service::Gateway => &mut self.gateway_port,
            Service::Login => &mut self.login_port,
            Service::Offers => &mut self.offers_port,
            Service::Transactions => &mut self.transactions_port,
            Service::Wallet => &mut self.wallet_port,
            Service::Moderation => &mut self.moderation_port,
        };
        *slot = port;
    }

    /// Where the gateway (and other services) reach `service`.
    /// The service's base URL, or its replicas' base URLs separated by commas (each
    /// without a trailing slash); see [`Settings::service_replicas`].
    pub fn service_url(&self, service: Service) -> String {
        self.service_replicas(service).join(",")
    }

    /// The base URLs of the service's replicas: `*_SERVICE_URL` may list several,
    /// comma-separated. Default: the local port.
    pub fn service_replicas(&self, service: Service) -> Vec<String> {
        match self.configured_service_url(service) {
            Some(urls) => split_replicas(urls),
            None => vec![format!("http://127.0.0.1:{}", self.port(service))],
        }
    }

    /// This process's replica id: `REPLICA_ID`, or host name, process id and a random
    /// suffix (fixed for the life of the process).
    pub fn replica_id(&self) -> String {
        if let Some(id) = self.replica_id.as_deref().map(str::trim)
            && !id.is_empty()
        {
            return id.to_owned();
        }
        static GENERATED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        GENERATED
            .get_or_init(|| {
                let host = std::env::var("HOSTNAME")
                    .ok()
                    .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
                    .map(|h| h.trim().to_owned())
                    .filter(|h| !h.is_empty())
                    .unwrap_or_else(|| "host".to_owned());
                format!(
                    "{host}-{}-{:04x}",
                    std::process::id(),
                    rand::random::<u16>()
                )
            })
            .clone()
    }

    pub fn worker_lease(&self) -> Duration {
        Duration::from_secs(self.worker_lease_seconds)
    }

    /// The URL the operator set for `service` (`*_SERVICE_URL`), if any.
    pub fn configured_service_url(&self, service: Service) -> Option<&str> {
        match service {
            Service::Login => self.login_service_url.as_deref(),
            Service::Offers => self.offers_service_url.as_deref(),
            Service::Transactions => self.transactions_service_url.as_deref(),
            Service::Wallet => self.wallet_service_url.as_deref(),
            Service::Moderation => self.moderation_service_url.as_deref(),
            Service::Gateway => self.api_manager_url.as_deref(),
            Service::Frontend => None,
        }
    }

    pub fn monerod_url(&self) -> String {
        match &self.monerod_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://127.0.0.1:{}", self.monerod_rpc_port),
        }
    }

    /// Credentials for the wallet and daemon RPCs, when Digest auth is configured.
    pub fn monero_rpc_credentials(&self) -> Option<(String, String)> {
        if self.monero_rpc_auth_scheme == AuthScheme::None {
            return None;
        }
        let user = self.monero_rpc_user.clone()?;
        let password = self
            .monero_rpc_password
            .as_ref()
            .map(|p| p.expose().to_owned())
            .unwrap_or_default();
        Some((user, password))
    }

    /// The AMQP URL when RabbitMQ is configured (RABBITMQ_URL, or RABBITMQ_USER/PASSWORD/HOST/PORT).
    pub fn rabbitmq_amqp_url(&self) -> Option<String> {
        if let Some(url) = self
            .rabbitmq_url
            .as_ref()
            .filter(|u| !u.expose().trim().is_empty())
        {
            return Some(url.expose().to_owned());
        }
        let user = self.rabbitmq_user.as_ref().filter(|u| !u.is_empty())?;
        let password = self
            .rabbitmq_password
            .as_ref()
            .map(|p| p.expose().to_owned())
            .unwrap_or_default();
        Some(format!(
            "amqp://{user}:{password}@{}:{}/%2f",
            self.rabbitmq_host, self.rabbitmq_port
        ))
    }

    /// The SMTP server as a URL lettre reads, from SMTP_URL or SMTP_HOST and friends.
    pub fn smtp_transport_url(&self) -> Option<String> {
        if let Some(url) = self
            .smtp_url
            .as_ref()
            .filter(|u| !u.expose().trim().is_empty())
        {
            return Some(url.expose().trim().to_owned());
        }
        let host = self.smtp_host.as_ref().filter(|h| !h.trim().is_empty())?;
        let credentials = match &self.smtp_user {
            Some(user) if !user.is_empty() => {
                let password = self
                    .smtp_password
                    .as_ref()
                    .map(|p| p.expose().to_owned())
                    .unwrap_or_default();
                format!(
                    "{}:{}@",
                    percent_encode_userinfo(user),
                    percent_encode_userinfo(&password)
                )
            }
            _ => String::new(),
        };
        let (scheme, query) = match self.smtp_tls.as_str() {
            "tls" => ("smtps", ""),
            "none" => ("smtp", ""),
            _ => ("smtp", "?tls=required"),
        };
        Some(format!(
            "{scheme}://{credentials}{}:{}{query}",
            host.trim(),
            self.smtp_port
        ))
    }

    /// Where users reach the web UI, without a trailing slash.
    pub fn public_base_url(&self) -> String {
        match &self.public_url {
            Some(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_owned(),
            _ => format!("http://localhost:{}", self.frontend_port),
        }
    }

    /// Whether web cookies carry `Secure`: as configured, else only in production.
    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies.unwrap_or(self.is_production())
    }

    /// The session cookie policy, refused when browsers would drop the cookie.
    pub fn session_cookie_policy(&self) -> Result<(bool, SameSite), ConfigError> {
        let secure = self.cookies_secure();
        if self.session_cookie_samesite == SameSite::None && !secure {
            return Err(ConfigError::SameSiteNoneWithoutSecure);
        }
        Ok((secure, self.session_cookie_samesite))
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_owned(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("pupero.db").display()
            ),
        }
    }

    pub fn access_token_ttl(&self) -> Duration {
        Duration::from_secs(u64::from(self.access_token_minutes) * 60)
    }

    pub fn refresh_token_ttl(&self, remember_me: bool) -> Duration {
        if remember_me {
            Duration::from_secs(u64::from(self.remember_me_days) * 86_400)
        } else {
            Duration::from_secs(u64::from(self.refresh_token_hours) * 3_600)
        }
    }

    pub fn ensure_data_dir(&self) -> Result<(), ConfigError> {
        std::fs::create_dir_all(&self.data_dir).map_err(|source| ConfigError::DataDir {
            path: self.data_dir.clone(),
            source,
        })
    }
}

impl Settings {
    /// The credential `/metrics` asks for; `None` keeps metrics off.
    ///
    /// Outside production an unset token is generated once into the data directory (the
    /// file a scraper's `credentials_file` can point at). Production never generates one,
    /// so metrics stay closed until an operator chooses a token.
    pub fn resolve_metrics_token(&self) -> Result<Option<Secret>, ConfigError> {
        let configured = self
            .metrics_token
            .as_ref()
            .filter(|s| !s.expose().trim().is_empty());
        if let Some(s) = configured {
            if !is_strong_secret(s.expose()) {
                if self.is_production() {
                    return Err(ConfigError::WeakMetricsToken);
                }
                tracing::warn!(
                    "METRICS_TOKEN is short or a known default; production would refuse it"
                );
            }
            return Ok(Some(Secret::new(s.expose().trim().to_owned())));
        }
        if self.is_production() {
            tracing::warn!("METRICS_TOKEN is not set: /metrics answers 404 on every service");
            return Ok(None);
        }
        self.ensure_data_dir()?;
        let path = self.data_dir.join("metrics-token");
        let io_err = |source| ConfigError::DataDir {
            path: path.clone(),
            source,
        };
        let token = match std::fs::read_to_string(&path) {
            Ok(existing) if existing.trim().len() >= MIN_SECRET_LEN => existing.trim().to_owned(),
            Ok(_) => generate_token(&path).map_err(io_err)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                generate_token(&path).map_err(io_err)?
            }
            Err(e) => return Err(io_err(e)),
        };
        tracing::info!(path = %path.display(), "/metrics needs the bearer token kept in this file");
        Ok(Some(Secret::new(token)))
    }
}

fn generate_token(path: &Path) -> std::io::Result<String> {
    let bytes: [u8; 32] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private_file(path, &hex)?;
    Ok(hex)
}

impl Settings {
    /// The key that seals secrets at rest (64 hex characters), checked for production and
    /// generated for development like the token keys. Losing it makes every sealed TOTP
    /// secret unreadable, so `pupero up` keeps it beside the JWT secret in the data directory.
    pub fn resolve_data_key(&self) -> Result<Secret, ConfigError> {
        let configured = self
            .data_encryption_key
            .as_ref()
            .filter(|s| !s.expose().trim().is_empty());
        match configured {
            Some(s) if is_data_key(s.expose()) => return Ok(s.clone()),
            Some(_) => return Err(ConfigError::BadDataKey),
            None if self.is_production() => return Err(ConfigError::MissingProductionDataKey),
            None => {}
        }
        self.ensure_data_dir()?;
        let key = load_or_create_secret(&self.data_dir.join("data-encryption-key"))?;
        if is_data_key(key.expose()) {
            Ok(key)
        } else {
            Err(ConfigError::BadDataKey)
        }
    }
}

impl Settings {
    /// The audit and receipt signing key's seed (64 hex characters), checked like the data
    /// key: production refuses an unset one, and any setting refuses a seed of one repeated
    /// byte (a placeholder such as `000…0`, which anyone could sign with).
    pub fn resolve_audit_key(&self) -> Result<Secret, ConfigError> {
        let configured = self
            .audit_signing_key
            .as_ref()
            .filter(|s| !s.expose().trim().is_empty());
        let key = match configured {
            Some(s) => s.clone(),
            None if self.is_production() => return Err(ConfigError::MissingProductionAuditKey),
            None => {
                self.ensure_data_dir()?;
                load_or_create_secret(&self.data_dir.join("audit-signing-key"))?
            }
        };
        let seed = key.expose().trim().to_ascii_lowercase();
        let repeated = seed.get(..2).is_some_and(|first| seed == first.repeat(32));
        if !is_data_key(&seed) || repeated {
            return Err(ConfigError::BadAuditKey);
        }
        Ok(Secret::new(seed))
    }
}

fn is_data_key(s: &str) -> bool {
    let s = s.trim();
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Settings {
    /// Where the services' token keys live (see `PUPERO_KEYS_DIR`).
    pub fn keys_dir(&self) -> PathBuf {
        self.keys_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("keys"))
    }

    /// The frontend's own secret, checked for production and generated for development,
    /// like the keys: no other service holds it, so none can forge the frontend's cookies.
    pub fn resolve_frontend_secret(&self) -> Result<Secret, ConfigError> {
        let configured = self
            .frontend_secret_key
            .as_ref()
            .filter(|s| !s.expose().trim().is_empty());
        if self.is_production() {
            return match configured {
                Some(s) if is_strong_secret(s.expose()) => Ok(s.clone()),
                _ => Err(ConfigError::WeakFrontendSecret),
            };
        }
        if let Some(s) = configured {
            return Ok(s.clone());
        }
        self.ensure_data_dir()?;
        load_or_create_secret(&self.data_dir.join("frontend-secret"))
    }
}

fn is_strong_secret(s: &str) -> bool {
    s.len() >= MIN_SECRET_LEN && !KNOWN_DEFAULT_SECRETS.contains(&s.to_ascii_lowercase().as_str())
}

fn load_or_create_secret(path: &Path) -> Result<Secret, ConfigError> {
    let io_err = |source| ConfigError::DataDir {
        path: path.to_owned(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(existing) if existing.trim().len() >= MIN_SECRET_LEN => {
            return Ok(Secret::new(existing.trim().to_owned()));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err(e)),
    }
    let bytes: [u8; 32] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private_file(path, &hex).map_err(io_err)?;
    tracing::info!(path = %path.display(), "generated a secret");
    Ok(Secret::new(hex))
}

fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use pupero_core::Network;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        settings: Settings,
    }

    fn settings(args: &[&str]) -> Settings {
        let mut argv = vec!["pupero"];
        argv.extend_from_slice(args);
        Cli::parse_from(argv).settings
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("pupero-config-{tag}-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_data_key_is_required_in_production_and_generated_once_otherwise() {
        let dir = temp_dir("datakey");
        let d = dir.to_str().unwrap();
        let prod = settings(&["--pupero-env", "production", "--data-dir", d]);
        assert!(matches!(
            prod.resolve_data_key(),
            Err(ConfigError::MissingProductionDataKey)
        ));
        let short = settings(&["--data-encryption-key", "abcd", "--data-dir", d]);
        assert!(matches!(
            short.resolve_data_key(),
            Err(ConfigError::BadDataKey)
        ));
        let dev = settings(&["--data-dir", d]);
        let first = dev.resolve_data_key().unwrap();
        assert!(is_data_key(first.expose()));
        assert_eq!(first.expose(), dev.resolve_data_key().unwrap().expose());
    }

    #[test]
    fn the_audit_key_is_required_in_production_refuses_placeholders_and_is_generated_once() {
        let dir = temp_dir("auditkey");
        let d = dir.to_str().unwrap();
        let prod = settings(&["--pupero-env", "production", "--data-dir", d]);
        assert!(matches!(
            prod.resolve_audit_key(),
            Err(ConfigError::MissingProductionAuditKey)
        ));
        let zeros = "0".repeat(64);
        for bad in ["abcd", zeros.as_str()] {
            let s = settings(&["--pupero-env", "production", "--audit-signing-key", bad]);
            assert!(
                matches!(s.resolve_audit_key(), Err(ConfigError::BadAuditKey)),
                "{bad}"
            );
        }
        let chosen = "3f".repeat(31) + "a0";
        let s = settings(&["--pupero-env", "production", "--audit-signing-key", &chosen]);
        assert_eq!(s.resolve_audit_key().unwrap().expose(), chosen);
        let dev = settings(&["--data-dir", d]);
        let first = dev.resolve_audit_key().unwrap();
        assert!(is_data_key(first.expose()));
        assert_eq!(first.expose(), dev.resolve_audit_key().unwrap().expose());
    }

    #[test]
    fn session_cookies_are_secure_in_production_and_samesite_none_needs_secure() {
        let dev = settings(&[]);
        assert_eq!(dev.session_cookie_policy().unwrap(), (false, SameSite::Lax));
        let prod = settings(&["--pupero-env", "production"]);
        assert!(
            prod.cookies_secure(),
            "production defaults to Secure cookies"
        );
        let none = settings(&["--session-cookie-samesite", "none"]);
        assert!(matches!(
            none.session_cookie_policy(),
            Err(ConfigError::SameSiteNoneWithoutSecure)
        ));
        let none_secure = settings(&[
            "--session-cookie-samesite",
            "none",
            "--secure-cookies",
            "true",
        ]);
        assert_eq!(
            none_secure.session_cookie_policy().unwrap(),
            (true, SameSite::None)
        );
    }

    // issue 9 item 11: metrics are never public by default.
    #[test]
    fn the_metrics_token_is_generated_in_development_and_required_in_production() {
        let dir = temp_dir("metrics");
        let d = dir.to_str().unwrap();
        let dev = settings(&["--data-dir", d]);
        let first = dev.resolve_metrics_token().unwrap().unwrap();
        assert!(first.expose().len() >= MIN_SECRET_LEN);
        let again = dev.resolve_metrics_token().unwrap().unwrap();
        assert_eq!(first.expose(), again.expose());
        let prod = settings(&["--pupero-env", "production", "--data-dir", d]);
        assert!(
            prod.resolve_metrics_token().unwrap().is_none(),
            "off, not public"
        );
        let weak = settings(&["--pupero-env", "production", "--metrics-token", "short"]);
        assert!(matches!(
            weak.resolve_metrics_token(),
            Err(ConfigError::WeakMetricsToken)
        ));
        let strong = "m".repeat(40);
        let chosen = settings(&["--pupero-env", "production", "--metrics-token", &strong]);
        assert_eq!(
            chosen.resolve_metrics_token().unwrap().unwrap().expose(),
            strong
        );
    }

    fn refused(args: &[&str]) -> String {
        let mut argv = vec!["pupero"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv) {
            Ok(_) => panic!("{args:?} should be refused"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_typo_in_a_monero_setting_stops_the_start_naming_the_variable() {
        let table: [(&[&str], &str); 6] = [
            (
                &["--monero-rpc-auth-scheme", "digets"],
                "MONERO_RPC_AUTH_SCHEME",
            ),
            (
                &["--monero-rpc-auth-scheme", "basic"],
                "MONERO_RPC_AUTH_SCHEME",
            ),
            (&["--monero-network", "mainet"], "MONERO_NETWORK"),
            (&["--min-sweep-xmr", "0,01"], "MIN_SWEEP_XMR"),
            (&["--min-sweep-xmr=-1"], "MIN_SWEEP_XMR"),
            (&["--min-sweep-xmr", "0.0000000000001"], "MIN_SWEEP_XMR"),
        ];
        for (args, variable) in table {
            let message = refused(args);
            assert!(message.contains(variable), "{args:?}: {message}");
        }
    }

    #[test]
    fn the_database_pool_holds_one_to_a_thousand_connections() {
        assert_eq!(settings(&[]).database_pool_size, DEFAULT_DATABASE_POOL_SIZE);
        assert_eq!(
            settings(&["--database-pool-size", "1"]).database_pool_size,
            1
        );
        for bad in ["0", "1001", "-1", "many"] {
            let message = refused(&[&format!("--database-pool-size={bad}")]);
            assert!(message.contains("DATABASE_POOL_SIZE"), "{bad}: {message}");
        }
    }

    #[test]
    fn withdrawal_batches_fit_one_transaction_and_the_float_is_off_by_default() {
        let defaults = settings(&[]);
        assert_eq!(defaults.withdrawal_batch_size, 15);
        assert_eq!(defaults.hot_wallet_outputs, 0);
        assert_eq!(defaults.wallet_refresh_seconds, 1);
        for bad in ["0", "16"] {
            assert!(
                refused(&["--withdrawal-batch-size", bad]).contains("withdrawal-batch-size"),
                "{bad}"
            );
        }
        assert!(
            refused(&["--hot-wallet-output-min-xmr", "0.0000000000001"])
                .contains("hot-wallet-output-min-xmr")
        );
        let s = settings(&[
            "--hot-wallet-outputs",
            "16",
            "--hot-wallet-output-min-xmr",
            "0.5",
        ]);
        assert_eq!(s.hot_wallet_outputs, 16);
        assert_eq!(
            s.hot_wallet_output_min_xmr,
            Piconero::parse_xmr("0.5").unwrap()
        );
    }

    #[test]
    fn monero_settings_are_typed_when_read() {
        let defaults = settings(&[]);
        assert_eq!(defaults.monero_network, MoneroNetwork::Mainnet);
        assert_eq!(defaults.monero_rpc_auth_scheme, AuthScheme::Digest);
        assert!(defaults.min_sweep_xmr.is_zero());
        let s = settings(&[
            "--monero-network",
            "stagenet",
            "--min-sweep-xmr",
            "0.01",
            "--monero-rpc-auth-scheme",
            "NONE",
        ]);
        assert_eq!(s.monero_network, MoneroNetwork::Stagenet);
        assert_eq!(s.monero_network.addresses(), Network::Stagenet);
        assert_eq!(s.min_sweep_xmr, Piconero::parse_xmr("0.01").unwrap());
        assert_eq!(s.monero_rpc_auth_scheme, AuthScheme::None);
        // Regtest chains use mainnet addresses.
        let regtest = settings(&["--monero-network", "REGTEST"]);
        assert_eq!(regtest.monero_network, MoneroNetwork::Regtest);
        assert_eq!(regtest.monero_network.addresses(), Network::Mainnet);
        assert_eq!(regtest.monero_network.daemon_nettype(), "fakechain");
    }

    #[test]
    fn rpc_credentials_go_out_only_with_digest_and_a_user() {
        let user = [
            "--monero-rpc-user",
            "alice",
            "--monero-rpc-password",
            "s3cret",
        ];
        let digest = settings(&user);
        assert_eq!(
            digest.monero_rpc_credentials(),
            Some(("alice".to_owned(), "s3cret".to_owned()))
        );
        let mut none = user.to_vec();
        none.extend(["--monero-rpc-auth-scheme", "none"]);
        assert_eq!(settings(&none).monero_rpc_credentials(), None);
        assert_eq!(settings(&[]).monero_rpc_credentials(), None);
    }

    #[test]
    fn settings_in_a_log_line_show_no_password() {
        let s = settings(&[
            "--database-url",
            "mysql://pupero:db-hunter2@db:3306/pupero",
            "--rabbitmq-url",
            "amqp://pupero:mq-hunter2@rabbit:5672/%2f",
            "--rabbitmq-password",
            "mq-hunter3",
            "--monero-rpc-password",
            "rpc-hunter2",
        ]);
        let shown = format!("{s:?}");
        for password in ["db-hunter2", "mq-hunter2", "mq-hunter3", "rpc-hunter2"] {
            assert!(!shown.contains(password), "{password} in {shown}");
        }
        assert!(shown.contains("mysql://pupero:***@db:3306/pupero"));
        assert_eq!(s.database_url(), "mysql://pupero:db-hunter2@db:3306/pupero");
    }

    #[test]
    fn service_urls_default_to_local_ports() {
        let s = settings(&["--login-port", "9101"]);
        assert_eq!(s.service_url(Service::Login), "http://127.0.0.1:9101");
        let s = settings(&["--login-service-url", "http://login:8001/"]);
        assert_eq!(s.service_url(Service::Login), "http://login:8001");
        let s = settings(&[
            "--login-service-url",
            "http://login-a:8001/, http://login-b:8001 ,",
        ]);
        assert_eq!(
            s.service_replicas(Service::Login),
            ["http://login-a:8001", "http://login-b:8001"]
        );
        assert_eq!(
            s.service_url(Service::Login),
            "http://login-a:8001,http://login-b:8001"
        );
    }
}
