//! A trade's page: its facts, the countdown, exactly the buttons the API allows the
//! visitor, the chat, and the review once it is done. Also the list of one's trades.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use reqwest::Method;
use serde::Deserialize;

use pupero_api::Paged;
use pupero_api::accounts::MeView;
use pupero_api::receipts::SignedReceipt;
use pupero_api::trades::{
    ActionBody, ChatMessage, ChatMessages, NewMessage, ResolveRequest, ReviewRequest, ReviewView,
    TradeRole, TradeView,
};
use pupero_core::{Action, Resolution, ResolutionReason, TradeState};

use super::offers::usernames;
use super::{Chrome, Me, PageError, act, redirect_with, refused, render};
use crate::FrontendState;
use crate::csrf::Form;
use crate::flash::Flash;
use crate::view;

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
        Paged<TradeView>,
        std::collections::HashMap<i64, String>,
        view::Pager,
    ),
    PageError,
> {
    let path = format!(
        "{api_path}?limit={TRADES_PER_PAGE}&offset={}",
        view::Pager::offset(n, TRADES_PER_PAGE)
    );
    let page: Paged<TradeView> = state.api.get(&me.caller, &path).await?;
    let ids: Vec<i64> = page
        .items
        .iter()
        .flat_map(|t| [t.seller_id, t.buyer_id])
        .collect();
    let names = usernames(state, &me.caller, &ids).await;
    let pager = view::Pager::new(n, page.total, TRADES_PER_PAGE, |p| {
        format!("{page_path}?page={p}")
    });
    Ok((page, names, pager))
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
    t: TradeView,
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
    /// The canned reasons the resolve form offers.
    reasons: &'static [ResolutionReason],
    /// Either party of an ended trade may download its signed receipt.
    has_receipt: bool,
    /// A mute in force: the chat form gives way to its reason and a link.
    muted: Option<super::moderation::Blocked>,
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
    let t: TradeView = state
        .api
        .get(&me.caller, &format!("/transactions/trades/{id}"))
        .await?;
    let names = usernames(&state, &me.caller, &[t.seller_id, t.buyer_id]).await;
    let messages: ChatMessages = state
        .api
        .get(
            &me.caller,
            &format!("/transactions/trades/{id}/messages?limit=200"),
        )
        .await
        .unwrap_or(ChatMessages {
            messages: Vec::new(),
        });
    let chat = chat_lines(&messages.messages, me.id, &names);
    let needs_totp = if t.allows(Action::Release)
        || t.allows(Action::ResolveForBuyer)
        || t.allows(Action::ResolveForSeller)
        || t.allows(Action::ResolveSplit)
    {
        state
            .api
            .get::<MeView>(&me.caller, "/auth/me")
            .await
            .map(|m| m.totp_enabled)
            .unwrap_or(true)
    } else {
        false
    };
    let is_party = t.your_role.is_party();
    let counterparty_id = t.counterparty_id();
    let reviewed = if is_party && t.state == TradeState::Completed {
        // 404 means no review yet. If the API cannot say, the form is offered: it refuses
        // a second review anyway.
        state
            .api
            .get::<ReviewView>(&me.caller, &format!("/transactions/trades/{id}/review"))
            .await
            .is_ok()
    } else {
        false
    };
    let (i_voted_cancel, they_voted_cancel) = match t.your_role {
        TradeRole::Buyer => (t.buyer_wants_cancel, t.seller_wants_cancel),
        TradeRole::Seller => (t.seller_wants_cancel, t.buyer_wants_cancel),
        TradeRole::Moderator | TradeRole::Observer => (false, false),
    };
    Ok(render(&TradePageView {
        chrome: me.chrome(format!("Trade #{id}")),
        state_label: view::trade_state(t.state),
        seller: name_or_id(&names, t.seller_id),
        buyer: name_or_id(&names, t.buyer_id),
        counterparty: name_or_id(&names, counterparty_id),
        amount: view::xmr(t.amount),
        fee: view::xmr(t.fee),
        method: view::payment_method(&t.payment_method),
        deadline: view::when(&t.payment_deadline),
        created: view::when(&t.created_at),
        last_message: messages.messages.last().map(|m| m.id).unwrap_or(0),
        chat,
        needs_totp,
        reviewed,
        can_review: is_party && t.state == TradeState::Completed && !reviewed,
        i_voted_cancel,
        they_voted_cancel,
        reasons: ResolutionReason::ALL,
        has_receipt: is_party && t.state.is_final(),
        muted: if is_party && !t.state.is_final() {
            super::moderation::blocked_by(&state, &me.caller, &[pupero_core::SanctionKind::Mute])
                .await
        } else {
            None
        },
        t,
    }))
}

