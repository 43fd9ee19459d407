#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: validate_role_input
short_description: Check a role's input against its argument spec and its own conditions, in one task
version_added: 0.2.0
description:
  - Validates the calling role's variables against the entry point's options in the role's
    C(meta/argument_specs.yml), as Ansible does at the start of a role (the same validator, so the
    same messages), then evaluates every condition of O(that) as M(ansible.builtin.assert) does.
  - The conditions are evaluated only when the spec passes, so they may rely on the types it checks.
  - Ansible's own validation costs a task round on every host of the play before the role's first
    task, and a role's checks another. Roles of this collection check their input with this one
    task, and the collection imports them with C(rolespec_validate=false). A role imported any
    other way is validated by Ansible first and then here again, with the same result.
  - Use it as the first task of a role's entry point, and only inside a role.
  - This is an action plugin; it runs on the controller only.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: all
options:
  that:
    description:
      - Conditions that must all hold, each a bare Jinja expression as in M(ansible.builtin.assert).
      - The first that does not hold fails the task with O(fail_msg).
    type: list
    elements: raw
    default: []
  fail_msg:
    description:
      - The message when a condition of O(that) does not hold. Name the host, the variables and
        their values. Templated with the task's other arguments, so it must render for any value
        the argument spec lets through.
    type: str
    default: a check of the role's input failed
  entry_point:
    description: The entry point (C(tasks_from)) whose options in C(meta/argument_specs.yml) apply.
    type: str
    default: main
"""

EXAMPLES = r"""
# roles/web/tasks/main.yml, first task
- name: Check the role's input before anything changes
  scalemeet.jitsi.validate_role_input:
    that:
      - web_tls_mode != 'acme' or web_acme_email is match('^[^@\s]+@[^@\s]+$')
    fail_msg: >-
      host {{ inventory_hostname }}: web_tls_mode=acme needs web_acme_email,
      got {{ web_acme_email | to_json }}

# A playbook importing that role need not validate its spec twice
- name: Web server
  hosts: signaling
  tasks:
    - name: Serve Jitsi Meet
      ansible.builtin.import_role:
        name: scalemeet.jitsi.web
        rolespec_validate: false
"""

RETURN = r"""
msg:
  description: Which check failed and why, naming the host and the role; or that the input is valid.
  returned: always
  type: str
argument_errors:
  description: Every message of the argument spec's validation.
  returned: when the argument spec rejects the input
  type: list
  elements: str
assertion:
  description: The condition of O(that) that did not hold.
  returned: when a condition does not hold
  type: str
"""
