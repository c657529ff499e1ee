//! An operator's first run: the gateway shows only the services this deployment runs, the
//! first admin is made at a terminal without the password showing, and a bad role is
//! answered with the roles there are. (`pupero up --regtest`'s banner, float and solvency
//! are in `platform::up_regtest_and_the_faucet_fund_a_newcomer`.)

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use pupero::Platform;
use pupero::platform::AVAILABLE;
use pupero_config::Service;

use pupero_api::health::{HealthStatus, PlatformHealth};

use crate::helpers::{
    Backend, ErrorCode, PASSWORD, TestDb, error_code, error_of, settings_for, typed,
};

const BIN: &str = env!("CARGO_BIN_EXE_pupero");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_leaves_out_services_this_deployment_does_not_run() {
    let db = TestDb::create(Backend::Sqlite).await;
    let data = std::env::temp_dir().join(format!("pupero-deployed-{:08x}", rand::random::<u32>()));
    let mut settings = settings_for(&db.url, &data, &[]);
    // A deployment that runs every service but moderation, and names no MODERATION_SERVICE_URL.
    settings.moderation_service_url = None;
    pupero_http::token::generate_missing(&settings.keys_dir()).unwrap();
    let services: Vec<Service> = AVAILABLE
        .iter()
        .copied()
        .filter(|s| *s != Service::Moderation)
        .collect();
    let platform = Platform::start(settings, &services).await.unwrap();
    let gateway = platform.url(Service::Gateway).unwrap();
    let http = pupero_http::build_client("tests", reqwest::Client::builder()).unwrap();

    let health: serde_json::Value = http
        .get(format!("{gateway}/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let services = typed::<PlatformHealth>(&health).services;
    let listed: Vec<&str> = services.keys().map(String::as_str).collect();
    assert_eq!(
        listed,
        ["login", "offers", "transactions", "wallet"],
        "{health}"
    );
    assert!(
        services.values().all(|s| s.status != HealthStatus::Down),
        "nothing that runs is down: {health}"
    );

    let answer = http
        .get(format!("{gateway}/api-docs/services/moderation"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert!(
        error_of(&body)
            .message
            .contains("not part of this deployment"),
        "{body}"
    );
    let answer = http
        .get(format!("{gateway}/moderation/reports"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        answer.status(),
        StatusCode::NOT_FOUND,
        "not a 502: nothing is down"
    );
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(error_code(&body), ErrorCode::NotFound);
    // The docs page offers only the services that run.
    let initializer = http
        .get(format!("{gateway}/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        initializer.contains("/api-docs/services/login"),
        "{initializer}"
    );
    assert!(
        !initializer.contains("/api-docs/services/moderation"),
        "{initializer}"
    );
    assert_eq!(
        http.get(format!("{gateway}/api-docs/services/login"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    platform.stop().await;
    db.drop_db().await;
    let _ = std::fs::remove_dir_all(data);
}

#[test]
fn create_user_lists_the_roles_when_given_another() {
    let out = Command::new(BIN)
        .args([
            "admin",
            "create-user",
            "--email",
            "r@example.com",
            "--username",
            "roles",
            "--role",
            "superuser",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the roles are user, moderator, admin"),
        "{stderr}"
    );
}

/// Everything the terminal showed so far.
fn transcript(shown: &Arc<Mutex<Vec<u8>>>) -> String {
    String::from_utf8_lossy(&shown.lock().unwrap()).into_owned()
}

fn wait_for(shown: &Arc<Mutex<Vec<u8>>>, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !transcript(shown).contains(text) {
        assert!(
            Instant::now() < deadline,
            "never showed {text:?}: {}",
            transcript(shown)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// At a terminal (a pseudo-terminal from util-linux's `script`), the password is asked for
/// twice and never echoed; typed only once the prompt is up, as a person would.
#[test]
fn create_user_asks_for_the_password_without_echo_at_a_terminal() {
    let data = std::env::temp_dir().join(format!("pupero-tty-{:08x}", rand::random::<u32>()));
    let command =
        format!("{BIN} admin create-user --email tty@example.com --username ttyadmin --role admin");
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env("PUPERO_DATA_DIR", &data)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux's script (scripts/test-deps.sh installs bsdutils)");
    let shown = Arc::new(Mutex::new(Vec::new()));
    let mut stdout = child.stdout.take().unwrap();
    let reader = {
        let shown = shown.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 256];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                shown.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    let mut stdin = child.stdin.take().unwrap();
    wait_for(&shown, "Password for ttyadmin:");
    stdin.write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    wait_for(&shown, "again:");
    stdin.write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let shown = transcript(&shown);
    assert!(status.success(), "{shown}");
    assert!(shown.contains("created user"), "{shown}");
    assert!(
        !shown.contains(PASSWORD),
        "the password was echoed: {shown}"
    );
    let _ = std::fs::remove_dir_all(data);
}
