//! Registration, sign-in (with the two-factor step), sign-out.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use pupero_api::accounts::MeView;
use pupero_api::auth::{LoginRequest, RefreshRequest, RegisterRequest, Registered, TokenPair};
use pupero_http::ErrorCode;

use super::{Chrome, PageError, Visit, redirect, redirect_with, render, render_with, safe_next};
use crate::FrontendState;
use crate::api::{Caller, Failure};
use crate::csrf::Form;
use crate::flash::Flash;
use crate::layers::push_cookie;
use crate::session;

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    error: Option<String>,
    username: String,
    email: String,
}

pub async fn register_page(visit: Visit) -> Response {
    if visit.session.is_some() {
        return redirect("/");
    }
    render(&RegisterPage {
        chrome: visit.chrome("Create an account"),
        error: None,
        username: String::new(),
        email: String::new(),
    })
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn register(
    State(state): State<FrontendState>,
    visit: Visit,
    Form(form): Form<RegisterForm>,
) -> Result<Response, PageError> {
    let caller = visit.anonymous_caller();
    let body = RegisterRequest {
        username: form.username.trim().to_owned(),
        email: form.email.trim().to_owned(),
        password: form.password.clone(),
    };
    if let Err(f) = state
        .api
        .post::<_, Registered>(&caller, "/auth/register", &body)
        .await
    {
        return Ok(render_with(
            status_of(&f),
            &RegisterPage {
                chrome: visit.chrome("Create an account"),
                error: Some(f.message),
                username: form.username,
                email: form.email,
            },
        ));
    }
    // Signed in straight away: the person just proved the password.
    let login = LoginRequest {
        username: Some(form.username.trim().to_owned()),
        password: form.password,
        ..LoginRequest::default()
    };
    match state
        .api
        .post::<_, TokenPair>(&caller, "/auth/login", &login)
        .await
    {
        Ok(pair) => {
            begin(
                &state,
                &caller,
                &pair,
                false,
                "/",
                "Welcome to Pupero! Your account is ready.",
            )
            .await
        }
        Err(_) => Ok(redirect_with(
            &state,
            "/login",
            Flash::success("Account created. Please sign in."),
        )),
    }
}

/// A page status for a refused form: the API's own status (422, 409, 429...).
fn status_of(f: &Failure) -> StatusCode {
    if f.status.is_client_error() || f.status.is_server_error() {
        f.status
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    error: Option<String>,
    username: String,
    next: String,
    remember_days: u32,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    ended: Option<String>,
}

pub async fn login_page(
    State(state): State<FrontendState>,
    visit: Visit,
    Query(q): Query<LoginQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    if visit.session.is_some() {
        return redirect(&next);
    }
    let mut chrome = visit.chrome("Sign in");
    if q.ended.is_some() && chrome.flash.is_none() {
        chrome.flash = Some(Flash::error("Please sign in to continue."));
    } else if q.next.is_some() && chrome.flash.is_none() {
        chrome.flash = Some(Flash::error("Please sign in to see that page."));
    }
    render(&LoginPage {
        chrome,
        error: None,
        username: String::new(),
        next,
        remember_days: state.cookies.remember_me_days,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    remember_me: Option<String>,
    next: Option<String>,
}

pub async fn login(
    State(state): State<FrontendState>,
    visit: Visit,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let caller = visit.anonymous_caller();
    let remember = form.remember_me.is_some();
    let next = safe_next(form.next.as_deref());
    let body = LoginRequest {
        username: Some(form.username.trim().to_owned()),
        password: form.password.clone(),
        remember_me: remember,
        ..LoginRequest::default()
    };
    match state
        .api
        .post::<_, TokenPair>(&caller, "/auth/login", &body)
        .await
    {
        Ok(pair) => begin(&state, &caller, &pair, remember, &next, "Signed in.").await,
        Err(f) if f.code == ErrorCode::TotpRequired && f.mfa_token.is_some() => {
            let token = f.mfa_token.unwrap_or_default();
            session::save_challenge(&state, &visit.sid, &token, remember, &next)
                .await
                .map_err(|_| PageError::Unavailable)?;
            Ok(redirect("/login/2fa"))
        }
        Err(f) => Ok(render_with(
            status_of(&f),
            &LoginPage {
                chrome: visit.chrome("Sign in"),
                error: Some(f.message),
                username: form.username,
                next,
                remember_days: state.cookies.remember_me_days,
            },
        )),
    }
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    chrome: Chrome,
    error: Option<String>,
}

pub async fn code_page(
    State(state): State<FrontendState>,
    visit: Visit,
) -> Result<Response, PageError> {
    if session::challenge(&state, &visit.sid)
        .await
        .map_err(|_| PageError::Unavailable)?
        .is_none()
    {
        return Ok(redirect_with(
            &state,
            "/login",
            Flash::error("Please enter your password first."),
        ));
    }
    Ok(render(&CodePage {
        chrome: visit.chrome("Two-factor code"),
        error: None,
    }))
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    totp: String,
}

pub async fn code(
    State(state): State<FrontendState>,
    visit: Visit,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let Some(challenge) = session::challenge(&state, &visit.sid)
        .await
        .map_err(|_| PageError::Unavailable)?
    else {
        return Ok(redirect_with(
            &state,
            "/login",
            Flash::error("That sign-in step has expired. Please enter your password again."),
        ));
    };
    let caller = visit.anonymous_caller();
    let body = LoginRequest {
        mfa_token: Some(challenge.mfa_token.clone()),
        totp: Some(form.totp.trim().to_owned()),
        remember_me: challenge.remember_me,
        ..LoginRequest::default()
    };
    match state
        .api
        .post::<_, TokenPair>(&caller, "/auth/login", &body)
        .await
    {
        Ok(pair) => {
            session::drop_challenge(&state.db, &visit.sid)
                .await
                .map_err(|_| PageError::Unavailable)?;
            begin(
                &state,
                &caller,
                &pair,
                challenge.remember_me,
                &challenge.next,
                "Signed in.",
            )
            .await
        }
        Err(f) if f.code == ErrorCode::InvalidToken => {
            Ok(redirect_with(&state, "/login", Flash::error(f.message)))
        }
        Err(f) => Ok(render_with(
            status_of(&f),
            &CodePage {
                chrome: visit.chrome("Two-factor code"),
                error: Some(f.message),
            },
        )),
    }
}

/// Starts the signed-in session under a new cookie and goes to `next`.
async fn begin(
    state: &FrontendState,
    caller: &Caller,
    pair: &TokenPair,
    remember: bool,
    next: &str,
    message: &str,
) -> Result<Response, PageError> {
    let as_user = Caller {
        token: Some(pair.access_token.clone()),
        ip: caller.ip,
    };
    let me: MeView = state.api.get(&as_user, "/auth/me").await?;
    let (sid, max_age) = session::start(state, pair, &me.username, remember)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "cannot start a session");
            PageError::Unavailable
        })?;
    let mut response = redirect_with(state, next, Flash::success(message));
    let name = session::cookie_name(&state.cookies);
    push_cookie(
        &mut response,
        &session::set_cookie(&state.cookies, name, &sid.0, max_age),
    );
    super::language::restore(state, me.id, &mut response).await;
    Ok(response)
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(state): State<FrontendState>,
    visit: Visit,
    Form(_): Form<Empty>,
) -> Result<Response, PageError> {
    if let Some(row) = &visit.session {
        // The session ends here even if the login service cannot be told right now; its
        // refresh token then simply expires unused.
        if let Some(refresh_token) = session::open(&state, &row.refresh_token, &row.id_hash) {
            let body = RefreshRequest { refresh_token };
            let _ = state
                .api
                .post::<_, serde_json::Value>(&visit.anonymous_caller(), "/auth/logout", &body)
                .await;
        }
        session::end(&state.db, &visit.sid)
            .await
            .map_err(|_| PageError::Unavailable)?;
    }
    Ok(super::redirect_signed_out(&state, "/", "Signed out."))
}
