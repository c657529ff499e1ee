//! Opening trades, reading them, and every step of their life.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use pupero_api::Paged;
use pupero_api::internal::transactions::{OpenTrades, TradeParties, TradingClosed};
use pupero_api::receipts::SignedReceipt;
use pupero_api::trades::{ActionBody, OpenRequest, ResolveRequest};
use pupero_core::Cents;
use pupero_core::trade::{Action, TradeState};
use pupero_http::{
    AdminUser, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, AuthUser, IdempotencyKey,
    ModeratorUser, Page, PageQuery, ServiceCaller,
};

use super::optional_json;
use crate::TransactionsState;
use crate::store::trades as store;
use crate::trades::{self, ActionInput, Opened, TradeView, view};
use pupero_core::{BuyerShare, Resolution, ResolutionReason};

/// Open a trade on an offer. The seller's XMR moves to escrow at once; the answer is 409
/// `insufficient_funds` if it cannot. An `Idempotency-Key` header makes retries safe.
#[utoipa::path(post, path = "/trades", tag = "trades", security(("bearer" = [])), request_body = OpenRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "repeat-safe key, up to 64 characters")),
    responses((status = 201, body = TradeView), (status = 200, description = "the trade this key already opened", body = TradeView),
              (status = 404, description = "no such offer"),
              (status = 409, description = "offer not open, own offer, insufficient funds, `offer_changed` (the price is not the one sent; the current terms are in the error), `offer_trade_limit` or `price_feed_stale` (a margin offer without a fresh market price)"),
              (status = 403, description = "`taker_not_allowed` (blocked, or not trusted for a trusted-only offer) or `reputation_too_low`"),
              (status = 422, description = "amount outside the offer's limits or not one of its fixed amounts, price missing, or `first_trade_limit`"),
              (status = 429, description = "`open_trade_limit`: the taker has as many open trades as allowed")))]
pub async fn open_trade(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    key: Option<IdempotencyKey>,
    ApiJson(req): ApiJson<OpenRequest>,
) -> ApiResult<(StatusCode, Json<TradeView>)> {
    let amount = super::bounded_amount(&req.amount, state.max_amount, "amount")?;
    let price = match req.price.as_deref().map(str::trim) {
        None | Some("") => {
            return Err(ApiError::invalid(
                "price",
                "price is required: the price per XMR you were shown, e.g. \"150.00\"",
            ));
        }
        Some(p) => Cents::parse_positive(p)
            .map_err(|e| ApiError::invalid("price", format!("price: {e}")))?,
    };
    let request = trades::OpenRequest {
        offer_id: req.offer_id,
        amount,
        seen_price: price,
        key,
    };
    Ok(match trades::open(&state, caller, request).await? {
        Opened::New(trade) => (StatusCode::CREATED, Json(trade)),
        Opened::Existing(trade) => (StatusCode::OK, Json(trade)),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TradeQuery {
    /// Only trades in this state.
    pub state: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

impl TradeQuery {
    fn page(&self) -> ApiResult<Page> {
        PageQuery {
            limit: self.limit,
            offset: self.offset,
        }
        .page(50, 200)
    }
}

fn parse_state(s: &str) -> ApiResult<TradeState> {
    s.parse::<TradeState>().ok().ok_or_else(|| {
        ApiError::invalid(
            "state",
            "state must be awaiting_payment, paid, completed, cancelled or disputed",
        )
    })
}

/// The caller's trades (as buyer or seller), newest first.
#[utoipa::path(get, path = "/trades", tag = "trades", security(("bearer" = [])), params(TradeQuery),
    responses((status = 200, body = Paged<TradeView>)))]
pub async fn list_trades(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiQuery(q): ApiQuery<TradeQuery>,
) -> ApiResult<Json<Paged<TradeView>>> {
    let page = q.page()?;
    let only = q.state.as_deref().map(parse_state).transpose()?;
    let (rows, total) = store::page_of(&state.db, caller.id, only, page).await?;
    Ok(Json(page.of(trades::views_for(&rows, caller)?, total)))
}

/// One user's trades (as buyer or seller), newest first, for the admin's user page.
#[utoipa::path(get, path = "/admin/users/{id}/trades", tag = "admin", security(("bearer" = [])),
    params(("id" = i64, Path), TradeQuery),
    responses((status = 200, body = Paged<TradeView>), (status = 403, description = "not an admin"),
              (status = 422, description = "bad state, limit or offset")))]
