# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files of Prosody accounts, from the same code prosody_accounts writes them with."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: prosody_account_paths
short_description: Files of Prosody accounts in its file storage
version_added: 0.2.0
description:
- Returns the file of each account, C(<data_dir>/<host>/accounts/<user>.dat) with Prosody's encoding of
  names (C(auth%2emeet%2eexample%2eorg)), as M(scalemeet.jitsi.prosody_accounts) reads and writes them.
- The prosody role passes them to M(scalemeet.jitsi.recorded_call), whose probe answers a repeat of unchanged
  accounts without a module run.
author:
- scalemeet.jitsi maintainers (@scalemeet)
positional: _input, host, users
options:
  _input:
    description: Prosody's data directory.
    type: path
    required: true
  host:
    description: The virtual host of the accounts.
    type: str
    required: true
  users:
    description: Node parts of the accounts.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Files of the focus and first slot accounts
  ansible.builtin.debug:
    msg: "{{ '/var/lib/prosody' | scalemeet.jitsi.prosody_account_paths('auth.meet.example.org', ['focus', 'jvb-01']) }}"
"""

RETURN = r"""
_value:
  description: One path per user, in the order given.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError


def prosody_account_paths(data_dir, host, users):
    # Imported when called (plugin_utils/filter_errors.py says why).
    from ansible_collections.scalemeet.jitsi.plugins.module_utils.prosody_store import account_path

    if not isinstance(users, (list, tuple)) or not all(isinstance(u, str) and u for u in users):
        raise AnsibleFilterError("prosody_account_paths: users must be a list of account names, got %r" % (users,))
    return [account_path(data_dir, host, user) for user in users]


class FilterModule(object):
    def filters(self):
        return {"prosody_account_paths": prosody_account_paths}
