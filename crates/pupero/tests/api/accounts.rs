use pupero_api::ErrorCode;
use reqwest::StatusCode;
use serde_json::json;

use pupero_api::accounts::{MeView, PublicProfile, UserNames};
use pupero_api::auth::TokenPair;
use pupero_core::Role;

use crate::helpers::{PASSWORD, db_test, error_code, error_field, typed};

db_test! {
    async fn register_login_me_by_username_or_email(app) {
        let id = app.register("Alice_1").await;
        // Username and email match case-insensitively.
        let (status, body) = app.post("/auth/login", None, json!({"email": "ALICE_1@EXAMPLE.COM", "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let pair: TokenPair = typed(&body);
        assert_eq!(pair.token_type, "bearer");
        assert!(pair.expires_in > 0);
        let (status, me) = app.get("/auth/me", Some(&pair.access_token)).await;
        assert_eq!(status, StatusCode::OK);
        let me: MeView = typed(&me);
        assert_eq!((me.id, me.username.as_str(), me.email.as_deref()), (id, "Alice_1", Some("Alice_1@example.com")));
        assert_eq!((me.role, me.totp_enabled, me.recovery_codes_left), (Role::User, false, 0));
        assert!(me.created_at.ends_with('Z'));
        let (status, _) = app.post("/auth/login", None, json!({"username": "alice_1", "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::OK);
    }
}

db_test! {
    async fn wrong_password_and_unknown_user_look_the_same(app) {
        app.register("bob").await;
        let (s1, b1) = app.post("/auth/login", None, json!({"username": "bob", "password": "not the password"})).await;
        let (s2, b2) = app.post("/auth/login", None, json!({"username": "nobody", "password": "not the password"})).await;
        assert_eq!(s1, StatusCode::UNAUTHORIZED);
        assert_eq!(s2, StatusCode::UNAUTHORIZED);
        assert_eq!(b1, b2);
        assert_eq!(error_code(&b1), ErrorCode::InvalidCredentials);
    }
}

db_test! {
    async fn profile_changes_need_the_current_password(app) {
        let (_, tokens) = app.user("carol").await;
        let t = Some(tokens.access.as_str());
        // Username alone: no password needed.
        let (status, me) = app.call("PUT", "/auth/me", t, Some(json!({"username": "carol2"}))).await;
        assert_eq!(status, StatusCode::OK, "{me}");
        assert_eq!(typed::<MeView>(&me).username, "carol2");
        // Email without current password: refused, nothing changes.
        let (status, body) = app.call("PUT", "/auth/me", t, Some(json!({"email": "new@example.com"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_field(&body).as_deref(), Some("current_password"));
        let (status, body) = app
            .call("PUT", "/auth/me", t, Some(json!({"email": "new@example.com", "current_password": "wrong password!"})))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(error_code(&body), ErrorCode::WrongPassword);
        let (_, me) = app.get("/auth/me", t).await;
        assert_eq!(typed::<MeView>(&me).email.as_deref(), Some("carol@example.com"));
        // With it: changed.
        let (status, me) = app
            .call("PUT", "/auth/me", t, Some(json!({"email": "new@example.com", "current_password": PASSWORD})))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(typed::<MeView>(&me).email.as_deref(), Some("new@example.com"));
        // Password change ends the other sessions (the refresh token dies) and the new one works.
        let (status, _) = app
            .call("PUT", "/auth/me", t, Some(json!({"password": "a brand new passphrase", "current_password": PASSWORD})))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.post("/auth/token/refresh", None, json!({"refresh_token": tokens.refresh})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app.post("/auth/login", None, json!({"username": "carol2", "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app.post("/auth/login", None, json!({"username": "carol2", "password": "a brand new passphrase"})).await;
        assert_eq!(status, StatusCode::OK);
    }
}

db_test! {
    async fn profile_changes_refuse_taken_names_and_weak_passwords(app) {
        app.register("dave").await;
        let (_, tokens) = app.user("erin").await;
        let t = Some(tokens.access.as_str());
        let (status, body) = app.call("PUT", "/auth/me", t, Some(json!({"username": "DAVE"}))).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(error_field(&body).as_deref(), Some("username"));
        let (status, body) = app
            .call("PUT", "/auth/me", t, Some(json!({"email": "Dave@Example.com", "current_password": PASSWORD})))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(error_field(&body).as_deref(), Some("email"));
        let (status, body) = app
            .call("PUT", "/auth/me", t, Some(json!({"password": "short", "current_password": PASSWORD})))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_field(&body).as_deref(), Some("password"));
        let (status, _) = app.call("PUT", "/auth/me", t, Some(json!({}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, me) = app.get("/auth/me", t).await;
        assert_eq!(typed::<MeView>(&me).username, "erin");
    }
}

db_test! {
    async fn deleting_an_account_erases_it_and_ends_its_sessions(app) {
        let (id, tokens) = app.user("frank").await;
        let t = Some(tokens.access.as_str());
        let (status, _) = app.call("DELETE", "/auth/me", t, Some(json!({"current_password": "wrong password!"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.get("/auth/me", t).await;
        assert_eq!(status, StatusCode::OK, "a refused delete changes nothing");

        let (status, _) = app.call("DELETE", "/auth/me", t, Some(json!({"current_password": PASSWORD}))).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = app.get("/auth/me", t).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app.post("/auth/login", None, json!({"username": "frank", "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app.post("/auth/token/refresh", None, json!({"refresh_token": tokens.refresh})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app.get("/auth/users/frank", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // The name and email are free again, under a new id; the old id's tokens stay dead.
        let new_id = app.register("frank").await;
        assert_ne!(new_id, id);
        let (status, _) = app.get("/auth/me", t).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

db_test! {
    async fn public_profiles_show_no_private_data(app) {
        let id = app.register("grace").await;
        let (status, body) = app.get("/auth/users/GRACE", None).await;
        assert_eq!(status, StatusCode::OK);
        let profile: PublicProfile = typed(&body);
        assert_eq!((profile.id, profile.username.as_str()), (id, "grace"));
        assert!(profile.member_since.ends_with('Z'));
        assert!(body.get("email").is_none() && body.get("role").is_none(), "{body}");
        let (status, body) = app.get("/auth/users/nobody-here", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(error_code(&body), ErrorCode::NotFound);
    }
}

db_test! {
    /// Counterparties' names by id: for signed-in callers only (no anonymous walk of the id
    /// space into a directory), at most 100 at a time, and never a deleted account's.
    async fn usernames_by_id_are_for_signed_in_callers_only(app) {
        let (a, tokens) = app.user("nora").await;
        let (b, gone) = app.user("olaf").await;
        let path = format!("/auth/users?ids={a},{b},999999");
        assert_eq!(app.get(&path, None).await.0, StatusCode::UNAUTHORIZED);
        let (status, body) = app.get(&path, Some(&tokens.access)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let found: UserNames = typed(&body);
        let names: Vec<&str> = found.users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&"nora") && names.contains(&"olaf"));
        let many: Vec<String> = (1..=101).map(|i| i.to_string()).collect();
        let (status, body) = app.get(&format!("/auth/users?ids={}", many.join(",")), Some(&tokens.access)).await;
        assert_eq!((status, error_field(&body).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("ids")));
        let (status, _) = app.get("/auth/users?ids=1,x", Some(&tokens.access)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = app.call("DELETE", "/auth/me", Some(&gone.access), Some(json!({"current_password": PASSWORD}))).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, body) = app.get(&path, Some(&tokens.access)).await;
        assert_eq!(typed::<UserNames>(&body).users.len(), 1, "a deleted account has no name: {body}");
    }
}
