//! The offers service (:8002, `/offers` and `/me/offers` through the gateway): people's
//! standing buy and sell ads, with typed terms. Trades copy an offer's terms when they
//! open, so editing an offer never changes a trade in progress.

mod entity;
mod listing;
mod migration;
pub mod prices;
mod records;
mod repricing;
mod routes;
mod store;
mod terms;

use std::sync::Arc;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;

use pupero_config::{Service, Settings};
use pupero_http::{AccountAuthority, InternalClient, JwtKeys, TrustedProxies};

pub use migration::Migrator;
pub use repricing::spawn_price_feed;
pub use routes::router;

pub const SERVICE: &str = "offers";
/// The newest version of each owner's bar moderation told.
pub const BAR_VERSIONS: &str = "offer_bar_versions";
/// The newest version of each trader's trade record transactions told.
pub const RECORD_VERSIONS: &str = "offer_record_versions";
/// The newest "last seen" of each trader login told (the time is its own version).
pub const PRESENCE_VERSIONS: &str = "offer_presence_versions";

#[derive(Clone)]
pub struct OffersState {
    pub db: DatabaseConnection,
    pub keys: JwtKeys,
    pub trusted: TrustedProxies,
    pub payment_methods: Arc<Vec<String>>,
    /// The ledger, asked whether sellers can cover their offers and whether trades are open.
    pub transactions: InternalClient,
    /// MAX_AMOUNT_XMR: the largest min/max an offer may name.
    pub max_amount: pupero_core::Piconero,
    /// Whether a caller's account may still write (login owns accounts).
    pub authority: AccountAuthority,
    /// Sellers' balances and finished listing answers, kept until a write changes them.
    pub listing: Arc<listing::Listing>,
    /// The market price of XMR per currency, for margin offers.
    pub prices: Arc<prices::PriceFeed>,
}

impl OffersState {
    pub fn new(
        db: DatabaseConnection,
        keys: JwtKeys,
        settings: &Settings,
    ) -> Result<Self, pupero_config::ConfigError> {
        let transactions = InternalClient::new(
            keys.clone(),
            SERVICE,
            "transactions",
            settings.service_url(Service::Transactions),
        )?;
        let authority = AccountAuthority::from_login(
            InternalClient::new(
                keys.clone(),
                SERVICE,
                "login",
                settings.service_url(Service::Login),
            )?,
            settings.is_production(),
        );
        Ok(Self {
            listing: Arc::default(),
            prices: Arc::new(prices::PriceFeed::new(settings)?),
            authority,
            db,
            keys,
            trusted: TrustedProxies(Arc::new(settings.trusted_proxies.clone())),
            max_amount: pupero_core::Piconero::from_xmr(i64::from(settings.max_amount_xmr))
                .unwrap_or(pupero_core::Piconero::MAX),
            payment_methods: Arc::new(
                settings
                    .payment_methods
                    .iter()
                    .map(|m| m.trim().to_ascii_lowercase())
                    .filter(|m| !m.is_empty())
                    .collect(),
            ),
            transactions,
        })
    }
}

impl FromRef<OffersState> for JwtKeys {
    fn from_ref(state: &OffersState) -> Self {
        state.keys.clone()
    }
}

impl FromRef<OffersState> for AccountAuthority {
    fn from_ref(state: &OffersState) -> Self {
        state.authority.clone()
    }
}

impl FromRef<OffersState> for TrustedProxies {
    fn from_ref(state: &OffersState) -> Self {
        state.trusted.clone()
    }
}
