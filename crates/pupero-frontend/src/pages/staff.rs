//! Moderators' dispute queue, and the admin console: users (role, disable, sign out
//! everywhere) and balance adjustments with a reason. The API decides who may do what;
//! these pages only show the forms to those the session says are staff.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use reqwest::Method;
use serde::Deserialize;

use pupero_api::Paged;
use pupero_api::accounts::{
    AdminUserView, AuditEntry, DisableRequest, ForceLogoutRequest, Revoked, RoleRequest,
};
use pupero_api::money::{AdjustRequest, Adjusted};
use pupero_core::Role;

use super::trades::{PageNumber, filled, name_or_id, trades_page};
use super::{Chrome, Me, PageError, act, redirect_with, refused, render};
use crate::FrontendState;
use crate::api::q;
use crate::csrf::Form;
use crate::flash::Flash;
use crate::view;

pub struct DisputeRow {
    pub id: i64,
    pub seller: String,
    pub buyer: String,
    pub amount: String,
    pub fiat: String,
    pub statement: String,
    pub opened: String,
}

#[derive(Template)]
#[template(path = "disputes.html")]
struct DisputesPage {
    chrome: Chrome,
    disputes: Vec<DisputeRow>,
    total: u64,
    pager: view::Pager,
}

pub async fn disputes(
    State(state): State<FrontendState>,
    me: Me,
    Query(number): Query<PageNumber>,
) -> Result<Response, PageError> {
    let (page, names, pager) = trades_page(
        &state,
        &me,
        "/transactions/disputes",
        number.get(),
        "/moderation",
    )
    .await?;
    let name = |id: i64| name_or_id(&names, id);
    let disputes = page
        .items
        .iter()
        .map(|t| DisputeRow {
            id: t.id,
            seller: name(t.seller_id),
            buyer: name(t.buyer_id),
            amount: view::xmr(t.amount),
            fiat: format!("{} {}", t.fiat_total, t.currency),
            statement: t
                .dispute
                .as_ref()
                .and_then(|d| d.statement.clone())
                .unwrap_or_default(),
            opened: t
                .paid_at
                .as_deref()
                .map(view::when)
                .unwrap_or_else(|| view::when(&t.created_at)),
        })
        .collect();
    Ok(render(&DisputesPage {
        chrome: me.chrome("Disputes"),
        disputes,
        total: page.total,
        pager,
    }))
}

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub role: Role,
    pub disabled: bool,
    pub totp: bool,
    pub since: String,
    pub is_me: bool,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    total: u64,
    search: String,
    pager: view::Pager,
    needs_totp: bool,
}

#[derive(Deserialize)]
pub struct AdminQuery {
    #[serde(default)]
    q: String,
    page: Option<u64>,
}

const USERS_PER_PAGE: u64 = 50;

pub async fn admin(
    State(state): State<FrontendState>,
    me: Me,
    Query(query): Query<AdminQuery>,
) -> Result<Response, PageError> {
    let page = query.page.unwrap_or(1).max(1);
    let mut path = format!(
        "/auth/admin/users?limit={USERS_PER_PAGE}&offset={}",
        view::Pager::offset(page, USERS_PER_PAGE)
    );
    if !query.q.trim().is_empty() {
        path.push_str(&format!("&q={}", q(query.q.trim())));
    }
    let users: Paged<AdminUserView> = state.api.get(&me.caller, &path).await?;
    let link = |p: u64| format!("/admin?q={}&page={p}", q(query.q.trim()));
    let pager = view::Pager::new(page, users.total, USERS_PER_PAGE, link);
    Ok(render(&AdminPage {
        chrome: me.chrome("Admin"),
        users: users
            .items
            .into_iter()
            .map(|u| UserRow {
                is_me: u.id == me.id,
                id: u.id,
                username: u.username,
                email: u.email.unwrap_or_default(),
                role: u.role,
                disabled: u.disabled,
                totp: u.totp_enabled,
                since: view::day(&u.created_at),
            })
            .collect(),
        total: users.total,
        pager,
        search: query.q,
        needs_totp: super::wallet::has_2fa(&state, &me).await,
    }))
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    totp: String,
}

pub async fn set_role(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> Response {
    let body = RoleRequest {
        role: form.role.clone(),
        totp: filled(&form.totp),
    };
    let path = format!("/auth/admin/users/{id}/role");
    let done = format!(
        "User #{id} is now {}. A promotion takes effect at their next token refresh.",
        form.role
    );
    act(
        &state,
        &me,
        Method::POST,
        &path,
        Some(&body),
        "/admin",
        done,
    )
    .await
}

#[derive(Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    disabled: String,
    #[serde(default)]
    totp: String,
}

