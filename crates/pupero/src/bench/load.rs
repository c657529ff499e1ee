//! The load generator: closed-loop GETs or whole cycles, timed; rows for the tables in
//! docs/BENCHMARKS.md.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use http_body_util::BodyExt;
use hyper::Request;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// One scenario: a GET with an optional bearer token or session cookie.
#[derive(Clone, Default)]
pub struct Scenario {
    pub name: String,
    pub url: String,
    pub bearer: Option<String>,
    /// A `Cookie` header, for the web frontend's signed-in pages.
    pub cookie: Option<String>,
}

pub struct Outcome {
    pub name: String,
    pub requests: usize,
    pub errors: usize,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
}

impl Outcome {
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

pub fn header() -> String {
    format!(
        "| {:<40} | {:>8} | {:>6} | {:>10} | {:>9} | {:>9} |\n|{:-<42}|{:->10}|{:->8}|{:->12}|{:->11}|{:->11}|",
        "scenario", "requests", "errors", "req/s", "p50 ms", "p99 ms", "", "", "", "", "", ""
    )
}

pub fn row(o: &Outcome) -> String {
    format!(
        "| {:<40} | {:>8} | {:>6} | {:>10.0} | {:>9.3} | {:>9.3} |",
        o.name,
        o.requests,
        o.errors,
        o.rps(),
        o.p50.as_secs_f64() * 1e3,
        o.p99.as_secs_f64() * 1e3
    )
}

/// Sends `requests` GETs over `concurrency` connections and measures each.
pub async fn run(
    scenario: &Scenario,
    requests: usize,
    concurrency: usize,
) -> anyhow::Result<Outcome> {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: Client<HttpConnector, Body> =
        Client::builder(TokioExecutor::new()).build(connector);
    // Warm the connection pool and the server's caches.
    for _ in 0..concurrency.min(requests) {
        send(&client, scenario).await?;
    }
    let scenario = Arc::new(scenario.clone());
    run_cycles(&scenario.name.clone(), requests, concurrency, move |_| {
        let client = client.clone();
        let scenario = scenario.clone();
        async move {
            if send(&client, &scenario).await? {
                Ok(())
            } else {
                anyhow::bail!("non-2xx answer")
            }
        }
    })
    .await
}

async fn send(client: &Client<HttpConnector, Body>, scenario: &Scenario) -> anyhow::Result<bool> {
    let mut request = Request::get(&scenario.url);
    if let Some(token) = &scenario.bearer {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(cookie) = &scenario.cookie {
        request = request.header("cookie", cookie);
    }
    let response = client.request(request.body(Body::empty())?).await?;
    let ok = response.status().is_success();
    response.into_body().collect().await?;
    Ok(ok)
}

/// Runs `cycles` executions of `cycle` over `concurrency` workers; each worker gets its
/// own index so it can use its own accounts. Reports cycles per second.
pub async fn run_cycles<F, Fut>(
    name: &str,
    cycles: usize,
    concurrency: usize,
    cycle: F,
) -> anyhow::Result<Outcome>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let cycle = Arc::new(cycle);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..concurrency.max(1) {
        let cycle = cycle.clone();
        let next = next.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            while next.fetch_add(1, Ordering::Relaxed) < cycles {
                let t = Instant::now();
                match cycle(worker).await {
                    Ok(()) => latencies.push(t.elapsed()),
                    Err(e) => {
                        errors += 1;
                        tracing::warn!(error = %e, "cycle failed");
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::with_capacity(cycles);
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.await?;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Ok(Outcome {
        name: name.to_owned(),
        requests: cycles,
        errors,
        elapsed,
        p50: pct(0.5),
        p99: pct(0.99),
    })
}
