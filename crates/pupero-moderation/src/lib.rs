//! The moderation service (:8020, `/moderation/*` through the gateway): reports of users,
//! offers, trades and chat messages, merged into cases for a moderators' queue; sanctions
//! on accounts, and appeals against them.
//!
//! A sanction is kept here, and enforced where the action it forbids lives: every change
//! is told to login (which carries the account's restrictions in the standing every
//! service checks at the moment of use) and, for a trade ban or ban, to offers (which
//! drops the owner's offers from the listing). See `enforcement`.

mod conflict;
mod enforcement;
mod entity;
mod migration;
mod routes;
mod store;
mod targets;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;

use pupero_config::{Service, Settings};
use pupero_http::{AccountAuthority, InternalClient, JwtKeys, TrustedProxies};

pub use migration::Migrator;
pub use routes::router;
pub use store::AUDIT_CHAIN;

pub const SERVICE: &str = "moderation";
/// The background jobs' worker leases (`pupero_db::lease`).
pub const LEASE_TABLE: &str = "moderation_worker_leases";

pub use enforcement::spawn_retell;

#[derive(Clone)]
pub struct ModerationState {
    pub db: DatabaseConnection,
    pub keys: JwtKeys,
    pub trusted: TrustedProxies,
    /// Whether a caller's account may still act, and with which role (login owns accounts).
    pub authority: AccountAuthority,
    /// Login: told every account's restrictions.
    pub login: InternalClient,
    /// Offers: told which owners are barred, asked who owns a reported offer.
    pub offers: InternalClient,
    /// The ledger: asked who is in a reported trade or wrote a reported message.
    pub transactions: InternalClient,
    /// AUTO_ESCALATION_THRESHOLD: distinct reporters that escalate a case.
    pub escalation_threshold: u64,
    /// APPEAL_WINDOW_DAYS, in ms.
    pub appeal_window_ms: i64,
    /// Which replica runs each background job.
    pub leases: pupero_http::Leases,
    /// The service's own metrics (its worker leases).
    pub metrics: pupero_http::MetricSet,
    /// SANCTION_RETELL_SECONDS.
    pub retell_interval: std::time::Duration,
}

impl ModerationState {
    pub fn new(
        db: DatabaseConnection,
        keys: JwtKeys,
        settings: &Settings,
    ) -> Result<Self, pupero_http::HttpClientError> {
        let client = |service: Service| {
            InternalClient::new(
                keys.clone(),
                SERVICE,
                service.name(),
                settings.service_url(service),
            )
        };
        let login = client(Service::Login)?;
        let metrics = pupero_http::MetricSet::new();
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
            retell_interval: std::time::Duration::from_secs(
                settings.sanction_retell_seconds.max(1),
            ),
            authority: AccountAuthority::from_login(login.clone(), settings.is_production()),
            login,
            offers: client(Service::Offers)?,
            transactions: client(Service::Transactions)?,
            trusted: TrustedProxies(std::sync::Arc::new(settings.trusted_proxies.clone())),
            escalation_threshold: settings.auto_escalation_threshold,
            appeal_window_ms: i64::from(settings.appeal_window_days) * 86_400_000,
            db,
            keys,
        })
    }
}

impl FromRef<ModerationState> for JwtKeys {
    fn from_ref(state: &ModerationState) -> Self {
        state.keys.clone()
    }
}

impl FromRef<ModerationState> for AccountAuthority {
    fn from_ref(state: &ModerationState) -> Self {
        state.authority.clone()
    }
}

impl FromRef<ModerationState> for TrustedProxies {
    fn from_ref(state: &ModerationState) -> Self {
        state.trusted.clone()
    }
}
