//! Following one request across services: its `x-request-id` and its W3C trace context
//! (`traceparent`, <https://www.w3.org/TR/trace-context/>) travel gateway → service →
//! service calls → the withdrawal queue message → the wallet worker, and every log line on
//! that path carries both (`request_id`, `trace_id` in the request's span).
//!
//! A service makes a `traceparent` when the request has none (or a malformed one), keeps
//! the caller's trace id otherwise, and passes it on in the calls it makes.

use std::future::Future;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::service::REQUEST_ID;

pub const TRACEPARENT: HeaderName = HeaderName::from_static(TRACEPARENT_NAME);
/// The header names as text (for message headers).
pub const TRACEPARENT_NAME: &str = "traceparent";
pub const REQUEST_ID_NAME: &str = "x-request-id";

tokio::task_local! {
    static CURRENT: TraceContext;
}

/// The request id and trace context of the request (or queued job) being handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    pub request_id: String,
    pub traceparent: String,
}

impl TraceContext {
    /// The context of the request this task is handling, if any.
    pub fn current() -> Option<Self> {
        CURRENT.try_with(Clone::clone).ok()
    }

    /// From stored or received fields; a missing or malformed traceparent starts a trace.
    pub fn from_parts(request_id: Option<&str>, traceparent: Option<&str>) -> Self {
        let traceparent = traceparent
            .filter(|t| is_valid(t))
            .map_or_else(new_traceparent, str::to_owned);
        let request_id = request_id
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
        Self {
            request_id,
            traceparent,
        }
    }

    fn from_headers(headers: &HeaderMap) -> Self {
        let get = |name: &HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
        Self::from_parts(get(&REQUEST_ID), get(&TRACEPARENT))
    }

    /// The 32 hex digits naming the whole trace.
    pub fn trace_id(&self) -> &str {
        self.traceparent.get(3..35).unwrap_or_default()
    }

    /// Runs `f` with this as the current context.
    pub async fn scope<F: Future>(self, f: F) -> F::Output {
        CURRENT.scope(self, f).await
    }

    /// A span carrying both fields, for work done outside a request (a queued job).
    pub fn span(&self, name: &'static str) -> tracing::Span {
        tracing::info_span!("job", job = name, request_id = %self.request_id, trace_id = %self.trace_id())
    }
}

/// Adds the current request's id and trace context to an outgoing call's headers.
pub fn propagate(headers: &mut HeaderMap) {
    if let Some(c) = TraceContext::current() {
        for (name, value) in [(REQUEST_ID, c.request_id), (TRACEPARENT, c.traceparent)] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
    }
}

/// Middleware: makes sure the request carries a valid `traceparent` (so the gateway passes
/// the same one on) and handles it with its [`TraceContext`] current.
pub async fn carry(mut req: Request, next: Next) -> Response {
    let context = TraceContext::from_headers(req.headers());
    if let Ok(v) = HeaderValue::from_str(&context.traceparent) {
        req.headers_mut().insert(TRACEPARENT, v);
    }
    context.scope(next.run(req)).await
}

/// `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`, ids not all zero.
fn is_valid(t: &str) -> bool {
    let parts: Vec<&str> = t.trim().split('-').collect();
    let [version, trace, parent, flags] = parts.as_slice() else {
        return false;
    };
    let hex = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    *version == "00"
        && hex(trace, 32)
        && hex(parent, 16)
        && hex(flags, 2)
        && trace.bytes().any(|b| b != b'0')
        && parent.bytes().any(|b| b != b'0')
}

fn new_traceparent() -> String {
    let trace: u128 = rand::random::<u128>().max(1);
    let parent: u64 = rand::random::<u64>().max(1);
    format!("00-{trace:032x}-{parent:016x}-01")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_traceparent_is_kept_and_a_bad_one_replaced() {
        let good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let c = TraceContext::from_parts(Some("req-1"), Some(good));
        assert_eq!(c.traceparent, good);
        assert_eq!(c.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(c.request_id, "req-1");
        for bad in [
            "",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        ] {
            let c = TraceContext::from_parts(None, Some(bad));
            assert!(is_valid(&c.traceparent), "{}", c.traceparent);
            assert_ne!(c.traceparent, bad);
            assert!(!c.request_id.is_empty());
        }
    }
}
