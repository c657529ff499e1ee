//! `pupero chaos`: many replicas, a mixed load, and replicas SIGKILLed and restarted at
//! random; then, with everything settled, the money must add up (issue 13, item 2).
//!
//! It starts, as separate processes of this executable, one gateway and two replicas each
//! of login, offers, transactions and the wallet service (the two wallet services share one
//! monero-wallet-rpc: the withdrawal worker and the deposit sweep each run on the replica
//! holding their lease, and every send is stored under the lease's fence), on the given
//! MariaDB or PostgreSQL database, RabbitMQ, Redis (the shared per-IP limits) and a private
//! regtest chain. Every `*_SERVICE_URL` is the comma-separated list of the replicas.
//! See docs/OPERATIONS.md, "Chaos run".

pub mod checks;
mod client;
mod fleet;
mod leases;
pub mod load;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rand::seq::IndexedRandom;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;

use pupero_config::{Service, Settings};
use pupero_core::{PICONERO_PER_XMR, Role};
use pupero_wallet::rpc::{DaemonRpc, WalletRpc};

use client::{Caller, Client};
use fleet::Fleet;
use load::World;

/// The run's knobs (`pupero chaos --help`).
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Seconds of mixed load (the killer runs meanwhile).
    #[arg(long, default_value_t = 120)]
    pub seconds: u64,
    /// Seconds between two kills of a random replica.
    #[arg(long, default_value_t = 8)]
    pub kill_every: u64,
    /// Seconds a killed replica stays down before it is restarted.
    #[arg(long, default_value_t = 2)]
    pub restart_after: u64,
    /// The replicas' WORKER_LEASE_SECONDS: a killed holder's jobs move after about this.
    #[arg(long, default_value_t = 5)]
    pub lease_seconds: u64,
    /// Seconds between mined blocks on the private chain.
    #[arg(long, default_value_t = 2)]
    pub block_seconds: u64,
    /// Seller/buyer pairs trading at once.
    #[arg(long, default_value_t = 3)]
    pub pairs: usize,
    /// The replicas' LOGIN_RATE_PER_MINUTE (per IP; the login burst checks it).
    #[arg(long, default_value_t = 10)]
    pub login_rate: u32,
    /// Seconds to wait, after the load, for withdrawals and deposits to settle.
    #[arg(long, default_value_t = 300)]
    pub settle_seconds: u64,
    /// RabbitMQ for the withdrawal queue (default: RABBITMQ_URL or RABBITMQ_USER/…, else
    /// amqp://guest:guest@127.0.0.1:5672/%2f).
    #[arg(long, value_name = "URL")]
    pub amqp_url: Option<String>,
    /// Write every replica's address to FILE as a Prometheus `file_sd_configs` target
    /// list (with METRICS_TOKEN set, a Prometheus server can scrape the run; see
    /// scripts/dashboard-screenshots.sh).
    #[arg(long, value_name = "FILE")]
    pub prometheus_targets: Option<std::path::PathBuf>,
}

/// The fleet: one gateway, two of each service behind it.
const LAYOUT: [(Service, usize); 5] = [
    (Service::Login, 2),
    (Service::Offers, 2),
    (Service::Transactions, 2),
    (Service::Wallet, 2),
    (Service::Gateway, 1),
];

