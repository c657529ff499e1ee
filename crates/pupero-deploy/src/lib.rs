//! Runs the tools that check the deployment files under `deploy/`: Helm's engine (through
//! `deploy/helm/check.py`) with the Kubernetes schemas, and podman-compose's reading of
//! the compose files. The tools are Python packages that `scripts/test-deps.sh` installs;
//! a missing one is an error here, never a skipped check.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root (this crate lives in `crates/pupero-deploy`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The result of one tool run, with its output as text.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Self {
            success: o.status.success(),
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

fn run(command: &mut Command) -> io::Result<Run> {
    let program = command.get_program().to_string_lossy().into_owned();
    command.output().map(Run::from).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot run {program}: {e} (scripts/test-deps.sh installs it)"),
        )
    })
}

/// `deploy/helm/check.py MODE VALUES ARGS...`: `render` or `validate` the chart.
pub fn helm_check(mode: &str, values: &Path, args: &[&str]) -> io::Result<Run> {
    let root = repo_root();
    run(Command::new("python3")
        .arg(root.join("deploy/helm/check.py"))
        .arg(mode)
        .arg(values)
        .args(args))
}

/// `podman-compose config` over `deploy/compose/` files, with `env_file` and `env` set:
/// resolves every variable and merges the overlays without starting anything.
pub fn compose_config(files: &[&str], env_file: &Path, env: &[(&str, &str)]) -> io::Result<Run> {
    let dir = repo_root().join("deploy/compose");
    let mut command = Command::new("podman-compose");
    // --dry-run: podman-compose reads and merges the files without needing podman.
    command
        .current_dir(&dir)
        .arg("--dry-run")
        .arg("--env-file")
        .arg(env_file);
    for file in files {
        command.arg("-f").arg(dir.join(file));
    }
    command.arg("config").envs(env.iter().copied());
    run(&mut command)
}

/// Runs `deploy/compose/preflight.sh` (the production overlay's secret check) with `env`.
pub fn preflight(env: &[(&str, &str)]) -> io::Result<Run> {
    run(Command::new("sh")
        .arg(repo_root().join("deploy/compose/preflight.sh"))
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .envs(env.iter().copied()))
}
