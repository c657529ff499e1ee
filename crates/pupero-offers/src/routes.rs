//! HTTP routes of the offers service.

use pupero_http::ErrorCode;
use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use pupero_api::Paged;
use pupero_api::internal::offers::{
    BalancesChanged, BalancesNoted, OwnerBar, OwnerVisibility, OwnerVisibilitySet, PresenceTold,
    TradeRecordsTold,
};
use pupero_api::internal::transactions::{AvailableBalances, BalancesRequest, OpenTrades};
use pupero_api::offers::{
    OfferInput, OfferPatch, OfferView, PaymentMethods, PriceBoard, TraderListEntry, TraderLists,
};
use pupero_core::{
    Currency, OfferHalt, OfferSide, OfferStatus, Piconero, PriceMode, Privilege, TraderList,
};
use pupero_http::{
    ActiveUser, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, AuthUser, PageQuery,
    ServiceCaller, ServiceRouter, internal_route,
};

use crate::entity::offer;
use crate::listing::{Generation, Lookup};
use crate::records;
use crate::store::{self, Filter, Sort};
use crate::terms::{parse_amount, parse_side, validate, view};
use crate::{OffersState, SERVICE};

#[derive(OpenApi)]
#[openapi(info(
    title = "Pupero offers service",
    description = "Buy and sell offers (ads)."
))]
struct ApiDoc;

pub fn router(state: OffersState) -> ServiceRouter {
    let health_db = state.db.clone();
    let internal_state = state.clone();
    let keys = state.keys.clone();
    let (routes, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(payment_methods))
        .routes(routes!(market_prices))
        .routes(routes!(trader_lists))
        .routes(routes!(put_on_list, take_off_list))
        .routes(routes!(list_offers, create_offer))
        .routes(routes!(get_offer, replace_offer, patch_offer, delete_offer))
        .routes(routes!(my_offers))
        .with_state(state)
        .split_for_parts();
    let routes = routes
        .route(
            "/internal/offers/{id}",
            internal_route(
                &keys,
                &["transactions", "moderation"],
                axum::routing::get(internal_offer),
            ),
        )
        .route(
            "/internal/owners/{id}",
            internal_route(&keys, &["login"], axum::routing::post(internal_owner)),
        )
        .route(
            "/internal/offers/{id}/remove",
            internal_route(
                &keys,
                &["moderation"],
                axum::routing::post(internal_remove_offer),
            ),
        )
        .route(
            "/internal/owners/{id}/barred",
            internal_route(
                &keys,
                &["moderation"],
                axum::routing::put(internal_owner_bar),
            ),
        )
        .route(
            "/internal/traders/records",
            internal_route(
                &keys,
                &["transactions"],
                axum::routing::put(internal_trade_records),
            ),
        )
        .route(
            "/internal/traders/{id}/presence",
            internal_route(&keys, &["login"], axum::routing::put(internal_presence)),
        )
        .route(
            "/internal/balances-changed",
            internal_route(
                &keys,
                &["transactions"],
                axum::routing::post(internal_balances_changed),
            ),
        )
        .with_state(internal_state);
    ServiceRouter::with_database(SERVICE, routes, openapi, health_db)
}

/// Offers' paging: 20 rows unless asked, at most 100.
const PAGE_DEFAULT: u64 = 20;
const PAGE_MAX: u64 = 100;

