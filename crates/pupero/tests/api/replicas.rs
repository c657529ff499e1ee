//! Issue 13 item 1: services as several replicas. A gateway spreads requests over two
//! replicas and keeps answering when one stops; a request that may have acted is never sent
//! to a second replica; background jobs hold a fenced worker lease, taken over when the
//! holder is killed; per-IP login limits, and the gateway's per-address budget, are one
//! budget across replicas through Redis.

use std::io::Read;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use pupero::Platform;
use pupero_config::Service;
use pupero_db::lease::{self, Fence, Tenure};

use crate::faults::Node;
use crate::helpers::{Backend, Options, PASSWORD, TestApp, TestDb, db_test, settings_for};

const GENEROUS: [&str; 4] = [
    "--login-rate-per-minute",
    "100000",
    "--register-rate-per-hour",
    "100000",
];

/// More services on the test's database, with its keys and data key (so tokens and sealed
/// data are understood by every replica).
async fn replica(app: &TestApp, services: &[Service], extra: &[&str]) -> Platform {
    let data = app.keys_dir.parent().unwrap();
    let args: Vec<String> = extra.iter().map(|a| (*a).to_owned()).collect();
    let settings = settings_for(&app.db_url, data, &args);
    Platform::start(settings, services).await.unwrap()
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = app.http.request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

db_test! {
    async fn a_gateway_keeps_answering_when_one_of_two_replicas_stops(app, Options::with(&GENEROUS)) {
        let second = replica(&app, &[Service::Login, Service::Offers, Service::Transactions], &GENEROUS).await;
        let both = |s: Service| format!("{},{}", s_url(&app, s), second.url(s).unwrap());
        let login = both(Service::Login);
        let transactions = both(Service::Transactions);
        let offers = second.url(Service::Offers).unwrap();
        let gateway = replica(&app, &[Service::Gateway], &[
            "--login-service-url", &login,
            "--transactions-service-url", &transactions,
            "--offers-service-url", &offers,
        ]).await;
        let gw = gateway.url(Service::Gateway).unwrap();
        let post = reqwest::Method::POST;
        let get = reqwest::Method::GET;

        let (status, body) = send(&app, post.clone(), format!("{gw}/auth/register"), None, None,
            Some(json!({"email": "twin@example.com", "username": "twin", "password": PASSWORD}))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let mut token = String::new();
        for _ in 0..4 {
            let (status, body) = send(&app, post.clone(), format!("{gw}/auth/login"), None, None,
                Some(json!({"username": "twin", "password": PASSWORD}))).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            token = body["access_token"].as_str().unwrap().to_owned();
            let (status, body) = send(&app, get.clone(), format!("{gw}/auth/me"), Some(&token), None, None).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }

        // The second replica goes away: its listeners close, connections are refused.
        second.stop().await;
        for round in 0..6 {
            let (status, body) = send(&app, post.clone(), format!("{gw}/auth/login"), None, None,
                Some(json!({"username": "twin", "password": PASSWORD}))).await;
            assert_eq!(status, StatusCode::OK, "login {round}: {body}");
            let (status, body) = send(&app, get.clone(), format!("{gw}/auth/me"), Some(&token), None, None).await;
            assert_eq!(status, StatusCode::OK, "me {round}: {body}");
            let (status, body) = send(&app, get.clone(), format!("{gw}/transactions/withdrawals"), Some(&token), None, None).await;
            assert_eq!(status, StatusCode::OK, "withdrawals {round}: {body}");
        }
        let (_, health) = send(&app, get, format!("{gw}/healthz"), None, None, None).await;
        assert_eq!(health["services"]["login"]["status"], "ok", "{health}");
        gateway.stop().await;
    }
}

fn s_url(app: &TestApp, s: Service) -> String {
    match s {
        Service::Login => app.login.clone(),
        Service::Transactions => app.transactions.clone(),
        other => panic!("the test app does not expose {other:?}"),
    }
}

/// A replica that takes requests and dies before answering any: it counts what reached it.
fn dying_replica(seen: Arc<AtomicUsize>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut read = Vec::new();
                let mut buf = [0u8; 4096];
                while !read.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read.extend_from_slice(&buf[..n]),
                    }
                }
                // The gateway's health checks come here too; only the proxied calls count.
                if read.starts_with(b"GET /healthz") {
                    return;
                }
                seen.fetch_add(1, Ordering::SeqCst);
                // Gone before answering: the request may have acted.
                drop(stream);
            });
        }
    });
    format!("http://{addr}")
}

