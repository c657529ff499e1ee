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
use pupero_api::offers::{OfferPatch, OfferView, PaymentMethods, TraderRecord};
use pupero_api::trades::{OpenRequest, TradeView};
use pupero_core::{Cents, OfferHalt, OfferSide, OfferStatus, PriceMode};

use super::{Chrome, Me, PageError, Visit, act, redirect_with, refused, render, render_with};
use crate::FrontendState;
use crate::api::{Caller, q};
use crate::csrf::Form;
use crate::flash::Flash;
use crate::i18n::{self, t, t1};
use crate::view;

const PAGE_SIZE: u64 = 20;

/// An offer as a row on a page.
pub struct OfferRow {
    pub id: i64,
    /// What the visitor does by taking it: "Buy" from a sell offer, "Sell" to a buy offer.
    pub action: String,
    pub side: OfferSide,
    pub owner: Option<String>,
    /// The price as the API writes it (the trade form sends it back as the price seen).
    pub price: String,
    /// The price for reading, in the page's language.
    pub price_shown: String,
    pub currency: String,
    pub method: String,
    /// The limits for reading, in the page's language.
    pub min: String,
    pub max: String,
    /// The limits in the offer's currency at its price now ("15.00 – 300.00 EUR"); empty
    /// when the price cannot be read.
    pub fiat_limits: String,
    pub window: i32,
    pub terms: String,
    pub status: OfferStatus,
    pub status_label: String,
    pub funded: bool,
    /// "market +2.50 %" for a margin offer, empty for a fixed one.
    pub pricing: String,
    /// Why it cannot be taken now, in words (empty when it can).
    pub halted: String,
    /// What the owner asks of takers, in words.
    pub conditions: Vec<String>,
    /// The owner's record, as the offers service shows it (counts in bands).
    pub record: Option<RecordView>,
}

/// A trader's record beside their offer, in the page's language (counts stay the bands
/// the API gives, e.g. "10+").
pub struct RecordView {
    pub trades: String,
    /// "★ 4.8 (10+ reviews)"; none without reviews.
    pub rating: Option<String>,
    /// Account age and last seen, as known.
    pub age_and_seen: String,
    /// Cancellations and lost disputes, when there are any.
    pub marks: Option<String>,
}

impl RecordView {
    fn new(r: &TraderRecord) -> Self {
        let age = r.account_age_days.map(|days| match days {
            0 => i18n::t("record-joined-today"),
            d => i18n::t1("record-age", "days", d),
        });
        let seen = r.last_seen.as_deref().map(|s| match s {
            "today" => i18n::t("record-seen-today"),
            "this_week" => i18n::t("record-seen-this-week"),
            "this_month" => i18n::t("record-seen-this-month"),
            _ => i18n::t("record-seen-long-ago"),
        });
        Self {
            trades: i18n::t1("record-trades", "count", &r.completed_trades),
            rating: r.rating.as_deref().map(|score| {
                let score = i18n::current().decimal(score);
                i18n::t2("record-rating", "score", score, "reviews", &r.reviews)
            }),
            age_and_seen: age.into_iter().chain(seen).collect::<Vec<_>>().join(" · "),
            marks: marks(&r.cancellations, &r.lost_disputes),
        }
    }
}

/// "1 cancelled · 0 disputes lost" from banded counts, when either is not zero.
pub fn marks(cancellations: &str, lost_disputes: &str) -> Option<String> {
    (cancellations != "0" || lost_disputes != "0").then(|| {
        i18n::t2(
            "record-marks",
            "cancelled",
            cancellations,
            "lost",
            lost_disputes,
        )
    })
}

