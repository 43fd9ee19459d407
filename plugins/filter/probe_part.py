# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The part of a host probe one action plugin reads, so a task's arguments carry no more of it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: probe_part
short_description: The part of the host probe one action plugin reads
version_added: 0.2.0
description:
  - The host probe (M(scalemeet.jitsi.host_state), registered as C(common_host_state)) is not logged, for it holds
    the facts, the package and service lists, SHA-256 digests of files, some of which hold secrets, and the
    secrets of the stores on the host.
  - The C(host_state) option of M(scalemeet.jitsi.config_files), M(scalemeet.jitsi.recorded_call),
    M(scalemeet.jitsi.haproxy_drain) and M(scalemeet.jitsi.component_secrets) reads one part of it each,
    C(config_files), C(calls), C(haproxy) and C(secrets_stores); config_files also C(services) when it
    starts services. This filter passes those parts alone, so that a task's arguments do not carry the rest. Ansible shows
    arguments with C(display_args_to_stdout), and a delegated task would carry another host's probe.
  - No probe (null) gives null, which the action plugins read as no probe, so the module runs.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
positional: _input, part
options:
  _input:
    description: The probe, or null when there is none.
    type: dict
    required: true
  part:
    description:
      - The part the action plugin reads, or a list of them (V(config_files) and V(services) for
        M(scalemeet.jitsi.config_files) with O(scalemeet.jitsi.config_files#module:services)).
      - Each one of V(config_files), V(calls), V(haproxy), V(secrets_stores) and V(services).
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Fetch a key, answered from the probe on a repeat
  scalemeet.jitsi.recorded_call:
    module: ansible.builtin.get_url
    args:
      url: https://example.org/key.asc
      dest: /etc/apt/keyrings/example.asc
    paths: [/etc/apt/keyrings/example.asc]
    host_state: "{{ common_host_state | default(none) | scalemeet.jitsi.probe_part('calls') }}"
"""

RETURN = r"""
_value:
  description: A probe holding only the asked parts with the same keys and values, or null without a probe.
  type: dict
"""

from ansible.errors import AnsibleFilterError

PARTS = ("config_files", "calls", "haproxy", "secrets_stores", "services")


def probe_part(probe, part):
    parts = part if isinstance(part, list) else [part]
    for name in parts:
        if name not in PARTS:
            raise AnsibleFilterError("probe_part: part must be one of %s, got %r" % (", ".join(PARTS), name))
    if probe is None:
        return None
    if not isinstance(probe, dict):
        raise AnsibleFilterError("probe_part: expected host_state's result, got %s" % type(probe).__name__)
    return dict((name, probe.get(name)) for name in parts)


class FilterModule(object):
    def filters(self):
        return {"probe_part": probe_part}
