//! Turning a service's routes into a served application with the common layers.

use crate::ErrorCode;
use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::classify::StatusInRangeAsFailures;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::OpenApi;

use crate::ApiError;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// JSON request bodies are small; anything bigger is refused before it is buffered, by
/// every service and, before forwarding, by the gateway.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// A service's routes (state already applied) and its OpenAPI document.
pub struct ServiceRouter {
    pub name: &'static str,
    pub routes: Router,
    pub openapi: OpenApi,
    /// The service's business metrics, shown after its HTTP series on `/metrics`.
    pub metrics: Option<crate::MetricSet>,
}

impl ServiceRouter {
    /// A service whose readiness is its database: adds `GET /healthz` (a database ping)
    /// and documents bearer-token auth in its OpenAPI.
    pub fn with_database(
        name: &'static str,
        routes: Router,
        mut openapi: OpenApi,
        db: sea_orm::DatabaseConnection,
    ) -> Self {
        document_bearer_auth(&mut openapi);
        let routes = routes.route(
            "/healthz",
            get(move || {
                let db = db.clone();
                async move { crate::health::database_health(name, &db).await }
            }),
        );
        Self {
            name,
            routes,
            openapi,
            metrics: None,
        }
    }

    /// Shows `metrics` on this service's `/metrics`.
    pub fn with_metrics(mut self, metrics: crate::MetricSet) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Adds `/metrics`, `/api-docs/openapi.json`, the JSON fallback and every common layer.
    /// The caller's routes include its own `/healthz`, since readiness differs per service.
    pub fn into_app(self) -> Router {
        let openapi = self.openapi;
        let routes = self
            .routes
            .route(
                "/api-docs/openapi.json",
                get(move || async move { axum::Json(openapi) }),
            )
            .fallback(not_found)
            .method_not_allowed_fallback(method_not_allowed);
        let app = with_common_layers(routes, self.name);
        match self.metrics {
            Some(metrics) => app.layer(axum::Extension(metrics)),
            None => app,
        }
    }
}

/// `/metrics` and the layers every service has: per-route metrics, the body limit, panic
/// → 500, a tracing span with the request id and trace id (see [`crate::trace`]), and
/// sensitive headers kept out of logs.
pub fn with_common_layers(routes: Router, service: &'static str) -> Router {
    // Installed before the first request, or the counters of early requests are lost.
    crate::observe::prometheus();
    // 500 and 501 are our faults, logged at ERROR. 502–504 mean a dependency is down; the
    // code that met it warns once, and a page that merely passes the news on (say, a
    // wallet that is not configured) must not flood the log with errors.
    let failures = StatusInRangeAsFailures::new(500..=501).into_make_classifier();
    let trace = TraceLayer::new(failures).make_span_with(move |req: &axum::http::Request<_>| {
        let id = req
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        let trace_id = req
            .headers()
            .get(&crate::trace::TRACEPARENT)
            .and_then(|v| v.to_str().ok())
            .and_then(|t| t.get(3..35))
            .unwrap_or("-");
        let (method, uri) = (req.method(), req.uri().path());
        tracing::info_span!("request", service, method = %method, uri = %uri, request_id = %id, trace_id = %trace_id)
    });
    routes
        .route(
            "/metrics",
            get(move |auth, own, headers| {
                crate::observe::metrics_handler(service, auth, own, headers)
            }),
        )
        .layer(axum::middleware::from_fn_with_state(
            service,
            crate::observe::track,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal("handler panicked").into_response()
        }))
        .layer(trace)
        .layer(axum::middleware::from_fn(crate::trace::carry))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(SetSensitiveRequestHeadersLayer::new([
            axum::http::header::AUTHORIZATION,
            axum::http::header::COOKIE,
        ]))
}

async fn not_found() -> Response {
    ApiError::not_found("no such route").into_response()
}

async fn method_not_allowed() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "this route does not accept that method",
    )
    .into_response()
}

/// Serves `app` until `shutdown` resolves, with peer addresses available to extractors.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Without TCP_NODELAY, a response written in two pieces waits for the client's delayed
    // ACK (40 ms on Linux) before its second piece leaves.
    let listener = listener.tap_io(|stream| {
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set on an accepted connection");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Declares the security schemes: `bearer` (the access token the handlers'
/// `security(("bearer" = []))` refer to, so the interactive docs offer "Authorize"), and
/// the two ways a bot's API key is presented. Which routes take a key (and which must be
/// signed) is the gateway's list; its `/docs` adds them to each route.
pub fn document_bearer_auth(openapi: &mut OpenApi) {
    use utoipa::openapi::security::{
        ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
    };
    let components = openapi.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    components.add_security_scheme(
        "api_key",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "Authorization",
            "A personal API key: `Authorization: ApiKey pup_<id>_<secret>` (made at \
             POST /auth/api-keys). The key acts as its owner with only its scopes (read, \
             trade, withdraw). Calls that move money refuse it unsigned: see signed_api_key.",
        ))),
    );
    components.add_security_scheme(
        "signed_api_key",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-Pupero-Signature",
            "The signature an API key call must carry where money moves (beside api_key, \
             where `Authorization: ApiKey pup_<id>`, the key's public part, is then enough): \
             `X-Pupero-Timestamp` (Unix seconds, within \
             300 s of the server), `X-Pupero-Nonce` (16-64 of [A-Za-z0-9_-], once per key) \
             and `X-Pupero-Signature`: lower-case hex HMAC-SHA256, keyed with the whole \
             key, of `METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY` (the path as sent to the \
             gateway). Missing, wrong, stale or replayed signatures answer 401 \
             signature_required, invalid_signature, stale_signature or nonce_reused.",
        ))),
    );
}
