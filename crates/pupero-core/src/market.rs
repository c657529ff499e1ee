//! Market prices: how an offer is priced, the margin over the market, exact parsing of the
//! decimal prices that price sources publish, and the median that turns several sources'
//! quotes into one price. Integers only: a market price is [`Cents`] per XMR, a margin is
//! basis points.

use std::fmt;

use crate::fiat::Cents;

crate::string_enum! {
    /// How an offer's price is set.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum PriceMode ("price mode") {
        /// The owner names the price.
        Fixed = "fixed",
        /// The market price (the feed's median) plus or minus a percentage.
        Margin = "margin",
    }
}

crate::string_enum! {
    /// Why an open offer cannot be taken right now, though its owner left it open.
    pub enum OfferHalt ("offer halt") {
        /// A margin offer's currency has no fresh market price (the stale-feed breaker).
        PriceFeedStale = "price_feed_stale",
        /// The computed price is below the owner's minimum price guard.
        BelowPriceMin = "below_price_min",
        /// The computed price is above the owner's maximum price guard.
        AbovePriceMax = "above_price_max",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarketError {
    #[error(
        "margin_percent must be a decimal between -{max} and {max} with at most 2 decimal places, such as \"2.5\" or \"-1.0\"",
        max = Margin::MAX_BP / 100
    )]
    MalformedMargin,
    #[error("not a positive decimal price")]
    MalformedQuote,
}

/// A margin over the market price, in basis points (hundredths of a percent), within
/// ±[`Margin::MAX_BP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Margin(i32);

impl Margin {
    /// ±50 %: beyond that a "market" offer is no longer priced by the market.
    pub const MAX_BP: i32 = 5_000;

    /// Parses a signed percentage such as `"2.5"`, `"+2.5"` or `"-1.00"`.
    pub fn parse_percent(raw: &str) -> Result<Self, MarketError> {
        let s = raw.trim();
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || whole.len() > 3
            || !all_digits(whole)
            || !all_digits(frac)
            || frac.len() > 2
            || (digits.contains('.') && frac.is_empty())
        {
            return Err(MarketError::MalformedMargin);
        }
        let whole: i32 = whole.parse().map_err(|_| MarketError::MalformedMargin)?;
        let frac: i32 = format!("{frac:0<2}")
            .parse()
            .map_err(|_| MarketError::MalformedMargin)?;
        let bp = whole * 100 + frac;
        if bp > Self::MAX_BP {
            return Err(MarketError::MalformedMargin);
        }
        Self::from_bp(if negative { -bp } else { bp })
    }

    pub fn from_bp(bp: i32) -> Result<Self, MarketError> {
        if (-Self::MAX_BP..=Self::MAX_BP).contains(&bp) {
            Ok(Self(bp))
        } else {
            Err(MarketError::MalformedMargin)
        }
    }

    pub fn bp(self) -> i32 {
        self.0
    }

    /// The offer's price at this market price, rounded half up to the cent (never below
    /// one cent: a price is positive).
    pub fn apply(self, market: Cents) -> Cents {
        let scaled = i128::from(market.0) * i128::from(10_000 + self.0);
        let cents = (scaled + 5_000) / 10_000;
        Cents(i64::try_from(cents).unwrap_or(i64::MAX).max(1))
    }
}

impl fmt::Display for Margin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Parses a price as a source publishes it (`"152.34000000"`, `152.3`, `1.5234e2`) exactly,
/// rounded half up to the cent. Positive and below [`Cents`]' bound, or refused.
pub fn parse_quote(raw: &str) -> Result<Cents, MarketError> {
    let s = raw.trim();
    let (mantissa, exponent) = s.split_once(['e', 'E']).unwrap_or((s, "0"));
    let exponent: i32 = exponent
        .strip_prefix('+')
        .unwrap_or(exponent)
        .parse()
        .map_err(|_| MarketError::MalformedQuote)?;
    let (whole, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !all_digits(whole) || !all_digits(frac) {
        return Err(MarketError::MalformedQuote);
    }
    // The significant digits, and how many of them stand before the decimal point.
    let digits = format!("{whole}{frac}");
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        return Err(MarketError::MalformedQuote);
    }
    let len = |n: usize| i64::try_from(n).map_err(|_| MarketError::MalformedQuote);
    let point = len(whole.len())? + i64::from(exponent) - len(digits.len() - significant.len())?;
    // The digits that are whole cents; the one after them decides the rounding.
    let keep = point + 2;
    if !(0..=18).contains(&keep) {
        return Err(MarketError::MalformedQuote);
    }
    let keep = usize::try_from(keep).map_err(|_| MarketError::MalformedQuote)?;
    let kept = significant
        .get(..keep)
        .map_or_else(|| format!("{significant:0<keep$}"), str::to_owned);
    let mut cents: i64 = if kept.is_empty() {
        0
    } else {
        kept.parse().map_err(|_| MarketError::MalformedQuote)?
    };
    if significant.as_bytes().get(keep).is_some_and(|&d| d >= b'5') {
        cents += 1;
    }
    if cents <= 0 || cents > Cents::MAX {
        return Err(MarketError::MalformedQuote);
    }
    Ok(Cents(cents))
}

