"""Ansible run cost on the `cluster` scenario's containers (2 HAProxy, 2 shards, 2 bridges).

- first converge: `molecule converge` on containers just created (the caller times it);
- floor: `ansible all -m setup`, facts alone, the least any playbook touching these hosts costs;
- no-op re-run: the scenario's converge playbook (site.yml) again, nothing to change;
- per role: ansible.posix.profile_roles over the no-op re-run;
- one task: `ansible all -m command -a /bin/true`, the cost of one remote step on every host,
  and how many host-tasks the no-op ran (its recap's ok): together they say how much of the
  re-run is Ansible's cost per task, which only fewer tasks lower;
- CPU: where the CPU seconds of the floor and of the no-op went, the controller's (ansible and
  the docker clients it starts, as this process's reaped children) and the hosts' (the
  containers' cgroups). The runs are CPU-bound on this machine, so these say which side a
  change must lower.

- with bytecode: the floor and the no-op again, Python allowed to keep the bytecode of the
  collection's plugin files (in .cache/pycache). This machine's environment forbids writing it
  (PYTHONDONTWRITEBYTECODE=1), so each task's worker compiles the filter and action plugins it
  loads from source; on an operator's controller Python writes the bytecode on the first run,
  and the execution environment ships it compiled. Both series are reported.

The ratio no-op / floor is the number to watch (target: at most 3), best against best. The
floor and the no-op alternate, so the median of each round's own ratio is reported beside it:
this machine's speed drifts by a fifth within an hour, and a ratio of runs seconds apart drifts
less than one of the two fastest runs, which may come from different minutes. Both use the
ansible.cfg Molecule wrote for the scenario (forks, pipelining, docker connection), so they
differ only in what they run.
"""

import os
import pathlib
import re
import resource
import statistics
import subprocess
import time

import yaml

from containers import container_cpu_seconds

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROLE_LINE = re.compile(r"^(?P<role>\S[^-]*?)\s+-{3,}\s+(?P<seconds>\d+\.\d+)s\s*$")
RECAP_LINE = re.compile(r"^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+).*?skipped=(?P<skipped>\d+)")


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


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd, env, hosts=()):
    """Wall seconds, standard output and CPU seconds {controller, hosts} of one run."""
    hosts_before = sum(map(container_cpu_seconds, hosts))
    controller_before = children_cpu_seconds()
    start = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - start
    cpu = {"controller": children_cpu_seconds() - controller_before,
           "hosts": sum(map(container_cpu_seconds, hosts)) - hosts_before}
    if proc.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (" ".join(cmd[:3]), (proc.stdout + proc.stderr)[-3000:]))
    return elapsed, proc.stdout, cpu


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


def host_tasks(output, counted=("ok",)):
    """Tasks the run carried out on hosts (ok + changed in its recap; skipped ones cost little),
    or with counted=("ok", "skipped") every host-task the controller handled."""
    return sum(int(m.group(c)) for m in map(RECAP_LINE.match, output.splitlines()) if m for c in counted)


def changed_hosts(output):
    return sorted(m.group("host") for m in map(RECAP_LINE.match, output.splitlines()) if m and int(m.group("changed")))


def paired_ratio_median(noop, floor):
    """Median of each round's no-op / floor: the first round's no-op, which records the calls
    after a first converge, is one outlier the median drops."""
    return statistics.median(n / f for n, f in zip(noop, floor))


def run(scenario="cluster", repeat=5):
    ephemeral = ephemeral_directory(scenario)
    inventory = str(ephemeral / "inventory")
    converge = str(ROOT / "molecule" / scenario / "converge.yml")
    hosts = inventory_hosts(ephemeral / "inventory" / "ansible_inventory.yml")
    floor, one_task, noop, roles, changed, tasks, handled = [], [], [], [], [], [], []
    floor_cpu, noop_cpu = [], []
    for _run in range(repeat):
        seconds, _out, cpu = timed(["ansible", "all", "-i", inventory, "-m", "ansible.builtin.setup"],
                                   ansible_env(ephemeral, ""), hosts)
        floor.append(seconds)
        floor_cpu.append(cpu)
        seconds, _out, _cpu = timed(["ansible", "all", "-i", inventory, "-m", "ansible.builtin.command", "-a", "/bin/true"],
                                    ansible_env(ephemeral, ""))
        one_task.append(seconds)
        seconds, out, cpu = timed(["ansible-playbook", "-i", inventory, converge],
                                  ansible_env(ephemeral, "ansible.posix.profile_roles"), hosts)
        noop.append(seconds)
        noop_cpu.append(cpu)
        roles.append(role_times(out))
        changed += changed_hosts(out)
        tasks.append(host_tasks(out))
        handled.append(host_tasks(out, ("ok", "skipped")))
    bytecode = with_bytecode(ephemeral, inventory, converge, repeat)
    best_roles = dict((role, min(r.get(role, 0.0) for r in roles)) for role in roles[0])
    best = noop.index(min(noop))
    return {
        "name": "ansible run cost (%s scenario)" % scenario,
        "hosts": hosts,
        "setup_floor_s": {"best": min(floor), "runs": floor},
        "noop_site_s": {"best": min(noop), "runs": noop},
        "ratio_noop_to_floor": min(noop) / min(floor),
        "ratio_paired_median": paired_ratio_median(noop, floor),
        "target_ratio": 3.0,
        "one_task_all_hosts_s": {"best": min(one_task), "runs": one_task},
        "noop_host_tasks": max(tasks),
        "noop_in_one_task_runs": min(noop) / min(one_task),
        "noop_changed_hosts": sorted(set(changed)),
        "cpu_s": cpu_summary(floor_cpu[floor.index(min(floor))], noop_cpu[best], handled[best]),
        "role_s": dict(sorted(best_roles.items(), key=lambda kv: -kv[1])),
        "with_bytecode": bytecode,
    }


def with_bytecode(ephemeral, inventory, converge, repeat):
    """The floor and the no-op, alternating, where Python may keep bytecode (outside the tree)."""
    env = dict(ansible_env(ephemeral, ""), PYTHONPYCACHEPREFIX=str(ROOT / ".cache" / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    playbook = ["ansible-playbook", "-i", inventory, converge]
    timed(playbook, env)  # writes the bytecode, as an operator's first run does
    floor, noop = [], []
    for _run in range(repeat):
        floor.append(timed(["ansible", "all", "-i", inventory, "-m", "ansible.builtin.setup"], env)[0])
        noop.append(timed(playbook, env)[0])
    return {"setup_floor_s": {"best": min(floor), "runs": floor}, "noop_site_s": {"best": min(noop), "runs": noop},
            "ratio_noop_to_floor": min(noop) / min(floor), "ratio_paired_median": paired_ratio_median(noop, floor)}


def cpu_summary(floor, noop, host_tasks_handled):
    """CPU seconds of the fastest floor and no-op runs, by side, and the ratios that say which side grew."""
    return {
        "floor_controller": floor["controller"], "floor_hosts": floor["hosts"],
        "noop_controller": noop["controller"], "noop_hosts": noop["hosts"],
        "noop_to_floor_controller": noop["controller"] / floor["controller"],
        "noop_to_floor_hosts": noop["hosts"] / floor["hosts"],
        "noop_host_tasks_handled": host_tasks_handled,
        "controller_ms_per_host_task": 1000.0 * noop["controller"] / host_tasks_handled,
    }
