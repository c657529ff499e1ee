//! Reports and sanctions on the web (issue 14): the report form behind every "Report"
//! link (profiles, offers, trades, chat messages) and the reporter's list; the user's
//! sanctions with the appeal form; the moderators' console (the queue, a case with its
//! actions, the sanction history, the appeals to decide). The moderation API decides who
//! may do what; these pages only draw the forms and say its answers in words.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use reqwest::Method;
use serde::{Deserialize, Serialize};

use pupero_api::Paged;
use pupero_api::moderation::{
    AppealView, CaseDetail, CaseView, NewReport, ReportView, SanctionView,
};
use pupero_api::offers::OfferView;
use pupero_api::trades::TradeView;
use pupero_core::{
    AppealStatus, CaseResolution, CaseStatus, ReportCategory, ReportTarget, SanctionKind,
};

use super::offers::usernames;
use super::trades::name_or_id;
use super::{Chrome, Me, PageError, act, redirect_with, refused, render};
use crate::FrontendState;
use crate::api::{Caller, q};
use crate::csrf::Form;
use crate::flash::Flash;
use crate::i18n::{t, t_args, t1, t2};
use crate::view;

/// Rows on a console list page.
const PER_PAGE: u64 = 20;

/// How a report category reads.
pub fn category_label(c: ReportCategory) -> String {
    t(match c {
        ReportCategory::Scam => "moderation-category-scam",
        ReportCategory::PaymentFraud => "moderation-category-payment-fraud",
        ReportCategory::Harassment => "moderation-category-harassment",
        ReportCategory::Spam => "moderation-category-spam",
        ReportCategory::Illegal => "moderation-category-illegal",
        ReportCategory::Other => "moderation-category-other",
    })
}

/// How a sanction kind reads, and what it does.
pub fn sanction_label(k: SanctionKind) -> String {
    t(match k {
        SanctionKind::Warn => "moderation-sanction-warn",
        SanctionKind::Mute => "moderation-sanction-mute",
        SanctionKind::TradeBan => "moderation-sanction-trade-ban",
        SanctionKind::WithdrawalHold => "moderation-sanction-withdrawal-hold",
        SanctionKind::Suspend => "moderation-sanction-suspend",
        SanctionKind::Ban => "moderation-sanction-ban",
    })
}

fn case_status_label(s: CaseStatus, resolution: Option<CaseResolution>) -> String {
    t(match (s, resolution) {
        (CaseStatus::Open, _) => "moderation-case-open",
        (CaseStatus::Claimed, _) => "moderation-case-claimed",
        (CaseStatus::Resolved, Some(CaseResolution::Actioned)) => "moderation-case-actioned",
        (CaseStatus::Resolved, Some(CaseResolution::Dismissed)) => "moderation-case-dismissed",
        (CaseStatus::Resolved, None) => "moderation-case-resolved",
    })
}

/// What kind of thing a report is about, as the queue's filter names it.
fn target_kind_label(target: ReportTarget) -> String {
    t(match target {
        ReportTarget::User => "moderation-about-user",
        ReportTarget::Offer => "moderation-about-offer",
        ReportTarget::Trade => "moderation-about-trade",
        ReportTarget::Message => "moderation-about-message",
    })
}

/// "3 h", "2 d": how long a case has waited.
fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..=59 => t1("moderation-age-seconds", "n", s),
        60..=3599 => t1("moderation-age-minutes", "n", s / 60),
        3600..=86_399 => t1("moderation-age-hours", "n", s / 3600),
        _ => t1("moderation-age-days", "n", s / 86_400),
    }
}

/// Where a reported thing is shown, when it has a page of its own.
fn target_href(t: ReportTarget, id: i64, names: &HashMap<i64, String>) -> Option<String> {
    match t {
        ReportTarget::User => names.get(&id).map(|n| format!("/u/{}", q(n))),
        ReportTarget::Offer => Some(format!("/offers/{id}")),
        ReportTarget::Trade => Some(format!("/trades/{id}")),
        ReportTarget::Message => None,
    }
}

