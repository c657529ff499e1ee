#!/bin/sh
# The regtest overlay's miner: makes the faucet wallet, matures the chain (81 blocks: 60
# to unlock a coinbase, and 16 unlocked outputs for a ring), then mines a block every
# BLOCK_SECONDS to the faucet so deposits and withdrawals confirm by themselves.
set -eu
rpc() { # URL METHOD PARAMS
  curl -fsS --digest -u "$RPC_LOGIN" -H 'content-type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":\"0\",\"method\":\"$2\",\"params\":$3}" "$1/json_rpc"
}
if ! rpc "$FAUCET" open_wallet '{"filename":"faucet","password":""}' | grep -q '"result"'; then
  rpc "$FAUCET" create_wallet '{"filename":"faucet","password":"","language":"English"}' >/dev/null
fi
address=$(rpc "$FAUCET" get_address '{"account_index":0}' | sed -n 's/.*"address": *"\([0-9A-Za-z]*\)".*/\1/p' | head -n 1)
height=$(curl -fsS --digest -u "$RPC_LOGIN" "$DAEMON/get_height" | sed -n 's/.*"height": *\([0-9]*\).*/\1/p')
if [ "$height" -lt 81 ]; then
  echo "miner: maturing the chain ($((81 - height)) blocks)"
  rpc "$DAEMON" generateblocks "{\"amount_of_blocks\":$((81 - height)),\"wallet_address\":\"$address\"}" >/dev/null
fi
rpc "$FAUCET" refresh '{}' >/dev/null
touch /tmp/chain-ready
echo "miner: chain ready; a block every ${BLOCK_SECONDS}s to the faucet $address"
while sleep "$BLOCK_SECONDS"; do
  rpc "$DAEMON" generateblocks "{\"amount_of_blocks\":1,\"wallet_address\":\"$address\"}" >/dev/null ||
    echo "miner: generateblocks failed (will retry)"
done
