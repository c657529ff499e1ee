//! The chaos run's processes: one gateway and replicas of every service, each a separate
//! `pupero serve <service>` of this executable, started, SIGKILLed and restarted on the
//! port it had (so the gateway's replica lists stay true).

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use pupero_config::Service;

/// One process of the fleet.
pub struct Replica {
    /// e.g. `transactions-2`: also its `REPLICA_ID`, the holder name in the lease tables.
    pub id: String,
    pub service: Service,
    pub port: u16,
    env: Vec<(String, String)>,
    child: Option<Child>,
    log: PathBuf,
}

impl Replica {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn is_running(&mut self) -> bool {
        match &mut self.child {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    fn spawn(&mut self, exe: &Path) -> anyhow::Result<()> {
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .with_context(|| format!("cannot open {}", self.log.display()))?;
        let child = Command::new(exe)
            .arg("serve")
            .arg(self.service.name())
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", self.id))?;
        self.child = Some(child);
        Ok(())
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown, no lease given up.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Every process of the run, by id.
pub struct Fleet {
    exe: PathBuf,
    pub replicas: BTreeMap<String, Replica>,
    http: reqwest::Client,
}

/// A port free now (the listener is dropped; the replica binds it a moment later).
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The port variable of a service (`LOGIN_PORT`, …).
fn port_var(service: Service) -> &'static str {
    match service {
        Service::Frontend => "PORT",
        Service::Gateway => "API_MANAGER_PORT",
        Service::Login => "LOGIN_PORT",
        Service::Offers => "OFFERS_PORT",
        Service::Transactions => "TRANSACTIONS_PORT",
        Service::Wallet => "MONERO_WALLET_MANAGER_PORT",
        Service::Moderation => "MODERATION_PORT",
    }
}

/// The replica-list variable of a service (`LOGIN_SERVICE_URL`, …).
pub fn url_var(service: Service) -> Option<&'static str> {
    match service {
        Service::Login => Some("LOGIN_SERVICE_URL"),
        Service::Offers => Some("OFFERS_SERVICE_URL"),
        Service::Transactions => Some("TRANSACTIONS_SERVICE_URL"),
        Service::Wallet => Some("MONERO_SERVICE_URL"),
        Service::Moderation => Some("MODERATION_SERVICE_URL"),
        Service::Gateway => Some("API_MANAGER_URL"),
        Service::Frontend => None,
    }
}

impl Fleet {
    /// Plans `count` replicas of each service in `layout` (ports chosen, nothing started):
    /// every one gets `common`, its port, its `REPLICA_ID`, and every service's replica
    /// list.
    pub fn plan(
        layout: &[(Service, usize)],
        common: &[(String, String)],
        logs: &Path,
    ) -> anyhow::Result<Self> {
        let exe = std::env::current_exe().context("where is this executable?")?;
        std::fs::create_dir_all(logs)?;
        let mut planned = Vec::new();
        for &(service, count) in layout {
            for n in 1..=count {
                planned.push((service, format!("{}-{n}", service.name()), free_port()?));
            }
        }
        let mut lists: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (service, _, port) in &planned {
            if let Some(var) = url_var(*service) {
                lists
                    .entry(var)
                    .or_default()
                    .push(format!("http://127.0.0.1:{port}"));
            }
        }
        let mut replicas = BTreeMap::new();
        for (service, id, port) in planned {
            let mut env: Vec<(String, String)> = common.to_vec();
            env.extend(
                lists
                    .iter()
                    .map(|(var, urls)| ((*var).to_owned(), urls.join(","))),
            );
            env.push((port_var(service).to_owned(), port.to_string()));
            env.push(("REPLICA_ID".to_owned(), id.clone()));
            let log = logs.join(format!("{id}.log"));
            replicas.insert(
                id.clone(),
                Replica {
                    id,
                    service,
                    port,
                    env,
                    child: None,
                    log,
                },
            );
        }
        Ok(Self {
            exe,
            replicas,
            http: pupero_http::build_client(
                "chaos fleet",
                reqwest::Client::builder().timeout(Duration::from_secs(2)),
            )?,
        })
    }

