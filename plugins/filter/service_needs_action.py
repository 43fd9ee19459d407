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

from ansible_collections.scalemeet.jitsi.plugins.plugin_utils.systemctl_show import needs_action


def service_needs_action(name, systemctl_output=None, started=True):
    return needs_action(name, systemctl_output, started, "service_needs_action")


class FilterModule(object):
    def filters(self):
        return {"service_needs_action": service_needs_action}
