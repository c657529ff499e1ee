#!/usr/bin/env bash
# The API suite with every platform it starts limited to one database connection
# (DATABASE_POOL_SIZE=1; clap reads it for each in-process platform and each child
# `pupero up`). Code that holds a connection (a transaction above all) and then waits for
# a second one stalls for the 10 s acquire timeout here and fails its test; with the usual
# pool it would stall only under an unlucky load. About 17 minutes on 2 cores after the
# build, so it is not part of scripts/test.sh; `one_connection.rs` runs the main flows
# that way there. Usage: scripts/test-pool-of-one.sh [test name filters]
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/test-deps.sh)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/pupero-target}"
DATABASE_POOL_SIZE=1 exec cargo test -p pupero --locked --test api -- "$@"
