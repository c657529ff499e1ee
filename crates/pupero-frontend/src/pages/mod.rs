//! The pages, and what they share: who is visiting, the page chrome, and how failures
//! become pages or messages.

mod account;
mod api_keys;
mod auth;
mod history;
mod inbox;
mod language;
mod mail;
mod moderation;
mod offers;
mod profile;
mod staff;
mod trades;
mod users;
mod wallet;

use std::net::IpAddr;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, OriginalUri, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use pupero_core::Role;
use pupero_http::ClientIp;

use crate::FrontendState;
use crate::api::{Caller, Failure};
use crate::entity::web_session;
use crate::flash::Flash;
use crate::i18n::{self, Locale, t};
use crate::layers::push_cookie;
use crate::session::{self, Ended, Sid};

pub fn routes(state: FrontendState) -> Router {
    Router::new()
        .route("/", get(offers::home))
        .route("/register", get(auth::register_page).post(auth::register))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/login/2fa", get(auth::code_page).post(auth::code))
        .route("/logout", post(auth::logout))
        .route("/offers/new", get(offers::new_page).post(offers::create))
        .route("/offers/{id}", get(offers::detail))
        .route("/offers/{id}/trade", post(offers::start_trade))
        .route(
            "/offers/{id}/edit",
            get(offers::edit_page).post(offers::update),
        )
        .route("/offers/{id}/status", post(offers::set_status))
        .route("/offers/{id}/delete", post(offers::delete))
        .route("/my/offers", get(offers::mine))
        .route("/trades", get(trades::mine))
        .route("/trades/{id}", get(trades::page))
        .route("/trades/{id}/action", post(trades::action))
        .route("/trades/{id}/progress", get(trades::progress))
        .route("/trades/{id}/resolve", post(trades::resolve))
        .route("/trades/{id}/receipt", get(trades::receipt))
        .route("/trades/{id}/statement", post(trades::statement))
        .route(
            "/trades/{id}/evidence",
            // A file form: up to EVIDENCE_MAX_BYTES plus the form's own parts.
            post(trades::upload_evidence).layer(axum::extract::DefaultBodyLimit::max(
                state.evidence_max_bytes.saturating_add(64 * 1024),
            )),
        )
        .route(
            "/trades/{id}/evidence/{evidence_id}",
            get(trades::evidence_file),
        )
        .route(
            "/trades/{id}/messages",
            get(trades::messages).post(trades::post_message),
        )
        .route("/trades/{id}/review", post(trades::review))
        .route(
            "/forgot-password",
            get(mail::forgot_page).post(mail::forgot),
        )
        .route("/reset-password", get(mail::reset_page).post(mail::reset))
        .route("/verify-email", get(mail::verify_page).post(mail::verify))
        .route("/settings/mail", post(mail::save_settings))
        .route("/settings/email/verify", post(mail::send_verification))
        .route("/notifications", get(inbox::page))
        .route("/notifications/read-all", post(inbox::read_all))
        .route("/notifications/{id}/read", post(inbox::read))
        .route("/balances", get(wallet::page))
        .route("/history", get(history::page))
        .route("/withdraw", post(wallet::withdraw))
        .route("/withdrawals/{id}/cancel", post(wallet::cancel_withdrawal))
        .route("/settings", get(account::page))
        .route("/settings/profile", post(account::profile))
        .route("/settings/email", post(account::email))
        .route("/settings/password", post(account::password))
        .route("/settings/2fa/enable", post(account::enable_2fa))
        .route("/settings/2fa/confirm", post(account::confirm_2fa))
        .route("/settings/2fa/disable", post(account::disable_2fa))
        .route(
            "/settings/2fa/recovery-codes",
            post(account::regenerate_recovery_codes),
        )
        .route("/settings/delete", post(account::delete))
        .route("/settings/api-keys", post(api_keys::create))
        .route("/settings/api-keys/{id}/revoke", post(api_keys::revoke))
        .route(
            "/settings/sign-out-everywhere",
            post(account::sign_out_everywhere),
        )
        .route("/u/{username}", get(profile::page))
        .route("/moderation", get(staff::disputes))
        .route(
            "/report",
            get(moderation::report_page).post(moderation::file_report),
        )
        .route("/reports", get(moderation::my_reports))
        .route("/sanctions", get(moderation::my_sanctions))
        .route("/sanctions/{id}/appeal", post(moderation::appeal))
        .route("/moderation/queue", get(moderation::queue))
        .route("/moderation/cases/{id}", get(moderation::case))
        .route("/moderation/cases/{id}/claim", post(moderation::claim))
        .route("/moderation/cases/{id}/notes", post(moderation::note))
        .route("/moderation/cases/{id}/resolve", post(moderation::resolve))
        .route(
            "/moderation/cases/{id}/sanction",
            post(moderation::sanction),
        )
        .route(
            "/moderation/cases/{id}/remove-offer",
            post(moderation::remove_offer),
        )
        .route("/moderation/sanctions", get(moderation::history))
        .route("/moderation/sanctions/{id}/lift", post(moderation::lift))
        .route("/moderation/appeals", get(moderation::appeals))
        .route("/moderation/appeals/{id}/decide", post(moderation::decide))
        .route("/admin/users", get(users::search))
        .route("/admin/users/{id}", get(users::page))
        .route("/admin", get(staff::admin))
        .route("/admin/users/{id}/role", post(staff::set_role))
        .route("/admin/users/{id}/disable", post(staff::set_disabled))
        .route("/admin/users/{id}/logout", post(staff::force_logout))
        .route("/admin/adjust", post(staff::adjust))
        .route("/admin/audit", get(staff::audit))
        .route("/static/{file}", get(crate::assets::serve))
        .route("/language", post(language::choose))
        .route("/healthz", get(health))
        .fallback(not_found)
        .with_state(state)
}

