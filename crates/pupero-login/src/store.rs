//! The login service's SQL, all through SeaORM so one text serves the three backends.

use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use pupero_core::{Email, Role, Username};
use pupero_db::now_ms;

use crate::entity::{audit, refresh_token, user};

pub struct NewUser<'a> {
    pub email: &'a Email,
    pub username: &'a Username,
    pub password_hash: String,
    pub role: Role,
}

pub async fn insert_user(db: &impl ConnectionTrait, new: NewUser<'_>) -> Result<i64, DbErr> {
    let now = now_ms();
    let row = user::ActiveModel {
        email: Set(Some(new.email.as_str().to_owned())),
        email_normalized: Set(Some(new.email.normalized())),
        username: Set(new.username.as_str().to_owned()),
        username_normalized: Set(Some(new.username.normalized())),
        password_hash: Set(new.password_hash),
        role: Set(new.role.as_str().to_owned()),
        disabled: Set(false),
        totp_secret: Set(None),
        totp_pending_secret: Set(None),
        totp_last_step: Set(None),
        failed_logins: Set(0),
        locked_until_ms: Set(None),
        created_at_ms: Set(now),
        updated_at_ms: Set(now),
        deleted_at_ms: Set(None),
        ..Default::default()
    };
    Ok(user::Entity::insert(row).exec(db).await?.last_insert_id)
}

pub async fn find_user(db: &impl ConnectionTrait, id: i64) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

/// A live (not deleted) account by username or email, case-insensitively.
pub async fn find_by_login(
    db: &impl ConnectionTrait,
    identifier: &str,
) -> Result<Option<user::Model>, DbErr> {
    let key = identifier.trim().to_lowercase();
    let column = if key.contains('@') {
        user::Column::EmailNormalized
    } else {
        user::Column::UsernameNormalized
    };
    user::Entity::find().filter(column.eq(key)).one(db).await
}

pub async fn username_taken(db: &impl ConnectionTrait, username: &Username) -> Result<bool, DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::UsernameNormalized.eq(username.normalized()))
        .count(db)
        .await?
        > 0)
}

pub async fn email_taken(db: &impl ConnectionTrait, email: &Email) -> Result<bool, DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::EmailNormalized.eq(email.normalized()))
        .count(db)
        .await?
        > 0)
}

/// Counts a failed password or code; at `max_failures` the account is locked until
/// `now + lockout_ms` and the count starts again. Returns the lock end when it locks.
pub async fn record_failed_login(
    db: &impl ConnectionTrait,
    user_id: i64,
    max_failures: u32,
    lockout_ms: i64,
) -> Result<Option<i64>, DbErr> {
    user::Entity::update_many()
        .col_expr(
            user::Column::FailedLogins,
            Expr::col(user::Column::FailedLogins).add(1),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    let until = now_ms() + lockout_ms;
    // Only the request that reaches the threshold locks; concurrent ones see the reset.
    let locked = user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::LockedUntilMs, Expr::value(until))
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::FailedLogins.gte(i32::try_from(max_failures).unwrap_or(i32::MAX)))
        .exec(db)
        .await?;
    Ok((locked.rows_affected > 0).then_some(until))
}