fn target_text(target: ReportTarget, id: i64, names: &HashMap<i64, String>) -> String {
    match target {
        ReportTarget::User => t1("moderation-target-user", "name", name_or_id(names, id)),
        ReportTarget::Offer => t1("moderation-target-offer", "id", id),
        ReportTarget::Trade => t1("moderation-target-trade", "id", id),
        ReportTarget::Message => t1("moderation-target-message", "id", id),
    }
}

// ---- Reporting ----------------------------------------------------------------------

#[derive(Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    target: String,
    id: Option<i64>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    chrome: Chrome,
    target: String,
    target_id: i64,
    what: String,
    categories: Vec<(&'static str, String)>,
}

/// The report form for one thing (every "Report" link lands here).
pub async fn report_page(
    State(state): State<FrontendState>,
    me: Me,
    Query(query): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let (Ok(target), Some(id)) = (query.target.parse::<ReportTarget>(), query.id) else {
        return Err(PageError::BadForm(t("moderation-report-what")));
    };
    let names = if target == ReportTarget::User {
        usernames(&state, &me.caller, &[id]).await
    } else {
        HashMap::new()
    };
    Ok(render(&ReportPage {
        chrome: me.chrome(t("moderation-report-title")),
        target: target.to_string(),
        target_id: id,
        what: target_text(target, id, &names),
        categories: ReportCategory::ALL
            .iter()
            .map(|c| (c.as_str(), category_label(*c)))
            .collect(),
    }))
}

#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    target: String,
    #[serde(default)]
    target_id: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    text: String,
}

pub async fn file_report(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<ReportForm>,
) -> Response {
    let back = format!(
        "/report?target={}&id={}",
        q(&form.target),
        q(form.target_id.trim())
    );
    let parsed = (
        form.target.parse::<ReportTarget>(),
        form.target_id.trim().parse::<i64>(),
        form.category.parse::<ReportCategory>(),
    );
    let (Ok(target), Ok(target_id), Ok(category)) = parsed else {
        return redirect_with(
            &state,
            &back,
            Flash::error(t("moderation-report-no-reason")),
        );
    };
    let body = NewReport {
        target,
        target_id,
        category,
        text: form.text.trim().to_owned(),
    };
    match state
        .api
        .post::<_, ReportView>(&me.caller, "/moderation/reports", &body)
        .await
    {
        Ok(r) => redirect_with(
            &state,
            "/reports",
            Flash::success(t1("moderation-report-sent", "id", r.id)),
        ),
        Err(f) => refused(&state, &back, f),
    }
}

pub struct MyReportRow {
    pub id: i64,
    pub what: String,
    pub href: Option<String>,
    pub category: String,
    pub text: String,
    pub status: String,
    pub resolved: bool,
    pub at: String,
}

#[derive(Template)]
#[template(path = "my_reports.html")]
struct MyReportsPage {
    chrome: Chrome,
    reports: Vec<MyReportRow>,
    total: u64,
    pager: view::Pager,
}

/// The visitor's reports and where each stands.
pub async fn my_reports(
    State(state): State<FrontendState>,
    me: Me,
    Query(number): Query<super::trades::PageNumber>,
) -> Result<Response, PageError> {
    let page = number.get();
    let offset = view::Pager::offset(page, PER_PAGE);
    let list: Paged<ReportView> = state
        .api
        .get(
            &me.caller,
            &format!("/moderation/reports/mine?limit={PER_PAGE}&offset={offset}"),
        )
        .await?;
    let user_ids: Vec<i64> = list
        .items
        .iter()
        .filter(|r| r.target == ReportTarget::User)
        .map(|r| r.target_id)
        .collect();
    let names = usernames(&state, &me.caller, &user_ids).await;
    let pager = view::Pager::new(page, list.total, PER_PAGE, |p| format!("/reports?page={p}"));
    Ok(render(&MyReportsPage {
        chrome: me.chrome(t("moderation-my-reports-title")),
        reports: list
            .items
            .iter()
            .map(|r| MyReportRow {
                id: r.id,
                what: target_text(r.target, r.target_id, &names),
                href: target_href(r.target, r.target_id, &names),
                category: category_label(r.category),
                text: r.text.clone(),
                status: case_status_label(r.status, r.resolution),
                resolved: r.status == CaseStatus::Resolved,
                at: view::when(&r.created_at),
            })
            .collect(),
        total: list.total,
        pager,
    }))
}

