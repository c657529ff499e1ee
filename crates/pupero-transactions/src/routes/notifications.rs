//! The caller's inbox (`/notifications` through the gateway).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::Deserialize;
use utoipa::IntoParams;

use pupero_api::Paged;
use pupero_api::notifications::{Inbox, NotificationView, ReadAll};
use pupero_http::{
    ActiveUser, ApiError, ApiPath, ApiQuery, ApiResult, AuthUser, ErrorCode, PageQuery, TokenKind,
};

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

/// How often a live stream looks for new events.
const STREAM_POLL: Duration = Duration::from_millis(500);
/// An event is streamed once its row is this old, so a transaction that wrote a lower id
/// and committed a moment later is not passed over (ids are taken at insert, not commit).
const STREAM_SETTLE_MS: i64 = 1_000;
const STREAM_KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The caller's events as they happen, as Server-Sent Events: each `event:` is the kind,
/// `id:` the event's id and `data:` the same JSON the inbox lists. Reconnecting with
/// `Last-Event-ID` resumes after that event (without it, the stream starts with the next
/// new event). A comment every 15 s keeps idle connections open. The stream ends when the
/// token that opened it expires (a minute for an API key call), so a revoked key or an
/// ended session stops receiving; the client reconnects with `Last-Event-ID`.
#[utoipa::path(get, path = "/notifications/stream", tag = "notifications", security(("bearer" = [])),
    params(("Last-Event-ID" = Option<i64>, Header, description = "resume after this event id")),
    responses((status = 200, description = "text/event-stream of the caller's events (each data: a NotificationView)", content_type = "text/event-stream"),
              (status = 422, description = "Last-Event-ID is not an event id")))]
pub async fn stream(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let expires_at_ms = token_expiry_ms(&state, &headers)?;
    let after = match headers.get("last-event-id") {
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|id| *id >= 0)
            .ok_or_else(|| {
                ApiError::invalid("Last-Event-ID", "Last-Event-ID must be an event id")
            })?,
        None => store::latest_id(&state.db, caller.id).await?,
    };
    let db = state.db.clone();
    let user_id = caller.id;
    let events = futures::stream::unfold(
        (after, VecDeque::new()),
        move |(mut last, mut pending): (
            i64,
            VecDeque<pupero_api::notifications::NotificationView>,
        )| {
            let db = db.clone();
            async move {
                loop {
                    if let Some(n) = pending.pop_front() {
                        let event = Event::default()
                            .id(n.id.to_string())
                            .event(n.kind.as_str())
                            .data(serde_json::to_string(&n).unwrap_or_default());
                        return Some((Ok(event), (last, pending)));
                    }
                    let now = pupero_db::now_ms();
                    if now >= expires_at_ms {
                        return None;
                    }
                    tokio::time::sleep(STREAM_POLL).await;
                    match store::after(&db, user_id, last, now - STREAM_SETTLE_MS, 50).await {
                        Ok(rows) => {
                            if let Some(newest) = rows.last() {
                                last = newest.id;
                            }
                            pending.extend(rows.iter().map(view));
                        }
                        // Tried again at the next poll; the client sees only a pause.
                        Err(e) => tracing::warn!(error = %e, "notification stream: read failed"),
                    }
                }
            }
        },
    );
    Ok(Sse::new(events).keep_alive(
        KeepAlive::new()
            .interval(STREAM_KEEP_ALIVE)
            .text("keep-alive"),
    ))
}

/// When the bearer token of this request expires (epoch ms).
fn token_expiry_ms(state: &TransactionsState, headers: &HeaderMap) -> ApiResult<i64> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .map(|(_, t)| t.trim())
        .ok_or_else(|| {
            ApiError::unauthorized(ErrorCode::MissingToken, "an access token is required")
        })?;
    let claims = state.keys.verify(token, TokenKind::Access).map_err(|_| {
        ApiError::unauthorized(ErrorCode::InvalidToken, "the access token is invalid")
    })?;
    Ok(claims.exp.saturating_mul(1000))
}
