//! Staff find a person by name (`/admin/users?q=`) and see everything about them on one
//! page: balances, trades, offers, the cases about them, sanctions and their audit trail. What a
//! moderator may not read (balances, the audit logs) the API refuses, and the page leaves out.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use pupero_api::Paged;
use pupero_api::accounts::{AuditEntry, StaffUserView};
use pupero_api::moderation::{CaseView, SanctionView};
use pupero_api::money::BalancesView;
use pupero_api::offers::OfferView;
use pupero_api::trades::TradeView;
use pupero_core::Role;

use super::moderation::{SanctionRow, category_label, sanction_row};
use super::offers::usernames;
use super::staff::{AuditRow, audit_row};
use super::trades::name_or_id;
use super::{Chrome, Me, PageError, render};
use crate::FrontendState;
use crate::api::q;
use crate::view;

const PER_PAGE: u64 = 20;

pub struct FoundUser {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub since: String,
}

#[derive(Template)]
#[template(path = "staff_users.html")]
struct SearchPage {
    chrome: Chrome,
    search: String,
    users: Vec<FoundUser>,
    total: u64,
    pager: view::Pager,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    page: Option<u64>,
}

/// Find people by part of their username. A bad search is said on the page, as the API
/// words it.
pub async fn search(
    State(state): State<FrontendState>,
    me: Me,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let text = query.q.trim().to_owned();
    let page = query.page.unwrap_or(1).max(1);
    let empty = |error: Option<String>| SearchPage {
        chrome: me.chrome("Find a user"),
        search: text.clone(),
        users: Vec::new(),
        total: 0,
        pager: view::Pager::new(1, 0, PER_PAGE, |_| String::new()),
        error,
    };
    if text.is_empty() {
        return Ok(render(&empty(None)));
    }
    let offset = view::Pager::offset(page, PER_PAGE);
    let found: Paged<StaffUserView> = match state
        .api
        .get(
            &me.caller,
            &format!(
                "/auth/staff/users?q={}&limit={PER_PAGE}&offset={offset}",
                q(&text)
            ),
        )
        .await
    {
        Ok(found) => found,
        Err(f) if f.status.is_client_error() && !f.is_unauthenticated() && f.status != 403 => {
            return Ok(render(&empty(Some(f.message))));
        }
        Err(f) => return Err(f.into()),
    };
    let pager = view::Pager::new(page, found.total, PER_PAGE, |p| {
        format!("/admin/users?q={}&page={p}", q(&text))
    });
    Ok(render(&SearchPage {
        chrome: me.chrome("Find a user"),
        search: text.clone(),
        users: found
            .items
            .into_iter()
            .map(|u| FoundUser {
                id: u.id,
                username: u.username,
                role: u.role,
                disabled: u.disabled,
                since: view::day(&u.created_at),
            })
            .collect(),
        total: found.total,
        pager,
        error: None,
    }))
}

pub struct OfferRow {
    pub id: i64,
    pub side: String,
    pub price: String,
    pub currency: String,
}

pub struct TradeRow {
    pub id: i64,
    pub role: &'static str,
    pub counterparty: String,
    pub amount: String,
    pub state: String,
    pub opened: String,
}

pub struct UserCaseRow {
    pub id: i64,
    pub category: &'static str,
    pub reporters: u64,
    pub status: String,
    pub opened: String,
}

pub struct Balances {
    pub available: String,
    pub escrow: String,
    pub withdrawing: String,
}

#[derive(Template)]
#[template(path = "staff_user.html")]
struct UserPage {
    chrome: Chrome,
    user: FoundUser,
    balances: Option<Balances>,
    /// `None`: not an admin's to read.
    trades: Option<Vec<TradeRow>>,
    offers: Vec<OfferRow>,
    cases: Vec<UserCaseRow>,
    sanctions: Vec<SanctionRow>,
    audit: Vec<AuditRow>,
    audit_readable: bool,
    back: String,
    is_admin: bool,
}

