//! `/api-keys`: the signed-in user's personal API keys, and the internal check the gateway
//! makes of a presented key on every call (`/internal/api-keys/authenticate`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use pupero_api::api_keys::{ApiKeyView, CreatedApiKey, NewApiKey, SCOPES};
use pupero_api::internal::login::{KeyGrant, KeyPresented};
use pupero_core::Role;
use pupero_http::{ApiError, ApiJson, ApiPath, ApiResult, AuthUser, ErrorCode, ServiceCaller};
use pupero_http::{TokenKind, rfc3339};

use super::{active_session, active_user};
use crate::api_keys::{self as keys, IpRange, NewKey};
use crate::entity::api_key;
use crate::state::LoginState;

/// At most this many address ranges on one key.
const MAX_RANGES: usize = 20;

fn view(k: &api_key::Model) -> ApiKeyView {
    ApiKeyView {
        id: k.id,
        prefix: k.prefix.clone(),
        name: k.name.clone(),
        scopes: split(&k.scopes),
        allowed_ips: k.allowed_ips.as_deref().map(split).unwrap_or_default(),
        expires_at: k.expires_at_ms.map(rfc3339),
        created_at: rfc3339(k.created_at_ms),
        last_used_at: k.last_used_at_ms.map(rfc3339),
    }
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The scopes asked for, each known, in the canonical order, without repeats.
fn scopes_of(asked: &[String]) -> ApiResult<String> {
    if let Some(unknown) = asked.iter().find(|s| !SCOPES.contains(&s.as_str())) {
        return Err(ApiError::invalid(
            "scopes",
            format!("unknown scope {unknown:?}: the scopes are read, trade and withdraw"),
        ));
    }
    let chosen: Vec<&str> = SCOPES
        .into_iter()
        .filter(|s| asked.iter().any(|a| a == s))
        .collect();
    if chosen.is_empty() {
        return Err(ApiError::invalid(
            "scopes",
            "give the key at least one scope: read, trade or withdraw",
        ));
    }
    Ok(chosen.join(","))
}

fn ranges_of(asked: Option<&[String]>) -> ApiResult<Option<String>> {
    let Some(asked) = asked.filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    if asked.len() > MAX_RANGES {
        return Err(ApiError::invalid(
            "allowed_ips",
            format!("at most {MAX_RANGES} addresses or ranges"),
        ));
    }
    let mut ranges = Vec::with_capacity(asked.len());
    for text in asked {
        let range = IpRange::parse(text).ok_or_else(|| {
            ApiError::invalid(
                "allowed_ips",
                format!("{text:?} is not an IP address or CIDR range (e.g. 203.0.113.0/24)"),
            )
        })?;
        ranges.push(range.to_string());
    }
    Ok(Some(ranges.join(",")))
}

fn expiry_of(asked: Option<&str>, now: i64) -> ApiResult<Option<i64>> {
    let Some(text) = asked.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|_| {
            ApiError::invalid(
                "expires_at",
                "expires_at must be an RFC 3339 time, e.g. 2027-01-31T00:00:00Z",
            )
        })?;
    let ms = i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
    if ms <= now {
        return Err(ApiError::invalid(
            "expires_at",
            "expires_at must be in the future",
        ));
    }
    Ok(Some(ms))
}

/// Makes a key for the caller. The whole key is in this answer only.
#[utoipa::path(post, path = "/api-keys", tag = "api-keys", security(("bearer" = [])), request_body = NewApiKey,
    responses((status = 201, body = CreatedApiKey),
              (status = 409, description = "the account already holds the most keys allowed"),
              (status = 422, description = "an unknown scope, a malformed address range, or an expiry in the past")))]
