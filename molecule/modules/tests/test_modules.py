"""The modules run for real: ansible-playbook against the scenario's containers."""

import json
import os
import pathlib
import re
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "resources" / "tests"))
from scenario_helpers import run_playbook  # noqa: E402  pylint: disable=wrong-import-position

HERE = pathlib.Path(__file__).resolve().parent
PLAYBOOKS = HERE.parent / "playbooks"
STORE = "/var/lib/scalemeet/secrets/molecule.json"
REGISTRY = "/var/lib/scalemeet/slots/shard1.json"
FIRST = "modules-signal-bookworm"  # the signaling host the verify playbooks target


def playbook(name, *args, check=True):
    return run_playbook(PLAYBOOKS / name, "-e", "target=%s" % FIRST, *args,
                        inventories=[HERE / "unreachable.ini"], check=check)


def read_json(host, path):
    return json.loads(host.check_output("cat %s" % path))


@pytest.fixture
def first(host):
    if host.backend.get_hostname() != FIRST:
        pytest.skip("runs once, against %s" % FIRST)
    return host


def test_store_is_private_and_complete(host):
    f = host.file(STORE)
    assert (f.user, f.group, f.mode) == ("root", "root", 0o600)
    assert host.file(os.path.dirname(STORE)).mode == 0o700
    doc = read_json(host, STORE)
    names = set(doc["secrets"])
    assert {"focus_password", "turn_secret", "jwt_app_secret", "jvb_slot_01_password", "jvb_slot_20_password"} <= names
    values = [e["value"] for e in doc["secrets"].values()]
    assert len(values) == len(set(values))


def test_twenty_concurrent_bridges_got_distinct_slots(host):
    doc = read_json(host, REGISTRY)
    assert sorted(int(n) for n in doc["slots"]) == list(range(1, 21))
    assert sorted(e["bridge"] for e in doc["slots"].values()) == sorted("jvb-a%d" % i for i in range(1, 21))
    assert host.file(REGISTRY).mode == 0o600


def test_full_shard_fails_naming_shard_max_and_bridge(first):
    rc, out = playbook("slot.yml", "-e", "bridge=jvb-late", "-e", '{"extra_bridges": ["jvb-late"]}', check=False)
    assert rc != 0
    assert "shard shard1 is full: all 20 slots (max_bridges) are taken; bridge jvb-late did not fit" in out


def test_release_and_reclaim_same_lowest_slot(first):
    before = read_json(first, REGISTRY)["slots"]
    slot_of_a7 = [n for n, e in before.items() if e["bridge"] == "jvb-a7"][0]
    _rc, out = playbook("slot.yml", "-e", "bridge=jvb-a7", "-e", "slot_state=absent")
    assert "changed=1" in out
    _rc, out = playbook("slot.yml", "-e", "bridge=jvb-new", "-e", '{"extra_bridges": ["jvb-new"]}')
    after = read_json(first, REGISTRY)["slots"]
    assert after[slot_of_a7]["bridge"] == "jvb-new"
    assert '"relay_id": "shard1-jvb-%02d"' % int(slot_of_a7) in out
    # put the converged state back for the next scenario step
    playbook("slot.yml", "-e", "bridge=jvb-new", "-e", "slot_state=absent", "-e", '{"extra_bridges": ["jvb-new"]}')
    playbook("slot.yml", "-e", "bridge=jvb-a7")


def test_no_secret_value_in_verbose_output(first):
    _rc, out = playbook("secrets.yml", "-vvv", "-e", "deployment=molecule", "-e", "bridge_slots=20",
                        "-e", '{"extra_secrets": [{"name": "operator_token", "value": "OperatorValue-4f1e2d"}]}')
    doc = read_json(first, STORE)
    values = [e["value"] for e in doc["secrets"].values()]
    assert "OperatorValue-4f1e2d" in values
    leaked = [v for v in values if v in out]
    assert leaked == [], "secret values appear in -vvv output"
    assert "operator_token" in out  # names are fine and reported


def test_task_without_no_log_is_refused(first):
    rc, out = playbook("secrets.yml", "-e", "deployment=nolog", "-e", "hide=false", check=False)
    assert rc != 0 and "set no_log: true on the task" in out
    assert not first.file("/var/lib/scalemeet/secrets/nolog.json").exists


def test_check_mode_reports_and_writes_nothing(first):
    # The diff itself (names only) is unit-tested: Ansible censors a no_log task's diff.
    _rc, out = playbook("secrets.yml", "--check", "--diff", "-e", "deployment=checkonly")
    assert "changed=1" in out
    assert not first.file("/var/lib/scalemeet/secrets/checkonly.json").exists


def test_rotate_exactly_named(first):
    first.check_output("rm -f /var/lib/scalemeet/secrets/rot.json")
    playbook("secrets.yml", "-e", "deployment=rot")
    before = read_json(first, "/var/lib/scalemeet/secrets/rot.json")["secrets"]
    _rc, out = playbook("secrets.yml", "-e", "deployment=rot", "-e", '{"rotate": ["turn_secret"]}')
    after = read_json(first, "/var/lib/scalemeet/secrets/rot.json")["secrets"]
    assert after["turn_secret"]["value"] != before["turn_secret"]["value"]
    assert {k: v["value"] for k, v in after.items() if k != "turn_secret"} == {
        k: v["value"] for k, v in before.items() if k != "turn_secret"}
    assert "'turn_secret': 'rotated'" in out or '"turn_secret": "rotated"' in out


