"""The test bed's containers as the benchmarks reach them."""

import json
import os
import pathlib
import subprocess
import time


def container_address(name):
    """A container's address on its (only) Docker network."""
    out = subprocess.run(["docker", "inspect", "-f", "{{json .NetworkSettings.Networks}}", name],
                         capture_output=True, text=True, check=True).stdout
    return next(iter(json.loads(out).values()))["IPAddress"]


def container_cpu_seconds(name):
    """CPU seconds a container has used so far, from its cgroup (v1 cpuacct or v2 cpu.stat)."""
    cid = subprocess.run(["docker", "inspect", "-f", "{{.Id}}", name], capture_output=True, text=True, check=True).stdout.strip()
    v1 = pathlib.Path("/sys/fs/cgroup/cpuacct/docker", cid, "cpuacct.usage")
    if v1.exists():
        return int(v1.read_text()) / 1e9
    for v2 in (pathlib.Path("/sys/fs/cgroup/system.slice", "docker-%s.scope" % cid, "cpu.stat"),
               pathlib.Path("/sys/fs/cgroup/docker", cid, "cpu.stat")):
        if v2.exists():
            usage = dict(line.split() for line in v2.read_text().splitlines())
            return int(usage["usage_usec"]) / 1e6
    raise RuntimeError("no CPU accounting found for container %s (%s)" % (name, cid))


def machine_busy_seconds():
    """CPU seconds all CPUs of this machine spent not idle so far (/proc/stat), and the CPU count."""
    fields = [int(v) for v in pathlib.Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / hz, os.cpu_count()


def wait_until_quiet(busy_below=0.35, window=1.0, timeout=60.0):
    """Seconds waited until the machine's CPUs were less than busy_below busy over one window
    (bounded by timeout): a comparison started right after heavy work (HAProxy pushing 200,000
    new rooms to its peer, say) measures that work's tail, not the path under test."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        busy0, cpus = machine_busy_seconds()
        time.sleep(window)
        busy1, _cpus = machine_busy_seconds()
        if (busy1 - busy0) / window / cpus < busy_below:
            break
    return time.monotonic() - start
