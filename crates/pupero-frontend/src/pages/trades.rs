//! A trade's page: its facts, the countdown, exactly the buttons the API allows the
//! visitor, the chat, and the review once it is done. Also the list of one's trades.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::offers::usernames;
use super::{Chrome, Me, PageError, act, redirect_with, refused, render};
use crate::FrontendState;
use crate::csrf::Form;
use crate::flash::Flash;
use crate::view;

#[derive(Debug, Deserialize)]
pub struct Dispute {
    pub statement: Option<String>,
    pub resolution: Option<String>,
    pub reason: Option<String>,
}

/// A trade as the API shows it to the visitor.
#[derive(Debug, Deserialize)]
pub struct Trade {
    pub id: i64,
    pub offer_id: i64,
    pub state: String,
    pub seller_id: i64,
    pub buyer_id: i64,
    pub amount: String,
    pub fee: String,
    pub currency: String,
    pub price: String,
    pub fiat_total: String,
    pub payment_method: String,
    pub terms: String,
    pub payment_deadline: String,
    pub created_at: String,
    pub paid_at: Option<String>,
    pub completed_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub cancel_reason: Option<String>,
    pub buyer_wants_cancel: bool,
    pub seller_wants_cancel: bool,
    pub dispute: Option<Dispute>,
    pub your_role: String,
    pub allowed_actions: Vec<String>,
}

