#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: haproxy_reload
short_description: Reload HAProxy hitlessly and fail when the new configuration did not load
version_added: 0.1.0
description:
  - Saves the server state (drains) to HAProxy's server-state file, reloads the service
    (master-worker - listeners and the stick table pass to the new worker) and waits until the master
    reports a new worker.
  - A reload whose configuration fails to load at run time (for example a resource limit that
    C(haproxy -c) cannot see) keeps the old worker, and systemd still reports success; this module
    fails instead, naming the old worker.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
attributes:
  check_mode:
    support: full
    description: Reports a reload without doing it.
  diff_mode:
    support: none
    description: Nothing to diff.
options:
  service:
    description: The systemd service.
    type: str
    default: haproxy
  master_socket:
    description: The master CLI socket (C(-S) of Debian's unit).
    type: path
    default: /run/haproxy-master.sock
  socket:
    description: The admin socket, to save the server state from.
    type: path
    default: /run/haproxy/admin.sock
  save_state_to:
    description: HAProxy's C(server-state-file); written before the reload when set.
    type: path
  timeout:
    description: Seconds to wait for the new worker.
    type: int
    default: 15
"""

EXAMPLES = r"""
- name: Reload HAProxy
  scalemeet.jitsi.haproxy_reload:
    save_state_to: /var/lib/haproxy/server-state
"""

RETURN = r"""
new_workers:
  description: PIDs of the workers started by the reload.
  returned: success
  type: list
  elements: int
  sample: [4242]
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.scalemeet.jitsi.plugins.module_utils.haproxy_runtime import DEFAULT_SOCKET, RuntimeApiError, reload, save_state
from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import StateFileError


def main():
    module = AnsibleModule(
        argument_spec=dict(
            service=dict(type="str", default="haproxy"),
            master_socket=dict(type="path", default="/run/haproxy-master.sock"),
            socket=dict(type="path", default=DEFAULT_SOCKET),
            save_state_to=dict(type="path"),
            timeout=dict(type="int", default=15),
        ),
        supports_check_mode=True,
    )
    p = module.params
    if module.check_mode:
        module.exit_json(changed=True, new_workers=[])

    def trigger():
        rc, out, err = module.run_command(["systemctl", "reload", p["service"]])
        if rc != 0:
            raise RuntimeApiError("systemctl reload %s failed: %s" % (p["service"], (err or out).strip()))

    try:
        if p["save_state_to"] and os.path.exists(p["socket"]):
            save_state(p["socket"], p["save_state_to"])
        new = reload(p["master_socket"], trigger, timeout=p["timeout"])
    except (RuntimeApiError, StateFileError) as exc:
        module.fail_json(msg=str(exc), service=p["service"])
    module.exit_json(changed=True, new_workers=new)


if __name__ == "__main__":
    main()
