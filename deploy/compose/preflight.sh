#!/bin/sh
# The production overlay's first container: refuses missing, placeholder or short secrets
# before anything else starts (compose's ${VAR:?} only catches missing ones).
set -eu
bad=0
for name in DB_ROOT_PASSWORD RABBITMQ_PASSWORD MONERO_RPC_PASSWORD MONERO_WALLET_PASSWORD METRICS_TOKEN; do
  eval "value=\${$name:-}"
  case "$(printf '%s' "$value" | tr 'A-Z' 'a-z')" in
    "" | change-me* | changeme* | guest | password | secret | admin | root)
      echo "preflight: $name is missing or a well-known default; set a real secret" >&2
      bad=1
      continue ;;
  esac
  if [ "${#value}" -lt 16 ]; then
    echo "preflight: $name is shorter than 16 characters" >&2
    bad=1
  fi
done
[ "$bad" = 0 ] && echo "preflight: secrets look set"
exit "$bad"
