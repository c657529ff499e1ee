//! The `trades` table: opening, the guarded state changes, and the counts and lists the
//! service answers with.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};

use pupero_core::{OfferSide, TradeState};
use pupero_http::Page;

use crate::entity::trade;
use pupero_core::{CancelReason, Resolution};

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<trade::Model>, DbErr> {
    trade::Entity::find_by_id(id).one(db).await
}

/// The trade a taker opened with this idempotency key.
pub async fn find_by_open_key(
    db: &impl ConnectionTrait,
    taker_id: i64,
    key: &str,
) -> Result<Option<trade::Model>, DbErr> {
    trade::Entity::find()
        .filter(trade::Column::TakerId.eq(taker_id))
        .filter(trade::Column::OpenKey.eq(key))
        .one(db)
        .await
}

/// A trade about to open, as the offer and the taker define it.
#[derive(Debug, Clone)]
pub struct NewTrade {
    pub offer_id: i64,
    pub open_key: Option<String>,
    pub maker_id: i64,
    pub taker_id: i64,
    pub seller_id: i64,
    pub buyer_id: i64,
    pub side: OfferSide,
    pub currency: String,
    pub price_cents: i64,
    pub amount: i64,
    pub fee: i64,
    pub fiat_total_cents: i64,
    pub payment_method: String,
    pub payment_window_minutes: i32,
    pub terms: String,
    pub now_ms: i64,
}

/// Inserts an `awaiting_payment` trade; a unique violation means its open key was used.
pub async fn insert(db: &impl ConnectionTrait, new: &NewTrade) -> Result<i64, DbErr> {
    let row = trade::ActiveModel {
        offer_id: Set(new.offer_id),
        open_key: Set(new.open_key.clone()),
        maker_id: Set(new.maker_id),
        taker_id: Set(new.taker_id),
        seller_id: Set(new.seller_id),
        buyer_id: Set(new.buyer_id),
        side: Set(new.side),
        currency: Set(new.currency.clone()),
        price_cents: Set(new.price_cents),
        amount: Set(new.amount),
        fee: Set(new.fee),
        fiat_total_cents: Set(new.fiat_total_cents),
        payment_method: Set(new.payment_method.clone()),
        payment_window_minutes: Set(new.payment_window_minutes),
        terms: Set(new.terms.clone()),
        state: Set(TradeState::AwaitingPayment),
        buyer_wants_cancel: Set(false),
        seller_wants_cancel: Set(false),
        payment_deadline_ms: Set(new.now_ms + i64::from(new.payment_window_minutes) * 60_000),
        created_at_ms: Set(new.now_ms),
        updated_at_ms: Set(new.now_ms),
        ..Default::default()
    };
    Ok(trade::Entity::insert(row).exec(db).await?.last_insert_id)
}

fn as_party(user_id: i64) -> Condition {
    Condition::any()
        .add(trade::Column::SellerId.eq(user_id))
        .add(trade::Column::BuyerId.eq(user_id))
}

/// Trades on this offer that still hold escrow.
pub async fn count_open_on_offer(db: &impl ConnectionTrait, offer_id: i64) -> Result<u64, DbErr> {
    trade::Entity::find()
        .filter(trade::Column::OfferId.eq(offer_id))
        .filter(trade::Column::State.is_in(TradeState::OPEN))
        .count(db)
        .await
}

/// Open trades this user started as taker.
pub async fn count_open_as_taker(db: &impl ConnectionTrait, taker_id: i64) -> Result<u64, DbErr> {
    trade::Entity::find()
        .filter(trade::Column::TakerId.eq(taker_id))
        .filter(trade::Column::State.is_in(TradeState::OPEN))
        .count(db)
        .await
}

/// Open trades in which the user is buyer or seller.
pub async fn count_open_of(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    trade::Entity::find()
        .filter(as_party(user_id))
        .filter(trade::Column::State.is_in(TradeState::OPEN))
        .count(db)
        .await
}

