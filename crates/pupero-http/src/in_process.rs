//! Calls between services of one process, handed to the callee's router without a socket.
//!
//! `pupero up` runs every service in one process, and each still calls the others by URL,
//! since the same code runs them apart on several machines. A call whose URL names a
//! listener of this process goes straight to the router behind that listener: the same
//! middleware (request ids, tracing, limits, metrics), the same authentication and the same
//! answer, without the loopback socket, the wake-ups of both sides and the HTTP encoding
//! and parsing of both. A trade makes about a dozen such calls (BENCHMARKS.md).
//!
//! What stays as it was over the socket:
//! - the callee sees the peer address a loopback connection would have had, so client
//!   addresses behind the gateway are believed exactly as before;
//! - the callee's handler runs as its own task, to the end, even when the caller gives up
//!   (a timeout, a dropped request), as a server's connection task would;
//! - a listener stops being offered here the moment its service is told to stop, so calls
//!   made during the shutdown grace get the refused connection they got before.
//!
//! `IN_PROCESS_CALLS=false` keeps every call on the socket.

use std::net::{IpAddr, SocketAddr};
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;

struct Offered {
    id: u64,
    addr: SocketAddr,
    router: Router,
}

static OFFERED: RwLock<Vec<Offered>> = RwLock::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A listener's router, offered to the callers of this process until dropped.
#[must_use = "the router is offered only while this is kept"]
pub struct Offer {
    id: u64,
}

/// Offers `router` to this process's callers of `addr` (the listener's bound address).
pub fn offer(addr: SocketAddr, router: Router) -> Offer {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let mut offered = OFFERED
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // A port freed by a stopped service and bound again: the newer listener is the one a
    // connection would reach.
    offered.retain(|o| o.addr != addr);
    offered.push(Offered { id, addr, router });
    Offer { id }
}

impl Drop for Offer {
    fn drop(&mut self) {
        let mut offered = OFFERED
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        offered.retain(|o| o.id != self.id);
    }
}

/// A service of this process reached at `base` (`http://host:port`, any path after it),
/// when there is one.
pub fn local(base: &str) -> Option<Local> {
    let target = socket_of(base)?;
    let offered = OFFERED
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    offered
        .iter()
        .find(|o| reaches(target, o.addr))
        .map(|o| Local {
            router: o.router.clone(),
            // A connection to one of the host's own addresses comes from that address.
            peer: SocketAddr::new(target.ip(), 0),
        })
}

/// A router of this process, and the peer address its requests appear to come from.
#[derive(Clone)]
pub struct Local {
    router: Router,
    peer: SocketAddr,
}

impl Local {
    /// Handles `request` as the listener would have. The handler runs as its own task;
    /// a handler that failed outside the service's own panic guard answers 503.
    pub async fn call(&self, mut request: Request<Body>) -> Response {
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let router = self.router.clone();
        match tokio::spawn(router.oneshot(request)).await {
            Ok(Ok(response)) => response,
            Ok(Err(never)) => match never {},
            Err(e) => {
                tracing::error!(error = %e, "an in-process call ended without an answer");
                crate::ApiError::unavailable("the service did not answer; try again shortly")
                    .into_response()
            }
        }
    }
}

/// A whole answer: status, headers and body.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Local {
    /// Handles `request` and reads its whole answer, all within `limit` (as a client's
    /// timeout covers sending and reading). `None`: the time ran out, or the answer broke
    /// off; the handler may have acted.
    pub async fn exchange(&self, request: Request<Body>, limit: Duration) -> Option<Answer> {
        let answered = async {
            let (parts, body) = self.call(request).await.into_parts();
            let body = axum::body::to_bytes(body, usize::MAX).await.ok()?;
            Some(Answer {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        };
        tokio::time::timeout(limit, answered).await.ok().flatten()
    }
}

/// The socket address an `http://` base URL with an IP literal host names. Names
/// (`localhost`, a Kubernetes service) and `https://` are left to the socket.
fn socket_of(base: &str) -> Option<SocketAddr> {
    let rest = base.strip_prefix("http://")?;
    let authority = rest.split(['/', '?']).next()?;
    authority.parse().ok()
}

/// Whether a connection to `target` would reach a listener bound to `bound`.
fn reaches(target: SocketAddr, bound: SocketAddr) -> bool {
    if target.port() != bound.port() {
        return false;
    }
    let (to, at) = (target.ip(), bound.ip());
    to == at || (to.is_loopback() && at.is_unspecified() && same_family(to, at))
}

fn same_family(a: IpAddr, b: IpAddr) -> bool {
    a.is_ipv4() == b.is_ipv4()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_http_urls_with_an_address_are_taken_in_process() {
        assert_eq!(
            socket_of("http://127.0.0.1:8003"),
            Some(addr("127.0.0.1:8003"))
        );
        assert_eq!(
            socket_of("http://127.0.0.1:8003/internal/x?y=1"),
            Some(addr("127.0.0.1:8003"))
        );
        assert_eq!(socket_of("http://[::1]:8003/"), Some(addr("[::1]:8003")));
        assert_eq!(socket_of("https://127.0.0.1:8003"), None);
        assert_eq!(socket_of("http://localhost:8003"), None);
        assert_eq!(socket_of("http://transactions:8003"), None);
        assert_eq!(socket_of("http://127.0.0.1"), None);
    }

    #[test]
    fn a_url_reaches_the_listeners_a_connection_would() {
        assert!(reaches(addr("127.0.0.1:8003"), addr("127.0.0.1:8003")));
        assert!(reaches(addr("127.0.0.1:8003"), addr("0.0.0.0:8003")));
        assert!(reaches(addr("10.1.2.3:8003"), addr("10.1.2.3:8003")));
        assert!(!reaches(addr("127.0.0.1:8003"), addr("127.0.0.1:8004")));
        assert!(!reaches(addr("127.0.0.1:8003"), addr("10.1.2.3:8003")));
        assert!(!reaches(addr("[::1]:8003"), addr("0.0.0.0:8003")));
        assert!(!reaches(addr("127.0.0.1:8003"), addr("[::]:8003")));
    }

    #[tokio::test]
    async fn an_offer_lasts_until_dropped_and_a_newer_one_replaces_it() {
        let at = addr("127.0.0.1:1");
        let base = "http://127.0.0.1:1";
        assert!(local(base).is_none());
        let first = offer(at, Router::new());
        assert!(local(base).is_some());
        // The port was bound again by a newer listener before the first offer went.
        let second = offer(at, Router::new());
        drop(first);
        assert!(
            local(base).is_some(),
            "the older offer took the newer one with it"
        );
        drop(second);
        assert!(local(base).is_none());
    }

    #[tokio::test]
    async fn the_callee_sees_the_peer_a_connection_would_have() {
        use axum::routing::get;
        let router = Router::new().route(
            "/peer",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.ip().to_string() }),
        );
        let _offer = offer(addr("0.0.0.0:2"), router);
        let local = local("http://127.0.0.1:2").unwrap();
        let response = local
            .call(Request::get("/peer").body(Body::empty()).unwrap())
            .await;
        let body = axum::body::to_bytes(response.into_body(), 100)
            .await
            .unwrap();
        assert_eq!(&body[..], b"127.0.0.1");
    }
}