fn chat_lines(
    messages: &[ChatMessage],
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
    let action = form.action.parse::<Action>();
    let done = match action {
        Ok(Action::MarkPaid) => {
            "Marked as paid. The seller has been asked to confirm your payment."
        }
        Ok(Action::Release) => "Released. The XMR is now in the buyer's balance.",
        Ok(Action::Cancel) => "Trade cancelled. The escrow went back to the seller.",
        Ok(Action::Dispute) => "Dispute opened. A moderator will look at the trade and its chat.",
        Ok(Action::MutualCancel) => "Your agreement to cancel is recorded.",
        // Resolving has its own form; expiring is the platform's.
        Ok(
            Action::Expire
            | Action::ResolveForBuyer
            | Action::ResolveForSeller
            | Action::ResolveSplit,
        )
        | Err(_) => {
            return redirect_with(
                &state,
                &back,
                Flash::error("That is not a step of a trade."),
            );
        }
    };
    let action = action.ok();
    let body = ActionBody {
        totp: filled(&form.totp),
        statement: (action == Some(Action::Dispute)).then(|| form.statement.trim().to_owned()),
    };
    let path = format!("/transactions/trades/{id}/{}", form.action);
    match state
        .api
        .post::<_, TradeView>(&me.caller, &path, &body)
        .await
    {
        Ok(t) => {
            let said = if t.state == TradeState::Cancelled && action == Some(Action::MutualCancel) {
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
    reason_code: String,
    /// A split's share for the buyer, in percent with up to two decimals (`37.5`).
    #[serde(default)]
    buyer_percent: String,
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
    let split = form.outcome.parse::<Resolution>() == Ok(Resolution::Split);
    let buyer_share_bps = if split {
        match percent_to_bps(&form.buyer_percent) {
            Some(bps) => Some(bps),
            None => {
                return redirect_with(
                    &state,
                    &back,
                    Flash::error(
                        "The buyer's share is a percentage between 0.01 and 99.99, such as 37.5.",
                    ),
                );
            }
        }
    } else {
        None
    };
    let body = ResolveRequest {
        outcome: form.outcome.clone(),
        buyer_share_bps,
        reason_code: filled(&form.reason_code),
        reason: form.reason.trim().to_owned(),
        totp: filled(&form.totp),
    };
    // An unknown word goes to the API as sent, which refuses it and names the field.
    let done = match form.outcome.parse::<Resolution>() {
        Ok(Resolution::Buyer) => "Resolved for the buyer: the escrow went to the buyer.",
        Ok(Resolution::Split) => {
            "Resolved with a split: each side's share of the escrow is in their balance."
        }
        _ => "Resolved for the seller: the escrow went back to the seller.",
    };
    let path = format!("/transactions/trades/{id}/resolve");
    act(&state, &me, Method::POST, &path, Some(&body), &back, done).await
}

/// `37.5` → 3750 basis points; up to two decimals, strictly between 0 and 100.
fn percent_to_bps(text: &str) -> Option<u32> {
    let text = text.trim().trim_end_matches('%').trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 2 || frac.len() > 2 || !digits(whole) || !digits(frac) {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let frac: u32 = format!("{frac:0<2}").parse().ok()?;
    let bps = whole * 100 + frac;
    (1..10_000).contains(&bps).then_some(bps)
}

/// The trade's signed receipt, as a file to keep (the API's JSON, unchanged in meaning:
/// `pupero verify-receipt` checks it against the published key).
pub async fn receipt(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let signed: SignedReceipt = state
        .api
        .get(&me.caller, &format!("/transactions/trades/{id}/receipt"))
        .await?;
    // Compact JSON, as the API sends it: every byte of the file is significant.
    Ok((
        [(
            axum::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"pupero-trade-{id}-receipt.json\""),
        )],
        axum::Json(signed),
    )
        .into_response())
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
    let body = NewMessage {
        body: form.body.trim().to_owned(),
    };
    match state
        .api
        .post::<_, ChatMessage>(
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
    let messages: ChatMessages = state
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
    let body = ReviewRequest {
        rating,
        comment: form.comment.trim().to_owned(),
    };
    let path = format!("/transactions/trades/{id}/review");
    let done = "Thank you: your review is published.";
    act(&state, &me, Method::POST, &path, Some(&body), &back, done).await
}

pub struct TradeRow {
    pub id: i64,
    pub role: TradeRole,
    pub counterparty: String,
    pub amount: String,
    pub fiat: String,
    pub state: TradeState,
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
        .items
        .iter()
        .map(|t| TradeRow {
            id: t.id,
            role: t.your_role,
            counterparty: name_or_id(&names, t.counterparty_id()),
            amount: view::xmr(t.amount),
            fiat: format!("{} {}", t.fiat_total, t.currency),
            state: t.state,
            state_label: view::trade_state(t.state),
            created: view::when(&t.created_at),
            needs_you: t.allows(Action::MarkPaid) || t.allows(Action::Release),
        })
        .collect();
    Ok(render(&MyTradesPage {
        chrome: me.chrome("My trades"),
        trades,
        total: page.total,
        pager,
    }))
}

/// A form field the person may leave empty: absent from the request when it is.
pub(super) fn filled(field: &str) -> Option<String> {
    let field = field.trim();
    (!field.is_empty()).then(|| field.to_owned())
}

#[cfg(test)]
mod tests {
    use super::percent_to_bps;

    #[test]
    fn a_percentage_becomes_basis_points() {
        assert_eq!(percent_to_bps("37.5"), Some(3_750));
        assert_eq!(percent_to_bps(" 50 % "), Some(5_000));
        assert_eq!(percent_to_bps("0.01"), Some(1));
        assert_eq!(percent_to_bps("99.99"), Some(9_999));
        for bad in ["0", "100", "12.345", "-5", "", "1e2", "abc", ".5"] {
            assert_eq!(percent_to_bps(bad), None, "{bad}");
        }
    }
}
