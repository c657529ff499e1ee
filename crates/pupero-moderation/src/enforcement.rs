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

use pupero_api::internal::login::{Restriction, Restrictions};
use pupero_api::internal::offers::OwnerBar;
use pupero_http::ApiResult;

use crate::ModerationState;
use crate::entity::sanction;
use crate::store;

/// What login and offers should hold for `user_id`, from this service's sanctions.
pub async fn tell(state: &ModerationState, user_id: i64) -> ApiResult<()> {
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
            &bar(&in_force),
        )
        .await?;
    Ok(())
}

/// The offers bar the sanctions in force put on their user: until the last of the ones
/// that hide offers ends (none without an end: until lifted).
fn bar(in_force: &[sanction::Model]) -> OwnerBar {
    let hiding: Vec<Option<i64>> = in_force
        .iter()
        .filter(|s| s.kind.hides_offers())
        .map(|s| s.expires_at_ms)
        .collect();
    if hiding.is_empty() {
        return OwnerBar {
            barred: false,
            until_ms: None,
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
        let none = bar(&[s(SanctionKind::Mute, None), s(SanctionKind::Warn, None)]);
        assert!(!none.barred);
        let timed = bar(&[
            s(SanctionKind::TradeBan, Some(10)),
            s(SanctionKind::Ban, Some(20)),
        ]);
        assert_eq!((timed.barred, timed.until_ms), (true, Some(20)));
        let open = bar(&[
            s(SanctionKind::TradeBan, Some(10)),
            s(SanctionKind::Ban, None),
        ]);
        assert_eq!((open.barred, open.until_ms), (true, None));
    }
}
