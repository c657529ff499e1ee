use pupero_api::ErrorCode;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, db_test, error_code, error_field, error_of};

db_test! {
    async fn bad_registrations_get_a_named_4xx_and_change_nothing(app) {
        app.register("taken").await;
        let before = app.count_users().await;
        let cases: Vec<(Value, StatusCode, &str)> = vec![
            (json!({"username": "x1y2z3", "password": PASSWORD}), StatusCode::UNPROCESSABLE_ENTITY, "email"),
            (json!({"email": "a@example.com", "password": PASSWORD}), StatusCode::UNPROCESSABLE_ENTITY, "username"),
            (json!({"email": "a@example.com", "username": "abcdef"}), StatusCode::UNPROCESSABLE_ENTITY, "password"),
            (json!({"email": 5, "username": "abcdef", "password": PASSWORD}), StatusCode::UNPROCESSABLE_ENTITY, "email"),
            (json!({"email": "a@example.com", "username": ["x"], "password": PASSWORD}), StatusCode::UNPROCESSABLE_ENTITY, "username"),
            (json!({"email": "not-an-email", "username": "abcdef", "password": PASSWORD}), StatusCode::UNPROCESSABLE_ENTITY, "email"),
            (json!({"email": "a@example.com", "username": "ab", "password": PASSWORD}), StatusCode::UNPROCESSABLE_ENTITY, "username"),
            (json!({"email": "a@example.com", "username": "has space", "password": PASSWORD}), StatusCode::UNPROCESSABLE_ENTITY, "username"),
            (json!({"email": "a@example.com", "username": "abcdef", "password": "short"}), StatusCode::UNPROCESSABLE_ENTITY, "password"),
            (json!({"email": "a@example.com", "username": "abcdefghijk", "password": "ABCDEFGHIJK"}), StatusCode::UNPROCESSABLE_ENTITY, "password"),
            (json!({"email": "a@example.com", "username": "abcdef", "password": "x".repeat(200)}), StatusCode::UNPROCESSABLE_ENTITY, "password"),
            (json!({"email": "TAKEN@example.com", "username": "fresh1", "password": PASSWORD}), StatusCode::CONFLICT, "email"),
            (json!({"email": "fresh@example.com", "username": "TaKeN", "password": PASSWORD}), StatusCode::CONFLICT, "username"),
            (json!([]), StatusCode::UNPROCESSABLE_ENTITY, ""),
            (json!(null), StatusCode::UNPROCESSABLE_ENTITY, ""),
        ];
        for (body, expected, field) in cases {
            let (status, answer) = app.post("/auth/register", None, body.clone()).await;
            assert_eq!(status, expected, "{body} -> {answer}");
            error_code(&answer);
            if !field.is_empty() {
                let error = error_of(&answer);
                let named = error.field.as_deref() == Some(field) || error.message.contains(field);
                assert!(named, "{body} -> {answer} should name {field}");
            }
        }
        assert_eq!(app.count_users().await, before);
    }
}

db_test! {
    async fn malformed_requests_get_json_errors(app) {
        let url = format!("{}/auth/register", app.gateway);
        let resp = app.http.post(&url).header("content-type", "application/json").body("{not json").send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error_code(&resp.json::<Value>().await.unwrap()), ErrorCode::MalformedJson);
        let resp = app.http.post(&url).body("email=a").send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        error_code(&resp.json::<Value>().await.unwrap());
        let resp = app.http.post(&url).header("content-type", "application/json").body(vec![b' '; 200_000]).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let (status, body) = app.get("/auth/register", None).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(error_code(&body), ErrorCode::MethodNotAllowed);
        let (status, body) = app.get("/auth/no-such-thing", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        error_code(&body);
        let (status, body) = app.post("/auth/login", None, json!({"username": "x"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error_of(&body).message.contains("password"), "{body}");
        let (status, body) = app.post("/auth/login", None, json!({"password": PASSWORD})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_field(&body).as_deref(), Some("username"));
        assert_eq!(app.count_users().await, 0);
    }
}

db_test! {
    async fn concurrent_registrations_of_one_name_create_one_account(app) {
        let attempts = (0..10).map(|i| {
            app.post("/auth/register", None, json!({"email": format!("racer{i}@example.com"), "username": "racer", "password": PASSWORD}))
        });
        let results = futures::future::join_all(attempts).await;
        let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
        assert_eq!(created, 1, "{results:?}");
        assert!(results.iter().all(|(s, _)| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{results:?}");
        assert_eq!(app.count_users().await, 1);
    }
}
