//! Registration, login, refresh-token rotation and logout.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pupero_api::auth::{LoginRequest, RefreshRequest, RegisterRequest, Registered};
use pupero_http::ErrorCode;

use pupero_core::{Email, Password, Role, Username};
use pupero_db::{is_unique_violation, write_tx};
use pupero_http::{ApiError, ApiJson, ApiResult, ClientIp, SecurityEvent, TokenKind, security};

use super::{account_disabled, client_key, required, verify_password, verify_totp};
use crate::sessions::issue_pair;
use crate::state::LoginState;
use crate::store::{self, NewUser, RefreshUse};
use pupero_api::auth::TokenPair;

/// Create an account with the `user` role.
#[utoipa::path(post, path = "/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = Registered), (status = 409, description = "email or username taken"),
              (status = 422, description = "invalid field"), (status = 429, description = "rate limited")))]
pub async fn register(
    State(state): State<LoginState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> ApiResult<(StatusCode, Json<Registered>)> {
    let email = Email::parse(&req.email)?;
    let username = Username::parse(&req.username)?;
    let password = Password::parse_new(&req.password, &username, &email)?;
    state.limits.check_register(ip, email.normalized()).await?;
    ensure_identity_free(&state, &email, &username).await?;
    let password_hash = state.passwords.hash(password.expose().to_owned()).await?;
    let new = NewUser {
        email: &email,
        username: &username,
        password_hash,
        role: Role::User,
    };
    match store::insert_user(&state.db, new).await {
        Ok(user_id) => {
            crate::presence::seen_and_tell(&state, user_id).await;
            Ok((StatusCode::CREATED, Json(Registered { user_id })))
        }
        // Two registrations raced past the check; the unique index decided.
        Err(e) if is_unique_violation(&e) => {
            ensure_identity_free(&state, &email, &username).await?;
            Err(ApiError::conflict(
                ErrorCode::AlreadyRegistered,
                "email or username is already registered",
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn ensure_identity_free(
    state: &LoginState,
    email: &Email,
    username: &Username,
) -> ApiResult<()> {
    if store::email_taken(&state.db, email).await? {
        return Err(
            ApiError::conflict(ErrorCode::EmailTaken, "this email is already registered")
                .with_field("email"),
        );
    }
    if store::username_taken(&state.db, username).await? {
        return Err(
            ApiError::conflict(ErrorCode::UsernameTaken, "this username is taken")
                .with_field("username"),
        );
    }
    Ok(())
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized(
        ErrorCode::InvalidCredentials,
        "wrong username/email or password",
    )
}

/// Log in and receive an access token and a refresh token.
#[utoipa::path(post, path = "/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenPair), (status = 401, description = "wrong credentials or two-factor code needed"),
              (status = 403, description = "account disabled"), (status = 429, description = "rate limited or locked")))]
pub async fn login(
    State(state): State<LoginState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Json<TokenPair>> {
    if let Some(token) = req.mfa_token.as_deref() {
        return second_factor(&state, ip, token, &req).await;
    }
    let identifier = match (&req.username, &req.email) {
        (Some(u), _) if !u.trim().is_empty() => u.clone(),
        (_, email) => required("username", email)?.to_owned(),
    };
    if req.password.is_empty() {
        return Err(ApiError::invalid("password", "password is required"));
    }
    state.limits.check_login(ip).await?;
    let Some(user) = store::find_by_login(&state.db, &identifier).await? else {
        state.passwords.verify_decoy(req.password).await?;
        security::record(
            &state.metrics,
            SecurityEvent::SignInFailed,
            None,
            None,
            &format!("client {}: no such account", client_key(ip)),
        );
        return Err(invalid_credentials());
    };
    let client = client_key(ip);
    verify_password(&state, &user, &client, &req.password, invalid_credentials()).await?;
    if user.disabled {
        return Err(account_disabled());
    }
    super::not_sanctioned(&state.db, user.id).await?;
    let code_missing = req.totp.as_deref().is_none_or(|c| c.trim().is_empty());
    if user.totp_secret.is_some() && code_missing {
        // The password was right: a short-lived challenge lets the client ask for the code
        // without keeping the password around for the second step.
        let challenge = state
            .keys
            .issue(user.id, user.role(), TokenKind::Mfa, MFA_CHALLENGE_TTL)
            .map_err(ApiError::internal)?;
        return Err(ApiError::unauthorized(
            ErrorCode::TotpRequired,
            "a two-factor code is required",
        )
        .with_field("totp")
        .with_extra("mfa_token", challenge.token));
    }
    verify_totp(
        &state,
        &user,
        &client,
        req.totp.as_deref(),
        StatusCode::UNAUTHORIZED,
    )
    .await?;
    finish_login(&state, &user, &client, req.remember_me).await
}

/// How long the password step of a two-factor login stays good for.
const MFA_CHALLENGE_TTL: std::time::Duration = std::time::Duration::from_secs(300);

/// The second step of a two-factor login: a challenge from the first step and a code.
async fn second_factor(
    state: &LoginState,
    ip: std::net::IpAddr,
    token: &str,
    req: &LoginRequest,
) -> ApiResult<Json<TokenPair>> {
    state.limits.check_login(ip).await?;
    let expired = || {
        ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "the sign-in step has expired; enter your password again",
        )
    };
    let claims = state
        .keys
        .verify(token, TokenKind::Mfa)
        .map_err(|_| expired())?;
    let user_id = claims.user_id().ok_or_else(expired)?;
    let user = match store::find_user(&state.db, user_id).await? {
        Some(u) if u.is_active() => u,
        Some(u) if u.deleted_at_ms.is_none() => return Err(account_disabled()),
        _ => return Err(expired()),
    };
    super::not_sanctioned(&state.db, user.id).await?;
    let client = client_key(ip);
    // A challenge makes one session: checked before the code (a spent challenge does not
    // spend a code) and claimed after it, where the primary key decides between two
    // concurrent uses. A wrong code leaves the challenge for the corrected one.
    let spent = || {
        ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "this sign-in step was already used; enter your password again",
        )
    };
    if store::mfa_token_spent(&state.db, &claims.jti).await? {
        return Err(spent());
    }
    super::ensure_not_locked(state, &user, &client).await?;
    verify_totp(
        state,
        &user,
        &client,
        req.totp.as_deref(),
        StatusCode::UNAUTHORIZED,
    )
    .await?;
    let expires_at_ms = claims.exp.saturating_mul(1000);
    if !store::spend_mfa_token(&state.db, &claims.jti, expires_at_ms).await? {
        return Err(spent());
    }
    finish_login(state, &user, &client, req.remember_me).await
}

async fn finish_login(
    state: &LoginState,
    user: &crate::entity::user::Model,
    client: &str,
    remember_me: bool,
) -> ApiResult<Json<TokenPair>> {
    store::clear_failed_logins(&state.db, user, client).await?;
    let pair = issue_pair(state, &state.db, user, remember_me).await?;
    crate::presence::seen_and_tell(state, user.id).await;
    tracing::info!(user_id = user.id, "login");
    Ok(Json(pair))
}

fn invalid_refresh() -> ApiError {
    ApiError::unauthorized(
        ErrorCode::InvalidToken,
        "the refresh token is invalid, expired or revoked",
    )
}

/// Trade a refresh token for a new pair. The old refresh token is dead afterwards; showing
/// it again ends every session of the account (it must have been copied).
#[utoipa::path(post, path = "/token/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, description = "invalid, expired, used or revoked"),
              (status = 403, description = "account disabled")))]
