# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deployment as the inventory describes it, turned into octo_topology's input.

Cross-host values are read from inventory variables (hostvars), never from
another host's role defaults, which Ansible does not expose. The defaults used
for those reads live here, once, and a unit test keeps them equal to the roles'.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.scalemeet.jitsi.plugins.module_utils.problems import ProblemsError

# Region of every shard and bridge when the deployment names no regions.
DEFAULT_REGION = "default"

# Signaling-host variables other hosts need, with the prosody and web roles' defaults.
SIGNALING_DEFAULTS = {
    "web_https_port": 443,
    "prosody_max_bridges": 10,
    "prosody_c2s_port": 5222,
    "prosody_bridge_c2s_port": 0,
    "prosody_secrets_deployment": "scalemeet",
}


class InventoryError(ProblemsError):
    """The inventory cannot describe a deployment; every problem, one line each."""

    what = "inventory"


def short_name(host):
    return str(host).split(".", 1)[0]


def _shards_of(value):
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def build(signaling, bridges, regions=None, region_groups=None, overlay="auto", underlay_networks=None, lighthouses=None):
    """signaling, bridges: {host: {variable: value}} of inventory variables.

    Returns {"octo": octo_topology's arguments, "signal_hosts": {shard: settings},
    "shard_of": {signaling host: shard}}.
    """
    problems = []
    regions = dict(regions or {})
    implicit_region = not regions
    if implicit_region:
        regions = {DEFAULT_REGION: {}}

    shards, signal_hosts, shard_of = {}, {}, {}
    for host in sorted(signaling):
        hv = signaling[host] or {}
        shard = hv.get("topology_shard") or short_name(host)
        if isinstance(shard, (list, tuple)):
            problems.append("signaling host %s: topology_shard %r must be one shard name" % (host, shard))
            continue
        if shard in signal_hosts:
            problems.append("shard %s: signaling hosts %s and %s both claim it (set topology_shard on one of them)"
                            % (shard, signal_hosts[shard]["host"], host))
            continue
        region = hv.get("topology_region") or (DEFAULT_REGION if implicit_region else None)
        settings = dict((k, hv.get(k, v)) for k, v in SIGNALING_DEFAULTS.items())
        domain = hv.get("prosody_domain") or ""
        shards[shard] = {"region": region, "max_bridges": settings["prosody_max_bridges"]}
        shard_of[host] = shard
        signal_hosts[shard] = {
            "host": host,
            "region": region,
            "domain": domain,
            "address": hv.get("topology_address") or hv.get("ansible_host") or host,
            "https_port": settings["web_https_port"],
            "xmpp_port": settings["prosody_c2s_port"],
            "bridge_xmpp_port": settings["prosody_bridge_c2s_port"],
            "max_bridges": settings["prosody_max_bridges"],
            "secrets_host": hv.get("prosody_secrets_host") or host,
            "secrets_deployment": settings["prosody_secrets_deployment"],
        }
        # The shard's store in the secrets role's terms (secrets_stores), for roles that ask several.
        signal_hosts[shard]["secrets_store"] = {"deployment": signal_hosts[shard]["secrets_deployment"],
                                                "host": signal_hosts[shard]["secrets_host"],
                                                "bridge_slots": signal_hosts[shard]["max_bridges"]}

    out_bridges = {}
    for host in sorted(bridges):
        hv = bridges[host] or {}
        entry = {"shards": _shards_of(hv.get("topology_shard"))}
        region = hv.get("topology_region")
        if region:
            entry["region"] = region
        for key in ("overlay_address", "relay_id"):
            if hv.get("topology_" + key) not in (None, ""):
                entry[key] = hv["topology_" + key]
        out_bridges[host] = entry

    if problems:
        raise InventoryError(problems)
    return {
        "octo": {
            "regions": regions,
            "shards": shards,
            "bridges": out_bridges,
            "region_groups": dict(region_groups or {}),
            "overlay": overlay or "auto",
            "underlay_networks": list(underlay_networks or []),
            "lighthouses": list(lighthouses or []),
        },
        "signal_hosts": signal_hosts,
        "shard_of": shard_of,
    }
