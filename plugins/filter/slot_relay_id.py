# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The relay id of the bridge in a slot of a shard."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: slot_relay_id
short_description: Relay id of the bridge in a slot of a shard
version_added: 0.1.0
description:
- Returns the relay id (C(relay-id) in jvb.conf) of the bridge holding a slot of a shard, C(shard1-jvb-03)
  for slot 3 of shard1, unique across the deployment so relays between bridges of different shards and
  regions never collide.
author:
- scalemeet.jitsi maintainers (@scalemeet)
positional: _input, shard
options:
  _input:
    description: Slot number, 1-based.
    type: int
    required: true
  shard:
    description: The shard's name.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Relay id of slot 3 of shard1
  ansible.builtin.debug:
    msg: "{{ 3 | scalemeet.jitsi.slot_relay_id('shard1') }}"
"""

RETURN = r"""
_value:
  description: The relay id.
  type: str
"""

from ansible_collections.scalemeet.jitsi.plugins.plugin_utils.filter_errors import reported


def slot_relay_id(value, shard):
    # Imported when called (plugin_utils/filter_errors.py says why).
    from ansible_collections.scalemeet.jitsi.plugins.module_utils.slot_registry import SlotError, relay_id, slot_number

    with reported(SlotError):
        return relay_id(shard, slot_number(value))


class FilterModule(object):
    def filters(self):
        return {"slot_relay_id": slot_relay_id}