pub async fn trades_of_user(
    State(state): State<TransactionsState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<TradeQuery>,
) -> ApiResult<Json<Paged<TradeView>>> {
    let page = q.page()?;
    let only = q.state.as_deref().map(parse_state).transpose()?;
    let (rows, total) = store::page_of(&state.db, id, only, page).await?;
    Ok(Json(page.of(trades::views_for(&rows, admin)?, total)))
}

/// One trade, for its parties, moderators once it is disputed, and admins.
#[utoipa::path(get, path = "/trades/{id}", tag = "trades", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = TradeView), (status = 404, description = "no such trade (or not yours)")))]
pub async fn get_trade(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TradeView>> {
    let t = trades::load(&state.db, id).await?;
    let a = trades::current_access(&state, &t, caller)
        .await?
        .ok_or_else(|| ApiError::not_found("no such trade"))?;
    Ok(Json(view(&t, a)?))
}

/// Take a step: `paid` (buyer), `release` (seller; TOTP if enabled), `cancel` (buyer,
/// before paying), `dispute` (either party, after paid), `mutual-cancel` (both parties).
/// Repeating a step already taken answers 200 with the trade unchanged.
#[utoipa::path(post, path = "/trades/{id}/{action}", tag = "trades", security(("bearer" = [])),
    params(("id" = i64, Path), ("action" = String, Path, description = "paid | release | cancel | dispute | mutual-cancel")),
    request_body(content = ActionBody, description = "optional"),
    responses((status = 200, body = TradeView), (status = 403, description = "not your step, or TOTP wrong"),
              (status = 404, description = "no such trade or action"), (status = 409, description = "not possible in this state")))]
pub async fn trade_action(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath((id, action)): ApiPath<(i64, String)>,
    body: Bytes,
) -> ApiResult<Json<TradeView>> {
    let action = match action.parse::<Action>().ok() {
        Some(
            a @ (Action::MarkPaid
            | Action::Release
            | Action::Cancel
            | Action::Dispute
            | Action::MutualCancel),
        ) => a,
        _ => return Err(ApiError::not_found("no such trade action")),
    };
    let body: ActionBody = optional_json(&body)?;
    let input = ActionInput {
        totp: body.totp,
        statement: body.statement,
        ..ActionInput::default()
    };
    Ok(Json(trades::act(&state, id, caller, action, input).await?))
}

/// Decide a dispute (moderators and admins).
#[utoipa::path(post, path = "/trades/{id}/resolve", tag = "disputes", security(("bearer" = [])), request_body = ResolveRequest,
    params(("id" = i64, Path)),
    responses((status = 200, body = TradeView), (status = 403, description = "not a moderator, or a party to the trade"),
              (status = 404, description = "no such disputed trade"), (status = 409, description = "not disputed")))]
