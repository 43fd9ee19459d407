# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads the one systemctl query per host that the host_state module runs (common_host_state.services)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError


def unit_states(systemctl_output, what):
    """{unit id: {property: value}} from `systemctl show --property=...` over several units.

    systemctl prints one block of 'Property=value' lines per unit, blocks apart by a blank line;
    a block without Id= cannot be told apart from another unit's and fails. what names the filter in errors."""
    if not isinstance(systemctl_output, str):
        raise AnsibleFilterError("%s: the systemctl query's output must be text, got %s"
                                 % (what, type(systemctl_output).__name__))
    units = {}
    for block in systemctl_output.strip().split("\n\n"):
        if not block.strip():
            continue
        properties = {}
        for line in block.splitlines():
            name, sep, value = line.partition("=")
            if not sep:
                raise AnsibleFilterError("%s: %r in the systemctl query is not 'Property=value'" % (what, line))
            properties[name.strip()] = value.strip()
        if not properties.get("Id"):
            raise AnsibleFilterError("%s: a unit in the systemctl query has no Id: %r" % (what, block))
        units[properties["Id"]] = properties
    return units
