//! `GET /healthz` on the gateway: its own liveness plus every service's readiness.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use http_body_util::BodyExt;
use serde_json::{Value, json};

use crate::GatewayState;

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Always 200 while the gateway itself runs; `status` is `ok` when every service is ready
/// and `degraded` otherwise, with each service's own answer under `services`.
pub async fn aggregate(State(state): State<GatewayState>) -> Json<Value> {
    let checks = state.upstreams.iter().map(|(service, base)| {
        let client = state.client.clone();
        let uri = format!("{base}/healthz");
        async move {
            let detail = match check(&client, &uri).await {
                Ok((code, body)) => {
                    let status = if code == 200 { "ok" } else { "unavailable" };
                    json!({ "status": status, "detail": body })
                }
                Err(reason) => json!({ "status": "down", "reason": reason }),
            };
            (service.name(), detail)
        }
    });
    let results: BTreeMap<&str, Value> = futures::future::join_all(checks)
        .await
        .into_iter()
        .collect();
    let all_ok = results.values().all(|v| v["status"] == "ok");
    Json(json!({
        "status": if all_ok { "ok" } else { "degraded" },
        "service": crate::SERVICE,
        "version": env!("CARGO_PKG_VERSION"),
        "services": results,
    }))
}

async fn check(
    client: &hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        Body,
    >,
    uri: &str,
) -> Result<(u16, Value), &'static str> {
    let request = axum::http::Request::get(uri)
        .body(Body::empty())
        .map_err(|_| "bad url")?;
    let response = tokio::time::timeout(CHECK_TIMEOUT, client.request(request))
        .await
        .map_err(|_| "timeout")?
        .map_err(|_| "unreachable")?;
    let code = response.status().as_u16();
    let bytes = tokio::time::timeout(CHECK_TIMEOUT, response.into_body().collect())
        .await
        .map_err(|_| "timeout")?
        .map_err(|_| "unreadable")?
        .to_bytes();
    Ok((code, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
}