pub async fn clear_failed_logins(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(
            user::Column::LockedUntilMs,
            Expr::value(Option::<i64>::None),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records that a TOTP step was used, only if it is later than every step used before.
/// False means the code was already spent (a replay), even under concurrent requests.
pub async fn consume_totp_step(
    db: &impl ConnectionTrait,
    user_id: i64,
    step: i64,
) -> Result<bool, DbErr> {
    let result = user::Entity::update_many()
        .col_expr(user::Column::TotpLastStep, Expr::value(step))
        .filter(user::Column::Id.eq(user_id))
        .filter(
            Condition::any()
                .add(user::Column::TotpLastStep.is_null())
                .add(user::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn insert_refresh_token(
    db: &impl ConnectionTrait,
    jti: &str,
    user_id: i64,
    remember_me: bool,
    expires_at_ms: i64,
) -> Result<(), DbErr> {
    refresh_token::Entity::insert(refresh_token::ActiveModel {
        jti: Set(jti.to_owned()),
        user_id: Set(user_id),
        remember_me: Set(remember_me),
        expires_at_ms: Set(expires_at_ms),
        created_at_ms: Set(now_ms()),
        used_at_ms: Set(None),
        revoked_at_ms: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// What happened when a refresh token was presented.
pub enum RefreshUse {
    /// It was live and is now spent.
    Consumed(refresh_token::Model),
    /// It had been used or revoked before: someone holds a copy.
    Reused { user_id: i64 },
    /// Unknown or expired.
    Invalid,
}

/// Spends a refresh token exactly once: the guarded UPDATE lets one of two concurrent
/// refreshes win.
pub async fn consume_refresh_token(
    db: &impl ConnectionTrait,
    jti: &str,
) -> Result<RefreshUse, DbErr> {
    let now = now_ms();
    let spent = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAtMs, Expr::value(now))
        .filter(refresh_token::Column::Jti.eq(jti))
        .filter(refresh_token::Column::UsedAtMs.is_null())
        .filter(refresh_token::Column::RevokedAtMs.is_null())
        .filter(refresh_token::Column::ExpiresAtMs.gt(now))
        .exec(db)
        .await?;
    let row = refresh_token::Entity::find_by_id(jti.to_owned())
        .one(db)
        .await?;
    Ok(match row {
        Some(row) if spent.rows_affected == 1 => RefreshUse::Consumed(row),
        Some(row) if row.used_at_ms.is_some() || row.revoked_at_ms.is_some() => {
            RefreshUse::Reused {
                user_id: row.user_id,
            }
        }
        _ => RefreshUse::Invalid,
    })
}

pub async fn revoke_refresh_token(db: &impl ConnectionTrait, jti: &str) -> Result<bool, DbErr> {
    let result = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAtMs, Expr::value(now_ms()))
        .filter(refresh_token::Column::Jti.eq(jti))
        .filter(refresh_token::Column::RevokedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Ends every session of a user (logout everywhere, password change, disable, delete).
pub async fn revoke_all_refresh_tokens(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<u64, DbErr> {
    let result = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAtMs, Expr::value(now_ms()))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

pub async fn list_users(
    db: &impl ConnectionTrait,
    search: Option<&str>,
    limit: u64,
    offset: u64,
) -> Result<(Vec<user::Model>, u64), DbErr> {
    let mut query = user::Entity::find().filter(user::Column::DeletedAtMs.is_null());
    if let Some(q) = search.map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", q.to_lowercase().replace(['%', '_'], ""));
        query = query.filter(
            Condition::any()
                .add(user::Column::UsernameNormalized.like(pattern.clone()))
                .add(user::Column::EmailNormalized.like(pattern)),
        );
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(user::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    Ok((rows, total))
}

pub async fn set_role(db: &impl ConnectionTrait, user_id: i64, role: Role) -> Result<bool, DbErr> {
    update_live_user(db, user_id, user::Column::Role, Expr::value(role.as_str())).await
}

pub async fn set_disabled(
    db: &impl ConnectionTrait,
    user_id: i64,
    disabled: bool,
) -> Result<bool, DbErr> {
    update_live_user(db, user_id, user::Column::Disabled, Expr::value(disabled)).await
}

async fn update_live_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    column: user::Column,
    value: Expr,
) -> Result<bool, DbErr> {
    let result = user::Entity::update_many()
        .col_expr(column, value)
        .col_expr(user::Column::UpdatedAtMs, Expr::value(now_ms()))
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::DeletedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Saves changed columns of a user row.
pub async fn save_user(
    db: &impl ConnectionTrait,
    mut row: user::ActiveModel,
) -> Result<user::Model, DbErr> {
    row.updated_at_ms = Set(now_ms());
    row.update(db).await
}

/// Deletes an account in place: personal data goes, the id stays so nothing that refers
/// to it (trades, ledger) dangles and no new account can ever take the same id.
pub async fn tombstone_user(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    let now = now_ms();
    user::Entity::update_many()
        .col_expr(user::Column::Email, Expr::value(Option::<String>::None))
        .col_expr(
            user::Column::EmailNormalized,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            user::Column::Username,
            Expr::value(format!("deleted-{user_id}")),
        )
        .col_expr(
            user::Column::UsernameNormalized,
            Expr::value(Option::<String>::None),
        )
        .col_expr(user::Column::PasswordHash, Expr::value(""))
        .col_expr(
            user::Column::TotpSecret,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            user::Column::TotpPendingSecret,
            Expr::value(Option::<String>::None),
        )
        .col_expr(user::Column::Disabled, Expr::value(true))
        .col_expr(user::Column::DeletedAtMs, Expr::value(now))
        .col_expr(user::Column::UpdatedAtMs, Expr::value(now))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    revoke_all_refresh_tokens(db, user_id).await?;
    Ok(())
}

pub async fn record_audit(
    db: &impl ConnectionTrait,
    actor_id: i64,
    action: &str,
    target_user: i64,
    details: String,
) -> Result<(), DbErr> {
    audit::Entity::insert(audit::ActiveModel {
        actor_id: Set(actor_id),
        action: Set(action.to_owned()),
        target: Set(format!("user:{target_user}")),
        details: Set(details.chars().take(500).collect()),
        created_at_ms: Set(now_ms()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn audit_page(
    db: &impl ConnectionTrait,
    limit: u64,
    offset: u64,
) -> Result<(Vec<audit::Model>, u64), DbErr> {
    let total = audit::Entity::find().count(db).await?;
    let rows = audit::Entity::find()
        .order_by_desc(audit::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// (id, username) of the live accounts among `ids`.
pub async fn usernames(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<(i64, String)>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .filter(user::Column::DeletedAtMs.is_null())
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|u| (u.id, u.username)).collect())
}
