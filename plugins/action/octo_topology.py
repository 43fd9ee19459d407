# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: validate the topology on the controller, touching no host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.scalemeet.jitsi.plugins.module_utils.topology import TopologyError, validate

ARGUMENT_SPEC = dict(
    regions=dict(type="dict", default={}),
    shards=dict(type="dict", default={}),
    bridges=dict(type="dict", default={}),
    region_groups=dict(type="dict", default={}),
    underlay_networks=dict(type="list", elements="str", default=[]),
    overlay=dict(type="str", choices=["auto", "none", "wireguard", "nebula"], default="auto"),
    lighthouses=dict(type="list", elements="str", default=[]),
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        validation = ArgumentSpecValidator(ARGUMENT_SPEC).validate(self._task.args)
        if validation.error_messages:
            result.update(failed=True, msg="octo_topology: " + "; ".join(validation.error_messages))
            return result
        try:
            model = validate(validation.validated_parameters)
        except TopologyError as exc:
            result.update(failed=True, msg=str(exc), problems=exc.problems)
            return result
        result.update(changed=False, topology=model)
        return result
