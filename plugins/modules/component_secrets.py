#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: component_secrets
short_description: Generate a deployment's component secrets once and keep them stable
version_added: 0.1.0
description:
  - Keeps every secret a Jitsi deployment needs (focus password, one XMPP password per bridge slot,
    TURN shared secret, JWT app secret, and any other named credential) in one JSON file on a
    managed host, usually the deployment's first signaling host.
  - The store never lives on the controller, so throwaway AWX job containers see the same values.
  - The first run generates values with a CSPRNG; later runs return the same values and report no
    change. A value the operator provides (for example from Vault) wins and is stored.
    O(rotate) regenerates exactly the named secrets.
  - The store is written atomically (temporary file, fsync, rename) under a file lock, so
    concurrent runs on a fresh store end with one set of values.
  - A corrupt, truncated or wrongly-shaped store fails naming the file; it is never regenerated,
    because new values would lock every bridge out.
  - "The module returns secret values, so the task B(must) set C(no_log: true); the module fails
    otherwise."
author:
  - scalemeet.jitsi maintainers (@scalemeet)
attributes:
  check_mode:
    support: full
    description: Reports what would be generated; generated values are not stored and not reused.
  diff_mode:
    support: full
    description: The diff lists secret names and what happened to each, never values.
  action:
    support: full
    description: Answers from O(known) or O(host_state) on the controller when it can.
