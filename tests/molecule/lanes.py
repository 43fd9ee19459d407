"""Run Molecule scenarios in parallel lanes, longest first, one log file per scenario.

Usage: python tests/molecule/lanes.py --lanes 2 SCENARIO...

Scenarios share nothing but the Docker engine (own containers, networks and Molecule
state), and most of their time is spent waiting on apt, systemd and the services, so two
lanes on two cores take far less wall time than one. Durations of the last run, kept in
.cache/reports/molecule-times.json, order the queue so the longest scenarios start first.
Exits non-zero when any scenario failed, after printing the end of its log.
"""

import argparse
import json
import pathlib
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
REPORTS = ROOT / ".cache" / "reports"
TIMES = REPORTS / "molecule-times.json"
# Named explicitly: Molecule finds .config/molecule/ only in a git checkout, not in an unpacked copy.
BASE_CONFIG = ROOT / ".config" / "molecule" / "config.yml"
MEASURED = pathlib.Path(__file__).resolve().parent / "durations.json"


def _read(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def load_times():
    times = _read(MEASURED)
    times.update(_read(TIMES))
    return times


def run_lanes(scenarios, lanes, say=print):
    """Run every scenario; returns {scenario: (returncode, seconds, log path)}."""
    known = load_times()
    queue = sorted(scenarios, key=lambda s: -known.get(s, 600))
    lock = threading.Lock()
    results = {}
    REPORTS.mkdir(parents=True, exist_ok=True)

    def worker(lane):
        while True:
            with lock:
                if not queue:
                    return
                scenario = queue.pop(0)
            log = REPORTS / ("molecule-%s.log" % scenario)
            say("=== lane %d: molecule scenario %s started (log %s)" % (lane, scenario, log.relative_to(ROOT)))
            start = time.monotonic()
            with open(log, "w", encoding="utf-8") as out:
                rc = subprocess.call(["molecule", "--base-config", str(BASE_CONFIG), "test", "-s", scenario],
                                     stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
            seconds = round(time.monotonic() - start)
            with lock:
                results[scenario] = (rc, seconds, log)
            say("=== lane %d: molecule scenario %s %s in %ds" % (lane, scenario, "passed" if rc == 0 else "FAILED", seconds))

    threads = [threading.Thread(target=worker, args=(n + 1,)) for n in range(max(1, lanes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lanes", type=int, default=2)
    parser.add_argument("scenarios", nargs="+")
    args = parser.parse_args(argv)
    start = time.monotonic()
    results = run_lanes(args.scenarios, args.lanes, say=lambda m: print(m, flush=True))
    times = _read(TIMES)
    times.update((s, r[1]) for s, r in results.items() if r[0] == 0)
    TIMES.write_text(json.dumps(times, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    failed = sorted(s for s, r in results.items() if r[0] != 0)
    for scenario in failed:
        lines = results[scenario][2].read_text(encoding="utf-8", errors="replace").splitlines()
        print("=== last 80 lines of molecule scenario %s:" % scenario)
        print("\n".join(lines[-80:]))
    total = sum(r[1] for r in results.values())
    wall = round(time.monotonic() - start)
    print("=== molecule: %d scenario(s), %d failed, %ds wall in %d lane(s), %ds of scenario time (%.2fx)"
          % (len(results), len(failed), wall, args.lanes, total, total / wall if wall else 0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
