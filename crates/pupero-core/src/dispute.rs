//! How a moderator divides a disputed escrow, and the reasons they may give.
//!
//! A split names the buyer's share in basis points (1/100 of a percent, 1–9 999; 0 and
//! 10 000 are the all-to-seller and all-to-buyer decisions). Every piconero lands somewhere:
//! the buyer's gross share is `amount × bps / 10 000` rounded **down**, so the remainder
//! piconero of the division goes to the **seller**; the platform fee is charged on the
//! buyer's share only, `fee × bps / 10 000` rounded down (the platform never takes more
//! than its rate), and comes out of the buyer's gross share.

use std::fmt;

/// Basis points in a whole.
pub const WHOLE_BPS: u32 = 10_000;

/// The buyer's part of a split, 1–9 999 basis points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BuyerShare(u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "a split gives the buyer 1 to 9999 basis points (0.01% to 99.99%); all to one side is the buyer or seller outcome"
)]
pub struct ShareError;

impl BuyerShare {
    pub fn new(bps: u32) -> Result<Self, ShareError> {
        if (1..WHOLE_BPS).contains(&bps) {
            Ok(Self(bps))
        } else {
            Err(ShareError)
        }
    }

    pub fn bps(self) -> u32 {
        self.0
    }
}

impl fmt::Display for BuyerShare {
    /// As a percentage with two decimals: `37.50%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}%", self.0 / 100, self.0 % 100)
    }
}

/// Where a split escrow goes, in piconero. `buyer + fee + seller` is the escrow, exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitShares {
    /// To the buyer's available balance (net of the fee).
    pub buyer: i64,
    /// The platform's fee on the buyer's share.
    pub fee: i64,
    /// Back to the seller's available balance, with the rounding remainder.
    pub seller: i64,
}

/// Divides an escrow of `amount` carrying a trade fee of `fee` (`0 ≤ fee ≤ amount`) with
/// the buyer's share `bps` (0–10 000; the two ends give the whole-side decisions). `None`
/// for inputs outside those bounds.
pub fn split_escrow(amount: i64, fee: i64, bps: u32) -> Option<SplitShares> {
    if amount < 0 || fee < 0 || fee > amount || bps > WHOLE_BPS {
        return None;
    }
    let part = |v: i64| i128::from(v) * i128::from(bps) / i128::from(WHOLE_BPS);
    let gross = i64::try_from(part(amount)).ok()?;
    let fee_part = i64::try_from(part(fee)).ok()?;
    Some(SplitShares {
        buyer: gross - fee_part,
        fee: fee_part,
        seller: amount - gross,
    })
}

crate::string_enum! {
    /// The canned reasons a moderator picks when deciding a dispute (`trades.resolution_code`);
    /// the free text beside it says the particulars.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum ResolutionReason ("resolution reason") {
        /// The seller received the whole payment.
        PaymentConfirmed = "payment_confirmed",
        /// No payment reached the seller.
        PaymentNotReceived = "payment_not_received",
        /// Only part of the payment reached the seller.
        PartialPayment = "partial_payment",
        /// The buyer stopped answering.
        BuyerUnresponsive = "buyer_unresponsive",
        /// The seller stopped answering.
        SellerUnresponsive = "seller_unresponsive",
        /// Both parties agreed to the outcome in the dispute.
        PartiesAgreed = "parties_agreed",
        /// Evidence of fraud by one party.
        FraudEvidence = "fraud_evidence",
        /// None of the above; the text explains.
        Other = "other",
    }
}

