//! One regtest chain for the whole test binary, started by the first test that needs it:
//! a daemon, the platform's hot wallet and an external "user" wallet, with 80 blocks mined
//! to the user so it can pay. The processes stop when the test process exits.

use std::path::PathBuf;

use tokio::sync::OnceCell;

use pupero_wallet::regtest::{Chain, MATURE_CHAIN, WalletProcess};
use pupero_wallet::rpc::{DaemonRpc, WalletRpc};

use crate::helpers::Options;

pub struct Fixture {
    pub daemon_url: String,
    pub hot_url: String,
    pub user_url: String,
    pub user_address: String,
    _chain: Chain,
    _hot: WalletProcess,
    _user: WalletProcess,
}

static CHAIN: OnceCell<Fixture> = OnceCell::const_new();

pub async fn fixture() -> &'static Fixture {
    CHAIN
        .get_or_init(|| async {
            assert!(
                pupero_wallet::regtest::available(),
                "monerod/monero-wallet-rpc missing: run scripts/test-deps.sh"
            );
            let dir: PathBuf =
                std::env::temp_dir().join(format!("pupero-chain-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let chain = Chain::start(&dir).await.expect("regtest daemon");
            let (hot, user) = tokio::join!(chain.wallet("hot"), chain.wallet("user"));
            let (hot, user) = (hot.expect("hot wallet"), user.expect("user wallet"));
            chain
                .mine(MATURE_CHAIN, &user.address)
                .await
                .expect("mining");
            user.rpc.refresh().await.expect("refresh");
            // The operator's float: the platform pays network fees out of its own XMR, so
            // the hot wallet holds a little more than users are owed.
            let float = user
                .rpc
                .transfer_now(&hot.address, pupero_core::PICONERO_PER_XMR as u64)
                .await
                .expect("float");
            for _ in 0..100 {
                if chain
                    .daemon
                    .knows_transaction(&float)
                    .await
                    .unwrap_or(false)
                {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            chain.mine(10, &user.address).await.expect("mining");
            user.rpc.refresh().await.expect("refresh");
            hot.rpc.refresh().await.expect("refresh");
            let arrived = hot
                .rpc
                .transfer_by_txid(&float)
                .await
                .expect("the float reached the hot wallet");
            assert!(
                arrived.confirmations >= 10 && !arrived.locked,
                "float not spendable: {arrived:?}"
            );
            Fixture {
                daemon_url: chain.daemon_url.clone(),
                hot_url: hot.url.clone(),
                user_url: user.url.clone(),
                user_address: user.address.clone(),
                _chain: chain,
                _hot: hot,
                _user: user,
            }
        })
        .await
}

impl Fixture {
    /// Fresh clients per test: an HTTP client belongs to the runtime that made it.
    pub fn user(&self) -> WalletRpc {
        WalletRpc::new(&self.user_url, None).unwrap()
    }

    pub fn daemon(&self) -> DaemonRpc {
        DaemonRpc::new(&self.daemon_url, None).unwrap()
    }

    /// Mines `blocks` to the user wallet (every block also matures an older coinbase for it).
    pub async fn mine(&self, blocks: u64) {
        self.daemon()
            .generate(blocks, &self.user_address)
            .await
            .expect("mining");
        self.user().refresh().await.expect("refresh");
    }
}

/// Platform options that point the wallet service at the shared hot wallet.
pub async fn options(extra: &[&str]) -> Options {
    let f = fixture().await;
    let mut args = Options::default().args;
    for a in [
        "--monero-rpc-url",
        &f.hot_url,
        "--monerod-url",
        &f.daemon_url,
        "--monero-rpc-auth-scheme",
        "none",
        "--monero-network",
        "regtest",
        "--sweep-interval-seconds",
        "1",
    ] {
        args.push(a.to_owned());
    }
    args.extend(extra.iter().map(std::string::ToString::to_string));
    Options { args }
}

static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Tests that mine or send take turns on the shared chain: their platforms share one hot
/// wallet (wallet-rpc does not reserve inputs between building and relaying), and a test
/// that watches confirmations grow must not see another test's ten blocks land at once.
pub async fn chain_turn() -> tokio::sync::MutexGuard<'static, ()> {
    TURN.lock().await
}
