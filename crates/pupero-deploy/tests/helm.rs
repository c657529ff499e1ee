//! The Helm chart (deploy/helm/pupero) renders with Helm's engine, every manifest is valid
//! against the Kubernetes schemas, and it refuses to render without its secrets.

use std::path::PathBuf;

use pupero_deploy::{Run, helm_check, repo_root};

fn complete_values() -> PathBuf {
    repo_root().join("deploy/helm/testdata/complete-values.yaml")
}

fn lines_starting(run: &Run, prefix: &str) -> usize {
    run.stdout.lines().filter(|l| l.starts_with(prefix)).count()
}

/// The chart rendered with the complete values, as its YAML documents.
fn rendered_documents() -> Vec<String> {
    let out = std::env::temp_dir().join(format!("pupero-chart-docs-{}.yaml", std::process::id()));
    let run = helm_check(
        "render",
        &complete_values(),
        &["--out", &out.to_string_lossy()],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(run.success, "{run:#?}");
    let text = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    let _ = std::fs::remove_file(&out);
    text.split("---\n").map(str::to_owned).collect()
}

/// The rendered document of `kind` named `name`.
fn document<'a>(docs: &'a [String], kind: &str, name: &str) -> &'a str {
    docs.iter()
        .find(|doc| {
            doc.contains(&format!("\nkind: {kind}\n"))
                && doc.contains(&format!("\n  name: {name}\n"))
        })
        .unwrap_or_else(|| panic!("no {kind}/{name} rendered"))
}

#[test]
fn every_rendered_manifest_is_valid_against_the_kubernetes_schemas() {
    let run = helm_check("validate", &complete_values(), &[]).unwrap();
    assert!(run.success, "{run:#?}");
    assert!(
        run.stdout.contains("34 manifests, 0 invalid"),
        "{}",
        run.stdout
    );
    // A Deployment per service, the wallet's being the one without a disruption budget.
    assert_eq!(
        lines_starting(&run, "valid Deployment/"),
        7,
        "{}",
        run.stdout
    );
    assert_eq!(
        lines_starting(&run, "valid PodDisruptionBudget/"),
        6,
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("PodDisruptionBudget/pupero-wallet"));
    assert_eq!(lines_starting(&run, "valid Service/"), 7, "{}", run.stdout);
    assert_eq!(
        lines_starting(&run, "valid Secret/pupero-keys-"),
        7,
        "{}",
        run.stdout
    );
    for name in [
        "valid Job/pupero-migrate",
        "valid ConfigMap/pupero-config",
        "valid Secret/pupero-secrets",
        "valid NetworkPolicy/pupero-internal",
        "valid NetworkPolicy/pupero-edge",
        "skipped ServiceMonitor/pupero",
    ] {
        assert!(run.stdout.contains(name), "{name} missing:\n{}", run.stdout);
    }
}

