# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The XMPP account of a bridge slot, from the same code the modules use."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: slot_account
short_description: XMPP account of a bridge slot
version_added: 0.1.0
description:
- Returns the account (and brewery nickname) of a bridge slot, C(jvb-03) for slot 3.
- The companion filters P(scalemeet.jitsi.slot_secret_name#filter), P(scalemeet.jitsi.slot_relay_id#filter)
  and P(scalemeet.jitsi.slot_accounts#filter) derive the slot's password name, its relay id and a shard's
  account list.
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
- name: Accounts of a shard with 20 slots
  ansible.builtin.debug:
    msg: "{{ range(1, 21) | map('scalemeet.jitsi.slot_account') | list }}"
"""

RETURN = r"""
_value:
  description: The account name.
  type: str
"""

from ansible_collections.scalemeet.jitsi.plugins.plugin_utils.filter_errors import reported


def slot_account(value):
    # Imported when called (plugin_utils/filter_errors.py says why).
    from ansible_collections.scalemeet.jitsi.plugins.module_utils.slot_registry import SlotError, account_name, slot_number

    with reported(SlotError):
        return account_name(slot_number(value))


class FilterModule(object):
    def filters(self):
        return {"slot_account": slot_account}
