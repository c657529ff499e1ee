//! User administration, for admins only. Nobody changes their own role or disables
//! themself, so an admin cannot lock the platform out by accident.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use axum::http::StatusCode;
use pupero_api::Paged;
use pupero_api::accounts::{
    AdminUserView, AuditEntry, DisableRequest, ForceLogoutRequest, Revoked, RoleRequest,
};
use pupero_core::{AuditAction, Role};
use pupero_db::write_tx;
use pupero_http::{
    AdminUser, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, ClientIp, PageQuery,
};
use pupero_http::{SecurityEvent, security};

use super::rfc3339;
use crate::entity::user;
use crate::state::LoginState;
use crate::store;

fn admin_view(u: &user::Model) -> AdminUserView {
    AdminUserView {
        id: u.id,
        email: u.email.clone(),
        username: u.username.clone(),
        role: u.role(),
        disabled: u.disabled,
        totp_enabled: u.totp_secret.is_some(),
        created_at: rfc3339(u.created_at_ms),
    }
}

/// Admin lists' paging: 50 rows unless asked, at most 200.
const PAGE_DEFAULT: u64 = 50;
const PAGE_MAX: u64 = 200;

#[derive(Debug, Deserialize, IntoParams)]
pub struct UserQuery {
    /// Part of a username or email.
    pub q: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

/// List accounts, newest last, optionally filtered.
#[utoipa::path(get, path = "/admin/users", tag = "admin", security(("bearer" = [])), params(UserQuery),
    responses((status = 200, body = Paged<AdminUserView>), (status = 403, description = "not an admin")))]
pub async fn list_users(
    State(state): State<LoginState>,
    _admin: AdminUser,
    ApiQuery(query): ApiQuery<UserQuery>,
) -> ApiResult<Json<Paged<AdminUserView>>> {
    // The query's own limit/offset: serde cannot flatten numbers out of a query string.
    let page = PageQuery {
        limit: query.limit,
        offset: query.offset,
    }
    .page(PAGE_DEFAULT, PAGE_MAX)?;
    let (rows, total) =
        store::list_users(&state.db, query.q.as_deref(), page.limit, page.offset).await?;
    Ok(Json(page.of(rows.iter().map(admin_view).collect(), total)))
}

async fn reload(state: &LoginState, id: i64) -> ApiResult<Json<AdminUserView>> {
    match store::find_user(&state.db, id).await? {
        Some(u) => Ok(Json(admin_view(&u))),
        None => Err(no_such_user()),
    }
}

fn no_such_user() -> ApiError {
    ApiError::not_found("no such user")
}

/// When the acting admin has two-factor authentication, a fresh code (or recovery code)
/// of theirs: a stolen admin session alone can then neither hand out roles nor lock users
/// out or sign them out.
async fn verify_admin_code(
    state: &LoginState,
    ip: std::net::IpAddr,
    admin_id: i64,
    code: Option<&str>,
) -> ApiResult<()> {
    let acting = super::active_user(state, admin_id).await?;
    super::verify_totp(
        state,
        &acting,
        &super::client_key(ip),
        code,
        StatusCode::FORBIDDEN,
    )
    .await
}

/// Give a user a role. A demotion takes effect at once (staff routes check the current
/// role at use); a promotion at the user's next token refresh, since their token's role
/// must say so too.
#[utoipa::path(post, path = "/admin/users/{id}/role", tag = "admin", security(("bearer" = [])), request_body = RoleRequest,
    params(("id" = i64, Path)),
    responses((status = 200, body = AdminUserView), (status = 403, description = "not an admin, own account, or the admin's code missing or wrong"),
              (status = 404, description = "no such user"), (status = 422, description = "unknown role")))]
#[tracing::instrument(skip_all, fields(admin_id = admin.id, user_id = id))]
pub async fn set_role(
    State(state): State<LoginState>,
    ClientIp(ip): ClientIp,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RoleRequest>,
) -> ApiResult<Json<AdminUserView>> {
    let role: Role = req.role.parse()?;
    if id == admin.id {
        return Err(ApiError::forbidden("nobody may change their own role"));
    }
    verify_admin_code(&state, ip, admin.id, req.totp.as_deref()).await?;
    let tx = write_tx(&state.db).await?;
    if !store::set_role(&tx, id, role).await? {
        return Err(no_such_user());
    }
    store::record_audit(
        &tx,
        admin.id,
        AuditAction::SetRole,
        id,
        format!("role = {role}"),
    )
    .await?;
    tx.commit().await?;
    crate::standing_leases::hold_until_released(&state.db, id).await?;
    security::record(
        &state.metrics,
        SecurityEvent::RoleChanged,
        Some(id),
        Some(admin.id),
        &format!("role = {role}"),
    );
    reload(&state, id).await
}

