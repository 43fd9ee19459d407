"""The inventory_topology filter reads only inventory variables, through hostvars."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.filter.inventory_topology import FilterModule


class FakeHostVars(dict):
    """hostvars: a mapping of host to that host's variables."""


def test_filter_reads_each_group_and_ignores_other_variables():
    f = FilterModule().filters()["inventory_topology"]
    hostvars = FakeHostVars({
        "sig": {"prosody_domain": "meet.test", "topology_region": "eu", "unrelated": "x"},
        "jvb": {"topology_shard": "sig", "jvb_state": "present"},
        "edge": {"topology_shard": "nope"},
    })
    groups = {"signaling": ["sig"], "bridges": ["jvb"], "haproxy": ["edge"]}
    out = f(hostvars, groups, regions={"eu": {}})
    assert out["octo"]["bridges"] == {"jvb": {"shards": ["sig"]}}
    assert out["octo"]["shards"] == {"sig": {"region": "eu", "max_bridges": 10}}
    assert out["signal_hosts"]["sig"]["domain"] == "meet.test"


def test_filter_uses_the_named_groups_and_reports_problems_as_filter_errors():
    f = FilterModule().filters()["inventory_topology"]
    hostvars = FakeHostVars({"a": {"topology_shard": "s"}, "b": {"topology_shard": "s"}})
    with pytest.raises(AnsibleFilterError, match="signaling hosts a and b both claim it"):
        f(hostvars, {"shards": ["a", "b"]}, signaling_group="shards")
    assert f(hostvars, {}, signaling_group="shards")["octo"]["shards"] == {}
