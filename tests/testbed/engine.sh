#!/usr/bin/env bash
# Make sure a Docker engine answers: install docker.io, mmdebstrap (image builds), gpg (stand-in repo),
# nebula (nebula-cert for unit tests) and shellcheck (ansible-test sanity) when missing,
# start dockerd when nothing answers, wait for `docker info`. Safe to re-run.
TESTBED_LOG_PREFIX=engine
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/scalemeet-dockerd.log}"
WAIT_SECONDS="${DOCKERD_WAIT_SECONDS:-60}"

require_root

if [ ! -d /sys/fs/cgroup ] || [ -z "$(ls -A /sys/fs/cgroup 2>/dev/null)" ]; then
  die "no cgroup filesystem at /sys/fs/cgroup: systemd containers cannot run here"
fi

missing=()
command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
# gpg signs the stand-in apt repository (tests/standins/build_repo.py)
command -v gpg >/dev/null 2>&1 || missing+=(gpg)
# nebula-cert: the Nebula CA unit tests run the real program
command -v nebula-cert >/dev/null 2>&1 || missing+=(nebula)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]} from Debian's archive"
  if ! apt-get -o DPkg::Lock::Timeout=300 update -qq; then
    die "apt-get update failed: Debian's archive is not reachable from this machine (check network and /etc/apt/sources.list*)"
  fi
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
fi

if docker_cli info >/dev/null 2>&1; then
  log "Docker engine already answers"
  exit 0
fi

log "starting dockerd (log: $DOCKERD_LOG)"
# setsid: the engine outlives this script and the make process that called it.
setsid /usr/sbin/dockerd >>"$DOCKERD_LOG" 2>&1 < /dev/null &

for _ in $(seq "$WAIT_SECONDS"); do
  if docker_cli info >/dev/null 2>&1; then
    log "Docker engine is up"
    exit 0
  fi
  sleep 1
done
tail -n 20 "$DOCKERD_LOG" >&2 || true
die "dockerd did not answer within ${WAIT_SECONDS}s; see $DOCKERD_LOG"