    /// Adds variables to every replica's environment.
    pub fn add_env(&mut self, vars: &[(String, String)]) {
        for r in self.replicas.values_mut() {
            r.env.extend(vars.iter().cloned());
        }
    }

    /// The comma-separated replica list of `service`.
    pub fn list(&self, service: Service) -> String {
        self.replicas
            .values()
            .filter(|r| r.service == service)
            .map(Replica::url)
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn url_of(&self, id: &str) -> Option<String> {
        self.replicas.get(id).map(Replica::url)
    }

    /// Starts `id` and waits until its `/healthz` answers (or it dies, or a minute passes).
    pub async fn start(&mut self, id: &str) -> anyhow::Result<Duration> {
        let exe = self.exe.clone();
        let replica = self
            .replicas
            .get_mut(id)
            .with_context(|| format!("no replica {id}"))?;
        replica.spawn(&exe)?;
        let url = format!("{}/healthz", replica.url());
        let started = Instant::now();
        loop {
            if let Ok(r) = self.http.get(&url).send().await
                && r.status().as_u16() < 500
            {
                return Ok(started.elapsed());
            }
            let replica = self
                .replicas
                .get_mut(id)
                .with_context(|| format!("no replica {id}"))?;
            if !replica.is_running() {
                bail!("{id} exited while starting (see {})", replica.log.display());
            }
            if started.elapsed() > Duration::from_secs(90) {
                bail!("{id} did not answer /healthz within 90 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn kill(&mut self, id: &str) {
        if let Some(r) = self.replicas.get_mut(id) {
            r.kill();
        }
    }

    pub fn is_running(&mut self, id: &str) -> bool {
        self.replicas.get_mut(id).is_some_and(Replica::is_running)
    }

    /// How many replicas of `id`'s service other than `id` are running.
    pub fn running_siblings(&mut self, id: &str) -> usize {
        let Some(service) = self.replicas.get(id).map(|r| r.service) else {
            return 0;
        };
        self.replicas
            .values_mut()
            .filter(|r| r.service == service && r.id != id)
            .map(Replica::is_running)
            .filter(|running| *running)
            .count()
    }

    /// Stops every process (SIGKILL: the run is over, its state is in the database).
    pub fn stop_all(&mut self) {
        for r in self.replicas.values_mut() {
            r.kill();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code

    use super::*;

    fn var<'a>(r: &'a Replica, name: &str) -> Option<&'a str> {
        // The last setting wins, as in the child's environment.
        r.env
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn every_replica_gets_its_port_its_id_and_every_replica_list() {
        let logs = std::env::temp_dir().join(format!("pupero-fleet-{}", std::process::id()));
        let common = vec![("DATABASE_URL".to_owned(), "mysql://x/y".to_owned())];
        let fleet = Fleet::plan(
            &[
                (Service::Login, 2),
                (Service::Wallet, 2),
                (Service::Gateway, 1),
            ],
            &common,
            &logs,
        )
        .unwrap();
        let ids: Vec<&str> = fleet.replicas.keys().map(String::as_str).collect();
        assert_eq!(
            ids,
            ["gateway-1", "login-1", "login-2", "wallet-1", "wallet-2"]
        );
        let login = fleet.list(Service::Login);
        let wallet = fleet.list(Service::Wallet);
        assert_eq!(login.split(',').count(), 2);
        for r in fleet.replicas.values() {
            assert_eq!(var(r, "REPLICA_ID"), Some(r.id.as_str()));
            assert_eq!(
                var(r, port_var(r.service)),
                Some(r.port.to_string().as_str())
            );
            assert_eq!(var(r, "LOGIN_SERVICE_URL"), Some(login.as_str()));
            assert_eq!(var(r, "MONERO_SERVICE_URL"), Some(wallet.as_str()));
            assert_eq!(var(r, "DATABASE_URL"), Some("mysql://x/y"));
            assert!(
                login.contains(&r.url())
                    || wallet.contains(&r.url())
                    || r.service == Service::Gateway
            );
        }
        let ports: std::collections::BTreeSet<u16> =
            fleet.replicas.values().map(|r| r.port).collect();
        assert_eq!(ports.len(), 5, "each replica its own port");
        let _ = std::fs::remove_dir_all(logs);
    }
}
