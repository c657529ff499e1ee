use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use pupero_api::ErrorCode;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{db_test, error_code};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn sign(secret: &str, claims: serde_json::Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn b64(v: &serde_json::Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

db_test! {
    async fn refresh_rotates_and_the_old_token_dies(app) {
        let (_, first) = app.user("heidi").await;
        let (status, body) = app.post("/auth/token/refresh", None, json!({"refresh_token": first.refresh})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let second = crate::helpers::Tokens::from(&body);
        assert_ne!(second.refresh, first.refresh);
        let (status, _) = app.get("/auth/me", Some(&second.access)).await;
        assert_eq!(status, StatusCode::OK);
        // The old refresh token is dead, and showing it again ends every session.
        let (status, body) = app.post("/auth/token/refresh", None, json!({"refresh_token": first.refresh})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(&body), ErrorCode::TokenReused);
        let (status, _) = app.post("/auth/token/refresh", None, json!({"refresh_token": second.refresh})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "reuse revokes the whole family");
    }
}

db_test! {
    async fn concurrent_refreshes_of_one_token_let_exactly_one_win(app) {
        let (_, tokens) = app.user("ivan").await;
        let attempts = (0..8).map(|_| app.post("/auth/token/refresh", None, json!({"refresh_token": tokens.refresh.clone()})));
        let results = futures::future::join_all(attempts).await;
        let ok = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
        assert_eq!(ok, 1, "{results:?}");
        assert!(results.iter().all(|(s, _)| *s == StatusCode::OK || *s == StatusCode::UNAUTHORIZED));
    }
}

db_test! {
    async fn logout_kills_the_refresh_token(app) {
        let (_, tokens) = app.user("judy").await;
        let (status, _) = app.post("/auth/logout", None, json!({"refresh_token": tokens.refresh})).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = app.post("/auth/token/refresh", None, json!({"refresh_token": tokens.refresh})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app.post("/auth/logout", None, json!({"refresh_token": "garbage"})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

db_test! {
    async fn refresh_tokens_are_not_access_tokens_and_vice_versa(app) {
        let (_, tokens) = app.user("mallory").await;
        let (status, body) = app.get("/auth/me", Some(&tokens.refresh)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(&body), ErrorCode::InvalidToken);
        let (status, _) = app.post("/auth/token/refresh", None, json!({"refresh_token": tokens.access})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

db_test! {
    async fn forged_expired_and_unsigned_tokens_are_refused(app) {
        let (id, _) = app.user("oscar").await;
        let claims = |exp: i64, typ: &str, role: &str| {
            json!({"sub": id.to_string(), "role": role, "typ": typ, "jti": "x", "iat": now() - 10, "exp": exp})
        };
        // Login's key signs a valid token: the harness is right.
        let good = app.sign_as("login", &claims(now() + 600, "access", "user"));
        assert_eq!(app.get("/auth/me", Some(&good)).await.0, StatusCode::OK);

        let expired = app.sign_as("login", &claims(now() - 120, "access", "user"));
        let (status, body) = app.get("/auth/me", Some(&expired)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(&body), ErrorCode::TokenExpired);

        let forged = sign("another-secret-entirely-0123456789abc", claims(now() + 600, "access", "admin"));
        assert_eq!(app.get("/auth/me", Some(&forged)).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get("/auth/admin/users", Some(&forged)).await.0, StatusCode::UNAUTHORIZED);

        let alg_none = format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), b64(&claims(now() + 600, "access", "admin")));
        assert_eq!(app.get("/auth/me", Some(&alg_none)).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get("/auth/admin/users", Some(&alg_none)).await.0, StatusCode::UNAUTHORIZED);

        // A valid signature over a tampered payload.
        let parts: Vec<&str> = good.split('.').collect();
        let tampered = format!("{}.{}.{}", parts[0], b64(&claims(now() + 600, "access", "admin")), parts[2]);
        assert_eq!(app.get("/auth/admin/users", Some(&tampered)).await.0, StatusCode::UNAUTHORIZED);

        let unknown_role = app.sign_as("login", &claims(now() + 600, "access", "root"));
        assert_eq!(app.get("/auth/me", Some(&unknown_role)).await.0, StatusCode::UNAUTHORIZED);
        for header in ["", "Bearer", "Basic abc", "Bearer not.a.jwt"] {
            let resp = app.http.get(format!("{}/auth/me", app.gateway)).header("authorization", header).send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{header:?}");
        }
    }
}
