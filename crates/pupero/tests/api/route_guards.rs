//! Every route of every service refuses a caller without credentials unless [`PUBLIC`]
//! names it: a new route that forgets its guard fails here until someone decides, in this
//! file, that it is public.
//!
//! axum cannot list a router's routes, so the routes are collected from what describes
//! them: each service's OpenAPI document (its public API, with methods), the paths its
//! source registers with `.route(` (internal routes and the web frontend's pages, tried
//! with every method), and the kit's routes every service has.

use std::collections::BTreeSet;
use std::path::Path;

use reqwest::{Method, StatusCode};

use pupero_config::Service;

use crate::helpers::{Backend, Options, TestApp, TestDb};

/// Routes anyone may call: (service, method or `*` for any, path template).
const PUBLIC: &[(&str, &str, &str)] = &[
    // Every service: readiness and the API description.
    ("*", "GET", "/healthz"),
    ("*", "GET", "/api-docs/openapi.json"),
    // Login: becoming and proving someone; the refresh token in the body is the credential
    // of refreshing and signing out.
    ("login", "POST", "/register"),
    ("login", "POST", "/login"),
    ("login", "POST", "/token/refresh"),
    ("login", "POST", "/logout"),
    ("login", "GET", "/users/{username}"),
    // Mailed links: the token in the body is the credential; asking for a reset link
    // needs none (the answer is the same for every address).
    ("login", "POST", "/password-reset"),
    ("login", "POST", "/password-reset/confirm"),
    ("login", "POST", "/email/verify"),
    // Offers: the public market.
    ("offers", "GET", "/offers"),
    ("offers", "GET", "/offers/{id}"),
    ("offers", "GET", "/offers/payment-methods"),
    // The market prices margin offers follow, for anyone deciding on one.
    ("offers", "GET", "/offers/prices"),
    // The key receipts and audit checkpoints are signed with: published so anyone can check.
    ("transactions", "GET", "/audit/public-key"),
    // Transactions: public reputation.
    ("transactions", "GET", "/users/{id}/reputation"),
    // The gateway's own documentation.
    ("gateway", "GET", "/api-docs/services/{service}"),
    // The web frontend: pages a visitor sees signed out, and its assets.
    ("frontend", "GET", "/"),
    ("frontend", "*", "/login"),
    ("frontend", "*", "/login/2fa"),
    ("frontend", "*", "/register"),
    ("frontend", "POST", "/logout"),
    // Choosing the site's language: anyone may (CSRF-checked), signed in or not.
    ("frontend", "POST", "/language"),
    ("frontend", "GET", "/offers/{id}"),
    ("frontend", "GET", "/u/{username}"),
    ("frontend", "GET", "/static/{file}"),
    ("frontend", "*", "/forgot-password"),
    ("frontend", "*", "/reset-password"),
    ("frontend", "*", "/verify-email"),
];

const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

/// A route as a service registers it: one method, or every method when only the path is
/// known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Route {
    service: &'static str,
    method: Option<Method>,
    path: String,
}

impl Route {
    fn is_public(&self, method: &Method) -> bool {
        PUBLIC.iter().any(|(service, public_method, path)| {
            (*service == "*" || *service == self.service)
                && (*public_method == "*" || *public_method == method.as_str())
                && *path == self.path
        })
    }

    fn is_internal(&self) -> bool {
        self.path.starts_with("/internal/")
    }

    /// The path with every parameter filled in with something well-formed.
    fn concrete_path(&self) -> String {
        let mut out = String::new();
        for segment in self.path.split('/').skip(1) {
            out.push('/');
            out.push_str(match segment {
                "{username}" => "nobody",
                "{service}" => "login",
                "{file}" => "app.css",
                "{step}" => "signed",
                s if s.starts_with('{') => "1",
                s => s,
            });
        }
        out
    }

    fn methods(&self) -> Vec<Method> {
        match &self.method {
            Some(m) => vec![m.clone()],
            None => METHODS.to_vec(),
        }
    }
}

/// The paths `src` registers with `.route(` (the first argument, a string literal).
fn registered_paths(src: &Path) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (at, _) in text.match_indices(".route(") {
                let rest = text[at + ".route(".len()..].trim_start();
                if let Some(literal) = rest.strip_prefix('"') {
                    let end = literal.find('"').unwrap();
                    paths.insert(literal[..end].to_owned());
                }
            }
        }
    }
    paths
}

