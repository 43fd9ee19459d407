"""probe_part: a task's arguments carry only the part of the probe its action plugin reads."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.filter.probe_part import probe_part

PROBE = {"packages": "nginx\t1.22\tii \n", "services": "Id=nginx.service\n", "ansible_facts": {"ansible_env": {}},
         "config_files": {"/etc/x": {"sha256": "ab", "intact": True}}, "calls": {"d1": {"intact": True}},
         "haproxy": None}


@pytest.mark.parametrize("part", ["config_files", "calls", "haproxy"])
def test_only_the_part_is_passed(part):
    assert probe_part(PROBE, part) == {part: PROBE[part]}


def test_a_list_passes_those_parts_only():
    assert probe_part(PROBE, ["config_files", "services"]) == {"config_files": PROBE["config_files"], "services": PROBE["services"]}


def test_no_probe_stays_no_probe():
    assert probe_part(None, "calls") is None


def test_an_unknown_part_or_input_is_named():
    with pytest.raises(AnsibleFilterError, match="part must be one of config_files, calls, haproxy, secrets_stores, services, got 'packages'"):
        probe_part(PROBE, "packages")
    with pytest.raises(AnsibleFilterError, match="got 'packages'"):
        probe_part(PROBE, ["config_files", "packages"])
    with pytest.raises(AnsibleFilterError, match="expected host_state's result, got str"):
        probe_part("probe", "calls")
