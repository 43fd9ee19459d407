# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: the calling role's argument spec and its own checks, in one task round.

Ansible validates a role's meta/argument_specs.yml in a task of its own at the role's start, a
round on every host; the role's checks of what a spec cannot say (patterns, ranges, one option
against another) are a second. This plugin does both, the spec first, the way Ansible's own
validate_argument_spec action does (same validator, same messages), so the collection imports its
roles with rolespec_validate false (docs/performance.md). Imported any other way, Ansible's own
validation runs first and this one finds nothing more.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase


def argument_errors(options, task_vars, template):
    """Ansible's messages for the role variables of task_vars that the spec's options reject; a
    variable that is not set is checked as Ansible checks it (required, or left to its default)."""
    values = template({name: task_vars[name] for name in options if name in task_vars})
    return ArgumentSpecValidator(options).validate(values, validate_role_argument_spec=True).error_messages


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    @classmethod
    def finalize_task_arg(cls, name, value, *args, **kwargs):
        """fail_msg is rendered by run(), after the spec passed: a message reading an option of the
        wrong type would otherwise fail before the spec could name it. ansible-core 2.19 calls this
        hook (marked experimental) for each argument, as its assert action does for `that`;
        without it, fail_msg is rendered with the other arguments, which only loses that order."""
        if name == "fail_msg":
            return value
        return super(ActionModule, cls).finalize_task_arg(name, value, *args, **kwargs)

    def _spec_options(self, task_vars, entry_point):
        role_path = task_vars.get("role_path")
        if not role_path:
            raise AnsibleActionFail("validate_role_input runs only inside a role")
        path = os.path.join(role_path, "meta", "argument_specs.yml")
        specs = (self._loader.load_from_file(path) or {}).get("argument_specs") or {}
        if entry_point not in specs:
            raise AnsibleActionFail("%s has no entry point %r" % (path, entry_point))
        return specs[entry_point].get("options") or {}

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        task_vars = task_vars or {}
        _validation, args = self.validate_argument_spec(argument_spec=dict(
            that=dict(type="list", elements="raw", default=[]),
            fail_msg=dict(type="str", default="a check of the role's input failed"),
            entry_point=dict(type="str", default="main"),
        ))
        where = "host %s: role %s" % (task_vars.get("inventory_hostname"), task_vars.get("ansible_role_name"))
        errors = argument_errors(self._spec_options(task_vars, args["entry_point"]), task_vars, self._templar.template)
        if errors:
            result.update(failed=True, argument_errors=errors,
                          msg="%s: validation of arguments failed: %s" % (where, "; ".join(errors)))
            return result
        for condition in args["that"]:
            if not self._templar.evaluate_conditional(conditional=condition):
                result.update(failed=True, assertion=condition, msg=self._templar.template(args["fail_msg"]))
                return result
        result.update(changed=False, msg="%s: the input is valid" % where)
        return result
