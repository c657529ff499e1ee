//! The compose files (deploy/compose): .env.example names exactly the seed's variables, the
//! overlays resolve, and production refuses missing or placeholder secrets.

use pupero_deploy::{compose_config, preflight, repo_root};

/// The variable names of the seed deployment's .env (issue 12).
const SEED_NAMES: [&str; 18] = [
    "DB_ROOT_PASSWORD",
    "DB_NAME",
    "RABBITMQ_USER",
    "RABBITMQ_PASSWORD",
    "RABBITMQ_QUEUE",
    "MONEROD_ARGS",
    "MONEROD_P2P_PORT",
    "MONEROD_RPC_PORT",
    "WALLET_RPC_PORT",
    "MONERO_RPC_USER",
    "MONERO_RPC_PASSWORD",
    "MONERO_RPC_AUTH_SCHEME",
    "RABBITMQ_POLL_INTERVAL_SECONDS",
    "SWEEP_INTERVAL_SECONDS",
    "MIN_SWEEP_XMR",
    "REMEMBER_ME_DAYS",
    "SECURE_COOKIES",
    "SESSION_COOKIE_SAMESITE",
];

const PROD_SECRETS: [(&str, &str); 8] = [
    ("PUPERO_DOMAIN", "market.example.com"),
    ("PUPERO_API_DOMAIN", "api.market.example.com"),
    ("FRONTEND_SECRET_KEY", "0123456789abcdef0123456789abcdef01"),
    (
        "DATA_ENCRYPTION_KEY",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    ),
    (
        "AUDIT_SIGNING_KEY",
        "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100",
    ),
    ("METRICS_TOKEN", "fedcba9876543210fedcba9876543210fe"),
    ("MONERO_WALLET_PASSWORD", "a-wallet-password-of-some-length"),
    ("DB_ROOT_PASSWORD", "a-database-password-of-some-length"),
];

fn env_example() -> std::path::PathBuf {
    repo_root().join("deploy/compose/.env.example")
}

#[test]
fn env_example_names_exactly_the_seed_variables() {
    let text = std::fs::read_to_string(env_example()).unwrap();
    let names: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && l.contains('='))
        .map(|l| l.split('=').next().unwrap_or_default().trim())
        .collect();
    assert_eq!(names, SEED_NAMES);
    assert!(
        text.contains("MONEROD_ARGS=--testnet"),
        "testnet by default"
    );
}

#[test]
fn every_overlay_resolves_and_regtest_replaces_the_network() {
    for overlay in ["compose.dev.yaml", "compose.regtest.yaml"] {
        let run = compose_config(&["compose.yaml", overlay], &env_example(), &[]).unwrap();
        assert!(run.success, "{overlay}: {run:#?}");
        assert!(
            run.stdout.contains("service_completed_successfully"),
            "{overlay}: migrations first"
        );
    }
    let run = compose_config(&["compose.yaml", "compose.dev.yaml"], &env_example(), &[]).unwrap();
    assert!(run.stdout.contains("- --testnet"), "{}", run.stdout);
    let run = compose_config(
        &["compose.yaml", "compose.regtest.yaml"],
        &env_example(),
        &[],
    )
    .unwrap();
    assert!(
        run.stdout.contains("- --regtest") && !run.stdout.contains("- --testnet"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("MONERO_NETWORK: regtest"),
        "{}",
        run.stdout
    );
}

#[test]
fn production_refuses_to_start_without_each_secret() {
    let files = ["compose.yaml", "compose.prod.yaml"];
    let run = compose_config(&files, &env_example(), &PROD_SECRETS).unwrap();
    assert!(run.success, "{run:#?}");
    // Only Caddy publishes ports.
    assert_eq!(run.stdout.matches("ports:").count(), 1, "{}", run.stdout);
    for (i, (missing, _)) in PROD_SECRETS.iter().enumerate().take(6) {
        let mut env: Vec<(&str, &str)> = PROD_SECRETS.to_vec();
        env.remove(i);
        let run = compose_config(&files, &env_example(), &env).unwrap();
        assert!(!run.success, "{missing} missing yet resolved");
        assert!(
            run.stderr
                .contains(&format!("required variable {missing} is missing")),
            "{missing}: {}",
            run.stderr
        );
    }
}

#[test]
fn the_production_preflight_refuses_placeholder_and_short_secrets() {
    let good = [
        ("DB_ROOT_PASSWORD", "a-database-password-of-some-length"),
        ("RABBITMQ_PASSWORD", "a-broker-password-of-some-length"),
        ("MONERO_RPC_PASSWORD", "an-rpc-password-of-some-length"),
        ("MONERO_WALLET_PASSWORD", "a-wallet-password-of-some-length"),
        ("METRICS_TOKEN", "fedcba9876543210fedcba9876543210fe"),
    ];
    let run = preflight(&good).unwrap();
    assert!(run.success, "{run:#?}");
    for (name, bad) in [
        ("DB_ROOT_PASSWORD", "change-me-db-root"),
        ("RABBITMQ_PASSWORD", "guest"),
        ("MONERO_RPC_PASSWORD", "short"),
        ("METRICS_TOKEN", ""),
    ] {
        let env: Vec<(&str, &str)> = good
            .iter()
            .map(|&(k, v)| if k == name { (k, bad) } else { (k, v) })
            .collect();
        let run = preflight(&env).unwrap();
        assert!(!run.success, "{name}={bad:?} passed");
        assert!(run.stderr.contains(name), "{}", run.stderr);
    }
}
