import json
import multiprocessing
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.scalemeet.jitsi.plugins.module_utils import slot_registry as sr


def test_claim_returns_derived_names(tmp_path):
    out = sr.ensure(str(tmp_path), "shard1", "jvb-a1", 20)
    assert out["changed"] is True
    assert out["slot"] == {"slot": 1, "account": "jvb-01", "nickname": "jvb-01", "relay_id": "shard1-jvb-01"}
    assert out["free"] == 19
    assert os.stat(out["path"]).st_mode & 0o777 == 0o600


def test_same_bridge_same_slot(tmp_path):
    d = str(tmp_path)
    sr.ensure(d, "s", "a", 5)
    b = sr.ensure(d, "s", "b", 5)["slot"]["slot"]
    again = sr.ensure(d, "s", "b", 5)
    assert again["changed"] is False and again["slot"]["slot"] == b == 2


def test_release_then_reuse_lowest_free(tmp_path):
    d = str(tmp_path)
    for name in "abc":
        sr.ensure(d, "s", name, 5)
    out = sr.ensure(d, "s", "b", 5, state="absent")
    assert out["changed"] is True and out["released"] == 2 and out["slot"] is None
    assert sr.ensure(d, "s", "b", 5, state="absent")["changed"] is False
    assert sr.ensure(d, "s", "d", 5)["slot"]["slot"] == 2


def test_full_shard_names_shard_max_and_bridge(tmp_path):
    d = str(tmp_path)
    sr.ensure(d, "shard7", "a", 2)
    sr.ensure(d, "shard7", "b", 2)
    with pytest.raises(sr.SlotsExhausted) as err:
        sr.ensure(d, "shard7", "latecomer", 2)
    msg = str(err.value)
    assert "shard7" in msg and "2 slots" in msg and "latecomer" in msg


def test_lowering_max_below_a_held_slot_fails(tmp_path):
    d = str(tmp_path)
    for name in "abc":
        sr.ensure(d, "s", name, 5)
    with pytest.raises(sr.SlotSpecError) as err:
        sr.ensure(d, "s", "c", 2)
    assert "bridge c holds slot 3" in str(err.value)


def test_account_names_past_99():
    assert sr.account_name(7) == "jvb-07" and sr.account_name(100) == "jvb-100"


def test_check_mode_writes_nothing(tmp_path):
    d = str(tmp_path / "slots")
    out = sr.ensure(d, "s", "a", 3, check_mode=True)
    assert out["changed"] is True and out["slot"]["slot"] == 1
    assert not os.path.exists(d)


@pytest.mark.parametrize(
    "shard, bridge, max_bridges, fragment",
    [
        ("Shard_1", "a", 3, "shard 'Shard_1'"),
        ("s", "", 3, "bridge name ''"),
        ("s", "a", 0, "shard s: max_bridges 0"),
        ("s", "a", 1000, "shard s: max_bridges 1000"),
        ("s", "a", "3", "shard s: max_bridges '3'"),
    ],
)
def test_bad_arguments_name_the_offender(tmp_path, shard, bridge, max_bridges, fragment):
    with pytest.raises(sr.SlotSpecError) as err:
        sr.ensure(str(tmp_path), shard, bridge, max_bridges)
    assert fragment in str(err.value)


@pytest.mark.parametrize(
    "doc, fragment",
    [
        ({"format": 1, "shard": "t", "slots": {}}, "holds shard 't'"),
        ({"format": 1, "shard": "s", "slots": {"x": {"bridge": "a"}}}, "slot key 'x'"),
        ({"format": 1, "shard": "s", "slots": {"1": {}}}, "slot 1 has no bridge"),
        ({"format": 1, "shard": "s", "slots": {"1": {"bridge": "a"}, "2": {"bridge": "a"}}}, "bridge a holds slots"),
    ],
)
def test_corrupt_registry_fails_naming_file(tmp_path, doc, fragment):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(sr.SlotRegistryCorrupt) as err:
        sr.ensure(str(tmp_path), "s", "new", 5)
    assert str(path) in str(err.value) and fragment in str(err.value)
    assert json.loads(path.read_text()) == doc


def _claim(args):
    d, name = args
    return name, sr.ensure(d, "shard1", name, 20)["slot"]["slot"]


def test_twenty_concurrent_bridges_get_distinct_slots(tmp_path):
    d = str(tmp_path)
    names = ["jvb-%d" % i for i in range(20)]
    with multiprocessing.get_context("fork").Pool(20) as pool:
        results = dict(pool.map(_claim, [(d, n) for n in names]))
    assert sorted(results.values()) == list(range(1, 21))
    with pytest.raises(sr.SlotsExhausted):
        sr.ensure(d, "shard1", "jvb-21", 20)


@settings(max_examples=100, deadline=None)
@given(max_bridges=st.integers(1, 12),
       ops=st.lists(st.tuples(st.sampled_from("abcdefghijklmnop"), st.sampled_from(["present", "absent"])), max_size=40))
def test_slots_never_exceed_max_or_collide(max_bridges, ops):
    slots = {}
    for bridge, state in ops:
        try:
            slots, _slot, _changed = sr.decide(slots, "s", bridge, max_bridges, state)
        except sr.SlotsExhausted:
            assert len(slots) == max_bridges and bridge not in [e["bridge"] for e in slots.values()]
        assert all(1 <= n <= max_bridges for n in slots)
        owners = [e["bridge"] for e in slots.values()]
        assert len(owners) == len(set(owners))
    # a bridge's slot is stable while it holds one
    for n, entry in slots.items():
        assert sr.decide(slots, "s", entry["bridge"], max_bridges, "present")[1] == n
