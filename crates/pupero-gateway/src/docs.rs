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
    document_key_access(service, &mut spec);
    Json(spec).into_response()
}

/// Adds to every route that takes a token the API-key schemes the gateway's list allows
/// there (`api_key` and `signed_api_key` together, where money moves), and the scope it needs as
/// `x-api-key-scope`; a route no key may call says so in `x-api-key`.
fn document_key_access(service: Service, spec: &mut Value) {
    use crate::key_policy::{KeyAccess, key_access};
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, operations) in paths.iter_mut() {
        let Some(operations) = operations.as_object_mut() else {
            continue;
        };
        for (method, operation) in operations.iter_mut() {
            let Ok(parsed) = axum::http::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            else {
                continue;
            };
            let Some(operation) = operation.as_object_mut() else {
                continue;
            };
            let Some(security) = operation.get_mut("security").and_then(Value::as_array_mut) else {
                continue;
            };
            match key_access(service, &parsed, path) {
                KeyAccess::Allowed {
                    scope,
                    money_moving,
                } => {
                    // One requirement object with both schemes means both are needed.
                    security.push(if money_moving {
                        json!({ "api_key": [], "signed_api_key": [] })
                    } else {
                        json!({ "api_key": [] })
                    });
                    operation.insert("x-api-key-scope".into(), json!(scope.as_str()));
                    operation.insert("x-api-key-signed".into(), json!(money_moving));
                }
                KeyAccess::Refused(reason) => {
                    operation.insert("x-api-key".into(), json!(format!("refused: {reason}")));
                }
            }
        }
    }
}
