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
use crate::view;

const PER_PAGE: u64 = 50;

pub struct Row {
    pub when: String,
    pub what: &'static str,
    pub account: &'static str,
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
        chrome: me.chrome("History"),
        rows,
        pager,
    }))
}

fn row(l: &StatementLine) -> Row {
    let incoming = !l.amount.starts_with('-');
    Row {
        when: view::when(&l.created_at),
        what: kind(l.kind),
        account: match l.account.as_str() {
            "available" => "available",
            "escrow" => "in escrow",
            "withdrawing" => "being withdrawn",
            _ => "other",
        },
        amount: view::xmr(&l.amount),
        incoming,
        trade: l
            .reference
            .strip_prefix("trade:")
            .and_then(|id| id.parse().ok()),
        memo: l.memo.clone(),
    }
}

fn kind(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::TradeOpen => "Trade opened: XMR into escrow",
        EntryKind::TradeRelease => "Trade completed: escrow released",
        EntryKind::TradeRefund => "Trade cancelled: escrow returned",
        EntryKind::TradeSplit => "Dispute decided: escrow divided",
        EntryKind::Deposit => "Deposit credited",
        EntryKind::Adjustment => "Adjustment by an admin",
        EntryKind::Transfer => "Transfer by an admin",
        EntryKind::WithdrawalRequest => "Withdrawal requested",
        EntryKind::Withdrawal => "Withdrawal sent",
        EntryKind::WithdrawalRefund => "Withdrawal failed: returned",
        EntryKind::WithdrawalCancel => "Withdrawal cancelled: returned",
        EntryKind::NetworkFee => "Network fee",
    }
}
