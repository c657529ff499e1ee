//! The `trader_record_tellings` table: per trader, how many changes their trade record
//! had and the last of them the offers service took.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entity::record_telling;

/// Counts a change to each of `user_ids`' records, in the transaction that makes it.
pub async fn bump(db: &impl ConnectionTrait, user_ids: &[i64]) -> Result<(), DbErr> {
    for &user_id in user_ids {
        // The row first (a no-op when it exists), then the count, which a concurrent
        // change of the same trader waits to make after this one.
        record_telling::Entity::insert(record_telling::ActiveModel {
            user_id: Set(user_id),
            version: Set(0),
            told_version: Set(0),
        })
        .on_conflict(
            OnConflict::column(record_telling::Column::UserId)
                .update_column(record_telling::Column::UserId)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        record_telling::Entity::update_many()
            .col_expr(
                record_telling::Column::Version,
                Expr::col(record_telling::Column::Version).add(1),
            )
            .filter(record_telling::Column::UserId.eq(user_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// How many changes `user_id`'s record had (0: none counted).
pub async fn version(db: &impl ConnectionTrait, user_id: i64) -> Result<i64, DbErr> {
    Ok(record_telling::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map_or(0, |r| r.version))
}

/// The offers service took `version` of `user_id`'s record.
pub async fn mark_told(db: &impl ConnectionTrait, user_id: i64, version: i64) -> Result<(), DbErr> {
    record_telling::Entity::update_many()
        .col_expr(record_telling::Column::ToldVersion, Expr::value(version))
        .filter(record_telling::Column::UserId.eq(user_id))
        .filter(record_telling::Column::ToldVersion.lt(version))
        .exec(db)
        .await?;
    Ok(())
}

/// Traders whose latest record change may not have been told, up to `limit`.
pub async fn untold(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<i64>, DbErr> {
    record_telling::Entity::find()
        .select_only()
        .column(record_telling::Column::UserId)
        .filter(
            Expr::col(record_telling::Column::ToldVersion)
                .lt(Expr::col(record_telling::Column::Version)),
        )
        .order_by_asc(record_telling::Column::UserId)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}
