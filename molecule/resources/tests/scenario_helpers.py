"""Helpers for Molecule verify tests: run a playbook against the scenario's hosts."""

import json
import os
import pathlib
import subprocess

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
