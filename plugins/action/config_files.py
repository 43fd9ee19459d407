# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of config_files: renders the files given as templates, then answers from the
run's host probe when it can, so a run with nothing to change skips the module run (the largest
cost of such a run, docs/performance.md).

Without host_state, or when any path is not recorded, not intact or asked for otherwise, or a
unit of services is not enabled and active per the probe's services part, the module runs as it
would without this plugin; host_state itself never goes to the host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.template import generate_ansible_template_vars, trust_as_template

from ansible_collections.scalemeet.jitsi.plugins.module_utils.config_files_record import entries, unchanged
from ansible_collections.scalemeet.jitsi.plugins.plugin_utils.probe_answered_action import ProbeAnsweredAction
from ansible_collections.scalemeet.jitsi.plugins.plugin_utils.systemctl_show import needs_action


class ActionModule(ProbeAnsweredAction):
    MODULE = "scalemeet.jitsi.config_files"

    def prepare(self, args, task_vars):
        files = args.get("files")
        if isinstance(files, list):
            args["files"] = [self._rendered(f, task_vars) if isinstance(f, dict) and "template" in f else f for f in files]
        return args

    def answer(self, host_state, args):
        wanted = entries(args.get("directories") or [], args.get("files") or [],
                         args.get("links") or [], args.get("absent") or [])
        if wanted is None or not unchanged(wanted, host_state.get("config_files")):
            return None
        services = args.get("services") or []
        if services and not isinstance(services, list):
            return None  # the module names what is wrong
        try:
            if any(needs_action(unit, host_state.get("services")) for unit in services):
                return None
        except AnsibleError:  # no unit name, or a query it cannot read: the module decides
            return None
        return {"changed_paths": [], "started_services": []}

    def _rendered(self, entry, task_vars):
        """The entry with the template's rendering as its content, as ansible.builtin.template's
        lookup renders it (trim_blocks, ansible_managed and the template_* variables)."""
        name, path = entry["template"], entry.get("path")
        if "content" in entry:
            raise AnsibleActionFail("config_files: %s has both content and template %s; give one" % (path, name))
        try:
            source = self._find_needle("templates", name)
        except AnsibleError as exc:
            raise AnsibleActionFail("config_files: the template %s of %s: %s" % (name, path, exc))
        searchpath = [os.path.dirname(source)]
        for directory in task_vars.get("ansible_search_path") or []:
            searchpath += [os.path.join(directory, "templates"), directory]
        # A shallow copy: the template lookup deep-copies every variable of the task for each file,
        # which costs more than rendering it.
        variables = dict(task_vars)
        generated = generate_ansible_template_vars(name, source)
        if "ansible_managed" in variables:  # set by the operator: theirs, as the lookup keeps it
            del generated["ansible_managed"]
        variables.update(generated)
        templar = self._templar.copy_with_new_env(searchpath=searchpath, available_variables=variables)
        content = templar.template(trust_as_template(self._loader.get_text_file_contents(source)),
                                   escape_backslashes=False, overrides=dict(trim_blocks=True))
        rendered = dict((k, v) for k, v in entry.items() if k != "template")
        rendered["content"] = content if content is not None else ""
        return rendered
