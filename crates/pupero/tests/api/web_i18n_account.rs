//! The account pages in the visitor's language (issue 15 item 6): sign-in, registration,
//! the two-factor steps, settings with its own language choice, API keys and the mail
//! links, with dates as the language writes them and the frontend's own form errors
//! translated.

use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, db_test};
use crate::web::{Page, Web};

fn assert_says(page: &Page, words: &[&str]) {
    let text = page.text();
    for w in words {
        assert!(text.contains(w), "{w:?} missing from {}", page.body);
    }
}

/// Today (UTC) as `dd{sep}mm{sep}yyyy`, the way French and German write a date.
fn today(sep: char) -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:02}{sep}{:02}{sep}{:04}",
        now.day(),
        u8::from(now.month()),
        now.year()
    )
}

async fn new_key(web: &Web, name: &str) -> Page {
    web.submit(
        "/settings",
        "/settings/api-keys",
        &[
            ("name", name),
            ("scope_read", "on"),
            ("scope_trade", "on"),
            ("expires_on", "2999-12-31"),
        ],
    )
    .await
}

async fn enable_2fa(web: &Web) -> Page {
    let settings = web.get("/settings").await;
    web.post_raw(
        "/settings/2fa/enable",
        &[("_csrf", &settings.csrf()), ("password", PASSWORD)],
        &[],
    )
    .await
}

/// A new user whose browser asks for `accept_language`, signed in on a page in `lang`.
async fn signed_in_speaking(
    app: &TestApp,
    accept_language: &str,
    lang: &str,
    username: &str,
) -> Web {
    let web = Web::speaking(app, accept_language);
    let page = web.register(username).await;
    let landed = web.follow(&page).await;
    assert_eq!(landed.html_lang(), lang);
    web
}

db_test! {
    async fn signing_in_and_registering_speak_french(app) {
        let web = Web::speaking(&app, "fr");
        let login = web.get("/login").await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.body);
        assert_eq!(login.html_lang(), "fr");
        assert_says(&login, &[
            "<title>Connexion · Pupero</title>",
            "Nom d'utilisateur ou e-mail",
            "Mot de passe <input",
            "Rester connecté pendant",
            "jours</label>",
            "Mot de passe oublié ?",
        ]);
        let register = web.get("/register").await;
        assert_says(&register, &["<h1>Créer un compte</h1>", "Au moins 12 caractères.", "Déjà inscrit ?"]);

        // The frontend's own words at a step: the flash after registering, a sign-in asked for.
        let page = web.register("amelie").await;
        assert_says(&web.follow(&page).await, &["Bienvenue sur Pupero ! Votre compte est prêt."]);
        let other = Web::speaking(&app, "fr");
        let asked = other.get("/login?next=%2Fsettings").await;
        assert_says(&asked, &["Veuillez vous connecter pour voir cette page."]);
        let early = other.get("/login/2fa").await;
        assert_says(&other.follow(&early).await, &["Veuillez d'abord saisir votre mot de passe."]);

        // English stays word for word what it was.
        let english = Web::new(&app).get("/login").await;
        assert_eq!(english.html_lang(), "en");
        assert_says(&english, &["Username or email", "Keep me signed in for", "Forgot your password?"]);
    }
}

db_test! {
    async fn settings_speak_french_with_dates_written_the_french_way(app) {
        let web = signed_in_speaking(&app, "fr", "fr", "bastien").await;
        let shown = new_key(&web, "robot").await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
        assert_says(&shown, &["<h1>Votre nouvelle clé d'API</h1>", "dans les limites de ses droits (read, trade)"]);

        let settings = web.get("/settings").await;
        assert_eq!(settings.html_lang(), "fr");
        assert_says(&settings, &[
            "<h1>Paramètres</h1>",
            "Connecté en tant que <strong>bastien</strong> (utilisateur)",
            &format!("membre depuis le {}", today('/')),
            "Authentification à deux facteurs",
            "M'écrire quand",
            "Quelqu'un ouvre un échange sur mon offre",
            "data-confirm=\"Révoquer cette clé ? Les programmes qui l'utilisent cessent aussitôt de fonctionner.\"",
            "<td>31/12/2999 23:59 UTC</td>",
            "<td>jamais</td>",
            "Supprimer mon compte",
        ]);

        // The page's own form errors, in French.
        let differ = web
            .submit("/settings", "/settings/password", &[
                ("current_password", PASSWORD), ("password", "a brand new passphrase"), ("confirm", "another passphrase"),
            ])
            .await;
        assert_eq!(differ.status, StatusCode::SEE_OTHER);
        assert_says(&web.follow(&differ).await, &["Les deux nouveaux mots de passe sont différents."]);
        let renamed = web.submit("/settings", "/settings/profile", &[("username", "bastien2")]).await;
        assert_says(&web.follow(&renamed).await, &["Nom d'utilisateur modifié."]);
    }
}

