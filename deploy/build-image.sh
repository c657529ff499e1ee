#!/usr/bin/env bash
# Builds the Pupero image (Containerfile at the repository root) as localhost/pupero:TAG.
#   deploy/build-image.sh             the real build: a release build inside the build stage
#   deploy/build-image.sh --prebuilt  copies a release binary built on this host (faster on
#                                     a small machine; same runtime stage)
# Uses the public Debian and Rust images when they can be pulled, otherwise the local ones
# deploy/base-images.sh makes. TAG defaults to `local`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
prebuilt=0
[ "${1:-}" = "--prebuilt" ] && prebuilt=1
tag=localhost/pupero:${TAG:-local}
args=(--format docker -t "$tag")

if ! timeout 60 podman pull -q docker.io/library/debian:bookworm-slim >/dev/null 2>&1; then
  "$here/base-images.sh" base
  args+=(--build-arg BASE=localhost/debian:bookworm-slim)
  if [ "$prebuilt" = 0 ]; then
    "$here/base-images.sh" builder
    args+=(--build-arg BUILDER=localhost/pupero-builder:1.95)
  fi
fi

if [ "$prebuilt" = 1 ]; then
  target=${CARGO_TARGET_DIR:-$root/target}
  (cd "$root" && cargo build --release --locked --bin pupero)
  install -D -m 0755 "$target/release/pupero" "$here/.bin/pupero"
  args+=(--target prebuilt)
fi
start=$(date +%s)
podman build "${args[@]}" "$root"
echo "built $tag in $(($(date +%s) - start)) s; $(podman image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.1f MB", $1/1e6}')"
