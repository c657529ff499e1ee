//! The caller's webhooks and their delivery log (`/notifications/webhooks`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use pupero_api::Paged;
use pupero_api::notifications::{NewWebhook, WebhookCreated, WebhookDeliveryView, WebhookView};
use pupero_http::{
    ActiveUser, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, AuthUser, ErrorCode, PageQuery,
};

use crate::TransactionsState;
use crate::store::webhooks as store;
use crate::webhooks::{self, WebhookError};

impl From<WebhookError> for ApiError {
    fn from(e: WebhookError) -> Self {
        match e {
            WebhookError::Invalid { field, message } => ApiError::invalid(field, message),
            WebhookError::TooMany => ApiError::conflict(ErrorCode::WebhookLimit, e.to_string()),
            WebhookError::NotFound => ApiError::not_found("no such webhook"),
            WebhookError::Secret(_) => ApiError::internal(e),
            WebhookError::Db(e) => e.into(),
        }
    }
}

/// Register a webhook. The answer holds its signing secret, shown this once.
#[utoipa::path(post, path = "/notifications/webhooks", tag = "notifications", security(("bearer" = [])), request_body = NewWebhook,
    responses((status = 201, body = WebhookCreated), (status = 409, description = "too many webhooks"),
              (status = 422, description = "invalid url or event")))]
pub async fn create(
    State(state): State<TransactionsState>,
    ActiveUser(caller): ActiveUser,
    ApiJson(req): ApiJson<NewWebhook>,
) -> ApiResult<(StatusCode, Json<WebhookCreated>)> {
    let (webhook, secret) = webhooks::register(&state, caller.id, &req.url, &req.events).await?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookCreated { webhook, secret }),
    ))
}

/// The caller's webhooks (without their secrets).
#[utoipa::path(get, path = "/notifications/webhooks", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Vec<WebhookView>)))]
pub async fn list(
    State(state): State<TransactionsState>,
    caller: AuthUser,
) -> ApiResult<Json<Vec<WebhookView>>> {
    let rows = store::live_of(&state.db, caller.id).await?;
    Ok(Json(rows.iter().map(webhooks::view).collect()))
}

/// Delete one of the caller's webhooks: nothing more is sent to it.
#[utoipa::path(delete, path = "/notifications/webhooks/{id}", tag = "notifications", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 404, description = "no such webhook")))]
pub async fn delete(
    State(state): State<TransactionsState>,
    ActiveUser(caller): ActiveUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    if store::delete_owned(&state.db, id, caller.id, pupero_db::now_ms()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(WebhookError::NotFound.into())
    }
}

/// The delivery log of one of the caller's webhooks, newest first.
#[utoipa::path(get, path = "/notifications/webhooks/{id}/deliveries", tag = "notifications", security(("bearer" = [])),
    params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = Paged<WebhookDeliveryView>), (status = 404, description = "no such webhook")))]
pub async fn deliveries(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<WebhookDeliveryView>>> {
    let page = q.page(50, 200)?;
    store::find_owned(&state.db, id, caller.id)
        .await?
        .ok_or(WebhookError::NotFound)?;
    let (rows, total) = store::deliveries_of(&state.db, id, page).await?;
    Ok(Json(Paged {
        items: rows.iter().map(webhooks::delivery_view).collect(),
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}