db_test! {
    async fn a_request_that_may_have_acted_goes_to_one_replica_only(app) {
        let seen = Arc::new(AtomicUsize::new(0));
        let offers = format!("{},{}", dying_replica(seen.clone()), dying_replica(seen.clone()));
        let gateway = replica(&app, &[Service::Gateway], &["--offers-service-url", &offers]).await;
        let gw = gateway.url(Service::Gateway).unwrap();
        let attempts = |method: reqwest::Method, key: Option<&'static str>| {
            let seen = seen.clone();
            let app = &app;
            let gw = gw.clone();
            async move {
                seen.store(0, Ordering::SeqCst);
                let (status, body) = send(app, method, format!("{gw}/offers"), Some("t"), key, Some(json!({}))).await;
                assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
                seen.load(Ordering::SeqCst)
            }
        };
        // A POST without an Idempotency-Key may have created an offer: never sent twice.
        assert_eq!(attempts(reqwest::Method::POST, None).await, 1);
        assert_eq!(attempts(reqwest::Method::POST, None).await, 1);
        // With a key the service answers a repeat with the first outcome: the next replica
        // may have it. So may an idempotent method.
        assert_eq!(attempts(reqwest::Method::POST, Some("offer-1")).await, 2);
        assert_eq!(attempts(reqwest::Method::PUT, None).await, 2);
        assert_eq!(attempts(reqwest::Method::GET, None).await, 2);
        gateway.stop().await;
    }
}

db_test! {
    async fn a_stale_fencing_token_cannot_write(app) {
        let db = &app.db;
        let table = pupero_transactions::LEASE_TABLE;
        let job = "fence_test";
        let now = pupero_db::now_ms();
        let Tenure::Held { token: first, taken: true } =
            lease::renew_or_take(db, table, job, "old", None, now, 1_000).await.unwrap()
        else {
            panic!("the first holder takes the lease");
        };
        // Held: nobody else gets it, and its holder renews without a new token.
        assert_eq!(lease::renew_or_take(db, table, job, "new", None, now + 500, 1_000).await.unwrap(), Tenure::Elsewhere);
        assert_eq!(
            lease::renew_or_take(db, table, job, "old", Some(first), now + 600, 1_000).await.unwrap(),
            Tenure::Held { token: first, taken: false }
        );
        let stale = Fence { table, job, holder: "old".into(), token: first };
        let tx = pupero_db::write_tx(db).await.unwrap();
        stale.check(&tx).await.unwrap();
        tx.commit().await.unwrap();

        // "old" pauses past its lease; "new" takes over with the next token.
        let Tenure::Held { token: second, taken: true } =
            lease::renew_or_take(db, table, job, "new", None, now + 1_700, 1_000).await.unwrap()
        else {
            panic!("the lease ran out, so it can be taken over");
        };
        assert_eq!(second, first + 1);

        // The paused holder wakes up: its write transaction is refused, and its renewal.
        let tx = pupero_db::write_tx(db).await.unwrap();
        let refused = stale.check(&tx).await.unwrap_err();
        assert!(lease::is_fenced(&refused), "{refused}");
        tx.rollback().await.unwrap();
        assert_eq!(
            lease::renew_or_take(db, table, job, "old", Some(first), now + 1_800, 1_000).await.unwrap(),
            Tenure::Elsewhere
        );
        let current = Fence { table, job, holder: "new".into(), token: second };
        let tx = pupero_db::write_tx(db).await.unwrap();
        current.check(&tx).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(lease::current(db, table, job).await.unwrap().unwrap().0, "new");
    }
}

const LEASE_SECONDS: u64 = 2;
const TRANSACTIONS_JOBS: [&str; 3] = ["trade_expiry", "money_metrics", "ledger_verify"];
const METRICS_TOKEN: &str = "replica-test-metrics-token-0123456789abcdef";

fn contender(db_url: &str, replica: &str) -> Node {
    let mut node = Node::new();
    node.db_url = db_url.to_owned();
    node.chainless = true;
    node.env.extend([
        ("REPLICA_ID", replica.to_owned()),
        ("WORKER_LEASE_SECONDS", LEASE_SECONDS.to_string()),
        ("METRICS_TOKEN", METRICS_TOKEN.to_owned()),
        ("METRICS_INTERVAL_SECONDS", "1".to_owned()),
    ]);
    node
}