/// Views with availability: a sell offer is available when its owner can fund the minimum.
/// Balances come from the service's own view (see `listing`); only sellers it does not
/// know yet are asked of the ledger, in one call. If the ledger cannot be asked,
/// availability is unknown (null), the list still answers, and `complete` is false.
async fn views(
    state: &OffersState,
    rows: &[offer::Model],
    started: Generation,
) -> ApiResult<(Vec<OfferView>, bool)> {
    let mut sellers: Vec<i64> = rows
        .iter()
        .filter(|o| o.side == OfferSide::Sell)
        .map(|o| o.owner_id)
        .collect();
    sellers.sort_unstable();
    sellers.dedup();
    let (mut balances, missing) = state.listing.balances(&sellers);
    let mut complete = true;
    if !missing.is_empty() {
        match state
            .transactions
            .post::<_, AvailableBalances>(
                "/internal/balances",
                &BalancesRequest {
                    user_ids: missing.clone(),
                },
            )
            .await
        {
            Ok(b) => {
                // A seller the ledger has no account for has nothing available.
                let mut fetched: HashMap<i64, i64> = missing.iter().map(|&u| (u, 0)).collect();
                fetched.extend(
                    b.balances
                        .into_iter()
                        .map(|b| (b.user_id, b.available.as_i64())),
                );
                state.listing.keep_balances(started, &fetched);
                balances.extend(fetched);
            }
            Err(e) => {
                tracing::warn!(error = %e, "offer availability unknown");
                complete = false;
            }
        }
    }
    let mut owners: Vec<i64> = rows.iter().map(|o| o.owner_id).collect();
    owners.sort_unstable();
    owners.dedup();
    let owner_records = store::records_of(&state.db, &owners).await?;
    let now = pupero_db::now_ms();
    let views = rows
        .iter()
        .map(|o| {
            let available = if o.side == OfferSide::Buy {
                Some(true)
            } else {
                balances.get(&o.owner_id).map(|&b| b >= o.min_amount)
            };
            let mut shown = view(o, available, &state.prices)?;
            shown.owner_record = Some(records::view(owner_records.get(&o.owner_id), now));
            Ok(shown)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok((views, complete))
}

/// One row's view, with availability.
async fn view_one(state: &OffersState, row: &offer::Model) -> ApiResult<OfferView> {
    let started = state.listing.generation();
    views(state, std::slice::from_ref(row), started)
        .await?
        .0
        .pop()
        .ok_or_else(|| ApiError::internal("no view for one offer"))
}

/// The payment methods offers may name.
#[utoipa::path(get, path = "/offers/payment-methods", tag = "offers", responses((status = 200, body = PaymentMethods)))]
async fn payment_methods(State(state): State<OffersState>) -> Json<PaymentMethods> {
    Json(PaymentMethods {
        payment_methods: state.payment_methods.to_vec(),
    })
}

/// The market price of XMR in each currency the price sources quote, with each source's
/// quote and the price's age.
#[utoipa::path(get, path = "/offers/prices", tag = "offers", responses((status = 200, body = PriceBoard)))]
async fn market_prices(State(state): State<OffersState>) -> Json<PriceBoard> {
    Json(state.prices.board())
}

fn trader_lists_of(rows: Vec<crate::entity::trader_list::Model>) -> TraderLists {
    let (trusted, blocked) = rows
        .into_iter()
        .partition::<Vec<_>, _>(|r| r.list == TraderList::Trusted);
    TraderLists {
        trusted: trusted.into_iter().map(|r| r.user_id).collect(),
        blocked: blocked.into_iter().map(|r| r.user_id).collect(),
    }
}

/// The caller's trusted traders (who may take their `trusted_only` offers) and blocked
/// ones (who may take none of their offers).
#[utoipa::path(get, path = "/offers/trader-lists", tag = "offers", security(("bearer" = [])),
    responses((status = 200, body = TraderLists)))]
#[tracing::instrument(skip_all, fields(user_id = caller.id))]
async fn trader_lists(
    State(state): State<OffersState>,
    caller: AuthUser,
) -> ApiResult<Json<TraderLists>> {
    Ok(Json(trader_lists_of(
        store::lists(&state.db, caller.id).await?,
    )))
}

/// Puts a user on the caller's trusted or blocked list (off the other one).
#[utoipa::path(put, path = "/offers/trader-lists/{user_id}", tag = "offers", security(("bearer" = [])),
    params(("user_id" = i64, Path)), request_body = TraderListEntry,
    responses((status = 200, body = TraderLists), (status = 422, description = "invalid list or user")))]
#[tracing::instrument(skip_all, fields(user_id = caller.id, listed = user_id))]
async fn put_on_list(
    State(state): State<OffersState>,
    ActiveUser(caller): ActiveUser,
    ApiPath(user_id): ApiPath<i64>,
    ApiJson(entry): ApiJson<TraderListEntry>,
) -> ApiResult<Json<TraderLists>> {
    let list: TraderList = entry
        .list
        .trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|_| ApiError::invalid("list", "list must be trusted or blocked"))?;
    if user_id <= 0 || user_id == caller.id {
        return Err(ApiError::invalid(
            "user_id",
            "user_id must be another user's id",
        ));
    }
    store::put_on_list(&state.db, caller.id, user_id, list).await?;
    Ok(Json(trader_lists_of(
        store::lists(&state.db, caller.id).await?,
    )))
}

