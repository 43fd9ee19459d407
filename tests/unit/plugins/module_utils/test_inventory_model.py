"""The inventory reader: shard names, regions and cross-host defaults."""

import pathlib

import pytest
import yaml

from ansible_collections.scalemeet.jitsi.plugins.module_utils import inventory_model as im
from ansible_collections.scalemeet.jitsi.plugins.module_utils.topology import TopologyError, validate

ROOT = pathlib.Path(__file__).resolve().parents[4]


def test_signaling_defaults_match_the_roles():
    """Other hosts cannot see the prosody and web roles' defaults; the reader's copy must equal them."""
    defaults = {}
    for role in ("prosody", "web"):
        defaults.update(yaml.safe_load((ROOT / "roles" / role / "defaults/main.yml").read_text()))
    assert dict((k, defaults[k]) for k in im.SIGNALING_DEFAULTS) == im.SIGNALING_DEFAULTS


def test_one_shard_without_regions_gets_the_default_region():
    out = im.build({"signal1.example.net": {"prosody_domain": "meet.example.net"}},
                   {"jvb1": {"topology_shard": "signal1"}, "jvb2": {"topology_shard": "signal1"}})
    assert out["octo"]["regions"] == {"default": {}}
    assert out["octo"]["shards"] == {"signal1": {"region": "default", "max_bridges": 10}}
    assert out["shard_of"] == {"signal1.example.net": "signal1"}
    sig = out["signal_hosts"]["signal1"]
    assert sig == {"host": "signal1.example.net", "region": "default", "domain": "meet.example.net",
                   "address": "signal1.example.net", "https_port": 443, "xmpp_port": 5222, "bridge_xmpp_port": 0,
                   "max_bridges": 10, "secrets_host": "signal1.example.net", "secrets_deployment": "scalemeet",
                   "secrets_store": {"deployment": "scalemeet", "host": "signal1.example.net", "bridge_slots": 10}}
    model = validate(out["octo"])
    assert model["shards"]["signal1"]["bridges"] == ["jvb1", "jvb2"]
    assert model["bridges"]["jvb1"]["region"] == "default"
    assert not model["multi_region"]


def test_explicit_names_addresses_and_settings_win():
    out = im.build({"s": {"topology_shard": "eu1", "topology_region": "eu", "ansible_host": "10.0.0.5",
                          "prosody_max_bridges": 30, "prosody_c2s_port": 5223, "prosody_bridge_c2s_port": 6222,
                          "prosody_secrets_host": "vault1", "prosody_secrets_deployment": "prod"}},
                   {"b": {"topology_shard": ["eu1"], "topology_region": "eu", "topology_overlay_address": "10.60.1.2",
                          "topology_relay_id": "eu-relay-1"}},
                   regions={"eu": {"overlay_subnet": "10.60.1.0/24"}}, overlay="wireguard")
    sig = out["signal_hosts"]["eu1"]
    assert (sig["address"], sig["xmpp_port"], sig["bridge_xmpp_port"], sig["max_bridges"]) == ("10.0.0.5", 5223, 6222, 30)
    assert (sig["secrets_host"], sig["secrets_deployment"]) == ("vault1", "prod")
    assert sig["secrets_store"] == {"deployment": "prod", "host": "vault1", "bridge_slots": 30}
    assert out["octo"]["bridges"]["b"] == {"shards": ["eu1"], "region": "eu", "overlay_address": "10.60.1.2",
                                           "relay_id": "eu-relay-1"}
    assert validate(out["octo"])["bridges"]["b"]["relay_id"] == "eu-relay-1"


def test_regions_named_but_shard_without_one_leaves_bridges_without_region():
    out = im.build({"s1": {}}, {"b1": {"topology_shard": "s1"}}, regions={"eu": {}, "us": {}}, overlay="wireguard")
    assert out["octo"]["shards"]["s1"]["region"] is None
    with pytest.raises(TopologyError) as err:
        validate(out["octo"])
    assert "bridge b1: region is missing (set it on the bridge or on its shard)" in err.value.problems


def test_bridge_without_shard_is_reported_by_the_validator():
    out = im.build({"s1": {}}, {"b1": {}})
    with pytest.raises(TopologyError) as err:
        validate(out["octo"])
    assert "bridge b1: shard is missing" in err.value.problems


def test_two_signaling_hosts_claiming_one_shard_are_named():
    with pytest.raises(im.InventoryError) as err:
        im.build({"a.example": {"topology_shard": "s1"}, "b.example": {"topology_shard": "s1"}, "c": {"topology_shard": ["x"]}}, {})
    assert err.value.problems == [
        "shard s1: signaling hosts a.example and b.example both claim it (set topology_shard on one of them)",
        "signaling host c: topology_shard ['x'] must be one shard name",
    ]
