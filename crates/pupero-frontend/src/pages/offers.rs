//! The market: offers with filters, one offer with "start trade", and the owner's pages
//! to create, edit, pause and delete offers.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use pupero_api::Paged;
use pupero_api::accounts::UserNames;
use pupero_api::offers::{OfferPatch, OfferView, PaymentMethods};
use pupero_api::trades::{OpenRequest, Reputation, TradeView};
use pupero_core::{Cents, OfferHalt, OfferSide, OfferStatus, PriceMode};

use super::{Chrome, Me, PageError, Visit, act, redirect_with, refused, render, render_with};
use crate::FrontendState;
use crate::api::{Caller, q};
use crate::csrf::Form;
use crate::flash::Flash;
use crate::view;

const PAGE_SIZE: u64 = 20;

/// An offer as a row on a page.
pub struct OfferRow {
    pub id: i64,
    /// What the visitor does by taking it: "Buy" from a sell offer, "Sell" to a buy offer.
    pub action: &'static str,
    pub side: OfferSide,
    pub owner: Option<String>,
    pub price: String,
    pub currency: String,
    pub method: String,
    pub min: String,
    pub max: String,
    /// The limits in the offer's currency at its price now ("15.00 – 300.00 EUR"); empty
    /// when the price cannot be read.
    pub fiat_limits: String,
    pub window: i32,
    pub terms: String,
    pub status: OfferStatus,
    pub funded: bool,
    /// "market +2.50 %" for a margin offer, empty for a fixed one.
    pub pricing: String,
    /// Why it cannot be taken now, in words (empty when it can).
    pub halted: String,
    /// What the owner asks of takers, in words.
    pub conditions: Vec<String>,
}

impl OfferRow {
    fn new(o: &OfferView, names: &HashMap<i64, String>) -> Self {
        Self {
            id: o.id,
            action: match o.side {
                OfferSide::Sell => "Buy",
                OfferSide::Buy => "Sell",
            },
            side: o.side,
            owner: names.get(&o.owner_id).cloned(),
            price: o.price.clone(),
            currency: o.currency.clone(),
            method: view::payment_method(&o.payment_method),
            min: view::xmr(o.min_amount),
            max: view::xmr(o.max_amount),
            fiat_limits: match Cents::parse_positive(&o.price) {
                Ok(price) => format!(
                    "{} – {} {}",
                    Cents::total(o.min_amount, price),
                    Cents::total(o.max_amount, price),
                    o.currency
                ),
                Err(_) => String::new(),
            },
            window: o.payment_window_minutes,
            terms: o.terms.clone(),
            status: o.status,
            funded: o.available != Some(false),
            pricing: match (o.price_mode, &o.margin_percent) {
                (PriceMode::Margin, Some(m)) if m.starts_with('-') => format!("market {m} %"),
                (PriceMode::Margin, Some(m)) => format!("market +{m} %"),
                _ => String::new(),
            },
            halted: match o.halted {
                Some(OfferHalt::PriceFeedStale) => {
                    "paused: there is no fresh market price right now".into()
                }
                Some(OfferHalt::BelowPriceMin) => {
                    "paused: the market is below the owner's minimum price".into()
                }
                Some(OfferHalt::AbovePriceMax) => {
                    "paused: the market is above the owner's maximum price".into()
                }
                None => String::new(),
            },
            conditions: conditions(o),
        }
    }
}

fn conditions(o: &OfferView) -> Vec<String> {
    let mut said = Vec::new();
    if !o.amounts.is_empty() {
        let amounts: Vec<String> = o.amounts.iter().map(|a| view::xmr(*a)).collect();
        said.push(format!("Only these amounts: {} XMR", amounts.join(", ")));
    }
    if let Some(first) = o.first_trade_max_amount {
        said.push(format!(
            "A first trade with this trader: at most {} XMR",
            view::xmr(first)
        ));
    }
    if o.min_taker_trades > 0 {
        said.push(format!("You need {} completed trades", o.min_taker_trades));
    }
    if o.trusted_only {
        said.push("Only for traders the owner trusts".into());
    }
    said
}

