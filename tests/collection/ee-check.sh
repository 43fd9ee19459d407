#!/usr/bin/env bash
# The execution environment AWX runs the job templates in (execution-environment.yml):
# ansible-builder 3 writes its build context from the built tarball, with the same ansible-core
# and ansible-runner the tests use, and a collection-only EE definition (built by operators
# from Galaxy) finds the collection's Python and system dependencies through introspection.
# The image itself is not built here: its base image comes from a registry this machine
# cannot reach.
set -euo pipefail
tarball="${1:?usage: ee-check.sh TARBALL}"
context="${EE_CONTEXT:-build/ee-context}"
fail() { echo "ee-check: $*" >&2; exit 1; }

# The definition installs the collection from this stable name (make ee-context).
cp "$tarball" build/scalemeet-jitsi.tar.gz
rm -rf "$context"
ansible-builder create -f execution-environment.yml -c "$context" --output-filename Containerfile >/dev/null
containerfile="$context/Containerfile"
for pin in ansible-core ansible-runner; do
  want="$(grep -E "^$pin==" requirements-test.txt)" || fail "requirements-test.txt does not pin $pin"
  grep -q "ANSIBLE_INSTALL_REFS=.*$want" "$containerfile" || fail "the EE does not install $want (as the tests do)"
done
grep -q 'ansible-galaxy collection install .*-r requirements.yml' "$containerfile" || fail "the EE installs no collection"
grep -q '^ENV ANSIBLE_PIPELINING=True$' "$containerfile" || fail "the EE does not turn pipelining on"
grep -q '^ENV ANSIBLE_INJECT_FACT_VARS=False$' "$containerfile" || fail "the EE injects facts as variables"
# shellcheck disable=SC2016  # $PYCMD is the Containerfile's ARG, matched literally
grep -q '^RUN $PYCMD -m compileall -q /usr/share/ansible/collections/ansible_collections/scalemeet/jitsi/plugins$' "$containerfile" \
  || fail "the EE does not ship the collection's plugins compiled"
grep -q '^USER 1000$' "$containerfile" || fail "the EE's jobs no longer run as uid 1000: is compiling the plugins still needed?"
cmp -s "$tarball" "$context/_build/collections/scalemeet-jitsi.tar.gz" || fail "the EE context does not hold the built tarball"
grep -q 'name: collections/scalemeet-jitsi.tar.gz' "$context/_build/requirements.yml" || fail "the EE does not install the built tarball"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ANSIBLE_COLLECTIONS_PATH="$work" ansible-galaxy collection install --no-deps -p "$work" "$tarball" >/dev/null
ansible-builder introspect --sanitize "$work" > "$work/deps.yml"
for dep in 'netaddr' 'openssh-clients \[platform:rpm\]' 'openssh-client \[platform:dpkg\]'; do
  grep -q -- "- '$dep.*# from collection scalemeet.jitsi'" "$work/deps.yml" \
    || { cat "$work/deps.yml" >&2; fail "introspection of the installed collection lacks $dep"; }
done
echo "ansible-builder create: $(grep -c '^FROM' "$containerfile") stages in $containerfile; introspection finds the collection's Python and system dependencies"
