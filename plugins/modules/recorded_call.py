#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: recorded_call
short_description: Run a module call, or answer a repeat of it from the host probe
version_added: 0.2.0
description:
  - Runs O(module) with O(args), unless the run's host probe (M(scalemeet.jitsi.host_state), passed as O(host_state))
    shows that the same call ran before and that every one of O(paths) is still as it left them. Then it returns
    that run's result with C(changed=false), without starting a module on the host.
  - After a real run that changed nothing (not in check mode) it records on the host what each of O(paths) is
    (kind, owner, group, mode, SHA-256 of a file's contents, a link's target) and the module's result, less this
    run's details (C(invocation), C(diff), warnings). A run that changed something is not recorded, since its result
    (C(created=true), say) is not what a repeat returns. So a call is answered from the third run on.
  - For calls whose result depends only on their arguments and on O(paths), such as C(ansible.builtin.stat),
    C(ansible.builtin.slurp), C(ansible.builtin.lineinfile) or C(ansible.builtin.get_url). Not for results that
    hold a secret, since the probe carries the record.
  - Pass O(host_state) only while it is current. Drop it after a task of the same run may have changed one of
    O(paths) behind the probe's back (a package install, for instance). Paths it changed itself the probe sees.
  - The action plugin does the work on the controller; on the host this module only writes the record.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
attributes:
  check_mode:
    support: full
    description: The wrapped module runs in check mode; nothing is recorded. A recorded answer is the same in check mode.
  diff_mode:
    support: full
    description: The wrapped module's diff, when it runs.
  action:
    support: full
    description: Decides on the controller whether the module needs to run.
options:
  module:
    description:
      - Fully qualified name of the module to run.
      - A module whose work is done on the host. Not an action such as C(ansible.builtin.template) or
        C(ansible.builtin.copy), whose controller side would be skipped.
    type: str
    required: true
  args:
    description: The module's arguments.
    type: dict
    default: {}
  paths:
    description: Paths on the host the call's result depends on; none changed since the last run of the same call
      means the same result.
    type: list
    elements: path
    required: true
  host_state:
    description:
      - The registered result of M(scalemeet.jitsi.host_state) for the host the call runs on. Never sent to the host.
      - Without it the module always runs.
    type: dict
  max_age:
    description: Seconds a recorded result is reused before the module runs again anyway (for what the paths do
      not show, such as a changed download).
    type: int
    default: 86400
  record:
    description: The record on the host.
    type: path
    default: /var/lib/scalemeet/calls.json
  _digest:
    description: Internal, set by the action plugin. The digest of O(module), O(args) and O(paths), the entry's key.
    type: str
  _result:
    description: Internal, set by the action plugin. The result of the run to record.
    type: dict
"""

EXAMPLES = r"""
- name: Look for Jitsi's Prosody plugins
  scalemeet.jitsi.recorded_call:
    module: ansible.builtin.stat
    args:
      path: /usr/share/jitsi-meet/prosody-plugins
    paths: [/usr/share/jitsi-meet/prosody-plugins]
    host_state: "{{ common_host_state | default(omit) }}"
  register: plugins_dir

- name: Fetch a signing key, again at most once a day
  scalemeet.jitsi.recorded_call:
    module: ansible.builtin.get_url
    args:
      url: https://example.org/key.asc
      dest: /etc/apt/keyrings/example.asc
      force: true
    paths: [/etc/apt/keyrings/example.asc]
    host_state: "{{ common_host_state | default(omit) }}"
"""

RETURN = r"""
checked_with:
  description: C(host_state) when the result came from the record, C(module) when the module ran.
  returned: success
  type: str
"""

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.scalemeet.jitsi.plugins.module_utils.call_record import DEFAULT_PATH, MAX_AGE, record
from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import StateFileError


def main():
    module = AnsibleModule(
        argument_spec=dict(
            module=dict(type="str", required=True),
            args=dict(type="dict", default={}),
            paths=dict(type="list", elements="path", required=True),
            host_state=dict(type="dict"),
            max_age=dict(type="int", default=MAX_AGE),
            record=dict(type="path", default=DEFAULT_PATH),
            # set by the action plugin: the digest of module and args, and the module's result
            _digest=dict(type="str"),
            _result=dict(type="dict"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params["_digest"] is None or params["_result"] is None:
        module.fail_json(msg="recorded_call records a call its action plugin ran; it does not run on its own")
    if not module.check_mode:
        try:
            record(params["record"], params["module"], params["_digest"], params["paths"], params["_result"],
                   time.time())
        except (StateFileError, OSError) as exc:
            module.fail_json(msg="%s: cannot record the call: %s" % (params["record"], exc))
    module.exit_json(changed=False)


if __name__ == "__main__":
    main()
