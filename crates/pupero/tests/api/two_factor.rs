use pupero_api::ErrorCode;
use reqwest::StatusCode;
use serde_json::json;

use pupero_api::accounts::{Enrolment, MeView, TwoFactorStatus};

use crate::helpers::{
    PASSWORD, Tokens, align_to_fresh_step, db_test, error_code, error_of, totp_code, typed,
};

db_test! {
    /// The whole path of the acceptance list: register → login → me → refresh → rotation →
    /// 2FA enable/confirm → login needs TOTP → replay refused → disable.
    async fn full_session_and_two_factor_flow(app) {
        let (id, tokens) = app.user("zoe").await;
        assert_eq!(app.me(&tokens.access).await.id, id);
        let (status, body) = app.post("/auth/token/refresh", None, json!({"refresh_token": tokens.refresh})).await;
        assert_eq!(status, StatusCode::OK);
        let rotated = Tokens::from(&body);
        let (status, _) = app.post("/auth/token/refresh", None, json!({"refresh_token": tokens.refresh})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "old refresh token rejected");
        // (That reuse ended every session; sign in again.)
        let (status, _) = app.post("/auth/token/refresh", None, json!({"refresh_token": rotated.refresh})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let session = app.login("zoe").await;
        let t = Some(session.access.as_str());

        let step = align_to_fresh_step(20).await;
        let (status, enrol) = app.post("/auth/2fa/enable", t, json!({"password": crate::helpers::PASSWORD})).await;
        assert_eq!(status, StatusCode::OK, "{enrol}");
        let Enrolment { secret, otpauth_url, recovery_codes } = typed(&enrol);
        assert!(otpauth_url.starts_with("otpauth://totp/"), "{otpauth_url}");
        assert_eq!(recovery_codes.len(), 10);
        let (status, _) = app.post("/auth/2fa/confirm", t, json!({"code": "000000"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, body) = app.post("/auth/2fa/confirm", t, json!({"code": totp_code(&secret, step - 1)})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, me) = app.get("/auth/me", t).await;
        assert!(typed::<MeView>(&me).totp_enabled);
        assert!(me.get("secret").is_none(), "{me}");
        let (status, _) = app.post("/auth/2fa/enable", t, json!({"password": crate::helpers::PASSWORD})).await;
        assert_eq!(status, StatusCode::CONFLICT, "the secret is never handed out again");

        let login = |totp: Option<String>| {
            let mut body = json!({"username": "zoe", "password": PASSWORD});
            if let Some(code) = totp {
                body["totp"] = json!(code);
            }
            app.post("/auth/login", None, body)
        };
        let (status, body) = login(None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(&body), ErrorCode::TotpRequired);
        let (status, body) = login(Some("123456".into())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!([ErrorCode::InvalidTotp, ErrorCode::TotpReplayed].contains(&error_code(&body)));
        let (status, body) = login(Some(totp_code(&secret, step))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = login(Some(totp_code(&secret, step))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a code works once");
        assert_eq!(error_code(&body), ErrorCode::TotpReplayed);
        let (status, _) = login(Some(totp_code(&secret, step - 1))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "an older code is spent too");

        let (status, _) = app.post("/auth/2fa/disable", t, json!({"password": PASSWORD, "code": totp_code(&secret, step)})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "disable with a spent code is refused");
        let (status, body) = app.post("/auth/2fa/disable", t, json!({"password": PASSWORD, "code": totp_code(&secret, step + 1)})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(!typed::<TwoFactorStatus>(&body).totp_enabled);
        let (status, _) = login(None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.post("/auth/2fa/disable", t, json!({"password": PASSWORD, "code": "123456"})).await;
        assert_eq!(status, StatusCode::CONFLICT);
    }
}

db_test! {
    async fn deleting_an_account_with_two_factor_needs_a_code(app) {
        let (_, tokens) = app.user("yara").await;
        let t = Some(tokens.access.as_str());
        let step = align_to_fresh_step(10).await;
        let (_, enrol) = app.post("/auth/2fa/enable", t, json!({"password": crate::helpers::PASSWORD})).await;
        let secret = typed::<Enrolment>(&enrol).secret;
        let (status, _) = app.post("/auth/2fa/confirm", t, json!({"code": totp_code(&secret, step - 1)})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = app.call("DELETE", "/auth/me", t, Some(json!({"current_password": PASSWORD}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(error_code(&body), ErrorCode::TotpRequired);
        let (status, _) = app
            .call("DELETE", "/auth/me", t, Some(json!({"current_password": PASSWORD, "totp": totp_code(&secret, step)})))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
}

db_test! {
    /// The two-step login: a right password without a code gives a short-lived challenge;
    /// the challenge with a code signs in, and it is good for nothing else.
    async fn a_password_step_challenge_trades_with_a_code_for_a_session(app) {
        let (_, tokens) = app.user("uma").await;
        let step = align_to_fresh_step(20).await;
        let (_, enrol) = app.post("/auth/2fa/enable", Some(&tokens.access), json!({"password": crate::helpers::PASSWORD})).await;
        let secret = typed::<Enrolment>(&enrol).secret;
        let (status, _) = app.post("/auth/2fa/confirm", Some(&tokens.access), json!({"code": totp_code(&secret, step - 1)})).await;
        assert_eq!(status, StatusCode::OK);

        let (status, body) = app.post("/auth/login", None, json!({"username": "uma", "password": "not the password"})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(error_of(&body).extra.is_empty(), "a wrong password earns no challenge: {body}");
        let (status, body) = app.post("/auth/login", None, json!({"username": "uma", "password": PASSWORD})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::TotpRequired));
        let challenge = error_of(&body).extra.remove("mfa_token").expect("a challenge");

        // Not an access token, and not a refresh token.
        let (status, _) = app.get("/auth/me", Some(&challenge)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app.post("/auth/token/refresh", None, json!({"refresh_token": challenge})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        // Without a code, or with a wrong one, it signs nobody in.
        let (status, body) = app.post("/auth/login", None, json!({"mfa_token": challenge})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::TotpRequired));
        let (status, body) = app.post("/auth/login", None, json!({"mfa_token": challenge, "totp": "000000"})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidTotp));
        let mut forged = challenge.clone();
        forged.pop();
        let (status, body) = app.post("/auth/login", None, json!({"mfa_token": forged, "totp": totp_code(&secret, step)})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidToken));

        let (status, body) = app.post("/auth/login", None, json!({"mfa_token": challenge, "totp": totp_code(&secret, step)})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let session = Tokens::from(&body);
        assert_eq!(app.me(&session.access).await.username, "uma");
        // The challenge is spent (and so is the code's step): no second session from it.
        let (status, body) = app.post("/auth/login", None, json!({"mfa_token": challenge, "totp": totp_code(&secret, step)})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidToken));
    }
}
