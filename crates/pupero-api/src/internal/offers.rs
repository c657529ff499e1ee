//! Asked of the offers service. (Transactions reads an offer's terms as the public
//! [`OfferView`](crate::offers::OfferView) from `GET /internal/offers/{id}`.)

use serde::{Deserialize, Serialize};

/// `POST /internal/owners/{id}` (login): list an account's offers or hide them, while the
/// account is disabled or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerVisibility {
    pub hidden: bool,
}

/// The answer: what is now in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerVisibilitySet {
    pub owner_id: i64,
    pub hidden: bool,
}
