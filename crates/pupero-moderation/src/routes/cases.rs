//! Reports, and the cases moderators work through.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use pupero_api::Paged;
use pupero_api::moderation::{
    CaseDetail, CaseNote, CaseView, NewNote, NewReport, ReportView, ResolveCase,
};
use pupero_core::{AuditAction, CaseStatus, ReportCategory, ReportTarget};
use pupero_db::{is_unique_violation, now_ms, write_tx};
use pupero_http::{
    ActiveUser, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, AuthUser, ErrorCode,
    ModeratorUser, PageQuery,
};

use super::views::{case_note, case_report, case_view, report_view};
use super::{PAGE_DEFAULT, PAGE_MAX, text};
use crate::ModerationState;
use crate::conflict::not_party_to_case;
use crate::entity::case;
use crate::store::{self, Filed, QueueFilter};
use crate::targets;

const MAX_TEXT: usize = 2000;

/// Report a user, an offer, a trade or a chat message. Reports of one target merge into
/// its open case.
#[utoipa::path(post, path = "/reports", tag = "reports", security(("bearer" = [])), request_body = NewReport,
    responses((status = 201, body = ReportView), (status = 404, description = "no such target (or not yours to see)"),
              (status = 409, description = "`already_reported`: you reported this target in its open case"),
              (status = 422, description = "bad field, or your own account, offer or message")))]
#[tracing::instrument(skip_all, fields(user_id = caller.id))]
pub async fn file_report(
    State(state): State<ModerationState>,
    ActiveUser(caller): ActiveUser,
    ApiJson(req): ApiJson<NewReport>,
) -> ApiResult<(StatusCode, Json<ReportView>)> {
    let body = text("text", &req.text, MAX_TEXT)?;
    let subjects = targets::subjects(&state, req.target, req.target_id, caller.id).await?;
    let new = store::NewReport {
        target: req.target,
        target_id: req.target_id,
        category: req.category,
        text: &body,
        reporter: caller.id,
        subjects: &subjects,
    };
    // Two first reports of one target at once: one makes the case, the other's insert
    // hits the open case's unique key and, tried again, joins it.
    let mut attempt = 0;
    let filed = loop {
        attempt += 1;
        let tx = write_tx(&state.db).await?;
        match store::file_report(&tx, &new).await {
            Ok(filed) => {
                tx.commit().await?;
                break filed;
            }
            Err(e) if attempt < 3 && is_unique_violation(&e) => {
                drop(tx);
            }
            Err(e) => return Err(e.into()),
        }
    };
    match filed {
        Filed::New(filed) => {
            let (report, case) = *filed;
            tracing::info!(
                case_id = case.id,
                reporters = case.reporters,
                "report filed"
            );
            Ok((StatusCode::CREATED, Json(report_view(&report, &case))))
        }
        Filed::Repeated => Err(ApiError::conflict(
            ErrorCode::AlreadyReported,
            "you already reported this; its case is still open",
        )),
    }
}

/// The caller's reports, newest first, with where each case stands.
#[utoipa::path(get, path = "/reports/mine", tag = "reports", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Paged<ReportView>)))]
pub async fn my_reports(
    State(state): State<ModerationState>,
    caller: AuthUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<ReportView>>> {
    let page = q.page(PAGE_DEFAULT, PAGE_MAX)?;
    let (rows, total) = store::reports_of(&state.db, caller.id, page).await?;
    let items = rows.iter().map(|(r, c)| report_view(r, c)).collect();
    Ok(Json(page.of(items, total)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct QueueQuery {
    /// `open`, `claimed`, `resolved` or `all`; default: open and claimed.
    pub status: Option<String>,
    pub category: Option<String>,
    /// `user`, `offer`, `trade` or `message`.
    pub target: Option<String>,
    /// Only the cases about this one (with `target`): e.g. every case about a user, for
    /// the staff's user page.
    pub target_id: Option<i64>,
    /// A moderator's id, or `me`.
    pub assignee: Option<String>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

fn word<T: std::str::FromStr>(field: &str, raw: Option<&str>) -> ApiResult<Option<T>> {
    raw.map(|r| {
        r.parse().map_err(|_| {
            ApiError::invalid(
                field,
                format!(
                    "unknown {field} `{}`",
                    r.chars().take(32).collect::<String>()
                ),
            )
        })
    })
    .transpose()
}

/// The moderators' queue: most distinct reporters first (escalated at
/// AUTO_ESCALATION_THRESHOLD), then oldest first.
#[utoipa::path(get, path = "/queue", tag = "cases", security(("bearer" = [])), params(QueueQuery),
    responses((status = 200, body = Paged<CaseView>), (status = 403, description = "not a moderator"),
              (status = 422, description = "unknown filter word")))]
pub async fn queue(
    State(state): State<ModerationState>,
    ModeratorUser(moderator): ModeratorUser,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> ApiResult<Json<Paged<CaseView>>> {
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page(PAGE_DEFAULT, PAGE_MAX)?;
    let assignee =
        match q.assignee.as_deref() {
            None => None,
            Some("me") => Some(moderator.id),
            Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
                ApiError::invalid("assignee", "assignee is a moderator's id or `me`")
            })?),
        };
    if q.target_id.is_some() && q.target.is_none() {
        return Err(ApiError::invalid(
            "target_id",
            "target_id needs target: user, offer, trade or message",
        ));
    }
    let statuses = match q.status.as_deref() {
        Some("all") => CaseStatus::ALL.to_vec(),
        other => word::<CaseStatus>("status", other)?.into_iter().collect(),
    };
    let filter = QueueFilter {
        statuses,
        category: word::<ReportCategory>("category", q.category.as_deref())?,
        target: word::<ReportTarget>("target", q.target.as_deref())?,
        target_id: q.target_id,
        assignee,
    };
    let (rows, total) = store::queue(&state.db, &filter, page).await?;
    let now = now_ms();
    let items = rows
        .iter()
        .map(|c| case_view(c, state.escalation_threshold, now))
        .collect();
    Ok(Json(page.of(items, total)))
}

async fn case_for(state: &ModerationState, id: i64, moderator: i64) -> ApiResult<case::Model> {
    let c = store::find_case(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such case"))?;
    not_party_to_case(&state.db, id, moderator).await?;
    Ok(c)
}

/// A case with its reports and the moderators' private notes.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = CaseDetail), (status = 403, description = "not a moderator, or `conflict_of_interest`"),
              (status = 404, description = "no such case")))]
