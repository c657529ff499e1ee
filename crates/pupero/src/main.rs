//! `pupero`: every Pupero service and operator task in one executable.

use std::io::BufRead;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use pupero::bench::{self, Scenario};
use pupero::platform::{AVAILABLE, Platform, migrate_all, redact};
use pupero_config::{LogFormat, Service, Settings};
use pupero_core::Role;

#[derive(Parser)]
#[command(
    name = "pupero",
    version,
    about = "Self-hostable peer-to-peer Monero marketplace"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every service in one process, each on its own port.
    Up {
        /// Also run a private Monero regtest chain (needs monerod and monero-wallet-rpc):
        /// deposits, trades and withdrawals end to end on one machine. Development only.
        #[arg(long)]
        regtest: bool,
        /// With --regtest: seconds between mined blocks.
        #[arg(long, env = "REGTEST_BLOCK_SECONDS", default_value_t = 5)]
        regtest_block_seconds: u64,
        #[command(flatten)]
        settings: Settings,
    },
    /// Development helpers.
    Dev {
        #[command(subcommand)]
        task: DevTask,
    },
    /// Run one service alone.
    Serve {
        #[arg(value_enum)]
        service: Service,
        #[command(flatten)]
        settings: Settings,
    },
    /// Apply every pending database migration and exit.
    Migrate {
        #[command(flatten)]
        settings: Settings,
    },
    /// Operator tasks.
    Admin {
        #[command(subcommand)]
        task: AdminTask,
    },
    /// Measure throughput and latency of the API on this machine (see docs/BENCHMARKS.md).
    Bench {
        /// Requests per scenario.
        #[arg(long, default_value_t = 20_000)]
        requests: usize,
        /// Concurrent connections.
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
        /// Complete trades (open, paid, release) to run in the trade scenario.
        #[arg(long, default_value_t = 400)]
        trades: usize,
        /// Instead: measure withdrawal and deposit latency on a private regtest chain.
        #[arg(long)]
        monero: bool,
        #[command(flatten)]
        settings: Settings,
    },
}

#[derive(Subcommand)]
enum DevTask {
    /// Send XMR from the private regtest chain's faucet to a user's deposit address
    /// (refused on any chain but regtest).
    Faucet {
        #[arg(long)]
        user: String,
        /// XMR, e.g. 10.
        #[arg(long)]
        amount: String,
        #[command(flatten)]
        settings: Settings,
    },
}

#[derive(Subcommand)]
enum AdminTask {
    /// Compare the hot wallet's balance with what the platform owes its users; exit
    /// non-zero when the wallet holds less.
    Solvency {
        #[command(flatten)]
        settings: Settings,
    },
    /// Recompute every balance from the journal; exit non-zero on any mismatch, unbalanced
    /// entry or negative user balance.
    LedgerVerify {
        #[command(flatten)]
        settings: Settings,
    },
    /// Make an Ed25519 token key pair (`<service>.key`, `<service>.pub`) for every service
    /// that has none in the directory, and print each public key's id. For a production
    /// deployment or a key rotation (docs/OPERATIONS.md).
    GenerateKeys {
        #[arg(long, env = "PUPERO_KEYS_DIR")]
        keys_dir: std::path::PathBuf,
    },
    /// Create an account with a role (how the first admin is made). The password is read
    /// from the first line of standard input unless --password-env names a variable.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = parse_role, default_value = "user")]
        role: Role,
        /// Name of an environment variable holding the password.
        #[arg(long)]
        password_env: Option<String>,
        #[command(flatten)]
        settings: Settings,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|e: pupero_core::IdentityError| e.to_string())
}

fn init_logging(format: LogFormat) {
    init_logging_with(format, "info,sqlx=warn,sea_orm=warn");
}

