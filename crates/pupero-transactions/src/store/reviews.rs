//! The `reviews` table.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entity::review;

pub async fn find_by_reviewer(
    db: &impl ConnectionTrait,
    trade_id: i64,
    reviewer_id: i64,
) -> Result<Option<review::Model>, DbErr> {
    review::Entity::find()
        .filter(review::Column::TradeId.eq(trade_id))
        .filter(review::Column::ReviewerId.eq(reviewer_id))
        .one(db)
        .await
}

pub struct NewReview<'a> {
    pub trade_id: i64,
    pub reviewer_id: i64,
    pub reviewee_id: i64,
    pub rating: i32,
    pub comment: &'a str,
}

/// Stores a review and reads it back; a unique violation means the reviewer wrote one
/// for this trade already.
pub async fn insert(db: &impl ConnectionTrait, new: NewReview<'_>) -> Result<review::Model, DbErr> {
    let row = review::ActiveModel {
        trade_id: Set(new.trade_id),
        reviewer_id: Set(new.reviewer_id),
        reviewee_id: Set(new.reviewee_id),
        rating: Set(new.rating),
        comment: Set(new.comment.to_owned()),
        created_at_ms: Set(pupero_db::now_ms()),
        ..Default::default()
    };
    let id = review::Entity::insert(row).exec(db).await?.last_insert_id;
    review::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("review {id}")))
}

/// The latest `limit` reviews of a user, newest first.
pub async fn latest_of_reviewee(
    db: &impl ConnectionTrait,
    user_id: i64,
    limit: u64,
) -> Result<Vec<review::Model>, DbErr> {
    review::Entity::find()
        .filter(review::Column::RevieweeId.eq(user_id))
        .order_by_desc(review::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// How many reviews of each of `user_ids` gave each rating: `(user, rating, count)`. Counted
/// per rating, not summed: `SUM` is a DECIMAL on MariaDB, while `COUNT` is a BIGINT
/// everywhere.
pub async fn ratings_of(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<Vec<(i64, i32, i64)>, DbErr> {
    review::Entity::find()
        .select_only()
        .column(review::Column::RevieweeId)
        .column(review::Column::Rating)
        .column_as(review::Column::Id.count(), "reviews")
        .filter(review::Column::RevieweeId.is_in(user_ids.iter().copied()))
        .group_by(review::Column::RevieweeId)
        .group_by(review::Column::Rating)
        .into_tuple()
        .all(db)
        .await
}
