//! The web frontend (:5000): server-rendered pages over the public API.
//!
//! It holds no business rules and no database access to other services' tables: every
//! page is a call through the gateway with the visitor's own access token, so the
//! browser can do exactly what the API lets that user do, and nothing more. What it
//! keeps itself is the web session (tokens held server-side, behind an opaque cookie).

mod api;
mod assets;
mod csrf;
mod entity;
mod flash;
mod i18n;
mod layers;
mod migration;
mod pages;
mod session;
mod view;

use pupero_db::seal::{DataKey, Sealer};
use std::sync::Arc;

use axum::Router;
use sea_orm::DatabaseConnection;

use pupero_config::{ConfigError, SameSite, Service, Settings};
use pupero_http::{JwtKeys, TrustedProxies};

pub use migration::Migrator;

pub const SERVICE: &str = "frontend";

/// How the session cookie is sent.
#[derive(Debug, Clone, Copy)]
pub struct CookiePolicy {
    pub secure: bool,
    pub same_site: SameSite,
    pub remember_me_days: u32,
}

#[derive(Clone)]
pub struct FrontendState {
    pub db: DatabaseConnection,
    pub api: api::Api,
    pub keys: JwtKeys,
    pub cookies: CookiePolicy,
    /// Peers whose X-Forwarded-For the frontend believes (an ingress in front of it).
    pub trusted: TrustedProxies,
    /// Signs CSRF tokens; derived from the shared secret, so every replica agrees.
    csrf_key: Arc<[u8; 32]>,
    /// How long a session without "remember me" lasts: the refresh token's lifetime.
    pub session_ttl_ms: i64,
    /// Seals the API tokens kept in `web_sessions` and `web_login_challenges`: a subkey
    /// of DATA_ENCRYPTION_KEY that opens nothing else.
    pub(crate) sessions_key: Sealer,
    /// EVIDENCE_MAX_BYTES: the largest dispute evidence file (the upload form's limit).
    pub evidence_max_bytes: usize,
}

/// The label of the frontend's own subkey.
const SESSIONS_KEY_PURPOSE: &str = "pupero frontend web session tokens v1";

impl FrontendState {
    pub fn new(
        db: DatabaseConnection,
        keys: JwtKeys,
        secret: &str,
        data_key: &DataKey,
        settings: &Settings,
    ) -> Result<Self, ConfigError> {
        let (secure, same_site) = settings.session_cookie_policy()?;
        Ok(Self {
            db,
            api: api::Api::new(settings.service_url(Service::Gateway), keys.clone())?,
            keys,
            cookies: CookiePolicy {
                secure,
                same_site,
                remember_me_days: settings.remember_me_days,
            },
            trusted: TrustedProxies(Arc::new(settings.gateway_trusted_proxies.clone())),
            csrf_key: Arc::new(csrf::derive_key(secret)),
            session_ttl_ms: i64::from(settings.refresh_token_hours) * 3_600_000,
            sessions_key: data_key.subkey(SESSIONS_KEY_PURPOSE),
            evidence_max_bytes: usize::try_from(settings.evidence_max_bytes).unwrap_or(usize::MAX),
        })
    }
}

impl axum::extract::FromRef<FrontendState> for TrustedProxies {
    fn from_ref(state: &FrontendState) -> Self {
        state.trusted.clone()
    }
}

/// The whole web application with its layers.
pub fn app(state: FrontendState) -> Router {
    layers::wrap(pages::routes(state.clone()), state)
}