/// Usernames for ids, for signed-in callers (the lookup is not public). Missing names
/// only make a page less friendly, so a failure here is not an error.
pub async fn usernames(
    state: &FrontendState,
    caller: &Caller,
    ids: &[i64],
) -> HashMap<i64, String> {
    if caller.token.is_none() || ids.is_empty() {
        return HashMap::new();
    }
    let mut ids: Vec<i64> = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    match state
        .api
        .get::<UserNames>(caller, &format!("/auth/users?ids={}", list.join(",")))
        .await
    {
        Ok(n) => n.users.into_iter().map(|u| (u.id, u.username)).collect(),
        Err(_) => HashMap::new(),
    }
}

/// The visitor's API identity: signed in or anonymous, for public pages.
pub async fn caller_of(state: &FrontendState, visit: &mut Visit) -> Result<Caller, PageError> {
    let Some(mut row) = visit.session.take() else {
        return Ok(visit.anonymous_caller());
    };
    let token = match crate::session::access_token(state, &mut row, visit.ip).await {
        Ok(t) => Some(t),
        // A public page still works for someone whose session just ended.
        Err(crate::session::Ended::SignedOut) => None,
        Err(crate::session::Ended::Unavailable) => return Err(PageError::Unavailable),
    };
    let signed_in = token.is_some();
    if signed_in {
        visit.session = Some(row);
    }
    let caller = Caller {
        token,
        ip: visit.ip,
    };
    // The public pages are pages too: a signed-in visitor's menu counts the unread.
    if signed_in {
        visit.unread = super::unread_count(state, &caller).await;
    }
    Ok(caller)
}

#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct Filters {
    /// What the visitor wants to do: `buy` (sell offers) or `sell` (buy offers).
    #[serde(default)]
    pub want: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub payment_method: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub page: Option<u64>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    filters: Filters,
    methods: Vec<(String, String)>,
    offers: Vec<OfferRow>,
    error: Option<String>,
    total: u64,
    pager: view::Pager,
    signed_in: bool,
}

