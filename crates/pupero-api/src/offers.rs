//! Offers (the offers service). Transactions reads an offer's terms as [`OfferView`] too.

use serde::{Deserialize, Serialize};

use pupero_core::{OfferHalt, OfferSide, OfferStatus, Piconero, PriceMode};

/// An offer as everyone sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferView {
    pub id: i64,
    pub owner_id: i64,
    /// `buy` or `sell`, from the owner's side.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub side: OfferSide,
    pub currency: String,
    /// Fiat per XMR, two decimals: for a margin offer, the market price with the margin
    /// applied as of the last price refresh (the price a trade opened now locks).
    pub price: String,
    /// `fixed` or `margin`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub price_mode: PriceMode,
    /// Margin offers: percent over (or, negative, under) the market price, two decimals.
    pub margin_percent: Option<String>,
    /// Margin offers: the offer pauses itself while its price is below this (fiat per XMR).
    pub price_min: Option<String>,
    /// Margin offers: the offer pauses itself while its price is above this.
    pub price_max: Option<String>,
    pub payment_method: String,
    /// XMR, twelve decimals.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub min_amount: Piconero,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub max_amount: Piconero,
    /// When not empty, the only amounts a trade may be opened for (e.g. 0.1, 0.5 and 1 XMR).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub amounts: Vec<Piconero>,
    /// The most a counterparty who never completed a trade with the owner may trade.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub first_trade_max_amount: Option<Piconero>,
    /// Completed trades a taker needs to take this offer.
    pub min_taker_trades: u32,
    /// Only users on the owner's trusted list may take it.
    pub trusted_only: bool,
    pub payment_window_minutes: i32,
    pub terms: String,
    /// `open`, `paused` or `closed`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: OfferStatus,
    /// Why an open offer cannot be taken right now (`price_feed_stale`, `below_price_min`,
    /// `above_price_max`); listings leave such offers out. Null when it can be taken.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub halted: Option<OfferHalt>,
    /// For sell offers: whether the owner's balance covers the minimum (null if unknown).
    /// Buy offers are always available: the taker brings the XMR.
    pub available: Option<bool>,
    pub created_at: String,
    pub updated_at: String,
    /// The owner's record as traders see it (in listings and on `GET /offers/{id}`).
    #[serde(default)]
    pub owner_record: Option<TraderRecord>,
}

/// A trader's record beside their offers. Counts are in bands so that watching them does
/// not reveal a trader's exact volume: the exact number up to 9, then `10+`, `50+`,
/// `100+`, `500+`, `1000+`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraderRecord {
    /// Completed trades, not counting the ones lost in a dispute (banded).
    pub completed_trades: String,
    /// Feedback score: the average review rating, 1.0–5.0 with one decimal; null without
    /// reviews.
    pub rating: Option<String>,
    /// Reviews received (banded).
    pub reviews: String,
    /// Trades the trader, as buyer, cancelled or let expire unpaid (banded).
    pub cancellations: String,
    /// Disputes resolved against the trader (banded).
    pub lost_disputes: String,
    /// Whole days since the account was created; null when not known yet.
    pub account_age_days: Option<u32>,
    /// `today`, `this_week`, `this_month` or `long_ago` (signing in or using the site, to
    /// the hour); null when never seen.
    pub last_seen: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentMethods {
    pub payment_methods: Vec<String>,
}

/// A new offer, or the whole of a replaced one. Fields stay text: the handler checks each
/// and names the one that is wrong.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferInput {
    /// `buy` or `sell`.
    pub side: String,
    /// ISO 4217, e.g. `EUR`.
    pub currency: String,
    /// `fixed` (default) or `margin`.
    pub price_mode: Option<String>,
    /// Fixed offers: fiat per XMR, e.g. `"150.25"`.
    #[serde(default)]
    pub price: Option<String>,
    /// Margin offers: percent over the market price, e.g. `"2.5"` or `"-1.0"` (±50).
    pub margin_percent: Option<String>,
    /// Margin offers, optional: pause below this price (fiat per XMR).
    pub price_min: Option<String>,
    /// Margin offers, optional: pause above this price.
    pub price_max: Option<String>,
    pub payment_method: String,
    /// XMR decimal string, e.g. `"0.1"`.
    pub min_amount: String,
    pub max_amount: String,
    /// Optional: the only amounts trades may use, each within min/max (at most 10).
    #[serde(default)]
    pub amounts: Vec<String>,
    /// Optional: the most a counterparty new to you may trade (XMR).
    pub first_trade_max_amount: Option<String>,
    /// Completed trades a taker needs (default 0, at most 10000).
    pub min_taker_trades: Option<i64>,
    /// Only users on your trusted list may take it (default false).
    pub trusted_only: Option<bool>,
    /// 15 to 1440.
    pub payment_window_minutes: i64,
    #[serde(default)]
    pub terms: String,
    /// `open` (default), `paused` or `closed`.
    pub status: Option<String>,
}

/// Some fields of an offer; the others stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferPatch {
    pub side: Option<String>,
    pub currency: Option<String>,
    pub price_mode: Option<String>,
    pub price: Option<String>,
    pub margin_percent: Option<String>,
    /// `""` removes the guard.
    pub price_min: Option<String>,
    /// `""` removes the guard.
    pub price_max: Option<String>,
    pub payment_method: Option<String>,
    pub min_amount: Option<String>,
    pub max_amount: Option<String>,
    pub amounts: Option<Vec<String>>,
    /// `""` removes the limit.
    pub first_trade_max_amount: Option<String>,
    pub min_taker_trades: Option<i64>,
    pub trusted_only: Option<bool>,
    pub payment_window_minutes: Option<i64>,
    pub terms: Option<String>,
    pub status: Option<String>,
}

/// `GET /offers/prices`: the market price of XMR in each currency a source quotes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriceBoard {
    /// PRICE_REFRESH_SECONDS.
    pub refresh_seconds: u64,
    /// PRICE_STALE_SECONDS: a price older than this is stale, and margin offers in its
    /// currency are hidden and cannot be taken.
    pub stale_seconds: u64,
    /// The configured sources, by name.
    pub sources: Vec<String>,
    /// By currency code.
    pub prices: Vec<MarketPrice>,
}

/// One currency's market price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarketPrice {
    pub currency: String,
    /// Fiat per XMR, two decimals: the median of the quotes kept.
    pub price: String,
    /// When the median was last computed from fresh quotes.
    pub updated_at: String,
    pub age_seconds: u64,
    /// Whether it is younger than `stale_seconds`.
    pub fresh: bool,
    /// The quotes of the refresh that made it.
    pub quotes: Vec<SourceQuote>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceQuote {
    pub source: String,
    /// Fiat per XMR as the source published it, rounded half up to two decimals.
    pub price: String,
    /// False when it was rejected as an outlier.
    pub used: bool,
}

/// `GET /me/trader-lists`: the users the caller trusts (for `trusted_only` offers) and the
/// ones they block from all their offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraderLists {
    pub trusted: Vec<i64>,
    pub blocked: Vec<i64>,
}

/// `PUT /offers/trader-lists/{user_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraderListEntry {
    /// `trusted` or `blocked`.
    pub list: String,
}
