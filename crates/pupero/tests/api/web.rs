//! The web frontend over plain HTTP: CSRF, cookies, redirects, sessions and token
//! refresh, forms with bad input, and outages. (The browser tests drive whole flows.)

use pupero_core::TradeState;
use std::collections::BTreeMap;
use std::sync::Mutex;

use pupero_api::Paged;
use pupero_api::accounts::MeView;
use pupero_api::auth::TokenPair;
use pupero_api::money::{BalancesView, WithdrawalView};
use pupero_api::offers::OfferView;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::json;

use crate::helpers::{Options, PASSWORD, TestApp, align_to_fresh_step, db_test, totp_code, typed};
use pupero_api::accounts::Enrolment;

/// A browser without a browser: keeps cookies, never follows redirects.
pub struct Web {
    base: String,
    http: reqwest::Client,
    cookies: Mutex<BTreeMap<String, String>>,
}

#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    /// The language the page says it is in: `<html lang="…">`.
    pub fn html_lang(&self) -> &str {
        let marker = "<html lang=\"";
        let start = self.body.find(marker).expect("an <html lang> element") + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        &self.body[start..end]
    }

    /// The body with the entities the templates write for quotes undone, to look for
    /// sentences with apostrophes in them.
    pub fn text(&self) -> String {
        self.body
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&#34;", "\"")
            .replace("&quot;", "\"")
    }

    pub fn csrf(&self) -> String {
        let marker = "name=\"_csrf\" value=\"";
        let start = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no CSRF field on the page: {}", self.body))
            + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_owned()
    }
}

impl Web {
    pub fn new(app: &TestApp) -> Self {
        Self::with_headers(app, HeaderMap::new())
    }

