# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One probe per host and run: what every role's checks read, gathered in one module run.

- the installed packages (dpkg), read by the packages_missing and installed_version filters;
- the services' states (systemd), read by the service_needs_action filter;
- the open-file limit of PID 1, which caps what systemd can give services;
- what config_files last made of each path, and whether it still is (config_files_record);
- the calls recorded_call recorded, and whether their paths are still as they left them
  (call_record);
- the state of HAProxy's servers (drained or not), where its runtime socket exists, so the
  haproxy role's drains need no module run when they are as wanted (haproxy_runtime);
- the component secrets stores the module would leave as they are, so a request for secrets
  they hold needs no module run (secrets_store.probe);
- and, when asked, the host's facts, as the setup module gathers them: site.yml's fact
  gathering and the probe are then one module run per host instead of two.

Each of these was its own module run per host; a module run costs about as much as the
work it does here (docs/performance.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import time

from ansible.module_utils.facts import ansible_collector, default_collectors
from ansible.module_utils.facts.collector import CollectorNotFoundError, CycleFoundInFactDeps, UnresolvedFactDep
from ansible.module_utils.facts.namespace import PrefixFactNamespace

from ansible_collections.scalemeet.jitsi.plugins.module_utils import call_record, haproxy_runtime, secrets_store
from ansible_collections.scalemeet.jitsi.plugins.module_utils.config_files_record import probe

DPKG_ARGV = ["dpkg-query", "--show", "--showformat", "${Package}\t${Version}\t${db:Status-Abbrev}\n"]
# --all lists loaded units that are not running too; the filter reads exactly these properties.
SYSTEMCTL_ARGV = ["systemctl", "show", "--all", "--property=Id,ActiveState,UnitFileState", "*.service"]
PID1_LIMITS = "/proc/1/limits"
# What setup gathers for gather_subset: ['!all'] (its own list), so a subset means here what it
# means there.
MINIMAL_FACTS = frozenset(["apparmor", "caps", "cmdline", "date_time", "distribution", "dns", "env", "fips",
                           "local", "lsb", "pkg_mgr", "platform", "python", "selinux", "service_mgr",
                           "ssh_pub_keys", "user"])
_OPEN_FILES = re.compile(r"^Max open files\s+(\S+)\s+(\S+)", re.MULTILINE)


class HostStateError(Exception):
    """A query the probe needs failed; names the command or file."""


def pid1_open_files(limits_text):
    """PID 1's hard open-file limit from /proc/1/limits: a number, 'unlimited', or None when the
    line is missing."""
    match = _OPEN_FILES.search(limits_text)
    return match.group(2) if match else None


def _run(run_command, argv):
    rc, out, err = run_command(argv)
    if rc != 0:
        raise HostStateError("%s failed (rc %d): %s" % (" ".join(argv[:2]), rc, (err or out).strip()[-500:]))
    return out


def haproxy_servers(socket_path):
    """{"socket": the path, "backends": HAProxy's servers by backend} from its runtime socket, or
    None where HAProxy does not answer (not installed, stopped, mid-reload): the drain then asks
    HAProxy itself."""
    if not socket_path or not os.path.exists(socket_path):
        return None
    try:
        backends = haproxy_runtime.parse_server_states(haproxy_runtime.command(socket_path, "show servers state"))
    except haproxy_runtime.RuntimeApiError:
        return None
    return {"socket": socket_path, "backends": backends}


def gather(run_command, record_path, calls_path="", limits_path=PID1_LIMITS, haproxy_socket="", secrets_store_dir=""):
    """The probe's result. run_command(argv) -> (rc, stdout, stderr); an empty record path,
    socket or store directory leaves its part empty."""
    try:
        with open(limits_path) as f:
            limits = f.read()
    except (IOError, OSError) as exc:
        raise HostStateError("%s: %s" % (limits_path, exc))
    return {
        "packages": _run(run_command, DPKG_ARGV),
        "services": _run(run_command, SYSTEMCTL_ARGV),
        "pid1_open_files": pid1_open_files(limits),
        "config_files": probe(record_path) if record_path else {},
        "calls": call_record.probe(calls_path, time.time()) if calls_path else {},
        "haproxy": haproxy_servers(haproxy_socket),
        "secrets_stores": secrets_store.probe(secrets_store_dir) if secrets_store_dir else None,
    }


def collect_facts(module, gather_subset, gather_timeout):
    """The facts setup would return for gather_subset (its semantics, its collectors), or {} for
    an empty list. module is the running AnsibleModule: the collectors run their commands through it."""
    if not gather_subset:
        return {}
    try:
        collector = ansible_collector.get_ansible_collector(
            all_collector_classes=default_collectors.collectors,
            namespace=PrefixFactNamespace(namespace_name="ansible", prefix="ansible_"),
            filter_spec=[], gather_subset=gather_subset, gather_timeout=gather_timeout,
            minimal_gather_subset=MINIMAL_FACTS)
    except (TypeError, CollectorNotFoundError, CycleFoundInFactDeps, UnresolvedFactDep) as exc:
        raise HostStateError("gather_subset %s: %s" % (", ".join(gather_subset), exc))
    return collector.collect(module=module)
