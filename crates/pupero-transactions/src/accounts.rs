//! Facts about accounts, asked from the login service (which owns them).

use axum::http::StatusCode;
use serde::Deserialize;

use pupero_http::{ApiError, ApiResult};

use crate::TransactionsState;

#[derive(Debug, Deserialize)]
pub struct AccountFacts {
    pub disabled: bool,
    pub deleted: bool,
}

pub async fn facts(state: &TransactionsState, user_id: i64) -> ApiResult<Option<AccountFacts>> {
    match state
        .login
        .get::<AccountFacts>(&format!("/internal/users/{user_id}"))
        .await
    {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.status == StatusCode::NOT_FOUND => Ok(None),
        Err(e) => Err(e),
    }
}

/// Money moves on a user's word only while the account is active: an access token
/// outlives a disable or a delete by up to ACCESS_TOKEN_MINUTES, so the routes that move
/// money ask the login service instead of trusting the token alone.
pub async fn ensure_active(state: &TransactionsState, user_id: i64) -> ApiResult<()> {
    match facts(state, user_id).await? {
        Some(f) if f.deleted => Err(ApiError::unauthorized(
            "invalid_token",
            "the account no longer exists",
        )),
        Some(f) if f.disabled => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "account_disabled",
            "this account is disabled",
        )),
        Some(_) => Ok(()),
        None => Err(ApiError::unauthorized(
            "invalid_token",
            "the account no longer exists",
        )),
    }
}

/// Asks login for a fresh second factor of `user_id` (a TOTP code, or a recovery code
/// where login accepts one) before money moves on their word. Login answers 200 when the
/// account has no 2FA, and otherwise checks the code and spends it, so it cannot be
/// replayed; its refusal (`totp_required`, `invalid_totp`, `totp_replayed`, 403) passes
/// through unchanged. Callers validate the rest of the request first, so a request that
/// would be refused anyway does not use up the code.
pub async fn second_factor(
    state: &TransactionsState,
    user_id: i64,
    code: Option<&str>,
) -> ApiResult<()> {
    #[derive(serde::Serialize)]
    struct Check<'a> {
        user_id: i64,
        code: Option<&'a str>,
    }
    let _: serde_json::Value = state
        .login
        .post("/internal/totp/verify", &Check { user_id, code })
        .await?;
    Ok(())
}
