//! The audit log: every moderator and admin action, appended in the same transaction as
//! the action itself.

use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::entity::audit;

pub async fn record(
    db: &impl ConnectionTrait,
    actor_id: i64,
    action: &str,
    target: String,
    details: String,
) -> Result<(), DbErr> {
    audit::Entity::insert(audit::ActiveModel {
        actor_id: Set(actor_id),
        action: Set(action.to_owned()),
        target: Set(target),
        details: Set(details.chars().take(2000).collect()),
        created_at_ms: Set(pupero_db::now_ms()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
