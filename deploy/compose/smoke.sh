#!/usr/bin/env bash
# The compose regtest stack, for real: brings it up from local images, registers two
# users, funds one from the regtest faucet, completes a trade and a withdrawal through the
# gateway published on 127.0.0.1, runs `pupero admin ledger-verify` inside the stack, and
# tears everything down with its volumes. Takes a few minutes; not part of scripts/test.sh.
#   deploy/compose/smoke.sh            (KEEP=1 leaves the stack running for a look)
# Needs podman and podman-compose (pip install podman-compose); makes missing images with
# deploy/base-images.sh and deploy/build-image.sh --prebuilt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deploy=$(dirname "$here")
export CONTAINERS_CONF="${CONTAINERS_CONF:-$deploy/containers.conf}"
project=pupero-smoke
# Ports away from a `pupero up` on the same machine.
export GATEWAY_PORT=${GATEWAY_PORT:-18800} FRONTEND_PORT=${FRONTEND_PORT:-18850}
export FAUCET_RPC_PORT=${FAUCET_RPC_PORT:-18890}
export MARIADB_IMAGE=localhost/pupero-mariadb:local RABBITMQ_IMAGE=localhost/pupero-rabbitmq:local
export MONERO_IMAGE=localhost/pupero-monero:local PUPERO_IMAGE=${PUPERO_IMAGE:-localhost/pupero:local}
T0=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '[%6ss] %s\n' "$(since "$T0")" "$*"; }
fail() { say "FAILED: $*"; exit 1; }

"$deploy/base-images.sh" mariadb rabbitmq monero
podman image exists "$PUPERO_IMAGE" || "$deploy/build-image.sh" --prebuilt

work=$(mktemp -d)
# Fresh secrets every run, from .env.example's names.
sed -e "s/^DB_ROOT_PASSWORD=.*/DB_ROOT_PASSWORD=$(openssl rand -hex 16)/" \
    -e "s/^RABBITMQ_PASSWORD=.*/RABBITMQ_PASSWORD=$(openssl rand -hex 16)/" \
    -e "s/^MONERO_RPC_PASSWORD=.*/MONERO_RPC_PASSWORD=$(openssl rand -hex 16)/" \
    -e "s/^MONEROD_RPC_PORT=.*/MONEROD_RPC_PORT=${MONEROD_RPC_PORT:-18881}/" \
    "$here/.env.example" > "$work/env"
