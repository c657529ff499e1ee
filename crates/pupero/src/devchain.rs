//! `pupero up --regtest`: a private Monero chain for trying Pupero on one machine.
//!
//! It starts monerod (regtest, kept in the data directory across restarts), the hot
//! wallet and a "faucet" wallet that receives the mined coins, mines the first blocks so
//! coins can be spent, and then mines a block every few seconds so deposits and
//! withdrawals confirm by themselves. `pupero dev faucet` pays users from the faucet.

// Reads JSON answers with serde_json::Value's `[]`, which gives Null for a missing key or
// index and never panics; the lint cannot tell it from slice indexing.
#![allow(clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};

use pupero_config::Settings;
use pupero_wallet::regtest::{Chain, MATURE_CHAIN, WalletProcess};
use pupero_wallet::rpc::{DaemonRpc, WalletRpc};

pub struct DevChain {
    _chain: Chain,
    _hot: WalletProcess,
    _faucet: WalletProcess,
    miner: tokio::task::JoinHandle<()>,
}

impl Drop for DevChain {
    fn drop(&mut self) {
        self.miner.abort();
    }
}

/// Where a running `up --regtest` leaves its chain's endpoints, for `dev faucet`,
/// `admin solvency`, `admin backup` and the bench run beside it.
fn endpoints_file(data_dir: &Path) -> PathBuf {
    data_dir.join("regtest").join("endpoints.json")
}

/// The private chain's RPC endpoints (the file `up --regtest` writes).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Endpoints {
    pub daemon_url: String,
    pub hot_url: String,
    pub faucet_url: String,
}

impl Endpoints {
    /// The endpoints of the `up --regtest` chain in `data_dir`, or why there are none.
    pub fn read(data_dir: &Path) -> anyhow::Result<Self> {
        let file = endpoints_file(data_dir);
        let text = std::fs::read_to_string(&file).with_context(|| {
            format!(
                "no regtest chain here ({}): start `pupero up --regtest` first",
                file.display()
            )
        })?;
        serde_json::from_str(&text).with_context(|| format!("{} is not readable", file.display()))
    }

    fn write(&self, data_dir: &Path) -> anyhow::Result<()> {
        std::fs::write(endpoints_file(data_dir), serde_json::to_string(self)?)?;
        Ok(())
    }
}

/// The operator's float: the platform pays withdrawals' network fees from its own XMR, so
/// a fresh chain's hot wallet gets this much once (1 XMR), and `admin solvency` holds after
/// the first withdrawal.
const FLOAT: u64 = 1_000_000_000_000;

/// The hot wallet of the `up --regtest` chain in `data_dir`, if one has run there.
pub fn regtest_hot_wallet_url(data_dir: &Path) -> Option<String> {
    Endpoints::read(data_dir).ok().map(|e| e.hot_url)
}

/// Starts the chain and points `settings` at it.
pub async fn start(settings: &mut Settings, block_seconds: u64) -> anyhow::Result<DevChain> {
    if !pupero_wallet::regtest::available() {
        bail!(
            "--regtest needs monerod and monero-wallet-rpc on PATH (Debian: apt-get install monero)"
        );
    }
    let dir = settings.data_dir.join("regtest");
    let notify = |event: &str| notify_command(settings, event);
    let (block_notify, tx_notify) = (notify("block")?, notify("tx")?);
    let chain = Chain::start_persistent(&dir, Some(&block_notify))
        .await
        .context("starting monerod")?;
    let (hot, faucet) = tokio::join!(
        chain.wallet_notifying("hot", Some(&tx_notify)),
        chain.wallet("faucet")
    );
    let (hot, faucet) = (
        hot.context("starting the hot wallet")?,
        faucet.context("starting the faucet wallet")?,
    );
    if chain.daemon.height().await? < MATURE_CHAIN + 1 {
        tracing::info!("mining the first {MATURE_CHAIN} blocks of the private chain");
        mine_to(&chain, MATURE_CHAIN + 1, &faucet.address).await?;
    }
    if let Err(e) = put_float(&chain, &hot, &faucet, &dir).await {
        // Not fatal: the platform runs without it; the next start tries again.
        tracing::warn!(
            "no float in the hot wallet yet ({e:#}); `admin solvency` may fail after the first withdrawal"
        );
    }
    Endpoints {
        daemon_url: chain.daemon_url.clone(),
        hot_url: hot.url.clone(),
        faucet_url: faucet.url.clone(),
    }
    .write(&settings.data_dir)?;
    settings.monero_rpc_url = Some(hot.url.clone());
    settings.monerod_url = Some(chain.daemon_url.clone());
    settings.monero_rpc_auth_scheme = pupero_config::AuthScheme::None;
    settings.monero_network = pupero_config::MoneroNetwork::Regtest;
    let daemon = DaemonRpc::new(&chain.daemon_url, None)?;
    let address = faucet.address.clone();
    let miner = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(block_seconds.max(1)));
        loop {
            tick.tick().await;
            if let Err(e) = daemon.generate(1, &address).await {
                tracing::warn!(error = %e, "regtest miner");
            }
        }
    });
    tracing::info!(daemon = %chain.daemon_url, hot = %hot.url, "private regtest chain running; a block every {block_seconds}s");
    Ok(DevChain {
        _chain: chain,
        _hot: hot,
        _faucet: faucet,
        miner,
    })
}

