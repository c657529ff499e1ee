//! Cross-site request forgery: every form carries a token bound to the browser's session
//! id, and a browser's own word on where a request came from (Sec-Fetch-Site, Origin) is
//! checked as well. The token covers old browsers that send neither header.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;

use crate::FrontendState;
use crate::pages::PageError;
use crate::session::Sid;

type HmacSha256 = Hmac<Sha256>;

/// The CSRF signing key: a key of its own derived from the shared secret, so a CSRF
/// token can never be mistaken for anything the secret signs elsewhere.
pub fn derive_key(secret: &str) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable_hmac());
    mac.update(b"pupero-frontend-csrf-v1");
    mac.finalize().into_bytes().into()
}

// HMAC accepts keys of any length, so `new_from_slice` cannot fail.
fn unreachable_hmac() -> HmacSha256 {
    #[allow(clippy::expect_used)]
    <HmacSha256 as Mac>::new_from_slice(&[0u8; 32]).expect("HMAC takes any key length")
}

fn mac(key: &[u8; 32], sid: &Sid) -> HmacSha256 {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable_hmac());
    mac.update(sid.0.as_bytes());
    mac
}

/// A key for another use of the frontend's secret (the flash cookie's signature),
/// derived from the CSRF key so it follows wherever that key comes from, and distinct
/// per `purpose` so one signature is never valid for another use.
pub fn purpose_key(state: &FrontendState, purpose: &str) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(state.csrf_key.as_slice())
        .unwrap_or_else(|_| unreachable_hmac());
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

pub fn token(state: &FrontendState, sid: &Sid) -> String {
    URL_SAFE_NO_PAD.encode(mac(&state.csrf_key, sid).finalize().into_bytes())
}

fn token_matches(state: &FrontendState, sid: &Sid, presented: &str) -> bool {
    match URL_SAFE_NO_PAD.decode(presented.trim()) {
        Ok(bytes) => mac(&state.csrf_key, sid).verify_slice(&bytes).is_ok(),
        Err(_) => false,
    }
}

/// Whether the browser says the request came from another site.
fn cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) else {
        return false;
    };
    let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
    origin == "null" || origin_host != host
}

#[derive(Deserialize)]
struct TokenField {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// A submitted form, accepted only with a valid CSRF token from a same-site page.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned> FromRequest<FrontendState> for Form<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &FrontendState) -> Result<Self, Self::Rejection> {
        let sid = req
            .extensions()
            .get::<Sid>()
            .cloned()
            .ok_or(PageError::Forbidden)?;
        if cross_site(req.headers()) {
            return Err(PageError::Forbidden);
        }
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| PageError::BadForm("the form is too large".into()))?;
        let field: TokenField = serde_urlencoded::from_bytes(&body).unwrap_or(TokenField {
            csrf: String::new(),
        });
        if !token_matches(state, &sid, &field.csrf) {
            return Err(PageError::Forbidden);
        }
        serde_urlencoded::from_bytes(&body)
            .map(Form)
            .map_err(|e| PageError::BadForm(format!("the form is incomplete: {e}")))
    }
}
