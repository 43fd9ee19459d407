"""The filters naming a bridge slot's account, password, relay id and a shard's accounts."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.filter.slot_account import slot_account
from ansible_collections.scalemeet.jitsi.plugins.filter.slot_accounts import slot_accounts
from ansible_collections.scalemeet.jitsi.plugins.filter.slot_relay_id import slot_relay_id
from ansible_collections.scalemeet.jitsi.plugins.filter.slot_secret_name import slot_secret_name
from ansible_collections.scalemeet.jitsi.plugins.module_utils import slot_registry


@pytest.mark.parametrize("slot, account", [(1, "jvb-01"), ("3", "jvb-03"), (99, "jvb-99"), (100, "jvb-100")])
def test_names_follow_the_slot(slot, account):
    assert slot_account(slot) == account
    assert slot_secret_name(slot) == "jvb_slot_%02d_password" % int(slot)
    assert slot_relay_id(slot, "shard1") == "shard1-" + account


def test_filters_name_what_the_module_registers():
    """bridge_slot returns the same account and relay id for a slot as the filters derive."""
    facts = slot_registry.slot_facts("shard2", 7)
    assert (facts["account"], facts["relay_id"]) == (slot_account(7), slot_relay_id(7, "shard2"))


@pytest.mark.parametrize("bad, message", [
    ("x", "bridge slot 'x' is not a number"),
    (0, "bridge slot 0 must be 1 or more"),
    (None, "bridge slot None is not a number"),
])
def test_bad_slots_are_named(bad, message):
    for call in (slot_account, slot_secret_name, lambda v: slot_relay_id(v, "shard1")):
        with pytest.raises(AnsibleFilterError, match=message):
            call(bad)


def test_accounts_of_a_shard_skip_released_slots():
    secrets = dict(("jvb_slot_%02d_password" % s, "pw%d" % s) for s in range(1, 5))
    assert slot_accounts(secrets, 4, [2]) == [
        {"user": "jvb-01", "password": "pw1"}, {"user": "jvb-03", "password": "pw3"}, {"user": "jvb-04", "password": "pw4"}]
    assert slot_accounts(secrets, "2") == [{"user": "jvb-01", "password": "pw1"}, {"user": "jvb-02", "password": "pw2"}]


def test_accounts_need_a_secret_for_every_slot():
    with pytest.raises(AnsibleFilterError, match="no secret jvb_slot_03_password for bridge slot 3"):
        slot_accounts({"jvb_slot_01_password": "a", "jvb_slot_02_password": "b"}, 3)
    with pytest.raises(AnsibleFilterError, match="bridge slot 'many' is not a number"):
        slot_accounts({}, "many")
