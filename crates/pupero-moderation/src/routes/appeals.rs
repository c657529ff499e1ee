//! Appeals: one per sanction, by its user, within APPEAL_WINDOW_DAYS; decided by a
//! moderator who neither imposed the sanction nor is its user.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use pupero_api::Paged;
use pupero_api::moderation::{AppealView, DecideAppeal, NewAppeal};
use pupero_core::{AppealDecision, AppealStatus, AuditAction, Role, SanctionKind};
use pupero_db::{now_ms, write_tx};
use pupero_http::{
    ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, AuthUser, ErrorCode, ModeratorUser, PageQuery,
};

use super::views::{appeal_deadline, appeal_view};
use super::{PAGE_DEFAULT, PAGE_MAX, sanctioned_caller, text};
use crate::ModerationState;
use crate::conflict::conflict;
use crate::store;

const MAX_TEXT: usize = 2000;

/// Appeal one of your sanctions (once, within APPEAL_WINDOW_DAYS of it, while in force).
/// A suspended or banned account's token may still do this.
#[utoipa::path(post, path = "/appeals", tag = "appeals", security(("bearer" = [])), request_body = NewAppeal,
    responses((status = 201, body = AppealView), (status = 404, description = "no such sanction of yours"),
              (status = 409, description = "`already_appealed`, or `appeal_window_closed`"),
              (status = 422, description = "text missing or too long")))]
#[tracing::instrument(skip_all, fields(user_id = caller.id, sanction_id = req.sanction_id))]
pub async fn file(
    State(state): State<ModerationState>,
    caller: AuthUser,
    ApiJson(req): ApiJson<NewAppeal>,
) -> ApiResult<(StatusCode, Json<AppealView>)> {
    let caller = sanctioned_caller(&state.authority, caller).await?;
    let body = text("text", &req.text, MAX_TEXT)?;
    let sanction = store::find_sanction(&state.db, req.sanction_id)
        .await?
        .filter(|s| s.user_id == caller.id)
        .ok_or_else(|| ApiError::not_found("no such sanction"))?;
    let existing = store::appeal_of(&state.db, sanction.id).await?;
    if existing.is_some() {
        return Err(already_appealed());
    }
    if appeal_deadline(&sanction, None, state.appeal_window_ms, now_ms()).is_none() {
        return Err(ApiError::conflict(
            ErrorCode::AppealWindowClosed,
            "this sanction can no longer be appealed: it is over, or older than the appeal window",
        ));
    }
    let tx = write_tx(&state.db).await?;
    let Some(appeal) = store::insert_appeal(&tx, sanction.id, caller.id, &body).await? else {
        return Err(already_appealed());
    };
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(appeal_view(&appeal))))
}

fn already_appealed() -> ApiError {
    ApiError::conflict(
        ErrorCode::AlreadyAppealed,
        "this sanction was appealed already",
    )
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AppealQuery {
    /// `pending` (default), `upheld` or `lifted`.
    pub status: Option<String>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

/// Appeals, oldest first (moderators).
#[utoipa::path(get, path = "/appeals", tag = "appeals", security(("bearer" = [])), params(AppealQuery),
    responses((status = 200, body = Paged<AppealView>), (status = 403, description = "not a moderator")))]
pub async fn list(
    State(state): State<ModerationState>,
    ModeratorUser(_staff): ModeratorUser,
    ApiQuery(q): ApiQuery<AppealQuery>,
) -> ApiResult<Json<Paged<AppealView>>> {
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page(PAGE_DEFAULT, PAGE_MAX)?;
    let status = match q.status.as_deref() {
        None => AppealStatus::Pending,
        Some(raw) => raw
            .parse()
            .map_err(|_| ApiError::invalid("status", "status is pending, upheld or lifted"))?,
    };
    let (rows, total) = store::appeals_page(&state.db, Some(status), page).await?;
    Ok(Json(page.of(rows.iter().map(appeal_view).collect(), total)))
}

/// Decide an appeal: `uphold` (the sanction stays) or `lift` (it ends now, everywhere).
#[utoipa::path(post, path = "/appeals/{id}/decide", tag = "appeals", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = DecideAppeal,
    responses((status = 200, body = AppealView),
              (status = 403, description = "not a moderator; `conflict_of_interest` (you imposed the sanction, or it is yours); a withdrawal hold without admin"),
              (status = 404, description = "no such appeal"), (status = 409, description = "decided already"),
              (status = 503, description = "a service could not be told; nothing changed")))]
#[tracing::instrument(skip_all, fields(moderator_id = staff.id, appeal_id = id))]
pub async fn decide(
    State(state): State<ModerationState>,
    ModeratorUser(staff): ModeratorUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<DecideAppeal>,
) -> ApiResult<Json<AppealView>> {
    let reason = text("reason", &req.reason, MAX_TEXT)?;
    let appeal = store::find_appeal(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such appeal"))?;
    let sanction = store::find_sanction(&state.db, appeal.sanction_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("appeal {id} has no sanction")))?;
    if staff.id == sanction.imposed_by {
        return Err(conflict(
            "you imposed this sanction: another moderator must decide its appeal",
        ));
    }
    if staff.id == sanction.user_id {
        return Err(conflict("you cannot decide an appeal of your own sanction"));
    }
    if sanction.kind == SanctionKind::WithdrawalHold && staff.role != Role::Admin {
        return Err(ApiError::forbidden(
            "only an admin may decide about a withdrawal hold",
        ));
    }
    if appeal.status != AppealStatus::Pending {
        return Err(decided());
    }
    let status = match req.decision {
        AppealDecision::Uphold => AppealStatus::Upheld,
        AppealDecision::Lift => AppealStatus::Lifted,
    };
    let tx = write_tx(&state.db).await?;
    if !store::decide_appeal(&tx, id, staff.id, status, &reason).await? {
        return Err(decided());
    }
    store::record(
        &tx,
        staff.id,
        AuditAction::DecideAppeal,
        format!("user:{}", sanction.user_id),
        format!(
            "appeal {id} of sanction {}: {}: {reason}",
            sanction.id, req.decision
        ),
    )
    .await?;
    tx.commit().await?;
    if req.decision == AppealDecision::Lift && sanction.in_force(now_ms()) {
        let lifted = super::sanctions::lift_now(
            &state,
            &sanction,
            staff.id,
            &format!("appeal {id}: {reason}"),
            AuditAction::LiftSanction,
        )
        .await;
        if let Err(e) = lifted {
            let tx = write_tx(&state.db).await?;
            store::reopen_appeal(&tx, id).await?;
            tx.commit().await?;
            return Err(e);
        }
    }
    let appeal = store::find_appeal(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such appeal"))?;
    Ok(Json(appeal_view(&appeal)))
}

fn decided() -> ApiError {
    ApiError::conflict(
        ErrorCode::InvalidTransition,
        "this appeal was decided already",
    )
}