async fn methods(state: &FrontendState, caller: &Caller) -> Vec<(String, String)> {
    state
        .api
        .get::<PaymentMethods>(caller, "/offers/payment-methods")
        .await
        .map(|m| {
            m.payment_methods
                .into_iter()
                .map(|c| {
                    let label = view::payment_method(&c);
                    (c, label)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn filter_query(f: &Filters, page: u64) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("want", &f.want),
        ("currency", &f.currency),
        ("payment_method", &f.payment_method),
        ("amount", &f.amount),
    ] {
        if !v.trim().is_empty() {
            parts.push(format!("{k}={}", q(v.trim())));
        }
    }
    parts.push(format!("page={page}"));
    format!("/?{}", parts.join("&"))
}

pub async fn home(
    State(state): State<FrontendState>,
    mut visit: Visit,
    Query(filters): Query<Filters>,
) -> Result<Response, PageError> {
    let caller = caller_of(&state, &mut visit).await?;
    let page = filters.page.unwrap_or(1).max(1);
    let mut query = vec![
        format!("limit={PAGE_SIZE}"),
        format!("offset={}", view::Pager::offset(page, PAGE_SIZE)),
    ];
    // The visitor's wish (in the words of the offers' own sides: the visitor who wants to
    // buy takes a sell offer) is the other side of the offers that fulfil it; anything
    // else lists both sides.
    let side = filters
        .want
        .parse::<OfferSide>()
        .ok()
        .map(OfferSide::counterpart);
    if let Some(side) = side {
        query.push(format!("side={side}"));
    }
    for (k, v) in [
        ("currency", &filters.currency),
        ("payment_method", &filters.payment_method),
        ("amount", &filters.amount),
    ] {
        if !v.trim().is_empty() {
            query.push(format!("{k}={}", q(v.trim())));
        }
    }
    let (offers, total, error) = match state
        .api
        .get::<Paged<OfferView>>(&caller, &format!("/offers?{}", query.join("&")))
        .await
    {
        Ok(p) => {
            let ids: Vec<i64> = p.items.iter().map(|o| o.owner_id).collect();
            let names = usernames(&state, &caller, &ids).await;
            let rows = p.items.iter().map(|o| OfferRow::new(o, &names)).collect();
            (rows, p.total, None)
        }
        // A filter the API refuses (an amount like "abc") is said on the page itself.
        Err(f) if f.status.is_client_error() => (Vec::new(), 0, Some(f.message)),
        Err(f) => return Err(f.into()),
    };
    Ok(render(&HomePage {
        chrome: visit.chrome("Offers"),
        methods: methods(&state, &caller).await,
        pager: view::Pager::new(page, total, PAGE_SIZE, |p| filter_query(&filters, p)),
        signed_in: caller.token.is_some(),
        filters,
        offers,
        error,
        total,
    }))
}

#[derive(Template)]
#[template(path = "offer.html")]
struct OfferPageView {
    chrome: Chrome,
    offer: OfferRow,
    reputation: Option<Reputation>,
    is_owner: bool,
    signed_in: bool,
    trade_key: String,
    amount: String,
}

pub async fn detail(
    State(state): State<FrontendState>,
    mut visit: Visit,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let caller = caller_of(&state, &mut visit).await?;
    let offer: OfferView = state.api.get(&caller, &format!("/offers/{id}")).await?;
    let names = usernames(&state, &caller, &[offer.owner_id]).await;
    let reputation = state
        .api
        .get::<Reputation>(
            &caller,
            &format!("/transactions/users/{}/reputation", offer.owner_id),
        )
        .await
        .ok();
    let is_owner = visit.session.as_ref().map(|s| s.user_id) == Some(offer.owner_id);
    Ok(render(&OfferPageView {
        chrome: visit.chrome(format!("Offer #{id}")),
        amount: view::xmr(offer.min_amount),
        offer: OfferRow::new(&offer, &names),
        reputation,
        is_owner,
        signed_in: caller.token.is_some(),
        trade_key: random_key(),
    }))
}

/// A key that makes a form's POST safe to repeat (a double click opens one trade).
pub fn random_key() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Deserialize)]
pub struct TradeForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    key: String,
    /// The price the page showed, so a price changed since opens nothing.
    #[serde(default)]
    price: String,
    /// Instead of `amount`: how much to trade in the offer's currency, turned into XMR at
    /// the price the page showed.
    #[serde(default)]
    fiat: String,
}

/// The XMR a trade of `fiat` (the offer's currency) comes to at `price` per XMR, rounded
/// down to the piconero so the fiat total never exceeds what was typed (by more than the
/// half cent the total's own rounding adds).
fn xmr_for_fiat(fiat: &str, price: &str) -> Result<String, String> {
    let fiat = Cents::parse_positive(&view::decimal_input(fiat))
        .map_err(|_| "must be a positive amount with at most two decimals".to_owned())?;
    let price = Cents::parse_positive(price)
        .map_err(|_| "cannot be converted: the offer's price is unreadable".to_owned())?;
    let pico = i128::from(fiat.0) * i128::from(pupero_core::PICONERO_PER_XMR) / i128::from(price.0);
    let pico = i64::try_from(pico).map_err(|_| "is too large".to_owned())?;
    let amount = pupero_core::Piconero::new(pico).map_err(|e| e.to_string())?;
    Ok(view::xmr(amount))
}