/// Runs the chaos test; `Ok(false)` when an invariant failed.
pub async fn run(mut settings: Settings, options: Options) -> anyhow::Result<bool> {
    let database_url = settings.database_url();
    if !(database_url.starts_with("mysql://")
        || database_url.starts_with("mariadb://")
        || database_url.starts_with("postgres"))
    {
        bail!(
            "pupero chaos needs --database-url of an empty MariaDB or PostgreSQL database (replicas in several processes share it; SQLite is one machine's file)"
        );
    }
    let amqp = options
        .amqp_url
        .clone()
        .or_else(|| settings.rabbitmq_amqp_url())
        .unwrap_or_else(|| "amqp://guest:guest@127.0.0.1:5672/%2f".to_owned());
    let redis = settings.rate_limit_redis_url.as_ref().map_or_else(
        || "redis://127.0.0.1:6379".to_owned(),
        |u| u.expose().to_owned(),
    );
    let run_id = format!("{}-{}", std::process::id(), rand::random::<u16>());
    let dir = std::env::temp_dir().join(format!("pupero-chaos-{run_id}"));
    std::fs::create_dir_all(&dir)?;
    settings.data_dir = dir.clone();
    settings.ensure_data_dir()?;
    // Made once here, read by every replica from the shared data directory.
    settings.resolve_data_key()?;
    settings.resolve_audit_key()?;
    crate::platform::load_keys(&settings, &crate::platform::AVAILABLE)?;

    let db = crate::platform::connect(&settings).await?;
    crate::migrate_all(&db).await?;
    if scalar(&db, "SELECT COUNT(*) AS n FROM journal_entries").await? > 0 {
        bail!(
            "the database is not empty: give pupero chaos a fresh one (its checks read the whole ledger)"
        );
    }

    let mut fleet = Fleet::plan(&LAYOUT, &[], &dir.join("logs"))?;
    settings.wallet_service_url = Some(fleet.list(Service::Wallet));
    println!("pupero chaos: data and logs in {}", dir.display());
    println!("starting the private regtest chain…");
    let chain = crate::devchain::start(&mut settings, options.block_seconds).await?;
    let endpoints = crate::devchain::Endpoints::read(&dir)?;
    let daemon = DaemonRpc::new(&endpoints.daemon_url, None)?;
    let faucet = WalletRpc::new(&endpoints.faucet_url, None)?;
    let hot = WalletRpc::new(&endpoints.hot_url, None)?;
    let faucet_address = faucet.primary_address().await?;
    // Coinbase outputs enough for the faucet's payments during the run.
    mine(&daemon, 40, &faucet_address).await?;

    let keys_dir = settings.keys_dir();
    let common: Vec<(String, String)> = [
        ("PUPERO_ENV", "development".to_owned()),
        ("PUPERO_DATA_DIR", dir.display().to_string()),
        ("PUPERO_KEYS_DIR", keys_dir.display().to_string()),
        ("DATABASE_URL", database_url.clone()),
        ("LOG_FORMAT", "json".to_owned()),
        ("RUST_LOG", "info,sqlx=warn,sea_orm=warn".to_owned()),
        ("MONERO_RPC_URL", endpoints.hot_url.clone()),
        ("MONEROD_URL", endpoints.daemon_url.clone()),
        ("MONERO_RPC_AUTH_SCHEME", "none".to_owned()),
        ("MONERO_NETWORK", "regtest".to_owned()),
        ("SWEEP_INTERVAL_SECONDS", "1".to_owned()),
        ("RABBITMQ_URL", amqp),
        ("RABBITMQ_QUEUE", format!("pupero.chaos.{run_id}")),
        ("RABBITMQ_POLL_INTERVAL_SECONDS", "5".to_owned()),
        ("RATE_LIMIT_REDIS_URL", redis),
        ("RATE_LIMIT_REDIS_PREFIX", format!("pupero-chaos-{run_id}")),
        ("WORKER_LEASE_SECONDS", options.lease_seconds.to_string()),
        ("REPLICA_HEALTH_INTERVAL_SECONDS", "1".to_owned()),
        ("SHUTDOWN_GRACE_SECONDS", "2".to_owned()),
        ("METRICS_INTERVAL_SECONDS", "5".to_owned()),
        ("LOGIN_RATE_PER_MINUTE", options.login_rate.to_string()),
        ("REGISTER_RATE_PER_HOUR", "1000".to_owned()),
        ("LOGIN_MAX_FAILURES", "1000".to_owned()),
        ("LOGIN_ACCOUNT_MAX_FAILURES", "1000".to_owned()),
        ("ACCESS_TOKEN_MINUTES", "240".to_owned()),
        ("MAX_OPEN_TRADES_PER_TAKER", "50".to_owned()),
        ("MAX_OPEN_TRADES_NEW_TAKER", "50".to_owned()),
        ("MAX_OPEN_TRADES_PER_OFFER", "100".to_owned()),
        // The load's simulated users each send their own X-Forwarded-For.
        ("GATEWAY_TRUSTED_PROXIES", "127.0.0.1".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    fleet.add_env(&common);
    // The scraper's credential (METRICS_TOKEN, or the one made in the data directory).
    if let Some(token) = settings.resolve_metrics_token()? {
        fleet.add_env(&[("METRICS_TOKEN".to_owned(), token.expose().to_owned())]);
    }
    if let Some(file) = &options.prometheus_targets {
        let targets: Vec<String> = fleet
            .replicas
            .values()
            .map(|r| format!("127.0.0.1:{}", r.port))
            .collect();
        let list = json!([{"targets": targets, "labels": {"run": "chaos"}}]);
        std::fs::write(file, serde_json::to_string_pretty(&list)?)
            .with_context(|| format!("cannot write {}", file.display()))?;
    }
    let ids: Vec<String> = fleet.replicas.keys().cloned().collect();
    for id in &ids {
        let took = fleet.start(id).await?;
        println!("  {id} up in {:.1} s", took.as_secs_f64());
    }
    let gateway = fleet
        .url_of("gateway-1")
        .context("the plan has a gateway")?;

    // The moderator who decides disputes, made as `admin create-user` makes one.
    crate::admin::insert_account(
        &db,
        "chaosmod@example.com",
        "chaosmod",
        Role::Moderator,
        load::PASSWORD,
    )
    .await?;
    let client = Client::new(&gateway)?;
    let mut moderator = Caller::anonymous(1);
    load::sign_in(&client, &mut moderator, "chaosmod")
        .await
        .context("the moderator cannot sign in")?;
    let world = Arc::new(World::new(client, faucet.clone(), moderator));

    // Traders, and the sellers' XMR, deposited and confirmed before the clock starts.
    let mut pairs = Vec::new();
    for _ in 0..options.pairs {
        let seller = world
            .register("seller")
            .await
            .context("registering a seller")?;
        let buyer = world
            .register("buyer")
            .await
            .context("registering a buyer")?;
        pairs.push((seller, buyer));
    }
    for (seller, buyer) in &pairs {
        for list in [&world.users, &world.traders] {
            if let Ok(mut users) = list.lock() {
                users.push(seller.clone());
                users.push(buyer.clone());
            }
        }
        let funding = 20 * PICONERO_PER_XMR + i64::from(seller.ip.octets()[3]);
        world
            .deposit(seller, funding)
            .await
            .context("funding a seller from the faucet")?;
    }
    println!("funding {} sellers (10 confirmations)…", pairs.len());
    settle(
        &db,
        &daemon,
        &faucet_address,
        &world,
        Duration::from_secs(180),
    )
    .await?;

    let started = Instant::now();
    let until = started + Duration::from_secs(options.seconds);
    println!(
        "mixed load for {} s; a replica SIGKILLed every {} s…",
        options.seconds, options.kill_every
    );
    let kills = leases::Kills::default();
    let (stop_watch, watching) = tokio::sync::watch::channel(false);
    let watcher = tokio::spawn(leases::watch(db.clone(), kills.clone(), watching));
    let mut tasks = Vec::new();
    for (n, (seller, buyer)) in pairs.into_iter().enumerate() {
        let w = world.clone();
        tasks.push(tokio::spawn(async move {
            load::trading(&w, n, &seller, &buyer, until).await;
        }));
    }
    let w = world.clone();
    tasks.push(tokio::spawn(
        async move { load::registrations(&w, until).await },
    ));
    let w = world.clone();
    tasks.push(tokio::spawn(async move { load::deposits(&w, until).await }));
    let w = world.clone();
    tasks.push(tokio::spawn(
        async move { load::withdrawals(&w, until).await },
    ));

    let restarts = killer(&mut fleet, &kills, &options, until).await;
    for t in tasks {
        let _ = t.await;
    }
    let load_took = started.elapsed();
    // Everything up again before settling.
    for id in &ids {
        if !fleet.is_running(id) {
            fleet.start(id).await?;
        }
    }
    println!(
        "load over after {:.0} s; settling…",
        load_took.as_secs_f64()
    );
    let settled = settle(
        &db,
        &daemon,
        &faucet_address,
        &world,
        Duration::from_secs(options.settle_seconds),
    )
    .await;
    if let Err(e) = &settled {
        println!("NOT settled: {e:#}");
    }

    let burst = login_burst(&world.client, options.login_rate).await;
    let records = std::mem::take(
        &mut *world
            .records
            .lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))?,
    );
    let mut results = vec![
        checks::withdrawals(&db, &records, &hot, &faucet).await?,
        checks::deposits(&db, &records).await?,
        checks::trades(&db, &records).await?,
        checks::ledger(&db).await?,
        checks::solvency(&db, &hot).await?,
    ];
    results.push(burst);
    let _ = stop_watch.send(true);
    let takeovers = watcher.await.unwrap_or_default();
    fleet.stop_all();
    drop(chain);

    let report = Report {
        backend: pupero_db::backend_name(&db),
        seconds: load_took,
        ops: world.client.tally.snapshot(),
        kills: kills.count(),
        restarts,
        takeovers,
        checks: results,
    };
    report.print();
    let held = report.checks.iter().all(checks::Check::holds);
    // The chain, wallets and logs are kept only when they have a failure to explain.
    if held {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        println!("data and logs kept in {}", dir.display());
    }
    Ok(held)
}

