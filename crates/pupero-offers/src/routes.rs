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
    BalancesChanged, BalancesNoted, OwnerBar, OwnerVisibility, OwnerVisibilitySet,
};
use pupero_api::internal::transactions::{AvailableBalances, BalancesRequest, OpenTrades};
use pupero_api::offers::{OfferInput, OfferPatch, OfferView, PaymentMethods};
use pupero_core::{Cents, Currency, OfferSide, OfferStatus, Piconero, Privilege};
use pupero_http::{
    ActiveUser, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, AuthUser, PageQuery,
    ServiceCaller, ServiceRouter, internal_route, rfc3339,
};

use crate::entity::offer;
use crate::listing::Generation;
use crate::store::{self, Filter, Sort, Terms};
use crate::{OffersState, SERVICE};

const MIN_WINDOW: i64 = 15;
const MAX_WINDOW: i64 = 1440;
const MAX_TERMS: usize = 2000;

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

/// A stored amount that is not a valid one is a broken row, never shown as 0.
fn stored_amount(o: &offer::Model, field: &str, piconero: i64) -> ApiResult<Piconero> {
    Piconero::new(piconero)
        .map_err(|e| ApiError::internal(format!("offer {} has an invalid {field}: {e}", o.id)))
}

/// An offer's row as the API shows it; a stored amount that is not a valid one is an
/// error.
fn view(o: &offer::Model, available: Option<bool>) -> ApiResult<OfferView> {
    Ok(OfferView {
        id: o.id,
        owner_id: o.owner_id,
        side: o.side,
        currency: o.currency.clone(),
        price: Cents(o.price_cents).to_string(),
        payment_method: o.payment_method.clone(),
        min_amount: stored_amount(o, "min_amount", o.min_amount)?,
        max_amount: stored_amount(o, "max_amount", o.max_amount)?,
        payment_window_minutes: o.payment_window_minutes,
        terms: o.terms.clone(),
        status: o.status,
        available,
        created_at: rfc3339(o.created_at_ms),
        updated_at: rfc3339(o.updated_at_ms),
    })
}

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
    let views = rows
        .iter()
        .map(|o| {
            let available = if o.side == OfferSide::Buy {
                Some(true)
            } else {
                balances.get(&o.owner_id).map(|&b| b >= o.min_amount)
            };
            view(o, available)
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

fn parse_side(s: &str) -> ApiResult<OfferSide> {
    s.trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|_| ApiError::invalid("side", "side must be buy or sell"))
}

fn parse_status(s: &str) -> ApiResult<OfferStatus> {
    s.trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|_| ApiError::invalid("status", "status must be open, paused or closed"))
}

/// A positive amount within MAX_AMOUNT_XMR, so no trade on the offer can exceed it.
fn parse_amount(field: &str, raw: &str, limit: Piconero) -> ApiResult<Piconero> {
    Piconero::parse_positive_xmr_within(raw, limit)
        .map_err(|e| ApiError::invalid(field, format!("{field}: {e}")))
}

fn validate(state: &OffersState, input: &OfferInput) -> ApiResult<Terms> {
    let side = parse_side(&input.side)?;
    let currency = Currency::parse(&input.currency)
        .map_err(|e| ApiError::invalid("currency", e.to_string()))?;
    let price = Cents::parse_positive(&input.price)
        .map_err(|e| ApiError::invalid("price", e.to_string()))?;
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
    Ok(Terms {
        side,
        currency: currency.as_str().to_owned(),
        price_cents: price.0,
        payment_method: method,
        min_amount: min.as_i64(),
        max_amount: max.as_i64(),
        payment_window_minutes: i32::try_from(input.payment_window_minutes).unwrap_or(i32::MAX),
        terms,
        status,
    })
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
    /// `price_asc`, `price_desc` or `newest`. Default: cheapest first for sell offers,
    /// best price first for buy offers, newest otherwise.
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
    if let Some(body) = state.listing.answer(&key) {
        return Ok(json_bytes(body));
    }
    let started = state.listing.generation();
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
        Some(_) => {
            return Err(ApiError::invalid(
                "sort",
                "sort must be price_asc, price_desc or newest",
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
    let filter = Filter {
        side,
        currency: currency.map(|c| c.as_str().to_owned()),
        payment_method: q.payment_method.map(|m| m.trim().to_ascii_lowercase()),
        amount: amount.map(Piconero::as_i64),
        owner_id: q.owner_id,
        status: Some(OfferStatus::Open),
        visible_owners_only: true,
    };
    let (rows, total) = store::list(&state.db, &filter, sort, page.limit, page.offset).await?;
    let (offers, complete) = views(&state, &rows, started).await?;
    let body =
        Bytes::from(serde_json::to_vec(&page.of(offers, total)).map_err(ApiError::internal)?);
    if complete {
        state.listing.keep_answer(&key, started, body.clone());
    }
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
    let current = view(&own_offer(&state, id, caller).await?, None)?;
    let input = OfferInput {
        side: patch.side.unwrap_or_else(|| current.side.to_string()),
        currency: patch.currency.unwrap_or(current.currency),
        price: patch.price.unwrap_or(current.price),
        payment_method: patch.payment_method.unwrap_or(current.payment_method),
        min_amount: patch
            .min_amount
            .unwrap_or_else(|| current.min_amount.to_string()),
        max_amount: patch
            .max_amount
            .unwrap_or_else(|| current.max_amount.to_string()),
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

/// For the transactions service opening a trade: the offer of a disabled or deleted
/// owner is not found, so it cannot be taken.
#[tracing::instrument(skip_all, fields(offer_id = id))]
async fn internal_offer(
    State(state): State<OffersState>,
    _caller: ServiceCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<OfferView>> {
    let row = store::find_visible(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(view(&row, None)?))
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
/// or was lifted. The very next listing read shows it.
#[tracing::instrument(skip_all, fields(owner_id = owner_id))]
async fn internal_owner_bar(
    State(state): State<OffersState>,
    _caller: ServiceCaller,
    ApiPath(owner_id): ApiPath<i64>,
    ApiJson(req): ApiJson<OwnerBar>,
) -> ApiResult<Json<OwnerBar>> {
    let tx = pupero_db::write_tx(&state.db).await?;
    store::set_owner_barred(&tx, owner_id, req.barred, req.until_ms).await?;
    tx.commit().await?;
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
    Ok(Json(view(&row, None)?))
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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

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
        }
    }

    #[test]
    fn a_stored_negative_amount_is_an_error_not_zero() {
        assert!(view(&row(1), None).is_ok());
        let refused = view(&row(-1), None).map(|v| v.min_amount);
        assert!(refused.is_err(), "{refused:?}");
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
