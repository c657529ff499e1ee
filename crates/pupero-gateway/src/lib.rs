//! The API gateway (:8000): the one public entry to the API. It routes by path prefix to
//! the services, refuses anything under `/internal/`, checks the admin role for the
//! wallet routes, and answers for services that are down in the common JSON error shape
//! without revealing where they live.

mod docs;
mod health;
pub mod key_policy;
mod proxy;
pub mod rate_limit;
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
use pupero_http::{
    HttpClientError, InternalClient, JwtKeys, MetricSet, Replicas, ServiceRouter, SharedLimiter,
    TrustedProxies,
};

pub use routes::{Origin, Route, route_for};

pub const SERVICE: &str = "gateway";

/// Where each backend service lives: its configured URL (one base URL, or its replicas'
/// separated by commas), those replicas parsed once into the origins proxied requests are
/// sent to, and which of them are in service.
#[derive(Debug, Clone)]
pub struct Upstreams(Arc<Vec<Upstream>>);

#[derive(Debug)]
pub struct Upstream {
    service: Service,
    url: String,
    pub(crate) replicas: Replicas,
    /// One per replica, in the same order; `None` for a URL that is not usable.
    pub(crate) origins: Vec<Option<Origin>>,
}

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
                    let replicas = Replicas::new(s.name(), &url);
                    let origins: Vec<Option<Origin>> =
                        replicas.bases().iter().map(|b| Origin::parse(b)).collect();
                    if origins.is_empty() || origins.iter().any(Option::is_none) {
                        tracing::warn!(service = s.name(), "a replica URL of the service is not an http(s) URL with a host and port; the gateway answers 502 for it");
                    }
                    replicas.watch_health(Duration::from_secs(
                        settings.replica_health_interval_seconds,
                    ));
                    Upstream {
                        service: s,
                        url,
                        replicas,
                        origins,
                    }
                })
                .collect(),
        ))
    }

    fn get(&self, service: Service) -> Option<&Upstream> {
        self.0.iter().find(|u| u.service == service)
    }

    /// The service's configured URL (its replicas separated by commas).
    pub fn url(&self, service: Service) -> Option<&str> {
        self.get(service).map(|u| u.url.as_str())
    }

    /// A base URL to ask the service something (its first replica in service).
    pub fn any_base(&self, service: Service) -> Option<&str> {
        let u = self.get(service)?;
        let i = (0..u.replicas.len())
            .find(|&i| u.replicas.is_up(i))
            .unwrap_or(0);
        u.replicas.bases().get(i).map(String::as_str)
    }

    pub(crate) fn upstream(&self, service: Service) -> Option<&Upstream> {
        self.get(service)
    }

    pub fn runs(&self, service: Service) -> bool {
        self.get(service).is_some()
    }

    pub fn services(&self) -> Vec<Service> {
        self.0.iter().map(|u| u.service).collect()
    }

    /// Every replica of every service: (service, replica base URL).
    pub fn iter(&self) -> impl Iterator<Item = (Service, &str)> {
        self.0.iter().flat_map(|u| {
            u.replicas
                .bases()
                .iter()
                .map(move |b| (u.service, b.as_str()))
        })
    }
}

#[derive(Clone)]
pub struct GatewayState {
    pub(crate) client: Client<HttpConnector, Body>,
    pub(crate) upstreams: Upstreams,
    pub(crate) keys: JwtKeys,
    pub(crate) timeout: Duration,
    pub(crate) trusted: TrustedProxies,
    /// Checks presented API keys (login owns them) and mints the token a key call is
    /// forwarded with.
    pub(crate) login: InternalClient,
    /// Per client address; `None` when GATEWAY_RATE_PER_MINUTE is 0.
    pub(crate) limiter: Option<Arc<rate_limit::RateLimiter>>,
    /// Shown on the gateway's `/metrics` (the shared budget's Redis fallbacks).
    pub(crate) metrics: MetricSet,
    /// EVIDENCE_MAX_BYTES: the one kind of request body allowed past BODY_LIMIT_BYTES.
    pub(crate) evidence_max_bytes: usize,
}

impl GatewayState {
    /// `deployed`: the backend services this deployment runs (see [`Upstreams::from_settings`]).
    pub fn new(
        settings: &Settings,
        keys: JwtKeys,
        deployed: &[Service],
    ) -> Result<Self, HttpClientError> {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(Duration::from_secs(2)));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .build(connector);
        let login = InternalClient::new(
            keys.clone(),
            SERVICE,
            "login",
            settings.service_url(Service::Login),
        )?;
        let metrics = MetricSet::new();
        let limiter = rate_limit::RateLimiter::per_minute(settings.gateway_rate_per_minute)
            .map(|local| shared_budget(local, settings, &metrics))
            .map(Arc::new);
        Ok(Self {
            client,
            upstreams: Upstreams::from_settings(settings, deployed),
            keys,
            timeout: Duration::from_secs(settings.gateway_timeout_seconds.max(1)),
            trusted: TrustedProxies(Arc::new(settings.gateway_trusted_proxies.clone())),
            login,
            limiter,
            metrics,
            evidence_max_bytes: usize::try_from(settings.evidence_max_bytes).unwrap_or(usize::MAX),
        })
    }
}

/// The budget counted in Redis when `RATE_LIMIT_REDIS_URL` is set, else in this process.
fn shared_budget(
    local: rate_limit::RateLimiter,
    settings: &Settings,
    metrics: &MetricSet,
) -> rate_limit::RateLimiter {
    let Some(url) = &settings.rate_limit_redis_url else {
        return local;
    };
    match SharedLimiter::new(url.expose(), &settings.rate_limit_redis_prefix) {
        Ok(shared) => {
            local.shared_through(shared.reporting_to(metrics, &[rate_limit::SHARED_KIND]))
        }
        // The setting is checked when it is read; this is only a second look.
        Err(e) => {
            tracing::error!(error = %e, "the gateway's budget stays per replica");
            local
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
    let metrics = state.metrics.clone();
    let limited = state.clone();
    let routes = axum::Router::new()
        .route("/healthz", get(health::aggregate))
        .route("/api-docs/services/{service}", get(docs::service_spec))
        .route("/{*path}", any(proxy::forward))
        .with_state(state)
        .merge(docs::swagger_ui(&documented))
        .layer(axum::middleware::from_fn_with_state(
            limited,
            proxy::rate_limit,
        ));
    ServiceRouter {
        name: SERVICE,
        routes,
        metrics: Some(metrics),
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
