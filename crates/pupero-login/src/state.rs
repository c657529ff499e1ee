use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;

use pupero_config::Service;
use pupero_config::Settings;
use pupero_db::seal::{DataKey, Sealer};
use pupero_http::{AccountAuthority, InternalClient, JwtKeys, SecurityEvent, TrustedProxies};

use crate::limits::Limits;
use crate::passwords::Passwords;

/// Token lifetimes and lockout rules, fixed at start-up.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub remember_me_ttl: Duration,
    pub failures: crate::store::FailurePolicy,
}

#[derive(Clone)]
pub struct LoginState {
    pub db: DatabaseConnection,
    pub keys: JwtKeys,
    pub passwords: Passwords,
    pub(crate) limits: Arc<Limits>,
    pub policy: Policy,
    pub trusted: TrustedProxies,
    /// Seals TOTP secrets at rest (a subkey of DATA_ENCRYPTION_KEY).
    pub totp_key: Sealer,
    /// Seals API keys' signing secrets at rest (another subkey of DATA_ENCRYPTION_KEY).
    pub api_key_sealer: Sealer,
    /// The access token last given for each API key, reused while it has more than
    /// half its minute left (every check is still made on every call).
    pub(crate) key_tokens:
        Arc<std::sync::Mutex<std::collections::HashMap<i64, pupero_http::IssuedToken>>>,
    /// The ledger, asked before an account is deleted.
    pub transactions: InternalClient,
    /// Told when an account is disabled, enabled or deleted, so its offers hide or show.
    pub offers: InternalClient,
    /// Staff routes read the caller's current role and state from this database.
    pub authority: AccountAuthority,
    /// Security-event counts (failed sign-ins, lockouts, 2FA failures, staff actions).
    pub metrics: pupero_http::MetricSet,
    /// The SMTP server (or none configured) and the web UI's address for links.
    pub mailer: crate::mail::Mailer,
    /// How long a password-reset link works (PASSWORD_RESET_MINUTES).
    pub reset_ttl_ms: i64,
}

impl LoginState {
    pub fn new(
        db: DatabaseConnection,
        keys: JwtKeys,
        data_key: &DataKey,
        settings: &Settings,
    ) -> anyhow::Result<Self> {
        let hashing_threads =
            std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let mut limits = Limits::new(
            settings.login_rate_per_minute,
            settings.register_rate_per_hour,
        );
        let metrics = pupero_http::MetricSet::new();
        if let Some(url) = &settings.rate_limit_redis_url {
            match pupero_http::SharedLimiter::new(url.expose(), &settings.rate_limit_redis_prefix) {
                Ok(shared) => {
                    limits =
                        limits.shared_through(shared.reporting_to(&metrics, &Limits::SHARED_KINDS));
                }
                // The setting is checked when it is read; this is only a second look.
                Err(e) => tracing::error!(error = %e, "rate limits stay per replica"),
            }
        }
        let limits = Arc::new(limits);
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
        )?;
        let offers = InternalClient::new(
            keys.clone(),
            crate::SERVICE,
            "offers",
            settings.service_url(Service::Offers),
        )?;
        let authority = AccountAuthority::new(
            crate::routes::internal::Accounts(db.clone()),
            settings.is_production(),
        );
        pupero_http::security::declare(
            &metrics,
            &[
                SecurityEvent::SignInFailed,
                SecurityEvent::Lockout,
                SecurityEvent::TotpFailed,
                SecurityEvent::RoleChanged,
                SecurityEvent::AccountDisabled,
                SecurityEvent::AccountEnabled,
                SecurityEvent::ForcedLogout,
                SecurityEvent::SessionEndedAccountDisabled,
                SecurityEvent::RefreshTokenReused,
            ],
        );
        Ok(Self {
            mailer: crate::mail::Mailer::from_settings(settings)?,
            reset_ttl_ms: millis(settings.password_reset_minutes.saturating_mul(60)),
            metrics,
            authority,
            transactions,
            offers,
            db,
            keys,
            passwords: Passwords::new(hashing_threads),
            limits,
            policy: Policy {
                access_ttl: settings.access_token_ttl(),
                refresh_ttl: settings.refresh_token_ttl(false),
                remember_me_ttl: settings.refresh_token_ttl(true),
                failures: crate::store::FailurePolicy {
                    per_client: settings.login_max_failures.max(1),
                    lockout_ms: millis(settings.login_lockout_seconds),
                    per_account: settings.login_account_max_failures.max(1),
                    backoff_max_ms: millis(settings.login_account_backoff_max_seconds),
                },
            },
            totp_key: data_key.subkey(TOTP_KEY_PURPOSE),
            api_key_sealer: data_key.subkey(API_KEY_PURPOSE),
            key_tokens: Arc::default(),
            trusted: TrustedProxies(Arc::new(settings.trusted_proxies.clone())),
        })
    }
}

/// The label the TOTP subkey is derived under; changing it makes every secret unreadable.
pub const TOTP_KEY_PURPOSE: &str = "pupero login totp secrets v1";

/// The label API keys' signing secrets are sealed under.
pub const API_KEY_PURPOSE: &str = "pupero login api key signing secrets v1";

fn millis(secs: u64) -> i64 {
    i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX)
}

impl FromRef<LoginState> for JwtKeys {
    fn from_ref(state: &LoginState) -> Self {
        state.keys.clone()
    }
}

impl FromRef<LoginState> for AccountAuthority {
    fn from_ref(state: &LoginState) -> Self {
        state.authority.clone()
    }
}

impl FromRef<LoginState> for TrustedProxies {
    fn from_ref(state: &LoginState) -> Self {
        state.trusted.clone()
    }
}
