//! Making the sanctions kept here take effect where the actions are.
//!
//! After every change to a user's sanctions, the whole set in force is told to login
//! (`PUT /internal/users/{id}/restrictions`, replacing what it held), and whether the
//! user's offers are barred to offers (`PUT /internal/owners/{id}/barred`). Both are
//! idempotent, so telling them again is always safe. The other services never ask this
//! one: login's standing carries the restrictions, and offers filters its listing.
//!
//! The change is committed here first, then told; if a service cannot be told, the
//! change is undone here and told again, and the caller gets 503 with nothing changed.
//!
//! A telling can still be lost: this process may die between the commit and the call, or
//! the undo's own telling may fail. So every change also counts a version for its account
//! in the same transaction (`store::bump_enforcement`), a telling carries the version it
//! read before the sanctions it describes, and the account stays "behind" until both
//! services took it. [`spawn_retell`] tells every account behind again, on one replica at
//! a time. Login and offers keep the newest version they applied and ignore an older one
//! (`pupero_db::told_versions`), so a retelling that crosses a newer request's telling
//! cannot bring an old state back.

use std::time::Duration;

use pupero_api::internal::login::{Restriction, Restrictions};
use pupero_api::internal::offers::OwnerBar;
use pupero_http::ApiResult;

use crate::ModerationState;
use crate::entity::sanction;
use crate::store;

/// The lease job that tells again the accounts a telling may have missed.
const RETELL_JOB: &str = "sanction_retell";
/// Accounts told per pass (the rest wait for the next).
const RETELL_BATCH: u64 = 100;

/// What login and offers should hold for `user_id`, from this service's sanctions.
pub async fn tell(state: &ModerationState, user_id: i64) -> ApiResult<()> {
    // The version before the sanctions: the state sent is then at least as new as the
    // version it carries, never older.
    let version = store::enforcement_version(&state.db, user_id).await?;
    let now = pupero_db::now_ms();
    let in_force: Vec<sanction::Model> = store::sanctions_of(&state.db, user_id)
        .await?
        .into_iter()
        .filter(|s| s.in_force(now))
        .collect();
    let restrictions = Restrictions {
        restrictions: in_force
            .iter()
            .map(|s| Restriction {
                sanction_id: s.id,
                kind: s.kind,
                reason: s.reason.clone(),
                expires_at_ms: s.expires_at_ms,
            })
            .collect(),
        version,
    };
    let _: Restrictions = state
        .login
        .put(
            &format!("/internal/users/{user_id}/restrictions"),
            &restrictions,
        )
        .await?;
    let _: OwnerBar = state
        .offers
        .put(
            &format!("/internal/owners/{user_id}/barred"),
            &bar(&in_force, version),
        )
        .await?;
    store::mark_told(&state.db, user_id, version).await?;
    Ok(())
}

/// Tells again, every `SANCTION_RETELL_SECONDS` while this replica holds the job's lease,
/// each account whose latest sanction change login or offers may not have taken.
pub fn spawn_retell(
    state: ModerationState,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let lease = state.leases.keep(RETELL_JOB, shutdown.clone());
    let interval = state.retell_interval;
    pupero_http::lease::every_leased(
        lease,
        interval,
        shutdown,
        (state.metrics.clone(), &[]),
        move |_fence| {
            let state = state.clone();
            async move { retell(&state).await }
        },
    )
}

async fn retell(state: &ModerationState) {
    let behind = match store::untold(&state.db, RETELL_BATCH).await {
        Ok(users) => users,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the accounts behind; will retry");
            return;
        }
    };
    for user_id in behind {
        match tell(state, user_id).await {
            Ok(()) => tracing::info!(user_id, "sanctions told again after a lost telling"),
            Err(e) => {
                tracing::warn!(user_id, error = %e.message, "sanctions could not be told again; will retry");
                // The services are likely down: the rest would fail the same way.
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// The offers bar the sanctions in force put on their user: until the last of the ones
/// that hide offers ends (none without an end: until lifted).
fn bar(in_force: &[sanction::Model], version: i64) -> OwnerBar {
    let hiding: Vec<Option<i64>> = in_force
        .iter()
        .filter(|s| s.kind.hides_offers())
        .map(|s| s.expires_at_ms)
        .collect();
    if hiding.is_empty() {
        return OwnerBar {
            barred: false,
            until_ms: None,
            version,
        };
    }
    let until_ms = if hiding.iter().any(Option::is_none) {
        None
    } else {
        hiding.into_iter().flatten().max()
    };
    OwnerBar {
        barred: true,
        until_ms,
        version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pupero_core::SanctionKind;

    fn s(kind: SanctionKind, expires_at_ms: Option<i64>) -> sanction::Model {
        sanction::Model {
            id: 1,
            user_id: 2,
            kind,
            reason: "r".into(),
            imposed_by: 3,
            created_at_ms: 0,
            expires_at_ms,
            lifted_at_ms: None,
            lifted_by: None,
            lift_reason: None,
        }
    }

    #[test]
    fn the_bar_lasts_as_long_as_the_longest_hiding_sanction() {
        let none = bar(
            &[s(SanctionKind::Mute, None), s(SanctionKind::Warn, None)],
            1,
        );
        assert!(!none.barred);
        let timed = bar(
            &[
                s(SanctionKind::TradeBan, Some(10)),
                s(SanctionKind::Ban, Some(20)),
            ],
            2,
        );
        assert_eq!((timed.barred, timed.until_ms), (true, Some(20)));
        let open = bar(
            &[
                s(SanctionKind::TradeBan, Some(10)),
                s(SanctionKind::Ban, None),
            ],
            3,
        );
        assert_eq!((open.barred, open.until_ms), (true, None));
    }
}
