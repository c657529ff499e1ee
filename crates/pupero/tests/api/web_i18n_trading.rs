//! The trading pages in the visitor's language (issue 15 item 6): the market, an offer and
//! its trade form, a trade, one's trades, balances and the withdrawal form, the history,
//! the inbox and a profile, with amounts, prices and dates written the language's way and
//! the frontend's own form errors in words of that language.

use reqwest::StatusCode;
use time::format_description::well_known::Rfc3339;

use crate::helpers::db_test;
use crate::web::{Page, Web, text_of};

fn shows(page: &Page, text: &str) {
    assert!(page.body.contains(text), "{text:?} not in: {}", page.body);
}

/// An RFC 3339 instant's UTC date as `(day, month, year)`.
fn utc_date(rfc3339: &str) -> (u8, u8, i32) {
    let at = time::OffsetDateTime::parse(rfc3339, &Rfc3339)
        .unwrap()
        .to_offset(time::UtcOffset::UTC);
    (at.day(), u8::from(at.month()), at.year())
}

db_test! {
    async fn the_market_and_an_offer_speak_french_with_decimal_commas(app) {
        let m = crate::trading::market(&app).await;
        let web = Web::speaking(&app, "fr-FR, fr;q=0.9");
        web.sign_in("buyer").await;

        let home = web.get("/").await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.body);
        assert_eq!(home.html_lang(), "fr");
        shows(&home, "Publier une offre");
        shows(&home, "<h2>1 offre</h2>");
        shows(&home, "<th>Limites (XMR)</th>");
        shows(&home, "<strong>150,00 EUR</strong>");
        shows(&home, "0,1 – 5");
        shows(&home, "30 min");

        let path = format!("/offers/{}", m.offer);
        let offer = web.get(&path).await;
        assert_eq!(offer.status, StatusCode::OK, "{}", offer.body);
        assert_eq!(offer.html_lang(), "fr");
        shows(&offer, &format!("<title>Offre nº {} · Pupero</title>", m.offer));
        shows(&offer, "(15,00 – 750,00 EUR actuellement)");
        shows(&offer, "Entre 0,1 et 5 XMR à 150,00 EUR");
        shows(&offer, "vous avez ensuite 30 minutes pour payer.");
        // A form value stays in the API's form: a prefilled "0,1" would be read back as
        // ambiguous, and the price the page saw is sent back unchanged.
        shows(&offer, "id=\"trade-amount\" value=\"0.1\"");
        shows(&offer, "name=\"price\" value=\"150.00\"");

        // The frontend's own refusals, in French.
        let trade = format!("/offers/{}/trade", m.offer);
        let both = web.submit(&path, &trade, &[("price", "150.00"), ("amount", "1"), ("fiat", "75")]).await;
        assert_eq!(both.status, StatusCode::SEE_OTHER, "{}", both.body);
        let back = web.follow(&both).await;
        // (Apostrophes are escaped in the page: the sentence is checked around them.)
        shows(&back, "Indiquez le montant en XMR ou dans la devise de");
        shows(&back, "offre, pas les deux.");
        let negative = web.submit(&path, &trade, &[("price", "150.00"), ("fiat", "-5")]).await;
        let back = web.follow(&negative).await;
        shows(&back, "Montant en monnaie fiduciaire : doit être un montant positif avec au plus deux décimales.");
        let (_, trades) = app.get("/transactions/trades", m.buyer.t()).await;
        assert_eq!(trades["total"], 0, "refused in French, opened nothing: {trades}");

        // The same market in Spanish, for a visitor who is not signed in.
        let visitor = Web::speaking(&app, "es");
        let home = visitor.get("/").await;
        assert_eq!(home.html_lang(), "es");
        shows(&home, "Opere con Monero entre personas");
        shows(&home, "<h2>1 oferta</h2>");
        shows(&home, "<strong>150,00 EUR</strong>");
    }
}

