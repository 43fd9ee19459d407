#!/usr/bin/env bash
# Install the built collection tarball into an empty path, as an operator would
# from Galaxy, and run a playbook that uses a role by its FQCN (check mode,
# against localhost, so nothing on this machine changes).
set -euo pipefail
tarball="${1:?usage: install-check.sh TARBALL}"
[ -f "$tarball" ] || { echo "no such tarball: $tarball (run make build)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Only the empty path: a checkout exposed elsewhere must not satisfy the install.
export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_ROLES_PATH="$work/none"

ansible-galaxy collection install --no-deps -p "$work/collections" "$tarball" >/dev/null
installed="$work/collections/ansible_collections/scalemeet/jitsi"
for f in MANIFEST.json FILES.json roles/common/tasks/main.yml meta/runtime.yml; do
  [ -e "$installed/$f" ] || { echo "installed collection lacks $f" >&2; exit 1; }
done
# test bed and CI files stay out of the artifact
for f in .venv .ci tests/output molecule awx; do
  [ ! -e "$installed/$f" ] || { echo "installed collection contains $f (build_ignore)" >&2; exit 1; }
done

cat > "$work/play.yml" <<'PLAY'
- name: Use the installed collection by FQCN
  hosts: localhost
  connection: local
  gather_facts: true
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Resolve and validate scalemeet.jitsi.common
      ansible.builtin.include_role:
        name: scalemeet.jitsi.common
        tasks_from: validate.yml
PLAY
ansible-playbook -i localhost, --check "$work/play.yml" > "$work/out.log" 2>&1 \
  || { cat "$work/out.log" >&2; exit 1; }
grep -q "ok=" "$work/out.log"
# The whole-service playbook by its FQCN, as `ansible-playbook scalemeet.jitsi.site`: every play
# and role resolves from the installed artifact (listed, not run: the hosts do not exist; the
# Molecule scenario `single` runs it from a fresh install against its server, test_single.py).
cat > "$work/inventory.yml" <<'INV'
all:
  children:
    haproxy: {hosts: {edge1.example.invalid: {}}}
    signaling: {hosts: {signal1.example.invalid: {topology_shard: shard1}}}
    bridges: {hosts: {jvb1.example.invalid: {topology_shard: shard1}}}
INV
ansible-playbook -i "$work/inventory.yml" scalemeet.jitsi.site --list-tasks > "$work/site.log" 2>&1 \
  || { cat "$work/site.log" >&2; exit 1; }
for play in "Validate the deployment" "Encrypted overlay" "Signaling of each shard" "Videobridges" "HAProxy in front"; do
  grep -q "play #[0-9]* (.*): $play" "$work/site.log" || { echo "scalemeet.jitsi.site lacks the play: $play" >&2; cat "$work/site.log" >&2; exit 1; }
done
# The day-2 playbooks resolve by FQCN too (their plays listed; extra variables as a survey passes them).
for pb in scale_bridges drain_shard rolling_upgrade rotate_secrets autoscale; do
  ansible-playbook -i "$work/inventory.yml" "scalemeet.jitsi.$pb" --list-tasks \
    -e drain_shards=shard1 -e rotate_secrets=focus_password > "$work/$pb.log" 2>&1 \
    || { echo "scalemeet.jitsi.$pb does not resolve from the installed collection:" >&2; cat "$work/$pb.log" >&2; exit 1; }
  grep -q "play #1 (all): Validate the deployment" "$work/$pb.log" \
    || { echo "scalemeet.jitsi.$pb does not validate first:" >&2; cat "$work/$pb.log" >&2; exit 1; }
done
version="$(ansible-galaxy collection list scalemeet.jitsi 2>/dev/null | awk '/scalemeet.jitsi/{print $2}')"
echo "installed scalemeet.jitsi $version from $(basename "$tarball"), ran scalemeet.jitsi.common and listed scalemeet.jitsi.site and the day-2 playbooks by FQCN"
