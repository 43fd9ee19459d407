import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.scalemeet.jitsi.plugins.module_utils import topology as t


def base():
    return {
        "overlay": "wireguard",
        "regions": {"eu": {"overlay_subnet": "10.60.1.0/24"}, "us": {"overlay_subnet": ["10.60.2.0/24", "fd00:60:2::/64"]}},
        "shards": {"shard1": {"region": "eu", "max_bridges": 3}, "shard2": {"region": "us", "max_bridges": 2}},
        "bridges": {
            "jvb-eu-1": {"shard": "shard1", "overlay_address": "10.60.1.11", "slot": 1},
            "jvb-eu-2": {"shard": "shard1", "overlay_address": "10.60.1.12"},
            "jvb-us-1": {"shard": "shard2", "overlay_address": "fd00:60:2::11"},
        },
        "region_groups": {"atlantic": ["us", "eu"]},
        "underlay_networks": ["192.168.0.0/16", "fd00:1::/64"],
    }


def test_valid_topology_model():
    m = t.validate(base())
    assert m["multi_region"] is True
    assert m["relay_pairs"] == [["eu", "us"]]
    assert m["region_groups"] == [["eu", "us"]]
    assert m["regions"]["eu"]["bridges"] == ["jvb-eu-1", "jvb-eu-2"]
    assert m["regions"]["us"]["overlay_subnets"] == ["10.60.2.0/24", "fd00:60:2::/64"]
    assert m["shards"]["shard1"] == {"region": "eu", "max_bridges": 3, "bridges": ["jvb-eu-1", "jvb-eu-2"]}
    b = m["bridges"]["jvb-eu-1"]
    assert b["relay_id"] == "shard1-jvb-01" and b["nickname"] == "jvb-01"
    assert b["relay"] == {"enabled": True, "region": "eu", "relay_id": "shard1-jvb-01", "address": "10.60.1.11"}
    # region inherited from the shard; relay id assigned later by bridge_slot
    assert m["bridges"]["jvb-us-1"]["region"] == "us" and m["bridges"]["jvb-us-1"]["relay_id"] is None


def test_single_region_needs_no_overlay():
    data = {"regions": {"eu": {}}, "shards": {"s1": {"region": "eu", "max_bridges": 2}},
            "bridges": {"b1": {"shard": "s1"}, "b2": {"shard": "s1"}}}
    m = t.validate(data)
    assert m["multi_region"] is False and m["relay_pairs"] == []
    assert m["bridges"]["b1"]["relay"]["enabled"] is False


def test_auto_overlay_is_wireguard_across_regions_and_none_within_one():
    data = base()
    del data["overlay"]  # auto is the default
    m = t.validate(data)
    assert m["overlay"] == "wireguard"
    assert m["bridges"]["jvb-us-1"]["relay"]["address"] == "fd00:60:2::11"
    assert t.validate(dict(data, overlay="auto")) == m

    data["shards"]["shard2"]["region"] = "eu"
    data["bridges"]["jvb-us-1"]["overlay_address"] = "10.60.1.13"
    one = t.validate(data)
    assert one["multi_region"] is False and one["overlay"] == "none"
    assert one["bridges"]["jvb-us-1"]["relay"]["address"] is None
    assert one["lighthouses"] == [] and one["overlay_network"] is None


def test_bridge_serving_several_shards():
    data = base()
    data["bridges"]["jvb-eu-2"] = {"shards": ["shard1", "shard2"], "region": "eu", "overlay_address": "10.60.1.12"}
    m = t.validate(data)
    assert m["bridges"]["jvb-eu-2"]["shards"] == ["shard1", "shard2"]
    assert "jvb-eu-2" in m["shards"]["shard2"]["bridges"]


def _mutate(path_value_pairs):
    data = base()
    for path, value in path_value_pairs:
        node = data
        for key in path[:-1]:
            node = node[key]
        if value is KeyError:
            del node[path[-1]]
        else:
            node[path[-1]] = value
    return data


