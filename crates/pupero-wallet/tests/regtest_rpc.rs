#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

//! The wallet-rpc client against a real regtest chain (Debian's monerod and
//! monero-wallet-rpc; scripts/test-deps.sh installs them).

use pupero_core::{MoneroAddress, Network, PICONERO_PER_XMR};
use pupero_wallet::regtest::{Chain, MATURE_CHAIN};
use pupero_wallet::rpc::RpcError;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deposit_to_a_subaddress_then_withdraw_in_two_phases() {
    assert!(
        pupero_wallet::regtest::available(),
        "monerod/monero-wallet-rpc missing: run scripts/test-deps.sh"
    );
    let dir = std::env::temp_dir().join(format!(
        "pupero-regtest-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    let chain = Chain::start(&dir).await.unwrap();
    let (hot, user) = tokio::join!(chain.wallet("hot"), chain.wallet("user"));
    let (hot, user) = (hot.unwrap(), user.unwrap());
    // Our own validator agrees with what the wallets produce (regtest uses mainnet prefixes).
    MoneroAddress::parse(&hot.address, Network::Mainnet).unwrap();

    chain.mine(MATURE_CHAIN, &user.address).await.unwrap();
    user.rpc.refresh().await.unwrap();
    assert!(user.rpc.balance().await.unwrap().unlocked_balance > 10 * PICONERO_PER_XMR as u64);

    // A deposit to a fresh subaddress: first in the pool, locked, with no confirmations.
    let sub = hot.rpc.create_address("user-42").await.unwrap();
    assert!(sub.address_index >= 1);
    MoneroAddress::parse(&sub.address, Network::Mainnet).unwrap();
    let amount = 10 * PICONERO_PER_XMR as u64;
    let txid = user.rpc.transfer_now(&sub.address, amount).await.unwrap();
    hot.rpc.refresh().await.unwrap();
    let seen = hot.rpc.incoming(None).await.unwrap();
    let pending = seen
        .pool
        .iter()
        .find(|t| t.txid == txid)
        .expect("deposit visible in the pool");
    assert_eq!(
        (
            pending.amount,
            pending.confirmations,
            pending.subaddr_index.minor
        ),
        (amount, 0, sub.address_index)
    );

    // Ten blocks later it is confirmed and unlocked.
    chain.mine(10, &user.address).await.unwrap();
    hot.rpc.refresh().await.unwrap();
    let seen = hot.rpc.incoming(None).await.unwrap();
    let credited = seen
        .incoming
        .iter()
        .find(|t| t.txid == txid)
        .expect("deposit confirmed");
    assert!(
        credited.confirmations >= 10 && !credited.locked,
        "{credited:?}"
    );

    // Two-phase withdrawal: the hash is known before anything is relayed.
    let built = hot
        .rpc
        .build_transfer(&user.address, 4 * PICONERO_PER_XMR as u64)
        .await
        .unwrap();
    assert_eq!(built.tx_hash_list.len(), 1);
    assert!(!built.tx_metadata_list[0].is_empty());
    let hash = built.tx_hash_list[0].clone();
    assert!(
        !chain.daemon.knows_transaction(&hash).await.unwrap(),
        "nothing left before relay"
    );
    assert_eq!(
        hot.rpc.relay(&built.tx_metadata_list[0]).await.unwrap(),
        hash
    );
    assert!(chain.daemon.knows_transaction(&hash).await.unwrap());
    assert!(matches!(
        hot.rpc.transfer_by_txid(&"0".repeat(64)).await,
        Err(RpcError::TransactionNotFound)
    ));

    // Typed refusals.
    let testnet = "9vuRsLyEKAF3QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMiWrweK";
    assert!(matches!(
        hot.rpc.build_transfer(testnet, 1).await,
        Err(RpcError::InvalidAddress)
    ));
    let too_much = hot
        .rpc
        .build_transfer(&user.address, 1_000 * PICONERO_PER_XMR as u64)
        .await;
    assert!(
        matches!(
            too_much,
            Err(RpcError::NotEnoughMoney | RpcError::NotEnoughUnlockedMoney)
        ),
        "{too_much:?}"
    );

    chain.mine(10, &user.address).await.unwrap();
    user.rpc.refresh().await.unwrap();
    let received = user.rpc.incoming(None).await.unwrap();
    assert!(
        received
            .incoming
            .iter()
            .any(|t| t.txid == hash && t.amount == 4 * PICONERO_PER_XMR as u64)
    );
    drop((hot, user, chain));
    let _ = std::fs::remove_dir_all(dir);
}

/// Digest auth against a wallet-rpc started with --rpc-login, and a hot wallet opened (or
/// created on first start) in --wallet-dir mode, as MONERO_WALLET_FILE asks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digest_auth_and_opening_or_creating_the_hot_wallet() {
    use pupero_wallet::rpc::WalletRpc;
    let dir = std::env::temp_dir().join(format!(
        "pupero-digest-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new("monero-wallet-rpc")
        .args([
            "--rpc-bind-ip",
            "127.0.0.1",
            "--rpc-bind-port",
            &port.to_string(),
            "--rpc-login",
            "alice:s3cret",
            "--wallet-dir",
            &dir.display().to_string(),
            "--shared-ringdb-dir",
            &dir.join("ringdb").display().to_string(),
            "--log-file",
            &dir.join("rpc.log").display().to_string(),
            "--non-interactive",
            "--rpc-ssl",
            "disabled",
            "--daemon-ssl",
            "disabled",
            "--offline",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed when the test ends, also when it fails (Drop runs while a panic unwinds).
    struct KillOnDrop(std::process::Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _wallet_rpc = KillOnDrop(child);
    let url = format!("http://127.0.0.1:{port}");
    let authed = WalletRpc::new(&url, Some(("alice".into(), "s3cret".into()))).unwrap();
    let mut version = None;
    for _ in 0..100 {
        if let Ok(v) = authed.version().await {
            version = Some(v);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(version.is_some(), "Digest auth works");
    let anonymous = WalletRpc::new(&url, None).unwrap();
    assert!(
        matches!(anonymous.version().await, Err(RpcError::Protocol(_))),
        "no credentials, no answer"
    );
    let wrong = WalletRpc::new(&url, Some(("alice".into(), "wrong".into()))).unwrap();
    assert!(wrong.version().await.is_err());

    // First start: the wallet does not exist and is created; then it is opened.
    pupero_wallet::open_or_create(&authed, "hotwallet", "pw")
        .await
        .unwrap_or_else(|e| panic!("open or create: {e}"));
    let first = authed.primary_address().await.unwrap();
    pupero_wallet::open_or_create(&authed, "hotwallet", "pw")
        .await
        .unwrap_or_else(|e| panic!("open or create: {e}"));
    assert_eq!(
        authed.primary_address().await.unwrap(),
        first,
        "the same wallet, opened again"
    );
    let _ = std::fs::remove_dir_all(dir);
}