/// Ready when the session store answers; the API's own health is the gateway's.
async fn health(State(state): State<FrontendState>) -> Response {
    pupero_http::health::database_health(crate::SERVICE, &state.db)
        .await
        .into_response()
}

async fn not_found() -> PageError {
    PageError::NotFound
}

/// Who is asking: their browser session, address, pending message and, when signed in,
/// their session row.
pub struct Visit {
    pub sid: Sid,
    pub ip: IpAddr,
    pub flash: Option<Flash>,
    pub session: Option<web_session::Model>,
    pub csrf: String,
    pub path: String,
    /// Unread notifications, when they were looked up (signed-in page views).
    pub unread: Option<u64>,
}

impl FromRequestParts<FrontendState> for Visit {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &FrontendState,
    ) -> Result<Self, Self::Rejection> {
        let sid = parts
            .extensions
            .get::<Sid>()
            .cloned()
            .unwrap_or_else(Sid::fresh);
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, state).await;
        let session = if parts.extensions.get::<session::FirstVisit>().is_some() {
            None
        } else {
            session::load(&state.db, &sid).await.map_err(|e| {
                tracing::warn!(error = %e, "session store unavailable");
                PageError::Unavailable
            })?
        };
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.0.clone())
            .unwrap_or_else(|| parts.uri.clone());
        let path = path
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        Ok(Self {
            csrf: crate::csrf::token(state, &sid),
            flash: Flash::read(state, &parts.headers),
            sid,
            ip,
            session,
            path,
            unread: None,
        })
    }
}

impl Visit {
    pub fn anonymous_caller(&self) -> Caller {
        Caller {
            token: None,
            ip: self.ip,
        }
    }

    pub fn chrome(&self, title: impl Into<String>) -> Chrome {
        Chrome {
            title: title.into(),
            user: self.session.as_ref().map(|s| {
                // An unreadable role shows no staff links (the API decides anyway).
                let role = s.role.parse::<Role>().unwrap_or(Role::User);
                ChromeUser {
                    username: s.username.clone(),
                    is_moderator: role.is_at_least(Role::Moderator),
                    is_admin: role == Role::Admin,
                }
            }),
            csrf: self.csrf.clone(),
            flash: self.flash.clone(),
            known: true,
            unread: self.unread,
            lang: i18n::current(),
            // The path alone: a query may carry anything (a hostile `next`), and the
            // language picker only needs the page to come back to.
            here: self.path.split('?').next().unwrap_or("/").to_owned(),
        }
    }
}

/// A signed-in visitor with a valid access token. Pages that take this redirect
/// anonymous visitors to the sign-in page and back.
pub struct Me {
    pub visit: Visit,
    pub caller: Caller,
    pub id: i64,
}

impl FromRequestParts<FrontendState> for Me {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &FrontendState,
    ) -> Result<Self, Self::Rejection> {
        let mut visit = Visit::from_request_parts(parts, state).await?;
        let is_get = parts.method == axum::http::Method::GET;
        // After signing in, go back to the page; a form's target is no page to return to.
        let next = if is_get {
            visit.path.clone()
        } else {
            "/".into()
        };
        let Some(mut row) = visit.session.take() else {
            return Err(PageError::SignIn(next));
        };
        let token = match session::access_token(state, &mut row, visit.ip).await {
            Ok(t) => t,
            Err(Ended::SignedOut) => return Err(PageError::SessionEnded(next)),
            Err(Ended::Unavailable) => return Err(PageError::Unavailable),
        };
        let id = row.user_id;
        visit.session = Some(row);
        let caller = Caller {
            token: Some(token),
            ip: visit.ip,
        };
        // For pages only: a form's answer is a redirect to one.
        if is_get {
            visit.unread = unread_count(state, &caller).await;
        }
        Ok(Self { caller, visit, id })
    }
}

