# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate a deployment's region topology and normalize it for the roles.

Runs on the controller and touches no host. Every problem is collected and
reported at once, each naming the host or entity, the key and the value.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools
import re

try:
    import netaddr
except ImportError:  # pragma: no cover - reported by the action plugin
    netaddr = None

from ansible_collections.scalemeet.jitsi.plugins.module_utils.problems import ProblemsError

# One DNS label: shard names go into relay ids, file names and host names.
SHARD_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# Regions travel in jvb.conf (HOCON), jicofo.conf and XMPP presence.
REGION_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_-]{0,62})$")
# Relay ids become part of relay endpoint ids and URLs.
RELAY_ID_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]{0,63})$")
# "auto": WireGuard when bridges span regions, none otherwise.
OVERLAYS = ("auto", "none", "wireguard", "nebula")
MAX_SLOTS = 999


class TopologyError(ProblemsError):
    """All problems found, one line each."""

    what = "topology"


def _nickname(slot):
    return "jvb-%02d" % slot


def _derived_relay_id(shard, slot):
    return "%s-%s" % (shard, _nickname(slot))


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _has(mapping, key):
    """Membership that tolerates unhashable input (a list where a name belongs)."""
    try:
        return key in mapping
    except TypeError:
        return False


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


class _Checker(object):
    def __init__(self, data):
        self.problems = []
        self.data = data if isinstance(data, dict) else {}

    def add(self, message):
        self.problems.append(message)

    def section(self, name):
        value = self.data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add("%s: must be a mapping of name to settings, got %s" % (name, type(value).__name__))
            return {}
        for key, entry in value.items():
            if entry is not None and not isinstance(entry, dict):
                self.add("%s %s: settings must be a mapping, got %r" % (name.rstrip("s"), key, entry))
        return dict((k, v if isinstance(v, dict) else {}) for k, v in value.items())

    def network(self, where, key, text):
        try:
            return netaddr.IPNetwork(str(text))
        except (netaddr.AddrFormatError, ValueError, TypeError):
            self.add("%s: %s %r is not an IPv4 or IPv6 network" % (where, key, text))
            return None