/// Every route of `service`: its OpenAPI operations, the paths its source registers, and
/// the kit's routes.
async fn routes_of(app: &TestApp, service: &'static str, base: &str) -> BTreeSet<Route> {
    let mut routes = BTreeSet::new();
    for path in ["/healthz", "/metrics", "/api-docs/openapi.json"] {
        routes.insert(Route {
            service,
            method: Some(Method::GET),
            path: path.into(),
        });
    }
    let (status, doc) = app
        .call_at(base, "GET", "/api-docs/openapi.json", None, None)
        .await;
    if status == StatusCode::OK {
        for (path, operations) in doc["paths"].as_object().unwrap() {
            for method in operations.as_object().unwrap().keys() {
                let Ok(method) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                    continue;
                };
                if METHODS.contains(&method) {
                    routes.insert(Route {
                        service,
                        method: Some(method),
                        path: path.clone(),
                    });
                }
            }
        }
    }
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for path in registered_paths(&crates.join(format!("pupero-{service}/src"))) {
        let documented = routes.iter().any(|r| r.path == path);
        if !documented && !path.contains('*') {
            routes.insert(Route {
                service,
                method: None,
                path,
            });
        }
    }
    routes
}

/// What an anonymous call of `route` at `base` answers, per method that is not public
/// (405s left out).
async fn answers(
    http: &reqwest::Client,
    base: &str,
    route: &Route,
) -> Vec<(Method, StatusCode, String)> {
    let mut out = Vec::new();
    for method in route.methods() {
        if route.is_public(&method) {
            continue;
        }
        let mut request = http.request(method.clone(), format!("{base}{}", route.concrete_path()));
        if method != Method::GET {
            request = request
                .header("content-type", "application/json")
                .body("{}");
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if status != StatusCode::METHOD_NOT_ALLOWED {
            out.push((method, status, location));
        }
    }
    out
}

/// Refused for want of credentials: 401 from an API (an internal route too: it takes a
/// service's token), or a redirect to the sign-in page from the web frontend.
fn refused_anonymous(route: &Route, status: StatusCode, location: &str) -> bool {
    status == StatusCode::UNAUTHORIZED
        || (route.service == "frontend"
            && status.is_redirection()
            && location.starts_with("/login"))
}

// One backend is enough: which routes exist and what guards them does not depend on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_refuses_an_anonymous_caller_unless_it_is_public() {
    let db = TestDb::create(Backend::Sqlite).await;
    let (app, platform) = TestApp::spawn(&db, &Options::default()).await;
    let http = pupero_http::build_client(
        "tests",
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()),
    )
    .unwrap();
    let services = [
        (Service::Login, "/auth"),
        (Service::Offers, ""),
        (Service::Transactions, "/transactions"),
        (Service::Wallet, "/monero"),
        (Service::Frontend, ""),
        (Service::Gateway, ""),
    ];

    let mut unguarded = Vec::new();
    let mut seen = BTreeSet::new();
    let mut tried = 0;
    for (service, gateway_prefix) in services {
        let base = platform.url(service).unwrap();
        for route in routes_of(&app, service.name(), &base).await {
            seen.insert((route.service, route.path.clone()));
            for (method, status, location) in answers(&http, &base, &route).await {
                tried += 1;
                if !refused_anonymous(&route, status, &location) {
                    unguarded.push(format!(
                        "{} {method} {}: {status}",
                        route.service, route.path
                    ));
                }
            }
            // Through the gateway: internal routes do not exist there, the rest is
            // guarded as on the service's own port.
            let is_api = !matches!(service, Service::Frontend | Service::Gateway);
            if is_api && route.path != "/metrics" {
                let gateway = format!("{}{gateway_prefix}", app.gateway);
                for (method, status, location) in answers(&http, &gateway, &route).await {
                    let expected = if route.is_internal() {
                        status == StatusCode::NOT_FOUND
                    } else {
                        refused_anonymous(&route, status, &location)
                    };
                    if !expected {
                        unguarded.push(format!(
                            "gateway {gateway_prefix} {method} {}: {status}",
                            route.path
                        ));
                    }
                }
            }
        }
    }
    // An allow-list entry whose route is gone would silently allow its next occupant.
    for (service, method, path) in PUBLIC {
        let exists = seen
            .iter()
            .any(|(s, p)| (*service == "*" || s == service) && p == path);
        if !exists {
            unguarded.push(format!("stale allow-list entry: {service} {method} {path}"));
        }
    }
    assert!(
        tried > 50,
        "only {tried} calls: are the routes still found?"
    );
    assert!(
        unguarded.is_empty(),
        "answered without credentials:\n{}",
        unguarded.join("\n")
    );
    platform.stop().await;
    db.drop_db().await;
}

#[test]
fn the_route_collector_reads_route_registrations() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../pupero-transactions/src");
    let paths = registered_paths(&src);
    assert!(paths.contains("/internal/deposits/credit"), "{paths:?}");
}
