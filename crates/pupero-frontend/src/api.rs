//! The one way the frontend reaches the platform: the public API, through the gateway,
//! as the visitor (their access token and their address), never as itself.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use pupero_api::error::{ErrorBody, ErrorCode};
use pupero_http::JwtKeys;
use pupero_http::client_ip::{FRONTEND_CLIENT_IP, FRONTEND_CREDENTIAL};
use pupero_http::exchange::{Outgoing, exchange};

use crate::i18n::{t, t1, t2};

/// The longest one exchange with the gateway may take, its answer read whole.
const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: Arc<str>,
    keys: JwtKeys,
}

/// Who a call is made for.
#[derive(Debug, Clone)]
pub struct Caller {
    pub token: Option<String>,
    pub ip: IpAddr,
}

/// An answer other than success, as the API gave it (or a 503 when it could not be
/// reached), ready to be shown to the person.
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: StatusCode,
    /// The API's code; one this version does not know reads as `upstream_error`.
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    /// With `totp_required` at login: the challenge for the second step.
    pub mfa_token: Option<String>,
}

impl Failure {
    pub fn unavailable() -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: ErrorCode::ServiceUnavailable,
            message: t("forms-unavailable"),
            field: None,
            mfa_token: None,
        }
    }

    /// The message with the API's field name replaced by the form's label for it
    /// (`labels`: field name → label as the form shows it), so a person reads
    /// "Payment window (minutes): must be a whole number, not "abc"." A message about no
    /// field, or one the form does not label, stays as it is.
    pub fn labelled(mut self, labels: &[(&str, &str)]) -> Self {
        let Some(field) = self.field.as_deref() else {
            return self;
        };
        let Some((_, label)) = labels.iter().find(|(name, _)| *name == field) else {
            return self;
        };
        let message = self.message.as_str();
        let rest = match message.get(..field.len()) {
            Some(head) if head.eq_ignore_ascii_case(field) => {
                message[field.len()..].trim_start_matches(':').trim_start()
            }
            _ => message,
        };
        self.message = t2("forms-field-error", "label", label, "reason", reason(rest));
        self
    }

    /// A missing, wrong or already used two-factor code: the same step may ask again.
    pub fn is_second_factor_refusal(&self) -> bool {
        matches!(
            self.code,
            ErrorCode::TotpRequired | ErrorCode::InvalidTotp | ErrorCode::TotpReplayed
        )
    }

    /// The access token was refused: the session is over.
    pub fn is_unauthenticated(&self) -> bool {
        self.status == StatusCode::UNAUTHORIZED
    }

    /// The API's error body; one this version cannot read (an unknown code, a proxy's
    /// page) is an `upstream_error` with the status alone.
    fn from_body(status: StatusCode, body: &[u8]) -> Self {
        if matches!(
            status,
            StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT
        ) {
            return Self::unavailable();
        }
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(ErrorBody { mut error }) => Self {
                status,
                code: error.code,
                message: sentence(&error.message),
                field: error.field,
                mfa_token: error.extra.remove("mfa_token"),
            },
            Err(_) => Self {
                status,
                code: ErrorCode::UpstreamError,
                message: t1("forms-request-failed", "status", status),
                field: None,
                mfa_token: None,
            },
        }
    }
}

/// A reason the API gives for a field it could not read, in the page's language. The API
/// says these few in fixed plain words (pupero-http's `extract::plain`: "is required", "must
/// be a whole number, not "abc"", "must be one of a, b, not "c""); any other reason is the
/// API's own sentence and stays as it was written.
fn reason(text: &str) -> String {
    let bare = text.strip_suffix('.').unwrap_or(text);
    if bare == "is required" {
        return t("forms-reason-required");
    }
    let Some((expected, found)) = bare
        .strip_prefix("must be ")
        .and_then(|r| r.rsplit_once(", not "))
    else {
        return text.to_owned();
    };
    let found = match found {
        "empty" => t("forms-found-empty"),
        "a list" => t("forms-found-list"),
        "an object" => t("forms-found-object"),
        other => other.to_owned(),
    };
    if let Some(choices) = expected.strip_prefix("one of ") {
        return t2("forms-reason-one-of", "choices", choices, "found", found);
    }
    let key = match expected {
        "a whole number" => "forms-reason-whole-number",
        "a number" => "forms-reason-number",
        "text" => "forms-reason-text",
        "true or false" => "forms-reason-boolean",
        "a list" => "forms-reason-list",
        _ => return text.to_owned(),
    };
    t1(key, "found", found)
}

