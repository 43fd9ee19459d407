#!/usr/bin/env bash
# Remove every container and network labelled as test bed property.
TESTBED_LOG_PREFIX=clean
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

docker_cli info >/dev/null 2>&1 || { log "no Docker engine answers; nothing to clean"; exit 0; }
mapfile -t containers < <(docker_cli ps -aq --filter label=scalemeet.testbed=true)
[ "${#containers[@]}" -eq 0 ] || docker_cli rm -f "${containers[@]}" >/dev/null
mapfile -t networks < <(docker_cli network ls -q --filter label=scalemeet.testbed=true)
[ "${#networks[@]}" -eq 0 ] || docker_cli network rm "${networks[@]}" >/dev/null
log "removed ${#containers[@]} container(s) and ${#networks[@]} network(s)"
