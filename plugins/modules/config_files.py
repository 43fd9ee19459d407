#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: config_files
short_description: Make a role's directories, configuration files and links so, in one module run
version_added: 0.2.0
description:
  - Creates the listed directories and writes the listed files (contents rendered on the controller,
    for example with the C(ansible.builtin.template) lookup), then sets owner, group and mode, changing
    only what differs.
  - One module run for all of them, where a task per file costs a module run each (two for
    C(ansible.builtin.template)); on a run with nothing to change that cost is most of the run.
  - New contents replace a file by an atomic rename of a temporary file in the same directory,
    after the file's O(files[].validate) command accepted it.
  - Then makes the listed symbolic links (a changed target by an atomic rename of a new link) and
    removes the listed paths that should not be there.
  - Last, enables and starts the listed O(services) that are not enabled or not running (after a
    C(systemctl daemon-reload) when a path it wrote is a unit file), so the service these files
    configure runs without a task of its own. Restarting a service for new contents is left to the
    calling role's handler, which O(files) changes notify.
  - Every path is checked (owners, groups, modes, parents, what is in the way) before any is changed.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
attributes:
  check_mode:
    support: full
    description: Reports what would change without changing it.
  diff_mode:
    support: full
    description: Contents before and after for each file whose contents change (not for O(files[].secret) ones), attributes otherwise.