/// Mines `blocks` more, ten per call: on a loaded machine one call for many blocks can
/// outlast the RPC timeout (and may still have mined, so the height is read again).
async fn mine(daemon: &DaemonRpc, blocks: u64, address: &str) -> anyhow::Result<()> {
    let target = daemon.height().await? + blocks;
    let mut failures = 0;
    loop {
        let now = daemon.height().await?;
        if now >= target {
            return Ok(());
        }
        if let Err(e) = daemon.generate((target - now).min(10), address).await {
            failures += 1;
            if failures > 5 {
                return Err(e).context("mining the private chain");
            }
        }
    }
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await?
        .context("no row")?;
    Ok(row.try_get::<i64>("", "n")?)
}

/// Kills a random replica every `kill_every` seconds (only one whose sibling is up: the
/// point is failover, not an outage) and restarts it `restart_after` later, until `until`.
/// Returns the restart times.
async fn killer(
    fleet: &mut Fleet,
    kills: &leases::Kills,
    options: &Options,
    until: Instant,
) -> Vec<Duration> {
    let mut restarts = Vec::new();
    let killable: Vec<String> = fleet
        .replicas
        .values()
        .filter(|r| r.service != Service::Gateway)
        .map(|r| r.id.clone())
        .collect();
    loop {
        tokio::time::sleep(Duration::from_secs(options.kill_every)).await;
        if Instant::now() >= until {
            return restarts;
        }
        let candidates: Vec<&String> = killable
            .iter()
            .filter(|id| fleet.running_siblings(id) > 0)
            .collect();
        let Some(victim) = candidates.choose(&mut rand::rng()).map(|id| (*id).clone()) else {
            continue;
        };
        fleet.kill(&victim);
        kills.record(&victim);
        println!(
            "  killed {victim} (SIGKILL) at {:.0} s",
            (Instant::now() + Duration::from_secs(options.seconds))
                .saturating_duration_since(until)
                .as_secs_f64()
        );
        tokio::time::sleep(Duration::from_secs(options.restart_after)).await;
        match fleet.start(&victim).await {
            Ok(took) => restarts.push(took),
            Err(e) => println!("  restarting {victim} failed: {e:#}"),
        }
    }
}

