//! What anyone may see about a user.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use pupero_core::Username;
use pupero_http::{ApiError, ApiPath, ApiResult};

use super::rfc3339;
use crate::state::LoginState;
use crate::store;

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicProfile {
    pub id: i64,
    pub username: String,
    /// RFC 3339, UTC.
    pub member_since: String,
}

/// A user's public profile.
#[utoipa::path(get, path = "/users/{username}", tag = "profiles", params(("username" = String, Path)),
    responses((status = 200, body = PublicProfile), (status = 404, description = "no such user")))]
pub async fn profile(
    State(state): State<LoginState>,
    ApiPath(username): ApiPath<String>,
) -> ApiResult<Json<PublicProfile>> {
    let not_found = || ApiError::not_found("no such user");
    let username = Username::parse(&username).map_err(|_| not_found())?;
    match store::find_by_login(&state.db, username.as_str()).await? {
        Some(u) if u.deleted_at_ms.is_none() => Ok(Json(PublicProfile {
            id: u.id,
            username: u.username,
            member_since: rfc3339(u.created_at_ms),
        })),
        _ => Err(not_found()),
    }
}
