//! Settings: username, email, password, two-factor authentication, account deletion.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use pupero_api::account_mail::MailSettingsView;
use pupero_api::accounts::{
    CodeRequest, DeleteMe, Enrolment, MeView, PasswordAndCode, PasswordRequest, RecoveryCodes,
    Revoked, UpdateMe,
};
use pupero_core::Role;

use super::trades::filled;
use super::{
    Chrome, Me, PageError, act, redirect_signed_out, redirect_with, refused, render, render_with,
};
use crate::FrontendState;
use crate::csrf::Form;
use crate::flash::Flash;
use crate::i18n::t;
use crate::session;
use crate::view;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    chrome: Chrome,
    username: String,
    email: String,
    role: String,
    totp_enabled: bool,
    recovery_codes_left: u64,
    member_since: String,
    mail: Option<MailSettingsView>,
    events: Vec<super::mail::EventChoice>,
    api_keys: Vec<pupero_api::api_keys::ApiKeyView>,
}

pub async fn page(State(state): State<FrontendState>, me: Me) -> Result<Response, PageError> {
    let m: MeView = state.api.get(&me.caller, "/auth/me").await?;
    // The rest of the page works while mail settings cannot be read.
    let mail: Option<MailSettingsView> =
        state.api.get(&me.caller, "/auth/mail-settings").await.ok();
    // Likewise without the key list.
    let api_keys = state
        .api
        .get(&me.caller, "/auth/api-keys")
        .await
        .unwrap_or_default();
    let events = super::mail::choices(
        mail.as_ref()
            .map(|m| m.email_events.as_slice())
            .unwrap_or_default(),
    );
    Ok(render(&SettingsPage {
        api_keys,
        mail,
        events,
        chrome: me.chrome(t("account-title")),
        username: m.username,
        email: m.email.unwrap_or_default(),
        role: role_name(m.role),
        totp_enabled: m.totp_enabled,
        recovery_codes_left: m.recovery_codes_left,
        member_since: view::day(&m.created_at),
    }))
}

/// The account's role in the page's language.
fn role_name(role: Role) -> String {
    t(match role {
        Role::User => "account-role-user",
        Role::Moderator => "account-role-moderator",
        Role::Admin => "account-role-admin",
    })
}

async fn update_me(
    state: &FrontendState,
    me: &Me,
    body: UpdateMe,
) -> Result<MeView, crate::api::Failure> {
    state
        .api
        .send::<_, MeView>(&me.caller, Method::PUT, "/auth/me", Some(&body), None)
        .await
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    username: String,
}

pub async fn profile(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<ProfileForm>,
) -> Response {
    let body = UpdateMe {
        username: Some(form.username.trim().to_owned()),
        ..UpdateMe::default()
    };
    match update_me(&state, &me, body).await {
        Ok(m) => {
            // The page chrome shows the username from the session.
            let _ = session::rename(&state.db, &me.visit.sid, &m.username).await;
            redirect_with(
                &state,
                "/settings",
                Flash::success(t("account-username-changed")),
            )
        }
        Err(f) => refused(&state, "/settings", f),
    }
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    current_password: String,
}

