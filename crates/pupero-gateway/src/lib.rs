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

pub use routes::{Origin, Route, route_for};

pub const SERVICE: &str = "gateway";

/// Where each backend service lives: its configured URL, and that URL parsed once into
/// the origin every proxied request is sent to.
#[derive(Debug, Clone)]
pub struct Upstreams(Arc<Vec<(Service, String, Option<Origin>)>>);

impl Upstreams {
    /// The services this deployment runs: those in `deployed` (what this build serves),
    /// and any other whose `*_SERVICE_URL` is set. A service in neither is left out of
    /// the health report and the docs instead of being reported as down.
    pub fn from_settings(settings: &Settings, deployed: &[Service]) -> Self {
        Self(Arc::new(
            Service::BACKENDS
                .iter()
                .filter(|&&s| deployed.contains(&s) || settings.configured_service_url(s).is_some())
                .map(|&s| {
                    let url = settings.service_url(s);
                    let origin = Origin::parse(&url);
                    if origin.is_none() {
                        tracing::warn!(service = s.name(), "the service's URL is not an http(s) URL with a host and port; the gateway answers 502 for it");
                    }
                    (s, url, origin)
                })
                .collect(),
        ))
    }

    pub fn url(&self, service: Service) -> Option<&str> {
        self.0
            .iter()
            .find(|(s, _, _)| *s == service)
            .map(|(_, u, _)| u.as_str())
    }

    pub fn origin(&self, service: Service) -> Option<&Origin> {
        self.0
            .iter()
            .find(|(s, _, _)| *s == service)
            .and_then(|(_, _, o)| o.as_ref())
    }

    pub fn runs(&self, service: Service) -> bool {
        self.0.iter().any(|(s, _, _)| *s == service)
    }

    pub fn services(&self) -> Vec<Service> {
        self.0.iter().map(|(s, _, _)| *s).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = (Service, &str)> {
        self.0.iter().map(|(s, u, _)| (*s, u.as_str()))
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
    /// `deployed`: the backend services this deployment runs (see [`Upstreams::from_settings`]).
    pub fn new(settings: &Settings, keys: JwtKeys, deployed: &[Service]) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(Duration::from_secs(2)));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .build(connector);
        Self {
            client,
            upstreams: Upstreams::from_settings(settings, deployed),
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
    let documented = state.upstreams.services();
    let routes = axum::Router::new()
        .route("/healthz", get(health::aggregate))
        .route("/api-docs/services/{service}", get(docs::service_spec))
        .route("/{*path}", any(proxy::forward))
        .with_state(state)
        .merge(docs::swagger_ui(&documented));
    ServiceRouter {
        name: SERVICE,
        routes,
        metrics: None,
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
