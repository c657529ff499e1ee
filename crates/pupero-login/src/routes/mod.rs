//! HTTP routes of the login service, and the checks several of them share.

mod account;
mod admin;
mod auth;
pub mod internal;
mod public;
mod two_factor;

use axum::http::StatusCode;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use pupero_http::{ApiError, ApiResult, ServiceRouter};

use crate::entity::user;
use crate::state::LoginState;
use crate::{store, totp};

#[derive(OpenApi)]
#[openapi(info(
    title = "Pupero login service",
    description = "Accounts, sessions, two-factor authentication and user administration."
))]
struct ApiDoc;

pub fn router(state: LoginState) -> ServiceRouter {
    let health_db = state.db.clone();
    let state_for_internal = state.clone();
    let (routes, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::logout_all))
        .routes(routes!(account::me, account::update_me, account::delete_me))
        .routes(routes!(two_factor::enable))
        .routes(routes!(two_factor::confirm))
        .routes(routes!(two_factor::disable))
        .routes(routes!(admin::list_users))
        .routes(routes!(admin::set_role))
        .routes(routes!(admin::set_disabled))
        .routes(routes!(admin::logout_everywhere))
        .routes(routes!(admin::audit_log))
        .routes(routes!(public::profile))
        .routes(routes!(public::names))
        .with_state(state)
        .split_for_parts();
    let routes = routes
        .route(
            "/internal/users/{id}",
            axum::routing::get(internal::account).with_state(state_for_internal.clone()),
        )
        .route(
            "/internal/totp/verify",
            axum::routing::post(internal::verify_code).with_state(state_for_internal),
        );
    ServiceRouter::with_database(crate::SERVICE, routes, openapi, health_db)
}

/// What a user sees about themself.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub id: i64,
    pub email: Option<String>,
    pub username: String,
    pub role: String,
    pub totp_enabled: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
}

impl From<&user::Model> for MeView {
    fn from(u: &user::Model) -> Self {
        Self {
            id: u.id,
            email: u.email.clone(),
            username: u.username.clone(),
            role: u.role.clone(),
            totp_enabled: u.totp_secret.is_some(),
            created_at: rfc3339(u.created_at_ms),
        }
    }
}

pub(crate) fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The caller's own account, which must still exist and be enabled: access tokens
/// outlive a disable or delete by at most their short lifetime, and not here.
pub(crate) async fn active_user(state: &LoginState, id: i64) -> ApiResult<user::Model> {
    match store::find_user(&state.db, id).await? {
        Some(u) if u.is_active() => Ok(u),
        Some(u) if u.deleted_at_ms.is_none() => Err(account_disabled()),
        _ => Err(ApiError::unauthorized(
            "invalid_token",
            "the account no longer exists",
        )),
    }
}

pub(crate) fn account_disabled() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "account_disabled",
        "this account is disabled",
    )
}

/// Refuses while the account is locked after repeated failures.
pub(crate) fn ensure_not_locked(user: &user::Model) -> ApiResult<()> {
    let now = pupero_db::now_ms();
    match user.locked_until_ms {
        Some(until) if until > now => {
            let secs = u64::try_from((until - now + 999) / 1000).unwrap_or(1);
            Err(ApiError::too_many_requests(secs))
        }
        _ => Ok(()),
    }
}

/// Counts a failure against the account; answers 429 if that failure locked it, else
/// the given error.
pub(crate) async fn fail_attempt(
    state: &LoginState,
    user: &user::Model,
    err: ApiError,
) -> ApiError {
    match store::record_failed_login(
        &state.db,
        user.id,
        state.policy.max_failures,
        state.policy.lockout_ms,
    )
    .await
    {
        Ok(Some(until)) => {
            let secs = u64::try_from((until - pupero_db::now_ms() + 999) / 1000).unwrap_or(1);
            ApiError::too_many_requests(secs)
        }
        Ok(None) => err,
        Err(db) => db.into(),
    }
}

/// Checks the account password, counting a wrong one as a failed attempt.
pub(crate) async fn verify_password(
    state: &LoginState,
    user: &user::Model,
    password: &str,
    wrong: ApiError,
) -> ApiResult<()> {
    ensure_not_locked(user)?;
    if password.is_empty() || password.len() > 1024 {
        return Err(fail_attempt(state, user, wrong).await);
    }
    if state
        .passwords
        .verify(password.to_owned(), user.password_hash.clone())
        .await?
    {
        Ok(())
    } else {
        Err(fail_attempt(state, user, wrong).await)
    }
}

/// Checks a TOTP code of an enrolled user and spends its time step.
/// `status` is 401 on login (no session yet) and 403 on account actions.
pub(crate) async fn verify_totp(
    state: &LoginState,
    user: &user::Model,
    code: Option<&str>,
    status: StatusCode,
) -> ApiResult<()> {
    let Some(secret) = user.totp_secret.as_deref() else {
        return Ok(());
    };
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Err(
            ApiError::new(status, "totp_required", "a two-factor code is required")
                .with_field("totp"),
        );
    };
    ensure_not_locked(user)?;
    let Some(step) = totp::matching_step(secret, code) else {
        let wrong = ApiError::new(status, "invalid_totp", "the two-factor code is wrong")
            .with_field("totp");
        return Err(fail_attempt(state, user, wrong).await);
    };
    if store::consume_totp_step(&state.db, user.id, step).await? {
        Ok(())
    } else {
        Err(ApiError::new(
            status,
            "totp_replayed",
            "this two-factor code has already been used; wait for the next one",
        )
        .with_field("totp"))
    }
}

pub(crate) fn required<'a>(field: &str, value: &'a Option<String>) -> ApiResult<&'a str> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ApiError::invalid(field, format!("{field} is required"))),
    }
}