set -a; . "$work/env"; set +a
pc() { podman-compose --env-file "$work/env" -p "$project" -f "$here/compose.yaml" -f "$here/compose.regtest.yaml" "$@"; }
container() { echo "${project}_$1_1"; }
cleanup() {
  local status=$?
  if [ "${KEEP:-0}" = 1 ]; then
    say "KEEP=1: the stack is still up (gateway http://127.0.0.1:$GATEWAY_PORT); tear down with:"
    echo "  podman-compose -p $project -f $here/compose.yaml -f $here/compose.regtest.yaml down -v"
  else
    if [ "$status" != 0 ]; then
      for s in migrate wallet transactions gateway miner; do
        echo "--- last logs of $s"; podman logs --tail 15 "$(container "$s")" 2>&1 || true
      done
    fi
    pc down -v >/dev/null 2>&1 || true
    podman volume ls -q | grep "^${project}_" | xargs -r podman volume rm -f >/dev/null 2>&1 || true
    say "torn down with volumes"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
pc down -v >/dev/null 2>&1 || true

# podman 4.3 ignores `condition: service_healthy` (podman-compose needs podman 4.6) and runs
# healthchecks only from systemd timers, so this script starts the services in the
# compose files' order itself and runs each healthcheck until it passes.
healthy() {
  local s c deadline=$(($(date +%s) + ${2:-180}))
  for s in $1; do
    c=$(container "$s")
    until podman healthcheck run "$c" >/dev/null 2>&1; do
      # A service whose first database connection timed out exits and is restarted by
      # its restart policy; only the deadline fails the run.
      [ "$(date +%s)" -lt "$deadline" ] || { podman logs --tail 30 "$c" 2>&1; fail "$s never became healthy"; }
      sleep 1
    done
    say "$s healthy"
  done
}
up() { pc up -d --no-deps "$@" >"$work/up.log" 2>&1 || { cat "$work/up.log"; fail "up $*"; }; }

say "starting the regtest stack ($PUPERO_IMAGE, $(podman image inspect -f '{{.Size}}' "$PUPERO_IMAGE" | awk '{printf "%.1f MB", $1/1e6}'))"
up mariadb rabbitmq monerod
healthy "mariadb rabbitmq monerod"
up migrate
[ "$(podman wait "$(container migrate)")" = 0 ] || { podman logs "$(container migrate)"; fail "migrations"; }
say "migrations applied"
up wallet-rpc faucet-rpc
healthy "wallet-rpc faucet-rpc"
up miner
healthy miner 300
T1=$(date +%s.%N)
up login offers transactions moderation wallet
healthy "login offers transactions moderation wallet"
up gateway
healthy gateway
up frontend
healthy frontend
say "every Pupero service healthy $(since "$T1") s after they were started"

gw=http://127.0.0.1:$GATEWAY_PORT
# api METHOD PATH [TOKEN] [BODY] [extra curl args...]: prints the body, then the status.
api() {
  local method=$1 path=$2 token=${3:-} body=${4:-} args=()
  shift $(($# < 4 ? $# : 4))
  [ -n "$token" ] && args+=(-H "authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H 'content-type: application/json' -d "$body")
  curl -sS -X "$method" "${args[@]}" "$@" -w '\n%{http_code}' "$gw$path"
}
# expect STATUS METHOD PATH [TOKEN] [BODY] ...: the body, or fail with it.
expect() {
  local want=$1 out code; shift
  out=$(api "$@"); code=${out##*$'\n'}; out=${out%$'\n'*}
  [ "$code" = "$want" ] || fail "$1 $2 answered $code, not $want: $out"
  printf '%s' "$out"
}
field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]);
for k in sys.argv[2].split("."): v=v[int(k)] if isinstance(v,list) else v[k]
print(v)' "$1" "$2"; }

curl -fsS "$gw/healthz" > "$work/health" || fail "gateway /healthz"
say "gateway /healthz: $(cat "$work/health")"
password="a long passphrase for the smoke test"
register() { field "$(expect 201 POST /auth/register "" "{\"email\":\"$1@example.com\",\"username\":\"$1\",\"password\":\"$password\"}")" user_id; }
alice_id=$(register alice)
bob_id=$(register bob)
alice=$(field "$(expect 200 POST /auth/login "" "{\"username\":\"alice\",\"password\":\"$password\"}")" access_token)
bob=$(field "$(expect 200 POST /auth/login "" "{\"username\":\"bob\",\"password\":\"$password\"}")" access_token)
say "registered and logged in alice and bob"

address=$(field "$(expect 200 GET /transactions/deposit-address "$alice")" address)
"$here/faucet.sh" "$address" 5 | sed 's/^/  faucet: /'
say "faucet paid 5 XMR to alice's deposit address; waiting for 10 confirmations"
for _ in $(seq 1 120); do
  deposits=$(expect 200 GET /transactions/deposits "$alice")
  grep -q '"credited"' <<<"$deposits" && break
  sleep 2
done
grep -q '"credited"' <<<"$deposits" || fail "the deposit was never credited: $deposits"
say "deposit credited: $(field "$(expect 200 GET "/transactions/balances/$alice_id" "$alice")" available) XMR available to alice"

offer=$(field "$(expect 201 POST /offers "$alice" '{"side":"sell","currency":"EUR","price":"150.00","payment_method":"sepa","min_amount":"0.1","max_amount":"2","payment_window_minutes":60}')" id)
trade=$(field "$(expect 201 POST /transactions/trades "$bob" "{\"offer_id\":$offer,\"amount\":\"1\",\"price\":\"150.00\"}")" id)
expect 200 POST "/transactions/trades/$trade/paid" "$bob" >/dev/null
state=$(field "$(expect 200 POST "/transactions/trades/$trade/release" "$alice")" state)
[ "$state" = completed ] || fail "trade $trade is $state after release"
bob_balance=$(field "$(expect 200 GET "/transactions/balances/$bob_id" "$bob")" available)
[ "$bob_balance" = 1.000000000000 ] || fail "bob holds $bob_balance XMR after the trade, not 1"
say "trade $trade completed: bob holds $bob_balance XMR"

# Bob withdraws to a fresh address of the faucet wallet (an outside wallet).
faucet_rpc() {
  curl -fsS --digest -u "$MONERO_RPC_USER:$MONERO_RPC_PASSWORD" -H 'content-type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":\"0\",\"method\":\"$1\",\"params\":$2}" "http://127.0.0.1:$FAUCET_RPC_PORT/json_rpc"
}
receiver=$(field "$(faucet_rpc create_address '{"account_index":0,"label":"smoke"}')" result.address)
withdrawal=$(field "$(expect 202 POST /transactions/withdraw "$bob" "{\"address\":\"$receiver\",\"amount\":\"0.5\"}" -H "idempotency-key: smoke-$$")" withdrawal_id)
say "withdrawal $withdrawal of 0.5 XMR queued; waiting for it to be confirmed"
for _ in $(seq 1 120); do
  status=$(field "$(expect 200 GET "/transactions/withdrawals/$withdrawal" "$bob")" status)
  [ "$status" = confirmed ] && break
  case "$status" in failed | refunded) fail "withdrawal $withdrawal is $status" ;; esac
  sleep 2
done
[ "$status" = confirmed ] || fail "withdrawal $withdrawal is still $status"
txid=$(field "$(expect 200 GET "/transactions/withdrawals/$withdrawal" "$bob")" tx_hashes.0)
faucet_rpc refresh '{}' >/dev/null
received=$(faucet_rpc get_transfer_by_txid "{\"txid\":\"$txid\"}")
amount=$(field "$received" result.transfer.amount)
[ "$amount" = 500000000000 ] || fail "the outside wallet received $amount piconero in $txid"
say "withdrawal confirmed: tx $txid paid exactly 0.5 XMR to the outside wallet"

podman exec "$(container transactions)" pupero admin ledger-verify > "$work/verify" 2>&1 || { cat "$work/verify"; fail "ledger-verify"; }
say "ledger-verify inside the stack: $(grep "ledger" "$work/verify" | tail -n 1)"
say "SMOKE PASSED"