/// Mines until every withdrawal has stopped moving (confirmed, failed or cancelled) and
/// every faucet payment is credited, or `timeout` passes.
async fn settle(
    db: &DatabaseConnection,
    daemon: &DaemonRpc,
    miner: &str,
    world: &World,
    timeout: Duration,
) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        let moving = scalar(
            db,
            "SELECT COUNT(*) AS n FROM withdrawals WHERE status IN ('queued', 'signing', 'signed', 'relayed')",
        )
        .await?;
        let sent: Vec<String> = world
            .records
            .lock()
            .map(|r| r.deposits.iter().map(|d| d.txid.clone()).collect())
            .unwrap_or_default();
        let credited = scalar(db, "SELECT COUNT(*) AS n FROM deposit_credits").await?;
        let waiting = i64::try_from(sent.len())?.saturating_sub(credited);
        if moving == 0 && waiting <= 0 {
            return Ok(());
        }
        if started.elapsed() > timeout {
            bail!(
                "after {timeout:?}: {moving} withdrawal(s) still moving, {waiting} deposit(s) not credited"
            );
        }
        let _ = daemon.generate(1, miner).await;
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
}

/// Logins from one fresh address, spread over the login replicas by the gateway: no more
/// get through than the per-IP budget (LOGIN_RATE_PER_MINUTE, one budget in Redis).
async fn login_burst(client: &Client, rate: u32) -> checks::Check {
    let caller = Caller::anonymous(0x00FF_FFF0);
    let tries = 2 * rate + 4;
    let body = json!({"username": "nobody-here", "password": "not the password"});
    let started = Instant::now();
    let (mut through, mut limited, mut other) = (0u32, 0u32, Vec::new());
    for _ in 0..tries {
        match client
            .call(
                "login-burst",
                Method::POST,
                "/auth/login",
                &caller,
                None,
                Some(&body),
            )
            .await
        {
            Some((StatusCode::TOO_MANY_REQUESTS, _)) => limited += 1,
            Some((StatusCode::UNAUTHORIZED, _)) => through += 1,
            answer => other.push(format!("{:?}", answer.map(|(s, _)| s))),
        }
    }
    let took = started.elapsed();
    // The budget refills at `rate` a minute: a slow burst may earn a few more.
    let earned = u32::try_from(took.as_secs() * u64::from(rate) / 60 + 1).unwrap_or(u32::MAX);
    let mut problems = other;
    if !(rate..=rate + earned).contains(&through) {
        problems.push(format!(
            "{through} of {tries} logins got through in {:.1} s; the per-IP budget is {rate} a minute",
            took.as_secs_f64()
        ));
    }
    checks::Check {
        name: "a login burst over the replicas meets the per-IP limit",
        summary: format!(
            "{through} of {tries} through, {limited} limited (429), budget {rate}/min, {:.1} s",
            took.as_secs_f64()
        ),
        problems,
    }
}