async fn holders(db: &sea_orm::DatabaseConnection) -> Vec<(String, i64)> {
    let mut seen = Vec::new();
    for job in TRANSACTIONS_JOBS {
        let row = lease::current(db, pupero_transactions::LEASE_TABLE, job)
            .await
            .unwrap();
        let (holder, token, expires) = row.unwrap_or_default();
        let live = expires >= pupero_db::now_ms();
        seen.push((if live { holder } else { String::new() }, token));
    }
    seen
}

/// Waits until every transactions job is held by `replica`; returns the tokens.
async fn wait_for_holder(db: &sea_orm::DatabaseConnection, replica: &str) -> Vec<i64> {
    for _ in 0..600 {
        let seen = holders(db).await;
        if seen.iter().all(|(h, _)| h == replica) {
            return seen.into_iter().map(|(_, t)| t).collect();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{replica} never held every job: {:?}", holders(db).await);
}

/// `pupero_worker_lease_held{worker,replica}` (or the takeover counter) on a node.
async fn lease_sample(node: &Node, metric: &str, worker: &str, replica: &str) -> Option<i64> {
    let text = pupero_http::build_client("tests", reqwest::Client::builder())
        .unwrap()
        .get(format!("http://127.0.0.1:{}/metrics", node.ports[3]))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (w, r) = (
        format!("worker=\"{worker}\""),
        format!("replica=\"{replica}\""),
    );
    text.lines()
        .filter(|l| l.starts_with(&format!("{metric}{{")) && l.contains(&w) && l.contains(&r))
        .find_map(|l| l.rsplit(' ').next()?.parse().ok())
}

async fn two_processes_contend_for_the_worker_leases(backend: Backend) {
    let db = TestDb::create(backend).await;
    let mut a = contender(&db.url, "replica-a");
    a.start(None).await;
    let conn = pupero_db::connect(&db.url, pupero_config::DEFAULT_DATABASE_POOL_SIZE)
        .await
        .unwrap();
    let before = wait_for_holder(&conn, "replica-a").await;
    let mut b = contender(&db.url, "replica-b");
    b.start(None).await;
    // Several renewals later the first holder still holds every job, and the second runs
    // none of them.
    tokio::time::sleep(Duration::from_secs(LEASE_SECONDS * 2)).await;
    assert_eq!(wait_for_holder(&conn, "replica-a").await, before);
    for job in TRANSACTIONS_JOBS {
        assert_eq!(
            lease_sample(&a, "pupero_worker_lease_held", job, "replica-a").await,
            Some(1),
            "{job}"
        );
        assert_eq!(
            lease_sample(&b, "pupero_worker_lease_held", job, "replica-b").await,
            Some(0),
            "{job}"
        );
    }

    a.kill();
    let killed = Instant::now();
    let after = wait_for_holder(&conn, "replica-b").await;
    let took = killed.elapsed();
    println!(
        "worker lease takeover on {backend:?} after SIGKILL of the holder: {:.2} s (lease {LEASE_SECONDS} s, renewed every {:.2} s)",
        took.as_secs_f64(),
        LEASE_SECONDS as f64 / 3.0
    );
    // A functional bound only: well past lease + one renewal period, on a loaded machine.
    assert!(took < Duration::from_secs(60), "{took:?}");
    for ((job, was), now) in TRANSACTIONS_JOBS.iter().zip(&before).zip(&after) {
        assert_eq!(*now, was + 1, "{job}: a takeover hands out the next token");
    }
    for job in TRANSACTIONS_JOBS {
        let mut held = None;
        for _ in 0..100 {
            held = lease_sample(&b, "pupero_worker_lease_held", job, "replica-b").await;
            if held == Some(1) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(held, Some(1), "{job}");
        assert_eq!(
            lease_sample(&b, "pupero_worker_lease_takeovers_total", job, "replica-b").await,
            Some(1),
            "{job}"
        );
    }
    b.stop();
    conn.close().await.ok();
}

mod two_processes_contend_for_the_worker_leases {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        two_processes_contend_for_the_worker_leases(Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mariadb() {
        two_processes_contend_for_the_worker_leases(Backend::MariaDb).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        two_processes_contend_for_the_worker_leases(Backend::Postgres).await;
    }
}

/// Logins through a gateway over two login replicas started with `limiter`; returns how
/// many were let through and how long the burst took.
async fn login_burst(app: &TestApp, limiter: &[&str], tries: usize) -> (usize, Duration) {
    let mut args = vec![
        "--login-rate-per-minute",
        "5",
        "--register-rate-per-hour",
        "100000",
        "--login-max-failures",
        "1000",
        "--login-account-max-failures",
        "1000",
    ];
    args.extend_from_slice(limiter);
    let first = replica(app, &[Service::Login], &args).await;
    let second = replica(app, &[Service::Login], &args).await;
    let login = format!(
        "{},{}",
        first.url(Service::Login).unwrap(),
        second.url(Service::Login).unwrap()
    );
    let gateway = replica(app, &[Service::Gateway], &["--login-service-url", &login]).await;
    let gw = gateway.url(Service::Gateway).unwrap();
    let started = Instant::now();
    let mut through = 0;
    for _ in 0..tries {
        let (status, body) = send(
            app,
            reqwest::Method::POST,
            format!("{gw}/auth/login"),
            None,
            None,
            Some(json!({"username": "burst", "password": "not the password"})),
        )
        .await;
        match status {
            StatusCode::TOO_MANY_REQUESTS => {}
            StatusCode::UNAUTHORIZED => through += 1,
            other => panic!("{other}: {body}"),
        }
    }
    let took = started.elapsed();
    gateway.stop().await;
    first.stop().await;
    second.stop().await;
    (through, took)
}

db_test! {
    async fn a_login_burst_over_two_replicas_meets_one_per_ip_budget(app) {
        // A prefix of its own: other test runs share this Redis.
        let prefix = format!("pupero-test-{}-{}", std::process::id(), rand::random::<u32>());
        let (through, took) = login_burst(&app, &[
            "--rate-limit-redis-url", "redis://127.0.0.1:6379",
            "--rate-limit-redis-prefix", &prefix,
        ], 14).await;
        // 5 a minute is one more every 12 s: a slow burst may earn one or two more.
        let earned = usize::try_from(took.as_secs() / 12).unwrap();
        println!("login burst over two replicas with Redis: {through} of 14 through in {:.1} s", took.as_secs_f64());
        assert!((5..=5 + earned).contains(&through), "{through} through in {took:?}");
    }
}

db_test! {
    async fn with_redis_unreachable_each_replica_counts_its_own_budget(app) {
        let (through, took) = login_burst(&app, &["--rate-limit-redis-url", "redis://127.0.0.1:9"], 14).await;
        // Logins still work, and are still limited: 5 per replica, 7 tries each.
        let earned = usize::try_from(took.as_secs() / 12).unwrap() * 2;
        println!("login burst over two replicas, Redis down: {through} of 14 through in {:.1} s", took.as_secs_f64());
        assert!((10..=10 + earned).contains(&through), "{through} through in {took:?}");
    }
}

/// One request's answer from a gateway: status and its budget headers.
#[derive(Debug)]
struct Budget {
    status: StatusCode,
    remaining: u64,
    reset: u64,
    retry_after: Option<u64>,
}

/// Two gateways (nothing behind them is asked: `/nowhere` is the gateway's own 404) with
/// `limit` requests a minute and `limiter`; `tries` requests alternating between them.
/// Returns each answer with the replica (0 or 1) that gave it, how long the burst took, and
/// each gateway's `/metrics`.
async fn gateway_burst(
    app: &TestApp,
    limit: u32,
    limiter: &[&str],
    tries: usize,
) -> (Vec<(usize, Budget)>, Duration, [String; 2]) {
    let limit = limit.to_string();
    let mut args = vec![
        "--gateway-rate-per-minute",
        &limit,
        "--metrics-token",
        crate::business_metrics::SCRAPER,
    ];
    args.extend_from_slice(limiter);
    let gateways = [
        replica(app, &[Service::Gateway], &args).await,
        replica(app, &[Service::Gateway], &args).await,
    ];
    let bases = gateways
        .each_ref()
        .map(|g| g.url(Service::Gateway).unwrap());
    let started = Instant::now();
    let mut answers = Vec::new();
    for i in 0..tries {
        let which = i % 2;
        let resp = app
            .http
            .get(format!("{}/nowhere", bases[which]))
            .send()
            .await
            .unwrap();
        let number = |name: &str| -> Option<u64> {
            resp.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().parse().unwrap())
        };
        assert_eq!(number("ratelimit-limit"), Some(limit.parse().unwrap()));
        answers.push((
            which,
            Budget {
                status: resp.status(),
                remaining: number("ratelimit-remaining").unwrap(),
                reset: number("ratelimit-reset").unwrap(),
                retry_after: number("retry-after"),
            },
        ));
    }
    let took = started.elapsed();
    let mut scraped = [String::new(), String::new()];
    for (text, base) in scraped.iter_mut().zip(&bases) {
        *text = crate::business_metrics::scrape(app, base).await;
    }
    for g in gateways {
        g.stop().await;
    }
    (answers, took, scraped)
}

const GATEWAY_FALLBACKS: &str = "pupero_rate_limit_redis_fallbacks_total";

db_test! {
    async fn two_gateways_with_redis_spend_one_budget_and_say_so_alike(app) {
        // A prefix of its own: other test runs share this Redis.
        let prefix = format!("pupero-test-{}-{}", std::process::id(), rand::random::<u32>());
        let (answers, took, scraped) = gateway_burst(&app, 6, &[
            "--rate-limit-redis-url", "redis://127.0.0.1:6379",
            "--rate-limit-redis-prefix", &prefix,
        ], 12).await;
        println!("gateway burst over two replicas with Redis: {answers:?} in {:.1} s", took.as_secs_f64());
        // 6 a minute is one more every 10 s: a slow burst may earn one or two more.
        let earned = usize::try_from(took.as_secs() / 10).unwrap();
        let allowed: Vec<&Budget> = answers.iter().map(|(_, b)| b).filter(|b| b.status == StatusCode::NOT_FOUND).collect();
        assert!((6..=6 + earned).contains(&allowed.len()), "{answers:?}");
        if earned == 0 {
            // Whichever replica answers, the headers count down one budget: 5, 4, … 0,
            // and it is full again 10 s later with each request.
            let remaining: Vec<u64> = allowed.iter().map(|b| b.remaining).collect();
            assert_eq!(remaining, [5, 4, 3, 2, 1, 0], "{answers:?}");
            let lag = took.as_secs() + 1;
            for (i, b) in allowed.iter().enumerate() {
                let full = 10 * (u64::try_from(i).unwrap() + 1);
                assert!(b.reset <= full && b.reset + lag >= full, "{answers:?}");
            }
        }
        // Both replicas refuse once it is spent, with the same advice.
        for which in [0, 1] {
            let refused: Vec<&Budget> = answers.iter()
                .filter(|(w, b)| *w == which && b.status == StatusCode::TOO_MANY_REQUESTS)
                .map(|(_, b)| b).collect();
            assert!(!refused.is_empty(), "replica {which}: {answers:?}");
            for b in refused {
                assert_eq!(b.remaining, 0, "{answers:?}");
                assert!(b.reset <= 60, "{answers:?}");
                assert!((1..=10).contains(&b.retry_after.unwrap()), "{answers:?}");
            }
        }
        for text in &scraped {
            assert_eq!(crate::business_metrics::sample(text, GATEWAY_FALLBACKS, "limit=\"gateway\""), Some(0), "{text}");
        }
    }
}

db_test! {
    async fn with_redis_unreachable_each_gateway_counts_its_own_budget_and_reports_it(app) {
        let (answers, took, scraped) = gateway_burst(&app, 3, &["--rate-limit-redis-url", "redis://127.0.0.1:9"], 10).await;
        println!("gateway burst over two replicas, Redis down: {answers:?} in {:.1} s", took.as_secs_f64());
        // Still limited, per replica: 3 each (one more every 20 s), 5 tries each.
        let earned = usize::try_from(took.as_secs() / 20).unwrap();
        for which in [0, 1] {
            let mine: Vec<&Budget> = answers.iter().filter(|(w, _)| *w == which).map(|(_, b)| b).collect();
            let allowed = mine.iter().filter(|b| b.status == StatusCode::NOT_FOUND).count();
            assert!((3..=3 + earned).contains(&allowed), "replica {which}: {answers:?}");
            if earned == 0 {
                let remaining: Vec<u64> = mine.iter().map(|b| b.remaining).collect();
                assert_eq!(remaining, [2, 1, 0, 0, 0], "replica {which}: {answers:?}");
                assert!(mine[3].retry_after.is_some() && mine[4].retry_after.is_some(), "{answers:?}");
            }
            // Every request was counted in memory, and each says so on /metrics.
            assert_eq!(crate::business_metrics::sample(&scraped[which], GATEWAY_FALLBACKS, "limit=\"gateway\""), Some(5), "{}", scraped[which]);
        }
    }
}
