//! The browser-test harness: one chromedriver per test binary, one headless Chromium per
//! [`Browser`].
//!
//! chromedriver is started lazily on the first [`Browser::new`], on a free port, in a
//! process group of its own (Chromium's processes join it). A watchdog shell, started
//! beside it, waits for this test process to end — however it ends: normally, after failed
//! tests, or killed — and then kills that whole group and removes the temporary folder the
//! browser profiles live in. So no chromium or chromedriver outlives `cargo test`.
//!
//! Each [`Browser`] is its own WebDriver session: its own Chromium process with a fresh
//! profile, so two of them are two users with separate cookies.
//!
//! The helpers panic, with the current URL and the start of the page's text, instead of
//! returning errors: a failed step is a failed test.
//!
//! Environment: `PUPERO_CHROMIUM` (the browser binary, default `/usr/bin/chromium`),
//! `PUPERO_CHROMEDRIVER` (default `chromedriver` on `PATH`), `PUPERO_CHROMEDRIVER_LOG` (a
//! file for chromedriver's verbose log), `PUPERO_SCREENSHOTS_DIR` (default
//! `<workspace>/artifacts/screenshots`).

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// How long the helpers wait for an element, a navigation or a text by default: generous,
/// since the 2-core machine is loaded while the whole suite runs.
pub const TIMEOUT: Duration = Duration::from_secs(20);

const POLL: Duration = Duration::from_millis(200);

/// How much of the page's text a failure message shows.
const SNIPPET_CHARS: usize = 1500;

// --- chromedriver --------------------------------------------------------------------------

struct Driver {
    port: u16,
    // Never waited for: both outlive this process; the watchdog ends chromedriver after it.
    _chromedriver: Child,
    _watchdog: Child,
}

static DRIVER: OnceLock<Driver> = OnceLock::new();

/// The port of this process's chromedriver, started on first use. Blocking: call it off
/// the async workers (see [`Browser::new`]).
fn driver_port() -> u16 {
    DRIVER.get_or_init(start_driver).port
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0 to pick a port");
    listener.local_addr().expect("local address").port()
}

fn start_driver() -> Driver {
    let program = std::env::var("PUPERO_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = free_port();
    let me = std::process::id();
    // The profiles chromedriver makes for its sessions go here, so the watchdog can remove
    // them even when the sessions were never ended.
    let tmp = std::env::temp_dir().join(format!("pupero-chromedriver-{me}-{port}"));
    std::fs::create_dir_all(&tmp).expect("create chromedriver's temporary folder");

    let mut command = Command::new(&program);
    command
        .arg(format!("--port={port}"))
        .env("TMPDIR", &tmp)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // A group of its own, which Chromium's processes join: the watchdog kills the group.
        .process_group(0);
    if let Ok(log) = std::env::var("PUPERO_CHROMEDRIVER_LOG") {
        command.arg(format!("--log-path={log}")).arg("--verbose");
    }
    let mut child = command.spawn().unwrap_or_else(|e| {
        panic!(
            "cannot start {program:?}: {e}. Browser tests need Debian's chromium and \
             chromium-driver: run scripts/test-deps.sh (or apt-get install chromium chromium-driver)"
        )
    });
    let group = child.id();

    // The watchdog: in a group of its own too, so a Ctrl-C aimed at `cargo test` does not end
    // it before it has cleaned up. It holds none of the test's output pipes.
    let script = format!(
        "while kill -0 {me} 2>/dev/null; do sleep 0.2; done; \
         kill -TERM -{group} 2>/dev/null; \
         for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -{group} 2>/dev/null || break; sleep 0.1; done; \
         kill -KILL -{group} 2>/dev/null; rm -rf '{}'",
        tmp.display()
    );
    let watchdog = Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("start the chromedriver watchdog (sh)");

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "chromedriver exited at start ({status}); set PUPERO_CHROMEDRIVER_LOG=<file> to see why"
            );
        }
        if let Ok((200, body)) = http(port, "GET", "/status")
            && body.replace(' ', "").contains("\"ready\":true")
        {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromedriver on port {port} not ready after 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver {
        port,
        _chromedriver: child,
        _watchdog: watchdog,
    }
}

