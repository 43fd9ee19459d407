#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: octo_topology
short_description: Validate a deployment's region topology before anything is deployed
version_added: 0.1.0
description:
  - Checks regions, shards, bridges, region groups, overlay subnets and underlay networks on the
    controller, without contacting any managed host, and returns one normalized model the roles
    consume.
  - Reports B(all) problems at once, each naming the host or entity, the key and the value -
    unknown regions or shards; duplicate relay ids or brewery nicknames; overlay subnets that overlap
    each other or an underlay network (IPv4 and IPv6); overlay addresses outside their region's
    subnet or used twice; region groups naming unknown regions or sharing a region; more bridges
    than a shard's maximum; names Jitsi or Prosody would reject; bridges in several regions without
    an overlay.
  - With Nebula, also checks the lighthouses are bridges with overlay addresses and that the network
    spanning every region's subnet is IPv4 and overlaps no underlay network.
  - The output is deterministic for the same input, whatever the order of the input.
  - This is an action plugin; it runs on the controller only.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
attributes:
  check_mode:
    support: full
    description: Reads only; behaves the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so there is nothing to diff.
options:
  regions:
    description:
      - Region name to settings. C(overlay_subnet) (one network or a list, IPv4 or IPv6) is where
        the region's overlay addresses come from.
    type: dict
    default: {}
  shards:
    description: Shard name (one DNS label) to C(region) and C(max_bridges) (1 to 999).
    type: dict
    default: {}
  bridges:
    description:
      - Bridge host to settings, C(shard) (or a list C(shards) when it serves several), C(region)
        (defaults to its first shard's region), C(overlay_address), and optionally a fixed C(slot) or
        C(relay_id). Without either, the relay id comes from the bridge's slot at deploy time.
    type: dict
    default: {}
  region_groups:
    description: Group name to a list of regions jicofo treats as one; a region is in one group at most.
    type: dict
    default: {}
  underlay_networks:
    description: Networks the hosts already use; no overlay subnet may overlap them.
    type: list
    elements: str
    default: []
  overlay:
    description:
      - The overlay carrying relays between regions. Bridges in several regions need one.
      - C(auto) is C(wireguard) when the bridges are in more than one region, C(none) otherwise.
    type: str
    choices: [auto, none, wireguard, nebula]
    default: auto
  lighthouses:
    description:
      - Nebula only. Bridges (with an overlay address) that act as Nebula lighthouses. Empty picks the
        first bridge of each region. A name that is not a bridge of the inventory is an error.
    type: list
    elements: str
    default: []
requirements:
  - netaddr (Python library on the controller)
"""

EXAMPLES = r"""
- name: Validate the topology; stop before any host changes if it is wrong
  scalemeet.jitsi.octo_topology:
    overlay: wireguard
    regions:
      eu: {overlay_subnet: 10.60.1.0/24}
      us: {overlay_subnet: [10.60.2.0/24, "fd00:60:2::/64"]}
    shards:
      shard1: {region: eu, max_bridges: 20}
    bridges: "{{ dict(groups['bridges'] | map('extract', hostvars, 'jvb_topology') | zip(groups['bridges']) | map('reverse')) }}"
    region_groups:
      europe: [eu]
    underlay_networks: [192.168.0.0/16]
  register: topology
  run_once: true
"""

RETURN = r"""
topology:
  description: The normalized model.
  returned: success
  type: dict
  contains:
    regions:
      description: Region to its overlay subnets, bridges and shards.
      type: dict
    shards:
      description: Shard to region, max_bridges and bridges.
      type: dict
    bridges:
      description: Bridge to shards, region, slot, relay_id, nickname, overlay_address and relay settings.
      type: dict
    relay_pairs:
      description: Region pairs whose bridges will relay to each other.
      type: list
      elements: list
    region_groups:
      description: Jicofo's region groups, each a sorted list of regions.
      type: list
      elements: list
    multi_region:
      description: Whether bridges are in more than one region.
      type: bool
    overlay:
      description: The overlay type, C(auto) resolved to C(wireguard) or C(none).
      type: str
    lighthouses:
      description: Nebula's lighthouses (bridge hosts), sorted; empty for other overlays.
      type: list
      elements: str
    overlay_network:
      description: >-
        Nebula only, else null. The network on Nebula's interface, the smallest one holding every
        region's overlay subnet; it must not overlap an underlay network.
      type: str
problems:
  description: Every problem found, one line each, when validation fails.
  returned: failure
  type: list
  elements: str
"""
