# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The address other hosts reach a host on, from that host's variables."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: host_address
short_description: Address other hosts reach an inventory host on
version_added: 0.2.0
description:
  - Given one host's variables (C(hostvars[host])), returns the first set of - the variable named by
    O(preferred) (e.g. C(overlay_underlay_address), C(haproxy_peer_address)), the default IPv4
    address in its gathered facts, C(ansible_host), its inventory name.
  - Reads only inventory variables and facts, so it works for hosts outside the current play.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
positional: _input, preferred
options:
  _input:
    description: One host's variables.
    type: dict
    required: true
  preferred:
    description: Name of a variable that, when set on the host, is its address.
    type: str
"""

EXAMPLES = r"""
- name: Where each bridge's tunnel is reached
  ansible.builtin.debug:
    msg: "{{ groups['bridges'] | map('extract', hostvars) | map('scalemeet.jitsi.host_address', 'overlay_underlay_address') }}"
"""

RETURN = r"""
_value:
  description: An IP address or host name.
  type: str
"""


def host_address(hostvars, preferred=None):
    explicit = hostvars.get(preferred) if preferred else None
    if explicit:
        return str(explicit)
    facts = hostvars.get("ansible_facts") or {}
    address = (facts.get("default_ipv4") or {}).get("address")
    if address:
        return str(address)
    return str(hostvars.get("ansible_host") or hostvars.get("inventory_hostname"))


class FilterModule(object):
    def filters(self):
        return {"host_address": host_address}
