//! A private regtest chain: one `monerod --regtest --offline` and `monero-wallet-rpc`
//! processes in directory mode, on free loopback ports, in a directory of their own.
//! Used by the end-to-end tests (one chain per test binary) and by `pupero up --regtest`.
//!
//! Every process runs under a small shell watchdog that kills it within a second of our
//! own process going away, so an interrupted test run leaves no daemon behind.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::rpc::{DaemonRpc, RpcError, WalletRpc};

/// Blocks to mine before a fresh chain can spend: 60 for coinbase maturity plus enough
/// outputs for ring size 16 (shared/monero-regtest.md §3: 75 is the minimum).
pub const MATURE_CHAIN: u64 = 80;

#[derive(Debug, thiserror::Error)]
pub enum RegtestError {
    #[error("{0} is not installed (Debian: apt-get install monero)")]
    Missing(&'static str),
    #[error("could not start {what}: {source}")]
    Spawn {
        what: &'static str,
        source: std::io::Error,
    },
    #[error("{0} did not become ready in time (see its log in {1})")]
    NotReady(&'static str, PathBuf),
    #[error(transparent)]
    Rpc(#[from] RpcError),
    #[error(transparent)]
    Client(#[from] pupero_http::HttpClientError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

struct Watched(Child);

impl Drop for Watched {
    /// Asks the watchdog to stop its process (SIGTERM lets the daemon and wallets save),
    /// waits for it, and only then forces it.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16, std::io::Error> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn on_path(binary: &'static str) -> Result<(), RegtestError> {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(binary).is_file()))
        .unwrap_or(false);
    if found {
        Ok(())
    } else {
        Err(RegtestError::Missing(binary))
    }
}

/// Whether the Monero binaries are installed.
pub fn available() -> bool {
    on_path("monerod").is_ok() && on_path("monero-wallet-rpc").is_ok()
}

fn spawn_watched(
    what: &'static str,
    program: &str,
    args: &[String],
) -> Result<Watched, RegtestError> {
    // The watchdog stops its process when asked (TERM) or when we are gone (polling our pid).
    let script = r#"parent=$1; shift; "$@" & child=$!
stop() { kill "$child" 2>/dev/null; for _ in 1 2 3 4 5 6 7 8; do kill -0 "$child" 2>/dev/null || exit 0; sleep 1; done; kill -9 "$child" 2>/dev/null; exit 0; }
trap stop TERM INT
while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1 & wait $!; done
stop"#;
    let child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("watchdog")
        .arg(std::process::id().to_string())
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|source| RegtestError::Spawn { what, source })?;
    Ok(Watched(child))
}

/// A running wallet-rpc with one wallet open.
pub struct WalletProcess {
    pub rpc: WalletRpc,
    pub url: String,
    pub address: String,
    _process: Watched,
}

/// A running regtest daemon, its directory, and the wallets started on it.
pub struct Chain {
    pub dir: PathBuf,
    pub daemon: DaemonRpc,
    pub daemon_url: String,
    _daemon: Watched,
}

async fn wait_until<F, Fut, T>(
    what: &'static str,
    log: &Path,
    timeout: Duration,
    mut probe: F,
) -> Result<T, RegtestError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, RpcError>>,
{
    let started = Instant::now();
    loop {
        match probe().await {
            Ok(v) => return Ok(v),
            Err(_) if started.elapsed() < timeout => {
                tokio::time::sleep(Duration::from_millis(200)).await
            }
            Err(_) => return Err(RegtestError::NotReady(what, log.to_owned())),
        }
    }
}

impl Chain {
    /// Starts a fresh chain in `dir` (created; an old chain there is wiped by regtest).
    pub async fn start(dir: &Path) -> Result<Self, RegtestError> {
        Self::launch(dir, false, None).await
    }

    /// Starts the chain in `dir`, keeping the blocks of earlier runs (`--keep-fakechain`):
    /// wallets and the platform's database stay in step with it across restarts.
    /// `block_notify` is monerod's `--block-notify` (a command, `%s` the block hash).
    pub async fn start_persistent(
        dir: &Path,
        block_notify: Option<&str>,
    ) -> Result<Self, RegtestError> {
        Self::launch(dir, true, block_notify).await
    }

    async fn launch(
        dir: &Path,
        keep: bool,
        block_notify: Option<&str>,
    ) -> Result<Self, RegtestError> {
        on_path("monerod")?;
        on_path("monero-wallet-rpc")?;
        let chain_dir = dir.join("chain");
        std::fs::create_dir_all(&chain_dir)?;
        let rpc_port = free_port()?;
        let p2p_port = free_port()?;
        let log = chain_dir.join("monerod.log");
        let args: Vec<String> = [
            "--regtest",
            "--offline",
            "--fixed-difficulty",
            "1",
            "--no-zmq",
            "--no-igd",
            "--non-interactive",
            "--rpc-ssl",
            "disabled",
            "--rpc-bind-ip",
            "127.0.0.1",
            "--p2p-bind-ip",
            "127.0.0.1",
        ]
        .iter()
        .map(std::string::ToString::to_string)
        .chain([
            "--rpc-bind-port".into(),
            rpc_port.to_string(),
            "--p2p-bind-port".into(),
            p2p_port.to_string(),
            "--data-dir".into(),
            chain_dir.display().to_string(),
            "--log-file".into(),
            log.display().to_string(),
        ])
        .chain(keep.then(|| "--keep-fakechain".to_owned()))
        .chain(
            block_notify
                .into_iter()
                .flat_map(|c| ["--block-notify".to_owned(), c.to_owned()]),
        )
        .collect();
        let process = spawn_watched("monerod", "monerod", &args)?;
        let daemon_url = format!("http://127.0.0.1:{rpc_port}");
        let daemon = DaemonRpc::new(&daemon_url, None)?;
        wait_until("monerod", &log, Duration::from_secs(60), || daemon.height()).await?;
        Ok(Self {
            dir: dir.to_owned(),
            daemon,
            daemon_url,
            _daemon: process,
        })
    }

    /// Starts a wallet-rpc in directory mode and creates (or opens) wallet `name` in it.
    pub async fn wallet(&self, name: &str) -> Result<WalletProcess, RegtestError> {
        self.wallet_notifying(name, None).await
    }

    /// [`Chain::wallet`] with wallet-rpc's `--tx-notify` (a command, `%s` the txid; run for
    /// each transaction of the wallet it finds, in the pool or a block).
    pub async fn wallet_notifying(
        &self,
        name: &str,
        tx_notify: Option<&str>,
    ) -> Result<WalletProcess, RegtestError> {
        let wallet_dir = self.dir.join("wallets").join(name);
        std::fs::create_dir_all(&wallet_dir)?;
        let port = free_port()?;
        let log = wallet_dir.join("rpc.log");
        let daemon_address = self.daemon_url.trim_start_matches("http://").to_owned();
        let mut args: Vec<String> = vec![
            "--daemon-address".into(),
            daemon_address,
            "--rpc-bind-ip".into(),
            "127.0.0.1".into(),
            "--rpc-bind-port".into(),
            port.to_string(),
            "--disable-rpc-login".into(),
            "--wallet-dir".into(),
            wallet_dir.display().to_string(),
            "--shared-ringdb-dir".into(),
            wallet_dir.join("ringdb").display().to_string(),
            "--log-file".into(),
            log.display().to_string(),
            "--non-interactive".into(),
            "--rpc-ssl".into(),
            "disabled".into(),
            "--daemon-ssl".into(),
            "disabled".into(),
        ];
        if let Some(command) = tx_notify {
            args.extend(["--tx-notify".to_owned(), command.to_owned()]);
        }
        let process = spawn_watched("monero-wallet-rpc", "monero-wallet-rpc", &args)?;
        let url = format!("http://127.0.0.1:{port}");
        let rpc = WalletRpc::new(&url, None)?;
        wait_until("monero-wallet-rpc", &log, Duration::from_secs(60), || {
            rpc.version()
        })
        .await?;
        if wallet_dir.join(format!("{name}.keys")).exists() {
            rpc.open_wallet(name, "").await?;
        } else {
            rpc.create_wallet(name, "").await?;
        }
        let address = rpc.primary_address().await?;
        Ok(WalletProcess {
            rpc,
            url,
            address,
            _process: process,
        })
    }

    /// Mines `blocks` to `address` and returns the new block count. Ten blocks per call:
    /// on a loaded 2-core machine one `generateblocks` of 80 outlasted the RPC timeout.
    pub async fn mine(&self, blocks: u64, address: &str) -> Result<u64, RegtestError> {
        const STEP: u64 = 10;
        let mut left = blocks;
        let mut top = self.daemon.height().await?.saturating_sub(1);
        while left > 0 {
            let now = left.min(STEP);
            top = self.daemon.generate(now, address).await?;
            left -= now;
        }
        Ok(top + 1)
    }
}
