//! Sanctions: imposed and lifted by staff, seen by their user.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use pupero_api::Paged;
use pupero_api::moderation::{LiftSanction, NewSanction, SanctionView};
use pupero_core::{AuditAction, Role, SanctionKind};
use pupero_db::{now_ms, write_tx};
use pupero_http::{
    ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, AuthUser, ErrorCode, ModeratorUser, PageQuery,
};

use super::views::sanction_view;
use super::{PAGE_DEFAULT, PAGE_MAX, sanctioned_caller, text};
use crate::ModerationState;
use crate::conflict::conflict;
use crate::entity::sanction;
use crate::{enforcement, store};

const MAX_REASON: usize = 1000;
/// The furthest end a sanction may name (beyond it, leave `expires_at` out).
const MAX_DURATION_MS: i64 = 100 * 365 * 86_400_000;

fn parse_expiry(raw: &str, now: i64) -> ApiResult<i64> {
    let bad = || {
        ApiError::invalid(
            "expires_at",
            "expires_at must be an RFC 3339 time in the future, e.g. 2030-01-31T12:00:00Z",
        )
    };
    let t = time::OffsetDateTime::parse(raw.trim(), &time::format_description::well_known::Rfc3339)
        .map_err(|_| bad())?;
    let ms = i64::try_from(t.unix_timestamp_nanos() / 1_000_000).map_err(|_| bad())?;
    if ms <= now || ms - now > MAX_DURATION_MS {
        return Err(bad());
    }
    Ok(ms)
}

/// Who may impose or lift a sanction of `kind` on `user_id`: nobody on themselves, only
/// admins on staff, and only admins hold withdrawals.
async fn may_sanction(
    state: &ModerationState,
    staff: AuthUser,
    user_id: i64,
    kind: SanctionKind,
) -> ApiResult<()> {
    if user_id == staff.id {
        return Err(conflict(
            "you cannot sanction your own account or lift its sanctions",
        ));
    }
    if kind == SanctionKind::WithdrawalHold && staff.role != Role::Admin {
        return Err(ApiError::forbidden("only an admin may hold withdrawals"));
    }
    let target = state
        .authority
        .lookup(user_id)
        .await?
        .filter(|s| !s.deleted)
        .ok_or_else(|| ApiError::not_found("no such user"))?;
    if target.role.is_at_least(Role::Moderator) && staff.role != Role::Admin {
        return Err(ApiError::forbidden("only an admin may sanction staff"));
    }
    Ok(())
}

/// Sanction an account: `warn`, `mute`, `trade_ban`, `withdrawal_hold` (admins),
/// `suspend` or `ban`, until `expires_at` or until lifted. It takes effect at once in
/// every service.
#[utoipa::path(post, path = "/sanctions", tag = "sanctions", security(("bearer" = [])), request_body = NewSanction,
    responses((status = 201, body = SanctionView),
              (status = 403, description = "not a moderator; staff or withdrawal hold without admin; `conflict_of_interest` (yourself)"),
              (status = 404, description = "no such user"), (status = 422, description = "bad field"),
              (status = 503, description = "a service could not be told; nothing changed")))]
#[tracing::instrument(skip_all, fields(moderator_id = staff.id, user_id = req.user_id))]
pub async fn impose(
    State(state): State<ModerationState>,
    ModeratorUser(staff): ModeratorUser,
    ApiJson(req): ApiJson<NewSanction>,
) -> ApiResult<(StatusCode, Json<SanctionView>)> {
    let reason = text("reason", &req.reason, MAX_REASON)?;
    let now = now_ms();
    let expires_at_ms = req
        .expires_at
        .as_deref()
        .map(|raw| parse_expiry(raw, now))
        .transpose()?;
    may_sanction(&state, staff, req.user_id, req.kind).await?;
    let tx = write_tx(&state.db).await?;
    let row = store::insert_sanction(
        &tx,
        &store::NewSanction {
            user_id: req.user_id,
            kind: req.kind,
            reason: &reason,
            imposed_by: staff.id,
            expires_at_ms,
        },
    )
    .await?;
    store::record(
        &tx,
        staff.id,
        AuditAction::Sanction,
        format!("user:{}", req.user_id),
        format!("sanction {} {}: {reason}", row.id, req.kind),
    )
    .await?;
    tx.commit().await?;
    if let Err(e) = enforcement::tell(&state, req.user_id).await {
        // Not in force anywhere, so not on the record as in force either.
        withdraw(&state, &row, staff.id).await;
        return Err(e);
    }
    tracing::info!(sanction_id = row.id, kind = %req.kind, "sanction imposed");
    Ok((
        StatusCode::CREATED,
        Json(sanction_view(&row, None, state.appeal_window_ms, now_ms())),
    ))
}

