//! What anyone may see about a user.

use axum::Json;
use axum::extract::State;

use pupero_api::accounts::{PublicProfile, UserName, UserNames};
use pupero_core::Username;
use pupero_http::{ApiError, ApiPath, ApiResult};

use super::rfc3339;
use crate::state::LoginState;
use crate::store;

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

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct NamesQuery {
    /// Comma-separated user ids, at most 100.
    pub ids: String,
}

/// The usernames of counterparties (trade and offer pages name people, the API gives ids).
/// Signed-in users only, so the id space cannot be walked anonymously into a directory.
#[utoipa::path(get, path = "/users", tag = "profiles", security(("bearer" = [])), params(NamesQuery),
    responses((status = 200, body = UserNames), (status = 401, description = "not signed in"),
              (status = 422, description = "ids malformed or more than 100")))]
pub async fn names(
    State(state): State<LoginState>,
    _caller: pupero_http::AuthUser,
    pupero_http::ApiQuery(q): pupero_http::ApiQuery<NamesQuery>,
) -> ApiResult<Json<UserNames>> {
    let ids: Vec<i64> = q
        .ids
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse::<i64>())
        .collect::<Result<_, _>>()
        .map_err(|_| ApiError::invalid("ids", "ids must be comma-separated user ids"))?;
    if ids.len() > 100 {
        return Err(ApiError::invalid("ids", "at most 100 ids at a time"));
    }
    let users = store::usernames(&state.db, &ids)
        .await?
        .into_iter()
        .map(|(id, username)| UserName { id, username })
        .collect();
    Ok(Json(UserNames { users }))
}
