# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The name of a bridge slot's password among a shard's component secrets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: slot_secret_name
short_description: Name of a bridge slot's password among a shard's component secrets
version_added: 0.1.0
description:
- Returns the name under which M(scalemeet.jitsi.component_secrets) keeps the password of a bridge slot,
  C(jvb_slot_03_password) for slot 3. The same code names it in the modules.
author:
- scalemeet.jitsi maintainers (@scalemeet)
positional: _input
options:
  _input:
    description: Slot number, 1-based.
    type: int
    required: true
"""

EXAMPLES = r"""
- name: The password of slot 3 from a shard's secrets
  ansible.builtin.debug:
    msg: "{{ secrets[3 | scalemeet.jitsi.slot_secret_name] | length }} characters"
  no_log: true
"""

RETURN = r"""
_value:
  description: The secret's name.
  type: str
"""

from ansible_collections.scalemeet.jitsi.plugins.plugin_utils.filter_errors import reported


def slot_secret_name(value):
    # Imported when called (plugin_utils/filter_errors.py says why).
    from ansible_collections.scalemeet.jitsi.plugins.module_utils.secrets_store import bridge_slot_secret_name
    from ansible_collections.scalemeet.jitsi.plugins.module_utils.slot_registry import SlotError, slot_number

    with reported(SlotError):
        return bridge_slot_secret_name(slot_number(value))


class FilterModule(object):
    def filters(self):
        return {"slot_secret_name": slot_secret_name}
