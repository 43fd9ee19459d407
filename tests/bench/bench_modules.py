"""Benchmarks for the modules' logic (numbers and ratios, never assertions).

- octo_topology: validate 10,000 bridges in 100 regions and 200 shards, against
  the floor of just parsing the same input from JSON.
- bridge_slot: 1,000 sequential registrations (lock, read, fsync'd atomic write).
- component_secrets: generating a 200-slot deployment, and a no-change re-run.
- filter loading (bench_filter_loading.py): what finding one of the collection's filters costs a
  fresh task worker, against forking the worker itself.

Run: make bench-modules   (prints a table, and JSON with --json)
"""

import argparse
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / ".cache" / "collections"))

import bench_filter_loading  # noqa: E402
from ansible_collections.scalemeet.jitsi.plugins.module_utils import secrets_store, slot_registry, topology  # noqa: E402


def big_topology(regions=100, shards=200, bridges=10000):
    data = {"overlay": "wireguard", "underlay_networks": ["192.168.0.0/16", "fd00:1::/64"], "regions": {}, "shards": {}, "bridges": {}}
    for r in range(regions):
        data["regions"]["region-%03d" % r] = {"overlay_subnet": ["10.%d.%d.0/22" % (100 + r // 60, (r % 60) * 4), "fd00:%x::/64" % (0x100 + r)]}
    per_shard = bridges // shards
    for s in range(shards):
        data["shards"]["shard-%03d" % s] = {"region": "region-%03d" % (s % regions), "max_bridges": per_shard}
    used = [0] * regions  # next host number in each region's /22
    for b in range(bridges):
        s = b // per_shard
        r = (s + b) % regions
        used[r] += 1
        host = used[r]
        data["bridges"]["jvb-%05d" % b] = {
            "shard": "shard-%03d" % s, "region": "region-%03d" % r,
            "overlay_address": "10.%d.%d.%d" % (100 + r // 60, (r % 60) * 4 + host // 256, host % 256),
            "slot": b % per_shard + 1,
        }
    return data


def best_of(fn, repeat):
    times = []
    for _run in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def bench_topology(repeat):
    text = json.dumps(big_topology())
    parse_best, parse_median = best_of(lambda: json.loads(text), repeat)
    validate_best, validate_median = best_of(lambda: topology.validate(json.loads(text)), repeat)
    return {
        "name": "octo_topology: 10,000 bridges / 100 regions / 200 shards",
        "parse_json_s": parse_best, "parse_plus_validate_s": validate_best,
        "parse_plus_validate_median_s": validate_median,
        "ratio_to_json_parse": validate_best / parse_best,
        "target": "< 1 s", "meets_target": validate_best < 1.0,
    }


def bench_slots(count):
    with tempfile.TemporaryDirectory() as d:
        # shards of 250 slots: the registry file grows as a real shard's would
        def run_all():
            for i in range(count):
                slot_registry.ensure(d, "bench-%d" % (i // 250), "jvb-%04d" % i, 250)
        start = time.perf_counter()
        run_all()
        claim = time.perf_counter() - start
        start = time.perf_counter()
        run_all()
        noop = time.perf_counter() - start
    return {
        "name": "bridge_slot: %d sequential registrations (shards of 250)" % count,
        "claims": count, "per_claim_ms": claim / count * 1000, "per_noop_rerun_ms": noop / count * 1000,
        "ratio_claim_to_noop": claim / noop,
    }


def bench_secrets(repeat):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s", "bench.json")
        specs = secrets_store.standard_specs(bridge_slots=200, turn=True, jwt=True)
        start = time.perf_counter()
        secrets_store.ensure(path, "bench", specs)
        first = time.perf_counter() - start
        noop, _median = best_of(lambda: secrets_store.ensure(path, "bench", specs), repeat)
    return {"name": "component_secrets: 203 secrets", "first_run_ms": first * 1000, "noop_rerun_ms": noop * 1000,
            "ratio_first_to_noop": first / noop}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write results as JSON to this file")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slots", type=int, default=1000)
    args = parser.parse_args()
    results = [bench_topology(args.repeat), bench_slots(args.slots), bench_secrets(args.repeat),
               bench_filter_loading.run(20)]
    for r in results:
        print(r["name"])
        for k, v in r.items():
            if k != "name":
                print("  %-30s %s" % (k, "%.4f" % v if isinstance(v, float) else v))
    if args.json:
        report = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "results": results}
        pathlib.Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
