//! The web UI in French (issue 15 item 6), as a browser set to French meets it: it signs
//! up, has a field of its offer form refused in French words that name the field as the form
//! labels it, looks at the offers and an offer, has a form refused, types an amount with a
//! decimal comma, and follows its trade to the end, every page and button in French. The steps find elements
//! by id, so they hold as more of the pages' text is translated. Each runs on SQLite,
//! MariaDB and PostgreSQL.

use serde_json::json;

use pupero_core::Role;

use crate::driver::{Browser, TIMEOUT};
use crate::helpers::{PASSWORD, db_test};
use crate::steps::shot;

async fn html_lang(browser: &Browser) -> String {
    browser.attr("html", "lang").await.unwrap_or_default()
}

/// Today in UTC as French writes a date (01/12/2026), from the browser's clock.
async fn today_in_french(browser: &Browser) -> String {
    let today = browser
        .eval(
            "const d = new Date(); const two = n => String(n).padStart(2, '0'); \
             return two(d.getUTCDate()) + '/' + two(d.getUTCMonth() + 1) + '/' + d.getUTCFullYear();",
        )
        .await;
    today.as_str().unwrap().to_owned()
}

db_test! {
    async fn a_french_speaker_signs_up_and_trades_in_french(app) {
        let admin = app.staff("olga", Role::Admin).await;
        let carl = app.party("carl").await;
        app.credit(&admin, carl.id, "5").await;
        // 150.00 EUR per XMR, 0.1 to 2 XMR.
        let offer = app.offer(&carl, "sell", "0.1", "2").await;
        let browser = Browser::speaking("fr").await;

        // Signing up: the page is French from the first visit, with no choice made.
        browser.goto(&format!("{}/register", app.frontend)).await;
        assert_eq!(html_lang(&browser).await, "fr");
        assert_eq!(browser.text("#nav-login").await, "Se connecter");
        assert_eq!(browser.text("#nav-register").await, "Créer un compte");
        browser.fill("#username", "amelie").await;
        browser.fill("#email", "amelie@example.com").await;
        browser.fill("#password", PASSWORD).await;
        browser.submit_form("#register-submit").await;
        assert_eq!(browser.text("#nav-user").await, "amelie");

        // A form of her own that the API cannot read: the error names the field as the
        // French form labels it, in French, and keeps what she typed.
        browser.goto(&format!("{}/offers/new", app.frontend)).await;
        assert_eq!(browser.text("#offer-submit").await, "Enregistrer l'offre");
        browser.click("#side-buy").await;
        browser.fill("#currency", "EUR").await;
        browser.fill("#price", "150").await;
        browser.fill("#min_amount", "0,1").await;
        browser.fill("#max_amount", "1").await;
        browser.fill("#payment_window_minutes", "abc").await;
        browser.submit_form("#offer-submit").await;
        browser
            .wait_for_text("Délai de paiement (minutes) : doit être un nombre entier, pas \"abc\".", TIMEOUT)
            .await;
        assert!(!browser.text("body").await.contains("must be"), "an English reason on a French page");
        assert_eq!(browser.attr("#payment_window_minutes", "value").await.as_deref(), Some("abc"));
        shot(&browser, "fr-field-error").await;

        // The offers, in French.
        browser.goto(&format!("{}/", app.frontend)).await;
        assert_eq!(html_lang(&browser).await, "fr");
        let menu = browser.text("header nav").await;
        for label in ["Offres", "Mes échanges", "Mes offres", "Soldes", "Messages", "Se déconnecter"] {
            assert!(menu.contains(label), "{label}: {menu}");
        }
        browser.wait_for(&format!("tr[data-offer=\"{offer}\"]"), TIMEOUT).await;
        browser.wait_for_text("Page 1 sur 1", TIMEOUT).await;
        assert_eq!(browser.text("#language-select option:checked").await, "Français");
        shot(&browser, "fr-offers").await;

        // An offer; a form that comes back with a token that is not the session's is
        // refused, and the refusal is French.
        browser.click(&format!("tr[data-offer=\"{offer}\"] a.button")).await;
        browser.wait_for("#trade-form", TIMEOUT).await;
        assert_eq!(html_lang(&browser).await, "fr");
        assert_eq!(browser.text("#start-trade").await, "Commencer l'échange");
        let form = browser.text("#trade-form").await;
        for label in ["Montant (XMR)", "ou en EUR", "Entre 0,1 et 2 XMR"] {
            assert!(form.contains(label), "{label}: {form}");
        }
        shot(&browser, "fr-offer").await;
        browser.eval("document.querySelector('#trade-form input[name=_csrf]').value = 'forged';").await;
        browser.submit_form("#start-trade").await;
        browser.wait_for_text("Ce formulaire a été refusé", TIMEOUT).await;
        browser.wait_for_text("Revenez en arrière, rechargez la page et réessayez.", TIMEOUT).await;
        assert_eq!(html_lang(&browser).await, "fr");
        shot(&browser, "fr-form-refused").await;
        assert_eq!(app.balances(&carl).await.1, "0.000000000000", "nothing was opened");

        // 1,25 XMR, typed the French way.
        browser.goto(&format!("{}/offers/{offer}", app.frontend)).await;
        browser.fill("#trade-amount", "1,25").await;
        browser.submit_form("#start-trade").await;
        browser.wait_for("#trade-state", TIMEOUT).await;
        let trade: i64 = browser.current_path().await.trim_start_matches("/trades/").parse().unwrap();
        assert_eq!(app.balances(&carl).await.1, "1.250000000000", "1,25 read as 1.25");
        assert_eq!(html_lang(&browser).await, "fr");
        assert_eq!(browser.text("#trade-state").await, "En attente du paiement");
        let facts = browser.text("dl.facts").await;
        assert_eq!(browser.text("#action-paid").await, "Argent envoyé");
        assert_eq!(browser.text("#action-cancel").await, "Annuler l'échange");
        for label in ["Montant", "Prix", "Vendeur", "Acheteur", "Payer avant"] {
            assert!(facts.contains(label), "{label}: {facts}");
        }
        let today = today_in_french(&browser).await;
        assert!(facts.contains(&format!("{today} ")), "opened {today}: {facts}");
        browser.submit_form("#action-paid").await;
        browser.wait_for("#trade-state[data-state=\"paid\"]", TIMEOUT).await;
        assert_eq!(browser.text("#trade-state").await, "Payé — en attente de libération");
        shot(&browser, "fr-trade").await;

        // Carl releases; the page says so in French, and the balance has a decimal comma.
        let (status, body) = app.step(&carl, trade, "release", json!({})).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{body}");
        browser.goto(&format!("{}/trades/{trade}", app.frontend)).await;
        assert_eq!(browser.text("#trade-state").await, "Terminé");
        browser.goto(&format!("{}/balances", app.frontend)).await;
        assert_eq!(browser.text("#bal-available").await, "1,25");
        shot(&browser, "fr-balances").await;

        app.assert_ledger_consistent().await;
        browser.close().await;
    }
}
