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

/// `POST /internal/balances-changed` (transactions): these users' available balances
/// changed in writes that have committed, so the offers service's view of whether their
/// sell offers are funded is stale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalancesChanged {
    /// At most 1000.
    pub user_ids: Vec<i64>,
}

/// The answer: how many of them were sellers the offers service had a view of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalancesNoted {
    pub refreshed: usize,
}

/// `PUT /internal/owners/{id}/barred` (moderation): an owner's offers leave the listing
/// while a trade ban or ban is in force, whatever the account's own state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerBar {
    pub barred: bool,
    /// Epoch ms when the bar ends by itself; `None`: until lifted.
    pub until_ms: Option<i64>,
    /// As in [`crate::internal::login::Restrictions::version`]: an older one is ignored.
    pub version: i64,
}

/// `PUT /internal/traders/records` (transactions): traders' whole trade records, sent
/// after every change to them (the two parties of an ended trade in one call) and again by
/// a retell job until they were taken. The answer is the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeRecordsTold {
    /// At most [`TradeRecordsTold::MAX`].
    pub records: Vec<TradeRecordTold>,
}

impl TradeRecordsTold {
    pub const MAX: usize = 1000;
}

/// One trader's whole trade record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeRecordTold {
    pub user_id: i64,
    pub completed_trades: u64,
    pub cancellations: u64,
    pub lost_disputes: u64,
    pub reviews_count: u64,
    /// The average rating times 100, rounded half up; `None` without reviews.
    pub rating_hundredths: Option<i64>,
    /// The teller's count of changes to this record; an older one than applied is ignored.
    pub version: i64,
}

/// `PUT /internal/traders/{id}/presence` (login): when the account was created and last
/// seen (to the hour). The newest `seen_at_ms` wins; an older telling changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceTold {
    pub joined_at_ms: i64,
    pub seen_at_ms: i64,
}