pub async fn start_trade(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<TradeForm>,
) -> Response {
    let back = format!("/offers/{id}");
    let amount = match (form.amount.trim(), form.fiat.trim()) {
        (xmr, "") => view::decimal_input(xmr),
        ("", fiat) => match xmr_for_fiat(fiat, &form.price) {
            Ok(xmr) => xmr,
            Err(why) => {
                return redirect_with(
                    &state,
                    &back,
                    Flash::error(format!("Amount in fiat: {why}.")),
                );
            }
        },
        _ => {
            return redirect_with(
                &state,
                &back,
                Flash::error("Give the amount in XMR or in the offer's currency, not both."),
            );
        }
    };
    let body = OpenRequest {
        offer_id: id,
        amount,
        price: Some(form.price.trim().to_owned()),
    };
    let key = (!form.key.is_empty() && form.key.len() <= 64).then_some(form.key.as_str());
    match state
        .api
        .send::<_, TradeView>(
            &me.caller,
            Method::POST,
            "/transactions/trades",
            Some(&body),
            key,
        )
        .await
    {
        Ok(t) => redirect_with(
            &state,
            &format!("/trades/{}", t.id),
            Flash::success("Trade opened. The seller's XMR is now held in escrow."),
        ),
        Err(f) => refused(&state, &back, f.labelled(&[("amount", "Amount (XMR)")])),
    }
}

/// The fields of the offer form, as typed (kept on a refusal so nothing is retyped).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct OfferForm {
    #[serde(default)]
    side: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    price_mode: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    margin_percent: String,
    #[serde(default)]
    price_min: String,
    #[serde(default)]
    price_max: String,
    #[serde(default)]
    payment_method: String,
    #[serde(default)]
    min_amount: String,
    #[serde(default)]
    max_amount: String,
    /// Comma-separated XMR amounts.
    #[serde(default)]
    amounts: String,
    #[serde(default)]
    first_trade_max_amount: String,
    #[serde(default)]
    min_taker_trades: String,
    /// A checkbox: present ("on") when ticked.
    #[serde(default)]
    trusted_only: Option<String>,
    #[serde(default)]
    payment_window_minutes: String,
    #[serde(default)]
    terms: String,
}

impl OfferForm {
    fn blank() -> Self {
        Self {
            side: OfferSide::Sell.to_string(),
            currency: "EUR".into(),
            price_mode: PriceMode::Fixed.to_string(),
            price: String::new(),
            margin_percent: String::new(),
            price_min: String::new(),
            price_max: String::new(),
            payment_method: "sepa".into(),
            min_amount: String::new(),
            max_amount: String::new(),
            amounts: String::new(),
            first_trade_max_amount: String::new(),
            min_taker_trades: "0".into(),
            trusted_only: None,
            payment_window_minutes: "60".into(),
            terms: String::new(),
        }
    }

    fn from_offer(o: &OfferView) -> Self {
        Self {
            side: o.side.to_string(),
            currency: o.currency.clone(),
            price_mode: o.price_mode.to_string(),
            price: if o.price_mode == PriceMode::Fixed {
                o.price.clone()
            } else {
                String::new()
            },
            margin_percent: o.margin_percent.clone().unwrap_or_default(),
            price_min: o.price_min.clone().unwrap_or_default(),
            price_max: o.price_max.clone().unwrap_or_default(),
            payment_method: o.payment_method.clone(),
            min_amount: view::xmr(o.min_amount),
            max_amount: view::xmr(o.max_amount),
            amounts: o
                .amounts
                .iter()
                .map(|a| view::xmr(*a))
                .collect::<Vec<_>>()
                .join(", "),
            first_trade_max_amount: o.first_trade_max_amount.map(view::xmr).unwrap_or_default(),
            min_taker_trades: o.min_taker_trades.to_string(),
            trusted_only: o.trusted_only.then(|| "on".into()),
            payment_window_minutes: o.payment_window_minutes.to_string(),
            terms: o.terms.clone(),
        }
    }

    fn is_margin(&self) -> bool {
        self.price_mode == PriceMode::Margin.as_str()
    }

