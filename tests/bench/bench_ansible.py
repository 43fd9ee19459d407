"""Ansible run cost on the `cluster` scenario's containers (2 HAProxy, 2 shards, 2 bridges).

- first converge: `molecule converge` on containers just created (the caller times it);
- floor: `ansible all -m setup`, facts alone, the least any playbook touching these hosts costs;
- no-op re-run: the scenario's converge playbook (site.yml) again, nothing to change;
- per role: ansible.posix.profile_roles over the no-op re-run;
- one task: `ansible all -m command -a /bin/true`, the cost of one remote step on every host,
  and how many host-tasks the no-op ran (its recap's ok): together they say how much of the
  re-run is Ansible's cost per task, which only fewer tasks lower.

The ratio no-op / floor is the number to watch (target: at most 3). Both use the ansible.cfg
Molecule wrote for the scenario (forks, pipelining, docker connection), so they differ only in
what they run.
"""

import os
import pathlib
import re
import subprocess
import time

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROLE_LINE = re.compile(r"^(?P<role>\S[^-]*?)\s+-{3,}\s+(?P<seconds>\d+\.\d+)s\s*$")
RECAP_LINE = re.compile(r"^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)")


def ephemeral_directory(scenario):
    """Molecule's directory for the scenario (inventory, ansible.cfg) of the newest run."""
    dirs = sorted(pathlib.Path.home().glob(".ansible/tmp/molecule.*.%s/state.yml" % scenario), key=lambda p: p.stat().st_mtime)
    if not dirs:
        raise RuntimeError("no Molecule state for scenario %s: create and converge it first" % scenario)
    return dirs[-1].parent


def ansible_env(ephemeral, callbacks):
    env = dict(os.environ, ANSIBLE_CONFIG=str(ephemeral / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"),
               ANSIBLE_ROLES_PATH=str(ROOT / "roles"), ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1")
    if callbacks:  # none: the scenario's ansible.cfg (ad-hoc commands load no callbacks)
        env["ANSIBLE_CALLBACKS_ENABLED"] = callbacks
    return env


def timed(cmd, env):
    start = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (" ".join(cmd[:3]), (proc.stdout + proc.stderr)[-3000:]))
    return elapsed, proc.stdout


def role_times(output):
    """{role: seconds} from profile_roles' summary."""
    times = {}
    for line in output.splitlines():
        match = ROLE_LINE.match(line.strip())
        if match and match.group("role") != "total":
            times[match.group("role").strip()] = float(match.group("seconds"))
    return times


def inventory_hosts(path):
    """Every host named anywhere in a YAML inventory."""
    hosts = set()

    def walk(group):
        hosts.update((group or {}).get("hosts") or {})
        for child in ((group or {}).get("children") or {}).values():
            walk(child)
    for group in (yaml.safe_load(path.read_text()) or {}).values():
        walk(group)
    return sorted(hosts)


def host_tasks(output):
    """Tasks the run carried out on hosts (ok + changed in its recap; skipped ones cost little)."""
    return sum(int(m.group("ok")) for m in map(RECAP_LINE.match, output.splitlines()) if m)


def changed_hosts(output):
    return sorted(m.group("host") for m in map(RECAP_LINE.match, output.splitlines()) if m and int(m.group("changed")))


def run(scenario="cluster", repeat=3):
    ephemeral = ephemeral_directory(scenario)
    inventory = str(ephemeral / "inventory")
    converge = str(ROOT / "molecule" / scenario / "converge.yml")
    floor, one_task, noop, roles, changed, tasks = [], [], [], [], [], []
    for _run in range(repeat):
        seconds, _out = timed(["ansible", "all", "-i", inventory, "-m", "ansible.builtin.setup"], ansible_env(ephemeral, ""))
        floor.append(seconds)
        seconds, _out = timed(["ansible", "all", "-i", inventory, "-m", "ansible.builtin.command", "-a", "/bin/true"],
                              ansible_env(ephemeral, ""))
        one_task.append(seconds)
        seconds, out = timed(["ansible-playbook", "-i", inventory, converge], ansible_env(ephemeral, "ansible.posix.profile_roles"))
        noop.append(seconds)
        roles.append(role_times(out))
        changed += changed_hosts(out)
        tasks.append(host_tasks(out))
    best_roles = dict((role, min(r.get(role, 0.0) for r in roles)) for role in roles[0])
    return {
        "name": "ansible run cost (%s scenario)" % scenario,
        "hosts": inventory_hosts(ephemeral / "inventory" / "ansible_inventory.yml"),
        "setup_floor_s": {"best": min(floor), "runs": floor},
        "noop_site_s": {"best": min(noop), "runs": noop},
        "ratio_noop_to_floor": min(noop) / min(floor),
        "target_ratio": 3.0,
        "one_task_all_hosts_s": {"best": min(one_task), "runs": one_task},
        "noop_host_tasks": max(tasks),
        "noop_in_one_task_runs": min(noop) / min(one_task),
        "noop_changed_hosts": sorted(set(changed)),
        "role_s": dict(sorted(best_roles.items(), key=lambda kv: -kv[1])),
    }