// ---- The user's sanctions -------------------------------------------------------------

pub struct SanctionRow {
    pub id: i64,
    pub user_id: i64,
    pub user: String,
    pub kind: String,
    pub raw_kind: String,
    pub reason: String,
    pub by: String,
    pub since: String,
    /// "until lifted" or the end.
    pub until: String,
    pub active: bool,
    pub lifted: Option<String>,
    /// When an appeal is still possible: its last day.
    pub appeal_until: Option<String>,
    pub how_to_appeal: String,
    pub appeal: Option<AppealRow>,
}

pub struct AppealRow {
    pub id: i64,
    pub text: String,
    pub status: String,
    pub pending: bool,
    pub decision_reason: String,
    pub decided_by: String,
    pub at: String,
}

fn appeal_status_label(s: AppealStatus) -> String {
    t(match s {
        AppealStatus::Pending => "moderation-appeal-pending",
        AppealStatus::Upheld => "moderation-appeal-upheld",
        AppealStatus::Lifted => "moderation-appeal-lifted",
    })
}

fn appeal_row(a: &AppealView, names: &HashMap<i64, String>) -> AppealRow {
    AppealRow {
        id: a.id,
        text: a.text.clone(),
        status: appeal_status_label(a.status),
        pending: a.status == AppealStatus::Pending,
        decision_reason: a.decision_reason.clone().unwrap_or_default(),
        decided_by: a
            .decided_by
            .map(|id| name_or_id(names, id))
            .unwrap_or_default(),
        at: view::when(&a.created_at),
    }
}

pub fn sanction_row(s: &SanctionView, names: &HashMap<i64, String>) -> SanctionRow {
    SanctionRow {
        id: s.id,
        user_id: s.user_id,
        user: name_or_id(names, s.user_id),
        kind: sanction_label(s.kind),
        raw_kind: s.kind.to_string(),
        reason: s.reason.clone(),
        by: name_or_id(names, s.imposed_by),
        since: view::when(&s.created_at),
        until: s
            .expires_at
            .as_deref()
            .map_or_else(|| t("moderation-until-lifted"), view::when),
        active: s.active,
        lifted: s
            .lifted_at
            .as_deref()
            .map(|at| match s.lift_reason.as_deref() {
                Some(reason) => t2(
                    "moderation-lifted-because",
                    "when",
                    view::when(at),
                    "reason",
                    reason,
                ),
                None => t1("moderation-lifted-at", "when", view::when(at)),
            }),
        appeal_until: s.appeal_until.as_deref().map(view::when),
        how_to_appeal: crate::api::sentence(&s.how_to_appeal),
        appeal: s.appeal.as_ref().map(|a| appeal_row(a, names)),
    }
}

fn people_of(sanctions: &[SanctionView]) -> Vec<i64> {
    sanctions
        .iter()
        .flat_map(|s| {
            [Some(s.user_id), Some(s.imposed_by)]
                .into_iter()
                .chain([s.appeal.as_ref().and_then(|a| a.decided_by)])
                .flatten()
        })
        .collect()
}

#[derive(Template)]
#[template(path = "sanctions.html")]
struct SanctionsPage {
    chrome: Chrome,
    sanctions: Vec<SanctionRow>,
}

/// The visitor's sanctions: each with its reason, its end and how to appeal it.
pub async fn my_sanctions(
    State(state): State<FrontendState>,
    me: Me,
) -> Result<Response, PageError> {
    let list: Vec<SanctionView> = state
        .api
        .get(&me.caller, "/moderation/sanctions/mine")
        .await?;
    let names = usernames(&state, &me.caller, &people_of(&list)).await;
    Ok(render(&SanctionsPage {
        chrome: me.chrome(t("moderation-my-sanctions-title")),
        sanctions: list.iter().map(|s| sanction_row(s, &names)).collect(),
    }))
}

#[derive(Deserialize)]
pub struct AppealForm {
    #[serde(default)]
    text: String,
}

