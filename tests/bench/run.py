"""make bench: every benchmark in one run, written as JSON, Markdown and PNG plots.

1. modules: topology validation, slot registrations, secrets, filter loading (bench_modules.py);
2. the `cluster` scenario created and converged from bare containers (first converge timed),
   then on it: Ansible's run cost (bench_ansible.py), HAProxy's cost per request
   (bench_haproxy.py), signaling load up to its break point (bench_signaling.py);
3. the containers removed (unless --keep).

Results go to docs/performance/ (results.json, results.md, plots) and docs/performance.md.
Numbers and ratios only: nothing here passes or fails on a time.

Usage: python tests/bench/run.py [--only modules,ansible,haproxy,signaling] [--keep] [--reuse] [--out DIR]
(--only keeps the last report's results of the benchmarks it does not run, each marked with its date.)
"""

import argparse
import os
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
# pylint: disable=wrong-import-position
import bench_ansible  # noqa: E402
import bench_haproxy  # noqa: E402
import bench_filter_loading  # noqa: E402
import bench_modules  # noqa: E402
import bench_signaling  # noqa: E402
import report  # noqa: E402

BASE_CONFIG = ROOT / ".config" / "molecule" / "config.yml"
SCENARIO = "cluster"
# The cluster scenario's shards and the containers serving them (molecule/cluster/molecule.yml).
CLUSTER_SHARDS = {"shard1": "cl-shard1", "shard2": "cl-shard2"}
CLUSTER_DOMAIN = "meet.test"
CLUSTER_HAPROXY = ["cl-hap1", "cl-hap2"]
CLUSTER_SECRETS = "/var/lib/scalemeet/secrets/molecule.json"
ALL = ("modules", "ansible", "haproxy", "signaling")
DEFAULT_STEPS = (250, 500, 1000, 2000, 3000, 4500, 6000)


def molecule(action, log):
    """Run one Molecule action on the scenario; returns its seconds."""
    start = time.monotonic()
    with open(log, "a") as out:
        rc = subprocess.call(["molecule", "--base-config", str(BASE_CONFIG), action, "-s", SCENARIO],
                             cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ, ANSIBLE_FORCE_COLOR="0"))
    if rc != 0:
        raise RuntimeError("molecule %s -s %s failed: see %s" % (action, SCENARIO, log))
    return time.monotonic() - start


def unthrottle():
    """Every benchmark session logs in from this one machine: lift Prosody's per-address login
    throttle on the shards (a real deployment's participants come from many addresses)."""
    ephemeral = bench_ansible.ephemeral_directory(SCENARIO)
    cmd = ["ansible-playbook", "-i", str(ephemeral / "inventory"), str(ROOT / "molecule" / SCENARIO / "converge.yml"),
           "--tags", "prosody", "-e", "prosody_login_throttle_enabled=false"]
    bench_ansible.timed(cmd, bench_ansible.ansible_env(ephemeral, ""))


def measured(name, bench):
    """A benchmark's result, or what stopped it (the others still run and are reported)."""
    try:
        return bench()
    except Exception as exc:  # pylint: disable=broad-except  # reported in the results, not hidden
        print("benchmark %s failed: %s" % (name, exc), file=sys.stderr)
        return {"name": name, "error": str(exc)[:2000]}


def signaling(cluster, steps, args):
    """The signaling ramp; a ramp that does not start from the default steps is reported beside
    the last full one (kept by --only), not in its place."""
    result = bench_signaling.run(cluster, steps, rate=args.rate, max_sessions=args.max_sessions)
    if steps != DEFAULT_STEPS:
        result["name"] += " (steps %s)" % ", ".join(str(s) for s in steps)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(ALL),
                        help="comma-separated benchmarks to run; the report keeps the last results of the others")
    parser.add_argument("--keep", action="store_true", help="leave the cluster's containers running")
    parser.add_argument("--reuse", action="store_true", help="measure the cluster left by --keep (no first converge)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance"),
                        help="where results.json, results.md and the plots go")
    parser.add_argument("--docs", default=None,
                        help="the page whose results section is rewritten; by default docs/performance.md, "
                             "and none when --out points elsewhere (a trial run leaves the docs alone)")
    parser.add_argument("--requests", type=int, default=3000, help="requests per path for the HAProxy comparison")
    parser.add_argument("--rooms", type=int, default=200000, help="rooms in the full stick table")
    parser.add_argument("--steps", default=",".join(str(s) for s in DEFAULT_STEPS),
                        help="session counts of the signaling ramp; past the last it grows by half each step until it breaks")
    parser.add_argument("--max-sessions", type=int, default=None,
                        help="the signaling ramp stops before a step of more sessions (bounds the bench's time)")
    parser.add_argument("--rate", type=float, default=25.0, help="participants arriving per second in each signaling step")
    args = parser.parse_args()
    if args.docs is None and pathlib.Path(args.out).resolve() == (ROOT / "docs" / "performance").resolve():
        args.docs = str(ROOT / "docs" / "performance.md")
    only = set(args.only.split(","))
    log = ROOT / ".cache" / "reports" / "bench-molecule.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")
    results = []
    if "modules" in only:
        results += [bench_modules.bench_topology(5), bench_modules.bench_slots(1000), bench_modules.bench_secrets(5),
                    bench_filter_loading.run(20)]
    if only & {"ansible", "haproxy", "signaling"}:
        if not args.reuse:
            molecule("destroy", log)
        try:
            if not args.reuse:
                create_s = molecule("create", log)
                converge_s = molecule("converge", log)
                results.append({"name": "first converge of the cluster scenario (6 containers)",
                                "create_containers_s": create_s, "first_converge_s": converge_s})
            if "ansible" in only:
                results.append(measured("ansible run cost", lambda: bench_ansible.run(SCENARIO)))
            if "haproxy" in only:
                results.append(measured("HAProxy cost per request", lambda: bench_haproxy.run(
                    "cl-hap1", CLUSTER_SHARDS, CLUSTER_DOMAIN, args.requests, args.rooms)))
            if "signaling" in only:
                unthrottle()
                cluster = bench_signaling.Cluster(CLUSTER_HAPROXY, CLUSTER_SHARDS, CLUSTER_DOMAIN, CLUSTER_SECRETS)
                steps = tuple(int(n) for n in args.steps.split(","))
                results.append(measured("signaling load", lambda: signaling(cluster, steps, args)))
        finally:
            if not args.keep:
                molecule("destroy", log)
    # a partial run (--only) keeps the last report's other results, marked with their date
    written = report.write(results, args.out, args.docs, keep_previous=only != set(ALL))
    print(report.markdown(written))


if __name__ == "__main__":
    main()
