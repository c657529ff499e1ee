//! The load's HTTP client: every call goes through the gateway, is counted by kind and
//! outcome, and is retried while the platform answers "unavailable" (a replica was just
//! killed). Only requests that are safe to repeat are sent at all: steps repeat as no-ops,
//! money requests carry an `Idempotency-Key`.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;

/// How one kind of operation went.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Answered 2xx.
    pub ok: u64,
    /// Answered 4xx: refused (insufficient funds, a limit, a step not possible now).
    pub refused: u64,
    /// Attempts that met a refused connection, 502, 503 or 504 (then retried).
    pub unavailable: u64,
    /// Answered another 5xx: a bug unless the platform was starting.
    pub errors: u64,
    /// Gave up after every retry met an unavailable platform.
    pub gave_up: u64,
}

#[derive(Clone, Default)]
pub struct Tally(Arc<Mutex<BTreeMap<&'static str, Counts>>>);

impl Tally {
    fn add(&self, kind: &'static str, f: impl FnOnce(&mut Counts)) {
        if let Ok(mut map) = self.0.lock() {
            f(map.entry(kind).or_default());
        }
    }

    pub fn snapshot(&self) -> BTreeMap<&'static str, Counts> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

/// A client of the gateway, as one address (`X-Forwarded-For`, believed because the
/// gateway trusts the chaos run's loopback as a proxy): per-IP limits see each simulated
/// user apart.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    gateway: String,
    pub tally: Tally,
}

/// How many times a call meets an unavailable platform before giving up (about 30 s).
const ATTEMPTS: u32 = 60;

impl Client {
    pub fn new(gateway: &str) -> anyhow::Result<Self> {
        Ok(Self {
            http: pupero_http::build_client(
                "chaos load",
                reqwest::Client::builder().timeout(Duration::from_secs(40)),
            )?,
            gateway: gateway.trim_end_matches('/').to_owned(),
            tally: Tally::default(),
        })
    }

    /// Sends until a definite answer; `None` when the platform stayed unavailable.
    pub async fn call(
        &self,
        kind: &'static str,
        method: Method,
        path: &str,
        caller: &Caller,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> Option<(StatusCode, Value)> {
        for _ in 0..ATTEMPTS {
            let mut req = self
                .http
                .request(method.clone(), format!("{}{path}", self.gateway))
                .header("x-forwarded-for", caller.ip.to_string());
            if let Some(token) = &caller.token {
                req = req.bearer_auth(token);
            }
            if let Some(key) = key {
                req = req.header("idempotency-key", key);
            }
            if let Some(body) = body {
                req = req.json(body);
            }
            let answer = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    let body = resp.json::<Value>().await.unwrap_or(Value::Null);
                    Some((status, body))
                }
                Err(_) => None,
            };
            match answer {
                Some((status, _))
                    if !matches!(
                        status,
                        StatusCode::BAD_GATEWAY
                            | StatusCode::SERVICE_UNAVAILABLE
                            | StatusCode::GATEWAY_TIMEOUT
                    ) =>
                {
                    self.tally.add(kind, |c| {
                        if status.is_success() {
                            c.ok += 1;
                        } else if status.is_client_error() {
                            c.refused += 1;
                        } else {
                            c.errors += 1;
                        }
                    });
                    if status.is_server_error() {
                        tracing::warn!(kind, %status, path, "chaos: server error");
                    }
                    return answer;
                }
                _ => {
                    self.tally.add(kind, |c| c.unavailable += 1);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
        self.tally.add(kind, |c| c.gave_up += 1);
        None
    }

    /// Counts an operation done outside the gateway (a faucet payment).
    pub fn count(&self, kind: &'static str, ok: bool) {
        self.tally.add(kind, |c| {
            if ok {
                c.ok += 1;
            } else {
                c.refused += 1;
            }
        });
    }
}

/// Who calls: an address and, once signed in, a token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub ip: Ipv4Addr,
    pub token: Option<String>,
    pub id: i64,
    pub name: String,
}

impl Caller {
    /// The `n`th simulated address (10.x.y.z; `n` from 1).
    pub fn anonymous(n: u32) -> Self {
        Self {
            ip: Ipv4Addr::from(0x0A00_0000 | (n & 0x00FF_FFFF)),
            token: None,
            id: 0,
            name: String::new(),
        }
    }
}
