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

from ansible_collections.scalemeet.jitsi.plugins.module_utils.config_files_record import entries, unchanged
from ansible_collections.scalemeet.jitsi.plugins.plugin_utils.probe_answered_action import ProbeAnsweredAction


class ActionModule(ProbeAnsweredAction):
    MODULE = "scalemeet.jitsi.config_files"

    def answer(self, host_state, args):
        wanted = entries(args.get("directories") or [], args.get("files") or [],
                         args.get("links") or [], args.get("absent") or [])
        if wanted is not None and unchanged(wanted, host_state.get("config_files")):
            return {"changed_paths": []}
        return None
