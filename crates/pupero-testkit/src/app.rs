//! A running platform for one test, and an HTTP client for it.

use std::future::Future;
use std::path::PathBuf;

use clap::Parser;
use reqwest::StatusCode;
use sea_orm::DatabaseConnection;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use pupero_api::ErrorCode;
use pupero_api::auth::{Registered, TokenPair};
use pupero_api::error::{ErrorBody, ErrorDetail};

use pupero::Platform;
use pupero::platform::AVAILABLE;
use pupero_config::{Service, Settings};

use crate::{Backend, Options, PASSWORD, SECRET, TestDb};

#[derive(Parser)]
struct TestCli {
    #[command(flatten)]
    settings: Settings,
}

/// A running platform (every service of this build) for one test, and its database.
pub struct TestApp {
    pub frontend: String,
    pub gateway: String,
    pub login: String,
    pub offers: String,
    pub transactions: String,
    pub db_url: String,
    pub db: DatabaseConnection,
    pub http: reqwest::Client,
    /// The platform's token keys (generated at start, as `pupero up` does).
    pub keys_dir: PathBuf,
}

pub fn settings_for(db_url: &str, data_dir: &std::path::Path, extra: &[String]) -> Settings {
    let data_dir = data_dir.display().to_string();
    let defaults = [
        ("--data-dir", data_dir.as_str()),
        ("--database-url", db_url),
        ("--frontend-secret-key", SECRET),
        ("--frontend-port", "0"),
        ("--gateway-port", "0"),
        ("--login-port", "0"),
        ("--offers-port", "0"),
        ("--transactions-port", "0"),
        ("--wallet-port", "0"),
        ("--moderation-port", "0"),
        ("--trade-expiry-interval-seconds", "1"),
    ];
    let mut args: Vec<String> = vec!["pupero".into()];
    // A test's own value for a setting replaces the default (clap refuses a flag twice).
    for (flag, value) in defaults {
        if !extra.iter().any(|a| a == flag) {
            args.push(flag.into());
            args.push(value.into());
        }
    }
    args.extend(extra.iter().cloned());
    TestCli::parse_from(args).settings
}

impl TestApp {
    /// Starts the platform; the caller keeps the [`Platform`] alive for the test's
    /// duration (a test body may capture only some fields of the app).
    pub async fn spawn(db: &TestDb, options: &Options) -> (Self, Platform) {
        Self::spawn_with_url(db, &db.url, options).await
    }

    /// Like [`TestApp::spawn`], reaching the database at `url` (e.g. through a relay).
    pub async fn spawn_with_url(db: &TestDb, url: &str, options: &Options) -> (Self, Platform) {
        let settings = settings_for(url, &db.dir, &options.args);
        let keys_dir = settings.keys_dir();
        // As an operator would before a production start (which never generates keys).
        pupero_http::token::generate_missing(&keys_dir).unwrap();
        let platform = Platform::start(settings, &AVAILABLE)
            .await
            .expect("platform starts");
        let frontend = platform.url(Service::Frontend).unwrap();
        let gateway = platform.url(Service::Gateway).unwrap();
        let login = platform.url(Service::Login).unwrap();
        let offers = platform.url(Service::Offers).unwrap();
        let transactions = platform.url(Service::Transactions).unwrap();
        let db_conn = platform.db.clone().unwrap();
        let app = Self {
            frontend,
            gateway,
            login,
            offers,
            transactions,
            db_url: db.url.clone(),
            db: db_conn,
            http: pupero_http::build_client("tests", reqwest::Client::builder()).unwrap(),
            keys_dir,
        };
        (app, platform)
    }

