"""bridge_connections: jvb.conf's connection to each shard, from the slot claims and the secrets."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.filter.bridge_connections import bridge_connections
from ansible_collections.scalemeet.jitsi.plugins.module_utils import slot_registry

SIGNAL_HOSTS = {
    "shard1": {"host": "sig1", "address": "10.0.0.11", "domain": "meet.test", "xmpp_port": 5222, "bridge_xmpp_port": 0},
    "shard2": {"host": "sig2", "address": "10.0.0.12", "domain": "two.test", "xmpp_port": 5222, "bridge_xmpp_port": 6222},
}


def claim(shard, slot):
    """A slot claim's loop result as bridge_slot returns it (the registry's own facts)."""
    return {"item": shard, "changed": False, "slot": slot_registry.slot_facts(shard, slot)}


def secrets(**passwords):
    return {"secrets": dict(("jvb_slot_%02d_password" % int(k[1:]), v) for k, v in passwords.items())}


def test_each_shard_gets_its_slot_account_password_and_port():
    got = bridge_connections(["shard1", "shard2"], [claim("shard1", 3), claim("shard2", 1)],
                             [secrets(s3="pw-1-3", s1="pw-1-1"), secrets(s1="pw-2-1")], SIGNAL_HOSTS)
    assert got == {
        "shard1": {"hostname": "10.0.0.11", "port": 5222, "domain": "auth.meet.test", "username": "jvb-03",
                   "password": "pw-1-3", "muc_jids": "jvbbrewery@internal.auth.meet.test",
                   "muc_nickname": slot_registry.slot_facts("shard1", 3)["nickname"],
                   "disable_certificate_verification": False},
        "shard2": {"hostname": "10.0.0.12", "port": 6222, "domain": "auth.two.test", "username": "jvb-01",
                   "password": "pw-2-1", "muc_jids": "jvbbrewery@internal.auth.two.test",
                   "muc_nickname": slot_registry.slot_facts("shard2", 1)["nickname"],
                   "disable_certificate_verification": False},
    }


def test_certificate_verification_can_be_turned_off_and_no_shard_is_no_connection():
    got = bridge_connections(["shard1"], [claim("shard1", 1)], [secrets(s1="pw")], SIGNAL_HOSTS, verify_certificate=False)
    assert got["shard1"]["disable_certificate_verification"] is True
    assert bridge_connections([], [], [], SIGNAL_HOSTS) == {}


@pytest.mark.parametrize("shards, slots, stores, message", [
    (["shard1", "shard2"], [claim("shard1", 1)], [secrets(s1="a")], "2 shards but 1 slot results and 1 secrets results"),
    (["shard1"], [{"item": "shard1", "skipped": True}], [secrets(s1="a")], "shard shard1 has no slot claim"),
    (["shard9"], [claim("shard9", 1)], [secrets(s1="a")], "shard shard9 has no signaling host in the topology"),
    (["shard1"], [claim("shard1", 2)], [secrets(s1="a")], "shard shard1: its secrets hold no jvb_slot_02_password"),
    (["shard1"], [claim("shard1", 1)], [{"msg": "failed"}], "shard shard1: its secrets hold no jvb_slot_01_password"),
    ("shard1", [], [], "expected lists of shards, slot results and secrets results"),
])
def test_what_is_missing_is_named(shards, slots, stores, message):
    with pytest.raises(AnsibleFilterError, match=message):
        bridge_connections(shards, slots, stores, SIGNAL_HOSTS)


def test_the_password_never_appears_in_an_error():
    with pytest.raises(AnsibleFilterError) as err:
        bridge_connections(["shard1"], [claim("shard1", 2)], [secrets(s1="the-secret")], SIGNAL_HOSTS)
    assert "the-secret" not in str(err.value)
