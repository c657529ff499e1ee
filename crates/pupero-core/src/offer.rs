//! The words of an offer.

crate::string_enum! {
    /// What the offer's owner does with XMR.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum OfferSide ("offer side") {
        /// The owner buys XMR: the taker sells.
        Buy = "buy",
        /// The owner sells XMR: the taker buys.
        Sell = "sell",
    }
}

impl OfferSide {
    /// The side a taker is on.
    pub fn counterpart(self) -> OfferSide {
        match self {
            OfferSide::Buy => OfferSide::Sell,
            OfferSide::Sell => OfferSide::Buy,
        }
    }
}

crate::string_enum! {
    /// Whether an offer can be taken.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum OfferStatus ("offer status") {
        /// Listed; trades may open on it.
        Open = "open",
        /// Its owner paused it: unlisted, not takeable, resumable.
        Paused = "paused",
        /// Deleted by its owner (kept for the trades that refer to it).
        Closed = "closed",
    }
}

crate::string_enum! {
    /// A maker's lists of other traders.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum TraderList ("trader list") {
        /// May take the maker's `trusted_only` offers.
        Trusted = "trusted",
        /// May take none of the maker's offers.
        Blocked = "blocked",
    }
}
