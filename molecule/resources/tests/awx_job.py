"""Run a collection playbook the way AWX runs a job template, with ansible-runner.

Each job gets a new private data directory, as an AWX job gets a new container:

- ``project/``: this checkout (AWX's project sync);
- ``inventory/hosts``: the scenario's inventory sources as ``ansible-inventory --list --export``
  printed them (AWX's inventory sync stores that and hands each job a script that prints it);
- ``env/extravars``: the survey's answers, checked against the job template's survey and typed
  as AWX passes them (tests/awx/survey.py), over the template's own extra variables;
- ``env/envvars``: HOME, Ansible's temp dirs and the collection path all inside the directory.

Nothing of one job is seen by the next: what the playbooks must remember (secrets, slots, CA
keys) has to come from the managed hosts. The directory is removed after the job unless
``keep`` is set.
"""

import json
import os
import pathlib
import shutil
import stat
import sys
import tempfile

import ansible_runner
from scenario_helpers import PROJECT

sys.path.insert(0, str(PROJECT))
# pylint: disable=wrong-import-position
from tests.awx import survey as awx_survey  # noqa: E402
# The synced inventory, as AWX hands it to a job (the only file of the inventory directory).
INVENTORY_SCRIPT = """#!/bin/sh
if [ "$1" = "--host" ]; then echo '{}'; exit 0; fi
cat <<'SYNCED'
%s
SYNCED
"""


class Job:
    """What a finished job left: its status, return code, output and private data directory."""

    def __init__(self, status, rc, output, private_data_dir):
        self.status = status
        self.rc = rc
        self.output = output
        self.private_data_dir = private_data_dir

    def recap(self):
        """Host name to its PLAY RECAP line."""
        return dict((line.split()[0], line) for line in self.output.splitlines() if " : ok=" in line)


def sync_inventory(sources, inventory_dir):
    """Write inventory_dir/hosts: a script printing the merged sources, as AWX's inventory sync does."""
    args = []
    for source in sources:
        args += ["-i", str(source)]
    runner_out, runner_err, rc = ansible_runner.run_command(
        executable_cmd="ansible-inventory", cmdline_args=args + ["--list", "--export"], quiet=True)
    if rc != 0:
        raise RuntimeError("inventory sync failed: %s %s" % (runner_out, runner_err))
    inventory_dir.mkdir(parents=True)
    script = inventory_dir / "hosts"
    script.write_text(INVENTORY_SCRIPT % json.dumps(json.loads(runner_out)))
    script.chmod(stat.S_IRWXU)


def prepare(private_data_dir, sources, extravars):
    """Lay out a fresh private data directory for one job."""
    (private_data_dir / "project").symlink_to(PROJECT, target_is_directory=True)
    collection = private_data_dir / "collections" / "ansible_collections" / "scalemeet"
    collection.mkdir(parents=True)
    (collection / "jitsi").symlink_to(PROJECT, target_is_directory=True)
    sync_inventory(sources, private_data_dir / "inventory")
    env = private_data_dir / "env"
    env.mkdir()
    home = private_data_dir / "home"
    home.mkdir()
    envvars = {
        "HOME": str(home),
        "ANSIBLE_LOCAL_TEMP": str(home / ".ansible" / "tmp"),
        "ANSIBLE_COLLECTIONS_PATH": str(private_data_dir / "collections"),
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_PIPELINING": "True",  # as the execution environment sets them
        "ANSIBLE_INJECT_FACT_VARS": "False",
    }
    (env / "envvars").write_text(json.dumps(envvars))
    (env / "extravars").write_text(json.dumps(extravars or {}))


def run_job(playbook, survey=None, *, extravars=None, inventories=(), tags=None, check_mode=False,
            limit=None, check=True, timeout=900, keep=False, verbosity=0):
    """Launch the job template of playbooks/<playbook> with these survey answers and template
    extra variables (inventory-like settings no survey asks for); returns a Job (asserts it
    succeeded unless check=False). Answers the survey would refuse raise SurveyError."""
    job_vars = dict(extravars or {})
    job_vars.update(awx_survey.extra_vars(awx_survey.template_for(playbook), survey))
    sources = [os.environ["MOLECULE_INVENTORY_FILE"], *inventories]
    private_data_dir = pathlib.Path(tempfile.mkdtemp(prefix="awx-job-"))
    try:
        prepare(private_data_dir, sources, job_vars)
        cmdline = []
        if tags:
            cmdline += ["--tags", tags]
        if check_mode:
            cmdline += ["--check"]
        if limit:
            cmdline += ["--limit", limit]
        runner = ansible_runner.run(
            private_data_dir=str(private_data_dir), playbook="playbooks/%s" % pathlib.Path(playbook).name,
            cmdline=" ".join(cmdline) or None, timeout=timeout, quiet=True, verbosity=verbosity or None)
        job = Job(runner.status, runner.rc, runner.stdout.read(), private_data_dir)
    finally:
        if not keep:
            shutil.rmtree(private_data_dir, ignore_errors=True)
    if check:
        assert job.status == "successful", "job %s: %s\n%s" % (playbook, job.status, job.output[-6000:])
    return job
