//! Offers (the offers service). Transactions reads an offer's terms as [`OfferView`] too.

use serde::{Deserialize, Serialize};

use pupero_core::{OfferSide, OfferStatus, Piconero};

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
    /// Fiat per XMR, two decimals.
    pub price: String,
    pub payment_method: String,
    /// XMR, twelve decimals.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub min_amount: Piconero,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub max_amount: Piconero,
    pub payment_window_minutes: i32,
    pub terms: String,
    /// `open`, `paused` or `closed`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: OfferStatus,
    /// For sell offers: whether the owner's balance covers the minimum (null if unknown).
    /// Buy offers are always available: the taker brings the XMR.
    pub available: Option<bool>,
    pub created_at: String,
    pub updated_at: String,
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
    /// Fiat per XMR, e.g. `"150.25"`.
    pub price: String,
    pub payment_method: String,
    /// XMR decimal string, e.g. `"0.1"`.
    pub min_amount: String,
    pub max_amount: String,
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
    pub price: Option<String>,
    pub payment_method: Option<String>,
    pub min_amount: Option<String>,
    pub max_amount: Option<String>,
    pub payment_window_minutes: Option<i64>,
    pub terms: Option<String>,
    pub status: Option<String>,
}
