//! `pupero`: every Pupero service and operator task in one executable.

use std::io::BufRead;
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
        #[command(flatten)]
        settings: Settings,
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
        #[command(flatten)]
        settings: Settings,
    },
}

#[derive(Subcommand)]
enum AdminTask {
    /// Recompute every balance from the journal; exit non-zero on any mismatch, unbalanced
    /// entry or negative user balance.
    LedgerVerify {
        #[command(flatten)]
        settings: Settings,
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
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
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
        Command::Up { settings } => {
            init_logging(settings.log_format);
            let platform = Platform::start(settings, &AVAILABLE).await?;
            platform.run_until(shutdown_signal()).await
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
            mut settings,
        } => {
            init_logging(LogFormat::Text);
            run_bench(&mut settings, requests, concurrency).await
        }
    }
}

/// Starts the platform on free ports with a throwaway SQLite file (unless DATABASE_URL
/// says otherwise), signs a user in, and measures each scenario.
async fn run_bench(
    settings: &mut Settings,
    requests: usize,
    concurrency: usize,
) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("pupero-bench-{}", std::process::id()));
    settings.data_dir = dir.clone();
    settings.gateway_port = 0;
    settings.login_port = 0;
    settings.login_rate_per_minute = 1_000_000;
    settings.register_rate_per_hour = 1_000_000;
    let platform = Platform::start(settings.clone(), &AVAILABLE).await?;
    let gateway = platform
        .url(Service::Gateway)
        .context("gateway not started")?;
    let login = platform.url(Service::Login).context("login not started")?;

    let http = reqwest::Client::new();
    let password = "bench password 123";
    http.post(format!("{gateway}/auth/register"))
        .json(&serde_json::json!({"email": "bench@example.com", "username": "bench", "password": password}))
        .send()
        .await?
        .error_for_status()?;
    let tokens: serde_json::Value = http
        .post(format!("{gateway}/auth/login"))
        .json(&serde_json::json!({"username": "bench", "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = tokens["access_token"]
        .as_str()
        .context("no access token")?
        .to_owned();

    let scenarios = [
        Scenario {
            name: "GET /healthz (gateway, aggregate)".into(),
            url: format!("{gateway}/healthz"),
            bearer: None,
        },
        Scenario {
            name: "GET /healthz (login, direct)".into(),
            url: format!("{login}/healthz"),
            bearer: None,
        },
        Scenario {
            name: "GET /auth/me (through gateway)".into(),
            url: format!("{gateway}/auth/me"),
            bearer: Some(token.clone()),
        },
        Scenario {
            name: "GET /me (login, direct)".into(),
            url: format!("{login}/me"),
            bearer: Some(token),
        },
    ];
    println!(
        "pupero bench: {requests} requests per scenario, {concurrency} connections, database {}, build {}",
        pupero_db::backend_name(platform.db.as_ref().context("no database")?),
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
    platform.stop().await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
