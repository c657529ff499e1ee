//! Issuing a session: an access token plus a single-use refresh token whose id is stored.

use sea_orm::ConnectionTrait;

use pupero_api::auth::TokenPair;
use pupero_http::{ApiError, TokenKind};

use crate::entity::user;
use crate::state::LoginState;
use crate::store;

pub async fn issue_pair(
    state: &LoginState,
    db: &impl ConnectionTrait,
    user: &user::Model,
    remember_me: bool,
) -> Result<TokenPair, ApiError> {
    let role = user.role();
    let access = state
        .keys
        .issue(user.id, role, TokenKind::Access, state.policy.access_ttl)
        .map_err(ApiError::internal)?;
    let refresh_ttl = if remember_me {
        state.policy.remember_me_ttl
    } else {
        state.policy.refresh_ttl
    };
    let refresh = state
        .keys
        .issue(user.id, role, TokenKind::Refresh, refresh_ttl)
        .map_err(ApiError::internal)?;
    store::insert_refresh_token(
        db,
        &refresh.jti,
        user.id,
        remember_me,
        refresh.expires_at_ms,
    )
    .await?;
    Ok(TokenPair {
        access_token: access.token,
        refresh_token: refresh.token,
        token_type: "bearer".to_owned(),
        expires_in: state.policy.access_ttl.as_secs(),
    })
}