    /// A browser whose every request says it prefers `accept_language` (e.g. "fr").
    pub fn speaking(app: &TestApp, accept_language: &str) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            "accept-language",
            HeaderValue::from_str(accept_language).unwrap(),
        );
        Self::with_headers(app, headers)
    }

    fn with_headers(app: &TestApp, headers: HeaderMap) -> Self {
        Self {
            base: app.frontend.clone(),
            http: pupero_http::build_client(
                "tests",
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .default_headers(headers),
            )
            .unwrap(),
            cookies: Mutex::new(BTreeMap::new()),
        }
    }

    fn cookie_header(&self) -> Option<HeaderValue> {
        let jar = self.cookies.lock().unwrap();
        if jar.is_empty() {
            return None;
        }
        let line: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        Some(HeaderValue::from_str(&line.join("; ")).unwrap())
    }

    fn keep(&self, page: &Page) {
        let mut jar = self.cookies.lock().unwrap();
        for c in page.set_cookies() {
            let pair = c.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if c.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .lock()
            .unwrap()
            .insert(name.to_owned(), value.to_owned());
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Page {
        let req = match self.cookie_header() {
            Some(c) => req.header("cookie", c),
            None => req,
        };
        let resp = req.send().await.expect("frontend reachable");
        let page = Page {
            status: resp.status(),
            headers: resp.headers().clone(),
            body: resp.text().await.unwrap(),
        };
        self.keep(&page);
        page
    }

    pub async fn get(&self, path: &str) -> Page {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    /// Posts exactly these fields (no CSRF token is added).
    pub async fn post_raw(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).unwrap());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req).await
    }

    /// Posts `body` as it is, with this content type (a file form).
    pub async fn post_body(&self, path: &str, content_type: &str, body: Vec<u8>) -> Page {
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        self.send(req).await
    }

    /// Opens `page`, takes its CSRF token and posts `fields` to `action`, as a browser does.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let form = self.get(page).await;
        assert_eq!(form.status, StatusCode::OK, "{page}: {}", form.body);
        let token = form.csrf();
        let mut all = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(action, &all, &[("sec-fetch-site", "same-origin")])
            .await
    }

    /// Follows a redirect.
    pub async fn follow(&self, page: &Page) -> Page {
        assert!(
            page.status.is_redirection(),
            "not a redirect: {} {}",
            page.status,
            page.body
        );
        self.get(page.location()).await
    }

    pub async fn sign_in(&self, username: &str) -> Page {
        let page = self
            .submit(
                "/login",
                "/login",
                &[("username", username), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        page
    }

    /// Twenty page loads of this browser at once, as a tab restore makes them; each must
    /// answer 200.
    pub async fn load_pages_at_once(self: &std::sync::Arc<Self>, round: usize) {
        let mut loads = Vec::new();
        for i in 0..20 {
            let web = self.clone();
            let path = ["/balances", "/trades", "/settings", "/my/offers"][i % 4];
            loads.push(tokio::spawn(
                async move { (path, web.get(path).await.status) },
            ));
        }
        for load in loads {
            let (path, status) = load.await.unwrap();
            assert_eq!(status, StatusCode::OK, "round {round}: {path}");
        }
    }

    pub async fn register(&self, username: &str) -> Page {
        let email = format!("{username}@example.com");
        let page = self
            .submit(
                "/register",
                "/register",
                &[
                    ("username", username),
                    ("email", &email),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        page
    }
}

const PRIVATE_PAGES: &[&str] = &[
    "/trades",
    "/trades/1",
    "/trades/1/messages",
    "/my/offers",
    "/offers/new",
    "/offers/1/edit",
    "/balances",
    "/settings",
    "/moderation",
    "/admin",
    "/admin/audit",
    "/admin/users",
    "/reports",
    "/sanctions",
    "/moderation/queue",
    "/moderation/appeals",
];

db_test! {
    /// Every page a signed-out visitor may not see sends them to sign in, and back after.
    async fn private_pages_redirect_a_signed_out_visitor_to_sign_in(app) {
        let web = Web::new(&app);
        for path in PRIVATE_PAGES {
            let page = web.get(path).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
            assert!(page.location().starts_with("/login?next="), "{path} → {}", page.location());
            assert!(page.location().contains(&path.replace('/', "%2F")), "{path} → {}", page.location());
        }
        // A form posted by a signed-out visitor changes nothing and leads to sign-in too.
        let page = web.get("/login").await;
        let token = page.csrf();
        let out = web.post_raw("/withdraw", &[("_csrf", &token), ("address", "x"), ("amount", "1")], &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert!(out.location().starts_with("/login"));

        // After signing in, the page asked for is where the visitor lands.
        app.register("pat").await;
        let login = web.get("/login?next=%2Fbalances").await;
        let token = login.csrf();
        let signed = web
            .post_raw("/login", &[("_csrf", &token), ("username", "pat"), ("password", PASSWORD), ("next", "/balances")], &[])
            .await;
        assert_eq!((signed.status, signed.location()), (StatusCode::SEE_OTHER, "/balances"));
        // An absolute or protocol-relative `next` is not followed (no open redirect).
        let web2 = Web::new(&app);
        let login = web2.get("/login").await;
        let token = login.csrf();
        let signed = web2
            .post_raw("/login", &[("_csrf", &token), ("username", "pat"), ("password", PASSWORD), ("next", "//evil.example/")], &[])
            .await;
        assert_eq!(signed.location(), "/");
        for path in PRIVATE_PAGES.iter().filter(|p| !p.contains("/1")) {
            let page = web.get(path).await;
            assert_ne!(page.status, StatusCode::SEE_OTHER, "{path} while signed in");
        }
    }
}

db_test! {
    /// A POST without the form's token, with a wrong one, or from another site is refused
    /// with 403, and changes nothing.
    async fn forms_without_a_valid_csrf_token_are_refused(app) {
        let before = app.count_users().await;
        let web = Web::new(&app);
        let page = web.get("/register").await;
        let token = page.csrf();
        let fields = [("username", "mallory"), ("email", "m@example.com"), ("password", PASSWORD)];
        let none = web.post_raw("/register", &fields, &[]).await;
        assert_eq!(none.status, StatusCode::FORBIDDEN);
        assert!(none.body.contains("This form was refused"));
        let mut wrong = vec![("_csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")];
        wrong.extend_from_slice(&fields);
        assert_eq!(web.post_raw("/register", &wrong, &[]).await.status, StatusCode::FORBIDDEN);
        let mut good = vec![("_csrf", token.as_str())];
        good.extend_from_slice(&fields);
        // Another browser's token does not fit this browser's session.
        let other = Web::new(&app);
        assert_eq!(other.post_raw("/register", &good, &[]).await.status, StatusCode::FORBIDDEN);
        for site in [("sec-fetch-site", "cross-site"), ("sec-fetch-site", "same-site")] {
            assert_eq!(web.post_raw("/register", &good, &[site]).await.status, StatusCode::FORBIDDEN, "{site:?}");
        }
        let origin = web.post_raw("/register", &good, &[("origin", "https://evil.example")]).await;
        assert_eq!(origin.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count_users().await, before, "no account was created");

        // Signed in, every form of the site refuses a POST without the token.
        web.register("dana").await;
        let posts = [
            "/logout", "/offers/new", "/offers/1/trade", "/offers/1/edit", "/offers/1/status",
            "/offers/1/delete", "/trades/1/action", "/trades/1/resolve", "/trades/1/messages",
            "/trades/1/review", "/trades/1/statement", "/trades/1/evidence", "/withdraw", "/settings/profile", "/settings/email",
            "/settings/password", "/settings/2fa/enable", "/settings/2fa/confirm",
            "/settings/2fa/disable", "/settings/delete", "/settings/sign-out-everywhere", "/admin/users/1/role",
            "/admin/users/1/disable", "/admin/users/1/logout", "/admin/adjust", "/login",
            "/login/2fa", "/register",
        ];
        for path in posts {
            let page = web.post_raw(path, &[("username", "renamed"), ("status", "closed")], &[]).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        }
        // The file form, sent as a file form, without the token or with a wrong one.
        for token in ["", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
            let body = format!(
                "--b0\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n--b0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4\r\n--b0--\r\n"
            );
            let page = web.post_body("/trades/1/evidence", "multipart/form-data; boundary=b0", body.into_bytes()).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "token {token:?}");
        }
        let settings = web.get("/settings").await;
        assert_eq!(settings.status, StatusCode::OK, "still signed in: the logout was refused");
        assert!(settings.body.contains("value=\"dana\""), "the username was not changed");
    }
}

db_test! {
    /// The session cookie is HttpOnly and SameSite, carries only a random id, and is
    /// replaced at sign-in; "remember me" makes it last REMEMBER_ME_DAYS.
    async fn the_session_cookie_has_the_right_flags_and_rotates_at_sign_in(app) {
        let web = Web::new(&app);
        let first = web.get("/").await;
        let cookie = first
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("pupero_session="))
            .expect("a session cookie");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain http in development: {cookie}");
        assert!(!cookie.contains("Max-Age"), "a browser-session cookie: {cookie}");
        let anonymous = web.cookie("pupero_session").unwrap();
        assert_eq!(anonymous.len(), 43);

        app.register("erin").await;
        let signed = web.sign_in("erin").await;
        let rotated = web.cookie("pupero_session").unwrap();
        assert_ne!(rotated, anonymous, "the id changes at sign-in (no fixation)");
        let set = signed.set_cookies().into_iter().find(|c| c.starts_with("pupero_session=")).unwrap();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && !set.contains("Max-Age"), "{set}");
        assert!(!signed.set_cookies().iter().any(|c| crate::helpers::contains_jwt(c)), "no token ever reaches the browser");

        let remembered = Web::new(&app);
        let login = remembered.get("/login").await;
        let token = login.csrf();
        let page = remembered
            .post_raw("/login", &[("_csrf", &token), ("username", "erin"), ("password", PASSWORD), ("remember_me", "on")], &[])
            .await;
        let set = page.set_cookies().into_iter().find(|c| c.starts_with("pupero_session=")).unwrap();
        assert!(set.contains(&format!("Max-Age={}", 30 * 86_400)), "{set}");

        // Only a hash of the id is stored.
        use sea_orm::{ConnectionTrait, Statement};
        let rows = app
            .db
            .query_all_raw(Statement::from_string(app.db.get_database_backend(), "SELECT id_hash FROM web_sessions"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        for row in rows {
            let stored: String = row.try_get("", "id_hash").unwrap();
            assert_ne!(stored, rotated);
            assert_eq!(stored.len(), 64);
        }
    }
}

db_test! {
    /// With SECURE_COOKIES the cookie is Secure and __Host- prefixed; SameSite follows
    /// SESSION_COOKIE_SAMESITE.
    async fn secure_cookies_are_secure_and_host_prefixed(app, Options::with(&["--secure-cookies", "true", "--session-cookie-samesite", "strict"])) {
        let web = Web::new(&app);
        let page = web.get("/login").await;
        let cookie = page
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("__Host-pupero_session="))
            .expect("a __Host- session cookie");
        assert!(cookie.contains("; Secure"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(!cookie.contains("Domain"), "{cookie}");
    }
}

db_test! {
    /// Pages forbid framing, inline scripts and referrers, and are not cached.
    async fn pages_send_security_headers(app) {
        let web = Web::new(&app);
        for path in ["/", "/login", "/register", "/no-such-page"] {
            let page = web.get(path).await;
            let h = |k: &str| page.headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let csp = h("content-security-policy");
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
            assert_eq!(h("x-frame-options"), "DENY", "{path}");
            assert_eq!(h("referrer-policy"), "no-referrer", "{path}");
            assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
            assert_eq!(h("cache-control"), "no-store", "{path}");
        }
        let missing = web.get("/no-such-page").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(missing.body.contains("<h1"), "an HTML page, not JSON");
        let css = web.get("/static/style.css").await;
        assert_eq!(css.status, StatusCode::OK);
        assert!(css.headers["content-type"].to_str().unwrap().starts_with("text/css"));
    }
}

db_test! {
    /// Sign-out ends the session on the server: the old cookie opens nothing afterwards.
    async fn signing_out_ends_the_session_on_the_server(app) {
        let web = Web::new(&app);
        web.register("finn").await;
        let old = web.cookie("pupero_session").unwrap();
        assert_eq!(web.get("/balances").await.status, StatusCode::OK);
        let home = web.get("/").await;
        let out = web.post_raw("/logout", &[("_csrf", &home.csrf())], &[]).await;
        assert_eq!((out.status, out.location()), (StatusCode::SEE_OTHER, "/"));
        let replay = Web::new(&app);
        replay.set_cookie("pupero_session", &old);
        let page = replay.get("/balances").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "the old cookie is worth nothing");
    }
}

db_test! {
    /// With one-minute access tokens every request refreshes; twenty concurrent page
    /// loads of one browser share the refresh, so reuse detection never fires.
    async fn tokens_refresh_transparently_under_concurrent_requests(app, Options::with(&["--access-token-minutes", "1", "--login-rate-per-minute", "100000"])) {
        let web = std::sync::Arc::new(Web::new(&app));
        web.register("gale").await;
        for round in 0..3 {
            web.load_pages_at_once(round).await;
        }
        assert_eq!(web.get("/settings").await.status, StatusCode::OK, "still signed in");
    }
}

db_test! {
    /// Two-factor sign-in: the password step leads to a code page that holds no password;
    /// a wrong code is refused, the right one signs in, and replaying it does not.
    async fn two_factor_sign_in_asks_for_the_code_without_keeping_the_password(app) {
        let (_, tokens) = app.user("hana").await;
        let step = align_to_fresh_step(25).await;
        let (_, enrol) = app.post("/auth/2fa/enable", Some(&tokens.access), json!({"password": crate::helpers::PASSWORD})).await;
        let secret = typed::<Enrolment>(&enrol).secret;
        let (status, _) = app.post("/auth/2fa/confirm", Some(&tokens.access), json!({"code": totp_code(&secret, step)})).await;
        assert_eq!(status, StatusCode::OK);

        let web = Web::new(&app);
        let first = web.sign_in("hana").await;
        assert_eq!(first.location(), "/login/2fa");
        let code_page = web.get("/login/2fa").await;
        assert_eq!(code_page.status, StatusCode::OK);
        assert!(!code_page.body.contains(PASSWORD), "the password is not in the page");
        assert!(!code_page.body.contains("name=\"password\""));
        assert!(!crate::helpers::contains_jwt(&code_page.body), "nor the challenge token");
        let wrong = web.post_raw("/login/2fa", &[("_csrf", &code_page.csrf()), ("totp", "000000")], &[]).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.body.contains("code is wrong"), "{}", wrong.body);
        assert_eq!(web.get("/balances").await.status, StatusCode::SEE_OTHER, "not signed in yet");
        let code = totp_code(&secret, step + 1);
        let right = web.post_raw("/login/2fa", &[("_csrf", &code_page.csrf()), ("totp", &code)], &[]).await;
        assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.body);
        assert_eq!(web.get("/balances").await.status, StatusCode::OK);

        // Another browser with the same code: the step is spent.
        let other = Web::new(&app);
        other.sign_in("hana").await;
        let page = other.get("/login/2fa").await;
        let replay = other.post_raw("/login/2fa", &[("_csrf", &page.csrf()), ("totp", &code)], &[]).await;
        assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
        assert!(replay.body.contains("already been used"), "{}", replay.body);
        // A code page without a password step first sends the visitor back.
        let stranger = Web::new(&app);
        assert_eq!(stranger.get("/login/2fa").await.location(), "/login");
    }
}

db_test! {
    /// Forms with bad input show the API's reason on the page, keep what was typed, and
    /// change nothing.
    async fn bad_form_input_is_named_and_changes_nothing(app) {
        let web = Web::new(&app);
        web.register("ivan").await;
        let page = web
            .submit("/offers/new", "/offers/new", &[
                ("side", "sell"), ("currency", "EUR"), ("price", "-3"), ("payment_method", "sepa"),
                ("min_amount", "0.1"), ("max_amount", "1"), ("payment_window_minutes", "60"), ("terms", "kept terms"),
            ])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        assert!(page.body.contains("id=\"form-error\""));
        assert!(page.body.to_lowercase().contains("price"), "names the field: {}", page.body);
        assert!(page.body.contains("kept terms"), "what was typed is kept");
        let page = web
            .submit("/offers/new", "/offers/new", &[
                ("side", "sell"), ("currency", "EUR"), ("price", "150"), ("payment_method", "sepa"),
                ("min_amount", "0.1"), ("max_amount", "1"), ("payment_window_minutes", "soon"),
            ])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        let (_, offers) = app.get("/offers", None).await;
        assert_eq!(typed::<Paged<OfferView>>(&offers).total, 0, "no offer was created");

        // A withdrawal to a malformed address is refused before the confirmation step.
        let review = web.submit("/balances", "/withdraw", &[("address", "not-an-address"), ("amount", "1")]).await;
        assert_eq!(review.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", review.body);
        assert!(!review.body.contains("Confirm withdrawal"), "{}", review.body);
        assert!(review.body.contains("id=\"form-error\""));
        assert!(review.body.contains("Monero address:"), "{}", review.body);
        // And one sent anyway, skipping that step, is refused by the API, naming the field.
        let sent = web
            .post_raw("/withdraw", &[("_csrf", &review.csrf()), ("address", "not-an-address"), ("amount", "1"), ("key", "k0123456789abcdef0123456789abcde"), ("confirm", "yes")], &[])
            .await;
        assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sent.body);
        assert!(sent.body.contains("id=\"form-error\""));
        assert!(sent.body.to_lowercase().contains("address"), "{}", sent.body);
        let (_, list) = app.get("/transactions/withdrawals", Some(&app.login("ivan").await.access)).await;
        assert_eq!(typed::<Paged<WithdrawalView>>(&list).total, 0);

        // A filter the API refuses is said on the offers page, which still renders.
        let home = web.get("/?amount=lots").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains("id=\"filter-error\""), "{}", home.body);
    }
}