    fn is_trusted_only(&self) -> bool {
        self.trusted_only.is_some()
    }

    /// The API body ([`pupero_api::offers::OfferInput`]'s fields). Not that type itself: a
    /// window that is not a number is sent as is, so the API names the field.
    fn body(&self) -> serde_json::Value {
        let window: serde_json::Value = match self.payment_window_minutes.trim().parse::<i64>() {
            Ok(n) => n.into(),
            Err(_) => self.payment_window_minutes.trim().into(),
        };
        let trades: serde_json::Value = match self.min_taker_trades.trim() {
            "" => 0.into(),
            t => t.parse::<i64>().map_or_else(|_| t.into(), Into::into),
        };
        let amounts: Vec<&str> = self
            .amounts
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        // Only the price fields of the chosen mode: the other mode's are left as typed.
        let margin = self.is_margin();
        let only = |on: bool, v: &str| {
            if on {
                v.trim().to_owned()
            } else {
                String::new()
            }
        };
        let decimal = view::decimal_input;
        json!({
            "side": self.side, "currency": self.currency.trim(),
            "price_mode": self.price_mode, "price": only(!margin, &decimal(&self.price)),
            "margin_percent": only(margin, &decimal(&self.margin_percent)),
            "price_min": only(margin, &decimal(&self.price_min)),
            "price_max": only(margin, &decimal(&self.price_max)),
            "payment_method": self.payment_method, "min_amount": decimal(&self.min_amount),
            "max_amount": decimal(&self.max_amount), "amounts": amounts,
            "first_trade_max_amount": decimal(&self.first_trade_max_amount),
            "min_taker_trades": trades, "trusted_only": self.is_trusted_only(),
            "payment_window_minutes": window, "terms": self.terms,
        })
    }
}

/// The offer form's labels, for the API's field names (see `Failure::labelled`).
const OFFER_LABELS: &[(&str, &str)] = &[
    ("side", "Side"),
    ("currency", "Currency"),
    ("price_mode", "Price"),
    ("price", "Fixed price per XMR"),
    ("margin_percent", "Margin over the market (%)"),
    ("price_min", "Pause below"),
    ("price_max", "Pause above"),
    ("payment_method", "Payment method"),
    ("min_amount", "Minimum (XMR)"),
    ("max_amount", "Maximum (XMR)"),
    ("amounts", "Only these amounts"),
    (
        "first_trade_max_amount",
        "Most XMR for someone's first trade with you",
    ),
    ("min_taker_trades", "Completed trades a taker needs"),
    ("payment_window_minutes", "Payment window (minutes)"),
    ("terms", "Terms"),
];

#[derive(Template)]
#[template(path = "offer_form.html")]
struct OfferFormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    form: OfferForm,
    methods: Vec<(String, String)>,
    error: Option<String>,
    /// A trade ban in force: its reason and a link, instead of a form that would be refused.
    blocked: Option<super::moderation::Blocked>,
}

pub async fn new_page(State(state): State<FrontendState>, me: Me) -> Response {
    render(&OfferFormPage {
        chrome: me.chrome("New offer"),
        heading: "New offer".into(),
        action: "/offers/new".into(),
        form: OfferForm::blank(),
        methods: methods(&state, &me.caller).await,
        error: None,
        blocked: super::moderation::blocked_by(
            &state,
            &me.caller,
            &[pupero_core::SanctionKind::TradeBan],
        )
        .await,
    })
}

