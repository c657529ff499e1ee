#!/usr/bin/env bash
# Regtest only: pays XMR from the regtest overlay's faucet wallet to ADDRESS (a user's
# deposit address, shown on the frontend's balance page or by GET /transactions/deposit-address).
# Usage: ./faucet.sh ADDRESS XMR     (reads MONERO_RPC_USER/PASSWORD from ./.env or the environment)
set -euo pipefail
cd "$(dirname "$0")"
[ $# -eq 2 ] || { echo "usage: $0 ADDRESS XMR" >&2; exit 2; }
if [ -f .env ] && [ -z "${MONERO_RPC_PASSWORD:-}" ]; then set -a; . ./.env; set +a; fi
piconero=$(python3 -c 'import sys; from decimal import Decimal; print(int(Decimal(sys.argv[1]) * 10**12))' "$2")
url=http://127.0.0.1:${FAUCET_RPC_PORT:-18090}/json_rpc
call() {
  curl -fsS --max-time 600 --digest -u "$MONERO_RPC_USER:$MONERO_RPC_PASSWORD" -H 'content-type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":\"0\",\"method\":\"$1\",\"params\":$2}" "$url"
}
call refresh '{}' >/dev/null
answer=$(call transfer "{\"destinations\":[{\"amount\":$piconero,\"address\":\"$1\"}]}")
python3 -c 'import json,sys; a=json.loads(sys.argv[1]); r=a.get("result"); sys.exit("faucet: "+json.dumps(a.get("error"))) if not r else print("sent", sys.argv[2], "XMR in", r["tx_hash"])' "$answer" "$2"
