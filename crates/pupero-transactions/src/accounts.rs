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