/// A bodiless HTTP/1.1 request to chromedriver, blocking, without the async runtime: for the
/// readiness poll and for ending a session from `Drop`. Returns the status and the body.
fn http(port: u16, method: &str, path: &str) -> std::io::Result<(u16, String)> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )?;
    // chromedriver announces `Connection: close` but keeps the connection open: read the
    // head, then exactly `Content-Length` bytes.
    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head, body_start, length) = loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "chromedriver closed the connection mid-response",
            ));
        }
        raw.extend_from_slice(&chunk[..n]);
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).into_owned();
            let length = head
                .lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (head, end + 4, length);
        }
    };
    while raw.len() < body_start + length {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&chunk[..n]);
    }
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let end = raw.len().min(body_start + length);
    let body = String::from_utf8_lossy(&raw[body_start..end]).into_owned();
    Ok((status, body))
}

// --- Browser -------------------------------------------------------------------------------

/// A cookie as the browser holds it for the current page's site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieInfo {
    pub name: String,
    pub value: String,
    pub http_only: bool,
    pub secure: bool,
    /// `"Strict"`, `"Lax"` or `"None"`, as the browser reports it.
    pub same_site: Option<String>,
}

/// One headless Chromium, driven through WebDriver: one user.
pub struct Browser {
    client: Client,
    session_id: String,
    port: u16,
    closed: bool,
}

impl Browser {
    /// A desktop-sized browser (1280×900).
    pub async fn new() -> Browser {
        Self::with_window(1280, 900).await
    }

    /// A phone-sized browser (390×844 CSS pixels, touch, mobile viewport), for responsive
    /// screenshots. Chromium's windows are at least 500 px wide, so the phone's viewport is
    /// emulated (`mobileEmulation`) rather than a window of that size.
    pub async fn phone() -> Browser {
        Self::start(390, 844, true, None).await
    }

    /// A desktop browser with a window of that size (at least 500 px wide).
    pub async fn with_window(width: u32, height: u32) -> Browser {
        Self::start(width, height, false, None).await
    }

    /// A desktop browser whose user reads `language` (a BCP 47 tag such as `"fr"`): its
    /// interface language and the `Accept-Language` it sends.
    pub async fn speaking(language: &str) -> Browser {
        Self::start(1280, 900, false, Some(language)).await
    }

