"""The test bed's containers as the benchmarks reach them."""

import json
import os
import pathlib
import subprocess


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
