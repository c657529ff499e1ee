//! The API gateway (:8000): the one public entry to the API. It routes by path prefix to
//! the services, refuses anything under `/internal/`, checks the admin role for the
//! wallet routes, and answers for services that are down in the common JSON error shape
//! without revealing where they live.

mod docs;
mod health;
mod proxy;
mod routes;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::FromRef;
use axum::routing::{any, get};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use pupero_config::{Service, Settings};
use pupero_http::{JwtKeys, ServiceRouter, TrustedProxies};

pub use routes::{Route, route_for};

pub const SERVICE: &str = "gateway";

/// Where each backend service lives.
#[derive(Debug, Clone)]
pub struct Upstreams(Arc<Vec<(Service, String)>>);

impl Upstreams {
    pub fn from_settings(settings: &Settings) -> Self {
        Self(Arc::new(
            Service::BACKENDS
                .iter()
                .map(|&s| (s, settings.service_url(s)))
                .collect(),
        ))
    }

    pub fn url(&self, service: Service) -> Option<&str> {
        self.0
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, u)| u.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (Service, &str)> {
        self.0.iter().map(|(s, u)| (*s, u.as_str()))
    }
}

#[derive(Clone)]
pub struct GatewayState {
    pub(crate) client: Client<HttpConnector, Body>,
    pub(crate) upstreams: Upstreams,
    pub(crate) keys: JwtKeys,
    pub(crate) timeout: Duration,
    pub(crate) trusted: TrustedProxies,
}

impl GatewayState {
    pub fn new(settings: &Settings, keys: JwtKeys) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(Duration::from_secs(2)));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .build(connector);
        Self {
            client,
            upstreams: Upstreams::from_settings(settings),
            keys,
            timeout: Duration::from_secs(settings.gateway_timeout_seconds.max(1)),
            trusted: TrustedProxies(Arc::new(settings.gateway_trusted_proxies.clone())),
        }
    }
}

impl FromRef<GatewayState> for JwtKeys {
    fn from_ref(state: &GatewayState) -> Self {
        state.keys.clone()
    }
}

impl FromRef<GatewayState> for TrustedProxies {
    fn from_ref(state: &GatewayState) -> Self {
        state.trusted.clone()
    }
}

pub fn router(state: GatewayState) -> ServiceRouter {
    let routes = axum::Router::new()
        .route("/healthz", get(health::aggregate))
        .route("/api-docs/services/{service}", get(docs::service_spec))
        .route("/{*path}", any(proxy::forward))
        .with_state(state)
        .merge(docs::swagger_ui());
    ServiceRouter {
        name: SERVICE,
        routes,
        openapi: utoipa::openapi::OpenApiBuilder::new()
            .info(
                utoipa::openapi::InfoBuilder::new()
                    .title("Pupero API gateway")
                    .version(env!("CARGO_PKG_VERSION"))
                    .build(),
            )
            .build(),
    }
}
