//! When each account was last seen, told to the offers service, which shows it (and the
//! account's age) beside the account's offers and filters on it.
//!
//! "Seen" is signing in, registering, or renewing a session (which an active client does
//! every access-token lifetime); it is kept to the hour, so at most one write per account
//! per hour, never one per request. After the write commits the offers service is told,
//! and the told time is noted; a telling lost (a crash, offers down) leaves the account
//! behind, and [`spawn_retell`] tells it again. Offers keeps the latest time it was told
//! and ignores an earlier one, so tellings that cross do no harm; the retell pass may then
//! run on every replica.

use std::time::Duration;

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use pupero_api::internal::offers::PresenceTold;
use pupero_db::{is_unique_violation, now_ms};
use pupero_http::ApiResult;

use crate::entity::presence;
use crate::state::LoginState;
use crate::store;

/// "Last seen" is kept to this grain.
const GRAIN_MS: i64 = 3_600_000;
/// Accounts told per retell pass (the rest wait for the next).
const RETELL_BATCH: u64 = 100;

/// Notes that `user_id` was seen now; true when that changed what is kept (at most once
/// per hour per account), and offers should be told.
pub async fn seen(db: &impl ConnectionTrait, user_id: i64) -> Result<bool, DbErr> {
    let now = now_ms();
    let moved = presence::Entity::update_many()
        .col_expr(presence::Column::SeenAtMs, Expr::value(now))
        .filter(presence::Column::UserId.eq(user_id))
        .filter(presence::Column::SeenAtMs.lte(now - GRAIN_MS))
        .exec(db)
        .await?;
    if moved.rows_affected > 0 {
        return Ok(true);
    }
    if presence::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    match presence::Entity::insert(presence::ActiveModel {
        user_id: Set(user_id),
        seen_at_ms: Set(now),
        told_seen_ms: Set(0),
    })
    .exec_without_returning(db)
    .await
    {
        Ok(_) => Ok(true),
        // Seen at the same moment by another request, which tells.
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Tells offers when `user_id` joined and was last seen, then notes it told.
pub async fn tell(state: &LoginState, user_id: i64) -> ApiResult<()> {
    let Some(row) = presence::Entity::find_by_id(user_id).one(&state.db).await? else {
        return Ok(());
    };
    let Some(user) = store::find_user(&state.db, user_id).await? else {
        return Ok(());
    };
    let told = PresenceTold {
        joined_at_ms: user.created_at_ms,
        seen_at_ms: row.seen_at_ms,
    };
    let _: PresenceTold = state
        .offers
        .put(&format!("/internal/traders/{user_id}/presence"), &told)
        .await?;
    presence::Entity::update_many()
        .col_expr(presence::Column::ToldSeenMs, Expr::value(row.seen_at_ms))
        .filter(presence::Column::UserId.eq(user_id))
        .filter(presence::Column::ToldSeenMs.lt(row.seen_at_ms))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// After a request that saw `user_id` committed: tell offers, or leave it to the retell
/// pass (never the request's failure).
pub async fn seen_and_tell(state: &LoginState, user_id: i64) {
    match seen(&state.db, user_id).await {
        Ok(true) => {
            if let Err(e) = tell(state, user_id).await {
                tracing::warn!(user_id, error = %e.message, "last seen not told to offers; the retell pass will");
            }
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(user_id, error = %e, "last seen not noted"),
    }
}

/// Tells again, every `RECORD_RETELL_SECONDS`, the accounts whose last seen offers may not
/// have taken.
pub fn spawn_retell(
    state: LoginState,
    interval: Duration,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    pupero_http::periodic::every(interval, shutdown, move || {
        let state = state.clone();
        async move { retell(&state).await }
    })
}

async fn retell(state: &LoginState) {
    let behind: Vec<i64> = match presence::Entity::find()
        .select_only()
        .column(presence::Column::UserId)
        .filter(Expr::col(presence::Column::ToldSeenMs).lt(Expr::col(presence::Column::SeenAtMs)))
        .order_by_asc(presence::Column::UserId)
        .limit(RETELL_BATCH)
        .into_tuple()
        .all(&state.db)
        .await
    {
        Ok(users) => users,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the accounts behind; will retry");
            return;
        }
    };
    for user_id in behind {
        if let Err(e) = tell(state, user_id).await {
            tracing::warn!(user_id, error = %e.message, "last seen could not be told again; will retry");
            return;
        }
    }
}