db_test! {
    async fn a_trade_and_ones_trades_speak_french_with_french_dates(app) {
        let m = crate::trading::market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1.5").await;
        let (_, view) = app.get(&format!("/transactions/trades/{t}"), m.buyer.t()).await;
        let (day, month, year) = utc_date(view["created_at"].as_str().unwrap());
        let date = format!("{day:02}/{month:02}/{year}");

        let web = Web::speaking(&app, "fr");
        web.sign_in("buyer").await;
        let page = web.get(&format!("/trades/{t}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert_eq!(page.html_lang(), "fr");
        shows(&page, &format!("<h1>Échange nº {t}</h1>"));
        assert_eq!(text_of(&page.body, "trade-amount"), "1,5 XMR");
        assert_eq!(text_of(&page.body, "trade-fiat"), "225,00 EUR");
        assert_eq!(text_of(&page.body, "trade-state"), "En attente du paiement");
        shows(&page, "150,00 EUR par XMR");
        shows(&page, "Payez 225,00 EUR au vendeur par SEPA, puis prévenez-le ici.");
        shows(&page, &format!("<dd>{date} "));
        // The countdown's words, for the script to write in French.
        shows(&page, "data-up=\"temps écoulé\"");
        shows(&page, "data-s-left=\"s restantes\"");
        shows(&page, ">Argent envoyé</button>");

        // A frontend-written refusal on the trade page.
        let refused = web.submit(&format!("/trades/{t}"), &format!("/trades/{t}/action"), &[("action", "fly")]).await;
        let back = web.follow(&refused).await;
        shows(&back, "est pas une étape d");

        let mine = web.get("/trades").await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
        shows(&mine, "<h1>Mes échanges</h1>");
        shows(&mine, ">acheteur</td>");
        shows(&mine, "1,5 XMR");
        shows(&mine, "225,00 EUR");
        shows(&mine, &format!(">{date} "));
        shows(&mine, "1 échange en tout.");

        // The seller's inbox says it in Portuguese, from the event's facts.
        let seller = Web::speaking(&app, "pt-BR");
        seller.sign_in("seller").await;
        let inbox = seller.get("/notifications").await;
        assert_eq!(inbox.html_lang(), "pt");
        shows(&inbox, &format!("Alguém abriu a negociação nº {t} de 1,5 XMR na sua oferta."));
        shows(&inbox, "1 não lida.");
    }
}

db_test! {
    async fn balances_history_and_profile_speak_german_and_spanish(app) {
        let m = crate::trading::market(&app).await;
        app.credit(&m.admin, m.buyer.id, "1234.5").await;

        let web = Web::speaking(&app, "de");
        web.sign_in("buyer").await;
        let balances = web.get("/balances").await;
        assert_eq!(balances.status, StatusCode::OK, "{}", balances.body);
        assert_eq!(balances.html_lang(), "de");
        assert_eq!(text_of(&balances.body, "bal-available"), "1.234,5");
        shows(&balances, "<h2>Auszahlen</h2>");
        shows(&balances, "Bis zu 1.234,5 XMR.");

        // The withdrawal form's own checks, in German.
        let empty = web.submit("/balances", "/withdraw", &[("address", ""), ("amount", "")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", empty.body);
        assert_eq!(text_of(&empty.body, "form-error"), "Geben Sie die Adresse und den Betrag für die Auszahlung ein.");
        let typo = web.submit("/balances", "/withdraw", &[("address", "abcd"), ("amount", "1")]).await;
        assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", typo.body);
        assert_eq!(text_of(&typo.body, "form-error"), "Monero-Adresse: hat die falsche Länge.");

        // The history in Spanish: five digits before Spanish groups them.
        let es = Web::speaking(&app, "es-ES");
        es.sign_in("buyer").await;
        let history = es.get("/history").await;
        assert_eq!(history.status, StatusCode::OK, "{}", history.body);
        assert_eq!(history.html_lang(), "es");
        shows(&history, "<h1>Historial</h1>");
        shows(&history, "Ajuste de un administrador");
        shows(&history, "+1234,5");
        shows(&history, ">disponible</td>");

        // A profile in German: the member-since date as German writes it.
        let (_, me) = app.get("/auth/users/seller", m.buyer.t()).await;
        let (day, month, year) = utc_date(me["member_since"].as_str().unwrap());
        let profile = web.get("/u/seller").await;
        assert_eq!(profile.status, StatusCode::OK, "{}", profile.body);
        shows(&profile, "Mitglied seit");
        shows(&profile, &format!("<strong>{day:02}.{month:02}.{year}</strong>"));
        shows(&profile, "0 Bewertungen");
        shows(&profile, "seller melden");
    }
}
