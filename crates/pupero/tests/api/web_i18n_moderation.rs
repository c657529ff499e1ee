//! Issue 15 item 6 for the moderation and staff pages: the report form, my reports, the
//! sanctions page and its appeal form, the blocked notice, the moderators' console and the
//! admin's pages speak the visitor's language, with amounts and dates written its way and
//! the frontend's own form errors in it.

use reqwest::StatusCode;
use serde_json::json;

use pupero_api::Paged;
use pupero_api::moderation::{CaseView, SanctionView};
use pupero_core::Role;

use crate::helpers::{Party, TestApp, db_test, typed};
use crate::trading::market;
use crate::web::{Page, Web};

fn shows(page: &Page, needle: &str) -> bool {
    page.text().contains(needle)
}

/// Whether the page shows a date written `dd<sep>mm<sep>yyyy` (and no ISO date in its place).
fn shows_date(page: &Page, sep: char) -> bool {
    let chars: Vec<char> = page.body.chars().collect();
    let digit = |c: &char| c.is_ascii_digit();
    chars.windows(10).any(|w| {
        w[..2].iter().all(digit)
            && w[2] == sep
            && w[3..5].iter().all(digit)
            && w[5] == sep
            && w[6..].iter().all(digit)
    })
}

/// `page`'s form posted with `fields`, as a browser does (the page's own CSRF token).
async fn post_from(web: &Web, page: &Page, action: &str, fields: &[(&str, &str)]) -> Page {
    let token = page.csrf();
    let mut all = vec![("_csrf", token.as_str())];
    all.extend_from_slice(fields);
    web.post_raw(action, &all, &[("sec-fetch-site", "same-origin")])
        .await
}

async fn case_of(app: &TestApp, moderator: &Party) -> i64 {
    let (_, body) = app.get("/moderation/queue", moderator.t()).await;
    typed::<Paged<CaseView>>(&body).items[0].id
}