/// API messages are lower-case fragments; pages show sentences.
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

impl Api {
    pub fn new(base: String, keys: JwtKeys) -> Result<Self, pupero_http::HttpClientError> {
        let http = pupero_http::build_client(
            "frontend → gateway",
            reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(2))
                .timeout(TIMEOUT)
                .redirect(reqwest::redirect::Policy::none()),
        )?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').into(),
            keys,
        })
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        caller: &Caller,
        path: &str,
    ) -> Result<T, Failure> {
        self.send(caller, Method::GET, path, None::<&()>, None)
            .await
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        caller: &Caller,
        path: &str,
        body: &B,
    ) -> Result<T, Failure> {
        self.send(caller, Method::POST, path, Some(body), None)
            .await
    }

    /// One whole exchange with the gateway for `caller`: their token, and their address
    /// vouched for to the gateway. A gateway of this process takes it straight
    /// (`pupero_http::in_process`); any other is reached over the socket. An error: the
    /// gateway could not be reached, or its answer broke off.
    async fn exchange(
        &self,
        caller: &Caller,
        method: Method,
        path: &str,
        idempotency_key: Option<&str>,
        body: Option<(&'static str, Bytes)>,
    ) -> Result<(StatusCode, HeaderMap, Bytes), Failure> {
        let mut headers = HeaderMap::new();
        let mut set = |name: HeaderName, value: &str| {
            if let Ok(v) = HeaderValue::from_str(value) {
                headers.insert(name, v);
            }
        };
        if let Some(token) = &caller.token {
            set(header::AUTHORIZATION, &format!("Bearer {token}"));
        }
        // The gateway believes the browser's address only with our service credential.
        if let Ok(credential) = self.keys.service_credential(crate::SERVICE) {
            set(FRONTEND_CREDENTIAL, &credential);
            set(FRONTEND_CLIENT_IP, &caller.ip.to_string());
        }
        if let Some(key) = idempotency_key {
            set(HeaderName::from_static("idempotency-key"), key);
        }
        if let Some((content_type, _)) = &body {
            set(header::CONTENT_TYPE, content_type);
        }
        let request = Outgoing {
            method,
            path,
            headers,
            body: body.map(|(_, bytes)| bytes),
            limit: TIMEOUT,
        };
        let answer = exchange(&self.http, &self.base, request)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "gateway unreachable");
                Failure::unavailable()
            })?;
        Ok((answer.status, answer.headers, answer.body))
    }

    /// POSTs a file as the request body (dispute evidence); the answer is JSON.
    pub async fn upload<T: DeserializeOwned>(
        &self,
        caller: &Caller,
        path: &str,
        bytes: Vec<u8>,
    ) -> Result<T, Failure> {
        let body = Some(("application/octet-stream", Bytes::from(bytes)));
        let (status, _, bytes) = self
            .exchange(caller, Method::POST, path, None, body)
            .await?;
        if !status.is_success() {
            return Err(Failure::from_body(status, &bytes));
        }
        serde_json::from_slice(&bytes).map_err(|_| Failure::unavailable())
    }

    /// GETs a file as it is (dispute evidence): its headers and bytes.
    pub async fn download(
        &self,
        caller: &Caller,
        path: &str,
    ) -> Result<(HeaderMap, Vec<u8>), Failure> {
        let (status, headers, bytes) = self.exchange(caller, Method::GET, path, None, None).await?;
        if !status.is_success() {
            return Err(Failure::from_body(status, &bytes));
        }
        Ok((headers, bytes.to_vec()))
    }

    /// Sends one request. `idempotency_key` makes a repeated money-moving POST safe.
    pub async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        caller: &Caller,
        method: Method,
        path: &str,
        body: Option<&B>,
        idempotency_key: Option<&str>,
    ) -> Result<T, Failure> {
        let body = match body {
            Some(b) => Some((
                "application/json",
                Bytes::from(serde_json::to_vec(b).map_err(|_| Failure::unavailable())?),
            )),
            None => None,
        };
        let (status, _, bytes) = self
            .exchange(caller, method, path, idempotency_key, body)
            .await?;
        if !status.is_success() {
            return Err(Failure::from_body(status, &bytes));
        }
        // An empty success (204) reads as JSON null, for callers that expect nothing.
        let bytes: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
        serde_json::from_slice(bytes).map_err(|e| {
            tracing::error!(error = %e, "unexpected answer from the API");
            Failure {
                status: StatusCode::BAD_GATEWAY,
                code: ErrorCode::UpstreamError,
                message: t("forms-not-understood"),
                field: None,
                mfa_token: None,
            }
        })
    }
}

