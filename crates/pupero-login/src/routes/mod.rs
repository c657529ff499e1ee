//! HTTP routes of the login service, and the checks several of them share.

mod account;
mod admin;
mod api_keys;
mod auth;
pub mod internal;
mod mail;
mod public;
mod staff;
mod two_factor;

use axum::http::StatusCode;
pub use pupero_api::accounts::MeView;
use pupero_http::ErrorCode;
use sea_orm::ConnectionTrait;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) use pupero_http::rfc3339;
use pupero_http::{ApiError, ApiResult, SecurityEvent, ServiceRouter, internal_route, security};

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
    let metrics = state.metrics.clone();
    let state_for_internal = state.clone();
    let keys = state.keys.clone();
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
        .routes(routes!(two_factor::regenerate_recovery_codes))
        .routes(routes!(admin::list_users))
        .routes(routes!(admin::set_role))
        .routes(routes!(admin::set_disabled))
        .routes(routes!(admin::logout_everywhere))
        .routes(routes!(admin::audit_log))
        .routes(routes!(staff::search))
        .routes(routes!(staff::user))
        .routes(routes!(public::profile))
        .routes(routes!(public::names))
        .routes(routes!(mail::get_settings, mail::put_settings))
        .routes(routes!(mail::request_verification))
        .routes(routes!(mail::verify_email))
        .routes(routes!(mail::request_reset))
        .routes(routes!(mail::confirm_reset))
        .routes(routes!(api_keys::create, api_keys::list))
        .routes(routes!(api_keys::revoke))
        .with_state(state)
        .split_for_parts();
    let routes = routes
        .route(
            "/internal/users/{id}",
            internal_route(
                &keys,
                // Every service that checks an account's current standing.
                &["transactions", "offers", "wallet", "moderation"],
                axum::routing::get(internal::account).with_state(state_for_internal.clone()),
            ),
        )
        .route(
            "/internal/users/{id}/restrictions",
            internal_route(
                &keys,
                &["moderation"],
                axum::routing::put(internal::set_restrictions)
                    .with_state(state_for_internal.clone()),
            ),
        )
        .route(
            "/internal/api-keys/authenticate",
            internal_route(
                &keys,
                &["gateway"],
                axum::routing::post(api_keys::authenticate).with_state(state_for_internal.clone()),
            ),
        )
        .route(
            "/internal/totp/verify",
            internal_route(
                &keys,
                &["transactions"],
                axum::routing::post(internal::verify_code).with_state(state_for_internal.clone()),
            ),
        )
        .route(
            "/internal/mail",
            internal_route(
                &keys,
                &["transactions"],
                axum::routing::post(mail::internal_mail).with_state(state_for_internal),
            ),
        );
    ServiceRouter::with_database(crate::SERVICE, routes, openapi, health_db).with_metrics(metrics)
}

pub(crate) async fn me_view(state: &LoginState, u: &user::Model) -> ApiResult<MeView> {
    let recovery_codes_left = if u.totp_secret.is_some() {
        store::recovery_codes_left(&state.db, u.id).await?
    } else {
        0
    };
    Ok(MeView {
        id: u.id,
        email: u.email.clone(),
        username: u.username.clone(),
        role: u.role(),
        totp_enabled: u.totp_secret.is_some(),
        recovery_codes_left,
        created_at: rfc3339(u.created_at_ms),
    })
}

/// The caller's own account, which must still exist and be enabled: access tokens
/// outlive a disable or delete by at most their short lifetime, and not here.
#[tracing::instrument(skip_all, fields(user_id = id))]
pub(crate) async fn active_user(state: &LoginState, id: i64) -> ApiResult<user::Model> {
    match store::find_user(&state.db, id).await? {
        Some(u) if u.is_active() => {
            not_sanctioned(&state.db, u.id).await?;
            Ok(u)
        }
        Some(u) if u.deleted_at_ms.is_none() => Err(account_disabled()),
        _ => Err(ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "the account no longer exists",
        )),
    }
}

/// Like [`active_user`], for a change the caller makes with their token: a token of a
/// session since ended (password change, sign-out everywhere, force-logout) is refused
/// too, as the other services refuse it for writes.
pub(crate) async fn active_session(
    state: &LoginState,
    caller: pupero_http::AuthUser,
) -> ApiResult<user::Model> {
    let user = active_user(state, caller.id).await?;
    if let Some(after_ms) = user.tokens_valid_after_ms
        && caller.issued_at.saturating_mul(1000) < after_ms
    {
        return Err(ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "this session was ended",
        ));
    }
    Ok(user)
}

/// Refuses an account a suspension or ban keeps out now (signing in, refreshing, acting
/// on its own account), with the sanction's reason and end.
///
/// `db` is the caller's transaction when it holds one: a second connection from the pool
/// could wait for the write lock that transaction holds.
pub(crate) async fn not_sanctioned(db: &impl ConnectionTrait, user_id: i64) -> ApiResult<()> {
    let restrictions = store::restrictions_of(db, user_id).await?;
    let now = pupero_db::now_ms();
    let standing = pupero_http::Standing {
        role: pupero_core::Role::User,
        disabled: false,
        deleted: false,
        totp_enabled: false,
        tokens_valid_after_ms: None,
        restrictions,
    };
    match standing.restriction(pupero_core::Privilege::Act, now) {
        Some(r) => Err(pupero_http::authority::restricted(r)),
        None => Ok(()),
    }
}

pub(crate) fn account_disabled() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::AccountDisabled,
        "this account is disabled",
    )
}

