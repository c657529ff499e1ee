//! Trade chat: the parties, and the moderator once a dispute opens. Polling with `?after=`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use pupero_api::internal::login::AccountFacts;
use pupero_api::internal::transactions::MessageAuthor;
use pupero_api::trades::{ChatMessage, ChatMessages, NewMessage};
use pupero_http::{
    ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, AuthUser, PageQuery, ServiceCaller, rfc3339,
};

use crate::TransactionsState;
use crate::entity::{trade as trade_row, trade_message};
use crate::notifications;
use crate::store::chat as store;
use crate::trades::{self, Access};

const MAX_BODY: usize = 2000;

#[derive(Debug, Deserialize, IntoParams)]
pub struct After {
    /// Only messages with a larger id (for polling).
    pub after: Option<i64>,
    /// 1–200, default 100.
    pub limit: Option<u64>,
}

async fn chat_access(
    state: &TransactionsState,
    trade_id: i64,
    caller: AuthUser,
) -> ApiResult<(trade_row::Model, Access)> {
    let t = trades::load(&state.db, trade_id).await?;
    match trades::current_access(state, &t, caller).await? {
        Some(a @ (Access::Party(_) | Access::Moderator)) => Ok((t, a)),
        // Admins may read any trade, but join its chat only through a dispute.
        Some(Access::Observer) => Err(ApiError::forbidden(
            "the chat opens to staff only in a dispute",
        )),
        None => Err(ApiError::not_found("no such trade")),
    }
}

pub(super) fn message(m: trade_message::Model) -> ChatMessage {
    ChatMessage {
        id: m.id,
        sender_id: m.sender_id,
        body: m.body,
        created_at: rfc3339(m.created_at_ms),
        staff: m.staff_name.is_some(),
        author_name: m.staff_name,
    }
}

/// Messages of a trade, oldest first.
#[utoipa::path(get, path = "/trades/{id}/messages", tag = "chat", security(("bearer" = [])), params(("id" = i64, Path), After),
    responses((status = 200, body = ChatMessages), (status = 404, description = "no such trade")))]
pub async fn list_messages(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<After>,
) -> ApiResult<Json<ChatMessages>> {
    chat_access(&state, id, caller).await?;
    let page = PageQuery {
        limit: q.limit,
        offset: None,
    }
    .page(100, 200)?;
    let rows = store::messages_after(&state.db, id, q.after.unwrap_or(0), page.limit).await?;
    Ok(Json(ChatMessages {
        messages: rows.into_iter().map(message).collect(),
    }))
}

/// For the moderation service: who wrote a chat message, in which trade (to check a
/// report of it and who may judge it).
pub async fn internal_message(
    State(state): State<TransactionsState>,
    _caller: ServiceCaller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MessageAuthor>> {
    let message = store::find_message(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such message"))?;
    let trade = crate::store::trades::find(&state.db, message.trade_id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such message"))?;
    Ok(Json(MessageAuthor {
        message_id: message.id,
        trade_id: trade.id,
        author_id: message.sender_id,
        buyer_id: trade.buyer_id,
        seller_id: trade.seller_id,
    }))
}

/// Post a message to a trade's chat.
#[utoipa::path(post, path = "/trades/{id}/messages", tag = "chat", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = NewMessage,
    responses((status = 201, body = ChatMessage), (status = 404, description = "no such trade"), (status = 422, description = "empty or too long")))]
pub async fn post_message(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewMessage>,
) -> ApiResult<(StatusCode, Json<ChatMessage>)> {
    // A mute (or a suspension, a ban) in force stops chat, checked now.
    let caller = state
        .authority
        .permit(caller, pupero_core::Privilege::Chat)
        .await?;
    let (t, access) = chat_access(&state, id, caller).await?;
    let body = req.body.trim();
    if body.is_empty() || body.chars().count() > MAX_BODY {
        return Err(ApiError::invalid(
            "body",
            format!("a message is 1 to {MAX_BODY} characters"),
        ));
    }
    // Staff (not a party) write under their name, so both traders see who speaks for the
    // platform instead of a bare user number. Login owns names.
    let staff_name = match access {
        Access::Moderator => Some(
            state
                .login
                .get::<AccountFacts>(&format!("/internal/users/{}", caller.id))
                .await?
                .username,
        ),
        _ => None,
    };
    let tx = pupero_db::write_tx(&state.db).await?;
    let saved = store::insert_message(&tx, id, caller.id, body, staff_name).await?;
    notifications::tell(&tx, &notifications::for_message(&t, caller.id)).await?;
    tx.commit().await?;
    state.notify_wake.notify_one();
    Ok((StatusCode::CREATED, Json(message(saved))))
}
