# shellcheck shell=bash
# Shared helpers for the test bed scripts: logging and a clear way to stop.
set -euo pipefail

TESTBED_LOG_PREFIX="${TESTBED_LOG_PREFIX:-testbed}"

log() { printf '[%s] %s\n' "$TESTBED_LOG_PREFIX" "$*" >&2; }

die() {
  printf '[%s] ERROR: %s\n' "$TESTBED_LOG_PREFIX" "$*" >&2
  exit 1
}

require_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (installs packages, starts dockerd, builds images); try: sudo $0"
}

# The Debian engine's client; /usr/local/bin may hold a newer client-only build.
docker_cli() {
  if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else docker "$@"; fi
}
