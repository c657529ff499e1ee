#!/usr/bin/env bash
# What `pupero bench` needs beyond the build: Debian's nginx-light (the machine's reference:
# the very same listing bytes served as a static file) and wrk (the load generator for
# every throughput row, so the servers and the reference face the same client). Installs
# only what is missing; never starts a system nginx (the bench runs its own, on a scratch
# config in a temporary directory).
set -euo pipefail

log() { echo "bench-deps: $*" >&2; }

missing=()
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get update"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
  log "installing ${missing[*]}"
  # policy-rc.d keeps Debian from starting the packaged nginx on port 80.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
