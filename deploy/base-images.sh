#!/usr/bin/env bash
# Makes, from Debian's packages, the images the compose files need when no image registry
# can be reached: the base (debootstrap), a Rust builder, MariaDB, RabbitMQ, monerod +
# monero-wallet-rpc, Caddy and Prometheus, all tagged localhost/... . An image that
# already exists is kept. Where the public base can be pulled it is used instead of
# debootstrap. Usage: deploy/base-images.sh [IMAGE...]   (default: every image but builder)
# IMAGE is one of base builder mariadb rabbitmq monero caddy prometheus.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
BASE=localhost/debian:bookworm-slim
PUBLIC_BASE=docker.io/library/debian:bookworm-slim
ROOTFS=${ROOTFS:-/var/tmp/pupero-rootfs}

log() { echo "base-images: $*" >&2; }
exists() { podman image exists "$1"; }

make_base() {
  exists "$BASE" && return 0
  if timeout 60 podman pull -q "$PUBLIC_BASE" >/dev/null 2>&1; then
    podman tag "$PUBLIC_BASE" "$BASE"
    return 0
  fi
  log "$PUBLIC_BASE cannot be pulled: making $BASE with debootstrap"
  command -v debootstrap >/dev/null || apt-get install -y debootstrap
  if [ ! -x "$ROOTFS/bin/sh" ]; then
    rm -rf "$ROOTFS"
    debootstrap --variant=minbase bookworm "$ROOTFS" http://deb.debian.org/debian
  fi
  tar -C "$ROOTFS" -c . | podman import - "$BASE" >/dev/null
  rm -rf "$ROOTFS"
}

make_builder() {
  local tag=localhost/pupero-builder:1.95
  exists "$tag" && return 0
  local ctx sysroot
  ctx=$(mktemp -d /var/tmp/pupero-builder.XXXXXX)
  trap 'rm -rf "$ctx"' RETURN
  sysroot=$(rustc --print sysroot)
  log "$tag: Debian's C toolchain plus the host's Rust ($(rustc --version))"
  mkdir -p "$ctx/rust" "$ctx/ca"
  cp -a "$sysroot/bin" "$sysroot/lib" "$ctx/rust/"
  # The host's own CAs (e.g. an egress proxy's), so cargo inside reaches crates.io as the host does.
  cp /usr/local/share/ca-certificates/*.crt "$ctx/ca/" 2>/dev/null || true
  cp "$here/images/builder.Containerfile" "$ctx/Containerfile"
  podman build --build-arg BASE="$BASE" -t "$tag" "$ctx"
}

make_service() {
  local name=$1 tag=$2
  exists "$tag" && return 0
  log "$tag from Debian's packages"
  podman build --format docker --build-arg BASE="$BASE" -t "$tag" \
    -f "$here/images/$name.Containerfile" "$here/images"
}

images=("$@")
[ ${#images[@]} -gt 0 ] || images=(base mariadb rabbitmq monero caddy prometheus)
make_base
for image in "${images[@]}"; do
  case "$image" in
    base) ;;
    builder) make_builder ;;
    mariadb | rabbitmq | monero | caddy | prometheus) make_service "$image" "localhost/pupero-$image:local" ;;
    *) log "unknown image $image"; exit 2 ;;
  esac
done