pub async fn refresh(
    State(state): State<LoginState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> ApiResult<Json<TokenPair>> {
    let claims = state
        .keys
        .verify(&req.refresh_token, TokenKind::Refresh)
        .map_err(|_| invalid_refresh())?;
    let tx = write_tx(&state.db).await?;
    match store::consume_refresh_token(&tx, &claims.jti).await? {
        RefreshUse::Consumed(row) if claims.user_id() == Some(row.user_id) => {
            let user = store::find_user(&tx, row.user_id).await?;
            match user {
                Some(user) if user.is_active() => {
                    if let Err(e) = super::not_sanctioned(&tx, user.id).await {
                        // The token stays spent: a suspended or banned account's session
                        // does not survive it.
                        tx.commit().await?;
                        return Err(e);
                    }
                    let pair = issue_pair(&state, &tx, &user, row.remember_me).await?;
                    tx.commit().await?;
                    crate::presence::seen_and_tell(&state, user.id).await;
                    Ok(Json(pair))
                }
                Some(user) if user.deleted_at_ms.is_none() => {
                    tx.commit().await?;
                    session_ended_by_disable(&state, user.id);
                    Err(account_disabled())
                }
                _ => {
                    tx.commit().await?;
                    Err(invalid_refresh())
                }
            }
        }
        RefreshUse::Reused { user_id } => {
            // Disabling revoked this token: the session ended with the account, and no
            // copy of the token needs hunting down (the sessions are already ended).
            if let Some(user) = store::find_user(&tx, user_id).await?
                && user.disabled
                && user.deleted_at_ms.is_none()
            {
                tx.commit().await?;
                session_ended_by_disable(&state, user_id);
                return Err(account_disabled());
            }
            let ended = store::end_all_sessions(&tx, user_id).await?;
            tx.commit().await?;
            crate::standing_leases::hold_until_released(&state.db, user_id).await?;
            security::record(
                &state.metrics,
                SecurityEvent::RefreshTokenReused,
                Some(user_id),
                None,
                &format!("refresh token reused; {ended} session(s) ended"),
            );
            Err(ApiError::unauthorized(
                ErrorCode::TokenReused,
                "this refresh token was already used; every session of the account has been ended",
            ))
        }
        _ => Err(invalid_refresh()),
    }
}

fn session_ended_by_disable(state: &LoginState, user_id: i64) {
    security::record(
        &state.metrics,
        SecurityEvent::SessionEndedAccountDisabled,
        Some(user_id),
        None,
        "refresh refused: the account is disabled",
    );
}

/// End the session of this refresh token.
#[utoipa::path(post, path = "/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "logged out"), (status = 401, description = "not a valid refresh token")))]
pub async fn logout(
    State(state): State<LoginState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> ApiResult<StatusCode> {
    let claims = state
        .keys
        .verify(&req.refresh_token, TokenKind::Refresh)
        .map_err(|_| invalid_refresh())?;
    store::revoke_refresh_token(&state.db, &claims.jti).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End every session of the caller's account, this one included (a lost phone, a shared
/// computer). Access tokens already issued can no longer write or act as staff; they can
/// still read until they expire, within minutes (reads stay stateless).
#[utoipa::path(post, path = "/logout-all", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = pupero_api::accounts::Revoked), (status = 401, description = "not signed in")))]
pub async fn logout_all(
    State(state): State<LoginState>,
    caller: pupero_http::AuthUser,
) -> ApiResult<Json<pupero_api::accounts::Revoked>> {
    let user = super::active_session(&state, caller).await?;
    let tx = write_tx(&state.db).await?;
    let revoked = store::end_all_sessions(&tx, user.id).await?;
    tx.commit().await?;
    crate::standing_leases::hold_until_released(&state.db, user.id).await?;
    tracing::info!(user_id = user.id, revoked, "signed out everywhere");
    Ok(Json(pupero_api::accounts::Revoked { revoked }))
}
