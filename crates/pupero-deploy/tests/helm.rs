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

#[test]
fn every_rendered_manifest_is_valid_against_the_kubernetes_schemas() {
    let run = helm_check("validate", &complete_values(), &[]).unwrap();
    assert!(run.success, "{run:#?}");
    assert!(
        run.stdout.contains("30 manifests, 0 invalid"),
        "{}",
        run.stdout
    );
    // A Deployment per service, the wallet's being the one without a disruption budget.
    assert_eq!(
        lines_starting(&run, "valid Deployment/"),
        6,
        "{}",
        run.stdout
    );
    assert_eq!(
        lines_starting(&run, "valid PodDisruptionBudget/"),
        5,
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("PodDisruptionBudget/pupero-wallet"));
    assert_eq!(lines_starting(&run, "valid Service/"), 6, "{}", run.stdout);
    assert_eq!(
        lines_starting(&run, "valid Secret/pupero-keys-"),
        6,
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
        "tokenKeys.public.frontend",
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