/// A sanction that could not be made to take effect ends at once, on the record.
async fn withdraw(state: &ModerationState, row: &sanction::Model, staff: i64) {
    let undone = async {
        let tx = write_tx(&state.db).await?;
        let why = "not in force: a service could not be told";
        store::lift(&tx, row, staff, why).await?;
        store::record(
            &tx,
            staff,
            AuditAction::LiftSanction,
            format!("user:{}", row.user_id),
            format!("sanction {} withdrawn, {why}", row.id),
        )
        .await?;
        tx.commit().await?;
        enforcement::tell(state, row.user_id).await
    }
    .await;
    if let Err(e) = undone {
        tracing::warn!(sanction_id = row.id, error = %e.message, "a sanction that failed could not be withdrawn everywhere");
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SanctionQuery {
    /// Only this user's.
    pub user_id: Option<i64>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

/// Sanctions, newest first (staff): everyone's, or one user's history.
#[utoipa::path(get, path = "/sanctions", tag = "sanctions", security(("bearer" = [])), params(SanctionQuery),
    responses((status = 200, body = Paged<SanctionView>), (status = 403, description = "not a moderator")))]
pub async fn list(
    State(state): State<ModerationState>,
    ModeratorUser(_staff): ModeratorUser,
    ApiQuery(q): ApiQuery<SanctionQuery>,
) -> ApiResult<Json<Paged<SanctionView>>> {
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page(PAGE_DEFAULT, PAGE_MAX)?;
    let (rows, total) = store::sanctions_page(&state.db, q.user_id, page).await?;
    let items = with_appeals(&state, &rows).await?;
    Ok(Json(page.of(items, total)))
}

async fn with_appeals(
    state: &ModerationState,
    rows: &[sanction::Model],
) -> ApiResult<Vec<SanctionView>> {
    let now = now_ms();
    let mut out = Vec::with_capacity(rows.len());
    for s in rows {
        let appeal = store::appeal_of(&state.db, s.id).await?;
        out.push(sanction_view(
            s,
            appeal.as_ref(),
            state.appeal_window_ms,
            now,
        ));
    }
    Ok(out)
}

/// The caller's sanctions, newest first: reason, end, whether in force, and how to
/// appeal. A suspended or banned account's token still reads this.
#[utoipa::path(get, path = "/sanctions/mine", tag = "sanctions", security(("bearer" = [])),
    responses((status = 200, body = Vec<SanctionView>)))]
pub async fn mine(
    State(state): State<ModerationState>,
    caller: AuthUser,
) -> ApiResult<Json<Vec<SanctionView>>> {
    let caller = sanctioned_caller(&state.authority, caller).await?;
    let rows = store::sanctions_of(&state.db, caller.id).await?;
    Ok(Json(with_appeals(&state, &rows).await?))
}

/// Lifts a sanction now, here and everywhere it is enforced (shared with a decided
/// appeal). On failure nothing changed.
pub(super) async fn lift_now(
    state: &ModerationState,
    row: &sanction::Model,
    staff: i64,
    reason: &str,
    action: AuditAction,
) -> ApiResult<()> {
    let tx = write_tx(&state.db).await?;
    if !store::lift(&tx, row, staff, reason).await? {
        return Err(ApiError::conflict(
            ErrorCode::InvalidTransition,
            "this sanction was lifted already",
        ));
    }
    store::record(
        &tx,
        staff,
        action,
        format!("user:{}", row.user_id),
        format!("sanction {} {}: {reason}", row.id, row.kind),
    )
    .await?;
    tx.commit().await?;
    if let Err(e) = enforcement::tell(state, row.user_id).await {
        let restored = async {
            let tx = write_tx(&state.db).await?;
            store::unlift(&tx, row).await?;
            tx.commit().await?;
            enforcement::tell(state, row.user_id).await
        }
        .await;
        if let Err(r) = restored {
            tracing::warn!(sanction_id = row.id, error = %r.message, "a lift that failed could not be undone everywhere");
        }
        return Err(e);
    }
    Ok(())
}

/// End a sanction before its time.
#[utoipa::path(post, path = "/sanctions/{id}/lift", tag = "sanctions", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = LiftSanction,
    responses((status = 200, body = SanctionView), (status = 403, description = "not a moderator; a withdrawal hold without admin; `conflict_of_interest`"),
              (status = 404, description = "no such sanction"), (status = 409, description = "lifted already or expired"),
              (status = 503, description = "a service could not be told; nothing changed")))]
pub async fn lift(
    State(state): State<ModerationState>,
    ModeratorUser(staff): ModeratorUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<LiftSanction>,
) -> ApiResult<Json<SanctionView>> {
    let reason = text("reason", &req.reason, MAX_REASON)?;
    let row = store::find_sanction(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such sanction"))?;
    may_sanction(&state, staff, row.user_id, row.kind).await?;
    if !row.in_force(now_ms()) {
        return Err(ApiError::conflict(
            ErrorCode::InvalidTransition,
            "this sanction is no longer in force",
        ));
    }
    lift_now(&state, &row, staff.id, &reason, AuditAction::LiftSanction).await?;
    let row = store::find_sanction(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such sanction"))?;
    let appeal = store::appeal_of(&state.db, id).await?;
    Ok(Json(sanction_view(
        &row,
        appeal.as_ref(),
        state.appeal_window_ms,
        now_ms(),
    )))
}
