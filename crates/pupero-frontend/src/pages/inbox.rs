//! The inbox: what happened to the visitor's trades and money, newest first, with the
//! unread ones marked and a way to mark them read.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use reqwest::Method;
use serde_json::json;

use pupero_api::notifications::{Inbox, NotificationView};
use pupero_core::NotificationKind as K;

use super::trades::PageNumber;
use super::{Chrome, Me, PageError, act, render};
use crate::FrontendState;
use crate::csrf::Form;
use crate::i18n::{self, t, t1, t2};
use crate::view;

const PER_PAGE: u64 = 30;

pub struct Row {
    pub id: i64,
    pub text: String,
    pub link: String,
    pub when: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    chrome: Chrome,
    rows: Vec<Row>,
    unread: u64,
    pager: view::Pager,
}

pub async fn page(
    State(state): State<FrontendState>,
    me: Me,
    Query(number): Query<PageNumber>,
) -> Result<Response, PageError> {
    let n = number.get();
    let path = format!(
        "/notifications?limit={PER_PAGE}&offset={}",
        view::Pager::offset(n, PER_PAGE)
    );
    let inbox: Inbox = state.api.get(&me.caller, &path).await?;
    let rows = inbox
        .page
        .items
        .iter()
        .map(|item| Row {
            id: item.id,
            text: text(item),
            link: match item.trade_id {
                Some(t) => format!("/trades/{t}"),
                None => "/balances".into(),
            },
            when: view::when(&item.created_at),
            unread: item.read_at.is_none(),
        })
        .collect();
    let pager = view::Pager::new(n, inbox.page.total, PER_PAGE, |p| {
        format!("/notifications?page={p}")
    });
    let mut chrome = me.chrome(t("inbox-title"));
    // The count this page just read is the freshest.
    chrome.unread = Some(inbox.unread);
    Ok(render(&InboxPage {
        chrome,
        rows,
        unread: inbox.unread,
        pager,
    }))
}

/// What happened, in the page's language, from the event's kind and facts; the API's
/// own English sentence for an event that lacks a fact its sentence needs.
fn text(item: &NotificationView) -> String {
    let amount = item.amount.map(i18n::amount);
    let said = match (item.kind, item.trade_id, amount) {
        (K::TradeOpened, Some(id), Some(a)) => {
            Some(t2("inbox-trade-opened", "trade", id, "amount", a))
        }
        (K::TradePaid, Some(id), Some(a)) => Some(t2("inbox-trade-paid", "trade", id, "amount", a)),
        (K::TradeReleased, Some(id), Some(a)) => {
            Some(t2("inbox-trade-released", "trade", id, "amount", a))
        }
        (K::TradeCancelled, Some(id), Some(a)) => {
            Some(t2("inbox-trade-cancelled", "trade", id, "amount", a))
        }
        (K::TradeExpiring, Some(id), Some(a)) => {
            Some(t2("inbox-trade-expiring", "trade", id, "amount", a))
        }
        (K::DisputeOpened, Some(id), _) => Some(t1("inbox-dispute-opened", "trade", id)),
        (K::DisputeResolved, Some(id), _) => Some(t1("inbox-dispute-resolved", "trade", id)),
        (K::MessageReceived, Some(id), _) => Some(t1("inbox-message-received", "trade", id)),
        (K::DepositCredited, _, Some(a)) => Some(t1("inbox-deposit-credited", "amount", a)),
        (K::WithdrawalSent, _, Some(a)) => Some(t1("inbox-withdrawal-sent", "amount", a)),
        _ => None,
    };
    said.unwrap_or_else(|| item.text.clone())
}

pub async fn read(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(_): Form<super::auth::Empty>,
) -> Response {
    let path = format!("/notifications/{id}/read");
    act(
        &state,
        &me,
        Method::POST,
        &path,
        Some(&json!({})),
        "/notifications",
        t("inbox-marked-read"),
    )
    .await
}

pub async fn read_all(
    State(state): State<FrontendState>,
    me: Me,
    Form(_): Form<super::auth::Empty>,
) -> Response {
    act(
        &state,
        &me,
        Method::POST,
        "/notifications/read-all",
        Some(&json!({})),
        "/notifications",
        t("inbox-all-marked-read"),
    )
    .await
}
