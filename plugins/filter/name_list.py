# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names given as a list or as one comma-separated string (as an AWX survey passes them)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: name_list
short_description: Host or shard names from a list or a comma-separated string
version_added: 0.1.0
description:
  - Returns the names sorted, without duplicates or empty entries. Accepts a list, or one string
    with names separated by commas or white space (an AWX text survey answer).
  - The day-2 playbooks build host patterns from the result, so a name holding a pattern character
    (C(:), C(!), C(&), C(*), C(,), C([), C(]), C(~)) or white space fails, naming it, before any play
    runs on a host.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
positional: _input, what
options:
  _input:
    description: A list of names, or one string of names separated by commas or white space.
    type: raw
    required: true
  what:
    description: What the names are, for the error message (e.g. the variable's name).
    type: str
    default: names
"""

EXAMPLES = r"""
- name: The bridges to remove, from -e scale_bridges_remove=jvb-7,jvb-8
  ansible.builtin.debug:
    msg: "{{ scale_bridges_remove | scalemeet.jitsi.name_list('scale_bridges_remove') }}"
"""

RETURN = r"""
_value:
  description: The names, sorted and unique.
  type: list
  elements: str
"""

import re

from ansible.errors import AnsibleFilterError

NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]+$")


def name_list(value, what="names"):
    if value is None:
        return []
    if isinstance(value, str):
        items = re.split(r"[,\s]+", value)
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise AnsibleFilterError("%s: expected a list or a comma-separated string, got %s" % (what, type(value).__name__))
    names = set()
    for item in items:
        if not isinstance(item, str):
            raise AnsibleFilterError("%s: %r is not a name" % (what, item))
        item = item.strip()
        if not item:
            continue
        if not NAME_RE.match(item):
            raise AnsibleFilterError("%s: %r is not a host or shard name (letters, digits, '.', '-', '_', '@')" % (what, item))
        names.add(item)
    return sorted(names)


class FilterModule(object):
    def filters(self):
        return {"name_list": name_list}