/// Completed trades in which the user was buyer or seller, except the ones they lost in
/// a dispute (a seller whose dispute went to the buyer did not complete that trade: a
/// moderator took the escrow from them).
pub async fn count_completed_of(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    trade::Entity::find()
        .filter(as_party(user_id))
        .filter(trade::Column::State.eq(TradeState::Completed))
        .filter(
            Condition::any()
                .add(trade::Column::SellerId.ne(user_id))
                .add(trade::Column::Resolution.is_null())
                .add(trade::Column::Resolution.ne(Resolution::Buyer)),
        )
        .count(db)
        .await
}

/// Disputes the user lost: as seller, resolved for the buyer; as buyer, for the seller.
pub async fn count_lost_disputes_of(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    trade::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(trade::Column::SellerId.eq(user_id))
                        .add(trade::Column::Resolution.eq(Resolution::Buyer)),
                )
                .add(
                    Condition::all()
                        .add(trade::Column::BuyerId.eq(user_id))
                        .add(trade::Column::Resolution.eq(Resolution::Seller)),
                ),
        )
        .count(db)
        .await
}

/// Trades the user, as buyer, cancelled or let expire unpaid (a mutual cancellation or
/// a dispute is not counted here).
pub async fn count_cancellations_of(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    trade::Entity::find()
        .filter(trade::Column::BuyerId.eq(user_id))
        .filter(trade::Column::State.eq(TradeState::Cancelled))
        .filter(
            trade::Column::CancelReason
                .is_in([CancelReason::BuyerCancelled, CancelReason::Expired]),
        )
        .count(db)
        .await
}

/// Completed trades between two users, either one buying.
pub async fn count_completed_between(
    db: &impl ConnectionTrait,
    a: i64,
    b: i64,
) -> Result<u64, DbErr> {
    trade::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(trade::Column::SellerId.eq(a))
                        .add(trade::Column::BuyerId.eq(b)),
                )
                .add(
                    Condition::all()
                        .add(trade::Column::SellerId.eq(b))
                        .add(trade::Column::BuyerId.eq(a)),
                ),
        )
        .filter(trade::Column::State.eq(TradeState::Completed))
        .count(db)
        .await
}

async fn paged(
    db: &impl ConnectionTrait,
    query: Select<trade::Entity>,
    page: Page,
) -> Result<(Vec<trade::Model>, u64), DbErr> {
    let total = query.clone().count(db).await?;
    let rows = query.limit(page.limit).offset(page.offset).all(db).await?;
    Ok((rows, total))
}

/// A user's trades as buyer or seller (only in `state`, when given), newest first.
pub async fn page_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    state: Option<TradeState>,
    page: Page,
) -> Result<(Vec<trade::Model>, u64), DbErr> {
    let mut query = trade::Entity::find().filter(as_party(user_id));
    if let Some(s) = state {
        query = query.filter(trade::Column::State.eq(s));
    }
    paged(db, query.order_by_desc(trade::Column::Id), page).await
}

/// Disputed trades, oldest dispute first.
pub async fn disputed_page(
    db: &impl ConnectionTrait,
    page: Page,
) -> Result<(Vec<trade::Model>, u64), DbErr> {
    let query = trade::Entity::find()
        .filter(trade::Column::State.eq(TradeState::Disputed))
        .order_by_asc(trade::Column::DisputedAtMs);
    paged(db, query, page).await
}

/// Unpaid trades whose payment window closed before `now`, the earliest deadline first.
pub async fn due_for_expiry(
    db: &impl ConnectionTrait,
    now: i64,
    limit: u64,
) -> Result<Vec<trade::Model>, DbErr> {
    trade::Entity::find()
        .filter(trade::Column::State.eq(TradeState::AwaitingPayment))
        .filter(trade::Column::PaymentDeadlineMs.lt(now))
        .order_by_asc(trade::Column::PaymentDeadlineMs)
        .limit(limit)
        .all(db)
        .await
}

/// Unpaid trades whose deadline falls in `[now, before)`, soonest first.
pub async fn unpaid_due_before(
    db: &impl ConnectionTrait,
    now: i64,
    before: i64,
    limit: u64,
) -> Result<Vec<trade::Model>, DbErr> {
    trade::Entity::find()
        .filter(trade::Column::State.eq(TradeState::AwaitingPayment))
        .filter(trade::Column::PaymentDeadlineMs.gte(now))
        .filter(trade::Column::PaymentDeadlineMs.lt(before))
        .order_by_asc(trade::Column::PaymentDeadlineMs)
        .limit(limit)
        .all(db)
        .await
}

