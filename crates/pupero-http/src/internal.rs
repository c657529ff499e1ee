//! Calling another Pupero service's `/internal/` routes with a service token.
//!
//! An unreachable service becomes a 503 naming it (the caller's request may be retried);
//! the callee's own 4xx errors pass through unchanged, in our error shape.

use std::time::Duration;

use axum::http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

use pupero_api::error::ErrorBody;

use crate::{ApiError, JwtKeys};

#[derive(Clone)]
pub struct InternalClient {
    http: reqwest::Client,
    keys: JwtKeys,
    caller: &'static str,
    callee: &'static str,
    base: String,
}

/// An HTTP client could not be built (its TLS backend, or the system's proxy settings).
/// Construction fails, and with it the start: a fallback client would run without the
/// configured timeouts, and a call to a hung service would then hang with it.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client for {client}: {source}")]
pub struct HttpClientError {
    client: String,
    #[source]
    source: reqwest::Error,
}

/// Builds a configured client, or says which one could not be built.
pub fn build_client(
    client: &str,
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::Client, HttpClientError> {
    builder.build().map_err(|source| HttpClientError {
        client: client.to_owned(),
        source,
    })
}

impl From<HttpClientError> for pupero_config::ConfigError {
    fn from(e: HttpClientError) -> Self {
        pupero_config::ConfigError::HttpClient(e.to_string())
    }
}

impl InternalClient {
    pub fn new(
        keys: JwtKeys,
        caller: &'static str,
        callee: &'static str,
        base: String,
    ) -> Result<Self, HttpClientError> {
        let http = build_client(
            &format!("{caller} → {callee}"),
            reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .connect_timeout(Duration::from_secs(2)),
        )?;
        Ok(Self {
            http,
            keys,
            caller,
            callee,
            base: base.trim_end_matches('/').to_owned(),
        })
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

    pub async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        self.send(self.http.put(format!("{}{path}", self.base)).json(body))
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
                let mut err = ApiError::new(status, body.error.code, body.error.message);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_that_cannot_be_built_is_an_error_naming_it() {
        // An invalid header value is only reported by `build()`.
        let builder = reqwest::Client::builder().user_agent("bad\nagent");
        let error = build_client("wallet → transactions", builder).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot build the HTTP client for wallet → transactions"),
            "{error}"
        );
        let config: pupero_config::ConfigError = error.into();
        assert!(config.to_string().contains("wallet → transactions"));
    }

    #[test]
    fn a_well_formed_client_is_built() {
        let keys = JwtKeys::from_keys([], []);
        assert!(InternalClient::new(keys, "wallet", "transactions", "http://x/".into()).is_ok());
    }
}
