#!/usr/bin/env bash
# The whole test suite: installs and starts what it needs, then runs every test of every
# crate against SQLite, MariaDB and PostgreSQL. Usage: scripts/test.sh [cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "scripts/test.sh: cargo is required (Rust $(grep -m1 rust-version Cargo.toml | cut -d'"' -f2) or newer)" >&2
  exit 1
fi

eval "$(scripts/test-deps.sh)"
# Outside a CI clone, reuse one target directory so builds are incremental.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/pupero-target}"
export RUST_BACKTRACE="${RUST_BACKTRACE:-0}"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# Unit, integration and binary tests (the crates have no doc tests).
cargo test --workspace --locked --lib --bins --tests "$@" 2>&1 | tee "$log" || status=$?
passed=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
echo
if [ -d artifacts/screenshots ]; then
  echo "browser screenshots: $(pwd)/artifacts/screenshots"
fi
echo "summary: ${passed} passed, ${failed} failed"
exit "$status"