impl OfferRow {
    fn new(o: &OfferView, names: &HashMap<i64, String>) -> Self {
        Self {
            id: o.id,
            action: t(match o.side {
                OfferSide::Sell => "offers-action-buy",
                OfferSide::Buy => "offers-action-sell",
            }),
            side: o.side,
            owner: names.get(&o.owner_id).cloned(),
            price: o.price.clone(),
            price_shown: i18n::decimal(&o.price),
            currency: o.currency.clone(),
            method: view::payment_method(&o.payment_method),
            min: i18n::amount(o.min_amount),
            max: i18n::amount(o.max_amount),
            fiat_limits: match Cents::parse_positive(&o.price) {
                Ok(price) => format!(
                    "{} – {} {}",
                    i18n::decimal(Cents::total(o.min_amount, price)),
                    i18n::decimal(Cents::total(o.max_amount, price)),
                    o.currency
                ),
                Err(_) => String::new(),
            },
            window: o.payment_window_minutes,
            terms: o.terms.clone(),
            status: o.status,
            status_label: view::offer_status(o.status),
            funded: o.available != Some(false),
            // The sign is part of the message: a "+2.50" argument would be read as the
            // number 2.5 and lose it.
            pricing: match (o.price_mode, &o.margin_percent) {
                (PriceMode::Margin, Some(m)) => match m.strip_prefix('-') {
                    Some(below) => t1("offers-pricing-below", "margin", i18n::decimal(below)),
                    None => t1("offers-pricing-above", "margin", i18n::decimal(m)),
                },
                _ => String::new(),
            },
            halted: match o.halted {
                Some(OfferHalt::PriceFeedStale) => t("offers-halted-stale"),
                Some(OfferHalt::BelowPriceMin) => t("offers-halted-below-min"),
                Some(OfferHalt::AbovePriceMax) => t("offers-halted-above-max"),
                None => String::new(),
            },
            conditions: conditions(o),
            record: o.owner_record.as_ref().map(RecordView::new),
        }
    }
}

