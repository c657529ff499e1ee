//! How a trader's counts are shown to others: exact up to 9, then the highest of 10, 50,
//! 100, 500 and 1000 reached ("50+").
//!
//! Watching an exact count would tell anyone how much a trader trades, and when. So every
//! public view of a record (the listing, the offer page, the reputation call, the profile)
//! shows bands, and a filter on a count takes only band floors: any other minimum would
//! let a client find the exact count by bisecting.

/// Band floors above the exact range, highest first.
pub const BAND_FLOORS: [i64; 5] = [1000, 500, 100, 50, 10];

/// A count as shown: exact below 10, else the highest band floor reached.
pub fn band(n: i64) -> String {
    match BAND_FLOORS.iter().find(|&&b| n >= b) {
        Some(b) => format!("{b}+"),
        None => Ord::max(n, 0).to_string(),
    }
}

/// [`band`] of an unsigned count.
pub fn band_u64(n: u64) -> String {
    band(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Whether `n` is a minimum a count filter may take: 0 to 10, or a band floor.
pub fn is_band_floor(n: i64) -> bool {
    (0..=10).contains(&n) || BAND_FLOORS.contains(&n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_exact_below_ten_then_banded() {
        let shown: Vec<String> = [-1, 0, 9, 10, 49, 50, 99, 100, 499, 500, 999, 1000, 123_456]
            .into_iter()
            .map(band)
            .collect();
        assert_eq!(
            shown,
            [
                "0", "0", "9", "10+", "10+", "50+", "50+", "100+", "100+", "500+", "500+", "1000+",
                "1000+"
            ]
        );
        assert_eq!(band_u64(u64::MAX), "1000+");
    }

    #[test]
    fn only_band_floors_are_minimums() {
        for n in [0, 1, 9, 10, 50, 100, 500, 1000] {
            assert!(is_band_floor(n), "{n}");
        }
        for n in [-1, 11, 49, 51, 999, 1001] {
            assert!(!is_band_floor(n), "{n}");
        }
    }
}
