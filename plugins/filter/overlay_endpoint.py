# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The underlay address an overlay peer is reached on, from that host's variables."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: overlay_endpoint
short_description: Underlay address of an overlay member
version_added: 0.2.0
description:
  - Given one host's variables (C(hostvars[host])), returns the address its overlay peers send
    tunnel traffic to, the first set of C(overlay_underlay_address), the default IPv4 address in its
    gathered facts, C(ansible_host), then its inventory name.
  - Reads only inventory variables and facts, so it works for hosts outside the current play.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
positional: _input
options:
  _input:
    description: One host's variables.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Where each bridge's tunnel is reached
  ansible.builtin.debug:
    msg: "{{ groups['bridges'] | map('extract', hostvars) | map('scalemeet.jitsi.overlay_endpoint') }}"
"""

RETURN = r"""
_value:
  description: An IP address or host name.
  type: str
"""


def overlay_endpoint(hostvars):
    explicit = hostvars.get("overlay_underlay_address")
    if explicit:
        return str(explicit)
    facts = hostvars.get("ansible_facts") or {}
    address = (facts.get("default_ipv4") or {}).get("address")
    if address:
        return str(address)
    return str(hostvars.get("ansible_host") or hostvars.get("inventory_hostname"))


class FilterModule(object):
    def filters(self):
        return {"overlay_endpoint": overlay_endpoint}
