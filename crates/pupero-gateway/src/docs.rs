//! `/docs`: one interactive page over every service's live OpenAPI document, each
//! rewritten to be tried through the gateway (its `servers` set to the gateway prefix).

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use utoipa_swagger_ui::{Config, SwaggerUi, Url};

use pupero_config::Service;
use pupero_http::{ApiError, ApiPath, ErrorCode};

use crate::GatewayState;

/// The gateway prefix under which each service is reached.
fn prefix(service: Service) -> &'static str {
    match service {
        Service::Login => "/auth",
        Service::Offers => "/",
        Service::Transactions => "/transactions",
        Service::Wallet => "/monero",
        Service::Moderation => "/moderation",
        Service::Frontend | Service::Gateway => "/",
    }
}

/// The docs page, listing the services this deployment runs.
pub fn swagger_ui(services: &[Service]) -> axum::Router {
    let urls: Vec<Url<'static>> = services
        .iter()
        .map(|s| {
            let url: &'static str =
                Box::leak(format!("/api-docs/services/{}", s.name()).into_boxed_str());
            Url::new(s.name(), url)
        })
        .collect();
    SwaggerUi::new("/docs").config(Config::new(urls)).into()
}

pub async fn service_spec(
    State(state): State<GatewayState>,
    ApiPath(name): ApiPath<String>,
) -> Response {
    let Some(service) = Service::BACKENDS.into_iter().find(|s| s.name() == name) else {
        return ApiError::not_found("no such service").into_response();
    };
    let Some(base) = state.upstreams.any_base(service) else {
        return ApiError::not_found(format!("the {name} service is not part of this deployment"))
            .into_response();
    };
    let unavailable = || {
        ApiError::new(
            axum::http::StatusCode::BAD_GATEWAY,
            ErrorCode::BadGateway,
            format!("the {name} service is unavailable"),
        )
        .into_response()
    };
    let Ok(request) =
        axum::http::Request::get(format!("{base}/api-docs/openapi.json")).body(Body::empty())
    else {
        return unavailable();
    };
    let Ok(Ok(response)) = tokio::time::timeout(state.timeout, state.client.request(request)).await
    else {
        return unavailable();
    };
    let Ok(collected) = response.into_body().collect().await else {
        return unavailable();
    };
    let Ok(mut spec) = serde_json::from_slice::<Value>(&collected.to_bytes()) else {
        return unavailable();
    };
    if let Some(spec) = spec.as_object_mut() {
        spec.insert("servers".into(), json!([{ "url": prefix(service) }]));
    }
    Json(spec).into_response()
}
