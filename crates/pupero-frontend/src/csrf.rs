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
use crate::i18n::{t, t1};
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
            .map_err(|_| PageError::BadForm(t("forms-too-large")))?;
        let field: TokenField = serde_urlencoded::from_bytes(&body).unwrap_or(TokenField {
            csrf: String::new(),
        });
        if !token_matches(state, &sid, &field.csrf) {
            return Err(PageError::Forbidden);
        }
        serde_urlencoded::from_bytes(&body)
            .map(Form)
            .map_err(|e| PageError::BadForm(t1("forms-incomplete", "detail", e)))
    }
}

/// One field of a `multipart/form-data` form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    /// The name the browser gave the file (a file field only).
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

/// A submitted `multipart/form-data` form (a file upload), accepted only with a valid CSRF
/// token (the `_csrf` field) from a same-site page. The body limit is the route's.
pub struct MultipartForm(pub Vec<Part>);

impl MultipartForm {
    pub fn field(&self, name: &str) -> Option<&Part> {
        self.0.iter().find(|p| p.name == name)
    }
}

impl FromRequest<FrontendState> for MultipartForm {
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
        let boundary = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(boundary_of)
            // Not the upload form's encoding, so not its token either.
            .ok_or(PageError::Forbidden)?;
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| PageError::BadForm(t("forms-file-too-large")))?;
        let parts = parse_multipart(&body, &boundary)
            .ok_or_else(|| PageError::BadForm(t("forms-unreadable")))?;
        let csrf = parts
            .iter()
            .find(|p| p.name == "_csrf")
            .map(|p| String::from_utf8_lossy(&p.bytes).into_owned())
            .unwrap_or_default();
        if !token_matches(state, &sid, &csrf) {
            return Err(PageError::Forbidden);
        }
        Ok(MultipartForm(parts))
    }
}

/// The boundary of a `multipart/form-data` content type.
fn boundary_of(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    if !params
        .next()?
        .trim()
        .eq_ignore_ascii_case("multipart/form-data")
    {
        return None;
    }
    params.find_map(|p| {
        let (key, value) = p.trim().split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 70)
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// A quoted parameter (`name="x"`) of a Content-Disposition header.
fn disposition_param(header_value: &str, key: &str) -> Option<String> {
    header_value.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.trim().eq_ignore_ascii_case(key)).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// The parts of a `multipart/form-data` body (RFC 7578): what browsers send for a form with
/// a file. `None` when the body is not made of parts delimited by `boundary`.
fn parse_multipart(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}").into_bytes();
    let next_delimiter = format!("\r\n--{boundary}").into_bytes();
    let mut at = find(body, &delimiter, 0)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        // After a delimiter: `--` ends the body, CRLF starts a part.
        if body.get(at..at + 2) == Some(b"--") {
            return Some(parts);
        }
        if body.get(at..at + 2) != Some(b"\r\n") {
            return None;
        }
        at += 2;
        let headers_end = find(body, b"\r\n\r\n", at)?;
        let headers = std::str::from_utf8(body.get(at..headers_end)?).ok()?;
        let disposition = headers.split("\r\n").find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then_some(value)
        })?;
        let content_start = headers_end + 4;
        let content_end = find(body, &next_delimiter, content_start)?;
        parts.push(Part {
            name: disposition_param(disposition, "name")?,
            file_name: disposition_param(disposition, "filename"),
            bytes: body.get(content_start..content_end)?.to_vec(),
        });
        at = content_end + next_delimiter.len();
    }
}

#[cfg(test)]
mod multipart_tests {
    use super::*;

    #[test]
    fn a_browser_file_form_is_read_part_by_part() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--X\r\n\r\n--XyZ--\r\n";
        let parts = parse_multipart(body, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (parts[0].name.as_str(), parts[0].bytes.as_slice()),
            ("_csrf", b"tok".as_slice())
        );
        assert_eq!(parts[1].file_name.as_deref(), Some("a b.png"));
        assert_eq!(parts[1].bytes, b"\x89PNG\r\n--X\r\n");
        assert_eq!(
            boundary_of("multipart/form-data; boundary=\"XyZ\"").as_deref(),
            Some("XyZ")
        );
        assert_eq!(boundary_of("application/x-www-form-urlencoded"), None);
        assert!(parse_multipart(b"no parts here", "XyZ").is_none());
        assert!(
            parse_multipart(
                b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nnever ends",
                "XyZ"
            )
            .is_none()
        );
    }
}
