# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of component_secrets: answers a request from what the same run already read
from the same store (known), or from the store as the run's host probe read it (host_state), so
a run that changes no secret starts no module; anything else runs the module. Neither known nor
host_state ever goes to the host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.scalemeet.jitsi.plugins.module_utils.secrets_store import (
    DEFAULT_STORE_DIR,
    known_answer,
    probed_answer,
    requested_specs,
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    @staticmethod
    def _specs(args):
        try:
            return requested_specs(bridge_slots=int(args.get("bridge_slots", 0)),
                                   focus=boolean(args.get("focus", True)), turn=boolean(args.get("turn", False)),
                                   jwt=boolean(args.get("jwt", False)), extra=args.get("secrets") or [])
        except (TypeError, ValueError, KeyError, AttributeError):
            return None  # the module names what is wrong

    def _answer(self, args, known, host_state):
        """(secrets, checked_with) without a module run, or (None, None)."""
        specs = self._specs(args)
        rotate = args.get("rotate") or []
        if specs is None:
            return None, None
        if known is not None:
            # this run's module wrote the store after the probe: what the probe read may be stale
            answer = known_answer(known, specs, rotate)
            return (answer, "run") if answer is not None else (None, None)
        probed = (host_state or {}).get("secrets_stores")
        answer = probed_answer(probed, args.get("store_dir") or DEFAULT_STORE_DIR, args.get("deployment"), specs, rotate)
        return (answer, "host_state") if answer is not None else (None, None)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        known, host_state = args.pop("known", None), args.pop("host_state", None)
        if known is not None or host_state is not None:
            if not self._play_context.no_log:
                raise AnsibleActionFail("component_secrets returns secret values: set no_log: true on the task")
            answer, checked_with = self._answer(args, known, host_state)
            if answer is not None:
                result.update(changed=False, secrets=answer, actions=dict((n, "kept") for n in answer),
                              checked_with=checked_with)
                return result
        result.update(self._execute_module(module_name="scalemeet.jitsi.component_secrets", module_args=args,
                                           task_vars=task_vars))
        result["checked_with"] = "module"
        return result
