//! Forwarding one request to its service and streaming the answer back.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pupero_http::ErrorCode;

use pupero_http::client_ip::{FRONTEND_CLIENT_IP, FRONTEND_CREDENTIAL};
use pupero_http::{ApiError, AuthUser, ClientIp};

use crate::GatewayState;
use crate::key_policy::{KeyAccess, key_access};
use crate::routes::route_for;

const KEY_TIMESTAMP: HeaderName = HeaderName::from_static("x-pupero-timestamp");
const KEY_NONCE: HeaderName = HeaderName::from_static("x-pupero-nonce");
const KEY_SIGNATURE: HeaderName = HeaderName::from_static("x-pupero-signature");

/// Headers that describe one connection, not the message; never forwarded.
const HOP_BY_HOP: [HeaderName; 8] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    for name in &HOP_BY_HOP {
        headers.remove(name);
    }
}

pub async fn forward(State(state): State<GatewayState>, req: Request) -> Response {
    match try_forward(state, req).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

async fn try_forward(state: GatewayState, req: Request) -> Result<Response, ApiError> {
    let (mut parts, body) = req.into_parts();
    let route = route_for(parts.uri.path()).ok_or_else(|| ApiError::not_found("no such route"))?;
    // Refused here rather than by the service: a service that answers 413 mid-upload and
    // closes the connection leaves the gateway with a broken pipe instead of the answer.
    // A dispute evidence upload is the one body allowed up to EVIDENCE_MAX_BYTES (the
    // service sniffs, limits and strips it again).
    let limit = if is_evidence_upload(&parts.method, parts.uri.path()) {
        state.evidence_max_bytes
    } else {
        pupero_http::service::BODY_LIMIT_BYTES
    };
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!("request bodies are limited to {limit} bytes"),
        )
    };
    if declared_length(&parts.headers).is_some_and(|len| len > limit) {
        let mut response = too_large().into_response();
        // The body is left unread, so this connection cannot carry another request.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return Ok(response);
    }
    if route.admin_only {
        // A token-time filter only: the wallet checks the caller's current role again.
        AuthUser::from_request_parts(&mut parts, &state)
            .await?
            .require(pupero_core::Role::Admin)?;
    }
    let client_ip = client_ip(&state, &mut parts).await;
    let service = route.service.name();
    if !state.upstreams.runs(route.service) {
        return Err(ApiError::not_found(format!(
            "the {service} service is not part of this deployment"
        )));
    }
    let upstream = state
        .upstreams
        .upstream(route.service)
        .ok_or_else(|| unavailable(service))?;

    let mut headers = parts.headers;
    strip_hop_by_hop(&mut headers);
    headers.remove(header::HOST);
    headers.remove("x-forwarded-for");
    headers.remove(&FRONTEND_CREDENTIAL);
    headers.remove(&FRONTEND_CLIENT_IP);
    if let Ok(v) = HeaderValue::from_str(&client_ip.to_string()) {
        headers.insert("x-forwarded-for", v);
    }

    // Read whole (it is small: BODY_LIMIT_BYTES, or one evidence file) so it can go to
    // another replica.
    let body = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())?;
    if let Some(presented) = presented_key(&headers)? {
        exchange_key(
            &state,
            (&parts.method, &parts.uri),
            &route,
            &body,
            client_ip,
            presented,
            &mut headers,
        )
        .await?;
    }
    // A request that may have reached a replica is sent again only when repeating it
    // changes nothing more; one whose connection failed never reached any and may go on.
    let repeatable = pupero_http::replicas::safe_to_retry(&parts.method, &headers);
    let mut order = upstream.replicas.order();
    // With one replica, a safe request still gets a second try: a pooled connection the
    // service has just closed fails the next request on it.
    if order.len() == 1 && repeatable {
        order.extend(order.clone());
    }
    let build = |uri: axum::http::Uri| {
        let mut request = axum::http::Request::builder()
            .method(parts.method.clone())
            .uri(uri)
            .body(Body::from(body.clone()))
            .map_err(ApiError::internal)?;
        *request.headers_mut() = headers.clone();
        Ok::<_, ApiError>(request)
    };
    let mut answer = None;
    for i in order {
        let Some(origin) = upstream.origins.get(i).and_then(Option::as_ref) else {
            continue;
        };
        let uri = origin
            .uri_for(&route, parts.uri.query())
            .ok_or_else(|| ApiError::bad_request("malformed request path"))?;
        // A service of this process takes the request straight (pupero_http::in_process).
        let sent = match pupero_http::in_process::local(upstream.replicas.base(i)) {
            Some(local) => tokio::time::timeout(state.timeout, local.call(build(uri)?))
                .await
                .map(Ok::<_, hyper_util::client::legacy::Error>),
            None => tokio::time::timeout(state.timeout, state.client.request(build(uri)?))
                .await
                .map(|sent| sent.map(|response| response.map(Body::new))),
        };
        match sent {
            // Not retried: the service may still be working on it.
            Err(_) => {
                return Err(ApiError::new(
                    StatusCode::GATEWAY_TIMEOUT,
                    ErrorCode::GatewayTimeout,
                    format!("the {service} service did not answer in time"),
                ));
            }
            Ok(Err(e)) if e.is_connect() => {
                tracing::warn!(service, replica = %upstream.replicas.base(i), error = %e, "upstream connection failed");
                upstream.replicas.mark_down(i, "connection failed");
            }
            Ok(Err(e)) if repeatable => {
                tracing::debug!(service, error = %e, "retrying a safe request on another connection");
            }
            Ok(Err(e)) => {
                tracing::warn!(service, error = %e, "upstream request failed; not repeated (it may have acted)");
                return Err(unavailable(service));
            }
            Ok(Ok(response)) => {
                answer = Some(response);
                break;
            }
        }
    }
    let response = answer.ok_or_else(|| unavailable(service))?;
    let (mut parts, body) = response.into_parts();
    strip_hop_by_hop(&mut parts.headers);
    let body = match declared_length(&parts.headers) {
        // A whole answer of known, modest size (a listing page is ~80 KB) is read first
        // and written in one go: streamed, each of its frames costs the gateway a wake-up
        // and a write of its own. Streams (events, large downloads) pass through as they come.
        Some(len) if len <= BUFFERED_ANSWER_BYTES => {
            match tokio::time::timeout(state.timeout, axum::body::to_bytes(body, len)).await {
                Ok(Ok(bytes)) => Body::from(bytes),
                _ => {
                    tracing::warn!(
                        service,
                        "upstream answer broke off before its declared length"
                    );
                    return Err(unavailable(service));
                }
            }
        }
        _ => body,
    };
    Ok(Response::from_parts(parts, body))
}