pub async fn create(
    State(state): State<LoginState>,
    caller: AuthUser,
    ApiJson(req): ApiJson<NewApiKey>,
) -> ApiResult<(StatusCode, Json<CreatedApiKey>)> {
    let user = active_session(&state, caller).await?;
    let now = pupero_db::now_ms();
    let name = match req.name.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) if n.chars().count() > 64 || n.chars().any(char::is_control) => {
            return Err(ApiError::invalid(
                "name",
                "a key's name is up to 64 printable characters",
            ));
        }
        Some(n) => Some(n.to_owned()),
    };
    let scopes = scopes_of(&req.scopes)?;
    let allowed_ips = ranges_of(req.allowed_ips.as_deref())?;
    let expires_at_ms = expiry_of(req.expires_at.as_deref(), now)?;
    let held = keys::live_keys_of(&state.db, user.id).await?.len();
    if u64::try_from(held).unwrap_or(u64::MAX) >= keys::MAX_KEYS_PER_USER {
        return Err(ApiError::conflict(
            ErrorCode::Conflict,
            format!(
                "an account holds at most {} API keys; revoke one first",
                keys::MAX_KEYS_PER_USER
            ),
        ));
    }
    let fresh = keys::generate().map_err(|_| ApiError::internal("the random generator failed"))?;
    let signing_secret = state
        .api_key_sealer
        .seal(&fresh.key, &fresh.prefix)
        .map_err(ApiError::internal)?;
    let row = keys::insert(
        &state.db,
        NewKey {
            user_id: user.id,
            prefix: &fresh.prefix,
            name,
            scopes,
            allowed_ips,
            key_hash: fresh.hash,
            signing_secret,
            expires_at_ms,
            now,
        },
    )
    .await?;
    tracing::info!(user_id = user.id, key = %row.prefix, scopes = %row.scopes, "API key created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiKey {
            key: fresh.key,
            api_key: view(&row),
        }),
    ))
}

/// The caller's keys that are not revoked (never their secrets).
#[utoipa::path(get, path = "/api-keys", tag = "api-keys", security(("bearer" = [])),
    responses((status = 200, body = Vec<ApiKeyView>)))]
pub async fn list(
    State(state): State<LoginState>,
    caller: AuthUser,
) -> ApiResult<Json<Vec<ApiKeyView>>> {
    let user = active_user(&state, caller.id).await?;
    let rows = keys::live_keys_of(&state.db, user.id).await?;
    Ok(Json(rows.iter().map(view).collect()))
}

/// Revokes one of the caller's keys; it is refused from the next call on.
#[utoipa::path(delete, path = "/api-keys/{id}", tag = "api-keys", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204, description = "revoked"), (status = 404, description = "no such key of the caller's")))]
pub async fn revoke(
    State(state): State<LoginState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let user = active_session(&state, caller).await?;
    if !keys::revoke(&state.db, user.id, id, pupero_db::now_ms()).await? {
        return Err(ApiError::not_found("no such API key"));
    }
    tracing::info!(user_id = user.id, key_id = id, "API key revoked");
    Ok(StatusCode::NO_CONTENT)
}

fn invalid_key(message: &str) -> ApiError {
    ApiError::unauthorized(ErrorCode::InvalidApiKey, message.to_owned())
}

