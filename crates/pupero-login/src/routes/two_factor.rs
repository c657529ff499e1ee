//! TOTP enrolment: enable (get a secret), confirm (prove the app has it), disable.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::ActiveValue::Set;
use sea_orm::IntoActiveModel;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use pupero_http::{ApiError, ApiJson, ApiResult, AuthUser};

use super::{active_user, fail_attempt, verify_totp};
use crate::state::LoginState;
use crate::{store, totp};

#[derive(Debug, Serialize, ToSchema)]
pub struct Enrolment {
    /// Base32 secret for manual entry. Shown only now, never again.
    pub secret: String,
    /// otpauth:// URI for a QR code.
    pub otpauth_url: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CodeRequest {
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TwoFactorStatus {
    pub totp_enabled: bool,
}

/// Start enrolment: a new secret that becomes active once confirmed with a code.
#[utoipa::path(post, path = "/2fa/enable", tag = "two-factor", security(("bearer" = [])),
    responses((status = 200, body = Enrolment), (status = 409, description = "already enabled")))]
pub async fn enable(
    State(state): State<LoginState>,
    caller: AuthUser,
) -> ApiResult<Json<Enrolment>> {
    let user = active_user(&state, caller.id).await?;
    if user.totp_secret.is_some() {
        return Err(ApiError::conflict(
            "totp_already_enabled",
            "two-factor authentication is already on",
        ));
    }
    let secret = totp::new_secret();
    let otpauth_url = totp::otpauth_url(&secret, &user.username)
        .ok_or_else(|| ApiError::internal("could not build otpauth url"))?;
    let mut row = user.into_active_model();
    row.totp_pending_secret = Set(Some(secret.clone()));
    store::save_user(&state.db, row).await?;
    Ok(Json(Enrolment {
        secret,
        otpauth_url,
    }))
}

/// Finish enrolment with a code from the authenticator app.
#[utoipa::path(post, path = "/2fa/confirm", tag = "two-factor", security(("bearer" = [])), request_body = CodeRequest,
    responses((status = 200, body = TwoFactorStatus), (status = 409, description = "no enrolment pending"),
              (status = 422, description = "wrong code")))]
pub async fn confirm(
    State(state): State<LoginState>,
    caller: AuthUser,
    ApiJson(req): ApiJson<CodeRequest>,
) -> ApiResult<Json<TwoFactorStatus>> {
    let user = active_user(&state, caller.id).await?;
    let Some(pending) = user.totp_pending_secret.clone() else {
        return Err(ApiError::conflict(
            "totp_not_pending",
            "start with POST /2fa/enable",
        ));
    };
    let Some(step) = totp::matching_step(&pending, &req.code) else {
        let wrong = ApiError::invalid("code", "the code does not match; check the app's clock");
        return Err(fail_attempt(&state, &user, wrong).await);
    };
    let mut row = user.into_active_model();
    row.totp_secret = Set(Some(pending));
    row.totp_pending_secret = Set(None);
    row.totp_last_step = Set(Some(step));
    store::save_user(&state.db, row).await?;
    Ok(Json(TwoFactorStatus { totp_enabled: true }))
}

/// Turn two-factor authentication off, with a current code.
#[utoipa::path(post, path = "/2fa/disable", tag = "two-factor", security(("bearer" = [])), request_body = CodeRequest,
    responses((status = 200, body = TwoFactorStatus), (status = 403, description = "wrong or reused code"),
              (status = 409, description = "not enabled")))]
pub async fn disable(
    State(state): State<LoginState>,
    caller: AuthUser,
    ApiJson(req): ApiJson<CodeRequest>,
) -> ApiResult<Json<TwoFactorStatus>> {
    let user = active_user(&state, caller.id).await?;
    if user.totp_secret.is_none() {
        return Err(ApiError::conflict(
            "totp_not_enabled",
            "two-factor authentication is off",
        ));
    }
    verify_totp(&state, &user, Some(&req.code), StatusCode::FORBIDDEN).await?;
    let mut row = user.into_active_model();
    row.totp_secret = Set(None);
    row.totp_pending_secret = Set(None);
    store::save_user(&state.db, row).await?;
    Ok(Json(TwoFactorStatus {
        totp_enabled: false,
    }))
}