/// Takes a user off the caller's lists.
#[utoipa::path(delete, path = "/offers/trader-lists/{user_id}", tag = "offers", security(("bearer" = [])),
    params(("user_id" = i64, Path)),
    responses((status = 200, body = TraderLists), (status = 404, description = "not on a list")))]
#[tracing::instrument(skip_all, fields(user_id = caller.id, listed = user_id))]
async fn take_off_list(
    State(state): State<OffersState>,
    ActiveUser(caller): ActiveUser,
    ApiPath(user_id): ApiPath<i64>,
) -> ApiResult<Json<TraderLists>> {
    if !store::take_off_lists(&state.db, caller.id, user_id).await? {
        return Err(ApiError::not_found("that user is on none of your lists"));
    }
    Ok(Json(trader_lists_of(
        store::lists(&state.db, caller.id).await?,
    )))
}

/// Post an offer.
#[utoipa::path(post, path = "/offers", tag = "offers", security(("bearer" = [])), request_body = OfferInput,
    responses((status = 201, body = OfferView), (status = 422, description = "invalid field")))]
#[tracing::instrument(skip_all, fields(user_id = caller.id))]
async fn create_offer(
    State(state): State<OffersState>,
    caller: AuthUser,
    ApiJson(input): ApiJson<OfferInput>,
) -> ApiResult<(StatusCode, Json<OfferView>)> {
    // A trade ban (or a suspension, a ban) in force stops new offers, checked now.
    let caller = state.authority.permit(caller, Privilege::Trade).await?;
    let terms = validate(&state, &input)?;
    let row = store::insert(&state.db, caller.id, terms).await?;
    state.listing.changed();
    Ok((StatusCode::CREATED, Json(view_one(&state, &row).await?)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// `buy` or `sell`.
    pub side: Option<String>,
    pub currency: Option<String>,
    pub payment_method: Option<String>,
    /// XMR the caller wants to trade; only offers whose limits include it.
    pub amount: Option<String>,
    pub owner_id: Option<i64>,
    /// Only owners with at least this many completed trades: 0 to 10, 50, 100, 500 or
    /// 1000 (the bands counts are shown in).
    pub min_completed_trades: Option<String>,
    /// Only owners whose feedback score (average rating) is at least this, 1 to 5.
    pub min_rating: Option<String>,
    /// Only owners whose account is at least this many days old (0–36500).
    pub min_account_age_days: Option<String>,
    /// Only owners seen in the last this many days (1–3650).
    pub seen_within_days: Option<String>,
    /// `price_asc`, `price_desc`, `newest`, `rating_desc` (best feedback score first),
    /// `trades_desc` (most completed trades first, by band) or `seen_desc` (most recently
    /// seen first). Default: cheapest first for sell offers, best price first for buy
    /// offers, newest otherwise.
    pub sort: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

/// Open offers, filtered, sorted and paginated.
#[utoipa::path(get, path = "/offers", tag = "offers", params(ListQuery), responses((status = 200, body = Paged<OfferView>)))]
async fn list_offers(
    State(state): State<OffersState>,
    RawQuery(raw): RawQuery,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Response> {
    let now = pupero_db::now_ms();
    let horizon = state.listing.horizon();
    if now >= horizon {
        let next = store::next_bar_end(&state.db, now).await?;
        state
            .listing
            .passed_horizon(horizon, next.unwrap_or(i64::MAX));
    }
    // Only answers to valid queries are kept, so a kept one needs no parsing.
    let key = raw.unwrap_or_default();
    let computing = match state.listing.lookup(&key).await {
        Lookup::Answer(body) => return Ok(json_bytes(body)),
        Lookup::Compute(computing) => computing,
    };
    let started = computing.started();
    // Read after the generation: a refresh that lands meanwhile bumps it, and this
    // answer is then not kept.
    let (fresh, first_stale) = state.prices.fresh();
    let side = q.side.as_deref().map(parse_side).transpose()?;
    let currency = q
        .currency
        .as_deref()
        .map(|c| Currency::parse(c).map_err(|e| ApiError::invalid("currency", e.to_string())))
        .transpose()?;
    let amount = q
        .amount
        .as_deref()
        .map(|a| parse_amount("amount", a, Piconero::MAX))
        .transpose()?;
    let sort = match q.sort.as_deref() {
        Some("price_asc") => Sort::PriceAsc,
        Some("price_desc") => Sort::PriceDesc,
        Some("newest") => Sort::Newest,
        Some("rating_desc") => Sort::RatingDesc,
        Some("trades_desc") => Sort::TradesDesc,
        Some("seen_desc") => Sort::SeenDesc,
        Some(_) => {
            return Err(ApiError::invalid(
                "sort",
                "sort must be price_asc, price_desc, newest, rating_desc, trades_desc or seen_desc",
            ));
        }
        None => match side {
            Some(OfferSide::Sell) => Sort::PriceAsc,
            Some(_) => Sort::PriceDesc,
            None => Sort::Newest,
        },
    };
    // The query's own limit/offset: serde cannot flatten numbers out of a query string.
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page(PAGE_DEFAULT, PAGE_MAX)?;
    let min_completed_trades = q
        .min_completed_trades
        .as_deref()
        .map(records::parse_min_trades)
        .transpose()?;
    let min_rating_hundredths = q
        .min_rating
        .as_deref()
        .map(records::parse_min_rating)
        .transpose()?;
    let min_age = q
        .min_account_age_days
        .as_deref()
        .map(|d| records::parse_days("min_account_age_days", d, 0..=36_500))
        .transpose()?;
    let seen_within = q
        .seen_within_days
        .as_deref()
        .map(|d| records::parse_days("seen_within_days", d, 1..=3650))
        .transpose()?;
    let filter = Filter {
        side,
        currency: currency.map(|c| c.as_str().to_owned()),
        payment_method: q.payment_method.map(|m| m.trim().to_ascii_lowercase()),
        amount: amount.map(Piconero::as_i64),
        owner_id: q.owner_id,
        status: Some(OfferStatus::Open),
        visible_owners_only: true,
        takeable_in: Some(fresh.clone()),
        min_completed_trades,
        min_rating_hundredths,
        joined_before_ms: min_age.map(|d| records::days_before(now, d)),
        seen_since_ms: seen_within.map(|d| records::days_before(now, d)),
    };
    let (rows, total) = store::list(&state.db, &filter, sort, page.limit, page.offset).await?;
    let (offers, complete) = views(&state, &rows, started).await?;
    let body =
        Bytes::from(serde_json::to_vec(&page.of(offers, total)).map_err(ApiError::internal)?);
    if complete {
        state
            .listing
            .keep_answer(&key, started, body.clone(), first_stale);
    }
    computing.done(body.clone());
    Ok(json_bytes(body))
}

fn json_bytes(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The caller's offers in every status.
#[utoipa::path(get, path = "/me/offers", tag = "offers", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Paged<OfferView>)))]
#[tracing::instrument(skip_all, fields(user_id = caller.id))]
async fn my_offers(
    State(state): State<OffersState>,
    caller: AuthUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<OfferView>>> {
    let page = q.page(PAGE_DEFAULT, PAGE_MAX)?;
    let filter = Filter {
        owner_id: Some(caller.id),
        ..Filter::default()
    };
    let (rows, total) =
        store::list(&state.db, &filter, Sort::Newest, page.limit, page.offset).await?;
    let started = state.listing.generation();
    let offers = views(&state, &rows, started).await?.0;
    Ok(Json(page.of(offers, total)))
}

fn not_found() -> ApiError {
    ApiError::not_found("no such offer")
}

/// One offer.
#[utoipa::path(get, path = "/offers/{id}", tag = "offers", params(("id" = i64, Path)),
    responses((status = 200, body = OfferView), (status = 404, description = "no such offer")))]
#[tracing::instrument(skip_all, fields(offer_id = id))]
async fn get_offer(
    State(state): State<OffersState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<OfferView>> {
    let row = store::find_visible(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(view_one(&state, &row).await?))
}

async fn own_offer(state: &OffersState, id: i64, caller: AuthUser) -> ApiResult<offer::Model> {
    let row = store::find(&state.db, id).await?.ok_or_else(not_found)?;
    if row.owner_id != caller.id {
        return Err(ApiError::forbidden("only the owner may change this offer"));
    }
    Ok(row)
}

async fn save(
    state: &OffersState,
    id: i64,
    caller: AuthUser,
    input: &OfferInput,
) -> ApiResult<Json<OfferView>> {
    let terms = validate(state, input)?;
    let updated = store::update(&state.db, id, caller.id, terms).await?;
    state.listing.changed();
    if !updated {
        return Err(not_found());
    }
    get_offer(State(state.clone()), ApiPath(id)).await
}

/// Replace an offer's terms (owner only). Trades already open keep the terms they opened with.
#[utoipa::path(put, path = "/offers/{id}", tag = "offers", security(("bearer" = [])), request_body = OfferInput,
    params(("id" = i64, Path)),
    responses((status = 200, body = OfferView), (status = 403, description = "not the owner"), (status = 404, description = "no such offer")))]
#[tracing::instrument(skip_all, fields(user_id = caller.id, offer_id = id))]
async fn replace_offer(
    State(state): State<OffersState>,
    ActiveUser(caller): ActiveUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<OfferInput>,
) -> ApiResult<Json<OfferView>> {
    own_offer(&state, id, caller).await?;
    save(&state, id, caller, &input).await
}

/// Change some of an offer's terms, e.g. `{"status": "paused"}` (owner only).
#[utoipa::path(patch, path = "/offers/{id}", tag = "offers", security(("bearer" = [])), request_body = OfferPatch,
    params(("id" = i64, Path)),
    responses((status = 200, body = OfferView), (status = 403, description = "not the owner"), (status = 404, description = "no such offer")))]
#[tracing::instrument(skip_all, fields(user_id = caller.id, offer_id = id))]
async fn patch_offer(
    State(state): State<OffersState>,
    ActiveUser(caller): ActiveUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<OfferPatch>,
) -> ApiResult<Json<OfferView>> {
    let current = view(&own_offer(&state, id, caller).await?, None, &state.prices)?;
    let price_mode = patch
        .price_mode
        .unwrap_or_else(|| current.price_mode.to_string());
    // Each mode's terms carry over only within that mode: a margin offer's shown price is
    // the market's, not a term, and a fixed offer has no margin or guards.
    let mode = |m: PriceMode| price_mode.trim().eq_ignore_ascii_case(m.as_str());
    let keeps_fixed = mode(PriceMode::Fixed) && current.price_mode == PriceMode::Fixed;
    let keeps_margin = mode(PriceMode::Margin) && current.price_mode == PriceMode::Margin;
    let input = OfferInput {
        side: patch.side.unwrap_or_else(|| current.side.to_string()),
        currency: patch.currency.unwrap_or(current.currency),
        price: patch.price.or(keeps_fixed.then_some(current.price)),
        margin_percent: patch
            .margin_percent
            .or(current.margin_percent.filter(|_| keeps_margin)),
        price_min: patch
            .price_min
            .or(current.price_min.filter(|_| keeps_margin)),
        price_max: patch
            .price_max
            .or(current.price_max.filter(|_| keeps_margin)),
        price_mode: Some(price_mode),
        payment_method: patch.payment_method.unwrap_or(current.payment_method),
        min_amount: patch
            .min_amount
            .unwrap_or_else(|| current.min_amount.to_string()),
        max_amount: patch
            .max_amount
            .unwrap_or_else(|| current.max_amount.to_string()),
        amounts: patch
            .amounts
            .unwrap_or_else(|| current.amounts.iter().map(ToString::to_string).collect()),
        first_trade_max_amount: patch
            .first_trade_max_amount
            .or(current.first_trade_max_amount.map(|a| a.to_string())),
        min_taker_trades: patch
            .min_taker_trades
            .or(Some(i64::from(current.min_taker_trades))),
        trusted_only: patch.trusted_only.or(Some(current.trusted_only)),
        payment_window_minutes: patch
            .payment_window_minutes
            .unwrap_or(i64::from(current.payment_window_minutes)),
        terms: patch.terms.unwrap_or(current.terms),
        status: Some(patch.status.unwrap_or_else(|| current.status.to_string())),
    };
    save(&state, id, caller, &input).await
}

/// Delete an offer (owner only), unless trades opened from it are still running.
#[utoipa::path(delete, path = "/offers/{id}", tag = "offers", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204, description = "deleted"), (status = 403, description = "not the owner"),
              (status = 409, description = "open trades reference it")))]
