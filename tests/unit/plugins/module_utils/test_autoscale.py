"""Autoscaling signal: aggregation per region and shard, the decision, the Prometheus text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.scalemeet.jitsi.plugins.filter.autoscale_plan import autoscale_plan
from ansible_collections.scalemeet.jitsi.plugins.module_utils import autoscale as a


def bridge(region, shards, stress=None, conferences=0, participants=0, running=True, drain=False):
    stats = None if stress is None else {"stress_level": stress, "conferences": conferences,
                                         "participants": participants, "drain": drain}
    return {"region": region, "shards": shards, "running": running, "stats": stats}


def shards(**used):
    return dict((name, {"max_bridges": 4, "used_slots": n}) for name, n in used.items())


def test_aggregate_counts_states_and_sums_load_per_region_and_shard():
    agg = a.aggregate({
        "eu1": bridge("eu", ["s1", "s2"], 0.4, 3, 30),
        "eu2": bridge("eu", ["s1"], 0.2, 1, 5, drain=True),
        "eu3": bridge("eu", ["s1"], running=False),
        "us1": bridge("us", ["s2"]),  # runs, stats API silent
    }, shards(s1=2, s2=2))
    assert agg["regions"]["eu"]["bridges"] == {"active": 1, "draining": 1, "stopped": 1, "unreachable": 0}
    assert agg["regions"]["eu"]["stress_avg"] == 0.4 and agg["regions"]["eu"]["conferences"] == 4
    assert agg["regions"]["us"]["bridges"]["unreachable"] == 1 and agg["regions"]["us"]["stress_avg"] == 0.0
    assert agg["shards"]["s2"]["bridges"]["active"] == 1 and agg["shards"]["s2"]["conferences"] == 3
    assert agg["shards"]["s1"]["free_slots"] == 2


def test_hot_region_starts_stopped_bridges_with_free_slots_bounded_by_max_step():
    bridges = {"eu1": bridge("eu", ["s1"], 0.95), "eu2": bridge("eu", ["s1"], 0.9),
               "eu3": bridge("eu", ["s1"], running=False), "eu4": bridge("eu", ["s1"], running=False),
               "eu5": bridge("eu", ["s1"], running=False)}
    plan = a.decide(a.aggregate(bridges, shards(s1=2)))["eu"]
    # 1.85 stress at 0.5 a bridge wants 4; max_step 2 and free slots 2 allow both steps
    assert plan["desired"] == 4 and plan["add"] == ["eu3", "eu4"] and plan["remove"] == []
    tight = a.decide(a.aggregate(bridges, shards(s1=3)))["eu"]
    assert tight["add"] == ["eu3"] and "limited by 1 stopped bridge(s) with free slots" in tight["reason"]
    one = a.decide(a.aggregate(bridges, shards(s1=2)), {"max_step": 1})["eu"]
    assert one["add"] == ["eu3"] and "limited by max_step 1" in one["reason"]


def test_a_stopped_bridge_needs_a_free_slot_on_every_shard_it_serves():
    bridges = {"eu1": bridge("eu", ["s1", "s2"], 0.9), "eu2": bridge("eu", ["s1", "s2"], running=False),
               "eu3": bridge("eu", ["s1"], running=False)}
    plan = a.decide(a.aggregate(bridges, {"s1": {"max_bridges": 4, "used_slots": 1},
                                          "s2": {"max_bridges": 1, "used_slots": 1}}))["eu"]
    assert plan["add"] == ["eu3"]


def test_idle_region_drains_the_least_busy_and_keeps_min_bridges():
    bridges = {"eu1": bridge("eu", ["s1"], 0.05, 2, 9), "eu2": bridge("eu", ["s1"], 0.02, 1, 2),
               "eu3": bridge("eu", ["s1"], 0.01, 1, 1), "eu4": bridge("eu", ["s1"], 0.0, 0, 0)}
    plan = a.decide(a.aggregate(bridges, shards(s1=4)))["eu"]
    assert plan["desired"] == 1 and plan["remove"] == ["eu3", "eu4"]  # max_step 2, least busy first
    assert a.decide(a.aggregate(bridges, shards(s1=4)), {"min_bridges": 3})["eu"]["remove"] == ["eu4"]
    floor = a.decide(a.aggregate(bridges, shards(s1=4)), {"min_bridges": 4})["eu"]
    assert floor["remove"] == [] and "kept at min_bridges 4" in floor["reason"]


def test_within_the_band_nothing_moves_and_an_empty_region_gets_its_minimum():
    steady = a.decide(a.aggregate({"eu1": bridge("eu", ["s1"], 0.5), "eu2": bridge("eu", ["s1"], 0.5)}, shards(s1=2)))
    assert steady["eu"]["add"] == [] and steady["eu"]["remove"] == [] and "within" in steady["eu"]["reason"]
    empty = a.decide(a.aggregate({"us1": bridge("us", ["s1"], running=False)}, shards(s1=0)))
    assert empty["us"]["desired"] == 1 and empty["us"]["add"] == ["us1"]


@pytest.mark.parametrize("policy, fragment", [
    ({"scale_out_stress": 1.5}, "policy: scale_out_stress=1.5 must be a number in (0, 1]"),
    ({"max_step": 0}, "policy: max_step=0 must be an integer of at least 1"),
    ({"min_bridges": True}, "policy: min_bridges=True must be an integer"),
    ({"scale_in_stress": 0.6}, "needs scale_in_stress < target_stress < scale_out_stress, got 0.6 < 0.5 < 0.7"),
    ({"cooldown": 5}, "policy: unknown key cooldown"),
])
def test_bad_policy_is_named(policy, fragment):
    with pytest.raises(a.AutoscaleError) as err:
        a.check_policy(policy)
    assert any(fragment in p for p in err.value.problems), err.value.problems


def test_bad_bridges_and_shards_are_named_by_the_filter():
    with pytest.raises(Exception) as err:
        autoscale_plan({"jvb9": bridge("", ["s9"])}, {"s1": {"max_bridges": "4", "used_slots": 0}})
    text = str(err.value)
    assert "bridge jvb9: region is missing" in text and "bridge jvb9: shards s9 are not shards" in text
    assert "shard s1: max_bridges and used_slots must be integers" in text


def test_prometheus_text_is_well_formed_and_escapes_labels():
    out = autoscale_plan({'eu"1': bridge("eu", ["s1"], 0.25, 2, 7)}, shards(s1=1))
    lines = out["metrics"].splitlines()
    assert 'scalemeet_bridge_stress{bridge="eu\\"1",region="eu"} 0.25' in lines
    assert 'scalemeet_region_bridges{region="eu",state="active"} 1' in lines
    assert 'scalemeet_shard_free_slots{shard="s1"} 3' in lines
    assert 'scalemeet_autoscale_desired_bridges{region="eu"} 1' in lines
    for line in lines:  # every sample belongs to a declared gauge
        if not line.startswith("#"):
            name = line.split("{", 1)[0]
            assert "# TYPE %s gauge" % name in lines, line


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["eu", "us"]), st.floats(0, 1), st.booleans(), st.integers(0, 5)),
                min_size=1, max_size=12),
       st.integers(0, 6), st.integers(1, 3), st.integers(0, 3))
def test_plans_stay_within_their_bounds(rows, used, max_step, min_bridges):
    bridges = dict(("b%02d" % i, bridge(r, ["s1"], stress if running else None, conf, running=running))
                   for i, (r, stress, running, conf) in enumerate(rows))
    slots = {"s1": {"max_bridges": 8, "used_slots": min(used, 8)}}
    plan = a.decide(a.aggregate(bridges, slots), {"max_step": max_step, "min_bridges": min_bridges})
    free = 8 - min(used, 8)
    assert sum(len(p["add"]) for p in plan.values()) <= free
    for region, p in plan.items():
        assert len(p["add"]) <= max_step and len(p["remove"]) <= max_step and not (p["add"] and p["remove"])
        assert p["active"] - len(p["remove"]) >= min(min_bridges, p["active"])
        assert all(bridges[n]["region"] == region and not bridges[n]["running"] for n in p["add"])
        assert all(bridges[n]["running"] for n in p["remove"])
