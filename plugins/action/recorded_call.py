# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of recorded_call: answers a repeated call from the run's host probe, else runs
the wrapped module and records its outcome on the host (call_record says what counts)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.scalemeet.jitsi.plugins.module_utils.call_record import (
    DEFAULT_PATH, MAX_AGE, answer, digest, outcome)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        module, module_args, paths = args.get("module"), args.get("args") or {}, args.get("paths")
        if not isinstance(module, str) or "." not in module or not isinstance(module_args, dict):
            raise AnsibleActionFail("recorded_call: module must be a module's full name and args a dict, got module=%r" % (module,))
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) and p.startswith("/") for p in paths):
            raise AnsibleActionFail("recorded_call: paths must be a non-empty list of absolute paths, got %r" % (paths,))
        call_digest = digest(module, module_args, paths)

        host_state = args.get("host_state")
        if isinstance(host_state, dict):
            recorded = answer(host_state.get("calls"), call_digest, int(args.get("max_age", MAX_AGE)))
            if recorded is not None:
                result.update(recorded, changed=False, checked_with="host_state")
                return result

        ran = self._execute_module(module_name=module, module_args=module_args, task_vars=task_vars)
        result.update(ran, checked_with="module")
        # Only a run that changed nothing is recorded: repeated on the same paths, it changes nothing
        # again and returns the same. A changing run's result (created: true...) would not be.
        # a --check run records nothing, even for a task under check_mode: false
        check_mode = bool(self._task.check_mode or self._play_context.check_mode or (task_vars or {}).get("ansible_check_mode"))
        if not any(ran.get(k) for k in ("failed", "skipped", "changed")) and not check_mode:
            # The record is a cache: failing to write it costs the next run a module run, no more.
            kept = self._execute_module(module_name="scalemeet.jitsi.recorded_call", task_vars=task_vars, module_args={
                "module": module, "paths": paths, "record": args.get("record", DEFAULT_PATH),
                "_digest": call_digest, "_result": outcome(ran)})
            if kept.get("failed"):
                result.setdefault("warnings", []).append(kept.get("msg", "recorded_call could not record the call"))
        return result
