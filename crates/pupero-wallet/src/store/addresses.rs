//! `deposit_addresses`: which subaddress of the hot wallet belongs to whom.

use std::collections::HashMap;

use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use pupero_db::{is_unique_violation, now_ms};

use crate::entity::deposit_address;

pub async fn of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<deposit_address::Model>, DbErr> {
    deposit_address::Entity::find()
        .filter(deposit_address::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Records a user's subaddress. `false` when the user already has one (another replica
/// won the race; both user and index are unique).
pub async fn insert(
    db: &impl ConnectionTrait,
    user_id: i64,
    address_index: i64,
    address: &str,
) -> Result<bool, DbErr> {
    let row = deposit_address::ActiveModel {
        user_id: Set(user_id),
        address_index: Set(address_index),
        address: Set(address.to_owned()),
        created_at_ms: Set(now_ms()),
        ..Default::default()
    };
    match deposit_address::Entity::insert(row).exec(db).await {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Subaddress index → owner, for every address handed out.
pub async fn owners(db: &impl ConnectionTrait) -> Result<HashMap<i64, i64>, DbErr> {
    Ok(deposit_address::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.address_index, a.user_id))
        .collect())
}
