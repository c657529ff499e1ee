//! Mail from the visitor's side: forgotten password, the reset link's page, the address
//! verification link's page, and the mail settings on the settings page.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use pupero_api::account_mail::{
    EmailToken, MailAccepted, MailSettingsUpdate, PasswordResetConfirm, PasswordResetRequest,
};
use pupero_core::NotificationKind;

use super::{Chrome, Me, Visit, act, redirect_with, refused, render, render_with};
use crate::FrontendState;
use crate::csrf::Form;
use crate::flash::Flash;
use crate::i18n::t;

/// A one-form page: forgotten password, new password, or verify address.
#[derive(Template)]
#[template(path = "mail_link.html")]
struct LinkPage {
    chrome: Chrome,
    /// `forgot`, `reset` or `verify`.
    step: &'static str,
    token: String,
    error: Option<String>,
    done: Option<String>,
}

fn page(visit: &Visit, step: &'static str, title: &str, token: String) -> LinkPage {
    LinkPage {
        chrome: visit.chrome(title),
        step,
        token,
        error: None,
        done: None,
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub async fn forgot_page(visit: Visit) -> Response {
    render(&page(
        &visit,
        "forgot",
        &t("mail-forgot-title"),
        String::new(),
    ))
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

pub async fn forgot(
    State(state): State<FrontendState>,
    visit: Visit,
    Form(form): Form<ForgotForm>,
) -> Response {
    let body = PasswordResetRequest {
        email: form.email.trim().to_owned(),
    };
    let mut shown = page(&visit, "forgot", &t("mail-forgot-title"), String::new());
    match state
        .api
        .post::<_, MailAccepted>(&visit.anonymous_caller(), "/auth/password-reset", &body)
        .await
    {
        Ok(a) => shown.done = Some(crate::api::sentence(&a.message)),
        Err(f) => {
            shown.error = Some(f.message);
            return render_with(f.status, &shown);
        }
    }
    render(&shown)
}

pub async fn reset_page(visit: Visit, Query(q): Query<TokenQuery>) -> Response {
    render(&page(&visit, "reset", &t("mail-reset-title"), q.token))
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn reset(
    State(state): State<FrontendState>,
    visit: Visit,
    Form(form): Form<ResetForm>,
) -> Response {
    let mut shown = page(&visit, "reset", &t("mail-reset-title"), form.token.clone());
    if form.password != form.confirm {
        shown.error = Some(t("mail-passwords-differ"));
        return render_with(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &shown);
    }
    let body = PasswordResetConfirm {
        token: form.token,
        password: form.password,
    };
    match state
        .api
        .post::<_, MailAccepted>(
            &visit.anonymous_caller(),
            "/auth/password-reset/confirm",
            &body,
        )
        .await
    {
        Ok(_) => redirect_with(&state, "/login", Flash::success(t("mail-password-reset"))),
        Err(f) => {
            shown.error = Some(f.message);
            render_with(f.status, &shown)
        }
    }
}

/// The link's page only shows a button: following a link must not change anything (mail
/// scanners open links), so the POST verifies.
pub async fn verify_page(visit: Visit, Query(q): Query<TokenQuery>) -> Response {
    render(&page(&visit, "verify", &t("mail-verify-title"), q.token))
}

pub async fn verify(
    State(state): State<FrontendState>,
    visit: Visit,
    Form(form): Form<TokenQuery>,
) -> Response {
    let body = EmailToken {
        token: form.token.clone(),
    };
    match state
        .api
        .post::<_, MailAccepted>(&visit.anonymous_caller(), "/auth/email/verify", &body)
        .await
    {
        Ok(a) => redirect_with(
            &state,
            if visit.session.is_some() {
                "/settings"
            } else {
                "/login"
            },
            Flash::success(crate::api::sentence(&a.message)),
        ),
        Err(f) => {
            let mut shown = page(&visit, "verify", &t("mail-verify-title"), form.token);
            shown.error = Some(f.message);
            render_with(f.status, &shown)
        }
    }
}

/// A notification kind as a settings checkbox.
pub struct EventChoice {
    pub kind: &'static str,
    pub label: String,
    pub on: bool,
}

/// The event as the mail settings name it, in the page's language.
pub fn event_label(kind: NotificationKind) -> String {
    t(match kind {
        NotificationKind::TradeOpened => "mail-event-trade-opened",
        NotificationKind::TradePaid => "mail-event-trade-paid",
        NotificationKind::TradeReleased => "mail-event-trade-released",
        NotificationKind::TradeCancelled => "mail-event-trade-cancelled",
        NotificationKind::TradeExpiring => "mail-event-trade-expiring",
        NotificationKind::DisputeOpened => "mail-event-dispute-opened",
        NotificationKind::DisputeResolved => "mail-event-dispute-resolved",
        NotificationKind::MessageReceived => "mail-event-message-received",
        NotificationKind::DepositCredited => "mail-event-deposit-credited",
        NotificationKind::WithdrawalSent => "mail-event-withdrawal-sent",
    })
}

pub fn choices(on: &[NotificationKind]) -> Vec<EventChoice> {
    NotificationKind::ALL
        .iter()
        .map(|k| EventChoice {
            kind: k.as_str(),
            label: event_label(*k),
            on: on.contains(k),
        })
        .collect()
}

/// The settings page's mail form: the phrase, and one checkbox per event.
pub async fn save_settings(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let events = NotificationKind::ALL
        .iter()
        .copied()
        .filter(|k| form.contains_key(&format!("event_{}", k.as_str())))
        .collect();
    let body = MailSettingsUpdate {
        anti_phishing_phrase: Some(
            form.get("anti_phishing_phrase")
                .map(|p| p.trim().to_owned())
                .unwrap_or_default(),
        ),
        email_events: Some(events),
    };
    match state
        .api
        .send::<_, serde_json::Value>(
            &me.caller,
            Method::PUT,
            "/auth/mail-settings",
            Some(&body),
            None,
        )
        .await
    {
        Ok(_) => redirect_with(&state, "/settings", Flash::success(t("mail-saved"))),
        Err(f) => refused(&state, "/settings", f),
    }
}

pub async fn send_verification(
    State(state): State<FrontendState>,
    me: Me,
    Form(_): Form<super::auth::Empty>,
) -> Response {
    act(
        &state,
        &me,
        Method::POST,
        "/auth/email/verification",
        Some(&json!({})),
        "/settings",
        t("mail-verification-sent"),
    )
    .await
}
