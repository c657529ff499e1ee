//! Issue 11's table in one run: the listing, a balance and logins through the gateway,
//! each listing figure also as a share of nginx serving the same bytes, and the
//! platform's memory over time. Load comes from wrk (64 connections unless told).

use pupero_core::OfferSide;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;

use super::accounts::credit;
use super::memory::Timeline;
use super::reference::{self, Nginx};
use super::wrk::{self, Load, Measured};

/// The URLs and accounts the hot paths need.
/// A pause longer than the hashing workers' idle release, so an idle phase ends with the
/// platform at rest rather than holding the last sign-in's arenas.
const IDLE_RELEASE_WAIT: Duration =
    pupero_login::PASSWORD_MEMORY_IDLE_RELEASE.saturating_add(Duration::from_secs(3));

pub struct Setup<'a> {
    pub gateway: &'a str,
    pub offers: &'a str,
    pub http: &'a reqwest::Client,
    pub admin: &'a str,
    pub seller_id: i64,
    pub seller_token: &'a str,
    pub seller_name: &'a str,
    pub password: &'a str,
}

/// Terms of about 200 characters, as real offers carry.
fn terms(n: usize) -> String {
    format!(
        "Offer {n:03}: pay within the window by bank transfer and put the trade reference in \
         the payment note. The sender's name must match your account; no third-party \
         payments, no cash deposits. Thanks!"
    )
}

/// One seller with 200 open offers (funded, so sell offers are available): half sell,
/// half buy; a quarter in USD, a third by Revolut, so every filter has something to drop.
pub async fn post_offers(s: &Setup<'_>) -> anyhow::Result<()> {
    credit(s.http, s.gateway, s.admin, s.seller_id, "1000").await?;
    for n in 0..200 {
        let body = serde_json::json!({
            "side": if n % 2 == 0 { OfferSide::Sell } else { OfferSide::Buy },
            "currency": if n % 4 == 3 { "USD" } else { "EUR" },
            "price": format!("{}.{:02}", 140 + n % 20, n % 100),
            "payment_method": if n % 3 == 2 { "revolut" } else { "sepa" },
            "min_amount": "0.1", "max_amount": "5", "payment_window_minutes": 60,
            "terms": terms(n),
        });
        s.http
            .post(format!("{}/offers", s.gateway))
            .bearer_auth(s.seller_token)
            .json(&body)
            .send()
            .await?
            .error_for_status()?;
    }
    Ok(())
}

fn header() -> String {
    format!(
        "| {:<44} | {:>8} | {:>6} | {:>9} | {:>8} | {:>8} | {:>8} |\n|{:-<46}|{:->10}|{:->8}|{:->11}|{:->10}|{:->10}|{:->10}|",
        "scenario (wrk)",
        "requests",
        "errors",
        "req/s",
        "% nginx",
        "p50 ms",
        "p99 ms",
        "",
        "",
        "",
        "",
        "",
        "",
        ""
    )
}

fn row(name: &str, m: &Measured, nginx: Option<f64>) -> String {
    let share = nginx.map_or_else(|| "-".to_owned(), |n| format!("{:.1}", 100.0 * m.rps / n));
    format!(
        "| {:<44} | {:>8} | {:>6} | {:>9.0} | {:>8} | {:>8.2} | {:>8.2} |",
        name,
        m.requests,
        m.errors,
        m.rps,
        share,
        m.p50.as_secs_f64() * 1e3,
        m.p99.as_secs_f64() * 1e3
    )
}

