//! Web sessions: an opaque random id in an HttpOnly cookie, the API tokens kept here on
//! the server, refreshed shortly before they expire.
//!
//! Refresh tokens are single-use and a reused one ends every session of the account
//! (reuse detection), so two requests of one browser must never refresh at the same
//! time: one request claims the refresh with a guarded UPDATE, the others keep using the
//! current access token, which is still valid because refreshing starts early.
//!
//! The tokens are stored sealed (see `pupero_db::seal`), bound to the session's id hash:
//! a copy of the table rides no session. Rows hold the sealed text, so the guards below
//! compare stored values with stored values; tokens are opened only to be used.

use pupero_api::auth::{RefreshRequest, TokenPair};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use pupero_http::TokenKind;

use crate::api::Caller;
use crate::entity::{login_challenge, web_session};
use crate::{CookiePolicy, FrontendState};

/// Refresh when the access token has less than this left.
const REFRESH_AHEAD_MS: i64 = 60_000;
/// How long one request may hold the refresh claim.
const REFRESH_CLAIM_MS: i64 = 10_000;
/// How long the second step of a two-factor sign-in may wait for its code.
pub const CHALLENGE_TTL_MS: i64 = 5 * 60_000;

/// The browser's session id, as its cookie carries it (one is made on the first visit).
#[derive(Debug, Clone)]
pub struct Sid(pub String);

/// Marks a request whose session id was made just now: it has no session row to look up.
#[derive(Debug, Clone, Copy)]
pub struct FirstVisit;

