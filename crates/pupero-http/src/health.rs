//! `GET /healthz`: liveness plus readiness. 200 when every dependency answers, 503 naming
//! the one that does not.

use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sea_orm::DatabaseConnection;
use serde_json::json;

const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

pub async fn database_health(service: &'static str, db: &DatabaseConnection) -> Response {
    let backend = pupero_db::backend_name(db);
    let db_ok = matches!(
        tokio::time::timeout(CHECK_TIMEOUT, pupero_db::ping(db)).await,
        Ok(Ok(()))
    );
    let status = if db_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if db_ok { "ok" } else { "unavailable" },
            "service": service,
            "version": env!("CARGO_PKG_VERSION"),
            "checks": { "database": { "status": if db_ok { "ok" } else { "unavailable" }, "backend": backend } },
        })),
    )
        .into_response()
}
