//! `pupero bench`: the API and the web pages under load, on a throwaway platform.

// Reads JSON answers with serde_json::Value's `[]`, which gives Null for a missing key or
// index and never panics; the lint cannot tell it from slice indexing.
#![allow(clippy::indexing_slicing)]

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use pupero_config::{Service, Settings};
use pupero_core::Role;

use super::accounts::{credit, sign_in_existing, web_sign_in};
use super::{Scenario, header, hot_paths, memory, row, run, run_cycles};
use crate::platform::{AVAILABLE, Platform};

/// How long and how wide the wrk loads of the hot paths are.
#[derive(Debug, Clone, Copy)]
pub struct HotPaths {
    pub seconds: u64,
    pub connections: usize,
    /// Stop after the hot paths (issue 11's table).
    pub only: bool,
    /// Run only the trades (and the ledger check after them).
    pub trades_only: bool,
}

/// Starts the platform on free ports with a throwaway SQLite file (unless DATABASE_URL
/// says otherwise), signs users in, and measures each scenario.
pub async fn api(
    settings: &mut Settings,
    requests: usize,
    concurrency: usize,
    trades: usize,
    hot: HotPaths,
) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("pupero-bench-{}", std::process::id()));
    settings.data_dir = dir.clone();
    for service in AVAILABLE {
        settings.set_port(service, 0);
    }
    settings.login_rate_per_minute = 1_000_000;
    // The load comes from one address; the gateway's per-address budget would refuse it.
    settings.gateway_rate_per_minute = 0;
    settings.register_rate_per_hour = 1_000_000;
    let platform = Platform::start(settings.clone(), &AVAILABLE).await?;
    let timeline = memory::Timeline::start();
    // At rest before any request: what `pupero up` holds idle.
    timeline.phase("started, idle (nothing hashed yet)");
    if !hot.trades_only {
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    timeline.phase("setting up (3 sign-ups and sign-ins)");
    let db = platform.db.clone().context("no database")?;
    let gateway = platform
        .url(Service::Gateway)
        .context("gateway not started")?;
    let login = platform.url(Service::Login).context("login not started")?;
    let offers = platform
        .url(Service::Offers)
        .context("offers not started")?;
    let http = pupero_http::build_client("bench", reqwest::Client::builder())?;
    let password = "bench password 123";
    let run_id = std::process::id();

    let sign_in = |name: String| {
        let http = http.clone();
        let gateway = gateway.clone();
        async move {
            let body = serde_json::json!({"email": format!("{name}@example.com"), "username": name, "password": password});
            http.post(format!("{gateway}/auth/register"))
                .json(&body)
                .send()
                .await?
                .error_for_status()?;
            sign_in_existing(&http, &gateway, &name, password).await
        }
    };
    let (_, token) = sign_in(format!("bench{run_id}")).await?;

    let admin_name = format!("benchadmin{run_id}");
    crate::admin::insert_account(
        &db,
        &format!("{admin_name}@example.com"),
        &admin_name,
        Role::Admin,
        password,
    )
    .await?;
    let (_, admin) = sign_in_existing(&http, &gateway, &admin_name, password).await?;

    // One seller with 200 open offers of ~200-character terms (issue 11's data).
    let seller_name = format!("hotseller{run_id}");
    let (seller_id, seller_token) = sign_in(seller_name.clone()).await?;
    let setup = hot_paths::Setup {
        gateway: &gateway,
        offers: &offers,
        http: &http,
        admin: &admin,
        seller_id,
        seller_token: &seller_token,
        seller_name: &seller_name,
        password,
    };
    if !hot.trades_only {
        hot_paths::post_offers(&setup).await?;
    }
    say!(
        "pupero bench: database {}, build {}",
        pupero_db::backend_name(&db),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    if !hot.trades_only {
        hot_paths::run(&setup, &dir, hot.seconds, hot.connections, &timeline).await?;
    }
    if hot.only {
        platform.stop().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _ = std::fs::remove_dir_all(dir);
        return Ok(());
    }
    say!();

    let scenarios = [
        Scenario {
            name: "GET /healthz (gateway, aggregate)".into(),
            url: format!("{gateway}/healthz"),
            bearer: None,
            ..Scenario::default()
        },
        Scenario {
            name: "GET /healthz (login, direct)".into(),
            url: format!("{login}/healthz"),
            bearer: None,
            ..Scenario::default()
        },
        Scenario {
            name: "GET /auth/me (through gateway)".into(),
            url: format!("{gateway}/auth/me"),
            bearer: Some(token.clone()),
            ..Scenario::default()
        },
        Scenario {
            name: "GET /me (login, direct)".into(),
            url: format!("{login}/me"),
            bearer: Some(token),
            ..Scenario::default()
        },
        Scenario {
            name: "GET /offers?limit=100 of 200 (gateway)".into(),
            url: format!("{gateway}/offers?limit=100"),
            bearer: None,
            ..Scenario::default()
        },
        Scenario {
            name: "GET /offers?limit=100 of 200 (direct)".into(),
            url: format!("{offers}/offers?limit=100"),
            bearer: None,
            ..Scenario::default()
        },
    ];
    say!("in-process load: {requests} requests per scenario, {concurrency} connections");
    say!("{}", header());
    if !hot.trades_only {
        for scenario in &scenarios {
            let outcome = run(scenario, requests, concurrency).await?;
            say!("{}", row(&outcome));
        }
    }

    // Whole trades: one seller and one buyer per worker, so workers do not queue on one account.
    let workers = concurrency.min(16);
    let mut pairs = Vec::new();
    for w in 0..workers {
        let (seller_id, seller) = sign_in(format!("seller{run_id}x{w}")).await?;
        let (_, buyer) = sign_in(format!("buyer{run_id}x{w}")).await?;
        credit(&http, &gateway, &admin, seller_id, "1000").await?;
        let body = serde_json::json!({"side": pupero_core::OfferSide::Sell, "currency": "EUR", "price": "150", "payment_method": "sepa",
            "min_amount": "0.001", "max_amount": "1", "payment_window_minutes": 60});
        let offer: pupero_api::offers::OfferView = http
            .post(format!("{gateway}/offers"))
            .bearer_auth(&seller)
            .json(&body)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let offer_id = offer.id;
        pairs.push((seller, buyer, offer_id));
    }
    let pairs = Arc::new(pairs);
    let base = gateway.clone();
    let client = http.clone();
    let outcome = run_cycles(
        "trade: open → paid → release",
        trades,
        workers,
        move |w| {
            let pairs = pairs.clone();
            let http = client.clone();
            let base = base.clone();
            async move {
                let (seller, buyer, offer_id) = &pairs[w];
                let t: pupero_api::trades::TradeView = http
                    .post(format!("{base}/transactions/trades"))
                    .bearer_auth(buyer)
                    .json(&serde_json::json!({"offer_id": offer_id, "amount": "0.01", "price": "150.00"}))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                let id = t.id;
                http.post(format!("{base}/transactions/trades/{id}/paid"))
                    .bearer_auth(buyer)
                    .send()
                    .await?
                    .error_for_status()?;
                http.post(format!("{base}/transactions/trades/{id}/release"))
                    .bearer_auth(seller)
                    .send()
                    .await?
                    .error_for_status()?;
                Ok(())
            }
        },
    )
    .await?;
    say!("{}", row(&outcome));
    say!(
        "completed trades per second: {:.1} ({} workers)",
        outcome.rps(),
        workers
    );
    if hot.trades_only {
        return finish(platform, &db, dir).await;
    }
    // The web frontend: a page is the session lookup, a few API calls through the
    // gateway, and the template.
    let frontend = platform
        .url(Service::Frontend)
        .context("frontend not started")?;
    let seller_name = format!("seller{run_id}x0");
    let cookie = web_sign_in(&http, &frontend, &seller_name, password).await?;
    let (_, seller_token) = sign_in_existing(&http, &gateway, &seller_name, password).await?;
    let trades_page: pupero_api::Paged<pupero_api::trades::TradeView> = http
        .get(format!("{gateway}/transactions/trades?limit=1"))
        .bearer_auth(&seller_token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let trade_id = trades_page.items.first().context("a trade")?.id;
    say!();
    say!("{}", header());
    let pages = [
        Scenario {
            name: "page / (offers, anonymous)".into(),
            url: format!("{frontend}/"),
            ..Scenario::default()
        },
        Scenario {
            name: "page / (offers, signed in)".into(),
            url: format!("{frontend}/"),
            cookie: Some(cookie.clone()),
            ..Scenario::default()
        },
        Scenario {
            name: "page /balances (signed in)".into(),
            url: format!("{frontend}/balances"),
            cookie: Some(cookie.clone()),
            ..Scenario::default()
        },
        Scenario {
            name: format!("page /trades/{trade_id} (signed in)"),
            url: format!("{frontend}/trades/{trade_id}"),
            cookie: Some(cookie),
            ..Scenario::default()
        },
    ];
    for scenario in &pages {
        let outcome = run(scenario, requests.min(5_000), concurrency).await?;
        say!("{}", row(&outcome));
    }

    finish(platform, &db, dir).await
}

/// Checks the ledger after the load, and stops the platform.
async fn finish(
    platform: Platform,
    db: &sea_orm::DatabaseConnection,
    dir: std::path::PathBuf,
) -> anyhow::Result<()> {
    let report = pupero_transactions::ledger::verify(db).await?;
    say!(
        "ledger after the run: consistent = {}, {} entries",
        report.is_consistent(),
        report.entries
    );
    platform.stop().await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
