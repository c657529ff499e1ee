use pupero_api::ErrorCode;
use pupero_core::{AuditAction, Role};
use reqwest::StatusCode;
use serde_json::json;

use pupero_api::Paged;
use pupero_api::accounts::{AdminUserView, AuditEntry, Revoked};

use crate::helpers::{PASSWORD, db_test, error_code, error_field, typed};

db_test! {
    async fn a_user_cannot_raise_their_own_role(app) {
        let (id, tokens) = app.user("eve").await;
        let (other, _) = app.user("bystander").await;
        let t = Some(tokens.access.as_str());
        for target in [id, other] {
            let (status, body) = app.post(&format!("/auth/admin/users/{target}/role"), t, json!({"role": "admin"})).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
            assert_eq!(error_code(&body), ErrorCode::Forbidden);
        }
        assert_eq!(app.get("/auth/admin/users", t).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.post(&format!("/auth/admin/users/{other}/disable"), t, json!({"disabled": true})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.post(&format!("/auth/admin/users/{other}/logout"), t, json!({})).await.0, StatusCode::FORBIDDEN);
        // Moderators are not admins either.
        let (_, moderator) = app.privileged("mod", Role::Moderator).await;
        let (status, _) = app.post(&format!("/auth/admin/users/{id}/role"), Some(&moderator.access), json!({"role": "admin"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(app.me(&tokens.access).await.role, Role::User);
        let (status, _) = app.post(&format!("/auth/admin/users/{id}/role"), None, json!({"role": "admin"})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

db_test! {
    async fn an_admin_changes_other_roles_but_never_their_own(app) {
        let (admin_id, admin) = app.privileged("root_admin", Role::Admin).await;
        let (id, _) = app.user("walter").await;
        let a = Some(admin.access.as_str());
        let (status, body) = app.post(&format!("/auth/admin/users/{id}/role"), a, json!({"role": "moderator"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<AdminUserView>(&body).role, Role::Moderator);
        let fresh = app.login("walter").await;
        assert_eq!(app.me(&fresh.access).await.role, Role::Moderator);

        let (status, body) = app.post(&format!("/auth/admin/users/{admin_id}/role"), a, json!({"role": "user"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(error_code(&body), ErrorCode::Forbidden);
        let (status, body) = app.post(&format!("/auth/admin/users/{id}/role"), a, json!({"role": "superuser"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_field(&body).as_deref(), Some("role"));
        let (status, _) = app.post("/auth/admin/users/999999/role", a, json!({"role": "user"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.post("/auth/admin/users/abc/role", a, json!({"role": "user"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let audit: Paged<AuditEntry> = typed(&app.get("/auth/admin/audit", a).await.1);
        assert_eq!(audit.total, 1, "only the change that happened is audited: {audit:?}");
        let entry = &audit.items[0];
        assert_eq!((entry.action, entry.details.as_str(), entry.actor_id), (AuditAction::SetRole, "role = moderator", Some(admin_id)));
        let (status, page) = app.get("/auth/admin/users?q=walt&limit=10", a).await;
        assert_eq!(status, StatusCode::OK);
        let page: Paged<AdminUserView> = typed(&page);
        assert_eq!((page.total, page.limit, page.items[0].username.as_str()), (1, 10, "walter"));
        let (status, _) = app.get("/auth/admin/users?limit=0", a).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = app.get("/auth/admin/users?limit=abc", a).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

db_test! {
    async fn a_disabled_user_cannot_log_in_or_refresh(app) {
        let (_, admin) = app.privileged("boss", Role::Admin).await;
        let (id, tokens) = app.user("trent").await;
        let a = Some(admin.access.as_str());
        let (status, body) = app.post(&format!("/auth/admin/users/{id}/disable"), a, json!({"disabled": true})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(typed::<AdminUserView>(&body).disabled);

        let (status, body) = app.post("/auth/login", None, json!({"username": "trent", "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(error_code(&body), ErrorCode::AccountDisabled);
        let (status, _) = app.post("/auth/token/refresh", None, json!({"refresh_token": tokens.refresh})).await;
        assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN, "{status}");
        let (status, _) = app.get("/auth/me", Some(&tokens.access)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Its still-valid access token moves no money either.
        let status = app
            .http
            .post(format!("{}/transactions/withdraw", app.gateway))
            .bearer_auth(&tokens.access)
            .header("idempotency-key", "after-disable")
            .json(&json!({"address": "45MtP6Jy2o93QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMghfY9U", "amount": "1"}))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::FORBIDDEN, "a disabled account cannot withdraw with an old token");
        let (status, answer) = app.post("/transactions/trades", Some(&tokens.access), json!({"offer_id": 1, "amount": "1", "price": "150.00"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
        assert_eq!(error_code(&answer), ErrorCode::AccountDisabled);
        let (status, _) = app.post(&format!("/auth/admin/users/{id}/disable"), a, json!({"disabled": false})).await;
        assert_eq!(status, StatusCode::OK);
        app.login("trent").await;
        let admin_id = app.me(&admin.access).await.id;
        let (status, _) = app.post(&format!("/auth/admin/users/{admin_id}/disable"), a, json!({"disabled": true})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "an admin cannot disable themself");
    }
}

db_test! {
    async fn an_admin_can_end_every_session_of_a_user(app) {
        let (_, admin) = app.privileged("chief", Role::Admin).await;
        let (id, one) = app.user("victor").await;
        let two = app.login("victor").await;
        let (status, body) = app.post(&format!("/auth/admin/users/{id}/logout"), Some(&admin.access), json!({})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(typed::<Revoked>(&body).revoked, 2);
        for t in [one.clone(), two] {
            let (status, _) = app.post("/auth/token/refresh", None, json!({"refresh_token": t.refresh})).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, _) = app.post("/auth/admin/users/424242/logout", Some(&admin.access), json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, audit) = app.get("/auth/admin/audit", Some(&admin.access)).await;
        assert_eq!(status, StatusCode::OK);
        let audit: Paged<AuditEntry> = typed(&audit);
        assert_eq!(audit.total, 1);
        assert_eq!((audit.items[0].action, audit.items[0].target.clone()), (AuditAction::ForceLogout, format!("user:{id}")));
        assert_eq!(app.get("/auth/admin/audit", Some(&one.access)).await.0, StatusCode::FORBIDDEN);
    }
}
