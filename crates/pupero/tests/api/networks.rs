//! The wallet service starts only when MONERO_NETWORK, the daemon's chain and the hot
//! wallet's addresses agree. The regtest fixture's daemon reports `fakechain` and its
//! wallets have mainnet addresses: only `regtest` matches both.

use pupero::Platform;
use pupero::platform::AVAILABLE;

use crate::chain;
use crate::helpers::{Backend, TestDb, settings_for};

async fn start_on(network: &str) -> (anyhow::Result<Platform>, TestDb) {
    let fixture = chain::fixture().await;
    let db = TestDb::create(Backend::Sqlite).await;
    let data = std::env::temp_dir().join(format!("pupero-network-{:08x}", rand::random::<u32>()));
    let settings = settings_for(
        &db.url,
        &data,
        &[
            "--monero-rpc-url".into(),
            fixture.hot_url.clone(),
            "--monerod-url".into(),
            fixture.daemon_url.clone(),
            "--monero-rpc-auth-scheme".into(),
            "none".into(),
            "--monero-network".into(),
            network.into(),
        ],
    );
    pupero_http::token::generate_missing(&settings.keys_dir()).unwrap();
    (Platform::start(settings, &AVAILABLE).await, db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wallet_service_refuses_a_network_its_daemon_and_wallet_are_not_on() {
    let cases: [(&str, &[&str]); 3] = [
        (
            "mainnet",
            &[
                "MONERO_NETWORK is mainnet",
                "the daemon runs a regtest chain",
            ],
        ),
        (
            "testnet",
            &[
                "MONERO_NETWORK is testnet",
                "the daemon runs a regtest chain",
                "is a mainnet address",
            ],
        ),
        (
            "stagenet",
            &["MONERO_NETWORK is stagenet", "is a mainnet address"],
        ),
    ];
    for (network, expected) in cases {
        let (started, db) = start_on(network).await;
        let message = format!(
            "{:#}",
            started.err().unwrap_or_else(|| panic!("{network} started"))
        );
        for part in expected {
            assert!(message.contains(part), "{network}: {message}");
        }
        db.drop_db().await;
    }
    let (started, db) = start_on("regtest").await;
    let platform = started.expect("regtest matches a regtest daemon and its mainnet-format wallet");
    platform.stop().await;
    db.drop_db().await;
}
