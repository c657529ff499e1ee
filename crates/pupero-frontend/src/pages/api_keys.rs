//! Settings → API keys: make a key for a bot (shown once), see and revoke one's keys.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use reqwest::Method;
use serde::Deserialize;

use pupero_api::api_keys::{CreatedApiKey, NewApiKey};

use super::{Chrome, Me, act, refused, render};
use crate::FrontendState;
use crate::csrf::Form;
use crate::i18n::t;

#[derive(Template)]
#[template(path = "api_key_created.html")]
struct CreatedPage {
    chrome: Chrome,
    key: String,
    prefix: String,
    scopes: String,
}

#[derive(Deserialize)]
pub struct NewKeyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope_read: Option<String>,
    #[serde(default)]
    scope_trade: Option<String>,
    #[serde(default)]
    scope_withdraw: Option<String>,
    /// Addresses or CIDR ranges, separated by commas, spaces or lines.
    #[serde(default)]
    allowed_ips: String,
    /// `YYYY-MM-DD` (the date input), the key's last day (UTC); empty: no expiry.
    #[serde(default)]
    expires_on: String,
}

impl NewKeyForm {
    fn request(self) -> NewApiKey {
        let scopes = [
            ("read", self.scope_read.is_some()),
            ("trade", self.scope_trade.is_some()),
            ("withdraw", self.scope_withdraw.is_some()),
        ]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(s, _)| s.to_owned())
        .collect();
        let allowed_ips: Vec<String> = self
            .allowed_ips
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let expires_on = self.expires_on.trim();
        NewApiKey {
            name: Some(self.name.trim().to_owned()).filter(|n| !n.is_empty()),
            scopes,
            // The end of the chosen day; the API names the field if the date is malformed.
            expires_at: (!expires_on.is_empty()).then(|| format!("{expires_on}T23:59:59Z")),
            allowed_ips: (!allowed_ips.is_empty()).then_some(allowed_ips),
        }
    }
}

pub async fn create(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<NewKeyForm>,
) -> Response {
    match state
        .api
        .post::<_, CreatedApiKey>(&me.caller, "/auth/api-keys", &form.request())
        .await
    {
        Ok(created) => render(&CreatedPage {
            chrome: me.chrome(t("apikeys-created-title")),
            scopes: created.api_key.scopes.join(", "),
            prefix: created.api_key.prefix,
            key: created.key,
        }),
        Err(f) => refused(&state, "/settings#api-keys", f),
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {}

pub async fn revoke(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(_): Form<RevokeForm>,
) -> Response {
    act(
        &state,
        &me,
        Method::DELETE,
        &format!("/auth/api-keys/{id}"),
        None::<&()>,
        "/settings#api-keys",
        t("apikeys-revoked"),
    )
    .await
}
