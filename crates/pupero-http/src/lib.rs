//! The kit every Pupero HTTP service is built from: one JSON error shape, request parsing
//! that answers in that shape, token verification as extractors, client IPs behind the
//! gateway, request ids, metrics, health and OpenAPI.

pub mod audit;
pub mod auth;
pub mod authority;
pub mod client_ip;
pub mod error;
pub mod exchange;
pub mod extract;
pub mod health;
pub mod idempotency;
pub mod in_process;
pub mod internal;
pub mod lease;
pub mod metric_set;
pub mod observe;
pub mod paging;
pub mod periodic;
pub mod replicas;
pub mod security;
pub mod service;
pub mod shared_limits;
pub mod token;
pub mod trace;

pub mod tls;

pub use auth::{ActiveUser, AdminUser, AuthUser, ModeratorUser, ServiceCaller, internal_route};
pub use authority::{AccountAuthority, Standing, StandingSource};
pub use client_ip::{ClientIp, TrustedProxies};
pub use error::{ApiError, ApiResult, ErrorCode};
pub use extract::{ApiJson, ApiPath, ApiQuery};
pub use idempotency::IdempotencyKey;
pub use internal::{HttpClientError, InternalClient, build_client};
pub use lease::{JobLease, Leases};
pub use metric_set::MetricSet;
pub use observe::MetricsAuth;
pub use paging::{Page, PageQuery};
pub use replicas::Replicas;
pub use security::SecurityEvent;
pub use service::{ServiceRouter, serve, with_common_layers};
pub use shared_limits::{SharedLimiter, Spent};
pub use token::{Claims, IssuedToken, JwtKeys, KeyError, TokenKind};
pub use trace::TraceContext;

/// An epoch-milliseconds timestamp as RFC 3339 UTC, the format every API answers with.
pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
