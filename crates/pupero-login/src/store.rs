//! The login service's SQL, all through SeaORM so one text serves the three backends.

use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use pupero_core::{Email, Role, Username};
use pupero_db::now_ms;

use crate::entity::{
    login_failure, recovery_code, refresh_token, restriction, used_mfa_token, user,
};

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
        tokens_valid_after_ms: Set(None),
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

/// How failed attempts are counted and answered (see docs/ARCHITECTURE.md, "Sign-in
/// limits").
#[derive(Debug, Clone, Copy)]
pub struct FailurePolicy {
    /// Failures from one client on one account before that client is locked out of it.
    pub per_client: u32,
    pub lockout_ms: i64,
    /// Failures on one account from all clients before each further one makes the
    /// whole account wait.
    pub per_account: u32,
    pub backoff_max_ms: i64,
}

const FAILURES_FADE_MS: i64 = 24 * 3_600_000;

/// Counts a failed password or code from `client`. When the client reaches its limit it
/// is locked out of this account for `lockout_ms` (other clients, the owner's among them,
/// are not); past the account-wide limit every failure makes the account wait, doubling
/// from one second up to `backoff_max_ms`. Returns when the caller may try again, if a
/// wait now applies to it.
pub async fn record_failed_login(
    db: &impl ConnectionTrait,
    user_id: i64,
    client: &str,
    policy: FailurePolicy,
) -> Result<Option<i64>, DbErr> {
    let now = now_ms();
    // Failures fade after a quiet day (a lockout in force stays), so the table keeps
    // only recent attempts and a slow typist is not locked out by last month's typos.
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::UserId.eq(user_id))
        .filter(login_failure::Column::UpdatedAtMs.lt(now - FAILURES_FADE_MS))
        .filter(
            Condition::any()
                .add(login_failure::Column::LockedUntilMs.is_null())
                .add(login_failure::Column::LockedUntilMs.lt(now)),
        )
        .exec(db)
        .await?;
    let bumped = login_failure::Entity::update_many()
        .col_expr(
            login_failure::Column::Failures,
            Expr::col(login_failure::Column::Failures).add(1),
        )
        .col_expr(login_failure::Column::UpdatedAtMs, Expr::value(now))
        .filter(login_failure::Column::UserId.eq(user_id))
        .filter(login_failure::Column::Client.eq(client))
        .exec(db)
        .await?;
    if bumped.rows_affected == 0 {
        let first = login_failure::Entity::insert(login_failure::ActiveModel {
            user_id: Set(user_id),
            client: Set(client.to_owned()),
            failures: Set(1),
            locked_until_ms: Set(None),
            updated_at_ms: Set(now),
        })
        .exec_without_returning(db)
        .await;
        match first {
            Ok(_) => {}
            // A concurrent failure from the same client made the row first.
            Err(e) if pupero_db::is_unique_violation(&e) => {
                login_failure::Entity::update_many()
                    .col_expr(
                        login_failure::Column::Failures,
                        Expr::col(login_failure::Column::Failures).add(1),
                    )
                    .filter(login_failure::Column::UserId.eq(user_id))
                    .filter(login_failure::Column::Client.eq(client))
                    .exec(db)
                    .await?;
            }
            Err(e) => return Err(e),
        }
    }
    let client_until = now + policy.lockout_ms;
    // Only the request that reaches the threshold locks; concurrent ones see the reset.
    let client_locked = login_failure::Entity::update_many()
        .col_expr(login_failure::Column::Failures, Expr::value(0))
        .col_expr(
            login_failure::Column::LockedUntilMs,
            Expr::value(client_until),
        )
        .filter(login_failure::Column::UserId.eq(user_id))
        .filter(login_failure::Column::Client.eq(client))
        .filter(
            login_failure::Column::Failures
                .gte(i32::try_from(policy.per_client).unwrap_or(i32::MAX)),
        )
        .exec(db)
        .await?
        .rows_affected
        > 0;

    user::Entity::update_many()
        .col_expr(
            user::Column::FailedLogins,
            Expr::col(user::Column::FailedLogins).add(1),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    let total = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map_or(0, |u| i64::from(u.failed_logins));
    let over = total - i64::from(policy.per_account);
    let mut account_until = None;
    if over >= 0 {
        let doublings = Ord::min(u32::try_from(over).unwrap_or(u32::MAX), 40);
        let wait = Ord::min(
            1000_i64.checked_shl(doublings).unwrap_or(i64::MAX),
            policy.backoff_max_ms,
        );
        let until = now + wait;
        user::Entity::update_many()
            .col_expr(user::Column::LockedUntilMs, Expr::value(until))
            .filter(user::Column::Id.eq(user_id))
            .exec(db)
            .await?;
        account_until = Some(until);
    }
    Ok(
        match (client_locked.then_some(client_until), account_until) {
            (Some(a), Some(b)) => Some(Ord::max(a, b)),
            (a, b) => a.or(b),
        },
    )
}