#[tracing::instrument(skip_all, fields(user_id = caller.id, offer_id = id))]
async fn delete_offer(
    State(state): State<OffersState>,
    ActiveUser(caller): ActiveUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    own_offer(&state, id, caller).await?;
    let open: OpenTrades = state
        .transactions
        .get(&format!("/internal/offers/{id}/open-trades"))
        .await?;
    if open.open > 0 {
        return Err(ApiError::conflict(
            ErrorCode::OfferHasOpenTrades,
            format!(
                "{} open trade(s) use this offer; pause it instead",
                open.open
            ),
        ));
    }
    let deleted = store::soft_delete(&state.db, id, caller.id).await?;
    state.listing.changed();
    if !deleted {
        return Err(not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
struct TakeQuery {
    /// The user about to take the offer: their standing on the owner's lists is checked.
    taker_id: Option<i64>,
}

/// For the transactions service opening a trade: the offer of a disabled or deleted
/// owner is not found, so it cannot be taken. A margin offer without a fresh market price
/// (the stale-feed breaker) or outside its price guards is refused, and so is a taker the
/// owner blocked, or does not trust for a `trusted_only` offer. The price answered is the
/// one the listing shows, which the trade locks.
#[tracing::instrument(skip_all, fields(offer_id = id))]
async fn internal_offer(
    State(state): State<OffersState>,
    _caller: ServiceCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<TakeQuery>,
) -> ApiResult<Json<OfferView>> {
    let row = store::find_visible(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    let offer = view(&row, None, &state.prices)?;
    match offer.halted {
        Some(OfferHalt::PriceFeedStale) => return Err(crate::terms::stale(&offer.currency)),
        Some(halt) => {
            let (side, guard) = match halt {
                OfferHalt::BelowPriceMin => ("below", offer.price_min.as_deref()),
                _ => ("above", offer.price_max.as_deref()),
            };
            return Err(ApiError::conflict(
                ErrorCode::OfferNotOpen,
                format!(
                    "this offer is paused while the market puts its price ({} {}) {side} its owner's limit of {}",
                    offer.price,
                    offer.currency,
                    guard.unwrap_or_default()
                ),
            ));
        }
        None => {}
    }
    if let Some(taker) = q.taker_id {
        match store::list_of(&state.db, row.owner_id, taker).await? {
            Some(TraderList::Blocked) => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    ErrorCode::TakerNotAllowed,
                    "the owner of this offer does not trade with you",
                ));
            }
            Some(TraderList::Trusted) => {}
            None if row.trusted_only => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    ErrorCode::TakerNotAllowed,
                    "this offer is only for traders its owner trusts",
                ));
            }
            None => {}
        }
    }
    Ok(Json(offer))
}

