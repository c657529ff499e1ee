//! The test harness shared by the `api` and `browser` test binaries: a platform per test on
//! its own database (SQLite, MariaDB and PostgreSQL through [`db_test!`]), an HTTP client
//! for it, and sign-up, trading and ledger helpers.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use clap::Parser;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};

use pupero::Platform;
use pupero::platform::AVAILABLE;
use pupero_config::{Service, Settings};

pub const SECRET: &str = "test-secret-0123456789-abcdefghijklmnop";
pub const PASSWORD: &str = "correct horse battery";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    MariaDb,
    Postgres,
}

/// Declares a test that runs once per database backend, each in a fresh database.
#[macro_export]
macro_rules! db_test {
    ($(#[$meta:meta])* async fn $name:ident($app:ident) $body:block) => {
        $crate::db_test!($(#[$meta])* async fn $name($app, $crate::Options::default()) $body);
    };
    ($(#[$meta:meta])* async fn $name:ident($app:ident, $options:expr) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn body($app: $crate::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::run($crate::Backend::Sqlite, $options, body).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mariadb() {
                $crate::run($crate::Backend::MariaDb, $options, body).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::run($crate::Backend::Postgres, $options, body).await
            }
        }
    };
}

/// Per-test tweaks to the platform's settings.
#[derive(Debug, Clone)]
pub struct Options {
    pub args: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        // Generous limits: every test client is 127.0.0.1.
        Self::with(&[
            "--login-rate-per-minute",
            "100000",
            "--register-rate-per-hour",
            "100000",
        ])
    }
}

impl Options {
    pub fn with(args: &[&str]) -> Self {
        Self {
            args: args.iter().map(|s| s.to_string()).collect(),
        }
    }
}

#[derive(Parser)]
struct TestCli {
    #[command(flatten)]
    settings: Settings,
}

static NEXT_DB: AtomicU32 = AtomicU32::new(0);

fn mariadb_server() -> String {
    std::env::var("PUPERO_TEST_MARIADB_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
}

fn postgres_server() -> String {
    std::env::var("PUPERO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database made for one test, and how to remove it.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    name: String,
    dir: PathBuf,
}

impl TestDb {
    pub async fn create(backend: Backend) -> Self {
        let n = NEXT_DB.fetch_add(1, Ordering::Relaxed);
        let name = format!("pupero_t_{}_{}_{}", std::process::id(), n, rand_suffix());
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).unwrap();
        let url = match backend {
            Backend::Sqlite => format!("sqlite://{}/pupero.db?mode=rwc", dir.display()),
            Backend::MariaDb => {
                let admin = Database::connect(format!("{}/test", mariadb_server()))
                    .await
                    .expect("MariaDB must be running (scripts/test.sh starts it)");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
                    .await
                    .unwrap();
                admin.close().await.ok();
                format!("{}/{name}", mariadb_server())
            }
            Backend::Postgres => {
                let admin = Database::connect(format!("{}/postgres", postgres_server()))
                    .await
                    .expect("PostgreSQL must be running (scripts/test.sh starts it)");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .unwrap();
                admin.close().await.ok();
                format!("{}/{name}", postgres_server())
            }
        };
        Self {
            backend,
            url,
            name,
            dir,
        }
    }

    pub async fn drop_db(self) {
        match self.backend {
            Backend::Sqlite => {}
            Backend::MariaDb => {
                if let Ok(admin) = Database::connect(format!("{}/test", mariadb_server())).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS `{}`", self.name))
                        .await;
                    admin.close().await.ok();
                }
            }
            Backend::Postgres => {
                if let Ok(admin) =
                    Database::connect(format!("{}/postgres", postgres_server())).await
                {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                            self.name
                        ))
                        .await;
                    admin.close().await.ok();
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn rand_suffix() -> String {
    format!("{:08x}", rand::random::<u32>())
}

/// A running platform (every service of this build) for one test, and its database.
pub struct TestApp {
    pub frontend: String,
    pub gateway: String,
    pub login: String,
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
        ("--trade-expiry-interval-seconds", "1"),
        // Services this build does not run: point them at a closed port, not at
        // whatever else this machine may be running on the default ones.
        ("--moderation-service-url", "http://127.0.0.1:9"),
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
        let transactions = platform.url(Service::Transactions).unwrap();
        let db_conn = platform.db.clone().unwrap();
        let app = Self {
            frontend,
            gateway,
            login,
            transactions,
            db_url: db.url.clone(),
            db: db_conn,
            http: reqwest::Client::new(),
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
        body["user_id"].as_i64().unwrap()
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
        Self {
            access: v["access_token"].as_str().expect("access_token").to_owned(),
            refresh: v["refresh_token"]
                .as_str()
                .expect("refresh_token")
                .to_owned(),
        }
    }
}

/// Asserts the common error shape and returns the error code.
pub fn error_code(body: &Value) -> &str {
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error body: {body}"));
    assert!(
        body["error"]["message"].is_string(),
        "error without message: {body}"
    );
    code
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

/// The current TOTP code of `secret` for `step` (30-second window number).
pub fn totp_code(secret: &str, step: u64) -> String {
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap();
    totp.generate(step * 30).to_string()
}

/// Waits until at least `needed` seconds remain in the current 30 s step, so a test that
/// uses steps now-1, now and now+1 cannot see the window move under it.
pub async fn align_to_fresh_step(needed: u64) -> u64 {
    loop {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        if 30 - now % 30 >= needed {
            return now / 30;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

/// A signed-in account.
#[derive(Debug, Clone)]
pub struct Party {
    pub id: i64,
    pub token: String,
}

impl Party {
    pub fn t(&self) -> Option<&str> {
        Some(&self.token)
    }
}

impl TestApp {
    pub async fn party(&self, username: &str) -> Party {
        let (id, tokens) = self.user(username).await;
        Party {
            id,
            token: tokens.access,
        }
    }

    pub async fn staff(&self, username: &str, role: pupero_core::Role) -> Party {
        let (id, tokens) = self.privileged(username, role).await;
        Party {
            id,
            token: tokens.access,
        }
    }

    /// Credits `xmr` to a user through the admin adjustment API.
    pub async fn credit(&self, admin: &Party, user_id: i64, xmr: &str) {
        let (status, body) = self
            .post(
                "/transactions/admin/adjust",
                admin.t(),
                json!({"user_id": user_id, "amount": xmr, "direction": "credit", "reason": "test funding"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// Posts an offer and returns its id.
    pub async fn offer(&self, owner: &Party, side: &str, min: &str, max: &str) -> i64 {
        let (status, body) = self
            .post(
                "/offers",
                owner.t(),
                json!({"side": side, "currency": "EUR", "price": "150.00", "payment_method": "sepa",
                       "min_amount": min, "max_amount": max, "payment_window_minutes": 30, "terms": "SEPA only"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_i64().unwrap()
    }

    pub async fn open_trade(
        &self,
        taker: &Party,
        offer_id: i64,
        amount: &str,
    ) -> (StatusCode, Value) {
        self.post(
            "/transactions/trades",
            taker.t(),
            // Every offer of `offer()` is priced 150.00: the price the taker saw.
            json!({"offer_id": offer_id, "amount": amount, "price": "150.00"}),
        )
        .await
    }

    /// Opens a trade that must succeed and returns its id.
    pub async fn trade(&self, taker: &Party, offer_id: i64, amount: &str) -> i64 {
        let (status, body) = self.open_trade(taker, offer_id, amount).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_i64().unwrap()
    }

    pub async fn step(
        &self,
        who: &Party,
        trade_id: i64,
        action: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        self.post(
            &format!("/transactions/trades/{trade_id}/{action}"),
            who.t(),
            body,
        )
        .await
    }

    pub async fn trade_state(&self, who: &Party, trade_id: i64) -> String {
        let (status, body) = self
            .get(&format!("/transactions/trades/{trade_id}"), who.t())
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["state"].as_str().unwrap().to_owned()
    }

    /// (available, escrow, withdrawing) as XMR strings.
    pub async fn balances(&self, who: &Party) -> (String, String, String) {
        let (status, b) = self
            .get(&format!("/transactions/balances/{}", who.id), who.t())
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let s = |k: &str| b[k].as_str().unwrap().to_owned();
        (s("available"), s("escrow"), s("withdrawing"))
    }

    /// Recomputes the ledger from the journal and fails the test on any inconsistency.
    pub async fn assert_ledger_consistent(&self) {
        let report = pupero_transactions::ledger::verify(&self.db).await.unwrap();
        assert!(report.is_consistent(), "ledger inconsistent: {report:?}");
    }
}
