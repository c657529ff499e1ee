//! One-time messages shown on the next page, carried in a short-lived cookie so a
//! redirect after a POST can say what happened.

use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::CookiePolicy;
use crate::session::{read_cookie, set_cookie};

pub const COOKIE: &str = "pupero_flash";

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

    pub fn cookie(&self, policy: &CookiePolicy) -> String {
        let tag = match self.kind {
            Kind::Success => 's',
            Kind::Error => 'e',
        };
        let value = URL_SAFE_NO_PAD.encode(format!("{tag}{}", self.message));
        set_cookie(policy, COOKIE, &value, Some(60))
    }

    pub fn read(headers: &HeaderMap) -> Option<Self> {
        let raw = URL_SAFE_NO_PAD.decode(read_cookie(headers, COOKIE)?).ok()?;
        let text = String::from_utf8(raw).ok()?;
        let mut chars = text.chars();
        let kind = match chars.next()? {
            's' => Kind::Success,
            'e' => Kind::Error,
            _ => return None,
        };
        Some(Self {
            kind,
            message: chars.as_str().chars().take(500).collect(),
        })
    }
}

pub fn clear_cookie(policy: &CookiePolicy) -> String {
    set_cookie(policy, COOKIE, "", Some(0))
}
