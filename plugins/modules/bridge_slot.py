#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: bridge_slot
short_description: Register a videobridge into a numbered slot of its shard
version_added: 0.1.0
description:
  - Prosody holds one bridge account per slot, up to the shard's maximum, from the start; a bridge
    that joins only claims a free slot, so nothing on the signaling host reloads when bridges scale.
  - The registry is a JSON file per shard on the shard's signaling host (run the module there with
    C(delegate_to)), written atomically under a file lock, so bridges registering at the same time
    get distinct slots.
  - The same bridge gets the same slot on every run. O(state=absent) releases it.
  - When the shard is full the module fails naming the shard, its maximum and the bridge that did
    not fit.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
attributes:
  check_mode:
    support: full
    description: Reports the slot that would be claimed or released without writing the registry.
  diff_mode:
    support: full
    description: Shows the shard's slot map before and after.
options:
  shard:
    description: The shard, one DNS label. Names the registry file C(<registry_dir>/<shard>.json).
    type: str
    required: true
  bridge:
    description: The bridge claiming or releasing a slot, usually C(inventory_hostname).
    type: str
    required: true
  max_bridges:
    description: The shard's maximum number of bridges (slots 1 to this number).
    type: int
    required: true
  state:
    description: C(present) claims (or keeps) a slot, C(absent) releases it.
    type: str
    choices: [present, absent]
    default: present
  registry_dir:
    description: Directory of the registries on the signaling host; created mode C(0700) when missing.
    type: path
    default: /var/lib/scalemeet/slots
  lock_timeout:
    description: Seconds to wait for another run's lock on the registry.
    type: int
    default: 60
seealso:
  - module: scalemeet.jitsi.component_secrets
"""

EXAMPLES = r"""
- name: Claim a slot on the shard's signaling host
  scalemeet.jitsi.bridge_slot:
    shard: "{{ jvb_shard }}"
    bridge: "{{ inventory_hostname }}"
    max_bridges: "{{ hostvars[shard_signal_host].prosody_max_bridges }}"
  delegate_to: "{{ shard_signal_host }}"
  register: slot

- name: Use it
  ansible.builtin.debug:
    msg: "{{ slot.slot.account }} relays as {{ slot.slot.relay_id }}"

- name: Release the slot after draining the bridge
  scalemeet.jitsi.bridge_slot:
    shard: shard1
    bridge: "{{ inventory_hostname }}"
    max_bridges: 20
    state: absent
  delegate_to: "{{ shard_signal_host }}"
"""

RETURN = r"""
slot:
  description: The claimed slot and what derives from it; null after a release.
  returned: success
  type: dict
  contains:
    slot:
      description: Slot number, 1-based.
      type: int
      sample: 3
    account:
      description: XMPP account (node part) on C(auth.<domain>).
      type: str
      sample: jvb-03
    nickname:
      description: Nickname in the brewery MUC.
      type: str
      sample: jvb-03
    relay_id:
      description: Relay id, unique across the deployment.
      type: str
      sample: shard1-jvb-03
released:
  description: Slot number released by O(state=absent), or null.
  returned: success
  type: int
slots:
  description: Slot number to bridge after this run.
  returned: success
  type: dict
  sample: {"1": "jvb-a1", "3": "jvb-a3"}
free:
  description: Free slots left up to O(max_bridges).
  returned: success
  type: int
  sample: 17
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.scalemeet.jitsi.plugins.module_utils.slot_registry import SlotError, ensure
from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import StateFileError


def _render(slots):
    return "".join("%d %s\n" % (n, slots[n]) for n in sorted(slots))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            shard=dict(type="str", required=True),
            bridge=dict(type="str", required=True),
            max_bridges=dict(type="int", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            registry_dir=dict(type="path", default="/var/lib/scalemeet/slots"),
            lock_timeout=dict(type="int", default=60),
        ),
        supports_check_mode=True,
    )
    p = module.params
    try:
        result = ensure(p["registry_dir"], p["shard"], p["bridge"], p["max_bridges"], state=p["state"],
                        check_mode=module.check_mode, lock_timeout=p["lock_timeout"])
    except (SlotError, StateFileError) as exc:
        module.fail_json(msg=str(exc), shard=p["shard"], bridge=p["bridge"], max_bridges=p["max_bridges"])

    output = dict(
        changed=result["changed"],
        slot=result["slot"],
        released=result["released"],
        slots=dict((str(n), b) for n, b in result["slots"].items()),
        free=result["free"],
        path=result["path"],
    )
    if module._diff:
        output["diff"] = dict(before=_render(result["slots_before"]), after=_render(result["slots"]),
                              before_header=result["path"], after_header=result["path"])
    module.exit_json(**output)


if __name__ == "__main__":
    main()
