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
    ActionBody, ChatMessage, ChatMessages, DisputeFiles, DisputeStatement, DisputeWorkbench,
    EvidenceView, NewMessage, ResolveRequest, ReviewRequest, ReviewView, StatementRequest,
    TradeRole, TradeView,
};
use pupero_core::{Action, Resolution, ResolutionReason, TradeState};

use super::offers::usernames;
use super::{Chrome, Me, PageError, act, redirect_with, refused, render};
use crate::FrontendState;
use crate::csrf::{Form, MultipartForm};
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
    /// Written by a moderator or admin for the platform (shown with a badge).
    pub staff: bool,
    pub body: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "trade.html")]
struct TradePageView {
    chrome: Chrome,
    t: TradeView,
    state_label: String,
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
    /// What the page shows of the trade's progress, as a token (see [`moment`]).
    moment: String,
    /// The dispute's statements, evidence and (for staff) timeline; `None` without a dispute.
    dispute: Option<DisputePart>,
    /// A mute in force: the chat form gives way to its reason and a link.
    muted: Option<super::moderation::Blocked>,
}

/// The dispute part of the trade page: the parties file their statement and evidence;
/// staff see the workbench (both statements, the timeline, the evidence).
struct DisputePart {
    /// A party of an open dispute: the statement and upload forms are shown.
    can_file: bool,
    /// Staff see both statements and the timeline.
    staff: bool,
    /// The caller's own statement (a party), to edit.
    my_statement: String,
    statements: Vec<StatementLine>,
    evidence: Vec<EvidenceLine>,
    timeline: Vec<TimelineLine>,
}

struct StatementLine {
    who: String,
    role: String,
    body: String,
    updated: String,
}

struct EvidenceLine {
    href: String,
    file_name: String,
    kind: &'static str,
    size: String,
    sha256: String,
    who: String,
    expires: String,
}

struct TimelineLine {
    state: String,
    at: String,
    by: String,
}

fn evidence_kind(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "PDF",
        "image/png" => "PNG image",
        "image/jpeg" => "JPEG image",
        "image/webp" => "WebP image",
        _ => "file",
    }
}

fn size_label(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!(
            "{}.{} MiB",
            bytes / (1024 * 1024),
            (bytes % (1024 * 1024)) * 10 / (1024 * 1024)
        )
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

/// Loads the dispute part for whoever looks: a party reads their own statement and every
/// file; staff read the workbench. A failed read leaves the part out rather than the page.
async fn dispute_part(
    state: &FrontendState,
    me: &Me,
    t: &TradeView,
    names: &std::collections::HashMap<i64, String>,
) -> Option<DisputePart> {
    t.dispute.as_ref()?;
    let who = |id: i64| {
        if id == me.id {
            "You".to_owned()
        } else {
            name_or_id(names, id)
        }
    };
    let statement = |s: &DisputeStatement| StatementLine {
        who: who(s.author_id),
        role: s.author_role.to_string(),
        body: s.body.clone(),
        updated: view::when(&s.updated_at),
    };
    let file = |e: &EvidenceView| EvidenceLine {
        href: format!("/trades/{}/evidence/{}", t.id, e.id),
        file_name: e.file_name.clone(),
        kind: evidence_kind(&e.content_type),
        size: size_label(e.size_bytes),
        sha256: e.sha256.clone(),
        who: who(e.uploader_id),
        expires: view::when(&e.expires_at),
    };
    if t.your_role.is_party() {
        let files: DisputeFiles = state
            .api
            .get(
                &me.caller,
                &format!("/transactions/trades/{}/dispute/files", t.id),
            )
            .await
            .ok()?;
        Some(DisputePart {
            can_file: t.state == TradeState::Disputed,
            staff: false,
            my_statement: files
                .statements
                .iter()
                .find(|s| s.author_id == me.id)
                .map(|s| s.body.clone())
                .unwrap_or_default(),
            statements: files.statements.iter().map(statement).collect(),
            evidence: files.evidence.iter().map(file).collect(),
            timeline: Vec::new(),
        })
    } else {
        let bench: DisputeWorkbench = state
            .api
            .get(
                &me.caller,
                &format!("/transactions/trades/{}/workbench", t.id),
            )
            .await
            .ok()?;
        Some(DisputePart {
            can_file: false,
            staff: true,
            my_statement: String::new(),
            statements: bench.statements.iter().map(statement).collect(),
            evidence: bench.evidence.iter().map(file).collect(),
            timeline: bench
                .timeline
                .iter()
                .map(|s| TimelineLine {
                    state: view::trade_state(s.state),
                    at: view::when(&s.at),
                    by: s.by.map(who).unwrap_or_default(),
                })
                .collect(),
        })
    }
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
        moment: moment(&t),
        dispute: dispute_part(&state, &me, &t, &names).await,
        muted: if is_party && !t.state.is_final() {
            super::moderation::blocked_by(&state, &me.caller, &[pupero_core::SanctionKind::Mute])
                .await
        } else {
            None
        },
        t,
    }))
}

