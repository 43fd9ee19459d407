"""HAProxy shard list: validation naming the offender, ids pinned from names."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.filter.haproxy_backends import haproxy_backends
from ansible_collections.scalemeet.jitsi.plugins.module_utils.haproxy_shards import ShardsError, backends, pinned_id


def test_ids_come_from_names_not_order():
    a = backends([{"name": "shard1", "address": "10.0.0.1"}, {"name": "shard2", "address": "signal2.example.org", "port": 8443}])
    b = backends([{"name": "shard2", "address": "signal2.example.org", "port": "8443"},
                  {"name": "shard3", "address": "2001:db8::3"}, {"name": "shard1", "address": "10.0.0.1"}])
    ids_a = dict((s["name"], s["id"]) for s in a)
    ids_b = dict((s["name"], s["id"]) for s in b)
    assert ids_a["shard1"] == ids_b["shard1"] == pinned_id("shard1")
    assert ids_a["shard2"] == ids_b["shard2"]
    assert [s["name"] for s in b] == ["shard1", "shard2", "shard3"]
    assert b[1]["port"] == 8443 and b[0]["port"] == 443


def test_explicit_id_wins_and_collisions_are_named():
    out = backends([{"name": "a", "address": "10.0.0.1", "id": 7}])
    assert out[0]["id"] == 7
    with pytest.raises(ShardsError) as err:
        backends([{"name": "a", "address": "10.0.0.1", "id": 7}, {"name": "b", "address": "10.0.0.2", "id": 7}])
    assert err.value.problems == ["shard b: server id 7 is already used by shard a; set a distinct id on one of them"]


@pytest.mark.parametrize("shards, problem", [
    ([], "no shards: HAProxy needs at least one shard"),
    ([{"name": "shard1", "address": "not an address"}], "shard shard1: address 'not an address' is not an IP address or host name"),
    ([{"name": "shard1", "address": "999.1.1.1"}], "shard shard1: address '999.1.1.1' is not an IP address or host name"),
    ([{"name": "shard1", "address": "10.0.0.1"}, {"name": "shard1", "address": "10.0.0.2"}],
     "shard shard1: duplicate shard name (entries #1 and #2)"),
    ([{"name": "shard1", "address": "10.0.0.1", "port": 70000}], "shard shard1: port 70000 must be an integer from 1 to 65535"),
    ([{"name": "shard1", "address": "10.0.0.1", "port": 0}], "shard shard1: port 0 must be an integer from 1 to 65535"),
    ([{"name": "Shard_1", "address": "10.0.0.1"}], "shard Shard_1: name 'Shard_1' must be one DNS label"),
    (["shard1"], "shard #1: must be a mapping with name, address and port"),
])
def test_bad_shards_fail_naming_the_offender(shards, problem):
    with pytest.raises(ShardsError) as err:
        backends(shards)
    assert any(p.startswith(problem) for p in err.value.problems), err.value.problems


def test_filter_uses_the_topology_when_no_list_is_given():
    signal_hosts = {"s2": {"host": "sig2", "address": "10.0.0.2", "https_port": 443},
                    "s1": {"host": "sig1", "address": "10.0.0.1", "https_port": 8443}}
    out = haproxy_backends([], signal_hosts)
    assert [(s["name"], s["address"], s["port"]) for s in out] == [("s1", "10.0.0.1", 8443), ("s2", "10.0.0.2", 443)]
    explicit = haproxy_backends([{"name": "x", "address": "10.9.9.9"}], signal_hosts)
    assert [s["name"] for s in explicit] == ["x"]
    with pytest.raises(AnsibleFilterError, match="no shards"):
        haproxy_backends([], {})
