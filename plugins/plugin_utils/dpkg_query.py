# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads the one dpkg query per host that the host_state module runs (common_host_state.packages)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible.errors import AnsibleFilterError


def installed_versions(dpkg_output, what):
    """{package: [version, ...]} of what dpkg has installed (a package may be installed for two architectures).

    dpkg_output: lines of 'package<TAB>version<TAB>Status-Abbrev'; what names the filter in errors.
    The result is shared between calls with the same output: read it, never change it."""
    if not isinstance(dpkg_output, str):
        raise AnsibleFilterError("%s: the dpkg query's output must be text, got %s" % (what, type(dpkg_output).__name__))
    return _parsed(dpkg_output, what)


# A role variable holding a filter over this output is evaluated anew wherever it is read, several
# times in one template: one parse per process is enough.
@functools.lru_cache(maxsize=4)
def _parsed(dpkg_output, what):
    installed = {}
    for number, line in enumerate(dpkg_output.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise AnsibleFilterError("%s: line %d of the dpkg query is not 'package<TAB>version<TAB>status': %r"
                                     % (what, number, line))
        name, version, status = fields
        # Status-Abbrev: wanted, state, error flag; 'i' second and no error flag is installed.
        if len(status) >= 2 and status[1] == "i" and not status[2:].strip():
            installed.setdefault(name, []).append(version)
    return installed