db_test! {
    /// In French: the report form and its refusal, my reports with a French date, the
    /// sanction as the moderator imposes it and as the sanctioned trader sees it (the
    /// appeal form, the notice on the trade page), and the dispute list with decimal
    /// commas.
    async fn the_report_and_sanction_pages_speak_french(app) {
        let m = market(&app).await;
        let trade = app.trade(&m.buyer, m.offer, "1.5").await;
        app.step(&m.buyer, trade, "paid", json!({})).await;
        let (status, body) = app.step(&m.buyer, trade, "dispute", json!({"statement": "virement SEPA envoyé"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let buyer = Web::speaking(&app, "fr");
        buyer.sign_in("buyer").await;
        let seller = Web::speaking(&app, "fr-FR, fr;q=0.9");
        seller.sign_in("seller").await;
        let moderator = Web::speaking(&app, "fr");
        moderator.sign_in("moderator").await;

        // The report form, and the frontend's own refusal of a form without a reason.
        let form_path = format!("/report?target=user&id={}", m.seller.id);
        let form = buyer.get(&form_path).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        assert_eq!(form.html_lang(), "fr");
        for label in ["Signaler l'utilisateur seller", "Ce qui s'est passé", "Harcèlement", "Envoyer le signalement", "Mes signalements"] {
            assert!(shows(&form, label), "{label}: {}", form.body);
        }
        let id = m.seller.id.to_string();
        let refused = post_from(&buyer, &form, "/report", &[("target", "user"), ("target_id", &id), ("category", ""), ("text", "insultes")]).await;
        assert_eq!(refused.status, StatusCode::SEE_OTHER, "{}", refused.body);
        let again = buyer.follow(&refused).await;
        assert!(shows(&again, "Choisissez un motif pour le signalement."), "{}", again.body);
        let bad_link = buyer.get("/report?target=planet&id=1").await;
        assert_eq!(bad_link.status, StatusCode::BAD_REQUEST);
        assert!(shows(&bad_link, "Choisissez ce que vous signalez"), "{}", bad_link.body);

        let sent = post_from(&buyer, &form, "/report", &[("target", "user"), ("target_id", &id), ("category", "harassment"), ("text", "insultes dans la discussion")]).await;
        assert_eq!(sent.location(), "/reports", "{}", sent.body);
        let mine = buyer.follow(&sent).await;
        assert_eq!(mine.html_lang(), "fr");
        for label in ["est entre les mains des modérateurs", "1 signalement, du plus récent au plus ancien.", "En attente d'un modérateur", "Ce que vous avez écrit", "l'utilisateur seller"] {
            assert!(shows(&mine, label), "{label}: {}", mine.body);
        }
        assert!(shows_date(&mine, '/'), "a French date: {}", mine.body);

        // The moderator's queue and case page, and a sanction refused then imposed.
        let case = case_of(&app, &m.moderator).await;
        let queue = moderator.get("/moderation/queue").await;
        for label in ["File des signalements", "1 dossier : les plus signalés d'abord", "Harcèlement", "En attente d'un modérateur"] {
            assert!(shows(&queue, label), "{label}: {}", queue.body);
        }
        let page = moderator.get(&format!("/moderation/cases/{case}")).await;
        assert!(shows(&page, &format!("Dossier n° {case}")) && shows(&page, "seller (l'utilisateur signalé)"), "{}", page.body);
        assert!(shows_date(&page, '/'), "{}", page.body);
        let bad = post_from(&moderator, &page, &format!("/moderation/cases/{case}/sanction"), &[("user_id", &id), ("kind", "mute"), ("reason", "insultes"), ("days", "0")]).await;
        let page = moderator.follow(&bad).await;
        assert!(shows(&page, "La durée est un nombre entier de jours de 1 à 3650"), "{}", page.body);
        let muted = post_from(&moderator, &page, &format!("/moderation/cases/{case}/sanction"), &[("user_id", &id), ("kind", "mute"), ("reason", "insultes dans la discussion"), ("days", "7")]).await;
        let page = moderator.follow(&muted).await;
        assert!(shows(&page, "Sanction « Réduit au silence (plus de discussion dans les échanges) » imposée"), "{}", page.body);
        assert!(shows(&page, "en vigueur"), "the case lists the sanction: {}", page.body);

        // The sanctioned trader: the notice where the chat was, and the appeal form.
        let trade_page = seller.get(&format!("/trades/{trade}")).await;
        assert!(shows(&trade_page, "Voir vos sanctions et comment faire appel") && shows(&trade_page, "Réduit au silence"), "{}", trade_page.body);
        let sanctions = seller.get("/sanctions").await;
        assert_eq!(sanctions.html_lang(), "fr");
        let (_, body) = app.get("/moderation/sanctions/mine", m.seller.t()).await;
        let sanction = typed::<Vec<SanctionView>>(&body)[0].id;
        for label in ["Sanctions et recours", "en vigueur", "Recours (jusqu'au ", "Envoyer le recours", "insultes dans la discussion"] {
            assert!(shows(&sanctions, label), "{label}: {}", sanctions.body);
        }
        assert!(shows_date(&sanctions, '/'), "{}", sanctions.body);
        let appealed = post_from(&seller, &sanctions, &format!("/sanctions/{sanction}/appeal"), &[("text", "un malentendu")]).await;
        let sanctions = seller.follow(&appealed).await;
        assert!(shows(&sanctions, "Votre recours est envoyé.") && shows(&sanctions, "En attente de la décision d'un modérateur"), "{}", sanctions.body);

        // The dispute list: the amount and the fiat total with decimal commas.
        let disputes = moderator.get("/moderation").await;
        assert_eq!(disputes.status, StatusCode::OK, "{}", disputes.body);
        for label in ["Litiges", "1 litige ouvert", "1,5 XMR", "225,00 EUR", "virement SEPA envoyé"] {
            assert!(shows(&disputes, label), "{label}: {}", disputes.body);
        }
        assert!(!disputes.body.contains("1.5 XMR"), "no English amount: {}", disputes.body);
    }
}

db_test! {
    /// In German: the admin finds a user, reads their page (balances and an offer's price
    /// with decimal commas, German dates), adjusts a balance typed with a decimal comma
    /// after a German confirmation, and reads the audit log; a form without a direction is
    /// refused in German. A Spanish moderator's console speaks Spanish.
    async fn the_staff_pages_speak_german_and_spanish(app) {
        let admin_party = app.staff("root", Role::Admin).await;
        app.staff("moda", Role::Moderator).await;
        let jill = app.party("jill").await;
        app.credit(&admin_party, jill.id, "1.5").await;
        let offer = app.offer(&jill, "sell", "0.1", "1").await;
        let bob = app.party("bob").await;
        let (status, body) = app.post("/moderation/reports", bob.t(), json!({"target": "offer", "target_id": offer, "category": "scam", "text": "zu schön, um wahr zu sein"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let admin = Web::speaking(&app, "de");
        admin.sign_in("root").await;

        let found = admin.get("/admin/users?q=jil").await;
        assert_eq!(found.html_lang(), "de");
        for label in ["Nutzer suchen", "1 Treffer für „jil“", "Nutzer", "aktiv"] {
            assert!(shows(&found, label), "{label}: {}", found.body);
        }
        assert!(shows_date(&found, '.'), "a German date: {}", found.body);
        let page = admin.get(&format!("/admin/users/{}", jill.id)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        for label in ["Mitglied seit", "Guthaben", "In Treuhand", "verkauft zu 150,00 EUR", "Eingestellte Angebote", "Meldungen über diese Person"] {
            assert!(shows(&page, label), "{label}: {}", page.body);
        }
        assert!(page.body.contains("id=\"user-available\">1,5<"), "{}", page.body);

        // The case about the offer names its owner as the one a sanction may fall on.
        let case = case_of(&app, &admin_party).await;
        let page = admin.get(&format!("/moderation/cases/{case}")).await;
        for label in [format!("Fall Nr. {case}"), format!("Angebot Nr. {offer}"), "jill (Inhaber des Angebots)".into(), "Betrug".into(), format!("Angebot Nr. {offer} entfernen?")] {
            assert!(shows(&page, &label), "{label}: {}", page.body);
        }

        let console = admin.get("/admin").await;
        assert!(shows(&console, "Guthabenkorrektur") && shows(&console, "Korrektur prüfen"), "{}", console.body);
        let id = jill.id.to_string();
        let refused = post_from(&admin, &console, "/admin/adjust", &[("user_id", &id), ("amount", "0,5"), ("direction", ""), ("reason", "Bareinzahlung")]).await;
        let back = admin.follow(&refused).await;
        assert!(shows(&back, "Wählen Sie Gutschrift oder Belastung."), "{}", back.body);
        let confirm = post_from(&admin, &console, "/admin/adjust", &[("user_id", &id), ("amount", "0,5"), ("direction", "credit"), ("reason", "Bareinzahlung")]).await;
        assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
        assert!(shows(&confirm, "Korrektur bestätigen") && shows(&confirm, "jill 0,5 XMR gutschreiben"), "{}", confirm.body);
        assert!(confirm.body.contains("id=\"confirm-available\">1,5 XMR<"), "{}", confirm.body);
        assert!(confirm.body.contains("name=\"amount\" value=\"0.5\""), "the form keeps the API's form: {}", confirm.body);
        let done = post_from(&admin, &confirm, "/admin/adjust", &[("user_id", &id), ("amount", "0.5"), ("direction", "credit"), ("reason", "Bareinzahlung"), ("confirm", "yes")]).await;
        let shown = admin.follow(&done).await;
        assert!(shows(&shown, &format!("Gutschrift von 0,5 XMR für Nutzer Nr. {id} verbucht; sein verfügbares Guthaben beträgt jetzt 2 XMR.")), "{}", shown.body);
        let audit = admin.get("/admin/audit").await;
        for label in ["Audit-Protokoll", "korrigierte das Guthaben von", "Nutzer jill", "Bareinzahlung"] {
            assert!(shows(&audit, label), "{label}: {}", audit.body);
        }
        assert!(shows_date(&audit, '.'), "{}", audit.body);

        let moderator = Web::speaking(&app, "es");
        moderator.sign_in("moda").await;
        let queue = moderator.get("/moderation/queue").await;
        assert_eq!(queue.html_lang(), "es");
        for label in ["Cola de denuncias".to_owned(), "1 caso: los más denunciados primero".into(), "Estafa".into(), format!("la oferta n.º {offer}"), "Buscar usuario".into()] {
            assert!(shows(&queue, &label), "{label}: {}", queue.body);
        }
        let none = moderator.get("/moderation/queue?target=user").await;
        assert!(shows(&none, "0 casos: los más denunciados primero") && shows(&none, "No hay casos aquí."), "{}", none.body);
        let history = moderator.get("/moderation/sanctions").await;
        assert!(shows(&history, "0 sanciones, las más recientes primero.") && shows(&history, "No hay sanciones."), "{}", history.body);
    }
}
