# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A bridge's XMPP connection to each shard it serves, from its slot claims and the shards' secrets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: bridge_connections
short_description: A bridge's XMPP connection to each shard it serves
version_added: 0.2.0
description:
  - Builds the C(videobridge.apis.xmpp-client.configs) entries of C(jvb.conf), one per shard, from the bridge's
    slot claims (M(scalemeet.jitsi.bridge_slot), looped over the shards) and the shards' secrets (the secrets
    role's C(secrets_result), asked with one store per shard), both in the order of the shards.
  - Each connection logs in as the slot's account with the slot's password, on the shard's bridge port (its
    client port when it has none), and joins the shard's brewery room under the slot's nickname.
  - Fails naming the shard when a claim, a secret or the shard itself is missing.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
positional: _input, slot_results, secrets_results, signal_hosts
options:
  _input:
    description: The shards the bridge serves, in order.
    type: list
    elements: str
    required: true
  slot_results:
    description: The slot claims' loop results, one per shard in the same order, each with C(slot).
    type: list
    elements: dict
    required: true
  secrets_results:
    description: The secrets role's results, one per shard in the same order, each with C(secrets).
    type: list
    elements: dict
    required: true
  signal_hosts:
    description: The topology's signaling host of each shard (C(topology_model.signal_hosts)).
    type: dict
    required: true
  verify_certificate:
    description: Whether the bridge verifies Prosody's certificate.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: The connections of jvb.conf
  ansible.builtin.set_fact:
    connections: >-
      {{ bridge.shards | scalemeet.jitsi.bridge_connections(slots.results, secrets_result.results,
                                                             topology_model.signal_hosts) }}
  no_log: true
"""

RETURN = r"""
_value:
  description: Shard name to connection (hostname, port, domain, username, password, muc_jids, muc_nickname,
    disable_certificate_verification).
  type: dict
"""

from ansible.errors import AnsibleFilterError


def _connection(shard, slot_result, secrets_result, signal_hosts, verify_certificate):
    # Imported when called (plugin_utils/filter_errors.py says why).
    from ansible_collections.scalemeet.jitsi.plugins.module_utils.secrets_store import bridge_slot_secret_name

    slot = (slot_result or {}).get("slot") if isinstance(slot_result, dict) else None
    signal = signal_hosts.get(shard) if isinstance(signal_hosts, dict) else None
    if not isinstance(slot, dict) or not signal:
        raise AnsibleFilterError("bridge_connections: shard %s has no %s" % (shard, "slot claim" if not isinstance(slot, dict)
                                                                             else "signaling host in the topology"))
    secrets = (secrets_result or {}).get("secrets") if isinstance(secrets_result, dict) else None
    name = bridge_slot_secret_name(int(slot["slot"]))
    if not isinstance(secrets, dict) or not secrets.get(name):
        raise AnsibleFilterError("bridge_connections: shard %s: its secrets hold no %s" % (shard, name))
    return {
        "hostname": signal["address"],
        "port": int(signal.get("bridge_xmpp_port") or signal["xmpp_port"]),
        "domain": "auth." + signal["domain"],
        "username": slot["account"],
        "password": secrets[name],
        "muc_jids": "jvbbrewery@internal.auth." + signal["domain"],
        "muc_nickname": slot["nickname"],
        "disable_certificate_verification": not verify_certificate,
    }


def bridge_connections(shards, slot_results, secrets_results, signal_hosts, verify_certificate=True):
    if not isinstance(shards, (list, tuple)) or not isinstance(slot_results, (list, tuple)) \
            or not isinstance(secrets_results, (list, tuple)):
        raise AnsibleFilterError("bridge_connections: expected lists of shards, slot results and secrets results")
    if not len(shards) == len(slot_results) == len(secrets_results):
        raise AnsibleFilterError("bridge_connections: %d shards but %d slot results and %d secrets results"
                                 % (len(shards), len(slot_results), len(secrets_results)))
    return dict((shard, _connection(shard, slot, secrets, signal_hosts, bool(verify_certificate)))
                for shard, slot, secrets in zip(shards, slot_results, secrets_results))


class FilterModule(object):
    def filters(self):
        return {"bridge_connections": bridge_connections}
