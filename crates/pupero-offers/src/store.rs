//! The offers service's SQL.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use std::collections::HashMap;

use sea_orm::sea_query::Order;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use pupero_core::{OfferSide, OfferStatus, PriceMode, TraderList};
use pupero_db::now_ms;

use crate::entity::{barred_owner, hidden_owner, offer, trader_list, trader_record};
use crate::records;

/// The terms of an offer, already validated.
#[derive(Debug, Clone)]
pub struct Terms {
    pub side: OfferSide,
    pub currency: String,
    pub price_cents: i64,
    pub payment_method: String,
    pub min_amount: i64,
    pub max_amount: i64,
    pub payment_window_minutes: i32,
    pub terms: String,
    pub status: OfferStatus,
    pub price_mode: PriceMode,
    pub margin_bp: Option<i32>,
    pub price_min_cents: Option<i64>,
    pub price_max_cents: Option<i64>,
    /// `,piconero,…,` or empty.
    pub amounts: String,
    pub first_trade_max: Option<i64>,
    pub min_taker_trades: i32,
    pub trusted_only: bool,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    owner_id: i64,
    t: Terms,
) -> Result<offer::Model, DbErr> {
    let now = now_ms();
    let row = offer::ActiveModel {
        owner_id: Set(owner_id),
        side: Set(t.side),
        currency: Set(t.currency),
        price_cents: Set(t.price_cents),
        payment_method: Set(t.payment_method),
        min_amount: Set(t.min_amount),
        max_amount: Set(t.max_amount),
        payment_window_minutes: Set(t.payment_window_minutes),
        terms: Set(t.terms),
        status: Set(t.status),
        created_at_ms: Set(now),
        updated_at_ms: Set(now),
        deleted_at_ms: Set(None),
        price_mode: Set(t.price_mode),
        margin_bp: Set(t.margin_bp),
        price_min_cents: Set(t.price_min_cents),
        price_max_cents: Set(t.price_max_cents),
        amounts: Set(t.amounts),
        first_trade_max: Set(t.first_trade_max),
        min_taker_trades: Set(t.min_taker_trades),
        trusted_only: Set(t.trusted_only),
        ..Default::default()
    };
    let id = offer::Entity::insert(row).exec(db).await?.last_insert_id;
    offer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("offer {id}")))
}

/// A live (not deleted) offer.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<offer::Model>, DbErr> {
    offer::Entity::find_by_id(id)
        .filter(offer::Column::DeletedAtMs.is_null())
        .one(db)
        .await
}

/// An offer, deleted or not.
pub async fn find_any(db: &impl ConnectionTrait, id: i64) -> Result<Option<offer::Model>, DbErr> {
    offer::Entity::find_by_id(id).one(db).await
}

/// Offers whose owner is neither hidden nor barred now.
fn owner_visible() -> sea_orm::sea_query::Condition {
    let now = now_ms();
    sea_orm::sea_query::Condition::all()
        .add(
            offer::Column::OwnerId.not_in_subquery(
                Query::select()
                    .column(hidden_owner::Column::OwnerId)
                    .from(hidden_owner::Entity)
                    .to_owned(),
            ),
        )
        .add(
            offer::Column::OwnerId.not_in_subquery(
                Query::select()
                    .column(barred_owner::Column::OwnerId)
                    .from(barred_owner::Entity)
                    .cond_where(
                        sea_orm::sea_query::Condition::any()
                            .add(barred_owner::Column::UntilMs.is_null())
                            .add(barred_owner::Column::UntilMs.gt(now)),
                    )
                    .to_owned(),
            ),
        )
}

