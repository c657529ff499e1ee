//! Issue 9 item 2 in the browser: with 2FA on, the withdrawal's confirmation step asks for a
//! code, a wrong one is refused on that same step, and nothing moves until it is right.

use pupero_core::Role;
use serde_json::json;

use crate::driver::{Browser, TIMEOUT};
use crate::helpers::{PASSWORD, align_to_fresh_step, db_test, totp_code, typed};
use pupero_api::accounts::Enrolment;

const ADDRESS: &str = "45MtP6Jy2o93QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMghfY9U";

db_test! {
    // issue 9 item 2: the web withdrawal had no code step; a session alone withdrew.
    async fn the_withdrawal_confirmation_asks_for_the_two_factor_code(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let wendy = app.party("wendy").await;
        app.credit(&admin, wendy.id, "3").await;
        // Room for three codes in a row (enrolment, sign-in, withdrawal) without the clock
        // moving past any of them.
        let step = align_to_fresh_step(25).await;
        let (_, enrol) = app.post("/auth/2fa/enable", wendy.t(), json!({"password": crate::helpers::PASSWORD})).await;
        let secret = typed::<Enrolment>(&enrol).secret;
        let (status, body) = app.post("/auth/2fa/confirm", wendy.t(), json!({"code": totp_code(&secret, step - 1)})).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{body}");

        let browser = Browser::new().await;
        browser.goto(&format!("{}/login", app.frontend)).await;
        browser.fill("#username", "wendy").await;
        browser.fill("#password", PASSWORD).await;
        browser.submit_form("#login-submit").await;
        browser.wait_for_path("/login/2fa", TIMEOUT).await;
        browser.fill("#totp", &totp_code(&secret, step)).await;
        browser.submit_form("#code-submit").await;
        browser.wait_for_text("Signed in.", TIMEOUT).await;

        browser.goto(&format!("{}/balances", app.frontend)).await;
        browser.fill("#withdraw-address", ADDRESS).await;
        browser.fill("#withdraw-amount", "1").await;
        browser.submit_form("#withdraw-review").await;
        browser.wait_for_text("Confirm withdrawal", TIMEOUT).await;
        assert!(browser.exists("#withdraw-totp").await, "the confirmation asks for a code");

        // A wrong code: refused on the same step, which asks again.
        browser.fill("#withdraw-totp", "000000").await;
        browser.submit_form("#withdraw-confirm").await;
        browser.wait_for("#form-error", TIMEOUT).await;
        assert!(browser.text("#form-error").await.contains("wrong"), "{}", browser.text("#form-error").await);
        assert!(browser.exists("#withdraw-totp").await, "still on the code step");
        assert_eq!(app.balances(&wendy).await.0, "3.000000000000", "nothing moved");

        // The right code passes the check; this platform has no wallet, so the API then
        // answers 503 and still nothing moves.
        browser.fill("#withdraw-totp", &totp_code(&secret, step + 1)).await;
        browser.submit_form("#withdraw-confirm").await;
        browser.wait_for_text("no hot wallet configured", TIMEOUT).await;
        assert_eq!(app.balances(&wendy).await, ("3.000000000000".into(), "0.000000000000".into(), "0.000000000000".into()));
        browser.close().await;
    }
}