options:
  deployment:
    description: Name of the deployment; the store file is C(<store_dir>/<deployment>.json).
    type: str
    required: true
  store_dir:
    description: Directory of the store on the managed host; created mode C(0700) when missing.
    type: path
    default: /var/lib/scalemeet/secrets
  focus:
    description: Manage C(focus_password), jicofo's XMPP password.
    type: bool
    default: true
  bridge_slots:
    description: Manage C(jvb_slot_NN_password) for slots 1 to this number (a shard's maximum bridges).
    type: int
    default: 0
  turn:
    description: Manage C(turn_secret), the TURN REST shared secret (hex).
    type: bool
    default: false
  jwt:
    description: Manage C(jwt_app_secret), the JWT application secret for token authentication.
    type: bool
    default: false
  secrets:
    description: Further secrets by name.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Secret name, lower case letters, digits and C(_), starting with a letter.
        type: str
        required: true
      kind:
        description:
          - C(password) is letters and digits (default length 32), safe unquoted in Lua, HOCON and shell.
          - C(hex) is lower-case hex (default length 64). C(token) adds C(-) and C(_) (default length 64).
        type: str
        choices: [password, hex, token]
        default: password
      length:
        description: Length of a generated value, 16 to 4096. Defaults per O(secrets[].kind).
        type: int
      value:
        description: Operator-provided value; wins over a stored one and is stored.
        type: str
  rotate:
    description: Names of secrets to regenerate in this run. Provided values cannot be rotated here.
    type: list
    elements: str
    default: []
  lock_timeout:
    description: Seconds to wait for another run's lock on the store.
    type: int
    default: 60
  known:
    description:
      - Name to value of what this run already read from the same store (an earlier task's C(secrets)).
        Never sent to the host.
      - When every requested secret is in it (a provided value equal to it) and O(rotate) is empty, the action
        plugin answers from it without a module run, with C(checked_with=run); otherwise the module runs.
      - Only for values read in the same run from the same store, after any rotation in that run. The secrets
        role keeps them per store host and deployment, so one run asks each store once.
    type: dict
  host_state:
    description:
      - The part C(secrets_stores) of M(scalemeet.jitsi.host_state)'s result on the store's host, taken earlier in the
        run (the filter C(scalemeet.jitsi.probe_part) gives it). Never sent to the host.
      - When O(known) cannot answer, the probe read this O(store_dir), the store was one the module would leave as it
        is, every requested secret is in it, none has a provided value and O(rotate) is empty, the action plugin
        answers from it without a module run, with C(checked_with=host_state); otherwise the module runs.
      - Only while nothing but this module has written the store since the probe, which holds for a probe of the same
        run, as the store is this module's own.
    type: dict
notes:
  - Secrets the store holds but this run does not request are kept, so shrinking O(bridge_slots)
    loses nothing.
seealso:
  - module: scalemeet.jitsi.bridge_slot
"""

EXAMPLES = r"""
- name: Secrets of the deployment, kept on the first signaling host
  scalemeet.jitsi.component_secrets:
    deployment: meet-prod
    bridge_slots: 20
    turn: true
  delegate_to: "{{ groups['signaling'] | first }}"
  run_once: true
  no_log: true
  register: jitsi_secrets

- name: Take the TURN secret from Vault, rotate the focus password
  scalemeet.jitsi.component_secrets:
    deployment: meet-prod
    turn: true
    secrets:
      - name: turn_secret
        kind: hex
        value: "{{ lookup('community.hashi_vault.hashi_vault', 'secret/meet:turn') }}"
    rotate: [focus_password]
  no_log: true
"""

RETURN = r"""
secrets:
  description: Name to value for every requested secret. Never print it.
  returned: success
  type: dict
  sample: {"focus_password": "...", "jvb_slot_01_password": "..."}
actions:
  description: What happened to each requested secret.
  returned: success
  type: dict
  sample: {"focus_password": "kept", "jvb_slot_01_password": "generated", "turn_secret": "provided"}
path:
  description: The store file.
  returned: when the module ran
  type: str
  sample: /var/lib/scalemeet/secrets/meet-prod.json
checked_with:
  description:
    - C(run) when the action plugin answered from O(known), C(host_state) when it answered from O(host_state), without
      a module run; C(module) otherwise.
  returned: success
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.scalemeet.jitsi.plugins.module_utils.secrets_store import (
    DEFAULT_STORE_DIR,
    SecretsError,
    ensure,
    requested_specs,
)
from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import StateFileError


def _diff(result):
    def render(names, actions):
        return "".join("%s%s\n" % (n, " (%s)" % actions[n] if actions.get(n, "kept") != "kept" else "") for n in names)

    return {
        "before_header": "secret names",
        "after_header": "secret names",
        "before": render(result["names_before"], {}),
        "after": render(result["names_after"], result["actions"]),
    }


def main():
    module = AnsibleModule(
        argument_spec=dict(
            deployment=dict(type="str", required=True),
            store_dir=dict(type="path", default=DEFAULT_STORE_DIR),
            focus=dict(type="bool", default=True),
            bridge_slots=dict(type="int", default=0),
            turn=dict(type="bool", default=False),
            jwt=dict(type="bool", default=False),
            secrets=dict(
                type="list",
                elements="dict",
                default=[],
                no_log=False,  # holds names; each value is no_log below
                options=dict(
                    name=dict(type="str", required=True),
                    kind=dict(type="str", choices=["password", "hex", "token"], default="password"),
                    length=dict(type="int"),
                    value=dict(type="str", no_log=True),
                ),
            ),
            rotate=dict(type="list", elements="str", default=[], no_log=False),
            lock_timeout=dict(type="int", default=60),
            known=dict(type="dict", no_log=True),  # the action plugin's; it never sends it
            host_state=dict(type="dict", no_log=True),  # the action plugin's; it never sends it
        ),
        supports_check_mode=True,
    )
    p = module.params
    if not module.no_log:
        module.fail_json(msg="component_secrets returns secret values: set no_log: true on the task")
    if p["bridge_slots"] < 0 or p["bridge_slots"] > 999:
        module.fail_json(msg="bridge_slots=%d must be from 0 to 999" % p["bridge_slots"])
    if "/" in p["deployment"] or not p["deployment"].strip() or p["deployment"].startswith("."):
        module.fail_json(msg="deployment %r must be a plain name (it names the store file)" % p["deployment"])

    specs = requested_specs(bridge_slots=p["bridge_slots"], focus=p["focus"], turn=p["turn"], jwt=p["jwt"],
                            extra=p["secrets"])
    path = "%s/%s.json" % (p["store_dir"].rstrip("/"), p["deployment"])
    try:
        result = ensure(path, p["deployment"], specs, rotate=p["rotate"], check_mode=module.check_mode,
                        lock_timeout=p["lock_timeout"])
    except (SecretsError, StateFileError) as exc:
        module.fail_json(msg=str(exc), path=path)

    output = dict(changed=result["changed"], secrets=result["secrets"], actions=result["actions"], path=path)
    if module._diff:
        output["diff"] = _diff(result)
    module.exit_json(**output)


if __name__ == "__main__":
    main()