BAD = [
    ([(("bridges", "jvb-eu-1", "region"), "mars")], "bridge jvb-eu-1: region 'mars' is not a known region"),
    ([(("shards", "shard1", "region"), "mars")], "shard shard1: region 'mars' is not a known region"),
    ([(("bridges", "jvb-eu-1", "shard"), "shard9")], "bridge jvb-eu-1: shard 'shard9' is not a known shard"),
    ([(("bridges", "jvb-eu-2", "relay_id"), "shard1-jvb-01")],
     "bridge jvb-eu-2: relay_id shard1-jvb-01 is already used by bridge jvb-eu-1"),
    ([(("bridges", "jvb-eu-2", "slot"), 1)], "bridge jvb-eu-2: nickname jvb-01 in shard shard1 is already used by bridge jvb-eu-1"),
    ([(("regions", "us", "overlay_subnet"), "10.60.0.0/16")], "region eu: overlay_subnet 10.60.1.0/24 overlaps region us overlay_subnet 10.60.0.0/16"),
    ([(("underlay_networks",), ["10.60.1.128/25"])], "region eu: overlay_subnet 10.60.1.0/24 overlaps underlay network 10.60.1.128/25"),
    ([(("underlay_networks",), ["fd00:60::/32"])], "region us: overlay_subnet fd00:60:2::/64 overlaps underlay network fd00:60::/32"),
    ([(("bridges", "jvb-eu-2", "overlay_address"), "10.60.2.12")],
     "bridge jvb-eu-2: overlay_address 10.60.2.12 is outside region eu overlay_subnet 10.60.1.0/24"),
    ([(("bridges", "jvb-eu-2", "overlay_address"), "10.60.1.11")], "bridge jvb-eu-2: overlay_address 10.60.1.11 is already used by bridge jvb-eu-1"),
    ([(("bridges", "jvb-eu-2", "overlay_address"), "10.60.1.0")], "bridge jvb-eu-2: overlay_address 10.60.1.0 is the network or broadcast address"),
    ([(("bridges", "jvb-eu-2", "overlay_address"), "not-an-ip")], "bridge jvb-eu-2: overlay_address 'not-an-ip' is not an IP address"),
    ([(("region_groups",), {"g1": ["eu", "atlantis"]})], "region group g1: region 'atlantis' is not a known region"),
    ([(("region_groups",), {"g1": ["eu"], "g2": ["eu", "us"]})], "region group g2: region eu is already in region group g1"),
    ([(("shards", "shard2", "max_bridges"), 0)], "shard shard2: max_bridges 0 must be an integer"),
    ([(("shards", "shard1", "max_bridges"), 1)], "shard shard1: 2 bridges (jvb-eu-1, jvb-eu-2) exceed max_bridges 1"),
    ([(("bridges", "jvb-eu-2", "slot"), 7)], "bridge jvb-eu-2: slot 7 is above shard shard1 max_bridges 3"),
    ([(("shards", "Shard_3"), {"region": "eu", "max_bridges": 1})], "shard 'Shard_3': name must be one DNS label"),
    ([(("regions", "north pole"), {})], "region 'north pole': name must be letters"),
    ([(("bridges", "jvb-eu-2", "relay_id"), "has space")], "bridge jvb-eu-2: relay_id 'has space' must be"),
    ([(("overlay",), "none")], "overlay: bridges are in 2 regions (eu, us) but overlay is none"),
    ([(("bridges", "jvb-us-1", "overlay_address"), KeyError)], "bridge jvb-us-1: overlay_address is missing; relays over wireguard need one in region us"),
    ([(("overlay",), "auto"), (("bridges", "jvb-us-1", "overlay_address"), KeyError)],
     "bridge jvb-us-1: overlay_address is missing; relays over wireguard need one in region us "
     "(overlay auto chose wireguard: bridges are in eu, us)"),
    ([(("regions", "eu", "overlay_subnet"), "10.60.1.1/24")], "region eu: overlay_subnet 10.60.1.1/24 has host bits set"),
    ([(("regions", "eu", "overlay_subnet"), "10.600.1.0/24")], "region eu: overlay_subnet '10.600.1.0/24' is not an IPv4 or IPv6 network"),
    ([(("bridges", "jvb-eu-1", "shard"), KeyError)], "bridge jvb-eu-1: shard is missing"),
    ([(("overlay",), "ipsec")], "overlay: 'ipsec' is not one of auto, none, wireguard, nebula"),
]


@pytest.mark.parametrize("mutations, fragment", BAD, ids=[b[1][:50] for b in BAD])
def test_bad_input_names_the_offender(mutations, fragment):
    with pytest.raises(t.TopologyError) as err:
        t.validate(_mutate(mutations))
    assert any(fragment in p for p in err.value.problems), err.value.problems


def test_all_problems_reported_at_once():
    data = _mutate([m for muts, _fragment in BAD[:6] for m in muts])
    with pytest.raises(t.TopologyError) as err:
        t.validate(data)
    assert len(err.value.problems) >= 5
    assert str(err.value).startswith("%d topology problem(s)" % len(err.value.problems))


def test_garbage_shapes_do_not_crash():
    for data in [[], {"regions": []}, {"bridges": {"b": {"region": ["eu"], "shard": {"x": 1}}}},
                 {"shards": {"s": "eu"}}, {"underlay_networks": "10.0.0.0/8"}, {"region_groups": {"g": [["eu"]]}}]:
        with pytest.raises(t.TopologyError):
            t.validate(data)


# ---- properties