/// Everything about one account, for staff.
pub async fn page(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let user: StaffUserView = state
        .api
        .get(&me.caller, &format!("/auth/staff/users/{id}"))
        .await?;
    let is_admin = me.chrome("").user.as_ref().is_some_and(|u| u.is_admin);
    // Admin-only reads come back refused for a moderator: the page shows what it got.
    let balances = state
        .api
        .get::<BalancesView>(&me.caller, &format!("/transactions/balances/{id}"))
        .await
        .ok()
        .map(|b| Balances {
            available: view::xmr(b.available),
            escrow: view::xmr(b.escrow),
            withdrawing: view::xmr(b.withdrawing),
        });
    let trades = state
        .api
        .get::<Paged<TradeView>>(
            &me.caller,
            &format!("/transactions/admin/users/{id}/trades?limit=50"),
        )
        .await
        .ok()
        .map(|p| p.items);
    let offers = state
        .api
        .get::<Paged<OfferView>>(
            &me.caller,
            &format!("/offers/offers?owner_id={id}&limit=50"),
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let cases = state
        .api
        .get::<Paged<CaseView>>(
            &me.caller,
            &format!("/moderation/queue?status=all&target=user&target_id={id}&limit=50"),
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let sanctions = state
        .api
        .get::<Paged<SanctionView>>(
            &me.caller,
            &format!("/moderation/sanctions?user_id={id}&limit=100"),
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    // The audit logs' latest records that are about this person or by them.
    let mine = |e: &AuditEntry| e.target == format!("user:{id}") || e.actor_id == Some(id);
    let mut audit_readable = false;
    let mut entries: Vec<AuditEntry> = Vec::new();
    for log in [
        "/auth/admin/audit?limit=100",
        "/transactions/admin/audit?limit=100",
    ] {
        if let Ok(page) = state.api.get::<Paged<AuditEntry>>(&me.caller, log).await {
            audit_readable = true;
            entries.extend(page.items.into_iter().filter(mine));
        }
    }
    entries.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    let mut ids: Vec<i64> = sanctions
        .iter()
        .flat_map(|s| [s.user_id, s.imposed_by])
        .chain(entries.iter().filter_map(|e| e.actor_id))
        .chain(entries.iter().filter_map(|e| target_user(&e.target)))
        .chain(
            trades
                .iter()
                .flatten()
                .flat_map(|t| [t.buyer_id, t.seller_id]),
        )
        .collect();
    ids.push(id);
    let names = usernames(&state, &me.caller, &ids).await;
    Ok(render(&UserPage {
        chrome: me.chrome(format!("User {}", user.username)),
        balances,
        trades: trades.map(|list| {
            list.iter()
                .map(|t| {
                    let buyer = t.buyer_id == id;
                    TradeRow {
                        id: t.id,
                        role: if buyer { "buyer" } else { "seller" },
                        counterparty: name_or_id(
                            &names,
                            if buyer { t.seller_id } else { t.buyer_id },
                        ),
                        amount: view::xmr(t.amount),
                        state: view::trade_state(t.state),
                        opened: view::when(&t.created_at),
                    }
                })
                .collect()
        }),
        offers: offers
            .into_iter()
            .map(|o| OfferRow {
                id: o.id,
                side: o.side.to_string(),
                price: o.price,
                currency: o.currency,
            })
            .collect(),
        cases: cases
            .iter()
            .map(|c| UserCaseRow {
                id: c.id,
                category: category_label(c.category),
                reporters: c.reporters,
                status: c.status.to_string(),
                opened: view::when(&c.opened_at),
            })
            .collect(),
        sanctions: sanctions.iter().map(|s| sanction_row(s, &names)).collect(),
        audit: entries.iter().map(|e| audit_row(e, &names)).collect(),
        audit_readable,
        back: format!("/admin/users/{id}"),
        is_admin,
        user: FoundUser {
            id: user.id,
            username: user.username,
            role: user.role,
            disabled: user.disabled,
            since: view::day(&user.created_at),
        },
    }))
}

/// The user an audit target names (`user:7`).
pub fn target_user(target: &str) -> Option<i64> {
    target.strip_prefix("user:")?.parse().ok()
}