/// Bars an owner's offers until `until_ms` (`None`: until lifted), or lifts the bar.
pub async fn set_owner_barred(
    db: &impl ConnectionTrait,
    owner_id: i64,
    barred: bool,
    until_ms: Option<i64>,
) -> Result<(), DbErr> {
    barred_owner::Entity::delete_many()
        .filter(barred_owner::Column::OwnerId.eq(owner_id))
        .exec(db)
        .await?;
    if barred {
        barred_owner::Entity::insert(barred_owner::ActiveModel {
            owner_id: Set(owner_id),
            until_ms: Set(until_ms),
            barred_at_ms: Set(now_ms()),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// The bar held on an owner, with the newest version told.
pub async fn owner_bar(
    db: &impl ConnectionTrait,
    owner_id: i64,
) -> Result<pupero_api::internal::offers::OwnerBar, DbErr> {
    let row = barred_owner::Entity::find_by_id(owner_id).one(db).await?;
    Ok(pupero_api::internal::offers::OwnerBar {
        barred: row.is_some(),
        until_ms: row.and_then(|b| b.until_ms),
        version: pupero_db::told_versions::newest(db, crate::BAR_VERSIONS, owner_id).await?,
    })
}

/// The earliest end of a bar still in force after `now` (when the listing changes by
/// itself), if any.
pub async fn next_bar_end(db: &impl ConnectionTrait, now: i64) -> Result<Option<i64>, DbErr> {
    let next = barred_owner::Entity::find()
        .filter(barred_owner::Column::UntilMs.gt(now))
        .order_by_asc(barred_owner::Column::UntilMs)
        .one(db)
        .await?;
    Ok(next.and_then(|b| b.until_ms))
}

/// A live offer others may see and take: not deleted, and its owner's account is neither
/// disabled nor deleted.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<offer::Model>, DbErr> {
    offer::Entity::find_by_id(id)
        .filter(offer::Column::DeletedAtMs.is_null())
        .filter(owner_visible())
        .one(db)
        .await
}

/// Hides (or shows again) every offer of an owner.
pub async fn set_owner_hidden(
    db: &impl ConnectionTrait,
    owner_id: i64,
    hidden: bool,
) -> Result<(), DbErr> {
    if hidden {
        hidden_owner::Entity::insert(hidden_owner::ActiveModel {
            owner_id: Set(owner_id),
            hidden_at_ms: Set(now_ms()),
        })
        // A no-op update rather than DO NOTHING, which sea-query renders as invalid SQL on
        // MariaDB.
        .on_conflict(
            OnConflict::column(hidden_owner::Column::OwnerId)
                .update_column(hidden_owner::Column::OwnerId)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    } else {
        hidden_owner::Entity::delete_many()
            .filter(hidden_owner::Column::OwnerId.eq(owner_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Replaces an owner's offer terms; false when it is not theirs or gone.
pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    owner_id: i64,
    t: Terms,
) -> Result<bool, DbErr> {
    let result = offer::Entity::update_many()
        .col_expr(offer::Column::Side, Expr::value(t.side))
        .col_expr(offer::Column::Currency, Expr::value(t.currency))
        .col_expr(offer::Column::PriceCents, Expr::value(t.price_cents))
        .col_expr(offer::Column::PaymentMethod, Expr::value(t.payment_method))
        .col_expr(offer::Column::MinAmount, Expr::value(t.min_amount))
        .col_expr(offer::Column::MaxAmount, Expr::value(t.max_amount))
        .col_expr(
            offer::Column::PaymentWindowMinutes,
            Expr::value(t.payment_window_minutes),
        )
        .col_expr(offer::Column::Terms, Expr::value(t.terms))
        .col_expr(offer::Column::Status, Expr::value(t.status))
        .col_expr(offer::Column::PriceMode, Expr::value(t.price_mode))
        .col_expr(offer::Column::MarginBp, Expr::value(t.margin_bp))
        .col_expr(offer::Column::PriceMinCents, Expr::value(t.price_min_cents))
        .col_expr(offer::Column::PriceMaxCents, Expr::value(t.price_max_cents))
        .col_expr(offer::Column::Amounts, Expr::value(t.amounts))
        .col_expr(offer::Column::FirstTradeMax, Expr::value(t.first_trade_max))
        .col_expr(
            offer::Column::MinTakerTrades,
            Expr::value(t.min_taker_trades),
        )
        .col_expr(offer::Column::TrustedOnly, Expr::value(t.trusted_only))
        .col_expr(offer::Column::UpdatedAtMs, Expr::value(now_ms()))
        .filter(offer::Column::Id.eq(id))
        .filter(offer::Column::OwnerId.eq(owner_id))
        .filter(offer::Column::DeletedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn soft_delete(db: &impl ConnectionTrait, id: i64, owner_id: i64) -> Result<bool, DbErr> {
    let now = now_ms();
    let result = offer::Entity::update_many()
        .col_expr(offer::Column::DeletedAtMs, Expr::value(now))
        .col_expr(offer::Column::Status, Expr::value(OfferStatus::Closed))
        .col_expr(offer::Column::UpdatedAtMs, Expr::value(now))
        .filter(offer::Column::Id.eq(id))
        .filter(offer::Column::OwnerId.eq(owner_id))
        .filter(offer::Column::DeletedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Removes a live offer whoever owns it (staff, through moderation); false when it is
/// gone already. Trades already open on it keep their copied terms and run on.
pub async fn remove(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let now = now_ms();
    let result = offer::Entity::update_many()
        .col_expr(offer::Column::DeletedAtMs, Expr::value(now))
        .col_expr(offer::Column::Status, Expr::value(OfferStatus::Closed))
        .col_expr(offer::Column::UpdatedAtMs, Expr::value(now))
        .filter(offer::Column::Id.eq(id))
        .filter(offer::Column::DeletedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

#[derive(Debug, Default)]
pub struct Filter {
    pub side: Option<OfferSide>,
    pub currency: Option<String>,
    pub payment_method: Option<String>,
    pub amount: Option<i64>,
    pub owner_id: Option<i64>,
    /// None: every status (the owner's own list).
    pub status: Option<OfferStatus>,
    /// Only offers of owners whose account is active (every list but the owner's own).
    pub visible_owners_only: bool,
    /// Only offers that can be taken now: fixed-price ones, and margin ones in these
    /// currencies (the ones with a fresh market price) whose price is within their guards.
    pub takeable_in: Option<Vec<String>>,
    /// Only owners whose record (see `records`) shows at least this many completed trades.
    pub min_completed_trades: Option<i64>,
    /// Only owners whose average rating, in hundredths, is at least this.
    pub min_rating_hundredths: Option<i64>,
    /// Only owners whose account was created before this (epoch ms).
    pub joined_before_ms: Option<i64>,
    /// Only owners seen since this (epoch ms).
    pub seen_since_ms: Option<i64>,
}

impl Filter {
    /// The owners' records the filter asks for, if it asks for any.
    fn on_records(&self) -> Option<Condition> {
        let mut wanted = Condition::all();
        if let Some(n) = self.min_completed_trades.filter(|&n| n > 0) {
            wanted = wanted.add(trader_record::Column::CompletedTrades.gte(n));
        }
        if let Some(h) = self.min_rating_hundredths {
            wanted = wanted.add(trader_record::Column::RatingHundredths.gte(h));
        }
        if let Some(ms) = self.joined_before_ms {
            wanted = wanted.add(trader_record::Column::JoinedAtMs.lte(ms));
        }
        if let Some(ms) = self.seen_since_ms {
            wanted = wanted.add(trader_record::Column::SeenAtMs.gte(ms));
        }
        (!wanted.is_empty()).then_some(wanted)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    PriceAsc,
    PriceDesc,
    Newest,
    /// Best feedback score first (no reviews last), then most trades.
    RatingDesc,
    /// Most completed trades first, by the band shown, then best rated.
    TradesDesc,
    /// Most recently seen owners first.
    SeenDesc,
}

impl Sort {
    fn by_record(self) -> bool {
        matches!(self, Sort::RatingDesc | Sort::TradesDesc | Sort::SeenDesc)
    }
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &Filter,
    sort: Sort,
    limit: u64,
    offset: u64,
) -> Result<(Vec<offer::Model>, u64), DbErr> {
    let mut q = offer::Entity::find().filter(offer::Column::DeletedAtMs.is_null());
    if let Some(side) = filter.side {
        q = q.filter(offer::Column::Side.eq(side));
    }
    if let Some(c) = &filter.currency {
        q = q.filter(offer::Column::Currency.eq(c.as_str()));
    }
    if let Some(m) = &filter.payment_method {
        q = q.filter(offer::Column::PaymentMethod.eq(m.as_str()));
    }
    if let Some(a) = filter.amount {
        q = q
            .filter(offer::Column::MinAmount.lte(a))
            .filter(offer::Column::MaxAmount.gte(a))
            .filter(
                Condition::any()
                    .add(offer::Column::Amounts.eq(""))
                    .add(offer::Column::Amounts.like(format!("%,{a},%"))),
            );
    }
    if let Some(o) = filter.owner_id {
        q = q.filter(offer::Column::OwnerId.eq(o));
    }
    if let Some(s) = filter.status {
        q = q.filter(offer::Column::Status.eq(s));
    }
    if filter.visible_owners_only {
        q = q.filter(owner_visible());
    }
    if let Some(fresh) = &filter.takeable_in {
        q = q.filter(
            Condition::any()
                .add(offer::Column::PriceMode.eq(PriceMode::Fixed))
                .add(
                    Condition::all()
                        .add(offer::Column::Currency.is_in(fresh.iter().map(String::as_str)))
                        .add(
                            Condition::any()
                                .add(offer::Column::PriceMinCents.is_null())
                                .add(
                                    Expr::col(offer::Column::PriceCents)
                                        .gte(Expr::col(offer::Column::PriceMinCents)),
                                ),
                        )
                        .add(
                            Condition::any()
                                .add(offer::Column::PriceMaxCents.is_null())
                                .add(
                                    Expr::col(offer::Column::PriceCents)
                                        .lte(Expr::col(offer::Column::PriceMaxCents)),
                                ),
                        ),
                ),
        );
    }
    if let Some(wanted) = filter.on_records() {
        q = q.filter(
            offer::Column::OwnerId.in_subquery(
                Query::select()
                    .column(trader_record::Column::UserId)
                    .from(trader_record::Entity)
                    .cond_where(wanted)
                    .to_owned(),
            ),
        );
    }
    let counted = q.clone();
    if sort.by_record() {
        q = q.join(
            JoinType::LeftJoin,
            offer::Entity::belongs_to(trader_record::Entity)
                .from(offer::Column::OwnerId)
                .to(trader_record::Column::UserId)
                .into(),
        );
    }
    let trades = || {
        records::band_expr(records::column_or(
            trader_record::Column::CompletedTrades,
            0,
        ))
    };
    let rating = || records::column_or(trader_record::Column::RatingHundredths, -1);
    q = match sort {
        Sort::PriceAsc => q.order_by_asc(offer::Column::PriceCents),
        Sort::PriceDesc => q.order_by_desc(offer::Column::PriceCents),
        Sort::Newest => q.order_by_desc(offer::Column::CreatedAtMs),
        Sort::RatingDesc => q
            .order_by(rating(), Order::Desc)
            .order_by(trades(), Order::Desc),
        Sort::TradesDesc => q
            .order_by(trades(), Order::Desc)
            .order_by(rating(), Order::Desc),
        Sort::SeenDesc => q.order_by(
            records::column_or(trader_record::Column::SeenAtMs, 0),
            Order::Desc,
        ),
    };
    // The count and the page in one trip: the window is counted before LIMIT applies.
    let statement = q
        .order_by_asc(offer::Column::Id)
        .column_as(Expr::cust("COUNT(*) OVER ()"), TOTAL)
        .limit(limit)
        .offset(offset)
        .build(db.get_database_backend());
    let mut total = None;
    let mut rows = Vec::new();
    for result in db.query_all_raw(statement).await? {
        total = Some(result.try_get::<i64>("", TOTAL)?);
        rows.push(offer::Model::from_query_result(&result, "")?);
    }
    let total = match total {
        Some(t) => u64::try_from(t).unwrap_or_default(),
        // A page past the end has no row to carry the count.
        None => counted.count(db).await?,
    };
    Ok((rows, total))
}

const TOTAL: &str = "listing_total";

/// The records of these traders that were told (a trader absent has none yet).
pub async fn records_of(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<HashMap<i64, trader_record::Model>, DbErr> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(trader_record::Entity::find()
        .filter(trader_record::Column::UserId.is_in(user_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.user_id, r))
        .collect())
}

/// A new record row: nothing known but what the caller sets.
fn blank_record(user_id: i64) -> trader_record::ActiveModel {
    trader_record::ActiveModel {
        user_id: Set(user_id),
        completed_trades: Set(0),
        cancellations: Set(0),
        lost_disputes: Set(0),
        reviews_count: Set(0),
        rating_hundredths: Set(None),
        joined_at_ms: Set(None),
        seen_at_ms: Set(None),
        updated_at_ms: Set(now_ms()),
    }
}

/// Sets traders' trade records as the ledger told them, in one statement.
pub async fn put_trade_records(
    db: &impl ConnectionTrait,
    told: &[&pupero_api::internal::offers::TradeRecordTold],
) -> Result<(), DbErr> {
    if told.is_empty() {
        return Ok(());
    }
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    // In trader order, so two tellings sharing traders take their rows alike.
    let mut told = told.to_vec();
    told.sort_unstable_by_key(|t| t.user_id);
    let rows = told.iter().map(|told| {
        let mut row = blank_record(told.user_id);
        row.completed_trades = Set(count(told.completed_trades));
        row.cancellations = Set(count(told.cancellations));
        row.lost_disputes = Set(count(told.lost_disputes));
        row.reviews_count = Set(count(told.reviews_count));
        row.rating_hundredths = Set(told.rating_hundredths);
        row
    });
    trader_record::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(trader_record::Column::UserId)
                .update_columns([
                    trader_record::Column::CompletedTrades,
                    trader_record::Column::Cancellations,
                    trader_record::Column::LostDisputes,
                    trader_record::Column::ReviewsCount,
                    trader_record::Column::RatingHundredths,
                    trader_record::Column::UpdatedAtMs,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Sets when a trader's account was created and last seen, as login told.
pub async fn put_presence(
    db: &impl ConnectionTrait,
    user_id: i64,
    told: &pupero_api::internal::offers::PresenceTold,
) -> Result<(), DbErr> {
    let mut row = blank_record(user_id);
    row.joined_at_ms = Set(Some(told.joined_at_ms));
    row.seen_at_ms = Set(Some(told.seen_at_ms));
    trader_record::Entity::insert(row)
        .on_conflict(
            OnConflict::column(trader_record::Column::UserId)
                .update_columns([
                    trader_record::Column::JoinedAtMs,
                    trader_record::Column::SeenAtMs,
                    trader_record::Column::UpdatedAtMs,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The distinct margins of live margin offers in `currency`.
pub async fn margins_in(db: &impl ConnectionTrait, currency: &str) -> Result<Vec<i32>, DbErr> {
    let rows: Vec<Option<i32>> = offer::Entity::find()
        .select_only()
        .column(offer::Column::MarginBp)
        .distinct()
        .filter(offer::Column::PriceMode.eq(PriceMode::Margin))
        .filter(offer::Column::Currency.eq(currency))
        .filter(offer::Column::DeletedAtMs.is_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().flatten().collect())
}

/// Sets the price of the live margin offers in `currency` with margin `margin_bp`;
/// returns how many changed.
pub async fn reprice(
    db: &impl ConnectionTrait,
    currency: &str,
    margin_bp: i32,
    price_cents: i64,
) -> Result<u64, DbErr> {
    let result = offer::Entity::update_many()
        .col_expr(offer::Column::PriceCents, Expr::value(price_cents))
        .filter(offer::Column::PriceMode.eq(PriceMode::Margin))
        .filter(offer::Column::Currency.eq(currency))
        .filter(offer::Column::MarginBp.eq(margin_bp))
        .filter(offer::Column::PriceCents.ne(price_cents))
        .filter(offer::Column::DeletedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// The list `user_id` is on in `owner_id`'s lists, if any.
pub async fn list_of(
    db: &impl ConnectionTrait,
    owner_id: i64,
    user_id: i64,
) -> Result<Option<TraderList>, DbErr> {
    Ok(trader_list::Entity::find_by_id((owner_id, user_id))
        .one(db)
        .await?
        .map(|row| row.list))
}

/// An owner's lists, oldest entries first.
pub async fn lists(
    db: &impl ConnectionTrait,
    owner_id: i64,
) -> Result<Vec<trader_list::Model>, DbErr> {
    trader_list::Entity::find()
        .filter(trader_list::Column::OwnerId.eq(owner_id))
        .order_by_asc(trader_list::Column::CreatedAtMs)
        .order_by_asc(trader_list::Column::UserId)
        .all(db)
        .await
}

/// Puts `user_id` on one of `owner_id`'s lists (off the other one).
pub async fn put_on_list(
    db: &impl ConnectionTrait,
    owner_id: i64,
    user_id: i64,
    list: TraderList,
) -> Result<(), DbErr> {
    trader_list::Entity::insert(trader_list::ActiveModel {
        owner_id: Set(owner_id),
        user_id: Set(user_id),
        list: Set(list),
        created_at_ms: Set(now_ms()),
    })
    .on_conflict(
        OnConflict::columns([trader_list::Column::OwnerId, trader_list::Column::UserId])
            .update_column(trader_list::Column::List)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Takes `user_id` off `owner_id`'s lists; false when they were on none.
pub async fn take_off_lists(
    db: &impl ConnectionTrait,
    owner_id: i64,
    user_id: i64,
) -> Result<bool, DbErr> {
    let result = trader_list::Entity::delete_many()
        .filter(trader_list::Column::OwnerId.eq(owner_id))
        .filter(trader_list::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// A row is read into the offer vocabulary or not at all: a side or status this build does
/// not know is an error, never a default.
#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use sea_orm::{ConnectionTrait, DatabaseConnection};
    use sea_orm_migration::MigratorTrait;

    use super::*;

    async fn database() -> (DatabaseConnection, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("pupero-offers-{}", rand::random::<u32>()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = pupero_db::connect(
            &format!("sqlite://{}/offers.db?mode=rwc", dir.display()),
            pupero_config::DEFAULT_DATABASE_POOL_SIZE,
        )
        .await
        .unwrap();
        crate::Migrator::up(&db, None).await.unwrap();
        (db, dir)
    }

    fn terms() -> Terms {
        Terms {
            side: OfferSide::Sell,
            currency: "EUR".into(),
            price_cents: 15_000,
            payment_method: "sepa".into(),
            min_amount: 1,
            max_amount: 2,
            payment_window_minutes: 30,
            terms: String::new(),
            status: OfferStatus::Paused,
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

    #[tokio::test]
    async fn stored_words_read_back_as_written() {
        let (db, dir) = database().await;
        let row = insert(&db, 7, terms()).await.unwrap();
        let read = find(&db, row.id).await.unwrap().unwrap();
        assert_eq!(
            (read.side, read.status),
            (OfferSide::Sell, OfferStatus::Paused)
        );
        db.close().await.ok();
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn an_unknown_stored_side_or_status_is_an_error() {
        let (db, dir) = database().await;
        let row = insert(&db, 7, terms()).await.unwrap();
        for column in ["side", "status"] {
            db.execute_unprepared(&format!(
                "UPDATE offers SET {column} = 'sideways' WHERE id = {}",
                row.id
            ))
            .await
            .unwrap();
            assert!(
                find(&db, row.id).await.is_err(),
                "an unknown {column} was read"
            );
            let (side, status) = (OfferSide::Sell.as_str(), OfferStatus::Paused.as_str());
            db.execute_unprepared(&format!(
                "UPDATE offers SET side = '{side}', status = '{status}' WHERE id = {}",
                row.id
            ))
            .await
            .unwrap();
        }
        db.close().await.ok();
        let _ = std::fs::remove_dir_all(dir);
    }
}
