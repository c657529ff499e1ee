//! The bench's accounts: signing in as a browser or an API client, and funding.

// Reads JSON answers with serde_json::Value's `[]`, which gives Null for a missing key or
// index and never panics; the lint cannot tell it from slice indexing.
#![allow(clippy::indexing_slicing)]

use anyhow::Context;

/// Signs in through the web frontend's form, as a browser does; returns the Cookie header.
pub(super) async fn web_sign_in(
    http: &reqwest::Client,
    frontend: &str,
    username: &str,
    password: &str,
) -> anyhow::Result<String> {
    let cookie_of = |r: &reqwest::Response| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("pupero_session="))
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
    };
    let page = http.get(format!("{frontend}/login")).send().await?;
    let anonymous = cookie_of(&page).context("no session cookie")?;
    let body = page.text().await?;
    let marker = "name=\"_csrf\" value=\"";
    let start = body.find(marker).context("no CSRF token")? + marker.len();
    let token = &body[start..start + body[start..].find('"').context("no CSRF token")?];
    let form = format!(
        "_csrf={token}&username={username}&password={}",
        password.replace(' ', "+")
    );
    let signed = pupero_http::build_client(
        "bench",
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()),
    )?
    .post(format!("{frontend}/login"))
    .header("cookie", anonymous)
    .header("content-type", "application/x-www-form-urlencoded")
    .body(form)
    .send()
    .await?;
    cookie_of(&signed).context("sign-in through the frontend failed")
}

/// Signs in through the API; returns the account's id and access token.
pub(super) async fn sign_in_existing(
    http: &reqwest::Client,
    gateway: &str,
    name: &str,
    password: &str,
) -> anyhow::Result<(i64, String)> {
    let tokens: pupero_api::auth::TokenPair = http
        .post(format!("{gateway}/auth/login"))
        .json(&serde_json::json!({"username": name, "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = tokens.access_token;
    let me: pupero_api::accounts::MeView = http
        .get(format!("{gateway}/auth/me"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok((me.id, token))
}

/// Credits `xmr` to `user_id` through the admin adjustment API.
pub(super) async fn credit(
    http: &reqwest::Client,
    gateway: &str,
    admin: &str,
    user_id: i64,
    xmr: &str,
) -> anyhow::Result<()> {
    http.post(format!("{gateway}/transactions/admin/adjust"))
        .bearer_auth(admin)
        .json(&serde_json::json!({"user_id": user_id, "amount": xmr, "direction": "credit", "reason": "bench funding"}))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}
