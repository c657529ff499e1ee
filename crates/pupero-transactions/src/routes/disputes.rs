//! The dispute workbench: each party's statement, evidence files from either party, and
//! the one view staff decide from (statements, chat, timeline, evidence, the options).

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::ActiveValue::Set;
use serde::Deserialize;
use utoipa::IntoParams;

use pupero_api::trades::{
    DisputeFiles, DisputeStatement, DisputeWorkbench, EvidenceView, ReasonOption,
    ResolutionOptions, StatementRequest, TimelineStep, TradeRole,
};
use pupero_core::dispute::WHOLE_BPS;
use pupero_core::trade::TradeState;
use pupero_core::{Privilege, Resolution, ResolutionReason, Role};
use pupero_http::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, AuthUser, ErrorCode, rfc3339};

use crate::TransactionsState;
use crate::entity::{
    dispute_evidence, dispute_evidence_meta, dispute_statement, trade as trade_row,
};
use crate::evidence;
use crate::store::{chat as chat_store, disputes as store};
use crate::trades::{self, Access};

/// Longest statement, in characters (as long as the one a dispute opens with).
const MAX_STATEMENT: usize = 2000;
/// Files one party may attach to one trade: enough for receipts and screenshots, not a
/// way to fill the database.
pub const MAX_FILES_PER_PARTY: u64 = 20;
/// The whole chat, for the workbench.
const CHAT_LIMIT: u64 = 10_000;

/// A party of a trade in dispute, acting on it now (a suspended or banned account cannot).
async fn disputing_party(
    state: &TransactionsState,
    trade_id: i64,
    caller: AuthUser,
) -> ApiResult<(trade_row::Model, AuthUser)> {
    let caller = state.authority.permit(caller, Privilege::Act).await?;
    let t = trades::load(&state.db, trade_id).await?;
    match trades::access(&t, caller) {
        Some(Access::Party(_)) => {}
        Some(_) => {
            return Err(ApiError::forbidden(
                "only the trade's buyer and seller file statements and evidence",
            ));
        }
        None => return Err(ApiError::not_found("no such trade")),
    }
    if t.state != TradeState::Disputed {
        return Err(ApiError::conflict(
            ErrorCode::InvalidTransition,
            "the trade is not in dispute: statements and evidence are filed while a dispute is open",
        ));
    }
    Ok((t, caller))
}

fn role_in(t: &trade_row::Model, user_id: i64) -> TradeRole {
    if user_id == t.buyer_id {
        TradeRole::Buyer
    } else {
        TradeRole::Seller
    }
}

fn statement_view(t: &trade_row::Model, s: dispute_statement::Model) -> DisputeStatement {
    DisputeStatement {
        trade_id: s.trade_id,
        author_id: s.author_id,
        author_role: role_in(t, s.author_id),
        body: s.body,
        created_at: rfc3339(s.created_at_ms),
        updated_at: rfc3339(s.updated_at_ms),
    }
}

fn evidence_view(t: &trade_row::Model, e: dispute_evidence_meta::Model) -> EvidenceView {
    EvidenceView {
        id: e.id,
        trade_id: e.trade_id,
        uploader_id: e.uploader_id,
        uploader_role: role_in(t, e.uploader_id),
        content_type: e.content_type,
        file_name: e.file_name,
        size_bytes: u64::try_from(e.size_bytes).unwrap_or(0),
        sha256: e.sha256,
        created_at: rfc3339(e.created_at_ms),
        expires_at: rfc3339(e.expires_at_ms),
        download: format!("/transactions/trades/{}/evidence/{}", e.trade_id, e.id),
    }
}

/// File or rewrite the caller's statement in an open dispute (buyer or seller). One per
/// party: a second call replaces the first, until the dispute is decided.
#[utoipa::path(put, path = "/trades/{id}/statement", tag = "disputes", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = StatementRequest,
    responses((status = 200, body = DisputeStatement), (status = 403, description = "not a party"),
              (status = 404, description = "no such trade"), (status = 409, description = "not in dispute"),
              (status = 422, description = "empty or too long")))]
pub async fn put_statement(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<StatementRequest>,
) -> ApiResult<Json<DisputeStatement>> {
    let body = req.body.trim();
    if body.is_empty() || body.chars().count() > MAX_STATEMENT {
        return Err(ApiError::invalid(
            "body",
            format!("a statement is 1 to {MAX_STATEMENT} characters"),
        ));
    }
    let (t, caller) = disputing_party(&state, id, caller).await?;
    let tx = pupero_db::write_tx(&state.db).await?;
    // Decided since it was read: the statement would land on a closed case.
    if trades::load(&tx, id).await?.state != TradeState::Disputed {
        return Err(ApiError::conflict(
            ErrorCode::InvalidTransition,
            "the dispute was decided meanwhile",
        ));
    }
    let saved = store::put_statement(&tx, id, caller.id, body, pupero_db::now_ms())
        .await
        .map_err(|e| {
            if pupero_db::is_unique_violation(&e) {
                ApiError::conflict(
                    ErrorCode::Conflict,
                    "your statement was being filed by another request; try again",
                )
            } else {
                e.into()
            }
        })?;
    tx.commit().await?;
    Ok(Json(statement_view(&t, saved)))
}

