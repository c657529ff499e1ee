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

/// One service's block of `podman-compose config`'s output (its lines under `services:`).
fn service<'a>(config: &'a str, name: &str) -> &'a str {
    let services = config
        .split_once("\nservices:\n")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("no services in:\n{config}"));
    let header = format!("  {name}:\n");
    let start = if services.starts_with(&header) {
        0
    } else {
        services
            .find(&format!("\n{header}"))
            .unwrap_or_else(|| panic!("no service {name} in:\n{config}"))
            + 1
    };
    let body = &services[start + header.len()..];
    // The block ends at the next line indented less than its own entries.
    let end = body
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .find(|&i| i < body.len() && !body[i..].starts_with("    "))
        .unwrap_or(body.len());
    &body[..end]
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
    assert!(
        service(&run.stdout, "moderation").contains("MONERO_NETWORK: regtest"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_moderation_service_runs_beside_the_others_and_everyone_can_reach_it() {
    for overlay in [
        "compose.dev.yaml",
        "compose.regtest.yaml",
        "compose.prod.yaml",
    ] {
        let run =
            compose_config(&["compose.yaml", overlay], &env_example(), &PROD_SECRETS).unwrap();
        assert!(run.success, "{overlay}: {run:#?}");
        let moderation = service(&run.stdout, "moderation");
        assert!(
            moderation.contains("- moderation\n")
                && moderation.contains("HEALTHCHECK_PORT: '8020'"),
            "{overlay}: {moderation}"
        );
        assert!(
            moderation.contains("service_completed_successfully"),
            "{overlay}: after the migrations: {moderation}"
        );
        for name in ["gateway", "frontend", "login", "offers", "transactions"] {
            assert!(
                service(&run.stdout, name)
                    .contains("MODERATION_SERVICE_URL: http://moderation:8020"),
                "{overlay}: {name} cannot reach moderation:\n{}",
                run.stdout
            );
        }
        // The gateway starts once moderation is healthy, as it does after the others.
        let gateway = service(&run.stdout, "gateway");
        assert!(
            gateway.contains("      moderation:\n        condition: service_healthy"),
            "{overlay}: {gateway}"
        );
    }
    let run = compose_config(&["compose.yaml", "compose.dev.yaml"], &env_example(), &[]).unwrap();
    assert!(
        service(&run.stdout, "moderation").contains("127.0.0.1:8020:8020"),
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
    // Moderation signs its audit chain's checkpoints and has only its own token key.
    let moderation = service(&run.stdout, "moderation");
    for line in [
        "PUPERO_ENV: production",
        "AUDIT_SIGNING_KEY: 1f1e1d1c1b1a1918",
        "./keys/moderation:/run/pupero/keys:ro",
    ] {
        assert!(moderation.contains(line), "{line} missing: {moderation}");
    }
    assert!(
        !moderation.contains("DATA_ENCRYPTION_KEY"),
        "moderation seals nothing: {moderation}"
    );
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