options:
  directories:
    description: Directories, created in the order given (parents first).
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Absolute path.
        type: path
        required: true
      owner: &owner
        description: User name.
        type: str
        default: root
      group: &group
        description: Group name.
        type: str
        default: root
      mode:
        description: Octal mode, as a string.
        type: str
        default: "0755"
  files:
    description: Files and their whole contents.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Absolute path; its directory must exist or be listed in O(directories).
        type: path
        required: true
      content:
        description: The whole contents. Give this or O(files[].template).
        type: str
      template:
        description:
          - A template, found and rendered on the controller as the C(ansible.builtin.template) lookup
            does (in the role's C(templates) directory first, C(trim_blocks), C(ansible_managed)), whose
            rendering is the whole contents. Give this or O(files[].content).
          - Cheaper than O(files[].content) set with that lookup, which copies every variable of the
            task for each file it renders.
          - The action plugin renders it; the module receives the rendering as O(files[].content).
        type: str
      owner: *owner
      group: *group
      mode:
        description: Octal mode, as a string.
        type: str
        default: "0644"
      validate:
        description: Command that must accept new contents before they replace the file; C(%s) is the temporary file's path.
        type: str
      secret:
        description: Never show the contents in a diff.
        type: bool
        default: false
  links:
    description: Symbolic links, made after the files (a link may point at one of them).
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Absolute path of the link; its directory must exist or be listed in O(directories).
        type: path
        required: true
      src:
        description: What the link points at, as written in the link.
        type: str
        required: true
  absent:
    description: Files or links to remove when present, last. A directory here is an error.
    type: list
    elements: path
    default: []
  services:
    description:
      - systemd units to enable and start, after the paths, when C(systemctl is-enabled) does not say
        C(enabled) or C(systemctl is-active) fails. A name without a unit type is a service.
      - The action plugin answers from O(host_state) only when its C(services) part shows each enabled and
        active, as the filter C(scalemeet.jitsi.service_needs_action) reads it.
    type: list
    elements: str
    default: []
  record:
    description:
      - File on the host where the module records what it made of each path (root only), so that
        M(scalemeet.jitsi.host_state) can check them all in its one run. An empty string records nothing.
      - The record is a cache; a missing or unreadable one only means the module runs.
    type: path
    default: /var/lib/scalemeet/config_files.json
  host_state:
    description:
      - The result of M(scalemeet.jitsi.host_state) on this host, taken earlier in the run.
      - When every listed path is recorded, still as recorded, and asked for as recorded, and every unit of
        O(services) is enabled and active per its C(services) part, the action plugin answers unchanged
        without starting the module (one module run per task saved on a run with nothing to change).
      - Leave it out when this run may already have changed the paths since the probe, for example
        by installing or upgrading the package that owns them.
      - Read by the action plugin on the controller; never sent to the host.
    type: dict
"""

EXAMPLES = r"""
- name: Write time sync and limits settings
  scalemeet.jitsi.config_files:
    directories:
      - path: /etc/systemd/timesyncd.conf.d
    files:
      - path: /etc/systemd/timesyncd.conf.d/60-scalemeet.conf
        template: timesyncd.conf.j2
      - path: /etc/security/limits.d/60-scalemeet.conf
        template: limits.conf.j2
  register: settings

- name: The same, answered from the run's host probe when nothing changed since the last run
  scalemeet.jitsi.config_files:
    files:
      - path: /etc/security/limits.d/60-scalemeet.conf
        template: limits.conf.j2
    host_state: "{{ probe }}"  # registered from scalemeet.jitsi.host_state

- name: Write an nginx site, enable it and disable Debian's default
  scalemeet.jitsi.config_files:
    files:
      - path: /etc/nginx/sites-available/meet.example.org.conf
        template: site.conf.j2
        validate: nginx-check-site %s
    links:
      - path: /etc/nginx/sites-enabled/meet.example.org.conf
        src: /etc/nginx/sites-available/meet.example.org.conf
    absent:
      - /etc/nginx/sites-enabled/default
"""

RETURN = r"""
changed_paths:
  description: Paths created, changed or removed (or that would be, in check mode) - directories, files, links, then removed paths, each in the order given.
  returned: success
  type: list
  elements: str
  sample: [/etc/systemd/timesyncd.conf.d/60-scalemeet.conf]
started_services:
  description: The units of O(services) enabled or started (or that would be, in check mode).
  returned: success
  type: list
  elements: str
  sample: [nginx]
checked_with:
  description: C(host_state) when the action plugin answered from O(host_state) without a module run, C(module) otherwise.
  returned: success
  type: str
  sample: host_state
"""

from functools import partial

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.scalemeet.jitsi.plugins.module_utils.config_files import (
    ConfigFilesError, apply, diff, plan, services_to_start, start_services)
from ansible_collections.scalemeet.jitsi.plugins.module_utils import config_files_record as recorded
from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import StateFileError

_COMMON = dict(
    path=dict(type="path", required=True),
    owner=dict(type="str", default=recorded.OWNER),
    group=dict(type="str", default=recorded.GROUP),
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            directories=dict(type="list", elements="dict", default=[],
                             options=dict(_COMMON, mode=dict(type="str", default=recorded.DIRECTORY_MODE))),
            files=dict(type="list", elements="dict", default=[],
                       options=dict(_COMMON, mode=dict(type="str", default=recorded.FILE_MODE), content=dict(type="str"),
                                    template=dict(type="str"), validate=dict(type="str"), secret=dict(type="bool", default=False)),
                       mutually_exclusive=[("content", "template")], required_one_of=[("content", "template")]),
            links=dict(type="list", elements="dict", default=[],
                       options=dict(path=dict(type="path", required=True), src=dict(type="str", required=True))),
            absent=dict(type="list", elements="path", default=[]),
            services=dict(type="list", elements="str", default=[]),
            record=dict(type="path", default=recorded.DEFAULT_PATH),
            host_state=dict(type="dict"),  # the action plugin's; it never sends it
        ),
        supports_check_mode=True,
    )
    unrendered = [f["path"] for f in module.params["files"] if f["content"] is None]
    if unrendered:  # the action plugin renders templates; only a bypassed one leaves them
        module.fail_json(msg="config_files: template given but not rendered (the action plugin renders it) for %s"
                         % ", ".join(unrendered), path=unrendered[0])
    try:
        params = module.params
        steps = plan(params["directories"], params["files"], params["links"], params["absent"])
        result = dict(changed_paths=[s[1]["path"] for s in steps], checked_with="module")
        if module._diff and steps:
            result["diff"] = diff(steps)
        if not module.check_mode:
            apply(steps, lambda command: module.run_command(command, use_unsafe_shell=False))
            if params["record"]:
                recorded.record(params["record"], recorded.entries(
                    params["directories"], params["files"], params["links"], params["absent"]))
        # LC_ALL=C: systemctl's words are read, not a translation
        systemctl = partial(module.run_command, use_unsafe_shell=False, environ_update={"LC_ALL": "C"})
        pending = services_to_start(params["services"], systemctl)
        result.update(changed=bool(steps or pending), started_services=[unit for unit, _enable, _start in pending])
        if pending and not module.check_mode:
            start_services(pending, result["changed_paths"], systemctl)
    except ConfigFilesError as exc:
        module.fail_json(msg=str(exc), path=exc.path)
    except StateFileError as exc:
        module.fail_json(msg="the record of config_files: %s" % exc, path=exc.path)
    except OSError as exc:
        module.fail_json(msg="%s: %s" % (exc.filename, exc.strerror), path=exc.filename)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
