//! `pupero`: every Pupero service and operator task in one executable.

use anyhow::bail;
use clap::{Parser, Subcommand};

use pupero::platform::{AVAILABLE, Platform};
use pupero::{admin, bench};
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
    /// Tell the wallet service a transaction or block arrived, so it sweeps for deposits
    /// now: what monero-wallet-rpc's `--tx-notify` and monerod's `--block-notify` run
    /// (`pupero notify tx %s`, `pupero notify block %s`; docs/OPERATIONS.md).
    Notify {
        #[arg(value_enum)]
        event: pupero::notify::ChainEvent,
        /// The transaction's or block's hash (the notifier's `%s`).
        hash: String,
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
    /// Check a signed trade receipt (from `GET /transactions/trades/{id}/receipt`)
    /// offline: exits non-zero if any byte of it was changed or another key signed it.
    VerifyReceipt {
        /// The receipt file.
        file: std::path::PathBuf,
        /// The platform's public key (64 hex characters, from its
        /// `/transactions/audit/public-key`).
        #[arg(
            long,
            value_name = "HEX",
            conflicts_with = "url",
            required_unless_present = "url"
        )]
        public_key: Option<String>,
        /// Or the platform's address, e.g. https://market.example; the key is read there.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
    },
    /// Operator tasks.
    Admin {
        #[command(subcommand)]
        task: AdminTask,
    },
    /// The chaos run (a long system test, not for production): one gateway and two
    /// replicas each of login, offers, transactions and wallet as separate processes on
    /// --database-url (an empty MariaDB or PostgreSQL database), RabbitMQ, Redis and a
    /// private regtest chain, under a mixed load while replicas are SIGKILLed and
    /// restarted; then checks that no money was lost or moved twice. Exits non-zero when
    /// an invariant fails. See docs/OPERATIONS.md, "Chaos run".
    Chaos {
        #[command(flatten)]
        options: pupero::chaos::Options,
        #[command(flatten)]
        settings: Settings,
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
        /// Seconds of wrk load per hot-path scenario (the listing, a balance, logins).
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// wrk connections per hot-path scenario.
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// Stop after the hot paths (issue 11's table with the nginx reference and RSS).
        #[arg(long)]
        hot_paths_only: bool,
        /// Run only the trade scenario (open → paid → release) and the ledger check.
        #[arg(long)]
        trades_only: bool,
        /// Append the run (command, machine, load, every figure printed) to this file,
        /// e.g. docs/BENCHMARKS.md.
        #[arg(long, value_name = "FILE")]
        record: Option<std::path::PathBuf>,
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
    /// Check every audit chain: each record's hash and link, no gap in the numbering, the
    /// head, and every signed checkpoint. Exits non-zero naming the first bad record (an
    /// edited, deleted, inserted or reordered one). See docs/OPERATIONS.md.
    AuditVerify {
        /// A trusted public key (64 hex characters, from `/transactions/audit/public-key`);
        /// repeat for the keys of earlier rotations. Default: the public half of
        /// AUDIT_SIGNING_KEY (or of the key generated in the data directory).
        #[arg(long = "public-key", value_name = "HEX")]
        public_keys: Vec<String>,
        #[command(flatten)]
        settings: Settings,
    },
    /// Take a consistent snapshot of the database while the platform runs, into DIR (new
    /// or empty): a portable data file and manifest.json (schema versions, ledger totals,
    /// wallet height, and the files and secrets to copy by hand). See docs/OPERATIONS.md.
    Backup {
        #[arg(long, value_name = "DIR")]
        to: std::path::PathBuf,
        #[command(flatten)]
        settings: Settings,
    },
    /// Restore a backup into an EMPTY database (DATABASE_URL), then check every table's
    /// row count, the ledger's consistency and its totals against the manifest.
    Restore {
        #[arg(long, value_name = "DIR")]
        from: std::path::PathBuf,
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
    /// Create an account with a role (how the first admin is made). The password is asked
    /// for without echo on a terminal, else read from the first line of standard input,
    /// unless --password-env names a variable.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        username: String,
        /// user, moderator or admin.
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
    s.parse().map_err(|_: pupero_core::IdentityError| {
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("unknown role; the roles are {}", roles.join(", "))
    })
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
    // Before any HTTP client is built (pupero-http/src/tls.rs).
    pupero_http::tls::install_crypto_provider();
    // Environment wins over .env, which only fills what is unset.
    let _ = dotenvy::dotenv();
    match Cli::parse().command {
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
            let data_dir = settings.data_dir.clone();
            let platform = Platform::start(settings, &AVAILABLE).await?;
            println!("{}", pupero::welcome::banner(&platform, &data_dir, regtest));
            platform.run_until(shutdown_signal()).await
        }
        Command::Serve { service, settings } => {
            init_logging(settings.log_format);
            let platform = Platform::start(settings, &[service]).await?;
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
        Command::Notify {
            event,
            hash,
            settings,
        } => {
            init_logging(settings.log_format);
            pupero::notify::notify(&settings, event, &hash).await
        }
        Command::VerifyReceipt {
            file,
            public_key,
            url,
        } => {
            let key = match (public_key, url) {
                (Some(hex), _) => pupero::receipts::TrustedKey::Given(hex),
                (None, Some(url)) => pupero::receipts::TrustedKey::Published(url),
                (None, None) => bail!("give --public-key or --url"),
            };
            let trusted = pupero::receipts::resolve(key).await?;
            let bytes = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let receipt = pupero::receipts::verify(&bytes, &trusted)?;
            println!(
                "valid receipt: trade {} {} ({} XMR, seller {}, buyer {}), signed by {trusted}",
                receipt.trade_id,
                receipt.state,
                receipt.amount,
                receipt.seller_id,
                receipt.buyer_id
            );
            Ok(())
        }
        Command::Migrate { settings } => {
            init_logging(settings.log_format);
            admin::migrate(&settings).await
        }
        Command::Admin { task } => run_admin(task).await,
        Command::Chaos { options, settings } => {
            if std::env::var_os("RUST_LOG").is_none() {
                init_logging_with(LogFormat::Text, "warn");
            } else {
                init_logging(LogFormat::Text);
            }
            if pupero::chaos::run(settings, options).await? {
                Ok(())
            } else {
                bail!("the chaos run found invariants broken (see above)")
            }
        }
        Command::Bench {
            requests,
            concurrency,
            trades,
            monero,
            seconds,
            connections,
            hot_paths_only,
            trades_only,
            record,
            mut settings,
        } => {
            let machine = bench::record::Machine::now();
            // The bench is quiet unless RUST_LOG asks otherwise.
            if std::env::var_os("RUST_LOG").is_none() {
                init_logging_with(LogFormat::Text, "warn");
            } else {
                init_logging(LogFormat::Text);
            }
            if monero {
                bench::monero(&mut settings, 20).await?;
            } else {
                let hot = bench::HotPaths {
                    seconds,
                    connections,
                    only: hot_paths_only,
                    trades_only,
                };
                bench::api(&mut settings, requests, concurrency, trades, hot).await?;
            }
            match record {
                Some(path) => {
                    let command = std::env::args().collect::<Vec<_>>().join(" ");
                    bench::record::append(&path, &command, &machine)
                }
                None => Ok(()),
            }
        }
    }
}

async fn run_admin(task: AdminTask) -> anyhow::Result<()> {
    match task {
        AdminTask::Solvency { settings } => {
            init_logging(settings.log_format);
            admin::solvency(&settings).await
        }
        AdminTask::LedgerVerify { settings } => {
            init_logging(settings.log_format);
            admin::ledger_verify(&settings).await
        }
        AdminTask::AuditVerify {
            public_keys,
            settings,
        } => {
            init_logging(settings.log_format);
            admin::audit_verify(&settings, &public_keys).await
        }
        AdminTask::Backup { to, settings } => {
            init_logging(settings.log_format);
            let manifest = admin::backup(&settings, &to).await?;
            admin::print_backup(&to, &manifest);
            Ok(())
        }
        AdminTask::Restore { from, settings } => {
            init_logging(settings.log_format);
            let report = admin::restore(&settings, &from).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            println!(
                "restored {} rows into {} tables; the ledger is consistent and its totals equal the manifest's",
                report.rows, report.tables
            );
            Ok(())
        }
        AdminTask::GenerateKeys { keys_dir } => admin::generate_keys(&keys_dir),
        AdminTask::CreateUser {
            email,
            username,
            role,
            password_env,
            settings,
        } => {
            init_logging(settings.log_format);
            let account = admin::NewAccount {
                email,
                username,
                role,
                password_env,
            };
            admin::create_user(&settings, account).await
        }
    }
}
