//! XMR amounts as integer piconero (1 XMR = 10^12), never floats.
//!
//! In JSON, amounts are XMR decimal strings: `"1.5"` in, `"1.500000000000"` out, which keeps
//! every value exact through any JSON parser (doubles lose piconero above 2^53).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub const PICONERO_PER_XMR: i64 = 1_000_000_000_000;
const DECIMALS: usize = 12;

/// A non-negative amount of piconero that fits a signed BIGINT column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Piconero(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("amount must be a decimal number of XMR such as \"1.5\"")]
    Malformed,
    #[error("amount has more than 12 decimal places (the smallest unit is 1 piconero)")]
    TooPrecise,
    #[error("amount must not be negative")]
    Negative,
    #[error("amount must be greater than zero")]
    Zero,
    #[error("amount is too large")]
    TooLarge,
    #[error("amount is above the limit of {0} XMR for one operation")]
    AboveLimit(Piconero),
}

impl Piconero {
    pub const ZERO: Piconero = Piconero(0);
    pub const MAX: Piconero = Piconero(i64::MAX);

    pub fn new(piconero: i64) -> Result<Self, AmountError> {
        if piconero < 0 {
            Err(AmountError::Negative)
        } else {
            Ok(Self(piconero))
        }
    }

    pub fn from_xmr(xmr: i64) -> Result<Self, AmountError> {
        xmr.checked_mul(PICONERO_PER_XMR)
            .ok_or(AmountError::TooLarge)
            .and_then(Self::new)
    }

    /// Parses an XMR decimal string, exactly. Refuses signs other than a leading '-'
    /// (reported as negative), exponents, spaces inside, and more than 12 decimals.
    pub fn parse_xmr(s: &str) -> Result<Self, AmountError> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix('-') {
            return match Self::parse_xmr(rest) {
                Ok(v) if v.is_zero() => Ok(v),
                Ok(_) | Err(AmountError::TooLarge) => Err(AmountError::Negative),
                Err(e) => Err(e),
            };
        }
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s, ""),
        };
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
            return Err(AmountError::Malformed);
        }
        let frac_significant = frac.trim_end_matches('0');
        if frac_significant.len() > DECIMALS {
            return Err(AmountError::TooPrecise);
        }
        let whole_value: i64 = if whole.is_empty() {
            0
        } else {
            whole.trim_start_matches('0').parse::<i64>().or_else(|_| {
                if whole.trim_start_matches('0').is_empty() {
                    Ok(0)
                } else {
                    Err(AmountError::TooLarge)
                }
            })?
        };
        let mut frac_value: i64 = 0;
        for (i, b) in frac_significant.bytes().enumerate() {
            frac_value += i64::from(b - b'0') * 10_i64.pow((DECIMALS - 1 - i) as u32);
        }
        whole_value
            .checked_mul(PICONERO_PER_XMR)
            .and_then(|w| w.checked_add(frac_value))
            .map(Self)
            .ok_or(AmountError::TooLarge)
    }

    /// Parses and requires the amount to be above zero.
    pub fn parse_positive_xmr(s: &str) -> Result<Self, AmountError> {
        let v = Self::parse_xmr(s)?;
        if v.is_zero() {
            Err(AmountError::Zero)
        } else {
            Ok(v)
        }
    }

    /// Parses a positive amount no larger than `limit`: the bound every money-moving
    /// request goes through, so no single operation can come near the BIGINT range.
    pub fn parse_positive_xmr_within(s: &str, limit: Piconero) -> Result<Self, AmountError> {
        let v = Self::parse_positive_xmr(s)?;
        if v > limit {
            Err(AmountError::AboveLimit(limit))
        } else {
            Ok(v)
        }
    }

    pub fn as_i64(self) -> i64 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn checked_add(self, other: Piconero) -> Option<Piconero> {
        self.0.checked_add(other.0).map(Piconero)
    }

    pub fn checked_sub(self, other: Piconero) -> Option<Piconero> {
        self.0
            .checked_sub(other.0)
            .filter(|v| *v >= 0)
            .map(Piconero)
    }

    /// `self × bps / 10 000`, rounded down (the platform never takes more than its rate).
    pub fn basis_points(self, bps: u32) -> Piconero {
        let v = i128::from(self.0) * i128::from(bps) / 10_000;
        Piconero(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl fmt::Display for Piconero {
    /// Exactly 12 decimals: `1.500000000000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / PICONERO_PER_XMR;
        let frac = self.0 % PICONERO_PER_XMR;
        write!(f, "{whole}.{frac:012}")
    }
}

/// A signed amount of piconero (a ledger line, a solvency margin) as XMR with exactly 12
/// decimals: `-1.500000000000`. Takes `i128` so sums of `i64` balances fit.
pub fn format_signed_xmr(piconero: i128) -> String {
    let sign = if piconero < 0 { "-" } else { "" };
    let magnitude = piconero.unsigned_abs();
    let per = PICONERO_PER_XMR.unsigned_abs() as u128;
    format!("{sign}{}.{:012}", magnitude / per, magnitude % per)
}

impl FromStr for Piconero {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_xmr(s)
    }
}

