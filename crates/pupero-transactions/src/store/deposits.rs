//! The `deposit_credits` table: one row per credited deposit, so each credits once.

use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::entity::deposit_credit;

pub struct NewCredit<'a> {
    pub deposit_key: &'a str,
    pub user_id: i64,
    pub amount: i64,
    pub txid: &'a str,
    pub entry_id: i64,
}

/// Records a credit; a unique violation means this deposit was credited before.
pub async fn insert_credit(db: &impl ConnectionTrait, new: NewCredit<'_>) -> Result<(), DbErr> {
    deposit_credit::Entity::insert(deposit_credit::ActiveModel {
        deposit_key: Set(new.deposit_key.to_owned()),
        user_id: Set(new.user_id),
        amount: Set(new.amount),
        txid: Set(new.txid.to_owned()),
        entry_id: Set(new.entry_id),
        created_at_ms: Set(pupero_db::now_ms()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
