//! An offer's terms as people send them (checked field by field, each refusal naming its
//! field) and as everyone sees them (with what the market says about a margin offer now).

use pupero_api::offers::{OfferInput, OfferView};
use pupero_core::{
    Cents, Currency, Margin, OfferHalt, OfferSide, OfferStatus, Piconero, PriceMode,
};
use pupero_http::{ApiError, ApiResult, ErrorCode, rfc3339};

use crate::OffersState;
use crate::entity::offer;
use crate::prices::PriceFeed;
use crate::store::Terms;

const MIN_WINDOW: i64 = 15;
const MAX_WINDOW: i64 = 1440;
const MAX_TERMS: usize = 2000;
/// Fixed amounts one offer may list.
const MAX_AMOUNTS: usize = 10;
const MAX_MIN_TAKER_TRADES: i64 = 10_000;

/// A stored amount that is not a valid one is a broken row, never shown as 0.
fn stored_amount(o: &offer::Model, field: &str, piconero: i64) -> ApiResult<Piconero> {
    Piconero::new(piconero)
        .map_err(|e| ApiError::internal(format!("offer {} has an invalid {field}: {e}", o.id)))
}

/// The fixed amounts of a stored `,a,b,` list.
fn stored_amounts(o: &offer::Model) -> ApiResult<Vec<Piconero>> {
    o.amounts
        .split(',')
        .filter(|a| !a.is_empty())
        .map(|a| {
            let piconero = a.parse::<i64>().map_err(|e| {
                ApiError::internal(format!("offer {} has an invalid amounts list: {e}", o.id))
            })?;
            stored_amount(o, "amounts", piconero)
        })
        .collect()
}

/// Why an open offer cannot be taken now (None: it can, or it is not open anyway). Only
/// margin offers halt: on a stale market price first, then on their price guards.
pub fn halted(o: &offer::Model, feed: &PriceFeed) -> Option<OfferHalt> {
    if o.status != OfferStatus::Open || o.price_mode != PriceMode::Margin {
        return None;
    }
    if feed.price(&o.currency).is_none() {
        return Some(OfferHalt::PriceFeedStale);
    }
    if o.price_min_cents.is_some_and(|min| o.price_cents < min) {
        return Some(OfferHalt::BelowPriceMin);
    }
    if o.price_max_cents.is_some_and(|max| o.price_cents > max) {
        return Some(OfferHalt::AbovePriceMax);
    }
    None
}

/// An offer's row as the API shows it; a stored amount that is not a valid one is an
/// error.
pub fn view(o: &offer::Model, available: Option<bool>, feed: &PriceFeed) -> ApiResult<OfferView> {
    let margin = o
        .margin_bp
        .filter(|_| o.price_mode == PriceMode::Margin)
        .map(|bp| {
            Margin::from_bp(bp).map(|m| m.to_string()).map_err(|e| {
                ApiError::internal(format!("offer {} has an invalid margin: {e}", o.id))
            })
        })
        .transpose()?;
    Ok(OfferView {
        id: o.id,
        owner_id: o.owner_id,
        side: o.side,
        currency: o.currency.clone(),
        price: Cents(o.price_cents).to_string(),
        price_mode: o.price_mode,
        margin_percent: margin,
        price_min: o.price_min_cents.map(|c| Cents(c).to_string()),
        price_max: o.price_max_cents.map(|c| Cents(c).to_string()),
        payment_method: o.payment_method.clone(),
        min_amount: stored_amount(o, "min_amount", o.min_amount)?,
        max_amount: stored_amount(o, "max_amount", o.max_amount)?,
        amounts: stored_amounts(o)?,
        first_trade_max_amount: o
            .first_trade_max
            .map(|a| stored_amount(o, "first_trade_max", a))
            .transpose()?,
        min_taker_trades: u32::try_from(o.min_taker_trades).unwrap_or_default(),
        trusted_only: o.trusted_only,
        payment_window_minutes: o.payment_window_minutes,
        terms: o.terms.clone(),
        status: o.status,
        halted: halted(o, feed),
        available,
        created_at: rfc3339(o.created_at_ms),
        updated_at: rfc3339(o.updated_at_ms),
        owner_record: None,
    })
}

pub fn parse_side(s: &str) -> ApiResult<OfferSide> {
    s.trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|_| ApiError::invalid("side", "side must be buy or sell"))
}

pub fn parse_status(s: &str) -> ApiResult<OfferStatus> {
    s.trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|_| ApiError::invalid("status", "status must be open, paused or closed"))
}

/// A positive amount within MAX_AMOUNT_XMR, so no trade on the offer can exceed it.
pub fn parse_amount(field: &str, raw: &str, limit: Piconero) -> ApiResult<Piconero> {
    Piconero::parse_positive_xmr_within(raw, limit)
        .map_err(|e| ApiError::invalid(field, format!("{field}: {e}")))
}

