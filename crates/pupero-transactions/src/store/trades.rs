//! The `trades` table: opening, the guarded state changes, and the counts and lists the
//! service answers with.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use pupero_core::{CancelReason, OfferSide, Resolution, TradeState};
use pupero_http::Page;

use crate::entity::trade;

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

/// Inserts an `awaiting_payment` trade and answers with its row (no read after the
/// write); a unique violation means its open key was used.
pub async fn insert(db: &impl ConnectionTrait, new: &NewTrade) -> Result<trade::Model, DbErr> {
    let row = trade::Model {
        id: 0,
        offer_id: new.offer_id,
        open_key: new.open_key.clone(),
        maker_id: new.maker_id,
        taker_id: new.taker_id,
        seller_id: new.seller_id,
        buyer_id: new.buyer_id,
        side: new.side,
        currency: new.currency.clone(),
        price_cents: new.price_cents,
        amount: new.amount,
        fee: new.fee,
        fiat_total_cents: new.fiat_total_cents,
        payment_method: new.payment_method.clone(),
        payment_window_minutes: new.payment_window_minutes,
        terms: new.terms.clone(),
        state: TradeState::AwaitingPayment,
        buyer_wants_cancel: false,
        seller_wants_cancel: false,
        payment_deadline_ms: new.now_ms + i64::from(new.payment_window_minutes) * 60_000,
        created_at_ms: new.now_ms,
        updated_at_ms: new.now_ms,
        paid_at_ms: None,
        completed_at_ms: None,
        cancelled_at_ms: None,
        cancel_reason: None,
        disputed_at_ms: None,
        dispute_opened_by: None,
        dispute_statement: None,
        resolution: None,
        resolved_by: None,
        resolution_reason: None,
        resolution_code: None,
        buyer_share_bps: None,
    };
    let mut insert = row.clone().into_active_model().reset_all();
    insert.id = NotSet;
    let id = trade::Entity::insert(insert).exec(db).await?.last_insert_id;
    Ok(trade::Model { id, ..row })
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

/// Open trades on this offer, and open trades this taker started, in one query (the two
/// caps a trade opening checks).
pub async fn count_open_on_offer_and_as_taker(
    db: &impl ConnectionTrait,
    offer_id: i64,
    taker_id: i64,
) -> Result<(u64, u64), DbErr> {
    use trade::Column as C;
    let count_where = |c: Expr| {
        Expr::from(sea_orm::sea_query::Func::count(
            Expr::case(c, Expr::val(1)).finally(Expr::null()),
        ))
    };
    let (on_offer, as_taker): (i64, i64) = trade::Entity::find()
        .select_only()
        .column_as(count_where(C::OfferId.eq(offer_id)), "on_offer")
        .column_as(count_where(C::TakerId.eq(taker_id)), "as_taker")
        // The state in each arm, so each reads its own (…, state) index.
        .filter(
            Condition::any()
                .add(
                    C::OfferId
                        .eq(offer_id)
                        .and(C::State.is_in(TradeState::OPEN)),
                )
                .add(
                    C::TakerId
                        .eq(taker_id)
                        .and(C::State.is_in(TradeState::OPEN)),
                ),
        )
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    let count = |n: i64| u64::try_from(n).unwrap_or_default();
    Ok((count(on_offer), count(as_taker)))
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

/// Writes the columns a step may change, as `next` has them, if the trade is still as
/// `seen` (its state and both cancel votes): true when this call moved it. The step's
/// answer is `next` itself, so no read follows the write; a concurrent step that changed
/// any of those facts makes this one match nothing and look again.
pub async fn step(
    db: &impl ConnectionTrait,
    seen: &trade::Model,
    next: &trade::Model,
) -> Result<bool, DbErr> {
    use trade::Column as C;
    let mut update = trade::Entity::update_many()
        .col_expr(C::UpdatedAtMs, Expr::value(next.updated_at_ms))
        .filter(C::Id.eq(seen.id))
        .filter(C::State.eq(seen.state))
        .filter(C::BuyerWantsCancel.eq(seen.buyer_wants_cancel))
        .filter(C::SellerWantsCancel.eq(seen.seller_wants_cancel));
    // Only what differs, so each kind of step is one statement text (and one prepared
    // statement) however many kinds there are.
    macro_rules! changed {
        ($($field:ident => $column:ident),* $(,)?) => {$(
            if seen.$field != next.$field {
                update = update.col_expr(C::$column, Expr::value(next.$field.clone()));
            }
        )*};
    }
    changed!(
        state => State,
        buyer_wants_cancel => BuyerWantsCancel,
        seller_wants_cancel => SellerWantsCancel,
        paid_at_ms => PaidAtMs,
        completed_at_ms => CompletedAtMs,
        cancelled_at_ms => CancelledAtMs,
        cancel_reason => CancelReason,
        disputed_at_ms => DisputedAtMs,
        dispute_opened_by => DisputeOpenedBy,
        dispute_statement => DisputeStatement,
        resolution => Resolution,
        resolved_by => ResolvedBy,
        resolution_reason => ResolutionReason,
        resolution_code => ResolutionCode,
        buyer_share_bps => BuyerShareBps,
    );
    let moved = update.exec(db).await?.rows_affected == 1;
    // The opener's statement is also their first statement on the workbench, which they
    // may edit while the dispute is open.
    if moved
        && seen.disputed_at_ms.is_none()
        && let (Some(at), Some(by), Some(statement)) = (
            next.disputed_at_ms,
            next.dispute_opened_by,
            next.dispute_statement.as_deref(),
        )
    {
        super::disputes::put_statement(db, next.id, by, statement, at).await?;
    }
    Ok(moved)
}
