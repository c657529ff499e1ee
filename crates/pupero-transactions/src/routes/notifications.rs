//! The caller's inbox (`/notifications` through the gateway).

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use pupero_api::Paged;
use pupero_api::notifications::{Inbox, NotificationView, ReadAll};
use pupero_http::{ActiveUser, ApiError, ApiPath, ApiQuery, ApiResult, AuthUser, PageQuery};

use crate::TransactionsState;
use crate::notifications::view;
use crate::store::notifications as store;

#[derive(Debug, Deserialize, IntoParams)]
pub struct InboxQuery {
    /// 1–100, default 20.
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    /// Only unread events.
    #[serde(default)]
    pub unread: bool,
}

/// The caller's inbox, newest first, and how many of its events are unread.
#[utoipa::path(get, path = "/notifications", tag = "notifications", security(("bearer" = [])), params(InboxQuery),
    responses((status = 200, body = Inbox), (status = 422, description = "limit or offset out of range")))]
pub async fn inbox(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> ApiResult<Json<Inbox>> {
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page(20, 100)?;
    let (rows, total, unread) = store::page_of(&state.db, caller.id, q.unread, page).await?;
    Ok(Json(Inbox {
        page: Paged {
            items: rows.iter().map(view).collect(),
            total,
            limit: page.limit,
            offset: page.offset,
        },
        unread,
    }))
}

/// Marks one of the caller's events read (again is harmless). Another user's event is
/// answered 404, as one that does not exist.
#[utoipa::path(post, path = "/notifications/{id}/read", tag = "notifications", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = NotificationView), (status = 404, description = "no such notification")))]
pub async fn mark_read(
    State(state): State<TransactionsState>,
    ActiveUser(caller): ActiveUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<NotificationView>> {
    let now = pupero_db::now_ms();
    store::mark_read(&state.db, id, caller.id, now).await?;
    let row = store::find_owned(&state.db, id, caller.id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such notification"))?;
    Ok(Json(view(&row)))
}

/// Marks every event of the caller's read.
#[utoipa::path(post, path = "/notifications/read-all", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = ReadAll)))]
pub async fn mark_all_read(
    State(state): State<TransactionsState>,
    ActiveUser(caller): ActiveUser,
) -> ApiResult<Json<ReadAll>> {
    let marked = store::mark_all_read(&state.db, caller.id, pupero_db::now_ms()).await?;
    Ok(Json(ReadAll { marked }))
}