pub async fn email(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<EmailForm>,
) -> Response {
    let body = UpdateMe {
        email: Some(form.email.trim().to_owned()),
        current_password: Some(form.current_password),
        ..UpdateMe::default()
    };
    act(
        &state,
        &me,
        Method::PUT,
        "/auth/me",
        Some(&body),
        "/settings",
        t("account-email-changed"),
    )
    .await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn password(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<PasswordForm>,
) -> Response {
    if form.password != form.confirm {
        return redirect_with(
            &state,
            "/settings",
            Flash::error(t("account-passwords-differ")),
        );
    }
    let body = UpdateMe {
        password: Some(form.password),
        current_password: Some(form.current_password),
        ..UpdateMe::default()
    };
    match update_me(&state, &me, body).await {
        // A new password ends every session of the account, this one included.
        Ok(_) => signed_out(&state, &me, "/login", &t("account-password-changed")).await,
        Err(f) => refused(&state, "/settings", f),
    }
}

async fn signed_out(state: &FrontendState, me: &Me, to: &str, message: &str) -> Response {
    let _ = session::end(&state.db, &me.visit.sid).await;
    redirect_signed_out(state, to, message)
}

/// Signs the account out of every browser and app, this one included.
pub async fn sign_out_everywhere(
    State(state): State<FrontendState>,
    me: Me,
    Form(_): Form<super::auth::Empty>,
) -> Response {
    let ended = state
        .api
        .post::<_, Revoked>(&me.caller, "/auth/logout-all", &json!({}))
        .await;
    if let Err(f) = ended {
        return refused(&state, "/settings", f);
    }
    // Other browsers would find out at their next refresh; they need not wait for it.
    if session::end_all(&state.db, me.id).await.is_err() {
        return PageError::Unavailable.into_response();
    }
    signed_out(&state, &me, "/login", &t("account-signed-out-everywhere")).await
}

#[derive(Template)]
#[template(path = "enrol_2fa.html")]
struct EnrolPage {
    chrome: Chrome,
    secret: String,
    otpauth_url: String,
    qr: String,
    recovery_codes: Vec<String>,
    error: Option<String>,
}

/// The secret is shown on this page only; the login service never returns it again.
#[derive(Deserialize)]
pub struct EnableForm {
    #[serde(default)]
    password: String,
}

pub async fn enable_2fa(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<EnableForm>,
) -> Response {
    match state
        .api
        .post::<_, Enrolment>(
            &me.caller,
            "/auth/2fa/enable",
            &PasswordRequest {
                password: Some(form.password),
            },
        )
        .await
    {
        Ok(e) => render(&EnrolPage {
            chrome: me.chrome(t("account-2fa-title")),
            qr: view::qr_data_uri(&e.otpauth_url),
            secret: e.secret,
            otpauth_url: e.otpauth_url,
            recovery_codes: e.recovery_codes,
            error: None,
        }),
        Err(f) => refused(&state, "/settings", f),
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    /// The enrolment page's key, QR text and recovery codes, sent back so a mistyped code
    /// shows the same page again (login keeps the pending key until a code matches).
    #[serde(default)]
    secret: String,
    #[serde(default)]
    otpauth_url: String,
    #[serde(default)]
    recovery_codes: String,
}

pub async fn confirm_2fa(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<CodeForm>,
) -> Response {
    let body = CodeRequest {
        code: form.code.trim().to_owned(),
    };
    let done = t("account-2fa-enabled");
    match state
        .api
        .post::<_, serde_json::Value>(&me.caller, "/auth/2fa/confirm", &body)
        .await
    {
        Ok(_) => redirect_with(&state, "/settings", Flash::success(done)),
        // A typo: the same key again, not a new one to scan.
        Err(f)
            if f.field.as_deref() == Some("code")
                && !form.secret.is_empty()
                && form.otpauth_url.starts_with("otpauth://") =>
        {
            render_with(
                f.status,
                &EnrolPage {
                    chrome: me.chrome(t("account-2fa-title")),
                    qr: view::qr_data_uri(&form.otpauth_url),
                    secret: form.secret,
                    otpauth_url: form.otpauth_url,
                    recovery_codes: form
                        .recovery_codes
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect(),
                    error: Some(f.message),
                },
            )
        }
        Err(f) => refused(&state, "/settings", f),
    }
}

#[derive(Deserialize)]
pub struct PasswordCodeForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

fn password_and_code(form: PasswordCodeForm) -> PasswordAndCode {
    PasswordAndCode {
        password: Some(form.password),
        code: Some(form.code.trim().to_owned()),
    }
}

#[derive(Template)]
#[template(path = "recovery_codes_page.html")]
struct RecoveryCodesPage {
    chrome: Chrome,
    recovery_codes: Vec<String>,
}

/// The new codes are shown on this page only.
pub async fn regenerate_recovery_codes(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<PasswordCodeForm>,
) -> Response {
    let body = password_and_code(form);
    match state
        .api
        .post::<_, RecoveryCodes>(&me.caller, "/auth/2fa/recovery-codes", &body)
        .await
    {
        Ok(r) => render(&RecoveryCodesPage {
            chrome: me.chrome(t("account-recovery-title")),
            recovery_codes: r.recovery_codes,
        }),
        Err(f) => refused(&state, "/settings", f),
    }
}

pub async fn disable_2fa(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<PasswordCodeForm>,
) -> Response {
    let body = password_and_code(form);
    let done = t("account-2fa-disabled");
    act(
        &state,
        &me,
        Method::POST,
        "/auth/2fa/disable",
        Some(&body),
        "/settings",
        done,
    )
    .await
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    totp: String,
}

pub async fn delete(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<DeleteForm>,
) -> Response {
    let body = DeleteMe {
        current_password: form.current_password,
        totp: filled(&form.totp),
    };
    match state
        .api
        .send::<_, serde_json::Value>(&me.caller, Method::DELETE, "/auth/me", Some(&body), None)
        .await
    {
        Ok(_) => signed_out(&state, &me, "/", &t("account-deleted")).await,
        Err(f) => refused(&state, "/settings", f),
    }
}