/// A party's view of the dispute: their own statement and every file either party attached.
/// (Not `/trades/{id}/dispute`: that path is the step that opens a dispute.)
#[utoipa::path(get, path = "/trades/{id}/dispute/files", tag = "disputes", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = DisputeFiles), (status = 404, description = "no such trade")))]
pub async fn dispute_files(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DisputeFiles>> {
    let t = trades::load(&state.db, id).await?;
    let access = trades::current_access(&state, &t, caller)
        .await?
        .ok_or_else(|| ApiError::not_found("no such trade"))?;
    let statements = store::statements(&state.db, id)
        .await?
        .into_iter()
        // A party reads their own statement; staff read both.
        .filter(|s| !matches!(access, Access::Party(_)) || s.author_id == caller.id)
        .map(|s| statement_view(&t, s))
        .collect();
    let evidence = store::evidence_of(&state.db, id)
        .await?
        .into_iter()
        .map(|e| evidence_view(&t, e))
        .collect();
    Ok(Json(DisputeFiles {
        statements,
        evidence,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct EvidenceQuery {
    /// The file's name on the uploader's computer (only its letters, digits, `-` and `_`
    /// are kept; the extension follows the content).
    pub name: Option<String>,
}

/// Attach a file to an open dispute (buyer or seller). The body is the file itself: a PNG,
/// JPEG or WebP image or a PDF, recognised from its bytes (the declared type and the name
/// are not trusted), at most EVIDENCE_MAX_BYTES. Image metadata (EXIF, XMP, text chunks,
/// comments) is removed before it is stored; the SHA-256 of what is stored is answered.
#[utoipa::path(post, path = "/trades/{id}/evidence", tag = "disputes", security(("bearer" = [])),
    params(("id" = i64, Path), EvidenceQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = EvidenceView), (status = 403, description = "not a party"),
              (status = 404, description = "no such trade"), (status = 409, description = "not in dispute, or `evidence_limit`"),
              (status = 413, description = "larger than EVIDENCE_MAX_BYTES"),
              (status = 415, description = "not a PNG, JPEG, WebP image or PDF"),
              (status = 422, description = "an image whose structure is broken")))]
pub async fn upload_evidence(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<EvidenceQuery>,
    body: Body,
) -> ApiResult<(StatusCode, Json<EvidenceView>)> {
    let (t, caller) = disputing_party(&state, id, caller).await?;
    if store::evidence_count(&state.db, id, caller.id).await? >= MAX_FILES_PER_PARTY {
        return Err(ApiError::conflict(
            ErrorCode::Conflict,
            format!("a party attaches at most {MAX_FILES_PER_PARTY} files to a dispute"),
        ));
    }
    let max = state.evidence_max_bytes;
    let bytes = axum::body::to_bytes(body, max).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!("an evidence file is at most {max} bytes (EVIDENCE_MAX_BYTES)"),
        )
        .with_field("file")
    })?;
    if bytes.is_empty() {
        return Err(ApiError::invalid("file", "the file is empty"));
    }
    let cleaned = evidence::clean(&bytes)
        .map_err(|e| ApiError::invalid("file", e.to_string()))?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "evidence must be a PNG, JPEG or WebP image or a PDF (judged from the file's content)",
            )
            .with_field("file")
        })?;
    let now = pupero_db::now_ms();
    let tx = pupero_db::write_tx(&state.db).await?;
    if trades::load(&tx, id).await?.state != TradeState::Disputed {
        return Err(ApiError::conflict(
            ErrorCode::InvalidTransition,
            "the dispute was decided meanwhile",
        ));
    }
    let size = i64::try_from(cleaned.bytes.len()).unwrap_or(i64::MAX);
    let count = store::evidence_count(&tx, id, caller.id).await?;
    let file_name = evidence::file_name(q.name.as_deref(), cleaned.kind, &(count + 1).to_string());
    let saved = store::insert_evidence(
        &tx,
        dispute_evidence::ActiveModel {
            trade_id: Set(id),
            uploader_id: Set(caller.id),
            content_type: Set(cleaned.kind.content_type().to_owned()),
            file_name: Set(file_name),
            size_bytes: Set(size),
            sha256: Set(cleaned.sha256),
            data: Set(cleaned.bytes),
            created_at_ms: Set(now),
            expires_at_ms: Set(now.saturating_add(state.evidence_retention_ms)),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        trade_id = id,
        evidence_id = saved.id,
        size,
        "dispute evidence stored"
    );
    Ok((StatusCode::CREATED, Json(evidence_view(&t, saved))))
}