/// The menu's unread count for a signed-in caller. A failed look-up shows no count rather
/// than no page.
pub async fn unread_count(state: &FrontendState, caller: &Caller) -> Option<u64> {
    state
        .api
        .get::<pupero_api::notifications::Inbox>(caller, "/notifications?limit=1")
        .await
        .ok()
        .map(|inbox| inbox.unread)
}

impl Me {
    pub fn chrome(&self, title: impl Into<String>) -> Chrome {
        self.visit.chrome(title)
    }
}

/// What every page's frame shows.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub title: String,
    pub user: Option<ChromeUser>,
    pub csrf: String,
    pub flash: Option<Flash>,
    /// Whether who is visiting is known: error pages are drawn without asking, and then
    /// offer neither the visitor's menu nor a sign-in they may not need.
    pub known: bool,
    /// Unread notifications, shown beside the inbox link.
    pub unread: Option<u64>,
    /// The language the page is drawn in (`<html lang>`, the language picker).
    pub lang: Locale,
    /// The page itself, for the language picker to come back to.
    pub here: String,
}

// Methods on the frame so every template reaches them as `chrome.t(…)`, whether or not
// they read the frame itself.
#[allow(clippy::unused_self)]
impl Chrome {
    /// The number on the inbox link: only when there is something unread.
    pub fn unread_badge(&self) -> Option<u64> {
        self.unread.filter(|n| *n > 0)
    }

    /// A message of the page's language (in templates: `chrome.t` with the key). These
    /// take `self` only so that templates, which see the page's fields, can reach them.
    pub fn t(&self, key: &str) -> String {
        i18n::t(key)
    }

    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        i18n::t1(key, name, value)
    }

    pub fn t2(
        &self,
        key: &str,
        a: &str,
        av: impl std::fmt::Display,
        b: &str,
        bv: impl std::fmt::Display,
    ) -> String {
        i18n::t2(key, a, av, b, bv)
    }

    pub fn languages(&self) -> [Locale; 5] {
        Locale::ALL
    }
}

#[derive(Debug, Clone)]
pub struct ChromeUser {
    pub username: String,
    pub is_moderator: bool,
    pub is_admin: bool,
}

impl Chrome {
    fn bare(title: &str) -> Self {
        Self {
            title: title.into(),
            user: None,
            csrf: String::new(),
            flash: None,
            known: false,
            unread: None,
            lang: i18n::current(),
            here: "/".into(),
        }
    }
}

pub fn render(template: &impl Template) -> Response {
    render_with(StatusCode::OK, template)
}

pub fn render_with(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// 303 See Other: after a POST the browser GETs the next page.
pub fn redirect(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

pub fn redirect_with(state: &FrontendState, to: &str, flash: Flash) -> Response {
    let mut response = redirect(to);
    push_cookie(&mut response, &flash.cookie(state));
    response
}

/// To `to` with `message`, the browser told to forget its session cookie (the session
/// itself is ended by the caller).
pub fn redirect_signed_out(state: &FrontendState, to: &str, message: &str) -> Response {
    let mut response = redirect_with(state, to, Flash::success(message));
    let name = session::cookie_name(&state.cookies);
    push_cookie(
        &mut response,
        &session::set_cookie(&state.cookies, name, "", Some(0)),
    );
    response
}

/// After a refused action: back to `to` with the API's reason, or to sign-in if the
/// session is over.
pub fn refused(state: &FrontendState, to: &str, failure: Failure) -> Response {
    if failure.is_unauthenticated() {
        return PageError::SessionEnded(to.into()).into_response();
    }
    redirect_with(state, to, Flash::error(failure.message))
}

/// The usual action form: one API call for the visitor, then back to `back`, saying
/// `done` or the API's reason.
pub async fn act<B: serde::Serialize>(
    state: &FrontendState,
    me: &Me,
    method: reqwest::Method,
    path: &str,
    body: Option<&B>,
    back: &str,
    done: impl Into<String>,
) -> Response {
    match state
        .api
        .send::<_, serde_json::Value>(&me.caller, method, path, body, None)
        .await
    {
        Ok(_) => redirect_with(state, back, Flash::success(done)),
        Err(f) => refused(state, back, f),
    }
}

/// Only same-site paths are followed after sign-in (an open redirect is a phishing tool).
///
/// Browsers are lenient with the Location they follow: they drop tabs and newlines
/// (`/\t/evil.example` becomes `//evil.example`, another host), read `\` as `/`, and
/// some layer may decode once more. So `next` is judged after decoding until nothing is
/// left to decode: one leading `/` followed by neither `/` nor `\`, no backslash or
/// control character anywhere, and no dot segment (which could fold into `//`).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.into(),
        _ => "/".into(),
    }
}