/// `pupero notify <event> %s` with where the wallet service and its key are, for monerod's
/// `--block-notify` and wallet-rpc's `--tx-notify`. Both split the command at spaces (no
/// shell), so a path with a space cannot be passed.
fn notify_command(settings: &Settings, event: &str) -> anyhow::Result<String> {
    let exe = std::env::current_exe().context("where is this executable?")?;
    let keys = settings.keys_dir();
    let wallet = settings.service_url(pupero_config::Service::Wallet);
    let command = format!(
        "{} notify {event} %s --keys-dir {} --wallet-service-url {wallet}",
        exe.display(),
        keys.display()
    );
    if exe.display().to_string().contains(' ') || keys.display().to_string().contains(' ') {
        bail!("--regtest: the notify command cannot carry a path with a space ({command})");
    }
    Ok(command)
}

/// Mines until the chain is `height` blocks high, a few blocks per call: on a loaded
/// machine one call for 81 blocks can outlast the RPC timeout. A call that timed out may
/// still have mined, so the height is read again after each.
async fn mine_to(chain: &Chain, height: u64, address: &str) -> anyhow::Result<()> {
    const STEP: u64 = 10;
    let mut failures = 0;
    loop {
        let now = chain.daemon.height().await?;
        if now >= height {
            return Ok(());
        }
        if let Err(e) = chain.mine((height - now).min(STEP), address).await {
            failures += 1;
            if failures > 5 {
                return Err(e).context("mining the private chain");
            }
            tracing::warn!(error = %e, "mining is slow; trying again");
        }
    }
}

/// Sends the float from the faucet to the hot wallet once per chain (the chain and its
/// wallets persist in the data directory), and mines until it is spendable.
async fn put_float(
    chain: &Chain,
    hot: &WalletProcess,
    faucet: &WalletProcess,
    dir: &Path,
) -> anyhow::Result<()> {
    let marker = dir.join("float-txid");
    if marker.exists() {
        return Ok(());
    }
    // The faucet wallet has just seen the first blocks mined; on a loaded machine its
    // refresh can outlast one RPC call, and a refresh may be repeated.
    let mut refreshed = faucet.rpc.refresh().await;
    for _ in 0..3 {
        if refreshed.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        refreshed = faucet.rpc.refresh().await;
    }
    refreshed?;
    let txid = faucet
        .rpc
        .transfer_now(&hot.address, FLOAT)
        .await
        .context("sending the float to the hot wallet")?;
    // Mined only once the daemon's pool has it.
    for _ in 0..100 {
        if chain.daemon.knows_transaction(&txid).await.unwrap_or(false) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let height = chain.daemon.height().await?;
    mine_to(chain, height + 10, &faucet.address).await?;
    std::fs::write(&marker, &txid)?;
    tracing::info!(%txid, "1 XMR float in the hot wallet for network fees");
    Ok(())
}

/// Pays `amount` XMR from the regtest faucet to `username`'s deposit address.
pub async fn faucet(
    settings: &Settings,
    username: &str,
    amount: pupero_core::Piconero,
) -> anyhow::Result<String> {
    let info = Endpoints::read(&settings.data_dir)?;
    let daemon = DaemonRpc::new(&info.daemon_url, None)?;
    // Refuse anything but a private chain, whatever the files say.
    let nettype = daemon
        .nettype()
        .await
        .context("the regtest daemon is not running")?;
    if nettype != "fakechain" {
        bail!("the faucet only works on a regtest chain (this daemon is {nettype})");
    }
    let db = pupero_db::connect(&settings.database_url(), settings.database_pool_size).await?;
    let user = pupero_login::store::find_by_login(&db, username)
        .await?
        .with_context(|| format!("no user named {username}"))?;
    // The faucet asks for a deposit address as the ledger would (a development tool,
    // run beside `pupero up` with its keys).
    let keys = crate::platform::load_keys(settings, &[pupero_config::Service::Transactions])?;
    let wallet_service = pupero_http::InternalClient::new(
        keys,
        "transactions",
        "wallet",
        settings.service_url(pupero_config::Service::Wallet),
    )?;
    let address: pupero_api::internal::wallet::WalletAddress = wallet_service
        .post(&format!("/internal/users/{}/deposit-address", user.id), &())
        .await
        .map_err(|e| anyhow::anyhow!("{e} (is `pupero up --regtest` running?)"))?;
    let address = address.address;
    let faucet = WalletRpc::new(&info.faucet_url, None)?;
    faucet.refresh().await?;
    let amount = u64::try_from(amount.as_i64())?;
    Ok(faucet.transfer_now(&address, amount).await?)
}
