//! TOTP enrolment: enable (get a secret and recovery codes), confirm (prove the app has
//! the secret), disable; and new recovery codes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pupero_api::accounts::{
    CodeRequest, Enrolment, PasswordAndCode, PasswordRequest, RecoveryCodes, TwoFactorStatus,
};
use pupero_http::ErrorCode;
use sea_orm::ActiveValue::Set;
use sea_orm::IntoActiveModel;

use pupero_db::write_tx;
use pupero_http::{ApiError, ApiJson, ApiResult, AuthUser, ClientIp};

use super::account::wrong_current_password;
use super::{
    active_session, client_key, fail_attempt, open_totp_secret, required, seal_totp_secret,
    verify_password, verify_totp,
};
use crate::state::LoginState;
use crate::{store, totp};

/// Start enrolment: a new secret that becomes active once confirmed with a code, and the
/// recovery codes that will work once it is. Asks for the password: otherwise a stolen
/// access token could put the thief's authenticator on an account without 2FA and lock
/// the owner out of signing in.
#[utoipa::path(post, path = "/2fa/enable", tag = "two-factor", security(("bearer" = [])), request_body = PasswordRequest,
    responses((status = 200, body = Enrolment), (status = 403, description = "wrong password"),
              (status = 409, description = "already enabled"), (status = 422, description = "password missing")))]
pub async fn enable(
    State(state): State<LoginState>,
    ClientIp(ip): ClientIp,
    caller: AuthUser,
    ApiJson(req): ApiJson<PasswordRequest>,
) -> ApiResult<Json<Enrolment>> {
    let user = active_session(&state, caller).await?;
    if user.totp_secret.is_some() {
        return Err(ApiError::conflict(
            ErrorCode::TotpAlreadyEnabled,
            "two-factor authentication is already on",
        ));
    }
    let password = required("password", &req.password)?;
    verify_password(
        &state,
        &user,
        &client_key(ip),
        password,
        wrong_current_password().with_field("password"),
    )
    .await?;
    let secret = totp::new_secret();
    let otpauth_url = totp::otpauth_url(&secret, &user.username)
        .ok_or_else(|| ApiError::internal("could not build otpauth url"))?;
    let (recovery_codes, hashes) = totp::new_recovery_codes();
    let sealed = seal_totp_secret(&state, user.id, &secret)?;
    let user_id = user.id;
    let mut row = user.into_active_model();
    row.totp_pending_secret = Set(Some(sealed));
    // Recovery codes only count while a secret is active (every check starts from it),
    // so storing them now does not open a way in before the enrolment is confirmed.
    let tx = write_tx(&state.db).await?;
    store::save_user(&tx, row).await?;
    store::replace_recovery_codes(&tx, user_id, &hashes).await?;
    tx.commit().await?;
    Ok(Json(Enrolment {
        secret,
        otpauth_url,
        recovery_codes,
    }))
}

/// Finish enrolment with a code from the authenticator app.
#[utoipa::path(post, path = "/2fa/confirm", tag = "two-factor", security(("bearer" = [])), request_body = CodeRequest,
    responses((status = 200, body = TwoFactorStatus), (status = 409, description = "no enrolment pending"),
              (status = 422, description = "wrong code")))]
pub async fn confirm(
    State(state): State<LoginState>,
    ClientIp(ip): ClientIp,
    caller: AuthUser,
    ApiJson(req): ApiJson<CodeRequest>,
) -> ApiResult<Json<TwoFactorStatus>> {
    let user = active_session(&state, caller).await?;
    let Some(pending) = user.totp_pending_secret.clone() else {
        return Err(ApiError::conflict(
            ErrorCode::TotpNotPending,
            "start with POST /2fa/enable",
        ));
    };
    let secret = open_totp_secret(&state, user.id, &pending)?;
    let Some(step) = totp::matching_step(&secret, &req.code) else {
        let wrong = ApiError::invalid("code", "the code does not match; check the app's clock");
        return Err(fail_attempt(
            &state,
            &user,
            &client_key(ip),
            wrong,
            pupero_http::SecurityEvent::TotpFailed,
        )
        .await);
    };
    let mut row = user.into_active_model();
    row.totp_secret = Set(Some(pending));
    row.totp_pending_secret = Set(None);
    row.totp_last_step = Set(Some(step));
    let user_id = caller.id;
    store::save_user(&state.db, row).await?;
    crate::standing_leases::hold_until_released(&state.db, user_id).await?;
    Ok(Json(TwoFactorStatus { totp_enabled: true }))
}

