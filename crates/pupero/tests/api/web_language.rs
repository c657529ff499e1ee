//! The language of the web UI (issue 15 item 6): chosen from the browser's Accept-Language,
//! overridden by the visitor's own choice, which follows a signed-in user to other browsers.

use reqwest::StatusCode;

use crate::helpers::db_test;
use crate::web::{Page, Web};

fn content_language(page: &Page) -> &str {
    page.headers
        .get("content-language")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn choose(web: &Web, lang: &str, next: &str) -> Page {
    web.submit(next, "/language", &[("lang", lang), ("next", next)])
        .await
}

db_test! {
    async fn the_browser_language_is_spoken_when_we_speak_it(app) {
        for (accept, lang, offers) in [
            ("fr-CH, fr;q=0.9, en;q=0.8", "fr", ">Offres<"),
            ("pt-BR,pt;q=0.9", "pt", ">Ofertas<"),
            ("ja, de;q=0.5, es;q=0.7", "es", ">Ofertas<"),
            ("de", "de", ">Angebote<"),
            ("ja, zh", "en", ">Offers<"),
        ] {
            let page = Web::speaking(&app, accept).get("/").await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            assert_eq!(page.html_lang(), lang, "Accept-Language: {accept}");
            assert_eq!(content_language(&page), lang);
            assert!(page.body.contains(offers), "{accept}: {}", page.body);
        }
        let english = Web::new(&app).get("/").await;
        assert_eq!(english.html_lang(), "en", "no Accept-Language: English");
    }
}

db_test! {
    async fn a_chosen_language_wins_over_the_browser_and_bad_choices_change_nothing(app) {
        let web = Web::speaking(&app, "fr");
        let page = choose(&web, "xx", "/").await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
        assert!(page.body.contains("une des suivantes : en, fr, es, pt, de."), "{}", page.body);
        assert_eq!(web.cookie("pupero_lang"), None, "a refused choice sets nothing");

        let page = web
            .post_raw("/language", &[("lang", "de"), ("next", "/")], &[("sec-fetch-site", "same-origin")])
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "no CSRF token: refused");
        assert_eq!(web.cookie("pupero_lang"), None);

        let page = choose(&web, "de", "/").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(page.location(), "/");
        assert_eq!(web.cookie("pupero_lang").as_deref(), Some("de"));
        let home = web.follow(&page).await;
        assert_eq!(home.html_lang(), "de", "the choice beats Accept-Language: fr");
        assert!(home.body.contains("Die Seite ist jetzt auf Deutsch."), "{}", home.body);

        // Only a page of this site is a place to come back to.
        let page = web.submit("/", "/language", &[("lang", "fr"), ("next", "//evil.example")]).await;
        assert_eq!(page.location(), "/");
    }
}

db_test! {
    async fn a_signed_in_users_choice_follows_them_to_another_browser(app) {
        let laptop = Web::speaking(&app, "en");
        laptop.register("lucia").await;
        let page = choose(&laptop, "es", "/settings").await;
        assert_eq!(page.location(), "/settings");
        let settings = laptop.follow(&page).await;
        assert_eq!(settings.html_lang(), "es");

        let phone = Web::speaking(&app, "en");
        assert_eq!(phone.get("/").await.html_lang(), "en");
        let page = phone.sign_in("lucia").await;
        assert_eq!(phone.cookie("pupero_lang").as_deref(), Some("es"), "restored at sign-in");
        assert_eq!(phone.follow(&page).await.html_lang(), "es");

        // Someone who never chose keeps their browser's language after signing in.
        let other = Web::speaking(&app, "pt");
        other.register("otto").await;
        assert_eq!(other.cookie("pupero_lang"), None);
        assert_eq!(other.get("/").await.html_lang(), "pt");
    }
}