pub async fn set_disabled(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<DisableForm>,
) -> Response {
    let disabled = form.disabled == "true";
    let body = DisableRequest {
        disabled,
        totp: filled(&form.totp),
    };
    let path = format!("/auth/admin/users/{id}/disable");
    let done = if disabled {
        format!("User #{id} is disabled and signed out everywhere.")
    } else {
        format!("User #{id} is enabled again.")
    };
    act(
        &state,
        &me,
        Method::POST,
        &path,
        Some(&body),
        "/admin",
        done,
    )
    .await
}

#[derive(Deserialize)]
pub struct ForceLogoutForm {
    #[serde(default)]
    totp: String,
}

pub async fn force_logout(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<ForceLogoutForm>,
) -> Response {
    let body = ForceLogoutRequest {
        totp: filled(&form.totp),
    };
    match state
        .api
        .post::<_, Revoked>(&me.caller, &format!("/auth/admin/users/{id}/logout"), &body)
        .await
    {
        Ok(r) => redirect_with(
            &state,
            "/admin",
            Flash::success(format!("Ended {} session(s) of user #{id}.", r.revoked)),
        ),
        Err(f) => refused(&state, "/admin", f),
    }
}

#[derive(Deserialize)]
pub struct AdjustForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    totp: String,
}

pub async fn adjust(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<AdjustForm>,
) -> Response {
    let Ok(user_id) = form.user_id.trim().parse::<i64>() else {
        return redirect_with(
            &state,
            "/admin",
            Flash::error("Choose the user (their number) to adjust."),
        );
    };
    let body = AdjustRequest {
        user_id,
        amount: form.amount.trim().to_owned(),
        direction: form.direction.clone(),
        reason: form.reason.trim().to_owned(),
        totp: filled(&form.totp),
    };
    match state
        .api
        .post::<_, Adjusted>(&me.caller, "/transactions/admin/adjust", &body)
        .await
    {
        Ok(adjusted) => {
            let available = view::xmr(adjusted.balances.available);
            redirect_with(
                &state,
                "/admin",
                Flash::success(format!(
                    "{} of {} XMR recorded for user #{user_id}; their available balance is now {available} XMR.",
                    if form.direction == "debit" {
                        "Debit"
                    } else {
                        "Credit"
                    },
                    form.amount.trim()
                )),
            )
        }
        Err(f) => refused(&state, "/admin", f),
    }
}

pub struct AuditRow {
    pub seq: i64,
    /// The record's hash, shortened for the table (the API has it whole).
    pub hash: String,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditView {
    chrome: Chrome,
    sections: Vec<AuditSection>,
}

pub struct AuditSection {
    pub heading: &'static str,
    pub id: &'static str,
    pub rows: Vec<AuditRow>,
}

/// The two hash-chained audit logs: account administration (login service) and money
/// (every ledger entry, adjustments and dispute decisions; transactions service), newest
/// first.
pub async fn audit(State(state): State<FrontendState>, me: Me) -> Result<Response, PageError> {
    let accounts: Paged<AuditEntry> = state
        .api
        .get(&me.caller, "/auth/admin/audit?limit=100")
        .await?;
    let money: Paged<AuditEntry> = state
        .api
        .get(&me.caller, "/transactions/admin/audit?limit=100")
        .await?;
    let ids: Vec<i64> = accounts
        .items
        .iter()
        .chain(&money.items)
        .filter_map(|e| e.actor_id)
        .collect();
    let names = super::offers::usernames(&state, &me.caller, &ids).await;
    let rows = |page: Paged<AuditEntry>| -> Vec<AuditRow> {
        page.items
            .into_iter()
            .map(|e| AuditRow {
                seq: e.seq,
                hash: e.hash.chars().take(12).collect(),
                at: view::when(&e.created_at),
                actor: e
                    .actor_id
                    .map_or_else(|| "platform".to_owned(), |id| name_or_id(&names, id)),
                action: e.action.to_string(),
                target: e.target,
                details: e.details,
            })
            .collect()
    };
    Ok(render(&AuditView {
        chrome: me.chrome("Audit log"),
        sections: vec![
            AuditSection {
                heading: "Accounts",
                id: "audit-accounts",
                rows: rows(accounts),
            },
            AuditSection {
                heading: "Money",
                id: "audit-money",
                rows: rows(money),
            },
        ],
    }))
}