#[test]
fn the_validator_rejects_a_manifest_the_schemas_do_not_allow() {
    let run = helm_check(
        "validate",
        &complete_values(),
        &["--set", "services.login.replicas=two"],
    )
    .unwrap();
    assert!(!run.success, "{run:#?}");
    assert!(
        run.stdout.contains("INVALID Deployment/pupero-login") && run.stdout.contains("1 invalid"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_chart_refuses_to_render_without_each_secret_and_endpoint() {
    for key in [
        "secrets.databaseUrl",
        "secrets.moneroRpcUser",
        "secrets.moneroRpcPassword",
        "secrets.moneroWalletPassword",
        "secrets.dataEncryptionKey",
        "secrets.auditSigningKey",
        "secrets.frontendSecretKey",
        "secrets.metricsToken",
        "secrets.rabbitmqPassword",
        "tokenKeys.private.login",
        "tokenKeys.private.wallet",
        "tokenKeys.private.moderation",
        "tokenKeys.public.frontend",
        "tokenKeys.public.moderation",
        "monero.walletRpcUrl",
        "monero.daemonUrl",
    ] {
        let run = helm_check("render", &complete_values(), &["--unset", key]).unwrap();
        assert_eq!(run.code, Some(2), "{key}: {run:#?}");
        assert!(
            run.stderr.contains(&format!("{key} is required")),
            "{key}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{key}: nothing is rendered");
    }
}

#[test]
fn the_migrations_run_as_a_hook_before_install_and_upgrade() {
    let out = std::env::temp_dir().join(format!("pupero-chart-{}.yaml", std::process::id()));
    let run = helm_check(
        "render",
        &complete_values(),
        &["--out", out.to_str().unwrap()],
    )
    .unwrap();
    assert!(run.success, "{run:#?}");
    let text = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    let job = text
        .split("\n---\n")
        .find(|doc| doc.contains("kind: Job"))
        .expect("a Job");
    assert!(
        job.contains("helm.sh/hook: pre-install,pre-upgrade"),
        "{job}"
    );
    assert!(job.contains("- migrate"), "{job}");
    // The wallet service is one instance, replaced (never rolled) so two never run at once.
    let wallet = text
        .split("\n---\n")
        .find(|doc| doc.contains("kind: Deployment") && doc.contains("name: pupero-wallet\n"))
        .expect("the wallet Deployment");
    assert!(
        wallet.contains("replicas: 1") && wallet.contains("type: Recreate"),
        "{wallet}"
    );
}

#[test]
fn the_moderation_service_is_deployed_like_the_other_stateless_services() {
    let docs = rendered_documents();
    let deployment = document(&docs, "Deployment", "pupero-moderation");
    for line in [
        "replicas: 2",
        "- serve\n        - moderation\n",
        "containerPort: 8020",
        "- name: MODERATION_PORT\n          value: '8020'",
        "key: DATABASE_URL",
        "key: METRICS_TOKEN",
        // Required in production: it signs its audit chain's checkpoints.
        "key: AUDIT_SIGNING_KEY",
        "name: pupero-config",
        "secretName: pupero-keys-moderation",
        "path: /healthz",
    ] {
        assert!(deployment.contains(line), "{line} missing:\n{deployment}");
    }
    for secret in [
        "DATA_ENCRYPTION_KEY",
        "MONERO_RPC_PASSWORD",
        "MONERO_WALLET_PASSWORD",
        "FRONTEND_SECRET_KEY",
    ] {
        assert!(
            !deployment.contains(secret),
            "moderation needs no {secret}:\n{deployment}"
        );
    }
    // The other audit chains' services keep their key.
    for service in ["login", "transactions"] {
        let other = document(&docs, "Deployment", &format!("pupero-{service}"));
        assert!(other.contains("key: AUDIT_SIGNING_KEY"), "{other}");
    }
    document(&docs, "PodDisruptionBudget", "pupero-moderation");
    let service = document(&docs, "Service", "pupero-moderation");
    assert!(
        service.contains("port: 8020") && service.contains("component: moderation"),
        "{service}"
    );
    // Every service, the gateway first, reaches it through the shared ConfigMap.
    let config = document(&docs, "ConfigMap", "pupero-config");
    assert!(
        config.contains("MODERATION_SERVICE_URL: http://pupero-moderation:8020"),
        "{config}"
    );
    let gateway = document(&docs, "Deployment", "pupero-gateway");
    assert!(gateway.contains("name: pupero-config"), "{gateway}");
    // Its own private key and every public key; every other service trusts its key.
    let keys = document(&docs, "Secret", "pupero-keys-moderation");
    assert!(
        keys.contains("moderation.key:") && keys.contains("login.pub:"),
        "{keys}"
    );
    assert!(!keys.contains("login.key:"), "{keys}");
    for service in ["login", "offers", "transactions", "gateway", "frontend"] {
        let keys = document(&docs, "Secret", &format!("pupero-keys-{service}"));
        assert!(keys.contains("moderation.pub:"), "{keys}");
        assert!(!keys.contains("moderation.key:"), "{keys}");
    }
    // Only the gateway and the frontend take outside traffic.
    let edge = document(&docs, "NetworkPolicy", "pupero-edge");
    assert!(!edge.contains("moderation"), "{edge}");
}
