//! One error shape for every service: `{"error": {"code", "message", "field"?}}`.
//!
//! Codes are stable and machine-readable (a UI may translate them): [`ErrorCode`] is the
//! whole list, and docs/ARCHITECTURE.md lists the same words (a test compares them).
//! Messages are for people and never carry internal details such as SQL, URLs or stack
//! traces; the cause of a 500 travels with the error and is logged once, when the
//! response is built.

use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pupero_api::error::{ErrorBody, ErrorDetail};
use pupero_core::IdentityError;

pub use pupero_api::ErrorCode;

pub type ApiResult<T> = Result<T, ApiError>;

/// The cause of an internal error, kept for the log.
pub type Cause = Arc<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    pub retry_after_secs: Option<u64>,
    /// Further named facts in the error object (e.g. a login's `mfa_token`).
    pub extra: Vec<(&'static str, String)>,
    /// What went wrong inside, for a 500: logged with its chain, never sent.
    pub cause: Option<Cause>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after_secs: None,
            extra: Vec::new(),
            cause: None,
        }
    }

    pub fn with_extra(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.extra.push((name, value.into()));
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }

    /// A field that parsed but breaks a rule: 422 naming the field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidField,
            message,
        )
        .with_field(field)
    }

    pub fn unauthorized(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }

    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 429 with `Retry-After`; the message says how long, so a person locked out of
    /// their account knows when to come back.
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        let secs = retry_after_secs.max(1);
        Self {
            retry_after_secs: Some(secs),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                format!("too many attempts; try again in {}", how_long(secs)),
            )
        }
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::ServiceUnavailable,
            message,
        )
    }

    /// Something went wrong on our side. The cause goes to the log when (and only if) the
    /// error becomes a response; the client sees a bare 500.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self {
            cause: Some(Arc::from(cause.into())),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "an internal error occurred",
            )
        }
    }

    /// The cause and its sources, `outer: inner: innermost`.
    pub fn cause_chain(&self) -> Option<String> {
        let cause = self.cause.as_deref()?;
        let mut text = cause.to_string();
        let mut next = cause.source();
        while let Some(inner) = next {
            text.push_str(": ");
            text.push_str(&inner.to_string());
            next = inner.source();
        }
        Some(text)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(cause) = self.cause_chain() {
            tracing::error!(code = %self.code, error = %cause, "internal error");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                field: self.field,
                extra: self
                    .extra
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
            },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(v) = self
            .retry_after_secs
            .and_then(|secs| HeaderValue::from_str(&secs.to_string()).ok())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        if pupero_db::is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            Self::unavailable("the database is unavailable; try again shortly")
        } else {
            Self::internal(err)
        }
    }
}

impl From<IdentityError> for ApiError {
    fn from(err: IdentityError) -> Self {
        Self::invalid(err.field(), err.to_string())
    }
}

/// A wait in the largest whole unit that reads naturally: "45 seconds", "15 minutes",
/// "about 2 hours" (rounded up, so nobody comes back a moment too early).
pub fn how_long(secs: u64) -> String {
    let plural = |n: u64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    match secs {
        0..=59 => plural(secs.max(1), "second"),
        60..=5399 => plural(secs.div_ceil(60), "minute"),
        _ => format!("about {}", plural(secs.div_ceil(3600), "hour")),
    }
}

#[cfg(test)]
mod wait_tests {
    use super::how_long;

    #[test]
    fn waits_read_in_natural_units_rounded_up() {
        assert_eq!(how_long(1), "1 second");
        assert_eq!(how_long(45), "45 seconds");
        assert_eq!(how_long(60), "1 minute");
        assert_eq!(how_long(61), "2 minutes");
        assert_eq!(how_long(900), "15 minutes");
        assert_eq!(how_long(7200), "about 2 hours");
    }
}
