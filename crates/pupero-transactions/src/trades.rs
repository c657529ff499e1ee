//! Trades: opening one (escrow in the same transaction), and applying the state machine
//! of `pupero_core::trade` to it with guarded updates, so concurrent clicks move money
//! exactly once.

use axum::http::StatusCode;
use pupero_http::ErrorCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter,
};

use pupero_api::internal::login::{TotpCheck, TotpChecked};
use pupero_api::offers::OfferView;
pub use pupero_api::trades::{DisputeView, TradeRole, TradeView};
use pupero_core::trade::{self, Action, Actor, Refusal, Settlement, Step, TradeFacts, TradeState};
use pupero_core::{Cents, OfferSide, OfferStatus, Piconero, Role};
use pupero_db::{is_retryable, is_unique_violation, now_ms, write_tx};
use pupero_http::{ApiError, ApiResult, AuthUser, rfc3339};

use crate::TransactionsState;
use crate::audit;
use crate::entity::trade as trade_row;
use crate::ledger::{self, Account, Entry, LedgerError, Move, PlatformAccount, UserAccount};

const ATTEMPTS: usize = 5;

/// How many trades may be open at once, against escrow griefing: a taker needs no funds to
/// take a sell offer, yet each trade locks the seller's XMR for the payment window.
#[derive(Debug, Clone, Copy)]
pub struct OpenTradeCaps {
    /// Per taker (`MAX_OPEN_TRADES_PER_TAKER`).
    pub per_taker: u64,
    /// Per taker with fewer than `new_taker_completed_trades` completed trades
    /// (`MAX_OPEN_TRADES_NEW_TAKER`).
    pub new_taker: u64,
    pub new_taker_completed_trades: u64,
    /// Per offer (`MAX_OPEN_TRADES_PER_OFFER`).
    pub per_offer: u64,
}

/// Who is acting on a trade.
#[derive(Debug, Clone, Copy)]
pub enum Caller {
    User(AuthUser),
    /// The platform (the expiry worker).
    System,
}

/// How a caller stands to a trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Party(Actor),
    /// A moderator (or admin) on a trade that has been disputed.
    Moderator,
    /// An admin looking at a trade without a dispute: may read, may not act.
    Observer,
}

pub fn access(t: &trade_row::Model, caller: AuthUser) -> Option<Access> {
    if caller.id == t.buyer_id {
        Some(Access::Party(Actor::Buyer))
    } else if caller.id == t.seller_id {
        Some(Access::Party(Actor::Seller))
    } else if caller.role.is_at_least(Role::Moderator) && t.disputed_at_ms.is_some() {
        Some(Access::Moderator)
    } else if caller.role == Role::Admin {
        Some(Access::Observer)
    } else {
        None
    }
}

/// Like [`access`], but a caller who sees the trade only as staff (not a party) must hold
/// that role now: a demoted or disabled moderator's old token reads no dispute.
pub async fn current_access(
    state: &TransactionsState,
    t: &trade_row::Model,
    caller: AuthUser,
) -> ApiResult<Option<Access>> {
    match access(t, caller) {
        Some(Access::Party(a)) => Ok(Some(Access::Party(a))),
        Some(_) => {
            let now = state.authority.staff(caller, Role::Moderator).await?;
            Ok(access(t, now))
        }
        None => Ok(None),
    }
}

fn actor_for(access: Access) -> Option<Actor> {
    match access {
        Access::Party(a) => Some(a),
        Access::Moderator => Some(Actor::Moderator),
        Access::Observer => None,
    }
}

pub fn facts(t: &trade_row::Model) -> TradeFacts {
    TradeFacts {
        state: t.state.parse().unwrap_or(TradeState::Cancelled),
        buyer_wants_cancel: t.buyer_wants_cancel,
        seller_wants_cancel: t.seller_wants_cancel,
    }
}

