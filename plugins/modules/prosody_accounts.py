#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: prosody_accounts
short_description: Keep Prosody accounts of one host present with given passwords, or absent
version_added: 0.1.0
description:
  - Manages accounts in Prosody's file storage (C(storage = "internal"), C(authentication = "internal_hashed")),
    writing SCRAM-SHA-1 keys exactly as Prosody does. The password itself is never stored and
    never passed on a command line.
  - An account whose stored keys already match its password is left untouched, so re-runs
    report no change. Prosody reads accounts at login, so nothing is restarted or reloaded.
  - Absent accounts are deleted; their owner can no longer log in.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
attributes:
  check_mode:
    support: full
    description: Reports which accounts would be created, updated or deleted.
  diff_mode:
    support: full
    description: Lists account names and actions, never passwords.
options:
  host:
    description: The Prosody host (VirtualHost) of the accounts, for example C(auth.meet.example.org).
    type: str
    required: true
  accounts:
    description: Accounts that must exist, each with its password.
    type: list
    elements: dict
    default: []
    suboptions:
      user:
        description: Node part of the account, for example C(focus) or C(jvb-03).
        type: str
        required: true
      password:
        description: The account's password.
        type: str
        required: true
  absent:
    description: Node parts of accounts that must not exist.
    type: list
    elements: str
    default: []
  data_dir:
    description: Prosody's data directory.
    type: path
    default: /var/lib/prosody
  owner:
    description: User owning account files (Prosody's user).
    type: str
    default: prosody
  group:
    description: Group owning account files.
    type: str
    default: prosody
"""

EXAMPLES = r"""
- name: Focus and bridge slot accounts
  scalemeet.jitsi.prosody_accounts:
    host: auth.meet.example.org
    accounts:
      - user: focus
        password: "{{ secrets.focus_password }}"
      - user: jvb-01
        password: "{{ secrets.jvb_slot_01_password }}"
    absent: [jvb-02]
"""

RETURN = r"""
actions:
  description: Account name to what was done (ok, create, update, delete, absent).
  returned: success
  type: dict
  sample: {"focus": "ok", "jvb-01": "create", "jvb-02": "delete"}
"""

import grp
import pwd

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.scalemeet.jitsi.plugins.module_utils.prosody_store import ProsodyAccountError, apply, plan


def main():
    module = AnsibleModule(
        argument_spec=dict(
            host=dict(type="str", required=True),
            accounts=dict(type="list", elements="dict", default=[], no_log=False, options=dict(
                user=dict(type="str", required=True),
                password=dict(type="str", required=True, no_log=True),
            )),
            absent=dict(type="list", elements="str", default=[]),
            data_dir=dict(type="path", default="/var/lib/prosody"),
            owner=dict(type="str", default="prosody"),
            group=dict(type="str", default="prosody"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    present = dict((a["user"], a["password"]) for a in p["accounts"])
    if len(present) != len(p["accounts"]):
        module.fail_json(msg="host %s: an account is listed twice in accounts" % p["host"])
    try:
        uid = pwd.getpwnam(p["owner"]).pw_uid
        gid = grp.getgrnam(p["group"]).gr_gid
    except KeyError as exc:
        module.fail_json(msg="owner %s or group %s does not exist (is Prosody installed?): %s" % (p["owner"], p["group"], exc))
    try:
        actions = plan(p["data_dir"], p["host"], present, p["absent"])
        changed = any(a in ("create", "update", "delete") for a in actions.values())
        if changed and not module.check_mode:
            apply(p["data_dir"], p["host"], present, actions, uid=uid, gid=gid)
    except ProsodyAccountError as exc:
        module.fail_json(msg=str(exc))
    result = dict(changed=changed, actions=actions)
    if module._diff:
        result["diff"] = dict(
            before="".join("%s@%s\n" % (u, p["host"]) for u in sorted(actions) if actions[u] in ("ok", "update", "delete")),
            after="".join("%s@%s\n" % (u, p["host"]) for u in sorted(actions) if actions[u] in ("ok", "update", "create")),
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
