//! Issue 13 items 4 and 5: the alert rules pass their `promtool` unit tests, and a real
//! Prometheus scraping a live platform (with a regtest hot wallet) finds every metric the
//! dashboards and alerts name.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use pupero_config::Service;

use crate::business_metrics::{SCRAPER, scrape};
use crate::chain;
use crate::helpers::{Backend, TestApp, TestDb, settings_for};

fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy")
}

fn tool(name: &str) -> PathBuf {
    let found = ["/usr/bin", "/usr/local/bin", "/bin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists());
    found
        .unwrap_or_else(|| panic!("{name} missing: run scripts/test-deps.sh (Debian's prometheus)"))
}

#[test]
fn the_alert_rules_pass_their_promtool_unit_tests() {
    let promtool = tool("promtool");
    let check = Command::new(&promtool)
        .arg("check")
        .arg("rules")
        .arg(deploy().join("prometheus/alerts.yaml"))
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let test = Command::new(&promtool)
        .arg("test")
        .arg("rules")
        .arg(deploy().join("prometheus/tests/alerts_test.yaml"))
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "promtool test rules failed:\n{}{}",
        String::from_utf8_lossy(&test.stdout),
        String::from_utf8_lossy(&test.stderr)
    );
}

/// The metric names a PromQL expression reads: what is left once strings, label matchers,
/// ranges, grouping clauses, function calls, keywords and numbers are taken out.
fn metric_names(expr: &str) -> BTreeSet<String> {
    let mut text = String::new();
    let mut depth_brace = 0;
    let mut depth_bracket = 0;
    let mut in_string = false;
    for c in expr.chars() {
        match c {
            '"' => in_string = !in_string,
            _ if in_string => {}
            '{' => depth_brace += 1,
            '}' => depth_brace -= 1,
            '[' => depth_bracket += 1,
            ']' => depth_bracket -= 1,
            _ if depth_brace > 0 || depth_bracket > 0 => {}
            c => text.push(c),
        }
    }
    let tokens: Vec<(String, char)> = {
        let mut out = Vec::new();
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_alphabetic() || c == '_' || c == ':' {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == ':')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let next = chars[i..]
                    .iter()
                    .find(|c| !c.is_whitespace())
                    .copied()
                    .unwrap_or(' ');
                out.push((word, next));
            } else if c.is_ascii_digit() || c == '.' {
                // A number (1e12, 0.95) is not a name.
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
        out
    };
    const KEYWORDS: &[&str] = &[
        "and",
        "or",
        "unless",
        "bool",
        "offset",
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
    ];
    // `sum by (x) (…)`: an aggregation is not always followed by its parenthesis.
    const AGGREGATIONS: &[&str] = &[
        "sum",
        "min",
        "max",
        "avg",
        "group",
        "stddev",
        "stdvar",
        "count",
        "count_values",
        "bottomk",
        "topk",
        "quantile",
    ];
    let mut names = BTreeSet::new();
    let mut skip_group = false;
    for (word, next) in tokens {
        if skip_group {
            // Inside `by (…)`: label names until the clause closes (labels carry no parens).
            if next == ')' {
                skip_group = false;
            }
            continue;
        }
        if matches!(
            word.as_str(),
            "by" | "without" | "on" | "ignoring" | "group_left" | "group_right"
        ) {
            skip_group = next == '(';
            continue;
        }
        if next == '(' || KEYWORDS.contains(&word.as_str()) || AGGREGATIONS.contains(&word.as_str())
        {
            continue;
        }
        names.insert(word);
    }
    names
}

#[test]
fn metric_names_are_read_out_of_promql() {
    let names = metric_names(
        r#"sum by (service, le) (rate(http_request_duration_seconds_bucket{status=~"5.."}[5m])) / 1e12
           - max(pupero:solvency_margin_piconero offset 1h) and on (x) up"#,
    );
    let want: BTreeSet<String> = [
        "http_request_duration_seconds_bucket",
        "pupero:solvency_margin_piconero",
        "up",
    ]
    .map(String::from)
    .into();
    assert_eq!(names, want);
}