/// The trade as `access` sees it; an offer side this version does not know is an error.
pub fn view(t: &trade_row::Model, access: Access) -> ApiResult<TradeView> {
    let f = facts(t);
    let allowed = actor_for(access)
        .map(|a| trade::allowed_actions(f, a).into_iter().collect())
        .unwrap_or_default();
    let pico = |v: i64| Piconero::new(v).unwrap_or_default();
    let ts = |v: Option<i64>| v.map(rfc3339);
    Ok(TradeView {
        id: t.id,
        offer_id: t.offer_id,
        state: f.state,
        seller_id: t.seller_id,
        buyer_id: t.buyer_id,
        maker_id: t.maker_id,
        taker_id: t.taker_id,
        offer_side: t.side.parse().map_err(ApiError::internal)?,
        amount: pico(t.amount),
        fee: pico(t.fee),
        currency: t.currency.clone(),
        price: Cents(t.price_cents).to_string(),
        fiat_total: Cents(t.fiat_total_cents).to_string(),
        payment_method: t.payment_method.clone(),
        payment_window_minutes: t.payment_window_minutes,
        terms: t.terms.clone(),
        payment_deadline: rfc3339(t.payment_deadline_ms),
        created_at: rfc3339(t.created_at_ms),
        paid_at: ts(t.paid_at_ms),
        completed_at: ts(t.completed_at_ms),
        cancelled_at: ts(t.cancelled_at_ms),
        cancel_reason: t.cancel_reason.clone(),
        buyer_wants_cancel: t.buyer_wants_cancel,
        seller_wants_cancel: t.seller_wants_cancel,
        dispute: t.disputed_at_ms.map(|at| DisputeView {
            opened_by: t.dispute_opened_by,
            opened_at: Some(rfc3339(at)),
            statement: t.dispute_statement.clone(),
            resolution: t.resolution.clone(),
            resolved_by: t.resolved_by,
            reason: t.resolution_reason.clone(),
        }),
        your_role: match access {
            Access::Party(Actor::Buyer) => TradeRole::Buyer,
            Access::Party(_) => TradeRole::Seller,
            Access::Moderator => TradeRole::Moderator,
            Access::Observer => TradeRole::Observer,
        },
        allowed_actions: allowed,
    })
}

fn insufficient(caller_is_seller: bool) -> ApiError {
    let message = if caller_is_seller {
        "your available balance does not cover this amount"
    } else {
        "the seller's available balance does not cover this amount right now"
    };
    ApiError::conflict(ErrorCode::InsufficientFunds, message).with_field("amount")
}

/// The answer when the offer's price is no longer the one the taker saw: nothing opens,
/// and the current terms come back so a client can show what changed.
fn offer_changed(offer: &OfferView, seen: Cents) -> ApiError {
    ApiError::conflict(
        ErrorCode::OfferChanged,
        format!(
            "the price of this offer changed from {seen} to {} {} per XMR since you saw it; nothing was opened. Check the current terms and try again",
            offer.price, offer.currency
        ),
    )
    .with_field("price")
    .with_extra("price", offer.price.clone())
    .with_extra("currency", offer.currency.clone())
    .with_extra("min_amount", offer.min_amount.to_string())
    .with_extra("max_amount", offer.max_amount.to_string())
    .with_extra("payment_method", offer.payment_method.clone())
    .with_extra(
        "payment_window_minutes",
        offer.payment_window_minutes.to_string(),
    )
    .with_extra("status", offer.status.to_string())
}

