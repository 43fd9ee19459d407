# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Prosody accounts of every bridge slot of a shard."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: slot_accounts
short_description: Prosody accounts of every bridge slot of a shard
version_added: 0.1.0
description:
- Builds the account list of a shard's bridge slots for M(scalemeet.jitsi.prosody_accounts), one C(user)/C(password)
  pair per slot from 1 to O(max_bridges), the passwords taken from the shard's component secrets, skipping
  the released slots.
- Fails naming the slot when the secrets hold no password for it.
author:
- scalemeet.jitsi maintainers (@scalemeet)
positional: _input, max_bridges, released
options:
  _input:
    description: The shard's component secrets, name to value.
    type: dict
    required: true
  max_bridges:
    description: Slots of the shard.
    type: int
    required: true
  released:
    description: Slots given back, whose accounts are left out.
    type: list
    elements: int
    default: []
"""

EXAMPLES = r"""
- name: Accounts of a shard with 20 slots, slot 4 released
  scalemeet.jitsi.prosody_accounts:
    host: auth.meet.example.org
    accounts: "{{ secrets | scalemeet.jitsi.slot_accounts(20, [4]) }}"
  no_log: true
"""

RETURN = r"""
_value:
  description: The accounts.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.plugin_utils.filter_errors import reported


def slot_accounts(secrets, max_bridges, released=()):
    """[{user, password}] for slots 1..max_bridges except the released ones."""
    # Imported when called (plugin_utils/filter_errors.py says why).
    from ansible_collections.scalemeet.jitsi.plugins.module_utils.secrets_store import bridge_slot_secret_name
    from ansible_collections.scalemeet.jitsi.plugins.module_utils.slot_registry import SlotError, account_name, slot_number

    with reported(SlotError):
        released = set(slot_number(r) for r in released)
        maximum = slot_number(max_bridges)
    accounts = []
    for slot in range(1, maximum + 1):
        if slot in released:
            continue
        name = bridge_slot_secret_name(slot)
        if name not in secrets:
            raise AnsibleFilterError("no secret %s for bridge slot %d: were secrets kept for %s slots?" % (name, slot, max_bridges))
        accounts.append({"user": account_name(slot), "password": secrets[name]})
    return accounts


class FilterModule(object):
    def filters(self):
        return {"slot_accounts": slot_accounts}