pub async fn get_case(
    State(state): State<ModerationState>,
    ModeratorUser(moderator): ModeratorUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CaseDetail>> {
    let c = case_for(&state, id, moderator.id).await?;
    let reports = store::case_reports(&state.db, id).await?;
    let notes = store::case_notes(&state.db, id).await?;
    Ok(Json(CaseDetail {
        case: case_view(&c, state.escalation_threshold, now_ms()),
        reports: reports.iter().map(case_report).collect(),
        notes: notes.iter().map(case_note).collect(),
    }))
}

/// Take a case (it shows as the caller's in the queue).
#[utoipa::path(post, path = "/cases/{id}/claim", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = CaseView), (status = 403, description = "not a moderator, or `conflict_of_interest`"),
              (status = 404, description = "no such case"), (status = 409, description = "decided already")))]
pub async fn claim(
    State(state): State<ModerationState>,
    ModeratorUser(moderator): ModeratorUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CaseView>> {
    case_for(&state, id, moderator.id).await?;
    let tx = write_tx(&state.db).await?;
    if !store::claim(&tx, id, moderator.id).await? {
        return Err(decided());
    }
    store::record(
        &tx,
        moderator.id,
        AuditAction::ClaimCase,
        format!("case:{id}"),
        String::new(),
    )
    .await?;
    tx.commit().await?;
    reload(&state, id).await
}

fn decided() -> ApiError {
    ApiError::conflict(ErrorCode::InvalidTransition, "this case is decided already")
}

async fn reload(state: &ModerationState, id: i64) -> ApiResult<Json<CaseView>> {
    let c = store::find_case(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such case"))?;
    Ok(Json(case_view(&c, state.escalation_threshold, now_ms())))
}

/// Add a private note (seen by moderators only).
#[utoipa::path(post, path = "/cases/{id}/notes", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = NewNote,
    responses((status = 201, body = CaseNote), (status = 403, description = "not a moderator, or `conflict_of_interest`"),
              (status = 404, description = "no such case"), (status = 422, description = "empty or too long")))]
pub async fn add_note(
    State(state): State<ModerationState>,
    ModeratorUser(moderator): ModeratorUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewNote>,
) -> ApiResult<(StatusCode, Json<CaseNote>)> {
    let body = text("text", &req.text, MAX_TEXT)?;
    case_for(&state, id, moderator.id).await?;
    let tx = write_tx(&state.db).await?;
    let note = store::add_note(&tx, id, moderator.id, &body).await?;
    // The note's words stay private to moderators; the chain records that it was written.
    store::record(
        &tx,
        moderator.id,
        AuditAction::AddNote,
        format!("case:{id}"),
        format!("note {}", note.id),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(case_note(&note))))
}

/// Decide a case: `actioned` (something was done, e.g. a sanction) or `dismissed`.
#[utoipa::path(post, path = "/cases/{id}/resolve", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ResolveCase,
    responses((status = 200, body = CaseView), (status = 403, description = "not a moderator, or `conflict_of_interest`"),
              (status = 404, description = "no such case"), (status = 409, description = "decided already"),
              (status = 422, description = "reason missing")))]
pub async fn resolve(
    State(state): State<ModerationState>,
    ModeratorUser(moderator): ModeratorUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ResolveCase>,
) -> ApiResult<Json<CaseView>> {
    let reason = text("reason", &req.reason, MAX_TEXT)?;
    case_for(&state, id, moderator.id).await?;
    let tx = write_tx(&state.db).await?;
    if !store::resolve(&tx, id, moderator.id, req.resolution, &reason).await? {
        return Err(decided());
    }
    store::record(
        &tx,
        moderator.id,
        AuditAction::ResolveCase,
        format!("case:{id}"),
        format!("{}: {reason}", req.resolution),
    )
    .await?;
    tx.commit().await?;
    reload(&state, id).await
}