@st.composite
def topologies(draw):
    nreg = draw(st.integers(1, 5))
    regions = {"r%d" % i: {"overlay_subnet": "10.%d.0.0/16" % (i + 1)} for i in range(nreg)}
    nshard = draw(st.integers(1, 6))
    shards = {"s%d" % i: {"region": "r%d" % draw(st.integers(0, nreg - 1)), "max_bridges": draw(st.integers(1, 8))}
              for i in range(nshard)}
    bridges = {}
    counter = 0
    for s, spec in shards.items():
        for j in range(draw(st.integers(0, spec["max_bridges"]))):
            counter += 1
            region_index = draw(st.integers(0, nreg - 1))
            bridges["b%d" % counter] = {
                "shard": s, "region": "r%d" % region_index,
                "overlay_address": "10.%d.%d.%d" % (region_index + 1, counter // 250, counter % 250 + 1),
                "slot": j + 1,
            }
    return {"overlay": "wireguard", "regions": regions, "shards": shards, "bridges": bridges,
            "underlay_networks": ["192.168.0.0/16"]}


def _shuffled(data, rnd):
    def shuffle_map(m):
        items = list(m.items())
        rnd.shuffle(items)
        return dict(items)
    out = copy.deepcopy(data)
    for key in ("regions", "shards", "bridges"):
        out[key] = shuffle_map(out[key])
    return out


@settings(max_examples=60, deadline=None)
@given(topologies())
def test_valid_random_topology_passes(data):
    model = t.validate(data)
    assert sorted(model["bridges"]) == sorted(data["bridges"])


@settings(max_examples=60, deadline=None)
@given(topologies(), st.randoms(use_true_random=False))
def test_validation_is_order_independent(data, rnd):
    assert json.dumps(t.validate(data), sort_keys=False) == json.dumps(t.validate(_shuffled(data, rnd)), sort_keys=False)


@settings(max_examples=60, deadline=None)
@given(topologies(), st.randoms(use_true_random=False))
def test_problems_are_order_independent(data, rnd):
    if not data["bridges"]:
        return
    victim = sorted(data["bridges"])[0]
    data["bridges"][victim]["region"] = "nowhere"
    data["bridges"][victim]["slot"] = 999
    with pytest.raises(t.TopologyError) as a:
        t.validate(data)
    with pytest.raises(t.TopologyError) as b:
        t.validate(_shuffled(data, rnd))
    assert a.value.problems == b.value.problems


def nebula_base():
    data = base()
    data["overlay"] = "nebula"
    data["regions"]["us"]["overlay_subnet"] = "10.60.2.0/24"
    data["bridges"]["jvb-us-1"]["overlay_address"] = "10.60.2.11"
    return data


def test_nebula_lighthouses_default_to_first_bridge_of_each_region():
    m = t.validate(nebula_base())
    assert m["lighthouses"] == ["jvb-eu-1", "jvb-us-1"]
    # the network on Nebula's interface spans both region subnets, nothing wider
    assert m["overlay_network"] == "10.60.0.0/22"


def test_nebula_lighthouses_named():
    data = nebula_base()
    data["lighthouses"] = ["jvb-eu-2", "jvb-eu-2"]
    assert t.validate(data)["lighthouses"] == ["jvb-eu-2"]


def test_wireguard_has_no_lighthouses_or_nebula_network():
    m = t.validate(base())
    assert m["lighthouses"] == [] and m["overlay_network"] is None


NEBULA_BAD = [
    ({"lighthouses": ["jvb-mars-1"]}, "lighthouse 'jvb-mars-1': not a bridge of this inventory"),
    ({"underlay_networks": ["10.60.3.0/24"]},
     "overlay: Nebula's network 10.60.0.0/22 (spanning every region's overlay_subnet) overlaps underlay network 10.60.3.0/24"),
    ({"regions": {"eu": {"overlay_subnet": "10.60.1.0/24"}, "us": {"overlay_subnet": ["10.60.2.0/24", "fd00:60:2::/64"]}}},
     "overlay: Nebula carries IPv4 overlay addresses only; remove fd00:60:2::/64"),
]


@pytest.mark.parametrize("update, fragment", NEBULA_BAD, ids=[b[1][:40] for b in NEBULA_BAD])
def test_nebula_bad_input_names_the_offender(update, fragment):
    data = nebula_base()
    data.update(update)
    with pytest.raises(t.TopologyError) as err:
        t.validate(data)
    assert any(fragment in p for p in err.value.problems), err.value.problems


def test_lighthouses_without_nebula_is_an_error():
    data = base()
    data["lighthouses"] = ["jvb-eu-1"]
    with pytest.raises(t.TopologyError) as err:
        t.validate(data)
    assert "lighthouses: only Nebula has lighthouses, but overlay is wireguard" in err.value.problems


def test_lighthouse_without_overlay_address():
    data = nebula_base()
    data["bridges"]["jvb-eu-3"] = {"shard": "shard1"}
    data["lighthouses"] = ["jvb-eu-3"]
    with pytest.raises(t.TopologyError) as err:
        t.validate(data)
    assert "lighthouse jvb-eu-3: has no overlay_address" in err.value.problems
