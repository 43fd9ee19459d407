# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the deployment from the inventory into octo_topology's input."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: inventory_topology
short_description: The deployment described by the inventory, as octo_topology input
version_added: 0.1.0
description:
  - Reads each signaling host's shard (C(topology_shard), default the short host name), region
    (C(topology_region)), C(prosody_domain), C(prosody_max_bridges), C(prosody_c2s_port) and secrets
    settings, and each bridge's C(topology_shard) (one name or a list), C(topology_region),
    C(topology_overlay_address) and C(topology_relay_id), from inventory variables.
  - Returns C(octo) (the arguments of M(scalemeet.jitsi.octo_topology)), C(signal_hosts) (shard to its
    signaling host and what bridges need to reach it) and C(shard_of) (signaling host to shard).
  - When the deployment names no regions, every shard and bridge is in the region C(default).
author:
  - scalemeet.jitsi maintainers (@scalemeet)
positional: _input, groups
options:
  _input:
    description: C(hostvars).
    type: dict
    required: true
  groups:
    description: C(groups).
    type: dict
    required: true
  signaling_group:
    description: Group of the shards' signaling hosts.
    type: str
    default: signaling
  bridges_group:
    description: Group of the videobridges.
    type: str
    default: bridges
  regions:
    description: Region name to settings (C(overlay_subnet)).
    type: dict
    default: {}
  region_groups:
    description: Group name to regions jicofo treats as one.
    type: dict
    default: {}
  overlay:
    description: none, wireguard or nebula.
    type: str
    default: none
  underlay_networks:
    description: Networks the hosts already use.
    type: list
    elements: str
    default: []
  lighthouses:
    description: Nebula's lighthouses (bridge hosts); empty picks the first bridge of each region.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Validate the deployment the inventory describes
  scalemeet.jitsi.octo_topology: "{{ (hostvars | scalemeet.jitsi.inventory_topology(groups)).octo }}"
  run_once: true
"""

RETURN = r"""
_value:
  description: C(octo), C(signal_hosts) and C(shard_of).
  type: dict
"""

from ansible.errors import AnsibleFilterError

# The signaling keys also include inventory_model's SIGNALING_DEFAULTS.
SIGNALING_KEYS = ("topology_shard", "topology_region", "topology_address", "ansible_host", "prosody_domain",
                  "prosody_secrets_host")
BRIDGE_KEYS = ("topology_shard", "topology_region", "topology_overlay_address", "topology_relay_id")


def _read(hostvars, hosts, keys):
    out = {}
    for host in hosts:
        hv = hostvars[host]
        out[host] = dict((k, hv[k]) for k in keys if k in hv)
    return out


def inventory_topology(hostvars, groups, signaling_group="signaling", bridges_group="bridges",
                       regions=None, region_groups=None, overlay="none", underlay_networks=None, lighthouses=None):
    # Imported when called (plugin_utils/filter_errors.py says why).
    from ansible_collections.scalemeet.jitsi.plugins.module_utils.inventory_model import SIGNALING_DEFAULTS, InventoryError, build

    try:
        return build(_read(hostvars, groups.get(signaling_group, []), SIGNALING_KEYS + tuple(SIGNALING_DEFAULTS)),
                     _read(hostvars, groups.get(bridges_group, []), BRIDGE_KEYS),
                     regions=regions, region_groups=region_groups, overlay=overlay,
                     underlay_networks=underlay_networks, lighthouses=lighthouses)
    except InventoryError as exc:
        raise AnsibleFilterError(str(exc))


class FilterModule(object):
    def filters(self):
        return {"inventory_topology": inventory_topology}