/// An optional text field: absent or blank is none.
fn given(raw: Option<&String>) -> Option<&str> {
    raw.map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn parse_guard(field: &str, raw: Option<&String>) -> ApiResult<Option<i64>> {
    given(raw)
        .map(|p| {
            Cents::parse_positive(p)
                .map(|c| c.0)
                .map_err(|e| ApiError::invalid(field, format!("{field}: {e}")))
        })
        .transpose()
}

/// The refusal of a margin offer (or a take of one) while its currency has no fresh price.
pub fn stale(currency: &str) -> ApiError {
    ApiError::conflict(
        ErrorCode::PriceFeedStale,
        format!(
            "there is no fresh market price for {currency} right now, so margin-priced offers in {currency} can be neither posted nor taken; use a fixed price or try again later"
        ),
    )
    .with_field("price_mode")
}

/// How the offer is priced: mode, margin, guards, and the price in force now.
struct Pricing {
    mode: PriceMode,
    margin_bp: Option<i32>,
    price_cents: i64,
    price_min_cents: Option<i64>,
    price_max_cents: Option<i64>,
}

fn pricing(input: &OfferInput, currency: &Currency, feed: &PriceFeed) -> ApiResult<Pricing> {
    let mode = match given(input.price_mode.as_ref()) {
        None => PriceMode::Fixed,
        Some(m) => m
            .to_ascii_lowercase()
            .parse()
            .map_err(|_| ApiError::invalid("price_mode", "price_mode must be fixed or margin"))?,
    };
    let price_min_cents = parse_guard("price_min", input.price_min.as_ref())?;
    let price_max_cents = parse_guard("price_max", input.price_max.as_ref())?;
    if let (Some(min), Some(max)) = (price_min_cents, price_max_cents)
        && min > max
    {
        return Err(ApiError::invalid(
            "price_min",
            "price_min must not exceed price_max",
        ));
    }
    match mode {
        PriceMode::Fixed => {
            if given(input.margin_percent.as_ref()).is_some() {
                return Err(ApiError::invalid(
                    "margin_percent",
                    "margin_percent is only for price_mode margin; a fixed offer names its price",
                ));
            }
            for (field, guard) in [
                ("price_min", price_min_cents),
                ("price_max", price_max_cents),
            ] {
                if guard.is_some() {
                    return Err(ApiError::invalid(
                        field,
                        format!(
                            "{field} is only for price_mode margin: a fixed price does not move"
                        ),
                    ));
                }
            }
            let price = given(input.price.as_ref()).ok_or_else(|| {
                ApiError::invalid("price", "price is required for a fixed-price offer")
            })?;
            let price = Cents::parse_positive(price)
                .map_err(|e| ApiError::invalid("price", e.to_string()))?;
            Ok(Pricing {
                mode,
                margin_bp: None,
                price_cents: price.0,
                price_min_cents,
                price_max_cents,
            })
        }
        PriceMode::Margin => {
            if given(input.price.as_ref()).is_some() {
                return Err(ApiError::invalid(
                    "price",
                    "a margin offer's price follows the market: send margin_percent, not price",
                ));
            }
            let margin = given(input.margin_percent.as_ref())
                .ok_or_else(|| {
                    ApiError::invalid(
                        "margin_percent",
                        "margin_percent is required for a margin offer, e.g. \"2.5\" or \"-1.0\"",
                    )
                })
                .and_then(|m| {
                    Margin::parse_percent(m)
                        .map_err(|e| ApiError::invalid("margin_percent", e.to_string()))
                })?;
            let market = feed
                .price(currency.as_str())
                .ok_or_else(|| stale(currency.as_str()))?;
            Ok(Pricing {
                mode,
                margin_bp: Some(margin.bp()),
                price_cents: margin.apply(market).0,
                price_min_cents,
                price_max_cents,
            })
        }
    }
}

pub fn validate(state: &OffersState, input: &OfferInput) -> ApiResult<Terms> {
    let side = parse_side(&input.side)?;
    let currency = Currency::parse(&input.currency)
        .map_err(|e| ApiError::invalid("currency", e.to_string()))?;
    let method = input.payment_method.trim().to_ascii_lowercase();
    if !state.payment_methods.contains(&method) {
        return Err(ApiError::invalid(
            "payment_method",
            format!(
                "payment_method must be one of: {}",
                state.payment_methods.join(", ")
            ),
        ));
    }
    let min = parse_amount("min_amount", &input.min_amount, state.max_amount)?;
    let max = parse_amount("max_amount", &input.max_amount, state.max_amount)?;
    if min > max {
        return Err(ApiError::invalid(
            "min_amount",
            "min_amount must not exceed max_amount",
        ));
    }
    let mut amounts = input
        .amounts
        .iter()
        .filter(|a| !a.trim().is_empty())
        .map(|a| parse_amount("amounts", a, state.max_amount))
        .collect::<ApiResult<Vec<_>>>()?;
    amounts.sort_unstable();
    amounts.dedup();
    if amounts.len() > MAX_AMOUNTS {
        return Err(ApiError::invalid(
            "amounts",
            format!("amounts may list at most {MAX_AMOUNTS} amounts"),
        ));
    }
    if amounts.iter().any(|a| *a < min || *a > max) {
        return Err(ApiError::invalid(
            "amounts",
            "each of amounts must be between min_amount and max_amount",
        ));
    }
    let first_trade_max = given(input.first_trade_max_amount.as_ref())
        .map(|a| parse_amount("first_trade_max_amount", a, state.max_amount))
        .transpose()?;
    if first_trade_max.is_some_and(|f| f < min) {
        return Err(ApiError::invalid(
            "first_trade_max_amount",
            "first_trade_max_amount must be at least min_amount, or no newcomer could trade",
        ));
    }
    let min_taker_trades = input.min_taker_trades.unwrap_or(0);
    if !(0..=MAX_MIN_TAKER_TRADES).contains(&min_taker_trades) {
        return Err(ApiError::invalid(
            "min_taker_trades",
            format!("min_taker_trades must be between 0 and {MAX_MIN_TAKER_TRADES}"),
        ));
    }
    if !(MIN_WINDOW..=MAX_WINDOW).contains(&input.payment_window_minutes) {
        return Err(ApiError::invalid(
            "payment_window_minutes",
            format!("payment_window_minutes must be between {MIN_WINDOW} and {MAX_WINDOW}"),
        ));
    }
    let terms = input.terms.trim().to_owned();
    if terms.chars().count() > MAX_TERMS {
        return Err(ApiError::invalid(
            "terms",
            format!("terms must be at most {MAX_TERMS} characters"),
        ));
    }
    let status = match &input.status {
        Some(s) => parse_status(s)?,
        None => OfferStatus::Open,
    };
    // Last: the market price is only asked for once everything else is right.
    let pricing = pricing(input, &currency, &state.prices)?;
    Ok(Terms {
        side,
        currency: currency.as_str().to_owned(),
        price_cents: pricing.price_cents,
        payment_method: method,
        min_amount: min.as_i64(),
        max_amount: max.as_i64(),
        payment_window_minutes: i32::try_from(input.payment_window_minutes).unwrap_or(i32::MAX),
        terms,
        status,
        price_mode: pricing.mode,
        margin_bp: pricing.margin_bp,
        price_min_cents: pricing.price_min_cents,
        price_max_cents: pricing.price_max_cents,
        amounts: if amounts.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = amounts.iter().map(|a| a.as_i64().to_string()).collect();
            format!(",{},", list.join(","))
        },
        first_trade_max: first_trade_max.map(Piconero::as_i64),
        min_taker_trades: i32::try_from(min_taker_trades).unwrap_or(i32::MAX),
        trusted_only: input.trusted_only.unwrap_or(false),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    fn feed() -> PriceFeed {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            settings: pupero_config::Settings,
        }
        PriceFeed::new(&Cli::parse_from(["pupero"]).settings).unwrap()
    }

    fn row(min_amount: i64) -> offer::Model {
        offer::Model {
            id: 1,
            owner_id: 2,
            side: OfferSide::Buy,
            currency: "EUR".into(),
            price_cents: 15_000,
            payment_method: "sepa".into(),
            min_amount,
            max_amount: 5,
            payment_window_minutes: 30,
            terms: String::new(),
            status: OfferStatus::Open,
            created_at_ms: 0,
            updated_at_ms: 0,
            deleted_at_ms: None,
            price_mode: PriceMode::Fixed,
            margin_bp: None,
            price_min_cents: None,
            price_max_cents: None,
            amounts: String::new(),
            first_trade_max: None,
            min_taker_trades: 0,
            trusted_only: false,
        }
    }

    #[test]
    fn a_stored_negative_amount_is_an_error_not_zero() {
        let feed = feed();
        assert!(view(&row(1), None, &feed).is_ok());
        let refused = view(&row(-1), None, &feed).map(|v| v.min_amount);
        assert!(refused.is_err(), "{refused:?}");
        let broken = offer::Model {
            amounts: ",1,x,".into(),
            ..row(1)
        };
        assert!(view(&broken, None, &feed).is_err());
    }

    #[test]
    fn a_margin_offer_without_a_market_price_is_halted_and_a_fixed_one_is_not() {
        let feed = feed();
        let margin = offer::Model {
            price_mode: PriceMode::Margin,
            margin_bp: Some(250),
            ..row(1)
        };
        assert_eq!(halted(&margin, &feed), Some(OfferHalt::PriceFeedStale));
        assert_eq!(halted(&row(1), &feed), None);
        let paused = offer::Model {
            status: OfferStatus::Paused,
            ..margin
        };
        assert_eq!(halted(&paused, &feed), None, "its status already says it");
    }

    #[test]
    fn query_words_are_parsed_at_the_edge_with_the_old_messages() {
        assert_eq!(parse_side(" SELL ").ok(), Some(OfferSide::Sell));
        assert_eq!(parse_status("Paused").ok(), Some(OfferStatus::Paused));
        let side = parse_side("sideways").map(|_| ()).unwrap_err();
        assert_eq!(side.message, "side must be buy or sell");
        let status = parse_status("gone").map(|_| ()).unwrap_err();
        assert_eq!(status.message, "status must be open, paused or closed");
    }
}