/// Checks the open-trade caps. Runs inside the opening transaction, after both parties'
/// rows are locked: every open by this taker, and every open on this offer (they all lock
/// its maker), waits for the one before it, so concurrent opens cannot pass the caps together.
async fn check_caps(
    tx: &impl ConnectionTrait,
    caps: OpenTradeCaps,
    taker_id: i64,
    offer_id: i64,
) -> Result<Result<(), ApiError>, DbErr> {
    let open_on_offer = trade_row::Entity::find()
        .filter(trade_row::Column::OfferId.eq(offer_id))
        .filter(trade_row::Column::State.is_in(crate::trading_accounts::open_states()))
        .count(tx)
        .await?;
    if open_on_offer >= caps.per_offer {
        return Ok(Err(ApiError::conflict(
            ErrorCode::OfferTradeLimit,
            format!(
                "this offer already has {open_on_offer} open trades, its limit (MAX_OPEN_TRADES_PER_OFFER = {}); try again when one finishes",
                caps.per_offer
            ),
        )
        .with_extra("limit", caps.per_offer.to_string())));
    }
    let open_as_taker = trade_row::Entity::find()
        .filter(trade_row::Column::TakerId.eq(taker_id))
        .filter(trade_row::Column::State.is_in(crate::trading_accounts::open_states()))
        .count(tx)
        .await?;
    let limit = if open_as_taker < caps.new_taker.min(caps.per_taker) {
        return Ok(Ok(()));
    } else if open_as_taker >= caps.per_taker {
        caps.per_taker
    } else {
        let completed = trade_row::Entity::find()
            .filter(
                Condition::any()
                    .add(trade_row::Column::SellerId.eq(taker_id))
                    .add(trade_row::Column::BuyerId.eq(taker_id)),
            )
            .filter(trade_row::Column::State.eq(TradeState::Completed.as_str()))
            .count(tx)
            .await?;
        if completed >= caps.new_taker_completed_trades {
            return Ok(Ok(()));
        }
        caps.new_taker
    };
    let message = if limit == caps.per_taker {
        format!(
            "you already have {open_as_taker} open trades you started; the limit is {limit} (MAX_OPEN_TRADES_PER_TAKER). Finish one first"
        )
    } else {
        format!(
            "you already have {open_as_taker} open trades you started; until you have completed {} trades the limit is {limit} (MAX_OPEN_TRADES_NEW_TAKER). Finish one first",
            caps.new_taker_completed_trades
        )
    };
    Ok(Err(ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::OpenTradeLimit,
        message,
    )
    .with_extra("limit", limit.to_string())))
}