/// The market price from several sources' quotes: the median of the quotes within
/// `max_deviation_bp` of the median of all of them. Returns `None` without quotes, or
/// when fewer than half of them agree (none is then more believable than the others).
///
/// A median of an even count is the mean of the two middle values, rounded half up.
pub fn robust_median(quotes: &[Cents], max_deviation_bp: u32) -> Option<Median> {
    let first = median(quotes)?;
    let bound = i128::from(first.0) * i128::from(max_deviation_bp) / 10_000;
    let kept: Vec<Cents> = quotes
        .iter()
        .copied()
        .filter(|q| (i128::from(q.0) - i128::from(first.0)).abs() <= bound)
        .collect();
    if kept.len() * 2 < quotes.len() || kept.is_empty() {
        return None;
    }
    Some(Median {
        price: median(&kept)?,
        kept,
    })
}

/// A market price and the quotes it was made of (the ones not rejected as outliers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Median {
    pub price: Cents,
    pub kept: Vec<Cents>,
}

fn median(quotes: &[Cents]) -> Option<Cents> {
    let mut sorted = quotes.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => sorted.get(n / 2).copied(),
        _ => {
            let (a, b) = (sorted.get(n / 2 - 1)?.0, sorted.get(n / 2)?.0);
            Some(Cents(a + (b - a + 1) / 2))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn margins_are_exact_basis_points_within_bounds() {
        for (raw, bp) in [
            ("2.5", 250),
            ("+2.5", 250),
            ("-1.0", -100),
            ("0", 0),
            ("50", 5000),
            ("-50.00", -5000),
            ("0.01", 1),
        ] {
            assert_eq!(Margin::parse_percent(raw).map(Margin::bp), Ok(bp), "{raw}");
        }
        for bad in [
            "", "-", "50.01", "-51", "1.234", "1.", ".5", "2,5", "abc", "1e1", "--1", "1000",
        ] {
            assert!(Margin::parse_percent(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Margin::parse_percent("-1.5").unwrap().to_string(), "-1.50");
        assert_eq!(Margin::parse_percent("2.5").unwrap().to_string(), "2.50");
    }

    #[test]
    fn a_margin_applies_with_half_up_rounding() {
        let market = Cents(15_000); // 150.00
        assert_eq!(
            Margin::parse_percent("2.5").unwrap().apply(market),
            Cents(15_375)
        );
        assert_eq!(
            Margin::parse_percent("-1").unwrap().apply(market),
            Cents(14_850)
        );
        // 123.45 × 1.0001 = 123.462345 → 123.46
        assert_eq!(
            Margin::from_bp(1).unwrap().apply(Cents(12_345)),
            Cents(12_346)
        );
        // 0.01 × 0.5 = 0.005 → 0.01 (half up, and never zero)
        assert_eq!(Margin::from_bp(-5000).unwrap().apply(Cents(1)), Cents(1));
    }

    #[test]
    fn quotes_parse_exactly_and_round_half_up() {
        for (raw, cents) in [
            ("152.34000000", 15_234),
            ("152.345", 15_235),
            ("152.3449999", 15_234),
            ("152", 15_200),
            ("1.5234e2", 15_234),
            ("1.5234E+2", 15_234),
            ("15234e-2", 15_234),
            ("0.005", 1),
            ("4100000", 410_000_000),
            ("007.10", 710),
        ] {
            assert_eq!(parse_quote(raw), Ok(Cents(cents)), "{raw}");
        }
        for bad in [
            "", "0", "0.004", "-1", "abc", "1.2.3", "1e", "NaN", "1e30", ".", "e5",
        ] {
            assert!(parse_quote(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_median_rejects_outliers() {
        let q = |v: &[i64]| v.iter().map(|&c| Cents(c)).collect::<Vec<_>>();
        // One source far off: dropped, the others' median stands.
        let m = robust_median(&q(&[15_000, 15_100, 30_000]), 500).unwrap();
        assert_eq!(m.price, Cents(15_050));
        assert_eq!(m.kept, q(&[15_000, 15_100]));
        // Agreement: the plain median.
        assert_eq!(
            robust_median(&q(&[15_000, 15_010, 15_020]), 500)
                .unwrap()
                .price,
            Cents(15_010)
        );
        // One source: its price.
        assert_eq!(
            robust_median(&q(&[15_000]), 500).unwrap().price,
            Cents(15_000)
        );
        // Two sources far apart: neither is believed.
        assert_eq!(robust_median(&q(&[10_000, 20_000]), 500), None);
        assert_eq!(robust_median(&[], 500), None);
    }
}
