//! Moderators' dispute queue, and the admin console: users (role, disable, sign out
//! everywhere) and balance adjustments with a reason. The API decides who may do what;
//! these pages only show the forms to those the session says are staff.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use reqwest::Method;
use serde::Deserialize;

use pupero_api::Paged;
use std::collections::HashMap;

use pupero_api::accounts::{
    AdminUserView, AuditEntry, DisableRequest, ForceLogoutRequest, Revoked, RoleRequest,
    StaffUserView,
};
use pupero_api::money::{AdjustRequest, Adjusted, BalancesView};
use pupero_core::{AuditAction, Role};

use super::trades::{PageNumber, filled, name_or_id, trades_page};
use super::{Chrome, Me, PageError, act, redirect_with, refused, render};
use crate::FrontendState;
use crate::api::q;
use crate::csrf::Form;
use crate::flash::Flash;
use crate::i18n::{self, t, t_args, t1, t2};
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
            amount: i18n::amount(t.amount),
            fiat: format!("{} {}", i18n::current().decimal(&t.fiat_total), t.currency),
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
        chrome: me.chrome(t("staff-disputes-title")),
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
    pub role_label: String,
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
        chrome: me.chrome(t("staff-admin-title")),
        users: users
            .items
            .into_iter()
            .map(|u| UserRow {
                is_me: u.id == me.id,
                id: u.id,
                username: u.username,
                email: u.email.unwrap_or_default(),
                role: u.role,
                role_label: role_label(u.role),
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
    // The API refuses a role it does not know, so an unknown word is never shown as done.
    let role = form
        .role
        .parse::<Role>()
        .map_or_else(|_| form.role.clone(), role_label);
    let done = t2("staff-role-set", "id", id, "role", role);
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
        t1("staff-user-disabled", "id", id)
    } else {
        t1("staff-user-enabled", "id", id)
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
            Flash::success(t2("staff-sessions-ended", "n", r.revoked, "id", id)),
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
    /// `yes` from the confirmation page; anything else shows that page first.
    #[serde(default)]
    confirm: String,
}

#[derive(Template)]
#[template(path = "adjust_confirm.html")]
struct AdjustConfirm {
    chrome: Chrome,
    user_id: i64,
    username: String,
    /// As the API reads it, for the form that confirms.
    amount: String,
    /// As the admin's language writes it, for reading.
    amount_shown: String,
    direction: String,
    credit: bool,
    reason: String,
    available: Option<String>,
    needs_totp: bool,
}

/// A balance adjustment: first a page that says what will happen (whose balance, how
/// much, which way, why) and asks to confirm; then, confirmed, the ledger entry.
pub async fn adjust(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<AdjustForm>,
) -> Response {
    let Ok(user_id) = form.user_id.trim().parse::<i64>() else {
        return redirect_with(&state, "/admin", Flash::error(t("staff-adjust-no-user")));
    };
    if !matches!(form.direction.as_str(), "credit" | "debit") {
        return redirect_with(
            &state,
            "/admin",
            Flash::error(t("staff-adjust-no-direction")),
        );
    }
    if form.confirm != "yes" {
        return confirm_adjustment(&state, &me, user_id, &form).await;
    }
    let amount = view::decimal_input(&form.amount);
    let body = AdjustRequest {
        user_id,
        amount: amount.clone(),
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
            let key = if form.direction == "debit" {
                "staff-adjust-debited"
            } else {
                "staff-adjust-credited"
            };
            let done = t_args(
                key,
                &[
                    ("amount", &i18n::amount(&amount)),
                    ("id", &user_id),
                    ("available", &i18n::amount(adjusted.balances.available)),
                ],
            );
            redirect_with(&state, "/admin", Flash::success(done))
        }
        Err(f) => refused(&state, "/admin", f),
    }
}

/// The confirmation step: nothing moves until the admin presses the button on it.
async fn confirm_adjustment(
    state: &FrontendState,
    me: &Me,
    user_id: i64,
    form: &AdjustForm,
) -> Response {
    let user: StaffUserView = match state
        .api
        .get(&me.caller, &format!("/auth/staff/users/{user_id}"))
        .await
    {
        Ok(u) => u,
        Err(f) if f.status == reqwest::StatusCode::NOT_FOUND => {
            return redirect_with(
                state,
                "/admin",
                Flash::error(t1("staff-adjust-unknown-user", "id", user_id)),
            );
        }
        Err(f) => return refused(state, "/admin", f),
    };
    let available = state
        .api
        .get::<BalancesView>(&me.caller, &format!("/transactions/balances/{user_id}"))
        .await
        .ok()
        .map(|b| i18n::amount(b.available));
    let amount = view::decimal_input(&form.amount);
    render(&AdjustConfirm {
        chrome: me.chrome(t("staff-adjust-confirm-title")),
        user_id,
        username: user.username,
        amount_shown: i18n::amount(&amount),
        amount,
        direction: form.direction.clone(),
        credit: form.direction == "credit",
        reason: form.reason.trim().to_owned(),
        available,
        needs_totp: super::wallet::has_2fa(state, me).await,
    })
}

pub struct AuditRow {
    pub seq: i64,
    /// The record's hash, shortened for the table (the API has it whole).
    pub hash: String,
    pub at: String,
    pub actor: String,
    /// The staff page of who acted, when a person did.
    pub actor_href: Option<String>,
    /// What was done, in words.
    pub action: String,
    /// The action's code, as stored (for whoever searches the raw log).
    pub code: String,
    /// What it was done to, in words, and its page when it has one.
    pub target: String,
    pub target_href: Option<String>,
    pub details: String,
}