def test_corrupt_store_fails_naming_file_and_is_kept(first):
    path = "/var/lib/scalemeet/secrets/broken.json"
    first.check_output("rm -f %s" % path)
    playbook("secrets.yml", "-e", "deployment=broken")
    first.check_output("truncate -s 40 %s" % path)
    truncated = first.check_output("sha256sum %s" % path)
    rc, out = playbook("secrets.yml", "-e", "deployment=broken", check=False)
    assert rc != 0 and path in out and "never regenerated" in out
    assert first.check_output("sha256sum %s" % path) == truncated


def test_topology_errors_all_at_once_without_contacting_hosts(first):
    bad = {"topology": {
        "overlay": "none",
        "regions": {"eu": {"overlay_subnet": "10.60.1.0/24"}, "us": {"overlay_subnet": "10.60.0.0/16"}},
        "shards": {"shard1": {"region": "eu", "max_bridges": 1}},
        "bridges": {"b1": {"shard": "shard1"}, "b2": {"shard": "shard1", "region": "mars"}},
    }}
    rc, out = playbook("topology.yml", "-e", json.dumps(bad), check=False)
    assert rc != 0
    assert "UNREACHABLE" not in out
    for fragment in ["region eu: overlay_subnet 10.60.1.0/24 overlaps region us overlay_subnet 10.60.0.0/16",
                     "bridge b2: region 'mars' is not a known region",
                     "shard shard1: 2 bridges (b1, b2) exceed max_bridges 1"]:
        assert fragment in out


def test_topology_valid_input_passes_without_contacting_hosts(first):
    good = {"topology": {"regions": {"eu": {}}, "shards": {"s1": {"region": "eu", "max_bridges": 2}},
                         "bridges": {"b1": {"shard": "s1"}}}}
    _rc, out = playbook("topology.yml", "-e", json.dumps(good))
    assert "ok=1" in out and "UNREACHABLE" not in out


def shown_result(name, *args):
    """The RESULT a playbook's last task showed, as data."""
    _rc, out = playbook(name, *args)
    shown = re.search(r'"msg": ("RESULT .*")$', out, re.MULTILINE).group(1)
    return json.loads(json.loads(shown)[len("RESULT "):])


def made(*args):
    """What one run of config-files.yml did: changed, checked_with, changed paths (names only)."""
    result = shown_result("config-files.yml", *args)
    return result["changed"], result["checked_with"], [os.path.basename(p) for p in result["paths"]]


CF = "/tmp/scalemeet-config-files"
DRIFTS = [
    ("echo extra >> %s/d/a.conf" % CF, ["a.conf"]),
    ("chmod 0644 %s/d/a.conf" % CF, ["a.conf"]),
    ("chmod 0755 %s/d" % CF, ["d"]),
    ("ln -sfn /etc/hostname %s/enabled" % CF, ["enabled"]),
    ("touch %s/default" % CF, ["default"]),
]


def test_config_files_answers_from_the_probe_only_while_nothing_differs(first):
    first.run("rm -rf %s" % CF)
    assert made() == (True, "module", ["d", "a.conf", "enabled"])
    assert made() == (False, "host_state", [])
    for change, paths in DRIFTS:
        first.check_output(change)
        assert made("--check") == (True, "module", paths), change  # check mode changes nothing ...
        assert made() == (True, "module", paths), change  # ... the run puts it back
        assert made() == (False, "host_state", []), change
    assert first.file(CF + "/d/a.conf").content_string == "a = 1\n"
    assert first.file(CF + "/d/a.conf").mode == 0o640
    assert not first.file(CF + "/default").exists
    # asked for something else: the module runs, whatever the probe says
    assert made("-e", "content=a=2") == (True, "module", ["a.conf"])
    assert made("-e", "content=a=2") == (False, "host_state", [])
    first.run("rm -rf %s" % CF)


RC = "/tmp/scalemeet-recorded-call"


def line_set(*args):
    result = shown_result("recorded-call.yml", *args)
    return result["changed"], result["checked_with"]


def test_recorded_call_answers_a_repeat_only_while_the_file_is_as_it_left_it(first):
    first.run("rm -rf %s" % RC)
    assert line_set() == (True, "module")  # a changing run is not recorded ...
    assert line_set() == (False, "module")  # ... a run that changed nothing is
    assert line_set() == (False, "host_state")
    for change in ["echo limit 99 > %s/app.conf" % RC, "chmod 0600 %s/app.conf" % RC, "rm %s/app.conf" % RC]:
        first.check_output(change)
        assert line_set("--check") == (True, "module"), change  # check mode changes and records nothing ...
        assert line_set() == (True, "module"), change  # ... the run puts it back as recorded
        assert line_set() == (False, "host_state"), change
    assert first.file(RC + "/app.conf").content_string == "limit 10\n"
    # asked for something else: the module runs, whatever the record says
    assert line_set("-e", "limit=20") == (True, "module")
    assert line_set("-e", "limit=20") == (False, "module")
    assert line_set("-e", "limit=20") == (False, "host_state")
    assert first.file(RC + "/app.conf").content_string == "limit 20\n"
    first.run("rm -rf %s" % RC)