/// Who is attempting, for counting failures: the client's address, or [`INTERNAL`] when
/// another service checks a code on the user's behalf. An IPv6 client is its /64: one
/// subscriber usually holds a whole /64, and counting each address apart would give an
/// attacker 2^64 fresh budgets.
pub(crate) fn client_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        std::net::IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map_or_else(String::new, |v4| v4.to_string()),
        std::net::IpAddr::V4(v4) => v4.to_string(),
    }
}

/// The client key of codes checked through `/internal/totp/verify`.
pub(crate) const INTERNAL: &str = "internal";

fn retry_after(until: i64) -> ApiError {
    let secs = u64::try_from((until - pupero_db::now_ms() + 999) / 1000)
        .unwrap_or(1)
        .max(1);
    ApiError::too_many_requests(secs)
}

/// Refuses while this client is locked out of the account, or the whole account is
/// backing off after failures from many clients; the answer says how long.
pub(crate) async fn ensure_not_locked(
    state: &LoginState,
    user: &user::Model,
    client: &str,
) -> ApiResult<()> {
    match store::locked_until(&state.db, user, client).await? {
        Some(until) => Err(retry_after(until)),
        None => Ok(()),
    }
}

/// Counts a failure against the account and client; answers 429 if that failure makes
/// the client wait, else the given error.
pub(crate) async fn fail_attempt(
    state: &LoginState,
    user: &user::Model,
    client: &str,
    err: ApiError,
    event: SecurityEvent,
) -> ApiError {
    security::record(
        &state.metrics,
        event,
        Some(user.id),
        None,
        &format!("client {client}"),
    );
    match store::record_failed_login(&state.db, user.id, client, state.policy.failures).await {
        Ok(Some(until)) => {
            let seconds = (until - pupero_db::now_ms()).max(0) / 1000;
            security::record(
                &state.metrics,
                SecurityEvent::Lockout,
                Some(user.id),
                None,
                &format!("client {client} waits {seconds} s"),
            );
            retry_after(until)
        }
        Ok(None) => err,
        Err(db) => db.into(),
    }
}

/// Checks the account password, counting a wrong one as a failed attempt.
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub(crate) async fn verify_password(
    state: &LoginState,
    user: &user::Model,
    client: &str,
    password: &str,
    wrong: ApiError,
) -> ApiResult<()> {
    ensure_not_locked(state, user, client).await?;
    if password.is_empty() || password.len() > 1024 {
        return Err(fail_attempt(state, user, client, wrong, SecurityEvent::SignInFailed).await);
    }
    if state
        .passwords
        .verify(password.to_owned(), user.password_hash.clone())
        .await?
    {
        Ok(())
    } else {
        Err(fail_attempt(state, user, client, wrong, SecurityEvent::SignInFailed).await)
    }
}

/// The plaintext of a stored (sealed) TOTP secret.
pub(crate) fn open_totp_secret(
    state: &LoginState,
    user_id: i64,
    stored: &str,
) -> ApiResult<String> {
    state
        .totp_key
        .open_or_plain(stored, &totp::binding(user_id))
        .map_err(|e| ApiError::internal(format!("totp secret of user {user_id}: {e}")))
}

pub(crate) fn seal_totp_secret(
    state: &LoginState,
    user_id: i64,
    secret: &str,
) -> ApiResult<String> {
    state
        .totp_key
        .seal(secret, &totp::binding(user_id))
        .map_err(ApiError::internal)
}

/// Checks a second factor of an enrolled user: a TOTP code (its time step is then spent)
/// or an unused recovery code (then spent). `status` is 401 on login (no session yet)
/// and 403 on account actions.
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub(crate) async fn verify_totp(
    state: &LoginState,
    user: &user::Model,
    client: &str,
    code: Option<&str>,
    status: StatusCode,
) -> ApiResult<()> {
    let Some(stored) = user.totp_secret.as_deref() else {
        return Ok(());
    };
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Err(ApiError::new(
            status,
            ErrorCode::TotpRequired,
            "a two-factor code is required",
        )
        .with_field("totp"));
    };
    ensure_not_locked(state, user, client).await?;
    let wrong = || {
        ApiError::new(
            status,
            ErrorCode::InvalidTotp,
            "the two-factor code is wrong (or the recovery code was already used)",
        )
        .with_field("totp")
    };
    let secret = open_totp_secret(state, user.id, stored)?;
    if let Some(step) = totp::matching_step(&secret, code) {
        return if store::consume_totp_step(&state.db, user.id, step).await? {
            Ok(())
        } else {
            security::record(
                &state.metrics,
                SecurityEvent::TotpFailed,
                Some(user.id),
                None,
                &format!("client {client}: code replayed"),
            );
            Err(ApiError::new(
                status,
                ErrorCode::TotpReplayed,
                "this two-factor code has already been used; wait for the next one",
            )
            .with_field("totp"))
        };
    }
    if let Some(hash) = totp::recovery_hash(code)
        && store::spend_recovery_code(&state.db, user.id, &hash).await?
    {
        tracing::info!(user_id = user.id, "recovery code used");
        return Ok(());
    }
    Err(fail_attempt(state, user, client, wrong(), SecurityEvent::TotpFailed).await)
}

pub(crate) fn required<'a>(field: &str, value: &'a Option<String>) -> ApiResult<&'a str> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ApiError::invalid(field, format!("{field} is required"))),
    }
}

#[cfg(test)]
mod tests {
    use super::client_key;

    #[test]
    fn an_ipv6_client_counts_as_its_slash_64() {
        let a = client_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = client_key("2001:db8:1:2:bbbb::2".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, client_key("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(
            client_key("::ffff:203.0.113.9".parse().unwrap()),
            "203.0.113.9"
        );
        assert_eq!(client_key("203.0.113.9".parse().unwrap()), "203.0.113.9");
    }
}