fn is_local_path(next: &str) -> bool {
    let mut text = next.to_owned();
    // Each round shortens the text; the bound only caps the work.
    for _ in 0..4 {
        if !is_plain_local_path(&text) {
            return false;
        }
        let decoded = match percent_encoding::percent_decode_str(&text).decode_utf8() {
            Ok(d) => d.into_owned(),
            Err(_) => return false,
        };
        if decoded == text {
            return true;
        }
        text = decoded;
    }
    false
}

fn is_plain_local_path(path: &str) -> bool {
    let mut chars = path.chars();
    if chars.next() != Some('/') || matches!(chars.next(), Some('/' | '\\')) {
        return false;
    }
    if path.chars().any(|c| c == '\\' || c.is_control()) {
        return false;
    }
    let path_only = path.split(['?', '#']).next().unwrap_or_default();
    !path_only.split('/').any(|s| s == "." || s == "..")
}

#[derive(Debug)]
pub enum PageError {
    SignIn(String),
    SessionEnded(String),
    Forbidden,
    BadForm(String),
    NotFound,
    Unavailable,
    Api(Failure),
}

impl From<Failure> for PageError {
    fn from(f: Failure) -> Self {
        if f.is_unauthenticated() {
            PageError::SessionEnded("/".into())
        } else if f.status == StatusCode::SERVICE_UNAVAILABLE {
            PageError::Unavailable
        } else if f.status == StatusCode::NOT_FOUND {
            PageError::NotFound
        } else {
            PageError::Api(f)
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    heading: String,
    detail: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = |status: StatusCode, heading: &str, detail: String| {
            render_with(
                status,
                &ErrorPage {
                    chrome: Chrome::bare(heading),
                    heading: heading.into(),
                    detail,
                },
            )
        };
        match self {
            PageError::SignIn(next) => redirect(&format!("/login?next={}", crate::api::q(&next))),
            PageError::SessionEnded(next) => {
                redirect(&format!("/login?ended=1&next={}", crate::api::q(&next)))
            }
            PageError::Forbidden => page(
                StatusCode::FORBIDDEN,
                &t("error-form-refused"),
                t("error-form-expired"),
            ),
            PageError::BadForm(why) => page(
                StatusCode::BAD_REQUEST,
                &t("error-form-refused"),
                crate::api::sentence(&why),
            ),
            PageError::NotFound => page(
                StatusCode::NOT_FOUND,
                &t("error-not-found"),
                t("error-not-found-detail"),
            ),
            PageError::Unavailable => page(
                StatusCode::SERVICE_UNAVAILABLE,
                &t("error-unavailable"),
                t("error-unavailable-detail"),
            ),
            PageError::Api(f) => page(f.status, &t("error-something-wrong"), f.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    // issue 9 item 5: known open-redirect payloads all land on the home page.
    #[test]
    fn open_redirect_payloads_are_not_followed() {
        for payload in [
            "//evil.example",
            "///evil.example",
            "////evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/%09/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/%0d%0aSet-Cookie:x=1",
            "/%0D%0ASet-Cookie:x=1",
            "/%00/evil.example",
            "/%2f%2fevil.example",
            "/%2F/evil.example",
            "%2f%2fevil.example",
            "/%5cevil.example",
            "/%5Cevil.example",
            "/%252f%252fevil.example",
            "/%25252f/evil.example",
            "/%2525%2532%2566/evil.example",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "evil.example",
            " /evil.example",
            "/.//evil.example",
            "/./%2fevil.example",
            "/../evil.example",
            "/x/../..//evil.example",
            "/%2e%2e//evil.example",
            "/\u{85}/evil.example",
            "/%c2%85/evil.example",
            "/%ff",
            "",
        ] {
            assert_eq!(safe_next(Some(payload)), "/", "{payload:?} was followed");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn local_paths_are_followed() {
        for path in [
            "/",
            "/balances",
            "/trades/12",
            "/offers?currency=EUR&amount=0.5",
            "/offers?q=a%20b",
            "/users/al%C3%AFce",
            "/offers#list",
            "/offers?next=//x",
        ] {
            assert_eq!(safe_next(Some(path)), path);
        }
    }
}