impl ResolutionReason {
    /// The words the moderator console shows for it.
    pub fn label(self) -> &'static str {
        match self {
            Self::PaymentConfirmed => "Payment confirmed",
            Self::PaymentNotReceived => "Payment not received",
            Self::PartialPayment => "Partial payment",
            Self::BuyerUnresponsive => "Buyer unresponsive",
            Self::SellerUnresponsive => "Seller unresponsive",
            Self::PartiesAgreed => "The parties agreed",
            Self::FraudEvidence => "Evidence of fraud",
            Self::Other => "Other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_remainder_goes_to_the_seller_and_the_fee_rounds_down() {
        // 10 piconero, fee 3, buyer 33.33%: gross 3 (3.333 down), fee 0 (0.9999 down).
        assert_eq!(
            split_escrow(10, 3, 3_333),
            Some(SplitShares {
                buyer: 3,
                fee: 0,
                seller: 7
            })
        );
        // Half of 1 XMR with a 1% fee: the buyer's half pays half the fee.
        let xmr = crate::PICONERO_PER_XMR;
        assert_eq!(
            split_escrow(xmr, xmr / 100, 5_000),
            Some(SplitShares {
                buyer: xmr / 2 - xmr / 200,
                fee: xmr / 200,
                seller: xmr / 2
            })
        );
        assert_eq!(split_escrow(5, 6, 10), None, "fee above the amount");
        assert_eq!(split_escrow(5, 1, 10_001), None);
    }

    #[test]
    fn a_share_is_strictly_between_the_sides() {
        assert!(BuyerShare::new(0).is_err());
        assert!(BuyerShare::new(10_000).is_err());
        assert_eq!(BuyerShare::new(3_750).unwrap().to_string(), "37.50%");
        assert_eq!(BuyerShare::new(5).unwrap().to_string(), "0.05%");
    }

    proptest! {
        /// Every piconero of the escrow lands exactly once, nobody gets a negative share,
        /// the fee never exceeds its rate on the buyer's part, and the ends are the
        /// whole-side decisions (all to the seller; the release's amount − fee and fee).
        #[test]
        fn a_split_conserves_every_piconero(
            amount in 0i64..=i64::MAX,
            fee_ratio in 0u32..=10_000,
            bps in 0u32..=10_000,
        ) {
            let fee = i64::try_from(i128::from(amount) * i128::from(fee_ratio) / 10_000).unwrap();
            let s = split_escrow(amount, fee, bps).unwrap();
            prop_assert_eq!(i128::from(s.buyer) + i128::from(s.fee) + i128::from(s.seller), i128::from(amount));
            prop_assert!(s.buyer >= 0 && s.fee >= 0 && s.seller >= 0);
            prop_assert!(i128::from(s.fee) * 10_000 <= i128::from(fee) * i128::from(bps));
            prop_assert!((i128::from(s.buyer) + i128::from(s.fee)) * 10_000 <= i128::from(amount) * i128::from(bps));
            // Rounding moves less than one piconero of gross share to the seller.
            prop_assert!((i128::from(s.buyer) + i128::from(s.fee) + 1) * 10_000 > i128::from(amount) * i128::from(bps));
            let none = split_escrow(amount, fee, 0).unwrap();
            prop_assert_eq!(none, SplitShares { buyer: 0, fee: 0, seller: amount });
            let all = split_escrow(amount, fee, 10_000).unwrap();
            prop_assert_eq!(all, SplitShares { buyer: amount - fee, fee, seller: 0 });
        }

        /// A larger share never gives the buyer's side (their part and its fee) less, nor
        /// the seller more. (The buyer's net can drop by a piconero when the fee's rounding
        /// steps before the share's: the fee is rounded for the platform's rate, not the
        /// buyer's.)
        #[test]
        fn a_larger_share_never_pays_the_buyer_less(
            amount in 0i64..=i64::MAX,
            fee_ratio in 0u32..=10_000,
            a in 0u32..=10_000,
            b in 0u32..=10_000,
        ) {
            let fee = i64::try_from(i128::from(amount) * i128::from(fee_ratio) / 10_000).unwrap();
            let (lo, hi) = (a.min(b), a.max(b));
            let (lo, hi) = (split_escrow(amount, fee, lo).unwrap(), split_escrow(amount, fee, hi).unwrap());
            prop_assert!(lo.seller >= hi.seller);
            prop_assert!(lo.buyer + lo.fee <= hi.buyer + hi.fee);
        }
    }
}
