//! Pure decisions of opening a trade: who sells, and whether the open-trade caps allow
//! one more. The store counts; these decide, so they are tested as tables.

use pupero_core::OfferSide;

/// How many trades may be open at once, against escrow griefing: a taker needs no funds to
/// take a sell offer, yet each trade locks the seller's XMR for the payment window.
#[derive(Debug, Clone, Copy)]
pub struct OpenTradeCaps {
    /// Per taker (`MAX_OPEN_TRADES_PER_TAKER`).
    pub per_taker: u64,
    /// Per taker with fewer than `new_taker_completed_trades` completed trades
    /// (`MAX_OPEN_TRADES_NEW_TAKER`).
    pub new_taker: u64,
    pub new_taker_completed_trades: u64,
    /// Per offer (`MAX_OPEN_TRADES_PER_OFFER`).
    pub per_offer: u64,
}

/// `(seller, buyer)` of a trade on an offer of `side` owned by `owner`, taken by `taker`.
pub fn seller_and_buyer(side: OfferSide, owner: i64, taker: i64) -> (i64, i64) {
    match side {
        OfferSide::Sell => (owner, taker),
        OfferSide::Buy => (taker, owner),
    }
}

/// What the taker caps say about one more trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakerCap {
    Within,
    /// The answer depends on how many trades the taker has completed: ask, then decide
    /// again with the count.
    NeedsHistory,
    /// The general cap (`MAX_OPEN_TRADES_PER_TAKER`) is reached.
    PerTaker(u64),
    /// The cap for takers without enough completed trades is reached.
    NewTaker(u64),
}

/// Decides the taker caps for a taker with `open` trades they started and `completed`
/// trades done (`None`: not counted yet, which is only needed between the two caps).
pub fn taker_cap(caps: OpenTradeCaps, open: u64, completed: Option<u64>) -> TakerCap {
    if open < caps.new_taker.min(caps.per_taker) {
        TakerCap::Within
    } else if open >= caps.per_taker {
        TakerCap::PerTaker(caps.per_taker)
    } else {
        match completed {
            None => TakerCap::NeedsHistory,
            Some(done) if done >= caps.new_taker_completed_trades => TakerCap::Within,
            Some(_) => TakerCap::NewTaker(caps.new_taker),
        }
    }
}

/// Whether the offer has room for one more open trade.
pub fn offer_has_room(caps: OpenTradeCaps, open_on_offer: u64) -> bool {
    open_on_offer < caps.per_offer
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAPS: OpenTradeCaps = OpenTradeCaps {
        per_taker: 5,
        new_taker: 2,
        new_taker_completed_trades: 3,
        per_offer: 4,
    };

    #[test]
    fn the_owner_of_a_sell_offer_sells() {
        for (side, owner, taker, seller, buyer) in
            [(OfferSide::Sell, 1, 2, 1, 2), (OfferSide::Buy, 1, 2, 2, 1)]
        {
            assert_eq!(
                seller_and_buyer(side, owner, taker),
                (seller, buyer),
                "{side}"
            );
        }
    }

    #[test]
    fn taker_caps() {
        use TakerCap::*;
        let table = [
            // (open as taker, completed, verdict)
            (0, None, Within),
            (1, None, Within),
            (2, None, NeedsHistory),
            (2, Some(2), NewTaker(2)),
            (2, Some(3), Within),
            (4, Some(0), NewTaker(2)),
            (4, Some(10), Within),
            (5, None, PerTaker(5)),
            (5, Some(10), PerTaker(5)),
            (9, Some(0), PerTaker(5)),
        ];
        for (open, completed, verdict) in table {
            assert_eq!(
                taker_cap(CAPS, open, completed),
                verdict,
                "{open} {completed:?}"
            );
        }
    }

    #[test]
    fn a_new_taker_cap_above_the_general_one_never_applies() {
        let caps = OpenTradeCaps {
            new_taker: 9,
            ..CAPS
        };
        assert_eq!(taker_cap(caps, 4, None), TakerCap::Within);
        assert_eq!(taker_cap(caps, 5, None), TakerCap::PerTaker(5));
    }

    #[test]
    fn offer_caps() {
        for (open, room) in [(0, true), (3, true), (4, false), (7, false)] {
            assert_eq!(offer_has_room(CAPS, open), room, "{open}");
        }
    }
}