/// For the login service: an account was disabled or deleted (hidden) or enabled again.
#[tracing::instrument(skip_all, fields(owner_id = owner_id))]
async fn internal_owner(
    State(state): State<OffersState>,
    _caller: ServiceCaller,
    ApiPath(owner_id): ApiPath<i64>,
    ApiJson(req): ApiJson<OwnerVisibility>,
) -> ApiResult<Json<OwnerVisibilitySet>> {
    store::set_owner_hidden(&state.db, owner_id, req.hidden).await?;
    state.listing.changed();
    tracing::info!(
        owner_id,
        hidden = req.hidden,
        "offers of an owner hidden or shown"
    );
    Ok(Json(OwnerVisibilitySet {
        owner_id,
        hidden: req.hidden,
    }))
}

/// For the moderation service: a trade ban or ban on the owner began (until `until_ms`)
/// or was lifted. The very next listing read shows it. A telling older than the newest
/// one applied changes nothing.
#[tracing::instrument(skip_all, fields(owner_id = owner_id))]
async fn internal_owner_bar(
    State(state): State<OffersState>,
    _caller: ServiceCaller,
    ApiPath(owner_id): ApiPath<i64>,
    ApiJson(req): ApiJson<OwnerBar>,
) -> ApiResult<Json<OwnerBar>> {
    let tx = pupero_db::write_tx(&state.db).await?;
    let admitted =
        pupero_db::told_versions::admit(&tx, crate::BAR_VERSIONS, owner_id, req.version).await?;
    if admitted {
        store::set_owner_barred(&tx, owner_id, req.barred, req.until_ms).await?;
    }
    tx.commit().await?;
    if !admitted {
        tracing::info!(
            owner_id,
            version = req.version,
            "an older telling of an owner's bar ignored"
        );
        return Ok(Json(store::owner_bar(&state.db, owner_id).await?));
    }
    match req.until_ms {
        Some(until) if req.barred => state.listing.bar_ends_at(until),
        _ => state.listing.changed(),
    }
    tracing::info!(
        owner_id,
        barred = req.barred,
        "offers of an owner barred or freed"
    );
    Ok(Json(req))
}