/// An audit action in words.
pub fn action_label(action: AuditAction) -> String {
    t(match action {
        AuditAction::SetRole => "staff-action-set-role",
        AuditAction::SetDisabled => "staff-action-set-disabled",
        AuditAction::ForceLogout => "staff-action-force-logout",
        AuditAction::Adjust => "staff-action-adjust",
        AuditAction::Transfer => "staff-action-transfer",
        AuditAction::ResolveForBuyer => "staff-action-resolve-for-buyer",
        AuditAction::ResolveForSeller => "staff-action-resolve-for-seller",
        AuditAction::ResolveSplit => "staff-action-resolve-split",
        AuditAction::ClaimCase => "staff-action-claim-case",
        AuditAction::AddNote => "staff-action-add-note",
        AuditAction::ResolveCase => "staff-action-resolve-case",
        AuditAction::Sanction => "staff-action-sanction",
        AuditAction::LiftSanction => "staff-action-lift-sanction",
        AuditAction::DecideAppeal => "staff-action-decide-appeal",
        AuditAction::RemoveOffer => "staff-action-remove-offer",
        AuditAction::ExecuteWithdrawal => "staff-action-execute-withdrawal",
        AuditAction::LedgerEntry => "staff-action-ledger-entry",
    })
}

/// A role as the staff pages name it.
pub fn role_label(role: Role) -> String {
    t(match role {
        Role::User => "staff-role-user",
        Role::Moderator => "staff-role-moderator",
        Role::Admin => "staff-role-admin",
    })
}

/// An audit target (`user:7`, `trade:12`, `offer:3`, `case:4`, `entry:40`) in words, with
/// the page that shows it.
pub fn target_of(target: &str, names: &HashMap<i64, String>) -> (String, Option<String>) {
    let Some((kind, rest)) = target.split_once(':') else {
        return (target.to_owned(), None);
    };
    // `user:7:available` (a ledger account) names the user first.
    let id = rest.split(':').next().and_then(|n| n.parse::<i64>().ok());
    match (kind, id) {
        ("user", Some(id)) => (
            t1("staff-target-user", "name", name_or_id(names, id)),
            Some(format!("/admin/users/{id}")),
        ),
        ("trade", Some(id)) => (
            t1("staff-target-trade", "id", id),
            Some(format!("/trades/{id}")),
        ),
        ("offer", Some(id)) => (
            t1("staff-target-offer", "id", id),
            Some(format!("/offers/{id}")),
        ),
        ("case", Some(id)) => (
            t1("staff-target-case", "id", id),
            Some(format!("/moderation/cases/{id}")),
        ),
        ("entry", Some(id)) => (t1("staff-target-entry", "id", id), None),
        _ => (target.to_owned(), None),
    }
}

pub fn audit_row(e: &AuditEntry, names: &HashMap<i64, String>) -> AuditRow {
    let (target, target_href) = target_of(&e.target, names);
    AuditRow {
        seq: e.seq,
        hash: e.hash.chars().take(12).collect(),
        at: view::when(&e.created_at),
        actor: e
            .actor_id
            .map_or_else(|| t("staff-actor-platform"), |id| name_or_id(names, id)),
        actor_href: e.actor_id.map(|id| format!("/admin/users/{id}")),
        action: action_label(e.action),
        code: e.action.to_string(),
        target,
        target_href,
        details: e.details.clone(),
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditView {
    chrome: Chrome,
    sections: Vec<AuditSection>,
}

pub struct AuditSection {
    pub heading: String,
    pub id: &'static str,
    pub rows: Vec<AuditRow>,
}

/// The three hash-chained audit logs: account administration (login service), money
/// (every ledger entry, adjustments and dispute decisions; transactions service) and
/// moderation (cases, notes, sanctions, appeals, offer removals), newest first, in words,
/// each target linked to its page.
pub async fn audit(State(state): State<FrontendState>, me: Me) -> Result<Response, PageError> {
    let accounts: Paged<AuditEntry> = state
        .api
        .get(&me.caller, "/auth/admin/audit?limit=100")
        .await?;
    let money: Paged<AuditEntry> = state
        .api
        .get(&me.caller, "/transactions/admin/audit?limit=100")
        .await?;
    let moderation: Paged<AuditEntry> = state
        .api
        .get(&me.caller, "/moderation/admin/audit?limit=100")
        .await?;
    let ids: Vec<i64> = accounts
        .items
        .iter()
        .chain(&money.items)
        .chain(&moderation.items)
        .flat_map(|e| [e.actor_id, super::users::target_user(&e.target)])
        .flatten()
        .collect();
    let names = super::offers::usernames(&state, &me.caller, &ids).await;
    let rows = |page: Paged<AuditEntry>| -> Vec<AuditRow> {
        page.items.iter().map(|e| audit_row(e, &names)).collect()
    };
    Ok(render(&AuditView {
        chrome: me.chrome(t("staff-audit-title")),
        sections: vec![
            AuditSection {
                heading: t("staff-audit-accounts"),
                id: "audit-accounts",
                rows: rows(accounts),
            },
            AuditSection {
                heading: t("staff-audit-money"),
                id: "audit-money",
                rows: rows(money),
            },
            AuditSection {
                heading: t("staff-audit-moderation"),
                id: "audit-moderation",
                rows: rows(moderation),
            },
        ],
    }))
}
