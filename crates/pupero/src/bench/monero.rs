//! The Monero latencies, measured on a private regtest chain.

// Reads JSON answers with serde_json::Value's `[]`, which gives Null for a missing key or
// index and never panics; the lint cannot tell it from slice indexing.
#![allow(clippy::indexing_slicing)]

use std::time::{Duration, Instant};

/// `pupero bench --monero`: on a private regtest chain, the latency from a withdrawal
/// request to its transaction being in the daemon's pool, and from a deposit entering the
/// pool to the user seeing it as pending. Prints p50/p95 over `samples` each.
pub async fn monero(settings: &mut pupero_config::Settings, samples: usize) -> anyhow::Result<()> {
    use anyhow::Context;
    use pupero_config::Service;
    let dir = std::env::temp_dir().join(format!("pupero-bench-monero-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    settings.data_dir = dir.clone();
    for service in crate::platform::AVAILABLE {
        settings.set_port(service, 0);
    }
    settings.sweep_interval_seconds = 1;
    settings.rabbitmq_poll_interval_seconds = 10;
    settings.login_rate_per_minute = 1_000_000;
    // The load comes from one address; the gateway's per-address budget would refuse it.
    settings.gateway_rate_per_minute = 0;
    settings.ensure_data_dir()?;
    // A long block interval: the bench mines itself, when it needs to.
    let chain = crate::devchain::start(settings, 3600).await?;
    let info = crate::devchain::Endpoints::read(&dir)?;
    let daemon = pupero_wallet::rpc::DaemonRpc::new(&info.daemon_url, None)?;
    let faucet = pupero_wallet::rpc::WalletRpc::new(&info.faucet_url, None)?;
    let faucet_address = faucet.primary_address().await?;
    // Enough mature coinbase outputs for every deposit below.
    daemon
        .generate(2 * samples as u64 + 10, &faucet_address)
        .await?;
    faucet.refresh().await?;

    let platform = crate::Platform::start(settings.clone(), &crate::platform::AVAILABLE).await?;
    let gateway = platform.url(Service::Gateway).context("gateway")?;
    let http = pupero_http::build_client("bench", reqwest::Client::builder())?;
    let password = "bench password 123";
    http.post(format!("{gateway}/auth/register"))
        .json(&serde_json::json!({"email": "m@example.com", "username": "monerobench", "password": password}))
        .send()
        .await?
        .error_for_status()?;
    let tokens: pupero_api::auth::TokenPair = http
        .post(format!("{gateway}/auth/login"))
        .json(&serde_json::json!({"username": "monerobench", "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = tokens.access_token;
    let address: pupero_api::money::DepositAddressView = http
        .get(format!("{gateway}/transactions/deposit-address"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let address = address.address;

    // Deposits: pool → visible as pending.
    let mut seen = Vec::new();
    for n in 1..=samples {
        faucet
            .transfer_now(&address, 2 * pupero_core::PICONERO_PER_XMR as u64)
            .await?;
        let started = Instant::now();
        loop {
            let list: pupero_api::money::Deposits = http
                .get(format!("{gateway}/transactions/deposits"))
                .bearer_auth(&token)
                .send()
                .await?
                .json()
                .await?;
            if list.deposits.len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        seen.push(started.elapsed());
    }
    // Credit them all (10 blocks), so the hot wallet has one unlocked output per withdrawal.
    daemon.generate(11, &faucet_address).await?;
    loop {
        let b: pupero_api::money::BalancesView = http
            .get(format!("{gateway}/transactions/balances/1"))
            .bearer_auth(&token)
            .send()
            .await?
            .json()
            .await?;
        if b.available.to_string() == format!("{}.000000000000", 2 * samples) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Withdrawals: request → transaction in the daemon's pool.
    let receiver = faucet.primary_address().await?;
    let mut relayed = Vec::new();
    for n in 0..samples {
        let started = Instant::now();
        let accepted: pupero_api::money::WithdrawalAccepted = http
            .post(format!("{gateway}/transactions/withdraw"))
            .bearer_auth(&token)
            .header("idempotency-key", format!("bench-{n}"))
            .json(&serde_json::json!({"address": receiver, "amount": "0.5"}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let id = accepted.withdrawal_id;
        loop {
            let w: pupero_api::money::WithdrawalView = http
                .get(format!("{gateway}/transactions/withdrawals/{id}"))
                .bearer_auth(&token)
                .send()
                .await?
                .json()
                .await?;
            if let Some(hash) = w.tx_hashes.first()
                && daemon.knows_transaction(hash).await?
            {
                break;
            }
            if started.elapsed() > Duration::from_secs(60) {
                anyhow::bail!("withdrawal {id} did not reach the pool: {w:?}");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        relayed.push(started.elapsed());
    }
    let pct = |v: &mut Vec<Duration>, p: f64| {
        v.sort_unstable();
        v[((v.len() as f64 * p) as usize).min(v.len() - 1)].as_secs_f64() * 1e3
    };
    say!(
        "pupero bench --monero: {samples} samples each, regtest, database {}, build {}",
        pupero_db::backend_name(platform.db.as_ref().context("db")?),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    say!("| scenario | p50 ms | p95 ms | max ms |\n|---|---|---|---|");
    let max = |v: &[Duration]| v.iter().max().map_or(0.0, |d| d.as_secs_f64() * 1e3);
    say!(
        "| withdrawal request → tx in the daemon's pool | {:.0} | {:.0} | {:.0} |",
        pct(&mut relayed, 0.5),
        pct(&mut relayed, 0.95),
        max(&relayed)
    );
    say!(
        "| deposit in the pool → visible as pending (sweep every 1 s) | {:.0} | {:.0} | {:.0} |",
        pct(&mut seen, 0.5),
        pct(&mut seen, 0.95),
        max(&seen)
    );
    platform.stop().await;
    drop(chain);
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
