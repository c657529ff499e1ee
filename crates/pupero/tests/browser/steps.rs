//! Steps that many journeys take in the Pupero UI: signing up, signing in, a screenshot of
//! the top of the page.

use crate::driver::{Browser, TIMEOUT};
use crate::helpers::{PASSWORD, TestApp};

/// Signs up through the form; the new account is signed in.
pub async fn register(browser: &Browser, app: &TestApp, username: &str) {
    browser.goto(&format!("{}/register", app.frontend)).await;
    browser.fill("#username", username).await;
    browser
        .fill("#email", &format!("{username}@example.com"))
        .await;
    browser.fill("#password", PASSWORD).await;
    browser.submit_form("#register-submit").await;
    browser
        .wait_for_text("Your account is ready", TIMEOUT)
        .await;
    assert_eq!(browser.text("#nav-user").await, username);
}

/// Signs in an existing account (without two-factor authentication).
pub async fn sign_in(browser: &Browser, app: &TestApp, username: &str) {
    browser.goto(&format!("{}/login", app.frontend)).await;
    browser.fill("#username", username).await;
    browser.fill("#password", PASSWORD).await;
    browser.submit_form("#login-submit").await;
    browser.wait_for_text("Signed in.", TIMEOUT).await;
}

/// A screenshot of the top of the page (a form submit may have scrolled it).
pub async fn shot(browser: &Browser, name: &str) {
    browser.eval("window.scrollTo(0, 0);").await;
    browser.screenshot(name).await;
}
