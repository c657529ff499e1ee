//! Issue 9, the login side: the second factor guards turning itself off and role changes,
//! failures are counted per account and client, a two-factor challenge makes one session,
//! TOTP secrets are sealed at rest, and recovery codes stand in for a lost phone, once each.

use pupero_api::ErrorCode;
use pupero_core::TradeState;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use pupero_core::Role;
use pupero_login::entity::user;

use pupero_api::accounts::{AdminUserView, Enrolment, RecoveryCodes};

use crate::helpers::{
    Backend, Options, PASSWORD, TestApp, TestDb, align_to_fresh_step, db_test, error_code,
    error_field, error_of, totp_code, typed,
};

/// Turns 2FA on for a signed-in account; returns the secret, the recovery codes and the
/// step now (so the caller can use steps now and now+1 without meeting a spent one).
async fn enrol(app: &TestApp, token: &str) -> (String, Vec<String>, u64) {
    let step = align_to_fresh_step(20).await;
    let (status, enrol) = app
        .post(
            "/auth/2fa/enable",
            Some(token),
            json!({"password": crate::helpers::PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{enrol}");
    let Enrolment {
        secret,
        recovery_codes: codes,
        ..
    } = typed(&enrol);
    let (status, body) = app
        .post(
            "/auth/2fa/confirm",
            Some(token),
            json!({"code": totp_code(&secret, step - 1)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (secret, codes, step)
}

/// A login straight at the login service as the client `ip` (the service believes
/// X-Forwarded-For from 127.0.0.1, where the gateway runs in tests).
async fn login_from(app: &TestApp, ip: &str, body: Value) -> (StatusCode, Option<u64>, Value) {
    let resp = app
        .http
        .post(format!("{}/login", app.login))
        .header("x-forwarded-for", ip)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, retry, body)
}

async fn totp_enabled(app: &TestApp, token: &str) -> bool {
    app.me(token).await.totp_enabled
}

db_test! {
    /// Issue 9 item 2: a stolen session alone cannot strip the second factor; turning it
    /// off needs the password and a current code, and a wrong password spends no code.
    async fn turning_two_factor_off_needs_the_password_and_a_code(app) {
        let (_, tokens) = app.user("otto").await;
        let t = Some(tokens.access.as_str());
        let (secret, _, step) = enrol(&app, &tokens.access).await;
        let code = totp_code(&secret, step);

        let (status, body) = app.post("/auth/2fa/disable", t, json!({"code": code})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_field(&body).as_deref(), Some("password"));
        let (status, body) = app.post("/auth/2fa/disable", t, json!({"password": "not my password", "code": code})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::WrongPassword), "{body}");
        assert_eq!(error_field(&body).as_deref(), Some("password"));
        let (status, body) = app.post("/auth/2fa/disable", t, json!({"password": PASSWORD})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_field(&body).as_deref(), Some("code"));
        let (status, body) = app.post("/auth/2fa/disable", t, json!({"password": PASSWORD, "code": "000000"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(totp_enabled(&app, &tokens.access).await, "nothing changed");

        // The refused attempts spent nothing: the same code still turns it off.
        let (status, body) = app.post("/auth/2fa/disable", t, json!({"password": PASSWORD, "code": code})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(!totp_enabled(&app, &tokens.access).await);
    }
}

db_test! {
    /// Turning 2FA on needs the password: a stolen access token alone must not put the
    /// thief's authenticator on an account and lock its owner out of signing in.
    async fn turning_two_factor_on_needs_the_password(app) {
        let (_, tokens) = app.user("olga").await;
        let t = Some(tokens.access.as_str());
        let (status, body) = app.post("/auth/2fa/enable", t, json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_field(&body).as_deref(), Some("password"));
        let (status, body) = app.post("/auth/2fa/enable", t, json!({"password": "not my password"})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::WrongPassword), "{body}");
        assert!(body.get("secret").is_none(), "no secret shown: {body}");
        // Nothing is pending: confirming any code finds no enrolment.
        let (status, body) = app.post("/auth/2fa/confirm", t, json!({"code": "123456"})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, ErrorCode::TotpNotPending), "{body}");
        let (status, body) = app.post("/auth/2fa/enable", t, json!({"password": PASSWORD})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(!typed::<Enrolment>(&body).secret.is_empty());
    }
}

db_test! {
    /// Issue 9 item 2: changing the email or the password needs the current password,
    /// named when missing or wrong, and nothing changes without it.
    async fn changing_email_or_password_needs_the_current_password(app) {
        let (_, tokens) = app.user("paula").await;
        let t = Some(tokens.access.as_str());
        for change in [json!({"email": "new@example.com"}), json!({"password": "another long passphrase"})] {
            let (status, body) = app.call("PUT", "/auth/me", t, Some(change.clone())).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(error_field(&body).as_deref(), Some("current_password"));
            let mut wrong = change.clone();
            wrong["current_password"] = json!("not my password");
            let (status, body) = app.call("PUT", "/auth/me", t, Some(wrong)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
            assert_eq!(error_field(&body).as_deref(), Some("current_password"));
        }
        assert_eq!(app.me(&tokens.access).await.email.as_deref(), Some("paula@example.com"));
        app.login("paula").await;
    }
}

db_test! {
    /// Issue 9 item 2: an admin with 2FA changes a role only with a fresh code of their own.
    async fn an_admin_with_two_factor_changes_a_role_only_with_a_fresh_code(app) {
        let admin = app.staff("root", Role::Admin).await;
        let target = app.party("pawn").await;
        let (secret, _, step) = enrol(&app, &admin.token).await;
        let path = format!("/auth/admin/users/{}/role", target.id);

        let (status, body) = app.post(&path, admin.t(), json!({"role": "admin"})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::TotpRequired), "{body}");
        let (status, body) = app.post(&path, admin.t(), json!({"role": "admin", "totp": "000000"})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::InvalidTotp), "{body}");
        let (status, body) = app.post(&path, admin.t(), json!({"role": "admin", "totp": totp_code(&secret, step - 1)})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::TotpReplayed), "a spent code: {body}");
        let row = user::Entity::find_by_id(target.id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(row.role, "user", "nothing changed");

        let (status, body) = app.post(&path, admin.t(), json!({"role": "moderator", "totp": totp_code(&secret, step)})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<AdminUserView>(&body).role, Role::Moderator);
    }
}

db_test! {
    /// Issue 9 item 12: failures count per account and client. A stranger's wrong
    /// passwords lock the stranger out of the account, not its owner.
    async fn a_strangers_failures_do_not_lock_the_owner_out(app, Options::with(&["--login-rate-per-minute", "100000", "--login-max-failures", "3", "--login-lockout-seconds", "120"])) {
        app.register("owner").await;
        let attacker = "203.0.113.66";
        let guess = json!({"username": "owner", "password": "guess guess guess"});
        let mut statuses = Vec::new();
        for _ in 0..3 {
            statuses.push(login_from(&app, attacker, guess.clone()).await.0);
        }
        assert_eq!(statuses, [StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS]);
        let right = json!({"username": "owner", "password": PASSWORD});
        let (status, retry, body) = login_from(&app, attacker, right.clone()).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the attacker's address stays locked even with the right password");
        assert_eq!(error_code(&body), ErrorCode::RateLimited);
        let retry = retry.expect("Retry-After");
        assert!((1..=120).contains(&retry), "{retry}");

        let (status, _, body) = login_from(&app, "198.51.100.7", right).await;
        assert_eq!(status, StatusCode::OK, "the owner signs in from their own address: {body}");
    }
}

db_test! {
    /// Issue 9 item 12: guessing spread over many addresses makes the whole account back
    /// off (a growing wait, answered with Retry-After), so distributed guessing stays slow.
    async fn failures_from_many_clients_make_the_account_back_off(app, Options::with(&["--login-rate-per-minute", "100000", "--login-max-failures", "100", "--login-account-max-failures", "4", "--login-account-backoff-max-seconds", "600"])) {
        app.register("popular").await;
        let guess = json!({"username": "popular", "password": "guess guess guess"});
        // Each address fails once; the account-wide wait doubles with each failure past the
        // fourth. Keep guessing from new addresses until the wait is long (failures made
        // while the account waits are refused before they count).
        let mut longest = 0;
        for n in 0..60 {
            let (status, retry, _) = login_from(&app, &format!("203.0.113.{n}"), guess.clone()).await;
            if status == StatusCode::TOO_MANY_REQUESTS {
                longest = longest.max(retry.expect("Retry-After"));
                if longest >= 16 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_secs(retry.unwrap_or(1))).await;
            } else {
                assert_eq!(status, StatusCode::UNAUTHORIZED);
            }
        }
        assert!(longest >= 16, "the wait grows: {longest}");
        let (status, retry, body) = login_from(&app, "198.51.100.99", json!({"username": "popular", "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "while the account backs off, nobody signs in: {body}");
        assert!(retry.is_some_and(|r| r >= 1));
    }
}

db_test! {
    /// Issue 9 item 13: the `mfa_token` of a two-factor sign-in makes one session. A wrong
    /// code does not use it up; a second session with it is refused.
    async fn an_mfa_token_makes_one_session(app) {
        let (_, tokens) = app.user("single").await;
        let (secret, _, step) = enrol(&app, &tokens.access).await;
        let (status, body) = app.post("/auth/login", None, json!({"username": "single", "password": PASSWORD})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::TotpRequired));
        let mfa = error_of(&body).extra.remove("mfa_token").expect("mfa_token");

        let (status, body) = app.post("/auth/login", None, json!({"mfa_token": mfa, "totp": "000000"})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidTotp));
        let (status, body) = app.post("/auth/login", None, json!({"mfa_token": mfa, "totp": totp_code(&secret, step)})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app.post("/auth/login", None, json!({"mfa_token": mfa, "totp": totp_code(&secret, step + 1)})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidToken), "{body}");
    }
}

db_test! {
    /// Issue 9, recovery codes: ten shown once at enrolment, each signs in once (also
    /// after the challenge step), the count is shown, and new ones retire the old ones.
    async fn recovery_codes_sign_in_once_and_can_be_replaced(app) {
        let (_, tokens) = app.user("lost").await;
        let t = Some(tokens.access.as_str());
        let (secret, codes, step) = enrol(&app, &tokens.access).await;
        assert_eq!(codes.len(), 10);
        assert_eq!(app.me(&tokens.access).await.recovery_codes_left, 10);

        let with = |code: &str| json!({"username": "lost", "password": PASSWORD, "totp": code});
        let (status, body) = app.post("/auth/login", None, with(&codes[0])).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app.post("/auth/login", None, with(&codes[0])).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidTotp), "a used code fails the second time");
        // Typed loosely (upper case, no dashes) at the challenge step.
        let (_, body) = app.post("/auth/login", None, json!({"username": "lost", "password": PASSWORD})).await;
        let mfa = error_of(&body).extra.remove("mfa_token").expect("mfa_token");
        let loose = codes[1].replace('-', "").to_uppercase();
        let (status, body) = app.post("/auth/login", None, json!({"mfa_token": mfa, "totp": loose})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(app.me(&tokens.access).await.recovery_codes_left, 8);

        let (status, body) = app.post("/auth/2fa/recovery-codes", t, json!({"code": totp_code(&secret, step)})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_field(&body).as_deref(), Some("password"));
        let (status, body) = app.post("/auth/2fa/recovery-codes", t, json!({"password": PASSWORD, "code": totp_code(&secret, step)})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let fresh = typed::<RecoveryCodes>(&body).recovery_codes;
        assert_eq!(fresh.len(), 10);
        let (status, _) = app.post("/auth/login", None, with(&codes[2])).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "an old, unused code stopped working");
        let (status, body) = app.post("/auth/login", None, with(&fresh[0])).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(app.me(&tokens.access).await.recovery_codes_left, 9);
    }
}

db_test! {
    /// Issue 9, recovery codes: two sign-ins racing with one code, exactly one wins.
    async fn one_recovery_code_used_twice_at_once_wins_once(app) {
        let (_, tokens) = app.user("racer").await;
        let (_, codes, _) = enrol(&app, &tokens.access).await;
        let body = json!({"username": "racer", "password": PASSWORD, "totp": codes[0]});
        let attempts = (0..4).map(|_| app.post("/auth/login", None, body.clone()));
        let statuses: Vec<StatusCode> = futures::future::join_all(attempts).await.into_iter().map(|(s, _)| s).collect();
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    }
}

db_test! {
    /// Issue 9, recovery codes: where another service asks for a code (release here, through
    /// login's /internal/totp/verify), an unused recovery code works, once.
    async fn a_recovery_code_releases_escrow_once(app) {
        let admin = app.staff("boss", Role::Admin).await;
        let seller = app.party("sam").await;
        let buyer = app.party("bob").await;
        app.credit(&admin, seller.id, "5").await;
        let offer = app.offer(&seller, "sell", "0.1", "2").await;
        let (_, codes, _) = enrol(&app, &seller.token).await;
        let first = app.trade(&buyer, offer, "1").await;
        let second = app.trade(&buyer, offer, "1").await;
        for t in [first, second] {
            assert_eq!(app.step(&buyer, t, "paid", json!({})).await.0, StatusCode::OK);
        }
        let (status, body) = app.step(&seller, first, "release", json!({"totp": codes[3]})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app.step(&seller, second, "release", json!({"totp": codes[3]})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a used code releases nothing more: {body}");
        assert_eq!(app.trade_state(&buyer, second).await, TradeState::Paid);
        app.assert_ledger_consistent().await;
    }
}

/// The raw TOTP secret column of an account.
async fn stored_secret(app: &TestApp, id: i64) -> Option<String> {
    user::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .totp_secret
}

/// Secrets at rest: the column holds no plaintext, a sign-in with 2FA still works after a
/// restart, and a plaintext row from before sealing is sealed at start and still works.
async fn totp_secrets_are_sealed_at_rest(backend: Backend) {
    let db = TestDb::create(backend).await;
    let options = Options::default();
    let (app, platform) = TestApp::spawn(&db, &options).await;
    let (id, tokens) = app.user("vault").await;
    let (secret, _, step) = enrol(&app, &tokens.access).await;
    let stored = stored_secret(&app, id).await.unwrap();
    assert!(stored.starts_with("v1:"), "{stored}");
    assert!(!stored.contains(&secret) && !stored.contains(&secret.to_lowercase()));
    // An old row: written in plaintext, as before sealing.
    let (old_id, _) = app.user("oldie").await;
    let old_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    user::Entity::update_many()
        .col_expr(
            user::Column::TotpSecret,
            sea_orm::sea_query::Expr::value(old_secret),
        )
        .filter(user::Column::Id.eq(old_id))
        .exec(&app.db)
        .await
        .unwrap();
    platform.stop().await;

    let (app, platform) = TestApp::spawn(&db, &options).await;
    let sealed = stored_secret(&app, old_id).await.unwrap();
    assert!(
        sealed.starts_with("v1:") && !sealed.contains(old_secret),
        "sealed at start: {sealed}"
    );
    for (name, secret) in [("vault", secret.as_str()), ("oldie", old_secret)] {
        let (status, body) = app
            .post("/auth/login", None, json!({"username": name, "password": PASSWORD, "totp": totp_code(secret, step + 1)}))
            .await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
    }
    // A second start leaves sealed rows as they are.
    platform.stop().await;
    let (app, platform) = TestApp::spawn(&db, &options).await;
    assert_eq!(stored_secret(&app, old_id).await.unwrap(), sealed);
    platform.stop().await;
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn totp_secrets_are_sealed_at_rest_on_sqlite() {
    totp_secrets_are_sealed_at_rest(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn totp_secrets_are_sealed_at_rest_on_mariadb() {
    totp_secrets_are_sealed_at_rest(Backend::MariaDb).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn totp_secrets_are_sealed_at_rest_on_postgres() {
    totp_secrets_are_sealed_at_rest(Backend::Postgres).await
}

db_test! {
    /// Issue 9, secrets at rest: the API tokens a web session keeps, and the challenge of
    /// a two-factor sign-in, are stored sealed; the browser still signs in with its code
    /// and uses the session.
    async fn web_session_tokens_are_sealed_at_rest(app) {
        use sea_orm::{ConnectionTrait, Statement};
        let (_, tokens) = app.user("webby").await;
        let (secret, _, step) = enrol(&app, &tokens.access).await;
        let web = crate::web::Web::new(&app);
        assert_eq!(web.sign_in("webby").await.location(), "/login/2fa");
        let raw = |table: &'static str, columns: &'static [&'static str]| {
            let db = app.db.clone();
            async move {
                let sql = format!("SELECT {} FROM {table}", columns.join(", "));
                let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
                rows.iter()
                    .flat_map(|r| columns.iter().map(|c| r.try_get::<String>("", c).unwrap()).collect::<Vec<_>>())
                    .collect::<Vec<String>>()
            }
        };
        let challenges = raw("web_login_challenges", &["mfa_token"]).await;
        assert_eq!(challenges.len(), 1);
        assert!(challenges[0].starts_with("v1:") && !crate::helpers::contains_jwt(&challenges[0]), "{}", challenges[0]);

        let page = web.get("/login/2fa").await;
        let code = totp_code(&secret, step);
        let done = web.post_raw("/login/2fa", &[("_csrf", &page.csrf()), ("totp", &code)], &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(web.get("/settings").await.status, StatusCode::OK);
        let stored = raw("web_sessions", &["access_token", "refresh_token"]).await;
        assert_eq!(stored.len(), 2);
        for token in &stored {
            assert!(token.starts_with("v1:") && !crate::helpers::contains_jwt(token), "{token}");
        }
    }
}

db_test! {
    /// Issue 9 item 2 and recovery codes, on the web: the enrolment page shows the ten
    /// codes once, settings shows how many are left, and turning 2FA off needs the
    /// password as well as the code.
    async fn the_web_settings_ask_for_the_password_and_show_recovery_codes(app) {
        let (_, tokens) = app.user("wendy").await;
        let web = crate::web::Web::new(&app);
        web.sign_in("wendy").await;
        let step = align_to_fresh_step(20).await;
        let enrol = web.submit("/settings", "/settings/2fa/enable", &[("password", crate::helpers::PASSWORD)]).await;
        assert_eq!(enrol.status, StatusCode::OK, "{}", enrol.body);
        assert!(enrol.body.contains("id=\"recovery-codes\""), "{}", enrol.body);
        let shown = enrol.body.matches("<li><code>").count();
        assert_eq!(shown, 10, "{}", enrol.body);
        let secret = enrol.body.split("id=\"totp-secret\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
        let page = enrol.csrf();
        let confirmed = web
            .post_raw("/settings/2fa/confirm", &[("_csrf", &page), ("code", &totp_code(&secret, step - 1))], &[("sec-fetch-site", "same-origin")])
            .await;
        assert_eq!(confirmed.status, StatusCode::SEE_OTHER, "{}", confirmed.body);
        let settings = web.get("/settings").await;
        assert!(settings.body.contains("Recovery codes left: <strong>10</strong>"), "{}", settings.body);
        assert!(settings.body.contains("id=\"disable-2fa-form\""));

        let code = totp_code(&secret, step);
        web.submit("/settings", "/settings/2fa/disable", &[("code", &code)]).await;
        assert!(totp_enabled(&app, &tokens.access).await, "no password, no change");
        web.submit("/settings", "/settings/2fa/disable", &[("password", "not my password"), ("code", &code)]).await;
        assert!(totp_enabled(&app, &tokens.access).await, "wrong password, no change");
        let off = web.submit("/settings", "/settings/2fa/disable", &[("password", PASSWORD), ("code", &code)]).await;
        assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
        assert!(!totp_enabled(&app, &tokens.access).await);
    }
}

/// Secrets at rest: in production neither the login service nor the frontend starts
/// without a data encryption key of its own (or with a malformed one).
#[test]
fn production_refuses_to_start_without_a_data_encryption_key() {
    for service in ["login", "frontend"] {
        for key in [None, Some("not-hex-and-short")] {
            let data =
                std::env::temp_dir().join(format!("pupero-datakey-{}", rand::random::<u32>()));
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pupero"));
            cmd.args(["serve", service])
                .env_remove("DATA_ENCRYPTION_KEY")
                .env_remove("DATABASE_URL")
                .env("PUPERO_ENV", "production")
                .env("PUPERO_DATA_DIR", &data)
                .env("LOGIN_PORT", "0")
                .env("PORT", "0")
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped());
            if let Some(k) = key {
                cmd.env("DATA_ENCRYPTION_KEY", k);
            }
            let mut child = cmd.spawn().unwrap();
            // A service that starts runs until stopped: give it a while to refuse, then stop it.
            let mut status = None;
            for _ in 0..100 {
                status = child.try_wait().unwrap();
                if status.is_some() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            if status.is_none() {
                let _ = child.kill();
            }
            let out = child.wait_with_output().unwrap();
            let _ = std::fs::remove_dir_all(&data);
            assert!(
                status.is_some_and(|s| !s.success()),
                "{service} started with key {key:?}"
            );
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("DATA_ENCRYPTION_KEY"),
                "{service}: {stderr}"
            );
        }
    }
}
