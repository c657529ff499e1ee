//! Calling another Pupero service's `/internal/` routes with a service token.
//!
//! An unreachable service becomes a 503 naming it (the caller's request may be retried);
//! the callee's own 4xx errors pass through unchanged, in our error shape.
//!
//! The callee may run as several replicas (a comma-separated base URL list): calls go
//! round robin over those in service ([`Replicas`]). A call whose connection failed never
//! reached a replica and goes to the next one; a GET that failed after that (a replica died
//! mid-answer, a 5xx) goes to the next one too; a POST does not, since it may have acted.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::StatusCode;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use pupero_api::error::ErrorBody;

use crate::exchange::{Failed, Outgoing, exchange};
use crate::{ApiError, JwtKeys, Replicas};

/// How often a callee's replicas are health-checked (when there are several).
const HEALTH_INTERVAL: Duration = Duration::from_secs(2);
/// The longest a call may take, its answer read whole.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct InternalClient {
    http: reqwest::Client,
    keys: JwtKeys,
    caller: &'static str,
    callee: &'static str,
    replicas: Replicas,
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
    crate::tls::install_crypto_provider();
    // The one place a client is built: the provider is installed just above.
    #[allow(clippy::disallowed_methods)]
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
    /// `base`: the callee's base URL, or its replicas' separated by commas.
    pub fn new(
        keys: JwtKeys,
        caller: &'static str,
        callee: &'static str,
        base: String,
    ) -> Result<Self, HttpClientError> {
        let http = build_client(
            &format!("{caller} → {callee}"),
            reqwest::Client::builder()
                .timeout(CALL_TIMEOUT)
                .connect_timeout(Duration::from_secs(2)),
        )?;
        let replicas = Replicas::new(callee, &base);
        replicas.watch_health(HEALTH_INTERVAL);
        Ok(Self {
            http,
            keys,
            caller,
            callee,
            replicas,
        })
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send(Method::GET, path, None).await
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let body = serde_json::to_vec(body).map_err(ApiError::internal)?;
        self.send(Method::POST, path, Some(body.into())).await
    }

    pub async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let body = serde_json::to_vec(body).map_err(ApiError::internal)?;
        self.send(Method::PUT, path, Some(body.into())).await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Bytes>,
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
        // The gateway's rule: an internal call carries no idempotency key, so this is the
        // method alone (a PUT replaces, so sending it again changes nothing more).
        let retry_after_sent =
            crate::replicas::safe_to_retry(&method, &axum::http::HeaderMap::new());
        // The same headers for every replica and either way of reaching it.
        let mut headers = axum::http::HeaderMap::new();
        let mut bearer = axum::http::HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(ApiError::internal)?;
        bearer.set_sensitive(true);
        headers.insert(axum::http::header::AUTHORIZATION, bearer);
        if body.is_some() {
            headers.insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json"),
            );
        }
        crate::trace::propagate(&mut headers);
        let mut outcome = Err(unavailable());
        for i in self.replicas.order() {
            let base = self.replicas.base(i);
            let request = Outgoing {
                method: method.clone(),
                path,
                headers: headers.clone(),
                body: body.clone(),
                limit: CALL_TIMEOUT,
            };
            let answer = match exchange(&self.http, base, request).await {
                Ok(answer) => answer,
                Err(failed) => {
                    tracing::warn!(callee = self.callee, replica = %base, error = %failed, "internal call failed");
                    match failed {
                        Failed::NotReached(_) => {
                            self.replicas.mark_down(i, "connection failed");
                            continue;
                        }
                        Failed::AfterSent(_) if retry_after_sent => continue,
                        Failed::AfterSent(_) => return Err(unavailable()),
                        Failed::Unsendable(e) => {
                            return Err(ApiError::internal(format!(
                                "a call to {} could not be made: {e}",
                                self.callee
                            )));
                        }
                    }
                }
            };
            outcome = self.answer(answer.status, &answer.body);
            if answer.status.is_server_error() && retry_after_sent {
                continue;
            }
            return outcome;
        }
        outcome
    }

    fn answer<T: DeserializeOwned>(&self, status: StatusCode, bytes: &[u8]) -> Result<T, ApiError> {
        if status.is_success() {
            return serde_json::from_slice(bytes).map_err(|e| {
                ApiError::internal(format!("{} answered unexpectedly: {e}", self.callee))
            });
        }
        if status.is_server_error() {
            return Err(ApiError::unavailable(format!(
                "the {} service is unavailable; try again shortly",
                self.callee
            )));
        }
        match serde_json::from_slice::<ErrorBody>(bytes) {
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

    #[tokio::test]
    async fn an_in_process_call_carries_the_token_and_a_malformed_path_downs_no_replica() {
        use axum::routing::get;
        let seed = crate::token::generate_seed();
        let keys = JwtKeys::from_keys(
            [("wallet", seed)],
            [("wallet", crate::token::public_key(&seed))],
        );
        let router = axum::Router::new().route(
            "/internal/echo",
            get(|headers: axum::http::HeaderMap| async move {
                axum::Json(headers.contains_key(axum::http::header::AUTHORIZATION))
            }),
        );
        let _offer = crate::in_process::offer("127.0.0.1:4".parse().unwrap(), router);
        let client =
            InternalClient::new(keys, "wallet", "transactions", "http://127.0.0.1:4".into())
                .unwrap();
        let carried: bool = client.get("/internal/echo").await.unwrap();
        assert!(carried, "the service token travels in process too");
        let error = client.get::<bool>("/internal/a b").await.unwrap_err();
        assert_eq!(error.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            client.replicas.is_up(0),
            "a call that could not be made is no replica's fault"
        );
    }

    #[test]
    fn a_well_formed_client_is_built() {
        let keys = JwtKeys::from_keys([], []);
        assert!(InternalClient::new(keys, "wallet", "transactions", "http://x/".into()).is_ok());
    }
}
