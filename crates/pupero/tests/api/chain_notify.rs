//! Deposits seen at once: `pupero up --regtest` runs monero-wallet-rpc with `--tx-notify`
//! (and monerod with `--block-notify`) calling `pupero notify`, which asks the wallet
//! service to sweep now. The sweep interval is set to ten minutes here, so only the notice
//! can explain a deposit showing up as pending within seconds.

use std::time::{Duration, Instant};

use pupero_api::auth::TokenPair;
use pupero_api::money::Deposits;
use pupero_core::DepositStatus;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::faults::{Node, call};
use crate::helpers::{PASSWORD, error_field, typed, xmr};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deposit_in_the_pool_is_pending_at_once_through_the_wallets_notice() {
    let http = pupero_http::build_client("tests", reqwest::Client::builder()).unwrap();
    let mut node = Node::new();
    node.regtest = true;
    node.env = vec![
        ("SWEEP_INTERVAL_SECONDS", "600".to_owned()),
        ("REGTEST_BLOCK_SECONDS", "600".to_owned()),
    ];
    node.start(None).await;
    let gw = node.gateway();
    let (status, _) = call(
        &http,
        reqwest::Method::POST,
        format!("{gw}/auth/register"),
        None,
        None,
        json!({"email": "notice@example.com", "username": "noticed", "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, tokens) = call(
        &http,
        reqwest::Method::POST,
        format!("{gw}/auth/login"),
        None,
        None,
        json!({"username": "noticed", "password": PASSWORD}),
    )
    .await;
    let token = typed::<TokenPair>(&tokens).access_token;

    // The faucet pays the user's deposit address from the private chain's wallet.
    let faucet = std::process::Command::new(env!("CARGO_BIN_EXE_pupero"))
        .args(["dev", "faucet", "--user", "noticed", "--amount", "1.5"])
        .env("PUPERO_DATA_DIR", &node.data)
        .env("DATABASE_URL", &node.db_url)
        .env("MONERO_WALLET_MANAGER_PORT", node.ports[4].to_string())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        faucet.status.success(),
        "{}",
        String::from_utf8_lossy(&faucet.stderr)
    );
    let sent = Instant::now();
    let mut seen = None;
    // A ceiling far below the ten-minute sweep, not a measurement.
    while sent.elapsed() < Duration::from_secs(60) {
        let (_, body) = call(
            &http,
            reqwest::Method::GET,
            format!("{gw}/transactions/deposits"),
            Some(&token),
            None,
            Value::Null,
        )
        .await;
        if let Some(d) = typed::<Deposits>(&body)
            .deposits
            .into_iter()
            .find(|d| d.status == DepositStatus::Pending)
        {
            seen = Some(d);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let took = sent.elapsed();
    let seen = seen.expect("the deposit was never seen as pending");
    assert_eq!(seen.amount, xmr("1.5"), "{seen:?}");
    assert_eq!(seen.confirmations, 0, "seen in the pool: {seen:?}");
    println!(
        "figure: deposit in the pool → pending in {} ms",
        took.as_millis()
    );

    // The route is the wallet's own and internal: another service's token is refused, a
    // malformed notice changes nothing, and the gateway does not route it.
    let wallet_url = format!("http://127.0.0.1:{}", node.ports[4]);
    let keys_dir = node.data.join("keys");
    let as_service = |name: &'static str| {
        pupero_http::JwtKeys::load(&keys_dir, &[name])
            .unwrap()
            .only(name)
            .issue_service(name)
            .unwrap()
            .token
    };
    let notice = |token: String, body: Value| {
        let (http, url) = (http.clone(), format!("{wallet_url}/internal/chain/notify"));
        async move {
            let resp = http
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = resp.status();
            (status, resp.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let hash = "ab".repeat(32);
    let (status, _) = notice(
        as_service("transactions"),
        json!({"event": "tx", "hash": hash}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (body, field) in [
        (json!({"event": "tx", "hash": "abc"}), "hash"),
        (json!({"event": "tx", "hash": "zz".repeat(32)}), "hash"),
        (json!({"event": "mempool", "hash": hash}), "event"),
    ] {
        let (status, answer) = notice(as_service("wallet"), body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(
            error_field(&answer).as_deref(),
            Some(field),
            "{body}: {answer}"
        );
    }
    let (status, answer) = notice(
        as_service("wallet"),
        json!({"event": "block", "hash": hash}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let through_gateway = http
        .post(format!("{gw}/monero/internal/chain/notify"))
        .json(&json!({"event": "tx", "hash": hash}))
        .send()
        .await
        .unwrap();
    assert_eq!(through_gateway.status(), StatusCode::NOT_FOUND);
    node.stop();
    let db = pupero_db::connect(&node.db_url, pupero_config::DEFAULT_DATABASE_POOL_SIZE)
        .await
        .unwrap();
    let report = pupero_transactions::ledger::verify(&db).await.unwrap();
    assert!(report.is_consistent(), "{report:?}");
}
