//! The offers service's SQL.

use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use pupero_db::now_ms;

use crate::entity::{hidden_owner, offer};

/// The terms of an offer, already validated.
#[derive(Debug, Clone)]
pub struct Terms {
    pub side: &'static str,
    pub currency: String,
    pub price_cents: i64,
    pub payment_method: String,
    pub min_amount: i64,
    pub max_amount: i64,
    pub payment_window_minutes: i32,
    pub terms: String,
    pub status: &'static str,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    owner_id: i64,
    t: Terms,
) -> Result<offer::Model, DbErr> {
    let now = now_ms();
    let row = offer::ActiveModel {
        owner_id: Set(owner_id),
        side: Set(t.side.to_owned()),
        currency: Set(t.currency),
        price_cents: Set(t.price_cents),
        payment_method: Set(t.payment_method),
        min_amount: Set(t.min_amount),
        max_amount: Set(t.max_amount),
        payment_window_minutes: Set(t.payment_window_minutes),
        terms: Set(t.terms),
        status: Set(t.status.to_owned()),
        created_at_ms: Set(now),
        updated_at_ms: Set(now),
        deleted_at_ms: Set(None),
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

/// Offers whose owner is not hidden.
fn owner_visible() -> sea_orm::sea_query::SimpleExpr {
    offer::Column::OwnerId.not_in_subquery(
        Query::select()
            .column(hidden_owner::Column::OwnerId)
            .from(hidden_owner::Entity)
            .to_owned(),
    )
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
        .col_expr(offer::Column::Status, Expr::value("closed"))
        .col_expr(offer::Column::UpdatedAtMs, Expr::value(now))
        .filter(offer::Column::Id.eq(id))
        .filter(offer::Column::OwnerId.eq(owner_id))
        .filter(offer::Column::DeletedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

#[derive(Debug, Default)]
pub struct Filter {
    pub side: Option<&'static str>,
    pub currency: Option<String>,
    pub payment_method: Option<String>,
    pub amount: Option<i64>,
    pub owner_id: Option<i64>,
    /// None: every status (the owner's own list).
    pub status: Option<&'static str>,
    /// Only offers of owners whose account is active (every list but the owner's own).
    pub visible_owners_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    PriceAsc,
    PriceDesc,
    Newest,
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
            .filter(offer::Column::MaxAmount.gte(a));
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
    let total = q.clone().count(db).await?;
    q = match sort {
        Sort::PriceAsc => q.order_by_asc(offer::Column::PriceCents),
        Sort::PriceDesc => q.order_by_desc(offer::Column::PriceCents),
        Sort::Newest => q.order_by_desc(offer::Column::CreatedAtMs),
    };
    let rows = q
        .order_by_asc(offer::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    Ok((rows, total))
}
