//! Mail through a local SMTP server that captures it (aiosmtpd): address verification,
//! events mailed by preference with the anti-phishing phrase and a link, and password reset
//! by a single-use, short-lived link that does not tell who is registered.

use pupero_api::ErrorCode;
use pupero_api::account_mail::{MailAccepted, MailSettingsView};
use pupero_core::NotificationKind as K;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    Backend, MailCatcher, Options, PASSWORD, Party, TestApp, error_code, error_field, run, typed,
};
use crate::trading::market;

/// Like `db_test!`, with a capture server started first and its URL in the settings.
macro_rules! mail_test {
    (async fn $name:ident($app:ident, $mail:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn body($app: TestApp, $mail: MailCatcher) $body

            async fn on(backend: Backend) {
                let catcher = MailCatcher::start().await;
                let mut options = Options::default();
                options.args.extend(catcher.args());
                options.args.extend(["--public-url".to_owned(), "https://pupero.example".to_owned()]);
                run(backend, options, move |app| body(app, catcher)).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { on(Backend::Sqlite).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mariadb() { on(Backend::MariaDb).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { on(Backend::Postgres).await }
        }
    };
}

async fn settings(app: &TestApp, who: &Party) -> MailSettingsView {
    let (status, body) = app.get("/auth/mail-settings", who.t()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    typed(&body)
}

/// Verifies `who`'s address through the mailed link.
async fn verify(app: &TestApp, mail: &MailCatcher, who: &Party, address: &str) {
    let (status, body) = app
        .post("/auth/email/verification", who.t(), json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let sent = mail.wait_for(address, "Confirm your email").await;
    let token = sent
        .token_in_link("https://pupero.example/verify-email?token=")
        .expect("a verification link");
    let (status, body) = app
        .post("/auth/email/verify", None, json!({"token": token}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The link works once.
    let (status, body) = app
        .post("/auth/email/verify", None, json!({"token": token}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code(&body), ErrorCode::InvalidEmailToken);
}

mail_test! {
    async fn events_are_mailed_to_a_verified_address_with_the_phrase(app, mail) {
        let m = market(&app).await;
        let seller_mail = "seller@example.com";
        let before = settings(&app, &m.seller).await;
        assert!(!before.email_verified && before.mail_enabled);
        assert!(before.email_events.contains(&K::TradePaid));
        assert!(!before.email_events.contains(&K::MessageReceived), "chat mail is opt-in");

        // Unverified: the trade is in the inbox, not in the mailbox.
        let t = app.trade(&m.buyer, m.offer, "1").await;
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        assert!(mail.to(seller_mail).is_empty(), "{:?}", mail.mails());

        let (status, body) = app.call("PUT", "/auth/mail-settings", m.seller.t(),
            Some(json!({"anti_phishing_phrase": "purple otter 42", "email_events": ["trade_paid", "message_received"]}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        verify(&app, &mail, &m.seller, seller_mail).await;
        let after = settings(&app, &m.seller).await;
        assert!(after.email_verified);
        assert_eq!(after.anti_phishing_phrase.as_deref(), Some("purple otter 42"));
        assert_eq!(after.email_events, [K::TradePaid, K::MessageReceived]);

        app.step(&m.buyer, t, "paid", json!({})).await;
        let paid = mail.wait_for(seller_mail, "marked the trade as paid").await;
        assert_eq!(paid.to, [seller_mail]);
        assert!(paid.body.starts_with("Your anti-phishing phrase: purple otter 42\n"), "{}", paid.body);
        assert!(paid.body.contains(&format!("The buyer marked trade #{t} as paid")), "{}", paid.body);
        assert_eq!(paid.link_with("/trades/").as_deref(), Some(format!("https://pupero.example/trades/{t}").as_str()));
        // The buyer's own address got nothing of the seller's.
        assert!(mail.to("buyer@example.com").is_empty());

        // Turned off: a kind no longer chosen is not mailed (a later chosen one still is).
        app.step(&m.seller, t, "release", json!({})).await;
        app.post(&format!("/transactions/trades/{t}/messages"), m.buyer.t(), json!({"body": "thanks"})).await;
        mail.wait_for(seller_mail, "New message").await;
        let subjects: Vec<String> = mail.to(seller_mail).into_iter().map(|m| m.subject).collect();
        assert_eq!(subjects.len(), 3, "verification, paid, message: {subjects:?}");

        // Bad settings are refused, naming the field, and change nothing.
        let (status, body) = app.call("PUT", "/auth/mail-settings", m.seller.t(), Some(json!({"anti_phishing_phrase": "abc"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_field(&body).as_deref(), Some("anti_phishing_phrase"));
        let (status, _) = app.call("PUT", "/auth/mail-settings", m.seller.t(), Some(json!({"email_events": ["nope"]}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(settings(&app, &m.seller).await.anti_phishing_phrase.as_deref(), Some("purple otter 42"));
    }
}

mail_test! {
    async fn a_reset_link_works_once_and_ends_other_sessions(app, mail) {
        let (id, tokens) = app.user("forgetful").await;
        let me = Party { id, token: tokens.access.clone() };
        // Sessions end from the start of the second the reset happens in (ARCHITECTURE.md):
        // this session must be older than that.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        app.call("PUT", "/auth/mail-settings", me.t(), Some(json!({"anti_phishing_phrase": "green kettle"}))).await;

        // Known and unknown addresses get the same answer; only the known one gets mail.
        let (known_status, known) = app.post("/auth/password-reset", None, json!({"email": "Forgetful@Example.com"})).await;
        let (unknown_status, unknown) = app.post("/auth/password-reset", None, json!({"email": "nobody@example.com"})).await;
        assert_eq!((known_status, unknown_status), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
        assert_eq!(known, unknown);
        typed::<MailAccepted>(&known);
        let sent = mail.wait_for("forgetful@example.com", "Choose a new password").await;
        assert!(sent.body.starts_with("Your anti-phishing phrase: green kettle\n"), "{}", sent.body);
        let token = sent.token_in_link("https://pupero.example/reset-password?token=").expect("a reset link");
        assert!(mail.to("nobody@example.com").is_empty());

        // The token is stored only as its hash.
        use sea_orm::EntityTrait;
        let stored = pupero_login::entity::email_token::Entity::find().all(&app.db).await.unwrap();
        assert!(stored.iter().all(|t| t.token_hash != token && t.token_hash.len() == 64));

        // A weak password is refused and spends nothing.
        let (status, body) = app.post("/auth/password-reset/confirm", None, json!({"token": token, "password": "short"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let new_password = "a brand new passphrase";
        let (status, body) = app.post("/auth/password-reset/confirm", None, json!({"token": token, "password": new_password})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // Once only.
        let (status, body) = app.post("/auth/password-reset/confirm", None, json!({"token": token, "password": "another new passphrase"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_code(&body), ErrorCode::InvalidEmailToken);

        // Every earlier session is over; the old password no longer signs in; the new one does.
        let (status, _) = app.post("/auth/token/refresh", None, json!({"refresh_token": tokens.refresh})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app.call("PUT", "/auth/mail-settings", me.t(), Some(json!({"anti_phishing_phrase": "other phrase"}))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "an ended session's token writes nothing");
        let (status, _) = app.post("/auth/login", None, json!({"username": "forgetful", "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, body) = app.post("/auth/login", None, json!({"username": "forgetful", "password": new_password})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

mail_test! {
    async fn reset_links_expire_and_are_limited(app, mail) {
        app.user("limited").await;
        // A wrong token, and a malformed address, are refused.
        let (status, body) = app.post("/auth/password-reset/confirm", None, json!({"token": "made-up", "password": "a brand new passphrase"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_field(&body).as_deref(), Some("token"));
        let (status, _) = app.post("/auth/password-reset", None, json!({"email": "not an address"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        for _ in 0..4 {
            let (status, _) = app.post("/auth/password-reset", None, json!({"email": "limited@example.com"})).await;
            assert_eq!(status, StatusCode::ACCEPTED, "the answer never tells");
        }
        // The links go out after the answers: wait for three, then make sure no fourth follows.
        for _ in 0..300 {
            if mail.to("limited@example.com").len() >= 3 { break; }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
        let links = mail.to("limited@example.com");
        assert_eq!(links.len(), 3, "three links an hour per account");

        // An expired link does not work.
        use pupero_login::entity::email_token;
        use sea_orm::{EntityTrait, sea_query::Expr};
        email_token::Entity::update_many()
            .col_expr(email_token::Column::ExpiresAtMs, Expr::value(pupero_db::now_ms() - 1))
            .exec(&app.db)
            .await
            .unwrap();
        let token = links[0].token_in_link("reset-password").unwrap();
        let (status, body) = app.post("/auth/password-reset/confirm", None, json!({"token": token, "password": "a brand new passphrase"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
}

mail_test! {
    async fn the_web_pages_reset_a_password(app, mail) {
        use crate::web::Web;
        app.user("webforget").await;
        let web = Web::new(&app);
        let asked = web.submit("/forgot-password", "/forgot-password", &[("email", "webforget@example.com")]).await;
        assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
        assert!(asked.body.contains("id=\"form-done\""), "{}", asked.body);
        let sent = mail.wait_for("webforget@example.com", "Choose a new password").await;
        let link = sent.link_with("/reset-password?token=").unwrap();
        let path = link.trim_start_matches("https://pupero.example");
        let token = sent.token_in_link("reset-password").unwrap();
        // A mismatched confirmation is refused on the page, spending nothing.
        let refused = web.submit(path, "/reset-password", &[
            ("token", token.as_str()),
            ("password", "a brand new passphrase"), ("confirm", "something else entirely"),
        ]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let done = web.submit(path, "/reset-password", &[
            ("token", token.as_str()),
            ("password", "a brand new passphrase"), ("confirm", "a brand new passphrase"),
        ]).await;
        assert_eq!((done.status, done.location()), (StatusCode::SEE_OTHER, "/login"), "{}", done.body);
        let (status, _) = app.post("/auth/login", None, json!({"username": "webforget", "password": "a brand new passphrase"})).await;
        assert_eq!(status, StatusCode::OK);
    }
}
