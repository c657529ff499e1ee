//! Standing leases: how other services may keep an account's standing (role, disabled,
//! deleted, 2FA, session cutoff) for a moment without it ever being stale.
//!
//! Every trade step used to ask login over HTTP whether the caller may still act. Instead,
//! `/internal/users/{id}` now hands out a lease with its answer: the caller may keep the
//! answer for [`LEASE`] from when it sent the request. Before answering, login makes sure
//! a row in `standing_leases` says the account is leased until at least
//! `now + LEASE + CLOCK_MARGIN` (extending it to twice that when less is left, so an
//! active trader's row is written about once per `LEASE`). The lease is written *before*
//! the standing is read, so every change to the standing is one of:
//! - committed before that read: the answer already shows it; or
//! - committed after the lease was written: then [`hold_until_released`], which every
//!   change calls after its commit and before it answers, sees the lease and waits it out.
//!
//! So once login has answered a change (a disable, a demotion, a sign-out everywhere, 2FA
//! turned on), no service still holds an answer from before it: the next step is judged
//! on the new standing. This needs no message to the holders, so it works with any number
//! of replicas on either side; the price is that a change to an account someone traded with
//! in the last seconds answers up to `2 × LEASE + CLOCK_MARGIN` later. `CLOCK_MARGIN`
//! covers a lag between the clocks of login replicas (one writes a lease, another waits
//! it out); more lag than that between replicas would break the promise (OPERATIONS.md).

use std::time::Duration;

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

use pupero_db::now_ms;

use crate::entity::standing_lease;

/// How long a holder may keep an answer, counted from when it sent its request.
pub const LEASE: Duration = Duration::from_millis(1_000);

/// Slack for the clocks of login replicas, which write and read the lease's end.
const CLOCK_MARGIN_MS: i64 = 250;

fn lease_ms() -> i64 {
    i64::try_from(LEASE.as_millis()).unwrap_or(i64::MAX)
}

/// Makes sure the account is leased long enough to cover an answer read after this
/// returns. Writes only when less than one lease (plus the margin) is left.
pub async fn grant(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    let now = now_ms();
    let needed = now.saturating_add(lease_ms() + CLOCK_MARGIN_MS);
    if until(db, user_id).await?.is_some_and(|u| u >= needed) {
        return Ok(());
    }
    let extended = now.saturating_add(2 * lease_ms() + CLOCK_MARGIN_MS);
    // Creates the row if missing (a no-op update on conflict, as elsewhere: sea-query
    // renders DO NOTHING as invalid SQL on MariaDB), then only ever moves its end later,
    // so two grants racing cannot shorten each other's lease.
    standing_lease::Entity::insert(standing_lease::ActiveModel {
        user_id: Set(user_id),
        until_ms: Set(extended),
    })
    .on_conflict(
        OnConflict::column(standing_lease::Column::UserId)
            .update_column(standing_lease::Column::UserId)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    standing_lease::Entity::update_many()
        .col_expr(standing_lease::Column::UntilMs, Expr::value(extended))
        .filter(standing_lease::Column::UserId.eq(user_id))
        .filter(standing_lease::Column::UntilMs.lt(extended))
        .exec(db)
        .await?;
    Ok(())
}

async fn until(db: &impl ConnectionTrait, user_id: i64) -> Result<Option<i64>, DbErr> {
    Ok(standing_lease::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|row| row.until_ms))
}

/// Called after a change to the account's standing has committed, before answering it:
/// waits until no other service may still hold an answer from before the change.
pub async fn hold_until_released(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    let Some(until) = until(db, user_id).await? else {
        return Ok(());
    };
    let left = until.saturating_sub(now_ms());
    if let Ok(ms) = u64::try_from(left)
        && ms > 0
    {
        tracing::debug!(user_id, ms, "waiting out standing leases before answering");
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    Ok(())
}
