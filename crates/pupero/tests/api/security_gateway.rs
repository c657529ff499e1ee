//! Issue 9, the public edges: the gateway's path handling (item 3), metrics kept off the
//! public surface (item 11), the sign-in redirect (item 5) and the signed flash cookie.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use pupero::Platform;
use pupero_config::Service;

use pupero_api::accounts::PublicProfile;
use pupero_api::money::BalancesView;

use crate::helpers::{Options, PASSWORD, db_test, settings_for};
use crate::web::Web;

const METRICS_TOKEN: &str = "scraper-token-0123456789-abcdefghijklmnop";

/// Sends `path` exactly as written (no client-side normalisation, unlike reqwest's URL
/// parser, which folds `%2e%2e` and `..` away) and returns the status and body.
async fn raw_get(base: &str, path: &str, token: Option<&str>) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line for {path}: {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

db_test! {
    // issue 9 item 3: `/%61uth/x`, `/aut%68/x` and `/transaction%73/x` once cut the raw
    // path at the decoded prefix's length, so the upstream URL became
    // `http://127.0.0.1:<port>th/x` and the request went to port 80 of the service host.
    async fn encoded_prefixes_reach_the_service_the_decoded_path_names(app) {
        let alice = app.party("alice").await;
        for path in ["/%61uth/users/alice", "/aut%68/users/alice", "/%61%75%74%68/users/alice", "/aut%2568/users/alice"] {
            let (status, body) = raw_get(&app.gateway, path, None).await;
            assert_eq!(status, 200, "{path}: {body}");
            let profile: PublicProfile = serde_json::from_str(&body).unwrap();
            assert_eq!(profile.username, "alice", "{path}: {body}");
        }
        let balances = format!("/transaction%73/balances/{}", alice.id);
        let (status, body) = raw_get(&app.gateway, &balances, alice.t()).await;
        assert_eq!(status, 200, "{balances}: {body}");
        let balance: BalancesView = serde_json::from_str(&body).unwrap();
        assert_eq!(balance.available, pupero_core::Piconero::ZERO, "{body}");
        // The decoded path is judged, so an encoded prefix opens no door.
        for path in ["/%61uth/%69nternal/x", "/transaction%73/internal/credit", "/%61uth/metrics", "/aut%68//users/alice"] {
            let (status, body) = raw_get(&app.gateway, path, None).await;
            assert_eq!(status, 404, "{path}: {body}");
        }
    }
}

/// A stand-in for one service: answers every request with its own name and the path it
/// received, and remembers both.
async fn recording_service(
    name: &'static str,
    seen: Arc<Mutex<Vec<(&'static str, String)>>>,
) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let seen = seen.clone();
        async move {
            let path = uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default();
            seen.lock().unwrap().push((name, path.clone()));
            axum::Json(json!({"service": name, "path": path}))
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// Every spelling a client might use for `prefix`: each one of its characters
/// percent-encoded in lower case, upper case, or twice.
fn spellings(prefix: &str) -> Vec<String> {
    let mut out = vec![prefix.to_owned()];
    for (i, c) in prefix.char_indices() {
        let byte = c as u32;
        for enc in [
            format!("%{byte:02x}"),
            format!("%{byte:02X}"),
            format!("%25{byte:02X}"),
        ] {
            out.push(format!(
                "{}{enc}{}",
                &prefix[..i],
                &prefix[i + c.len_utf8()..]
            ));
        }
    }
    out
}

// issue 9 item 3, the real wiring: the gateway in front of recording services on their
// own ports. Every spelling of every prefix reaches exactly the configured service with
// the decoded path, and every confusing path is answered 404 by the gateway itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_reaches_only_the_configured_service_for_every_spelling() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut args: Vec<String> = Vec::new();
    for (flag, name) in [
        ("--login-service-url", "login"),
        ("--offers-service-url", "offers"),
        ("--transactions-service-url", "transactions"),
        ("--moderation-service-url", "moderation"),
        ("--wallet-service-url", "wallet"),
    ] {
        args.push(flag.into());
        args.push(recording_service(name, seen.clone()).await);
    }
    let dir = std::env::temp_dir().join(format!("pupero-gw-{}", rand::random::<u32>()));
    let settings = settings_for("sqlite::memory:", &dir, &args);
    let platform = Platform::start(settings, &[Service::Gateway])
        .await
        .unwrap();
    let gateway = platform.url(Service::Gateway).unwrap();

    let mut expected: BTreeMap<String, (&str, String)> = BTreeMap::new();
    for (prefix, service, forwarded_prefix) in [
        ("auth", "login", ""),
        ("offers", "offers", "/offers"),
        ("me/offers", "offers", "/me/offers"),
        ("transactions", "transactions", ""),
        ("moderation", "moderation", ""),
    ] {
        for spelled in spellings(prefix) {
            let path = format!("/{spelled}/probe/x%20y?q=%2F..%2F");
            expected.insert(
                path,
                (
                    service,
                    format!("{forwarded_prefix}/probe/x%20y?q=%2F..%2F"),
                ),
            );
        }
    }
    for (path, (service, upstream)) in &expected {
        seen.lock().unwrap().clear();
        let (status, body) = raw_get(&gateway, path, None).await;
        assert_eq!(status, 200, "{path}: {body}");
        let answer: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (
                answer["service"].as_str().unwrap(),
                answer["path"].as_str().unwrap()
            ),
            (*service, upstream.as_str()),
            "{path}"
        );
        assert_eq!(
            seen.lock().unwrap().clone(),
            vec![(*service, upstream.clone())],
            "{path}"
        );
    }

    let mut refused = Vec::new();
    for prefix in ["auth", "transactions", "moderation", "monero"] {
        for spelled in spellings(prefix) {
            for rest in [
                "/internal/x",
                "/%69nternal/x",
                "/%2569NTERNAL/x",
                "/./x",
                "/%2e/x",
                "/%2e%2e/internal/x",
                "/%252e%252e/x",
                "//x",
                "/%2f/x",
                "/x%5c..%5cinternal",
                "/x\\y",
                "/%09/x",
                "/x%0d%0aHost:%20evil",
                "/%00",
                "/%7f",
                "/%c2%85",
                "/metrics",
                "/%6detrics",
                "/METRICS/",
                "/%zz",
                "/%ff",
            ] {
                refused.push(format!("/{spelled}{rest}"));
            }
        }
    }
    refused.extend(
        [
            "/",
            "/%2e%2e/auth/x",
            "//auth/x",
            "/internal/x",
            "/AUTH/x",
            "/auth%2f%2fx",
        ]
        .map(String::from),
    );
    seen.lock().unwrap().clear();
    for path in &refused {
        let (status, body) = raw_get(&gateway, path, None).await;
        assert!(status == 404 || status == 400, "{path}: {status} {body}");
    }
    assert_eq!(
        seen.lock().unwrap().clone(),
        vec![],
        "nothing refused was forwarded"
    );

    // The wallet's routes stay behind the admin check, whatever the spelling.
    for spelled in spellings("monero") {
        let path = format!("/{spelled}/balance");
        let (status, body) = raw_get(&gateway, &path, None).await;
        assert_eq!(status, 401, "{path}: {body}");
    }
    assert_eq!(
        seen.lock().unwrap().clone(),
        vec![],
        "no anonymous request reached the wallet"
    );
    platform.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

fn metrics_options() -> Options {
    Options::with(&[
        "--metrics-token",
        METRICS_TOKEN,
        "--login-rate-per-minute",
        "100000",
        "--register-rate-per-hour",
        "100000",
    ])
}

db_test! {
    // issue 9 item 11: `/metrics`, `/auth/metrics` and `/transactions/metrics` were
    // readable through the gateway without a token.
    async fn metrics_are_not_readable_through_the_gateway(app, metrics_options()) {
        for path in [
            "/auth/metrics", "/transactions/metrics", "/monero/metrics", "/moderation/metrics",
            "/auth/metrics/", "/%61uth/metrics", "/auth/%6Detrics", "/transactions/METRICS",
        ] {
            for token in [None, Some(METRICS_TOKEN)] {
                let (status, body) = raw_get(&app.gateway, path, token).await;
                assert_eq!(status, 404, "{path} with {token:?}: {body}");
            }
        }
        // The gateway's own metrics, and every service's, want the scraper's credential.
        for base in [&app.gateway, &app.login, &app.transactions, &app.frontend] {
            for token in [None, Some("wrong-token"), Some(&METRICS_TOKEN[1..])] {
                let (status, body) = raw_get(base, "/metrics", token).await;
                assert_eq!(status, 401, "{base} with {token:?}: {body}");
                assert!(!body.contains("http_requests_total"), "{body}");
            }
            let (status, body) = raw_get(base, "/metrics", Some(METRICS_TOKEN)).await;
            assert_eq!(status, 200, "{base}: {body}");
            assert!(body.contains("http_requests_total"), "{base}: {body}");
        }
    }
}

/// Open-redirect payloads as a browser would put them in `next` (already URL-decoded
/// once by the query or form parser).
const REDIRECT_PAYLOADS: &[&str] = &[
    "/\t/evil.example",
    "/%09/evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%2f%2fevil.example",
    "/%2F/evil.example",
    "/%5cevil.example",
    "/%252f%252fevil.example",
    "/\r\n/evil.example",
    "/%0d%0aSet-Cookie:%20x=1",
    "https://evil.example",
    "javascript:alert(1)",
    "/.//evil.example",
    "%2f%2fevil.example",
];

db_test! {
    // issue 9 item 5: `/login?next=/%09/evil.example` passed `safe_next`, and Chromium
    // dropped the tab and followed `//evil.example`.
    async fn sign_in_never_redirects_off_site(app) {
        app.register("nina").await;
        for payload in REDIRECT_PAYLOADS {
            let web = Web::new(&app);
            let query = serde_urlencoded::to_string([("next", payload)]).unwrap();
            let login = web.get(&format!("/login?{query}")).await;
            assert_eq!(login.status, StatusCode::OK, "{payload:?}");
            assert!(!login.body.contains("evil.example"), "{payload:?} kept in the form: {}", login.body);
            let token = login.csrf();
            let signed = web
                .post_raw("/login", &[("_csrf", &token), ("username", "nina"), ("password", PASSWORD), ("next", payload)], &[])
                .await;
            assert_eq!((signed.status, signed.location()), (StatusCode::SEE_OTHER, "/"), "{payload:?}");
            // Signed in already, the sign-in page sends the visitor on: home, not away.
            let again = web.get(&format!("/login?{query}")).await;
            assert_eq!((again.status, again.location()), (StatusCode::SEE_OTHER, "/"), "{payload:?}");
        }
        // A local page is still where the visitor lands.
        let web = Web::new(&app);
        let login = web.get("/login?next=%2Fbalances").await;
        let token = login.csrf();
        let signed = web
            .post_raw("/login", &[("_csrf", &token), ("username", "nina"), ("password", PASSWORD), ("next", "/balances")], &[])
            .await;
        assert_eq!(signed.location(), "/balances");
    }
}

db_test! {
    // The flash cookie was plain base64: anyone able to set a cookie for the site (a
    // sibling subdomain, a shared computer) could make it say anything.
    async fn a_forged_or_altered_flash_cookie_is_not_shown(app) {
        app.register("fred").await;
        let forged = "eYour account is frozen. Call +1 555 0100 to restore it.";
        let web = Web::new(&app);
        web.set_cookie("pupero_flash", &URL_SAFE_NO_PAD.encode(forged));
        let page = web.get("/login").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("frozen"), "a hand-made flash was shown: {}", page.body);

        // A real flash is shown once...
        let signed = web.sign_in("fred").await;
        let cookie = web.cookie("pupero_flash").expect("sign-in leaves a flash");
        let shown = web.follow(&signed).await;
        assert!(shown.body.contains("id=\"flash\"") && shown.body.contains("Signed in."), "{}", shown.body);
        // ...and the same cookie with its words changed but the signature kept is not.
        let (payload, signature) = cookie.split_once('.').expect("payload.signature");
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        let altered = text.replace("Signed in.", "Account frozen.");
        assert_ne!(altered, text);
        web.set_cookie("pupero_flash", &format!("{}.{signature}", URL_SAFE_NO_PAD.encode(&altered)));
        let page = web.get("/settings").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("frozen") && !page.body.contains("id=\"flash\""), "{}", page.body);
        // A signed flash from another deployment (another secret) is not shown either.
        web.set_cookie("pupero_flash", &format!("{payload}.{}", URL_SAFE_NO_PAD.encode([7u8; 32])));
        let page = web.get("/settings").await;
        assert!(!page.body.contains("id=\"flash\""), "{}", page.body);
    }
}