/// Every expression in the dashboards and the alert rules, with where it came from.
fn expressions() -> (Vec<(String, String)>, BTreeSet<String>) {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(deploy().join("grafana/dashboards")).unwrap() {
        let path = entry.unwrap().path();
        let dashboard: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for panel in dashboard["panels"].as_array().unwrap() {
            for target in panel["targets"].as_array().unwrap() {
                let place = format!(
                    "{} / {}",
                    path.file_name().unwrap().to_string_lossy(),
                    panel["title"]
                );
                found.push((place, target["expr"].as_str().unwrap().to_owned()));
            }
        }
    }
    let rules = std::fs::read_to_string(deploy().join("prometheus/alerts.yaml")).unwrap();
    let mut recorded = BTreeSet::new();
    let mut lines = rules.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if let Some(name) = trimmed.strip_prefix("- record:") {
            recorded.insert(name.trim().to_owned());
        }
        if let Some(expr) = trimmed.strip_prefix("expr:") {
            let mut expr = expr.trim().to_owned();
            if expr == "|" {
                // A block: the lines indented deeper than `expr:`.
                let indent = line.len() - trimmed.len();
                expr.clear();
                while let Some(next) = lines.peek() {
                    if next.len() - next.trim_start().len() <= indent {
                        break;
                    }
                    expr.push_str(next.trim());
                    expr.push(' ');
                    lines.next();
                }
            }
            found.push(("alerts.yaml".to_owned(), expr));
        }
    }
    (found, recorded)
}