#[derive(Serialize)]
struct AppealBody {
    sanction_id: i64,
    text: String,
}

pub async fn appeal(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<AppealForm>,
) -> Response {
    let body = AppealBody {
        sanction_id: id,
        text: form.text.trim().to_owned(),
    };
    act(
        &state,
        &me,
        Method::POST,
        "/moderation/appeals",
        Some(&body),
        "/sanctions",
        t("moderation-appeal-sent"),
    )
    .await
}

/// A sanction in force that stops what a page offers, said in words with a link to the
/// sanctions page instead of the form.
pub struct Blocked {
    pub kind: String,
    pub reason: String,
    pub until: String,
}

/// The first sanction of `kinds` in force on the visitor. A failed look-up shows the
/// form: the service that owns the action refuses it anyway, with its reason.
pub async fn blocked_by(
    state: &FrontendState,
    caller: &Caller,
    kinds: &[SanctionKind],
) -> Option<Blocked> {
    let list: Vec<SanctionView> = state
        .api
        .get(caller, "/moderation/sanctions/mine")
        .await
        .ok()?;
    list.into_iter()
        .find(|s| s.active && kinds.contains(&s.kind))
        .map(|s| Blocked {
            kind: sanction_label(s.kind),
            reason: s.reason,
            until: s.expires_at.as_deref().map_or_else(
                || t("moderation-blocked-until-lifted"),
                |at| t1("moderation-blocked-until", "when", view::when(at)),
            ),
        })
}

// ---- The moderators' console ----------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct QueueFilters {
    #[serde(default)]
    status: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    assignee: String,
    page: Option<u64>,
}

impl QueueFilters {
    /// The filters as a query string (without `page`), for the API and the pager alike:
    /// the API names a bad word itself.
    fn query(&self) -> String {
        let mut out = String::new();
        for (key, value) in [
            ("status", &self.status),
            ("category", &self.category),
            ("target", &self.target),
            ("assignee", &self.assignee),
        ] {
            let value = value.trim();
            if !value.is_empty() {
                out.push_str(&format!("&{key}={}", q(value)));
            }
        }
        out
    }
}

pub struct CaseRow {
    pub id: i64,
    pub what: String,
    pub href: Option<String>,
    pub category: String,
    pub reporters: u64,
    pub escalated: bool,
    pub age: String,
    pub assignee: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "mod_queue.html")]
