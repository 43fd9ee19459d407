# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of component_secrets: answers a request from what the same run already read
from the same store (known), so one run asks each store once; anything else runs the module.
known itself never goes to the host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.scalemeet.jitsi.plugins.module_utils.secrets_store import known_answer, requested_specs


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def _answer(self, args, known):
        try:
            specs = requested_specs(bridge_slots=int(args.get("bridge_slots", 0)),
                                    focus=boolean(args.get("focus", True)), turn=boolean(args.get("turn", False)),
                                    jwt=boolean(args.get("jwt", False)), extra=args.get("secrets") or [])
        except (TypeError, ValueError, KeyError, AttributeError):
            return None  # the module names what is wrong
        return known_answer(known, specs, args.get("rotate") or [])

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        known = args.pop("known", None)
        if known is not None:
            if not self._play_context.no_log:
                raise AnsibleActionFail("component_secrets returns secret values: set no_log: true on the task")
            answer = self._answer(args, known)
            if answer is not None:
                result.update(changed=False, secrets=answer, actions=dict((n, "kept") for n in answer),
                              checked_with="run")
                return result
        result.update(self._execute_module(module_name="scalemeet.jitsi.component_secrets", module_args=args,
                                           task_vars=task_vars))
        result["checked_with"] = "module"
        return result
