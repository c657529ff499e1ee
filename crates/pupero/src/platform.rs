//! Starting services: bind every listener first (so port 0 works and the gateway learns
//! the real addresses), then migrate, then serve until shutdown.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use anyhow::Context;
use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use pupero_config::{Service, Settings};
use pupero_http::JwtKeys;

/// The services this build can run. The others answer as down in the gateway's health
/// until their issues land.
pub const AVAILABLE: [Service; 6] = [
    Service::Frontend,
    Service::Gateway,
    Service::Login,
    Service::Offers,
    Service::Transactions,
    Service::Wallet,
];

/// A running set of services.
pub struct Platform {
    pub addrs: BTreeMap<&'static str, SocketAddr>,
    pub db: Option<DatabaseConnection>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<std::io::Result<()>>>,
    /// Background loops (trade expiry); aborted at shutdown.
    workers: AbortOnDrop,
}

impl Platform {
    /// Starts `services` with `settings`. Ports of 0 pick free ports; the real addresses
    /// are in [`Platform::addrs`].
    pub async fn start(mut settings: Settings, services: &[Service]) -> anyhow::Result<Self> {
        for s in services {
            if !AVAILABLE.contains(s) {
                anyhow::bail!("the {} service is not part of this build yet", s.name());
            }
        }
        // Only login (TOTP secrets) and the frontend (its sessions' tokens) seal data at
        // rest; the other services never see the key, and need none to start.
        let data_key =
            if services.contains(&Service::Login) || services.contains(&Service::Frontend) {
                Some(pupero_db::seal::DataKey::from_hex(
                    settings.resolve_data_key()?.expose(),
                )?)
            } else {
                None
            };
        let keys = load_keys(&settings, services)?;
        // Checked before anything listens, so a refused secret is the error one sees.
        let frontend_secret = if services.contains(&Service::Frontend) {
            Some(settings.resolve_frontend_secret()?)
        } else {
            None
        };
        let metrics_token = settings.resolve_metrics_token()?;
        let metrics_auth =
            pupero_http::MetricsAuth::new(metrics_token.as_ref().map(|t| t.expose()));

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
            let url = settings.database_url();
            let db = pupero_db::connect(&url)
                .await
                .with_context(|| format!("cannot open the database ({})", redact(&url)))?;
            migrate_all(&db).await?;
            Some(db)
        } else {
            None
        };

        let (shutdown, signal) = watch::channel(false);
        let mut tasks = Vec::new();
        let mut workers = Vec::new();
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
                    let state = pupero_gateway::GatewayState::new(&settings, keys.only("gateway"));
                    pupero_gateway::router(state).into_app()
                }
                Service::Offers => {
                    let db = db.clone().context("offers needs a database")?;
                    let state =
                        pupero_offers::OffersState::new(db, keys.only("offers"), &settings)?;
                    pupero_offers::router(state).into_app()
                }
                Service::Wallet => {
                    let db = db.clone().context("wallet needs a database")?;
                    let state =
                        pupero_wallet::WalletState::new(db, keys.only("wallet"), &settings)?;
                    if let Some(file) = settings.monero_wallet_file.clone() {
                        let password = settings
                            .monero_wallet_password
                            .as_ref()
                            .map(|p| p.expose().to_owned())
                            .unwrap_or_default();
                        workers.push(spawn_wallet_opener(state.clone(), file, password));
                    }
                    if state.is_configured() {
                        workers.push(pupero_wallet::spawn_sweeper(state.clone()));
                        workers.push(pupero_wallet::spawn_worker(
                            state.clone(),
                            state.wake.clone(),
                            state.poll_interval,
                        ));
                        if let Some(broker) = state.broker.clone() {
                            workers.push(pupero_wallet::spawn_consumer(state.clone(), broker));
                        }
                    }
                    pupero_wallet::router(state).into_app()
                }
                Service::Transactions => {
                    let db = db.clone().context("transactions needs a database")?;
                    let state = pupero_transactions::TransactionsState::new(
                        db,
                        keys.only("transactions"),
                        &settings,
                    )?;
                    workers.push(pupero_transactions::spawn_expiry_worker(state.clone()));
                    if let Some(publisher) = state.publisher.clone() {
                        workers.push(pupero_transactions::outbox::spawn_relay(
                            state.db.clone(),
                            publisher,
                            state.outbox_wake.clone(),
                        ));
                    }
                    pupero_transactions::router(state).into_app()
                }
                other => {
                    anyhow::bail!("the {} service is not part of this build yet", other.name())
                }
            };
            let app = app.layer(axum::Extension(metrics_auth.clone()));
            let mut signal = signal.clone();
            let stop = async move {
                let _ = signal.wait_for(|stop| *stop).await;
            };
            tracing::info!(service = service.name(), addr = %addrs[service.name()], "listening");
            tasks.push(tokio::spawn(pupero_http::serve(listener, app, stop)));
        }
        Ok(Self {
            addrs,
            db,
            shutdown,
            tasks,
            workers: AbortOnDrop(workers),
        })
    }

    pub fn url(&self, service: Service) -> Option<String> {
        self.addrs
            .get(service.name())
            .map(|a| format!("http://{a}"))
    }

    /// Runs until one service stops (an error) or `until` resolves, then stops them all.
    pub async fn run_until(
        self,
        until: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<()> {
        let Self {
            shutdown, tasks, ..
        } = self;
        let first_exit = futures::future::select_all(tasks);
        tokio::select! {
            () = until => {
                tracing::info!("shutting down");
                let _ = shutdown.send(true);
                Ok(())
            }
            (result, _, rest) = first_exit => {
                let _ = shutdown.send(true);
                futures::future::join_all(rest).await;
                match result {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(e)) => Err(e.into()),
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    /// Stops every service and waits for in-flight requests to finish.
    pub async fn stop(self) {
        let Self {
            shutdown,
            tasks,
            workers,
            ..
        } = self;
        drop(workers);
        let _ = shutdown.send(true);
        futures::future::join_all(tasks).await;
    }
}

struct AbortOnDrop(Vec<JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for w in &self.0 {
            w.abort();
        }
    }
}

/// Opens (or creates) the hot wallet, retrying while wallet-rpc is not up yet.
fn spawn_wallet_opener(
    state: pupero_wallet::WalletState,
    file: String,
    password: String,
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
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                }
            }
        }
    })
}

/// Every service's migrations, each with its own migration table.
pub async fn migrate_all(db: &DatabaseConnection) -> anyhow::Result<()> {
    pupero_login::Migrator::up(db, None)
        .await
        .context("login migrations failed")?;
    pupero_offers::Migrator::up(db, None)
        .await
        .context("offers migrations failed")?;
    pupero_transactions::Migrator::up(db, None)
        .await
        .context("transactions migrations failed")?;
    pupero_wallet::Migrator::up(db, None)
        .await
        .context("wallet migrations failed")?;
    pupero_frontend::Migrator::up(db, None)
        .await
        .context("frontend migrations failed")?;
    Ok(())
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