/// Percent-encodes a query value.
pub fn q(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn failure(code: &str) -> Failure {
        let body = json!({"error": {"code": code, "message": "nope", "field": "totp"}});
        Failure::from_body(StatusCode::FORBIDDEN, body.to_string().as_bytes())
    }

    #[test]
    fn a_message_about_a_field_names_it_as_the_form_labels_it() {
        let f = Failure {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: ErrorCode::InvalidBody,
            message: sentence("payment_window_minutes: must be a whole number, not \"abc\""),
            field: Some("payment_window_minutes".into()),
            mfa_token: None,
        };
        let labels = [("payment_window_minutes", "Payment window (minutes)")];
        assert_eq!(
            f.clone().labelled(&labels).message,
            "Payment window (minutes): must be a whole number, not \"abc\"."
        );
        let other = Failure {
            field: Some("price".into()),
            message: "Price must be positive.".into(),
            ..f.clone()
        };
        assert_eq!(
            other
                .clone()
                .labelled(&[("price", "Fixed price per XMR")])
                .message,
            "Fixed price per XMR: must be positive."
        );
        assert_eq!(other.labelled(&labels).message, "Price must be positive.");
    }

    fn about(field: &str, message: &str) -> Failure {
        Failure {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: ErrorCode::InvalidBody,
            message: sentence(message),
            field: Some(field.into()),
            mfa_token: None,
        }
    }

    #[tokio::test]
    async fn the_apis_plain_reasons_read_in_the_pages_language() {
        use crate::i18n::{Locale, scope};
        let labels = [
            ("payment_window_minutes", "Délai de paiement (minutes)"),
            ("kind", "Type"),
            ("amount", "Betrag"),
        ];
        let french = scope(Locale::Fr, async {
            [
                about(
                    "payment_window_minutes",
                    "payment_window_minutes: must be a whole number, not \"abc\"",
                ),
                about("kind", "kind: must be one of warn, ban, not \"bann\""),
                about("kind", "kind: must be text, not empty"),
                about("kind", "kind must be shorter"),
            ]
            .map(|f| f.labelled(&labels).message)
        })
        .await;
        assert_eq!(
            french,
            [
                "Délai de paiement (minutes) : doit être un nombre entier, pas \"abc\".",
                "Type : doit être l'une des valeurs warn, ban, pas \"bann\".",
                "Type : doit être du texte, pas vide.",
                // A sentence of the API's own is not guessed at.
                "Type : must be shorter.",
            ]
        );
        let german = scope(Locale::De, async {
            about("amount", "amount: is required")
                .labelled(&labels)
                .message
        })
        .await;
        assert_eq!(german, "Betrag: ist ein Pflichtfeld.");
        let english = about("amount", "amount: must be a number, not true");
        assert_eq!(
            english.labelled(&labels).message,
            "Betrag: must be a number, not true.",
            "English outside a request, word for word as the API wrote it"
        );
    }

    #[test]
    fn an_error_code_reads_as_the_enum() {
        let f = failure("invalid_totp");
        assert_eq!(f.code, ErrorCode::InvalidTotp);
        assert!(f.is_second_factor_refusal());
        assert_eq!(f.field.as_deref(), Some("totp"));
        assert_eq!(f.message, "Nope.");
        assert!(!failure("forbidden").is_second_factor_refusal());
    }

    #[test]
    fn a_code_this_version_does_not_know_is_an_upstream_error() {
        assert_eq!(failure("brand_new_code").code, ErrorCode::UpstreamError);
        let no_body = Failure::from_body(StatusCode::INTERNAL_SERVER_ERROR, b"");
        assert_eq!(no_body.code, ErrorCode::UpstreamError);
    }

    #[test]
    fn a_gateway_failure_reads_as_unavailable() {
        let f = Failure::from_body(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>");
        assert_eq!(
            (f.status, f.code),
            (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::ServiceUnavailable
            )
        );
    }
}
