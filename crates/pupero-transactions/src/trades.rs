//! Trades: opening one (escrow in the same transaction), and applying the state machine
//! of `pupero_core::trade` to it with guarded updates, so concurrent clicks move money
//! exactly once. The SQL is in `store::trades`; the caps and who sells in `trade_rules`.

use sea_orm::DbErr;

use pupero_api::offers::OfferView;
pub use pupero_api::trades::{DisputeView, TradeRole, TradeView};
use pupero_core::trade::{self, Action, Actor, Refusal, Settlement, Step, TradeFacts, TradeState};
use pupero_core::{AmountError, Cents, EntryKind, FiatError, OfferStatus, Piconero, Role};
use pupero_db::{Retryable, is_unique_violation, now_ms, with_retry};
use pupero_http::{AuthUser, IdempotencyKey, SecurityEvent, rfc3339};

use crate::TransactionsState;
use crate::accounts::{self, Upstream};
use crate::entity::trade as trade_row;
use crate::group_commit::GroupCommit;
use crate::ledger::{self, Account, Entry, LedgerError, Move, PlatformAccount, UserAccount};
use crate::notifications;
use crate::store::audit;
use crate::store::trades::{self as store, NewTrade};
use crate::trade_rules::{self, TakerCap};
use crate::trading_accounts;
use pupero_core::{AuditAction, BuyerShare, CancelReason, Resolution};

pub use crate::trade_rules::OpenTradeCaps;

/// Why a trade did not open or a step was not taken.
#[derive(Debug, thiserror::Error)]
pub enum TradeError {
    #[error("no such trade")]
    NotFound,
    #[error("you may look at this trade but not act on it")]
    ObserverOnly,
    /// The state machine's refusal: not the caller's step, or not in this state.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A field of the request breaks a rule.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("{0}")]
    OfferNotOpen(String),
    #[error("you cannot trade with your own offer")]
    SelfTrade,
    #[error("this offer is for traders with at least {needs} completed trades; you have {has}")]
    ReputationTooLow { has: u64, needs: u64 },
    #[error(
        "your first trade with this trader may be at most {limit} XMR; once you have completed one with them, the offer's full range is open to you"
    )]
    FirstTradeLimit { limit: Piconero },
    /// The offer's price is not the one the taker saw: nothing opened.
    #[error(
        "the price of this offer changed from {seen} to {} {} per XMR since you saw it; nothing was opened. Check the current terms and try again",
        offer.price,
        offer.currency
    )]
    OfferChanged { offer: Box<OfferView>, seen: Cents },
    #[error("{}", if *caller_is_seller {
        "your available balance does not cover this amount"
    } else {
        "the seller's available balance does not cover this amount right now"
    })]
    InsufficientFunds { caller_is_seller: bool },
    #[error(
        "this offer already has {open} open trades, its limit (MAX_OPEN_TRADES_PER_OFFER = {limit}); try again when one finishes"
    )]
    OfferTradeLimit { open: u64, limit: u64 },
    /// The taker's cap is reached; `until_completed` names the completed trades that
    /// lift the new-taker cap, when that is the one reached.
    #[error("{}", taker_limit_message(*open, *limit, *until_completed))]
    OpenTradeLimit {
        open: u64,
        limit: u64,
        until_completed: Option<u64>,
    },
    #[error(
        "this Idempotency-Key was already used to open a different trade; use a new key for a new request"
    )]
    KeyReused,
    /// The caller's own account was closed (deleted) meanwhile.
    #[error("the account no longer exists")]
    AccountGone,
    /// A stored or received value no trade can have: a bug or a broken row, not a refusal.
    #[error("trade data out of range: {0}")]
    Corrupt(String),
    /// Someone else moved the trade between reading and writing: look again.
    #[error("the trade changed while this step was taken")]
    Raced,
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Upstream(#[from] Upstream),
    #[error(transparent)]
    Db(#[from] DbErr),
}

fn taker_limit_message(open: u64, limit: u64, until_completed: Option<u64>) -> String {
    match until_completed {
        Some(n) => format!(
            "you already have {open} open trades you started; until you have completed {n} trades the limit is {limit} (MAX_OPEN_TRADES_NEW_TAKER). Finish one first"
        ),
        None => format!(
            "you already have {open} open trades you started; the limit is {limit} (MAX_OPEN_TRADES_PER_TAKER). Finish one first"
        ),
    }
}

impl TradeError {
    /// The limit a cap refusal names.
    pub fn limit(&self) -> Option<u64> {
        match self {
            TradeError::OfferTradeLimit { limit, .. }
            | TradeError::OpenTradeLimit { limit, .. } => Some(*limit),
            _ => None,
        }
    }
}

impl Retryable for TradeError {
    fn is_retryable(&self) -> bool {
        match self {
            TradeError::Raced => true,
            TradeError::Db(e) | TradeError::Ledger(LedgerError::Db(e)) => e.is_retryable(),
            _ => false,
        }
    }
}

impl From<AmountError> for TradeError {
    fn from(e: AmountError) -> Self {
        TradeError::Corrupt(e.to_string())
    }
}

impl From<FiatError> for TradeError {
    fn from(e: FiatError) -> Self {
        TradeError::Corrupt(e.to_string())
    }
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
) -> Result<Option<Access>, Upstream> {
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
        state: t.state,
        buyer_wants_cancel: t.buyer_wants_cancel,
        seller_wants_cancel: t.seller_wants_cancel,
    }
}

