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
                    plain(&detail),
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

/// serde's message in plain words, for a person filling a form as much as for a program:
/// `payment_window_minutes: must be a whole number, not "abc"` instead of
/// `payment_window_minutes: invalid type: string "abc", expected i64 at line 1 column 108`.
fn plain(detail: &str) -> String {
    let detail = match detail.rfind(" at line ") {
        Some(i) => &detail[..i],
        None => detail,
    };
    if let Some(rest) = detail.strip_prefix("missing field `")
        && let Some(field) = rest.split('`').next()
    {
        return format!("{field}: is required");
    }
    match field_of(detail) {
        Some(field) => {
            let reason = detail[field.len()..].trim_start_matches(": ");
            format!("{field}: {}", plain_reason(reason))
        }
        None => plain_reason(detail),
    }
}

fn plain_reason(reason: &str) -> String {
    let typed = reason
        .strip_prefix("invalid type: ")
        .or_else(|| reason.strip_prefix("invalid value: "));
    if let Some(rest) = typed
        && let Some((found, expected)) = rest.rsplit_once(", expected ")
    {
        return format!(
            "must be {}, not {}",
            expected_words(expected),
            found_words(found)
        );
    }
    if let Some(rest) = reason.strip_prefix("unknown variant `")
        && let Some((found, expected)) = rest.split_once("`, expected ")
    {
        let choices = expected.trim_start_matches("one of ").replace('`', "");
        return format!("must be one of {choices}, not \"{found}\"");
    }
    reason.to_owned()
}

fn expected_words(expected: &str) -> &str {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "an integer" => {
            "a whole number"
        }
        "f32" | "f64" | "a number" => "a number",
        "a string" | "a borrowed string" => "text",
        "a boolean" => "true or false",
        "a sequence" => "a list",
        other => other,
    }
}

fn found_words(found: &str) -> String {
    if let Some(text) = found.strip_prefix("string ") {
        return text.to_owned();
    }
    for kind in ["integer ", "floating point ", "boolean "] {
        if let Some(v) = found.strip_prefix(kind) {
            return v.trim_matches('`').to_owned();
        }
    }
    match found {
        "null" | "unit value" => "empty".into(),
        "sequence" => "a list".into(),
        "map" => "an object".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::{field_of, plain};

    #[test]
    fn serde_messages_read_as_plain_words_naming_the_field() {
        assert_eq!(
            plain(
                "payment_window_minutes: invalid type: string \"abc\", expected i64 at line 1 column 108"
            ),
            "payment_window_minutes: must be a whole number, not \"abc\""
        );
        assert_eq!(
            plain("price: invalid type: integer `5`, expected a string at line 1 column 9"),
            "price: must be text, not 5"
        );
        assert_eq!(
            plain("missing field `email` at line 1 column 2"),
            "email: is required"
        );
        assert_eq!(
            plain("kind: unknown variant `bann`, expected one of `warn`, `ban` at line 1 column 3"),
            "kind: must be one of warn, ban, not \"bann\""
        );
        assert_eq!(
            plain("trusted_only: invalid type: null, expected a boolean"),
            "trusted_only: must be true or false, not empty"
        );
        assert_eq!(plain("something else"), "something else");
    }

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