/// Opens a trade on an offer and moves the seller's XMR into escrow, atomically.
/// `seen_price` is the price the taker was shown: if the offer's price differs now, nothing
/// opens (409 `offer_changed`). With an idempotency key, repeating the request returns the
/// trade it opened.
pub async fn open(
    state: &TransactionsState,
    caller: AuthUser,
    offer_id: i64,
    amount: Piconero,
    seen_price: Cents,
    open_key: Option<String>,
) -> ApiResult<(StatusCode, TradeView)> {
    if let Some(existing) = find_by_open_key(&state.db, caller.id, open_key.as_deref()).await? {
        return replay(&existing, caller.id, offer_id, amount, seen_price);
    }
    crate::accounts::ensure_active(state, caller).await?;
    let offer: OfferView = state
        .offers
        .get(&format!("/internal/offers/{offer_id}"))
        .await?;
    if offer.status != OfferStatus::Open {
        return Err(ApiError::conflict(
            ErrorCode::OfferNotOpen,
            format!("this offer is {}", offer.status),
        ));
    }
    if offer.owner_id == caller.id {
        return Err(ApiError::conflict(
            ErrorCode::SelfTrade,
            "you cannot trade with your own offer",
        ));
    }
    let price = Cents::parse_positive(&offer.price).map_err(ApiError::internal)?;
    if price != seen_price {
        return Err(offer_changed(&offer, seen_price));
    }
    // A disabled or deleted maker's offer is not takeable, even if the offers service has
    // not heard of it yet (issue 9 item 10).
    match crate::accounts::facts(state, offer.owner_id).await? {
        Some(f) if !f.disabled && !f.deleted => {}
        _ => {
            return Err(ApiError::conflict(
                ErrorCode::OfferNotOpen,
                "this offer is no longer available",
            ));
        }
    }
    if amount < offer.min_amount || amount > offer.max_amount {
        return Err(ApiError::invalid(
            "amount",
            format!(
                "amount must be between {} and {} XMR for this offer",
                offer.min_amount, offer.max_amount
            ),
        ));
    }
    let (seller_id, buyer_id) = match offer.side {
        OfferSide::Sell => (offer.owner_id, caller.id),
        OfferSide::Buy => (caller.id, offer.owner_id),
    };
    ledger::ensure_accounts(
        &state.db,
        &ledger::accounts_of(&[escrow_move(seller_id, amount)]),
    )
    .await?;
    let parties = [offer.owner_id, caller.id];
    crate::trading_accounts::ensure(&state.db, &parties).await?;
    let now = now_ms();
    let row = trade_row::ActiveModel {
        offer_id: Set(offer.id),
        open_key: Set(open_key.clone()),
        maker_id: Set(offer.owner_id),
        taker_id: Set(caller.id),
        seller_id: Set(seller_id),
        buyer_id: Set(buyer_id),
        side: Set(offer.side.as_str().to_owned()),
        currency: Set(offer.currency.clone()),
        price_cents: Set(price.0),
        amount: Set(amount.as_i64()),
        fee: Set(amount.basis_points(state.fee_bps).as_i64()),
        fiat_total_cents: Set(Cents::total(amount, price).0),
        payment_method: Set(offer.payment_method.clone()),
        payment_window_minutes: Set(offer.payment_window_minutes),
        terms: Set(offer.terms.clone()),
        state: Set(TradeState::AwaitingPayment.as_str().to_owned()),
        buyer_wants_cancel: Set(false),
        seller_wants_cancel: Set(false),
        payment_deadline_ms: Set(now + i64::from(offer.payment_window_minutes) * 60_000),
        created_at_ms: Set(now),
        updated_at_ms: Set(now),
        ..Default::default()
    };
    for attempt in 1..=ATTEMPTS {
        let tx = write_tx(&state.db).await?;
        // First statement: both parties' rows, so a concurrent account closing or open
        // waits for this one (or this one for it), and the counts below are current.
        match crate::trading_accounts::lock_for_trade(&tx, &parties).await {
            Ok(None) => {}
            Ok(Some(closed)) => {
                return Err(crate::trading_accounts::closed_party(closed, caller.id));
            }
            Err(e) if is_retryable(&e) && attempt < ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
        }
        match check_caps(&tx, state.caps, caller.id, offer.id).await {
            Ok(Ok(())) => {}
            Ok(Err(refused)) => return Err(refused),
            Err(e) if is_retryable(&e) && attempt < ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
        }
        let inserted = trade_row::Entity::insert(row.clone()).exec(&tx).await;
        let id = match inserted {
            Ok(r) => r.last_insert_id,
            Err(e) if is_unique_violation(&e) => {
                drop(tx);
                // The same idempotency key won a race a moment ago.
                if let Some(existing) =
                    find_by_open_key(&state.db, caller.id, open_key.as_deref()).await?
                {
                    return replay(&existing, caller.id, offer_id, amount, seen_price);
                }
                return Err(e.into());
            }
            Err(e) if is_retryable(&e) && attempt < ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
        };
        let entry = Entry {
            kind: "trade_open",
            reference: format!("trade:{id}"),
            memo: format!("escrow for trade {id}"),
            actor_id: Some(caller.id),
        };
        match ledger::post(&tx, entry, &[escrow_move(seller_id, amount)]).await {
            Ok(_) => {}
            Err(LedgerError::InsufficientFunds(_)) => {
                return Err(insufficient(seller_id == caller.id));
            }
            Err(LedgerError::Db(e)) if is_retryable(&e) && attempt < ATTEMPTS => continue,
            Err(e) => return Err(ledger_error(e)),
        }
        match tx.commit().await {
            Ok(()) => {}
            Err(e) if is_retryable(&e) && attempt < ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
        }
        let t = load(&state.db, id).await?;
        tracing::info!(trade_id = id, seller_id, buyer_id, amount = %amount, "trade opened");
        return Ok((
            StatusCode::CREATED,
            view(&t, Access::Party(party_of(&t, caller.id)))?,
        ));
    }
    Err(ApiError::unavailable("the database is busy; try again"))
}

