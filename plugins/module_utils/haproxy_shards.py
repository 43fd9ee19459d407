# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HAProxy's view of the shards: validated backends with pinned server ids.

A server's id decides both where it sits on the consistent-hash ring and what
the stick table stores, so it must not depend on the order of the inventory:
it is derived from the shard's name (or set explicitly), and a collision is an
error, never a silent renumbering.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re
import zlib

from ansible_collections.scalemeet.jitsi.plugins.module_utils.problems import ProblemsError

SHARD_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")
MAX_ID = 2 ** 31 - 1


class ShardsError(ProblemsError):
    """Every problem with the shard list, one line each, in input order."""

    what = "HAProxy shard"
    sort = False


def pinned_id(name):
    """A stable server id from the shard name: the same on every node and every run."""
    return zlib.crc32(name.encode("utf-8")) % 1000000 + 1


def _is_address(text):
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return bool(HOSTNAME_RE.match(text)) and not re.match(r"^[0-9.]+$", text)


def backends(shards):
    """shards: [{name, address, port, id?}] -> the same, validated, with ids; sorted by name."""
    problems = []
    if not isinstance(shards, (list, tuple)) or not shards:
        raise ShardsError(["no shards: HAProxy needs at least one shard (the signaling group is empty and haproxy_shards is not set)"])
    out, names, ids = [], {}, {}
    for index, entry in enumerate(shards):
        if not isinstance(entry, dict):
            problems.append("shard #%d: must be a mapping with name, address and port, got %r" % (index + 1, entry))
            continue
        name = entry.get("name")
        where = "shard %s" % name if isinstance(name, str) and name else "shard #%d" % (index + 1)
        if not isinstance(name, str) or not SHARD_RE.match(name):
            problems.append("%s: name %r must be one DNS label (a-z, 0-9, '-')" % (where, name))
        elif name in names:
            problems.append("%s: duplicate shard name (entries #%d and #%d)" % (where, names[name] + 1, index + 1))
        else:
            names[name] = index
        address = entry.get("address")
        if not isinstance(address, str) or not _is_address(address):
            problems.append("%s: address %r is not an IP address or host name" % (where, address))
        port = entry.get("port", 443)
        if isinstance(port, str) and port.isdigit():
            port = int(port)
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            problems.append("%s: port %r must be an integer from 1 to 65535" % (where, port))
        sid = entry.get("id")
        if sid is None and isinstance(name, str):
            sid = pinned_id(name)
        if isinstance(sid, bool) or not isinstance(sid, int) or not 1 <= sid <= MAX_ID:
            problems.append("%s: id %r must be an integer from 1 to %d" % (where, sid, MAX_ID))
        elif sid in ids:
            problems.append("%s: server id %d is already used by shard %s; set a distinct id on one of them"
                            % (where, sid, ids[sid]))
        else:
            ids[sid] = name
        out.append({"name": name, "address": address, "port": port, "id": sid})
    if problems:
        raise ShardsError(problems)
    return sorted(out, key=lambda s: s["name"])


def from_topology(signal_hosts):
    """Backends for every shard of the deployment, from the topology model's signal_hosts."""
    return [{"name": shard, "address": info["address"], "port": info["https_port"]}
            for shard, info in sorted(signal_hosts.items())]