/// One party's vote for a mutual cancel, while the trade is still `from`.
pub async fn vote_cancel(
    db: &impl ConnectionTrait,
    id: i64,
    from: TradeState,
    by_buyer: bool,
    now: i64,
) -> Result<bool, DbErr> {
    let column = if by_buyer {
        trade::Column::BuyerWantsCancel
    } else {
        trade::Column::SellerWantsCancel
    };
    let changed = trade::Entity::update_many()
        .col_expr(column, Expr::value(true))
        .col_expr(trade::Column::UpdatedAtMs, Expr::value(now))
        .filter(trade::Column::Id.eq(id))
        .filter(trade::Column::State.eq(from))
        .exec(db)
        .await?;
    Ok(changed.rows_affected == 1)
}

/// What a step writes besides the new state (`None`: left as it is).
#[derive(Debug, Default)]
pub struct Advance<'a> {
    pub buyer_wants_cancel: bool,
    pub seller_wants_cancel: bool,
    pub paid_at_ms: Option<i64>,
    pub completed_at_ms: Option<i64>,
    pub cancelled: Option<CancelReason>,
    /// Who opened the dispute, and their statement.
    pub disputed: Option<(Option<i64>, &'a str)>,
    /// The decision, who made it, and why.
    pub resolved: Option<Decision<'a>>,
}

/// A moderator's decision on a dispute, as the trade row keeps it.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    pub outcome: Resolution,
    pub by: Option<i64>,
    pub reason: &'a str,
    pub code: Option<pupero_core::ResolutionReason>,
    /// The buyer's share of a split, in basis points.
    pub buyer_share_bps: Option<i32>,
}

/// `from → to`, guarded on the state: true when this call moved the trade.
pub async fn advance(
    db: &impl ConnectionTrait,
    id: i64,
    from: TradeState,
    to: TradeState,
    change: Advance<'_>,
    now: i64,
) -> Result<bool, DbErr> {
    let mut update = trade::Entity::update_many()
        .col_expr(trade::Column::State, Expr::value(to))
        .col_expr(
            trade::Column::BuyerWantsCancel,
            Expr::value(change.buyer_wants_cancel),
        )
        .col_expr(
            trade::Column::SellerWantsCancel,
            Expr::value(change.seller_wants_cancel),
        )
        .col_expr(trade::Column::UpdatedAtMs, Expr::value(now))
        .filter(trade::Column::Id.eq(id))
        .filter(trade::Column::State.eq(from));
    if let Some(at) = change.paid_at_ms {
        update = update.col_expr(trade::Column::PaidAtMs, Expr::value(at));
    }
    if let Some(at) = change.completed_at_ms {
        update = update.col_expr(trade::Column::CompletedAtMs, Expr::value(at));
    }
    if let Some(reason) = change.cancelled {
        update = update
            .col_expr(trade::Column::CancelledAtMs, Expr::value(now))
            .col_expr(trade::Column::CancelReason, Expr::value(reason));
    }
    if let Some((by, statement)) = change.disputed {
        update = update
            .col_expr(trade::Column::DisputedAtMs, Expr::value(now))
            .col_expr(trade::Column::DisputeOpenedBy, Expr::value(by))
            .col_expr(trade::Column::DisputeStatement, Expr::value(statement));
    }
    if let Some(d) = change.resolved {
        update = update
            .col_expr(trade::Column::Resolution, Expr::value(d.outcome))
            .col_expr(trade::Column::ResolvedBy, Expr::value(d.by))
            .col_expr(trade::Column::ResolutionReason, Expr::value(d.reason))
            .col_expr(trade::Column::ResolutionCode, Expr::value(d.code))
            .col_expr(trade::Column::BuyerShareBps, Expr::value(d.buyer_share_bps));
    }
    let moved = update.exec(db).await?.rows_affected == 1;
    // The opener's statement is also their first statement on the workbench, which they
    // may edit while the dispute is open.
    if moved && let Some((Some(by), statement)) = change.disputed {
        super::disputes::put_statement(db, id, by, statement, now).await?;
    }
    Ok(moved)
}
