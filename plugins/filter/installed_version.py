# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The version of a package dpkg has installed, from the one dpkg query per host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: installed_version
short_description: The installed version of a package, from one dpkg query
version_added: 0.1.0
description:
  - Returns the version dpkg has installed of the package, or null when it is not installed or the
    host was not queried (the second argument is null). With two architectures installed, the first listed.
  - The second argument is the dpkg query M(scalemeet.jitsi.host_state) runs once per host and run
    (C(common_host_state.packages)). It was taken at the start of
    the run; a role that installed or upgraded the package since asks dpkg again.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
positional: _input, dpkg_output
options:
  _input:
    description: The package's name.
    type: str
    required: true
  dpkg_output:
    description: The dpkg query's standard output, or null when the host was not queried.
    type: str
"""

EXAMPLES = r"""
- name: Prosody's version when the run started
  ansible.builtin.debug:
    msg: "{{ 'prosody' | scalemeet.jitsi.installed_version(common_host_state.packages | default(none)) }}"
"""

RETURN = r"""
_value:
  description: The installed version, or null.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.plugin_utils.dpkg_query import installed_versions


def installed_version(name, dpkg_output=None):
    if not isinstance(name, str) or not name.strip():
        raise AnsibleFilterError("installed_version: %r is not a package name" % (name,))
    if dpkg_output is None:
        return None
    versions = installed_versions(dpkg_output, "installed_version").get(name.strip())
    return versions[0] if versions else None


class FilterModule(object):
    def filters(self):
        return {"installed_version": installed_version}
