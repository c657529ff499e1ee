//! The harness itself, on a tiny page of its own (no Pupero service involved): a form, a
//! cookie, two independent users, a phone-sized window, a French-speaking user, a screenshot.

use std::net::SocketAddr;

use axum::Form;
use axum::Router;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::driver::{Browser, TIMEOUT};

#[derive(Deserialize)]
struct Echo {
    value: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html><head><meta charset=utf-8>\
         <meta name=viewport content='width=device-width, initial-scale=1'>\
         <title>probe</title><style>body{{font-family:sans-serif;margin:2rem}}</style>\
         </head><body>{body}</body></html>"
    ))
}

async fn form(headers: HeaderMap) -> Html<String> {
    let has_probe = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(';').any(|c| c.trim() == "probe=1"));
    let state = if has_probe { "present" } else { "absent" };
    page(&format!(
        "<h1>Probe</h1><p id=cookie>probe cookie: {state}</p>\
         <form method=post action=/echo>\
         <label>Say something <input id=value name=value></label>\
         <button id=send type=submit>Send</button></form>"
    ))
}

async fn echo(Form(echo): Form<Echo>) -> impl IntoResponse {
    (
        [(
            header::SET_COOKIE,
            "probe=1; HttpOnly; SameSite=Lax; Path=/",
        )],
        page(&format!(
            "<h1>Echo</h1><p id=said>You said: {}</p><a href=/>back</a>",
            escape(&echo.value)
        )),
    )
}

/// The languages the browser asked for.
async fn languages(headers: HeaderMap) -> Html<String> {
    let asked = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    page(&format!("<p id=languages>{}</p>", escape(asked)))
}

async fn serve() -> SocketAddr {
    let app = Router::new()
        .route("/", get(form))
        .route("/echo", post(echo))
        .route("/languages", get(languages));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_independent_users_fill_a_form() {
    let base = format!("http://{}", serve().await);
    let (a, b) = tokio::join!(Browser::new(), Browser::new());

    let home = format!("{base}/");
    tokio::join!(a.goto(&home), b.goto(&home));
    assert_eq!(a.text("#cookie").await, "probe cookie: absent");
    assert_eq!(b.text("#cookie").await, "probe cookie: absent");

    // Both type at once; only A sends.
    tokio::join!(
        async {
            a.fill("#value", "hello <from> A").await;
            a.submit_form("#send").await;
        },
        b.fill("#value", "B never sends this"),
    );
    a.wait_for_text("You said: hello <from> A", TIMEOUT).await;
    assert_eq!(a.current_path().await, "/echo");
    assert_eq!(a.text("#said").await, "You said: hello <from> A");

    let probe = a.cookie("probe").await.expect("A got the probe cookie");
    assert_eq!(probe.value, "1");
    assert!(probe.http_only);
    assert!(!probe.secure);
    assert_eq!(probe.same_site.as_deref(), Some("Lax"));
    // HttpOnly: the page's scripts do not see it.
    assert_eq!(a.eval("return document.cookie;").await, "");

    // B is another user: no cookie, and the server saw none from it.
    assert!(b.cookie("probe").await.is_none(), "{:?}", b.cookies().await);
    assert_eq!(b.current_path().await, "/");
    b.goto(&home).await;
    assert_eq!(b.text("#cookie").await, "probe cookie: absent");
    assert_eq!(b.attr("#value", "name").await.as_deref(), Some("value"));
    a.click("a").await;
    a.wait_for_text("probe cookie: present", TIMEOUT).await;
    assert!(a.exists("#send").await);
    assert!(!a.exists("#said").await);

    let shot = a.screenshot("harness-smoke-desktop").await;
    assert!(std::fs::read(&shot).unwrap().starts_with(b"\x89PNG"));
    b.close().await;
    a.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_sized_window() {
    let base = format!("http://{}", serve().await);
    let phone = Browser::phone().await;
    phone.goto(&format!("{base}/")).await;
    phone.wait_for("#send", TIMEOUT).await;
    assert_eq!(phone.eval("return window.innerWidth;").await, 390);
    let shot = phone.screenshot("harness-smoke-phone").await;
    let png = std::fs::read(&shot).unwrap();
    // The PNG header's width field.
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 390);
    phone.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_french_speaking_user_asks_for_french_first() {
    let base = format!("http://{}", serve().await);
    let french = Browser::speaking("fr").await;
    french.goto(&format!("{base}/languages")).await;
    let asked = french.text("#languages").await;
    assert!(asked.starts_with("fr"), "Accept-Language: {asked:?}");
    assert!(!asked.contains("en"), "Accept-Language: {asked:?}");
    assert_eq!(french.eval("return navigator.language;").await, "fr");
    french.close().await;
}