/// Turn two-factor authentication off: needs the password and a current code (or a
/// recovery code), so a stolen session alone cannot strip the second factor.
#[utoipa::path(post, path = "/2fa/disable", tag = "two-factor", security(("bearer" = [])), request_body = PasswordAndCode,
    responses((status = 200, body = TwoFactorStatus), (status = 403, description = "wrong password, or wrong or reused code"),
              (status = 409, description = "not enabled"), (status = 422, description = "password or code missing")))]
pub async fn disable(
    State(state): State<LoginState>,
    ClientIp(ip): ClientIp,
    caller: AuthUser,
    ApiJson(req): ApiJson<PasswordAndCode>,
) -> ApiResult<Json<TwoFactorStatus>> {
    let user = owner_with_second_factor(&state, caller, &client_key(ip), &req).await?;
    let user_id = user.id;
    let mut row = user.into_active_model();
    row.totp_secret = Set(None);
    row.totp_pending_secret = Set(None);
    let tx = write_tx(&state.db).await?;
    store::save_user(&tx, row).await?;
    store::delete_recovery_codes(&tx, user_id).await?;
    tx.commit().await?;
    crate::standing_leases::hold_until_released(&state.db, user_id).await?;
    Ok(Json(TwoFactorStatus {
        totp_enabled: false,
    }))
}

/// New recovery codes; the old ones stop working. Needs the password and a current code
/// (or one of the old recovery codes).
#[utoipa::path(post, path = "/2fa/recovery-codes", tag = "two-factor", security(("bearer" = [])), request_body = PasswordAndCode,
    responses((status = 200, body = RecoveryCodes), (status = 403, description = "wrong password, or wrong or reused code"),
              (status = 409, description = "two-factor authentication is off"), (status = 422, description = "password or code missing")))]
pub async fn regenerate_recovery_codes(
    State(state): State<LoginState>,
    ClientIp(ip): ClientIp,
    caller: AuthUser,
    ApiJson(req): ApiJson<PasswordAndCode>,
) -> ApiResult<Json<RecoveryCodes>> {
    let user = owner_with_second_factor(&state, caller, &client_key(ip), &req).await?;
    let (recovery_codes, hashes) = totp::new_recovery_codes();
    let tx = write_tx(&state.db).await?;
    store::replace_recovery_codes(&tx, user.id, &hashes).await?;
    tx.commit().await?;
    tracing::info!(user_id = user.id, "recovery codes regenerated");
    Ok(Json(RecoveryCodes { recovery_codes }))
}

/// The password first: a wrong password must not spend the code.
/// The caller's account, with 2FA on, once the password and a code (or recovery code)
/// prove it is the owner: what changing the second factor itself asks for.
async fn owner_with_second_factor(
    state: &LoginState,
    caller: AuthUser,
    client: &str,
    req: &PasswordAndCode,
) -> ApiResult<crate::entity::user::Model> {
    let user = active_session(state, caller).await?;
    if user.totp_secret.is_none() {
        return Err(ApiError::conflict(
            ErrorCode::TotpNotEnabled,
            "two-factor authentication is off",
        ));
    }
    let password = required("password", &req.password)?;
    let code = required("code", &req.code)?;
    verify_password(
        state,
        &user,
        client,
        password,
        wrong_current_password().with_field("password"),
    )
    .await?;
    verify_totp(state, &user, client, Some(code), StatusCode::FORBIDDEN).await?;
    Ok(user)
}
