"""The test bed's containers as the benchmarks reach them."""

import json
import subprocess


def container_address(name):
    """A container's address on its (only) Docker network."""
    out = subprocess.run(["docker", "inspect", "-f", "{{json .NetworkSettings.Networks}}", name],
                         capture_output=True, text=True, check=True).stdout
    return next(iter(json.loads(out).values()))["IPAddress"]
