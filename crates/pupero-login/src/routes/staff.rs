//! What moderators and admins need to find people: a search by username, and one account
//! by number. Staff only; a normal user is refused.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use pupero_api::Paged;
use pupero_api::accounts::StaffUserView;
use pupero_http::{ApiError, ApiPath, ApiQuery, ApiResult, ModeratorUser, PageQuery};

use super::rfc3339;
use crate::entity::user;
use crate::state::LoginState;
use crate::store;

/// 20 rows unless asked, at most 100.
const PAGE_DEFAULT: u64 = 20;
const PAGE_MAX: u64 = 100;

/// The longest username (`Username::parse`), so the longest useful search.
const MAX_SEARCH: usize = 32;

fn staff_view(u: &user::Model) -> StaffUserView {
    StaffUserView {
        id: u.id,
        username: u.username.clone(),
        role: u.role(),
        disabled: u.disabled,
        created_at: rfc3339(u.created_at_ms),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// Part of a username (1–32 of its characters: letters, digits, `_`, `-`, `.`);
    /// case does not matter. Names starting with it come first.
    pub q: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

/// The search text, lower-cased, or why it is refused.
fn search_text(raw: Option<&str>) -> ApiResult<String> {
    let text = raw.unwrap_or_default().trim();
    if text.is_empty() {
        return Err(ApiError::invalid("q", "q is required: part of a username"));
    }
    if text.chars().count() > MAX_SEARCH {
        return Err(ApiError::invalid(
            "q",
            format!("q must be at most {MAX_SEARCH} characters"),
        ));
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(ApiError::invalid(
            "q",
            "q may hold only what a username holds: letters, digits, _, - and .",
        ));
    }
    Ok(text.to_ascii_lowercase())
}

/// Find accounts by part of their username.
#[utoipa::path(get, path = "/staff/users", tag = "staff", security(("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = Paged<StaffUserView>), (status = 403, description = "not a moderator or admin"),
              (status = 422, description = "q missing, too long or with characters no username has; a bad limit or offset")))]
pub async fn search(
    State(state): State<LoginState>,
    ModeratorUser(_staff): ModeratorUser,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> ApiResult<Json<Paged<StaffUserView>>> {
    let text = search_text(query.q.as_deref())?;
    let page = PageQuery {
        limit: query.limit,
        offset: query.offset,
    }
    .page(PAGE_DEFAULT, PAGE_MAX)?;
    let (rows, total) = store::search_usernames(&state.db, &text, page.limit, page.offset).await?;
    Ok(Json(page.of(rows.iter().map(staff_view).collect(), total)))
}

/// One account by number (the staff user page).
#[utoipa::path(get, path = "/staff/users/{id}", tag = "staff", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = StaffUserView), (status = 403, description = "not a moderator or admin"),
              (status = 404, description = "no such user")))]
pub async fn user(
    State(state): State<LoginState>,
    ModeratorUser(_staff): ModeratorUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<StaffUserView>> {
    match store::find_user(&state.db, id).await? {
        Some(u) if u.deleted_at_ms.is_none() => Ok(Json(staff_view(&u))),
        _ => Err(ApiError::not_found("no such user")),
    }
}

#[cfg(test)]
mod tests {
    use super::search_text;

    #[test]
    fn a_search_is_part_of_a_username() {
        assert_eq!(search_text(Some(" Ali_ce ")).unwrap(), "ali_ce");
        for bad in [
            None,
            Some(""),
            Some("   "),
            Some("a%"),
            Some("a b"),
            Some("x'--"),
        ] {
            assert!(search_text(bad).is_err(), "{bad:?}");
        }
        assert!(search_text(Some(&"a".repeat(33))).is_err());
        assert!(search_text(Some(&"a".repeat(32))).is_ok());
    }
}
