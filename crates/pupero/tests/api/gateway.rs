//! The gateway's own behaviour; it does not touch the database, so SQLite is enough.

use pupero_api::ErrorCode;
use pupero_core::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use pupero_api::health::{HealthStatus, PlatformHealth, ServiceHealth};

use crate::helpers::{Backend, Options, TestApp, error_code, run, typed};

async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    run(Backend::Sqlite, Options::default(), test).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_paths_are_never_forwarded() {
    on_sqlite(|app| async move {
        for path in [
            "/auth/internal/anything",
            "/transactions/internal/credit",
            "/auth/%69nternal/x",
            "/auth/INTERNAL/x",
            "/internal/x",
            "/auth/../internal/x",
        ] {
            let (status, body) = app.get(path, None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
            error_code(&body);
        }
    })
    .await
}

/// The moderation service runs, but the gateway is pointed at a closed port for it.
fn moderation_down() -> Options {
    let mut options = Options::default();
    options.args.extend(
        ["--moderation-service-url", "http://127.0.0.1:9"]
            .iter()
            .map(|a| (*a).to_owned()),
    );
    options
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_that_is_down_answers_502_without_revealing_where_it_lives() {
    run(Backend::Sqlite, moderation_down(), |app| async move {
        let (status, body) = app.get("/moderation/reports", None).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY);
        assert_eq!(error_code(&body), ErrorCode::BadGateway);
        let text = body.to_string();
        assert!(
            !text.contains("127.0.0.1") && !text.contains("http://"),
            "{text}"
        );
        let (status, _) = app.get("/moderation/queue", None).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wallet_routes_are_for_admins_only() {
    on_sqlite(|app| async move {
        let (status, body) = app.get("/monero/balance", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let (_, user) = app.user("plain").await;
        let (status, _) = app.get("/monero/balance", Some(&user.access)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, moderator) = app.privileged("modder", Role::Moderator).await;
        let (status, _) = app.get("/monero/balance", Some(&moderator.access)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, admin) = app.privileged("admin1", Role::Admin).await;
        let (status, body) = app.get("/monero/balance", Some(&admin.access)).await;
        assert_eq!(
            status,
            StatusCode::SERVICE_UNAVAILABLE,
            "admins pass the gate (no hot wallet configured here): {body}"
        );
        assert_eq!(error_code(&body), ErrorCode::ServiceUnavailable);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_ids_pass_through_and_are_made_when_missing() {
    on_sqlite(|app| async move {
        let resp = app
            .http
            .get(format!("{}/auth/users/nobody1", app.gateway))
            .header("x-request-id", "trace-me-42")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.headers()["x-request-id"], "trace-me-42");
        let resp = app
            .http
            .get(format!("{}/auth/users/nobody1", app.gateway))
            .send()
            .await
            .unwrap();
        let generated = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(generated.len(), 36, "{generated}");
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_aggregates_every_service() {
    on_sqlite(|app| async move {
        let (status, body) = app.get("/healthz", None).await;
        assert_eq!(status, StatusCode::OK);
        let health: PlatformHealth = typed(&body);
        assert_eq!(health.status, HealthStatus::Degraded);
        let service = |name: &str| {
            health
                .services
                .get(name)
                .unwrap_or_else(|| panic!("{name}: {body}"))
        };
        let check = |name: &str, check: &str| {
            service(name)
                .detail
                .as_ref()
                .and_then(|d| d.checks.get(check))
                .cloned()
                .unwrap_or_else(|| panic!("{name}.{check}: {body}"))
        };
        assert_eq!(
            check("login", "database").backend.as_deref(),
            Some("sqlite")
        );
        for present in ["login", "offers", "transactions", "moderation"] {
            assert_eq!(service(present).status, HealthStatus::Ok, "{present}");
        }
        assert_eq!(service("wallet").status, HealthStatus::Unavailable);
        assert_eq!(
            check("wallet", "wallet").status,
            HealthStatus::NotConfigured
        );
        assert_eq!(service("moderation").status, HealthStatus::Ok);
        let (status, body) = app.call_at(&app.login, "GET", "/healthz", None, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(typed::<ServiceHealth>(&body).status, HealthStatus::Ok);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn docs_combine_every_service_spec() {
    on_sqlite(|app| async move {
        let resp = app
            .http
            .get(format!("{}/docs/", app.gateway))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(resp.text().await.unwrap().contains("swagger"));
        let (status, spec) = app.get("/api-docs/services/login", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(spec["servers"][0]["url"], "/auth");
        for path in [
            "/register",
            "/login",
            "/token/refresh",
            "/me",
            "/2fa/enable",
            "/admin/users/{id}/role",
            "/users/{username}",
        ] {
            assert!(
                spec["paths"].get(path).is_some(),
                "{path} missing from the spec"
            );
        }
        let (status, spec) = app.get("/api-docs/services/transactions", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(spec["servers"][0]["url"], "/transactions");
        assert!(spec["paths"].get("/trades/{id}/{action}").is_some());
        let (status, spec) = app.get("/api-docs/services/moderation", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(spec["servers"][0]["url"], "/moderation");
        for path in [
            "/reports",
            "/queue",
            "/sanctions",
            "/sanctions/{id}/lift",
            "/appeals/{id}/decide",
        ] {
            assert!(
                spec["paths"].get(path).is_some(),
                "{path} missing from the spec"
            );
        }
        let (status, _) = app.get("/api-docs/services/nope", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_route_and_status() {
    const SCRAPER: &str = "scraper-token-0123456789-abcdefghijklmnop";
    let options = Options::with(&["--metrics-token", SCRAPER]);
    run(Backend::Sqlite, options, |app| async move {
        let _ = app
            .post(
                "/auth/login",
                None,
                json!({"username": "ghost", "password": "whatever it is"}),
            )
            .await;
        let text = app
            .http
            .get(format!("{}/metrics", app.login))
            .bearer_auth(SCRAPER)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let line = text
            .lines()
            .find(|l| {
                l.starts_with("http_requests_total")
                    && l.contains("route=\"/login\"")
                    && l.contains("status=\"401\"")
            })
            .unwrap_or_else(|| panic!("no counter for /login 401 in:\n{text}"));
        assert!(line.contains("service=\"login\""), "{line}");
        assert!(
            text.contains("http_request_duration_seconds_bucket"),
            "latency histogram missing"
        );
        let (status, _): (StatusCode, Value) = app.get("/metrics", Some(SCRAPER)).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _): (StatusCode, Value) = app.get("/metrics", None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "the scraper's credential is needed"
        );
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_that_hangs_answers_504() {
    // A "service" that accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let url = format!("http://127.0.0.1:{port}");
    let options = Options::with(&[
        "--moderation-service-url",
        &url,
        "--gateway-timeout-seconds",
        "1",
    ]);
    run(Backend::Sqlite, options, |app| async move {
        let (status, body) = app.get("/moderation/queue", None).await;
        assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{body}");
        assert_eq!(error_code(&body), ErrorCode::GatewayTimeout);
        assert!(!body.to_string().contains("127.0.0.1"));
    })
    .await;
    holder.abort();
}
