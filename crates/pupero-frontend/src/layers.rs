//! What every response of the frontend goes through: the session-id cookie, the flash
//! cookie's one-time use, the language of the request, and the security headers.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::FrontendState;
use crate::flash;
use crate::i18n::{self, Locale};
use crate::session::{self, Sid};

/// Scripts, styles and images come only from this site; nothing may frame the pages,
/// forms post only here, and no page tells another site where the visitor came from.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn wrap(routes: Router, state: FrontendState) -> Router {
    let routes = routes.layer(axum::middleware::from_fn_with_state(
        state,
        cookies_and_headers,
    ));
    pupero_http::with_common_layers(routes, crate::SERVICE)
}

async fn cookies_and_headers(
    State(state): State<FrontendState>,
    mut req: Request,
    next: Next,
) -> Response {
    let name = session::cookie_name(&state.cookies);
    let existing = session::read_cookie(req.headers(), name).and_then(Sid::parse);
    let had_flash = session::read_cookie(req.headers(), flash::COOKIE).is_some();
    let is_new = existing.is_none();
    let sid = existing.unwrap_or_else(Sid::fresh);
    req.extensions_mut().insert(sid.clone());
    if is_new {
        req.extensions_mut().insert(session::FirstVisit);
    }

    let locale = request_locale(req.headers());
    let mut response = crate::i18n::scope(locale, next.run(req)).await;
    let sets = |response: &Response, prefix: &str| {
        response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.as_bytes().starts_with(prefix.as_bytes()))
    };
    let headers_sets_session = sets(&response, &format!("{name}="));
    if is_new && !headers_sets_session {
        push_cookie(
            &mut response,
            &session::set_cookie(&state.cookies, name, &sid.0, None),
        );
    }
    // A flash is shown once: the first page that is not itself a redirect consumes it.
    if had_flash
        && !response.status().is_redirection()
        && !sets(&response, &format!("{}=", flash::COOKIE))
    {
        push_cookie(&mut response, &flash::clear_cookie(&state.cookies));
    }

    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(locale.tag()),
    );
    headers.append(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    response
}

/// The visitor's own choice of language, else their browser's, else English.
fn request_locale(headers: &axum::http::HeaderMap) -> Locale {
    session::read_cookie(headers, i18n::COOKIE)
        .and_then(Locale::parse)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::negotiate)
        })
        .unwrap_or_default()
}

pub fn push_cookie(response: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}