/// For the moderation service: staff remove an offer (the reason is on moderation's
/// record). It leaves the listing at the next read; open trades on it run on.
#[tracing::instrument(skip_all, fields(offer_id = id))]
async fn internal_remove_offer(
    State(state): State<OffersState>,
    _caller: ServiceCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<OfferView>> {
    let row = store::find(&state.db, id).await?.ok_or_else(not_found)?;
    if !store::remove(&state.db, id).await? {
        return Err(not_found());
    }
    state.listing.changed();
    let row = store::find_any(&state.db, id).await?.unwrap_or(row);
    Ok(Json(view(&row, None, &state.prices)?))
}

/// For the transactions service: traders' whole trade records, after a trade of theirs
/// ended or they were reviewed, in one transaction. The very next listing read shows them.
/// A telling older than the newest one applied for that trader changes nothing.
#[tracing::instrument(skip_all, fields(traders = req.records.len()))]
async fn internal_trade_records(
    State(state): State<OffersState>,
    _caller: ServiceCaller,
    ApiJson(req): ApiJson<TradeRecordsTold>,
) -> ApiResult<Json<TradeRecordsTold>> {
    if req.records.len() > TradeRecordsTold::MAX {
        return Err(ApiError::invalid(
            "records",
            format!("at most {} records at once", TradeRecordsTold::MAX),
        ));
    }
    let mut users: Vec<i64> = req.records.iter().map(|r| r.user_id).collect();
    users.sort_unstable();
    if users.windows(2).any(|w| matches!(w, [a, b] if a == b)) {
        return Err(ApiError::invalid("records", "one record per trader"));
    }
    // Three statements for the versions and one for the records, however many traders.
    let tx = pupero_db::write_tx(&state.db).await?;
    let versions: Vec<(i64, i64)> = req.records.iter().map(|r| (r.user_id, r.version)).collect();
    let admitted =
        pupero_db::told_versions::admit_many(&tx, crate::RECORD_VERSIONS, &versions).await?;
    let mut taken = Vec::with_capacity(req.records.len());
    for (told, admitted) in req.records.iter().zip(admitted) {
        if admitted {
            taken.push(told);
        } else {
            tracing::info!(
                user_id = told.user_id,
                version = told.version,
                "an older telling of a trade record ignored"
            );
        }
    }
    store::put_trade_records(&tx, &taken).await?;
    tx.commit().await?;
    if !taken.is_empty() {
        state.listing.changed();
    }
    Ok(Json(req))
}

/// For the login service: when a trader's account was created and last seen. A telling
/// of an earlier "last seen" than the one kept changes nothing.
#[tracing::instrument(skip_all, fields(user_id = user_id))]
async fn internal_presence(
    State(state): State<OffersState>,
    _caller: ServiceCaller,
    ApiPath(user_id): ApiPath<i64>,
    ApiJson(req): ApiJson<PresenceTold>,
) -> ApiResult<Json<PresenceTold>> {
    let tx = pupero_db::write_tx(&state.db).await?;
    let admitted =
        pupero_db::told_versions::admit(&tx, crate::PRESENCE_VERSIONS, user_id, req.seen_at_ms)
            .await?;
    if admitted {
        store::put_presence(&tx, user_id, &req).await?;
    }
    tx.commit().await?;
    if admitted {
        state.listing.changed();
    }
    Ok(Json(req))
}

/// For the ledger: these users' available balances changed (their writes committed).
#[tracing::instrument(skip_all, fields(users = req.user_ids.len()))]
async fn internal_balances_changed(
    State(state): State<OffersState>,
    _caller: ServiceCaller,
    ApiJson(req): ApiJson<BalancesChanged>,
) -> ApiResult<Json<BalancesNoted>> {
    if req.user_ids.len() > 1000 {
        return Err(ApiError::invalid("user_ids", "at most 1000 users at once"));
    }
    Ok(Json(BalancesNoted {
        refreshed: state.listing.balances_changed(&req.user_ids),
    }))
}
