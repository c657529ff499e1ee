//! The `network_fee_charges` table: one row per hot-wallet transaction whose fee was
//! journaled, so each is charged once.

use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::entity::network_fee_charge;

/// Records a charge; a unique violation means this transaction was charged before.
pub async fn insert_charge(
    db: &impl ConnectionTrait,
    tx_key: &str,
    fee: i64,
    entry_id: i64,
) -> Result<(), DbErr> {
    network_fee_charge::Entity::insert(network_fee_charge::ActiveModel {
        tx_key: Set(tx_key.to_owned()),
        fee: Set(fee),
        entry_id: Set(entry_id),
        created_at_ms: Set(pupero_db::now_ms()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
