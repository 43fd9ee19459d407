# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HAProxy backends for the shards, validated, with pinned server ids."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: haproxy_backends
short_description: One HAProxy server per shard, validated, with a pinned id
version_added: 0.1.0
description:
  - Returns C([{name, address, port, id}]) sorted by name. The input is the operator's list of
    shards, or, when it is empty, every shard of the deployment from C(topology_model.signal_hosts).
  - Each server's id is derived from the shard name (CRC32) unless given, so it stays the same when
    shards are added, removed or reordered; stick-table entries and the consistent-hash ring keep
    pointing at the same shard. Colliding ids, duplicate names, bad addresses and ports fail, naming
    the shard.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
positional: _input, signal_hosts
options:
  _input:
    description: Explicit shards C([{name, address, port, id}]); empty uses O(signal_hosts).
    type: list
    elements: dict
    required: true
  signal_hosts:
    description: C(topology_model.signal_hosts).
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Servers of the shards backend
  ansible.builtin.debug:
    msg: "{{ haproxy_shards | scalemeet.jitsi.haproxy_backends(topology_model.signal_hosts) }}"
"""

RETURN = r"""
_value:
  description: The servers, sorted by name.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError


def haproxy_backends(shards, signal_hosts=None):
    # Imported when called (plugin_utils/filter_errors.py says why).
    from ansible_collections.scalemeet.jitsi.plugins.module_utils.haproxy_shards import ShardsError, backends, from_topology

    try:
        return backends(list(shards) if shards else from_topology(signal_hosts or {}))
    except ShardsError as exc:
        raise AnsibleFilterError(str(exc))


class FilterModule(object):
    def filters(self):
        return {"haproxy_backends": haproxy_backends}
