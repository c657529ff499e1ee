//! One-time messages shown on the next page, carried in a short-lived cookie so a
//! redirect after a POST can say what happened.
//!
//! The cookie is signed (HMAC-SHA256 with a key derived from the frontend's secret) and
//! carries its own expiry: a cookie planted by someone else (a sibling subdomain can set
//! cookies for this site) or replayed later is ignored, so the site never shows words it
//! did not write.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::FrontendState;
use crate::session::{read_cookie, set_cookie};

pub const COOKIE: &str = "pupero_flash";

/// How long a flash may wait for the page that shows it.
const LIFETIME_SECS: u64 = 60;

const PURPOSE: &str = "pupero-frontend-flash-v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Success,
    Error,
}

#[derive(Debug, Clone)]
pub struct Flash {
    pub kind: Kind,
    pub message: String,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn mac(state: &FrontendState, payload: &[u8]) -> Hmac<Sha256> {
    let key = crate::csrf::purpose_key(state, PURPOSE);
    // HMAC takes keys of any length; the fallback cannot be reached.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key)
        .unwrap_or_else(|_| <Hmac<Sha256> as Mac>::new(&Default::default()));
    mac.update(payload);
    mac
}

impl Flash {
    pub fn success(message: impl Into<String>) -> Self {
        Self {
            kind: Kind::Success,
            message: message.into(),
        }
    }

    pub fn error(message: impl Into<String>) -> Self {
        Self {
            kind: Kind::Error,
            message: message.into(),
        }
    }

    pub fn css(&self) -> &'static str {
        match self.kind {
            Kind::Success => "flash flash-success",
            Kind::Error => "flash flash-error",
        }
    }

    /// The Set-Cookie value: `base64(kind, expiry, message) "." base64(signature)`.
    pub fn cookie(&self, state: &FrontendState) -> String {
        let tag = match self.kind {
            Kind::Success => 's',
            Kind::Error => 'e',
        };
        let expires = now_secs() + LIFETIME_SECS;
        let payload = format!("{tag}{expires}:{}", self.message);
        let signature = mac(state, payload.as_bytes()).finalize().into_bytes();
        let value = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(signature)
        );
        set_cookie(&state.cookies, COOKIE, &value, Some(LIFETIME_SECS as i64))
    }

    /// The flash this site set, if the cookie carries one that is signed and unexpired.
    pub fn read(state: &FrontendState, headers: &HeaderMap) -> Option<Self> {
        let (payload, signature) = read_cookie(headers, COOKIE)?.split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        mac(state, &payload).verify_slice(&signature).ok()?;
        let text = String::from_utf8(payload).ok()?;
        let mut chars = text.chars();
        let kind = match chars.next()? {
            's' => Kind::Success,
            'e' => Kind::Error,
            _ => return None,
        };
        let (expires, message) = chars.as_str().split_once(':')?;
        if expires.parse::<u64>().ok()? < now_secs() {
            return None;
        }
        Some(Self {
            kind,
            message: message.chars().take(500).collect(),
        })
    }
}

pub fn clear_cookie(policy: &crate::CookiePolicy) -> String {
    set_cookie(policy, COOKIE, "", Some(0))
}
