//! The `trader_record_tellings` table: per trader, the counts of their trade record, how
//! many changes it had, and the last of them the offers service took.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entity::record_telling;
use crate::records::Counts;

/// Counts a change to each trader's record, adding `counts` to it, in the transaction
/// that makes the change.
pub async fn bump(db: &impl ConnectionTrait, changes: &[(i64, Counts)]) -> Result<(), DbErr> {
    use record_telling::Column as C;
    for &(user_id, counts) in changes {
        // The row first (a no-op when it exists), then the change, which a concurrent
        // change of the same trader waits to make after this one.
        record_telling::Entity::insert(record_telling::ActiveModel {
            user_id: Set(user_id),
            version: Set(0),
            told_version: Set(0),
            completed_trades: Set(0),
            cancellations: Set(0),
            lost_disputes: Set(0),
        })
        .on_conflict(
            OnConflict::column(C::UserId)
                .update_column(C::UserId)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        record_telling::Entity::update_many()
            .col_expr(C::Version, Expr::col(C::Version).add(1))
            .col_expr(
                C::CompletedTrades,
                Expr::col(C::CompletedTrades).add(counts.completed_trades),
            )
            .col_expr(
                C::Cancellations,
                Expr::col(C::Cancellations).add(counts.cancellations),
            )
            .col_expr(
                C::LostDisputes,
                Expr::col(C::LostDisputes).add(counts.lost_disputes),
            )
            .filter(C::UserId.eq(user_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The rows of `user_ids` that exist (a trader without one has an empty record).
pub async fn of(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<Vec<record_telling::Model>, DbErr> {
    record_telling::Entity::find()
        .filter(record_telling::Column::UserId.is_in(user_ids.iter().copied()))
        .all(db)
        .await
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

/// Sets each trader's counts to what was counted from the trades themselves (the
/// migration that introduced the counts).
pub async fn set_counts(
    db: &impl ConnectionTrait,
    user_id: i64,
    counts: Counts,
) -> Result<(), DbErr> {
    use record_telling::Column as C;
    record_telling::Entity::update_many()
        .col_expr(C::CompletedTrades, Expr::value(counts.completed_trades))
        .col_expr(C::Cancellations, Expr::value(counts.cancellations))
        .col_expr(C::LostDisputes, Expr::value(counts.lost_disputes))
        .filter(C::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Every trader with a row, in id order after `after`, up to `limit`.
pub async fn users_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    record_telling::Entity::find()
        .select_only()
        .column(record_telling::Column::UserId)
        .filter(record_telling::Column::UserId.gt(after))
        .order_by_asc(record_telling::Column::UserId)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
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
