//! Report → sanction → appeal → lift in real browsers (issue 14): a trader reports another
//! from their profile, a moderator claims the case from the queue and trade-bans them, the
//! banned trader meets the reason instead of the new-offer form and appeals, a second
//! moderator lifts the ban, and the form is back. Each runs on SQLite, MariaDB and
//! PostgreSQL.

use pupero_core::Role;

use crate::driver::{Browser, TIMEOUT};
use crate::helpers::db_test;
use crate::steps::{shot, sign_in};

db_test! {
    async fn a_report_leads_to_a_sanction_that_is_appealed_and_lifted(app) {
        app.privileged("mia", Role::Moderator).await;
        app.privileged("max", Role::Moderator).await;
        app.party("rita").await;
        app.party("troy").await;
        let reporter = Browser::new().await;
        let moderator = Browser::new().await;
        let reported = Browser::new().await;
        let second = Browser::new().await;
        tokio::join!(
            sign_in(&reporter, &app, "rita"),
            sign_in(&moderator, &app, "mia"),
            sign_in(&reported, &app, "troy"),
            sign_in(&second, &app, "max"),
        );

        // Rita reports Troy from his profile.
        reporter.goto(&format!("{}/u/troy", app.frontend)).await;
        reporter.click("#report-user").await;
        reporter.wait_for("#report-form", TIMEOUT).await;
        reporter.select("#report-category", "scam").await;
        reporter.fill("#report-text", "He asked me to pay to a different account than the one in the trade.").await;
        shot(&reporter, "report-form").await;
        reporter.submit_form("#report-submit").await;
        reporter.wait_for_text("is with the moderators", TIMEOUT).await;
        reporter.wait_for_text("Waiting for a moderator", TIMEOUT).await;
        shot(&reporter, "my-reports").await;

        // Mia finds it in the queue, claims it and bans Troy from trading.
        moderator.goto(&format!("{}/moderation/queue", app.frontend)).await;
        moderator.wait_for_text("user troy", TIMEOUT).await;
        shot(&moderator, "moderation-queue").await;
        moderator.click("#cases a[id^=\"case-\"]").await;
        moderator.wait_for("#claim", TIMEOUT).await;
        moderator.wait_for_text("pay to a different account", TIMEOUT).await;
        moderator.submit_form("#claim").await;
        moderator.wait_for_text("You have this case", TIMEOUT).await;
        moderator.select("#sanction-kind", "trade_ban").await;
        moderator.fill("#sanction-reason", "Asked a buyer to pay outside the trade's details.").await;
        moderator.fill("#sanction-days", "30").await;
        moderator.submit_form("#sanction-submit").await;
        moderator.wait_for_text("imposed on user", TIMEOUT).await;
        shot(&moderator, "moderation-case").await;

        // Troy meets the reason instead of the new-offer form, and appeals.
        reported.goto(&format!("{}/offers/new", app.frontend)).await;
        reported.wait_for("#blocked", TIMEOUT).await;
        assert!(!reported.exists("#offer-form").await, "no form that would be refused");
        assert!(reported.text("#blocked").await.contains("Asked a buyer to pay outside"));
        shot(&reported, "offer-blocked").await;
        reported.click("#blocked-link").await;
        reported.wait_for_path("/sanctions", TIMEOUT).await;
        reported.wait_for_text("Asked a buyer to pay outside the trade's details.", TIMEOUT).await;
        reported.fill("form[id^=\"appeal-form-\"] textarea", "The other account is my own business account; I can show it.").await;
        reported.submit_form("button[id^=\"appeal-submit-\"]").await;
        reported.wait_for_text("Your appeal is sent", TIMEOUT).await;
        reported.wait_for_text("Waiting for a moderator's decision", TIMEOUT).await;
        shot(&reported, "sanctions-appealed").await;

        // Max, who did not impose it, lifts it.
        second.goto(&format!("{}/moderation/appeals", app.frontend)).await;
        second.wait_for_text("my own business account", TIMEOUT).await;
        second.fill("input[id^=\"decide-reason-\"]", "The account is his; the buyer confirmed.").await;
        shot(&second, "moderation-appeal").await;
        second.submit_form("button[id^=\"decide-lift-\"]").await;
        second.wait_for_text("the sanction is lifted", TIMEOUT).await;
        second.wait_for("#no-appeals", TIMEOUT).await;

        // Troy sees it lifted, and the new-offer form is back.
        reported.goto(&format!("{}/sanctions", app.frontend)).await;
        reported.wait_for_text("Accepted: the sanction was lifted", TIMEOUT).await;
        reported.wait_for_text("The account is his; the buyer confirmed.", TIMEOUT).await;
        shot(&reported, "sanctions-lifted").await;
        reported.goto(&format!("{}/offers/new", app.frontend)).await;
        reported.wait_for("#offer-form", TIMEOUT).await;
        assert!(!reported.exists("#blocked").await);

        for b in [reporter, moderator, reported, second] {
            b.close().await;
        }
    }
}
