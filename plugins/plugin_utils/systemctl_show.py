# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads the one systemctl query per host that the host_state module runs (common_host_state.services),
for the filter service_needs_action and config_files' action plugin."""

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


# systemd's unit types: a name without one of them is a service (as systemctl reads it)
UNIT_TYPES = (".service", ".socket", ".timer", ".target", ".mount", ".automount", ".path", ".swap",
              ".slice", ".scope", ".device")


def needs_action(name, systemctl_output=None, started=True, what="service_needs_action"):
    """False only when the query shows the unit enabled and (unless started is false) active; a
    unit it does not list, any other state, or no query at all is True: the module decides."""
    unit = name.strip() if isinstance(name, str) else ""
    if not unit or any(c.isspace() for c in unit):
        raise AnsibleFilterError("%s: %r is not a unit name" % (what, name))
    if systemctl_output is None:
        return True
    if not unit.endswith(UNIT_TYPES):
        unit += ".service"
    state = unit_states(systemctl_output, what).get(unit)
    if state is None:
        return True
    if state.get("UnitFileState") != "enabled":
        return True
    return bool(started) and state.get("ActiveState") != "active"
