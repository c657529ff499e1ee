//! Issue 9 item 5 in a real browser: the sign-in redirect stays on the site.

use crate::driver::{Browser, TIMEOUT};
use crate::helpers::{PASSWORD, db_test};

db_test! {
    // issue 9 item 5: Chromium drops the tab of `/\t/evil.example` (what the old check let
    // through from `next=/%09/evil.example`) and follows `//evil.example`, another host.
    async fn signing_in_with_a_hostile_next_stays_on_the_site(app) {
        app.register("tess").await;
        let browser = Browser::new().await;
        browser.goto(&format!("{}/login?next=/%09/evil.example", app.frontend)).await;
        browser.fill("#username", "tess").await;
        browser.fill("#password", PASSWORD).await;
        browser.submit_form("#login-submit").await;
        browser.wait_for_text("Signed in.", TIMEOUT).await;
        let url = browser.current_url().await;
        assert_eq!(url, format!("{}/", app.frontend), "the browser left the site");
        assert_eq!(browser.text("#nav-user").await, "tess");
        browser.close().await;
    }
}