struct QueuePage {
    chrome: Chrome,
    cases: Vec<CaseRow>,
    total: u64,
    pager: view::Pager,
    status: String,
    category: String,
    target: String,
    assignee: String,
    categories: Vec<(&'static str, String)>,
    targets: Vec<(&'static str, String)>,
}

/// The queue: the most reported first (escalated ones marked), then the oldest.
pub async fn queue(
    State(state): State<FrontendState>,
    me: Me,
    Query(filters): Query<QueueFilters>,
) -> Result<Response, PageError> {
    let page = filters.page.unwrap_or(1).max(1);
    let offset = view::Pager::offset(page, PER_PAGE);
    let query = filters.query();
    let list: Paged<CaseView> = state
        .api
        .get(
            &me.caller,
            &format!("/moderation/queue?limit={PER_PAGE}&offset={offset}{query}"),
        )
        .await?;
    let ids: Vec<i64> = list
        .items
        .iter()
        .flat_map(|c| {
            [
                (c.target == ReportTarget::User).then_some(c.target_id),
                c.assignee_id,
            ]
            .into_iter()
            .flatten()
        })
        .collect();
    let names = usernames(&state, &me.caller, &ids).await;
    let pager = view::Pager::new(page, list.total, PER_PAGE, |p| {
        format!("/moderation/queue?page={p}{query}")
    });
    Ok(render(&QueuePage {
        chrome: me.chrome(t("moderation-queue-title")),
        cases: list
            .items
            .iter()
            .map(|c| CaseRow {
                id: c.id,
                what: target_text(c.target, c.target_id, &names),
                href: target_href(c.target, c.target_id, &names),
                category: category_label(c.category),
                reporters: c.reporters,
                escalated: c.escalated,
                age: age(c.age_seconds),
                assignee: c
                    .assignee_id
                    .map(|id| name_or_id(&names, id))
                    .unwrap_or_default(),
                status: case_status_label(c.status, c.resolution),
            })
            .collect(),
        total: list.total,
        pager,
        status: filters.status,
        category: filters.category,
        target: filters.target,
        assignee: filters.assignee,
        categories: ReportCategory::ALL
            .iter()
            .map(|c| (c.as_str(), category_label(*c)))
            .collect(),
        targets: ReportTarget::ALL
            .iter()
            .map(|t| (t.as_str(), target_kind_label(*t)))
            .collect(),
    }))
}

pub struct CaseReportRow {
    pub by: String,
    pub category: String,
    pub text: String,
    pub at: String,
}

pub struct NoteRow {
    pub by: String,
    pub text: String,
    pub at: String,
}

/// Someone a sanction from the case page may fall on.
pub struct Candidate {
    pub id: i64,
    pub label: String,
}

#[derive(Template)]
#[template(path = "mod_case.html")]
struct CasePage {
    chrome: Chrome,
    id: i64,
    what: String,
    href: Option<String>,
    category: String,
    status: String,
    open: bool,
    mine: bool,
    assignee: String,
    reporters: u64,
    escalated: bool,
    opened: String,
    age: String,
    resolution_reason: String,
    resolved_by: String,
    reports: Vec<CaseReportRow>,
    notes: Vec<NoteRow>,
    candidates: Vec<Candidate>,
    kinds: Vec<(&'static str, String)>,
    offer_id: Option<i64>,
    sanctions: Vec<SanctionRow>,
    /// Where a lift from this page comes back to.
    back: String,
}

/// Who a case is about: the reported user, an offer's owner, a trade's two parties.
async fn candidates(state: &FrontendState, me: &Me, c: &CaseView) -> Vec<i64> {
    match c.target {
        ReportTarget::User => vec![c.target_id],
        ReportTarget::Offer => state
            .api
            .get::<OfferView>(&me.caller, &format!("/offers/{}", c.target_id))
            .await
            .map(|o| vec![o.owner_id])
            .unwrap_or_default(),
        ReportTarget::Trade => state
            .api
            .get::<TradeView>(&me.caller, &format!("/transactions/trades/{}", c.target_id))
            .await
            .map(|t| vec![t.seller_id, t.buyer_id])
            .unwrap_or_default(),
        ReportTarget::Message => Vec::new(),
    }
}

/// A case: its reports merged, private notes, and what a moderator can do from here.
pub async fn case(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let detail: CaseDetail = state
        .api
        .get(&me.caller, &format!("/moderation/cases/{id}"))
        .await?;
    let c = &detail.case;
    let people = candidates(&state, &me, c).await;
    // The sanctions already on whom the case is about, so a moderator does not stack them.
    let mut sanctions = Vec::new();
    for user in &people {
        if let Ok(list) = state
            .api
            .get::<Paged<SanctionView>>(
                &me.caller,
                &format!("/moderation/sanctions?user_id={user}&limit=20"),
            )
            .await
        {
            sanctions.extend(list.items);
        }
    }
    let mut ids: Vec<i64> = detail
        .reports
        .iter()
        .map(|r| r.reporter_id)
        .chain(detail.notes.iter().map(|n| n.author_id))
        .chain(c.assignee_id)
        .chain(c.resolved_by)
        .chain(people.iter().copied())
        .collect();
    ids.extend(people_of(&sanctions));
    let names = usernames(&state, &me.caller, &ids).await;
    let role_of = |user: i64| -> &'static str {
        match c.target {
            ReportTarget::Offer => "moderation-candidate-owner",
            ReportTarget::Trade if people.first() == Some(&user) => "moderation-candidate-seller",
            ReportTarget::Trade => "moderation-candidate-buyer",
            _ => "moderation-candidate-reported",
        }
    };
    let open = c.status != CaseStatus::Resolved;
    Ok(render(&CasePage {
        chrome: me.chrome(t1("moderation-case-title", "id", id)),
        id,
        what: target_text(c.target, c.target_id, &names),
        href: target_href(c.target, c.target_id, &names),
        category: category_label(c.category),
        status: case_status_label(c.status, c.resolution),
        open,
        mine: c.assignee_id == Some(me.id),
        assignee: c
            .assignee_id
            .map(|a| name_or_id(&names, a))
            .unwrap_or_default(),
        reporters: c.reporters,
        escalated: c.escalated,
        opened: view::when(&c.opened_at),
        age: age(c.age_seconds),
        resolution_reason: c.resolution_reason.clone().unwrap_or_default(),
        resolved_by: c
            .resolved_by
            .map(|r| name_or_id(&names, r))
            .unwrap_or_default(),
        reports: detail
            .reports
            .iter()
            .map(|r| CaseReportRow {
                by: name_or_id(&names, r.reporter_id),
                category: category_label(r.category),
                text: r.text.clone(),
                at: view::when(&r.created_at),
            })
            .collect(),
        notes: detail
            .notes
            .iter()
            .map(|n| NoteRow {
                by: name_or_id(&names, n.author_id),
                text: n.text.clone(),
                at: view::when(&n.created_at),
            })
            .collect(),
        candidates: people
            .iter()
            .map(|u| Candidate {
                id: *u,
                label: t1(role_of(*u), "name", name_or_id(&names, *u)),
            })
            .collect(),
        kinds: SanctionKind::ALL
            .iter()
            .map(|k| (k.as_str(), sanction_label(*k)))
            .collect(),
        offer_id: (c.target == ReportTarget::Offer).then_some(c.target_id),
        sanctions: sanctions.iter().map(|s| sanction_row(s, &names)).collect(),
        back: format!("/moderation/cases/{id}"),
    }))
}

pub async fn claim(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(_form): Form<Empty>,
) -> Response {
    act(
        &state,
        &me,
        Method::POST,
        &format!("/moderation/cases/{id}/claim"),
        None::<&()>,
        &format!("/moderation/cases/{id}"),
        t("moderation-claimed"),
    )
    .await
}

#[derive(Deserialize)]
pub struct Empty {}

#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    text: String,
}

#[derive(Serialize)]
struct TextBody {
    text: String,
}

pub async fn note(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<TextForm>,
) -> Response {
    act(
        &state,
        &me,
        Method::POST,
        &format!("/moderation/cases/{id}/notes"),
        Some(&TextBody {
            text: form.text.trim().to_owned(),
        }),
        &format!("/moderation/cases/{id}"),
        t("moderation-note-added"),
    )
    .await
}

#[derive(Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    resolution: String,
    #[serde(default)]
    reason: String,
}

