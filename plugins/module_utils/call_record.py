# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The last result of module calls whose outcome depends only on their arguments and on a
few paths, kept on the host, so that the run's probe (host_state) can answer a repeat of the
call without starting the module (the recorded_call action plugin).

After a real run of such a call that changed nothing (a changing run's result, created:
true say, is not what a repeat returns), recorded_call records on the host, under a digest of
the module, its arguments and its paths: what each path is now (config_files_record's
entries: kind, owner, group, mode, SHA-256 or link target) and the module's result. Calls
delegated to one host from many (each bridge claiming its slot on the shard's host) each
have their own entry. host_state reports each entry with whether every path is still so
("intact") and its age. The controller reuses the result only for the same call, with every
path intact, and while the entry is younger than the task's max_age; anything else runs the
module. Entries not refreshed for PRUNE_AGE are dropped when the record is next written.
A missing or unreadable record only means the module runs.

Only for results that hold no secret: the record is 0600 root, but the probe carries it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import hashlib
import json
import os
import pwd
import stat

from ansible_collections.scalemeet.jitsi.plugins.module_utils.config_files_record import intact, sha256_of
from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import (
    ensure_private_dir, locked, read_cache_section, write_json_atomic)

FORMAT = 1
DEFAULT_PATH = "/var/lib/scalemeet/calls.json"
MAX_AGE = 86400
# An entry no run refreshed for a week belongs to arguments no longer asked for.
PRUNE_AGE = 7 * 86400
# Keys of a module's result that describe this run, not its outcome: never recorded.
_RUN_KEYS = ("changed", "invocation", "diff", "warnings", "deprecations", "failed", "msg", "checked_with")


def digest(module, args, paths):
    """The call's key: SHA-256 of the module's name, its arguments and the paths its result
    depends on."""
    text = json.dumps([module, args, list(paths)], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _name_of(lookup, number):
    try:
        return lookup(number)[0]
    except KeyError:
        return str(number)  # no name: intact() then finds no such user, and the call runs again


def describe(path):
    """What is at path now, as a config_files_record entry, for intact() to check later."""
    try:
        st = os.lstat(path)
    except OSError:
        return {"kind": "absent"}
    if stat.S_ISLNK(st.st_mode):
        return {"kind": "link", "src": os.readlink(path)}
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
        return {"kind": "other"}  # intact() never holds for it: such a call always runs
    entry = {"kind": "file" if stat.S_ISREG(st.st_mode) else "directory",
             "owner": _name_of(pwd.getpwuid, st.st_uid), "group": _name_of(grp.getgrgid, st.st_gid),
             "mode": "%04o" % stat.S_IMODE(st.st_mode)}
    if entry["kind"] == "file":
        entry["sha256"] = sha256_of(path)
    return entry


def outcome(result):
    """What of a module's result is worth recording (its outcome, not this run's details)."""
    return dict((k, v) for k, v in result.items() if k not in _RUN_KEYS and not k.startswith("_ansible"))


def _read(record_path):
    return read_cache_section(record_path, FORMAT, "calls")


def probe(record_path, now):
    """{digest: {module, result, age, intact}} of every recorded call; now: the host's clock."""
    probed = {}
    for key, entry in _read(record_path).items():
        try:
            paths = entry["paths"]
            whole = bool(paths) and all(intact(path, seen) for path, seen in paths.items())
            probed[key] = {"module": entry["module"], "result": entry["result"],
                           "age": now - float(entry["recorded"]), "intact": whole}
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # a damaged entry is as good as none
    return probed


def _fresh(entry, now):
    try:
        return now - float(entry["recorded"]) <= PRUNE_AGE
    except (KeyError, TypeError, ValueError):
        return False


def record(record_path, module, call_digest, paths, result, now):
    """Record a call that just ran and changed nothing: what each of its paths is now, and its
    outcome. Written after every such run, so max_age counts from the last one."""
    entry = {"module": module, "paths": dict((path, describe(path)) for path in paths),
             "result": outcome(result), "recorded": now}
    ensure_private_dir(os.path.dirname(record_path))
    with locked(record_path):
        calls = dict((key, seen) for key, seen in _read(record_path).items() if _fresh(seen, now))
        calls[call_digest] = entry
        write_json_atomic(record_path, {"format": FORMAT, "calls": calls})


def answer(probed, call_digest, max_age):
    """The recorded outcome of the call when the probe vouches for it, else None (run it)."""
    seen = probed.get(call_digest) if isinstance(probed, dict) else None
    if not isinstance(seen, dict) or seen.get("intact") is not True:
        return None
    age = seen.get("age")
    if not isinstance(age, (int, float)) or age < 0 or age > max_age:
        return None
    result = seen.get("result")
    return dict(result) if isinstance(result, dict) else None
