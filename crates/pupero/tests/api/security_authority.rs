//! Issue 9: authority is checked at the moment of use. A token says who the caller is;
//! whether the account may still act, and as what, is its current state.

use pupero_api::ErrorCode;
use pupero_core::Role;
use pupero_core::TradeState;
use reqwest::StatusCode;
use serde_json::{Value, json};

use pupero_api::Paged;
use pupero_api::accounts::{AdminUserView, Enrolment};
use pupero_api::auth::TokenPair;
use pupero_api::internal::login::AccountFacts;
use pupero_api::offers::OfferView;
use pupero_api::trades::ChatMessages;

use crate::helpers::{
    Options, Party, TestApp, align_to_fresh_step, db_test, error_code, error_of, totp_code, typed,
};
use crate::trading::market;

/// Every staff action a stale token tried in the attack, on every service with staff
/// routes, with the status each must now answer.
async fn staff_actions_refused(
    app: &TestApp,
    stale: &Party,
    victim: i64,
    disputed_trade: i64,
    code: ErrorCode,
) {
    let attempts: Vec<(&str, String, Option<Value>)> = vec![
        (
            "POST",
            "/transactions/admin/adjust".into(),
            Some(
                json!({"user_id": stale.id, "amount": "1000", "direction": "credit", "reason": "stale token"}),
            ),
        ),
        (
            "POST",
            "/transactions/transfer".into(),
            Some(
                json!({"from_user_id": victim, "to_user_id": stale.id, "amount": "1", "reason": "stale token"}),
            ),
        ),
        ("GET", "/transactions/admin/audit".into(), None),
        ("GET", "/transactions/disputes".into(), None),
        (
            "POST",
            format!("/transactions/trades/{disputed_trade}/resolve"),
            Some(json!({"outcome": "buyer", "reason": "stale token"})),
        ),
        (
            "POST",
            format!("/auth/admin/users/{victim}/role"),
            Some(json!({"role": "admin"})),
        ),
        (
            "POST",
            format!("/auth/admin/users/{victim}/disable"),
            Some(json!({"disabled": true})),
        ),
        ("POST", format!("/auth/admin/users/{victim}/logout"), None),
        ("GET", "/auth/admin/users".into(), None),
        ("GET", "/auth/admin/audit".into(), None),
        ("GET", "/monero/balance".into(), None),
        // Staff reads of a dispute (a party's view is not staff and stays as it was).
        (
            "GET",
            format!("/transactions/trades/{disputed_trade}"),
            None,
        ),
        (
            "GET",
            format!("/transactions/trades/{disputed_trade}/messages"),
            None,
        ),
    ];
    for (method, path, body) in attempts {
        let (status, answer) = app.call(method, &path, stale.t(), body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {answer}");
        assert_eq!(error_code(&answer), code, "{method} {path}: {answer}");
    }
}

/// A disputed trade between the market's buyer and seller.
async fn disputed(app: &TestApp, m: &crate::trading::Market) -> i64 {
    let t = app.trade(&m.buyer, m.offer, "1").await;
    app.step(&m.buyer, t, "paid", json!({})).await;
    let (status, body) = app
        .step(
            &m.buyer,
            t,
            "dispute",
            json!({"statement": "paid, nothing came"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    t
}

async fn balance_of(app: &TestApp, who: &Party) -> String {
    app.balances(who).await.0
}

db_test! {
    // issue 9 item 1: a demoted admin's access token no longer acts as staff anywhere.
    async fn a_demoted_admins_old_token_cannot_act_as_staff(app) {
        let m = market(&app).await;
        let t = disputed(&app, &m).await;
        let stale = app.staff("former", Role::Admin).await;
        let (status, body) = app
            .post(&format!("/auth/admin/users/{}/role", stale.id), m.admin.t(), json!({"role": "user"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        staff_actions_refused(&app, &stale, m.stranger.id, t, ErrorCode::Forbidden).await;

        // Nothing moved: no credit, the victim is still a plain, enabled user, the dispute open.
        assert_eq!(balance_of(&app, &stale).await, "0.000000000000");
        let (_, users) = app.get("/auth/admin/users?q=stranger", m.admin.t()).await;
        let users: Paged<AdminUserView> = typed(&users);
        assert_eq!((users.items[0].role, users.items[0].disabled), (Role::User, false));
        assert_eq!(app.trade_state(&m.buyer, t).await, TradeState::Disputed);
        // The demoted moderator role is current too: a moderator demoted to user cannot resolve.
        let (status, _) = app
            .post(&format!("/auth/admin/users/{}/role", m.moderator.id), m.admin.t(), json!({"role": "user"}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = app
            .post(&format!("/transactions/trades/{t}/resolve"), m.moderator.t(), json!({"outcome": "seller", "reason": "stale"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(app.trade_state(&m.buyer, t).await, TradeState::Disputed);
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    // issue 9 item 1: a disabled admin's access token no longer acts as staff anywhere.
    async fn a_disabled_admins_old_token_cannot_act_as_staff(app) {
        let m = market(&app).await;
        let t = disputed(&app, &m).await;
        let stale = app.staff("former", Role::Admin).await;
        let (status, body) = app
            .post(&format!("/auth/admin/users/{}/disable", stale.id), m.admin.t(), json!({"disabled": true}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        staff_actions_refused(&app, &stale, m.stranger.id, t, ErrorCode::AccountDisabled).await;
        assert_eq!(app.trade_state(&m.buyer, t).await, TradeState::Disputed);
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    // issue 9 item 1: the chain from the attack. A demoted admin promotes a sock puppet with
    // the old token, and the puppet promotes them back: the first step is refused, so the
    // second has nobody to do it.
    async fn a_demoted_admin_cannot_promote_a_sock_puppet(app) {
        let root = app.staff("root", Role::Admin).await;
        let rogue = app.staff("rogue", Role::Admin).await;
        let puppet = app.party("puppet").await;
        let (status, _) = app
            .post(&format!("/auth/admin/users/{}/role", rogue.id), root.t(), json!({"role": "user"}))
            .await;
        assert_eq!(status, StatusCode::OK);

        let (status, body) = app
            .post(&format!("/auth/admin/users/{}/role", puppet.id), rogue.t(), json!({"role": "admin"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        // The puppet's fresh login gives a plain user, which cannot restore the rogue.
        let puppet = Party { id: puppet.id, token: app.login("puppet").await.access };
        let (status, _) = app
            .post(&format!("/auth/admin/users/{}/role", rogue.id), puppet.t(), json!({"role": "admin"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, users) = app.get("/auth/admin/users", root.t()).await;
        let users: Paged<AdminUserView> = typed(&users);
        let role_of = |name: &str| users.items.iter().find(|u| u.username == name).unwrap().role;
        assert_eq!(role_of("puppet"), Role::User);
        assert_eq!(role_of("rogue"), Role::User);
    }
}

db_test! {
    // issue 9 item 10 (the "act" half): a disabled account's leftover token cannot create,
    // edit or delete offers, chat, review, open trades or get a deposit address.
    async fn a_disabled_accounts_leftover_token_cannot_write(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let (status, body) = app
            .post(&format!("/auth/admin/users/{}/disable", m.seller.id), m.admin.t(), json!({"disabled": true}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let offer = json!({"side": "sell", "currency": "EUR", "price": "150.00", "payment_method": "sepa",
                           "min_amount": "0.1", "max_amount": "1", "payment_window_minutes": 30, "terms": "x"});
        let attempts: Vec<(&str, String, Option<Value>)> = vec![
            ("POST", "/offers".into(), Some(offer.clone())),
            ("PUT", format!("/offers/{}", m.offer), Some(offer)),
            ("PATCH", format!("/offers/{}", m.offer), Some(json!({"price": "0.01"}))),
            ("DELETE", format!("/offers/{}", m.offer), None),
            ("POST", format!("/transactions/trades/{t}/messages"), Some(json!({"body": "still here"}))),
            ("POST", format!("/transactions/trades/{t}/cancel"), Some(json!({}))),
            ("GET", "/transactions/deposit-address".into(), None),
        ];
        for (method, path, body) in attempts {
            let (status, answer) = app.call(method, &path, m.seller.t(), body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {answer}");
            assert_eq!(error_code(&answer), ErrorCode::AccountDisabled, "{method} {path}: {answer}");
        }
        // Nothing changed: the offer keeps its price, the chat is empty, the trade runs.
        let (_, mine) = app.get("/me/offers", m.seller.t()).await;
        let mine: Paged<OfferView> = typed(&mine);
        assert_eq!((mine.total, mine.items[0].price.as_str()), (1, "150.00"), "{mine:?}");
        let (_, chat) = app.get(&format!("/transactions/trades/{t}/messages"), m.buyer.t()).await;
        assert!(typed::<ChatMessages>(&chat).messages.is_empty(), "{chat}");
        assert_eq!(app.trade_state(&m.buyer, t).await, TradeState::AwaitingPayment);
    }
}

db_test! {
    // issue 9 item 10 (the "act" half): a deleted account's leftover token cannot act.
    async fn a_deleted_accounts_leftover_token_cannot_write(app) {
        let m = market(&app).await;
        let gone = app.party("gone").await;
        let (status, body) = app
            .call("DELETE", "/auth/me", gone.t(), Some(json!({"current_password": crate::helpers::PASSWORD})))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let offer = json!({"side": "buy", "currency": "EUR", "price": "150.00", "payment_method": "sepa",
                           "min_amount": "0.1", "max_amount": "1", "payment_window_minutes": 30, "terms": "x"});
        let attempts: Vec<(&str, String, Option<Value>)> = vec![
            ("POST", "/offers".into(), Some(offer)),
            ("POST", "/transactions/trades".into(), Some(json!({"offer_id": m.offer, "amount": "1", "price": "150.00"}))),
            ("GET", "/transactions/deposit-address".into(), None),
        ];
        for (method, path, body) in attempts {
            let (status, answer) = app.call(method, &path, gone.t(), body).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {answer}");
            assert_eq!(error_code(&answer), ErrorCode::InvalidToken, "{method} {path}: {answer}");
        }
        let (_, listed) = app.get("/offers", m.buyer.t()).await;
        assert_eq!(typed::<Paged<OfferView>>(&listed).total, 1, "only the market's offer exists: {listed}");
    }
}

db_test! {
    // issue 9 item 2 (staff half): in production, a staff account without 2FA may not act
    // as staff; once it turns 2FA on, it may.
    async fn production_refuses_staff_without_two_factor(app, Options::with(&[
        "--pupero-env", "production",
        "--data-encryption-key", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        "--audit-signing-key", "8f3a1c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a",
        "--login-rate-per-minute", "100000",
        "--register-rate-per-hour", "100000",
    ])) {
        let admin = app.staff("admin", Role::Admin).await;
        let user = app.party("user").await;
        let credit = json!({"user_id": user.id, "amount": "1", "direction": "credit", "reason": "funding"});
        let (status, body) = app.post("/transactions/admin/adjust", admin.t(), credit.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(error_code(&body), ErrorCode::Staff2faRequired);
        let (status, body) = app.get("/auth/admin/users", admin.t()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(error_code(&body), ErrorCode::Staff2faRequired);
        assert_eq!(balance_of(&app, &user).await, "0.000000000000");

        let step = align_to_fresh_step(10).await;
        let (_, enrol) = app.post("/auth/2fa/enable", admin.t(), json!({"password": crate::helpers::PASSWORD})).await;
        let secret = typed::<Enrolment>(&enrol).secret;
        let (status, body) = app.post("/auth/2fa/confirm", admin.t(), json!({"code": totp_code(&secret, step)})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app.get("/auth/admin/users", admin.t()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn user_claims(id: i64, role: &str) -> Value {
    json!({"sub": id.to_string(), "role": role, "typ": "access", "jti": "forged", "iat": now() - 5, "exp": now() + 600})
}

fn service_claims(name: &str) -> Value {
    json!({"sub": name, "role": "user", "typ": "service", "jti": "svc", "iat": now() - 5, "exp": now() + 60})
}

db_test! {
    // issue 9, service identity: only login's key makes user tokens. Every other service
    // holds its own key, and an admin token signed with it is refused everywhere.
    async fn a_user_token_signed_by_any_other_service_is_refused(app) {
        let (id, _) = app.user("mallory").await;
        // The harness signs like login does: a token from login's key works.
        let genuine = app.sign_as("login", &user_claims(id, "user"));
        assert_eq!(app.get("/auth/me", Some(&genuine)).await.0, StatusCode::OK);
        for service in ["frontend", "gateway", "offers", "transactions", "wallet"] {
            let forged = app.sign_as(service, &user_claims(id, "admin"));
            for (method, path) in [
                ("GET", "/auth/me"),
                ("GET", "/auth/admin/users"),
                ("GET", "/transactions/admin/audit"),
                ("GET", "/transactions/withdrawals"),
                ("GET", "/me/offers"),
                ("GET", "/monero/balance"),
            ] {
                let (status, body) = app.call(method, path, Some(&forged), None).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{service} signed, {method} {path}: {body}");
            }
        }
    }
}

db_test! {
    // issue 9, service identity: a service token from a service that an internal route does
    // not list is refused (the frontend or offers cannot credit deposits), and a token
    // naming one service but signed by another's key is refused everywhere.
    async fn an_internal_route_accepts_only_its_listed_callers(app) {
        let (id, _) = app.user("victim").await;
        let credit = json!({"deposit_key": format!("{}:1", "ab".repeat(32)), "user_id": id, "amount": "1000", "txid": "ab".repeat(32)});
        let internal = |base: &str, path: &str, token: String, body: Option<Value>| {
            let (base, path) = (base.to_owned(), path.to_owned());
            let app = &app;
            async move {
                app.call_at(&base, if body.is_some() { "POST" } else { "GET" }, &path, Some(&token), body).await
            }
        };
        for caller in ["frontend", "offers", "gateway", "login"] {
            let token = app.sign_as(caller, &service_claims(caller));
            let (status, body) = internal(&app.transactions, "/internal/deposits/credit", token, Some(credit.clone())).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{caller} credits: {body}");
        }
        // Claiming to be the wallet with the frontend's key is no better: a forged
        // identity is no identity (401), and no anonymous caller gets further.
        let posing = app.sign_as("frontend", &service_claims("wallet"));
        let (status, body) = internal(&app.transactions, "/internal/deposits/credit", posing, Some(credit.clone())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let (status, body) = app.call_at(&app.transactions, "POST", "/internal/deposits/credit", None, Some(credit.clone())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(error_code(&body), ErrorCode::MissingToken);
        // A user's own access token is known, and not a service's: 403.
        let user_token = app.login("victim").await.access;
        let (status, body) = app.call_at(&app.transactions, "POST", "/internal/deposits/credit", Some(&user_token), Some(credit.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(app.balances(&Party { id, token: app.login("victim").await.access }).await.0, "0.000000000000");

        // Login's account facts: the services that check standing may ask, the frontend not.
        let path = format!("/internal/users/{id}");
        let frontend = app.sign_as("frontend", &service_claims("frontend"));
        assert_eq!(internal(&app.login, &path, frontend, None).await.0, StatusCode::FORBIDDEN);
        let transactions = app.keys().only("transactions").issue_service("transactions").unwrap().token;
        let (status, facts) = internal(&app.login, &path, transactions, None).await;
        assert_eq!(status, StatusCode::OK, "{facts}");
        let facts: AccountFacts = typed(&facts);
        assert_eq!((facts.id, facts.role, facts.disabled), (id, Role::User, false));
        // The wallet is listed for crediting: its token passes the caller check (the body
        // then decides).
        let wallet = app.keys().only("wallet").issue_service("wallet").unwrap().token;
        let (status, body) = internal(&app.transactions, "/internal/deposits/credit", wallet, Some(json!({}))).await;
        assert_ne!(status, StatusCode::FORBIDDEN, "{body}");
    }
}

db_test! {
    // issue 9, service identity: tokens signed with the old shared HS256 secret (still in
    // the environment of upgraded deployments) are refused as user and as service tokens.
    async fn an_old_hs256_token_is_refused(app) {
        let (id, _) = app.user("oldtimer").await;
        let hs256 = |claims: &Value| {
            jsonwebtoken::encode(
                &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
                claims,
                &jsonwebtoken::EncodingKey::from_secret(crate::helpers::SECRET.as_bytes()),
            )
            .unwrap()
        };
        let user = hs256(&user_claims(id, "admin"));
        let (status, body) = app.get("/auth/me", Some(&user)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(app.get("/auth/admin/users", Some(&user)).await.0, StatusCode::UNAUTHORIZED);
        let service = hs256(&service_claims("transactions"));
        let (status, body) = app.call_at(&app.login, "GET", &format!("/internal/users/{id}"), Some(&service), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "an HS256 token identifies nobody: {body}");
        assert_eq!(error_code(&body), ErrorCode::InvalidToken);
    }
}

/// Ending every session of an account cuts at whole seconds (tokens carry `iat` in
/// seconds, and a fresh sign-in right after must pass): an old token made in an earlier
/// second is certainly cut.
async fn next_second() {
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
}

/// After the account's sessions were ended, `old` (issued before) cannot write: neither
/// post an offer nor open a trade. It can still read (reads stay stateless). `new`
/// (signed in afterwards) can do both.
async fn old_token_cut_new_one_works(app: &TestApp, offer: i64, old: &Party, new: &Party) {
    let posted = json!({"side": "buy", "currency": "EUR", "price": "150.00", "payment_method": "sepa",
                        "min_amount": "0.1", "max_amount": "1", "payment_window_minutes": 30, "terms": "x"});
    let trade = json!({"offer_id": offer, "amount": "1", "price": "150.00"});
    for (path, body) in [("/offers", &posted), ("/transactions/trades", &trade)] {
        let (status, answer) = app.post(path, old.t(), body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "old token, {path}: {answer}"
        );
        assert_eq!(
            error_code(&answer),
            ErrorCode::InvalidToken,
            "{path}: {answer}"
        );
        assert_eq!(
            error_of(&answer).message,
            "this session was ended",
            "{path}: {answer}"
        );
    }
    let (status, _) = app.get("/me/offers", old.t()).await;
    assert_eq!(status, StatusCode::OK, "reads stay stateless");
    let (status, answer) = app.post("/offers", new.t(), posted).await;
    assert_eq!(status, StatusCode::CREATED, "new token: {answer}");
    let (status, answer) = app.post("/transactions/trades", new.t(), trade).await;
    assert_eq!(status, StatusCode::CREATED, "new token: {answer}");
    app.assert_ledger_consistent().await;
}

db_test! {
    // A password change ends every session: the old access token can no longer write,
    // and the session signed in with the new password can.
    async fn a_password_change_cuts_old_access_tokens(app) {
        let m = market(&app).await;
        next_second().await;
        let new_password = "a fresh passphrase, 2026";
        let (status, body) = app
            .call("PUT", "/auth/me", m.buyer.t(), Some(json!({"password": new_password, "current_password": crate::helpers::PASSWORD})))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app
            .post("/auth/login", None, json!({"username": "buyer", "password": new_password}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let new = Party { id: m.buyer.id, token: typed::<TokenPair>(&body).access_token };
        old_token_cut_new_one_works(&app, m.offer, &m.buyer, &new).await;
    }
}

db_test! {
    // Signing out everywhere ends the access tokens too, for writes.
    async fn signing_out_everywhere_cuts_old_access_tokens(app) {
        let m = market(&app).await;
        next_second().await;
        let (status, body) = app.post("/auth/logout-all", m.buyer.t(), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let new = Party { id: m.buyer.id, token: app.login("buyer").await.access };
        old_token_cut_new_one_works(&app, m.offer, &m.buyer, &new).await;
    }
}

db_test! {
    // An admin's force-logout ends the access tokens too: a moderator's old token can no
    // longer write nor act as staff; signed in again, it can.
    async fn an_admins_force_logout_cuts_old_access_tokens(app) {
        let m = market(&app).await;
        next_second().await;
        let (status, body) = app
            .post(&format!("/auth/admin/users/{}/logout", m.moderator.id), m.admin.t(), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, answer) = app.get("/transactions/disputes", m.moderator.t()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
        assert_eq!(error_code(&answer), ErrorCode::InvalidToken, "{answer}");
        let new = Party { id: m.moderator.id, token: app.login("moderator").await.access };
        let (status, answer) = app.get("/transactions/disputes", new.t()).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        old_token_cut_new_one_works(&app, m.offer, &m.moderator, &new).await;
    }
}

db_test! {
    // An admin with 2FA needs a fresh code to disable, enable or sign out a user, as to
    // change a role: a stolen admin session alone cannot lock users out.
    async fn an_admin_with_two_factor_needs_a_code_to_disable_or_sign_out(app) {
        let admin = app.staff("root", Role::Admin).await;
        let victim = app.party("victim").await;
        let step = align_to_fresh_step(20).await;
        let (status, enrol) = app.post("/auth/2fa/enable", admin.t(), json!({"password": crate::helpers::PASSWORD})).await;
        assert_eq!(status, StatusCode::OK, "{enrol}");
        let Enrolment { secret, recovery_codes, .. } = typed(&enrol);
        let recovery = recovery_codes[0].clone();
        let (status, body) = app.post("/auth/2fa/confirm", admin.t(), json!({"code": totp_code(&secret, step - 1)})).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let disable = format!("/auth/admin/users/{}/disable", victim.id);
        let logout = format!("/auth/admin/users/{}/logout", victim.id);
        for (path, body, code) in [
            (&disable, json!({"disabled": true}), ErrorCode::TotpRequired),
            (&disable, json!({"disabled": true, "totp": "000000"}), ErrorCode::InvalidTotp),
            (&logout, json!({}), ErrorCode::TotpRequired),
        ] {
            let (status, answer) = app.post(path, admin.t(), body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {answer}");
            assert_eq!(error_code(&answer), code, "{path}: {answer}");
        }
        let (_, users) = app.get("/auth/admin/users?q=victim", admin.t()).await;
        assert!(!typed::<Paged<AdminUserView>>(&users).items[0].disabled, "{users}");

        let (status, body) = app.post(&disable, admin.t(), json!({"disabled": true, "totp": totp_code(&secret, step)})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(typed::<AdminUserView>(&body).disabled);
        let (status, body) = app.post(&disable, admin.t(), json!({"disabled": false, "totp": recovery})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(!typed::<AdminUserView>(&body).disabled);
        let (status, body) = app.post(&logout, admin.t(), json!({"totp": totp_code(&secret, step + 1)})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}
