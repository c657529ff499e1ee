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

use sea_orm::{DatabaseConnection, DbErr};

use pupero_api::Paged;
use pupero_api::notifications::{Inbox, NotificationView, ReadAll};
use pupero_http::{
    ActiveUser, ApiError, ApiPath, ApiQuery, ApiResult, AuthUser, ErrorCode, PageQuery, TokenKind,
};

use crate::TransactionsState;
use crate::notifications::view;
use crate::store::notifications as store;
use crate::stream_cursor::Cursor;

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
/// Rows (of any user, ids only) one scan reads; a full scan is followed at once by the next.
const STREAM_SCAN: u64 = 500;
const STREAM_KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The caller's events as they happen, as Server-Sent Events: each `event:` is the kind,
/// `id:` where the stream stands (the event's id, or with events still pending below it,
/// `<id>~<pending id>@<ms>…`) and `data:` the same JSON the inbox lists. Reconnecting with
/// `Last-Event-ID` resumes from there: every later event, including one whose transaction
/// committed late, and none twice (without it, the stream starts with the next new event).
/// A comment every 15 s keeps idle connections open. The stream ends when the token that
/// opened it expires (a minute for an API key call), so a revoked key or an ended session
/// stops receiving; the client reconnects with `Last-Event-ID`.
#[utoipa::path(get, path = "/notifications/stream", tag = "notifications", security(("bearer" = [])),
    params(("Last-Event-ID" = Option<String>, Header, description = "resume from this event's `id:`")),
    responses((status = 200, description = "text/event-stream of the caller's events (each data: a NotificationView)", content_type = "text/event-stream"),
              (status = 422, description = "Last-Event-ID is not an id the stream sent")))]
pub async fn stream(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let expires_at_ms = token_expiry_ms(&state, &headers)?;
    let now = pupero_db::now_ms();
    let cursor = match headers.get("last-event-id") {
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|v| Cursor::parse(v, now).ok())
            .ok_or_else(|| {
                ApiError::invalid(
                    "Last-Event-ID",
                    "Last-Event-ID must be an id the stream sent",
                )
            })?,
        None => starting_cursor(&state.db, now).await?,
    };
    let live = LiveStream {
        db: state.db.clone(),
        user_id: caller.id,
        cursor,
        pending: VecDeque::new(),
        catching_up: false,
    };
    let events = futures::stream::unfold(live, move |mut live| async move {
        loop {
            if let Some(event) = live.pending.pop_front() {
                return Some((Ok(event), live));
            }
            if pupero_db::now_ms() >= expires_at_ms {
                return None;
            }
            if !live.catching_up {
                tokio::time::sleep(STREAM_POLL).await;
            }
            // Tried again at the next poll; the client sees only a pause.
            if let Err(e) = live.scan().await {
                tracing::warn!(error = %e, "notification stream: read failed");
                live.catching_up = false;
            }
        }
    });
    Ok(Sse::new(events).keep_alive(
        KeepAlive::new()
            .interval(STREAM_KEEP_ALIVE)
            .text("keep-alive"),
    ))
}

/// Without `Last-Event-ID`: after the newest row of any user, waiting for the ids just
/// below it that are not committed yet.
async fn starting_cursor(db: &DatabaseConnection, now: i64) -> Result<Cursor, DbErr> {
    let recent = store::newest_seen(db, STREAM_SCAN).await?;
    let Some((oldest, newer)) = recent.split_first() else {
        return Ok(Cursor::after(0));
    };
    let mut cursor = Cursor::after(oldest.id);
    cursor.advance(newer);
    cursor.expire(now);
    Ok(cursor)
}

struct LiveStream {
    db: DatabaseConnection,
    user_id: i64,
    cursor: Cursor,
    pending: VecDeque<Event>,
    /// The last scan was full: more rows are waiting, read them without a pause.
    catching_up: bool,
}

impl LiveStream {
    /// One look at the table: the user's rows among the new ids and the filled gaps become
    /// events, each carrying the point to resume from once it is received.
    async fn scan(&mut self) -> Result<(), DbErr> {
        let now = pupero_db::now_ms();
        self.cursor.expire(now);
        let rows = store::seen_since(
            &self.db,
            self.cursor.high,
            self.cursor.gaps.keys().copied(),
            STREAM_SCAN,
        )
        .await?;
        let mut next = self.cursor.clone();
        next.advance(&rows);
        next.expire(now);
        let mine: Vec<i64> = rows
            .iter()
            .filter(|r| r.user_id == self.user_id)
            .map(|r| r.id)
            .collect();
        let owned = store::owned_among(&self.db, self.user_id, &mine).await?;
        let ids: Vec<i64> = owned.iter().map(|n| n.id).collect();
        for (i, n) in owned.iter().enumerate() {
            let resume =
                next.resume_point(&self.cursor, n.id, ids.get(i + 1..).unwrap_or(&[]), now);
            let n = view(n);
            self.pending.push_back(
                Event::default()
                    .id(resume.encode())
                    .event(n.kind.as_str())
                    .data(serde_json::to_string(&n).unwrap_or_default()),
            );
        }
        self.catching_up = u64::try_from(rows.len()).unwrap_or(u64::MAX) >= STREAM_SCAN;
        self.cursor = next;
        Ok(())
    }
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