impl Serialize for Piconero {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Piconero {
    /// Accepts only a string: a JSON number may already have lost precision.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse_xmr(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_amounts_keep_twelve_decimals() {
        assert_eq!(format_signed_xmr(0), "0.000000000000");
        assert_eq!(format_signed_xmr(-1_500_000_000_000), "-1.500000000000");
        assert_eq!(format_signed_xmr(1), "0.000000000001");
        assert_eq!(
            format_signed_xmr(i128::from(i64::MIN)),
            "-9223372.036854775808"
        );
    }
    use proptest::prelude::*;

    #[test]
    fn parses_and_prints_exactly() {
        assert_eq!(
            Piconero::parse_xmr("1.5").unwrap().as_i64(),
            1_500_000_000_000
        );
        assert_eq!(
            Piconero::parse_xmr("1.5").unwrap().to_string(),
            "1.500000000000"
        );
        assert_eq!(Piconero::parse_xmr("0.000000000001").unwrap().as_i64(), 1);
        assert_eq!(Piconero::parse_xmr(".5").unwrap().as_i64(), 500_000_000_000);
        assert_eq!(
            Piconero::parse_xmr("7").unwrap().as_i64(),
            7 * PICONERO_PER_XMR
        );
        assert_eq!(
            Piconero::parse_xmr("0007.10").unwrap().as_i64(),
            7_100_000_000_000
        );
        assert_eq!(
            Piconero::parse_xmr("1.0000000000000").unwrap().as_i64(),
            PICONERO_PER_XMR,
            "trailing zeros are fine"
        );
        assert_eq!(Piconero::MAX.to_string(), "9223372.036854775807");
        assert_eq!(
            Piconero::parse_xmr("9223372.036854775807"),
            Ok(Piconero::MAX)
        );
    }

    #[test]
    fn refuses_what_is_not_an_exact_amount() {
        use AmountError::*;
        for (s, e) in [
            ("", Malformed),
            (".", Malformed),
            ("1.2.3", Malformed),
            ("1e3", Malformed),
            ("abc", Malformed),
            (" 1 .5", Malformed),
            ("+1", Malformed),
            ("1,5", Malformed),
            ("0x10", Malformed),
            ("0.0000000000001", TooPrecise),
            ("-1", Negative),
            ("-0.5", Negative),
            ("9223372.036854775808", TooLarge),
            ("99999999999999999999", TooLarge),
        ] {
            assert_eq!(Piconero::parse_xmr(s), Err(e.clone()), "{s:?}");
        }
        assert_eq!(Piconero::parse_positive_xmr("0"), Err(Zero));
        assert_eq!(Piconero::parse_positive_xmr("0.000"), Err(Zero));
    }

    #[test]
    fn the_limit_is_inclusive_and_refuses_the_issue_payload() {
        let limit = Piconero::from_xmr(10_000).unwrap();
        assert_eq!(
            Piconero::parse_positive_xmr_within("10000", limit),
            Ok(limit)
        );
        for s in ["10000.000000000001", "9223372.036854775807"] {
            assert_eq!(
                Piconero::parse_positive_xmr_within(s, limit),
                Err(AmountError::AboveLimit(limit)),
                "{s}"
            );
        }
        assert_eq!(
            Piconero::parse_positive_xmr_within("0", limit),
            Err(AmountError::Zero)
        );
    }

    #[test]
    fn json_takes_strings_only() {
        assert!(serde_json::from_str::<Piconero>("1.5").is_err());
        assert_eq!(
            serde_json::from_str::<Piconero>("\"1.5\"")
                .unwrap()
                .as_i64(),
            1_500_000_000_000
        );
        assert_eq!(
            serde_json::to_string(&Piconero::new(1).unwrap()).unwrap(),
            "\"0.000000000001\""
        );
    }

    #[test]
    fn fees_round_down() {
        let a = Piconero::new(999).unwrap();
        assert_eq!(a.basis_points(100).as_i64(), 9);
        assert_eq!(Piconero::MAX.basis_points(10_000), Piconero::MAX);
    }

    proptest! {
        #[test]
        fn display_then_parse_is_identity(v in 0..=i64::MAX) {
            let p = Piconero::new(v).unwrap();
            prop_assert_eq!(Piconero::parse_xmr(&p.to_string()), Ok(p));
        }

        #[test]
        fn any_short_decimal_parses_to_its_exact_value(whole in 0..9_000_000i64, frac in 0..PICONERO_PER_XMR, width in 1usize..=12) {
            let digits = format!("{frac:012}");
            let text = format!("{whole}.{}", &digits[..width]);
            let expected = whole * PICONERO_PER_XMR + digits[..width].parse::<i64>().unwrap() * 10_i64.pow((12 - width) as u32);
            prop_assert_eq!(Piconero::parse_xmr(&text).map(Piconero::as_i64), Ok(expected));
        }
    }
}
