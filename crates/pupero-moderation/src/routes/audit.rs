//! The moderation audit chain, for the admin audit page.

use axum::Json;
use axum::extract::State;

use pupero_api::Paged;
use pupero_api::accounts::AuditEntry;
use pupero_http::{AdminUser, ApiQuery, ApiResult, PageQuery};

use crate::ModerationState;
use crate::store;

/// The moderation service's audit chain, newest first (admins): cases claimed, noted and
/// decided, sanctions imposed and lifted, appeals decided, offers removed.
#[utoipa::path(get, path = "/admin/audit", tag = "audit", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Paged<AuditEntry>), (status = 403, description = "not an admin")))]
pub async fn audit_log(
    State(state): State<ModerationState>,
    _admin: AdminUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<AuditEntry>>> {
    let page = q.page(super::PAGE_DEFAULT, super::PAGE_MAX)?;
    Ok(Json(
        pupero_http::audit::page(&state.db, store::AUDIT_CHAIN, page).await?,
    ))
}
