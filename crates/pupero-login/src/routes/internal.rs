//! Routes other services call (never reachable through the gateway): facts about an
//! account, and checking a TOTP code for money-moving steps such as releasing escrow.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use pupero_api::internal::login::{AccountFacts, Restrictions, TotpCheck, TotpChecked};
use pupero_core::Role;
use pupero_http::{ApiError, ApiJson, ApiPath, ApiResult, ServiceCaller, Standing, StandingSource};
use sea_orm::DatabaseConnection;

use super::verify_totp;
use crate::state::LoginState;
use crate::store;

pub async fn account(
    State(state): State<LoginState>,
    _caller: ServiceCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AccountFacts>> {
    // The lease first, then the read: a change committed after this read finds the lease
    // and waits it out before it answers (see `standing_leases`).
    crate::standing_leases::grant(&state.db, id).await?;
    let user = store::find_user(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such user"))?;
    Ok(Json(AccountFacts {
        id: user.id,
        username: user.username.clone(),
        role: user.role(),
        disabled: user.disabled,
        deleted: user.deleted_at_ms.is_some(),
        totp_enabled: user.totp_secret.is_some(),
        tokens_valid_after_ms: user.tokens_valid_after_ms,
        restrictions: in_force(&state.db, user.id).await?,
        lease_ms: u64::try_from(crate::standing_leases::LEASE.as_millis()).ok(),
    }))
}

/// The account's restrictions still in force now.
async fn in_force(
    db: &DatabaseConnection,
    user_id: i64,
) -> Result<Vec<pupero_api::internal::login::Restriction>, sea_orm::DbErr> {
    let now = pupero_db::now_ms();
    let mut list = store::restrictions_of(db, user_id).await?;
    list.retain(|r| r.in_force(now));
    Ok(list)
}

/// For the moderation service: every sanction now in force on the account (replacing
/// what was here). Sign-in, refresh and every standing check read them from here. A
/// telling older than the newest one applied changes nothing and gets what is held.
pub async fn set_restrictions(
    State(state): State<LoginState>,
    _caller: ServiceCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Restrictions>,
) -> ApiResult<Json<Restrictions>> {
    if store::find_user(&state.db, id).await?.is_none() {
        return Err(ApiError::not_found("no such user"));
    }
    let tx = pupero_db::write_tx(&state.db).await?;
    let admitted =
        pupero_db::told_versions::admit(&tx, crate::RESTRICTION_VERSIONS, id, req.version).await?;
    if admitted {
        store::replace_restrictions(&tx, id, &req.restrictions).await?;
    }
    tx.commit().await?;
    if admitted {
        // Services may keep the account's standing for a lease: a sanction is in force
        // everywhere only once every lease granted before it has run out.
        crate::standing_leases::hold_until_released(&state.db, id).await?;
        tracing::info!(
            user_id = id,
            restrictions = req.restrictions.len(),
            version = req.version,
            "account restrictions set"
        );
    } else {
        tracing::info!(
            user_id = id,
            version = req.version,
            "an older telling of account restrictions ignored"
        );
    }
    Ok(Json(Restrictions {
        restrictions: in_force(&state.db, id).await?,
        version: pupero_db::told_versions::newest(&state.db, crate::RESTRICTION_VERSIONS, id)
            .await?,
    }))
}

/// Login's own answer to "may this account act now?": straight from its database.
pub struct Accounts(pub DatabaseConnection);

impl StandingSource for Accounts {
    fn standing(&self, user_id: i64) -> pupero_http::authority::StandingFuture<'_> {
        Box::pin(async move {
            let Some(user) = store::find_user(&self.0, user_id).await? else {
                return Ok(None);
            };
            Ok(Some(Standing {
                // An unreadable role grants nothing beyond a plain user's.
                role: user.role.parse().unwrap_or(Role::User),
                disabled: user.disabled,
                deleted: user.deleted_at_ms.is_some(),
                totp_enabled: user.totp_secret.is_some(),
                tokens_valid_after_ms: user.tokens_valid_after_ms,
                restrictions: store::restrictions_of(&self.0, user_id).await?,
            }))
        })
    }
}

/// 200 when the user has no 2FA or the code is good (its step is then spent; a recovery
/// code is accepted too, and spent); 403 with
/// `totp_required`, `invalid_totp` or `totp_replayed` otherwise.
pub async fn verify_code(
    State(state): State<LoginState>,
    _caller: ServiceCaller,
    ApiJson(req): ApiJson<TotpCheck>,
) -> ApiResult<Json<TotpChecked>> {
    let user = store::find_user(&state.db, req.user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such user"))?;
    if !user.is_active() {
        return Err(super::account_disabled());
    }
    let required = user.totp_secret.is_some();
    verify_totp(
        &state,
        &user,
        super::INTERNAL,
        req.code.as_deref(),
        StatusCode::FORBIDDEN,
    )
    .await?;
    Ok(Json(TotpChecked { required }))
}