impl Sid {
    pub fn fresh() -> Self {
        let bytes: [u8; 32] = rand::random();
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Ids this frontend made: 43 base64url characters. Anything else is replaced.
    pub fn parse(raw: &str) -> Option<Self> {
        (raw.len() == 43
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .then(|| Self(raw.to_owned()))
    }

    pub fn hash(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

pub fn cookie_name(policy: &CookiePolicy) -> &'static str {
    // The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only
    // and for the whole site, so no sibling subdomain can plant one.
    if policy.secure {
        "__Host-pupero_session"
    } else {
        "pupero_session"
    }
}

/// A Set-Cookie value with the session flags; `max_age_secs` None is a browser-session cookie.
pub fn set_cookie(
    policy: &CookiePolicy,
    name: &str,
    value: &str,
    max_age_secs: Option<i64>,
) -> String {
    let mut c = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite={}",
        policy.same_site.as_str()
    );
    if policy.secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// The value of cookie `name` in the request's Cookie headers.
pub fn read_cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub async fn load(db: &DatabaseConnection, sid: &Sid) -> Result<Option<web_session::Model>, DbErr> {
    let now = pupero_db::now_ms();
    Ok(web_session::Entity::find_by_id(sid.hash())
        .one(db)
        .await?
        .filter(|s| s.expires_at_ms > now))
}

/// When the access token of `pair`, received at `now_ms`, expires.
fn access_expires_at_ms(now_ms: i64, pair: &TokenPair) -> i64 {
    let ttl_ms = i64::try_from(pair.expires_in.saturating_mul(1000)).unwrap_or(i64::MAX);
    now_ms.saturating_add(ttl_ms)
}

/// Starts a signed-in session under a new id (never the anonymous one: a planted id must
/// not become someone's session). Returns the new id and the cookie's Max-Age.
pub async fn start(
    state: &FrontendState,
    pair: &TokenPair,
    username: &str,
    remember_me: bool,
) -> Result<(Sid, Option<i64>), DbErr> {
    let now = pupero_db::now_ms();
    let claims = state
        .keys
        .verify(&pair.access_token, TokenKind::Access)
        .map_err(|e| DbErr::Custom(format!("the login service issued an unusable token: {e}")))?;
    let user_id = claims
        .user_id()
        .ok_or_else(|| DbErr::Custom("the login service issued a token without a user".into()))?;
    let (ttl_ms, max_age) = lifetime(state, remember_me);
    let sid = Sid::fresh();
    web_session::Entity::insert(web_session::ActiveModel {
        id_hash: Set(sid.hash()),
        user_id: Set(user_id),
        username: Set(username.to_owned()),
        role: Set(claims.role.as_str().to_owned()),
        access_token: Set(seal(state, &pair.access_token, &sid.hash())?),
        access_expires_at_ms: Set(access_expires_at_ms(now, pair)),
        refresh_token: Set(seal(state, &pair.refresh_token, &sid.hash())?),
        remember_me: Set(remember_me),
        refreshing_until_ms: Set(None),
        expires_at_ms: Set(now + ttl_ms),
        created_at_ms: Set(now),
    })
    .exec(&state.db)
    .await?;
    // Expired rows of anyone go at each sign-in; an index keeps this cheap.
    web_session::Entity::delete_many()
        .filter(web_session::Column::ExpiresAtMs.lt(now))
        .exec(&state.db)
        .await?;
    login_challenge::Entity::delete_many()
        .filter(login_challenge::Column::ExpiresAtMs.lt(now))
        .exec(&state.db)
        .await?;
    Ok((sid, max_age))
}

fn seal(state: &FrontendState, token: &str, id_hash: &str) -> Result<String, DbErr> {
    state
        .sessions_key
        .seal(token, id_hash)
        .map_err(|e| DbErr::Custom(format!("cannot seal a session token: {e}")))
}

/// The plaintext of a token kept by a session (rows written before sealing read as they are).
pub fn open(state: &FrontendState, stored: &str, id_hash: &str) -> Option<String> {
    match state.sessions_key.open_or_plain(stored, id_hash) {
        Ok(token) => Some(token),
        Err(e) => {
            tracing::warn!(error = %e, "a session token does not open; the session ends");
            None
        }
    }
}

/// Session length (ms) and cookie Max-Age: REMEMBER_ME_DAYS with "remember me", else the
/// refresh token's lifetime with a cookie that ends with the browser.
fn lifetime(state: &FrontendState, remember_me: bool) -> (i64, Option<i64>) {
    if remember_me {
        let secs = i64::from(state.cookies.remember_me_days) * 86_400;
        (secs * 1000, Some(secs))
    } else {
        (state.session_ttl_ms, None)
    }
}

/// Ends every web session of a user (after the login service has ended their tokens).
pub async fn end_all(db: &DatabaseConnection, user_id: i64) -> Result<(), DbErr> {
    web_session::Entity::delete_many()
        .filter(web_session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn end(db: &DatabaseConnection, sid: &Sid) -> Result<(), DbErr> {
    web_session::Entity::delete_by_id(sid.hash())
        .exec(db)
        .await?;
    Ok(())
}

/// Why a request cannot act for the session's user.
pub enum Ended {
    /// The tokens were refused: the person must sign in again.
    SignedOut,
    /// The platform could not be asked; nothing is lost.
    Unavailable,
}

impl From<DbErr> for Ended {
    fn from(e: DbErr) -> Self {
        tracing::warn!(error = %e, "session store unavailable");
        Ended::Unavailable
    }
}

/// A valid access token for this session, refreshing it first when it is about to expire.
pub async fn access_token(
    state: &FrontendState,
    row: &mut web_session::Model,
    ip: std::net::IpAddr,
) -> Result<String, Ended> {
    let now = pupero_db::now_ms();
    if row.access_expires_at_ms - now > REFRESH_AHEAD_MS {
        return open(state, &row.access_token, &row.id_hash).ok_or(Ended::SignedOut);
    }
    let claimed = web_session::Entity::update_many()
        .col_expr(
            web_session::Column::RefreshingUntilMs,
            Expr::value(now + REFRESH_CLAIM_MS),
        )
        .filter(web_session::Column::IdHash.eq(&row.id_hash))
        .filter(web_session::Column::RefreshToken.eq(&row.refresh_token))
        .filter(
            sea_orm::Condition::any()
                .add(web_session::Column::RefreshingUntilMs.is_null())
                .add(web_session::Column::RefreshingUntilMs.lt(now)),
        )
        .exec(&state.db)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        return wait_for_refresh(state, row).await;
    }
    let caller = Caller { token: None, ip };
    let Some(refresh_token) = open(state, &row.refresh_token, &row.id_hash) else {
        web_session::Entity::delete_by_id(row.id_hash.clone())
            .exec(&state.db)
            .await?;
        return Err(Ended::SignedOut);
    };
    let body = RefreshRequest { refresh_token };
    match state
        .api
        .post::<_, TokenPair>(&caller, "/auth/token/refresh", &body)
        .await
    {
        Ok(pair) => {
            let claims = state
                .keys
                .verify(&pair.access_token, TokenKind::Access)
                .map_err(|_| Ended::SignedOut)?;
            let now = pupero_db::now_ms();
            let (ttl_ms, _) = lifetime(state, row.remember_me);
            let sealed_access = seal(state, &pair.access_token, &row.id_hash)?;
            let sealed_refresh = seal(state, &pair.refresh_token, &row.id_hash)?;
            web_session::Entity::update_many()
                .col_expr(
                    web_session::Column::AccessToken,
                    Expr::value(sealed_access.clone()),
                )
                .col_expr(
                    web_session::Column::RefreshToken,
                    Expr::value(sealed_refresh.clone()),
                )
                .col_expr(
                    web_session::Column::AccessExpiresAtMs,
                    Expr::value(access_expires_at_ms(now, &pair)),
                )
                .col_expr(web_session::Column::Role, Expr::value(claims.role.as_str()))
                .col_expr(
                    web_session::Column::RefreshingUntilMs,
                    Expr::value(None::<i64>),
                )
                .col_expr(web_session::Column::ExpiresAtMs, Expr::value(now + ttl_ms))
                .filter(web_session::Column::IdHash.eq(&row.id_hash))
                .exec(&state.db)
                .await?;
            row.access_token = sealed_access;
            row.refresh_token = sealed_refresh;
            row.role = claims.role.as_str().to_owned();
            Ok(pair.access_token)
        }
        Err(f) if f.status == reqwest::StatusCode::SERVICE_UNAVAILABLE => {
            // Let the next request try again, and keep serving while the token lasts.
            release_claim(state, row).await?;
            still_valid(state, row).ok_or(Ended::Unavailable)
        }
        Err(f) => {
            tracing::info!(code = %f.code, user_id = row.user_id, "session ended by the login service");
            web_session::Entity::delete_by_id(row.id_hash.clone())
                .exec(&state.db)
                .await?;
            Err(Ended::SignedOut)
        }
    }
}

async fn release_claim(state: &FrontendState, row: &web_session::Model) -> Result<(), DbErr> {
    web_session::Entity::update_many()
        .col_expr(
            web_session::Column::RefreshingUntilMs,
            Expr::value(None::<i64>),
        )
        .filter(web_session::Column::IdHash.eq(&row.id_hash))
        .exec(&state.db)
        .await?;
    Ok(())
}

fn still_valid(state: &FrontendState, row: &web_session::Model) -> Option<String> {
    (row.access_expires_at_ms - pupero_db::now_ms() > 5_000)
        .then(|| open(state, &row.access_token, &row.id_hash))
        .flatten()
}

/// Another request is refreshing: use the current token while it lasts, else wait for
/// the new one.
async fn wait_for_refresh(
    state: &FrontendState,
    row: &mut web_session::Model,
) -> Result<String, Ended> {
    if let Some(token) = still_valid(state, row) {
        return Ok(token);
    }
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        match web_session::Entity::find_by_id(row.id_hash.clone())
            .one(&state.db)
            .await?
        {
            None => return Err(Ended::SignedOut),
            Some(fresh) if fresh.refresh_token != row.refresh_token => {
                *row = fresh;
                return open(state, &row.access_token, &row.id_hash).ok_or(Ended::SignedOut);
            }
            Some(_) => {}
        }
    }
    Err(Ended::Unavailable)
}

/// Keeps the login service's challenge for the code step of a two-factor sign-in.
pub async fn save_challenge(
    state: &FrontendState,
    sid: &Sid,
    mfa_token: &str,
    remember_me: bool,
    next: &str,
) -> Result<(), DbErr> {
    let db = &state.db;
    login_challenge::Entity::delete_by_id(sid.hash())
        .exec(db)
        .await?;
    login_challenge::Entity::insert(login_challenge::ActiveModel {
        id_hash: Set(sid.hash()),
        mfa_token: Set(seal(state, mfa_token, &sid.hash())?),
        remember_me: Set(remember_me),
        next: Set(next.to_owned()),
        expires_at_ms: Set(pupero_db::now_ms() + CHALLENGE_TTL_MS),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// The pending challenge of this browser, its token opened.
pub async fn challenge(
    state: &FrontendState,
    sid: &Sid,
) -> Result<Option<login_challenge::Model>, DbErr> {
    let now = pupero_db::now_ms();
    Ok(login_challenge::Entity::find_by_id(sid.hash())
        .one(&state.db)
        .await?
        .filter(|c| c.expires_at_ms > now)
        .and_then(|mut c| {
            c.mfa_token = open(state, &c.mfa_token, &c.id_hash)?;
            Some(c)
        }))
}

pub async fn drop_challenge(db: &DatabaseConnection, sid: &Sid) -> Result<(), DbErr> {
    login_challenge::Entity::delete_by_id(sid.hash())
        .exec(db)
        .await?;
    Ok(())
}

/// Keeps the session's display name in step with a username change.
pub async fn rename(db: &DatabaseConnection, sid: &Sid, username: &str) -> Result<(), DbErr> {
    web_session::Entity::update_many()
        .col_expr(web_session::Column::Username, Expr::value(username))
        .filter(web_session::Column::IdHash.eq(sid.hash()))
        .exec(db)
        .await?;
    Ok(())
}
