//! Starting services: bind every listener first (so port 0 works and the gateway learns
//! the real addresses), then migrate, then serve until shutdown, which drains in stages
//! (see `shutdown`).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use pupero_config::{Service, Settings};
use pupero_http::JwtKeys;

use crate::migrations::migrate_all;
use crate::shutdown::Stage;

/// The services this build can run.
pub const AVAILABLE: [Service; 7] = [
    Service::Frontend,
    Service::Gateway,
    Service::Login,
    Service::Offers,
    Service::Transactions,
    Service::Wallet,
    Service::Moderation,
];

/// A running set of services.
pub struct Platform {
    pub addrs: BTreeMap<&'static str, SocketAddr>,
    pub db: Option<DatabaseConnection>,
    grace: Duration,
    /// The gateway and the frontend, stopped first: what they have in flight may still
    /// need the services behind them.
    edge: Stage,
    /// Background loops (sweeps, withdrawals, expiry, relay), stopped next, between two
    /// steps, while the services their steps call still answer.
    workers: Stage,
    /// The services behind the edge, stopped last.
    inner: Stage,
    /// A server that stops by itself (its listener failed) says so here.
    exits: mpsc::UnboundedReceiver<(&'static str, std::io::Result<()>)>,
}

impl Platform {
    /// Starts `services` with `settings`. Ports of 0 pick free ports; the real addresses
    /// are in [`Platform::addrs`].
    pub async fn start(mut settings: Settings, services: &[Service]) -> anyhow::Result<Self> {
        pupero_http::tls::install_crypto_provider();
        for s in services {
            if !AVAILABLE.contains(s) {
                anyhow::bail!("the {} service is not part of this build yet", s.name());
            }
        }
        // Only login (TOTP secrets), transactions (webhook secrets) and the frontend (its
        // sessions' tokens) seal data at rest; the other services never see the key, and
        // need none to start.
        let data_key = if services.contains(&Service::Login)
            || services.contains(&Service::Transactions)
            || services.contains(&Service::Frontend)
        {
            Some(pupero_db::seal::DataKey::from_hex(
                settings.resolve_data_key()?.expose(),
            )?)
        } else {
            None
        };
        let keys = load_keys(&settings, services)?;
        // The services that keep an audit chain sign its checkpoints; transactions also
        // signs trade receipts and publishes the public key.
        let audit_key = if [Service::Login, Service::Transactions, Service::Moderation]
            .iter()
            .any(|s| services.contains(s))
        {
            Some(pupero_db::signing::SigningKey::from_hex(
                settings.resolve_audit_key()?.expose(),
            )?)
        } else {
            None
        };
        let checkpoint_interval = Duration::from_secs(settings.audit_checkpoint_seconds);
        // Checked before anything listens, so a refused secret is the error one sees.
        let frontend_secret = if services.contains(&Service::Frontend) {
            Some(settings.resolve_frontend_secret()?)
        } else {
            None
        };
        let metrics_token = settings.resolve_metrics_token()?;
        let metrics_auth = pupero_http::MetricsAuth::new(
            metrics_token.as_ref().map(pupero_config::Secret::expose),
        );

        let mut listeners = Vec::new();
        let mut addrs = BTreeMap::new();
        for &service in services {
            let addr = SocketAddr::new(settings.bind_address, settings.port(service));
            let listener = TcpListener::bind(addr).await.with_context(|| {
                format!("cannot listen on {addr} for the {} service", service.name())
            })?;
            let local = listener.local_addr()?;
            addrs.insert(service.name(), local);
            settings.set_port(service, local.port());
            listeners.push((service, listener));
        }

        let needs_db = services.iter().any(|s| *s != Service::Gateway);
        let db = if needs_db {
            settings.ensure_data_dir()?;
            let db = connect(&settings).await?;
            migrate_all(&db).await?;
            Some(db)
        } else {
            None
        };

        let mut edge = Stage::new("edge");
        let mut workers = Stage::new("workers");
        let mut inner = Stage::new("services");
        let (exited, exits) = mpsc::unbounded_channel();
        for (service, listener) in listeners {
            let app = match service {
                Service::Login => {
                    let db = db.clone().context("login needs a database")?;
                    let data_key = data_key.as_ref().context("login needs the data key")?;
                    let state =
                        pupero_login::LoginState::new(db, keys.only("login"), data_key, &settings)?;
                    let sealed = pupero_login::store::seal_plaintext_totp_secrets(
                        &state.db,
                        &state.totp_key,
                    )
                    .await?;
                    if sealed > 0 {
                        tracing::info!(sealed, "sealed TOTP secrets stored before encryption");
                    }
                    workers.push(pupero_http::audit::spawn_checkpoints(
                        state.db.clone(),
                        pupero_login::store::AUDIT_CHAIN,
                        audit_key.clone().context("login needs the audit key")?,
                        checkpoint_interval,
                        workers.signal(),
                    ));
                    workers.push(pupero_login::presence::spawn_retell(
                        state.clone(),
                        Duration::from_secs(settings.record_retell_seconds.max(1)),
                        workers.signal(),
                    ));
                    pupero_login::router(state).into_app()
                }
                Service::Frontend => {
                    let db = db.clone().context("the frontend needs a database")?;
                    let secret = frontend_secret
                        .as_ref()
                        .context("the frontend needs its secret")?;
                    let data_key = data_key
                        .as_ref()
                        .context("the frontend needs the data key")?;
                    let state = pupero_frontend::FrontendState::new(
                        db,
                        keys.only("frontend"),
                        secret.expose(),
                        data_key,
                        &settings,
                    )?;
                    pupero_frontend::app(state)
                }
                Service::Gateway => {
                    // Started with other services (`pupero up`), it routes to those; started
                    // alone (`pupero serve gateway`), to every service of the build, each
                    // running elsewhere. A `*_SERVICE_URL` adds one either way.
                    let deployed = if services.len() > 1 {
                        services
                    } else {
                        &AVAILABLE[..]
                    };
                    let state = pupero_gateway::GatewayState::new(
                        &settings,
                        keys.only("gateway"),
                        deployed,
                    )?;
                    pupero_gateway::router(state).into_app()
                }
                Service::Offers => {
                    let db = db.clone().context("offers needs a database")?;
                    let state =
                        pupero_offers::OffersState::new(db, keys.only("offers"), &settings)?;
                    workers.push(pupero_offers::spawn_price_feed(
                        state.clone(),
                        workers.signal(),
                    ));
                    pupero_offers::router(state).into_app()
                }
                Service::Moderation => {
                    let db = db.clone().context("moderation needs a database")?;
                    let state = pupero_moderation::ModerationState::new(
                        db,
                        keys.only("moderation"),
                        &settings,
                    )?;
                    workers.push(pupero_moderation::spawn_retell(
                        state.clone(),
                        workers.signal(),
                    ));
                    workers.push(pupero_http::audit::spawn_checkpoints(
                        state.db.clone(),
                        pupero_moderation::AUDIT_CHAIN,
                        audit_key
                            .clone()
                            .context("moderation needs the audit key")?,
                        checkpoint_interval,
                        workers.signal(),
                    ));
                    pupero_moderation::router(state).into_app()
                }
                Service::Wallet => {
                    let db = db.clone().context("wallet needs a database")?;
                    let state =
                        pupero_wallet::WalletState::new(db, keys.only("wallet"), &settings)?;
                    check_network(&state, &settings).await?;
                    if let Some(file) = settings.monero_wallet_file.clone() {
                        let password = settings
                            .monero_wallet_password
                            .as_ref()
                            .map(|p| p.expose().to_owned())
                            .unwrap_or_default();
                        workers.push(spawn_wallet_opener(
                            state.clone(),
                            file,
                            password,
                            workers.signal(),
                        ));
                    }
                    if state.is_configured() {
                        workers.push(pupero_wallet::spawn_sweeper(
                            state.clone(),
                            workers.signal(),
                        ));
                        workers.push(pupero_wallet::spawn_wallet_metrics(
                            state.clone(),
                            state.metrics_interval,
                            workers.signal(),
                        ));
                        workers.push(pupero_wallet::spawn_worker(
                            state.clone(),
                            state.wake.clone(),
                            state.poll_interval,
                            workers.signal(),
                        ));
                        if let Some(broker) = state.broker.clone() {
                            workers.push(pupero_wallet::spawn_consumer(
                                state.clone(),
                                broker,
                                workers.signal(),
                            ));
                        }
                    }
                    pupero_wallet::router(state).into_app()
                }
                Service::Transactions => {
                    let db = db.clone().context("transactions needs a database")?;
                    let data_key = data_key
                        .as_ref()
                        .context("transactions needs the data key")?;
                    let audit_key = audit_key
                        .clone()
                        .context("transactions needs the audit key")?;
                    let state = pupero_transactions::TransactionsState::new(
                        db,
                        keys.only("transactions"),
                        data_key,
                        audit_key.clone(),
                        &settings,
                    )?;
                    workers.push(pupero_transactions::spawn_dispatcher(
                        state.clone(),
                        workers.signal(),
                    ));
                    workers.push(pupero_transactions::spawn_deliverer(
                        state.clone(),
                        workers.signal(),
                    ));
                    workers.push(pupero_http::audit::spawn_checkpoints(
                        state.db.clone(),
                        pupero_transactions::AUDIT_CHAIN,
                        audit_key,
                        checkpoint_interval,
                        workers.signal(),
                    ));
                    workers.push(pupero_transactions::spawn_audit_sequencer(
                        state.clone(),
                        workers.signal(),
                    ));
                    workers.push(pupero_transactions::spawn_expiry_worker(
                        state.clone(),
                        workers.signal(),
                    ));
                    workers.push(pupero_transactions::spawn_record_retell(
                        state.clone(),
                        workers.signal(),
                    ));
                    workers.push(pupero_transactions::spawn_money_metrics(
                        state.clone(),
                        state.metrics_interval,
                        workers.signal(),
                    ));
                    workers.push(pupero_transactions::spawn_ledger_verifier(
                        state.clone(),
                        state.ledger_verify_interval,
                        workers.signal(),
                    ));
                    if let Some(publisher) = state.publisher.clone() {
                        workers.push(pupero_transactions::outbox::spawn_relay(
                            state.db.clone(),
                            publisher,
                            state.outbox_wake.clone(),
                            state.leases.keep("outbox_relay", workers.signal()),
                            workers.signal(),
                        ));
                    }
                    pupero_transactions::router(state).into_app()
                }
            };
            let app = app.layer(axum::Extension(metrics_auth.clone()));
            let stage = match service {
                Service::Gateway | Service::Frontend => &mut edge,
                _ => &mut inner,
            };
            let mut signal = stage.signal();
            // Offered to this process's callers until the service is told to stop, when a
            // call over the socket would find the listener closing too.
            let offer = match (settings.in_process_calls, addrs.get(service.name())) {
                (true, Some(&addr)) => Some(pupero_http::in_process::offer(addr, app.clone())),
                _ => None,
            };
            let stop = async move {
                let _ = signal.wait_for(|stop| *stop).await;
                drop(offer);
            };
            let exited = exited.clone();
            let name = service.name();
            tracing::info!(service = name, addr = ?addrs.get(name), "listening");
            stage.push(tokio::spawn(async move {
                let outcome = pupero_http::serve(listener, app, stop).await;
                let _ = exited.send((name, outcome));
            }));
        }
        Ok(Self {
            addrs,
            db,
            grace: Duration::from_secs(settings.shutdown_grace_seconds),
            edge,
            workers,
            inner,
            exits,
        })
    }