    async fn start(width: u32, height: u32, phone: bool, language: Option<&str>) -> Browser {
        let port = tokio::task::spawn_blocking(driver_port)
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        let binary =
            std::env::var("PUPERO_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            // Without these Chromium reaches out to Google's servers; this machine's closed
            // network refuses those connections.
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-default-apps".into(),
            format!("--window-size={width},{height}"),
        ];
        if let Some(language) = language {
            args.push(format!("--lang={language}"));
        }
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), json!("chrome"));
        let mut options = json!({ "binary": binary, "args": args });
        if let Some(language) = language {
            // `--lang` sets the interface; the header comes from this preference.
            options["prefs"] = json!({ "intl": { "accept_languages": language } });
        }
        if phone {
            options["mobileEmulation"] = json!({ "deviceMetrics": {
                "width": width, "height": height, "pixelRatio": 1.0, "touch": true, "mobile": true,
            }});
        }
        caps.insert("goog:chromeOptions".into(), options);
        caps.insert(
            "timeouts".into(),
            json!({ "pageLoad": 60_000, "script": 30_000, "implicit": 0 }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("cannot open a Chromium session ({binary}): {e}"));
        let session_id = client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("the new session has an id");
        Browser {
            client,
            session_id,
            port,
            closed: false,
        }
    }

    /// Navigates to `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        if let Err(e) = self.client.goto(url).await {
            self.fail(format!("goto {url}: {e}")).await
        }
    }

    /// The full URL of the current page.
    pub async fn current_url(&self) -> String {
        match self.client.current_url().await {
            Ok(u) => u.to_string(),
            Err(e) => panic!("current URL: {e}"),
        }
    }

    /// The path of the current page, without query or fragment: `/offers/12`.
    pub async fn current_path(&self) -> String {
        match self.client.current_url().await {
            Ok(u) => u.path().to_string(),
            Err(e) => panic!("current URL: {e}"),
        }
    }

    /// Waits until the current path is `path` (after a redirect, say).
    pub async fn wait_for_path(&self, path: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(u) = self.client.current_url().await
                && u.path() == path
            {
                return;
            }
            if Instant::now() > deadline {
                self.fail(format!(
                    "timed out after {timeout:?} waiting for the path to become {path:?}"
                ))
                .await
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits up to `timeout` for an element matching `css`, and returns it.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Element {
        let deadline = Instant::now() + timeout;
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(el) => return el,
                Err(e) if Instant::now() > deadline => {
                    self.fail(format!(
                        "timed out after {timeout:?} waiting for element {css:?}: {e}"
                    ))
                    .await
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }

    /// Whether an element matches `css` now (no waiting).
    pub async fn exists(&self, css: &str) -> bool {
        match self.client.find_all(Locator::Css(css)).await {
            Ok(found) => !found.is_empty(),
            Err(e) => self.fail(format!("looking for {css:?}: {e}")).await,
        }
    }

    /// Sets a text field: clears it, then types `value`. Waits for the field to be there and
    /// interactable.
    pub async fn fill(&self, css: &str, value: &str) {
        self.retry(&format!("fill {css:?} with {value:?}"), || async {
            let el = self.client.find(Locator::Css(css)).await?;
            el.clear().await?;
            el.send_keys(value).await
        })
        .await
    }

    /// Chooses the local file at `path` in the file input matching `css`.
    pub async fn attach(&self, css: &str, path: &std::path::Path) {
        let path = path.display().to_string();
        self.retry(&format!("attach {path:?} to {css:?}"), || async {
            let el = self.client.find(Locator::Css(css)).await?;
            el.send_keys(&path).await
        })
        .await
    }

    /// Picks the `<option>` with `value` in the `<select>` matching `css`.
    pub async fn select(&self, css: &str, value: &str) {
        self.retry(&format!("select {value:?} in {css:?}"), || async {
            let el = self.client.find(Locator::Css(css)).await?;
            el.select_by_value(value).await
        })
        .await
    }

    /// Clicks the element matching `css`, once it is there and clickable.
    pub async fn click(&self, css: &str) {
        self.retry(&format!("click {css:?}"), || async {
            self.client.find(Locator::Css(css)).await?.click().await
        })
        .await
    }

    /// Clicks a form's submit button and waits until the browser has loaded the page the
    /// form leads to (a new document, fully loaded). For a button that a script handles
    /// without navigating, use [`Browser::click`].
    pub async fn submit_form(&self, button_css: &str) {
        // An expando on the old document's window: gone once a new document has replaced it.
        if let Err(e) = self
            .client
            .execute("window.__puperoBeforeSubmit = true;", vec![])
            .await
        {
            self.fail(format!("marking the page before submitting: {e}"))
                .await
        }
        self.click(button_css).await;
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let loaded = self
                .client
                .execute(
                    "return window.__puperoBeforeSubmit === undefined \
                     && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            // An error here is a navigation still in flight.
            if let Ok(Value::Bool(true)) = loaded {
                return;
            }
            if Instant::now() > deadline {
                self.fail(format!(
                    "submitted with {button_css:?}, but no new page had loaded after {TIMEOUT:?}"
                ))
                .await
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The visible text of the element matching `css` (waiting for it).
    pub async fn text(&self, css: &str) -> String {
        let el = self.wait_for(css, TIMEOUT).await;
        match el.text().await {
            Ok(t) => t,
            Err(e) => self.fail(format!("text of {css:?}: {e}")).await,
        }
    }

    /// An attribute of the element matching `css` (waiting for it).
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let el = self.wait_for(css, TIMEOUT).await;
        match el.attr(name).await {
            Ok(v) => v,
            Err(e) => {
                self.fail(format!("attribute {name:?} of {css:?}: {e}"))
                    .await
            }
        }
    }

    /// Waits until the page's text contains `needle`, polling every 200 ms.
    pub async fn wait_for_text(&self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(t) = self.try_page_text().await
                && t.contains(needle)
            {
                return;
            }
            if Instant::now() > deadline {
                self.fail(format!(
                    "timed out after {timeout:?} waiting for the text {needle:?}"
                ))
                .await
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Runs a script in the page (`return …` to get a value back).
    pub async fn eval(&self, script: &str) -> Value {
        match self.client.execute(script, vec![]).await {
            Ok(v) => v,
            Err(e) => self.fail(format!("script {script:?}: {e}")).await,
        }
    }

    /// The cookies the browser holds for the current page's site (HttpOnly ones included).
    pub async fn cookies(&self) -> Vec<CookieInfo> {
        let all = match self.client.get_all_cookies().await {
            Ok(c) => c,
            Err(e) => self.fail(format!("reading cookies: {e}")).await,
        };
        all.iter()
            .map(|c| CookieInfo {
                name: c.name().to_string(),
                value: c.value().to_string(),
                http_only: c.http_only().unwrap_or(false),
                secure: c.secure().unwrap_or(false),
                same_site: c.same_site().map(|s| s.to_string()),
            })
            .collect()
    }

    /// The cookie called `name` for the current page's site, if the browser has it.
    pub async fn cookie(&self, name: &str) -> Option<CookieInfo> {
        self.cookies().await.into_iter().find(|c| c.name == name)
    }

    /// Saves a PNG of the viewport as `<screenshots dir>/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = match self.client.screenshot().await {
            Ok(p) => p,
            Err(e) => self.fail(format!("screenshot {name:?}: {e}")).await,
        };
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("create screenshots folder {}: {e}", dir.display()));
        let file: String = name
            .trim_end_matches(".png")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{file}.png"));
        std::fs::write(&path, png)
            .unwrap_or_else(|e| panic!("write screenshot {}: {e}", path.display()));
        path
    }

    /// Ends the session: Chromium quits and its profile is removed.
    pub async fn close(mut self) {
        self.closed = true;
        if self.client.clone().close().await.is_err() {
            let _ = http(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session_id),
            );
        }
    }

    // --- internals ---

    /// Retries `step` every 200 ms until it succeeds or [`TIMEOUT`] has passed (an element
    /// not there yet, or not interactable yet).
    async fn retry<F, Fut>(&self, what: &str, mut step: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<(), fantoccini::error::CmdError>>,
    {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match step().await {
                Ok(()) => return,
                Err(e) if Instant::now() > deadline => {
                    self.fail(format!("{what} (for {TIMEOUT:?}): {e}")).await
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }

    async fn try_page_text(&self) -> Result<String, fantoccini::error::CmdError> {
        let v = self
            .client
            .execute(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    async fn url_or_unknown(&self) -> String {
        match self.client.current_url().await {
            Ok(u) => u.to_string(),
            Err(e) => format!("<unknown: {e}>"),
        }
    }

    /// Panics with `what`, the current URL and the start of the page's text.
    async fn fail<T>(&self, what: String) -> T {
        let url = self.url_or_unknown().await;
        let text = match self.try_page_text().await {
            Ok(t) => {
                let mut s: String = t.chars().take(SNIPPET_CHARS).collect();
                if t.chars().count() > SNIPPET_CHARS {
                    s.push_str(" …");
                }
                s
            }
            Err(e) => format!("<unavailable: {e}>"),
        };
        panic!("browser: {what}\n  url: {url}\n  page text:\n{text}\n");
    }
}

impl Drop for Browser {
    /// A browser that was not closed (a test that panicked, or forgot) still ends its
    /// session, best effort, so its Chromium does not linger until the test binary exits.
    fn drop(&mut self) {
        if !self.closed {
            let _ = http(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session_id),
            );
        }
    }
}

/// `PUPERO_SCREENSHOTS_DIR`, or `<workspace>/artifacts/screenshots`.
pub fn screenshots_dir() -> PathBuf {
    match std::env::var_os("PUPERO_SCREENSHOTS_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .expect("the workspace root is two folders above the crate")
            .join("artifacts")
            .join("screenshots"),
    }
}
