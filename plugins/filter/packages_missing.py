# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which of the packages a role asks for dpkg does not have installed (at the asked version)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: packages_missing
short_description: The packages of a request that are not installed, from one dpkg query
version_added: 0.1.0
description:
  - Returns the entries of the request that the host does not have installed, in the request's order.
    An entry is C(name) or C(name=version); the version may hold apt's C(*) wildcard (C(haproxy=2.6*)).
    A package counts as installed only in dpkg's state C(installed) with no error flag.
  - The second argument is the output of one
    C(dpkg-query --show --showformat '${Package}\t${Version}\t${db:Status-Abbrev}\n'), run once per host
    and run (M(scalemeet.jitsi.host_state) runs it; the common role registers it as C(common_host_state), for every
    host in C(playbooks/site.yml)). When it is not given (null), every entry is returned, so a role run without the query asks apt for everything, as before.
  - Lets a role skip its apt task on a host that already has what it asks for. apt loads its whole
    cache each time (about a second per host); the dpkg query costs what any task costs.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
positional: _input, dpkg_output
options:
  _input:
    description: The packages asked for, C(name) or C(name=version).
    type: list
    elements: str
    required: true
  dpkg_output:
    description: The dpkg query's standard output, or null when the host was not queried.
    type: str
"""

EXAMPLES = r"""
- name: Install what is missing
  ansible.builtin.apt:
    name: "{{ ['haproxy=2.6*'] | scalemeet.jitsi.packages_missing(common_host_state.packages | default(none)) }}"
"""

RETURN = r"""
_value:
  description: The entries of the request not installed, in its order.
  type: list
  elements: str
"""

import fnmatch

from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.plugin_utils.dpkg_query import installed_versions


def packages_missing(requested, dpkg_output=None):
    if not isinstance(requested, (list, tuple)):
        raise AnsibleFilterError("packages_missing: expected a list of packages, got %s" % type(requested).__name__)
    for entry in requested:
        if not isinstance(entry, str) or not entry.split("=", 1)[0].strip():
            raise AnsibleFilterError("packages_missing: %r is not a package name or name=version" % (entry,))
    if dpkg_output is None:
        return list(requested)
    installed = installed_versions(dpkg_output, "packages_missing")
    missing = []
    for entry in requested:
        name, _sep, version = entry.partition("=")
        versions = installed.get(name.strip(), [])
        if not versions or (version and not any(fnmatch.fnmatchcase(v, version.strip()) for v in versions)):
            missing.append(entry)
    return missing


class FilterModule(object):
    def filters(self):
        return {"packages_missing": packages_missing}