/// The answer to a repeated idempotency key: the trade it opened, if this is the same
/// request (offer, amount and the price seen, which the trade keeps); else 422, because
/// answering with a trade the caller did not ask for would hide their mistake.
fn replay(
    existing: &trade_row::Model,
    taker_id: i64,
    offer_id: i64,
    amount: Piconero,
    seen_price: Cents,
) -> ApiResult<(StatusCode, TradeView)> {
    if existing.offer_id != offer_id
        || existing.amount != amount.as_i64()
        || existing.price_cents != seen_price.0
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::IdempotencyKeyReused,
            "this Idempotency-Key was already used to open a different trade; use a new key for a new request",
        )
        .with_field("Idempotency-Key"));
    }
    Ok((
        StatusCode::OK,
        view(existing, Access::Party(party_of(existing, taker_id)))?,
    ))
}

fn party_of(t: &trade_row::Model, user_id: i64) -> Actor {
    if user_id == t.buyer_id {
        Actor::Buyer
    } else {
        Actor::Seller
    }
}

async fn find_by_open_key(
    db: &impl ConnectionTrait,
    taker_id: i64,
    key: Option<&str>,
) -> Result<Option<trade_row::Model>, DbErr> {
    let Some(key) = key else { return Ok(None) };
    trade_row::Entity::find()
        .filter(trade_row::Column::TakerId.eq(taker_id))
        .filter(trade_row::Column::OpenKey.eq(key))
        .one(db)
        .await
}

pub async fn load(db: &impl ConnectionTrait, id: i64) -> ApiResult<trade_row::Model> {
    trade_row::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("no such trade"))
}

/// What a step needs besides the action.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    pub totp: Option<String>,
    pub statement: Option<String>,
    pub reason: Option<String>,
}

fn refusal(r: Refusal) -> ApiError {
    match r {
        Refusal::NotYourStep { .. } => ApiError::forbidden(r.to_string()),
        Refusal::WrongState(_) => ApiError::conflict(ErrorCode::InvalidTransition, r.to_string()),
    }
}

fn ledger_error(e: LedgerError) -> ApiError {
    match e {
        LedgerError::Db(db) => db.into(),
        // Escrow always covers its own settlement; reaching this is a bug worth a 500.
        other => ApiError::internal(other),
    }
}

/// Applies `action` to a trade for `caller`, idempotently: a repeat of a step already
/// taken answers with the trade as it is. The state guard in the UPDATE makes one of
/// several concurrent steps win; the others see the new state and answer accordingly.
pub async fn act(
    state: &TransactionsState,
    trade_id: i64,
    caller: Caller,
    action: Action,
    input: ActionInput,
) -> ApiResult<Option<TradeView>> {
    let current = load(&state.db, trade_id).await?;
    let (access, actor) = match caller {
        Caller::System => (None, Actor::System),
        Caller::User(user) => {
            let access =
                access(&current, user).ok_or_else(|| ApiError::not_found("no such trade"))?;
            let actor = actor_for(access).ok_or_else(|| {
                ApiError::forbidden("you may look at this trade but not act on it")
            })?;
            crate::accounts::ensure_active(state, user).await?;
            (Some(access), actor)
        }
    };
    let first = trade::step(facts(&current), action, actor).map_err(refusal)?;
    if let (Step::Move { .. }, Action::Release) = (first, action) {
        // Releasing money needs a fresh code from a seller who has 2FA (checked by login,
        // which also spends the code's time step).
        let _: TotpChecked = state
            .login
            .post(
                "/internal/totp/verify",
                &TotpCheck {
                    user_id: current.seller_id,
                    code: input.totp.clone(),
                },
            )
            .await?;
    }
    if action == Action::Dispute {
        let statement = input
            .statement
            .as_deref()
            .map(str::trim)
            .unwrap_or_default();
        if statement.is_empty() || statement.chars().count() > 2000 {
            return Err(ApiError::invalid(
                "statement",
                "a statement of 1 to 2000 characters is required",
            ));
        }
    }
    if matches!(action, Action::ResolveForBuyer | Action::ResolveForSeller) {
        let reason = input.reason.as_deref().map(str::trim).unwrap_or_default();
        if reason.is_empty() || reason.chars().count() > 2000 {
            return Err(ApiError::invalid(
                "reason",
                "a reason of 1 to 2000 characters is required",
            ));
        }
        // Deciding a dispute moves the escrow: a moderator with 2FA gives a fresh code.
        if let (Step::Move { .. }, Caller::User(moderator)) = (first, caller) {
            crate::accounts::second_factor(state, moderator.id, input.totp.as_deref()).await?;
        }
    }

    let actor_id = match caller {
        Caller::User(u) => Some(u.id),
        Caller::System => None,
    };
    if let Step::Move { settlement, .. } = first
        && let Some((_, moves)) = settlement_moves(&current, settlement)?
    {
        ledger::ensure_accounts(&state.db, &ledger::accounts_of(&moves)).await?;
    }
    for attempt in 1..=ATTEMPTS {
        match apply(state, trade_id, actor, actor_id, action, &input).await {
            Err(Failure::Retry) if attempt < ATTEMPTS => continue,
            Err(Failure::Retry) => {
                return Err(ApiError::unavailable("the database is busy; try again"));
            }
            Err(Failure::Api(e)) => return Err(e),
            Ok(t) => return access.map(|a| view(&t, a)).transpose(),
        }
    }
    Err(ApiError::unavailable("the database is busy; try again"))
}

