//! axum's extractors, with their rejections turned into our error shape.

use crate::ErrorCode;
use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;

use crate::ApiError;

/// A JSON body. Syntax errors answer 400, a body of the wrong shape (missing field, wrong
/// type, unknown variant) 422 with serde's message, which names the field.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// A path parameter; a malformed one answers 400 in our shape.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// Query parameters; a malformed one answers 422 naming it.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => {
                let detail = serde_detail(&e.body_text());
                let field = field_of(&detail);
                let err = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::InvalidBody,
                    detail,
                );
                match field {
                    Some(f) => err.with_field(f),
                    None => err,
                }
            }
            JsonRejection::JsonSyntaxError(e) => ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::MalformedJson,
                serde_detail(&e.body_text()),
            ),
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "expected a JSON body with Content-Type: application/json",
            ),
            JsonRejection::BytesRejection(e) => ApiError::new(
                e.status(),
                ErrorCode::UnreadableBody,
                "the request body could not be read (too large?)",
            ),
            other => ApiError::bad_request(other.body_text()),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidPath,
            rejection.body_text(),
        )
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidQuery,
            serde_detail(&rejection.body_text()),
        )
    }
}

/// axum prefixes serde's message with its own sentence; keep the part that names the field.
fn serde_detail(text: &str) -> String {
    match text.split_once(": ") {
        Some((_, detail)) => detail.to_owned(),
        None => text.to_owned(),
    }
}

/// The field a serde message is about: `price: invalid …` (a path) or
/// ``missing field `email` ``.
fn field_of(detail: &str) -> Option<String> {
    if let Some(rest) = detail.strip_prefix("missing field `") {
        return rest.split('`').next().map(str::to_owned);
    }
    let (path, _) = detail.split_once(": ")?;
    let plain = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'));
    plain.then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn serde_messages_name_their_field() {
        assert_eq!(
            field_of("missing field `email` at line 1 column 2").as_deref(),
            Some("email")
        );
        assert_eq!(
            field_of("price: invalid type: integer `5`, expected a string at line 1").as_deref(),
            Some("price")
        );
        assert_eq!(field_of("invalid type: null, expected struct X"), None);
    }
}