impl Trade {
    pub fn can(&self, action: &str) -> bool {
        self.allowed_actions.iter().any(|a| a == action)
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct TradePage {
    pub trades: Vec<Trade>,
    pub total: u64,
}

/// Page `n` of a list of trades from the API's `api_path`, with the names of everyone in
/// them and the pager that links the page at `page_path` to its neighbours.
pub(super) async fn trades_page(
    state: &FrontendState,
    me: &Me,
    api_path: &str,
    n: u64,
    page_path: &str,
) -> Result<
    (
        TradePage,
        std::collections::HashMap<i64, String>,
        view::Pager,
    ),
    PageError,
> {
    let path = format!(
        "{api_path}?limit={TRADES_PER_PAGE}&offset={}",
        view::Pager::offset(n, TRADES_PER_PAGE)
    );
    let page: TradePage = state.api.get(&me.caller, &path).await?;
    let ids: Vec<i64> = page
        .trades
        .iter()
        .flat_map(|t| [t.seller_id, t.buyer_id])
        .collect();
    let names = usernames(state, &me.caller, &ids).await;
    let pager = view::Pager::new(n, page.total, TRADES_PER_PAGE, |p| {
        format!("{page_path}?page={p}")
    });
    Ok((page, names, pager))
}

#[derive(Debug, Deserialize)]
pub struct Message {
    pub id: i64,
    pub sender_id: i64,
    pub body: String,
    pub created_at: String,
}

#[derive(Debug, Deserialize)]
struct Messages {
    messages: Vec<Message>,
}

pub struct ChatLine {
    pub id: i64,
    pub mine: bool,
    pub who: String,
    pub body: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "trade.html")]
struct TradePageView {
    chrome: Chrome,
    t: Trade,
    state_label: &'static str,
    seller: String,
    buyer: String,
    counterparty: String,
    amount: String,
    fee: String,
    method: String,
    deadline: String,
    created: String,
    chat: Vec<ChatLine>,
    last_message: i64,
    needs_totp: bool,
    reviewed: bool,
    can_review: bool,
    i_voted_cancel: bool,
    they_voted_cancel: bool,
}

#[derive(Deserialize)]
struct MeView {
    totp_enabled: bool,
}

pub(super) fn name_or_id(names: &std::collections::HashMap<i64, String>, id: i64) -> String {
    names
        .get(&id)
        .cloned()
        .unwrap_or_else(|| format!("user #{id}"))
}

pub async fn page(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let t: Trade = state
        .api
        .get(&me.caller, &format!("/transactions/trades/{id}"))
        .await?;
    let names = usernames(&state, &me.caller, &[t.seller_id, t.buyer_id]).await;
    let messages: Messages = state
        .api
        .get(
            &me.caller,
            &format!("/transactions/trades/{id}/messages?limit=200"),
        )
        .await
        .unwrap_or(Messages {
            messages: Vec::new(),
        });
    let chat = chat_lines(&messages.messages, me.id, &names);
    let needs_totp = if t.can("release") || t.can("resolve-buyer") || t.can("resolve-seller") {
        state
            .api
            .get::<MeView>(&me.caller, "/auth/me")
            .await
            .map(|m| m.totp_enabled)
            .unwrap_or(true)
    } else {
        false
    };
    let is_party = matches!(t.your_role.as_str(), "buyer" | "seller");
    let counterparty_id = if t.your_role == "buyer" {
        t.seller_id
    } else {
        t.buyer_id
    };
    let reviewed = if is_party && t.state == "completed" {
        // 404 means no review yet. If the API cannot say, the form is offered: it refuses
        // a second review anyway.
        state
            .api
            .get::<serde_json::Value>(&me.caller, &format!("/transactions/trades/{id}/review"))
            .await
            .is_ok()
    } else {
        false
    };
    let (i_voted_cancel, they_voted_cancel) = match t.your_role.as_str() {
        "buyer" => (t.buyer_wants_cancel, t.seller_wants_cancel),
        "seller" => (t.seller_wants_cancel, t.buyer_wants_cancel),
        _ => (false, false),
    };
    Ok(render(&TradePageView {
        chrome: me.chrome(format!("Trade #{id}")),
        state_label: view::trade_state(&t.state),
        seller: name_or_id(&names, t.seller_id),
        buyer: name_or_id(&names, t.buyer_id),
        counterparty: name_or_id(&names, counterparty_id),
        amount: view::xmr(&t.amount),
        fee: view::xmr(&t.fee),
        method: view::payment_method(&t.payment_method),
        deadline: view::when(&t.payment_deadline),
        created: view::when(&t.created_at),
        last_message: messages.messages.last().map(|m| m.id).unwrap_or(0),
        chat,
        needs_totp,
        reviewed,
        can_review: is_party && t.state == "completed" && !reviewed,
        i_voted_cancel,
        they_voted_cancel,
        t,
    }))
}

fn chat_lines(
    messages: &[Message],
    me: i64,
    names: &std::collections::HashMap<i64, String>,
) -> Vec<ChatLine> {
    messages
        .iter()
        .map(|m| ChatLine {
            id: m.id,
            mine: m.sender_id == me,
            who: if m.sender_id == me {
                "You".into()
            } else {
                name_or_id(names, m.sender_id)
            },
            body: m.body.clone(),
            at: view::when(&m.created_at),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    totp: String,
    #[serde(default)]
    statement: String,
}

pub async fn action(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Response {
    let back = format!("/trades/{id}");
    let done = match form.action.as_str() {
        "paid" => "Marked as paid. The seller has been asked to confirm your payment.",
        "release" => "Released. The XMR is now in the buyer's balance.",
        "cancel" => "Trade cancelled. The escrow went back to the seller.",
        "dispute" => "Dispute opened. A moderator will look at the trade and its chat.",
        "mutual-cancel" => "Your agreement to cancel is recorded.",
        _ => {
            return redirect_with(
                &state,
                &back,
                Flash::error("That is not a step of a trade."),
            );
        }
    };
    let mut body = serde_json::Map::new();
    if !form.totp.trim().is_empty() {
        body.insert("totp".into(), form.totp.trim().into());
    }
    if form.action == "dispute" {
        body.insert("statement".into(), form.statement.trim().into());
    }
    let path = format!("/transactions/trades/{id}/{}", form.action);
    match state.api.post::<_, Trade>(&me.caller, &path, &body).await {
        Ok(t) => {
            let said = if t.state == "cancelled" && form.action == "mutual-cancel" {
                "Both of you agreed: the trade is cancelled and the escrow went back to the seller."
            } else {
                done
            };
            redirect_with(&state, &back, Flash::success(said))
        }
        Err(f) => refused(&state, &back, f),
    }
}

#[derive(Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    totp: String,
}

pub async fn resolve(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<ResolveForm>,
) -> Response {
    let back = format!("/trades/{id}");
    let mut body = json!({"outcome": form.outcome, "reason": form.reason.trim()});
    if !form.totp.trim().is_empty() {
        body["totp"] = form.totp.trim().into();
    }
    let done = if form.outcome == "buyer" {
        "Resolved for the buyer: the escrow went to the buyer."
    } else {
        "Resolved for the seller: the escrow went back to the seller."
    };
    let path = format!("/transactions/trades/{id}/resolve");
    act(&state, &me, Method::POST, &path, Some(&body), &back, done).await
}

#[derive(Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    body: String,
}

pub async fn post_message(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<MessageForm>,
) -> Response {
    let back = format!("/trades/{id}#chat");
    let body = json!({"body": form.body.trim()});
    match state
        .api
        .post::<_, serde_json::Value>(
            &me.caller,
            &format!("/transactions/trades/{id}/messages"),
            &body,
        )
        .await
    {
        Ok(_) => super::redirect(&back),
        Err(f) => refused(&state, &back, f),
    }
}

#[derive(Template)]
#[template(path = "chat_lines.html")]
struct ChatFragment {
    chat: Vec<ChatLine>,
}

#[derive(Deserialize)]
pub struct After {
    after: Option<i64>,
}

/// New chat lines as an HTML fragment, for the page's script to append.
pub async fn messages(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Query(after): Query<After>,
) -> Result<Response, PageError> {
    let after = after.after.unwrap_or(0);
    let messages: Messages = state
        .api
        .get(
            &me.caller,
            &format!("/transactions/trades/{id}/messages?after={after}&limit=200"),
        )
        .await?;
    let ids: Vec<i64> = messages.messages.iter().map(|m| m.sender_id).collect();
    let names = usernames(&state, &me.caller, &ids).await;
    let fragment = ChatFragment {
        chat: chat_lines(&messages.messages, me.id, &names),
    };
    Ok(match askama::Template::render(&fragment) {
        Ok(html) => Html(html).into_response(),
        Err(_) => PageError::Unavailable.into_response(),
    })
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

pub async fn review(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> Response {
    let back = format!("/trades/{id}");
    let Ok(rating) = form.rating.trim().parse::<i64>() else {
        return redirect_with(&state, &back, Flash::error("Choose a rating from 1 to 5."));
    };
    let body = json!({"rating": rating, "comment": form.comment.trim()});
    let path = format!("/transactions/trades/{id}/review");
    let done = "Thank you: your review is published.";
    act(&state, &me, Method::POST, &path, Some(&body), &back, done).await
}

pub struct TradeRow {
    pub id: i64,
    pub role: String,
    pub counterparty: String,
    pub amount: String,
    pub fiat: String,
    pub state: String,
    pub state_label: &'static str,
    pub created: String,
    pub needs_you: bool,
}

#[derive(Template)]
#[template(path = "my_trades.html")]
struct MyTradesPage {
    chrome: Chrome,
    trades: Vec<TradeRow>,
    total: u64,
    pager: view::Pager,
}

/// `?page=N` of a list.
#[derive(Deserialize)]
pub struct PageNumber {
    page: Option<u64>,
}

impl PageNumber {
    pub fn get(&self) -> u64 {
        self.page.unwrap_or(1).max(1)
    }
}

const TRADES_PER_PAGE: u64 = 50;

pub async fn mine(
    State(state): State<FrontendState>,
    me: Me,
    Query(number): Query<PageNumber>,
) -> Result<Response, PageError> {
    let (page, names, pager) =
        trades_page(&state, &me, "/transactions/trades", number.get(), "/trades").await?;
    let trades = page
        .trades
        .iter()
        .map(|t| TradeRow {
            id: t.id,
            role: t.your_role.clone(),
            counterparty: name_or_id(
                &names,
                if t.your_role == "buyer" {
                    t.seller_id
                } else {
                    t.buyer_id
                },
            ),
            amount: view::xmr(&t.amount),
            fiat: format!("{} {}", t.fiat_total, t.currency),
            state: t.state.clone(),
            state_label: view::trade_state(&t.state),
            created: view::when(&t.created_at),
            needs_you: t.can("paid") || t.can("release"),
        })
        .collect();
    Ok(render(&MyTradesPage {
        chrome: me.chrome("My trades"),
        trades,
        total: page.total,
        pager,
    }))
}