/// For the gateway: may this key make this call now? Checked in full on every call (no
/// cache), so a revoked key, an expired one, a disabled or sanctioned account is refused
/// at once. On success, a one-minute access token of role `user` to forward the call with.
pub async fn authenticate(
    State(state): State<LoginState>,
    _caller: ServiceCaller,
    ApiJson(req): ApiJson<KeyPresented>,
) -> ApiResult<Json<KeyGrant>> {
    let now = pupero_db::now_ms();
    let prefix =
        keys::prefix_of(&req.key).ok_or_else(|| invalid_key("the API key is not valid"))?;
    let key = keys::by_prefix(&state.db, prefix)
        .await?
        .ok_or_else(|| invalid_key("the API key is not valid"))?;
    let whole = req.key.len() > prefix.len();
    if whole {
        let hash = pupero_db::seal::sha256_hex(req.key.as_bytes());
        if !constant_time_eq(hash.as_bytes(), key.key_hash.as_bytes()) {
            return Err(invalid_key("the API key is not valid"));
        }
    }
    let mut nonce = None;
    match &req.signature {
        None if req.money_moving => {
            return Err(ApiError::unauthorized(
                ErrorCode::SignatureRequired,
                "this call moves money: sign it (X-Pupero-Timestamp, X-Pupero-Nonce and X-Pupero-Signature beside Authorization: ApiKey)",
            ));
        }
        None if !whole => {
            return Err(invalid_key(
                "send the whole key (Authorization: ApiKey <key>), or sign the call",
            ));
        }
        None => {}
        Some(sig) => {
            let Ok(timestamp) = sig.timestamp.trim().parse::<i64>() else {
                return Err(ApiError::unauthorized(
                    ErrorCode::StaleSignature,
                    "X-Pupero-Timestamp must be Unix time in seconds",
                ));
            };
            if (now / 1000 - timestamp).abs() > keys::SIGNATURE_WINDOW_SECONDS {
                return Err(ApiError::unauthorized(
                    ErrorCode::StaleSignature,
                    format!(
                        "X-Pupero-Timestamp is more than {} seconds from the server's time",
                        keys::SIGNATURE_WINDOW_SECONDS
                    ),
                ));
            }
            if !keys::nonce_is_well_formed(&sig.nonce) {
                return Err(ApiError::unauthorized(
                    ErrorCode::InvalidSignature,
                    "X-Pupero-Nonce must be 16 to 64 letters, digits, - or _",
                ));
            }
            let body = keys::decode_body(&sig.body_base64)
                .ok_or_else(|| ApiError::bad_request("the signed body is not base64"))?;
            let secret = state
                .api_key_sealer
                .open(&key.signing_secret, &key.prefix)
                .map_err(ApiError::internal)?;
            let message = keys::signed_message(
                &sig.method,
                &sig.path,
                sig.timestamp.trim(),
                &sig.nonce,
                &body,
            );
            if !keys::signature_matches(&secret, &message, sig.signature.trim()) {
                return Err(ApiError::unauthorized(
                    ErrorCode::InvalidSignature,
                    "X-Pupero-Signature does not match the request (HMAC-SHA256 of method, path, timestamp, nonce and body, one per line)",
                ));
            }
            nonce = Some((
                sig.nonce.clone(),
                (timestamp + keys::SIGNATURE_WINDOW_SECONDS) * 1000,
            ));
        }
    }
    if key.revoked_at_ms.is_some() {
        return Err(invalid_key("this API key was revoked"));
    }
    if key.expires_at_ms.is_some_and(|at| at <= now) {
        return Err(invalid_key("this API key has expired"));
    }
    // The account as it is now: disabled, deleted, suspended or banned is refused.
    let user = active_user(&state, key.user_id).await?;
    if let Some(list) = key.allowed_ips.as_deref() {
        let client: Option<std::net::IpAddr> = req.client_ip.parse().ok();
        let allowed = client.is_some_and(|ip| {
            list.split(',')
                .filter_map(IpRange::parse)
                .any(|range| range.contains(ip))
        });
        if !allowed {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::ApiKeyIpRefused,
                format!("this API key does not work from {}", req.client_ip),
            ));
        }
    }
    if !key.scopes.split(',').any(|s| s == req.scope) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::InsufficientScope,
            format!("this API key lacks the {} scope this call needs", req.scope),
        ));
    }
    if let Some((nonce, expires_at_ms)) = nonce
        && !keys::spend_nonce(&state.db, key.id, &nonce, expires_at_ms, now).await?
    {
        return Err(ApiError::unauthorized(
            ErrorCode::NonceReused,
            "this X-Pupero-Nonce was already used with this key",
        ));
    }
    keys::touch(&state.db, key.id, now).await?;
    Ok(Json(KeyGrant {
        user_id: user.id,
        token: grant_token(&state, key.id, user.id, now)?,
    }))
}

/// The token a key call is forwarded with: the one last given for this key while more
/// than half its minute is left, so a bot's calls cost neither a fresh signature here nor
/// a fresh verification in the service (which remembers tokens it verified). It never
/// leaves the platform, and every check above is made on every call before it is given.
fn grant_token(state: &LoginState, key_id: i64, user_id: i64, now: i64) -> ApiResult<String> {
    let ttl_ms = i64::try_from(keys::GRANT_TTL_SECONDS * 1000).unwrap_or(60_000);
    let mut kept = state
        .key_tokens
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(t) = kept.get(&key_id)
        && t.expires_at_ms - now > ttl_ms / 2
    {
        return Ok(t.token.clone());
    }
    let fresh = state
        .keys
        .issue(
            user_id,
            Role::User,
            TokenKind::Access,
            std::time::Duration::from_secs(keys::GRANT_TTL_SECONDS),
        )
        .map_err(ApiError::internal)?;
    if kept.len() >= 10_000 {
        kept.retain(|_, t| t.expires_at_ms > now);
    }
    kept.insert(key_id, fresh.clone());
    Ok(fresh.token)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
