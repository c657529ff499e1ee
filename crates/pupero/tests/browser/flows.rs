//! Whole journeys in real browsers: two people trade from registration to reviews, and a
//! moderator decides a dispute. Each runs on SQLite, MariaDB and PostgreSQL.

use std::time::Duration;

use pupero_core::Role;

use crate::driver::{Browser, TIMEOUT};
use crate::helpers::{PASSWORD, Party, TestApp, db_test, totp_code};
use crate::steps::{register, shot, sign_in};

/// Codes for one account's authenticator, each for a later time step than the last one
/// used (the login service refuses a replayed step), waiting for the clock if needed.
struct Authenticator {
    secret: String,
    last_step: u64,
}

impl Authenticator {
    async fn next_code(&mut self) -> String {
        loop {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let current = now / 30;
            // ±1 step is accepted; take the earliest step after the last one, and keep
            // two seconds of margin before the window moves on.
            let step = (self.last_step + 1).max(current.saturating_sub(1));
            let margin_ok = step > current.saturating_sub(1) || 30 - now % 30 > 2;
            if step <= current + 1 && margin_ok {
                self.last_step = step;
                return totp_code(&self.secret, step);
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// Accepts the "are you sure?" of the next form on this page.
async fn agree_to_confirmations(browser: &Browser) {
    browser
        .eval("window.confirm = function () { return true; };")
        .await;
}

async fn enable_two_factor(browser: &Browser, app: &TestApp) -> Authenticator {
    browser.goto(&format!("{}/settings", app.frontend)).await;
    browser.fill("#enable-2fa-password", PASSWORD).await;
    browser.submit_form("#enable-2fa").await;
    let secret = browser.text("#totp-secret").await;
    assert!(browser.exists("#totp-qr").await, "a QR code to scan");
    let mut app_codes = Authenticator {
        secret,
        last_step: 0,
    };
    let code = app_codes.next_code().await;
    browser.fill("#totp-code", &code).await;
    browser.submit_form("#confirm-2fa").await;
    browser
        .wait_for_text("Two-factor authentication is on", TIMEOUT)
        .await;
    app_codes
}

/// The user number the admin console shows for `username`.
async fn user_number(admin: &Browser, app: &TestApp, username: &str) -> String {
    admin
        .goto(&format!("{}/admin?q={username}", app.frontend))
        .await;
    let id = admin
        .eval(&format!(
            "return document.querySelector('tr[data-user=\"{username}\"] td').innerText.trim();"
        ))
        .await;
    id.as_str().unwrap().to_owned()
}

async fn post_offer(browser: &Browser, app: &TestApp, price: &str) -> String {
    browser.goto(&format!("{}/offers/new", app.frontend)).await;
    browser.click("#side-sell").await;
    browser.fill("#currency", "EUR").await;
    browser.fill("#price", price).await;
    browser.select("#payment_method", "sepa").await;
    browser.fill("#min_amount", "0.1").await;
    browser.fill("#max_amount", "2").await;
    browser.fill("#payment_window_minutes", "30").await;
    browser
        .fill(
            "#terms",
            "SEPA transfer with the trade number as reference. I answer within the hour.",
        )
        .await;
    browser.submit_form("#offer-submit").await;
    browser.wait_for_text("Your offer is live.", TIMEOUT).await;
    let path = browser.current_path().await;
    path.trim_start_matches("/offers/").to_owned()
}

/// From the offers page: open the offer, start a trade for `amount`, land on the trade.
async fn start_trade(buyer: &Browser, app: &TestApp, offer: &str, amount: &str) -> String {
    buyer.goto(&format!("{}/", app.frontend)).await;
    buyer
        .click(&format!("tr[data-offer=\"{offer}\"] a.button"))
        .await;
    buyer.wait_for("#trade-form", TIMEOUT).await;
    buyer.fill("#trade-amount", amount).await;
    buyer.submit_form("#start-trade").await;
    buyer
        .wait_for_text("The seller's XMR is now held in escrow.", TIMEOUT)
        .await;
    buyer.current_path().await
}

/// A small PNG whose `tEXt` chunk names a place, written to a scratch file.
fn receipt_png() -> std::path::PathBuf {
    let chunk = |kind: &[u8; 4], data: &[u8]| {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&[0, 0, 0, 0]);
        c
    };
    let png = [
        b"\x89PNG\r\n\x1a\n".to_vec(),
        chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]),
        chunk(b"tEXt", b"Location\0Home"),
        chunk(b"IDAT", b"pixels"),
        chunk(b"IEND", b""),
    ]
    .concat();
    // A directory of its own: the three databases' runs share the process.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("pupero-evidence-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bank-receipt.png");
    std::fs::write(&path, png).unwrap();
    path
}

async fn assert_state(browser: &Browser, state: &str) {
    assert_eq!(
        browser.attr("#trade-state", "data-state").await.as_deref(),
        Some(state)
    );
}

db_test! {
    /// Two people, two browsers: register, fund through the admin console, post an offer,
    /// start a trade, chat, mark paid, release with a two-factor code, review each other.
    async fn two_people_trade_from_registration_to_reviews(app) {
        let (olga_id, olga) = app.privileged("olga", Role::Admin).await;
        let olga = Party { id: olga_id, token: olga.access };
        // Another trader's offer, so the market is not empty.
        let carl = app.party("carl").await;
        app.credit(&olga, carl.id, "3").await;
        app.offer(&carl, "sell", "0.05", "1").await;
        let seller = Browser::new().await;
        let buyer = Browser::new().await;
        let admin = Browser::new().await;
        tokio::join!(register(&seller, &app, "sam"), register(&buyer, &app, "bea"), sign_in(&admin, &app, "olga"));

        // The session cookie as the browser holds it.
        let cookie = buyer.cookie("pupero_session").await.expect("a session cookie");
        assert!(cookie.http_only, "scripts cannot read the session");
        assert_eq!(cookie.same_site.as_deref(), Some("Lax"));
        assert!(!buyer.eval("return document.cookie;").await.as_str().unwrap().contains("pupero_session"));

        let mut sams_app = enable_two_factor(&seller, &app).await;
        // Signing in again goes through the code step.
        seller.submit_form("#logout").await;
        seller.wait_for_text("Signed out.", TIMEOUT).await;
        seller.goto(&format!("{}/login", app.frontend)).await;
        seller.fill("#username", "sam").await;
        seller.fill("#password", PASSWORD).await;
        seller.submit_form("#login-submit").await;
        seller.wait_for_path("/login/2fa", TIMEOUT).await;
        shot(&seller, "login-two-factor").await;
        let code = sams_app.next_code().await;
        seller.fill("#totp", &code).await;
        seller.submit_form("#code-submit").await;
        seller.wait_for_text("Signed in.", TIMEOUT).await;

        // The admin funds the seller, with a reason.
        let sam = user_number(&admin, &app, "sam").await;
        admin.fill("#adjust-user", &sam).await;
        admin.fill("#adjust-amount", "5").await;
        admin.select("#adjust-direction", "credit").await;
        admin.fill("#adjust-reason", "opening deposit paid in person").await;
        admin.submit_form("#adjust-submit").await;
        admin.wait_for("#adjust-confirm", TIMEOUT).await;
        assert_eq!(admin.text("#confirm-amount").await, "5 XMR");
        shot(&admin, "adjust-confirm").await;
        admin.submit_form("#adjust-confirm").await;
        admin.wait_for_text("available balance is now 5 XMR", TIMEOUT).await;
        shot(&admin, "admin").await;
        admin.click("#audit-link").await;
        admin.wait_for_text("opening deposit paid in person", TIMEOUT).await;
        shot(&admin, "audit").await;

        let offer = post_offer(&seller, &app, "150.00").await;
        shot(&seller, "offer").await;
        seller.goto(&format!("{}/balances", app.frontend)).await;
        assert_eq!(seller.text("#bal-available").await, "5");

        buyer.goto(&format!("{}/?want=buy&currency=EUR", app.frontend)).await;
        buyer.wait_for(&format!("tr[data-offer=\"{offer}\"]"), TIMEOUT).await;
        buyer.wait_for_text("sam", TIMEOUT).await;
        shot(&buyer, "offers").await;
        let trade = start_trade(&buyer, &app, &offer, "1.25").await;
        assert_state(&buyer, "awaiting_payment").await;
        assert!(buyer.text("#trade-fiat").await.starts_with("187.50 EUR"));
        assert!(buyer.exists("#deadline").await, "the payment window counts down");
        assert!(!buyer.exists("#action-release").await, "the buyer cannot release");
        buyer.fill("#chat-body", "Hi Sam, sending 187.50 EUR by SEPA now.").await;
        buyer.submit_form("#chat-send").await;
        buyer.wait_for_text("sending 187.50 EUR", TIMEOUT).await;
        shot(&buyer, "trade-awaiting-payment").await;

        let trade_url = format!("{}{trade}", app.frontend);
        seller.goto(&trade_url).await;
        seller.wait_for_text("sending 187.50 EUR", TIMEOUT).await;
        assert!(!seller.exists("#action-release").await, "nothing to release before payment");
        assert!(!seller.exists("#action-paid").await, "only the buyer marks paid");
        seller.goto(&format!("{}/balances", app.frontend)).await;
        assert_eq!(seller.text("#bal-escrow").await, "1.25");

        buyer.submit_form("#action-paid").await;
        buyer.wait_for_text("Marked as paid", TIMEOUT).await;
        assert_state(&buyer, "paid").await;

        seller.goto(&trade_url).await;
        assert_state(&seller, "paid").await;
        seller.fill("#chat-body", "Received, releasing.").await;
        seller.submit_form("#chat-send").await;
        seller.wait_for("#release-totp", TIMEOUT).await;
        shot(&seller, "trade").await;
        // A wrong code releases nothing.
        agree_to_confirmations(&seller).await;
        seller.fill("#release-totp", "000000").await;
        seller.submit_form("#action-release").await;
        seller.wait_for("#flash.flash-error", TIMEOUT).await;
        assert_state(&seller, "paid").await;
        let code = sams_app.next_code().await;
        agree_to_confirmations(&seller).await;
        seller.fill("#release-totp", &code).await;
        seller.submit_form("#action-release").await;
        seller.wait_for_text("Released.", TIMEOUT).await;
        assert_state(&seller, "completed").await;

        buyer.goto(&format!("{}/balances", app.frontend)).await;
        assert_eq!(buyer.text("#bal-available").await, "1.25");
        shot(&buyer, "balances").await;
        seller.goto(&format!("{}/balances", app.frontend)).await;
        assert_eq!(seller.text("#bal-available").await, "3.75");
        assert_eq!(seller.text("#bal-escrow").await, "0");

        for (who, text) in [(&buyer, "Fast and friendly."), (&seller, "Paid quickly.")] {
            who.goto(&trade_url).await;
            who.select("#review-rating", "5").await;
            who.fill("#review-comment", text).await;
            who.submit_form("#review-submit").await;
            who.wait_for_text("your review is published", TIMEOUT).await;
            assert!(who.exists("#reviewed").await, "the form is gone once reviewed");
        }
        shot(&buyer, "trade-completed").await;
        buyer.goto(&format!("{}/u/sam", app.frontend)).await;
        assert_eq!(buyer.text("#profile-completed").await, "1");
        assert_eq!(buyer.text("#profile-rating").await, "5.00 / 5");
        buyer.wait_for_text("Fast and friendly.", TIMEOUT).await;
        shot(&buyer, "profile").await;

        buyer.goto(&format!("{}/trades", app.frontend)).await;
        buyer.wait_for_text("Completed", TIMEOUT).await;
        shot(&buyer, "my-trades").await;

        // The same pages on a phone.
        let phone = Browser::phone().await;
        sign_in(&phone, &app, "bea").await;
        phone.goto(&format!("{}/", app.frontend)).await;
        shot(&phone, "phone-offers").await;
        phone.goto(&trade_url).await;
        shot(&phone, "phone-trade").await;

        app.assert_ledger_consistent().await;
        for b in [seller, buyer, admin, phone] {
            b.close().await;
        }
    }
}

db_test! {
    /// A trade goes wrong: the buyer says they paid, the seller does not release, the buyer
    /// opens a dispute, and a moderator reads the chat and gives the escrow to the buyer.
    async fn a_moderator_decides_a_dispute(app) {
        app.privileged("mia", Role::Moderator).await;
        let seller = Browser::new().await;
        let buyer = Browser::new().await;
        let moderator = Browser::new().await;
        tokio::join!(register(&seller, &app, "sid"), register(&buyer, &app, "ben"), sign_in(&moderator, &app, "mia"));
        let (sid_id, _) = {
            let t = app.login("sid").await;
            let (_, me) = app.get("/auth/me", Some(&t.access)).await;
            (me["id"].as_i64().unwrap(), t)
        };
        let (admin_id, admin) = app.privileged("root", Role::Admin).await;
        let admin = Party { id: admin_id, token: admin.access };
        app.credit(&admin, sid_id, "2").await;

        let offer = post_offer(&seller, &app, "149.90").await;
        let trade = start_trade(&buyer, &app, &offer, "0.5").await;
        let trade_url = format!("{}{trade}", app.frontend);
        buyer.submit_form("#action-paid").await;
        buyer.wait_for_text("Marked as paid", TIMEOUT).await;
        buyer.fill("#chat-body", "Paid 74.95 EUR an hour ago, reference attached to my bank statement.").await;
        buyer.submit_form("#chat-send").await;
        buyer.click("details.dispute summary").await;
        buyer.fill("#dispute-text", "I paid but the seller does not answer.").await;
        buyer.submit_form("#action-dispute").await;
        buyer.wait_for_text("Dispute opened", TIMEOUT).await;
        assert_state(&buyer, "disputed").await;

        // The buyer rewrites their statement and attaches a bank receipt (a PNG whose text
        // chunk says where it was made: removed before it is stored).
        buyer.fill("#statement-text", "I paid 74.95 EUR by SEPA, reference 42.").await;
        buyer.submit_form("#statement-save").await;
        buyer.wait_for_text("Your statement is saved", TIMEOUT).await;
        let receipt = receipt_png();
        buyer.attach("#evidence-file", &receipt).await;
        buyer.submit_form("#evidence-upload").await;
        buyer.wait_for_text("bank-receipt.png attached", TIMEOUT).await;
        assert!(buyer.text("#evidence-list").await.contains("bank-receipt.png"));
        if let Some(dir) = receipt.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }

        moderator.goto(&format!("{}/moderation", app.frontend)).await;
        moderator.wait_for_text("I paid but the seller does not answer.", TIMEOUT).await;
        shot(&moderator, "moderation").await;
        let id = trade.trim_start_matches("/trades/");
        moderator.submit_form(&format!("#dispute-{id}")).await;
        moderator.wait_for_text("reference attached to my bank statement", TIMEOUT).await;
        assert!(!moderator.exists("#action-release").await, "a moderator does not release");
        // The workbench: the buyer's statement, the timeline, the evidence.
        moderator.wait_for_text("I paid 74.95 EUR by SEPA, reference 42.", TIMEOUT).await;
        assert!(moderator.exists("#dispute-timeline li").await);
        assert!(moderator.text("#evidence-list").await.contains("bank-receipt.png"));
        assert!(!moderator.exists("#statement-form").await, "staff do not file statements");
        // A moderator writes in the chat under their name, with a staff badge.
        moderator.fill("#chat-body", "Thanks, I am checking the receipt.").await;
        moderator.submit_form("#chat-send").await;
        buyer.goto(&trade_url).await;
        buyer.wait_for_text("Thanks, I am checking the receipt.", TIMEOUT).await;
        assert!(buyer.text("#chat-lines li.staff .who").await.starts_with("mia"));
        assert!(buyer.exists("#chat-lines .badge.staff").await);
        shot(&buyer, "dispute-staff-chat").await;
        moderator.fill("#resolve-reason", "The buyer's bank statement shows the payment.").await;
        shot(&moderator, "dispute-resolution").await;
        agree_to_confirmations(&moderator).await;
        moderator.submit_form("#resolve-buyer").await;
        moderator.wait_for_text("Resolved for the buyer", TIMEOUT).await;
        assert_state(&moderator, "completed").await;

        buyer.goto(&trade_url).await;
        buyer.wait_for_text("The buyer's bank statement shows the payment.", TIMEOUT).await;
        buyer.goto(&format!("{}/balances", app.frontend)).await;
        assert_eq!(buyer.text("#bal-available").await, "0.5");
        seller.goto(&format!("{}/balances", app.frontend)).await;
        assert_eq!(seller.text("#bal-available").await, "1.5");
        assert_eq!(seller.text("#bal-escrow").await, "0");
        moderator.goto(&format!("{}/moderation", app.frontend)).await;
        moderator.wait_for("#no-disputes", TIMEOUT).await;

        app.assert_ledger_consistent().await;
        for b in [seller, buyer, moderator] {
            b.close().await;
        }
    }
}
