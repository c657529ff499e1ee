//! The `trade_messages` table.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entity::trade_message;

/// Messages of a trade with an id above `after`, oldest first.
pub async fn messages_after(
    db: &impl ConnectionTrait,
    trade_id: i64,
    after: i64,
    limit: u64,
) -> Result<Vec<trade_message::Model>, DbErr> {
    trade_message::Entity::find()
        .filter(trade_message::Column::TradeId.eq(trade_id))
        .filter(trade_message::Column::Id.gt(after))
        .order_by_asc(trade_message::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Stores a message (`staff_name`: its author's name when they write as staff) and reads
/// it back as stored.
pub async fn insert_message(
    db: &impl ConnectionTrait,
    trade_id: i64,
    sender_id: i64,
    body: &str,
    staff_name: Option<String>,
) -> Result<trade_message::Model, DbErr> {
    let row = trade_message::ActiveModel {
        trade_id: Set(trade_id),
        sender_id: Set(sender_id),
        body: Set(body.to_owned()),
        staff_name: Set(staff_name),
        created_at_ms: Set(pupero_db::now_ms()),
        ..Default::default()
    };
    let id = trade_message::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id;
    trade_message::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("trade message {id}")))
}

/// One message by id.
pub async fn find_message(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<trade_message::Model>, DbErr> {
    trade_message::Entity::find_by_id(id).one(db).await
}