def validate(data):
    """Return the normalized model or raise TopologyError listing every problem."""
    if netaddr is None:
        raise TopologyError(["the netaddr Python library is required on the controller (pip install netaddr)"])
    c = _Checker(data)
    if not isinstance(data, dict):
        c.add("topology: must be a mapping, got %s" % type(data).__name__)
        raise TopologyError(c.problems)

    regions = c.section("regions")
    shards = c.section("shards")
    bridges = c.section("bridges")
    overlay = data.get("overlay", "auto")
    if overlay not in OVERLAYS:
        c.add("overlay: %r is not one of %s" % (overlay, ", ".join(OVERLAYS)))

    # --- regions and their overlay subnets
    region_subnets = {}
    for name in sorted(regions, key=str):
        if not isinstance(name, str) or not REGION_RE.match(name):
            c.add("region %r: name must be letters, digits, '-' or '_' (at most 63), as Jitsi's region settings accept" % (name,))
        nets = []
        for text in _as_list(regions[name].get("overlay_subnet")) + _as_list(regions[name].get("overlay_subnets")):
            net = c.network("region %s" % name, "overlay_subnet", text)
            if net is not None:
                if net.ip != net.network:
                    c.add("region %s: overlay_subnet %s has host bits set (did you mean %s?)" % (name, text, net.cidr))
                nets.append(net)
        region_subnets[name] = nets

    underlay = []
    raw_underlay = data.get("underlay_networks") or []
    if not isinstance(raw_underlay, (list, tuple)):
        c.add("underlay_networks: must be a list of networks, got %r" % (raw_underlay,))
        raw_underlay = []
    for text in raw_underlay:
        net = c.network("underlay_networks", "network", text)
        if net is not None:
            underlay.append(net)

    # overlapping subnets: between regions, and with any underlay network
    labelled = [("region %s" % r, n) for r in sorted(region_subnets) for n in region_subnets[r]]
    for (la, na), (lb, nb) in itertools.combinations(labelled, 2):
        if na.version == nb.version and (na.first <= nb.last and nb.first <= na.last):
            c.add("%s: overlay_subnet %s overlaps %s overlay_subnet %s" % (la, na, lb, nb))
    for label, net in labelled:
        for u in underlay:
            if net.version == u.version and (net.first <= u.last and u.first <= net.last):
                c.add("%s: overlay_subnet %s overlaps underlay network %s" % (label, net, u))

    # --- region groups
    groups_raw = data.get("region_groups") or {}
    if isinstance(groups_raw, (list, tuple)):
        groups_raw = dict(("group%d" % (i + 1), g) for i, g in enumerate(groups_raw))
    if not isinstance(groups_raw, dict):
        c.add("region_groups: must be a mapping of group name to region list, got %r" % (groups_raw,))
        groups_raw = {}
    group_of = {}
    region_groups = {}
    for gname in sorted(groups_raw, key=str):
        members = _as_list(groups_raw[gname])
        for member in members:
            if not _has(regions, member):
                c.add("region group %s: region %r is not a known region" % (gname, member))
            elif _has(group_of, member) and group_of[member] != gname:
                c.add("region group %s: region %s is already in region group %s" % (gname, member, group_of[member]))
            else:
                group_of[member] = gname
        region_groups[gname] = sorted(set(m for m in members if isinstance(m, str)))

    # --- shards
    for name in sorted(shards, key=str):
        s = shards[name]
        if not isinstance(name, str) or not SHARD_RE.match(name):
            c.add("shard %r: name must be one DNS label (a-z, 0-9, '-'), it is used in relay ids and host names" % (name,))
        if s.get("region") is not None and not _has(regions, s.get("region")):
            c.add("shard %s: region %r is not a known region" % (name, s.get("region")))
        mx = s.get("max_bridges")
        if not _is_int(mx) or not 1 <= mx <= MAX_SLOTS:
            c.add("shard %s: max_bridges %r must be an integer from 1 to %d" % (name, mx, MAX_SLOTS))

    # --- bridges
    per_shard = dict((s, []) for s in shards)
    relay_owner = {}
    nick_owner = {}
    addr_owner = {}
    normalized_bridges = {}
    for name in sorted(bridges, key=str):
        b = bridges[name]
        where = "bridge %s" % name
        bridge_shards = _as_list(b.get("shards")) + _as_list(b.get("shard"))
        if not bridge_shards:
            c.add("%s: shard is missing" % where)
        for s in bridge_shards:
            if not _has(shards, s):
                c.add("%s: shard %r is not a known shard" % (where, s))
            else:
                per_shard[s].append(name)
        region = b.get("region")
        if region is None and bridge_shards and _has(shards, bridge_shards[0]):
            region = shards[bridge_shards[0]].get("region")
        if region is None:
            c.add("%s: region is missing (set it on the bridge or on its shard)" % where)
        elif not _has(regions, region):
            c.add("%s: region %r is not a known region" % (where, region))

        slot = b.get("slot")
        if slot is not None:
            home = bridge_shards[0] if bridge_shards else None
            mx = shards[home].get("max_bridges") if _has(shards, home) else None
            if not _is_int(slot) or slot < 1:
                c.add("%s: slot %r must be a positive integer" % (where, slot))
                slot = None
            elif _is_int(mx) and slot > mx:
                c.add("%s: slot %d is above shard %s max_bridges %d" % (where, slot, home, mx))
            if slot is not None and _has(shards, home):
                key = (home, slot)
                if key in nick_owner:
                    c.add("%s: nickname %s in shard %s is already used by bridge %s (slot %d)" % (where, _nickname(slot), home, nick_owner[key], slot))
                else:
                    nick_owner[key] = name

        rid = b.get("relay_id")
        if rid is not None:
            if not isinstance(rid, str) or not RELAY_ID_RE.match(rid):
                c.add("%s: relay_id %r must be letters, digits, '.', '-' or '_' (at most 64)" % (where, rid))
        elif slot is not None and bridge_shards and _has(shards, bridge_shards[0]):
            rid = _derived_relay_id(bridge_shards[0], slot)
        if isinstance(rid, str):
            if rid in relay_owner:
                c.add("%s: relay_id %s is already used by bridge %s" % (where, rid, relay_owner[rid]))
            else:
                relay_owner[rid] = name

        address = b.get("overlay_address")
        ip = None
        if address is not None:
            try:
                ip = netaddr.IPAddress(str(address).split("/", maxsplit=1)[0])
            except (netaddr.AddrFormatError, ValueError, TypeError):
                c.add("%s: overlay_address %r is not an IP address" % (where, address))
        if ip is not None:
            if str(ip) in addr_owner:
                c.add("%s: overlay_address %s is already used by bridge %s" % (where, ip, addr_owner[str(ip)]))
            else:
                addr_owner[str(ip)] = name
            known_region = _has(regions, region)
            nets = region_subnets.get(region, []) if known_region else []
            if known_region and not any(ip in n for n in nets):
                c.add("%s: overlay_address %s is outside region %s overlay_subnet %s"
                      % (where, ip, region, ", ".join(str(n) for n in nets) or "(none set)"))
            elif known_region and any(ip == n.network or (n.version == 4 and n.size > 2 and ip == n.broadcast) for n in nets):
                c.add("%s: overlay_address %s is the network or broadcast address of region %s" % (where, ip, region))
        normalized_bridges[name] = {
            "shards": sorted(set(s for s in bridge_shards if isinstance(s, str))),
            "region": region if _has(regions, region) else None,
            "slot": slot,
            "relay_id": rid if isinstance(rid, str) else None,
            "nickname": _nickname(slot) if slot is not None else None,
            "overlay_address": str(ip) if ip is not None else None,
        }

    for s in sorted(shards, key=str):
        mx = shards[s].get("max_bridges")
        if _is_int(mx) and len(per_shard[s]) > mx:
            c.add("shard %s: %d bridges (%s) exceed max_bridges %d"
                  % (s, len(per_shard[s]), ", ".join(sorted(per_shard[s])), mx))

    bridge_regions = sorted(set(b["region"] for b in normalized_bridges.values() if b["region"] is not None))
    multi_region = len(bridge_regions) > 1
    chosen_by = ""
    if overlay == "auto":
        overlay = "wireguard" if multi_region else "none"
        chosen_by = " (overlay auto chose wireguard: bridges are in %s)" % ", ".join(bridge_regions)
    if multi_region and overlay == "none":
        c.add("overlay: bridges are in %d regions (%s) but overlay is none; relays between regions need wireguard or nebula"
              % (len(bridge_regions), ", ".join(bridge_regions)))
    if multi_region and overlay in ("wireguard", "nebula"):
        for name in sorted(normalized_bridges):
            b = normalized_bridges[name]
            if b["overlay_address"] is None and b["region"] is not None:
                c.add("bridge %s: overlay_address is missing; relays over %s need one in region %s%s"
                      % (name, overlay, b["region"], chosen_by))

    lighthouses = _lighthouses(c, data.get("lighthouses"), overlay, normalized_bridges)
    overlay_network = _nebula_network(c, region_subnets, underlay) if overlay == "nebula" else None

    if c.problems:
        raise TopologyError(c.problems)
    model = _model(regions, region_subnets, shards, per_shard, normalized_bridges, region_groups, overlay, bridge_regions)
    model["lighthouses"] = lighthouses
    model["overlay_network"] = overlay_network
    return model


