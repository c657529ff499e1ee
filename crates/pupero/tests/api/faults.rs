//! Crash recovery of withdrawals, with the real binary: the process dies (abort, as a
//! SIGKILL would leave it) right after signing, right after relaying, or between building
//! and relaying a batch, and after a restart each withdrawal has gone out exactly once.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use pupero_core::PICONERO_PER_XMR;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::chain;
use pupero_api::Paged;
use pupero_api::auth::TokenPair;
use pupero_api::money::{
    DepositAddressView, Deposits, StatementLine, WithdrawalAccepted, WithdrawalView,
};
use pupero_core::{DepositStatus, WithdrawalStatus};

use crate::helpers::{PASSWORD, typed};

pub(crate) struct Node {
    pub(crate) data: PathBuf,
    pub(crate) ports: [u16; 6],
    pub(crate) db_url: String,
    /// The hot wallet's RPC, when not the fixture's own (a `Switch` in front of it).
    hot_url: Option<String>,
    /// More settings for `pupero up` (e.g. a long sweep interval).
    pub(crate) env: Vec<(&'static str, String)>,
    /// `pupero up --regtest`: its own private chain instead of the fixture's.
    pub(crate) regtest: bool,
    /// No hot wallet at all (MONERO_RPC_URL unset): for tests that need no chain.
    pub(crate) chainless: bool,
    child: Option<Child>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn fresh_ports() -> [u16; 6] {
    std::array::from_fn(|_| free_port())
}

impl Node {
    pub(crate) fn new() -> Self {
        let data = std::env::temp_dir().join(format!(
            "pupero-faults-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&data).unwrap();
        let db_url = format!("sqlite://{}/pupero.db?mode=rwc", data.display());
        Self {
            data,
            ports: fresh_ports(),
            db_url,
            hot_url: None,
            env: Vec::new(),
            regtest: false,
            chainless: false,
            child: None,
        }
    }

    pub(crate) fn gateway(&self) -> String {
        format!("http://127.0.0.1:{}", self.ports[0])
    }

    /// Starts `pupero up`, crashing at `crash_at` if given, and waits until it has started.
    pub(crate) async fn start(&mut self, crash_at: Option<&str>) {
        // Its own banner, printed once every service listens, is the sign: any answer on
        // the gateway's port could come from another test's process that was given the
        // same free port (with --regtest, monerod, a wallet-rpc, or another platform's
        // service), and then this one could not bind it.
        let log = self.data.join("pupero.log");
        let log_len = || {
            let len = std::fs::metadata(&log).map_or(0, |m| m.len());
            usize::try_from(len).unwrap_or(usize::MAX)
        };
        let mut before = log_len();
        self.launch(crash_at).await;
        // A ceiling, not a measurement: on a loaded 2-core machine a start (migrations,
        // opening the wallet) has taken over 20 s, and with --regtest it first mines 81
        // blocks.
        let tries = if self.regtest { 3000 } else { 600 };
        let mut port_retries = 3;
        let mut tried = 0;
        while tried < tries {
            tried += 1;
            let text = std::fs::read(&log).unwrap_or_default();
            let new = String::from_utf8_lossy(text.get(before..).unwrap_or_default());
            if new.contains("Pupero is up.") {
                return;
            }
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                // A free port is only free when it was asked for: another test's process
                // may have been given it since. Fresh ports, and the start again.
                if new.contains("Address already in use") && port_retries > 0 {
                    port_retries -= 1;
                    self.ports = fresh_ports();
                    before = log_len();
                    self.launch(crash_at).await;
                    continue;
                }
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                panic!("pupero up exited ({status}) before it started; its log:\n{text}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        panic!("pupero up did not start; its log:\n{text}");
    }

    /// The binary with `args`, pointed at this node's data, database and ports (for `up`,
    /// and for commands an operator runs beside it), reading nothing from the terminal.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pupero"));
        cmd.args(args)
            .env("PUPERO_DATA_DIR", &self.data)
            .env("DATABASE_URL", &self.db_url)
            .env("API_MANAGER_PORT", self.ports[0].to_string())
            .env("LOGIN_PORT", self.ports[1].to_string())
            .env("OFFERS_PORT", self.ports[2].to_string())
            .env("TRANSACTIONS_PORT", self.ports[3].to_string())
            .env("MONERO_WALLET_MANAGER_PORT", self.ports[4].to_string())
            .env("PORT", self.ports[5].to_string())
            .env("MODERATION_PORT", "0")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null());
        cmd
    }

    /// Starts `pupero up` without waiting for it (it may die at its crash point first).
    async fn launch(&mut self, crash_at: Option<&str>) {
        let mut cmd = self.command(&["up"]);
        cmd.env("MONERO_RPC_AUTH_SCHEME", "none")
            .env("MONERO_NETWORK", "regtest")
            .env("SWEEP_INTERVAL_SECONDS", "1")
            .env("RABBITMQ_POLL_INTERVAL_SECONDS", "1")
            // A restarted process is a new replica: it waits for the dead one's leases to
            // run out before its jobs (the withdrawal worker) start.
            .env("WORKER_LEASE_SECONDS", "2")
            .env_remove("PUPERO_CRASH_AT")
            .stdout(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(self.data.join("pupero.log"))
                    .unwrap(),
            )
            .stderr(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(self.data.join("pupero.log"))
                    .unwrap(),
            );
        if let Some(point) = crash_at {
            cmd.env("PUPERO_CRASH_AT", point);
        }
        if self.regtest {
            // Its own chain and wallets (the data directory's); the ones below are unused.
            cmd.arg("--regtest");
        } else if self.chainless {
            cmd.env_remove("MONERO_RPC_URL").env_remove("MONEROD_URL");
        } else {
            let f = chain::fixture().await;
            cmd.env(
                "MONERO_RPC_URL",
                self.hot_url.as_deref().unwrap_or(&f.hot_url),
            )
            .env("MONEROD_URL", &f.daemon_url);
        }
        for (name, value) in &self.env {
            cmd.env(name, value);
        }
        self.child = Some(cmd.spawn().unwrap());
    }

    /// Waits for the process to die at its crash point.
    async fn wait_for_crash(&mut self) {
        let child = self.child.as_mut().unwrap();
        for _ in 0..300 {
            if let Ok(Some(status)) = child.try_wait() {
                assert!(!status.success(), "it should have crashed");
                self.child = None;
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let log = std::fs::read_to_string(self.data.join("pupero.log")).unwrap_or_default();
        panic!("the process did not reach its crash point; its log:\n{log}");
    }

    /// SIGKILL: the process dies where it stands, releasing nothing.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(child.id().to_string())
                .status();
            let _ = child.wait();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

pub(crate) async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    key: Option<&str>,
    body: Value,
) -> (StatusCode, Value) {
    let mut req = http.request(method, url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn withdrawal(http: &reqwest::Client, node: &Node, token: &str, id: i64) -> WithdrawalView {
    let (status, body) = call(
        http,
        reqwest::Method::GET,
        format!("{}/transactions/withdrawals/{id}", node.gateway()),
        Some(token),
        None,
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    typed(&body)
}

pub(crate) async fn wait_withdrawal(
    http: &reqwest::Client,
    node: &Node,
    token: &str,
    id: i64,
    wanted: WithdrawalStatus,
) -> WithdrawalView {
    let mut last = None;
    for _ in 0..200 {
        let w = withdrawal(http, node, token, id).await;
        if w.status == wanted {
            return w;
        }
        last = Some(w);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("withdrawal {id} never became {wanted}: {last:?}");
}

async fn send_row(
    node: &Node,
    withdrawal_id: i64,
) -> pupero_wallet::entity::withdrawal_send::Model {
    let db = pupero_db::connect(&node.db_url, pupero_config::DEFAULT_DATABASE_POOL_SIZE)
        .await
        .unwrap();
    let row = pupero_wallet::entity::withdrawal_send::Entity::find()
        .filter(pupero_wallet::entity::withdrawal_send::Column::WithdrawalId.eq(withdrawal_id))
        .one(&db)
        .await
        .unwrap()
        .expect("the built transaction was stored before the crash");
    db.close().await.ok();
    row
}

/// Requests a withdrawal to a fresh address of the user wallet and waits for the node to
/// die at its crash point; returns the withdrawal id and the transaction it had built.
async fn withdraw_until_crash(
    http: &reqwest::Client,
    node: &mut Node,
    token: &str,
    key: &str,
    amount: &str,
) -> (i64, pupero_wallet::entity::withdrawal_send::Model) {
    let receiver = chain::fixture()
        .await
        .user()
        .create_address(key)
        .await
        .unwrap()
        .address;
    let (status, body) = call(
        http,
        reqwest::Method::POST,
        format!("{}/transactions/withdraw", node.gateway()),
        Some(token),
        Some(key),
        json!({"address": receiver, "amount": amount}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let id = typed::<WithdrawalAccepted>(&body).withdrawal_id;
    node.wait_for_crash().await;
    (id, send_row(node, id).await)
}

/// Registers `name`, signs in, and funds the account with a real deposit of `xmr`,
/// credited after 10 blocks; returns the access token.
pub(crate) async fn funded_user(
    http: &reqwest::Client,
    node: &Node,
    name: &str,
    xmr: u64,
) -> String {
    let fixture = chain::fixture().await;
    let gw = node.gateway();
    let (status, _) = call(
        http,
        reqwest::Method::POST,
        format!("{gw}/auth/register"),
        None,
        None,
        json!({"email": format!("{name}@example.com"), "username": name, "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, tokens) = call(
        http,
        reqwest::Method::POST,
        format!("{gw}/auth/login"),
        None,
        None,
        json!({"username": name, "password": PASSWORD}),
    )
    .await;
    let token = typed::<TokenPair>(&tokens).access_token;
    let (_, addr) = call(
        http,
        reqwest::Method::GET,
        format!("{gw}/transactions/deposit-address"),
        Some(&token),
        None,
        Value::Null,
    )
    .await;
    fixture
        .user()
        .transfer_now(
            &typed::<DepositAddressView>(&addr).address,
            xmr * PICONERO_PER_XMR as u64,
        )
        .await
        .unwrap();
    fixture.mine(10).await;
    for _ in 0..100 {
        let (_, b) = call(
            http,
            reqwest::Method::GET,
            format!("{gw}/transactions/deposits"),
            Some(&token),
            None,
            Value::Null,
        )
        .await;
        if typed::<Deposits>(&b)
            .deposits
            .first()
            .is_some_and(|d| d.status == DepositStatus::Credited)
        {
            return token;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("deposit not credited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawals_go_out_exactly_once_across_crashes() {
    let _turn = chain::chain_turn().await;
    let fixture = chain::fixture().await;
    let http = pupero_http::build_client("tests", reqwest::Client::builder()).unwrap();
    let mut node = Node::new();
    node.start(Some("after_sign")).await;
    let gw = node.gateway();

    // A user with a real, credited deposit.
    let token = funded_user(&http, &node, "crashy", 3).await;

    // 1. Crash after signing, before relaying.
    let (first, built) = withdraw_until_crash(&http, &mut node, &token, "crash-1", "1").await;
    assert!(
        !fixture
            .daemon()
            .knows_transaction(&built.tx_hashes)
            .await
            .unwrap(),
        "nothing was relayed before the crash"
    );

    // Restart: the stored transaction is relayed (not built again).
    node.start(None).await;
    let relayed = wait_withdrawal(&http, &node, &token, first, WithdrawalStatus::Relayed).await;
    assert_eq!(
        relayed.tx_hashes,
        vec![built.tx_hashes.clone()],
        "the transaction built before the crash went out"
    );
    node.stop();
    // The first withdrawal's change stays locked for 10 blocks.
    fixture.mine(10).await;

    // 2. Crash after relaying, before recording it.
    node.start(Some("after_relay")).await;
    let (second, built2) = withdraw_until_crash(&http, &mut node, &token, "crash-2", "0.5").await;
    assert!(
        fixture
            .daemon()
            .knows_transaction(&built2.tx_hashes)
            .await
            .unwrap(),
        "it was relayed before the crash"
    );
    node.start(None).await;
    let relayed2 = wait_withdrawal(&http, &node, &token, second, WithdrawalStatus::Relayed).await;
    assert_eq!(relayed2.tx_hashes, vec![built2.tx_hashes.clone()]);

    // On chain: each withdrawal exactly once, for exactly its amount.
    fixture.mine(10).await;
    wait_withdrawal(&http, &node, &token, first, WithdrawalStatus::Confirmed).await;
    wait_withdrawal(&http, &node, &token, second, WithdrawalStatus::Confirmed).await;
    let received = fixture.user().incoming(None).await.unwrap();
    let to = |tx: &str| {
        received
            .incoming
            .iter()
            .filter(|t| t.txid == tx)
            .map(|t| t.amount)
            .collect::<Vec<_>>()
    };
    assert_eq!(to(&built.tx_hashes), vec![PICONERO_PER_XMR as u64]);
    assert_eq!(to(&built2.tx_hashes), vec![PICONERO_PER_XMR as u64 / 2]);
    let (_, balances) = call(
        &http,
        reqwest::Method::GET,
        format!("{gw}/transactions/ledger"),
        Some(&token),
        None,
        Value::Null,
    )
    .await;
    assert!(typed::<Paged<StatementLine>>(&balances).total >= 3);
    node.stop();
    let db = pupero_db::connect(&node.db_url, pupero_config::DEFAULT_DATABASE_POOL_SIZE)
        .await
        .unwrap();
    let report = pupero_transactions::ledger::verify(&db).await.unwrap();
    assert!(report.is_consistent(), "{report:?}");
    let b = pupero_transactions::ledger::balances(&db, 1).await.unwrap();
    assert_eq!(b.available.to_string(), "1.500000000000");
    assert_eq!(b.withdrawing.to_string(), "0.000000000000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_goes_out_exactly_once_after_a_crash_between_building_and_relaying() {
    use pupero_wallet::entity::{send_batch, withdrawal_send};
    let _turn = chain::chain_turn().await;
    let fixture = chain::fixture().await;
    let switch = Switch::to(fixture.hot_url.trim_start_matches("http://").to_owned()).await;
    switch.set(true);
    let http = pupero_http::build_client("tests", reqwest::Client::builder()).unwrap();
    let mut node = Node::new();
    node.hot_url = Some(format!("http://127.0.0.1:{}", switch.port));
    node.start(None).await;
    let token = funded_user(&http, &node, "batcher", 3).await;

    // The wallet goes away, so the withdrawals wait in the queue together.
    switch.set(false);
    let amounts = [100_000_000_000_u64, 200_000_000_000, 300_000_000_000];
    let mut ids = Vec::new();
    let mut receivers = Vec::new();
    for (i, amount) in amounts.iter().enumerate() {
        let receiver = fixture
            .user()
            .create_address(&format!("batch-{i}"))
            .await
            .unwrap()
            .address;
        let xmr = pupero_core::Piconero::new(i64::try_from(*amount).unwrap()).unwrap();
        let (status, body) = call(
            &http,
            reqwest::Method::POST,
            format!("{}/transactions/withdraw", node.gateway()),
            Some(&token),
            Some(&format!("batch-{i}")),
            json!({"address": receiver, "amount": xmr.to_string()}),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        ids.push(typed::<WithdrawalAccepted>(&body).withdrawal_id);
        receivers.push(receiver);
    }
    for &id in &ids {
        for _ in 0..100 {
            let w = withdrawal(&http, &node, &token, id).await;
            if w.error
                .as_deref()
                .is_some_and(|e| e.contains("waiting for the wallet"))
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    node.stop();
    // Past their back-off (5 s), the wallet returns, and the node dies between building
    // the batch (stored, reported signed) and relaying it.
    tokio::time::sleep(Duration::from_secs(6)).await;
    switch.set(true);
    node.launch(Some("before_relay")).await;
    node.wait_for_crash().await;

    let db = pupero_db::connect(&node.db_url, pupero_config::DEFAULT_DATABASE_POOL_SIZE)
        .await
        .unwrap();
    let sends = withdrawal_send::Entity::find()
        .filter(withdrawal_send::Column::WithdrawalId.is_in(ids.clone()))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(sends.len(), 3, "every withdrawal was stored with the batch");
    let batch_id = sends[0].batch_id.expect("a batch");
    assert!(
        sends.iter().all(|s| s.batch_id == Some(batch_id)),
        "{sends:?}"
    );
    let batch = send_batch::Entity::find_by_id(batch_id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    db.close().await.ok();
    let hashes: Vec<&str> = batch.tx_hashes.split(',').collect();
    assert_eq!(hashes.len(), 1, "three outputs fit one transaction");
    assert!(
        !fixture.daemon().knows_transaction(hashes[0]).await.unwrap(),
        "nothing was relayed before the crash"
    );
    assert_eq!(
        sends.iter().map(|s| s.fee).sum::<i64>(),
        batch.fee,
        "the shares add up to the fee"
    );

    // Restart: the stored batch is relayed once (not built again), for all three.
    node.start(None).await;
    let mut fees = Vec::new();
    for &id in &ids {
        let w = wait_withdrawal(&http, &node, &token, id, WithdrawalStatus::Relayed).await;
        assert_eq!(w.tx_hashes, vec![hashes[0].to_owned()], "{w:?}");
        fees.push(w.fee.expect("a relayed withdrawal has its fee").as_i64());
    }
    assert_eq!(fees.iter().sum::<i64>(), batch.fee, "{fees:?}");
    let (lo, hi) = (fees.iter().min().unwrap(), fees.iter().max().unwrap());
    assert!(hi - lo <= 1, "equal shares: {fees:?}");
    fixture.mine(10).await;
    for &id in &ids {
        wait_withdrawal(&http, &node, &token, id, WithdrawalStatus::Confirmed).await;
    }
    let received = fixture.user().incoming(None).await.unwrap();
    let mut paid: Vec<u64> = received
        .incoming
        .iter()
        .filter(|t| t.txid == hashes[0])
        .map(|t| t.amount)
        .collect();
    paid.sort_unstable();
    assert_eq!(
        paid, amounts,
        "each withdrawal once, for exactly its amount"
    );
    node.stop();
    let db = pupero_db::connect(&node.db_url, pupero_config::DEFAULT_DATABASE_POOL_SIZE)
        .await
        .unwrap();
    let report = pupero_transactions::ledger::verify(&db).await.unwrap();
    assert!(report.is_consistent(), "{report:?}");
    let b = pupero_transactions::ledger::balances(&db, 1).await.unwrap();
    assert_eq!(b.available.to_string(), "2.400000000000");
    assert_eq!(b.withdrawing.to_string(), "0.000000000000");
}

/// A TCP relay to a real service that the test can switch off (connections are refused by
/// closing them at once) and on again: the wallet RPC "goes down" without being killed.
pub(crate) struct Switch {
    pub(crate) port: u16,
    pub(crate) on: std::sync::Arc<std::sync::atomic::AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Switch {
    pub(crate) async fn to(target: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let on = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = on.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !flag.load(std::sync::atomic::Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let target = target.clone();
                let flag = flag.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    let piping = tokio::io::copy_bidirectional(&mut inbound, &mut outbound);
                    tokio::pin!(piping);
                    // Switching off also cuts the connections already open (keep-alive pools).
                    loop {
                        tokio::select! {
                            _ = &mut piping => return,
                            () = tokio::time::sleep(Duration::from_millis(50)) => {
                                if !flag.load(std::sync::atomic::Ordering::SeqCst) {
                                    return;
                                }
                            }
                        }
                    }
                });
            }
        });
        Self { port, on, task }
    }

    pub(crate) fn set(&self, on: bool) {
        self.on.store(on, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Drop for Switch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawals_wait_for_a_wallet_that_is_down_and_go_out_once_when_it_returns() {
    use crate::helpers::{Backend, run};
    let _turn = chain::chain_turn().await;
    let fixture = chain::fixture().await;
    let switch = Switch::to(fixture.hot_url.trim_start_matches("http://").to_owned()).await;
    let url = format!("http://127.0.0.1:{}", switch.port);
    let mut options = chain::options(&["--rabbitmq-poll-interval-seconds", "1"]).await;
    let at = options
        .args
        .iter()
        .position(|a| a == "--monero-rpc-url")
        .unwrap();
    options.args[at + 1] = url;
    let on = switch.on.clone();
    run(Backend::Sqlite, options, move |app| async move {
        let admin = app.staff("admin", pupero_core::Role::Admin).await;
        let alice = app.party("alice").await;
        // Funded by a real deposit while the wallet is up; then the wallet goes away.
        on.store(true, std::sync::atomic::Ordering::SeqCst);
        crate::withdrawals::deposit(&app, &alice, 1).await;
        on.store(false, std::sync::atomic::Ordering::SeqCst);
        let receiver = fixture
            .user()
            .create_address("while-down")
            .await
            .unwrap()
            .address;
        let resp = app
            .http
            .post(format!("{}/transactions/withdraw", app.gateway))
            .bearer_auth(&alice.token)
            .header("idempotency-key", "down-1")
            .json(&json!({"address": receiver, "amount": "0.3"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.status(),
            StatusCode::ACCEPTED,
            "requests are accepted while the wallet is down"
        );
        let id = resp
            .json::<WithdrawalAccepted>()
            .await
            .unwrap()
            .withdrawal_id;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let (_, waiting) = app
            .get(&format!("/transactions/withdrawals/{id}"), alice.t())
            .await;
        let waiting: WithdrawalView = typed(&waiting);
        assert_eq!(waiting.status, WithdrawalStatus::Queued, "{waiting:?}");
        assert!(
            waiting
                .error
                .as_deref()
                .unwrap_or_default()
                .contains("waiting for the wallet"),
            "the status says why: {waiting:?}"
        );
        assert_eq!(
            app.balances(&alice).await,
            (
                "0.700000000000".into(),
                "0.000000000000".into(),
                "0.300000000000".into()
            ),
            "nothing refunded"
        );
        let row = pupero_transactions::entity::withdrawal::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert!(
            row.attempts <= 3,
            "a withdrawal waiting for the wallet backs off, it does not spin: {} attempts in 3 s",
            row.attempts
        );
        let (_, health) = app.get("/healthz", None).await;
        let wallet = typed::<pupero_api::health::PlatformHealth>(&health)
            .services
            .get("wallet")
            .and_then(|s| s.detail.as_ref())
            .and_then(|d| d.checks.get("wallet"))
            .map(|c| c.status);
        assert_eq!(
            wallet,
            Some(pupero_api::health::HealthStatus::Unreachable),
            "{health}"
        );

        on.store(true, std::sync::atomic::Ordering::SeqCst);
        // The operator does not wait for the next pass: execute it now (admins only).
        let (status, _) = app
            .post(
                "/monero/admin/withdraw/execute",
                alice.t(),
                json!({"withdrawal_id": id}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = app
            .post(
                "/monero/admin/withdraw/execute",
                admin.t(),
                json!({"withdrawal_id": id}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // The staff action is on the audit chain, by the admin who asked.
        let (status, audit) = app
            .get("/transactions/admin/audit?limit=20", admin.t())
            .await;
        assert_eq!(status, StatusCode::OK, "{audit}");
        let audit: pupero_api::Paged<pupero_api::accounts::AuditEntry> = typed(&audit);
        assert!(
            audit
                .items
                .iter()
                .any(|e| e.action == pupero_core::AuditAction::ExecuteWithdrawal
                    && e.actor_id == Some(admin.id)
                    && e.details.contains(&format!("withdrawal {id} "))),
            "{:?}",
            audit.items
        );
        let (_, now) = app
            .get(&format!("/transactions/withdrawals/{id}"), alice.t())
            .await;
        let now: WithdrawalView = typed(&now);
        assert_eq!(
            now.status,
            WithdrawalStatus::Relayed,
            "executed at once: {now:?}"
        );
        let sent = now;
        fixture.mine(10).await;
        let received = fixture.user().incoming(None).await.unwrap();
        let paid: Vec<_> = received
            .incoming
            .iter()
            .filter(|t| t.txid == sent.tx_hashes[0])
            .collect();
        assert_eq!(paid.len(), 1);
        assert_eq!(paid[0].amount, 300_000_000_000);
        assert_eq!(
            app.balances(&alice).await,
            (
                "0.700000000000".into(),
                "0.000000000000".into(),
                "0.000000000000".into()
            )
        );
        app.assert_ledger_consistent().await;
    })
    .await;
    switch.set(false);
}
