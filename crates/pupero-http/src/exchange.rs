//! One whole HTTP exchange with a service named by its base URL, whichever way it is
//! reached: straight to its router when the URL names a listener of this process
//! ([`crate::in_process`]), else over the socket. Both ways take the same request, give the
//! same [`Answer`] and fail the same ways ([`Failed`]), so a caller (a service calling
//! another, the frontend calling the gateway) decides what a failure means once.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request};

pub use crate::in_process::Answer;

/// How an exchange failed without an answer.
#[derive(Debug)]
pub enum Failed {
    /// It never reached the service (connection refused): another replica may take it.
    NotReached(String),
    /// It may have reached it and acted (a time limit, an answer broken off).
    AfterSent(String),
    /// It could not be made (a path that is no URI): no replica would take it.
    Unsendable(String),
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failed::NotReached(e) => write!(f, "not reached: {e}"),
            Failed::AfterSent(e) => write!(f, "no answer: {e}"),
            Failed::Unsendable(e) => write!(f, "could not be made: {e}"),
        }
    }
}

/// A request, as both ways of sending it need it.
pub struct Outgoing<'a> {
    pub method: Method,
    /// The path and query, appended to the base URL.
    pub path: &'a str,
    pub headers: HeaderMap,
    pub body: Option<Bytes>,
    /// The longest the whole exchange may take, the answer read whole.
    pub limit: Duration,
}

/// Sends `request` to the service at `base` and reads its whole answer. `http` is used
/// only when the service is not in this process.
pub async fn exchange(
    http: &reqwest::Client,
    base: &str,
    request: Outgoing<'_>,
) -> Result<Answer, Failed> {
    match crate::in_process::local(base) {
        Some(local) => {
            let body = request.body.map_or_else(Body::empty, Body::from);
            let mut built = Request::builder()
                .method(request.method)
                .uri(request.path)
                .body(body)
                .map_err(|e| Failed::Unsendable(e.to_string()))?;
            *built.headers_mut() = request.headers;
            local
                .exchange(built, request.limit)
                .await
                .ok_or_else(|| Failed::AfterSent("timed out or broke off".into()))
        }
        None => over_socket(http, base, request).await,
    }
}

async fn over_socket(
    http: &reqwest::Client,
    base: &str,
    request: Outgoing<'_>,
) -> Result<Answer, Failed> {
    let mut built = http
        .request(request.method, format!("{base}{}", request.path))
        .headers(request.headers)
        .timeout(request.limit);
    if let Some(body) = request.body {
        built = built.body(body);
    }
    let response = built.send().await.map_err(|e| {
        if e.is_builder() {
            Failed::Unsendable(e.to_string())
        } else if e.is_connect() {
            Failed::NotReached(e.to_string())
        } else {
            Failed::AfterSent(e.to_string())
        }
    })?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| Failed::AfterSent(e.to_string()))?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str) -> Outgoing<'_> {
        Outgoing {
            method: Method::GET,
            path,
            headers: HeaderMap::new(),
            body: None,
            limit: Duration::from_secs(5),
        }
    }

    #[tokio::test]
    async fn both_ways_give_the_same_answer() {
        let router = axum::Router::new().route(
            "/echo",
            axum::routing::post(|headers: HeaderMap, body: Bytes| async move {
                let tag = headers.get("x-tag").cloned();
                (
                    [(
                        "x-tag",
                        tag.unwrap_or(axum::http::HeaderValue::from_static("none")),
                    )],
                    body,
                )
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(axum::serve(listener, router.clone()).into_future());
        let http = crate::build_client("test", reqwest::Client::builder()).unwrap();
        let base = format!("http://{addr}");
        let post = || {
            let mut headers = HeaderMap::new();
            headers.insert("x-tag", axum::http::HeaderValue::from_static("t1"));
            Outgoing {
                method: Method::POST,
                path: "/echo",
                headers,
                body: Some(Bytes::from_static(b"hello")),
                limit: Duration::from_secs(5),
            }
        };
        let socket = exchange(&http, &base, post()).await.unwrap();
        let offer = crate::in_process::offer(addr, router);
        let local = exchange(&http, &base, post()).await.unwrap();
        drop(offer);
        for answer in [socket, local] {
            assert_eq!(answer.status, axum::http::StatusCode::OK);
            assert_eq!(answer.headers["x-tag"], "t1");
            assert_eq!(&answer.body[..], b"hello");
        }
    }

    #[tokio::test]
    async fn a_refused_connection_is_not_reached_and_a_bad_path_is_unsendable() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let http = crate::build_client("test", reqwest::Client::builder()).unwrap();
        let base = format!("http://{addr}");
        let refused = exchange(&http, &base, get("/x")).await.unwrap_err();
        assert!(matches!(refused, Failed::NotReached(_)), "{refused}");

        let _offer = crate::in_process::offer(addr, axum::Router::new());
        let bad = exchange(&http, &base, get("/a b")).await.unwrap_err();
        assert!(matches!(bad, Failed::Unsendable(_)), "{bad}");
    }
}
