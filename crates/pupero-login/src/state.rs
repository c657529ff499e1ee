use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;

use pupero_config::Service;
use pupero_config::Settings;
use pupero_http::{InternalClient, JwtKeys, TrustedProxies};

use crate::limits::Limits;
use crate::passwords::Passwords;

/// Token lifetimes and lockout rules, fixed at start-up.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub remember_me_ttl: Duration,
    pub max_failures: u32,
    pub lockout_ms: i64,
}

#[derive(Clone)]
pub struct LoginState {
    pub db: DatabaseConnection,
    pub keys: JwtKeys,
    pub passwords: Passwords,
    pub(crate) limits: Arc<Limits>,
    pub policy: Policy,
    pub trusted: TrustedProxies,
    /// The ledger, asked before an account is deleted.
    pub transactions: InternalClient,
}

impl LoginState {
    pub fn new(db: DatabaseConnection, keys: JwtKeys, settings: &Settings) -> Self {
        let hashing_threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let limits = Arc::new(Limits::new(
            settings.login_rate_per_minute,
            settings.register_rate_per_hour,
        ));
        let pruned = Arc::downgrade(&limits);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(60));
                loop {
                    tick.tick().await;
                    match pruned.upgrade() {
                        Some(limits) => limits.prune(),
                        None => break,
                    }
                }
            });
        }
        let transactions = InternalClient::new(
            keys.clone(),
            crate::SERVICE,
            "transactions",
            settings.service_url(Service::Transactions),
        );
        Self {
            transactions,
            db,
            keys,
            passwords: Passwords::new(hashing_threads),
            limits,
            policy: Policy {
                access_ttl: settings.access_token_ttl(),
                refresh_ttl: settings.refresh_token_ttl(false),
                remember_me_ttl: settings.refresh_token_ttl(true),
                max_failures: settings.login_max_failures.max(1),
                lockout_ms: i64::try_from(settings.login_lockout_seconds.saturating_mul(1000))
                    .unwrap_or(i64::MAX),
            },
            trusted: TrustedProxies(Arc::new(settings.trusted_proxies.clone())),
        }
    }
}

impl FromRef<LoginState> for JwtKeys {
    fn from_ref(state: &LoginState) -> Self {
        state.keys.clone()
    }
}

impl FromRef<LoginState> for TrustedProxies {
    fn from_ref(state: &LoginState) -> Self {
        state.trusted.clone()
    }
}