#[derive(Serialize)]
struct ResolveBody {
    resolution: String,
    reason: String,
}

pub async fn resolve(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<ResolveForm>,
) -> Response {
    let done = if form.resolution == "dismissed" {
        t("moderation-case-dismissed-done")
    } else {
        t("moderation-case-actioned-done")
    };
    act(
        &state,
        &me,
        Method::POST,
        &format!("/moderation/cases/{id}/resolve"),
        Some(&ResolveBody {
            resolution: form.resolution.clone(),
            reason: form.reason.trim().to_owned(),
        }),
        &format!("/moderation/cases/{id}"),
        done,
    )
    .await
}

#[derive(Deserialize)]
pub struct SanctionForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    reason: String,
    /// Whole days from now; empty: until lifted.
    #[serde(default)]
    days: String,
}

#[derive(Serialize)]
struct SanctionBody {
    user_id: i64,
    kind: String,
    reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
}

const DAY_MS: i64 = 86_400_000;

/// Sanction someone the case is about, from the case page.
pub async fn sanction(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<SanctionForm>,
) -> Response {
    let back = format!("/moderation/cases/{id}");
    let Ok(user_id) = form.user_id.trim().parse::<i64>() else {
        return redirect_with(
            &state,
            &back,
            Flash::error(t("moderation-sanction-no-user")),
        );
    };
    let days = form.days.trim();
    let expires_at = if days.is_empty() {
        None
    } else {
        match days.parse::<i64>() {
            Ok(d) if (1..=3650).contains(&d) => Some(pupero_http::rfc3339(
                pupero_db::now_ms().saturating_add(d.saturating_mul(DAY_MS)),
            )),
            _ => {
                return redirect_with(
                    &state,
                    &back,
                    Flash::error(t("moderation-sanction-bad-days")),
                );
            }
        }
    };
    let body = SanctionBody {
        user_id,
        kind: form.kind.clone(),
        reason: form.reason.trim().to_owned(),
        expires_at,
    };
    match state
        .api
        .post::<_, SanctionView>(&me.caller, "/moderation/sanctions", &body)
        .await
    {
        Ok(s) => redirect_with(
            &state,
            &back,
            Flash::success(t_args(
                "moderation-sanction-imposed",
                &[
                    ("kind", &sanction_label(s.kind)),
                    ("user", &s.user_id),
                    ("id", &s.id),
                ],
            )),
        ),
        Err(f) => refused(&state, &back, f),
    }
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
    /// The page to go back to (a local path), when it is not the default.
    #[serde(default)]
    back: String,
}

