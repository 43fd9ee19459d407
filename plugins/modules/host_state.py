#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: host_state
short_description: Probe a host once for what every role's checks read
version_added: 0.2.0
description:
  - In one module run, lists the installed packages (dpkg), the services' states (systemd), PID 1's
    open-file limit, whether each path M(scalemeet.jitsi.config_files) manages is still what it
    last made of it, whether the paths of each call M(scalemeet.jitsi.recorded_call) recorded are still as
    that call left them, where HAProxy runs, its servers' states, and the component secrets stores on the host.
  - Roles read the result through filters (C(packages_missing), C(installed_version),
    C(service_needs_action)) and pass it to M(scalemeet.jitsi.config_files), M(scalemeet.jitsi.recorded_call),
    M(scalemeet.jitsi.haproxy_drain) and M(scalemeet.jitsi.component_secrets) as their
    O(scalemeet.jitsi.config_files#module:host_state),
    so that a run with nothing to change starts a module only where something differs.
  - Read only. Register the result, do not cache it as a fact; it describes the host at the start of one run.
  - With O(gather_subset), the same run also gathers the host's facts as M(ansible.builtin.setup) would, so a
    play can gather facts and probe in one module run; C(site.yml) does.
  - The result holds SHA-256 digests of managed files, some of which hold secrets, and the secrets of the stores
    on the host; run it with C(no_log).
author:
  - scalemeet.jitsi maintainers (@scalemeet)
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so has nothing to show.
options:
  record:
    description: The record M(scalemeet.jitsi.config_files) keeps; an empty string skips the paths.
    type: path
    default: /var/lib/scalemeet/config_files.json
  calls:
    description: The record M(scalemeet.jitsi.recorded_call) keeps; an empty string skips the calls.
    type: path
    default: /var/lib/scalemeet/calls.json
  haproxy_socket:
    description:
      - HAProxy's runtime API socket. Where it exists and HAProxy answers, the probe reads its servers' states, so
        M(scalemeet.jitsi.haproxy_drain) needs no module run when the drains are as wanted.
      - The default is where Debian's HAProxy and the C(haproxy) role put it; an empty string skips it.
    type: path
    default: /run/haproxy/admin.sock
  secrets_store_dir:
    description:
      - The directory of M(scalemeet.jitsi.component_secrets)' stores. The probe reads each store the module would
        leave as it is (mode C(0600), valid, named after its deployment), so a request for secrets it holds needs no
        module run; an empty string skips the stores.
    type: path
    default: /var/lib/scalemeet/secrets
  gather_subset:
    description:
      - The facts to gather as well, with M(ansible.builtin.setup)'s O(ansible.builtin.setup#module:gather_subset)
        values and meaning (V(all), V(!hardware), V(network), ...).
      - An empty list gathers none; that is the default.
    type: list
    elements: str
    default: []
  gather_timeout:
    description: Seconds each fact collector may take, as M(ansible.builtin.setup)'s option of that name.
    type: int
    default: 10
notes:
  - The facts are returned as RV(ansible_facts), so they become the host's facts, and a fact cache keeps them as it
    keeps what M(ansible.builtin.setup) gathers; the rest of the result is only registered.
"""

EXAMPLES = r"""
- name: Probe the host once for the roles' checks
  scalemeet.jitsi.host_state:
  register: common_host_state
  no_log: true

- name: Probe the host and gather all its facts in the same module run
  scalemeet.jitsi.host_state:
    gather_subset: [all]
  register: common_host_state
  no_log: true

- name: Install nginx when it is missing
  ansible.builtin.apt:
    name: nginx-light
  when: "['nginx-light'] | scalemeet.jitsi.packages_missing(common_host_state.packages) | length > 0"
"""

RETURN = r"""
packages:
  description: dpkg's list, a line per package, C(name<TAB>version<TAB>status).
  returned: success
  type: str
services:
  description: C(systemctl show) of every loaded service, properties Id, ActiveState and UnitFileState.
  returned: success
  type: str
pid1_open_files:
  description: PID 1's hard open-file limit, a number or C(unlimited); null when the kernel does not show it.
  returned: success
  type: str
  sample: "524288"
config_files:
  description: Each recorded path, as last made (kind, owner, group, mode, sha256 or src), and C(intact), whether it still is.
  returned: success
  type: dict
  sample: {"/etc/nginx/sites-enabled/default": {"kind": "absent", "intact": true}}
haproxy:
  description: The socket asked and HAProxy's servers by backend (C(backends)), each with its C(id), C(admin_state)
    and C(op_state) (the numbers of C(show servers state)); null where the socket is missing or HAProxy did not answer.
  returned: success
  type: dict
  sample: {"socket": "/run/haproxy/admin.sock", "backends": {"shards": {"shard1": {"id": 1, "admin_state": 0, "op_state": 2}}}}
secrets_stores:
  description:
    - The store directory read (C(dir)) and, by deployment, the name and value of every secret of each store the
      module would leave as it is (C(stores)); null when O(secrets_store_dir) is empty.
    - Secret values; never log them.
  returned: success
  type: dict
  sample: {"dir": "/var/lib/scalemeet/secrets", "stores": {"scalemeet": {"focus_password": "..."}}}
ansible_facts:
  description: The facts O(gather_subset) asked for, as M(ansible.builtin.setup) returns them.
  returned: when O(gather_subset) is not empty
  type: dict
  sample: {"ansible_distribution": "Debian", "ansible_memtotal_mb": 24000}
calls:
  description: Each call M(scalemeet.jitsi.recorded_call) recorded, by the digest of its module, arguments and
    paths, with the module, its result, its C(age) in seconds and C(intact), whether every path is still as the
    call left it.
  returned: success
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.scalemeet.jitsi.plugins.module_utils import call_record
from ansible_collections.scalemeet.jitsi.plugins.module_utils.config_files_record import DEFAULT_PATH
from ansible_collections.scalemeet.jitsi.plugins.module_utils.haproxy_runtime import DEFAULT_SOCKET
from ansible_collections.scalemeet.jitsi.plugins.module_utils.host_state import HostStateError, collect_facts, gather
from ansible_collections.scalemeet.jitsi.plugins.module_utils.secrets_store import DEFAULT_STORE_DIR


def main():
    module = AnsibleModule(
        argument_spec=dict(record=dict(type="path", default=DEFAULT_PATH),
                           calls=dict(type="path", default=call_record.DEFAULT_PATH),
                           haproxy_socket=dict(type="path", default=DEFAULT_SOCKET),
                           secrets_store_dir=dict(type="path", default=DEFAULT_STORE_DIR),
                           gather_subset=dict(type="list", elements="str", default=[]),
                           gather_timeout=dict(type="int", default=10)),
        supports_check_mode=True,
    )
    try:
        # LC_ALL=C: the filters read systemctl's and dpkg's words, not a translation
        result = gather(lambda argv: module.run_command(argv, environ_update={"LC_ALL": "C"}),
                        module.params["record"], module.params["calls"],
                        haproxy_socket=module.params["haproxy_socket"],
                        secrets_store_dir=module.params["secrets_store_dir"])
        facts = collect_facts(module, module.params["gather_subset"], module.params["gather_timeout"])
    except HostStateError as exc:
        module.fail_json(msg=str(exc))
    if facts:
        result["ansible_facts"] = facts
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
