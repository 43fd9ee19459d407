#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: haproxy_drain
short_description: Drain shards in HAProxy through its runtime API, and save the server state
version_added: 0.1.0
description:
  - Makes exactly the listed servers of a backend drained (HAProxy's admin state DRAIN) and the
    others ready. A drained shard gets no new rooms; rooms that already have a stick-table entry keep
    reaching it.
  - Only clears a drain the module controls; a server an operator put in maintenance stays there.
  - With O(save_state_to) it also writes C(show servers state) to HAProxy's server-state file, so a
    reload (C(load-server-state-from-file)) keeps the drain.
  - Talks to the admin socket on the managed host; run it on every HAProxy node.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
attributes:
  check_mode:
    support: full
    description: Reports the commands it would send without sending them.
  diff_mode:
    support: full
    description: Shows the drained servers before and after.
options:
  backend:
    description: The backend holding one server per shard.
    type: str
    default: shards
  drained:
    description:
      - Names of the servers (shards) to drain; every other server of the backend is made ready.
      - Omitted, no drain state changes (only O(save_state_to) is written).
    type: list
    elements: str
  socket:
    description: HAProxy's admin socket.
    type: path
    default: /run/haproxy/admin.sock
  wait_timeout:
    description: Seconds to wait for the backend to appear on the socket (a reload that just happened).
    type: int
    default: 15
  save_state_to:
    description: Write the server state here after the change (HAProxy's C(server-state-file)).
    type: path
  host_state:
    description:
      - The result of M(scalemeet.jitsi.host_state) on this host, taken earlier in the run, with the servers it read
        from the same O(socket).
      - When it shows exactly O(drained) drained on O(backend), the action plugin answers unchanged without starting
        the module. No command is sent then, and O(save_state_to) is not rewritten (it was written with the last
        change, and every reload through M(scalemeet.jitsi.haproxy_reload) writes it).
      - Leave it out when this run may have changed the servers since the probe, for example by installing HAProxy
        or writing a new configuration.
      - Read by the action plugin on the controller; never sent to the host.
    type: dict
"""

EXAMPLES = r"""
- name: Take shard2 out for new rooms on every HAProxy node
  scalemeet.jitsi.haproxy_drain:
    drained: [shard2]
    wait_timeout: 30
    save_state_to: /var/lib/haproxy/server-state

- name: Drain what the inventory lists, answered from the run's host probe when nothing changes
  scalemeet.jitsi.haproxy_drain:
    drained: "{{ haproxy_drained_shards }}"
    save_state_to: /var/lib/haproxy/server-state
    host_state: "{{ common_host_state }}"  # registered from scalemeet.jitsi.host_state
"""

RETURN = r"""
drained:
  description: Drained servers after the run (empty when O(drained) is omitted).
  returned: success
  type: list
  elements: str
  sample: [shard2]
checked_with:
  description: C(host_state) when the action plugin answered from the probe (no module ran).
  returned: when answered from the probe
  type: str
  sample: host_state
commands:
  description: Runtime API commands sent (or, in check mode, that would be sent).
  returned: success
  type: list
  elements: str
  sample: ["set server shards/shard2 state drain"]
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.scalemeet.jitsi.plugins.module_utils.haproxy_runtime import (
    DEFAULT_SOCKET, RuntimeApiError, ensure_drained, save_state)
from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import StateFileError


def main():
    module = AnsibleModule(
        argument_spec=dict(
            backend=dict(type="str", default="shards"),
            drained=dict(type="list", elements="str"),
            socket=dict(type="path", default=DEFAULT_SOCKET),
            save_state_to=dict(type="path"),
            wait_timeout=dict(type="int", default=15),
            host_state=dict(type="dict"),  # read by the action plugin, which never sends it
        ),
        supports_check_mode=True,
    )
    p = module.params
    result = dict(changed=False, before=[], after=[], commands=[])
    try:
        if p["drained"] is not None:
            result = ensure_drained(p["socket"], p["backend"], p["drained"], check_mode=module.check_mode,
                                    timeout=p["wait_timeout"])
        if p["save_state_to"] and not module.check_mode and os.path.exists(p["socket"]):
            save_state(p["socket"], p["save_state_to"])
    except (RuntimeApiError, StateFileError) as exc:
        module.fail_json(msg=str(exc), backend=p["backend"], drained=p["drained"])
    output = dict(changed=result["changed"], drained=result["after"], commands=result["commands"])
    if module._diff:
        output["diff"] = dict(before="".join(n + "\n" for n in result["before"]),
                              after="".join(n + "\n" for n in result["after"]))
    module.exit_json(**output)


if __name__ == "__main__":
    main()
