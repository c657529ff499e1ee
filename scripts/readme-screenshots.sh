#!/usr/bin/env bash
# Takes the README's pictures of the web UI again, as it is now: the browser test of a margin
# offer (crates/pupero/tests/browser/market.rs, on SQLite) photographs the offers list, an
# offer, a trade waiting for the seller and the inbox; the French one (french.rs) a trade and
# a refused field in French; this copies them into
# docs/screenshots/{offers,offer,trade,inbox,trade-fr,field-error-fr}.png.
#
#   scripts/readme-screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(scripts/test-deps.sh)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/pupero-target}"
shots=$(mktemp -d)
trap 'rm -rf "$shots"' EXIT

PUPERO_SCREENSHOTS_DIR=$shots cargo test -p pupero --locked --test browser -- --exact \
  market::a_margin_offer_is_taken_at_its_locked_price_and_the_inbox_tells_the_seller::sqlite \
  french::a_french_speaker_signs_up_and_trades_in_french::sqlite

mkdir -p docs/screenshots
# <the test's screenshot>:<the README's picture>
for pair in market-offers:offers market-offer:offer market-trade:trade market-inbox:inbox \
  fr-trade:trade-fr fr-field-error:field-error-fr; do
  cp "$shots/${pair%%:*}.png" "docs/screenshots/${pair##*:}.png"
  echo "docs/screenshots/${pair##*:}.png"
done