db_test! {
    async fn the_settings_language_choice_switches_the_site_and_comes_back_to_settings(app) {
        let web = signed_in_speaking(&app, "fr", "fr", "carla").await;
        new_key(&web, "robot").await;
        let settings = web.get("/settings").await;
        assert_says(&settings, &[
            "id=\"settings-language-form\"",
            "<option value=\"fr\" lang=\"fr\" selected>Français</option>",
        ]);
        let chosen = web
            .submit("/settings", "/language", &[("lang", "de"), ("next", "/settings")])
            .await;
        assert_eq!((chosen.status, chosen.location()), (StatusCode::SEE_OTHER, "/settings"));
        let german = web.follow(&chosen).await;
        assert_eq!(german.html_lang(), "de", "the choice beats Accept-Language: fr");
        assert_says(&german, &[
            "<h1>Einstellungen</h1>",
            &format!("Mitglied seit {}", today('.')),
            "<td>31.12.2999 23:59 UTC</td>",
            "<option value=\"de\" lang=\"de\" selected>Deutsch</option>",
            "Mir eine E-Mail schicken, wenn",
            "Die Seite ist jetzt auf Deutsch.",
        ]);
    }
}

db_test! {
    async fn two_factor_set_up_speaks_spanish(app) {
        let web = signed_in_speaking(&app, "es", "es", "diego").await;
        let enrol = enable_2fa(&web).await;
        assert_eq!(enrol.status, StatusCode::OK, "{}", enrol.body);
        assert_says(&enrol, &[
            "<h1>Configurar la autenticación de dos factores</h1>",
            "alt=\"Código QR para su aplicación de autenticación\"",
            "<h2>Códigos de recuperación</h2>",
            "id=\"confirm-2fa\">Activar</button>",
        ]);
    }
}

db_test! {
    async fn api_keys_and_mail_links_speak_portuguese_and_german(app) {
        let web = signed_in_speaking(&app, "pt-BR,pt;q=0.9", "pt", "elisa").await;
        let shown = new_key(&web, "robô").await;
        assert_says(&shown, &["<h1>Sua nova chave de API</h1>", "Voltar às configurações"]);
        let settings = web.get("/settings").await;
        assert_says(&settings, &["<h1>Configurações</h1>", "Chaves de API", "Revogar"]);

        let visitor = Web::speaking(&app, "de");
        let forgot = visitor.get("/forgot-password").await;
        assert_eq!(forgot.html_lang(), "de");
        assert_says(&forgot, &["<title>Passwort vergessen? · Pupero</title>", "Link senden"]);
        let reset = visitor.get("/reset-password?token=abc").await;
        assert_says(&reset, &["Neues Passwort wiederholen", "Neues Passwort festlegen"]);
    }
}

db_test! {
    async fn the_frontends_form_errors_read_in_french(app) {
        let web = Web::speaking(&app, "fr");
        // A form the frontend itself checks before asking the API.
        let differ = web
            .submit("/reset-password?token=abc", "/reset-password", &[
                ("token", "abc"), ("password", "a brand new passphrase"), ("confirm", "another passphrase"),
            ])
            .await;
        assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", differ.body);
        assert_says(&differ, &["Les deux mots de passe ne sont pas identiques."]);

        // A field the API could not read, named by the form's label, in the page's words.
        web.register("fabien").await;
        let page = web
            .submit("/offers/new", "/offers/new", &[
                ("side", "sell"), ("currency", "EUR"), ("price_mode", "fixed"), ("price", "150"),
                ("payment_method", "sepa"), ("min_amount", "0.1"), ("max_amount", "1"),
                ("payment_window_minutes", "abc"),
            ])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        assert_says(&page, &[" : doit être un nombre entier, pas \"abc\"."]);
        assert!(!page.body.contains("must be a whole number"), "{}", page.body);
    }
}