/// Runs the table; returns without it (saying why) when nginx or wrk is missing.
pub async fn run(
    s: &Setup<'_>,
    scratch: &Path,
    seconds: u64,
    connections: usize,
    timeline: &Timeline,
) -> anyhow::Result<()> {
    if !wrk::available() || !reference::available() {
        say!("hot paths skipped: wrk and nginx are needed (run scripts/bench-deps.sh)");
        return Ok(());
    }
    let d = Duration::from_secs(seconds.max(1));
    let page = s
        .http
        .get(format!("{}/offers?limit=100", s.gateway))
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let nginx = Nginx::start(scratch, &page, "application/json").await?;
    timeline.phase("idle, 200 offers posted");
    tokio::time::sleep(IDLE_RELEASE_WAIT).await;
    say!(
        "hot paths: wrk -t2 -c{connections} -d{seconds}s; the listing page is {} bytes",
        page.len()
    );
    say!("{}", header());

    let reference = wrk::run(
        &Load::get(format!("{}/offers?limit=100", nginx.url), connections, d),
        scratch,
    )
    .await?;
    say!(
        "{}",
        row(
            "nginx: the same listing bytes, static",
            &reference,
            Some(reference.rps)
        )
    );
    drop(nginx);
    let nginx_rps = Some(reference.rps);

    timeline.phase("listing load");
    let listings = [
        (
            "GET /offers?limit=100 (gateway)",
            format!("{}/offers?limit=100", s.gateway),
        ),
        (
            "GET /offers?limit=100 (direct)",
            format!("{}/offers?limit=100", s.offers),
        ),
        (
            "  &side=sell (gateway)",
            format!("{}/offers?limit=100&side=sell", s.gateway),
        ),
        (
            "  &currency=EUR (gateway)",
            format!("{}/offers?limit=100&currency=EUR", s.gateway),
        ),
        (
            "  &payment_method=sepa (gateway)",
            format!("{}/offers?limit=100&payment_method=sepa", s.gateway),
        ),
        (
            "  &amount=1 (gateway)",
            format!("{}/offers?limit=100&amount=1", s.gateway),
        ),
    ];
    for (name, url) in listings {
        let m = wrk::run(&Load::get(url, connections, d), scratch).await?;
        say!("{}", row(name, &m, nginx_rps));
    }
    let mut fresh = Load::get(format!("{}/offers?limit=100", s.gateway), connections, d);
    fresh.fresh = true;
    let m = wrk::run(&fresh, scratch).await?;
    say!(
        "{}",
        row(
            "GET /offers?limit=100, computed afresh (gateway)",
            &m,
            nginx_rps
        )
    );
    let mut balance = Load::get(
        format!("{}/transactions/balances/{}", s.gateway, s.seller_id),
        connections,
        d,
    );
    balance
        .headers
        .push(format!("Authorization: Bearer {}", s.seller_token));
    let m = wrk::run(&balance, scratch).await?;
    say!(
        "{}",
        row("GET /transactions/balances/{id} (gateway)", &m, None)
    );
    timeline.phase("after the listing load");
    tokio::time::sleep(Duration::from_secs(3)).await;

    // Logins alone, then a second burst with a light listing probe beside it: hashing
    // must not starve the other services (the probe's own load lowers that burst's rate).
    timeline.phase("login burst (64 connections)");
    let login = Load {
        url: format!("{}/auth/login", s.gateway),
        connections: 64,
        duration: d.max(Duration::from_secs(10)),
        headers: Vec::new(),
        post_json: Some(
            serde_json::json!({"username": s.seller_name, "password": s.password}).to_string(),
        ),
        fresh: false,
    };
    let alone = wrk::run(&login, scratch).await.context("login burst")?;
    say!(
        "{}",
        row("POST /auth/login (gateway, Argon2id), alone", &alone, None)
    );
    timeline.phase("login burst + listing probe");
    let probe = Load::get(
        format!("{}/offers?limit=100", s.gateway),
        4,
        d.max(Duration::from_secs(10)),
    );
    let (logins, during) = tokio::join!(wrk::run(&login, scratch), async {
        // Starts once the burst is under way.
        tokio::time::sleep(Duration::from_millis(500)).await;
        wrk::run(&probe, scratch).await
    });
    let logins = logins.context("login burst")?;
    say!(
        "{}",
        row(
            "POST /auth/login (gateway), beside the probe",
            &logins,
            None
        )
    );
    say!(
        "{}",
        row(
            "  GET /offers?limit=100, 4 conns, in the burst",
            &during?,
            None
        )
    );
    timeline.phase("after the login bursts, idle");
    tokio::time::sleep(IDLE_RELEASE_WAIT).await;
    timeline.phase("end");
    say!();
    say!("{}", timeline.summary().trim_end());
    Ok(())
}
