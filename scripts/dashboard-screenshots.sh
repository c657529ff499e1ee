#!/usr/bin/env bash
# Renders the main panels of deploy/grafana/dashboards as Prometheus graph pages, with data,
# into docs/screenshots/*.png: Grafana is in none of the registries this project can install
# from (Debian, PyPI, npm), so a real Prometheus (Debian's `prometheus`) scrapes a chaos run
# (`pupero chaos`: replicas killed and restarted under a mixed load, on MariaDB) and headless
# Chromium (Debian's `chromium`) photographs its graph pages, one panel's expression each.
#
#   scripts/dashboard-screenshots.sh            # builds target/debug/pupero if missing
#   PUPERO_BIN=/path/to/pupero CHAOS_SECONDS=180 CHAOS_ARGS='--kill-every 4' scripts/dashboard-screenshots.sh
#   SHOTS_FROM=/tmp/pupero-shots.XXXXXX scripts/dashboard-screenshots.sh   # re-render a kept run
#
# The run's directory (Prometheus's data, the chaos run's report) is kept and printed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/docs/screenshots
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${PUPERO_BIN:-$TARGET_DIR/debug/pupero}
SECS=${CHAOS_SECONDS:-180}
MARIADB=${PUPERO_TEST_MARIADB_URL:-mysql://root@127.0.0.1:3306}
PORT=${PROMETHEUS_PORT:-19090}

eval "$(scripts/test-deps.sh)"
mkdir -p "$OUT"

PROM_PID=
DB=
cleanup() {
  [ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null || true
  [ -n "$DB" ] && mariadb -h 127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS \`$DB\`" || true
}
trap cleanup EXIT

start_prometheus() {
  prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
    --web.listen-address="127.0.0.1:$PORT" >>"$WORK/prometheus.log" 2>&1 &
  PROM_PID=$!
  for _ in $(seq 60); do
    curl -sf "http://127.0.0.1:$PORT/-/ready" >/dev/null && return 0
    sleep 1
  done
  echo "prometheus did not start (see $WORK/prometheus.log)" >&2; return 1
}

if [ -n "${SHOTS_FROM:-}" ]; then
  WORK=$SHOTS_FROM
  start_prometheus
else
  [ -x "$BIN" ] || cargo build -p pupero --bin pupero
  WORK=$(mktemp -d /tmp/pupero-shots.XXXXXX)
  DB=pupero_shots_$$
  TOKEN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  mariadb -h 127.0.0.1 -uroot -e "CREATE DATABASE \`$DB\` CHARACTER SET utf8mb4"
  echo '[]' > "$WORK/targets.json"
  cat > "$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 2s
  evaluation_interval: 2s
rule_files: ["$ROOT/deploy/prometheus/alerts.yaml"]
scrape_configs:
  - job_name: pupero
    authorization: {type: Bearer, credentials: "$TOKEN"}
    file_sd_configs: [{files: ["$WORK/targets.json"], refresh_interval: 1s}]
YAML
  start_prometheus
  # The chaos run's verdict does not matter here (its own runs are in docs/OPERATIONS.md).
  # shellcheck disable=SC2086 # CHAOS_ARGS is a list of options
  METRICS_TOKEN=$TOKEN "$BIN" chaos --database-url "$MARIADB/$DB" --seconds "$SECS" \
    --prometheus-targets "$WORK/targets.json" ${CHAOS_ARGS:-} | tee "$WORK/chaos.txt" || true
fi
echo "run kept in $WORK"

# From the first target list (the fleet's start) to the end of the chaos run.
first=$(stat -c %Y "$WORK/targets.json")
last=$(stat -c %Y "$WORK/chaos.txt")
range="$(( (last - first) / 60 + 1 ))m"
end=$(date -u -d "@$((last + 30))" '+%Y-%m-%d %H:%M:%S')

# name | expression (the dashboards' own, with 1m rate windows for a run of minutes)
shots=(
  "money-owed-vs-wallet|label_replace(sum(max by (account) (pupero_user_liabilities_piconero)) / 1e12, \"series\", \"owed to users\", \"\", \"\") or label_replace(sum(max by (state) (pupero_wallet_balance_piconero)) / 1e12, \"series\", \"hot wallet\", \"\", \"\")"
  "money-escrow-and-accounts|max by (account) (pupero_user_liabilities_piconero) / 1e12"
  "money-withdrawal-queue|max by (status) (pupero_withdrawals_pending)"
  "trading-trades-by-state|max by (state) (pupero_trades)"
  "trading-open-disputes|max(pupero_disputes_open)"
  "health-requests-per-second|sum by (service) (rate(http_requests_total[1m]))"
  "health-duration-p95|histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[1m])))"
  "health-replicas-up|up"
  "health-worker-lease-holders|max by (worker, replica) (pupero_worker_lease_held)"
)
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
for shot in "${shots[@]}"; do
  name=${shot%%|*}
  expr=${shot#*|}
  url="http://127.0.0.1:$PORT/graph?g0.expr=$(enc "$expr")&g0.tab=0&g0.stacked=0&g0.show_exemplars=0&g0.range_input=$range&g0.end_input=$(enc "$end")"
  # Tall enough for the legend under the graph.
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,980 \
    --virtual-time-budget=8000 --screenshot="$OUT/$name.png" "$url" >/dev/null 2>&1
  echo "docs/screenshots/$name.png: $expr"
done