struct Report {
    backend: &'static str,
    seconds: Duration,
    ops: std::collections::BTreeMap<&'static str, client::Counts>,
    kills: usize,
    restarts: Vec<Duration>,
    takeovers: Vec<leases::Takeover>,
    checks: Vec<checks::Check>,
}

fn spread(mut v: Vec<Duration>) -> String {
    if v.is_empty() {
        return "none".to_owned();
    }
    v.sort_unstable();
    let at = |q: usize| v.get((v.len() - 1) * q / 100).copied().unwrap_or_default();
    format!(
        "n={} min {:.1} s, median {:.1} s, max {:.1} s",
        v.len(),
        at(0).as_secs_f64(),
        at(50).as_secs_f64(),
        at(100).as_secs_f64()
    )
}

impl Report {
    fn print(&self) {
        println!();
        println!(
            "## pupero chaos on {} ({:.0} s of load)",
            self.backend,
            self.seconds.as_secs_f64()
        );
        println!();
        println!("| operation | ok | refused (4xx) | unavailable (retried) | 5xx | gave up |");
        println!("|---|---|---|---|---|---|");
        for (kind, c) in &self.ops {
            println!(
                "| {kind} | {} | {} | {} | {} | {} |",
                c.ok, c.refused, c.unavailable, c.errors, c.gave_up
            );
        }
        println!();
        println!(
            "kills: {} (SIGKILL); restarts: {} ({})",
            self.kills,
            self.restarts.len(),
            spread(self.restarts.clone())
        );
        let mut jobs: std::collections::BTreeMap<&str, Vec<Duration>> =
            std::collections::BTreeMap::new();
        for t in &self.takeovers {
            let entry = jobs.entry(t.job.as_str()).or_default();
            if let Some(d) = t.after_kill {
                entry.push(d);
            }
        }
        println!("worker-lease takeovers after a kill of the holder:");
        for (job, times) in jobs {
            println!("  {job}: {}", spread(times));
        }
        for t in &self.takeovers {
            let after = t.after_kill.map_or_else(
                || "holder not killed".to_owned(),
                |d| format!("{:.1} s after the kill", d.as_secs_f64()),
            );
            println!("    {}: {} → {} ({after})", t.job, t.from, t.to);
        }
        println!();
        for c in &self.checks {
            let mark = if c.holds() { "ok  " } else { "FAIL" };
            println!("{mark} {}: {}", c.name, c.summary);
            for p in c.problems.iter().take(20) {
                println!("       {p}");
            }
        }
        println!();
        if self.checks.iter().all(checks::Check::holds) {
            println!("every invariant holds");
        } else {
            println!("INVARIANTS FAILED");
        }
    }
}
