//! Traders' records beside their offers: what the listing shows, filters on and sorts by.
//!
//! The records are this service's own copy (`offer_trader_records`), told by the services
//! that know them: transactions tells a trader's whole trade record after every trade that
//! ends or review that is posted, login tells when an account was created and last seen.
//! Both retell what may not have arrived, so a listing never asks them anything.
//!
//! Counts are shown in bands (`pupero_core::record_band`), a minimum-trades filter takes
//! only band floors, and sorting by trades sorts by band.

use pupero_api::offers::TraderRecord;
use pupero_core::Cents;
use pupero_core::record_band::{BAND_FLOORS, band, is_band_floor};
use pupero_http::{ApiError, ApiResult};
use sea_orm::sea_query::{Expr, ExprTrait, Func};

use crate::entity::trader_record;

const DAY_MS: i64 = 86_400_000;

/// The SQL of a count's band floor, for sorting by what is shown.
pub fn band_expr(count: Expr) -> Expr {
    let mut case = Expr::case(count.clone().gte(BAND_FLOORS[0]), BAND_FLOORS[0]);
    for b in &BAND_FLOORS[1..] {
        case = case.case(count.clone().gte(*b), *b);
    }
    case.finally(count).into()
}

/// A column of the records table, zero (or `missing`) for a trader with no record yet.
pub fn column_or(column: trader_record::Column, missing: i64) -> Expr {
    Func::coalesce([
        Expr::col((trader_record::Entity, column)),
        Expr::val(missing),
    ])
    .into()
}

/// `min_completed_trades`: a band floor (0–10, 50, 100, 500 or 1000).
pub fn parse_min_trades(raw: &str) -> ApiResult<i64> {
    let n: i64 = raw.trim().parse().map_err(|_| min_trades_error())?;
    if is_band_floor(n) {
        Ok(n)
    } else {
        Err(min_trades_error())
    }
}

fn min_trades_error() -> ApiError {
    ApiError::invalid(
        "min_completed_trades",
        "min_completed_trades must be 0 to 10, 50, 100, 500 or 1000 (counts are shown in those bands)",
    )
}

/// `min_rating`: 1 to 5 with at most two decimals, as hundredths.
pub fn parse_min_rating(raw: &str) -> ApiResult<i64> {
    match Cents::parse_positive(raw) {
        Ok(Cents(h)) if (100..=500).contains(&h) => Ok(h),
        _ => Err(ApiError::invalid(
            "min_rating",
            "min_rating must be a number from 1 to 5, e.g. 4.5",
        )),
    }
}

/// A whole number of days within `range`, for the parameter `field`.
pub fn parse_days(field: &str, raw: &str, range: std::ops::RangeInclusive<i64>) -> ApiResult<i64> {
    match raw.trim().parse::<i64>() {
        Ok(d) if range.contains(&d) => Ok(d),
        _ => Err(ApiError::invalid(
            field,
            format!(
                "{field} must be a whole number of days from {} to {}",
                range.start(),
                range.end()
            ),
        )),
    }
}

/// `days` before `now`, in epoch ms.
pub fn days_before(now: i64, days: i64) -> i64 {
    now.saturating_sub(days.saturating_mul(DAY_MS))
}

/// The average rating with one decimal, rounded half up.
fn rating(hundredths: i64) -> String {
    let tenths = (hundredths + 5) / 10;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// How long ago a trader was last seen, in words a listing can show.
fn last_seen(seen_at_ms: i64, now: i64) -> &'static str {
    let ago = now.saturating_sub(seen_at_ms);
    if ago < DAY_MS {
        "today"
    } else if ago < 7 * DAY_MS {
        "this_week"
    } else if ago < 30 * DAY_MS {
        "this_month"
    } else {
        "long_ago"
    }
}

/// A trader's record as shown; a trader nothing was told of yet has an empty one.
pub fn view(row: Option<&trader_record::Model>, now: i64) -> TraderRecord {
    let count = |f: fn(&trader_record::Model) -> i64| band(row.map_or(0, f));
    TraderRecord {
        completed_trades: count(|r| r.completed_trades),
        rating: row.and_then(|r| r.rating_hundredths).map(rating),
        reviews: count(|r| r.reviews_count),
        cancellations: count(|r| r.cancellations),
        lost_disputes: count(|r| r.lost_disputes),
        account_age_days: row.and_then(|r| r.joined_at_ms).map(|j| {
            u32::try_from(Ord::max(now.saturating_sub(j), 0) / DAY_MS).unwrap_or(u32::MAX)
        }),
        last_seen: row
            .and_then(|r| r.seen_at_ms)
            .map(|s| last_seen(s, now).to_owned()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn a_minimum_of_trades_must_be_a_band_floor() {
        for ok in ["0", "7", "10", "50", "100", "500", "1000"] {
            assert!(parse_min_trades(ok).is_ok(), "{ok}");
        }
        for bad in ["11", "37", "-1", "x", "", "1001"] {
            assert!(parse_min_trades(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_minimum_rating_is_one_to_five() {
        assert_eq!(parse_min_rating("4.5").unwrap(), 450);
        assert_eq!(parse_min_rating("1").unwrap(), 100);
        for bad in ["0.99", "5.01", "abc", "-4", "4.555"] {
            assert!(parse_min_rating(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ratings_show_one_decimal_and_last_seen_is_coarse() {
        assert_eq!(rating(467), "4.7");
        assert_eq!(rating(465), "4.7");
        assert_eq!(rating(464), "4.6");
        assert_eq!(rating(500), "5.0");
        let now = 100 * DAY_MS;
        assert_eq!(last_seen(now - 3_600_000, now), "today");
        assert_eq!(last_seen(now - 2 * DAY_MS, now), "this_week");
        assert_eq!(last_seen(now - 20 * DAY_MS, now), "this_month");
        assert_eq!(last_seen(now - 40 * DAY_MS, now), "long_ago");
    }
}