pub async fn resolve(
    State(state): State<TransactionsState>,
    ModeratorUser(moderator): ModeratorUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> ApiResult<Json<TradeView>> {
    // Nobody judges their own dispute (issue 14's conflict-of-interest rule).
    if let Some(t) = store::find(&state.db, id).await?
        && (t.buyer_id == moderator.id || t.seller_id == moderator.id)
    {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            pupero_http::ErrorCode::ConflictOfInterest,
            "you are a party to this trade: another moderator must decide its dispute",
        ));
    }
    let action = match req.outcome.parse::<Resolution>() {
        Ok(Resolution::Buyer) => Action::ResolveForBuyer,
        Ok(Resolution::Seller) => Action::ResolveForSeller,
        Ok(Resolution::Split) => Action::ResolveSplit,
        Err(_) => {
            return Err(ApiError::invalid(
                "outcome",
                "outcome must be buyer, seller or split",
            ));
        }
    };
    let share = match (action, req.buyer_share_bps) {
        (Action::ResolveSplit, Some(bps)) => Some(
            BuyerShare::new(bps)
                .map_err(|e| ApiError::invalid("buyer_share_bps", e.to_string()))?,
        ),
        (Action::ResolveSplit, None) => {
            return Err(ApiError::invalid(
                "buyer_share_bps",
                "a split needs the buyer's share in basis points (1 to 9999)",
            ));
        }
        (_, Some(_)) => {
            return Err(ApiError::invalid(
                "buyer_share_bps",
                "a share is given only with the split outcome",
            ));
        }
        (_, None) => None,
    };
    let reason_code = match req.reason_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(code.parse::<ResolutionReason>().map_err(|_| {
            let known: Vec<&str> = ResolutionReason::ALL.iter().map(|r| r.as_str()).collect();
            ApiError::invalid(
                "reason_code",
                format!("reason_code must be one of {}", known.join(", ")),
            )
        })?),
    };
    let input = ActionInput {
        reason: Some(req.reason),
        totp: req.totp,
        reason_code,
        share,
        ..ActionInput::default()
    };
    Ok(Json(
        trades::act(&state, id, moderator, action, input).await?,
    ))
}

/// Open disputes, oldest first (moderators and admins).
#[utoipa::path(get, path = "/disputes", tag = "disputes", security(("bearer" = [])), params(TradeQuery),
    responses((status = 200, body = Paged<TradeView>), (status = 403, description = "not a moderator")))]
pub async fn disputes(
    State(state): State<TransactionsState>,
    ModeratorUser(moderator): ModeratorUser,
    ApiQuery(q): ApiQuery<TradeQuery>,
) -> ApiResult<Json<Paged<TradeView>>> {
    let page = q.page()?;
    let (rows, total) = store::disputed_page(&state.db, page).await?;
    Ok(Json(page.of(trades::views_for(&rows, moderator)?, total)))
}

/// For the offers service: may this offer be deleted?
pub async fn internal_open_trades(
    State(state): State<TransactionsState>,
    _caller: ServiceCaller,
    ApiPath(offer_id): ApiPath<i64>,
) -> ApiResult<Json<OpenTrades>> {
    let open = store::count_open_on_offer(&state.db, offer_id).await?;
    Ok(Json(OpenTrades { open }))
}

/// For the moderation service: who is in a trade (to check a report of it and who may
/// judge it).
pub async fn internal_trade_parties(
    State(state): State<TransactionsState>,
    _caller: ServiceCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TradeParties>> {
    let t = store::find(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such trade"))?;
    Ok(Json(TradeParties {
        trade_id: t.id,
        buyer_id: t.buyer_id,
        seller_id: t.seller_id,
    }))
}

/// For the login service, before it deletes an account: closes it for trading if it holds
/// nothing (no balance, no open trade), in one decision with any trade opening at the same
/// moment. 409 `account_in_use` otherwise.
pub async fn internal_close_account(
    State(state): State<TransactionsState>,
    _caller: ServiceCaller,
    ApiPath(user_id): ApiPath<i64>,
) -> ApiResult<Json<TradingClosed>> {
    crate::trading_accounts::close(&state.db, user_id).await?;
    Ok(Json(TradingClosed { closed: true }))
}

/// For the login service, when a deletion it prepared with a closing did not happen.
pub async fn internal_reopen_account(
    State(state): State<TransactionsState>,
    _caller: ServiceCaller,
    ApiPath(user_id): ApiPath<i64>,
) -> ApiResult<Json<TradingClosed>> {
    crate::trading_accounts::reopen(&state.db, user_id).await?;
    Ok(Json(TradingClosed { closed: false }))
}

/// The signed receipt of an ended trade, for either party (`pupero verify-receipt` checks
/// it offline against `/audit/public-key`).
#[utoipa::path(get, path = "/trades/{id}/receipt", tag = "trades", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = SignedReceipt), (status = 404, description = "no such trade, or not a party to it"),
              (status = 409, description = "the trade has not ended")))]
pub async fn receipt(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SignedReceipt>> {
    Ok(Json(crate::receipts::receipt(&state, id, caller).await?))
}
