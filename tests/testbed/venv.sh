#!/usr/bin/env bash
# Create (or update) the test virtualenv from the pinned requirements.
# Usage: venv.sh VENV_DIR PYTHON REQUIREMENTS
TESTBED_LOG_PREFIX=venv
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

venv="$1" python="$2" requirements="$3"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "$python is older than 3.11; ansible-core 2.19 needs Python 3.11 or newer on the controller"
if [ ! -x "$venv/bin/python" ]; then
  # Debian's python3 ships venv without ensurepip (package python3-venv): install it as root.
  if ! "$python" -c 'import ensurepip' >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || die "$python has no ensurepip: install python3-venv (apt-get install python3-venv) or run as root"
    log "installing python3-venv from Debian's archive ($python has no ensurepip)"
    { apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq python3-venv >/dev/null; } \
      || die "apt-get install python3-venv failed: is Debian's archive reachable?"
  fi
  log "creating $venv with $("$python" --version)"
  "$python" -m venv "$venv" || die "could not create $venv (is python3-venv installed?)"
fi
log "installing $requirements"
# The machine's pip configuration may name local indexes that do not exist; pip
# warns about each, which says nothing about this install.
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" 2> >(grep -v "^WARNING: Location '" >&2) \
  || die "pip could not install $requirements: is PyPI reachable?"
log "ready: $("$venv/bin/ansible" --version | awk 'NR == 1')"
