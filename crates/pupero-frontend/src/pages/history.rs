//! The visitor's own ledger: every movement of their money, newest first, in words, with
//! the trade each one belongs to.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use pupero_api::Paged;
use pupero_api::money::StatementLine;
use pupero_core::EntryKind;

use super::trades::PageNumber;
use super::{Chrome, Me, PageError, render};
use crate::FrontendState;
use crate::i18n::{self, t};
use crate::view;

const PER_PAGE: u64 = 50;

pub struct Row {
    pub when: String,
    pub what: String,
    pub account: String,
    pub amount: String,
    pub incoming: bool,
    /// The trade's page, when the movement belongs to one.
    pub trade: Option<i64>,
    pub memo: String,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    chrome: Chrome,
    rows: Vec<Row>,
    pager: view::Pager,
}

pub async fn page(
    State(state): State<FrontendState>,
    me: Me,
    Query(number): Query<PageNumber>,
) -> Result<Response, PageError> {
    let n = number.get();
    let path = format!(
        "/transactions/ledger?limit={PER_PAGE}&offset={}",
        view::Pager::offset(n, PER_PAGE)
    );
    let lines: Paged<StatementLine> = state.api.get(&me.caller, &path).await?;
    let rows = lines.items.iter().map(row).collect();
    let pager = view::Pager::new(n, lines.total, PER_PAGE, |p| format!("/history?page={p}"));
    Ok(render(&HistoryPage {
        chrome: me.chrome(t("history-title")),
        rows,
        pager,
    }))
}

fn row(l: &StatementLine) -> Row {
    let incoming = !l.amount.starts_with('-');
    Row {
        when: view::when(&l.created_at),
        what: kind(l.kind),
        account: t(match l.account.as_str() {
            "available" => "history-account-available",
            "escrow" => "history-account-escrow",
            "withdrawing" => "history-account-withdrawing",
            _ => "history-account-other",
        }),
        // Signed: "-0.5" reads "-0,5" where the decimal mark is a comma.
        amount: i18n::amount(&l.amount),
        incoming,
        trade: l
            .reference
            .strip_prefix("trade:")
            .and_then(|id| id.parse().ok()),
        memo: l.memo.clone(),
    }
}

fn kind(kind: EntryKind) -> String {
    t(match kind {
        EntryKind::TradeOpen => "history-kind-trade-open",
        EntryKind::TradeRelease => "history-kind-trade-release",
        EntryKind::TradeRefund => "history-kind-trade-refund",
        EntryKind::TradeSplit => "history-kind-trade-split",
        EntryKind::Deposit => "history-kind-deposit",
        EntryKind::Adjustment => "history-kind-adjustment",
        EntryKind::Transfer => "history-kind-transfer",
        EntryKind::WithdrawalRequest => "history-kind-withdrawal-request",
        EntryKind::Withdrawal => "history-kind-withdrawal",
        EntryKind::WithdrawalRefund => "history-kind-withdrawal-refund",
        EntryKind::WithdrawalCancel => "history-kind-withdrawal-cancel",
        EntryKind::NetworkFee => "history-kind-network-fee",
    })
}