/// A Prometheus server on a scratch directory and port, stopped when dropped.
struct Prometheus {
    child: Child,
    url: String,
    _dir: PathBuf,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_prometheus(targets: &[String]) -> Prometheus {
    let dir = std::env::temp_dir().join(format!(
        "pupero_prom_{}_{:08x}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let targets: Vec<String> = targets.iter().map(|t| format!("\"{t}\"")).collect();
    let config = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
         rule_files:\n  - {rules}\n\
         scrape_configs:\n  - job_name: pupero\n    authorization:\n      type: Bearer\n      credentials: {SCRAPER}\n    static_configs:\n      - targets: [{targets}]\n",
        rules = deploy().join("prometheus/alerts.yaml").display(),
        targets = targets.join(", "),
    );
    std::fs::write(dir.join("prometheus.yml"), config).unwrap();
    let child = Command::new(tool("prometheus"))
        .arg(format!(
            "--config.file={}",
            dir.join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::from(
            std::fs::File::create(dir.join("prometheus.log")).unwrap(),
        ))
        .spawn()
        .expect("prometheus starts");
    Prometheus {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_prometheus_scraping_a_live_platform_finds_every_metric_the_dashboards_and_alerts_name()
 {
    let _turn = chain::chain_turn().await;
    let fixture = chain::fixture().await;
    let db = TestDb::create(Backend::Sqlite).await;
    let mut args = chain::options(&[
        "--metrics-token",
        SCRAPER,
        "--metrics-interval-seconds",
        "1",
        "--ledger-verify-interval-seconds",
        "1",
    ])
    .await
    .args;
    args.push("--min-sweep-xmr".into());
    args.push("0.01".into());
    let dir = std::env::temp_dir().join(format!(
        "pupero_mon_{}_{:08x}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let settings = settings_for(&db.url, &dir, &args);
    pupero_http::token::generate_missing(&settings.keys_dir()).unwrap();
    let platform = pupero::Platform::start(settings, &pupero::platform::AVAILABLE)
        .await
        .expect("platform starts");
    let url = |s| platform.url(s).unwrap();
    let app = TestApp {
        frontend: url(Service::Frontend),
        gateway: url(Service::Gateway),
        login: url(Service::Login),
        offers: url(Service::Offers),
        transactions: url(Service::Transactions),
        db_url: db.url.clone(),
        db: platform.db.clone().unwrap(),
        http: pupero_http::build_client("tests", reqwest::Client::builder()).unwrap(),
        keys_dir: dir.join("keys"),
    };

    // Some traffic, a trade and a deposit, so every series has a sample.
    let admin = app.staff("admin", pupero_core::Role::Admin).await;
    let seller = app.party("seller").await;
    let buyer = app.party("buyer").await;
    app.credit(&admin, seller.id, "3").await;
    let offer = app.offer(&seller, "sell", "0.1", "2").await;
    app.trade(&buyer, offer, "1").await;
    let (status, body) = app.get("/transactions/deposit-address", buyer.t()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let address = crate::helpers::typed::<pupero_api::money::DepositAddressView>(&body).address;
    fixture
        .user()
        .transfer_now(&address, 100_000_000_000)
        .await
        .unwrap();
    let wallet = url(Service::Wallet);
    let started = Instant::now();
    loop {
        let text = scrape(&app, &wallet).await;
        if text.contains("pupero_deposit_detection_lag_seconds ")
            && text.contains("pupero_wallet_balance_piconero{")
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the wallet never reported the deposit:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    let targets: Vec<String> = platform.addrs.values().map(ToString::to_string).collect();
    let prometheus = start_prometheus(&targets);
    let http = pupero_http::build_client("tests", reqwest::Client::builder()).unwrap();
    let (expressions, recorded) = expressions();
    let mut wanted = BTreeSet::new();
    for (place, expr) in &expressions {
        let names = metric_names(expr);
        assert!(!names.is_empty(), "{place}: no metric in {expr}");
        for name in names {
            if name.contains(':') {
                assert!(
                    recorded.contains(&name),
                    "{place}: {name} is not a recording rule of alerts.yaml"
                );
            } else {
                wanted.insert(name);
            }
        }
    }
    // Each target up, then every name present (a scrape a second, rules every second).
    let started = Instant::now();
    let missing = loop {
        let have: BTreeSet<String> = match http
            .get(format!("{}/api/v1/label/__name__/values", prometheus.url))
            .send()
            .await
        {
            Ok(r) => r.json::<Value>().await.map_or_else(
                |_| BTreeSet::new(),
                |v| {
                    v["data"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|n| n.as_str().map(String::from))
                        .collect()
                },
            ),
            Err(_) => BTreeSet::new(),
        };
        let missing: Vec<&String> = wanted.iter().filter(|n| !have.contains(*n)).collect();
        let recorded_missing = recorded.iter().any(|n| !have.contains(n));
        // Every target scraped at least once too: the names can all be there (the HTTP
        // series are every service's) while one target still waits for its first scrape.
        let all_up = match http
            .get(format!("{}/api/v1/targets", prometheus.url))
            .send()
            .await
        {
            Ok(r) => r.json::<Value>().await.is_ok_and(|t| {
                t["data"]["activeTargets"].as_array().is_some_and(|a| {
                    a.len() == platform.addrs.len() && a.iter().all(|t| t["health"] == "up")
                })
            }),
            Err(_) => false,
        };
        if (missing.is_empty() && !recorded_missing && all_up)
            || started.elapsed() > Duration::from_secs(60)
        {
            break missing.into_iter().cloned().collect::<Vec<_>>();
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let targets: Value = http
        .get(format!("{}/api/v1/targets", prometheus.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let active = targets["data"]["activeTargets"].as_array().unwrap();
    assert_eq!(active.len(), platform.addrs.len());
    for t in active {
        assert_eq!(t["health"], "up", "a target is not scraped: {t}");
    }
    assert!(
        missing.is_empty(),
        "named by a dashboard or alert but not exported: {missing:?}"
    );
    println!(
        "{} expressions name {} metrics and {} recording rules; all exported by {} live targets",
        expressions.len(),
        wanted.len(),
        recorded.len(),
        active.len()
    );
    // The recording rules evaluate over the live numbers: the solvency margin exists.
    let margin: Value = http
        .get(format!(
            "{}/api/v1/query?query=pupero:solvency_margin_piconero",
            prometheus.url
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        margin["data"]["result"].as_array().map(Vec::len),
        Some(1),
        "{margin}"
    );
    drop(prometheus);
    platform.stop().await;
    db.drop_db().await;
}
