# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a role's 'enable and start' task has anything to do, from one systemctl query per host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: service_needs_action
short_description: Whether a service is not yet enabled (and running), from one systemctl query
version_added: 0.1.0
description:
  - Returns false only when the query shows the unit enabled (C(UnitFileState=enabled)) and, unless
    O(started=false), running (C(ActiveState=active)). Any other state, a unit the query does not
    list, or no query at all (the second argument is null) returns true, so the role's
    M(ansible.builtin.systemd_service) task runs and decides, as it did without the query.
  - The second argument is the systemctl query M(scalemeet.jitsi.host_state) runs once per host and run
    (C(common_host_state.services), for every host in C(playbooks/site.yml)).
    It was taken at the start of the run, so a task that changed the unit's file since must run the
    module anyway (a daemon reload).
  - Lets a role skip a module run per service on a re-run (docs/performance.md).
author:
  - scalemeet.jitsi maintainers (@scalemeet)
positional: _input, systemctl_output
options:
  _input:
    description: The unit's name; without a suffix it is a C(.service).
    type: str
    required: true
  systemctl_output:
    description: The systemctl query's standard output, or null when the host was not queried.
    type: str
  started:
    description: Whether the unit must also be running (false where the role only enables it).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Enable and start Prosody
  ansible.builtin.systemd_service:
    name: prosody
    enabled: true
    state: started
  when: "'prosody' | scalemeet.jitsi.service_needs_action(common_host_state.services | default(none))"
"""

RETURN = r"""
_value:
  description: True when the unit is not known enabled (and active); false when nothing is left to do.
  type: bool
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.plugin_utils.systemctl_show import unit_states

# systemd's unit types: a name without one of them is a service (as systemctl reads it)
UNIT_TYPES = (".service", ".socket", ".timer", ".target", ".mount", ".automount", ".path", ".swap",
              ".slice", ".scope", ".device")


def service_needs_action(name, systemctl_output=None, started=True):
    unit = name.strip() if isinstance(name, str) else ""
    if not unit or any(c.isspace() for c in unit):
        raise AnsibleFilterError("service_needs_action: %r is not a unit name" % (name,))
    if systemctl_output is None:
        return True
    if not unit.endswith(UNIT_TYPES):
        unit += ".service"
    state = unit_states(systemctl_output, "service_needs_action").get(unit)
    if state is None:
        return True
    if state.get("UnitFileState") != "enabled":
        return True
    return bool(started) and state.get("ActiveState") != "active"


class FilterModule(object):
    def filters(self):
        return {"service_needs_action": service_needs_action}
