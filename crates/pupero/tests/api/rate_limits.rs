use pupero_api::ErrorCode;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Options, PASSWORD, db_test, error_code};

db_test! {
    async fn logins_per_ip_are_limited_with_retry_after(app, Options::with(&["--login-rate-per-minute", "3"])) {
        app.register("ratty").await;
        for _ in 0..3 {
            let (status, _) = app.post("/auth/login", None, json!({"username": "ratty", "password": PASSWORD})).await;
            assert_eq!(status, StatusCode::OK);
        }
        // A client-supplied X-Forwarded-For does not buy a new budget: the gateway overwrites it.
        let resp = app
            .http
            .post(format!("{}/auth/login", app.gateway))
            .header("x-forwarded-for", "203.0.113.9")
            .json(&json!({"username": "ratty", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry), "{retry}");
        assert_eq!(error_code(&resp.json().await.unwrap()), ErrorCode::RateLimited);
    }
}

db_test! {
    async fn repeated_failures_lock_the_account(app, Options::with(&["--login-max-failures", "3", "--login-lockout-seconds", "120"])) {
        app.register("target").await;
        let mut statuses = Vec::new();
        for _ in 0..3 {
            statuses.push(app.post("/auth/login", None, json!({"username": "target", "password": "guess guess guess"})).await.0);
        }
        assert_eq!(statuses, [StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS]);
        // Locked: even the right password waits, and says how long.
        let resp = app
            .http
            .post(format!("{}/auth/login", app.gateway))
            .json(&json!({"username": "target", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((100..=120).contains(&retry), "{retry}");
        // Other accounts are unaffected.
        app.register("innocent").await;
        app.login("innocent").await;
    }
}

db_test! {
    async fn registrations_per_ip_are_limited(app, Options::with(&["--register-rate-per-hour", "2"])) {
        app.register("first1").await;
        app.register("second2").await;
        let (status, body) = app
            .post("/auth/register", None, json!({"email": "third@example.com", "username": "third3", "password": PASSWORD}))
            .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(error_code(&body), ErrorCode::RateLimited);
        assert_eq!(app.count_users().await, 2);
    }
}
