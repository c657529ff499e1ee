//! The `mail_settings` and `email_tokens` tables.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
};

use pupero_db::now_ms;

use super::TokenPurpose;
use crate::entity::{email_token, mail_settings};

pub async fn settings_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<mail_settings::Model>, DbErr> {
    mail_settings::Entity::find_by_id(user_id).one(db).await
}

/// What to change in a user's settings (`None`: leave as it is).
#[derive(Debug, Default)]
pub struct SettingsChange {
    pub verified_email: Option<Option<String>>,
    pub anti_phishing_phrase: Option<Option<String>>,
    pub email_events: Option<Option<String>>,
}

/// Writes the changed settings, creating the row if there is none.
pub async fn save_settings(
    db: &impl ConnectionTrait,
    user_id: i64,
    change: SettingsChange,
) -> Result<(), DbErr> {
    let now = now_ms();
    let current = settings_of(db, user_id).await?;
    let base = current.unwrap_or(mail_settings::Model {
        user_id,
        verified_email: None,
        verified_at_ms: None,
        anti_phishing_phrase: None,
        email_events: None,
        updated_at_ms: now,
    });
    let verified_at_ms = match &change.verified_email {
        Some(Some(_)) => Some(now),
        Some(None) => None,
        None => base.verified_at_ms,
    };
    let row = mail_settings::ActiveModel {
        user_id: Set(user_id),
        verified_email: Set(change.verified_email.unwrap_or(base.verified_email)),
        verified_at_ms: Set(verified_at_ms),
        anti_phishing_phrase: Set(change
            .anti_phishing_phrase
            .unwrap_or(base.anti_phishing_phrase)),
        email_events: Set(change.email_events.unwrap_or(base.email_events)),
        updated_at_ms: Set(now),
    };
    mail_settings::Entity::insert(row)
        .on_conflict(
            OnConflict::column(mail_settings::Column::UserId)
                .update_columns([
                    mail_settings::Column::VerifiedEmail,
                    mail_settings::Column::VerifiedAtMs,
                    mail_settings::Column::AntiPhishingPhrase,
                    mail_settings::Column::EmailEvents,
                    mail_settings::Column::UpdatedAtMs,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub struct NewToken<'a> {
    pub user_id: i64,
    pub purpose: TokenPurpose,
    pub token_hash: &'a str,
    pub email: &'a str,
    pub expires_at_ms: i64,
}

pub async fn insert_token(db: &impl ConnectionTrait, new: NewToken<'_>) -> Result<(), DbErr> {
    email_token::Entity::insert(email_token::ActiveModel {
        user_id: Set(new.user_id),
        purpose: Set(new.purpose),
        token_hash: Set(new.token_hash.to_owned()),
        email: Set(new.email.to_owned()),
        created_at_ms: Set(now_ms()),
        expires_at_ms: Set(new.expires_at_ms),
        used_at_ms: Set(None),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// How many links of `purpose` were made for a user since `since_ms` (the per-account
/// rate limit, held in the database so it spans replicas and restarts).
pub async fn tokens_since(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: TokenPurpose,
    since_ms: i64,
) -> Result<u64, DbErr> {
    email_token::Entity::find()
        .filter(email_token::Column::UserId.eq(user_id))
        .filter(email_token::Column::Purpose.eq(purpose))
        .filter(email_token::Column::CreatedAtMs.gte(since_ms))
        .count(db)
        .await
}

/// A live (unused, unexpired) token of `purpose` by its hash.
pub async fn live_token(
    db: &impl ConnectionTrait,
    token_hash: &str,
    purpose: TokenPurpose,
) -> Result<Option<email_token::Model>, DbErr> {
    email_token::Entity::find()
        .filter(email_token::Column::TokenHash.eq(token_hash))
        .filter(email_token::Column::Purpose.eq(purpose))
        .filter(email_token::Column::UsedAtMs.is_null())
        .filter(email_token::Column::ExpiresAtMs.gt(now_ms()))
        .one(db)
        .await
}

/// Spends a token; the guarded UPDATE lets exactly one of two concurrent uses win.
pub async fn spend_token(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let now = now_ms();
    let done = email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAtMs, Expr::value(now))
        .filter(email_token::Column::Id.eq(id))
        .filter(email_token::Column::UsedAtMs.is_null())
        .filter(email_token::Column::ExpiresAtMs.gt(now))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Spends every live token of `purpose` of a user (a reset that succeeded voids the
/// other links mailed before it).
pub async fn void_tokens(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: TokenPurpose,
) -> Result<(), DbErr> {
    email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAtMs, Expr::value(now_ms()))
        .filter(email_token::Column::UserId.eq(user_id))
        .filter(email_token::Column::Purpose.eq(purpose))
        .filter(email_token::Column::UsedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets an account's mail data (account deletion).
pub async fn forget(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    email_token::Entity::delete_many()
        .filter(email_token::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    mail_settings::Entity::delete_by_id(user_id)
        .exec(db)
        .await?;
    Ok(())
}