    /// Sends a request through the gateway and returns status and JSON body (Null if none).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call_at(&self.gateway, method, path, token, body).await
    }

    pub async fn call_at(
        &self,
        base: &str,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(method, format!("{base}{path}"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let text = resp.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call("POST", path, token, Some(body)).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call("GET", path, token, None).await
    }

    pub async fn register(&self, username: &str) -> i64 {
        let (status, body) = self
            .post("/auth/register", None, json!({"email": format!("{username}@example.com"), "username": username, "password": PASSWORD}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        typed::<Registered>(&body).user_id
    }

    pub async fn login(&self, username: &str) -> Tokens {
        let (status, body) = self
            .post(
                "/auth/login",
                None,
                json!({"username": username, "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        Tokens::from(&body)
    }

    /// The account behind `token` (`GET /auth/me`, which must answer 200).
    pub async fn me(&self, token: &str) -> pupero_api::accounts::MeView {
        let (status, body) = self.get("/auth/me", Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        typed(&body)
    }

    /// Registers and logs in a fresh user.
    pub async fn user(&self, username: &str) -> (i64, Tokens) {
        let id = self.register(username).await;
        (id, self.login(username).await)
    }

    /// Creates an account with a role straight in the database, as `pupero admin create-user` does.
    pub async fn privileged(&self, username: &str, role: pupero_core::Role) -> (i64, Tokens) {
        let id = pupero::admin::insert_account(
            &self.db,
            &format!("{username}@example.com"),
            username,
            role,
            PASSWORD,
        )
        .await
        .unwrap();
        (id, self.login(username).await)
    }

    /// Every service's keys, as a test that plays any service (or login) needs them.
    pub fn keys(&self) -> pupero_http::JwtKeys {
        pupero_http::JwtKeys::load(&self.keys_dir, &pupero_http::token::SERVICES).unwrap()
    }

    /// `claims` signed by `service`'s key (EdDSA, with its key id), whatever they say.
    pub fn sign_as(&self, service: &str, claims: &Value) -> String {
        use base64::Engine;
        let text = std::fs::read_to_string(self.keys_dir.join(format!("{service}.key"))).unwrap();
        let seed: [u8; 32] = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .unwrap()
            .try_into()
            .unwrap();
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
        header.kid = Some(pupero_http::token::key_id(&pupero_http::token::public_key(
            &seed,
        )));
        let der = pupero_http::token::pkcs8_der(&seed);
        jsonwebtoken::encode(
            &header,
            claims,
            &jsonwebtoken::EncodingKey::from_ed_der(&der),
        )
        .unwrap()
    }

    pub async fn count_users(&self) -> i64 {
        use sea_orm::{EntityTrait, PaginatorTrait};
        pupero_login::entity::user::Entity::find()
            .count(&self.db)
            .await
            .unwrap() as i64
    }
}

#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

impl From<&Value> for Tokens {
    fn from(v: &Value) -> Self {
        let pair: TokenPair = typed(v);
        Self {
            access: pair.access_token,
            refresh: pair.refresh_token,
        }
    }
}

/// The body read as the API's own type (from `pupero-api`): a field renamed, retyped or
/// missing on the server fails here, showing the body, instead of reading as null.
pub fn typed<T: DeserializeOwned>(body: &Value) -> T {
    serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("not a {} ({e}): {body}", std::any::type_name::<T>()))
}

/// An XMR amount written as people write it (`"0.5"`), for comparing with typed amounts.
pub fn xmr(text: &str) -> pupero_core::Piconero {
    pupero_core::Piconero::parse_xmr(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Reads the common error shape (which always has a message for people).
pub fn error_of(body: &Value) -> ErrorDetail {
    let body: ErrorBody = typed(body);
    assert!(
        !body.error.message.is_empty(),
        "error without message: {body:?}"
    );
    body.error
}

/// The error's code.
pub fn error_code(body: &Value) -> ErrorCode {
    error_of(body).code
}

/// The request field the error names, if any.
pub fn error_field(body: &Value) -> Option<String> {
    error_of(body).field
}

/// Runs `test` on a fresh platform and database; the database is dropped even if the test fails.
pub async fn run<F, Fut>(backend: Backend, options: Options, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    // Service logs go to the test's captured output: shown only when a test fails.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_test_writer()
        .try_init();
    let db = TestDb::create(backend).await;
    let (app, platform) = TestApp::spawn(&db, &options).await;
    let outcome = tokio::spawn(test(app)).await;
    platform.stop().await;
    db.drop_db().await;
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("test task failed: {e}");
    }
}
