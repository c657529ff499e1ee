//! The `trader_record_tellings` table: per trader, the counts of their trade record, how
//! many changes it had, and the last of them the offers service took.

use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, Iden,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::record_telling;
use crate::records::Counts;

/// Counts a change to each trader's record, adding `counts` to it, in the transaction
/// that makes the change: one statement for all of them, creating the rows not there yet.
pub async fn bump(db: &impl ConnectionTrait, changes: &[(i64, Counts)]) -> Result<(), DbErr> {
    use record_telling::Column as C;
    if changes.is_empty() {
        return Ok(());
    }
    // In user order, so two transactions bumping the same traders lock them alike.
    let mut changes = changes.to_vec();
    changes.sort_unstable_by_key(|&(user_id, _)| user_id);
    let rows = changes
        .iter()
        .map(|&(user_id, counts)| record_telling::ActiveModel {
            user_id: Set(user_id),
            version: Set(1),
            told_version: Set(0),
            completed_trades: Set(counts.completed_trades),
            cancellations: Set(counts.cancellations),
            lost_disputes: Set(counts.lost_disputes),
        });
    let backend = db.get_database_backend();
    let kept = |c: C| Expr::col((record_telling::Entity, c));
    let added = |c: C| kept(c).add(proposed(backend, c));
    record_telling::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(C::UserId)
                .value(C::Version, kept(C::Version).add(1))
                .value(C::CompletedTrades, added(C::CompletedTrades))
                .value(C::Cancellations, added(C::Cancellations))
                .value(C::LostDisputes, added(C::LostDisputes))
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The value a conflicting insert proposed for `column`, as each backend names it.
fn proposed(backend: DbBackend, column: record_telling::Column) -> Expr {
    let name = column.to_string();
    match backend {
        DbBackend::MySql => Expr::cust(format!("VALUES(`{name}`)")),
        _ => Expr::cust(format!("excluded.\"{name}\"")),
    }
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

/// The offers service took these versions of these traders' records (each trader once):
/// one statement, which leaves a trader alone whose newer version was marked meanwhile.
pub async fn mark_told(db: &impl ConnectionTrait, told: &[(i64, i64)]) -> Result<(), DbErr> {
    use record_telling::Column as C;
    if told.is_empty() {
        return Ok(());
    }
    let version_of = || {
        told.iter()
            .fold(CaseStatement::new(), |case, &(user_id, version)| {
                case.case(C::UserId.eq(user_id), version)
            })
            .finally(Expr::col(C::ToldVersion))
    };
    record_telling::Entity::update_many()
        .col_expr(C::ToldVersion, version_of().into())
        .filter(C::UserId.is_in(told.iter().map(|&(user_id, _)| user_id)))
        .filter(Expr::col(C::ToldVersion).lt(version_of()))
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
