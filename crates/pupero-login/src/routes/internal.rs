//! Routes other services call (never reachable through the gateway): facts about an
//! account, and checking a TOTP code for money-moving steps such as releasing escrow.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use pupero_api::internal::login::{AccountFacts, TotpCheck, TotpChecked};
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
        lease_ms: u64::try_from(crate::standing_leases::LEASE.as_millis()).ok(),
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
