//! The binary and the platform as an operator meets them.

use std::process::{Command, Stdio};

use reqwest::StatusCode;

use pupero::Platform;
use pupero::platform::AVAILABLE;
use pupero_config::Service;

use crate::helpers::{Backend, PASSWORD, TestDb, settings_for, typed};

const BIN: &str = env!("CARGO_BIN_EXE_pupero");

async fn migrations_round_trip(backend: Backend) {
    let db = TestDb::create(backend).await;
    let conn = pupero_db::connect(&db.url, pupero_config::DEFAULT_DATABASE_POOL_SIZE)
        .await
        .unwrap();
    pupero::migrate_all(&conn).await.unwrap();
    pupero::migrations::require_current(&conn).await.unwrap();
    pupero::migrations::rollback_all(&conn).await.unwrap();
    assert!(pupero::migrations::require_current(&conn).await.is_err());
    pupero::migrate_all(&conn).await.unwrap();
    // Twice is a no-op.
    pupero::migrate_all(&conn).await.unwrap();
    pupero::admin::insert_account(
        &conn,
        "m@example.com",
        "migrated",
        pupero_core::Role::User,
        PASSWORD,
    )
    .await
    .unwrap();
    conn.close().await.ok();
    db.drop_db().await;
}

#[tokio::test]
async fn migrations_go_up_down_and_up_on_sqlite() {
    migrations_round_trip(Backend::Sqlite).await
}

#[tokio::test]
async fn migrations_go_up_down_and_up_on_mariadb() {
    migrations_round_trip(Backend::MariaDb).await
}