/// Answers up to this size are read whole before they are passed on.
const BUFFERED_ANSWER_BYTES: usize = 1024 * 1024;

/// A message's `Content-Length`, when it has a readable one.
fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// The client's address: the peer (or what a trusted proxy in front says), or the browser's
/// when the frontend vouches for it.
async fn client_ip(
    state: &GatewayState,
    parts: &mut axum::http::request::Parts,
) -> std::net::IpAddr {
    let Ok(ClientIp(peer_ip)) = ClientIp::from_request_parts(parts, state).await;
    vouched_client_ip(state, &parts.headers).unwrap_or(peer_ip)
}

/// Every answer of the gateway carries the client's budget (`RateLimit-*`); over it, 429
/// with `Retry-After`, and nothing is forwarded.
pub async fn rate_limit(
    State(state): State<GatewayState>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let Some(limiter) = state.limiter.clone() else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    let client = client_ip(&state, &mut parts).await;
    let quota = limiter.check(client).await;
    let mut response = match quota.retry_after_secs {
        Some(wait) => ApiError::too_many_requests(wait).into_response(),
        None => next.run(Request::from_parts(parts, body)).await,
    };
    quota.write(response.headers_mut());
    response
}

/// An API key presented with the request: the key (whole, or its public part when the
/// call is signed) and the signing headers, if any.
struct PresentedKey {
    key: String,
    signed: Option<[String; 3]>,
}