fn conditions(o: &OfferView) -> Vec<String> {
    let mut said = Vec::new();
    if !o.amounts.is_empty() {
        // A decimal comma would blur the list's own commas: a semicolon separates them.
        let separator = if i18n::current() == i18n::Locale::En {
            ", "
        } else {
            "; "
        };
        let amounts: Vec<String> = o.amounts.iter().map(|a| i18n::amount(*a)).collect();
        said.push(t1(
            "offers-condition-amounts",
            "amounts",
            amounts.join(separator),
        ));
    }
    if let Some(first) = o.first_trade_max_amount {
        said.push(t1(
            "offers-condition-first-trade",
            "amount",
            i18n::amount(first),
        ));
    }
    if o.min_taker_trades > 0 {
        said.push(t1("offers-condition-min-trades", "n", o.min_taker_trades));
    }
    if o.trusted_only {
        said.push(t("offers-condition-trusted-only"));
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
    /// The trader-record filters and the order, passed to the API under the same names.
    #[serde(default)]
    pub min_completed_trades: String,
    #[serde(default)]
    pub min_rating: String,
    #[serde(default)]
    pub min_account_age_days: String,
    #[serde(default)]
    pub seen_within_days: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: Option<u64>,
}

impl Filters {
    /// The filters the API takes under the page's own names.
    fn passed_on(&self) -> [(&'static str, &String); 8] {
        [
            ("currency", &self.currency),
            ("payment_method", &self.payment_method),
            ("amount", &self.amount),
            ("min_completed_trades", &self.min_completed_trades),
            ("min_rating", &self.min_rating),
            ("min_account_age_days", &self.min_account_age_days),
            ("seen_within_days", &self.seen_within_days),
            ("sort", &self.sort),
        ]
    }
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
    for (k, v) in std::iter::once(("want", &f.want)).chain(f.passed_on()) {
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
    for (k, v) in filters.passed_on() {
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
        chrome: visit.chrome(t("offers-title")),
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
    is_owner: bool,
    signed_in: bool,
    trade_key: String,
    amount: String,
    /// "Between 0.1 and 2 XMR at 150.00 EUR each."
    between: String,
    /// What starting the trade locks, and the time to pay.
    escrow_note: String,
}

pub async fn detail(
    State(state): State<FrontendState>,
    mut visit: Visit,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let caller = caller_of(&state, &mut visit).await?;
    let offer: OfferView = state.api.get(&caller, &format!("/offers/{id}")).await?;
    let names = usernames(&state, &caller, &[offer.owner_id]).await;
    let is_owner = visit.session.as_ref().map(|s| s.user_id) == Some(offer.owner_id);
    let row = OfferRow::new(&offer, &names);
    Ok(render(&OfferPageView {
        chrome: visit.chrome(t1("offers-offer-title", "id", id)),
        amount: view::xmr(offer.min_amount),
        between: i18n::t_args(
            "offers-trade-between",
            &[
                ("min", &row.min),
                ("max", &row.max),
                ("price", &row.price_shown),
                ("currency", &row.currency),
            ],
        ),
        escrow_note: match offer.side {
            OfferSide::Sell => t1("offers-trade-sell-escrow", "n", row.window),
            OfferSide::Buy => t("offers-trade-buy-escrow"),
        },
        offer: row,
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
        .map_err(|_| t("offers-fiat-not-positive"))?;
    let price = Cents::parse_positive(price).map_err(|_| t("offers-fiat-price-unreadable"))?;
    let pico = i128::from(fiat.0) * i128::from(pupero_core::PICONERO_PER_XMR) / i128::from(price.0);
    let pico = i64::try_from(pico).map_err(|_| t("offers-fiat-too-large"))?;
    // Positive by construction: only an amount beyond what can exist is refused here.
    let amount = pupero_core::Piconero::new(pico).map_err(|_| t("offers-fiat-too-large"))?;
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
                    Flash::error(t1("offers-fiat-error", "why", why)),
                );
            }
        },
        _ => {
            return redirect_with(&state, &back, Flash::error(t("offers-amount-both")));
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
            Flash::success(i18n::t("offers-trade-opened")),
        ),
        Err(f) => refused(
            &state,
            &back,
            labelled(f, &[("amount", t("offers-field-amount-xmr"))]),
        ),
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

/// The offer form's labels in the page's language, for the API's field names (see
/// `Failure::labelled`).
fn offer_labels() -> Vec<(&'static str, String)> {
    [
        ("side", "offers-label-side"),
        ("currency", "offers-field-currency"),
        ("price_mode", "offers-label-price-mode"),
        ("price", "offers-label-price"),
        ("margin_percent", "offers-label-margin"),
        ("price_min", "offers-label-pause-below"),
        ("price_max", "offers-label-pause-above"),
        ("payment_method", "offers-label-payment-method"),
        ("min_amount", "offers-label-min"),
        ("max_amount", "offers-label-max"),
        ("amounts", "offers-label-amounts"),
        ("first_trade_max_amount", "offers-label-first-trade"),
        ("min_taker_trades", "offers-label-min-trades"),
        ("payment_window_minutes", "offers-label-window"),
        ("terms", "offers-label-terms"),
    ]
    .into_iter()
    .map(|(field, key)| (field, t(key)))
    .collect()
}

/// `failure` with the API's field name replaced by the form's label for it.
pub(super) fn labelled(
    failure: crate::api::Failure,
    labels: &[(&'static str, String)],
) -> crate::api::Failure {
    let labels: Vec<(&str, &str)> = labels.iter().map(|(f, l)| (*f, l.as_str())).collect();
    failure.labelled(&labels)
}

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
        chrome: me.chrome(t("offers-new-title")),
        heading: t("offers-new-title"),
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
            Flash::success(t("offers-created")),
        ),
        Err(f) if f.is_unauthenticated() => refused(&state, "/offers/new", f),
        Err(f) => render_with(
            f.status,
            &OfferFormPage {
                chrome: me.chrome(t("offers-new-title")),
                heading: t("offers-new-title"),
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
                error: Some(labelled(f, &offer_labels()).message),
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
        chrome: me.chrome(t1("offers-edit-title", "id", id)),
        heading: t1("offers-edit-title", "id", id),
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
        Ok(_) => redirect_with(&state, &path, Flash::success(t("offers-updated"))),
        Err(f) if f.is_unauthenticated() => refused(&state, &path, f),
        Err(f) => render_with(
            f.status,
            &OfferFormPage {
                chrome: me.chrome(t1("offers-edit-title", "id", id)),
                heading: t1("offers-edit-title", "id", id),
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
                error: Some(labelled(f, &offer_labels()).message),
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
    let done = t(match form.status.parse() {
        Ok(OfferStatus::Paused) => "offers-paused",
        Ok(OfferStatus::Open) => "offers-resumed",
        Ok(OfferStatus::Closed) | Err(_) => "offers-closed",
    });
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
        t("offers-deleted"),
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
        chrome: me.chrome(t("offers-mine-title")),
        offers: page
            .items
            .iter()
            .map(|o| OfferRow::new(o, &names))
            .collect(),
    }))
}