/// The trade as `access` sees it; a stored amount out of range is an error.
pub fn view(t: &trade_row::Model, access: Access) -> Result<TradeView, TradeError> {
    let f = facts(t);
    let allowed = actor_for(access)
        .map(|a| trade::allowed_actions(f, a).into_iter().collect())
        .unwrap_or_default();
    let ts = |v: Option<i64>| v.map(rfc3339);
    Ok(TradeView {
        id: t.id,
        offer_id: t.offer_id,
        state: t.state,
        seller_id: t.seller_id,
        buyer_id: t.buyer_id,
        maker_id: t.maker_id,
        taker_id: t.taker_id,
        offer_side: t.side,
        amount: Piconero::new(t.amount)?,
        fee: Piconero::new(t.fee)?,
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
        cancel_reason: t.cancel_reason,
        buyer_wants_cancel: t.buyer_wants_cancel,
        seller_wants_cancel: t.seller_wants_cancel,
        dispute: t.disputed_at_ms.map(|at| DisputeView {
            opened_by: t.dispute_opened_by,
            opened_at: Some(rfc3339(at)),
            statement: t.dispute_statement.clone(),
            resolution: t.resolution,
            resolved_by: t.resolved_by,
            reason: t.resolution_reason.clone(),
            reason_code: t.resolution_code,
            buyer_share_bps: t.buyer_share_bps.and_then(|b| u32::try_from(b).ok()),
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

/// The trades a caller may see among `rows`, as they see them.
pub fn views_for(
    rows: &[trade_row::Model],
    caller: AuthUser,
) -> Result<Vec<TradeView>, TradeError> {
    rows.iter()
        .filter_map(|t| access(t, caller).map(|a| view(t, a)))
        .collect()
}

pub async fn load(
    db: &impl sea_orm::ConnectionTrait,
    id: i64,
) -> Result<trade_row::Model, TradeError> {
    store::find(db, id).await?.ok_or(TradeError::NotFound)
}

/// Checks the open-trade caps. Runs inside the opening transaction, after both parties'
/// rows are locked: every open by this taker, and every open on this offer (they all lock
/// its maker), waits for the one before it, so concurrent opens cannot pass the caps together.
async fn check_caps(
    tx: &impl sea_orm::ConnectionTrait,
    caps: OpenTradeCaps,
    taker_id: i64,
    offer_id: i64,
) -> Result<(), TradeError> {
    let (open_on_offer, open) =
        store::count_open_on_offer_and_as_taker(tx, offer_id, taker_id).await?;
    if !trade_rules::offer_has_room(caps, open_on_offer) {
        return Err(TradeError::OfferTradeLimit {
            open: open_on_offer,
            limit: caps.per_offer,
        });
    }
    let mut cap = trade_rules::taker_cap(caps, open, None);
    if cap == TakerCap::NeedsHistory {
        let completed = crate::records::completed_of(tx, taker_id).await?;
        cap = trade_rules::taker_cap(caps, open, Some(completed));
    }
    match cap {
        TakerCap::Within | TakerCap::NeedsHistory => Ok(()),
        TakerCap::PerTaker(limit) => Err(TradeError::OpenTradeLimit {
            open,
            limit,
            until_completed: None,
        }),
        TakerCap::NewTaker(limit) => Err(TradeError::OpenTradeLimit {
            open,
            limit,
            until_completed: Some(caps.new_taker_completed_trades),
        }),
    }
}

/// A trade that [`open`] answers with.
#[derive(Debug)]
pub enum Opened {
    /// Opened by this request.
    New(TradeView),
    /// Opened before with the same idempotency key.
    Existing(TradeView),
}

/// What a taker asks to open.
#[derive(Debug, Clone)]
pub struct OpenRequest {
    pub offer_id: i64,
    pub amount: Piconero,
    /// The price the taker was shown.
    pub seen_price: Cents,
    pub key: Option<IdempotencyKey>,
}

/// Opens a trade on an offer and moves the seller's XMR into escrow, atomically.
/// `seen_price` is the price the taker was shown: if the offer's price differs now, nothing
/// opens (`OfferChanged`). With an idempotency key, repeating the request returns the
/// trade it opened.
#[tracing::instrument(skip_all, fields(user_id = caller.id, offer_id = req.offer_id, trade_id), err(level = "debug"))]
pub async fn open(
    state: &TransactionsState,
    caller: AuthUser,
    req: OpenRequest,
) -> Result<Opened, TradeError> {
    let key = req.key.as_ref().map(IdempotencyKey::as_str);
    if let Some(key) = key
        && let Some(existing) = store::find_by_open_key(&state.db, caller.id, key).await?
    {
        return replay(&existing, caller.id, &req);
    }
    // A trade ban stops new trades; the trades already open run on (see `act`). Both
    // asked at once: neither answer depends on the other.
    let offer_path = format!("/internal/offers/{}?taker_id={}", req.offer_id, caller.id);
    let (permitted, offer) = tokio::join!(
        accounts::ensure_permitted(state, caller, pupero_core::Privilege::Trade),
        state.offers.get::<OfferView>(&offer_path)
    );
    permitted?;
    let offer = offer.map_err(Upstream)?;
    let side = offer.side;
    if offer.status != OfferStatus::Open {
        return Err(TradeError::OfferNotOpen(format!(
            "this offer is {}",
            offer.status
        )));
    }
    if offer.owner_id == caller.id {
        return Err(TradeError::SelfTrade);
    }
    let price = Cents::parse_positive(&offer.price)?;
    if price != req.seen_price {
        return Err(TradeError::OfferChanged {
            offer: Box::new(offer),
            seen: req.seen_price,
        });
    }
    // A disabled or deleted maker's offer is not takeable, even if the offers service has
    // not heard of it yet (issue 9 item 10); nor is a trade-banned, suspended or banned
    // maker's (issue 14).
    let now = pupero_db::now_ms();
    match accounts::facts(state, offer.owner_id).await? {
        Some(f)
            if !f.disabled
                && !f.deleted
                && f.restriction(pupero_core::Privilege::Trade, now).is_none() => {}
        _ => {
            return Err(TradeError::OfferNotOpen(
                "this offer is no longer available".into(),
            ));
        }
    }
    let amount = req.amount;
    if amount < offer.min_amount || amount > offer.max_amount {
        return Err(TradeError::Invalid {
            field: "amount",
            message: format!(
                "amount must be between {} and {} XMR for this offer",
                offer.min_amount, offer.max_amount
            ),
        });
    }
    check_taker_conditions(state, &offer, caller.id, amount).await?;
    let (seller_id, buyer_id) = trade_rules::seller_and_buyer(side, offer.owner_id, caller.id);
    ledger::ensure_known_accounts(
        &state.db,
        &state.account_ids,
        &ledger::accounts_of(&[escrow_move(seller_id, amount)]),
    )
    .await?;
    let parties = [offer.owner_id, caller.id];
    trading_accounts::ensure_known(&state.db, &state.known_traders, &parties).await?;
    let new = NewTrade {
        offer_id: offer.id,
        open_key: key.map(str::to_owned),
        maker_id: offer.owner_id,
        taker_id: caller.id,
        seller_id,
        buyer_id,
        side,
        currency: offer.currency.clone(),
        price_cents: price.0,
        amount: amount.as_i64(),
        fee: amount.basis_points(state.fee_bps).as_i64(),
        fiat_total_cents: Cents::total(amount, price).0,
        payment_method: offer.payment_method.clone(),
        payment_window_minutes: offer.payment_window_minutes,
        terms: offer.terms.clone(),
        now_ms: now_ms(),
    };
    let (new, parties, caps) = (&new, &parties, state.caps);
    let (ids, writes) = (&*state.account_ids, &state.trade_writes);
    let inserted = with_retry(|| async move {
        let turn = writes.turn().await?;
        match open_in(turn.tx(), ids, caps, new, parties, amount).await {
            Ok(Ok(id)) => {
                turn.commit().await?;
                Ok(Ok(id))
            }
            other => {
                turn.rollback().await?;
                other
            }
        }
    })
    .await?;
    let t = match inserted {
        Ok(t) => t,
        Err(unique) => {
            let existing = match key {
                Some(key) => store::find_by_open_key(&state.db, caller.id, key).await?,
                None => None,
            };
            return match existing {
                Some(existing) => replay(&existing, caller.id, &req),
                None => Err(unique.into()),
            };
        }
    };
    state.notify_wake.notify_one();
    tracing::Span::current().record("trade_id", t.id);
    tracing::info!(trade_id = t.id, seller_id, buyer_id, amount = %amount, "trade opened");
    Ok(Opened::New(view(
        &t,
        Access::Party(party_of(&t, caller.id)),
    )?))
}

/// The conditions the maker put on takers, from the trades this service keeps: a list of
/// the only amounts allowed, a minimum of completed trades, and a smaller limit for a
/// first trade with the maker. (Blocked and trusted lists are the offers service's, which
/// refuses such a taker before the offer reaches here.)
async fn check_taker_conditions(
    state: &TransactionsState,
    offer: &OfferView,
    taker_id: i64,
    amount: Piconero,
) -> Result<(), TradeError> {
    if !offer.amounts.is_empty() && !offer.amounts.contains(&amount) {
        let allowed: Vec<String> = offer.amounts.iter().map(ToString::to_string).collect();
        return Err(TradeError::Invalid {
            field: "amount",
            message: format!(
                "this offer trades only these amounts: {} XMR",
                allowed.join(", ")
            ),
        });
    }
    let needs = u64::from(offer.min_taker_trades);
    if needs > 0 {
        let has = crate::records::completed_of(&state.db, taker_id).await?;
        if has < needs {
            return Err(TradeError::ReputationTooLow { has, needs });
        }
    }
    if let Some(limit) = offer.first_trade_max_amount
        && amount > limit
        && store::count_completed_between(&state.db, offer.owner_id, taker_id).await? == 0
    {
        return Err(TradeError::FirstTradeLimit { limit });
    }
    Ok(())
}

/// The opening transaction's statements (the caller commits or rolls back). `Ok(Err)`: the
/// idempotency key was used a moment ago by a concurrent open.
async fn open_in(
    tx: &sea_orm::DatabaseTransaction,
    ids: &ledger::AccountIds,
    caps: OpenTradeCaps,
    new: &NewTrade,
    parties: &[i64],
    amount: Piconero,
) -> Result<Result<trade_row::Model, DbErr>, TradeError> {
    // First statement: both parties' rows, so a concurrent account closing or open
    // waits for this one (or this one for it), and the counts below are current.
    if let Some(closed) = trading_accounts::lock_for_trade(tx, parties).await? {
        return Err(if closed == new.taker_id {
            TradeError::AccountGone
        } else {
            TradeError::OfferNotOpen("this offer is no longer available".into())
        });
    }
    check_caps(tx, caps, new.taker_id, new.offer_id).await?;
    let t = match store::insert(tx, new).await {
        Ok(t) => t,
        // The same idempotency key won a race a moment ago.
        Err(e) if is_unique_violation(&e) => return Ok(Err(e)),
        Err(e) => return Err(e.into()),
    };
    let id = t.id;
    let entry = Entry {
        kind: EntryKind::TradeOpen,
        reference: format!("trade:{id}"),
        memo: format!("escrow for trade {id}"),
        actor_id: Some(new.taker_id),
    };
    match ledger::post_known_whole(tx, ids, entry, &[escrow_move(new.seller_id, amount)]).await {
        Err(LedgerError::InsufficientFunds(_)) => {
            return Err(TradeError::InsufficientFunds {
                caller_is_seller: new.seller_id == new.taker_id,
            });
        }
        other => other?,
    };
    let told = notifications::for_trade_opened(id, new.maker_id, new.amount);
    notifications::tell(tx, &[told]).await?;
    Ok(Ok(t))
}

/// The answer to a repeated idempotency key: the trade it opened, if this is the same
/// request (offer, amount and the price seen, which the trade keeps); else `KeyReused`,
/// because answering with a trade the caller did not ask for would hide their mistake.
fn replay(
    existing: &trade_row::Model,
    taker_id: i64,
    req: &OpenRequest,
) -> Result<Opened, TradeError> {
    if existing.offer_id != req.offer_id
        || existing.amount != req.amount.as_i64()
        || existing.price_cents != req.seen_price.0
    {
        return Err(TradeError::KeyReused);
    }
    Ok(Opened::Existing(view(
        existing,
        Access::Party(party_of(existing, taker_id)),
    )?))
}

fn party_of(t: &trade_row::Model, user_id: i64) -> Actor {
    if user_id == t.buyer_id {
        Actor::Buyer
    } else {
        Actor::Seller
    }
}

/// What a step needs besides the action.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    pub totp: Option<String>,
    pub statement: Option<String>,
    pub reason: Option<String>,
    /// A dispute decision's canned reason.
    pub reason_code: Option<pupero_core::ResolutionReason>,
    /// `resolve-split`: the buyer's share.
    pub share: Option<BuyerShare>,
}

/// The resolve actions: a moderator deciding a dispute.
fn is_resolution(action: Action) -> bool {
    matches!(
        action,
        Action::ResolveForBuyer | Action::ResolveForSeller | Action::ResolveSplit
    )
}

fn required_text(text: Option<&str>, field: &'static str, what: &str) -> Result<(), TradeError> {
    let text = text.map(str::trim).unwrap_or_default();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(TradeError::Invalid {
            field,
            message: format!("a {what} of 1 to 2000 characters is required"),
        });
    }
    Ok(())
}

/// Applies `action` to a trade for a party or a moderator, idempotently: a repeat of a
/// step already taken answers with the trade as it is. The state guard in the UPDATE
/// makes one of several concurrent steps win; the others see the new state and answer
/// accordingly.
#[tracing::instrument(skip_all, fields(trade_id = trade_id, user_id = user.id, action = %action), err(level = "debug"))]
pub async fn act(
    state: &TransactionsState,
    trade_id: i64,
    user: AuthUser,
    action: Action,
    input: ActionInput,
) -> Result<TradeView, TradeError> {
    let current = load(&state.db, trade_id).await?;
    let access = access(&current, user).ok_or(TradeError::NotFound)?;
    let actor = actor_for(access).ok_or(TradeError::ObserverOnly)?;
    let standing = accounts::ensure_active(state, user).await?;
    let first = trade::step(facts(&current), action, actor)?;
    if let (Step::Move { .. }, Action::Release) = (first, action) {
        // Releasing money needs a fresh code from a seller who has 2FA (checked by login,
        // which also spends the code's time step).
        let code = input.totp.as_deref();
        if user.id == current.seller_id {
            accounts::second_factor_for(state, user.id, &standing, code).await?;
        } else {
            accounts::second_factor(state, current.seller_id, code).await?;
        }
    }
    if action == Action::Dispute {
        required_text(input.statement.as_deref(), "statement", "statement")?;
    }
    if is_resolution(action) {
        required_text(input.reason.as_deref(), "reason", "reason")?;
        if action == Action::ResolveSplit && input.share.is_none() {
            return Err(TradeError::Invalid {
                field: "buyer_share_bps",
                message: "a split needs the buyer's share in basis points (1 to 9999)".into(),
            });
        }
        // Deciding a dispute moves the escrow: a moderator with 2FA gives a fresh code.
        if let Step::Move { .. } = first {
            accounts::second_factor_for(state, user.id, &standing, input.totp.as_deref()).await?;
        }
    }
    let step = Stepping {
        trade_id: current.id,
        actor,
        actor_id: Some(user.id),
        action,
        input: &input,
        fence: None,
    };
    let (t, moved) = step_with_retries(state, &current, first, &step).await?;
    if moved {
        record_security_event(state, &t, user.id, action);
    }
    view(&t, access)
}

/// Releases and dispute decisions move escrow on someone's word: each is a security event
/// (counted, and logged with who and which trade). Only the call that moved counts.
fn record_security_event(
    state: &TransactionsState,
    t: &trade_row::Model,
    actor_id: i64,
    action: Action,
) {
    let event = match action {
        Action::Release => SecurityEvent::EscrowReleased,
        Action::ResolveForBuyer | Action::ResolveForSeller | Action::ResolveSplit => {
            SecurityEvent::DisputeResolved
        }
        _ => return,
    };
    let detail = format!("trade {} {} ({} piconero)", t.id, action.as_str(), t.amount);
    pupero_http::security::record(
        &state.metrics,
        event,
        Some(t.seller_id),
        Some(actor_id),
        &detail,
    );
}

/// Cancels an unpaid trade whose payment window has passed (the expiry worker, acting as
/// the platform), returning the escrow to the seller.
#[tracing::instrument(skip_all, fields(trade_id = trade_id), err(level = "debug"))]
/// Expires an unpaid trade past its deadline. `fence`: the expiry job's worker lease,
/// checked in the step's transaction, so a replica that lost the lease cannot step it.
pub async fn expire(
    state: &TransactionsState,
    trade_id: i64,
    fence: &pupero_http::lease::Fence,
) -> Result<trade_row::Model, TradeError> {
    let current = load(&state.db, trade_id).await?;
    let first = trade::step(facts(&current), Action::Expire, Actor::System)?;
    let step = Stepping {
        trade_id: current.id,
        actor: Actor::System,
        actor_id: None,
        action: Action::Expire,
        input: &ActionInput::default(),
        fence: Some(fence),
    };
    step_with_retries(state, &current, first, &step)
        .await
        .map(|(t, _)| t)
}

async fn step_with_retries(
    state: &TransactionsState,
    current: &trade_row::Model,
    first: Step,
    step: &Stepping<'_>,
) -> Result<(trade_row::Model, bool), TradeError> {
    match first {
        // A repeat: nothing to write, and the row just read is the answer.
        Step::AlreadyDone => return Ok((current.clone(), false)),
        Step::Move { settlement, .. } => {
            if let Some((_, moves)) = settlement_moves(current, settlement, step.input.share)? {
                let accounts = ledger::accounts_of(&moves);
                ledger::ensure_known_accounts(&state.db, &state.account_ids, &accounts).await?;
            }
        }
        Step::VoteCancel => {}
    }
    // The first attempt steps from the row `act` read; its write is guarded on that row's
    // facts, so a race makes it match nothing and the next attempt reads again.
    let mut seen = Some(current.clone());
    let done = with_retry(|| {
        let seen = seen.take();
        async move { apply(&state.trade_writes, &state.account_ids, step, seen).await }
    })
    .await?;
    if done.1 {
        state.notify_wake.notify_one();
    }
    Ok(done)
}

/// One step as [`apply`] takes it.
struct Stepping<'a> {
    trade_id: i64,
    actor: Actor,
    actor_id: Option<i64>,
    action: Action,
    input: &'a ActionInput,
    /// A background job's lease, checked in the step's transaction.
    fence: Option<&'a pupero_http::lease::Fence>,
}

async fn apply(
    writes: &GroupCommit,
    ids: &ledger::AccountIds,
    s: &Stepping<'_>,
    seen: Option<trade_row::Model>,
) -> Result<(trade_row::Model, bool), TradeError> {
    let turn = writes.turn().await?;
    match apply_in(turn.tx(), ids, s, seen).await {
        Ok((t, true)) => {
            turn.commit().await?;
            Ok((t, true))
        }
        other => {
            turn.rollback().await?;
            other
        }
    }
}

/// The trade row as the step `taken` by `s` at `now` leaves it (what `store::trades::step`
/// writes, and what the step answers with).
fn stepped(t: &trade_row::Model, s: &Stepping<'_>, taken: Step, now: i64) -> trade_row::Model {
    let after = facts(t).after(taken, s.actor);
    let mut next = trade_row::Model {
        state: after.state,
        buyer_wants_cancel: after.buyer_wants_cancel,
        seller_wants_cancel: after.seller_wants_cancel,
        updated_at_ms: now,
        ..t.clone()
    };
    let Step::Move { next: to, .. } = taken else {
        return next;
    };
    match (s.action, to) {
        (Action::MarkPaid, _) => next.paid_at_ms = Some(now),
        (_, TradeState::Completed) => next.completed_at_ms = Some(now),
        (_, TradeState::Cancelled) => {
            next.cancelled_at_ms = Some(now);
            next.cancel_reason = Some(match s.action {
                Action::Cancel => CancelReason::BuyerCancelled,
                Action::Expire => CancelReason::Expired,
                Action::MutualCancel => CancelReason::Mutual,
                _ => CancelReason::Dispute,
            });
        }
        (_, TradeState::Disputed) => {
            next.disputed_at_ms = Some(now);
            next.dispute_opened_by = s.actor_id;
            next.dispute_statement = Some(trimmed(s.input.statement.as_deref()).to_owned());
        }
        _ => {}
    }
    if let Some(outcome) = resolution_of(s.action) {
        next.resolution = Some(outcome);
        next.resolved_by = s.actor_id;
        next.resolution_reason = Some(trimmed(s.input.reason.as_deref()).to_owned());
        next.resolution_code = Some(
            s.input
                .reason_code
                .unwrap_or(pupero_core::ResolutionReason::Other),
        );
        next.buyer_share_bps = s
            .input
            .share
            .filter(|_| outcome == Resolution::Split)
            .and_then(|b| i32::try_from(b.bps()).ok());
    }
    next
}

fn trimmed(text: Option<&str>) -> &str {
    text.map(str::trim).unwrap_or_default()
}

fn resolution_of(action: Action) -> Option<Resolution> {
    match action {
        Action::ResolveForBuyer => Some(Resolution::Buyer),
        Action::ResolveForSeller => Some(Resolution::Seller),
        Action::ResolveSplit => Some(Resolution::Split),
        _ => None,
    }
}

/// One step's statements (the caller commits when it moved, else rolls back). `seen`: the
/// row as last read, if it may still be current; else it is read here.
async fn apply_in(
    tx: &sea_orm::DatabaseTransaction,
    ids: &ledger::AccountIds,
    s: &Stepping<'_>,
    seen: Option<trade_row::Model>,
) -> Result<(trade_row::Model, bool), TradeError> {
    if let Some(fence) = s.fence {
        fence.check(tx).await?;
    }
    let t = match seen {
        Some(t) => t,
        None => load(tx, s.trade_id).await?,
    };
    let taken = trade::step(facts(&t), s.action, s.actor)?;
    if taken == Step::AlreadyDone {
        return Ok((t, false));
    }
    let next = stepped(&t, s, taken, now_ms());
    if !store::step(tx, &t, &next).await? {
        // Someone changed its state or a vote first; look again.
        return Err(TradeError::Raced);
    }
    if let Step::Move { settlement, .. } = taken {
        settle(tx, ids, &t, settlement, s.input.share, s.action, s.actor_id).await?;
        let told = notifications::for_trade_step(&t, s.action, s.actor_id, next.state);
        notifications::tell(tx, &told).await?;
    }
    if let (Some(moderator), Some(outcome)) = (s.actor_id, resolution_of(s.action)) {
        let decided = match outcome {
            Resolution::Buyer => AuditAction::ResolveForBuyer,
            Resolution::Seller => AuditAction::ResolveForSeller,
            Resolution::Split => AuditAction::ResolveSplit,
        };
        let share = s
            .input
            .share
            .filter(|_| outcome == Resolution::Split)
            .map(|b| format!("buyer {b}; "))
            .unwrap_or_default();
        audit::record(
            tx,
            moderator,
            decided,
            format!("trade:{}", s.trade_id),
            format!(
                "{share}{}: {}",
                next.resolution_code.map_or("other", |c| c.as_str()),
                next.resolution_reason.as_deref().unwrap_or_default()
            ),
        )
        .await?;
    }
    if matches!(next.state, TradeState::Completed | TradeState::Cancelled) {
        // An ended trade counts in both parties' records (completed, cancelled, or a
        // dispute lost).
        crate::records::changed(tx, &crate::records::ended(&next)).await?;
    }
    Ok((next, true))
}

/// The ledger moves of a settlement: where the escrow goes. Pure, so the property tests
/// drive exactly what the service posts.
pub fn settlement_moves(
    t: &trade_row::Model,
    settlement: Settlement,
    share: Option<BuyerShare>,
) -> Result<Option<(EntryKind, Vec<Move>)>, TradeError> {
    let amount = Piconero::new(t.amount)?;
    let fee = Piconero::new(t.fee)?;
    let escrow = Account::User(t.seller_id, UserAccount::Escrow);
    Ok(match settlement {
        Settlement::Hold => None,
        Settlement::ReturnToSeller => Some((
            EntryKind::TradeRefund,
            vec![Move::new(
                escrow,
                Account::User(t.seller_id, UserAccount::Available),
                amount,
            )],
        )),
        Settlement::PayBuyer => {
            let to_buyer = amount
                .checked_sub(fee)
                .ok_or_else(|| TradeError::Corrupt("fee above amount".into()))?;
            Some((
                EntryKind::TradeRelease,
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
        Settlement::Split => {
            let share = share.ok_or(TradeError::Invalid {
                field: "buyer_share_bps",
                message: "a split needs the buyer's share in basis points (1 to 9999)".into(),
            })?;
            let parts = pupero_core::split_escrow(t.amount, t.fee, share.bps())
                .ok_or_else(|| TradeError::Corrupt("fee above amount".into()))?;
            // One entry, three moves out of the one escrow: the parts sum to it exactly.
            Some((
                EntryKind::TradeSplit,
                vec![
                    Move::new(
                        escrow,
                        Account::User(t.buyer_id, UserAccount::Available),
                        Piconero::new(parts.buyer)?,
                    ),
                    Move::new(
                        escrow,
                        Account::Platform(PlatformAccount::Fees),
                        Piconero::new(parts.fee)?,
                    ),
                    Move::new(
                        escrow,
                        Account::User(t.seller_id, UserAccount::Available),
                        Piconero::new(parts.seller)?,
                    ),
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
    tx: &sea_orm::DatabaseTransaction,
    ids: &ledger::AccountIds,
    t: &trade_row::Model,
    settlement: Settlement,
    share: Option<BuyerShare>,
    action: Action,
    actor_id: Option<i64>,
) -> Result<(), TradeError> {
    let Some((kind, moves)) = settlement_moves(t, settlement, share)? else {
        return Ok(());
    };
    let entry = Entry {
        kind,
        reference: format!("trade:{}", t.id),
        memo: format!("{} of trade {}", action.as_str(), t.id),
        actor_id,
    };
    ledger::post_known_whole(tx, ids, entry, &moves).await?;
    Ok(())
}