/// When `client` may next try this account, if it must wait: the later of the
/// account-wide backoff and this client's own lockout.
pub async fn locked_until(
    db: &impl ConnectionTrait,
    user: &user::Model,
    client: &str,
) -> Result<Option<i64>, DbErr> {
    let now = now_ms();
    let own = login_failure::Entity::find_by_id((user.id, client.to_owned()))
        .one(db)
        .await?
        .and_then(|row| row.locked_until_ms);
    Ok([user.locked_until_ms, own]
        .into_iter()
        .flatten()
        .filter(|until| *until > now)
        .max())
}

/// A successful sign-in: the account-wide count starts again, and so does this client's.
/// Other clients' lockouts stand.
///
/// Writes only what there is to clear: most sign-ins follow no failure, and on SQLite each
/// write statement queues on the one writer (issue 11: two needless writes per login).
/// `user` is the row read at the start of this sign-in.
pub async fn clear_failed_logins(
    db: &impl ConnectionTrait,
    user: &user::Model,
    client: &str,
) -> Result<(), DbErr> {
    if user.failed_logins != 0 || user.locked_until_ms.is_some() {
        user::Entity::update_many()
            .col_expr(user::Column::FailedLogins, Expr::value(0))
            .col_expr(
                user::Column::LockedUntilMs,
                Expr::value(Option::<i64>::None),
            )
            .filter(user::Column::Id.eq(user.id))
            .exec(db)
            .await?;
    }
    let failed_here = login_failure::Entity::find_by_id((user.id, client.to_owned()))
        .one(db)
        .await?
        .is_some();
    if failed_here {
        login_failure::Entity::delete_many()
            .filter(login_failure::Column::UserId.eq(user.id))
            .filter(login_failure::Column::Client.eq(client))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Whether a two-factor sign-in challenge has already made a session.
pub async fn mfa_token_spent(db: &impl ConnectionTrait, jti: &str) -> Result<bool, DbErr> {
    Ok(used_mfa_token::Entity::find_by_id(jti.to_owned())
        .one(db)
        .await?
        .is_some())
}

/// Marks a challenge as used; false if another request used it first (the primary key
/// decides between concurrent ones).
pub async fn spend_mfa_token(
    db: &impl ConnectionTrait,
    jti: &str,
    expires_at_ms: i64,
) -> Result<bool, DbErr> {
    // Spent challenges past their expiry are refused by their signature anyway.
    used_mfa_token::Entity::delete_many()
        .filter(used_mfa_token::Column::ExpiresAtMs.lt(now_ms()))
        .exec(db)
        .await?;
    let inserted = used_mfa_token::Entity::insert(used_mfa_token::ActiveModel {
        jti: Set(jti.to_owned()),
        expires_at_ms: Set(expires_at_ms),
    })
    .exec_without_returning(db)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if pupero_db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Replaces a user's recovery codes (the old ones stop working).
pub async fn replace_recovery_codes(
    db: &impl ConnectionTrait,
    user_id: i64,
    hashes: &[String],
) -> Result<(), DbErr> {
    delete_recovery_codes(db, user_id).await?;
    let now = now_ms();
    let rows = hashes.iter().map(|hash| recovery_code::ActiveModel {
        user_id: Set(user_id),
        code_hash: Set(hash.clone()),
        used_at_ms: Set(None),
        created_at_ms: Set(now),
        ..Default::default()
    });
    recovery_code::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn delete_recovery_codes(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Spends an unused recovery code; the guarded UPDATE lets exactly one of two concurrent
/// uses win.
pub async fn spend_recovery_code(
    db: &impl ConnectionTrait,
    user_id: i64,
    code_hash: &str,
) -> Result<bool, DbErr> {
    let result = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAtMs, Expr::value(now_ms()))
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::CodeHash.eq(code_hash))
        .filter(recovery_code::Column::UsedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn recovery_codes_left(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::UsedAtMs.is_null())
        .count(db)
        .await
}

/// Seals TOTP secrets still stored in plaintext (rows from before sealing). Idempotent:
/// sealed rows are left alone, so every start may run it.
pub async fn seal_plaintext_totp_secrets(
    db: &impl ConnectionTrait,
    sealer: &pupero_db::seal::Sealer,
) -> Result<u64, DbErr> {
    use pupero_db::seal::Sealer;
    let rows = user::Entity::find()
        .filter(
            Condition::any()
                .add(user::Column::TotpSecret.is_not_null())
                .add(user::Column::TotpPendingSecret.is_not_null()),
        )
        .all(db)
        .await?;
    let mut sealed = 0;
    for row in rows {
        let plain = |v: &Option<String>| {
            v.as_deref()
                .filter(|s| !Sealer::is_sealed(s))
                .map(str::to_owned)
        };
        let (secret, pending) = (plain(&row.totp_secret), plain(&row.totp_pending_secret));
        if secret.is_none() && pending.is_none() {
            continue;
        }
        let bound = crate::totp::binding(row.id);
        let seal = |s: String| {
            sealer
                .seal(&s, &bound)
                .map_err(|e| DbErr::Custom(e.to_string()))
        };
        let mut update = user::Entity::update_many().filter(user::Column::Id.eq(row.id));
        if let Some(s) = secret {
            update = update
                .col_expr(user::Column::TotpSecret, Expr::value(seal(s.clone())?))
                // Guarded on the old value: a concurrent change to the row wins.
                .filter(user::Column::TotpSecret.eq(s));
        }
        if let Some(s) = pending {
            update = update
                .col_expr(
                    user::Column::TotpPendingSecret,
                    Expr::value(seal(s.clone())?),
                )
                .filter(user::Column::TotpPendingSecret.eq(s));
        }
        sealed += update.exec(db).await?.rows_affected;
    }
    Ok(sealed)
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
/// Ends every session of an account: its refresh tokens are revoked, and its access tokens
/// issued before now stop working for writes and staff actions (checked at use through
/// the account's standing; reads stay stateless until the tokens expire). Returns the
/// refresh tokens revoked.
pub async fn end_all_sessions(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    // Tokens carry `iat` in whole seconds, and the tokens a client gets right after this
    // (a new login after a password change) may carry this same second: the cut is the
    // start of the current second so they pass. A token issued earlier in this very second
    // passes too; that one-second window is the price of second-granular `iat`.
    let cutoff_ms = now_ms() / 1000 * 1000;
    // Refresh tokens first, then the user row: the order a refresh takes its locks in
    // (spend the token, then touch the account). The other order deadlocked on
    // PostgreSQL when a reused token's session end met the winning refresh.
    let revoked = revoke_all_refresh_tokens(db, user_id).await?;
    user::Entity::update_many()
        .col_expr(user::Column::TokensValidAfterMs, Expr::value(cutoff_ms))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(revoked)
}

async fn revoke_all_refresh_tokens(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
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

/// Live accounts whose username contains `part` (already lower-case, username characters
/// only), those starting with it first, then by name. `_` is a username character and a
/// LIKE wildcard, so the pattern escapes it (and the escape character) explicitly: SQLite
/// has no default escape.
pub async fn search_usernames(
    db: &impl ConnectionTrait,
    part: &str,
    limit: u64,
    offset: u64,
) -> Result<(Vec<user::Model>, u64), DbErr> {
    use sea_orm::sea_query::LikeExpr;
    let escaped = escape_like(part);
    let contains = LikeExpr::new(format!("%{escaped}%")).escape('\\');
    let starts = LikeExpr::new(format!("{escaped}%")).escape('\\');
    let query = user::Entity::find()
        .filter(user::Column::DeletedAtMs.is_null())
        .filter(user::Column::UsernameNormalized.like(contains));
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(Into::<Expr>::into(
            Expr::case(Expr::col(user::Column::UsernameNormalized).like(starts), 0).finally(1),
        ))
        .order_by_asc(user::Column::UsernameNormalized)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// `text` with LIKE's wildcards and the escape character `\` escaped.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
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
    end_all_sessions(db, user_id).await?;
    delete_recovery_codes(db, user_id).await?;
    Ok(())
}

/// Account administration's audit chain (see `pupero_db::audit_chain`).
pub const AUDIT_CHAIN: pupero_db::audit_chain::Chain = pupero_db::audit_chain::Chain::LOGIN;

/// Appends an admin action on `target_user` to the audit chain, in the caller's transaction.
pub async fn record_audit(
    db: &impl ConnectionTrait,
    actor_id: i64,
    action: pupero_core::AuditAction,
    target_user: i64,
    details: String,
) -> Result<(), DbErr> {
    pupero_db::audit_chain::append(
        db,
        AUDIT_CHAIN,
        pupero_db::audit_chain::NewRecord {
            actor_id: Some(actor_id),
            action: action.as_str().to_owned(),
            target: format!("user:{target_user}"),
            details,
        },
    )
    .await?;
    Ok(())
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

/// The sanctions moderation reported on an account, expired ones included (the reader
/// compares them with its own clock).
pub async fn restrictions_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<pupero_api::internal::login::Restriction>, DbErr> {
    Ok(restriction::Entity::find()
        .filter(restriction::Column::UserId.eq(user_id))
        .order_by_asc(restriction::Column::SanctionId)
        .all(db)
        .await?
        .into_iter()
        .map(|r| pupero_api::internal::login::Restriction {
            sanction_id: r.sanction_id,
            kind: r.kind,
            reason: r.reason,
            expires_at_ms: r.expires_at_ms,
        })
        .collect())
}

/// Replaces an account's restrictions with `list`, in the caller's transaction.
pub async fn replace_restrictions(
    db: &impl ConnectionTrait,
    user_id: i64,
    list: &[pupero_api::internal::login::Restriction],
) -> Result<(), DbErr> {
    restriction::Entity::delete_many()
        .filter(restriction::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if list.is_empty() {
        return Ok(());
    }
    restriction::Entity::insert_many(list.iter().map(|r| restriction::ActiveModel {
        sanction_id: Set(r.sanction_id),
        user_id: Set(user_id),
        kind: Set(r.kind),
        reason: Set(r.reason.chars().take(500).collect()),
        expires_at_ms: Set(r.expires_at_ms),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}