/// Disable (or enable) an account. Disabling ends its sessions.
#[utoipa::path(post, path = "/admin/users/{id}/disable", tag = "admin", security(("bearer" = [])), request_body = DisableRequest,
    params(("id" = i64, Path)),
    responses((status = 200, body = AdminUserView), (status = 403, description = "not an admin, own account, or the admin's code missing or wrong"),
              (status = 404, description = "no such user")))]
#[tracing::instrument(skip_all, fields(admin_id = admin.id, user_id = id))]
pub async fn set_disabled(
    State(state): State<LoginState>,
    ClientIp(ip): ClientIp,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<DisableRequest>,
) -> ApiResult<Json<AdminUserView>> {
    if id == admin.id {
        return Err(ApiError::forbidden("you cannot disable your own account"));
    }
    verify_admin_code(&state, ip, admin.id, req.totp.as_deref()).await?;
    // The account's offers hide (or show again) with it. The offers service is told first,
    // outside this service's write transaction (on SQLite both share one database, and a
    // held write lock would stall the offers service's write): if it cannot be told,
    // nothing changes (503).
    super::account::set_offers_hidden(&state, id, req.disabled).await?;
    let tx = write_tx(&state.db).await?;
    if !store::set_disabled(&tx, id, req.disabled).await? {
        drop(tx);
        // No live account: a deleted one's offers must stay hidden whatever was asked.
        if !req.disabled {
            super::account::set_offers_hidden(&state, id, true).await?;
        }
        return Err(no_such_user());
    }
    if req.disabled {
        store::end_all_sessions(&tx, id).await?;
    }
    store::record_audit(
        &tx,
        admin.id,
        AuditAction::SetDisabled,
        id,
        format!("disabled = {}", req.disabled),
    )
    .await?;
    tx.commit().await?;
    crate::standing_leases::hold_until_released(&state.db, id).await?;
    let event = if req.disabled {
        SecurityEvent::AccountDisabled
    } else {
        SecurityEvent::AccountEnabled
    };
    security::record(
        &state.metrics,
        event,
        Some(id),
        Some(admin.id),
        "by an admin",
    );
    reload(&state, id).await
}

/// End every session of a user (refresh tokens revoked, access tokens cut for writes).
#[utoipa::path(post, path = "/admin/users/{id}/logout", tag = "admin", security(("bearer" = [])), request_body = ForceLogoutRequest,
    params(("id" = i64, Path)),
    responses((status = 200, body = Revoked), (status = 403, description = "not an admin, or the admin's code missing or wrong"),
              (status = 404, description = "no such user")))]
#[tracing::instrument(skip_all, fields(admin_id = admin.id, user_id = id))]
pub async fn logout_everywhere(
    State(state): State<LoginState>,
    ClientIp(ip): ClientIp,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ForceLogoutRequest>,
) -> ApiResult<Json<Revoked>> {
    if store::find_user(&state.db, id).await?.is_none() {
        return Err(no_such_user());
    }
    verify_admin_code(&state, ip, admin.id, req.totp.as_deref()).await?;
    let tx = write_tx(&state.db).await?;
    let revoked = store::end_all_sessions(&tx, id).await?;
    store::record_audit(
        &tx,
        admin.id,
        AuditAction::ForceLogout,
        id,
        format!("{revoked} session(s) ended"),
    )
    .await?;
    tx.commit().await?;
    crate::standing_leases::hold_until_released(&state.db, id).await?;
    security::record(
        &state.metrics,
        SecurityEvent::ForcedLogout,
        Some(id),
        Some(admin.id),
        &format!("{revoked} session(s) ended"),
    );
    Ok(Json(Revoked { revoked }))
}

/// The audit chain of account administration, newest first.
#[utoipa::path(get, path = "/admin/audit", tag = "admin", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Paged<AuditEntry>), (status = 403, description = "not an admin")))]
pub async fn audit_log(
    State(state): State<LoginState>,
    _admin: AdminUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<AuditEntry>>> {
    let page = q.page(PAGE_DEFAULT, PAGE_MAX)?;
    Ok(Json(
        pupero_http::audit::page(&state.db, store::AUDIT_CHAIN, page).await?,
    ))
}
