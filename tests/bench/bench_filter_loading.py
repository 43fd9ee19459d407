"""What finding one of the collection's filters costs a fresh task worker (numbers and a ratio,
never assertions).

ansible-core forks a worker process per host for each task, and to find one of a collection's
filters it loads every filter file of the collection in that worker, compiling the collection's
module_utils from source (its collection loader keeps no bytecode). So the filter files import
module_utils only when a filter is called (plugins/plugin_utils/filter_errors.py). The reference is
forking and reaping a worker itself.

Runs in a Python of its own: Ansible's plugin loader must be set up before anything imports the
collection, which the other module benchmarks do through sys.path.
"""

import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
FILTER = "scalemeet.jitsi.slot_account"


def _in_child_ms(fn):
    """Milliseconds fn takes in a forked child of this process, as a task worker is."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: time fn, report, leave as a worker does
        os.close(read)
        began = time.perf_counter()
        fn()
        os.write(write, b"%f" % (time.perf_counter() - began))
        os._exit(0)
    os.close(write)
    took = os.read(read, 64)
    os.close(read)
    os.waitpid(pid, 0)
    if not took:
        raise RuntimeError("finding %s failed in the child" % FILTER)
    return float(took) * 1000


def measure(repeat):
    from ansible.plugins.loader import filter_loader, init_plugin_loader  # pylint: disable=import-outside-toplevel
    init_plugin_loader([str(ROOT / ".cache" / "collections")])
    filter_loader.get("ansible.builtin.combine")  # ansible-playbook's own process has the builtin ones loaded
    find = statistics.median(_in_child_ms(lambda: filter_loader.get(FILTER)) for _run in range(repeat))
    start = time.perf_counter()
    for _run in range(repeat):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    fork = (time.perf_counter() - start) / repeat * 1000
    return {"name": "filter loading: one of the collection's filters in a fresh task worker",
            "filter_files": len(list((ROOT / "plugins" / "filter").glob("*.py"))),
            "find_one_filter_ms": find, "fork_and_reap_a_worker_ms": fork,
            "ratio_find_to_fork": find / fork, "bytecode_written": not sys.dont_write_bytecode}


def run(repeat):
    out = subprocess.run([sys.executable, __file__, str(repeat)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 20)))