/// A token that changes whenever anything the trade page shows of the trade's progress
/// changes: its state, the cancel votes, the dispute, and what the visitor may do next.
/// The page polls it and reloads when it differs (the chat has its own poll).
fn moment(t: &TradeView) -> String {
    use std::hash::{Hash, Hasher};
    // SipHash with fixed keys: the same token from every replica of the same build.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    t.state.as_str().hash(&mut h);
    (t.buyer_wants_cancel, t.seller_wants_cancel).hash(&mut h);
    format!("{:?}", t.dispute).hash(&mut h);
    format!("{:?}", t.allowed_actions).hash(&mut h);
    format!("{:016x}", h.finish())
}

/// The trade's current [`moment`], for the page's poll (text, no markup).
pub async fn progress(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let t: TradeView = state
        .api
        .get(&me.caller, &format!("/transactions/trades/{id}"))
        .await?;
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        moment(&t),
    )
        .into_response())
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
            who: match (&m.author_name, m.sender_id == me) {
                (_, true) => "You".into(),
                (Some(name), false) => name.clone(),
                (None, false) => name_or_id(names, m.sender_id),
            },
            staff: m.staff,
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

#[derive(Deserialize)]
pub struct StatementForm {
    #[serde(default)]
    body: String,
}

/// A party files or rewrites their dispute statement.
pub async fn statement(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<StatementForm>,
) -> Response {
    let back = format!("/trades/{id}#dispute");
    let body = StatementRequest {
        body: form.body.trim().to_owned(),
    };
    let path = format!("/transactions/trades/{id}/statement");
    act(
        &state,
        &me,
        Method::PUT,
        &path,
        Some(&body),
        &back,
        "Your statement is saved. You can change it until the dispute is decided.",
    )
    .await
}

/// A party attaches a file to the dispute (a `multipart/form-data` form with `file`).
pub async fn upload_evidence(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    form: MultipartForm,
) -> Response {
    let back = format!("/trades/{id}#dispute");
    let Some(file) = form.field("file").filter(|f| !f.bytes.is_empty()) else {
        return redirect_with(&state, &back, Flash::error("Choose a file to upload."));
    };
    let name = file.file_name.clone().unwrap_or_default();
    let path = format!(
        "/transactions/trades/{id}/evidence?name={}",
        crate::api::q(&name)
    );
    match state
        .api
        .upload::<EvidenceView>(&me.caller, &path, file.bytes.clone())
        .await
    {
        Ok(e) => redirect_with(
            &state,
            &back,
            Flash::success(format!("{} attached (SHA-256 {}).", e.file_name, e.sha256)),
        ),
        Err(f) => refused(&state, &back, f),
    }
}

/// An evidence file, passed on from the API with its type, as an attachment.
pub async fn evidence_file(
    State(state): State<FrontendState>,
    me: Me,
    Path((id, evidence_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let (headers, bytes) = state
        .api
        .download(
            &me.caller,
            &format!("/transactions/trades/{id}/evidence/{evidence_id}"),
        )
        .await?;
    let mut response = bytes.into_response();
    for name in [
        axum::http::header::CONTENT_TYPE,
        axum::http::header::CONTENT_DISPOSITION,
    ] {
        if let Some(value) = headers
            .get(name.as_str())
            .and_then(|v| axum::http::HeaderValue::from_bytes(v.as_bytes()).ok())
        {
            response.headers_mut().insert(name, value);
        }
    }
    response.headers_mut().insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        axum::http::HeaderValue::from_static("nosniff"),
    );
    Ok(response)
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
    pub state_label: String,
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
