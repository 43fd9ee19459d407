# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How many of a shard's bridge slots are held, from its registry as slurp read it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: slot_usage
short_description: A shard's bridge slots in use, from its registry file read by slurp
version_added: 0.1.0
description:
  - Takes one result of C(ansible.builtin.slurp) of C(<registry_dir>/<shard>.json) looped over
    C(topology_model.signal_hosts | dict2items) (so C(item.key) is the shard) and returns
    C({max_bridges, used_slots}). A registry that does not exist yet means no slot is held.
  - A registry that exists but is not valid fails, naming the file, as M(scalemeet.jitsi.bridge_slot) does.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
positional: _input, signal_hosts
options:
  _input:
    description: One loop result of slurp (with C(item.key), C(content) or C(failed)).
    type: dict
    required: true
  signal_hosts:
    description: C(topology_model.signal_hosts), for each shard's maximum.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Slots of every shard
  ansible.builtin.debug:
    msg: "{{ registries.results | map('scalemeet.jitsi.slot_usage', topology_model.signal_hosts) | list }}"
"""

RETURN = r"""
_value:
  description: C(max_bridges) and C(used_slots) of the shard.
  type: dict
"""

import base64

from ansible.errors import AnsibleFilterError


def slot_usage(result, signal_hosts):
    # Imported when called (plugin_utils/filter_errors.py says why).
    from ansible_collections.scalemeet.jitsi.plugins.module_utils.slot_registry import SlotRegistryCorrupt, parse

    shard = ((result or {}).get("item") or {}).get("key")
    if shard not in (signal_hosts or {}):
        raise AnsibleFilterError("slot_usage: %r is not a shard of the deployment" % (shard,))
    maximum = int(signal_hosts[shard]["max_bridges"])
    if "content" not in result:
        if "No such file" in str(result.get("msg", "")) or "not found" in str(result.get("msg", "")):
            return {"max_bridges": maximum, "used_slots": 0}
        raise AnsibleFilterError("slot_usage: the registry of shard %s could not be read: %s" % (shard, result.get("msg", "no content")))
    path = result.get("source") or "%s.json" % shard
    try:
        slots = parse(base64.b64decode(result["content"]).decode("utf-8"), shard, path)
    except SlotRegistryCorrupt as exc:
        raise AnsibleFilterError(str(exc))
    return {"max_bridges": maximum, "used_slots": len(slots)}


class FilterModule(object):
    def filters(self):
        return {"slot_usage": slot_usage}