db_test! {
    /// Staff pages show what the API allows: a user gets the API's refusal, not the console.
    async fn staff_pages_follow_the_api_s_roles(app) {
        let web = Web::new(&app);
        web.register("jill").await;
        for path in ["/admin", "/moderation", "/admin/audit"] {
            let page = web.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
            assert!(!page.body.contains("adjust-form"));
        }
        let (id, _) = app.privileged("root", pupero_core::Role::Admin).await;
        let id_text = id.to_string();
        let forged = web.submit("/settings", "/admin/adjust", &[("user_id", &id_text), ("amount", "5"), ("direction", "credit"), ("reason", "free money")]).await;
        assert_eq!(forged.status, StatusCode::SEE_OTHER, "refused and sent back with the reason");
        assert!(forged.set_cookies().iter().any(|c| c.starts_with("pupero_flash=")));
        let admin = Web::new(&app);
        admin.sign_in("root").await;
        let console = admin.get("/admin").await;
        assert_eq!(console.status, StatusCode::OK);
        assert!(console.body.contains("adjust-form") && console.body.contains("jill"));
        assert!(console.body.contains("Admin"), "the nav shows the console to admins");
        let (_, before) = app.get(&format!("/transactions/balances/{id}"), Some(&app.login("root").await.access)).await;
        let before: BalancesView = typed(&before);
        assert!(before.available.is_zero(), "the user's forged adjustment moved nothing");
        // The console's form first shows a confirmation page; only its button records.
        let confirm = admin.submit("/admin", "/admin/adjust", &[("user_id", &id_text), ("amount", "2.5"), ("direction", "credit"), ("reason", "float")]).await;
        assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
        assert!(confirm.body.contains("adjust-confirm"), "{}", confirm.body);
        let token = confirm.csrf();
        let done = admin.post_raw("/admin/adjust", &[("_csrf", token.as_str()), ("user_id", &id_text), ("amount", "2.5"), ("direction", "credit"), ("reason", "float"), ("confirm", "yes")], &[("sec-fetch-site", "same-origin")]).await;
        let shown = admin.follow(&done).await;
        assert!(shown.body.contains("available balance is now 2.5 XMR"), "{}", shown.body);
        let audit = admin.get("/admin/audit").await;
        assert_eq!(audit.status, StatusCode::OK);
        let money = &audit.body[audit.body.find("id=\"audit-money\"").expect("the money trail")..];
        assert!(money.contains("root") && money.contains("adjust") && money.contains("float"), "{money}");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    /// With the API unreachable, pages answer 503 in plain words and nothing is lost.
    async fn pages_answer_503_when_the_api_is_down(app, Options::with(&["--api-manager-url", "http://127.0.0.1:9", "--login-rate-per-minute", "100000"])) {
        let web = Web::new(&app);
        let home = web.get("/").await;
        assert_eq!(home.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(home.body.contains("Temporarily unavailable"), "{}", home.body);
        let login = web.submit("/login", "/login", &[("username", "kim"), ("password", PASSWORD)]).await;
        assert_eq!(login.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(login.body.contains("unavailable"), "{}", login.body);
        assert!(!login.body.contains("127.0.0.1"), "no internal address in the page");
    }
}

db_test! {
    /// Behind the frontend every browser shares one address; the gateway believes the
    /// browser's address only from the frontend's credential, so per-IP limits still see
    /// browsers, and nobody else can pick their address.
    async fn the_gateway_believes_a_client_address_only_from_the_frontend(app, Options::with(&["--login-rate-per-minute", "2", "--login-max-failures", "100"])) {
        app.register("lee").await;
        let keys = app.keys();
        let frontend = keys.only("frontend").issue_service("frontend").unwrap().token;
        let impostor = keys.issue_service("offers").unwrap().token;
        let attempt = |credential: Option<String>, ip: &'static str| {
            let mut req = app
                .http
                .post(format!("{}/auth/login", app.gateway))
                .json(&json!({"username": "lee", "password": "wrong password!"}))
                .header("x-pupero-client-ip", ip);
            if let Some(c) = credential {
                req = req.header("x-pupero-frontend", c);
            }
            async move { req.send().await.unwrap().status() }
        };
        // Two attempts for browser A use its budget; browser B still has its own.
        for _ in 0..2 {
            assert_eq!(attempt(Some(frontend.clone()), "203.0.113.7").await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(attempt(Some(frontend.clone()), "203.0.113.7").await, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(attempt(Some(frontend.clone()), "203.0.113.8").await, StatusCode::UNAUTHORIZED);
        // Without the credential (or with another service's) the header is ignored: the
        // caller is its own address, whatever it claims.
        assert_eq!(attempt(None, "198.51.100.1").await, StatusCode::UNAUTHORIZED);
        assert_eq!(attempt(Some(impostor.clone()), "198.51.100.2").await, StatusCode::UNAUTHORIZED);
        assert_eq!(attempt(None, "198.51.100.3").await, StatusCode::TOO_MANY_REQUESTS, "loopback's budget is spent");
        assert_eq!(attempt(Some(impostor), "198.51.100.4").await, StatusCode::TOO_MANY_REQUESTS);
    }
}

/// The text of the element with `id` in `body` (its first text node).
pub fn text_of(body: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} in {body}"));
    let open = body[start..].find('>').unwrap() + start + 1;
    let close = body[open..].find('<').unwrap() + open;
    body[open..close].trim().to_owned()
}

/// Reloads `path` until its body contains `needle`.
async fn until_page_shows(web: &Web, path: &str, needle: &str) -> Page {
    for _ in 0..360 {
        let page = web.get(path).await;
        if page.body.contains(needle) {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!(
        "{path} never showed {needle:?}: {}",
        web.get(path).await.body
    );
}

db_test! {
    /// On a real regtest chain: the balances page shows the deposit address with its QR
    /// code, the deposit's confirmations as they come, the credit, and a withdrawal sent
    /// through the two-step form (submitted twice, sent once) with its transaction id.
    async fn the_balances_page_follows_a_deposit_and_a_withdrawal(app, crate::chain::options(&["--rabbitmq-poll-interval-seconds", "1"]).await) {
        let _turn = crate::chain::chain_turn().await;
        let fixture = crate::chain::fixture().await;
        let web = Web::new(&app);
        web.register("wes").await;
        let page = web.get("/balances").await;
        assert_eq!(page.status, StatusCode::OK);
        let address = text_of(&page.body, "deposit-address");
        assert_eq!(address.len(), 95, "a subaddress: {address}");
        assert!(page.body.contains("src=\"data:image/svg+xml;base64,"), "a QR code");

        fixture
            .user()
            .transfer_now(&address, 2 * pupero_core::PICONERO_PER_XMR as u64)
            .await
            .unwrap();
        until_page_shows(&web, "/balances", "in the pool").await;
        fixture.mine(1).await;
        until_page_shows(&web, "/balances", "1 of 10 confirmations").await;
        fixture.mine(9).await;
        until_page_shows(&web, "/balances", "XMR</strong> · credited").await;
        // (The page reads the balance before the deposits, so the credit may show first.)
        until_page_shows(&web, "/balances", "id=\"bal-available\">2<").await;

        let receiver = fixture.user().create_address("web payout").await.unwrap().address;
        let review = web.submit("/balances", "/withdraw", &[("address", &receiver), ("amount", "1.5")]).await;
        assert_eq!(review.status, StatusCode::OK);
        assert_eq!(text_of(&review.body, "confirm-address"), receiver);
        assert_eq!(text_of(&review.body, "confirm-amount"), "1.5 XMR");
        let key = {
            let m = "name=\"key\" value=\"";
            let s = review.body.find(m).unwrap() + m.len();
            review.body[s..s + 32].to_owned()
        };
        let confirm = [("_csrf", review.csrf()), ("address", receiver.clone()), ("amount", "1.5".into()), ("key", key), ("confirm", "yes".into())];
        let confirm: Vec<(&str, &str)> = confirm.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // A double click: the same confirmation twice.
        let (first, second) = tokio::join!(web.post_raw("/withdraw", &confirm, &[]), web.post_raw("/withdraw", &confirm, &[]));
        for sent in [&first, &second] {
            assert_eq!((sent.status, sent.location()), (StatusCode::SEE_OTHER, "/balances"), "{}", sent.body);
        }
        let after = web.get("/balances").await;
        assert_eq!(text_of(&after.body, "bal-available"), "0.5", "reserved once");
        let sent = until_page_shows(&web, "/balances", "Sent, confirming").await;
        let table = &sent.body[sent.body.find("id=\"withdrawals\"").unwrap()..];
        assert_eq!(table.matches("<tr>").count() - 1, 1, "one withdrawal for two clicks");
        let (_, me) = app.get("/auth/me", Some(&app.login("wes").await.access)).await;
        let me: MeView = typed(&me);
        let wes = crate::helpers::Party { id: me.id, token: app.login("wes").await.access };
        let (_, list) = app.get("/transactions/withdrawals", wes.t()).await;
        let list: Paged<WithdrawalView> = typed(&list);
        let txid = &list.items[0].tx_hashes[0];
        assert!(sent.body.contains(txid.as_str()), "the page shows the transaction id");
        app.assert_ledger_consistent().await;
    }
}

/// Whether the page has an element with this id.
fn has(page: &Page, id: &str) -> bool {
    page.body.contains(&format!("id=\"{id}\""))
}

/// The page a redirect leads to, with the flash it carries.
async fn after(web: &Web, page: &Page) -> Page {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    web.follow(page).await
}

db_test! {
    /// The trade page shows each party exactly the steps the API allows, state by state,
    /// and a stranger nothing at all.
    async fn the_trade_page_offers_exactly_the_allowed_actions(app) {
        let admin = app.staff("root", pupero_core::Role::Admin).await;
        let seller = Web::new(&app);
        let buyer = Web::new(&app);
        seller.register("sol").await;
        buyer.register("bob").await;
        let sol = {
            let t = app.login("sol").await;
            let (_, me) = app.get("/auth/me", Some(&t.access)).await;
            let me: MeView = typed(&me);
            crate::helpers::Party { id: me.id, token: t.access }
        };
        app.credit(&admin, sol.id, "3").await;
        let offer = app.offer(&sol, "sell", "0.1", "2").await;

        let opened = buyer.submit(&format!("/offers/{offer}"), &format!("/offers/{offer}/trade"), &[("amount", "1"), ("key", "k1"), ("price", "150.00")]).await;
        let trade = opened.location().to_owned();
        assert!(trade.starts_with("/trades/"), "{trade}");
        let page = after(&buyer, &opened).await;
        assert!(page.body.contains("held in escrow"));
        let ids = |p: &Page| ["action-paid", "action-release", "action-cancel", "action-dispute", "action-mutual-cancel", "resolve-form"].into_iter().filter(|id| has(p, id)).collect::<Vec<_>>();
        assert_eq!(ids(&page), ["action-paid", "action-cancel", "action-mutual-cancel"]);
        assert!(has(&page, "deadline"), "the countdown");
        assert_eq!(ids(&seller.get(&trade).await), ["action-mutual-cancel"]);
        let stranger = Web::new(&app);
        stranger.register("sly").await;
        assert_eq!(stranger.get(&trade).await.status, StatusCode::NOT_FOUND);
        assert_eq!(stranger.get(&format!("{trade}/messages")).await.status, StatusCode::NOT_FOUND);

        // A step that is not the visitor's is refused with the API's reason.
        let refused = seller.submit(&trade, &format!("{trade}/action"), &[("action", "paid")]).await;
        assert!(after(&seller, &refused).await.body.contains("flash-error"));
        assert_eq!(app.trade_state(&sol, trade.trim_start_matches("/trades/").parse().unwrap()).await, TradeState::AwaitingPayment);

        let paid = buyer.submit(&trade, &format!("{trade}/action"), &[("action", "paid")]).await;
        let page = after(&buyer, &paid).await;
        assert!(page.body.contains("Marked as paid"));
        assert_eq!(ids(&page), ["action-dispute", "action-mutual-cancel"]);
        let seller_page = seller.get(&trade).await;
        assert_eq!(ids(&seller_page), ["action-release", "action-dispute", "action-mutual-cancel"]);
        assert!(!has(&seller_page, "release-totp"), "no code asked without 2FA");

        // Chat, and its fragment for the page's script.
        let sent = buyer.submit(&trade, &format!("{trade}/messages"), &[("body", "<b>paid</b> & done")]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
        let fragment = seller.get(&format!("{trade}/messages?after=0")).await;
        assert!(fragment.body.contains("paid") && !fragment.body.contains("<b>"), "escaped: {}", fragment.body);
        assert!(!fragment.body.contains("<html"), "a fragment, not a page");

        // Mutual cancel: one proposes, the other agrees, the escrow goes back.
        let proposed = seller.submit(&trade, &format!("{trade}/action"), &[("action", "mutual-cancel")]).await;
        let page = after(&seller, &proposed).await;
        assert!(has(&page, "cancel-proposed"));
        let page = buyer.get(&trade).await;
        assert!(page.body.contains("proposes to cancel") && page.body.contains("Agree to cancel"));
        let agreed = buyer.submit(&trade, &format!("{trade}/action"), &[("action", "mutual-cancel")]).await;
        let page = after(&buyer, &agreed).await;
        assert!(page.body.contains("Both of you agreed"), "{}", page.body);
        assert_eq!(ids(&page), Vec::<&str>::new(), "nothing left to do");
        assert_eq!(app.balances(&sol).await.0, "3.000000000000");
        let list = buyer.get("/trades").await;
        assert!(list.body.contains("Cancelled"));
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    /// An owner edits, pauses, resumes and deletes an offer from the pages; nobody else can.
    async fn offers_are_managed_from_the_pages_by_their_owner_only(app) {
        let owner = Web::new(&app);
        owner.register("opal").await;
        let fields = [("side", "buy"), ("currency", "usd"), ("price", "160.5"), ("payment_method", "zelle"),
            ("min_amount", "0.2"), ("max_amount", "1.5"), ("payment_window_minutes", "45"), ("terms", "Zelle only")];
        let created = owner.submit("/offers/new", "/offers/new", &fields).await;
        let path = created.location().to_owned();
        let page = after(&owner, &created).await;
        assert!(page.body.contains("160.50 USD"), "{}", page.body);
        assert!(has(&page, "edit-offer"), "the owner sees the edit link");
        let id = path.trim_start_matches("/offers/").to_owned();

        let mut edited = fields.to_vec();
        edited[2] = ("price", "158");
        let saved = owner.submit(&format!("{path}/edit"), &format!("{path}/edit"), &edited).await;
        assert!(after(&owner, &saved).await.body.contains("158.00 USD"));

        let paused = owner.submit("/my/offers", &format!("{path}/status"), &[("status", "paused")]).await;
        let mine = after(&owner, &paused).await;
        assert!(mine.body.contains("paused") && has(&mine, &format!("resume-{id}")));
        let visitor = Web::new(&app);
        assert!(!visitor.get("/").await.body.contains(&format!("data-offer=\"{id}\"")), "a paused offer is not listed");
        let resumed = owner.submit("/my/offers", &format!("{path}/status"), &[("status", "open")]).await;
        after(&owner, &resumed).await;
        assert!(visitor.get("/").await.body.contains(&format!("data-offer=\"{id}\"")));

        // Someone else gets no form, and their forged post changes nothing.
        let other = Web::new(&app);
        other.register("otto").await;
        assert_eq!(other.get(&format!("{path}/edit")).await.status, StatusCode::NOT_FOUND);
        let mut forged = fields.to_vec();
        forged[2] = ("price", "1");
        let attempt = other.submit("/settings", &format!("{path}/edit"), &forged).await;
        assert_eq!(attempt.status, StatusCode::FORBIDDEN, "the API's refusal: {}", attempt.body);
        let deleted = other.submit("/settings", &format!("{path}/delete"), &[]).await;
        assert!(after(&other, &deleted).await.body.contains("flash-error"));
        assert!(owner.get(&path).await.body.contains("158.00 USD"), "unchanged");

        let deleted = owner.submit("/my/offers", &format!("{path}/delete"), &[]).await;
        let mine = after(&owner, &deleted).await;
        assert!(mine.body.contains("Offer deleted."));
        assert!(!mine.body.contains(&format!("data-offer=\"{id}\"")));
    }
}

db_test! {
    /// Settings: username, email (with the password), password (signs out everywhere),
    /// and deletion (refused while holding funds).
    async fn account_settings_change_what_they_say(app) {
        let web = Web::new(&app);
        web.register("abe").await;
        let renamed = web.submit("/settings", "/settings/profile", &[("username", "abel")]).await;
        let page = after(&web, &renamed).await;
        assert!(page.body.contains("Username changed."));
        assert_eq!(text_of(&page.body, "nav-user"), "abel");

        let wrong = web.submit("/settings", "/settings/email", &[("email", "new@example.com"), ("current_password", "nope nope nope")]).await;
        assert!(after(&web, &wrong).await.body.contains("current password is wrong"));
        let right = web.submit("/settings", "/settings/email", &[("email", "new@example.com"), ("current_password", PASSWORD)]).await;
        let page = after(&web, &right).await;
        assert!(page.body.contains("Email changed.") && page.body.contains("value=\"new@example.com\""));

        let differ = web.submit("/settings", "/settings/password", &[("current_password", PASSWORD), ("password", "a brand new passphrase"), ("confirm", "another passphrase")]).await;
        assert!(after(&web, &differ).await.body.contains("differ"));
        let changed = web.submit("/settings", "/settings/password", &[("current_password", PASSWORD), ("password", "a brand new passphrase"), ("confirm", "a brand new passphrase")]).await;
        assert_eq!(changed.location(), "/login");
        assert_eq!(web.get("/settings").await.status, StatusCode::SEE_OTHER, "signed out");
        let login = web.get("/login").await;
        let signed = web.post_raw("/login", &[("_csrf", &login.csrf()), ("username", "abel"), ("password", "a brand new passphrase")], &[]).await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);

        let (_, me) = app.get("/auth/me", Some(&{
            let (_, b) = app.post("/auth/login", None, json!({"username": "abel", "password": "a brand new passphrase"})).await;
            typed::<TokenPair>(&b).access_token
        })).await;
        let me: MeView = typed(&me);
        let admin = app.staff("root", pupero_core::Role::Admin).await;
        app.credit(&admin, me.id, "1").await;
        let refused = web.submit("/settings", "/settings/delete", &[("current_password", "a brand new passphrase")]).await;
        assert!(after(&web, &refused).await.body.contains("Withdraw your balance"), "funds block deletion");
        let (status, _) = app.post("/transactions/admin/adjust", admin.t(), json!({"user_id": me.id, "amount": "1", "direction": "debit", "reason": "test"})).await;
        assert_eq!(status, StatusCode::OK);
        let deleted = web.submit("/settings", "/settings/delete", &[("current_password", "a brand new passphrase")]).await;
        assert_eq!(deleted.location(), "/");
        assert_eq!(web.get("/settings").await.status, StatusCode::SEE_OTHER);
        let (status, _) = app.post("/auth/login", None, json!({"username": "abel", "password": "a brand new passphrase"})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the account is gone");
    }
}

db_test! {
    /// End to end: behind a trusted proxy, each browser's sign-in attempts count against
    /// its own address at the login service, not against the frontend's.
    async fn sign_in_limits_count_per_browser_through_the_frontend(app, Options::with(&["--login-rate-per-minute", "2", "--login-max-failures", "100", "--gateway-trusted-proxies", "127.0.0.1"])) {
        app.register("max").await;
        let attempt = |ip: &'static str| {
            let web = Web::new(&app);
            async move {
                let login = web.get("/login").await;
                let token = login.csrf();
                web.post_raw("/login", &[("_csrf", &token), ("username", "max"), ("password", "wrong password!")], &[("x-forwarded-for", ip)])
                    .await
                    .status
            }
        };
        assert_eq!(attempt("203.0.113.20").await, StatusCode::UNAUTHORIZED);
        assert_eq!(attempt("203.0.113.20").await, StatusCode::UNAUTHORIZED);
        assert_eq!(attempt("203.0.113.20").await, StatusCode::TOO_MANY_REQUESTS, "this browser's budget is spent");
        assert_eq!(attempt("203.0.113.21").await, StatusCode::UNAUTHORIZED, "another browser still has its own");
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// While the gateway is cut off, pages answer 503 and a refused form changes nothing;
/// when it is back, the same browser carries on, still signed in.
async fn gateway_outage(backend: crate::helpers::Backend) {
    let gateway_port = free_port();
    let switch = crate::faults::Switch::to(format!("127.0.0.1:{gateway_port}")).await;
    switch.set(true);
    let mut options = Options::default();
    let relay = format!("http://127.0.0.1:{}", switch.port);
    for a in [
        "--gateway-port",
        &gateway_port.to_string(),
        "--api-manager-url",
        &relay,
    ] {
        options.args.push(a.to_owned());
    }
    let on = switch.on.clone();
    crate::helpers::run(backend, options, move |app| async move {
        let set = |up: bool| on.store(up, std::sync::atomic::Ordering::SeqCst);
        let web = Web::new(&app);
        web.register("ora").await;
        let form = web.get("/offers/new").await;
        assert_eq!(form.status, StatusCode::OK);

        set(false);
        // The relay cuts open connections within 50 ms.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let page = web.get("/balances").await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(page.body.contains("Temporarily unavailable"));
        let fields = [
            ("_csrf", form.csrf()),
            ("side", "sell".into()),
            ("currency", "EUR".into()),
            ("price", "150".into()),
            ("payment_method", "sepa".into()),
            ("min_amount", "0.1".into()),
            ("max_amount", "1".into()),
            ("payment_window_minutes", "30".into()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = web.post_raw("/offers/new", &fields, &[]).await;
        assert_eq!(
            refused.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            refused.body
        );
        assert!(
            refused.body.contains("Nothing was changed"),
            "{}",
            refused.body
        );

        set(true);
        let page = web.get("/balances").await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "back by itself, still signed in"
        );
        let (_, offers) = app.get("/offers", None).await;
        assert_eq!(
            typed::<Paged<OfferView>>(&offers).total,
            0,
            "the refused form created nothing"
        );
        let created = web.post_raw("/offers/new", &fields, &[]).await;
        assert_eq!(
            created.status,
            StatusCode::SEE_OTHER,
            "the same form now goes through"
        );
    })
    .await;
    drop(switch);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_outage_gives_503_pages_and_the_session_survives_it_sqlite() {
    gateway_outage(crate::helpers::Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_outage_gives_503_pages_and_the_session_survives_it_mariadb() {
    gateway_outage(crate::helpers::Backend::MariaDb).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_outage_gives_503_pages_and_the_session_survives_it_postgres() {
    gateway_outage(crate::helpers::Backend::Postgres).await
}

/// `url` with its database's host:port replaced by 127.0.0.1:`port`, and that host:port.
fn via(url: &str, port: u16) -> (String, String) {
    let at = url.rfind('@').unwrap() + 1;
    let end = url[at..].find('/').map(|i| i + at).unwrap_or(url.len());
    (
        format!("{}127.0.0.1:{port}{}", &url[..at], &url[end..]),
        url[at..end].to_owned(),
    )
}

/// The database itself goes away: every page (the session store included) answers 503,
/// and when it returns the pools reconnect and the session is still there.
async fn database_outage(backend: crate::helpers::Backend) {
    let db = crate::helpers::TestDb::create(backend).await;
    let (_, target) = via(&db.url, 0);
    let switch = crate::faults::Switch::to(target).await;
    let (url, _) = via(&db.url, switch.port);
    switch.set(true);
    let (app, platform) = TestApp::spawn_with_url(&db, &url, &Options::default()).await;
    let web = Web::new(&app);
    web.register("dot").await;
    assert_eq!(web.get("/balances").await.status, StatusCode::OK);

    switch.set(false);
    // The relay cuts open connections within 50 ms.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let page = web.get("/balances").await;
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert!(page.body.contains("Temporarily unavailable"));
    let home = web.get("/").await;
    assert_eq!(home.status, StatusCode::SERVICE_UNAVAILABLE);

    switch.set(true);
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..100 {
        status = web.get("/balances").await.status;
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(status, StatusCode::OK, "back by itself, still signed in");
    platform.stop().await;
    db.drop_db().await;
    drop(switch);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_gives_503_pages_and_the_session_survives_it_mariadb() {
    database_outage(crate::helpers::Backend::MariaDb).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_gives_503_pages_and_the_session_survives_it_postgres() {
    database_outage(crate::helpers::Backend::Postgres).await
}

db_test! {
    /// "Sign out everywhere" ends every browser's session and every API token of the
    /// account, and nobody else's.
    async fn signing_out_everywhere_ends_every_session_of_the_account(app) {
        let laptop = Web::new(&app);
        let phone = Web::new(&app);
        let other = Web::new(&app);
        laptop.register("vic").await;
        phone.sign_in("vic").await;
        other.register("wil").await;
        let app_tokens = app.login("vic").await;
        assert_eq!(phone.get("/balances").await.status, StatusCode::OK);

        let done = laptop.submit("/settings", "/settings/sign-out-everywhere", &[]).await;
        assert_eq!(done.location(), "/login");
        assert_eq!(laptop.get("/balances").await.status, StatusCode::SEE_OTHER);
        assert_eq!(phone.get("/balances").await.status, StatusCode::SEE_OTHER, "the other browser too");
        let (status, _) = app.post("/auth/token/refresh", None, json!({"refresh_token": app_tokens.refresh})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "and the API session");
        assert_eq!(other.get("/balances").await.status, StatusCode::OK, "another account is untouched");
        assert_eq!(app.post("/auth/logout-all", None, json!({})).await.0, StatusCode::UNAUTHORIZED);
    }
}

db_test! {
    /// The offers list pages by 20 and its page links keep the filters.
    async fn the_offers_list_pages_and_keeps_its_filters(app) {
        let admin = app.staff("root", pupero_core::Role::Admin).await;
        let seller = app.party("sue").await;
        app.credit(&admin, seller.id, "10").await;
        for _ in 0..25 {
            app.offer(&seller, "sell", "0.1", "1").await;
        }
        app.offer(&seller, "buy", "0.1", "1").await;
        let web = Web::new(&app);
        let first = web.get("/?want=buy&currency=EUR").await;
        assert_eq!(first.body.matches("class=\"offer-row\"").count(), 20);
        assert!(first.body.contains("25 offers"), "sell offers only: {}", first.body);
        assert!(first.body.contains("Page 1 of 2"));
        let next = {
            let m = "href=\"";
            let at = first.body.find("id=\"next-page\"").unwrap();
            let start = first.body[..at].rfind(m).unwrap() + m.len();
            first.body[start..start + first.body[start..].find('"').unwrap()].replace("&#38;", "&")
        };
        assert!(next.contains("want=buy") && next.contains("currency=EUR") && next.contains("page=2"), "{next}");
        let second = web.get(&next).await;
        assert_eq!(second.body.matches("class=\"offer-row\"").count(), 5);
        assert!(second.body.contains("id=\"prev-page\"") && !second.body.contains("id=\"next-page\""));
        let beyond = web.get("/?page=99").await;
        assert_eq!(beyond.status, StatusCode::OK);
        assert!(beyond.body.contains("No offers match"));
    }
}