enum Failure {
    Retry,
    Api(ApiError),
}

impl From<DbErr> for Failure {
    fn from(e: DbErr) -> Self {
        if is_retryable(&e) {
            Failure::Retry
        } else {
            Failure::Api(e.into())
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

async fn apply(
    state: &TransactionsState,
    trade_id: i64,
    actor: Actor,
    actor_id: Option<i64>,
    action: Action,
    input: &ActionInput,
) -> Result<trade_row::Model, Failure> {
    let tx = write_tx(&state.db).await?;
    let t = trade_row::Entity::find_by_id(trade_id)
        .one(&tx)
        .await?
        .ok_or_else(|| ApiError::not_found("no such trade"))?;
    let from = facts(&t).state;
    let now = now_ms();
    let taken = trade::step(facts(&t), action, actor).map_err(refusal)?;
    let after = facts(&t).after(taken, actor);
    match taken {
        Step::AlreadyDone => return Ok(t),
        Step::VoteCancel => {
            let column = if actor == Actor::Buyer {
                trade_row::Column::BuyerWantsCancel
            } else {
                trade_row::Column::SellerWantsCancel
            };
            let changed = trade_row::Entity::update_many()
                .col_expr(column, Expr::value(true))
                .col_expr(trade_row::Column::UpdatedAtMs, Expr::value(now))
                .filter(trade_row::Column::Id.eq(trade_id))
                .filter(trade_row::Column::State.eq(from.as_str()))
                .exec(&tx)
                .await?;
            if changed.rows_affected != 1 {
                return Err(Failure::Retry);
            }
        }
        Step::Move { next, settlement } => {
            let mut update = trade_row::Entity::update_many()
                .col_expr(trade_row::Column::State, Expr::value(next.as_str()))
                .col_expr(
                    trade_row::Column::BuyerWantsCancel,
                    Expr::value(after.buyer_wants_cancel),
                )
                .col_expr(
                    trade_row::Column::SellerWantsCancel,
                    Expr::value(after.seller_wants_cancel),
                )
                .col_expr(trade_row::Column::UpdatedAtMs, Expr::value(now))
                .filter(trade_row::Column::Id.eq(trade_id))
                .filter(trade_row::Column::State.eq(from.as_str()));
            match (action, next) {
                (Action::MarkPaid, _) => {
                    update = update.col_expr(trade_row::Column::PaidAtMs, Expr::value(now))
                }
                (_, TradeState::Completed) => {
                    update = update.col_expr(trade_row::Column::CompletedAtMs, Expr::value(now));
                }
                (_, TradeState::Cancelled) => {
                    let reason = match action {
                        Action::Cancel => "buyer_cancelled",
                        Action::Expire => "expired",
                        Action::MutualCancel => "mutual",
                        _ => "dispute",
                    };
                    update = update
                        .col_expr(trade_row::Column::CancelledAtMs, Expr::value(now))
                        .col_expr(trade_row::Column::CancelReason, Expr::value(reason));
                }
                (_, TradeState::Disputed) => {
                    update = update
                        .col_expr(trade_row::Column::DisputedAtMs, Expr::value(now))
                        .col_expr(trade_row::Column::DisputeOpenedBy, Expr::value(actor_id))
                        .col_expr(
                            trade_row::Column::DisputeStatement,
                            Expr::value(
                                input
                                    .statement
                                    .as_deref()
                                    .map(str::trim)
                                    .unwrap_or_default(),
                            ),
                        );
                }
                _ => {}
            }
            if matches!(action, Action::ResolveForBuyer | Action::ResolveForSeller) {
                let outcome = if action == Action::ResolveForBuyer {
                    "buyer"
                } else {
                    "seller"
                };
                update = update
                    .col_expr(trade_row::Column::Resolution, Expr::value(outcome))
                    .col_expr(trade_row::Column::ResolvedBy, Expr::value(actor_id))
                    .col_expr(
                        trade_row::Column::ResolutionReason,
                        Expr::value(input.reason.as_deref().map(str::trim).unwrap_or_default()),
                    );
            }
            if update.exec(&tx).await?.rows_affected != 1 {
                // Someone else moved it first; look again with the new state.
                return Err(Failure::Retry);
            }
            settle(&tx, &t, settlement, action, actor_id).await?;
            if let (Some(moderator), Action::ResolveForBuyer | Action::ResolveForSeller) =
                (actor_id, action)
            {
                audit::record(
                    &tx,
                    moderator,
                    action.as_str(),
                    format!("trade:{trade_id}"),
                    input.reason.clone().unwrap_or_default(),
                )
                .await?;
            }
        }
    }
    let updated = trade_row::Entity::find_by_id(trade_id)
        .one(&tx)
        .await?
        .ok_or_else(|| ApiError::not_found("no such trade"))?;
    tx.commit().await?;
    Ok(updated)
}

/// The ledger moves of a settlement: where the escrow goes. Pure, so the property tests
/// drive exactly what the service posts.
pub fn settlement_moves(
    t: &trade_row::Model,
    settlement: Settlement,
) -> Result<Option<(&'static str, Vec<Move>)>, ApiError> {
    let amount = Piconero::new(t.amount).map_err(ApiError::internal)?;
    let fee = Piconero::new(t.fee).map_err(ApiError::internal)?;
    let escrow = Account::User(t.seller_id, UserAccount::Escrow);
    Ok(match settlement {
        Settlement::Hold => None,
        Settlement::ReturnToSeller => Some((
            "trade_refund",
            vec![Move::new(
                escrow,
                Account::User(t.seller_id, UserAccount::Available),
                amount,
            )],
        )),
        Settlement::PayBuyer => {
            let to_buyer = amount
                .checked_sub(fee)
                .ok_or_else(|| ApiError::internal("fee above amount"))?;
            Some((
                "trade_release",
                vec![
                    Move::new(
                        escrow,
                        Account::User(t.buyer_id, UserAccount::Available),
                        to_buyer,
                    ),
                    Move::new(escrow, Account::Platform(PlatformAccount::Fees), fee),
                ],
            ))
        }
    })
}

/// The moves that open a trade: the seller's XMR into escrow.
pub fn escrow_move(seller_id: i64, amount: Piconero) -> Move {
    Move::new(
        Account::User(seller_id, UserAccount::Available),
        Account::User(seller_id, UserAccount::Escrow),
        amount,
    )
}

/// The ledger side of a step.
async fn settle(
    tx: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    t: &trade_row::Model,
    settlement: Settlement,
    action: Action,
    actor_id: Option<i64>,
) -> Result<(), Failure> {
    let Some((kind, moves)) = settlement_moves(t, settlement)? else {
        return Ok(());
    };
    let entry = Entry {
        kind,
        reference: format!("trade:{}", t.id),
        memo: format!("{} of trade {}", action.as_str(), t.id),
        actor_id,
    };
    match ledger::post(tx, entry, &moves).await {
        Ok(_) => Ok(()),
        Err(LedgerError::Db(e)) => Err(e.into()),
        Err(e) => Err(Failure::Api(ledger_error(e))),
    }
}
