//! `GET /healthz`: liveness plus readiness. 200 when every dependency answers, 503 naming
//! the one that does not.

use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sea_orm::DatabaseConnection;

use pupero_api::health::{Check, HealthStatus, ServiceHealth};

const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

pub async fn database_health(service: &'static str, db: &DatabaseConnection) -> Response {
    let backend = pupero_db::backend_name(db);
    let db_ok = matches!(
        tokio::time::timeout(CHECK_TIMEOUT, pupero_db::ping(db)).await,
        Ok(Ok(()))
    );
    let (code, status) = if db_ok {
        (StatusCode::OK, HealthStatus::Ok)
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, HealthStatus::Unavailable)
    };
    let database = Check {
        status,
        backend: Some(backend.to_owned()),
        height: None,
    };
    let health = ServiceHealth {
        status,
        service: service.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        checks: [("database".to_owned(), database)].into(),
    };
    (code, Json(health)).into_response()
}
