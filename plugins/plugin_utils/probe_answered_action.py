# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base of the action plugins that answer from the run's host probe (host_state) when the module
would change nothing, and otherwise run their module as if the plugin were not there. The
probe never goes to the host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase


class ProbeAnsweredAction(ActionBase):
    TRANSFERS_FILES = False
    MODULE = None  # the module's full name

    def prepare(self, args, task_vars):
        """The module's arguments as the module takes them (the task's, by default)."""
        return args

    def answer(self, host_state, args):
        """The result the module would return, changing nothing, or None to run the module."""
        raise NotImplementedError

    def run(self, tmp=None, task_vars=None):
        result = super(ProbeAnsweredAction, self).run(tmp, task_vars)
        args = dict(self._task.args)
        host_state = args.pop("host_state", None)
        args = self.prepare(args, task_vars)
        known = self.answer(host_state, args) if isinstance(host_state, dict) else None
        if known is not None:
            result.update(known, changed=False, checked_with="host_state")
            return result
        result.update(self._execute_module(module_name=self.MODULE, module_args=args, task_vars=task_vars))
        return result
