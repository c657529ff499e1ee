//! `GET /healthz` on the gateway: its own liveness plus every service's readiness.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use http_body_util::BodyExt;

use pupero_api::health::{HealthStatus, PlatformHealth, ServiceHealth, Upstream};

use crate::GatewayState;

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Always 200 while the gateway itself runs; `status` is `ok` when every service is ready
/// and `degraded` otherwise, with each service's own answer under `services` (for a service
/// run as several replicas, a ready one's).
pub async fn aggregate(State(state): State<GatewayState>) -> Json<PlatformHealth> {
    let checks = state.upstreams.iter().map(|(service, base)| {
        let client = state.client.clone();
        let uri = format!("{base}/healthz");
        async move {
            let seen = match check(&client, &uri).await {
                Ok((code, detail)) => Upstream {
                    status: if code == 200 {
                        HealthStatus::Ok
                    } else {
                        HealthStatus::Unavailable
                    },
                    detail,
                    reason: None,
                },
                Err(reason) => Upstream {
                    status: HealthStatus::Down,
                    detail: None,
                    reason: Some(reason.to_owned()),
                },
            };
            (service.name().to_owned(), seen)
        }
    });
    // A service with several replicas is ready when one of them is (the gateway sends
    // requests only to those in service).
    let mut services: BTreeMap<String, Upstream> = BTreeMap::new();
    for (name, seen) in futures::future::join_all(checks).await {
        match services.get(&name) {
            Some(kept) if kept.status == HealthStatus::Ok => {}
            _ => {
                services.insert(name, seen);
            }
        }
    }
    let all_ok = services.values().all(|u| u.status == HealthStatus::Ok);
    Json(PlatformHealth {
        status: if all_ok {
            HealthStatus::Ok
        } else {
            HealthStatus::Degraded
        },
        service: crate::SERVICE.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        services,
    })
}

/// Always over the socket, even to a service of this process: the check is that its
/// listener answers too.
async fn check(
    client: &hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        Body,
    >,
    uri: &str,
) -> Result<(u16, Option<ServiceHealth>), &'static str> {
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
    // An answer in another shape (not a Pupero service on that port) is no detail.
    Ok((code, serde_json::from_slice(&bytes).ok()))
}
