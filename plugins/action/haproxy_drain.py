# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of haproxy_drain: answers from the run's host probe when the drains are already
as asked, so a run with nothing to change skips the module run (docs/performance.md).

The probe read the same socket's servers at the start of the run; the calling role leaves it out
after a change that can move them (an install, a new configuration). Without it, or when any
command would be sent, or the probe read another socket, the module runs as it would without
this plugin; host_state itself never goes to the host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.scalemeet.jitsi.plugins.module_utils.haproxy_runtime import DEFAULT_SOCKET, RuntimeApiError, plan_drains
from ansible_collections.scalemeet.jitsi.plugins.plugin_utils.probe_answered_action import ProbeAnsweredAction


def answer(host_state, backend, socket, wanted):
    """The module's result when the probe shows exactly `wanted` drained on this socket's backend,
    else None (the module then asks HAProxy, and names what is wrong)."""
    probed = (host_state or {}).get("haproxy") or {}
    servers = (probed.get("backends") or {}).get(backend)
    if wanted is None or probed.get("socket") != socket or not servers:
        return None
    try:
        before, commands = plan_drains(servers, backend, wanted)
    except RuntimeApiError:
        return None
    if commands:
        return None
    return {"changed": False, "drained": sorted(wanted), "commands": [], "before": before}


class ActionModule(ProbeAnsweredAction):
    MODULE = "scalemeet.jitsi.haproxy_drain"

    def answer(self, host_state, args):
        known = answer(host_state, args.get("backend") or "shards", args.get("socket") or DEFAULT_SOCKET,
                       args.get("drained"))
        if known is None:
            return None
        before = known.pop("before")
        if self._task.diff:
            known["diff"] = dict(before="".join(n + "\n" for n in before),
                                 after="".join(n + "\n" for n in known["drained"]))
        return known
