//! Fiat currencies and prices. Prices are exact decimals with two places, kept as integer
//! hundredths ("cents"); totals are computed in integers and rounded half up.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::money::{PICONERO_PER_XMR, Piconero};

/// Active ISO 4217 codes that people trade in (no metals, funds or testing codes).
const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FiatError {
    #[error("currency must be an ISO 4217 code such as EUR or USD")]
    UnknownCurrency,
    #[error("price must be a positive decimal with at most 2 decimal places, such as \"150.25\"")]
    MalformedPrice,
    #[error("price is too large")]
    PriceTooLarge,
}

/// An ISO 4217 currency code, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Currency(String);

impl Currency {
    pub fn parse(raw: &str) -> Result<Self, FiatError> {
        let code = raw.trim().to_ascii_uppercase();
        if ISO_4217.binary_search(&code.as_str()).is_ok() {
            Ok(Self(code))
        } else {
            Err(FiatError::UnknownCurrency)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Every code [`Currency::parse`] accepts, in order.
    pub fn all() -> impl Iterator<Item = &'static str> {
        ISO_4217.iter().copied()
    }
}

/// An exact fiat amount in hundredths of the currency unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Cents(pub i64);

impl Cents {
    /// Up to 1e13 units: far above any real price, far below i64 overflow in our sums.
    pub const MAX: i64 = 1_000_000_000_000_000;

    /// Parses a positive decimal with at most two places.
    pub fn parse_positive(raw: &str) -> Result<Self, FiatError> {
        let s = raw.trim();
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !digits(whole)
            || !digits(frac)
            || frac.len() > 2
            || (s.contains('.') && frac.is_empty())
        {
            return Err(FiatError::MalformedPrice);
        }
        let whole: i64 = whole.parse().map_err(|_| FiatError::PriceTooLarge)?;
        let frac: i64 = format!("{frac:0<2}")
            .parse()
            .map_err(|_| FiatError::MalformedPrice)?;
        let cents = whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(frac))
            .ok_or(FiatError::PriceTooLarge)?;
        if cents == 0 {
            return Err(FiatError::MalformedPrice);
        }
        if cents > Self::MAX {
            return Err(FiatError::PriceTooLarge);
        }
        Ok(Self(cents))
    }

    /// What `amount` XMR costs at `price_per_xmr`, rounded half up to the cent.
    pub fn total(amount: Piconero, price_per_xmr: Cents) -> Cents {
        let product = i128::from(amount.as_i64()) * i128::from(price_per_xmr.0);
        let pico = i128::from(PICONERO_PER_XMR);
        Cents(i64::try_from((product + pico / 2) / pico).unwrap_or(i64::MAX))
    }
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl Serialize for Cents {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cents {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse_positive(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_list_is_sorted_for_binary_search() {
        assert!(ISO_4217.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Currency::parse(" eur ").unwrap().as_str(), "EUR");
        assert!(Currency::parse("XXX").is_err());
        assert!(Currency::parse("EURO").is_err());
    }

    #[test]
    fn prices_are_exact_cents() {
        assert_eq!(Cents::parse_positive("150.25"), Ok(Cents(15025)));
        assert_eq!(Cents::parse_positive("150.5"), Ok(Cents(15050)));
        assert_eq!(Cents::parse_positive("150"), Ok(Cents(15000)));
        for bad in [
            "", "0", "0.00", "-1", "1.234", "1.", ".5", "1e3", "abc", "1 000",
        ] {
            assert!(Cents::parse_positive(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Cents(15025).to_string(), "150.25");
    }

    #[test]
    fn totals_round_half_up() {
        let price = Cents(15025); // 150.25 per XMR
        assert_eq!(
            Cents::total(Piconero::from_xmr(2).unwrap(), price),
            Cents(30050)
        );
        // 0.5 XMR × 150.25 = 75.125 → 75.13
        assert_eq!(
            Cents::total(Piconero::parse_xmr("0.5").unwrap(), price),
            Cents(7513)
        );
        assert_eq!(Cents::total(Piconero::new(1).unwrap(), price), Cents(0));
    }
}
