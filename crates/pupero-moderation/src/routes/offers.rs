//! Staff taking an offer down, with a reason on the record.

use axum::Json;
use axum::extract::State;

use pupero_api::moderation::{OfferRemoved, RemoveOffer};
use pupero_api::offers::OfferView;
use pupero_core::AuditAction;
use pupero_db::write_tx;
use pupero_http::{ApiError, ApiJson, ApiPath, ApiResult, ModeratorUser};

use super::text;
use crate::ModerationState;
use crate::conflict::conflict;
use crate::store;

const MAX_REASON: usize = 1000;

/// Remove an offer (any owner's): it leaves the listing at once; trades already open on
/// it run on. Nobody removes their own offer this way.
#[utoipa::path(post, path = "/offers/{id}/remove", tag = "offers", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = RemoveOffer,
    responses((status = 200, body = OfferRemoved), (status = 403, description = "not a moderator, or `conflict_of_interest` (your own offer)"),
              (status = 404, description = "no such offer"), (status = 422, description = "reason missing"),
              (status = 503, description = "the offers service is unavailable; nothing changed")))]
#[tracing::instrument(skip_all, fields(moderator_id = staff.id, offer_id = id))]
pub async fn remove(
    State(state): State<ModerationState>,
    ModeratorUser(staff): ModeratorUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RemoveOffer>,
) -> ApiResult<Json<OfferRemoved>> {
    let reason = text("reason", &req.reason, MAX_REASON)?;
    let not_found = |e: ApiError| {
        if e.status == axum::http::StatusCode::NOT_FOUND {
            ApiError::not_found("no such offer")
        } else {
            e
        }
    };
    let offer: OfferView = state
        .offers
        .get(&format!("/internal/offers/{id}"))
        .await
        .map_err(not_found)?;
    if offer.owner_id == staff.id {
        return Err(conflict("this is your own offer: delete it yourself"));
    }
    let removed: OfferView = state
        .offers
        .post(
            &format!("/internal/offers/{id}/remove"),
            &serde_json::json!({}),
        )
        .await
        .map_err(not_found)?;
    let tx = write_tx(&state.db).await?;
    store::record(
        &tx,
        staff.id,
        AuditAction::RemoveOffer,
        format!("offer:{id}"),
        format!("owner {}: {reason}", removed.owner_id),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(OfferRemoved {
        offer_id: id,
        owner_id: removed.owner_id,
        reason,
        removed_by: staff.id,
    }))
}