#[tokio::test]
async fn migrations_go_up_down_and_up_on_postgres() {
    migrations_round_trip(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_secret_is_kept_so_tokens_survive_a_restart() {
    let db = TestDb::create(Backend::Sqlite).await;
    let data = std::env::temp_dir().join(format!("pupero-secret-{}", rand::random::<u32>()));
    let mut settings = settings_for(&db.url, &data, &[]);
    settings.frontend_secret_key = None;
    let http = pupero_http::build_client("tests", reqwest::Client::builder()).unwrap();

    let first = Platform::start(settings.clone(), &AVAILABLE).await.unwrap();
    let gw = first.url(Service::Gateway).unwrap();
    let body = serde_json::json!({"email": "keep@example.com", "username": "keeper", "password": PASSWORD});
    assert_eq!(
        http.post(format!("{gw}/auth/register"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
    let tokens: serde_json::Value = http
        .post(format!("{gw}/auth/login"))
        .json(&serde_json::json!({"username": "keeper", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    first.stop().await;
    assert!(data.join("keys").join("login.key").exists());
    assert!(data.join("frontend-secret").exists());

    let second = Platform::start(settings, &AVAILABLE).await.unwrap();
    let gw = second.url(Service::Gateway).unwrap();
    let status = http
        .get(format!("{gw}/auth/me"))
        .bearer_auth(typed::<pupero_api::auth::TokenPair>(&tokens).access_token)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::OK);
    second.stop().await;
    db.drop_db().await;
    let _ = std::fs::remove_dir_all(data);
}

fn pupero(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let data = std::env::temp_dir().join(format!("pupero-cli-{}", rand::random::<u32>()));
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("JWT_SECRET_KEY")
        .env_remove("DATA_ENCRYPTION_KEY")
        .env_remove("DATABASE_URL")
        .env("PUPERO_DATA_DIR", &data)
        .env("API_MANAGER_PORT", "0")
        .env("LOGIN_PORT", "0")
        .env("MODERATION_PORT", "0")
        .env("PORT", "0")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let _ = std::fs::remove_dir_all(data);
    out
}

#[test]
fn production_refuses_missing_keys_and_a_missing_short_or_default_secret() {
    // No keys: production never generates them.
    let data_key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    let out = pupero(
        &["up"],
        &[
            ("PUPERO_ENV", "production"),
            ("DATA_ENCRYPTION_KEY", data_key),
            ("FRONTEND_SECRET_KEY", &"x".repeat(40)),
        ],
    );
    assert!(!out.status.success(), "started without keys");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("PUPERO_KEYS_DIR"), "{stderr}");

    let keys = std::env::temp_dir().join(format!("pupero-keys-{}", rand::random::<u32>()));
    pupero_http::token::generate_missing(&keys).unwrap();
    let keys_dir = keys.display().to_string();
    // No audit signing key, or one of a single repeated byte: refused, naming it.
    for audit_key in [None, Some("11".repeat(32))] {
        let mut env = vec![
            ("PUPERO_ENV", "production"),
            ("DATA_ENCRYPTION_KEY", data_key),
            ("PUPERO_KEYS_DIR", keys_dir.as_str()),
            (
                "FRONTEND_SECRET_KEY",
                "a-long-enough-frontend-secret-for-production-use",
            ),
        ];
        if let Some(k) = &audit_key {
            env.push(("AUDIT_SIGNING_KEY", k.as_str()));
        }
        let out = pupero(&["up"], &env);
        assert!(
            !out.status.success(),
            "started with audit key {audit_key:?}"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("AUDIT_SIGNING_KEY"), "{stderr}");
    }
    let audit_key = "8f3a1c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a";
    for secret in [None, Some(""), Some("short-secret"), Some("changeme")] {
        let mut env = vec![
            ("PUPERO_ENV", "production"),
            ("DATA_ENCRYPTION_KEY", data_key),
            ("PUPERO_KEYS_DIR", keys_dir.as_str()),
            ("AUDIT_SIGNING_KEY", audit_key),
        ];
        if let Some(s) = secret {
            env.push(("FRONTEND_SECRET_KEY", s));
        }
        let out = pupero(&["up"], &env);
        assert!(!out.status.success(), "started with secret {secret:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("FRONTEND_SECRET_KEY"), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(keys);
}

#[test]
fn up_help_documents_every_variable() {
    let out = pupero(&["up", "--help"], &[]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "PUPERO_ENV",
        "PUPERO_DATA_DIR",
        "DATABASE_URL",
        "DATABASE_POOL_SIZE",
        "BIND_ADDRESS",
        "PORT",
        "API_MANAGER_PORT",
        "LOGIN_PORT",
        "OFFERS_PORT",
        "TRANSACTIONS_PORT",
        "MONERO_WALLET_MANAGER_PORT",
        "MODERATION_PORT",
        "LOGIN_SERVICE_URL",
        "PUPERO_KEYS_DIR",
        "FRONTEND_SECRET_KEY",
        "ACCESS_TOKEN_MINUTES",
        "REMEMBER_ME_DAYS",
        "LOGIN_RATE_PER_MINUTE",
        "TRUSTED_PROXIES",
        "API_MANAGER_URL",
        "SECURE_COOKIES",
        "SESSION_COOKIE_SAMESITE",
        "SHUTDOWN_GRACE_SECONDS",
    ] {
        assert!(
            help.contains(&format!("env: {var}")),
            "{var} missing from --help"
        );
    }
    assert!(help.contains("[default: 8000]"));
}

#[test]
fn admin_create_user_bootstraps_the_first_admin() {
    let data = std::env::temp_dir().join(format!("pupero-admin-{}", rand::random::<u32>()));
    let run = |username: &str| {
        Command::new(BIN)
            .args([
                "admin",
                "create-user",
                "--email",
                &format!("{username}@example.com"),
                "--username",
                username,
                "--role",
                "admin",
                "--password-env",
                "PW",
            ])
            .env("PW", PASSWORD)
            .env("PUPERO_DATA_DIR", &data)
            .env_remove("DATABASE_URL")
            .output()
            .unwrap()
    };
    let out = run("founder");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("admin"));
    let again = run("founder");
    assert!(!again.status.success(), "a duplicate must fail");
    let weak = Command::new(BIN)
        .args([
            "admin",
            "create-user",
            "--email",
            "w@example.com",
            "--username",
            "weakling",
            "--role",
            "admin",
            "--password-env",
            "PW",
        ])
        .env("PW", "short")
        .env("PUPERO_DATA_DIR", &data)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!weak.status.success());
    let _ = std::fs::remove_dir_all(data);
}

/// The newcomer's path: `pupero up --regtest`, register, `pupero dev faucet`, credited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn up_regtest_and_the_faucet_fund_a_newcomer() {
    let mut node = crate::faults::Node::new();
    node.regtest = true;
    node.env.push(("REGTEST_BLOCK_SECONDS", "1".to_owned()));
    // Without a chain the faucet says how to get one.
    let refused = node
        .command(&["dev", "faucet", "--user", "newbie", "--amount", "5"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("pupero up --regtest"));

    // Waits for the banner, which ends the start-up: where to go and what to do first.
    node.start(None).await;
    let mut banner = String::new();
    for _ in 0..100 {
        banner = std::fs::read_to_string(node.data.join("pupero.log")).unwrap();
        if banner.contains("Stop with Ctrl-C") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for part in [
        "Pupero is up.".to_owned(),
        format!("http://127.0.0.1:{}", node.ports[5]),
        format!("{}/docs", node.gateway()),
        "pupero admin create-user".to_owned(),
        "--role admin".to_owned(),
        "pupero dev faucet --user NAME".to_owned(),
    ] {
        assert!(
            banner.contains(&part),
            "{part} missing from the banner: {banner}"
        );
    }
    let http = pupero_http::build_client("tests", reqwest::Client::builder()).unwrap();
    let gw = node.gateway();
    let body =
        serde_json::json!({"email": "n@example.com", "username": "newbie", "password": PASSWORD});
    assert_eq!(
        http.post(format!("{gw}/auth/register"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
    let paid = node
        .command(&["dev", "faucet", "--user", "newbie", "--amount", "5"])
        .output()
        .unwrap();
    assert!(
        paid.status.success(),
        "{}",
        String::from_utf8_lossy(&paid.stderr)
    );
    let tokens: serde_json::Value = http
        .post(format!("{gw}/auth/login"))
        .json(&serde_json::json!({"username": "newbie", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = typed::<pupero_api::auth::TokenPair>(&tokens).access_token;
    let mut available = String::new();
    for _ in 0..300 {
        let b: serde_json::Value = http
            .get(format!("{gw}/transactions/balances/1"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        available = typed::<pupero_api::money::BalancesView>(&b)
            .available
            .to_string();
        if available == "5.000000000000" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        available, "5.000000000000",
        "the faucet's coins are credited after 10 blocks"
    );
    // Solvency finds the regtest wallet by itself, and holds by the float put in at start.
    let report = node
        .command(&["admin", "solvency"])
        .env_remove("MONERO_RPC_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&report.stdout);
    assert!(
        report.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&report.stderr)
    );
    assert!(said.contains("users are owed 5.000000000000 XMR"), "{said}");
    assert!(
        said.contains("margin 1.000000000000 XMR"),
        "the float: {said}"
    );
    node.stop();
}

#[test]
fn only_login_and_the_frontend_need_the_data_key_in_production() {
    let keys = std::env::temp_dir().join(format!("pupero-keys-{}", rand::random::<u32>()));
    pupero_http::token::generate_missing(&keys).unwrap();
    let keys_dir = keys.display().to_string();
    let env = [
        ("PUPERO_ENV", "production"),
        ("PUPERO_KEYS_DIR", keys_dir.as_str()),
    ];

    let out = pupero(&["serve", "login"], &env);
    assert!(!out.status.success(), "login started without the data key");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("DATA_ENCRYPTION_KEY"), "{stderr}");

    // The gateway (no database either) starts without it, and runs until stopped.
    let data = std::env::temp_dir().join(format!("pupero-cli-{}", rand::random::<u32>()));
    let mut child = Command::new(BIN)
        .args(["serve", "gateway"])
        .env_remove("DATA_ENCRYPTION_KEY")
        .env_remove("DATABASE_URL")
        .env("PUPERO_DATA_DIR", &data)
        .env("API_MANAGER_PORT", "0")
        .env("PORT", "0")
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(2));
    let exited = child.try_wait().unwrap();
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    assert!(
        exited.is_none(),
        "the gateway refused to start: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(data);
    let _ = std::fs::remove_dir_all(keys);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_checks_refuse_a_database_without_the_schema_and_leave_it_alone() {
    let db = TestDb::create(Backend::Sqlite).await;
    for check in [
        &["admin", "ledger-verify"][..],
        &[
            "admin",
            "solvency",
            "--monero-rpc-url",
            "http://127.0.0.1:9",
        ][..],
    ] {
        let out = Command::new(BIN)
            .args(check)
            .args(["--database-url", &db.url])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{check:?} ran on an empty database");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("pupero migrate"), "{check:?}: {stderr}");
    }
    let conn = pupero_db::connect(&db.url, pupero_config::DEFAULT_DATABASE_POOL_SIZE)
        .await
        .unwrap();
    let schema = sea_orm_migration::SchemaManager::new(&conn);
    for table in ["login_migrations", "transactions_migrations", "users"] {
        assert!(
            !schema.has_table(table).await.unwrap(),
            "a read-only check created {table}"
        );
    }
    conn.close().await.ok();
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn solvency_fails_when_the_hot_wallet_cannot_be_refreshed() {
    let db = TestDb::create(Backend::Sqlite).await;
    let conn = pupero_db::connect(&db.url, pupero_config::DEFAULT_DATABASE_POOL_SIZE)
        .await
        .unwrap();
    pupero::migrate_all(&conn).await.unwrap();
    conn.close().await.ok();
    // Nothing listens on the discard port: the refresh fails, and so must the check.
    let out = Command::new(BIN)
        .args(["admin", "solvency", "--database-url", &db.url])
        .args([
            "--monero-rpc-url",
            "http://127.0.0.1:9",
            "--monero-rpc-auth-scheme",
            "none",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success(), "solvency passed without a wallet");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot refresh the hot wallet"), "{stderr}");
    db.drop_db().await;
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn refused(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
}

/// SIGTERM while a request's body is still arriving: the request completes with its normal
/// answer, nothing new is accepted, and the process exits 0.
#[test]
fn sigterm_lets_a_request_in_flight_finish_then_exits_cleanly() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};

    let data = std::env::temp_dir().join(format!("pupero-sigterm-{}", rand::random::<u32>()));
    // A free port can be taken by another test's process before `up` binds it; then `up`
    // exits at start, and it is tried again on other ports.
    let (mut child, gateway, login) = 'started: {
        for _ in 0..3 {
            let (gateway, login) = (free_port(), free_port());
            let mut child = Command::new(BIN)
                .arg("up")
                .env("PUPERO_DATA_DIR", &data)
                .env_remove("DATABASE_URL")
                .env("API_MANAGER_PORT", gateway.to_string())
                .env("LOGIN_PORT", login.to_string())
                .env("OFFERS_PORT", free_port().to_string())
                .env("TRANSACTIONS_PORT", free_port().to_string())
                .env("MONERO_WALLET_MANAGER_PORT", free_port().to_string())
                .env("PORT", free_port().to_string())
                .env("MODERATION_PORT", "0")
                .env("RUST_LOG", "warn")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let started = Instant::now();
            loop {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                if !refused(gateway) && !refused(login) {
                    break 'started (child, gateway, login);
                }
                assert!(
                    started.elapsed() < Duration::from_secs(60),
                    "pupero up did not come up"
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        panic!("pupero up exited at start three times");
    };

    let body = serde_json::json!({"email": "late@example.com", "username": "latecomer", "password": PASSWORD})
        .to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut slow = std::net::TcpStream::connect(("127.0.0.1", gateway)).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        slow,
        "POST /auth/register HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    slow.flush().unwrap();
    // Time for the server to accept the connection and start reading the request: one not
    // yet accepted (still in the kernel's backlog when the listener closes) is not in
    // flight, and on a loaded 2-core machine 500 ms was sometimes not enough.
    std::thread::sleep(Duration::from_secs(2));

    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    // The edge stops accepting at once, although a request is still in flight.
    let signalled = Instant::now();
    while !refused(gateway) {
        assert!(
            signalled.elapsed() < Duration::from_secs(10),
            "the gateway still accepts connections after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "exited with a request in flight"
    );

    slow.write_all(rest.as_bytes()).unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert!(answer.contains("user_id"), "{answer}");

    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(30),
            "pupero up did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "exit status {status}");
    assert!(refused(gateway) && refused(login));
    let _ = std::fs::remove_dir_all(data);
}
