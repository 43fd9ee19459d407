#!/usr/bin/env bash
# Build the systemd base images Molecule runs on, from Debian's archive, with
# mmdebstrap + `docker import`. An image is rebuilt only when its recipe (this
# script, the package list, the suite) changed: the recipe hash is an image label.
TESTBED_LOG_PREFIX=images
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

SUITES="${TESTBED_SUITES:-bookworm trixie}"
REPO="${TESTBED_IMAGE_REPO:-scalemeet-test/debian}"
PACKAGES="systemd,systemd-sysv,dbus,python3,python3-apt,sudo,iproute2,ca-certificates,gnupg,procps,curl"
HERE="$(cd "$(dirname "$0")" && pwd)"

require_root
command -v mmdebstrap >/dev/null 2>&1 || die "mmdebstrap is missing; run tests/testbed/engine.sh first"
docker_cli info >/dev/null 2>&1 || die "no Docker engine answers; run tests/testbed/engine.sh first"

recipe_hash() {
  { cat "$HERE/images.sh" "$HERE/image-customize.sh"; printf '%s\n%s\n' "$1" "$PACKAGES"; } \
    | sha256sum | cut -c1-16
}

build_one() {
  local suite="$1" tag="$REPO:$1" want have workdir started
  want="$(recipe_hash "$suite")"
  have="$(docker_cli image inspect -f '{{ index .Config.Labels "scalemeet.recipe" }}' "$tag" 2>/dev/null || true)"
  if [ "$have" = "$want" ]; then
    log "$tag is current (recipe $want), nothing to build"
    return 0
  fi
  log "building $tag (recipe $want${have:+, was $have})"
  started=$SECONDS
  workdir="$(mktemp -d)"
  # shellcheck disable=SC2064  # expand now: workdir is local
  trap "rm -rf '$workdir'" RETURN
  mmdebstrap --quiet --variant=minbase --include="$PACKAGES" \
    --customize-hook="$HERE/image-customize.sh \"\$1\"" \
    "$suite" "$workdir/rootfs.tar" \
    || die "mmdebstrap $suite failed: is Debian's archive reachable (apt-get update)?"
  docker_cli import \
    --change 'CMD ["/lib/systemd/systemd"]' \
    --change 'ENV container=docker' \
    --change "LABEL scalemeet.recipe=$want" \
    --change "LABEL scalemeet.suite=$suite" \
    "$workdir/rootfs.tar" "$tag" >/dev/null
  log "built $tag in $((SECONDS - started))s"
}

# The suites build side by side: most of the time is downloading and unpacking, which
# overlap well even on two cores (a cold test bed or `make demo` waits for the slower one only).
pids=()
for suite in $SUITES; do
  build_one "$suite" &
  pids+=("$!")
done
failed=0
for pid in "${pids[@]}"; do
  wait "$pid" || failed=1
done
[ "$failed" -eq 0 ] || die "an image build failed (see above)"
