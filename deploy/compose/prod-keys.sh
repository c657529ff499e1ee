#!/usr/bin/env bash
# Makes the production token keys for compose.prod.yaml: ./keys/<service>/ holds that
# service's own private key and every public key, so no service can sign as another.
# Run once, on a trusted machine; keep ./keys/all somewhere safe (or delete it).
set -euo pipefail
cd "$(dirname "$0")"
image=${PUPERO_IMAGE:-localhost/pupero:local}
mkdir -p keys/all
podman run --rm --user "$(id -u):$(id -g)" -v "$PWD/keys/all:/keys:Z" "$image" admin generate-keys --keys-dir /keys
for service in login offers transactions moderation wallet gateway frontend; do
  mkdir -p "keys/$service"
  cp keys/all/*.pub "keys/$service/"
  install -m 0600 "keys/all/$service.key" "keys/$service/$service.key"
  # The image runs as uid 10001; with rootful podman or Docker that is the host's 10001.
  if [ "$(id -u)" = 0 ]; then chown -R 10001:10001 "keys/$service"; fi
done
echo "keys written to $(pwd)/keys/<service>"