pub async fn create(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<OfferForm>,
) -> Response {
    match state
        .api
        .post::<_, OfferView>(&me.caller, "/offers", &form.body())
        .await
    {
        Ok(o) => redirect_with(
            &state,
            &format!("/offers/{}", o.id),
            Flash::success("Your offer is live."),
        ),
        Err(f) if f.is_unauthenticated() => refused(&state, "/offers/new", f),
        Err(f) => render_with(
            f.status,
            &OfferFormPage {
                chrome: me.chrome("New offer"),
                heading: "New offer".into(),
                action: "/offers/new".into(),
                methods: methods(&state, &me.caller).await,
                form,
                // A trade ban refused it: say which, why and until when, with the way
                // to appeal, rather than the bare refusal.
                blocked: if f.code == pupero_api::error::ErrorCode::TradeBanned {
                    super::moderation::blocked_by(
                        &state,
                        &me.caller,
                        &[pupero_core::SanctionKind::TradeBan],
                    )
                    .await
                } else {
                    None
                },
                error: Some(f.labelled(OFFER_LABELS).message),
            },
        ),
    }
}

pub async fn edit_page(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let offer: OfferView = state.api.get(&me.caller, &format!("/offers/{id}")).await?;
    if offer.owner_id != me.id {
        return Err(PageError::NotFound);
    }
    Ok(render(&OfferFormPage {
        chrome: me.chrome(format!("Edit offer #{id}")),
        heading: format!("Edit offer #{id}"),
        action: format!("/offers/{id}/edit"),
        form: OfferForm::from_offer(&offer),
        methods: methods(&state, &me.caller).await,
        error: None,
        blocked: None,
    }))
}

pub async fn update(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<OfferForm>,
) -> Response {
    let path = format!("/offers/{id}");
    match state
        .api
        .send::<_, OfferView>(&me.caller, Method::PATCH, &path, Some(&form.body()), None)
        .await
    {
        Ok(_) => redirect_with(&state, &path, Flash::success("Offer updated.")),
        Err(f) if f.is_unauthenticated() => refused(&state, &path, f),
        Err(f) => render_with(
            f.status,
            &OfferFormPage {
                chrome: me.chrome(format!("Edit offer #{id}")),
                heading: format!("Edit offer #{id}"),
                action: format!("/offers/{id}/edit"),
                methods: methods(&state, &me.caller).await,
                form,
                // A trade ban refused it: say which, why and until when, with the way
                // to appeal, rather than the bare refusal.
                blocked: if f.code == pupero_api::error::ErrorCode::TradeBanned {
                    super::moderation::blocked_by(
                        &state,
                        &me.caller,
                        &[pupero_core::SanctionKind::TradeBan],
                    )
                    .await
                } else {
                    None
                },
                error: Some(f.labelled(OFFER_LABELS).message),
            },
        ),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

pub async fn set_status(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(form): Form<StatusForm>,
) -> Response {
    let body = OfferPatch {
        status: Some(form.status.clone()),
        ..OfferPatch::default()
    };
    let done = match form.status.parse() {
        Ok(OfferStatus::Paused) => {
            "Offer paused: nobody can start a trade on it until you resume it."
        }
        Ok(OfferStatus::Open) => "Offer resumed.",
        Ok(OfferStatus::Closed) | Err(_) => "Offer closed.",
    };
    let path = format!("/offers/{id}");
    act(
        &state,
        &me,
        Method::PATCH,
        &path,
        Some(&body),
        "/my/offers",
        done,
    )
    .await
}

pub async fn delete(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(_): Form<super::auth::Empty>,
) -> Response {
    let path = format!("/offers/{id}");
    act(
        &state,
        &me,
        Method::DELETE,
        &path,
        None::<&()>,
        "/my/offers",
        "Offer deleted.",
    )
    .await
}

#[derive(Template)]
#[template(path = "my_offers.html")]
struct MyOffersPage {
    chrome: Chrome,
    offers: Vec<OfferRow>,
}

pub async fn mine(State(state): State<FrontendState>, me: Me) -> Result<Response, PageError> {
    let page: Paged<OfferView> = state.api.get(&me.caller, "/me/offers?limit=100").await?;
    let names = HashMap::new();
    Ok(render(&MyOffersPage {
        chrome: me.chrome("My offers"),
        offers: page
            .items
            .iter()
            .map(|o| OfferRow::new(o, &names))
            .collect(),
    }))
}