def _lighthouses(c, raw, overlay, bridges):
    """Nebula's lighthouses: named bridges, or by default the first bridge of each region."""
    members = sorted(b for b in bridges if bridges[b]["overlay_address"] is not None)
    if raw in (None, "", []):
        if overlay != "nebula":
            return []
        firsts = {}
        for name in members:
            firsts.setdefault(bridges[name]["region"], name)
        return sorted(firsts.values())
    if overlay != "nebula":
        c.add("lighthouses: only Nebula has lighthouses, but overlay is %s" % (overlay,))
        return []
    chosen = []
    for name in _as_list(raw):
        if not _has(bridges, name):
            c.add("lighthouse %r: not a bridge of this inventory (lighthouses are bridges with an overlay address)" % (name,))
        elif bridges[name]["overlay_address"] is None:
            c.add("lighthouse %s: has no overlay_address" % name)
        elif name not in chosen:
            chosen.append(name)
    return sorted(chosen)


def _nebula_network(c, region_subnets, underlay):
    """Nebula routes one network on its interface: the smallest one holding every region's subnet."""
    nets = [n for r in sorted(region_subnets) for n in region_subnets[r]]
    if not nets:
        return None
    v6 = [str(n) for n in nets if n.version == 6]
    if v6:
        c.add("overlay: Nebula carries IPv4 overlay addresses only; remove %s" % ", ".join(v6))
        return None
    span = netaddr.spanning_cidr([n.network for n in nets] + [n.broadcast or n.network for n in nets])
    for u in underlay:
        if u.version == 4 and span.first <= u.last and u.first <= span.last:
            c.add("overlay: Nebula's network %s (spanning every region's overlay_subnet) overlaps underlay network %s;"
                  " choose region subnets inside one network that no host uses" % (span, u))
    return str(span)


def _model(regions, region_subnets, shards, per_shard, bridges, region_groups, overlay, bridge_regions):
    multi_region = len(bridge_regions) > 1
    out_regions = {}
    for r in sorted(regions):
        out_regions[r] = {
            "overlay_subnets": sorted((str(n.cidr) for n in region_subnets[r]), key=lambda t: (":" in t, t)),
            "bridges": sorted(b for b in bridges if bridges[b]["region"] == r),
            "shards": sorted(s for s in shards if shards[s].get("region") == r),
        }
    out_bridges = {}
    for name in sorted(bridges):
        b = dict(bridges[name])
        b["relay"] = {
            "enabled": multi_region,
            "region": b["region"],
            "relay_id": b["relay_id"],
            "address": b["overlay_address"] if overlay != "none" else None,
        }
        out_bridges[name] = b
    return {
        "overlay": overlay,
        "regions": out_regions,
        "shards": dict((s, {"region": shards[s].get("region"), "max_bridges": shards[s]["max_bridges"],
                            "bridges": sorted(per_shard[s])}) for s in sorted(shards)),
        "bridges": out_bridges,
        "relay_pairs": [list(p) for p in itertools.combinations(bridge_regions, 2)],
        "region_groups": [region_groups[g] for g in sorted(region_groups)],
        "multi_region": multi_region,
    }
