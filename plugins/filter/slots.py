# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names derived from a bridge slot number, from the same code the modules use."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: slot_account
short_description: XMPP account of a bridge slot
version_added: 0.1.0
description:
  - Returns the account (and brewery nickname) of a bridge slot, C(jvb-03) for slot 3.
  - The companion filters C(slot_secret_name) and C(slot_relay_id) return the slot's password
    name in component_secrets and its relay id; C(slot_accounts) builds the account list of a shard
    for M(scalemeet.jitsi.prosody_accounts).
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

from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.module_utils.secrets_store import bridge_slot_secret_name
from ansible_collections.scalemeet.jitsi.plugins.module_utils.slot_registry import account_name, relay_id


def _slot(value):
    try:
        slot = int(value)
    except (TypeError, ValueError):
        raise AnsibleFilterError("bridge slot %r is not a number" % (value,))
    if slot < 1:
        raise AnsibleFilterError("bridge slot %r must be 1 or more" % (value,))
    return slot


def slot_account(value):
    return account_name(_slot(value))


def slot_secret_name(value):
    return bridge_slot_secret_name(_slot(value))


def slot_relay_id(value, shard):
    return relay_id(shard, _slot(value))


def slot_accounts(secrets, max_bridges, released=()):
    """[{user, password}] for slots 1..max_bridges except the released ones."""
    released = set(_slot(r) for r in released)
    accounts = []
    for slot in range(1, _slot(max_bridges) + 1):
        if slot in released:
            continue
        name = bridge_slot_secret_name(slot)
        if name not in secrets:
            raise AnsibleFilterError("no secret %s for bridge slot %d: were secrets kept for %s slots?" % (name, slot, max_bridges))
        accounts.append({"user": account_name(slot), "password": secrets[name]})
    return accounts


class FilterModule(object):
    def filters(self):
        return {
            "slot_account": slot_account,
            "slot_accounts": slot_accounts,
            "slot_secret_name": slot_secret_name,
            "slot_relay_id": slot_relay_id,
        }
