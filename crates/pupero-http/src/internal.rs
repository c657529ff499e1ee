//! Calling another Pupero service's `/internal/` routes with a service token.
//!
//! An unreachable service becomes a 503 naming it (the caller's request may be retried);
//! the callee's own 4xx errors pass through unchanged, in our error shape.

use std::time::Duration;

use axum::http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{ApiError, ErrorCode, JwtKeys};

#[derive(Clone)]
pub struct InternalClient {
    http: reqwest::Client,
    keys: JwtKeys,
    caller: &'static str,
    callee: &'static str,
    base: String,
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(serde::Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
    field: Option<String>,
}

impl InternalClient {
    pub fn new(keys: JwtKeys, caller: &'static str, callee: &'static str, base: String) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(2))
            .build()
            .unwrap_or_default();
        Self {
            http,
            keys,
            caller,
            callee,
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        self.send(self.http.post(format!("{}{path}", self.base)).json(body))
            .await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, ApiError> {
        let token = self
            .keys
            .service_credential(self.caller)
            .map_err(ApiError::internal)?;
        let unavailable = || {
            ApiError::unavailable(format!(
                "the {} service is unavailable; try again shortly",
                self.callee
            ))
        };
        let response = request.bearer_auth(token).send().await.map_err(|e| {
            tracing::warn!(callee = self.callee, error = %e, "internal call failed");
            unavailable()
        })?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|_| unavailable())?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| {
                ApiError::internal(format!("{} answered unexpectedly: {e}", self.callee))
            });
        }
        if status.is_server_error() {
            return Err(unavailable());
        }
        match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(body) => {
                let status =
                    StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_REQUEST);
                let mut err = ApiError::new(
                    status,
                    body.error.code.parse().unwrap_or(ErrorCode::UpstreamError),
                    body.error.message,
                );
                err.field = body.error.field;
                Err(err)
            }
            Err(_) => Err(ApiError::internal(format!(
                "{} answered {status}",
                self.callee
            ))),
        }
    }
}
