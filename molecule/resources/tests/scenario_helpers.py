"""Helpers for Molecule verify tests: the scenario's containers, playbooks against them, waiting."""

import json
import os
import pathlib
import subprocess
import time

import testinfra

PROJECT = pathlib.Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", pathlib.Path(__file__).resolve().parents[3]))


def playbook_command(playbook, *args, inventories=()):
    """(argv, env) of ansible-playbook with the scenario inventory plus extra inventories."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(PROJECT / ".cache" / "collections"),
               ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1")
    inv_args = ["-i", os.environ["MOLECULE_INVENTORY_FILE"]]
    for extra in inventories:
        inv_args += ["-i", str(extra)]
    return ["ansible-playbook", *inv_args, str(playbook), *args], env


def run_playbook(playbook, *args, inventories=(), check=True, timeout=900):
    """ansible-playbook with the scenario inventory; returns (rc, output)."""
    cmd, env = playbook_command(playbook, *args, inventories=inventories)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    out = proc.stdout + proc.stderr
    if check:
        assert proc.returncode == 0, out
    return proc.returncode, out


def secret_values(host, path):
    """Name to value of the component secrets stored at path on a testinfra host."""
    doc = json.loads(host.check_output("cat %s" % path))
    return dict((name, entry["value"]) for name, entry in doc["secrets"].items())


def node(name):
    """testinfra host for one of the scenario's containers."""
    return testinfra.get_host("docker://" + name)


def address(name, network=None):
    """A container's address on `network` (its only network when None), from Docker."""
    out = subprocess.run(["docker", "inspect", "-f", "{{json .NetworkSettings.Networks}}", name],
                         capture_output=True, text=True, check=True).stdout
    networks = dict((net, conf["IPAddress"]) for net, conf in json.loads(out).items())
    if network is None:
        if len(networks) != 1:
            raise ValueError("%s is on networks %s: name one" % (name, ", ".join(sorted(networks))))
        network = next(iter(networks))
    return networks[network]


def wait_for(predicate, timeout=60, poll=1.0):
    """predicate()'s first true value within timeout seconds, else its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(poll)


def jicofo_debug(host):
    """jicofo's /debug document (bridge selector, conferences) from its private REST port."""
    return json.loads(host.check_output("curl -sf http://127.0.0.1:8888/debug"))
