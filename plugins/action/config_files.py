# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of config_files: answers from the run's host probe when it can, so a run with
nothing to change skips the module run (the largest cost of such a run, docs/performance.md).

Without host_state, or when any path is not recorded, not intact or asked for otherwise, the
module runs as it would without this plugin; host_state itself never goes to the host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

from ansible_collections.scalemeet.jitsi.plugins.module_utils.config_files_record import entries, unchanged


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        host_state = args.pop("host_state", None)
        if isinstance(host_state, dict):
            wanted = entries(args.get("directories") or [], args.get("files") or [],
                             args.get("links") or [], args.get("absent") or [])
            if wanted is not None and unchanged(wanted, host_state.get("config_files")):
                result.update(changed=False, changed_paths=[], checked_with="host_state")
                return result
        result.update(self._execute_module(module_name="scalemeet.jitsi.config_files", module_args=args,
                                           task_vars=task_vars))
        return result