#[derive(Serialize)]
struct ReasonBody {
    reason: String,
}

/// Take down the offer a case is about, with a reason.
pub async fn remove_offer(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<ReasonForm>,
) -> Response {
    let back = format!("/moderation/cases/{id}");
    let detail: CaseDetail = match state
        .api
        .get(&me.caller, &format!("/moderation/cases/{id}"))
        .await
    {
        Ok(d) => d,
        Err(f) => return refused(&state, "/moderation/queue", f),
    };
    if detail.case.target != ReportTarget::Offer {
        return redirect_with(&state, &back, Flash::error(t("moderation-not-an-offer")));
    }
    act(
        &state,
        &me,
        Method::POST,
        &format!("/moderation/offers/{}/remove", detail.case.target_id),
        Some(&ReasonBody {
            reason: form.reason.trim().to_owned(),
        }),
        &back,
        t1("moderation-offer-removed", "id", detail.case.target_id),
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct HistoryQuery {
    user: Option<i64>,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "mod_sanctions.html")]
struct HistoryPage {
    chrome: Chrome,
    sanctions: Vec<SanctionRow>,
    total: u64,
    pager: view::Pager,
    user: Option<i64>,
    back: String,
}

/// Every sanction, newest first, or one user's.
pub async fn history(
    State(state): State<FrontendState>,
    me: Me,
    Query(query): Query<HistoryQuery>,
) -> Result<Response, PageError> {
    let page = query.page.unwrap_or(1).max(1);
    let offset = view::Pager::offset(page, PER_PAGE);
    let only = query
        .user
        .map(|u| format!("&user_id={u}"))
        .unwrap_or_default();
    let list: Paged<SanctionView> = state
        .api
        .get(
            &me.caller,
            &format!("/moderation/sanctions?limit={PER_PAGE}&offset={offset}{only}"),
        )
        .await?;
    let names = usernames(&state, &me.caller, &people_of(&list.items)).await;
    let user_link = query.user.map(|u| format!("&user={u}")).unwrap_or_default();
    let pager = view::Pager::new(page, list.total, PER_PAGE, |p| {
        format!("/moderation/sanctions?page={p}{user_link}")
    });
    Ok(render(&HistoryPage {
        chrome: me.chrome(t("moderation-history-title")),
        sanctions: list.items.iter().map(|s| sanction_row(s, &names)).collect(),
        total: list.total,
        pager,
        user: query.user,
        back: format!(
            "/moderation/sanctions{}",
            query.user.map(|u| format!("?user={u}")).unwrap_or_default()
        ),
    }))
}

pub async fn lift(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<ReasonForm>,
) -> Response {
    let back = super::safe_next(
        Some(&form.back)
            .filter(|b| !b.is_empty())
            .map(String::as_str),
    );
    let back = if back == "/" {
        "/moderation/sanctions".to_owned()
    } else {
        back
    };
    act(
        &state,
        &me,
        Method::POST,
        &format!("/moderation/sanctions/{id}/lift"),
        Some(&ReasonBody {
            reason: form.reason.trim().to_owned(),
        }),
        &back,
        t1("moderation-sanction-lifted", "id", id),
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct AppealsQuery {
    #[serde(default)]
    status: String,
    page: Option<u64>,
}

pub struct AppealCaseRow {
    pub appeal: AppealRow,
    pub sanction: Option<SanctionRow>,
    pub user: String,
    pub user_id: i64,
}

#[derive(Template)]
#[template(path = "mod_appeals.html")]
struct AppealsPage {
    chrome: Chrome,
    appeals: Vec<AppealCaseRow>,
    total: u64,
    pager: view::Pager,
    status: String,
}

/// The appeals to decide (or the decided ones), each beside its sanction.
pub async fn appeals(
    State(state): State<FrontendState>,
    me: Me,
    Query(query): Query<AppealsQuery>,
) -> Result<Response, PageError> {
    let page = query.page.unwrap_or(1).max(1);
    let offset = view::Pager::offset(page, PER_PAGE);
    let status = if query.status.trim().is_empty() {
        "pending".to_owned()
    } else {
        query.status.trim().to_owned()
    };
    let list: Paged<AppealView> = state
        .api
        .get(
            &me.caller,
            &format!(
                "/moderation/appeals?status={}&limit={PER_PAGE}&offset={offset}",
                q(&status)
            ),
        )
        .await?;
    // Each appellant's sanctions, to show the one appealed.
    let mut sanctions: HashMap<i64, SanctionView> = HashMap::new();
    let mut users: Vec<i64> = list.items.iter().map(|a| a.user_id).collect();
    users.sort_unstable();
    users.dedup();
    for user in &users {
        if let Ok(page) = state
            .api
            .get::<Paged<SanctionView>>(
                &me.caller,
                &format!("/moderation/sanctions?user_id={user}&limit=100"),
            )
            .await
        {
            sanctions.extend(page.items.into_iter().map(|s| (s.id, s)));
        }
    }
    let all: Vec<SanctionView> = sanctions.values().cloned().collect();
    let mut ids = people_of(&all);
    ids.extend(list.items.iter().filter_map(|a| a.decided_by));
    ids.extend(users);
    let names = usernames(&state, &me.caller, &ids).await;
    let pager = view::Pager::new(page, list.total, PER_PAGE, |p| {
        format!("/moderation/appeals?status={}&page={p}", q(&status))
    });
    Ok(render(&AppealsPage {
        chrome: me.chrome(t("moderation-appeals-title")),
        appeals: list
            .items
            .iter()
            .map(|a| AppealCaseRow {
                appeal: appeal_row(a, &names),
                sanction: sanctions
                    .get(&a.sanction_id)
                    .map(|s| sanction_row(s, &names)),
                user: name_or_id(&names, a.user_id),
                user_id: a.user_id,
            })
            .collect(),
        total: list.total,
        pager,
        status,
    }))
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

#[derive(Serialize)]
struct DecideBody {
    decision: String,
    reason: String,
}

pub async fn decide(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<DecideForm>,
) -> Response {
    let done = if form.decision == "lift" {
        t1("moderation-appeal-accepted", "id", id)
    } else {
        t1("moderation-appeal-upheld-done", "id", id)
    };
    act(
        &state,
        &me,
        Method::POST,
        &format!("/moderation/appeals/{id}/decide"),
        Some(&DecideBody {
            decision: form.decision.clone(),
            reason: form.reason.trim().to_owned(),
        }),
        "/moderation/appeals",
        done,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_in_the_largest_whole_unit() {
        assert_eq!(age(-5), "0 s");
        assert_eq!(age(59), "59 s");
        assert_eq!(age(60), "1 min");
        assert_eq!(age(7200), "2 h");
        assert_eq!(age(3 * 86_400 + 5), "3 d");
    }

    #[test]
    fn queue_filters_keep_only_what_was_chosen() {
        let f = QueueFilters {
            status: "resolved".into(),
            target: " user ".into(),
            ..QueueFilters::default()
        };
        assert_eq!(f.query(), "&status=resolved&target=user");
        assert_eq!(QueueFilters::default().query(), "");
    }
}
