use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::StatusCode;
use serde_json::json;

use pupero_api::accounts::MeView;
use pupero_api::health::{HealthStatus, PlatformHealth};

use crate::helpers::{PASSWORD, db_test, typed};

db_test! {
    /// Argon2 runs on the blocking pool: while a burst of logins hashes, other requests are
    /// still answered (and answered correctly). The check is on order, never on duration.
    async fn other_requests_are_served_during_a_login_burst(app) {
        let (id, tokens) = app.user("busy").await;
        const BURST: usize = 40;
        let done = Arc::new(AtomicUsize::new(0));
        let app = Arc::new(app);
        let logins: Vec<_> = (0..BURST)
            .map(|_| {
                let app = app.clone();
                let done = done.clone();
                tokio::spawn(async move {
                    let (status, _) = app.post("/auth/login", None, json!({"username": "busy", "password": PASSWORD})).await;
                    done.fetch_add(1, Ordering::SeqCst);
                    status
                })
            })
            .collect();
        // Give the burst a moment to occupy the hashing pool.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let (status, me) = app.get("/auth/me", Some(&tokens.access)).await;
        let finished_when_me_answered = done.load(Ordering::SeqCst);
        assert_eq!(status, StatusCode::OK);
        assert_eq!(typed::<MeView>(&me).id, id);
        let (status, health) = app.get("/healthz", None).await;
        assert_eq!(status, StatusCode::OK);
        let health: PlatformHealth = typed(&health);
        assert_eq!(health.services.get("login").map(|s| s.status), Some(HealthStatus::Ok));
        assert!(
            finished_when_me_answered < BURST,
            "GET /me was answered only after all {BURST} logins finished"
        );
        for login in logins {
            assert_eq!(login.await.unwrap(), StatusCode::OK);
        }
    }
}