fn init_logging_with(format: LogFormat, default_filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Environment wins over .env, which only fills what is unset.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    match cli.command {
        Command::Up {
            regtest,
            regtest_block_seconds,
            mut settings,
        } => {
            init_logging(settings.log_format);
            let _chain = if regtest {
                if settings.is_production() {
                    bail!("--regtest is for development; it is refused with PUPERO_ENV=production");
                }
                settings.ensure_data_dir()?;
                Some(pupero::devchain::start(&mut settings, regtest_block_seconds).await?)
            } else {
                None
            };
            let platform = Platform::start(settings, &AVAILABLE).await?;
            platform.run_until(shutdown_signal()).await
        }
        Command::Dev {
            task:
                DevTask::Faucet {
                    user,
                    amount,
                    settings,
                },
        } => {
            init_logging(settings.log_format);
            let amount = pupero_core::Piconero::parse_positive_xmr(&amount)
                .map_err(|e| anyhow::anyhow!("--amount: {e}"))?;
            let txid = pupero::devchain::faucet(&settings, &user, amount).await?;
            println!(
                "sent {amount} XMR to {user}'s deposit address in {txid}; it is credited after 10 blocks"
            );
            Ok(())
        }
        Command::Serve { service, settings } => {
            init_logging(settings.log_format);
            let platform = Platform::start(settings, &[service]).await?;
            platform.run_until(shutdown_signal()).await
        }
        Command::Migrate { settings } => {
            init_logging(settings.log_format);
            settings.ensure_data_dir()?;
            let url = settings.database_url();
            let db = pupero_db::connect(&url)
                .await
                .with_context(|| format!("cannot open the database ({})", redact(&url)))?;
            migrate_all(&db).await?;
            println!("migrations applied to {}", redact(&url));
            Ok(())
        }
        Command::Admin {
            task: AdminTask::Solvency { settings },
        } => {
            init_logging(settings.log_format);
            let db = pupero_db::connect(&settings.database_url()).await?;
            migrate_all(&db).await?;
            let owed = pupero_transactions::ledger::liabilities(&db).await?;
            let url = settings
                .monero_rpc_url
                .clone()
                .context("MONERO_RPC_URL is not set")?;
            let wallet =
                pupero_wallet::rpc::WalletRpc::new(&url, settings.monero_rpc_credentials())?;
            wallet.refresh().await.ok();
            let held = i128::from(
                wallet
                    .balance()
                    .await
                    .context("cannot read the hot wallet's balance")?
                    .balance,
            );
            let xmr = |v: i128| {
                let sign = if v < 0 { "-" } else { "" };
                let v = v.unsigned_abs();
                format!(
                    "{sign}{}.{:012}",
                    v / 1_000_000_000_000,
                    v % 1_000_000_000_000
                )
            };
            println!(
                "hot wallet holds {} XMR; users are owed {} XMR; margin {} XMR",
                xmr(held),
                xmr(owed),
                xmr(held - owed)
            );
            if held >= owed {
                println!("solvent");
                Ok(())
            } else {
                bail!("INSOLVENT: the hot wallet holds less than the platform owes")
            }
        }
        Command::Admin {
            task: AdminTask::GenerateKeys { keys_dir },
        } => {
            pupero_http::token::generate_missing(&keys_dir)?;
            for service in pupero_http::token::SERVICES {
                let path = keys_dir.join(format!("{service}.pub"));
                let public = pupero_http::token::read_key(&path)?;
                println!(
                    "{service}: key id {} ({})",
                    pupero_http::token::key_id(&public),
                    path.display()
                );
            }
            Ok(())
        }
        Command::Admin {
            task: AdminTask::LedgerVerify { settings },
        } => {
            init_logging(settings.log_format);
            let db = pupero_db::connect(&settings.database_url()).await?;
            migrate_all(&db).await?;
            let report = pupero_transactions::ledger::verify(&db).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            if report.is_consistent() {
                println!(
                    "ledger consistent: {} accounts, {} entries, {} postings",
                    report.accounts, report.entries, report.postings
                );
                Ok(())
            } else {
                bail!("the ledger is NOT consistent (see above)")
            }
        }
        Command::Admin {
            task:
                AdminTask::CreateUser {
                    email,
                    username,
                    role,
                    password_env,
                    settings,
                },
        } => {
            init_logging(settings.log_format);
            let password = match password_env {
                Some(var) => std::env::var(&var).with_context(|| format!("{var} is not set"))?,
                None => {
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            if password.is_empty() {
                bail!("no password given (stdin or --password-env)");
            }
            settings.ensure_data_dir()?;
            let db = pupero_db::connect(&settings.database_url()).await?;
            migrate_all(&db).await?;
            let id = pupero::admin::create_user(&db, &email, &username, role, &password).await?;
            println!("created user {id} ({username}, {role})");
            Ok(())
        }
        Command::Bench {
            requests,
            concurrency,
            trades,
            monero,
            mut settings,
        } => {
            // The bench is quiet unless RUST_LOG asks otherwise.
            if std::env::var_os("RUST_LOG").is_none() {
                init_logging_with(LogFormat::Text, "warn");
            } else {
                init_logging(LogFormat::Text);
            }
            if monero {
                pupero::bench::monero(&mut settings, 20).await
            } else {
                run_bench(&mut settings, requests, concurrency, trades).await
            }
        }
    }
}

/// Starts the platform on free ports with a throwaway SQLite file (unless DATABASE_URL
/// says otherwise), signs users in, and measures each scenario.
async fn run_bench(
    settings: &mut Settings,
    requests: usize,
    concurrency: usize,
    trades: usize,
) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("pupero-bench-{}", std::process::id()));
    settings.data_dir = dir.clone();
    for service in AVAILABLE {
        settings.set_port(service, 0);
    }
    settings.login_rate_per_minute = 1_000_000;
    settings.register_rate_per_hour = 1_000_000;
    let platform = Platform::start(settings.clone(), &AVAILABLE).await?;
    let db = platform.db.clone().context("no database")?;
    let gateway = platform
        .url(Service::Gateway)
        .context("gateway not started")?;
    let login = platform.url(Service::Login).context("login not started")?;
    let offers = platform
        .url(Service::Offers)
        .context("offers not started")?;
    let http = reqwest::Client::new();
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
    pupero::admin::create_user(
        &db,
        &format!("{admin_name}@example.com"),
        &admin_name,
        Role::Admin,
        password,
    )
    .await?;
    let (_, admin) = sign_in_existing(&http, &gateway, &admin_name, password).await?;

    // 200 offers from 20 makers, half of them funded sellers.
    for maker in 0..20 {
        let (id, maker_token) = sign_in(format!("maker{run_id}x{maker}")).await?;
        credit(&http, &gateway, &admin, id, "100").await?;
        for n in 0..10 {
            let side = if n % 2 == 0 { "sell" } else { "buy" };
            let body = serde_json::json!({"side": side, "currency": "EUR", "price": format!("{}.{:02}", 140 + n, maker),
                "payment_method": "sepa", "min_amount": "0.1", "max_amount": "5", "payment_window_minutes": 60});
            http.post(format!("{gateway}/offers"))
                .bearer_auth(&maker_token)
                .json(&body)
                .send()
                .await?
                .error_for_status()?;
        }
    }

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
    println!(
        "pupero bench: {requests} requests per scenario, {concurrency} connections, database {}, build {}",
        pupero_db::backend_name(&db),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    println!("{}", bench::header());
    for scenario in &scenarios {
        let outcome = bench::run(scenario, requests, concurrency).await?;
        println!("{}", bench::row(&outcome));
    }

    // Whole trades: one seller and one buyer per worker, so workers do not queue on one account.
    let workers = concurrency.min(16);
    let mut pairs = Vec::new();
    for w in 0..workers {
        let (seller_id, seller) = sign_in(format!("seller{run_id}x{w}")).await?;
        let (_, buyer) = sign_in(format!("buyer{run_id}x{w}")).await?;
        credit(&http, &gateway, &admin, seller_id, "1000").await?;
        let body = serde_json::json!({"side": "sell", "currency": "EUR", "price": "150", "payment_method": "sepa",
            "min_amount": "0.001", "max_amount": "1", "payment_window_minutes": 60});
        let offer: serde_json::Value = http
            .post(format!("{gateway}/offers"))
            .bearer_auth(&seller)
            .json(&body)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let offer_id = offer["id"].as_i64().context("offer id")?;
        pairs.push((seller, buyer, offer_id));
    }
    let pairs = Arc::new(pairs);
    let base = gateway.clone();
    let client = http.clone();
    let outcome = bench::run_cycles(
        "trade: open → paid → release",
        trades,
        workers,
        move |w| {
            let pairs = pairs.clone();
            let http = client.clone();
            let base = base.clone();
            async move {
                let (seller, buyer, offer_id) = &pairs[w];
                let t: serde_json::Value = http
                    .post(format!("{base}/transactions/trades"))
                    .bearer_auth(buyer)
                    .json(&serde_json::json!({"offer_id": offer_id, "amount": "0.01", "price": "150.00"}))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                let id = t["id"].as_i64().context("trade id")?;
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
    println!("{}", bench::row(&outcome));
    println!(
        "completed trades per second: {:.1} ({} workers)",
        outcome.rps(),
        workers
    );
    // The web frontend: a page is the session lookup, a few API calls through the
    // gateway, and the template.
    let frontend = platform
        .url(Service::Frontend)
        .context("frontend not started")?;
    let seller_name = format!("seller{run_id}x0");
    let cookie = web_sign_in(&http, &frontend, &seller_name, password).await?;
    let (_, seller_token) = sign_in_existing(&http, &gateway, &seller_name, password).await?;
    let trades_page: serde_json::Value = http
        .get(format!("{gateway}/transactions/trades?limit=1"))
        .bearer_auth(&seller_token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let trade_id = trades_page["trades"][0]["id"].as_i64().context("a trade")?;
    println!();
    println!("{}", bench::header());
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
        let outcome = bench::run(scenario, requests.min(5_000), concurrency).await?;
        println!("{}", bench::row(&outcome));
    }

    let report = pupero_transactions::ledger::verify(&db).await?;
    println!(
        "ledger after the run: consistent = {}, {} entries",
        report.is_consistent(),
        report.entries
    );

    platform.stop().await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

/// Signs in through the web frontend's form, as a browser does; returns the Cookie header.
async fn web_sign_in(
    http: &reqwest::Client,
    frontend: &str,
    username: &str,
    password: &str,
) -> anyhow::Result<String> {
    let cookie_of = |r: &reqwest::Response| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("pupero_session="))
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
    };
    let page = http.get(format!("{frontend}/login")).send().await?;
    let anonymous = cookie_of(&page).context("no session cookie")?;
    let body = page.text().await?;
    let marker = "name=\"_csrf\" value=\"";
    let start = body.find(marker).context("no CSRF token")? + marker.len();
    let token = &body[start..start + body[start..].find('"').context("no CSRF token")?];
    let form = format!(
        "_csrf={token}&username={username}&password={}",
        password.replace(' ', "+")
    );
    let signed = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?
        .post(format!("{frontend}/login"))
        .header("cookie", anonymous)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await?;
    cookie_of(&signed).context("sign-in through the frontend failed")
}

async fn sign_in_existing(
    http: &reqwest::Client,
    gateway: &str,
    name: &str,
    password: &str,
) -> anyhow::Result<(i64, String)> {
    let tokens: serde_json::Value = http
        .post(format!("{gateway}/auth/login"))
        .json(&serde_json::json!({"username": name, "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = tokens["access_token"]
        .as_str()
        .context("no access token")?
        .to_owned();
    let me: serde_json::Value = http
        .get(format!("{gateway}/auth/me"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok((me["id"].as_i64().context("no id")?, token))
}

async fn credit(
    http: &reqwest::Client,
    gateway: &str,
    admin: &str,
    user_id: i64,
    xmr: &str,
) -> anyhow::Result<()> {
    http.post(format!("{gateway}/transactions/admin/adjust"))
        .bearer_auth(admin)
        .json(&serde_json::json!({"user_id": user_id, "amount": xmr, "direction": "credit", "reason": "bench funding"}))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}