    pub fn url(&self, service: Service) -> Option<String> {
        self.addrs
            .get(service.name())
            .map(|a| format!("http://{a}"))
    }

    /// Runs until `until` resolves (a signal) or a service stops by itself, then stops
    /// everything as [`Platform::stop`] does; a service's failure is the error.
    pub async fn run_until(
        mut self,
        until: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<()> {
        let exited = tokio::select! {
            () = until => {
                tracing::info!(grace_seconds = self.grace.as_secs(), "shutting down");
                None
            }
            exit = self.exits.recv() => exit,
        };
        self.stop().await;
        match exited {
            Some((service, Err(e))) => {
                Err(anyhow::Error::new(e).context(format!("the {service} service failed")))
            }
            _ => Ok(()),
        }
    }

    /// Stops accepting, lets requests in flight and background steps under way finish, and
    /// returns when all is done or the grace period (`SHUTDOWN_GRACE_SECONDS`) is over.
    pub async fn stop(self) {
        let deadline = Instant::now() + self.grace;
        self.edge.stop(deadline).await;
        self.workers.stop(deadline).await;
        self.inner.stop(deadline).await;
    }
}

/// Refuses to start the wallet service when MONERO_NETWORK, the daemon's chain and the hot
/// wallet's addresses disagree. The wallet file is opened first (once; the opener below
/// keeps trying if that fails) so its address can be read.
async fn check_network(
    state: &pupero_wallet::WalletState,
    settings: &Settings,
) -> anyhow::Result<()> {
    let Some(wallet) = &state.wallet_rpc else {
        return Ok(());
    };
    if let Some(file) = &settings.monero_wallet_file {
        let password = settings
            .monero_wallet_password
            .as_ref()
            .map(|p| p.expose().to_owned())
            .unwrap_or_default();
        let _ = pupero_wallet::open_hot_wallet(state, file, &password).await;
    }
    let observed = pupero_wallet::network::observe(&state.daemon, wallet).await;
    pupero_wallet::network::check(settings.monero_network, &observed)?;
    Ok(())
}

/// Opens (or creates) the hot wallet, retrying while wallet-rpc is not up yet.
fn spawn_wallet_opener(
    state: pupero_wallet::WalletState,
    file: String,
    password: String,
    mut shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match pupero_wallet::open_hot_wallet(&state, &file, &password).await {
                Ok(()) => {
                    tracing::info!(wallet = %file, "hot wallet open");
                    return;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot open the hot wallet yet; retrying");
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_secs(5)) => {}
                        _ = shutdown.wait_for(|stop| *stop) => return,
                    }
                }
            }
        }
    })
}

/// Opens the configured database; a failure names it without its password.
pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let url = settings.database_url();
    pupero_db::connect(&url, settings.database_pool_size)
        .await
        .with_context(|| format!("cannot open the database ({})", redact(&url)))
}

/// The URL without its password, for error messages.
pub use pupero_config::redact_url as redact;

/// The token keys of `services` (their private keys) and every trusted public key.
/// Outside production, missing keys are generated into the keys directory, so `pupero up`
/// needs no configuration; production never generates one and refuses to start without.
pub fn load_keys(settings: &Settings, services: &[Service]) -> anyhow::Result<JwtKeys> {
    let dir = settings.keys_dir();
    if !settings.is_production() {
        pupero_http::token::generate_missing(&dir)
            .with_context(|| format!("cannot create the token keys in {}", dir.display()))?;
    }
    let names: Vec<&str> = services.iter().map(|s| s.name()).collect();
    JwtKeys::load(&dir, &names).with_context(|| {
        format!(
            "cannot load the token keys (PUPERO_KEYS_DIR={})",
            dir.display()
        )
    })
}
