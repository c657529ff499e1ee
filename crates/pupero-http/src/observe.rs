//! Prometheus metrics: one recorder per process (all services of `pupero up` share it and
//! are told apart by the `service` label), fed by a middleware keyed on the matched route
//! so ids in paths do not explode the label space.

use crate::ErrorCode;
use crate::metric_set::MetricSet;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::Extension;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Installs the process-wide recorder on first use.
pub fn prometheus() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".into()),
                    LATENCY_BUCKETS,
                )
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => Some(handle),
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

/// The scraper credential `/metrics` asks for, added to every service's requests as an
/// extension by whoever composes the services. Without it (or with `None`), `/metrics`
/// answers 404: metrics are never public by default.
#[derive(Clone, Default)]
pub struct MetricsAuth(pub Option<Arc<str>>);

impl MetricsAuth {
    pub fn new(token: Option<&str>) -> Self {
        Self(token.map(Arc::from))
    }

    fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(expected) = self.0.as_deref() else {
            return false;
        };
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        presented.is_some_and(|p| constant_time_eq(p.as_bytes(), expected.as_bytes()))
    }
}

/// Compares without stopping at the first difference, so timing tells nothing about how
/// much of a guess was right (the length is not a secret).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `/metrics` of `service`: its HTTP series (the process-wide recorder, kept to this
/// service's `service` label so a scrape of each port of `pupero up` does not count every
/// request five times) followed by the service's own [`MetricSet`], if it has one.
pub async fn metrics_handler(
    service: &'static str,
    auth: Option<Extension<MetricsAuth>>,
    own: Option<Extension<MetricSet>>,
    headers: HeaderMap,
) -> Response {
    let auth = auth.map(|Extension(a)| a).unwrap_or_default();
    if auth.0.is_none() {
        return crate::ApiError::not_found("no such route").into_response();
    }
    if !auth.admits(&headers) {
        let mut response = crate::ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "metrics need the scraper's bearer token (METRICS_TOKEN)",
        )
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return response;
    }
    match prometheus() {
        Some(handle) => {
            handle.run_upkeep();
            let mut text = only_service(&handle.render(), service);
            if let Some(Extension(own)) = own {
                text.push_str(&own.render());
            }
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
        }
        None => crate::ApiError::unavailable("metrics are not available").into_response(),
    }
}

/// The method as a static label (no allocation per request); anything unusual is `other`.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The lines of `text` that are comments or samples of `service` (or of no service).
fn only_service(text: &str, service: &str) -> String {
    let own = format!("service=\"{service}\"");
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if line.starts_with('#') || !line.contains("service=\"") || line.contains(&own) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Counts requests by route and status and records their latency.
pub async fn track(State(service): State<&'static str>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total",
        "service" => service, "method" => method, "route" => route.clone(), "status" => status)
    .increment(1);
    metrics::histogram!("http_request_duration_seconds",
        "service" => service, "method" => method, "route" => route)
    .record(started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn bearer(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(&format!("Bearer {token}")) {
            headers.insert(header::AUTHORIZATION, v);
        }
        headers
    }

    // issue 9 item 11: without a configured token, metrics are not served at all.
    #[tokio::test]
    async fn metrics_without_a_configured_token_are_not_served() {
        for auth in [None, Some(Extension(MetricsAuth::new(None)))] {
            let response = metrics_handler("login", auth, None, bearer("anything")).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND);
        }
    }

    #[tokio::test]
    async fn metrics_want_exactly_the_configured_token() {
        let auth = || Some(Extension(MetricsAuth::new(Some("s3cret-token"))));
        for wrong in ["", "s3cret-toke", "s3cret-token2", "S3CRET-TOKEN"] {
            let response = metrics_handler("login", auth(), None, bearer(wrong)).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{wrong:?}");
        }
        let response = metrics_handler("login", auth(), None, HeaderMap::new()).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let response = metrics_handler("login", auth(), None, bearer("s3cret-token")).await;
        assert_ne!(response.status(), StatusCode::UNAUTHORIZED);
        assert_ne!(response.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn a_service_shows_only_its_own_http_series() {
        let text = "# TYPE http_requests_total counter\n\
            http_requests_total{service=\"login\",route=\"/login\"} 3\n\
            http_requests_total{service=\"offers\",route=\"/offers\"} 9\n\
            other_total 1\n";
        let own = only_service(text, "login");
        assert!(own.contains("service=\"login\""));
        assert!(!own.contains("service=\"offers\""));
        assert!(own.contains("# TYPE http_requests_total counter"));
        assert!(own.contains("other_total 1"));
    }
}
