//! A service reached at several replicas (`*_SERVICE_URL=http://a:8001,http://b:8001`):
//! requests go round robin over those in service; a replica is taken out when a connection
//! to it fails or its `/healthz` does not answer 200, and comes back once it does.
//!
//! What may be sent again to another replica is decided by the caller with
//! [`safe_to_retry`]; a request that never reached a replica (the connection failed) may
//! always go to the next one.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::http::{HeaderMap, Method};

/// Replica base URLs (no trailing slash) and which of them are in service.
#[derive(Clone)]
pub struct Replicas(Arc<Inner>);

struct Inner {
    service: String,
    bases: Vec<String>,
    up: Vec<AtomicBool>,
    next: AtomicUsize,
}

impl std::fmt::Debug for Replicas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replicas")
            .field("service", &self.0.service)
            .field("bases", &self.0.bases)
            .finish_non_exhaustive()
    }
}

impl Replicas {
    /// `urls`: one base URL or several separated by commas.
    pub fn new(service: &str, urls: &str) -> Self {
        let bases = pupero_config::split_replicas(urls);
        Self(Arc::new(Inner {
            service: service.to_owned(),
            up: bases.iter().map(|_| AtomicBool::new(true)).collect(),
            bases,
            next: AtomicUsize::new(0),
        }))
    }

    pub fn bases(&self) -> &[String] {
        &self.0.bases
    }

    pub fn len(&self) -> usize {
        self.0.bases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.bases.is_empty()
    }

    pub fn is_up(&self, i: usize) -> bool {
        self.0.up.get(i).is_some_and(|u| u.load(Ordering::Relaxed))
    }

    /// The replicas to try for one request, in order: those in service starting at the
    /// next in turn, then those taken out (a last resort: one may have come back before
    /// its health check noticed).
    pub fn order(&self) -> Vec<usize> {
        let n = self.len();
        if n == 0 {
            return Vec::new();
        }
        let start = self.0.next.fetch_add(1, Ordering::Relaxed) % n;
        let turn = (0..n).map(|k| (start + k) % n);
        let (up, down): (Vec<usize>, Vec<usize>) = turn.partition(|&i| self.is_up(i));
        up.into_iter().chain(down).collect()
    }

    /// A connection to replica `i` failed or its health check did: out of rotation.
    pub fn mark_down(&self, i: usize, why: &str) {
        if let Some(up) = self.0.up.get(i)
            && up.swap(false, Ordering::Relaxed)
        {
            tracing::warn!(service = %self.0.service, replica = %self.base(i), reason = why, "replica taken out of rotation");
        }
    }

    pub fn mark_up(&self, i: usize) {
        if let Some(up) = self.0.up.get(i)
            && !up.swap(true, Ordering::Relaxed)
        {
            tracing::info!(service = %self.0.service, replica = %self.base(i), "replica back in rotation");
        }
    }

    pub fn base(&self, i: usize) -> &str {
        self.0.bases.get(i).map_or("", String::as_str)
    }

    /// Probes every replica's `/healthz` every `interval` while anything holds these
    /// replicas (the task ends with the last clone). Only with more than one replica:
    /// with one there is nowhere else to send a request.
    pub fn watch_health(&self, interval: Duration) {
        if self.len() < 2 {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let Ok(client) = crate::build_client(
            "replica health",
            reqwest::Client::builder()
                .timeout(Duration::from_secs(2))
                .connect_timeout(Duration::from_secs(1)),
        ) else {
            return;
        };
        let weak: Weak<Inner> = Arc::downgrade(&self.0);
        runtime.spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(inner) = weak.upgrade() else { return };
                let replicas = Replicas(inner);
                let probes = (0..replicas.len()).map(|i| {
                    let client = client.clone();
                    let url = format!("{}/healthz", replicas.base(i));
                    async move { (i, client.get(url).send().await) }
                });
                for (i, answer) in futures::future::join_all(probes).await {
                    match answer {
                        Ok(r) if r.status().is_success() => replicas.mark_up(i),
                        Ok(r) => {
                            replicas.mark_down(i, &format!("health check answered {}", r.status()))
                        }
                        Err(_) => replicas.mark_down(i, "health check failed"),
                    }
                }
            }
        });
    }
}

/// Whether a request may be sent again (to another replica) after it may have reached one:
/// methods whose repetition changes nothing more, or a request carrying an
/// `Idempotency-Key` (the service answers a repeat with the first outcome).
pub fn safe_to_retry(method: &Method, headers: &HeaderMap) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    ) || headers.contains_key(crate::idempotency::HEADER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_take_turns_and_a_replica_out_of_service_goes_last() {
        let r = Replicas::new("login", "http://a:1, http://b:1/,http://c:1");
        assert_eq!(r.bases(), ["http://a:1", "http://b:1", "http://c:1"]);
        assert_eq!(r.order(), [0, 1, 2]);
        assert_eq!(r.order(), [1, 2, 0]);
        r.mark_down(1, "test");
        assert_eq!(r.order(), [2, 0, 1]);
        assert_eq!(r.order(), [0, 2, 1]);
        r.mark_up(1);
        assert_eq!(r.order(), [1, 2, 0]);
    }

    #[test]
    fn only_idempotent_or_keyed_requests_are_retried() {
        let none = HeaderMap::new();
        for m in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE] {
            assert!(safe_to_retry(&m, &none), "{m}");
        }
        assert!(!safe_to_retry(&Method::POST, &none));
        assert!(!safe_to_retry(&Method::PATCH, &none));
        let mut keyed = HeaderMap::new();
        keyed.insert(crate::idempotency::HEADER, "k-1".parse().unwrap());
        assert!(safe_to_retry(&Method::POST, &keyed));
    }
}
