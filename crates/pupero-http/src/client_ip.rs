//! The client's address, believed from `X-Forwarded-For` only when the direct peer is a
//! trusted proxy (the gateway), so a client cannot dodge per-IP limits by sending the
//! header itself.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderName;
use axum::http::request::Parts;

/// The web frontend's service token, which makes the gateway believe
/// [`FRONTEND_CLIENT_IP`]: every browser's request reaches the gateway from the frontend's
/// address, and per-IP limits must still see the browser's.
pub const FRONTEND_CREDENTIAL: HeaderName = HeaderName::from_static("x-pupero-frontend");
pub const FRONTEND_CLIENT_IP: HeaderName = HeaderName::from_static("x-pupero-client-ip");

#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Arc<Vec<IpAddr>>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientIp(pub IpAddr);

impl<S> FromRequestParts<S> for ClientIp
where
    TrustedProxies: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let trusted = TrustedProxies::from_ref(state);
        if !trusted.0.contains(&peer) {
            return Ok(ClientIp(peer));
        }
        // The gateway appends the address it saw; the right-most entry is the one our
        // trusted proxy vouches for.
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .next_back();
        Ok(ClientIp(forwarded.unwrap_or(peer)))
    }
}