fn header_text(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn presented_key(headers: &HeaderMap) -> Result<Option<PresentedKey>, ApiError> {
    let from_authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("apikey"))
        .map(|(_, key)| key.trim().to_owned());
    // A key is always presented as `Authorization: ApiKey <key>` (the contract);
    // on a signed call that may be only its public part, so the secret need not travel.
    let Some(key) = from_authorization else {
        return Ok(None);
    };
    let parts = [&KEY_TIMESTAMP, &KEY_NONCE, &KEY_SIGNATURE].map(|h| header_text(headers, h));
    let signed = match parts {
        [None, None, None] => None,
        [Some(t), Some(n), Some(s)] => Some([t, n, s]),
        _ => {
            return Err(ApiError::unauthorized(
                ErrorCode::InvalidSignature,
                "a signed call needs all of X-Pupero-Timestamp, X-Pupero-Nonce and X-Pupero-Signature",
            ));
        }
    };
    Ok(Some(PresentedKey { key, signed }))
}

/// Asks login whether the key may make this call (scope and signing from the gateway's
/// list), and forwards the call with the short-lived token login gives for it. The client
/// never sees that token, and the key never reaches the service.
async fn exchange_key(
    state: &GatewayState,
    (method, uri): (&axum::http::Method, &axum::http::Uri),
    route: &crate::Route,
    body: &[u8],
    client_ip: std::net::IpAddr,
    presented: PresentedKey,
    headers: &mut HeaderMap,
) -> Result<(), ApiError> {
    use base64::Engine;
    use pupero_api::internal::login::{KeyGrant, KeyPresented, KeySignature};
    let (scope, money_moving) = match key_access(route.service, method, &route.upstream_path) {
        KeyAccess::Refused(reason) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::InsufficientScope,
                reason,
            ));
        }
        KeyAccess::Allowed {
            scope,
            money_moving,
        } => (scope, money_moving),
    };
    let signature = presented
        .signed
        .map(|[timestamp, nonce, signature]| KeySignature {
            timestamp,
            nonce,
            signature,
            method: method.as_str().to_owned(),
            path: uri
                .path_and_query()
                .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned()),
            body_base64: base64::engine::general_purpose::STANDARD.encode(body),
        });
    let grant: KeyGrant = state
        .login
        .post(
            "/internal/api-keys/authenticate",
            &KeyPresented {
                key: presented.key,
                signature,
                client_ip: client_ip.to_string(),
                scope: scope.as_str().to_owned(),
                money_moving,
            },
        )
        .await?;
    for name in [&KEY_TIMESTAMP, &KEY_NONCE, &KEY_SIGNATURE] {
        headers.remove(name);
    }
    let bearer = HeaderValue::from_str(&format!("Bearer {}", grant.token))
        .map_err(|_| ApiError::internal("login minted an unprintable token"))?;
    headers.insert(header::AUTHORIZATION, bearer);
    Ok(())
}

/// The browser's address, when the frontend vouches for it with its service token. Trust
/// comes from the credential rather than the peer address, so it holds wherever the
/// frontend runs, and a client sending the headers itself gets nothing.
fn vouched_client_ip(state: &GatewayState, headers: &HeaderMap) -> Option<std::net::IpAddr> {
    let token = headers.get(&FRONTEND_CREDENTIAL)?.to_str().ok()?;
    let claims = state
        .keys
        .verify(token, pupero_http::TokenKind::Service)
        .ok()?;
    if claims.sub != "frontend" {
        return None;
    }
    headers
        .get(&FRONTEND_CLIENT_IP)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn unavailable(service: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        ErrorCode::BadGateway,
        format!("the {service} service is unavailable; try again shortly"),
    )
}

/// `POST /transactions/trades/{id}/evidence`: a dispute evidence file.
fn is_evidence_upload(method: &axum::http::Method, path: &str) -> bool {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    method == axum::http::Method::POST
        && matches!(
            segments.as_slice(),
            ["", "transactions", "trades", id, "evidence"] if id.parse::<i64>().is_ok()
        )
}