/// Download an evidence file (the trade's parties and staff). Served as an attachment with
/// the type sniffed at upload, never rendered by the browser as a page.
#[utoipa::path(get, path = "/trades/{id}/evidence/{evidence_id}", tag = "disputes", security(("bearer" = [])),
    params(("id" = i64, Path), ("evidence_id" = i64, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"),
              (status = 404, description = "no such trade or file (or not yours, or past its retention)")))]
pub async fn download_evidence(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath((id, evidence_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Response> {
    let t = trades::load(&state.db, id).await?;
    if trades::current_access(&state, &t, caller).await?.is_none() {
        return Err(ApiError::not_found("no such trade"));
    }
    let file = store::find_evidence(&state.db, id, evidence_id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such evidence file"))?;
    // Stored types are the four sniffed ones; anything else was written behind our back.
    let kind = evidence::EvidenceKind::from_content_type(&file.content_type)
        .ok_or_else(|| ApiError::internal("an evidence file with an unknown type"))?;
    let disposition = format!("attachment; filename=\"{}\"", file.file_name);
    let mut response = file.data.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(kind.content_type()),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(ApiError::internal)?,
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        header::HeaderName::from_static("x-evidence-sha256"),
        HeaderValue::from_str(&file.sha256).map_err(ApiError::internal)?,
    );
    Ok(response)
}

/// The trade's steps in time order, with who made them where the trade records it.
fn timeline(t: &trade_row::Model) -> Vec<TimelineStep> {
    let closed_by = t.resolved_by;
    let mut steps: Vec<(i64, TradeState, Option<i64>)> = [
        (
            Some(t.created_at_ms),
            TradeState::AwaitingPayment,
            Some(t.taker_id),
        ),
        (t.paid_at_ms, TradeState::Paid, Some(t.buyer_id)),
        (t.disputed_at_ms, TradeState::Disputed, t.dispute_opened_by),
        (t.completed_at_ms, TradeState::Completed, closed_by),
        (t.cancelled_at_ms, TradeState::Cancelled, closed_by),
    ]
    .into_iter()
    .filter_map(|(at, state, by)| at.map(|at| (at, state, by)))
    .collect();
    // Stable: equal times keep the lifecycle's order.
    steps.sort_by_key(|(at, _, _)| *at);
    steps
        .into_iter()
        .map(|(at, state, by)| TimelineStep {
            state,
            at: rfc3339(at),
            by,
        })
        .collect()
}

/// Everything staff need to decide a dispute, in one answer: both statements, the whole
/// chat, the timeline, the evidence, and the decisions open to the caller.
#[utoipa::path(get, path = "/trades/{id}/workbench", tag = "disputes", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = DisputeWorkbench),
              (status = 403, description = "not staff, or `conflict_of_interest` (a party to the trade)"),
              (status = 404, description = "no such disputed trade")))]
pub async fn workbench(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DisputeWorkbench>> {
    let t = trades::load(&state.db, id).await?;
    let access = match trades::current_access(&state, &t, caller).await? {
        Some(a @ (Access::Moderator | Access::Observer)) => a,
        Some(Access::Party(_)) if caller.role.is_at_least(Role::Moderator) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::ConflictOfInterest,
                "you are a party to this trade: another moderator must handle its dispute",
            ));
        }
        Some(Access::Party(_)) => {
            return Err(ApiError::forbidden("the dispute workbench is for staff"));
        }
        None => return Err(ApiError::not_found("no such disputed trade")),
    };
    let statements = store::statements(&state.db, id)
        .await?
        .into_iter()
        .map(|s| statement_view(&t, s))
        .collect();
    let chat = chat_store::messages_after(&state.db, id, 0, CHAT_LIMIT)
        .await?
        .into_iter()
        .map(super::chat::message)
        .collect();
    let evidence = store::evidence_of(&state.db, id)
        .await?
        .into_iter()
        .map(|e| evidence_view(&t, e))
        .collect();
    let decidable = access == Access::Moderator && t.state == TradeState::Disputed;
    let options = ResolutionOptions {
        outcomes: if decidable {
            vec![Resolution::Buyer, Resolution::Seller, Resolution::Split]
        } else {
            Vec::new()
        },
        split_min_bps: 1,
        split_max_bps: WHOLE_BPS - 1,
        reasons: ResolutionReason::ALL
            .iter()
            .map(|&code| ReasonOption {
                code,
                label: code.label().to_owned(),
            })
            .collect(),
    };
    let view = trades::view(&t, access)?;
    Ok(Json(DisputeWorkbench {
        trade: view,
        statements,
        chat,
        timeline: timeline(&t),
        evidence,
        options,
    }))
}
